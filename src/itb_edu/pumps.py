"""Pump facts in one place: what the course knows about each pump model, from the data.

One look-up, :func:`pump_facts`, serves the simulator, the refill-visit check and the clinic
planner, so a pump's reservoir size, its alarm volume, the alarm rule for pumps without a
manufacturer alarm volume, and its labelled overinfusion limit are read the same way
everywhere. Pure domain code: tables in, a frozen dataclass out.

The course is for education, not for programming, refilling or managing a real pump.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import parameter_error

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["PROMETRA_RULE_FACT", "PumpFacts", "all_pump_facts", "pump_facts"]

#: The fact row behind the Prometra alarm rule (``data/facts.csv``).
PROMETRA_RULE_FACT = "prometra-refill-date-rule"


@dataclass(frozen=True)
class PumpFacts:
    """What the course's tables say about one pump model and reservoir size.

    Attributes
    ----------
    pump_id : str
        Row key of ``data/pumps.csv``.
    model : str
        Model family (``"SynchroMed II"``).
    label : str
        Plain-words name for a list of pumps (``"SynchroMed II 20 mL (8637-20)"``).
    reservoir_ml : float or None
        Nominal reservoir volume [mL]; None where no size was verified.
    default_low_alarm_ml : float or None
        Manufacturer-recommended low-reservoir alarm volume [mL]; None where none was verified.
    alarm_ml : float or None
        The alarm volume the course uses for this pump [mL]: the manufacturer's where there is
        one, else the rule of the pump's own controller (Prometra: 3.0 mL), else None.
    alarm_note : str
        Why ``alarm_ml`` is what it is, in plain words; ``""`` for the manufacturer's value.
    overinfusion_above_pct : float or None
        The labelling's overinfusion limit [%]; None where no documented figure exists.
    source_ids : tuple of str
        Sources of the pump row.

    Notes
    -----
    A pump with no verified reservoir size (the CODMAN 3000) cannot have a fill volume checked
    against its reservoir; ``label`` says so instead of showing a missing number.
    """

    pump_id: str
    model: str
    label: str
    reservoir_ml: float | None
    default_low_alarm_ml: float | None
    alarm_ml: float | None
    alarm_note: str
    overinfusion_above_pct: float | None
    source_ids: tuple[str, ...]


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _facts_from_row(row: dict[str, Any], facts: pd.DataFrame) -> PumpFacts:
    reservoir = _number(row.get("reservoir_ml"))
    default_alarm = _number(row.get("default_low_alarm_ml"))
    model = _text(row.get("model")) or _text(row.get("pump_id"))
    number = _text(row.get("model_number"))
    size = f"{reservoir:g} mL" if reservoir is not None else "reservoir size not verified"
    label = f"{model} {size}" + (f" ({number})" if number else "")
    if default_alarm is not None:
        alarm, note = default_alarm, ""
    else:
        rule = facts[facts["fact_id"] == PROMETRA_RULE_FACT]
        if model.startswith("Prometra") and len(rule):
            alarm = float(rule["value"].iloc[0])
            note = (
                f"Prometra: the controller's refill date is when {alarm:g} mL are expected to "
                f"remain (fact {PROMETRA_RULE_FACT})."
            )
        else:
            alarm = None
            note = "No default alarm volume for this pump in the data: set it yourself."
    if reservoir is None:
        note = (note + " " if note else "") + (
            "No reservoir size was verified for this pump, so the fill volume is not checked "
            "against it."
        )
    ids = tuple(s.strip() for s in _text(row.get("source_ids")).split(";") if s.strip())
    return PumpFacts(
        pump_id=_text(row["pump_id"]),
        model=model,
        label=label,
        reservoir_ml=reservoir,
        default_low_alarm_ml=default_alarm,
        alarm_ml=alarm,
        alarm_note=note,
        overinfusion_above_pct=_number(row.get("overinfusion_above_pct")),
        source_ids=ids,
    )


def _tables(pumps: pd.DataFrame | None, facts: pd.DataFrame | None) -> tuple[Any, Any]:
    from . import data

    return (
        data.pumps() if pumps is None else pumps,
        data.facts() if facts is None else facts,
    )


def all_pump_facts(
    pumps: pd.DataFrame | None = None, facts: pd.DataFrame | None = None
) -> list[PumpFacts]:
    """Return :class:`PumpFacts` for every row of the pump table, in table order.

    Parameters
    ----------
    pumps : pandas.DataFrame, optional
        ``data/pumps.csv``; default the course table.
    facts : pandas.DataFrame, optional
        ``data/facts.csv`` (for the Prometra alarm rule); default the course table.

    Returns
    -------
    list of PumpFacts
        One per pump model and reservoir size.
    """
    pumps, facts = _tables(pumps, facts)
    return [_facts_from_row(row, facts) for row in pumps.to_dict("records")]


def pump_facts(
    pump_id: str, pumps: pd.DataFrame | None = None, facts: pd.DataFrame | None = None
) -> PumpFacts:
    """Return what the course's tables say about one pump.

    Parameters
    ----------
    pump_id : str
        A ``pump_id`` of ``data/pumps.csv`` (``"synchromed-ii-20"``).
    pumps, facts : pandas.DataFrame, optional
        As :func:`all_pump_facts`.

    Returns
    -------
    PumpFacts
        The pump's reservoir size, alarm volume and rule, overinfusion limit and sources.

    Raises
    ------
    itb_edu.errors.ParameterError
        About ``pump_id`` when it is not in the table.

    References
    ----------
    ``prometra-ptc-guide`` (Prometra refill date at 3.0 mL); ``ecri-synchromed-overinfusion-2014``
    (overinfusion limit); ``neurosurgery-2004-residual-volume`` (2 mL alarm volume).
    """
    every = all_pump_facts(pumps, facts)
    for pump in every:
        if pump.pump_id == pump_id:
            return pump
    known = sorted(p.pump_id for p in every)
    raise parameter_error("pump_id", pump_id, f"pump_id must be one of {known}, got {pump_id!r}")
