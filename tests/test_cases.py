"""The emergency-case engine, headless: every case to a good and to a bad outcome.

Expected times are worked by hand from the checklist's minutes and the cases' stage hours
(see the comments); the oracle for the right actions is the data's ``turns``/``needed`` roles,
walked by :func:`itb_edu.cases.best_actions`.
"""

from __future__ import annotations

import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itb_edu import cases, data
from itb_edu.data import DataValidationError
from itb_edu.errors import ParameterError

CASES = cases.load_cases()
CHECKLIST = cases.checklist()
KNOWN_SOURCES = set(data.sources()["source_id"])
WAITS = ("wait-1h", "wait-8h")


def play(case_id: str, actions) -> cases.CaseState:
    state = cases.start(case_id)
    for action_id in actions:
        state, _ = cases.act(state, action_id)
        if state.finished:
            break
    return state


def wait_until_over(case_id: str) -> cases.CaseState:
    state = cases.start(case_id)
    for _ in range(50):
        if state.finished:
            break
        state, _ = cases.act(state, "wait-8h")
    return state


# --------------------------------------------------------------------------------------------
# The cases the issue asks for
# --------------------------------------------------------------------------------------------
def test_at_least_eight_cases_cover_every_situation_asked_for():
    causes = [c.cause for c in CASES.values()]
    assert len(CASES) >= 8
    assert causes.count("withdrawal") >= 3  # missed refill, catheter, severe
    assert causes.count("overdose") >= 2  # after a refill, after a restart
    assert "autonomic-dysreflexia" in causes
    assert {"sepsis", "meningitis"} & set(causes)
    assert {
        "neuroleptic-malignant-syndrome",
        "malignant-hyperthermia",
        "serotonin-syndrome",
    } & set(causes)
    stories = " ".join(c.story.lower() for c in CASES.values())
    assert "restarted" in stories
    assert "refilled" in stories


def test_every_case_patient_is_labelled_fictional():
    for case in CASES.values():
        assert "(fictional)" in case.patient, case.case_id


@pytest.mark.parametrize("case_id", list(CASES))
def test_the_right_actions_lead_to_a_good_outcome(case_id):
    state = play(case_id, cases.best_actions(case_id))
    assert state.finished, "the case ends once it has turned and every needed action is done"
    assert state.outcome == "good"
    assert state.turned_at_hours is not None
    debrief = cases.debrief(state)
    assert all(status == "done" for _, status, _ in debrief.checklist)
    assert debrief.outcome_text == cases.OUTCOMES["good"]


@pytest.mark.parametrize("case_id", list(CASES))
def test_waiting_leads_to_the_life_threatening_stage(case_id):
    state = wait_until_over(case_id)
    case = CASES[case_id]
    assert state.outcome == "life-threatening"
    assert state.turned_at_hours is None
    # The clock stops at the moment the last stage begins, not at the end of the last wait.
    assert state.clock_hours == case.stages[-1].from_hours
    debrief = cases.debrief(state)
    assert debrief.timeline[-1].kind == "end"
    assert all(status == "missed" for _, status, _ in debrief.checklist)
    assert any("teaching model" in line.lower() for line in debrief.differently)


@pytest.mark.parametrize("case_id", list(CASES))
def test_a_delay_before_the_right_actions_means_a_harmed_outcome(case_id):
    case = CASES[case_id]
    arrival = cases.stage_at(case, case.arrival_hours)
    worse = next(s for s in case.stages if s.severity > arrival.severity)
    # Wait in hours until just past the next stage, short of the last one when possible.
    state = cases.start(case_id)
    while state.clock_hours < worse.from_hours:
        state, _ = cases.act(state, "wait-1h")
    if state.finished:  # the next stage was the last: the delay alone was fatal
        assert state.outcome == "life-threatening"
        return
    state = play_on(state, cases.best_actions(case_id))
    assert state.outcome in ("harmed", "life-threatening")


def play_on(state, actions):
    for action_id in actions:
        if state.finished:
            break
        state, _ = cases.act(state, action_id)
    return cases.finish(state)


@pytest.mark.parametrize("case_id", list(CASES))
def test_missing_a_needed_action_is_named_in_the_debrief(case_id):
    case = CASES[case_id]
    needed = case.ids_with_role("needed")
    skipped = next(a for a in needed if not any(a in case.actions[b].requires for b in needed))
    state = play(case_id, [a for a in cases.best_actions(case_id) if a != skipped])
    state = cases.finish(state)
    assert state.outcome == "incomplete"
    debrief = cases.debrief(state)
    label = CHECKLIST[skipped].label
    assert (label, "missed", None) in debrief.checklist
    assert any(line.startswith(label) for line in debrief.differently)


# --------------------------------------------------------------------------------------------
# Hand-computed times
# --------------------------------------------------------------------------------------------
def test_missed_refill_worked_by_hand():
    # Arrival 10 h after the first sign. Card 5 + listen 5 + call 15 + interrogate 45 +
    # restore 60 = 130 min, so the course turns at 10 + 130/60 = 12 h 10 min, still "early".
    state = play("withdrawal-missed-refill", cases.best_actions("withdrawal-missed-refill"))
    assert cases.best_actions("withdrawal-missed-refill") == (
        "pump-card",
        "listen-alarm",
        "call-pump-team",
        "interrogate",
        "restore-itb",
    )
    assert state.turned_at_hours == pytest.approx(10 + 130 / 60)
    assert state.elapsed_minutes == pytest.approx(130)


def test_eight_hours_of_waiting_crosses_into_the_worsening_stage():
    # Arrival at 10 h; the worsening stage begins at 16 h; one 8-hour wait ends at 18 h.
    state, feedback = cases.act(cases.start("withdrawal-missed-refill"), "wait-8h")
    assert state.clock_hours == pytest.approx(18)
    assert [c.stage.stage_id for c in feedback.changes] == ["worsening"]
    assert feedback.changes[0].at_hours == 16
    assert cases.view(state).summary == cases.stage_at(state.case, 18).summary


def test_stage_boundaries():
    case = CASES["withdrawal-missed-refill"]
    assert cases.stage_at(case, 0).stage_id == "early"
    assert cases.stage_at(case, 15.99).stage_id == "early"
    assert cases.stage_at(case, 16).stage_id == "worsening"
    assert cases.stage_at(case, 1000).stage_id == "life-threatening"


def test_withdrawal_stages_sit_within_the_sources_one_to_three_days():
    # Coffey 2002: withdrawal usually develops over 1 to 3 days. The model's severe and
    # life-threatening stages come within 24 to 72 hours of the first sign.
    for case in CASES.values():
        if case.cause != "withdrawal":
            continue
        by_id = {s.stage_id: s for s in case.stages}
        assert 24 <= by_id["severe"].from_hours <= 72
        assert 24 <= by_id["life-threatening"].from_hours <= 72
        assert all("teaching model" in s.timing.lower() for s in case.stages)


# --------------------------------------------------------------------------------------------
# Wrong choices and prerequisites
# --------------------------------------------------------------------------------------------
def test_a_harmful_choice_is_stopped_and_shows_the_timeline_that_would_follow():
    start = cases.start("overdose-after-refill")
    state, feedback = cases.act(start, "physostigmine")
    assert feedback.role == "harms"
    assert not feedback.carried_out
    assert state.clock_hours == start.clock_hours  # no time passes
    assert "physostigmine" not in state.done
    # The untreated course from now: every stage still ahead, in order.
    ahead = [s.stage_id for s in start.case.stages if s.from_hours > start.clock_hours]
    assert [c.stage.stage_id for c in feedback.projection] == ahead
    assert "itb-overdose-series-1991" in feedback.source_ids
    # The learner may go on and choose right.
    state = play_on(state, cases.best_actions("overdose-after-refill"))
    assert state.outcome == "good"
    assert cases.debrief(state).wrong[0].action_id == "physostigmine"


def test_an_action_before_its_prerequisite_is_refused_without_losing_time():
    start = cases.start("withdrawal-missed-refill")
    state, feedback = cases.act(start, "interrogate")
    assert feedback.role == "blocked"
    assert not feedback.carried_out
    assert state.clock_hours == start.clock_hours
    assert CHECKLIST["call-pump-team"].label.lower() in feedback.message.lower()


def test_the_catheter_case_needs_imaging_before_the_repair():
    state = play("withdrawal-catheter", ["pump-card", "listen-alarm", "call-pump-team"])
    state, feedback = cases.act(state, "interrogate")
    assert "runs as programmed" in feedback.finding
    state, feedback = cases.act(state, "restore-itb")
    assert feedback.role == "blocked"
    assert "imaging" in feedback.message.lower()


def test_raising_the_dose_in_a_catheter_fault_is_stopped():
    _, feedback = cases.act(cases.start("withdrawal-catheter"), "raise-dose")
    assert feedback.role == "harms"
    assert "overdose" in feedback.message


def test_the_look_alike_cases_still_check_the_pump():
    for case in CASES.values():
        if case.cause in ("withdrawal", "overdose"):
            continue
        assert case.role("pump-card") == "needed", case.case_id
        assert case.role("listen-alarm") == "needed", case.case_id


def test_an_action_after_the_end_names_its_parameter():
    state = wait_until_over("autonomic-dysreflexia")
    with pytest.raises(ParameterError) as raised:
        cases.act(state, "pump-card")
    assert raised.value.parameter == "action_id"
    with pytest.raises(ParameterError) as raised:
        cases.act(cases.start("autonomic-dysreflexia"), "dance")
    assert raised.value.parameter == "action_id"
    with pytest.raises(ParameterError) as raised:
        cases.start("no-such-case")
    assert raised.value.parameter == "case"


def test_stopping_before_the_turn_is_its_own_outcome():
    state = cases.finish(cases.start("meningitis"))
    assert state.outcome == "stopped"
    assert cases.debrief(state).outcome_text == cases.OUTCOMES["stopped"]


# --------------------------------------------------------------------------------------------
# What the learner sees; sources
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case_id", list(CASES))
def test_the_view_never_gives_the_cause_away(case_id):
    case = CASES[case_id]
    shown = cases.view(cases.start(case_id))
    words = " ".join(
        [shown.title, shown.summary, shown.story, *(v for _, v in shown.observations)]
    ).lower()
    assert case.cause.replace("-", " ") not in words
    assert [label for label, _ in shown.observations] == list(cases.OBSERVATION_LABELS.values())


def test_findings_appear_in_the_view_once_revealed():
    state = play("withdrawal-missed-refill", ["pump-card", "listen-alarm"])
    findings = dict(cases.view(state).findings)
    assert "alarm date" in findings[CHECKLIST["pump-card"].label]
    assert "two-tone" in findings[CHECKLIST["listen-alarm"].label]


def test_after_the_turn_the_view_shows_recovery():
    case_id = "overdose-after-refill"
    state = play(case_id, ["abc", "airway-support", "call-pump-team", "stop-pump"])
    assert state.turned_at_hours is not None
    assert not state.finished
    shown = cases.view(state)
    assert shown.recovering
    assert shown.summary.startswith("The course has turned.")
    # Time still passes after the turn, but the course no longer worsens.
    state, feedback = cases.act(state, "wait-8h")
    assert feedback.changes == ()
    assert cases.finish(state).outcome == "incomplete"


@pytest.mark.parametrize("case_id", list(CASES))
def test_every_state_change_and_message_cites_known_sources(case_id):
    case = CASES[case_id]
    for stage in case.stages:
        assert stage.source_ids
        assert set(stage.source_ids) <= KNOWN_SOURCES
    for rule in case.actions.values():
        assert rule.source_ids, rule.action_id
        assert set(rule.source_ids) <= KNOWN_SOURCES, rule.action_id
    state = wait_until_over(case_id)
    for feedback in state.history:
        for change in feedback.changes:
            assert set(change.stage.source_ids) <= set(feedback.source_ids)
    assert set(cases.debrief(state).source_ids) <= KNOWN_SOURCES


def test_debrief_timeline_is_in_time_order_with_the_learners_actions():
    actions = ["wait-1h", "pump-card", "listen-alarm", "call-pump-team", "interrogate"]
    state = play("withdrawal-missed-refill", [*actions, "raise-dose", "restore-itb"])
    debrief = cases.debrief(state)
    times = [e.at_hours for e in debrief.timeline]
    assert times == sorted(times)
    kinds = [e.kind for e in debrief.timeline]
    assert kinds[0] == "arrival"
    assert "turned" in kinds
    assert "stopped" in kinds
    assert sum(k == "action" for k in kinds) == len(actions) + 1


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(
    case_id=st.sampled_from(sorted(CASES)),
    actions=st.lists(st.sampled_from(sorted(CHECKLIST)), max_size=25),
)
def test_any_sequence_of_actions_keeps_the_clock_and_the_outcome_sound(case_id, actions):
    state = cases.start(case_id)
    case = state.case
    for action_id in actions:
        if state.finished:
            with pytest.raises(ParameterError):
                cases.act(state, action_id)
            break
        before = state.clock_hours
        state, feedback = cases.act(state, action_id)
        assert state.clock_hours >= before
        if feedback.carried_out:
            expected = before + CHECKLIST[action_id].minutes / 60
            if state.turned_at_hours is None:  # the last stage ends the case, and the clock
                expected = min(expected, case.stages[-1].from_hours)
            assert state.clock_hours == pytest.approx(expected)
        else:
            assert state.clock_hours == before or state.outcome == "life-threatening"
        assert set(feedback.source_ids) <= KNOWN_SOURCES
    final = cases.finish(state)
    assert final.outcome in cases.OUTCOMES
    if final.outcome == "good":
        assert all(a in final.done for a in case.ids_with_role("turns", "needed"))


# --------------------------------------------------------------------------------------------
# The data, validated with file/line/column messages
# --------------------------------------------------------------------------------------------
def copy_data(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(data.course_data_dir(), target)
    return target


def test_a_stage_out_of_order_is_reported_with_file_and_line(tmp_path):
    folder = copy_data(tmp_path)
    path = folder / "case_stages.csv"
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace(",16,2,", ",99,2,", 1)  # worsening after severe
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataValidationError) as raised:
        cases.load_cases(folder)
    assert "case_stages.csv" in str(raised.value)
    assert "time order" in str(raised.value)


def test_an_unknown_action_in_a_case_is_reported(tmp_path):
    folder = copy_data(tmp_path)
    path = folder / "case_actions.csv"
    text = path.read_text().replace(
        "withdrawal-missed-refill,pump-card,", "withdrawal-missed-refill,pump-crad,", 1
    )
    path.write_text(text)
    with pytest.raises(DataValidationError) as raised:
        cases.load_cases(folder)
    message = str(raised.value)
    assert "case_actions.csv, line 2, column 'action_id'" in message
    assert "'pump-crad' is not in emergency_actions.csv" in message
    assert "gives no row for 'pump-card'" in message


def test_a_case_without_a_turning_action_is_reported(tmp_path):
    folder = copy_data(tmp_path)
    path = folder / "case_actions.csv"
    text = path.read_text().replace(
        "meningitis,infection-screen,turns,", "meningitis,infection-screen,helps,", 1
    )
    path.write_text(text)
    with pytest.raises(DataValidationError, match="'meningitis' has no action that turns it"):
        cases.load_cases(folder)
