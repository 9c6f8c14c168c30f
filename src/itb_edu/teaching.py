"""Teaching patients and families: what to teach, teach-back practice, and a family sheet.

Pure domain code (no Jupyter imports). ``data/patient_teaching.csv`` holds the topics a nurse
teaches a patient with a baclofen pump and their family; ``data/teach_back.csv`` holds the
teach-back practice: for one topic, the learner first picks the question that checks
understanding, then judges a fictional patient's answer. :func:`family_sheet` gathers, for one
emergency case (:mod:`itb_edu.cases`), what that family takes home.

    item = teach_back_items()["tb-warning"]
    check_question(item, item.questions[0])     # the learner's pick, explained and sourced
    check_judgement(item, understood=True)      # the learner's verdict on the answer

The course is for education, not for managing a real patient.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .data import cell_ids
from .errors import parameter_error

__all__ = [
    "FamilySheet",
    "TeachBackFeedback",
    "TeachBackItem",
    "Topic",
    "check_judgement",
    "check_question",
    "family_sheet",
    "teach_back_items",
    "topics",
]


@dataclass(frozen=True)
class Topic:
    """One thing patients and families are taught (a row of ``data/patient_teaching.csv``)."""

    topic_id: str
    topic: str
    teach: str
    why: str
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class TeachBackItem:
    """One teach-back practice (a row of ``data/teach_back.csv``; the answer is fictional).

    Attributes
    ----------
    item_id, topic_id, taught : str
        Key, the topic and what the nurse has just taught.
    questions : tuple of str
        The questions the learner chooses from.
    answer : str
        The fictional patient's answer to the good question.
    source_ids : tuple of str
    objective_ids : tuple of str
        The learning objectives the item checks (``data/objectives.csv``).
    """

    item_id: str
    topic_id: str
    taught: str
    questions: tuple[str, ...]
    answer: str
    source_ids: tuple[str, ...]
    _good_question: str
    _question_feedback: str
    _answer_ok: bool
    _answer_feedback: str
    objective_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class TeachBackFeedback:
    """The answer to one teach-back choice: right or not, why, and sources."""

    correct: bool
    message: str
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class FamilySheet:
    """What one family takes home after a case (fictional patient).

    Attributes
    ----------
    patient, pump : str
        The fictional patient and the pump's name.
    lesson : str
        What this family's emergency teaches them.
    topics : tuple of Topic
        Every teaching topic.
    blanks : tuple of str
        Lines the nurse fills in by hand with the family (numbers and dates of a real clinic).
    source_ids : tuple of str
        Sources of everything on the sheet.
    """

    patient: str
    pump: str
    lesson: str
    topics: tuple[Topic, ...]
    blanks: tuple[str, ...]
    source_ids: tuple[str, ...]


def topics(data_dir: Any = None) -> dict[str, Topic]:
    """Return the teaching topics, by id, in file order.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder to read from; the course's own data by default.

    Returns
    -------
    dict of str to Topic
    """
    from . import data

    return {
        str(row["topic_id"]): Topic(
            topic_id=str(row["topic_id"]),
            topic=str(row["topic"]),
            teach=str(row["teach"]),
            why=str(row["why"]),
            source_ids=cell_ids(row["source_ids"]),
        )
        for row in data.patient_teaching(data_dir).to_dict("records")
    }


def teach_back_items(data_dir: Any = None) -> dict[str, TeachBackItem]:
    """Return the teach-back practice items, by id, in file order.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional

    Returns
    -------
    dict of str to TeachBackItem
    """
    from . import data

    return {
        str(row["item_id"]): TeachBackItem(
            item_id=str(row["item_id"]),
            topic_id=str(row["topic_id"]),
            taught=str(row["taught"]),
            questions=tuple(data.split_choices(str(row["questions"]))),
            answer=str(row["answer"]),
            source_ids=cell_ids(row["source_ids"]),
            _good_question=str(row["good_question"]),
            _question_feedback=str(row["question_feedback"]),
            _answer_ok=str(row["answer_ok"]) == "yes",
            _answer_feedback=str(row["answer_feedback"]),
            objective_ids=cell_ids(row["objective_ids"]),
        )
        for row in data.teach_back(data_dir).to_dict("records")
    }


def check_question(item: TeachBackItem, question: str) -> TeachBackFeedback:
    """Say whether ``question`` is the teach-back question for ``item``, and why.

    Parameters
    ----------
    item : TeachBackItem
    question : str
        One of ``item.questions``.

    Returns
    -------
    TeachBackFeedback

    Raises
    ------
    itb_edu.errors.ParameterError
        About ``question`` when it is not one of the item's questions.
    """
    if question not in item.questions:
        raise parameter_error("question", question, "choose one of the questions offered")
    correct = question == item._good_question
    lead = "Right." if correct else "Not this one: choose again."
    return TeachBackFeedback(correct, f"{lead} {item._question_feedback}", item.source_ids)


def check_judgement(item: TeachBackItem, understood: bool) -> TeachBackFeedback:
    """Say whether the learner judged the fictional answer rightly, and what to do next.

    Parameters
    ----------
    item : TeachBackItem
    understood : bool
        The learner's verdict: True for "understood", False for "re-teach and check again".

    Returns
    -------
    TeachBackFeedback
    """
    correct = bool(understood) == item._answer_ok
    lead = "Right." if correct else "Look again."
    return TeachBackFeedback(correct, f"{lead} {item._answer_feedback}", item.source_ids)


def family_sheet(case_id: str, data_dir: Any = None) -> FamilySheet:
    """Return the take-home sheet for the family of one emergency case.

    Parameters
    ----------
    case_id : str
        A case of ``data/cases.csv``.
    data_dir : str or pathlib.Path, optional

    Returns
    -------
    FamilySheet
        The fictional patient, the pump, the lesson of the case, every teaching topic, and
        the lines a nurse fills in with the family (the clinic's numbers, the alarm date).

    Raises
    ------
    itb_edu.errors.ParameterError
        About ``case_id`` when no case has that id.
    """
    from . import data
    from .pumps import pump_facts

    table = data.cases(data_dir).set_index("case_id")
    if case_id not in table.index:
        raise parameter_error(
            "case_id", case_id, f"no case {case_id!r}; cases: {', '.join(table.index)}"
        )
    row = table.loc[case_id]
    all_topics = tuple(topics(data_dir).values())
    sources = [*cell_ids(row["source_ids"])]
    for topic in all_topics:
        sources += topic.source_ids
    return FamilySheet(
        patient=str(row["patient"]),
        pump=pump_facts(str(row["pump_id"]), data.pumps(data_dir), data.facts(data_dir)).label,
        lesson=str(row["family_point"]),
        topics=all_topics,
        blanks=(
            "Pump clinic telephone (weekdays)",
            "Out of hours: who to call",
            "Low-reservoir alarm date",
            "Next refill booked for",
            "Oral baclofen: dose and when to take it, as the prescriber directs",
        ),
        source_ids=tuple(dict.fromkeys(sources)),
    )
