"""The refill-visit practice in the code-free app view (Voilà), in a real browser.

A learner works the routine refill's first steps with the mouse and the keyboard, gets a wrong
answer's consequence and a right answer's read-out, and chooses the catheter access port by
clicking the pump picture. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import pytest

from tests.support.browser import SCREENSHOTS

VISIT = "voila/render/04_refill_visit.ipynb"

#: Where a part of the pump picture is on the page: the middle of its trace, in pixels.
PART_CENTRE = """(part) => {
    const gd = document.querySelector('.itb-visit .js-plotly-plot');
    if (!gd || !gd._fullLayout || !gd._fullLayout.xaxis) { return null; }
    const trace = gd.data.find(t => t.meta === part);
    const xs = trace.x.filter(v => v !== null), ys = trace.y.filter(v => v !== null);
    const mid = a => (Math.min(...a) + Math.max(...a)) / 2;
    const full = gd._fullLayout, box = gd.getBoundingClientRect();
    return {
        x: box.left + full._size.l + full.xaxis.l2p(mid(xs)),
        y: box.top + full._size.t + full.yaxis.l2p(mid(ys)),
    };
}"""


#: The text of the focused element (a button's label).
FOCUSED = "() => document.activeElement.innerText.trim()"


def step_heading(page) -> str:
    return page.locator(".itb-visit .itb-visit-step").inner_text()


def feedback(page):
    return page.locator(".itb-visit .itb-visit-feedback")


def wait_for_feedback(page, words: str) -> str:
    page.wait_for_function(
        "(words) => document.querySelector('.itb-visit .itb-visit-feedback')"
        ".innerText.includes(words)",
        arg=words,
        timeout=30_000,
    )
    return feedback(page).inner_text()


def wait_for_step(page, number: int) -> None:
    page.wait_for_function(
        "(n) => document.querySelector('.itb-visit .itb-visit-step')"
        ".innerText.startsWith('Step ' + n + ' of 12')",
        arg=number,
        timeout=30_000,
    )


def button(page, name: str):
    return page.locator(".itb-visit").get_by_role("button", name=name)


def choose(page, words: str) -> None:
    page.locator(".itb-visit .itb-visit-choices label", has_text=words).click()


@pytest.fixture
def visit(page, voila_server):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(voila_server.url(VISIT), timeout=180_000)
    page.locator(".itb-visit .itb-visit-choices input[type=radio]").first.wait_for(timeout=120_000)
    wait_for_step(page, 1)
    yield page
    assert errors == []


def test_the_first_steps_of_the_routine_refill(visit):
    page = visit
    body = page.inner_text("body")
    assert "visit_app(" not in body
    assert "nb.setup()" not in body
    assert "A routine refill" in page.locator(".itb-visit").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # Step 1 with the mouse: a wrong answer first, then the right one.
    choose(page, "Greet the patient by name")
    button(page, "Check").click()
    text = wait_for_feedback(page, "Not right")
    assert "Try again" in text
    assert "two identifiers" in text
    assert step_heading(page).startswith("Step 1 of 12")
    page.locator(".itb-visit").screenshot(path=str(SCREENSHOTS / "voila-visit-wrong.png"))
    choose(page, "full name and date of birth")
    button(page, "Check").click()
    wait_for_feedback(page, "✔ Right.")
    button(page, "Next step").click()
    wait_for_step(page, 2)

    # Step 2 with the keyboard only: the focus is on Check; Shift+Tab back through the three
    # answers to the first, Space to choose it, Tab forward to Check, Enter.
    page.wait_for_function(f"() => ({FOCUSED})() === 'Check'", timeout=30_000)
    for _ in range(3):
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "Check"
    page.keyboard.press("Enter")
    wait_for_feedback(page, "✔ Right.")
    page.wait_for_function(f"() => ({FOCUSED})() === 'Next step'", timeout=30_000)
    page.keyboard.press("Enter")
    wait_for_step(page, 3)

    # Step 3: the interrogation's read-out.
    choose(page, "Interrogate the pump")
    button(page, "Check").click()
    text = wait_for_feedback(page, "The programmer reads")
    assert "Sunday 5 April 2026 at 09:00" in text
    button(page, "Next step").click()
    wait_for_step(page, 4)

    # Step 4: click the catheter access port on the pump picture.
    page.wait_for_function(f"() => ({PART_CENTRE})('catheter_access_port') !== null")
    page.locator(".itb-visit .js-plotly-plot").scroll_into_view_if_needed()
    point = page.evaluate(PART_CENTRE, "catheter_access_port")
    page.mouse.move(point["x"], point["y"])
    page.mouse.click(point["x"], point["y"])
    chosen = page.locator(".itb-visit .itb-visit-choices input[type=radio]:checked")
    chosen.wait_for(timeout=30_000)
    label = page.locator(".itb-visit .itb-visit-choices label:has(input:checked)")
    assert "smaller port near the edge" in label.inner_text()
    page.locator(".itb-visit").screenshot(path=str(SCREENSHOTS / "voila-visit-port.png"))
    button(page, "Check").click()
    text = wait_for_feedback(page, "dangerous")
    assert "40,000 mcg would reach the spinal fluid at once" in text
    assert "Monday 30 March 2026 at 09:30" in text
    assert "Traceback" not in page.inner_text("body")
    feedback(page).screenshot(path=str(SCREENSHOTS / "voila-visit-port-feedback.png"))


def row(page, label: str):
    """The control beside its message, found by the control's label."""
    return page.locator(".itb-visit .widget-hbox", has=page.get_by_text(label, exact=True)).first


def test_a_whole_visit_to_the_debrief_and_the_card(visit):
    """The routine refill to its end, each answer from the engine's own key."""
    from itb_edu.visit import act, right_action, start, view

    page = visit
    state = start("routine")
    while not state.finished:
        action = right_action(state)
        wait_for_step(page, state.step_index + 1)
        if action.fill_volume_ml is not None:
            box = row(page, "Fill volume (mL)").locator("input")
            box.fill("25")  # more than the reservoir: a message beside the box
            button(page, "Check").click()
            row(page, "Fill volume (mL)").get_by_text("reservoir", exact=False).wait_for()
            row(page, "Fill volume (mL)").screenshot(
                path=str(SCREENSHOTS / "voila-visit-fill-message.png")
            )
            box.fill(f"{action.fill_volume_ml:g}")
        elif action.programme is not None:
            p = action.programme
            row(page, "Dose").locator("input").fill(f"{p.dose:g}")
            row(page, "Dose unit").locator("select").select_option(label=p.unit)
            row(page, "Concentration in the pump").locator("select").select_option(
                label=f"{p.concentration_mcg_per_ml:g} mcg/mL"
            )
            if p.new_volume_entered:
                page.locator(
                    ".itb-visit .widget-checkbox", has_text="new reservoir volume"
                ).locator("input").check()
            page.locator(".itb-visit-programmer").screenshot(
                path=str(SCREENSHOTS / "voila-visit-programmer.png")
            )
        else:
            words = {c.choice_id: c.text for c in view(state).choices}[action.choice_id]
            choose(page, words[:40])
        button(page, "Enter the programme" if action.programme else "Check").click()
        wait_for_feedback(page, "✔ Right.")
        state, _ = act(state, action)
        button(page, "See the debrief" if state.finished else "Next step").click()
    debrief = page.locator(".itb-visit .itb-visit-debrief")
    debrief.get_by_text("Hazards caught at the first try: 2 of 2.").wait_for()
    card = page.locator(".itb-visit .itb-visit-card")
    assert "Sunday 28 June 2026 at 09:00" in card.inner_text()
    button(page, "Prepare calendar file").click()
    link = page.locator(".itb-visit a[download='pump_alarm_date.ics']")
    link.wait_for()
    assert link.get_attribute("href").startswith("data:text/calendar;base64,")
    # Viewport screenshots: an element taller than the window is not drawn whole.
    page.locator(".itb-visit .itb-visit-step").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "voila-visit-debrief.png"))
    card.scroll_into_view_if_needed()
    page.locator(".itb-visit-card-table").screenshot(path=str(SCREENSHOTS / "voila-visit-card.png"))
    assert "Traceback" not in page.inner_text("body")


def enter_programme(page, programme) -> None:
    row(page, "Dose").locator("input").fill(f"{programme.dose:g}")
    row(page, "Dose unit").locator("select").select_option(label=programme.unit)
    row(page, "Concentration in the pump").locator("select").select_option(
        label=f"{programme.concentration_mcg_per_ml:g} mcg/mL"
    )
    for words, ticked in (
        ("bridge bolus", programme.bridge_bolus),
        ("new reservoir volume", programme.new_volume_entered),
    ):
        box = page.locator(".itb-visit .widget-checkbox", has_text=words).locator("input")
        box.check() if ticked else box.uncheck()


SCENARIO_TITLES = {
    "routine": "A routine refill",
    "concentration-change": "A refill with a concentration change",
    "residual-low": "Less comes back than expected",
    "residual-high": "More comes back than expected",
    "hard-to-palpate": "A pump that is hard to feel",
    "units": "An order in micrograms per hour",
    "label-mismatch": "The label does not match the order",
    "restart": "A restart after a break in therapy",
    "new-volume": "A busy clinic and the new volume",
    "eri": "A child near the replacement indicator",
}


@pytest.mark.parametrize("scenario_id", list(SCENARIO_TITLES))
def test_every_wrong_option_plays_out_then_the_right_one_moves_on(visit, scenario_id):
    """Each scenario worked in the app view: at each step every wrong option first (the
    engine's own rules say which), then the right one. At the programme: a dose per hour, a
    wrong concentration, a forgotten volume and (where the concentration changes) a missing
    bridge bolus, each caught by the review's double check and sent back. A shadow visit in the
    engine takes the same actions, so the debrief on screen must match it."""
    from dataclasses import replace

    from itb_edu.visit import STEPS, Action, act, debrief, right_action, start, view

    page = visit
    if scenario_id != "routine":
        page.locator(".itb-visit select").first.select_option(label=SCENARIO_TITLES[scenario_id])
    wait_for_step(page, 1)
    state = start(scenario_id)
    wrong_seen = 0
    program_step = STEPS.index("program") + 1
    while not state.finished:
        wait_for_step(page, state.step_index + 1)
        right = right_action(state)
        if right.fill_volume_ml is not None:
            box = row(page, "Fill volume (mL)").locator("input")
            box.fill(f"{right.fill_volume_ml - 2:g}")
            button(page, "Check").click()
            state, outcome = act(state, Action(fill_volume_ml=right.fill_volume_ml - 2))
            wait_for_feedback(page, outcome.message[:40])
            wrong_seen += 1
            box.fill(f"{right.fill_volume_ml:g}")
        elif right.programme is not None:
            good = right.programme
            slips = [
                replace(good, unit="mcg/h"),
                # another strength on offer (the programmer lists 50, 500, 1000, 2000 mcg/mL)
                replace(
                    good,
                    concentration_mcg_per_ml=2000
                    if good.concentration_mcg_per_ml != 2000
                    else 1000,
                ),
                replace(good, new_volume_entered=False),
            ]
            if good.bridge_bolus:
                slips.append(replace(good, bridge_bolus=False))
            for slip in slips:
                enter_programme(page, slip)
                button(page, "Enter the programme").click()
                wait_for_feedback(page, "✔ Right.")
                state, _ = act(state, Action(programme=slip))
                button(page, "Next step").click()
                wait_for_step(page, program_step + 1)
                choose(page, "Compare every line")
                button(page, "Check").click()
                state, caught = act(state, Action("send-after-check"))
                assert caught.consequence is not None
                text = wait_for_feedback(page, "goes back")
                assert caught.consequence.summary[:60] in text
                wrong_seen += 1
                button(page, f"Back to step {program_step}").click()
                wait_for_step(page, program_step)
            enter_programme(page, good)
        else:
            shown = view(state)
            for choice in shown.choices:
                if choice.choice_id == right.choice_id:
                    continue
                trial, outcome = act(state, Action(choice.choice_id))
                if outcome.correct:
                    continue  # another right option (the template, say)
                choose(page, choice.text[:40])
                button(page, "Check").click()
                text = wait_for_feedback(page, outcome.message[:40])
                assert "Not right" in text
                state = trial
                wrong_seen += 1
            words = {c.choice_id: c.text for c in shown.choices}[right.choice_id]
            choose(page, words[:40])
        button(page, "Enter the programme" if right.programme else "Check").click()
        wait_for_feedback(page, "✔ Right.")
        state, _ = act(state, right)
        button(page, "See the debrief" if state.finished else "Next step").click()
    expected = debrief(state)
    shown_debrief = page.locator(".itb-visit .itb-visit-debrief")
    shown_debrief.get_by_text(
        f"Hazards caught at the first try: {expected.hazards_caught} of {expected.hazards_met}."
    ).wait_for()
    # Every wrong option up to the end: 20 or more in a completed visit, 9 before a stop.
    assert wrong_seen >= (20 if state.outcome == "completed" else 9)
    assert "Traceback" not in page.inner_text("body")


def test_an_unexplained_residual_stops_the_visit(visit):
    """Less comes back than expected: continuing is wrong, stopping ends the visit."""
    from itb_edu.visit import Action, act, right_action, start

    page = visit
    page.locator(".itb-visit select").first.select_option(label="Less comes back than expected")
    wait_for_step(page, 1)
    state = start("residual-low")
    while state.step_id != "aspirate":
        action = right_action(state)
        choose(page, {c.choice_id: c.text for c in view_choices(state)}[action.choice_id][:40])
        button(page, "Check").click()
        wait_for_feedback(page, "✔ Right.")
        state, _ = act(state, action)
        button(page, "Next step").click()
        wait_for_step(page, state.step_index + 1)
    choose(page, "Continue with the refill")
    button(page, "Check").click()
    text = wait_for_feedback(page, "Not right")
    assert "Refilling now would hide the cause" in text
    choose(page, "Stop: do not refill")
    button(page, "Check").click()
    wait_for_feedback(page, "✔ Right.")
    state, _ = act(state, Action("stop"))
    button(page, "See the debrief").click()
    page.locator(".itb-visit .itb-visit-debrief").get_by_text(
        "Visit stopped and escalated"
    ).wait_for()
    assert page.locator(".itb-visit .itb-visit-card").inner_text().strip() == ""


def view_choices(state):
    from itb_edu.visit import view

    return view(state).choices
