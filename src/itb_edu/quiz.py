"""Self-check questions and case scenarios kept as data.

One mechanism serves the whole course: every quiz is a CSV file
``data/quiz/<quiz_id>.csv``, read and validated by :func:`itb_edu.data.quiz`
(like every course table), turned into :class:`Question` objects here, and
rendered by :func:`itb_edu.apps.quiz.quiz_app`. This module has no Jupyter
imports.

CSV columns (header row required, UTF-8, standard CSV quoting):

``question_id``
    Unique within the file (for example ``se-01``).
``section``
    Free text used to show part of a quiz in one notebook section
    (for example ``withdrawal``).
``question``
    The question the learner answers.
``choices``
    Two or more distinct choices separated by ``" | "`` (a vertical bar).
``answer``
    The exact text of the right choice.
``explanation``
    Why the right choice is right; shown only after the learner answers.
``source_ids``
    Semicolon-separated ids that resolve in ``data/sources.csv``.
``objective_ids``
    Semicolon-separated learning objectives the question checks (``data/objectives.csv``).
``vignette`` (optional column)
    A short fictional patient story shown above the question (case scenarios);
    empty for plain questions. Consecutive questions with the same vignette
    show it once.

A file that breaks these rules raises :class:`itb_edu.data.DataValidationError`
naming the file, line and column, for example
``data/quiz/02_reservoir_simulator.csv, line 5, column 'answer': ...``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itb_edu import data as _data

from ._validate import parameter_error

__all__ = [
    "CHOICE_SEPARATOR",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "Feedback",
    "Question",
    "available_quizzes",
    "check_answer",
    "default_data_dir",
    "load_quiz",
    "load_source_citations",
    "sections",
]

#: Separates the choices in the ``choices`` column (written ``" | "``).
CHOICE_SEPARATOR = _data.CHOICE_SEPARATOR
#: Columns every quiz file has, in order (the quiz schema in :data:`itb_edu.data.SPECS`).
REQUIRED_COLUMNS: tuple[str, ...] = tuple(
    f.name for f in _data.SPECS["quiz"].fields if f.column_required
)
#: Columns a quiz file may leave out.
OPTIONAL_COLUMNS: tuple[str, ...] = tuple(
    f.name for f in _data.SPECS["quiz"].fields if not f.column_required
)


@dataclass(frozen=True)
class Question:
    """One multiple-choice question.

    Attributes
    ----------
    question_id : str
        Unique id within its quiz.
    section : str
        Section label used to filter a quiz.
    question : str
        The question text.
    choices : tuple of str
        The choices in display order (two or more, unique).
    answer : str
        The exact text of the right choice.
    explanation : str
        Shown after the learner answers.
    source_ids : tuple of str
        Ids in ``data/sources.csv``.
    vignette : str
        Fictional patient story for a case scenario; ``""`` for plain questions.
    objective_ids : tuple of str
        The learning objectives the question checks (ids in ``data/objectives.csv``).
    """

    question_id: str
    section: str
    question: str
    choices: tuple[str, ...]
    answer: str
    explanation: str
    source_ids: tuple[str, ...]
    vignette: str = ""
    objective_ids: tuple[str, ...] = ()

    @property
    def is_case(self) -> bool:
        """True when the question belongs to a case scenario (has a vignette)."""
        return bool(self.vignette)


@dataclass(frozen=True)
class Feedback:
    """The result of checking one answer.

    Attributes
    ----------
    correct : bool
        Whether the chosen answer is the right one.
    message : str
        Plain-text feedback: a verdict, the right answer when the choice was
        wrong, and the explanation.
    source_ids : tuple of str
        The question's sources, for citing beside the feedback.
    """

    correct: bool
    message: str
    source_ids: tuple[str, ...]


def default_data_dir() -> Path:
    """Return the course data directory.

    Returns
    -------
    pathlib.Path
        The folder found by :func:`itb_edu.data.course_data_dir`: ``<repo>/data``
        in a source checkout, else the copy installed inside the package.
    """
    return _data.course_data_dir()


def load_source_citations(data_dir: str | Path | None = None) -> dict[str, tuple[str, str]]:
    """Return the course's citations as a mapping id -> (citation, url).

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Directory holding ``sources.csv``; default :func:`default_data_dir`.

    Returns
    -------
    dict
        ``{source_id: (citation, url)}``; ``url`` is ``""`` when absent.

    Raises
    ------
    itb_edu.errors.ParameterError
        If ``data_dir`` is not a directory.
    itb_edu.data.DataValidationError
        If ``sources.csv`` breaks its schema (a missing column, a repeated source id, ...);
        the message names the file, line and column. It is read and checked by
        :func:`itb_edu.data.sources`, like every other course table.
    """
    table = _data.sources(data_dir)
    return {
        row.source_id: (row.citation, "" if not isinstance(row.url, str) else row.url)
        for row in table.itertuples(index=False)
    }


def available_quizzes(data_dir: str | Path | None = None) -> list[str]:
    """List the quiz ids that have a file in ``data/quiz``.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Project data directory; default :func:`default_data_dir`.

    Returns
    -------
    list of str
        Sorted quiz ids (file names without ``.csv``), as :func:`itb_edu.data.quiz_ids`.

    Raises
    ------
    itb_edu.errors.ParameterError
        If ``data_dir`` is not a directory.
    """
    return _data.quiz_ids(data_dir)


def _question(row: dict[str, Any]) -> Question:
    vignette = row["vignette"]
    return Question(
        question_id=row["question_id"],
        section=row["section"],
        question=row["question"],
        choices=tuple(_data.split_choices(row["choices"])),
        answer=row["answer"],
        explanation=row["explanation"],
        source_ids=tuple(_data.split_ids(row["source_ids"])),
        vignette=vignette if isinstance(vignette, str) else "",
        objective_ids=tuple(_data.split_ids(row["objective_ids"])),
    )


def load_quiz(
    quiz_id: str,
    section: str | None = None,
    *,
    data_dir: str | Path | None = None,
) -> list[Question]:
    """Load and validate one quiz.

    Parameters
    ----------
    quiz_id : str
        File name without ``.csv`` in ``data/quiz`` (for example
        ``"03_side_effects_and_safety"``).
    section : str, optional
        Keep only questions whose ``section`` equals this value; default all.
    data_dir : str or pathlib.Path, optional
        Project data directory (holding ``sources.csv`` and ``quiz/``);
        default :func:`default_data_dir`.

    Returns
    -------
    list of Question
        In file order.

    Raises
    ------
    itb_edu.errors.ParameterError
        (a ``ValueError``) If ``quiz_id`` is malformed or has no file, ``section``
        matches no question, or ``data_dir`` is not a directory.
    itb_edu.data.DataValidationError
        (a ``ValueError``) If the quiz file or ``sources.csv`` is malformed (read by
        :func:`itb_edu.data.quiz`); the message names the file, line and column of
        every problem: a missing or unknown column, an empty value, a repeated
        ``question_id``, fewer than two choices, an empty or repeated choice, an
        answer that is not exactly one of the choices, a source id missing from
        ``sources.csv``, or no questions at all.

    Notes
    -----
    Line numbers count physical lines with the header as line 1; a quoted
    value spanning lines makes the next record start further down.
    """
    table = _data.quiz(quiz_id, data_dir)
    questions = [_question(row) for row in table.to_dict("records")]
    if section is None:
        return questions
    chosen = [q for q in questions if q.section == section]
    if not chosen:
        raise parameter_error(
            "section",
            section,
            f"section={section!r} has no questions in quiz {quiz_id!r}; "
            f"sections: {sections(questions)}",
        )
    return chosen


def sections(questions: list[Question]) -> list[str]:
    """Return the distinct sections in first-appearance order.

    Parameters
    ----------
    questions : list of Question

    Returns
    -------
    list of str
    """
    seen: list[str] = []
    for question in questions:
        if question.section not in seen:
            seen.append(question.section)
    return seen


def check_answer(question: Question, choice: str) -> Feedback:
    """Check a learner's choice.

    Parameters
    ----------
    question : Question
        The question answered.
    choice : str
        The exact text of the chosen option.

    Returns
    -------
    Feedback
        ``correct``; ``message`` starting with ``"Correct."`` or
        ``"Not quite."`` (a wrong choice also names the right answer), then
        the explanation; and the question's ``source_ids``.

    Raises
    ------
    ValueError
        If ``choice`` is not one of the question's choices.
    """
    if choice not in question.choices:
        raise parameter_error(
            "choice",
            choice,
            f"choice={choice!r} is not one of the choices of question "
            f"{question.question_id!r}: {list(question.choices)!r}",
        )
    if choice == question.answer:
        message = f"Correct. {question.explanation}"
        return Feedback(correct=True, message=message, source_ids=question.source_ids)
    right = question.answer.rstrip(".")
    message = f"Not quite. The right answer is: {right}. {question.explanation}"
    return Feedback(correct=False, message=message, source_ids=question.source_ids)
