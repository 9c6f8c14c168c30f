"""Self-check questions and case scenarios kept as data.

One mechanism serves the whole course: every quiz is a CSV file
``data/quiz/<quiz_id>.csv`` read and validated here, and rendered by
:func:`itb_edu.apps.quiz.quiz_app`. This module has no Jupyter imports.

CSV columns (header row required, UTF-8, standard CSV quoting):

``question_id``
    Unique within the file (for example ``se-01``).
``section``
    Free text used to show part of a quiz in one notebook section
    (for example ``withdrawal``).
``question``
    The question the learner answers.
``choices``
    Two or more choices separated by ``" | "`` (a vertical bar).
``answer``
    The exact text of the right choice.
``explanation``
    Why the right choice is right; shown only after the learner answers.
``source_ids``
    Semicolon-separated ids that resolve in ``data/sources.csv``.
``vignette`` (optional column)
    A short fictional patient story shown above the question (case scenarios);
    empty for plain questions. Consecutive questions with the same vignette
    show it once.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from ._validate import parameter_error

__all__ = [
    "CHOICE_SEPARATOR",
    "REQUIRED_COLUMNS",
    "Feedback",
    "Question",
    "QuizFormatError",
    "available_quizzes",
    "check_answer",
    "default_data_dir",
    "load_quiz",
    "load_source_citations",
    "sections",
]

CHOICE_SEPARATOR = "|"
REQUIRED_COLUMNS = (
    "question_id",
    "section",
    "question",
    "choices",
    "answer",
    "explanation",
    "source_ids",
)
OPTIONAL_COLUMNS = ("vignette",)
_QUIZ_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")


class QuizFormatError(ValueError):
    """A quiz file is malformed.

    The message names the file, the line (1 = header row) and the column.
    """


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
    """

    question_id: str
    section: str
    question: str
    choices: tuple[str, ...]
    answer: str
    explanation: str
    source_ids: tuple[str, ...]
    vignette: str = ""

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
    from itb_edu.data import course_data_dir

    return course_data_dir()


def _resolve_data_dir(data_dir: str | Path | None) -> Path:
    path = default_data_dir() if data_dir is None else Path(data_dir)
    if not path.is_dir():
        raise parameter_error("data_dir", data_dir, f"data_dir={str(path)!r} is not a directory")
    return path


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
    itb_edu.data.DataValidationError
        If ``sources.csv`` breaks its schema (a missing column, a repeated source id, ...);
        the message names the file, line and column. It is read and checked by
        :func:`itb_edu.data.sources`, like every other course table.
    """
    from itb_edu.data import sources

    table = sources(_resolve_data_dir(data_dir))
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
        Sorted quiz ids (file names without ``.csv``).
    """
    quiz_dir = _resolve_data_dir(data_dir) / "quiz"
    if not quiz_dir.is_dir():
        return []
    return sorted(p.stem for p in quiz_dir.glob("*.csv"))


def _split_choices(text: str) -> list[str]:
    return [part.strip() for part in text.split(CHOICE_SEPARATOR)]


def _split_ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _parse_rows(path: Path, known_sources: dict[str, tuple[str, str]]) -> list[Question]:
    def fail(line: int, column: str, problem: str) -> QuizFormatError:
        return QuizFormatError(f"{path}, line {line}, column {column!r}: {problem}")

    questions: list[Question] = []
    first_line_of: dict[str, int] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise QuizFormatError(f"{path}, line 1: the file is empty (no header row)") from None
        for column in REQUIRED_COLUMNS:
            if column not in header:
                raise fail(1, column, "column is missing")
        unknown = [h for h in header if h not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
        if unknown:
            raise fail(1, unknown[0], "unknown column")
        index = {name: header.index(name) for name in header}
        previous_end = reader.line_num
        for record in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                raise fail(
                    line,
                    header[min(len(record), len(header)) - 1],
                    f"row has {len(record)} fields, header has {len(header)}",
                )
            cell = {name: record[i].strip() for name, i in index.items()}
            for column in REQUIRED_COLUMNS:
                if not cell[column]:
                    raise fail(line, column, "value is empty")
            question_id = cell["question_id"]
            if question_id in first_line_of:
                raise fail(
                    line,
                    "question_id",
                    f"duplicate id {question_id!r} (first on line {first_line_of[question_id]})",
                )
            first_line_of[question_id] = line
            choices = _split_choices(cell["choices"])
            if len(choices) < 2:
                raise fail(
                    line, "choices", f"needs 2 or more choices separated by ' | ', got {choices!r}"
                )
            if any(not c for c in choices):
                raise fail(line, "choices", "a choice is empty (check the ' | ' separators)")
            duplicates = sorted({c for c in choices if choices.count(c) > 1})
            if duplicates:
                raise fail(line, "choices", f"repeated choice {duplicates[0]!r}")
            if cell["answer"] not in choices:
                raise fail(
                    line,
                    "answer",
                    f"answer {cell['answer']!r} is not exactly one of the choices {choices!r}",
                )
            source_ids = _split_ids(cell["source_ids"])
            if not source_ids:
                raise fail(line, "source_ids", "no source id given")
            for source_id in source_ids:
                if source_id not in known_sources:
                    raise fail(
                        line,
                        "source_ids",
                        f"source id {source_id!r} is not in sources.csv",
                    )
            questions.append(
                Question(
                    question_id=question_id,
                    section=cell["section"],
                    question=cell["question"],
                    choices=tuple(choices),
                    answer=cell["answer"],
                    explanation=cell["explanation"],
                    source_ids=tuple(source_ids),
                    vignette=cell.get("vignette", ""),
                )
            )
    if not questions:
        raise QuizFormatError(f"{path}, line 2: the quiz has no questions")
    return questions


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
    ValueError
        If ``quiz_id`` is malformed or has no file, or ``section`` matches no
        question.
    QuizFormatError
        (a ``ValueError``) if the file is malformed; the message names the
        file, line and column: missing column, empty value, duplicate id,
        fewer than two choices, answer not among the choices, or a source id
        missing from ``sources.csv``.
    itb_edu.data.DataValidationError
        (a ``ValueError``) if ``sources.csv`` itself breaks its schema.

    Notes
    -----
    Line numbers count physical lines with the header as line 1; a quoted
    value spanning lines makes the next record start further down.
    """
    if not isinstance(quiz_id, str) or not _QUIZ_ID_PATTERN.match(quiz_id):
        raise parameter_error(
            "quiz_id",
            quiz_id,
            f"quiz_id={quiz_id!r} must be a file name without '.csv' (letters, digits, '_' or '-')",
        )
    root = _resolve_data_dir(data_dir)
    path = root / "quiz" / f"{quiz_id}.csv"
    if not path.is_file():
        raise parameter_error(
            "quiz_id",
            quiz_id,
            f"quiz_id={quiz_id!r}: no file {path}; available: {available_quizzes(root)}",
        )
    questions = _parse_rows(path, load_source_citations(root))
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
