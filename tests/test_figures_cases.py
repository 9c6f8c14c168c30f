"""The emergency-case timeline figure and the case presentation, without widgets."""

from __future__ import annotations

import re

from itb_edu import case_presentation as cp
from itb_edu import cases, data
from itb_edu.figures.cases import SEVERITY_WORDS, case_timeline_figure, timeline_alt_text
from itb_edu.quiz import load_source_citations
from itb_edu.teaching import family_sheet

CITATIONS = load_source_citations()


def play(case_id, actions):
    state = cases.start(case_id)
    for action_id in actions:
        state, _ = cases.act(state, action_id)
    return state


def test_the_untreated_course_is_a_step_line_from_the_arrival():
    # Missed refill: arrival at 10 h; stages at 16, 30 and 54 h, so 6, 20 and 44 h after it.
    figure = case_timeline_figure(cases.start("withdrawal-missed-refill"))
    course = figure.data[0]
    assert list(course.x) == [0, 6, 6, 20, 20, 44, 44]
    assert list(course.y) == [1, 1, 2, 2, 3, 3, 4]
    assert list(figure.layout.yaxis.ticktext) == list(SEVERITY_WORDS.values())


def test_the_course_so_far_is_flat_after_the_turn():
    state = play(
        "withdrawal-missed-refill",
        ["pump-card", "listen-alarm", "call-pump-team", "interrogate", "restore-itb"],
    )
    lived = case_timeline_figure(state).data[1]
    assert lived.x[-1] == state.clock_hours - state.case.arrival_hours
    assert set(lived.y) == {1}


def test_actions_are_numbered_and_harmful_choices_marked():
    state = play("overdose-after-refill", ["abc", "physostigmine", "airway-support"])
    figure = case_timeline_figure(state)
    names = [t.name for t in figure.data]
    assert "Harmful choices, stopped" in names
    actions = figure.data[names.index("Your actions (numbered in order)")]
    assert list(actions.text) == ["1", "2"]
    assert figure.layout.meta["alt"] == timeline_alt_text(state)
    assert "2 actions taken" in timeline_alt_text(state)


def test_the_checklist_table_lists_every_action_but_the_waits_with_sources():
    text = cp.checklist_html().html
    for item in cases.checklist().values():
        assert (item.label in text) != (item.group == "wait")
    assert text.count("<li>") == len(re.findall(r"<li>", text))
    assert "Sources (" in text


def test_the_look_alike_table_has_a_row_per_condition_and_the_honest_blood_pressure():
    text = cp.look_alikes_html().html
    table = data.look_alikes()
    assert text.count("<tr>") == len(table) + 1
    assert "low early on, high, or swinging" in text


def test_feedback_words_for_each_role():
    state = cases.start("withdrawal-missed-refill")
    arrival = state.case.arrival_hours
    _, harmful = cases.act(state, "raise-dose")
    _, blocked = cases.act(state, "interrogate")
    _, needed = cases.act(state, "pump-card")
    harmful_html = cp.case_feedback_html(harmful, CITATIONS, arrival_hours=arrival)
    assert "✘ Stopped" in harmful_html
    assert "6 h after you met the patient" in harmful_html  # the worsening stage, at 16 h
    assert "⏸ Not yet." in cp.case_feedback_html(blocked, CITATIONS, arrival_hours=arrival)
    needed_html = cp.case_feedback_html(needed, CITATIONS, arrival_hours=arrival)
    assert "✔ Done" in needed_html
    assert "This took 5 min." in needed_html
    assert "Found:" in needed_html


def test_the_debrief_names_the_cause_and_times_from_the_arrival():
    state = play("autonomic-dysreflexia", ["wait-1h", "wait-1h"])
    text = cp.case_debrief_html(cases.debrief(state), CITATIONS)
    assert "autonomic dysreflexia, a look-alike" in text
    assert "on arrival" in text
    assert "✘ missed" in text
    assert "What the sources say about the time course" in text


def test_no_python_reprs_reach_the_learner():
    state = play("withdrawal-catheter", ["pump-card", "raise-dose", "wait-8h"])
    texts = [
        cp.case_view_html(cases.view(state)),
        cp.case_debrief_html(cases.debrief(state), CITATIONS),
        *(cp.case_feedback_html(f, CITATIONS, arrival_hours=14) for f in state.history),
        cp.family_sheet_document(family_sheet("withdrawal-catheter"), CITATIONS),
    ]
    for text in texts:
        assert not re.search(r"\b(CaseFeedback|Stage|StageChange|datetime)\(", text)
        assert "None" not in re.sub(r"<[^>]+>", " ", text)


def test_hours_in_words():
    assert cp.hours_words(0) == "0 min"
    assert cp.hours_words(59 / 60) == "59 min"
    assert cp.hours_words(1) == "1 h"
    assert cp.hours_words(1 + 5 / 60) == "1 h 05 min"


def test_the_family_sheet_is_a_printable_page():
    page = cp.family_sheet_document(family_sheet("meningitis"), CITATIONS)
    assert page.startswith("<!DOCTYPE html>")
    assert "Out of hours: who to call" in page
    assert "fictional" in page
    assert "@media print" in page


def test_the_educator_guide_lists_every_case_with_its_right_order_and_harms():
    text = cp.case_guide_html().html
    for case in cases.load_cases().values():
        assert case.title in text
        assert case.trains in text
        labels = [case.checklist[a].label for a in cases.best_actions(case)]
        listed = "".join(f"<li>{label}</li>" for label in labels)
        assert listed.replace("'", "&#x27;") in text
