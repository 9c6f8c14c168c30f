"""Fixtures for the real-browser tests: chromium, JupyterLab and Voilà on loopback."""

from __future__ import annotations

import os

import pytest

from tests.support import browser, servers


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = browser.chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(browser.INSTALL_HINT)
        pytest.skip(browser.INSTALL_HINT)
    return path


@pytest.fixture(scope="module")
def playwright_browser(chromium_executable):
    # Module scope: Playwright's sync API keeps an event loop running in this thread while it
    # is open, which would break later tests that call asyncio.run().
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = browser.launch(playwright, chromium_executable)
        yield chromium
        chromium.close()


@pytest.fixture
def page(playwright_browser):
    context = playwright_browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    server = servers.start_lab(tmp_path_factory.mktemp("lab"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory):
    server = servers.start_voila(tmp_path_factory.mktemp("voila"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def module_voila_server(tmp_path_factory):
    """A Voilà server of the test module's own, as ``make app`` starts it.

    Every page a test opens starts a kernel, and the course's Voilà configuration keeps an
    idle kernel for 15 minutes under a cap of 40 (etc/voila.json). Modules that open many pages
    use a server of their own, so that the whole browser suite never meets the cap that a room
    of learners would not reach either.
    """
    server = servers.start_voila(tmp_path_factory.mktemp("voila-module"))
    yield server
    server.stop()
