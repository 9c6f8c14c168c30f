"""A live room in a real browser: an educator's projector page and learners' pages, each with
its own kernel on the course's Voilà server, sharing the test session's room store.

The educator opens a room; three learners open the join link (the code comes from the link),
answer, and the projector counts them without a reload; the reveal reaches the learners'
pages; a second vote after discussion is drawn beside the first; closing the room ends it on
every page.
"""

from __future__ import annotations

import re

from itb_edu.room import room_question
from tests.browser.test_accessibility import run_axe
from tests.support.browser import SCREENSHOTS

EDUCATOR = "voila/render/07_live_room.ipynb"
TITLE = ".itb-room-educator .gtitle"


def open_page(browser, url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url, timeout=180_000)
    return page, errors


def test_a_two_vote_round_with_three_learners_end_to_end(playwright_browser, module_voila_server):
    question = room_question("em-04")
    right = question.right[0]
    wrong = next(c for c in question.choices if c != right)

    projector, errors = open_page(playwright_browser, module_voila_server.url(EDUCATOR))
    projector.get_by_role("button", name="Open a room on this question").click(timeout=120_000)
    code_box = projector.locator(".itb-room-code")
    code_box.wait_for(timeout=30_000)
    code = code_box.inner_text().strip()
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{6}", code)
    link = projector.locator(".itb-room-join a").get_attribute("href")
    assert link.endswith(f"code={code}")
    assert projector.locator(".itb-room-join svg title").text_content().startswith("QR code")
    projector.locator(TITLE).filter(has_text="vote 1: 0 answers (hidden)").wait_for(timeout=30_000)

    learners = []
    for _ in range(3):
        page, page_errors = open_page(playwright_browser, link)
        page.get_by_text(f"You are in room {code}").wait_for(timeout=120_000)
        learners.append((page, page_errors))
    for n, (page, _) in enumerate(learners):
        page.get_by_role("radio", name=re.compile(re.escape(right if n == 0 else wrong))).check()
        page.get_by_role("button", name="Send my answer").click()
        page.get_by_text("Your answer is in").wait_for(timeout=30_000)

    # The projector follows the store by itself: no click, no reload.
    projector.locator(TITLE).filter(has_text="vote 1: 3 answers (hidden)").wait_for(timeout=30_000)
    assert "The result" not in learners[0][0].locator(".itb-room-learner").inner_text()

    projector.get_by_role("button", name="Reveal the result").click()
    projector.get_by_text("Vote 1: 3 answers: A 2, B (right) 1, C 0.").wait_for(timeout=30_000)
    for n, (page, _) in enumerate(learners):
        page.locator(".itb-room-learner h4", has_text="The result").wait_for(timeout=30_000)
        mark = "✔ right" if n == 0 else "✘ not right"
        assert mark in page.locator(".itb-room-learner").inner_text()

    projector.get_by_role("button", name="Vote again (after discussion)").click()
    for page, _ in learners:
        page.get_by_text("Vote 2 (after discussion").wait_for(timeout=30_000)
        page.get_by_role("radio", name=re.compile(re.escape(right))).check()
        page.get_by_role("button", name="Send my answer").click()
        page.get_by_text("Your answer is in").wait_for(timeout=30_000)
    projector.locator(TITLE).filter(has_text="vote 2: 3 answers (hidden)").wait_for(timeout=30_000)
    projector.get_by_role("button", name="Reveal the result").click()
    projector.get_by_text("Vote 2: 3 answers: A 0, B (right) 3, C 0.").wait_for(timeout=30_000)
    legend = projector.locator(".itb-room-educator .legendtext").all_text_contents()
    assert legend == ["Vote 1", "Vote 2"]
    notes = projector.locator(".itb-room-educator .annotation-text").all_text_contents()
    assert "The result is hidden until you reveal it." not in notes  # gone after the reveal

    # The live pages as the room sees them (revealed, two votes): axe-core, as on every page.
    for live in (projector, learners[1][0]):
        results, _, grave = run_axe(live)
        assert len(results["passes"]) > 10
        assert grave == []

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    projector.screenshot(path=str(SCREENSHOTS / "live-room-projector.png"))
    learners[1][0].locator(".itb-room-learner").screenshot(
        path=str(SCREENSHOTS / "live-room-learner.png")
    )

    projector.get_by_role("button", name="Close the room…").click()
    projector.get_by_role("button", name="Yes, close it and delete the answers").click()
    projector.get_by_text(f"Room {code} is closed and its answers are deleted.").wait_for(
        timeout=30_000
    )
    for page, _ in learners:
        page.get_by_text("The educator has closed the room.").wait_for(timeout=30_000)
    for page, page_errors in [(projector, errors), *learners]:
        assert page_errors == []
        page.context.close()


def test_a_wrong_code_gets_a_plain_message_beside_the_box(page, module_voila_server):
    page.goto(module_voila_server.url("voila/render/08_join_room.ipynb"), timeout=180_000)
    box = page.get_by_role("textbox", name="Room code")
    box.fill("zzzzzz", timeout=120_000)
    page.get_by_role("button", name="Join").click()
    page.get_by_text("There is no room with the code 'ZZZZZZ'").wait_for(timeout=30_000)
    assert box.input_value() == "zzzzzz"  # what was typed is kept


def test_a_numeric_question_is_a_histogram_against_the_engines_answer(
    playwright_browser, module_voila_server
):
    from itb_edu.apps.room import _question_options

    label = next(text for text, question_id in _question_options() if question_id == "rs-n2")
    projector, errors = open_page(playwright_browser, module_voila_server.url(EDUCATOR))
    projector.get_by_label("Question").select_option(label=label, timeout=120_000)
    projector.get_by_role("button", name="Open a room on this question").click()
    link = projector.locator(".itb-room-join a").get_attribute("href", timeout=30_000)
    pages = []
    for typed in ("90", "45,5"):  # the engine's answer, and a slip (typed with a comma)
        page, page_errors = open_page(playwright_browser, link)
        page.get_by_text("You are in room").wait_for(timeout=120_000)
        box = page.get_by_role("textbox", name="Your answer [days]")
        box.fill("ninety")
        page.get_by_role("button", name="Send my answer").click()
        page.get_by_text("Type a number, for example 12.5").wait_for(timeout=30_000)
        box.fill(typed)
        page.get_by_role("button", name="Send my answer").click()
        page.get_by_text("Your answer is in").wait_for(timeout=30_000)
        pages.append((page, page_errors))
    projector.locator(TITLE).filter(has_text="vote 1: 2 answers (hidden)").wait_for(timeout=30_000)
    projector.get_by_role("button", name="Reveal the result").click()
    projector.get_by_text(
        "Vote 1: 2 answers; from 45.5 to 90 days, middle value 90; 1 within 0.5 days of the "
        "engine's 90 days."
    ).wait_for(timeout=30_000)
    notes = projector.locator(".itb-room-educator .annotation-text").all_text_contents()
    assert "The engine: 90 days" in notes
    right, slip = pages
    for page, _ in pages:  # each learner's page polls the store once a second
        page.locator(".itb-room-learner h4", has_text="The result").wait_for(timeout=30_000)
    assert "✔ right" in right[0].locator(".itb-room-learner").inner_text()
    assert "✘ not right" in slip[0].locator(".itb-room-learner").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    projector.locator(".itb-room-educator .js-plotly-plot").screenshot(
        path=str(SCREENSHOTS / "live-room-histogram.png")
    )
    projector.get_by_role("button", name="Close the room…").click()
    projector.get_by_role("button", name="Yes, close it and delete the answers").click()
    for page, page_errors in [(projector, errors), *pages]:
        assert page_errors == []
        page.context.close()
