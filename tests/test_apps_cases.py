"""The emergency-case and teach-back apps, driven headless as a learner would drive them."""

from __future__ import annotations

import pytest

from itb_edu import cases
from itb_edu.apps.cases import case_app, teach_back_app
from itb_edu.errors import ParameterError


def press(app, action_id):
    app.action.value = action_id
    app.do()


def test_the_app_plays_a_case_to_a_good_outcome_and_shows_the_debrief_and_sheet():
    app = case_app("withdrawal-missed-refill")
    assert "Time since you met the patient: 0 min" in app.patient.value
    for action_id in cases.best_actions("withdrawal-missed-refill"):
        press(app, action_id)
    assert app.state.outcome == "good"
    assert "What it was: <b>withdrawal from intrathecal baclofen</b>" in app.debrief.value
    assert "✔ done" in app.debrief.value
    assert "family-sheet-withdrawal-missed-refill.html" in app.sheet.value
    assert app.do_button.disabled
    assert app.action.disabled
    # The timeline figure shows the five actions and the turn.
    names = [trace.name for trace in app.figure.data]
    assert "The course turns" in names
    actions = next(t for t in app.figure.data if t.name.startswith("Your actions"))
    assert list(actions.text) == ["1", "2", "3", "4", "5"]
    assert "the course turned" in app.figure_alt.value


def test_waiting_plays_out_on_the_clock_and_the_figure():
    app = case_app("overdose-after-refill")
    press(app, "wait-8h")
    assert app.state.outcome == "life-threatening"
    assert "Meanwhile, the patient changed" in app.feedback.value
    assert "Coma with failing breathing" in app.patient.value
    assert "The course was not turned in time" in app.debrief.value


def test_a_harmful_choice_is_stopped_and_the_learner_chooses_again():
    app = case_app("overdose-after-refill")
    before = app.state.clock_hours
    press(app, "physostigmine")
    assert "✘ Stopped: this would harm the patient" in app.feedback.value
    assert "What would follow if nothing better were done" in app.feedback.value
    assert app.state.clock_hours == before
    assert not app.do_button.disabled
    assert app.action.value == ""  # ready for the next choice
    stopped = [t for t in app.figure.data if t.name == "Harmful choices, stopped"]
    assert len(stopped) == 1


def test_no_action_chosen_gets_a_message_beside_the_list_and_nothing_happens():
    app = case_app()
    before = app.state
    app.do()
    assert "Choose an action in the list first." in app.message.value
    assert app.state is before
    app.action.value = "pump-card"  # choosing clears the message
    assert app.message.value == ""


def test_an_engine_error_is_routed_beside_the_list_in_words():
    app = case_app()
    app.end()  # the case is over; the list is disabled, but a stale click still arrives
    app.action.value = "pump-card"
    app.do()
    assert "The case is over" in app.message.value
    assert "action_id" not in app.message.value


def test_start_again_and_another_case():
    app = case_app()
    press(app, "pump-card")
    app.case.value = "meningitis"
    assert app.state.case.case_id == "meningitis"
    assert app.state.history == ()
    assert app.feedback.value == ""
    assert "catheter was revised" in app.story.value
    press(app, "pump-card")
    app.restart()
    assert app.state.history == ()


def test_an_unknown_case_names_its_parameter():
    with pytest.raises(ParameterError) as raised:
        case_app("nobody")
    assert raised.value.parameter == "case"


def test_the_stored_form_names_the_cases_and_never_the_cause():
    app = case_app()
    static = app.static_html()
    assert "Itchy, stiff and irritable" in static
    for case in cases.load_cases().values():
        assert case.trains not in static
    assert repr(app).startswith("Emergency case practice")
    bundle = app._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert data["text/plain"].startswith("Emergency case practice")


def test_teach_back_needs_the_right_question_before_the_answer_appears():
    app = teach_back_app("tb-warning")
    assert app.judge_box.layout.display == "none"
    app.check()
    assert "Choose a question first." in app.field.message.value
    wrong = "Do you understand when to call?"
    app.question.value = wrong
    app.check()
    assert "Not this one" in app.feedback.value
    assert app.judge_box.layout.display == "none"
    good = next(q for q in app.question.options if q.startswith("I want to be sure"))
    app.question.value = good
    app.check()
    assert "✔" in app.feedback.value
    assert app.judge_box.layout.display is None
    assert "give him his tablets" in app.answer.value
    app.judge(True)  # the answer was not understood: judged wrongly
    assert "Look again." in app.verdict.value
    app.judge(False)
    assert "Right." in app.verdict.value


def test_teach_back_switching_item_starts_it_afresh():
    app = teach_back_app()
    app.question.value = app.question.options[0]
    app.check()
    app.item.value = "tb-mri"
    assert app.question.value is None
    assert app.feedback.value == ""
    assert "MRI" in app.taught.value
    with pytest.raises(ParameterError) as raised:
        teach_back_app("tb-nothing")
    assert raised.value.parameter == "item_id"


def test_teach_back_items_are_named_by_their_topic():
    from itb_edu.teaching import topics

    app = teach_back_app()
    titles = {t.topic for t in topics().values()}
    assert {label for label, _ in app.item.options} <= titles
