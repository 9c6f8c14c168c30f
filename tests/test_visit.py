"""The refill-visit engine, headless: every scenario's right path and every wrong path.

Expected values are worked by hand from each scenario's numbers (see the comments).
"""

from __future__ import annotations

import shutil
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itb_edu import data, visit
from itb_edu.data import DataValidationError
from itb_edu.errors import ParameterError
from itb_edu.visit import STEPS, Action, Programme

SCENARIOS = visit.load_scenarios()
KNOWN_SOURCES = set(data.sources()["source_id"])


def right_programme(scenario: visit.Scenario, **changes) -> Programme:
    fields = {
        "dose": scenario.order_daily_dose_mcg,
        "unit": "mcg/day",
        "concentration_mcg_per_ml": scenario.order_concentration_mcg_per_ml,
        "bridge_bolus": scenario.concentration_changes,
        "new_volume_entered": True,
        **changes,
    }
    return Programme(**fields)


def right_action(state: visit.VisitState) -> Action:
    """The oracle: the right action, worked out from the scenario's facts by the test."""
    s = state.scenario
    step = state.step_id
    if step == "fill":
        return Action(fill_volume_ml=s.new_fill_ml)
    if step == "program":
        return Action(programme=right_programme(s))
    answers = {
        "identify": "two-ids",
        "check-order": "match-go" if s.label_matches_order else "stop-clarify",
        "interrogate": "interrogate",
        "find-port": "template",
        "prepare": "aseptic",
        "aspirate": "stop" if s.scenario_id.startswith("residual-") else "continue",
        "review": "send-after-check",
        "alarm-date": "alarm",
        "observe": "observe",
        "teach": "card-teach-eri" if s.eri else "card-teach",
    }
    return Action(answers[step])


def walk(scenario_id: str, until: str | None = None) -> visit.VisitState:
    """Work a scenario right, up to (not including) step ``until``."""
    state = visit.start(scenario_id)
    while not state.finished and state.step_id != until:
        state, feedback = visit.act(state, right_action(state))
        assert feedback.correct, (scenario_id, feedback)
    return state


# ------------------------------------------------------------------------------ the data
def test_ten_scenarios_cover_the_hazards_the_course_trains():
    assert list(SCENARIOS) == [
        "routine",
        "concentration-change",
        "residual-low",
        "residual-high",
        "hard-to-palpate",
        "units",
        "label-mismatch",
        "restart",
        "new-volume",
        "eri",
    ]
    for scenario in SCENARIOS.values():
        assert "fictional" in scenario.patient
        assert "itb-edu-authors" in scenario.source_ids
        assert scenario.visit_at > scenario.last_refill_at


def test_the_steps_file_lists_the_steps_in_visit_order_and_every_condition_is_decided():
    assert list(data.visit_steps()["step_id"]) == list(STEPS)
    state = visit.start("routine")
    decided = {c: visit._condition(state, c) for c in visit.CONDITIONS}
    assert decided["always"]
    assert not decided["never"]
    assert decided["label-matches-order"] != decided["label-differs"]
    assert decided["eri"] != decided["no-eri"]


# ----------------------------------------------------------------------- the right paths
@pytest.mark.parametrize("scenario_id", list(SCENARIOS))
def test_every_scenario_can_be_worked_right(scenario_id):
    state = walk(scenario_id)
    report = visit.debrief(state)
    assert report.hazards_caught == report.hazards_met >= 2
    if scenario_id.startswith("residual-"):
        assert state.outcome == "stopped and escalated"
        assert report.card is None
        assert [d.step_id for d in report.decisions][-1] == "aspirate"
    else:
        assert state.outcome == "completed"
        assert report.card is not None
        assert len(report.decisions) == len(STEPS)
    for decision in report.decisions:
        assert decision.first_try_right
        assert decision.attempts == 1
        assert decision.source_ids, decision.step_id


def test_routine_numbers_by_hand():
    # 20 mL of 2000 mcg/mL at 400 mcg/day = 0.2 mL/day. 84 days from 5 Jan to 30 Mar 2026:
    # 16.8 mL used, 3.2 mL expected, 3.2 mL drawn back. Refilled with 20 mL: (20 - 2) / 0.2 =
    # 90 days -> Sunday 28 June 2026 09:00; book a working day 3 days before: Thursday 25 June.
    state = visit.start("routine")
    check = visit.today_check(state)
    assert (check.expected_ml, check.gap_ml, check.finding) == (pytest.approx(3.2), 0.0, "matches")
    state = walk("routine")
    card = visit.alarm_card(state)
    assert card is not None
    assert card.alarm_date == "Sunday 28 June 2026 at 09:00"
    assert card.book_on == date(2026, 6, 25)
    assert card.book_by == "Thursday 25 June 2026"
    assert card.dose == "400 mcg/day"
    assert dict(card.rows())["Drug"] == "intrathecal baclofen 2000 mcg/mL"


def test_alarm_date_options_come_from_the_engine():
    # Alarm 28 June; empty (20 / 0.2 = 100 days) 8 July; the old alarm date (5 Jan + 90 days)
    # 5 April; and a calendar guess 91 days after the visit, 29 June.
    state = walk("routine", until="alarm-date")
    options = {c.choice_id: c.text for c in visit.view(state).choices}
    assert options == {
        "alarm": "Sunday 28 June 2026",
        "empty": "Wednesday 8 July 2026",
        "old-alarm": "Sunday 5 April 2026",
        "three-months": "Monday 29 June 2026",
    }
    state, feedback = visit.act(state, Action("empty"))
    assert not feedback.correct
    assert "withdrawal can start before it" in feedback.message
    assert state.step_id == "alarm-date"


def test_the_interrogation_reads_out_the_pump():
    state = walk("eri", until="interrogate")
    state, feedback = visit.act(state, Action("interrogate"))
    readout = dict(feedback.readout)
    # 40 mL of 500 mcg/mL at 200 mcg/day = 0.4 mL/day; 70 days -> 28 mL used, 12 mL left.
    # The alarm at 2 mL: 38 / 0.4 = 95 days after 7 January 13:00 -> Sunday 12 April.
    assert readout["Expected reservoir volume now"] == "12.00 mL"
    assert readout["Battery"] == "elective replacement indicator (ERI) reached"
    assert readout["Low-reservoir alarm date"] == "Sunday 12 April 2026 at 13:00"


def test_the_view_never_carries_the_answer_key():
    state = visit.start("label-mismatch")
    shown = visit.view(state)
    assert not hasattr(shown, "correct_when")
    for choice in shown.choices:
        assert set(vars(choice)) == {"choice_id", "text", "part_id"}
    assert shown.number == 1
    assert shown.title == "Confirm the patient"


# ------------------------------------------------------------------------ wrong paths
@pytest.mark.parametrize("choice_id", ["name-only", "room"])
def test_one_identifier_is_not_enough(choice_id):
    state = visit.start("routine")
    after, feedback = visit.act(state, Action(choice_id))
    assert not feedback.correct
    assert after.step_id == "identify"
    assert len(after.history) == 1
    assert "joint-commission-npsg-01-01-01" in feedback.source_ids


def test_a_wrong_strength_drawn_up_doubles_the_dose():
    # Ordered 1000 mcg/mL at 250 mcg/day; the label says 2000: 250 x 2 = 500 mcg/day.
    state = walk("label-mismatch", until="check-order")
    after, feedback = visit.act(state, Action("match-go"))
    assert not feedback.correct
    assert after.step_id == "check-order"
    assert feedback.consequence is not None
    assert feedback.consequence.delivered_mcg_per_day == pytest.approx(500)
    assert "500 mcg/day instead of 250 (2 times the order)" in feedback.consequence.summary
    _, adjust = visit.act(state, Action("adjust-dose"))
    assert adjust.critical
    assert not adjust.correct
    # Sent back and replaced: the drug in hand is now the ordered strength.
    fixed, _ = visit.act(state, Action("stop-clarify"))
    assert fixed.drug_mcg_per_ml == 1000


def test_stopping_without_a_reason_is_wrong_too():
    state = walk("routine", until="check-order")
    _, feedback = visit.act(state, Action("stop-clarify"))
    assert not feedback.correct
    assert "nothing to clarify" in feedback.message


def test_skipping_the_interrogation_is_wrong():
    state = walk("routine", until="interrogate")
    after, feedback = visit.act(state, Action("skip"))
    assert not feedback.correct
    assert after.step_id == "interrogate"
    assert feedback.readout == ()


def test_the_catheter_access_port_is_a_massive_overdose():
    # 20 mL x 2000 mcg/mL = 40,000 mcg: 100 days of 400 mcg/day, straight into the CSF.
    state = walk("routine", until="find-port")
    after, feedback = visit.act(state, Action("catheter-access-port"))
    assert feedback.critical
    assert not feedback.correct
    assert after.step_id == "find-port"
    assert feedback.consequence is not None
    assert (
        "40,000 mcg would reach the spinal fluid at once: 100 days" in feedback.consequence.summary
    )
    assert [e.at for e in feedback.consequence.events] == [
        datetime(2026, 3, 30, 9, 0),
        datetime(2026, 3, 30, 9, 30),
    ]
    assert "gablofen-label-warnings" in feedback.source_ids


def test_a_hard_pump_needs_the_template_not_the_feel():
    state = walk("hard-to-palpate", until="find-port")
    _, by_feel = visit.act(state, Action("central-port"))
    assert not by_feel.correct
    assert "template" in by_feel.message
    _, feel = visit.act(state, Action("by-feel"))
    assert feel.critical
    assert "pocket fill" in feel.message
    # On a pump that is easy to feel, palpation alone is right.
    easy = walk("routine", until="find-port")
    _, fine = visit.act(easy, Action("central-port"))
    assert fine.correct


@pytest.mark.parametrize(
    ("scenario_id", "gap", "finding"),
    [
        # 56 days at 0.2 mL/day: 11.2 mL used, 8.8 expected. 6.2 back: -2.6 mL, more than the
        # 11.2 x 14.5 % = 1.624 mL the labelled limit explains. 12.5 back: +3.7 mL.
        ("residual-low", -2.6, "less-beyond-labelled-accuracy"),
        ("residual-high", 3.7, "more"),
    ],
)
def test_an_unexplained_residual_means_stop(scenario_id, gap, finding):
    state = walk(scenario_id, until="aspirate")
    check = visit.today_check(state)
    assert check.gap_ml == pytest.approx(gap)
    assert check.finding == finding
    after, feedback = visit.act(state, Action("continue"))
    assert not feedback.correct
    assert after.step_id == "aspirate"
    assert "Refilling now would hide the cause" in feedback.consequence.summary
    stopped, right = visit.act(state, Action("stop"))
    assert right.correct
    assert stopped.outcome == "stopped and escalated"
    with pytest.raises(ParameterError, match="the visit is over") as caught:
        visit.view(stopped)
    assert caught.value.parameter == "state"


def test_stopping_when_the_residual_fits_is_wrong():
    state = walk("routine", until="aspirate")
    _, feedback = visit.act(state, Action("stop"))
    assert not feedback.correct
    assert "nothing to investigate" in feedback.message


def test_fill_checks_the_reservoir_and_the_order():
    state = walk("routine", until="fill")
    with pytest.raises(ParameterError, match="never overfill") as caught:
        visit.act(state, Action(fill_volume_ml=25))
    assert caught.value.parameter == "fill_volume_ml"
    with pytest.raises(ParameterError) as caught:
        visit.act(state, Action(fill_volume_ml=float("nan")))
    assert caught.value.parameter == "fill_volume_ml"
    after, feedback = visit.act(state, Action(fill_volume_ml=18))
    assert not feedback.correct
    assert after.step_id == "fill"
    assert "The order says 20 mL" in feedback.message


def test_a_dose_programmed_per_hour_is_24_times_the_order():
    # 400 typed with mcg/h: 9600 mcg/day, 4.8 mL/day; 18 mL to the alarm: 3.75 days after
    # Monday 30 March 09:00 -> Friday 3 April 2026 at 03:00 instead of Sunday 28 June 09:00.
    state = walk("routine", until="program")
    state, entered = visit.act(
        state, Action(programme=right_programme(state.scenario, unit="mcg/h"))
    )
    assert entered.correct
    assert state.step_id == "review"
    review = dict(visit.view(state).facts)
    assert review["Dose: now programmed"] == "9600 mcg/day (400 mcg/h typed)"
    back, caught = visit.act(state, Action("send-after-check"))
    assert not caught.correct
    assert back.step_id == "program"
    assert "second nurse" in caught.message
    assert caught.consequence is not None
    assert caught.consequence.delivered_mcg_per_day == pytest.approx(9600)
    assert "(24 times the order): overdose risk" in caught.consequence.summary
    assert "Friday 3 April 2026 at 03:00" in caught.consequence.summary
    _, sent = visit.act(state, Action("send-now"))
    assert sent.critical
    assert not sent.correct


def test_an_order_per_hour_typed_as_per_day_is_a_24th_of_the_dose():
    # 12.5 mcg/h = 300 mcg/day. 12.5 typed as mcg/day gives 1/24 of the order.
    state = walk("units", until="program")
    state, _ = visit.act(state, Action(programme=right_programme(state.scenario, dose=12.5)))
    _, caught = visit.act(state, Action("send-after-check"))
    assert caught.consequence is not None
    assert caught.consequence.delivered_mcg_per_day == pytest.approx(12.5)
    assert "underdose and withdrawal risk" in caught.consequence.summary
    # Entered per hour, the same order is right.
    state = walk("units", until="program")
    state, _ = visit.act(
        state, Action(programme=right_programme(state.scenario, dose=12.5, unit="mcg/h"))
    )
    _, fine = visit.act(state, Action("send-after-check"))
    assert fine.correct


def test_a_missing_bridge_bolus_leaves_old_drug_in_the_line():
    # 150 mcg/day at 2000 mcg/mL = 0.075 mL/day; 0.26 mL of old drug takes 0.26 / 0.075 =
    # 3.47 days (83 hours) to clear, at 500 x 0.075 = 37.5 mcg/day.
    state = walk("concentration-change", until="program")
    state, _ = visit.act(
        state, Action(programme=right_programme(state.scenario, bridge_bolus=False))
    )
    _, caught = visit.act(state, Action("send-after-check"))
    assert caught.consequence is not None
    assert "37.5 mcg/day instead of 150 for about 83 hours" in caught.consequence.summary


def test_a_forgotten_new_volume_gives_a_false_alarm_date():
    # 500 mcg/day at 2000 mcg/mL = 0.25 mL/day; 35 days -> 11.25 mL expected before the
    # refill. Counting from 11.25 mL: (11.25 - 2) / 0.25 = 37 days -> 15 April 16:00.
    state = walk("new-volume", until="program")
    state, _ = visit.act(
        state, Action(programme=right_programme(state.scenario, new_volume_entered=False))
    )
    _, caught = visit.act(state, Action("send-after-check"))
    assert caught.consequence is not None
    assert "counts from the 11.25 mL" in caught.consequence.summary
    assert "Wednesday 15 April 2026 at 16:00" in caught.consequence.summary


def test_a_programme_in_the_wrong_concentration_changes_the_dose():
    state = walk("routine", until="program")
    state, _ = visit.act(
        state, Action(programme=right_programme(state.scenario, concentration_mcg_per_ml=1000))
    )
    _, caught = visit.act(state, Action("send-after-check"))
    # Programmed for 1000 mcg/mL: the pump moves 0.4 mL/day of 2000 mcg/mL = 800 mcg/day.
    assert caught.consequence is not None
    assert caught.consequence.delivered_mcg_per_day == pytest.approx(800)


@pytest.mark.parametrize(
    ("programme", "parameter"),
    [
        (Programme(0, "mcg/day", 2000, False, True), "dose"),
        (Programme(400, "mcg/minute", 2000, False, True), "unit"),
        (Programme(400, "mcg/day", -1, False, True), "concentration_mcg_per_ml"),
    ],
)
def test_a_bad_programme_names_its_field(programme, parameter):
    state = walk("routine", until="program")
    with pytest.raises(ParameterError) as caught:
        visit.act(state, Action(programme=programme))
    assert caught.value.parameter == parameter
    with pytest.raises(ParameterError, match="programme is needed"):
        visit.act(state, Action())


def test_leaving_after_a_restart_is_wrong():
    state = walk("restart", until="observe")
    _, feedback = visit.act(state, Action("leave"))
    assert not feedback.correct
    assert "reintroduced" in feedback.message or "restart" in feedback.message
    assert "baclofen-intrathecal-generic-label" in feedback.source_ids


@pytest.mark.parametrize(
    ("scenario_id", "wrong"), [("eri", "card-teach"), ("routine", "card-teach-eri")]
)
def test_teaching_follows_the_replacement_indicator(scenario_id, wrong):
    state = walk(scenario_id, until="teach")
    _, feedback = visit.act(state, Action(wrong))
    assert not feedback.correct
    _, beep = visit.act(state, Action("beep"))
    assert not beep.correct


def test_unknown_choices_and_scenarios_are_refused_by_name():
    state = visit.start("routine")
    with pytest.raises(ParameterError, match="choice_id must be one of") as caught:
        visit.act(state, Action("guess"))
    assert caught.value.parameter == "choice_id"
    with pytest.raises(ParameterError, match="scenario must be one of") as caught:
        visit.start("nope")
    assert caught.value.parameter == "scenario"
    walked = walk("routine", until="alarm-date")
    with pytest.raises(ParameterError) as caught:
        visit.act(walked, Action("someday"))
    assert caught.value.parameter == "choice_id"


def test_the_debrief_counts_a_late_catch():
    state = walk("routine", until="find-port")
    state, _ = visit.act(state, Action("catheter-access-port"))
    state, _ = visit.act(state, Action("template"))
    while not state.finished:
        state, _ = visit.act(state, right_action(state))
    report = visit.debrief(state)
    assert (report.hazards_caught, report.hazards_met) == (1, 2)
    port = next(d for d in report.decisions if d.step_id == "find-port")
    assert (port.attempts, port.first_try_right) == (2, False)


# ------------------------------------------------------------------ properties
@settings(max_examples=60, deadline=None)
@given(scenario_id=st.sampled_from(list(SCENARIOS)), picks=st.lists(st.integers(0, 9), max_size=40))
def test_any_sequence_of_offered_choices_keeps_the_state_consistent(scenario_id, picks):
    state = visit.start(scenario_id)
    for pick in picks:
        if state.finished:
            break
        shown = visit.view(state)
        if shown.step_id == "fill":
            action = Action(fill_volume_ml=state.scenario.new_fill_ml)
        elif shown.step_id == "program":
            action = Action(
                programme=right_programme(state.scenario, unit=list(visit.DOSE_UNITS)[pick % 3])
            )
        else:
            action = Action(shown.choices[pick % len(shown.choices)].choice_id)
        before = len(state.history)
        index = state.step_index
        state, feedback = visit.act(state, action)
        assert len(state.history) == before + 1
        if feedback.correct:
            assert state.step_index > index or state.finished
        else:
            assert state.step_index <= index
        assert feedback.message
        assert feedback.source_ids
        assert set(feedback.source_ids) <= KNOWN_SOURCES, feedback.source_ids
    report = visit.debrief(state)
    assert 0 <= report.hazards_caught <= report.hazards_met


# ------------------------------------------------------------------ data validation
def copy_data(tmp_path):
    for name in (
        "sources",
        "pumps",
        "facts",
        "system_parts",
        "visit_steps",
        "visit_choices",
        "visit_scenarios",
    ):
        shutil.copy(data.course_data_dir() / f"{name}.csv", tmp_path / f"{name}.csv")
    return tmp_path


def test_a_bad_choice_row_is_reported_by_line_and_column(tmp_path):
    folder = copy_data(tmp_path)
    path = folder / "visit_choices.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    original = list(lines)
    lines[1] = lines[1].replace(",always,", ",sometimes,", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        data.visit_choices(folder)
    assert "data/visit_choices.csv, line 2, column 'correct_when': 'sometimes'" in str(caught.value)
    lines = [*original, original[2]]  # the same (step, choice) twice
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        data.visit_choices(folder)
    text = str(caught.value)
    assert f"line {len(lines)}, column 'choice_id'" in text
    assert "appears more than once for step 'identify' (first on line 3)" in text


def test_a_scenario_with_an_unknown_pump_or_moment_is_reported(tmp_path):
    folder = copy_data(tmp_path)
    path = folder / "visit_scenarios.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace("synchromed-ii-20,2026-01-05 09:00", "synchromed-iii,5 Jan 2026", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        data.visit_scenarios(folder)
    message = str(caught.value)
    assert "data/visit_scenarios.csv, line 2, column 'pump_id': 'synchromed-iii'" in message
    assert "line 2, column 'last_refill_at': '5 Jan 2026' is not an ISO date" in message


@pytest.mark.parametrize("scenario_id", list(SCENARIOS))
def test_the_engine_answer_key_agrees_with_the_tests_oracle(scenario_id):
    # Both answers must be accepted as right (a step can have more than one right option).
    state = visit.start(scenario_id)
    while not state.finished:
        _, ours = visit.act(state, right_action(state))
        state, engines = visit.act(state, visit.right_action(state))
        assert ours.correct, ours.step_id
        assert engines.correct, engines.step_id


def test_the_walkthrough_is_the_visit_worked_right():
    steps = visit.walkthrough("units")
    assert [s.title.split(". ")[0] for s in steps] == [str(n) for n in range(1, 13)]
    program = steps[7]
    assert program.action == ("Program 300 mcg/day at 500 mcg/mL; enter the new reservoir volume.")
    assert steps[9].action == "Sunday 5 April 2026"
    stopped = visit.walkthrough("residual-high")
    assert stopped[-1].title.startswith("6.")
    assert "Stop" in stopped[-1].action


def test_a_choice_may_stand_for_a_part_of_the_pump_picture(tmp_path):
    shown = visit.view(walk("routine", until="find-port"))
    parts = {c.choice_id: c.part_id for c in shown.choices}
    assert parts["catheter-access-port"] == "catheter_access_port"
    assert parts["central-port"] == "refill_port"
    assert parts["template"] == ""
    folder = copy_data(tmp_path)
    path = folder / "visit_choices.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(",catheter_access_port,", ",side_door,", 1),
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError, match="'side_door' is not a part of the pump figure"):
        data.visit_choices(folder)


def test_alarm_date_options_are_in_date_order():
    shown = visit.view(walk("routine", until="alarm-date"))
    assert [c.choice_id for c in shown.choices] == ["old-alarm", "alarm", "three-months", "empty"]
