"""Side effects, withdrawal and overdose: the sourced tables and the timeline after an alarm.

Pure domain code: no Jupyter, plotly or ipywidgets. The tables live in ``data/``:

``side_effects.csv``
    One row per effect: ``effect_id``, ``name``, ``description``, ``category`` (one of
    :data:`CATEGORIES`), ``phase_or_population``, ``frequency`` (a verified number with its
    denominator, or a qualitative word the source supports), ``nurse_action`` and
    ``source_ids``.
``withdrawal_vs_overdose.csv``
    One row per aspect: ``aspect_id``, ``aspect``, ``withdrawal``, ``overdose``,
    ``source_ids``.
``weight_studies.csv``
    Before/after figures from the weight studies: ``measure_id``, ``study``, ``measure``,
    ``unit``, ``before``, ``after``, ``n_patients``, ``statistic``, ``source_ids``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from itb_edu import data as _data

from ._validate import parameter_error
from .moments import to_datetime

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "CATEGORIES",
    "COMPARISON_HEADINGS",
    "EFFECT_HEADINGS",
    "STAGES",
    "SUMMARY_COLUMNS",
    "WITHDRAWAL_EVOLVES_DAYS",
    "TimelinePhase",
    "as_moment",
    "category_counts",
    "cited_source_ids",
    "filter_effects",
    "for_display",
    "missed_refill_timeline",
    "stage_at",
    "timeline_for",
]

#: Categories of ``side_effects.csv``, in teaching order (the table's schema in itb_edu.data).
CATEGORIES: tuple[str, ...] = _data.SPECS["side_effects"].field("category").choices

#: Withdrawal evolves over 1 to 3 days once delivery stops (Coffey et al. 2002) [day].
WITHDRAWAL_EVOLVES_DAYS = (1, 3)

#: Stages returned by :func:`stage_at`, in time order.
STAGES = (
    "before the alarm date",
    "alarm reached: reservoir running low",
    "delivery stopped: withdrawal can develop",
    "beyond 3 days without drug: severe withdrawal possible",
)

SEARCH_COLUMNS = ("name", "description", "phase_or_population", "frequency", "nurse_action")

#: Headings shown for the side-effects table.
EFFECT_HEADINGS = {
    "name": "Effect",
    "category": "Category",
    "description": "What it is",
    "phase_or_population": "When / who",
    "frequency": "How often",
    "nurse_action": "What the nurse does",
    "source_ids": "Sources",
}

#: Columns of the compact side-effects table shown in the notebook.
SUMMARY_COLUMNS = ["name", "category", "frequency", "nurse_action", "source_ids"]

#: Headings shown for the withdrawal-versus-overdose table.
COMPARISON_HEADINGS = {
    "aspect": "Aspect",
    "withdrawal": "Withdrawal (too little)",
    "overdose": "Overdose (too much)",
    "source_ids": "Sources",
}


def filter_effects(
    table: pd.DataFrame,
    categories: str | list[str] | tuple[str, ...] | None = None,
    text: str = "",
) -> pd.DataFrame:
    """Keep the effects in the given categories whose text matches a search.

    Parameters
    ----------
    table : pandas.DataFrame
        The side-effects table (:func:`itb_edu.data.side_effects`).
    categories : str or sequence of str, optional
        Categories to keep (from :data:`CATEGORIES`); all when None. An empty sequence keeps
        nothing.
    text : str, optional
        Search words. A row matches when every word appears (case-insensitive) in its name,
        description, phase or population, frequency or nurse action. Blank keeps every row.

    Returns
    -------
    pandas.DataFrame
        The matching rows, in table order.

    Raises
    ------
    ValueError
        If a category is not one of :data:`CATEGORIES`, or ``text`` is not a string.
    """
    if categories is None:
        wanted = list(CATEGORIES)
    else:
        wanted = [categories] if isinstance(categories, str) else list(categories)
        unknown = [c for c in wanted if c not in CATEGORIES]
        if unknown:
            raise parameter_error(
                "categories",
                unknown[0],
                f"categories contains {unknown[0]!r}, which is not one of: {', '.join(CATEGORIES)}",
            )
    if not isinstance(text, str):
        raise parameter_error("text", text, f"text must be a string, got {text!r}")
    mask = table["category"].isin(wanted)
    words = text.casefold().split()
    if words:
        haystack = table[list(SEARCH_COLUMNS)].fillna("").astype(str).agg(" ".join, axis=1)
        haystack = haystack.str.casefold()
        for word in words:
            mask &= haystack.str.contains(word, regex=False)
    return table[mask]


def for_display(table: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """Return a copy ready to show: chosen columns, readable headings, spaced source ids.

    Parameters
    ----------
    table : pandas.DataFrame
        The side-effects table (or part of it), or the withdrawal-versus-overdose table.
    columns : list of str, optional
        Columns to keep, in order (names before renaming); by default every column that has a
        heading in :data:`EFFECT_HEADINGS` or :data:`COMPARISON_HEADINGS`.

    Returns
    -------
    pandas.DataFrame
        Renamed columns; ``source_ids`` joined with ``"; "`` so long lists wrap.

    Raises
    ------
    ValueError
        If a requested column is not in the table.
    """
    headings = COMPARISON_HEADINGS if "aspect" in table.columns else EFFECT_HEADINGS
    wanted = [c for c in headings if c in table.columns] if columns is None else list(columns)
    missing = [c for c in wanted if c not in table.columns]
    if missing:
        raise parameter_error(
            "columns", missing[0], f"columns contains {missing[0]!r}, which is not in the table"
        )
    shown = table[wanted].copy()
    if "source_ids" in shown.columns:
        shown["source_ids"] = shown["source_ids"].map(
            lambda ids: "; ".join(i.strip() for i in str(ids).split(";") if i.strip())
        )
    return shown.rename(columns={c: headings.get(c, c) for c in wanted})


def category_counts(table: pd.DataFrame) -> dict[str, int]:
    """Count the effects in each category, in :data:`CATEGORIES` order.

    Parameters
    ----------
    table : pandas.DataFrame
        The side-effects table or a filtered part of it.

    Returns
    -------
    dict of str to int
        Every category, zero where it has no rows.
    """
    counts = table["category"].value_counts()
    return {c: int(counts.get(c, 0)) for c in CATEGORIES}


@dataclass(frozen=True)
class TimelinePhase:
    """One phase (or, when ``start == end``, one moment) of the missed-refill timeline.

    Attributes
    ----------
    name : str
        Short label.
    start, end : datetime
        When the phase starts and ends.
    description : str
        What happens and what the nurse does.
    source_ids : tuple of str
        Ids in ``data/sources.csv``.
    """

    name: str
    start: datetime
    end: datetime
    description: str
    source_ids: tuple[str, ...]

    @property
    def is_moment(self) -> bool:
        """True for a single moment rather than a span."""
        return self.start == self.end


def as_moment(name: str, value: object) -> datetime:
    """Return ``value`` as a datetime (a date or an ISO date string becomes midnight).

    Parameters
    ----------
    name : str
        Parameter name for the error message.
    value : date, datetime or str
        For example ``date(2026, 4, 17)`` or ``"2026-04-17 09:30"``.

    Returns
    -------
    datetime

    Raises
    ------
    itb_edu.errors.ParameterError
        About ``name`` if ``value`` is not a date, a datetime or an ISO date string.
    """
    return to_datetime(name, value, text=True)


def _check_order(low_alarm_at: object, empty_at: object) -> tuple[datetime, datetime]:
    alarm = as_moment("low_alarm_at", low_alarm_at)
    empty = as_moment("empty_at", empty_at)
    if (alarm.tzinfo is None) != (empty.tzinfo is None):
        raise parameter_error(
            "empty_at",
            empty,
            f"low_alarm_at ({alarm!r}) and empty_at ({empty!r}) must both be naive or both "
            "time-zone aware",
        )
    if empty < alarm:
        raise parameter_error(
            "empty_at",
            empty,
            f"empty_at ({empty.isoformat()}) is before low_alarm_at ({alarm.isoformat()}): "
            "the reservoir reaches its alarm volume before it is empty",
        )
    return alarm, empty


def missed_refill_timeline(
    low_alarm_at: date | datetime | str,
    empty_at: date | datetime | str,
    lead_days: float = 7.0,
) -> list[TimelinePhase]:
    """Describe what follows when a refill is missed, from the alarm date onward.

    Parameters
    ----------
    low_alarm_at : date, datetime or str
        When the reservoir reaches its low-reservoir alarm volume (for example
        ``RefillPlan.low_alarm_at`` from :func:`itb_edu.reservoir.plan_refill`); a string is
        an ISO date such as ``"2026-04-05"``.
    empty_at : date, datetime or str
        When the reservoir is empty (``RefillPlan.empty_at``); not before ``low_alarm_at``.
    lead_days : float, default 7.0
        Length of the "refill window" drawn before the alarm date [day]; a drawing choice,
        not a clinical rule.

    Returns
    -------
    list of TimelinePhase
        In time order: the refill window, the alarm moment, the running-low span, the empty
        moment, the 1-3 day span in which withdrawal evolves, and the span after it (drawn
        ``lead_days`` long; untreated severe withdrawal has no end date in the sources).

    Raises
    ------
    ValueError
        If a moment is not a date, datetime or ISO date string, if ``empty_at`` is before
        ``low_alarm_at``, if one is time-zone aware and the other not, or if ``lead_days`` is
        not a positive number.

    Notes
    -----
    The empty moment is the latest moment, not a safe one: pumps do not deliver the full dose
    when nearly empty and sensitive patients have had withdrawal with more than 2 mL left. A
    date is taken as midnight.

    References
    ----------
    ``gillette-itb-refills`` (alarm date, book the refill before it), ``gablofen-us-label``
    (missed refill: reschedule at once), ``neurosurgery-2004-residual-volume``,
    ``lioresal-us-label`` (boxed warning), ``coffey-2002-withdrawal`` (1 to 3 days).
    """
    from itb_edu._validate import require_positive

    alarm, empty = _check_order(low_alarm_at, empty_at)
    lead = require_positive("lead_days", lead_days)
    first, last = WITHDRAWAL_EVOLVES_DAYS
    evolved = empty + timedelta(days=last)
    return [
        TimelinePhase(
            "Refill window",
            alarm - timedelta(days=lead),
            alarm,
            "Book and do the refill before the alarm date. A patient who misses the visit "
            "should call the clinic at once to reschedule.",
            ("gillette-itb-refills", "gablofen-us-label"),
        ),
        TimelinePhase(
            "Low-reservoir alarm",
            alarm,
            alarm,
            "Only a few days of drug are left. Any alarm means calling the pump team.",
            ("gillette-itb-refills", "gillette-itb-discharge", "lioresal-us-label"),
        ),
        TimelinePhase(
            "Running low",
            alarm,
            empty,
            "The pump may under-deliver before it is empty; some patients have had "
            "withdrawal with more than 2 mL left in the reservoir.",
            ("neurosurgery-2004-residual-volume",),
        ),
        TimelinePhase(
            "Reservoir empty",
            empty,
            empty,
            "Delivery stops. From now on the patient is in abrupt withdrawal.",
            ("lioresal-us-label",),
        ),
        TimelinePhase(
            f"Withdrawal evolves ({first}-{last} days)",
            empty,
            evolved,
            "Itching, returning spasticity, tingling and light-headedness; blood pressure may "
            "fall, rise or swing. Then possibly high fever, altered mental status and rigidity. "
            "It can become fulminant if not recognised and treated early.",
            (
                "coffey-2002-withdrawal",
                "lioresal-us-label",
                "lioresal-com-safety",
                "ross-2011-withdrawal-review",
            ),
        ),
        TimelinePhase(
            "Untreated severe withdrawal",
            evolved,
            evolved + timedelta(days=lead),
            "Rarely, muscle breakdown, failure of several organs and death.",
            ("lioresal-us-label",),
        ),
    ]


def stage_at(
    moment: date | datetime | str,
    low_alarm_at: date | datetime | str,
    empty_at: date | datetime | str,
) -> str:
    """Say where a moment falls on the missed-refill timeline.

    Parameters
    ----------
    moment : date, datetime or str
        The moment to classify (a date is taken as midnight; a string is an ISO date).
    low_alarm_at, empty_at : date, datetime or str
        As in :func:`missed_refill_timeline`.

    Returns
    -------
    str
        One of :data:`STAGES`: before the alarm; from the alarm up to (not including) the
        empty moment; from the empty moment up to 3 days later; after that.

    Raises
    ------
    ValueError
        As :func:`missed_refill_timeline`, and if ``moment`` is not a date.

    References
    ----------
    ``coffey-2002-withdrawal`` (withdrawal evolves over 1 to 3 days).
    """
    alarm, empty = _check_order(low_alarm_at, empty_at)
    when = as_moment("moment", moment)
    if (when.tzinfo is None) != (alarm.tzinfo is None):
        raise parameter_error(
            "moment", when, f"moment ({when!r}) and the timeline must both be naive or both aware"
        )
    if when < alarm:
        return STAGES[0]
    if when < empty:
        return STAGES[1]
    if when <= empty + timedelta(days=WITHDRAWAL_EVOLVES_DAYS[1]):
        return STAGES[2]
    return STAGES[3]


def timeline_for(plan: object, lead_days: float = 7.0) -> list[TimelinePhase]:
    """Build the missed-refill timeline from a refill plan of the reservoir simulator.

    Parameters
    ----------
    plan : object
        Anything with ``low_alarm_at`` and ``empty_at`` (a
        :class:`itb_edu.reservoir.RefillPlan`).
    lead_days : float, default 7.0
        As in :func:`missed_refill_timeline` [day].

    Returns
    -------
    list of TimelinePhase

    Raises
    ------
    ValueError
        If the plan never reaches its alarm or never runs empty (a stopped pump), or as
        :func:`missed_refill_timeline`.

    References
    ----------
    As :func:`missed_refill_timeline`.
    """
    alarm = getattr(plan, "low_alarm_at", None)
    empty = getattr(plan, "empty_at", None)
    if alarm is None or empty is None:
        raise parameter_error(
            "plan",
            plan,
            f"plan must reach its low-reservoir alarm and run empty; got low_alarm_at={alarm!r}, "
            f"empty_at={empty!r}",
        )
    return missed_refill_timeline(alarm, empty, lead_days=lead_days)


def cited_source_ids(data_dir: str | Path | None = None) -> list[str]:
    """List every source the side-effects notebook cites, in first-cited order.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder to read from; the course's own data by default.

    Returns
    -------
    list of str
        Ids from ``side_effects.csv``, ``withdrawal_vs_overdose.csv``, ``weight_studies.csv``,
        the missed-refill timeline and the quiz ``03_side_effects_and_safety``; the course
        authors' id last.
    """
    cells: list[str] = []
    for frame in (
        _data.side_effects(data_dir),
        _data.withdrawal_vs_overdose(data_dir),
        _data.weight_studies(data_dir),
    ):
        cells += list(frame["source_ids"])
    moment = datetime(2000, 1, 1)
    cells += [";".join(p.source_ids) for p in missed_refill_timeline(moment, moment)]
    cells += list(_data.quiz("03_side_effects_and_safety", data_dir)["source_ids"])
    ids = list(dict.fromkeys(i.strip() for c in cells for i in str(c).split(";") if i.strip()))
    if "itb-edu-authors" in ids:
        ids.remove("itb-edu-authors")
        ids.append("itb-edu-authors")
    return ids
