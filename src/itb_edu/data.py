"""Load and validate the course's sourced clinical tables.

Every table lives in ``data/<name>.csv``. Each is validated when loaded: the columns must be
the expected ones, numbers must be numbers, categories must be known, and every row's
``source_ids`` must be filled and resolve in ``data/sources.csv``. A problem is reported with
the file, the line and the column, in plain words, so a contributor who mistyped a row can fix
it at once.

Examples
--------
>>> from itb_edu import data
>>> pumps = data.pumps()                      # doctest: +SKIP
>>> pumps.loc[pumps.model_number == "8637-20", "reservoir_ml"]  # doctest: +SKIP

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
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ._validate import parameter_error

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "DataValidationError",
    "Problem",
    "course_data_dir",
    "drug_products",
    "facts",
    "load_table",
    "pumps",
    "resolve_sources",
    "sources",
    "table_names",
]

SOURCE_KINDS = ("label", "manufacturer", "peer-reviewed", "guideline", "other")
SOURCE_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")


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


# --------------------------------------------------------------------------------------------
# Schemas
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One column of a table: its name, kind and constraints."""

    name: str
    kind: str = "text"  # "text", "number" or "category"
    required: bool = True
    choices: tuple[str, ...] = ()
    min_value: float | None = None
    positive: bool = False


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


def _text(name: str, required: bool = True) -> Field:
    return Field(name, "text", required)


def _number(name: str, required: bool = True, positive: bool = False) -> Field:
    return Field(name, "number", required, min_value=0.0, positive=positive)


def _category(name: str, choices: Sequence[str], required: bool = True) -> Field:
    return Field(name, "category", required, tuple(choices))


SOURCE_IDS = _text("source_ids")

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
}


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
        with path.open(newline="", encoding="utf-8") as handle:
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


def _pandera_schema(spec: TableSpec):
    import pandera.pandas as pa

    columns = {}
    for field in spec.fields:
        checks = []
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
                column, index = failure, None
            line = None if index is None or _is_missing(index) else int(index)
            if line is not None and column in frame.columns and line in frame.index:
                raw = frame.loc[line, column]
                if not _is_missing(raw):
                    failure = raw  # show the text as written in the file, not as coerced
            message = _plain_message(check, failure, fields.get(column))
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


def _split_ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _check_source_ids(
    frame: pd.DataFrame, known: set[str], label: str, columns: Iterable[str]
) -> list[Problem]:
    problems = []
    for column in columns:
        for line, cell in frame[column].items():
            text = "" if _is_missing(cell) else str(cell)
            ids = _split_ids(text)
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
def _load_cached(name: str, directory: Path, stamp: tuple) -> pd.DataFrame:
    frame, label = _load_raw(name, directory)
    spec = SPECS.get(name)
    if spec is not None:
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
    if problems:
        raise DataValidationError(sorted(problems, key=_problem_order))
    if spec is not None:
        frame = frame[spec.columns]
    return frame


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
    """
    directory = Path(data_dir).resolve() if data_dir is not None else course_data_dir()
    return _load(name, directory).copy()


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
        ids = _split_ids(ids)
    wanted = list(dict.fromkeys(i.strip() for i in ids))
    table = sources(data_dir).set_index("source_id")
    unknown = [i for i in wanted if i not in table.index]
    if unknown:
        raise parameter_error(
            "ids", unknown, f"ids must be in data/sources.csv; unknown: {', '.join(unknown)}"
        )
    return table.loc[wanted].reset_index()
