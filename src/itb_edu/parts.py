"""The parts of an intrathecal baclofen system, kept as data, and the pump-type comparison.

The catalogue lives in ``data/system_parts.csv`` (one row per named part, with a plain
explanation and its sources) so that educators can edit the words without touching code.
:func:`itb_edu.data.system_parts` reads and validates it like every course table; this module
turns its rows into :class:`Part` objects for the figure builders
(:mod:`itb_edu.figures.anatomy`) and the part explorer (:mod:`itb_edu.apps.explorer`).

:func:`pump_comparison` turns ``data/pumps.csv`` into the side-by-side table of pump types
taught in notebook 01, and :func:`facts_table` picks sourced rows of ``data/facts.csv`` for the
notebook's tables.

No Jupyter, plotly or ipywidgets imports here; pandas is imported on first use (by
:mod:`itb_edu.data` and the table functions), not when the module is imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from itb_edu import data as _data

from ._validate import parameter_error

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "COMPARISON_ROWS",
    "FACT_GROUPS",
    "FIGURES",
    "NARRATIVE_SOURCE_IDS",
    "PARTS_COLUMNS",
    "Part",
    "fact_group",
    "facts_table",
    "get_part",
    "load_parts",
    "notebook_source_ids",
    "parts_for",
    "pump_comparison",
]

#: The three pictures of notebook 01, in teaching order (the ``figure`` column's schema).
FIGURES: tuple[str, ...] = _data.SPECS["system_parts"].field("figure").choices

#: Columns of ``data/system_parts.csv``, in order (its schema in :data:`itb_edu.data.SPECS`).
PARTS_COLUMNS: tuple[str, ...] = tuple(_data.SPECS["system_parts"].columns)

#: Rows of the pump comparison: (row label, column of ``data/pumps.csv``).
COMPARISON_ROWS: tuple[tuple[str, str], ...] = (
    ("Manufacturer", "manufacturer"),
    ("Model number", "model_number"),
    ("How it pushes the drug", "mechanism"),
    ("Power source", "powered_by"),
    ("Reservoir [mL]", "reservoir_ml"),
    ("How the dose is set", "dose_setting"),
    ("What changes a dose", "dose_change"),
    ("Low-reservoir alarm", "low_reservoir_alarm"),
    ("MRI", "mri"),
    ("Battery life", "battery_life"),
    ("What ends its life", "end_of_life"),
    ("Sources", "source_ids"),
)


@dataclass(frozen=True)
class Part:
    """One named part of the pump-and-catheter system or of the anatomy around it.

    Attributes
    ----------
    part_id : str
        Stable identifier (``"refill_port"``); figure traces carry it in ``meta``.
    figure : str
        The picture the part belongs to: one of :data:`FIGURES`.
    name : str
        Display name (``"Central refill port (septum)"``).
    explanation : str
        One to three plain sentences for nurses in training.
    source_ids : tuple of str
        Ids that resolve in ``data/sources.csv``.
    """

    part_id: str
    figure: str
    name: str
    explanation: str
    source_ids: tuple[str, ...]


def _resolve(data_dir: str | Path | None) -> Path:
    path = _data.course_data_dir() if data_dir is None else Path(data_dir)
    if not (path / "system_parts.csv").is_file():
        raise parameter_error(
            "data_dir", data_dir, f"data_dir={str(path)!r} holds no system_parts.csv"
        )
    return path


def load_parts(data_dir: str | Path | None = None) -> tuple[Part, ...]:
    """Read the whole parts catalogue.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Directory holding ``system_parts.csv`` and ``sources.csv``; default the repository's
        ``data/``.

    Returns
    -------
    tuple of Part
        In file order (the order the parts are taught and drawn).

    Raises
    ------
    itb_edu.errors.ParameterError
        If ``data_dir`` holds no ``system_parts.csv``.
    itb_edu.data.DataValidationError
        If the file breaks its schema (read by :func:`itb_edu.data.system_parts`): a missing or
        unknown column, an empty field, an unknown figure, a repeated ``part_id`` or a source id
        missing from ``sources.csv``; the message names the file, line and column.

    References
    ----------
    Each row cites its own sources in ``source_ids``.
    """
    table = _data.system_parts(_resolve(data_dir))
    return tuple(
        Part(
            part_id=row["part_id"],
            figure=row["figure"],
            name=row["name"],
            explanation=row["explanation"],
            source_ids=tuple(_data.split_ids(row["source_ids"])),
        )
        for row in table.to_dict("records")
    )


def _check_figure(figure: str) -> str:
    if figure not in FIGURES:
        raise parameter_error(
            "figure", figure, f"figure must be one of {list(FIGURES)}, got {figure!r}"
        )
    return figure


def parts_for(figure: str, data_dir: str | Path | None = None) -> tuple[Part, ...]:
    """Return the parts drawn in one picture.

    Parameters
    ----------
    figure : str
        ``"body"``, ``"spine"`` or ``"pump"``.
    data_dir : str or pathlib.Path, optional
        Directory holding ``system_parts.csv``.

    Returns
    -------
    tuple of Part
        The picture's parts, in file order.

    Raises
    ------
    ValueError
        If ``figure`` is not one of :data:`FIGURES`.
    """
    _check_figure(figure)
    return tuple(part for part in load_parts(data_dir) if part.figure == figure)


def get_part(part_id: str, data_dir: str | Path | None = None) -> Part:
    """Return one part by its id.

    Parameters
    ----------
    part_id : str
        For example ``"catheter_access_port"``.
    data_dir : str or pathlib.Path, optional
        Directory holding ``system_parts.csv``.

    Returns
    -------
    Part
        The matching part.

    Raises
    ------
    ValueError
        If no part has that id.
    """
    for part in load_parts(data_dir):
        if part.part_id == part_id:
            return part
    raise parameter_error("part_id", part_id, f"part_id={part_id!r} is not in the parts catalogue")


def _cell(value: object) -> str:
    if value is None:
        return ""
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def pump_comparison(pumps: pd.DataFrame | None = None) -> pd.DataFrame:
    """Compare the implantable pump types side by side.

    Parameters
    ----------
    pumps : pandas.DataFrame, optional
        The pump table with the columns of ``data/pumps.csv`` (``pump_id``,
        ``manufacturer``, ``model`` ... ``source_ids``); default
        :func:`itb_edu.data.pumps`.

    Returns
    -------
    pandas.DataFrame
        One column per pump model (sizes of one model share a column), headed by the model
        name, and one row per aspect in :data:`COMPARISON_ROWS` (how it pushes the drug, power,
        reservoir [mL], how the dose is set, what changes a dose, MRI, battery life, what ends
        its life, sources). Every cell is text; where the sizes of a model differ the values
        are joined (``"20 or 40"``); a missing value is an empty string.

    Raises
    ------
    ValueError
        If ``pumps`` lacks a needed column or has no rows.

    Notes
    -----
    The table only rearranges the sourced pump data; it adds no facts of its own.

    References
    ----------
    The sources of each pump are in its ``source_ids`` cell (``data/pumps.csv``).
    """
    import pandas as pd

    if pumps is None:
        pumps = _data.pumps()
    needed = ["model", *(column for _, column in COMPARISON_ROWS)]
    missing = [column for column in needed if column not in pumps.columns]
    if missing:
        raise parameter_error("pumps", missing, f"pumps is missing column(s) {missing}")
    if len(pumps) == 0:
        raise parameter_error("pumps", pumps, "pumps has no rows")
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in pumps.to_dict("records"):
        groups.setdefault(_cell(row["model"]), []).append(row)
    columns: dict[str, list[str]] = {}
    for model, rows in groups.items():
        cells = []
        for _, column in COMPARISON_ROWS:
            values: list[str] = []
            pieces = (
                [p.strip() for r in rows for p in _cell(r[column]).split(";")]
                if column == "source_ids"
                else [_cell(r[column]).strip() for r in rows]
            )
            for value in pieces:
                if value and value not in values:
                    values.append(value)
            joiner = {"reservoir_ml": " or ", "model_number": ", ", "source_ids": "; "}
            cells.append(joiner.get(column, " / ").join(values))
        columns[model] = cells
    table = pd.DataFrame(columns, index=[label for label, _ in COMPARISON_ROWS])
    table.index.name = "Aspect"
    return table


def facts_table(fact_ids: Sequence[str], facts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Pick sourced facts from ``data/facts.csv`` for a notebook table.

    Parameters
    ----------
    fact_ids : sequence of str
        Ids of rows in the facts table, in the order to show them.
    facts : pandas.DataFrame, optional
        The facts table (columns ``fact_id, topic, statement, value, unit, status,
        source_ids``); default :func:`itb_edu.data.facts`.

    Returns
    -------
    pandas.DataFrame
        Columns ``Fact`` (the statement), ``Value`` (value and unit, empty when the fact has
        no number), ``Status`` (V verified, S secondary) and ``Sources``.

    Raises
    ------
    ValueError
        If ``fact_ids`` is empty, names an unknown fact, or names a fact whose status is U
        (unverified): the course never publishes an unverified number.
    """
    import pandas as pd

    if facts is None:
        facts = _data.facts()
    wanted = list(fact_ids)
    if not wanted:
        raise parameter_error("fact_ids", fact_ids, "fact_ids must name at least one fact, got []")
    by_id = {row["fact_id"]: row for row in facts.to_dict("records")}
    unknown = [fact_id for fact_id in wanted if fact_id not in by_id]
    if unknown:
        raise parameter_error("fact_ids", unknown, f"fact_ids not in the facts table: {unknown}")
    unverified = [fact_id for fact_id in wanted if str(by_id[fact_id]["status"]) == "U"]
    if unverified:
        raise parameter_error(
            "fact_ids",
            unverified,
            f"fact_ids {unverified} are unverified (status U) and cannot be shown",
        )
    rows = []
    for fact_id in wanted:
        row = by_id[fact_id]
        value = " ".join(v for v in (_cell(row["value"]), _cell(row["unit"])) if v)
        rows.append(
            {
                "Fact": _cell(row["statement"]),
                "Value": value,
                "Status": _STATUS_WORDS.get(_cell(row["status"]), _cell(row["status"])),
                "Sources": _cell(row["source_ids"]).replace(";", "; "),
            }
        )
    return pd.DataFrame(rows, columns=["Fact", "Value", "Status", "Sources"])


#: Rows of ``data/facts.csv`` shown as tables in notebook 01, by table.
FACT_GROUPS: dict[str, tuple[str, ...]] = {
    "pump-types": (
        "codman-3000-mechanism",
        "constant-flow-dose-change",
        "synchromed-dimensions",
        "synchromed-flex-dosing",
        "synchromed-flex-13-changes",
        "prometra-ifu-drug",
        "prometra-age-22",
    ),
    "screening": (
        "screening-first-bolus",
        "screening-observation",
        "screening-second-bolus",
        "screening-third-bolus",
        "screening-no-response-100",
        "screening-onset",
        "screening-peak",
        "screening-duration",
    ),
    "titration": (
        "initial-dose-double",
        "initial-dose-long-effect",
        "titration-spinal",
        "titration-cerebral",
        "maintenance-adjustment",
    ),
    "refills-and-replacement": (
        "implant-operation-duration",
        "refill-interval-clinic",
        "refill-interval-medtronic",
        "refill-interval-bristol",
        "synchromed-battery-life",
        "synchromed-eri-90-days",
        "synchromed-replacement-planning",
    ),
    "refill-safety": (
        "refill-compare-drained",
        "refill-aspirate-less-overinfusion",
        "overinfusion-definition",
        "overinfusion-can-increase",
        "refill-verify-each-visit",
        "pocket-fill-sensor-gap",
        "pocket-fill-reports",
        "low-alarm-default-2ml",
        "low-alarm-raised-4ml",
        "refill-alarm-date-margin",
        "refill-alarm-date-margin-new-implant",
        "refill-travel-week-early",
    ),
    "alarms": (
        "alarm-two-sounds",
        "alarm-critical-causes",
        "alarm-noncritical-causes",
        "alarm-single-beep-hourly",
        "alarm-two-tone-no-flow",
        "overinfusion-no-alarm",
    ),
    "mri": (
        "mri-synchromed-stall",
        "mri-recovery-delay",
        "mri-alarming-pump-telemetry",
        "mri-stall-alarm",
        "prometra-mri-empty",
        "prometra-ii-fav",
        "ultrasound-transducer-distance",
    ),
}

#: The status of a fact in words, where a table shows it (the codes of data/facts.csv).
_STATUS_WORDS = {"V": "V: read in the source", "S": "S: from a secondary source"}

#: Sources of the narrative (markdown) of notebook 01, beyond those its tables cite.
NARRATIVE_SOURCE_IDS: tuple[str, ...] = (
    "medtronic-itb-surgery",
    "pharmsci-synchromed-design",
    "medtronic-mri-synchromed-ii",
    "medtronic-uk-itb-getting-therapy-qa",
    "nmss-itb-therapy",
    "medtronic-itb-what-is-it",
    "medtronic-in-itb-evaluation",
    "medtronic-uk-itb-programming",
    "drugs-com-baclofen-dosage",
    "lioresal-hcp-dosing",
    "lioresal-hcp-who-should-be-treated",
    "lioresal-hcp-screening",
    "lioresal-us-label",
    "lioresal-com-safety",
    "statpearls-spinal-meninges",
    "cleveland-clinic-itb-risks",
    "gillette-itb-refills",
    "gillette-itb-discharge",
    "uhbristol-itb-refills",
    "southshore-itb-refill",
    "nursing-2004-refill-safety",
    "maino-2017-pocket-fill",
    "pain-med-2011-ultrasound-refill",
    "saulino-2016-dosing",
    "coffey-2002-withdrawal",
    "medtronic-us-itb-pump-management",
    "medtronic-fsn-2016-overinfusion",
    "medtronic-uk-pump-replacement",
    "medtronic-mri-synchromed-ii",
    "tga-synchromed-mri-alert",
    "prometra-mri-safety-2020",
    "prometra-ii-ifu",
    "codman-3000-patient-support",
    "medtronic-itb-living-qa",
    "schiavo-2023-hbot-devices",
    "draulans-2013-diving",
)


def notebook_source_ids(data_dir: str | Path | None = None) -> list[str]:
    """Return every source id that notebook 01 relies on, sorted, each once.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        The course data folder; default the repository's ``data/``.

    Returns
    -------
    list of str
        The union of the ids cited by the parts catalogue, the FAQ, the notebook's quiz, the
        pump table, the facts in :data:`FACT_GROUPS` and the narrative
        (:data:`NARRATIVE_SOURCE_IDS`).

    Raises
    ------
    ValueError
        If a fact named in :data:`FACT_GROUPS` is not in ``facts.csv``.
    itb_edu.data.DataValidationError
        If one of those tables breaks its schema (they are read by :mod:`itb_edu.data`).
    """
    root = _resolve(data_dir)
    facts = _data.facts(root)
    wanted_facts = {fact_id for group in FACT_GROUPS.values() for fact_id in group}
    missing = sorted(wanted_facts - set(facts["fact_id"]))
    if missing:
        raise parameter_error(
            "FACT_GROUPS", missing, f"FACT_GROUPS names facts not in facts.csv: {missing}"
        )
    cells = [
        *_data.system_parts(root)["source_ids"],
        *_data.faq(root)["source_ids"],
        *_data.quiz("01_pump_and_catheter_system", root)["source_ids"],
        *_data.pumps(root)["source_ids"],
        *facts.loc[facts["fact_id"].isin(wanted_facts), "source_ids"],
    ]
    ids = [*NARRATIVE_SOURCE_IDS, *(i for cell in cells for i in _data.split_ids(cell))]
    return sorted(set(ids))


def fact_group(name: str, facts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the facts table for one group of :data:`FACT_GROUPS`.

    Parameters
    ----------
    name : str
        A key of :data:`FACT_GROUPS` (``"screening"``, ``"alarms"`` ...).
    facts : pandas.DataFrame, optional
        The facts table; default :func:`itb_edu.data.facts`.

    Returns
    -------
    pandas.DataFrame
        As :func:`facts_table`.

    Raises
    ------
    ValueError
        If ``name`` is not a group.
    """
    if name not in FACT_GROUPS:
        raise parameter_error(
            "name", name, f"name must be one of {sorted(FACT_GROUPS)}, got {name!r}"
        )
    return facts_table(FACT_GROUPS[name], facts)
