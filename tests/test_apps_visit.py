"""Tests for itb_edu.apps.visit, without a browser: set a control, press a button, read the text.

The right answers come from the engine's own key (:func:`itb_edu.visit.right_action`), so these
tests check the widgets, not the clinical rules (``tests/test_visit.py`` does that).
"""

from __future__ import annotations

import base64
import re
from datetime import date

import ipywidgets as widgets
import pytest
from icalendar import Calendar

from itb_edu.apps.visit import VISIT_CONTROLS, visit_app
from itb_edu.errors import ParameterError
from itb_edu.figures.anatomy import HIGHLIGHT_COLOR
from itb_edu.visit import STEPS, Action, load_scenarios, right_action


def text(html: str) -> str:
    """The words a learner reads: styles and tags dropped, entities kept as they are."""
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def enter(app, action: Action) -> None:
    """Put an engine action into the app's controls (as a learner would) and press the button."""
    if action.fill_volume_ml is not None:
        app.controls["fill_volume"].value = action.fill_volume_ml
    elif action.programme is not None:
        p = action.programme
        app.controls["dose"].value = p.dose
        app.controls["unit"].value = p.unit
        app.controls["concentration"].value = p.concentration_mcg_per_ml
        app.controls["bridge_bolus"].value = p.bridge_bolus
        app.controls["new_volume"].value = p.new_volume_entered
    else:
        app.choices.value = action.choice_id
    app.check_button.click()


def go_to(app, step_id: str) -> None:
    """Answer every step right until ``step_id`` is on screen."""
    while app.state.step_id != step_id:
        enter(app, right_action(app.state))
        app.next_button.click()


def visible(widget: widgets.Widget) -> bool:
    return widget.layout.display != "none"


def click_picture(app, part_id: str) -> None:
    """Send the message the browser sends when a part of the pump picture is clicked."""
    (index,) = [i for i, t in enumerate(app.figure.data) if t.meta == part_id]
    app.figure._js2py_pointsCallback = {
        "event_type": "plotly_click",
        "points": {"trace_indexes": [index], "point_indexes": [None], "xs": [0], "ys": [0]},
        "device_state": None,
        "selector": None,
    }


def outline(app, part_id: str) -> tuple[str, float]:
    """Colour and width of a part's outline on the pump picture."""
    (trace,) = [t for t in app.figure.data if t.meta == part_id]
    return trace.line.color, trace.line.width


def all_text(widget: widgets.Widget) -> str:
    """Every string a learner can see in the widget tree (values, labels, options)."""
    found = []
    for attr in ("value", "description", "placeholder", "tooltip"):
        value = getattr(widget, attr, None)
        if isinstance(value, str):
            found.append(value)
    for option in getattr(widget, "options", ()) or ():
        found.append(str(option[0] if isinstance(option, tuple) else option))
    for child in getattr(widget, "children", ()):
        found.append(all_text(child))
    return "\n".join(found)


@pytest.fixture
def app():
    return visit_app()


def test_starts_at_step_one_of_the_routine_refill(app):
    assert app.scenario.value == "routine"
    assert app.scenario.options[0] == ("A routine refill", "routine")
    assert len(app.scenario.options) == len(load_scenarios())
    assert "Mr A. Okafor (fictional)" in app.story.value
    assert text(app.step.value).startswith(f"Step 1 of {len(STEPS)}: Confirm the patient")
    assert "What you know now" in app.facts.value
    assert "Today&#x27;s order" in app.facts.value
    assert app.choices.value is None  # nothing chosen for the learner
    assert [value for _, value in app.choices.options] == ["two-ids", "name-only", "room"]
    assert app.check_button.description == "Check"
    assert not visible(app.next_button)
    assert not visible(app.fill_box)
    assert not visible(app.program_box)
    assert app.figure is None  # made at the port step only
    assert app.controls["unit"].options[0] == "mcg/day"
    assert [v for _, v in app.controls["concentration"].options] == [50.0, 500.0, 1000.0, 2000.0]


def test_check_without_an_answer_asks_for_one(app):
    app.check_button.click()
    assert "Choose an answer first" in app.messages["choice"].value
    assert app.state.history == ()
    app.choices.value = "two-ids"
    assert app.messages["choice"].value == ""


def test_routine_refill_worked_right_to_the_end_with_the_card(app):
    steps_seen = []
    while not app.state.finished:
        steps_seen.append(text(app.step.value).split(":")[0])
        enter(app, right_action(app.state))
        feedback = text(app.feedback.value)
        assert feedback.startswith("✔ Right."), feedback
        assert "Sources (" in feedback
        assert visible(app.next_button)
        assert not visible(app.check_button)
        assert app.choices.disabled
        assert app.controls["dose"].disabled
        if app.state.step_id == "find-port":  # the interrogation's read-out was shown
            assert "The programmer reads" in feedback
            assert "Expected reservoir volume now 3.20 mL" in feedback
        app.next_button.click()
    assert steps_seen == [f"Step {n} of 12" for n in range(1, 13)]
    assert app.next_button.description == "See the debrief"
    debrief = text(app.debrief.value)
    assert "Debrief: A routine refill" in debrief
    assert "Visit completed" in debrief
    assert "Hazards caught at the first try: 2 of 2." in debrief
    assert debrief.count("✔ right at the first try") == 12
    assert "Where the needle goes (a hazard of this scenario)" in debrief
    assert "The Joint Commission. National Patient Safety Goals" in debrief  # full citation
    card = text(app.card.value)
    assert visible(app.card_box)
    assert "Alarm-date card for the patient (teaching example, fictional patient)" in card
    assert "Low-reservoir alarm date Sunday 28 June 2026 at 09:00" in card
    assert "Book the next refill by Thursday 25 June 2026" in card
    assert "Refilled Monday 30 March 2026 at 09:00" in card

    app.calendar_button.click()
    link = app.calendar.value
    assert 'download="pump_alarm_date.ics"' in link
    payload = re.search(r"base64,([^\"]+)", link).group(1)
    calendar = Calendar.from_ical(base64.b64decode(payload))
    starts = sorted(e.decoded("dtstart") for e in calendar.walk("VEVENT"))
    assert starts == [date(2026, 6, 25), date(2026, 6, 28)]
    assert "teaching example" in base64.b64decode(payload).decode()


def test_a_wrong_choice_stays_on_the_step_and_shows_the_consequence(app):
    go_to(app, "find-port")
    app.choices.value = "catheter-access-port"
    app.check_button.click()
    assert app.state.step_id == "find-port"
    feedback = text(app.feedback.value)
    assert "✘ Not right, and dangerous for the patient. Try again." in feedback
    assert "Your answer: The smaller port near the edge of the pump" in feedback
    assert "What this would do to the patient" in feedback
    assert "40,000 mcg would reach the spinal fluid at once" in feedback
    assert feedback.count("40,000 mcg would reach") == 1  # the summary is shown once
    assert "Monday 30 March 2026 at 09:30 (30 minutes after the visit)" in feedback
    assert "Institute for Safe Medication Practices (ISMP). Template for disaster?" in feedback
    assert not app.choices.disabled
    assert visible(app.check_button)
    assert not visible(app.next_button)
    # try again: the right answer moves on, and the wrong one is in the debrief
    app.choices.value = "central-port"
    app.check_button.click()
    assert text(app.feedback.value).startswith("✔ Right.")
    app.next_button.click()
    assert app.state.step_id == "prepare"
    assert text(app.step.value).startswith("Step 5 of 12: Prepare the skin and the kit")


def test_the_catheter_access_port_chosen_on_the_picture(app):
    go_to(app, "find-port")
    assert app.figure is not None
    assert visible(app.picture)
    assert "Click a port" in app.figure.layout.title.text
    assert all(a.name != "caption" for a in app.figure.layout.annotations)  # no give-away
    click_picture(app, "catheter_access_port")
    assert app.choices.value == "catheter-access-port"
    assert "Chosen on the picture" in app.picture_note.value
    assert app.state.history[-1].step_id != "find-port"  # a click never checks
    assert outline(app, "catheter_access_port") == (HIGHLIGHT_COLOR, 3)
    assert outline(app, "refill_port") != (HIGHLIGHT_COLOR, 3)
    app.check_button.click()
    assert "catheter access port" in text(app.feedback.value)
    assert app.state.step_id == "find-port"

    click_picture(app, "refill_port")
    assert app.choices.value == "central-port"  # the engine's part_id for refill_port
    assert outline(app, "refill_port") == (HIGHLIGHT_COLOR, 3)
    assert outline(app, "catheter_access_port") != (HIGHLIGHT_COLOR, 3)
    app.check_button.click()
    assert text(app.feedback.value).startswith("✔ Right.")
    click_picture(app, "catheter_access_port")  # answered: clicks change nothing now
    assert app.choices.value == "central-port"
    app.next_button.click()
    assert not visible(app.picture)


def test_a_click_elsewhere_on_the_picture_changes_nothing(app):
    go_to(app, "find-port")
    figure = app.figure
    before = app.choices.value
    figure._js2py_pointsCallback = {
        "event_type": "plotly_click",
        "points": {"trace_indexes": [], "point_indexes": [], "xs": [], "ys": []},
        "device_state": None,
        "selector": None,
    }
    assert app.choices.value == before
    # the picture is made once and kept when the learner starts again
    app.restart_button.click()
    go_to(app, "find-port")
    assert app.figure is figure


def test_a_fill_above_the_reservoir_shows_a_message_beside_the_box_and_keeps_the_state(app):
    go_to(app, "fill")
    assert visible(app.fill_box)
    assert not visible(app.fields["choice"].box)
    before = app.state
    app.controls["fill_volume"].value = 25
    app.check_button.click()
    message = text(app.messages["fill_volume"].value)
    assert message.startswith("⚠ Fill volume (25 mL) is more than the 20 mL reservoir")
    assert "fill_volume_ml" not in message
    assert app.state is before  # nothing lost, nothing recorded
    assert app.controls["fill_volume"].value == 25  # the entry is kept
    assert app.feedback.value == ""
    assert not app.controls["fill_volume"].disabled

    app.controls["fill_volume"].value = 18  # the message goes when the entry changes
    assert app.messages["fill_volume"].value == ""
    app.check_button.click()
    assert "The order says 20 mL" in text(app.feedback.value)
    assert app.state.step_id == "fill"
    app.controls["fill_volume"].value = 20
    app.check_button.click()
    assert text(app.feedback.value).startswith("✔ Right.")
    app.next_button.click()
    assert app.state.step_id == "program"


def test_a_dose_that_is_not_positive_and_a_missing_concentration(app):
    go_to(app, "program")
    assert visible(app.program_box)
    assert app.check_button.description == "Enter the programme"
    app.check_button.click()
    assert "Choose the concentration" in app.messages["concentration"].value
    app.controls["concentration"].value = 2000.0
    app.check_button.click()
    assert "⚠ Dose must be greater than zero" in text(app.messages["dose"].value)
    assert app.state.step_id == "program"


def test_a_dose_per_hour_is_caught_at_review_and_goes_back_to_programming(app):
    go_to(app, "program")
    app.controls["dose"].value = 400
    app.controls["unit"].value = "mcg/h"  # the order says 400 mcg/day
    app.controls["concentration"].value = 2000.0
    app.controls["new_volume"].value = True
    app.check_button.click()
    app.next_button.click()
    assert app.state.step_id == "review"
    facts = text(app.facts.value)
    assert "Dose: now programmed 9600 mcg/day (400 mcg/h typed)" in facts
    app.choices.value = "send-after-check"
    app.check_button.click()
    feedback = text(app.feedback.value)
    assert feedback.startswith("✘ The check found a problem: the programme goes back.")
    assert "9,600 mcg/day instead of the ordered 400" in feedback
    assert "Next: back to Program the pump." in feedback
    assert "itb-back" in app.feedback.value
    assert app.next_button.description == "Back to step 8: Program the pump"
    app.next_button.click()
    assert app.state.step_id == "program"
    assert app.controls["dose"].value == 400
    assert app.controls["unit"].value == "mcg/h"
    app.controls["unit"].value = "mcg/day"
    app.check_button.click()
    app.next_button.click()
    app.choices.value = "send-after-check"
    app.check_button.click()
    assert text(app.feedback.value).startswith("✔ Right.")
    app.next_button.click()
    go_to(app, "teach")
    enter(app, right_action(app.state))
    app.next_button.click()
    debrief = text(app.debrief.value)
    assert "Review before sending (a hazard of this scenario) ✘ right after 2 tries" in debrief
    assert "Hazards caught at the first try: 1 of 2." in debrief


def test_send_now_with_a_wrong_programme_stays_at_review(app):
    go_to(app, "program")
    enter(app, right_action(app.state))
    app.next_button.click()
    app.choices.value = "send-now"
    app.check_button.click()
    assert app.state.step_id == "review"
    assert text(app.feedback.value).startswith("✘ Not right. Try again.")


def test_a_stopped_visit_has_a_debrief_and_no_card():
    app = visit_app("residual-low")
    go_to(app, "aspirate")
    app.choices.value = "continue"
    app.check_button.click()
    assert "Refilling now would hide the cause" in text(app.feedback.value)
    app.choices.value = "stop"
    app.check_button.click()
    assert app.next_button.description == "See the debrief"
    app.next_button.click()
    debrief = text(app.debrief.value)
    assert "Visit stopped and escalated" in debrief
    assert "Hazards caught at the first try:" in debrief
    assert not visible(app.card_box)
    app.calendar_button.click()
    assert app.calendar.value == ""


def test_switching_scenario_and_starting_again(app):
    go_to(app, "interrogate")
    app.scenario.value = "units"
    assert app.state.scenario.scenario_id == "units"
    assert app.state.history == ()
    assert "Ms F. Nowak (fictional)" in app.story.value
    assert text(app.step.value).startswith("Step 1 of 12")
    assert app.feedback.value == ""
    go_to(app, "program")
    app.controls["dose"].value = 12.5
    app.restart_button.click()
    assert app.state.scenario.scenario_id == "units"
    assert app.state.step_id == "identify"
    assert app.controls["dose"].value == 0
    assert app.controls["concentration"].value is None
    assert app.debrief.value == ""


def test_an_unknown_scenario_is_refused_in_words():
    with pytest.raises(ParameterError, match="scenario must be one of"):
        visit_app("no-such-visit")


def test_every_routed_parameter_has_a_control(app):
    assert set(VISIT_CONTROLS.values()) <= set(app.fields)


@pytest.mark.parametrize("scenario_id", list(load_scenarios()))
def test_no_traceback_or_repr_anywhere(scenario_id):
    """Every wrong option of every step, then the right one, to the end of every scenario."""
    app = visit_app(scenario_id)
    seen = [all_text(app)]
    while not app.state.finished:
        if app.state.step_id == "fill":
            for bad in (0, -3, 1000, 1):
                app.controls["fill_volume"].value = bad
                app.check_button.click()
                seen.append(all_text(app))
        elif app.state.step_id == "program":
            app.check_button.click()
            app.controls["concentration"].value = 50.0
            app.controls["dose"].value = -1
            app.check_button.click()
            seen.append(all_text(app))
        elif app.state.step_id != "review":
            step = app.state.step_index
            right = right_action(app.state).choice_id
            for _, choice_id in app.choices.options:
                if choice_id != right and app.state.step_index == step and not app._waiting:
                    app.choices.value = choice_id
                    app.check_button.click()
                    seen.append(all_text(app))
        if not app._waiting:
            enter(app, right_action(app.state))
        seen.append(all_text(app))
        app.next_button.click()
    seen.append(all_text(app))
    app.calendar_button.click()
    seen.append(all_text(app))
    words = "\n".join(seen)
    for bad in ("Traceback", "Error(", "Feedback(", "Consequence(", "datetime.", "_ml", "nan"):
        assert bad not in words, bad
    assert "Debrief:" in words


def test_the_stored_form_describes_the_practice_in_words():
    from itb_edu.apps.visit import visit_app

    app = visit_app()
    bundle = app._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert data["text/plain"].startswith("Refill-visit practice")
    assert "A routine refill" in data["text/html"]
    assert "VisitApp(" not in data["text/plain"]
