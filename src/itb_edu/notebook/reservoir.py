"""Notebook helpers for the reservoir notebook: dates and schedules as text, pump facts from data.

These short calls let a demo cell stay one or two lines: ``calc.plan("2026-01-05 09:00", ...)``
reads the moment, the flex steps and the boluses as text and calls the engine
(:func:`itb_edu.reservoir.plan_refill`); the residual check takes the pump's labelled accuracy
from the pump table. No widgets here: the widget apps are :mod:`itb_edu.apps.reservoir`.

For education only: not for programming, refilling or managing a real pump.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from .. import data
from ..moments import to_datetime
from ..presentation import show_table
from ..pumps import pump_facts
from ..reservoir import (
    ConcentrationChange,
    RefillPlan,
    ResidualCheck,
    concentration_change,
    parse_boluses,
    parse_schedule,
    plan_refill,
    residual_check,
)
from ..scheduling import DEFAULT_MARGIN_DAYS, book_refill_date, clinic_calendar

__all__ = [
    "book_refill_date",
    "change_concentration",
    "clinic_plan",
    "plan",
    "refill_visit_check",
    "show_clinic_plan",
    "when",
]


def when(moment: str | date | datetime) -> datetime:
    """Read ``"2026-01-05"`` or ``"2026-01-05 09:30"`` as a datetime (dates pass through).

    Parameters
    ----------
    moment : str, date or datetime
        ISO date, or date and time.

    Returns
    -------
    datetime
        A date becomes midnight.

    Raises
    ------
    itb_edu.errors.ParameterError
        About ``moment`` if the text is not an ISO date or date and time.
    """
    return to_datetime("moment", moment, text=True)


def plan(refill_at: str | date | datetime, **kwargs: Any) -> RefillPlan:
    """Call :func:`itb_edu.reservoir.plan_refill` with the refill moment and steps as text.

    Parameters
    ----------
    refill_at : str, date or datetime
        ``"2026-01-05 09:30"`` or a date/datetime.
    **kwargs
        The other arguments of :func:`~itb_edu.reservoir.plan_refill`; ``schedule`` may be text
        (``"07:00 300; 21:00 600"``) and ``boluses`` text (``"day 7 08:00 50"``, one per line).

    Returns
    -------
    RefillPlan
        Shown in a notebook as a table of the headline numbers.
    """
    start = when(refill_at)
    if isinstance(kwargs.get("schedule"), str):
        kwargs["schedule"] = parse_schedule(kwargs["schedule"])
    if isinstance(kwargs.get("boluses"), str):
        kwargs["boluses"] = parse_boluses(kwargs["boluses"], start)
    return plan_refill(refill_at=start, **kwargs)


def refill_visit_check(
    refill_plan: RefillPlan,
    *,
    pump_id: str,
    aspirated_ml: float,
    at: str | date | datetime,
    pumps: Any = None,
) -> ResidualCheck:
    """Residual check at a refill visit, with the pump's labelled accuracy from the data.

    Parameters
    ----------
    refill_plan : RefillPlan
        The plan made at the previous refill.
    pump_id : str
        Row of ``data/pumps.csv``; its ``overinfusion_above_pct`` (empty where no figure is
        documented) is passed to :func:`itb_edu.reservoir.residual_check`.
    aspirated_ml : float
        Volume drawn back at this visit [mL].
    at : str, date or datetime
        Moment of this visit.
    pumps : pandas.DataFrame, optional
        The pump table; default ``data/pumps.csv``.

    Returns
    -------
    ResidualCheck
        See :func:`itb_edu.reservoir.residual_check`.

    Raises
    ------
    ValueError
        If the pump is unknown or a value is bad.
    """
    pump = pump_facts(pump_id, pumps)
    return residual_check(
        refill_plan,
        aspirated_ml=aspirated_ml,
        at=when(at),
        overinfusion_above_pct=pump.overinfusion_above_pct,
    )


def change_concentration(refill_at: str | date | datetime, **kwargs: Any) -> ConcentrationChange:
    """Call :func:`itb_edu.reservoir.concentration_change` with the refill moment as text.

    Parameters
    ----------
    refill_at : str, date or datetime
        Moment of the refill.
    **kwargs
        The other arguments of :func:`~itb_edu.reservoir.concentration_change`.

    Returns
    -------
    ConcentrationChange
        Shown in a notebook as a table with the explanation.
    """
    return concentration_change(refill_at=when(refill_at), **kwargs)


def clinic_plan(
    *, margin_days: int = DEFAULT_MARGIN_DAYS, holidays: Any = (), cohort: Any = None
) -> Any:
    """Refill calendar of the fictional teaching cohort (``data/teaching_cohort.csv``).

    Parameters
    ----------
    margin_days : int, default 3
        Booking margin before each alarm date [day] (clinic policy).
    holidays : collection of date or str, optional
        Days the clinic is closed besides weekends (``"2026-04-03"`` or dates).
    cohort : pandas.DataFrame, optional
        Another cohort with the same columns.

    Returns
    -------
    pandas.DataFrame
        See :func:`itb_edu.scheduling.clinic_calendar`.
    """
    if cohort is None:
        cohort = data.teaching_cohort()
    closed = [date.fromisoformat(d) if isinstance(d, str) else d for d in holidays]
    return clinic_calendar(cohort, data.pumps(), margin_days=margin_days, holidays=closed)


def show_clinic_plan(table: Any, caption: str = "Refill calendar (fictional patients)") -> Any:
    """Styled table of a clinic plan, moments in words.

    Parameters
    ----------
    table : pandas.DataFrame
        The result of :func:`clinic_plan`.
    caption : str, optional
        Caption.

    Returns
    -------
    IPython.display.HTML
        Deterministic HTML table.
    """
    shown = table.assign(
        last_refill_at=[f"{t:%a %d %b %Y %H:%M}" for t in table["last_refill_at"]],
        daily_volume_ml=[f"{v:.3f}" for v in table["daily_volume_ml"]],
        low_alarm_at=[f"{t:%a %d %b %Y %H:%M}" for t in table["low_alarm_at"]],
        empty_at=[f"{t:%a %d %b %Y %H:%M}" for t in table["empty_at"]],
        book_on=[f"{d:%a %d %b %Y}" for d in table["book_on"]],
    )
    return show_table(
        shown,
        caption=caption,
        columns={
            "patient_id": "Patient",
            "last_refill_at": "Last refill",
            "daily_volume_ml": "mL/day",
            "low_alarm_at": "Low alarm",
            "empty_at": "Empty",
            "book_on": "Refill booked",
            "days_before_alarm": "Days before alarm",
            "note": "Note",
        },
    )
