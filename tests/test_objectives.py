"""Learning objectives as data: every question, step, case and action checks a known one."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from itb_edu import cases, data, quiz, teaching, visit
from itb_edu.data import DataValidationError

ROOT = Path(__file__).resolve().parents[1]
OBJECTIVES = data.objectives()


def overview(notebook: str) -> str:
    nb = json.loads((ROOT / "notebooks" / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    text = "".join(nb["cells"][1]["source"]).replace("**", "")
    return re.sub(r"\s+", " ", text)


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).rstrip(".").lower()


@pytest.mark.parametrize("notebook", sorted(set(OBJECTIVES["notebook"])))
def test_each_notebook_states_exactly_its_objectives(notebook):
    text = overview(notebook).lower()
    own = OBJECTIVES[OBJECTIVES["notebook"] == notebook]
    for objective in own["objective"]:
        assert normal(objective) in text, objective
    block = text.split("learning objectives", 1)[1].split(">", 1)[0]
    assert block.count(" - ") == len(own)


def test_every_notebook_has_objectives():
    stems = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert set(OBJECTIVES["notebook"]) == stems


def tagged() -> dict[str, set[str]]:
    """Objective id -> what checks it (question, step, case, action, teach-back item)."""
    found: dict[str, set[str]] = {}

    def add(ids, what):
        for objective_id in ids:
            found.setdefault(objective_id, set()).add(what)

    for quiz_id in data.quiz_ids():
        for question in quiz.load_quiz(quiz_id):
            add(question.objective_ids, f"question {question.question_id}")
    for step in visit.start("routine")._steps.values():
        add(step.objective_ids, f"visit step {step.step_id}")
    for case in cases.load_cases().values():
        add(case.objective_ids, f"case {case.case_id}")
    for item in cases.checklist().values():
        add(item.objective_ids, f"action {item.action_id}")
    for item in teaching.teach_back_items().values():
        add(item.objective_ids, f"teach-back {item.item_id}")
    return found


def test_every_objective_of_a_practice_notebook_is_checked():
    found = tagged()
    for row in OBJECTIVES.to_dict("records"):
        if row["notebook"] in ("00_start_here", "06_my_progress", "07_live_room", "08_join_room"):
            continue  # orientation, the learner's record, the live room: no self-check of their own
        assert found.get(row["objective_id"]), f"nothing checks {row['objective_id']}"


def test_questions_check_objectives_of_their_own_notebook():
    notebook_of = dict(zip(OBJECTIVES["objective_id"], OBJECTIVES["notebook"], strict=True))
    for quiz_id in data.quiz_ids():
        for question in quiz.load_quiz(quiz_id):
            assert question.objective_ids, question.question_id
            assert {notebook_of[o] for o in question.objective_ids} == {quiz_id}


def test_every_visit_step_and_case_is_tagged():
    state = visit.start("routine")
    assert all(step.objective_ids for step in state._steps.values())
    assert visit.view(state).objective_ids == ("visit-steps",)
    assert all(case.objective_ids for case in cases.load_cases().values())


def copy_data(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(data.course_data_dir(), target)
    return target


def test_a_question_with_an_unknown_objective_is_refused_with_file_line_column(tmp_path):
    folder = copy_data(tmp_path)
    path = folder / "quiz" / "05_emergencies.csv"
    text = path.read_text(encoding="utf-8")
    assert text.count(",emergency-overdose,") == 1  # em-04, on line 5
    path.write_text(text.replace(",emergency-overdose,", ",emergency-overdoze,", 1))
    with pytest.raises(DataValidationError) as raised:
        data.quiz("05_emergencies", folder)
    message = str(raised.value)
    assert "quiz/05_emergencies.csv, line 5, column 'objective_ids'" in message
    assert "'emergency-overdoze' is not in objectives.csv" in message


def test_a_step_without_an_objective_is_refused(tmp_path):
    folder = copy_data(tmp_path)
    path = folder / "visit_steps.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            ",joint-commission-npsg-01-01-01,visit-steps", ",joint-commission-npsg-01-01-01,", 1
        )
    )
    with pytest.raises(DataValidationError, match="objective_ids"):
        data.visit_steps(folder)


def test_the_pre_and_post_test_questions_check_their_objective():
    for row in data.prepost().to_dict("records"):
        question = {q.question_id: q for q in quiz.load_quiz(row["quiz_id"])}[row["question_id"]]
        assert row["objective_id"] in question.objective_ids, row
