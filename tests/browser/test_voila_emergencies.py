"""The emergency cases in the code-free app view (Voilà), in a real browser.

Every case is played to a good outcome (the checklist's right actions, in order) and to a bad
one (waiting), each compared with the same actions played headless by the engine; one case is
played from the keyboard only; a harmful choice is stopped; the teach-back practice is worked.
Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import pytest

from itb_edu import cases
from itb_edu.case_presentation import GROUP_WORDS
from tests.support.browser import SCREENSHOTS

EMERGENCIES = "voila/render/05_emergencies.ipynb"
CASES = cases.load_cases()
CHECKLIST = cases.checklist()


def option(action_id: str) -> str:
    item = CHECKLIST[action_id]
    return f"{GROUP_WORDS[item.group]}: {item.label}"


def app(page):
    return page.locator(".itb-case")


def select(page, label: str):
    return app(page).locator(".widget-dropdown", has_text=label).locator("select")


#: The feedback and the patient panel's text together (one changes after every action).
PANELS = (
    "() => ['.itb-case-feedback', '.itb-case-patient'].map("
    "c => document.querySelector('.itb-case ' + c).innerText).join('\\n')"
)


def do(page, action_id: str) -> str:
    """Choose an action with the mouse, press Do it, and wait for the engine's answer."""
    before = page.evaluate(PANELS)
    select(page, "Your next action").select_option(label=option(action_id))
    app(page).get_by_role("button", name="Do it").click()
    page.wait_for_function(
        f"([before, words]) => {{ const now = ({PANELS})(); "
        "return now !== before && now.includes(words); }",
        arg=[before, CHECKLIST[action_id].label],
        timeout=30_000,
    )
    return app(page).locator(".itb-case-feedback").inner_text()


def choose_case(page, case_id: str) -> None:
    select(page, "Case").select_option(label=CASES[case_id].title)
    page.wait_for_function(
        "(title) => document.querySelector('.itb-case').innerText.includes(title) && "
        "document.querySelector('.itb-case .itb-case-feedback').innerText === ''",
        arg=CASES[case_id].title,
        timeout=30_000,
    )


def debrief_text(page) -> str:
    locator = app(page).locator(".itb-case-debrief")
    locator.locator("h3").wait_for(timeout=30_000)
    return locator.inner_text()


@pytest.fixture
def emergencies(page, module_voila_server):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(module_voila_server.url(EMERGENCIES), timeout=180_000)
    select(page, "Your next action").wait_for(timeout=120_000)
    page.locator(".itb-case .js-plotly-plot").wait_for(timeout=60_000)
    yield page
    assert errors == []


@pytest.mark.parametrize("case_id", list(CASES))
def test_every_case_to_a_good_and_to_a_bad_outcome(emergencies, case_id):
    page = emergencies
    body = page.inner_text("body")
    assert "case_app(" not in body
    assert "nb.setup()" not in body
    choose_case(page, case_id)

    # Good: the checklist's right actions, as the engine plays them headless.
    shadow = cases.start(case_id)
    for action_id in cases.best_actions(case_id):
        do(page, action_id)
        shadow, _ = cases.act(shadow, action_id)
    assert shadow.outcome == "good"
    text = debrief_text(page)
    assert cases.OUTCOMES["good"] in text
    assert "✘ missed" not in text
    sheet = app(page).locator(".itb-case-sheet")
    sheet.locator("h3").wait_for(timeout=30_000)
    assert "The family's take-home sheet" in sheet.inner_text()
    assert app(page).get_by_role("button", name="Do it").is_disabled()
    if case_id == "withdrawal-missed-refill":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        app(page).screenshot(path=str(SCREENSHOTS / "voila-case-good.png"))

    # Bad: start again and wait.
    app(page).get_by_role("button", name="Start again").click()
    page.wait_for_function(
        "() => document.querySelector('.itb-case .itb-case-debrief').innerText === ''",
        timeout=30_000,
    )
    shadow = cases.start(case_id)
    while not shadow.finished:
        do(page, "wait-8h")
        shadow, _ = cases.act(shadow, "wait-8h")
    assert shadow.outcome == "life-threatening"
    text = debrief_text(page)
    assert cases.OUTCOMES["life-threatening"] in text
    assert "✘ missed" in text
    assert CASES[case_id].stages[-1].summary in app(page).locator(".itb-case-patient").inner_text()


def test_a_harmful_choice_is_stopped_on_the_page(emergencies):
    page = emergencies
    choose_case(page, "overdose-after-refill")
    text = do(page, "physostigmine")
    assert "✘ Stopped: this would harm the patient" in text
    assert "What would follow if nothing better were done" in text
    assert "Time since you met the patient: 0 min" in app(page).inner_text()
    page.locator(".itb-case").screenshot(path=str(SCREENSHOTS / "voila-case-stopped.png"))


def test_a_case_from_the_keyboard_only(emergencies):
    page = emergencies
    labels = select(page, "Your next action").evaluate(
        "(s) => Array.from(s.options).map(o => o.text.replaceAll('\\u00a0', ' '))"
    )
    target = labels.index(option("pump-card"))
    # Tab from the case list through Start again to the action list.
    select(page, "Case").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.tagName") == "SELECT"
    # Arrow down through the list (from no selection) until the pump card is chosen.
    index = "() => document.activeElement.selectedIndex"
    for _ in range(len(labels)):
        if page.evaluate(index) == target:
            break
        page.keyboard.press("ArrowDown")
        page.wait_for_timeout(150)  # at a person's pace: each choice reaches the kernel
    assert page.evaluate(index) == target
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.innerText.trim()") == "Do it"
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('.itb-case .itb-case-feedback').innerText"
        ".includes('alarm date')",
        timeout=30_000,
    )
    assert "✔ Done" in app(page).locator(".itb-case-feedback").inner_text()
    assert "Time since you met the patient: 5 min" in app(page).inner_text()


def test_teach_back_on_the_page(emergencies):
    page = emergencies
    practice = page.locator(".itb-teach-back")
    practice.locator("label", has_text="Do you understand when to call?").click()
    practice.get_by_role("button", name="Check").click()
    practice.get_by_text("Not this one").wait_for(timeout=30_000)
    practice.locator("label", has_text="I want to be sure I explained it clearly").click()
    practice.get_by_role("button", name="Check").click()
    practice.get_by_text("The patient answers (fictional)").wait_for(timeout=30_000)
    practice.get_by_role("button", name="Re-teach and check again").click()
    practice.get_by_text("Not understood: very sleepy").wait_for(timeout=30_000)
    practice.screenshot(path=str(SCREENSHOTS / "voila-teach-back.png"))
