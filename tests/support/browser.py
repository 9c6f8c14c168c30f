"""Launch Debian's chromium through Playwright (never Playwright's own browser download)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

INSTALL_HINT = (
    "Chromium is needed for the browser tests. On Debian/Ubuntu: sudo apt-get install chromium "
    "(make test does this for you when it can); elsewhere install Chromium and set "
    "ITB_EDU_CHROMIUM=/path/to/chromium. Do not run 'playwright install'."
)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def chromium_path() -> str | None:
    """Return the chromium executable to use, or None when there is none."""
    for candidate in (
        os.environ.get("ITB_EDU_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def launch(playwright, executable: str):
    """Launch headless chromium with the flags this environment needs."""
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


def record_bundle_fetches(page) -> list[int]:
    """Return a list that fills with the HTTP status of each fetch of plotly's widget bundle.

    The course servers publish ``widgetbundle.js`` so that a page fetches it once, however
    many figure widgets it shows (see ``itb_edu/figure_widget.py``).
    """
    statuses: list[int] = []
    page.on(
        "response",
        lambda response: (
            statuses.append(response.status) if "/widgetbundle.js" in response.url else None
        ),
    )
    return statuses
