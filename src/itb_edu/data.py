"""Load and validate the course's sourced tables: the one way the package reads ``data/``.

Every table lives in ``data/<name>.csv``; the self-check quizzes live in
``data/quiz/<quiz_id>.csv``. Each is validated when loaded against its schema in :data:`SPECS`:
the columns must be the expected ones, numbers must be numbers, categories must be known, keys
must be unique, and every row's ``source_ids`` must be filled and resolve in
``data/sources.csv``. Rules that span cells are row checks (a drug amount equals concentration ×
volume; a quiz answer is exactly one of its choices). A problem is reported with the file, the
line and the column, in plain words, so a contributor who mistyped a row can fix it at once::

    data/pumps.csv, line 4, column 'reservoir_ml': 'twenty' is not a number

Each table has a loader named after it: :func:`sources`, :func:`pumps`,
:func:`drug_products`, :func:`facts`, :func:`teaching_cohort`, :func:`system_parts`,
:func:`side_effects`, :func:`withdrawal_vs_overdose`, :func:`weight_studies`, :func:`faq` and
:func:`quiz`. A bad argument (an unknown ``quiz_id``, a ``data_dir`` that is not a folder)
raises :class:`itb_edu.errors.ParameterError`; a bad file raises :class:`DataValidationError`.

Examples
--------
>>> from itb_edu import data
>>> pumps = data.pumps()                      # doctest: +SKIP
>>> pumps.loc[pumps.model_number == "8637-20", "reservoir_ml"]  # doctest: +SKIP
>>> data.quiz("02_reservoir_simulator").answer.head()  # doctest: +SKIP

Notes
-----
The data are found in the source checkout (``<repo>/data``) when the package runs from one, or
inside the installed package (``itb_edu/_data``) after ``pip install .``. Pass ``data_dir`` to
any loader to read another folder (the tests use this for malformed files).

pandas and pandera are imported on first use, not when ``itb_edu`` is imported.
"""

from __future__ import annotations

import csv
import functools
import itertools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._validate import parameter_error

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "ACTION_GROUPS",
    "CASE_CAUSES",
    "CASE_OBSERVATIONS",
    "CASE_ROLES",
    "CASE_SEVERITIES",
    "CHOICE_SEPARATOR",
    "NUMERIC_QUANTITIES",
    "SPECS",
    "TEACHING_ACTIVITIES",
    "TEACHING_PATHS",
    "DataValidationError",
    "Problem",
    "case_actions",
    "case_stages",
    "cases",
    "cell_ids",
    "cell_text",
    "course_data_dir",
    "drug_products",
    "emergency_actions",
    "facts",
    "faq",
    "glossary",
    "load_table",
    "look_alikes",
    "numeric_questions",
    "objectives",
    "patient_teaching",
    "prepost",
    "pumps",
    "quiz",
    "quiz_ids",
    "resolve_sources",
    "side_effects",
    "sources",
    "split_choices",
    "split_ids",
    "system_parts",
    "table_names",
    "teach_back",
    "teaching_cohort",
    "teaching_plan",
    "weight_studies",
    "withdrawal_vs_overdose",
]

SOURCE_KINDS = ("label", "manufacturer", "peer-reviewed", "guideline", "other")
SOURCE_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")

#: Separates the choices of a quiz question in ``data/quiz/<quiz_id>.csv`` (written ``" | "``).
CHOICE_SEPARATOR = "|"
_QUIZ_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")


# --------------------------------------------------------------------------------------------
# Where the data live
# --------------------------------------------------------------------------------------------


def _checkout_data_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "data"


def _packaged_data_dir() -> Path:
    return Path(__file__).resolve().parent / "_data"


def course_data_dir() -> Path:
    """Return the folder that holds the course's CSV tables.

    Returns
    -------
    pathlib.Path
        ``<repo>/data`` when running from a source checkout (so edits show at once),
        otherwise the copy installed inside the package.

    Raises
    ------
    FileNotFoundError
        If neither location holds ``sources.csv``.
    """
    for candidate in (_checkout_data_dir(), _packaged_data_dir()):
        if (candidate / "sources.csv").is_file():
            return candidate
    raise FileNotFoundError(
        "The course data were not found: expected sources.csv in "
        f"{_checkout_data_dir()} or {_packaged_data_dir()}. Reinstall the package."
    )


def table_names(directory: str | Path | None = None) -> list[str]:
    """List the tables (CSV files, without extension) in the data folder.

    Parameters
    ----------
    directory : str or pathlib.Path, optional
        The data folder; the course's own by default.

    Returns
    -------
    list of str
        Names such as ``"pumps"`` and ``"quiz/03_side_effects_and_safety"``, sorted.
    """
    root = Path(directory) if directory is not None else course_data_dir()
    return sorted(p.relative_to(root).with_suffix("").as_posix() for p in root.rglob("*.csv"))


def quiz_ids(data_dir: str | Path | None = None) -> list[str]:
    """List the quizzes: the files ``data/quiz/<quiz_id>.csv``.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder to read from; the course's own data by default.

    Returns
    -------
    list of str
        Sorted quiz ids (file names without ``.csv``); empty when there is no ``quiz`` folder.

    Raises
    ------
    itb_edu.errors.ParameterError
        If ``data_dir`` is not a folder.
    """
    quiz_dir = _directory(data_dir) / "quiz"
    if not quiz_dir.is_dir():
        return []
    return sorted(p.stem for p in quiz_dir.glob("*.csv"))


def _directory(data_dir: str | Path | None) -> Path:
    """Return the data folder to read: ``data_dir`` checked, or the course's own."""
    if data_dir is None:
        return course_data_dir()
    path = Path(data_dir)
    if not path.is_dir():
        raise parameter_error("data_dir", data_dir, f"data_dir={str(path)!r} is not a directory")
    return path.resolve()


# --------------------------------------------------------------------------------------------
# Schemas
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One column of a table: its name, kind and constraints."""

    name: str
    kind: str = "text"  # "text", "number" or "category"
    required: bool = True  # every row must fill the cell
    choices: tuple[str, ...] = ()
    min_value: float | None = None
    positive: bool = False
    column_required: bool = True  # False: the file may leave the column out (read as empty)


@dataclass(frozen=True)
class TableSpec:
    """The columns of a table, in order, and the name of its unique key."""

    fields: tuple[Field, ...]
    key: str | None = None

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        """Return the column called ``name``."""
        for item in self.fields:
            if item.name == name:
                return item
        raise KeyError(f"no column {name!r}; columns: {', '.join(self.columns)}")


def _text(name: str, required: bool = True, column_required: bool = True) -> Field:
    return Field(name, "text", required, column_required=column_required)


def _number(name: str, required: bool = True, positive: bool = False) -> Field:
    return Field(name, "number", required, min_value=0.0, positive=positive)


def _category(name: str, choices: Sequence[str], required: bool = True) -> Field:
    return Field(name, "category", required, tuple(choices))


SOURCE_IDS = _text("source_ids")
#: The learning objectives a question, step, case or action checks (``objectives.csv`` ids).
OBJECTIVE_IDS = _text("objective_ids")

#: Values of a yes/no column.
YES_NO: tuple[str, ...] = ("yes", "no")
#: The teaching paths of the instructor guide (``data/teaching_plan.csv``).
TEACHING_PATHS: tuple[str, ...] = ("core-2h", "half-day")
#: What the educator does in a section of a path.
TEACHING_ACTIVITIES: tuple[str, ...] = ("present", "demo", "practise", "discuss", "check")
#: What a numeric question asks for, each worked out by the reservoir engine
#: (:func:`itb_edu.quiz.check_number`).
NUMERIC_QUANTITIES: tuple[str, ...] = ("daily_volume_ml", "days_to_low_alarm", "days_to_empty")
#: The steps of a refill visit, in order (:data:`itb_edu.visit.STEPS`).
VISIT_STEPS: tuple[str, ...] = (
    "identify",
    "check-order",
    "interrogate",
    "find-port",
    "prepare",
    "aspirate",
    "fill",
    "program",
    "review",
    "alarm-date",
    "observe",
    "teach",
)
#: When an option of a visit step is right (:data:`itb_edu.visit.CONDITIONS`; the engine
#: decides each from the scenario).
VISIT_CONDITIONS: tuple[str, ...] = (
    "always",
    "never",
    "label-matches-order",
    "label-differs",
    "hard-to-palpate",
    "easy-to-palpate",
    "residual-explained",
    "residual-unexplained",
    "restart-after-break",
    "no-restart",
    "eri",
    "no-eri",
)

#: Groups of the emergency first-actions checklist (``data/emergency_actions.csv``), in
#: checklist order.
ACTION_GROUPS: tuple[str, ...] = (
    "assess",
    "support",
    "ask",
    "call",
    "investigate",
    "treat",
    "wait",
)
#: What a case's true cause is (``data/cases.csv``).
CASE_CAUSES: tuple[str, ...] = (
    "withdrawal",
    "overdose",
    "autonomic-dysreflexia",
    "sepsis",
    "meningitis",
    "neuroleptic-malignant-syndrome",
    "malignant-hyperthermia",
    "serotonin-syndrome",
)
#: What an action does in a case (``data/case_actions.csv``; :mod:`itb_edu.cases`).
CASE_ROLES: tuple[str, ...] = ("turns", "needed", "helps", "not-indicated", "harms")
#: The observations every stage of a case gives, in words (``data/case_stages.csv``).
CASE_OBSERVATIONS: tuple[str, ...] = (
    "temperature",
    "heart_rate",
    "blood_pressure",
    "breathing",
    "consciousness",
    "tone",
    "itching",
)
#: Severity of a stage: 1 early, 2 worsening, 3 severe, 4 life-threatening (the case ends).
CASE_SEVERITIES: tuple[int, ...] = (1, 2, 3, 4)

SPECS: dict[str, TableSpec] = {
    "sources": TableSpec(
        (
            _text("source_id"),
            _category("kind", SOURCE_KINDS),
            _text("citation"),
            _text("url", required=False),
        ),
        key="source_id",
    ),
    "drug_products": TableSpec(
        (
            _text("product_id"),
            _text("brand"),
            _text("manufacturer"),
            _category("presentation", ("ampule", "prefilled syringe", "vial")),
            _category("use", ("screening", "refill")),
            _number("concentration_mcg_per_ml", positive=True),
            _number("container_volume_ml", positive=True),
            _number("drug_amount_mg", positive=True),
            SOURCE_IDS,
        ),
        key="product_id",
    ),
    "pumps": TableSpec(
        (
            _text("pump_id"),
            _text("manufacturer"),
            _text("model"),
            _text("model_number", required=False),
            _number("reservoir_ml", required=False, positive=True),
            _category(
                "mechanism",
                (
                    "programmable peristaltic",
                    "programmable valve-gated",
                    "constant-flow gas-driven",
                ),
            ),
            _category("powered_by", ("battery", "none")),
            _text("dose_setting"),
            _text("dose_change"),
            _text("low_reservoir_alarm"),
            _number("default_low_alarm_ml", required=False),
            _number("overinfusion_above_pct", required=False, positive=True),
            _text("battery_life"),
            _text("end_of_life"),
            _text("mri"),
            SOURCE_IDS,
        ),
        key="pump_id",
    ),
    "facts": TableSpec(
        (
            _text("fact_id"),
            _text("topic"),
            _text("statement"),
            _text("value", required=False),
            _text("unit", required=False),
            _category("status", ("V", "S")),
            SOURCE_IDS,
        ),
        key="fact_id",
    ),
    "teaching_cohort": TableSpec(
        (
            _text("patient_id"),
            _text("label"),
            _text("pump_id"),
            _number("concentration_mcg_per_ml", positive=True),
            _number("daily_dose_mcg", required=False),
            _text("schedule", required=False),
            _number("fill_volume_ml", positive=True),
            _text("last_refill_at"),
            SOURCE_IDS,
        ),
        key="patient_id",
    ),
    "system_parts": TableSpec(
        (
            _text("part_id"),
            _category("figure", ("body", "spine", "pump")),
            _text("name"),
            _text("explanation"),
            SOURCE_IDS,
        ),
        key="part_id",
    ),
    "side_effects": TableSpec(
        (
            _text("effect_id"),
            _text("name"),
            _text("description"),
            _category(
                "category",
                (
                    "common drug effect",
                    "serious drug effect",
                    "early withdrawal",
                    "severe withdrawal",
                    "overdose",
                    "device or surgical complication",
                ),
            ),
            _text("phase_or_population"),
            _text("frequency"),
            _text("nurse_action"),
            SOURCE_IDS,
        ),
        key="effect_id",
    ),
    "withdrawal_vs_overdose": TableSpec(
        (
            _text("aspect_id"),
            _text("aspect"),
            _text("withdrawal"),
            _text("overdose"),
            SOURCE_IDS,
        ),
        key="aspect_id",
    ),
    "weight_studies": TableSpec(
        (
            _text("measure_id"),
            _text("study"),
            _text("measure"),
            _text("unit"),
            _number("before"),
            _number("after"),
            _number("n_patients", required=False, positive=True),
            _text("statistic"),
            SOURCE_IDS,
        ),
        key="measure_id",
    ),
    "faq": TableSpec(
        (
            _text("faq_id"),
            _text("question"),
            _text("answer"),
            _text("notebook_section"),
            _text("common_mistake", required=False),
            SOURCE_IDS,
        ),
        key="faq_id",
    ),
    # Every quiz, data/quiz/<quiz_id>.csv, has this schema (see _spec_for); the row checks of
    # _check_quiz_rows add: two or more distinct choices, the answer exactly one of them, and at
    # least one question.
    "quiz": TableSpec(
        (
            _text("question_id"),
            _text("section"),
            _text("question"),
            _text("choices"),
            _text("answer"),
            _text("explanation"),
            SOURCE_IDS,
            OBJECTIVE_IDS,
            _text("wrong_feedback"),
            _text("vignette", required=False, column_required=False),
        ),
        key="question_id",
    ),
    # Numeric self-checks, answered with a number and checked by the reservoir engine.
    "numeric_questions": TableSpec(
        (
            _text("question_id"),
            _text("quiz_id"),
            _text("section"),
            _text("question"),
            _category("quantity", NUMERIC_QUANTITIES),
            _text("pump_id"),
            _number("fill_volume_ml", positive=True),
            _number("concentration_mcg_per_ml", positive=True),
            _number("daily_dose_mcg", positive=True),
            _number("tolerance", positive=True),
            _text("hint"),
            _text("explanation"),
            SOURCE_IDS,
            OBJECTIVE_IDS,
        ),
        key="question_id",
    ),
    # The refill-visit practice (itb_edu.visit): scenarios, steps and the options of each step.
    "visit_scenarios": TableSpec(
        (
            _text("scenario_id"),
            _text("title"),
            _text("patient"),
            _text("story"),
            _text("pump_id"),
            _text("last_refill_at"),
            _number("last_fill_ml", positive=True),
            _number("last_concentration_mcg_per_ml", positive=True),
            _number("last_daily_dose_mcg", positive=True),
            _text("visit_at"),
            _number("aspirated_ml"),
            _text("order_text"),
            _number("order_daily_dose_mcg", positive=True),
            _number("order_concentration_mcg_per_ml", positive=True),
            _number("new_fill_ml", positive=True),
            _number("label_concentration_mcg_per_ml", positive=True),
            _number("dead_space_ml"),
            _category("hard_to_palpate", YES_NO),
            _category("eri", YES_NO),
            _category("restart_after_break", YES_NO),
            _text("hazard"),
            SOURCE_IDS,
        ),
        key="scenario_id",
    ),
    "visit_steps": TableSpec(
        (
            _category("step_id", VISIT_STEPS),
            _text("title"),
            _text("prompt"),
            SOURCE_IDS,
            OBJECTIVE_IDS,
        ),
        key="step_id",
    ),
    "visit_choices": TableSpec(
        (
            _category("step_id", VISIT_STEPS),
            _text("choice_id"),
            _text("text"),
            _category("correct_when", VISIT_CONDITIONS),
            _category("critical", YES_NO),
            _text("feedback_right", required=False),
            _text("feedback_wrong", required=False),
            _text("part_id", required=False),
            SOURCE_IDS,
        ),
    ),
    # The instructor guide's paths through the course, section by section.
    "teaching_plan": TableSpec(
        (
            _category("path", TEACHING_PATHS),
            _number("order", positive=True),
            _text("notebook"),
            _text("section"),
            _number("minutes", positive=True),
            _category("activity", TEACHING_ACTIVITIES),
            _text("think_prompt"),
            _text("misconception"),
            OBJECTIVE_IDS,
            SOURCE_IDS,
        ),
    ),
    # The glossary: the course's technical words, defined in plain words, sourced.
    "glossary": TableSpec((_text("term"), _text("definition"), SOURCE_IDS), key="term"),
    # The short pre-test and post-test of "My progress": one question per core objective.
    "prepost": TableSpec(
        (_text("objective_id"), _text("quiz_id"), _text("question_id"), SOURCE_IDS),
        key="objective_id",
    ),
    # The course's learning objectives: what every question, step, case and action checks.
    "objectives": TableSpec(
        (_text("objective_id"), _text("notebook"), _text("objective"), SOURCE_IDS),
        key="objective_id",
    ),
    # The emergency cases (itb_edu.cases): the first-actions checklist, the cases, how each
    # case evolves untreated, and what each action does in each case.
    "emergency_actions": TableSpec(
        (
            _text("action_id"),
            _category("group", ACTION_GROUPS),
            _text("label"),
            _text("checklist"),
            _number("minutes"),
            _text("requires", required=False),
            _text("default_feedback"),
            SOURCE_IDS,
            OBJECTIVE_IDS,
        ),
        key="action_id",
    ),
    "cases": TableSpec(
        (
            _text("case_id"),
            _text("title"),
            _text("patient"),
            _text("setting"),
            _text("story"),
            _text("pump_id"),
            _category("cause", CASE_CAUSES),
            _number("arrival_hours"),
            _text("trains"),
            _text("recovery"),
            _text("family_point"),
            SOURCE_IDS,
            OBJECTIVE_IDS,
        ),
        key="case_id",
    ),
    "case_stages": TableSpec(
        (
            _text("case_id"),
            _text("stage_id"),
            _number("from_hours"),
            _number("severity"),
            _text("summary"),
            *(_text(name) for name in CASE_OBSERVATIONS),
            _text("timing"),
            SOURCE_IDS,
        ),
    ),
    # Teaching patients and families (itb_edu.teaching): the topics and the teach-back practice.
    "patient_teaching": TableSpec(
        (_text("topic_id"), _text("topic"), _text("teach"), _text("why"), SOURCE_IDS),
        key="topic_id",
    ),
    "look_alikes": TableSpec(
        (
            _text("condition_id"),
            _text("condition"),
            _text("signs"),
            _text("time_course"),
            _text("points_to"),
            _text("ask_first"),
            _text("blood_pressure"),
            SOURCE_IDS,
        ),
        key="condition_id",
    ),
    "teach_back": TableSpec(
        (
            _text("item_id"),
            _text("topic_id"),
            _text("taught"),
            _text("questions"),
            _text("good_question"),
            _text("question_feedback"),
            _text("answer"),
            _category("answer_ok", YES_NO),
            _text("answer_feedback"),
            SOURCE_IDS,
            OBJECTIVE_IDS,
        ),
        key="item_id",
    ),
    "case_actions": TableSpec(
        (
            _text("case_id"),
            _text("action_id"),
            _category("role", CASE_ROLES),
            _text("requires", required=False),
            _text("finding", required=False),
            _text("feedback"),
            SOURCE_IDS,
        ),
    ),
}


def _spec_for(name: str) -> TableSpec | None:
    """Return the schema of table ``name`` (``"quiz/<quiz_id>"`` has :data:`SPECS` ``["quiz"]``)."""
    if name.startswith("quiz/"):
        return SPECS["quiz"]
    return SPECS.get(name)


# --------------------------------------------------------------------------------------------
# Problems and errors
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file, located to the line and column."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class DataValidationError(ValueError):
    """A data file broke its schema. ``problems`` lists every fault found."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems[:50])
        more = len(self.problems) - 50
        if more > 0:
            shown += f"\n  - ... and {more} more"
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the course data:\n{shown}")


# --------------------------------------------------------------------------------------------
# Reading and validating
# --------------------------------------------------------------------------------------------


def _read_rows(path: Path, label: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Read a CSV as text, keeping the file line on which each record starts."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, strict=True)
            header = next(reader, None)
            if header is None:
                raise DataValidationError([Problem(label, None, None, "the file is empty")])
            rows: list[tuple[int, list[str]]] = []
            start = reader.line_num + 1
            for record in reader:
                if any(cell.strip() for cell in record):
                    rows.append((start, record))
                start = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise DataValidationError(
            [Problem(label, None, None, f"the file is not UTF-8 text ({exc.reason})")]
        ) from exc
    except csv.Error as exc:
        raise DataValidationError(
            [Problem(label, reader.line_num, None, f"the CSV is malformed ({exc})")]
        ) from exc
    return [h.strip() for h in header], rows


def _plain_message(check: str, value: object, field: Field | None) -> str | None:
    """Turn a pandera check name into a sentence, or None for follow-on failures."""
    if isinstance(value, str) and value.startswith("TypeError"):
        return None  # a check that ran on a value that had already failed coercion
    shown = "" if value is None or (isinstance(value, float) and math.isnan(value)) else value
    if check.startswith("coerce_dtype"):
        return f"{shown!r} is not a number"
    if check.startswith("dtype("):
        return None  # always follows a failed coercion
    if check == "not_nullable":
        return "is empty; this column must be filled"
    if check.startswith("isin") and field is not None:
        return f"{shown!r} is not one of: {', '.join(field.choices)}"
    if check.startswith("greater_than_or_equal_to"):
        return f"{shown!r} must not be negative"
    if check.startswith("greater_than("):
        return f"{shown!r} must be greater than zero"
    if check == "field_uniqueness":
        return f"{shown!r} appears more than once; it must be unique"
    if check == "column_in_dataframe":
        return "this column is missing"
    if check == "column_in_schema":
        return "this column is not expected in this table"
    if check == "column_ordered":
        return "columns are out of order"
    return f"{shown!r} failed the check {check}"


def _pandera_schema(spec: TableSpec) -> Any:
    import pandera.pandas as pa

    columns = {}
    for field in spec.fields:
        checks = []
        dtype: type
        if field.kind == "number":
            dtype = float
            if field.positive:
                checks.append(pa.Check.gt(0))
            elif field.min_value is not None:
                checks.append(pa.Check.ge(field.min_value))
        else:
            dtype = str
            if field.kind == "category":
                checks.append(pa.Check.isin(list(field.choices)))
        columns[field.name] = pa.Column(
            dtype,
            checks=checks,
            nullable=not field.required,
            coerce=True,
            unique=field.name == spec.key,
            required=field.column_required,
        )
    return pa.DataFrameSchema(columns, strict=True, ordered=False)


def _validate_frame(frame: pd.DataFrame, spec: TableSpec, label: str) -> pd.DataFrame:
    import pandera.pandas as pa

    problems: list[Problem] = []
    try:
        frame = _pandera_schema(spec).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fields = {f.name: f for f in spec.fields}
        seen: set[tuple[object, object]] = set()
        for case in exc.failure_cases.to_dict("records"):
            check = str(case["check"])
            column = case["column"]
            failure = case["failure_case"]
            index = case["index"]
            if check in ("column_in_dataframe", "column_in_schema"):
                column, index = failure, 1  # a header problem: line 1
            line = None if index is None or _is_missing(index) else int(index)
            if line is not None and column in frame.columns and line in frame.index:
                raw = frame.loc[line, column]
                if not _is_missing(raw):
                    failure = raw  # show the text as written in the file, not as coerced
            message = _plain_message(check, failure, fields.get(column))
            if check == "field_uniqueness" and line is not None and not _is_missing(failure):
                first = int(frame.index[frame[column] == frame.loc[line, column]].min())
                if first == line:
                    continue  # the first occurrence is fine; the repeats are reported
                message = (
                    f"{failure!r} appears more than once (first on line {first}); it must be unique"
                )
            if message is None or (line, column) in seen:
                continue
            seen.add((line, column))
            problems.append(Problem(label, line, column, message))
    if problems:
        raise DataValidationError(sorted(problems, key=_problem_order))
    return frame


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _problem_order(problem: Problem) -> tuple[int, str]:
    return (problem.line or 0, problem.column or "")


def cell_text(value: object) -> str:
    """Return a table cell as text: ``""`` for an empty cell (missing or NaN), else stripped.

    Examples
    --------
    >>> cell_text(float("nan")), cell_text(" yes ")
    ('', 'yes')
    """
    return "" if _is_missing(value) else str(value).strip()


def cell_ids(value: object) -> tuple[str, ...]:
    """Return the ``;``-separated ids of a cell (an empty cell has none).

    Examples
    --------
    >>> cell_ids("a; b"), cell_ids(None)
    (('a', 'b'), ())
    """
    return tuple(split_ids(cell_text(value)))


def split_ids(text: str) -> list[str]:
    """Split a ``source_ids`` cell into its ids.

    Parameters
    ----------
    text : str
        Semicolon-separated ids, such as ``"lioresal-us-label; coffey-2002-withdrawal"``.

    Returns
    -------
    list of str
        The ids, stripped, blanks dropped.
    """
    return [part.strip() for part in text.split(";") if part.strip()]


def split_choices(text: str) -> list[str]:
    """Split a quiz ``choices`` cell into its choices.

    Parameters
    ----------
    text : str
        Choices separated by :data:`CHOICE_SEPARATOR` (written ``" | "``).

    Returns
    -------
    list of str
        The choices, stripped, in display order (an empty choice stays, as ``""``).
    """
    return [part.strip() for part in text.split(CHOICE_SEPARATOR)]


def _check_known(
    frame: pd.DataFrame, label: str, column: str, known: set[str], where: str
) -> list[Problem]:
    """Check every id in ``column`` (one, or ``;``-separated) is one of ``known`` (``where``)."""
    return [
        Problem(label, int(line), column, f"{value!r} is not in {where}")
        for line, cell in frame[column].items()
        for value in cell_ids(cell)
        if value not in known
    ]


def _check_source_ids(
    frame: pd.DataFrame, known: set[str], label: str, columns: Iterable[str]
) -> list[Problem]:
    problems = []
    for column in columns:
        for line, cell in frame[column].items():
            text = "" if _is_missing(cell) else str(cell)
            ids = split_ids(text)
            if not ids:
                problems.append(
                    Problem(label, int(line), column, "no source given; every row needs one")
                )
                continue
            for source_id in ids:
                if source_id not in known:
                    problems.append(
                        Problem(
                            label,
                            int(line),
                            column,
                            f"source {source_id!r} is not in sources.csv",
                        )
                    )
    return problems


def _check_drug_amounts(frame: pd.DataFrame, label: str) -> list[Problem]:
    problems = []
    for line, row in frame.iterrows():
        expected = row["concentration_mcg_per_ml"] * row["container_volume_ml"] / 1000.0
        if not math.isclose(row["drug_amount_mg"], expected, rel_tol=1e-9, abs_tol=1e-9):
            problems.append(
                Problem(
                    label,
                    int(line),
                    "drug_amount_mg",
                    f"{row['drug_amount_mg']!r} mg does not equal concentration × volume "
                    f"({row['concentration_mcg_per_ml']!r} mcg/mL × "
                    f"{row['container_volume_ml']!r} mL = {expected!r} mg)",
                )
            )
    return problems


def _check_quiz_rows(frame: pd.DataFrame, label: str) -> list[Problem]:
    """Check that a quiz has questions, each with 2+ distinct choices, one being the answer."""
    if frame.empty:
        return [Problem(label, 2, None, "the quiz has no questions")]
    problems = []
    for line, row in frame.iterrows():
        choices = split_choices(row["choices"])
        complaint = None
        if len(choices) < 2:
            complaint = f"needs 2 or more choices separated by ' | ', got {choices!r}"
        elif not all(choices):
            complaint = "a choice is empty (check the ' | ' separators)"
        else:
            repeated = sorted({c for c in choices if choices.count(c) > 1})
            if repeated:
                complaint = f"repeated choice {repeated[0]!r}"
        if complaint is not None:
            problems.append(Problem(label, int(line), "choices", complaint))
        feedback = split_choices(str(row["wrong_feedback"]))
        if len(choices) >= 2 and row["answer"] in choices and len(feedback) != len(choices) - 1:
            problems.append(
                Problem(
                    label,
                    int(line),
                    "wrong_feedback",
                    f"needs one entry per wrong choice ({len(choices) - 1}), separated by "
                    f"' | ', got {len(feedback)}",
                )
            )
        elif len(str(row["answer"])) >= 20 and any(str(row["answer"]) in e for e in feedback):
            problems.append(
                Problem(
                    label,
                    int(line),
                    "wrong_feedback",
                    "an entry quotes the right answer; the learner must be able to try again",
                )
            )
        if row["answer"] not in choices:
            problems.append(
                Problem(
                    label,
                    int(line),
                    "answer",
                    f"{row['answer']!r} is not exactly one of the choices {choices!r}",
                )
            )
    return problems


def _check_visit_scenarios(frame: pd.DataFrame, label: str, pump_ids: set[str]) -> list[Problem]:
    """Check that a scenario names a known pump and gives its two moments in order."""
    from datetime import datetime

    problems = _check_known(frame, label, "pump_id", pump_ids, "pumps.csv")
    for index, row in frame.iterrows():
        line = int(index)  # frames are indexed by the file line of each record
        moments = {}
        for column in ("last_refill_at", "visit_at"):
            try:
                moments[column] = datetime.fromisoformat(str(row[column]).strip())
            except ValueError:
                problems.append(
                    Problem(label, line, column, f"{row[column]!r} is not an ISO date and time")
                )
        if len(moments) == 2 and moments["visit_at"] <= moments["last_refill_at"]:
            problems.append(Problem(label, line, "visit_at", "is not after last_refill_at"))
    return problems


def _check_visit_choices(frame: pd.DataFrame, label: str) -> list[Problem]:
    """Check each (step_id, choice_id) once, two or more per step, feedback for each case."""
    problems = []
    seen: dict[tuple[str, str], int] = {}
    for index, row in frame.iterrows():
        line = int(index)  # frames are indexed by the file line of each record
        pair = (str(row["step_id"]), str(row["choice_id"]))
        if pair in seen:
            problems.append(
                Problem(
                    label,
                    line,
                    "choice_id",
                    f"{pair[1]!r} appears more than once for step {pair[0]!r} "
                    f"(first on line {seen[pair]})",
                )
            )
        else:
            seen[pair] = line
        when = str(row["correct_when"])
        for column, needed in (
            ("feedback_right", when != "never"),
            ("feedback_wrong", when != "always"),
        ):
            text = row[column]
            if needed and (text is None or not str(text).strip() or str(text) == "nan"):
                problems.append(
                    Problem(label, line, column, f"is empty, but the option can be {column[9:]}")
                )
    counts = frame["step_id"].value_counts()
    for step_id, count in counts.items():
        if count < 2:
            line = int(frame.index[frame["step_id"] == step_id][0])
            problems.append(
                Problem(label, line, "step_id", f"step {step_id!r} has only one option")
            )
    return problems


_CASE_TABLES = ("emergency_actions", "cases", "case_stages", "case_actions")


def _check_case_tables(
    name: str, frame: pd.DataFrame, label: str, directory: Path
) -> list[Problem]:
    """Check the emergency-case tables against each other and against ``pumps.csv``."""
    problems: list[Problem] = []
    if name == "emergency_actions":
        known = set(frame["action_id"].astype(str))
        return _check_known(frame, label, "requires", known, "emergency_actions.csv")
    if name == "cases":
        pump_ids = set(_load("pumps", directory)["pump_id"])
        return _check_known(frame, label, "pump_id", pump_ids, "pumps.csv")
    cases = _load("cases", directory).set_index("case_id")
    case_ids = set(cases.index)
    if name == "case_stages":
        problems += _check_known(frame, label, "case_id", case_ids, "cases.csv")
        for index, row in frame.iterrows():
            if row["severity"] not in CASE_SEVERITIES:
                problems.append(
                    Problem(label, int(index), "severity", f"must be one of {CASE_SEVERITIES}")
                )
        for case_id, own in frame.groupby("case_id", sort=False):
            first = int(own.index[0])
            hours, severity = list(own["from_hours"]), list(own["severity"])
            if hours[0] != 0:
                problems.append(
                    Problem(label, first, "from_hours", "a case's first stage starts at 0")
                )
            if any(b <= a for a, b in itertools.pairwise(hours)):
                problems.append(
                    Problem(
                        label, first, "from_hours", f"stages of {case_id!r} are not in time order"
                    )
                )
            if any(b <= a for a, b in itertools.pairwise(severity)) or severity[-1] != 4:
                problems.append(
                    Problem(
                        label,
                        first,
                        "severity",
                        f"stages of {case_id!r} must grow more severe and end at 4",
                    )
                )
            if case_id in case_ids and cases.loc[case_id, "arrival_hours"] >= hours[-1]:
                problems.append(
                    Problem(
                        label,
                        int(own.index[-1]),
                        "from_hours",
                        f"the last stage of {case_id!r} must come after its arrival_hours",
                    )
                )
            if own["stage_id"].duplicated().any():
                problems.append(Problem(label, first, "stage_id", f"repeated in {case_id!r}"))
        return problems
    # case_actions
    action_ids = set(_load("emergency_actions", directory)["action_id"])
    problems += _check_known(frame, label, "case_id", case_ids, "cases.csv")
    for column in ("action_id", "requires"):
        problems += _check_known(frame, label, column, action_ids, "emergency_actions.csv")
    seen: dict[tuple[str, str], int] = {}
    for index, row in frame.iterrows():
        line = int(index)
        pair = (str(row["case_id"]), str(row["action_id"]))
        if pair in seen:
            problems.append(
                Problem(label, line, "action_id", f"repeats line {seen[pair]} for {pair[0]!r}")
            )
        seen.setdefault(pair, line)
    for case_id in sorted(case_ids):
        own = frame[frame["case_id"] == case_id]
        where = int(own.index[0]) if not own.empty else 2
        if not (own["role"] == "turns").any():
            problems.append(
                Problem(label, where, "role", f"case {case_id!r} has no action that turns it")
            )
        for needed in ("pump-card", "listen-alarm"):
            if needed not in set(own["action_id"]):
                problems.append(
                    Problem(
                        label, where, "action_id", f"case {case_id!r} gives no row for {needed!r}"
                    )
                )
    return problems


def _check_source_rows(frame: pd.DataFrame, label: str) -> list[Problem]:
    problems = []
    for line, source_id in frame["source_id"].items():
        if not SOURCE_ID_PATTERN.match(str(source_id)):
            problems.append(
                Problem(
                    label,
                    int(line),
                    "source_id",
                    f"{source_id!r} is not a lower-case kebab id such as 'lioresal-us-label'",
                )
            )
    return problems


def _load_raw(name: str, directory: Path) -> tuple[pd.DataFrame, str]:
    import pandas as pd

    path = directory / f"{name}.csv"
    label = f"data/{name}.csv"
    if not path.is_file():
        raise FileNotFoundError(f"{label} does not exist in {directory}")
    header, rows = _read_rows(path, label)
    problems = []
    if len(set(header)) != len(header):
        dupes = sorted({h for h in header if header.count(h) > 1})
        problems.append(Problem(label, 1, None, f"repeated column name(s): {', '.join(dupes)}"))
    for line, record in rows:
        if len(record) != len(header):
            problems.append(
                Problem(
                    label,
                    line,
                    None,
                    f"has {len(record)} fields but the header has {len(header)}"
                    " (a comma in a text field needs the field in double quotes)",
                )
            )
    if problems:
        raise DataValidationError(problems)
    frame = pd.DataFrame(
        [[cell.strip() for cell in record] for _, record in rows],
        columns=header,
        index=pd.Index([line for line, _ in rows], name="line"),
        dtype=object,
    )
    frame = frame.mask(frame == "")
    return frame, label


def _stamp(name: str, directory: Path) -> tuple[tuple[int, int], ...]:
    """Modification time and size of a table and of sources.csv, so edits are seen at once."""
    stamps = []
    for table in dict.fromkeys((name, "sources")):
        try:
            stat = (directory / f"{table}.csv").stat()
            stamps.append((stat.st_mtime_ns, stat.st_size))
        except FileNotFoundError:
            stamps.append((0, -1))
    return tuple(stamps)


def _load(name: str, directory: Path) -> pd.DataFrame:
    return _load_cached(name, directory, _stamp(name, directory))


@functools.lru_cache(maxsize=64)
def _load_cached(name: str, directory: Path, stamp: tuple[object, ...]) -> pd.DataFrame:
    frame, label = _load_raw(name, directory)
    spec = _spec_for(name)
    if spec is not None:
        for field in spec.fields:
            if not field.column_required and field.name not in frame.columns:
                frame[field.name] = None  # an optional column left out reads as empty
        frame = _validate_frame(frame, spec, label)
    problems: list[Problem] = []
    if name == "sources":
        problems += _check_source_rows(frame, label)
    else:
        source_columns = [c for c in frame.columns if c == "source_ids"]
        if not source_columns:
            problems.append(
                Problem(label, 1, "source_ids", "this column is missing; every row needs a source")
            )
        else:
            known = set(_load("sources", directory)["source_id"])
            problems += _check_source_ids(frame, known, label, source_columns)
    if name == "drug_products":
        problems += _check_drug_amounts(frame, label)
    if name.startswith("quiz/"):
        problems += _check_quiz_rows(frame, label)
    if name in ("prepost", "numeric_questions"):
        problems += _check_known(frame, label, "quiz_id", set(quiz_ids(directory)), "quiz/")
    if name == "prepost":
        known_objectives = set(_load("objectives", directory)["objective_id"])
        problems += _check_known(frame, label, "objective_id", known_objectives, "objectives.csv")
        for index, row in frame.iterrows():
            line = int(index)
            if str(row["quiz_id"]) not in quiz_ids(directory):
                continue
            quiz_questions = set(_load(f"quiz/{row['quiz_id']}", directory)["question_id"])
            if str(row["question_id"]) not in quiz_questions:
                problems.append(
                    Problem(
                        label,
                        line,
                        "question_id",
                        f"{row['question_id']!r} is not a question of {row['quiz_id']!r}",
                    )
                )
    if name == "numeric_questions":
        pump_ids = set(_load("pumps", directory)["pump_id"])
        problems += _check_known(frame, label, "pump_id", pump_ids, "pumps.csv")
    if name == "visit_scenarios":
        pump_ids = set(_load("pumps", directory)["pump_id"])
        problems += _check_visit_scenarios(frame, label, pump_ids)
    if name == "visit_choices":
        problems += _check_visit_choices(frame, label)
        pump_parts = set(
            _load("system_parts", directory).query("figure == 'pump'")["part_id"].astype(str)
        )
        for line, part in frame["part_id"].items():
            if not _is_missing(part) and str(part) not in pump_parts:
                problems.append(
                    Problem(
                        label, int(line), "part_id", f"{part!r} is not a part of the pump figure"
                    )
                )
    if "objective_ids" in frame.columns:
        known_objectives = set(_load("objectives", directory)["objective_id"])
        problems += [
            Problem(label, int(line), "objective_ids", "no objective given; every row needs one")
            for line, cell in frame["objective_ids"].items()
            if not cell_ids(cell)
        ]
        problems += _check_known(frame, label, "objective_ids", known_objectives, "objectives.csv")
    if name == "teach_back":
        topics = set(_load("patient_teaching", directory)["topic_id"])
        problems += _check_known(frame, label, "topic_id", topics, "patient_teaching.csv")
        for index, row in frame.iterrows():
            line = int(index)
            questions = split_choices(row["questions"])
            if len(questions) < 2 or row["good_question"] not in questions:
                problems.append(
                    Problem(
                        label,
                        line,
                        "good_question",
                        "must be exactly one of two or more questions separated by ' | '",
                    )
                )
    if name in _CASE_TABLES:
        problems += _check_case_tables(name, frame, label, directory)
    if problems:
        raise DataValidationError(sorted(problems, key=_problem_order))
    if spec is not None:
        frame = frame[spec.columns]
    return frame


def glossary(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the glossary, ``data/glossary.csv``: each ``term``, its ``definition``, sources."""
    return load_table("glossary", data_dir)


def load_table(name: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load and validate ``data/<name>.csv``.

    Parameters
    ----------
    name : str
        Table name, the file name without ``.csv`` (``"pumps"``, ``"quiz/01_..."``).
    data_dir : str or pathlib.Path, optional
        Folder to read from; the course's own data by default.

    Returns
    -------
    pandas.DataFrame
        A fresh copy of the table. Its index is the line of the CSV file on which each row
        starts, so a row can always be traced back to the file. Number columns are floats,
        empty cells are missing values.

    Raises
    ------
    DataValidationError
        If the file breaks its schema or cites an unknown source; the message names the file,
        line and column of every problem.
    FileNotFoundError
        If the table does not exist.
    itb_edu.errors.ParameterError
        If ``data_dir`` is not a folder.
    """
    return _load(name, _directory(data_dir)).copy()


def sources(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the citations table, ``data/sources.csv``.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder to read from; the course's own data by default.

    Returns
    -------
    pandas.DataFrame
        Columns ``source_id``, ``kind`` (label, manufacturer, peer-reviewed, guideline,
        other), ``citation`` and ``url`` (missing where the source is not public).
    """
    return load_table("sources", data_dir)


def prepost(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the pre-test and post-test questions, ``data/prepost.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per objective tested: ``objective_id``, and the ``quiz_id`` and
        ``question_id`` of the course question that tests it (checked to exist); the same
        questions make the pre-test and the post-test.
    """
    return load_table("prepost", data_dir)


def pumps(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the implantable pumps used for ITB, ``data/pumps.csv``.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder to read from; the course's own data by default.

    Returns
    -------
    pandas.DataFrame
        One row per pump model and reservoir size: ``reservoir_ml`` [mL],
        ``default_low_alarm_ml`` [mL] and ``overinfusion_above_pct`` [%] (missing where no
        documented figure exists), mechanism, power source, dose setting, MRI handling and
        ``source_ids``.
    """
    return load_table("pumps", data_dir)


def drug_products(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the marketed intrathecal baclofen products, ``data/drug_products.csv``.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder to read from; the course's own data by default.

    Returns
    -------
    pandas.DataFrame
        One row per product, strength and container: ``concentration_mcg_per_ml``
        [mcg/mL], ``container_volume_ml`` [mL], ``drug_amount_mg`` [mg] (checked to equal
        concentration × volume), presentation, use (screening or refill) and ``source_ids``.
    """
    return load_table("drug_products", data_dir)


def facts(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the sourced facts the course teaches, ``data/facts.csv``.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder to read from; the course's own data by default.

    Returns
    -------
    pandas.DataFrame
        Columns ``fact_id``, ``topic``, ``statement``, ``value``, ``unit``, ``status``
        (V: read in the source; S: secondary source) and ``source_ids``.
    """
    return load_table("facts", data_dir)


def teaching_cohort(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the fictional teaching cohort, ``data/teaching_cohort.csv``.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder to read from; the course's own data by default.

    Returns
    -------
    pandas.DataFrame
        One row per invented patient: ``patient_id``, ``label``, ``pump_id`` (a row of
        ``pumps.csv``), ``concentration_mcg_per_ml`` [mcg/mL], ``daily_dose_mcg`` [mcg/day]
        (missing when a flex ``schedule`` is given instead), ``schedule`` (text such as
        ``"07:00 300; 21:00 500"``: start times and rates [mcg/day], read by
        :func:`itb_edu.reservoir.parse_schedule`), ``fill_volume_ml`` [mL], ``last_refill_at``
        (ISO date and time, text) and ``source_ids``.

    Notes
    -----
    The patients are invented for teaching and cite ``itb-edu-authors``.
    """
    return load_table("teaching_cohort", data_dir)


def system_parts(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the parts catalogue of an intrathecal baclofen system, ``data/system_parts.csv``.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder to read from; the course's own data by default.

    Returns
    -------
    pandas.DataFrame
        One row per named part, in teaching order: ``part_id`` (unique), ``figure`` (``body``,
        ``spine`` or ``pump``: the picture that draws it), ``name``, ``explanation`` and
        ``source_ids``. :func:`itb_edu.parts.load_parts` turns the rows into ``Part`` objects.
    """
    return load_table("system_parts", data_dir)


def side_effects(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the side effects, withdrawal and overdose signs, ``data/side_effects.csv``.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder to read from; the course's own data by default.

    Returns
    -------
    pandas.DataFrame
        One row per effect: ``effect_id``, ``name``, ``description``, ``category`` (one of the
        choices in ``SPECS["side_effects"]``, in teaching order), ``phase_or_population``,
        ``frequency`` (a verified number with its denominator, or a word the source supports),
        ``nurse_action`` and ``source_ids``.

    References
    ----------
    ``lioresal-us-label``, ``gablofen-us-label``, ``lioresal-it-adverse-table`` and the other
    ids cited row by row.
    """
    return load_table("side_effects", data_dir)


def withdrawal_vs_overdose(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return withdrawal and overdose side by side, ``data/withdrawal_vs_overdose.csv``.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder to read from; the course's own data by default.

    Returns
    -------
    pandas.DataFrame
        One row per aspect: ``aspect_id``, ``aspect``, ``withdrawal``, ``overdose`` and
        ``source_ids``.

    References
    ----------
    ``lioresal-us-label`` (boxed warning, overdosage), ``coffey-2002-withdrawal``,
    ``saulino-2016-troubleshooting``.
    """
    return load_table("withdrawal_vs_overdose", data_dir)


def weight_studies(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the before/after figures of the weight studies, ``data/weight_studies.csv``.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder to read from; the course's own data by default.

    Returns
    -------
    pandas.DataFrame
        One row per measure: ``measure_id``, ``study``, ``measure``, ``unit`` (kg/yr, kg/m² or
        kg/m²/yr), ``before`` and ``after`` [``unit``] (floats), ``n_patients`` [patients]
        (missing where the abstract does not give it), ``statistic`` and ``source_ids``.

    References
    ----------
    ``mccoy-2006-weight-gain``, ``jns-pediatr-2025-itb-bmi``.
    """
    return load_table("weight_studies", data_dir)


def faq(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the patients' questions and the course's answers, ``data/faq.csv``.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder to read from; the course's own data by default.

    Returns
    -------
    pandas.DataFrame
        One row per question: ``faq_id``, ``question``, ``answer``, ``notebook_section``,
        ``common_mistake`` (missing where there is none to correct) and ``source_ids``.
    """
    return load_table("faq", data_dir)


def quiz(quiz_id: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return one self-check quiz, ``data/quiz/<quiz_id>.csv``.

    Parameters
    ----------
    quiz_id : str
        The file name without ``.csv`` (the notebook's file stem, for example
        ``"03_side_effects_and_safety"``).
    data_dir : str or pathlib.Path, optional
        Folder holding ``sources.csv`` and ``quiz/``; the course's own data by default.

    Returns
    -------
    pandas.DataFrame
        One row per question, in file order: ``question_id`` (unique), ``section``,
        ``question``, ``choices`` (two or more, distinct, separated by ``" | "``; split them
        with :func:`split_choices`), ``answer`` (exactly one of the choices), ``explanation``,
        ``source_ids`` and ``vignette`` (a fictional patient story for a case scenario; missing
        for plain questions, and the file may leave the column out).

    Raises
    ------
    itb_edu.errors.ParameterError
        If ``quiz_id`` is not a plain file name or has no file, or ``data_dir`` is not a
        folder.
    DataValidationError
        If the file breaks the quiz schema; the message names the file, line and column.
    """
    if not isinstance(quiz_id, str) or not _QUIZ_ID_PATTERN.match(quiz_id):
        raise parameter_error(
            "quiz_id",
            quiz_id,
            f"quiz_id={quiz_id!r} must be a file name without '.csv' (letters, digits, '_' or '-')",
        )
    directory = _directory(data_dir)
    path = directory / "quiz" / f"{quiz_id}.csv"
    if not path.is_file():
        raise parameter_error(
            "quiz_id",
            quiz_id,
            f"quiz_id={quiz_id!r}: no file {path}; available: {quiz_ids(directory)}",
        )
    return load_table(f"quiz/{quiz_id}", directory)


def visit_scenarios(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the refill-visit scenarios, ``data/visit_scenarios.csv`` (fictional patients).

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder to read from; the course's own data by default.

    Returns
    -------
    pandas.DataFrame
        One row per scenario: the story, the pump (a row of ``pumps.csv``), the last refill
        (``last_fill_ml`` [mL], ``last_concentration_mcg_per_ml`` [mcg/mL],
        ``last_daily_dose_mcg`` [mcg/day]), today's visit, ``aspirated_ml`` [mL], the order
        (as written and in mcg/day and mcg/mL), the label's concentration, ``dead_space_ml``
        [mL], the yes/no facts the steps react to, the hazard trained and the sources.
    """
    return load_table("visit_scenarios", data_dir)


def visit_steps(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the steps of a refill visit, ``data/visit_steps.csv``: title, prompt, sources."""
    return load_table("visit_steps", data_dir)


def visit_choices(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the options of the visit steps, ``data/visit_choices.csv``.

    Returns
    -------
    pandas.DataFrame
        ``step_id``, ``choice_id``, ``text``, ``correct_when`` (one of
        :data:`VISIT_CONDITIONS`), ``critical`` (yes/no), ``feedback_right`` (said when the
        option is right for the scenario), ``feedback_wrong`` (when it is wrong) and
        ``source_ids``.
    """
    return load_table("visit_choices", data_dir)


def emergency_actions(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the first-actions checklist the emergency cases use, ``data/emergency_actions.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per action: ``action_id``, ``group`` (one of :data:`ACTION_GROUPS`), the
        ``label`` a learner chooses, the ``checklist`` line (what to do and why),
        ``minutes`` [min] the action takes in the teaching model, the actions it ``requires``
        first, the ``default_feedback`` for a case that gives the action no row, and sources.
    """
    return load_table("emergency_actions", data_dir)


def cases(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the emergency cases, ``data/cases.csv`` (fictional patients).

    Returns
    -------
    pandas.DataFrame
        One row per case: title, patient, setting, story, pump (a row of ``pumps.csv``), the
        true ``cause`` (one of :data:`CASE_CAUSES`), ``arrival_hours`` [h] since the first
        sign when the learner meets the patient, what the case trains, what recovery looks
        like, and sources.
    """
    return load_table("cases", data_dir)


def case_stages(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return how each case evolves untreated, ``data/case_stages.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per stage: ``from_hours`` [h] since the first sign, ``severity`` (1 early to
        4 life-threatening), a summary, the observations in words (:data:`CASE_OBSERVATIONS`),
        what the sources say about the timing, and sources.
    """
    return load_table("case_stages", data_dir)


def case_actions(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return what each action does in each case, ``data/case_actions.csv``.

    Returns
    -------
    pandas.DataFrame
        ``case_id``, ``action_id``, ``role`` (one of :data:`CASE_ROLES`), the actions it
        ``requires`` in this case (instead of the checklist's), the ``finding`` it reveals,
        the ``feedback`` and sources.
    """
    return load_table("case_actions", data_dir)


def look_alikes(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return withdrawal, overdose and their look-alikes side by side, ``data/look_alikes.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per condition: ``signs``, ``time_course``, what ``points_to`` it, the one
        question to ``ask_first``, what ``blood_pressure`` does, and sources.
    """
    return load_table("look_alikes", data_dir)


def numeric_questions(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the numeric self-checks, ``data/numeric_questions.csv`` (fictional patients).

    Returns
    -------
    pandas.DataFrame
        One row per question: the quiz and section it belongs to, the question, the
        ``quantity`` asked for (one of :data:`NUMERIC_QUANTITIES`), the pump, the fill
        [mL], the concentration [mcg/mL] and the dose [mcg/day] the engine works from, the
        ``tolerance`` accepted (in the quantity's unit), a ``hint`` for a second attempt, an
        ``explanation`` whose ``{placeholders}`` the engine fills, sources and objectives.
    """
    return load_table("numeric_questions", data_dir)


def objectives(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the course's learning objectives, ``data/objectives.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per objective: ``objective_id``, the ``notebook`` that teaches it (file name
        without ``.ipynb``), the ``objective`` as the notebook states it, and sources. Every
        question, visit step, case, checklist action and teach-back item names the objectives
        it checks in its ``objective_ids`` column (checked when loaded).
    """
    return load_table("objectives", data_dir)


def patient_teaching(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return what patients and families are taught, ``data/patient_teaching.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per topic: ``topic_id``, ``topic``, what to ``teach``, ``why`` and sources.
    """
    return load_table("patient_teaching", data_dir)


def teaching_plan(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the instructor guide's paths through the course, ``data/teaching_plan.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per section of a path (``path``: one of :data:`TEACHING_PATHS`), in
        ``order``: the notebook and its ``## `` section, the ``minutes`` [min] given to it,
        the ``activity`` (one of :data:`TEACHING_ACTIVITIES`), a "Think!" prompt, the
        misconception it corrects, the objectives it serves, and sources.
    """
    return load_table("teaching_plan", data_dir)


def teach_back(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the teach-back practice, ``data/teach_back.csv`` (fictional answers).

    Returns
    -------
    pandas.DataFrame
        One row per item: the topic, what was ``taught``, the ``questions`` to choose from
        (separated by ``" | "``), the ``good_question`` (one of them) and why, the fictional
        patient's ``answer``, whether it shows understanding (``answer_ok``, yes/no) and why,
        and sources.
    """
    return load_table("teach_back", data_dir)


def resolve_sources(ids: Iterable[str], data_dir: str | Path | None = None) -> pd.DataFrame:
    """Return the rows of ``sources.csv`` for the given ids, in the order given.

    Parameters
    ----------
    ids : iterable of str
        Source ids; a string with ``;``-separated ids is accepted too. Repeats are dropped.
    data_dir : str or pathlib.Path, optional
        Folder to read from; the course's own data by default.

    Returns
    -------
    pandas.DataFrame
        The matching citations.

    Raises
    ------
    ValueError
        If an id is not in ``sources.csv``.
    """
    if isinstance(ids, str):
        ids = split_ids(ids)
    wanted = list(dict.fromkeys(i.strip() for i in ids))
    table = sources(data_dir).set_index("source_id")
    unknown = [i for i in wanted if i not in table.index]
    if unknown:
        raise parameter_error(
            "ids", unknown, f"ids must be in data/sources.csv; unknown: {', '.join(unknown)}"
        )
    return table.loc[wanted].reset_index()
