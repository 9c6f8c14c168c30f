"""Accessibility in a real browser: axe-core on every app page, keyboard-only use, 1280×720.

axe-core (Deque's engine, bundled by ``axe-playwright-python``) runs on every notebook in the
code-free app view (Voilà) after every widget and figure has rendered, with the WCAG 2.0, 2.1
and 2.2 A and AA rules and the best-practice rules. No serious or critical violation is
allowed; the results of every page (rules passed, violations by impact) are written to
``artifacts/axe-results.md`` for the record.

The keyboard tests answer a quiz question and change the reservoir simulator with Tab, Space,
Enter and the arrow keys only, at a projector's 1280×720.
"""

from __future__ import annotations

import pytest

from tests.browser.test_lab_notebooks import NOTEBOOKS, expected_outputs
from tests.browser.test_voila_app import RENDERED
from tests.support.browser import SCREENSHOTS

RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
RESULTS = SCREENSHOTS.parent / "axe-results.md"


#: The text of the focused element.
FOCUSED = "() => (document.activeElement.innerText || document.activeElement.value || '').trim()"


@pytest.fixture
def projector_page(playwright_browser):
    context = playwright_browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    yield page
    context.close()


def open_app(page, server, path):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _, n_widgets, n_plots = expected_outputs(path)
    page.goto(server.url(f"voila/render/{path.name}"), timeout=180_000)
    page.wait_for_function(RENDERED, arg=[n_widgets, n_plots], timeout=120_000)
    return errors


@pytest.fixture(scope="module")
def axe_record():
    rows: list[str] = []
    yield rows
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        "| page | rules passed | critical | serious | moderate | minor | moderate and minor "
        "rules |\n|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )


def run_axe(page) -> tuple[dict, dict[str, list[dict]], list[str]]:
    """Run axe-core on the page: its results, violations by impact, and the grave ones."""
    from axe_playwright_python.sync_playwright import Axe

    results = (
        Axe()
        .run(
            page,
            options={
                "runOnly": {"type": "tag", "values": RULE_TAGS},
                "resultTypes": ["violations", "passes"],
            },
        )
        .response
    )
    violations = results["violations"]
    by_impact = {
        impact: [v for v in violations if v["impact"] == impact]
        for impact in ("critical", "serious", "moderate", "minor")
    }
    grave = [
        f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in by_impact["critical"] + by_impact["serious"]
    ]
    return results, by_impact, grave


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_axe_finds_no_serious_or_critical_violation(
    projector_page, module_voila_server, path, axe_record
):
    page = projector_page
    errors = open_app(page, module_voila_server, path)
    results, by_impact, grave = run_axe(page)
    lesser = ", ".join(
        f"{v['id']} ({len(v['nodes'])})" for v in by_impact["moderate"] + by_impact["minor"]
    )
    axe_record.append(
        f"| {path.name} | {len(results['passes'])} | {len(by_impact['critical'])} | "
        f"{len(by_impact['serious'])} | {len(by_impact['moderate'])} | "
        f"{len(by_impact['minor'])} | {lesser or 'none'} |"
    )
    assert len(results["passes"]) > 10, "axe did not run on the page"
    assert grave == []
    assert errors == []


def test_a_quiz_answered_from_the_keyboard_only(projector_page, module_voila_server):
    page = projector_page
    path = next(p for p in NOTEBOOKS if p.name.startswith("05_"))
    open_app(page, module_voila_server, path)
    card = page.locator(".itb-quiz .itb-quiz-question").first
    first_radio = card.locator("input[type=radio]").first
    # Tab through the page until the quiz's first answer has the focus (no mouse).
    page.locator("body").focus()
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("(el) => document.activeElement === el", first_radio.element_handle()):
            break
    else:
        pytest.fail("the quiz's answers cannot be reached with Tab")
    # Each answer is a stop of its own (ipywidgets' radio buttons): Tab to the second, Space
    # to choose it, then Tab past the rest to Check.
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert card.locator("input[type=radio]").nth(1).is_checked()
    for _ in range(card.locator("input[type=radio]").count()):
        if page.evaluate(FOCUSED) == "Check":
            break
        page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "Check"
    page.keyboard.press("Enter")
    feedback = card.locator(".itb-quiz-feedback")
    page.wait_for_function(
        "(el) => el.innerText.trim().length > 0", arg=feedback.element_handle(), timeout=30_000
    )
    text = feedback.inner_text()
    assert any(mark in text for mark in ("✔ Correct.", "↻ Not yet.")), text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    card.screenshot(path=str(SCREENSHOTS / "keyboard-quiz-720.png"))


def test_the_simulator_changed_from_the_keyboard_only(projector_page, module_voila_server):
    page = projector_page
    path = next(p for p in NOTEBOOKS if p.name.startswith("02_"))
    open_app(page, module_voila_server, path)
    simulator = page.locator(".itb-simulator")
    dose = simulator.locator("input[type=number]").first
    before = simulator.inner_text()
    page.locator("body").focus()
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("(el) => document.activeElement === el", dose.element_handle()):
            break
    else:
        pytest.fail("the simulator's first number box cannot be reached with Tab")
    page.keyboard.press("ArrowUp")  # a number box steps with the arrow keys
    page.keyboard.press("Tab")  # leaving the box sends the value
    page.wait_for_function(
        "([sel, before]) => document.querySelector(sel).innerText !== before",
        arg=[".itb-simulator", before],
        timeout=30_000,
    )
    simulator.screenshot(path=str(SCREENSHOTS / "keyboard-simulator-720.png"))
