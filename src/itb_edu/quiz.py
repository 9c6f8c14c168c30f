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
    "UNITS",
    "Feedback",
    "NumericQuestion",
    "Question",
    "available_quizzes",
    "check_answer",
    "check_number",
    "default_data_dir",
    "expected_value",
    "load_numeric",
    "load_quiz",
    "load_source_citations",
    "number_words",
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
    wrong_feedback : tuple of (str, str)
        For each wrong choice, in choice order: the choice and why it is wrong (never naming
        the right answer, so the learner can try again).
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
    wrong_feedback: tuple[tuple[str, str], ...] = ()

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
    revealed : bool
        True when the right answer and the explanation are given (a right answer, or a wrong
        one after the first attempt); False after a first wrong attempt, which says why that
        choice is wrong and lets the learner try again.
    """

    correct: bool
    message: str
    source_ids: tuple[str, ...]
    revealed: bool = True


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
        wrong_feedback=tuple(
            zip(
                [c for c in _data.split_choices(row["choices"]) if c != row["answer"]],
                _data.split_choices(row["wrong_feedback"]),
                strict=True,
            )
        ),
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


def check_answer(question: Question, choice: str, attempt: int = 1) -> Feedback:
    """Check a learner's choice; a first wrong attempt gets a second chance.

    Parameters
    ----------
    question : Question
        The question answered.
    choice : str
        The exact text of the chosen option.
    attempt : int, default 1
        Which attempt at this question this is (1 for the first).

    Returns
    -------
    Feedback
        Right: ``"Correct."`` and the explanation. Wrong at the first attempt:
        ``"Not yet."``, why that choice is wrong, and an invitation to try again, without the
        right answer (``revealed`` False). Wrong at a later attempt: ``"Not quite."``, why
        that choice is wrong, the right answer and the explanation. Always the question's
        ``source_ids``.

    Raises
    ------
    itb_edu.errors.ParameterError
        About ``choice`` when it is not one of the question's choices, about ``attempt``
        when it is below 1.
    """
    if choice not in question.choices:
        raise parameter_error(
            "choice",
            choice,
            f"choice={choice!r} is not one of the choices of question "
            f"{question.question_id!r}: {list(question.choices)!r}",
        )
    if attempt < 1:
        raise parameter_error("attempt", attempt, f"attempt must be 1 or more, got {attempt!r}")
    if choice == question.answer:
        message = f"Correct. {question.explanation}"
        return Feedback(correct=True, message=message, source_ids=question.source_ids)
    why = dict(question.wrong_feedback).get(choice, "")
    why = f" {why}" if why else ""
    if attempt == 1:
        message = f"Not yet.{why} Think again and choose another answer."
        return Feedback(False, message, question.source_ids, revealed=False)
    right = question.answer.rstrip(".")
    message = f"Not quite.{why} The right answer is: {right}. {question.explanation}"
    return Feedback(correct=False, message=message, source_ids=question.source_ids)


# --------------------------------------------------------------------------------------------
# Numeric questions: answered with a number, checked by the reservoir engine
# --------------------------------------------------------------------------------------------
#: The unit of each quantity a numeric question asks for.
UNITS: dict[str, str] = {
    "daily_volume_ml": "mL/day",
    "days_to_low_alarm": "days",
    "days_to_empty": "days",
}


@dataclass(frozen=True)
class NumericQuestion:
    """A question answered with a number (a row of ``data/numeric_questions.csv``).

    The right value is never stored: :func:`check_number` asks the reservoir engine
    (:func:`itb_edu.reservoir.plan_refill`) for it, from the pump, fill, concentration and
    dose of the row.

    Attributes
    ----------
    question_id, quiz_id, section, question : str
        Key, the quiz and section it belongs to, the question.
    quantity : str
        A key of :data:`UNITS`.
    pump_id : str
        Row of ``data/pumps.csv`` (its alarm volume is used).
    fill_volume_ml, concentration_mcg_per_ml, daily_dose_mcg : float
        The fictional patient's fill [mL], concentration [mcg/mL] and dose [mcg/day].
    tolerance : float
        Largest difference from the engine's value still counted right, in :attr:`unit`.
    hint : str
        Said after a first wrong attempt (never the answer).
    explanation : str
        The working, with ``{placeholders}`` the engine fills.
    source_ids, objective_ids : tuple of str
    """

    question_id: str
    quiz_id: str
    section: str
    question: str
    quantity: str
    pump_id: str
    fill_volume_ml: float
    concentration_mcg_per_ml: float
    daily_dose_mcg: float
    tolerance: float
    hint: str
    explanation: str
    source_ids: tuple[str, ...]
    objective_ids: tuple[str, ...]

    @property
    def unit(self) -> str:
        """The unit the answer is given in."""
        return UNITS[self.quantity]


def load_numeric(
    quiz_id: str, section: str | None = None, *, data_dir: str | Path | None = None
) -> list[NumericQuestion]:
    """Return the numeric questions of one quiz (or one of its sections), in file order.

    Parameters
    ----------
    quiz_id : str
        The quiz (``"02_reservoir_simulator"``).
    section : str, optional
        Keep only this section's questions; default all. A section may have none.
    data_dir : str or pathlib.Path, optional

    Returns
    -------
    list of NumericQuestion
    """
    if not (_data._directory(data_dir) / "numeric_questions.csv").exists():
        return []  # a data folder without numeric questions (the course's own has them)
    table = _data.numeric_questions(data_dir)
    rows = [r for r in table.to_dict("records") if r["quiz_id"] == quiz_id]
    return [
        NumericQuestion(
            question_id=str(r["question_id"]),
            quiz_id=str(r["quiz_id"]),
            section=str(r["section"]),
            question=str(r["question"]),
            quantity=str(r["quantity"]),
            pump_id=str(r["pump_id"]),
            fill_volume_ml=float(r["fill_volume_ml"]),
            concentration_mcg_per_ml=float(r["concentration_mcg_per_ml"]),
            daily_dose_mcg=float(r["daily_dose_mcg"]),
            tolerance=float(r["tolerance"]),
            hint=str(r["hint"]),
            explanation=str(r["explanation"]),
            source_ids=tuple(_data.split_ids(r["source_ids"])),
            objective_ids=tuple(_data.split_ids(r["objective_ids"])),
        )
        for r in rows
        if section is None or r["section"] == section
    ]


def number_words(value: float) -> str:
    """Return a number as the feedback shows it: 3 decimals below 1 (0.225), else 2 (56.67).

    Examples
    --------
    >>> number_words(0.225), number_words(56.6666), number_words(90.0)
    ('0.225', '56.67', '90')
    """
    places = 3 if abs(value) < 1 else 2
    return f"{value:.{places}f}".rstrip("0").rstrip(".")


def expected_value(question: NumericQuestion, data_dir: str | Path | None = None) -> float:
    """Return the engine's value for a numeric question, in its unit.

    Parameters
    ----------
    question : NumericQuestion
    data_dir : str or pathlib.Path, optional

    Returns
    -------
    float
        From :func:`itb_edu.reservoir.plan_refill` with the pump's alarm volume.

    Examples
    --------
    >>> q = next(q for q in load_numeric("02_reservoir_simulator") if q.question_id == "rs-n2")
    >>> expected_value(q)   # (20 mL - 2 mL) / (400 / 2000 mL/day)
    90.0
    """
    return float(_working(question, data_dir)[question.quantity])


def _working(question: NumericQuestion, data_dir: str | Path | None) -> dict[str, float]:
    from datetime import datetime

    from .pumps import pump_facts
    from .reservoir import DEFAULT_LOW_ALARM_ML, plan_refill

    facts = pump_facts(question.pump_id, _data.pumps(data_dir), _data.facts(data_dir))
    alarm_ml = facts.alarm_ml if facts.alarm_ml is not None else DEFAULT_LOW_ALARM_ML
    plan = plan_refill(
        fill_volume_ml=question.fill_volume_ml,
        concentration_mcg_per_ml=question.concentration_mcg_per_ml,
        daily_dose_mcg=question.daily_dose_mcg,
        refill_at=datetime(2026, 1, 1),
        low_alarm_ml=alarm_ml,
    )
    if plan.days_to_low_alarm is None or plan.days_to_empty is None:  # no delivery at all
        raise parameter_error(
            "question", question.question_id, "the question's pump never reaches its alarm"
        )
    return {
        "daily_dose_mcg": question.daily_dose_mcg,
        "concentration_mcg_per_ml": question.concentration_mcg_per_ml,
        "fill_volume_ml": question.fill_volume_ml,
        "low_alarm_ml": alarm_ml,
        "daily_volume_ml": plan.daily_volume_ml,
        "days_to_low_alarm": plan.days_to_low_alarm,
        "days_to_empty": plan.days_to_empty,
    }


def _slips(question: NumericQuestion, working: dict[str, float]) -> list[tuple[float, str]]:
    """Values a common slip gives, with what the slip was (said after a wrong answer)."""
    slips = [
        (working["daily_volume_ml"] * 24, "That is 24 times too much: per day, not per hour."),
        (working["daily_volume_ml"] / 24, "That is a twenty-fourth: per hour, not per day."),
    ]
    if question.quantity == "days_to_low_alarm":
        slips.append(
            (
                working["days_to_empty"],
                "That is when the pump would be empty; the alarm comes "
                "earlier, when the alarm volume is still left.",
            )
        )
    if question.quantity in ("days_to_low_alarm", "days_to_empty"):
        slips.append(
            (working["daily_volume_ml"], "That is the volume per day, not the number of days.")
        )
    return slips


def check_number(
    question: NumericQuestion,
    value: float,
    attempt: int = 1,
    data_dir: str | Path | None = None,
) -> Feedback:
    """Check a number against the reservoir engine; a first wrong attempt gets a hint.

    Parameters
    ----------
    question : NumericQuestion
    value : float
        The learner's answer, in ``question.unit``.
    attempt : int, default 1
        Which attempt this is.
    data_dir : str or pathlib.Path, optional

    Returns
    -------
    Feedback
        Right (within ``tolerance``): ``"Correct."`` and the working with the engine's numbers.
        Wrong at the first attempt: ``"Not yet."``, the slip it looks like (per hour for per
        day, empty for alarm ...) if any, and the hint (``revealed`` False). Wrong later:
        the same, then the engine's value and the working.

    Raises
    ------
    itb_edu.errors.ParameterError
        About ``value`` when it is not a finite number, about ``attempt`` when below 1.
    """
    from ._validate import require_finite

    value = require_finite("value", value)
    if attempt < 1:
        raise parameter_error("attempt", attempt, f"attempt must be 1 or more, got {attempt!r}")
    working = _working(question, data_dir)
    expected = working[question.quantity]
    shown = {key: number_words(number) for key, number in working.items()}
    explanation = question.explanation.format(**shown)
    if abs(value - expected) <= question.tolerance:
        message = f"Correct. {explanation}"
        return Feedback(True, message, question.source_ids)
    slip = next(
        (
            words
            for number, words in _slips(question, working)
            if abs(value - number) <= max(question.tolerance, abs(number) * 0.01)
        ),
        "",
    )
    slip = f" {slip}" if slip else ""
    if attempt == 1:
        return Feedback(
            False, f"Not yet.{slip} {question.hint}", question.source_ids, revealed=False
        )
    message = (
        f"Not quite.{slip} The engine's answer is {shown[question.quantity]} "
        f"{question.unit}. {explanation}"
    )
    return Feedback(False, message, question.source_ids)
