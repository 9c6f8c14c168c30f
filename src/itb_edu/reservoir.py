"""Reservoir depletion: when a baclofen pump alarms, runs empty and needs a refill.

Pure domain code: numbers and dates in, numbers and dates out. No Jupyter, plotly or
ipywidgets imports; pandas is imported only inside :meth:`RefillPlan.volume_table`.

The course is for education, not for programming, refilling or managing a real pump.

The arithmetic (clinical fact sheet, section 8; author-derived, ``itb-edu-authors``)::

    daily volume [mL/day]   = daily dose [mcg/day] / concentration [mcg/mL]
    days to low alarm [day] = (fill volume - alarm volume) [mL] / daily volume [mL/day]
    days to empty [day]     = fill volume [mL] / daily volume [mL/day]

:func:`plan_refill` does this exactly for a flex schedule (piecewise-constant rates through the
24-hour day) and for boluses (instant volume drops), to the minute.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ._validate import require_non_negative, require_positive
from .errors import ParameterError, parameter_error, shown
from .moments import to_datetime

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "DEFAULT_LOW_ALARM_ML",
    "MAX_HORIZON_DAYS",
    "RESIDUAL_FINDINGS",
    "ConcentrationChange",
    "RefillPlan",
    "ResidualCheck",
    "concentration_change",
    "format_schedule",
    "moment_in_words",
    "parse_boluses",
    "parse_schedule",
    "plan_refill",
    "residual_check",
]

#: Default low-reservoir alarm volume [mL]: the SynchroMed manufacturer recommendation
#: (Neurosurgery 2004 multicentre study, ``neurosurgery-2004-residual-volume``).
DEFAULT_LOW_ALARM_ML = 2.0

_MINUTES_PER_DAY = 1440
#: Longest default plot span [day] (20 years): slower pumps are drawn up to here only.
MAX_HORIZON_DAYS = 7305.0
#: Most rate-change points drawn; beyond this the curve is sampled once per day.
_MAX_CURVE_POINTS = 50_000
#: Event names of the volume table, by code; and the order of events at the same moment.
_EVENTS = ("refill", "rate change", "before bolus", "bolus", "low alarm", "empty", "end")
_EVENT_ORDER = (0, 3, 1, 3, 2, 2.5, 4)
_UTC = UTC
_STEP_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_BOLUS_LINE = re.compile(
    r"^\s*(?:day\s+(?P<day>\d+)|(?P<date>\d{4}-\d{2}-\d{2}))\s+(?P<time>\d{1,2}:\d{2})\s+"
    r"(?P<dose>\S+)\s*$",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------------------------
# Exact conversions
# --------------------------------------------------------------------------------------------
def _exact(value: float) -> Fraction:
    """Return a checked float as the exact decimal the user typed.

    ``Fraction(repr(x))`` reads the shortest decimal form of the float, so ``20.2`` is taken as
    202/10 rather than as the nearest binary fraction. Hand-computed answers then match to the
    minute.
    """
    return Fraction(repr(float(value)))


def _td_minutes(delta: timedelta) -> Fraction:
    """Length of a timedelta [min], exact."""
    micro = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return Fraction(micro, 60_000_000)


def _minutes_td(minutes: Fraction) -> timedelta:
    """Timedelta for a length [min], floored to the microsecond."""
    return timedelta(microseconds=math.floor(minutes * 60_000_000))


def _is_aware(moment: datetime) -> bool:
    return moment.tzinfo is not None and moment.utcoffset() is not None


def _elapsed(start: datetime, end: datetime) -> timedelta:
    """Elapsed (physical) time from ``start`` to ``end``, both naive or both aware."""
    if _is_aware(start):
        return end.astimezone(_UTC) - start.astimezone(_UTC)
    return end - start


def _advance(start: datetime, delta: timedelta) -> datetime:
    """``start`` plus elapsed time ``delta``, shown on ``start``'s wall clock."""
    if _is_aware(start):
        return (start.astimezone(_UTC) + delta).astimezone(start.tzinfo)
    return start + delta


def _floor_minute(moment: datetime) -> datetime:
    """Floor a moment to the whole minute (in UTC for aware moments)."""
    if _is_aware(moment):
        utc = moment.astimezone(_UTC).replace(second=0, microsecond=0)
        return utc.astimezone(moment.tzinfo)
    return moment.replace(second=0, microsecond=0)


def moment_in_words(moment: datetime | None) -> str:
    """Write a moment as words, for example ``"Sunday 5 April 2026 at 09:30"``.

    Parameters
    ----------
    moment : datetime or None
        The moment (its own wall clock is used).

    Returns
    -------
    str
        The moment in words, with the time zone abbreviation for an aware moment; ``"never"``
        for None.
    """
    if moment is None:
        return "never"
    text = f"{moment:%A} {moment.day} {moment:%B %Y} at {moment:%H:%M}"
    if _is_aware(moment) and moment.tzname():
        text += f" {moment.tzname()}"
    return text


# --------------------------------------------------------------------------------------------
# Schedules
# --------------------------------------------------------------------------------------------
def _parse_step_time(name: str, text: object) -> int:
    if not isinstance(text, str):
        raise parameter_error(name, text, f"{name} must be a time 'HH:MM', got {text!r}")
    match = _STEP_TIME.match(text)
    if match is None:
        raise parameter_error(name, text, f"{name} must be a time 'HH:MM', got {text!r}")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        raise parameter_error(
            name, text, f"{name} must be a time of day from 00:00 to 23:59, got {text!r}"
        )
    return hours * 60 + minutes


def _normalise_schedule(schedule: object) -> tuple[tuple[int, float], ...]:
    """Check a schedule; return ((start minute of day, rate [mcg/day]), ...) sorted."""
    if isinstance(schedule, (str, bytes)) or not isinstance(schedule, Iterable):
        raise parameter_error(
            "schedule",
            schedule,
            f"schedule must be a list of ('HH:MM', rate_mcg_per_day) steps, got {schedule!r}",
        )
    steps: list[tuple[int, float]] = []
    seen: dict[int, str] = {}
    for index, step in enumerate(schedule):
        if isinstance(step, (str, bytes)) or not isinstance(step, Sequence) or len(step) != 2:
            raise parameter_error(
                f"schedule[{index}]",
                step,
                f"schedule[{index}] must be a pair ('HH:MM', rate_mcg_per_day), got {step!r}",
            )
        start = _parse_step_time(f"schedule[{index}] start", step[0])
        rate = require_non_negative(f"schedule[{index}] rate_mcg_per_day", step[1])
        if start in seen:
            raise parameter_error(
                f"schedule[{index}] start",
                step[0],
                f"schedule[{index}] start {step[0]!r} repeats the start of another step "
                f"({seen[start]!r})",
            )
        seen[start] = step[0]
        steps.append((start, rate))
    if not steps:
        raise parameter_error("schedule", [], "schedule must have at least one step, got []")
    steps.sort()
    return tuple(steps)


def parse_boluses(text: str, refill_at: datetime) -> list[tuple[datetime, float]]:
    """Read boluses typed one per line.

    Parameters
    ----------
    text : str
        Lines ``day N HH:MM dose`` (day 0 is the refill day) or ``YYYY-MM-DD HH:MM dose``, the
        dose in [mcg]; blank lines are skipped.
    refill_at : datetime
        The refill moment, for ``day N`` lines.

    Returns
    -------
    list of (datetime, float)
        ``(moment, dose_mcg)`` pairs for :func:`itb_edu.reservoir.plan_refill`.

    Raises
    ------
    ParameterError
        About ``boluses`` (``.index`` the line, from 0), naming the line and the text, when a
        line cannot be read.

    Examples
    --------
    >>> parse_boluses("day 7 08:00 50", datetime(2026, 1, 5, 9, 0))
    [(datetime.datetime(2026, 1, 12, 8, 0), 50.0)]
    """
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _BOLUS_LINE.match(line)
        if match is None:
            raise parameter_error(
                f"boluses[{number - 1}]",
                line.strip(),
                f"bolus line {number} must look like 'day 7 08:00 50' or "
                f"'2026-01-12 08:00 50', got {line.strip()!r}",
            )
        try:
            clock = time.fromisoformat(
                f"{int(match['time'].split(':')[0]):02d}:{match['time'].split(':')[1]}"
            )
            if match["day"] is not None:
                day = refill_at.date() + timedelta(days=int(match["day"]))
            else:
                day = date.fromisoformat(match["date"])
            dose = float(match["dose"])
        except ValueError:
            raise parameter_error(
                f"boluses[{number - 1}]",
                line.strip(),
                f"bolus line {number} has a date, time or dose that cannot be read: "
                f"{line.strip()!r}",
            ) from None
        out.append((datetime.combine(day, clock), dose))
    return out


def parse_schedule(text: str) -> list[tuple[str, float]]:
    """Read a flex schedule typed as text.

    Parameters
    ----------
    text : str
        Steps separated by ``;`` or new lines, each ``HH:MM rate`` or ``HH:MM=rate`` with the
        rate in [mcg/day], for example ``"07:00 500; 22:00 300"``.

    Returns
    -------
    list of (str, float)
        ``[("07:00", 500.0), ("22:00", 300.0)]``: the form :func:`plan_refill` takes.

    Raises
    ------
    ValueError
        If a step cannot be read, naming the step and the text.
    """
    if not isinstance(text, str):
        raise parameter_error("schedule", text, f"schedule text must be a string, got {text!r}")
    steps: list[tuple[str, float]] = []
    for index, part in enumerate(p.strip() for p in re.split(r"[;\n]", text)):
        if not part:
            continue
        pieces = part.replace("=", " ").replace(",", " ").split()
        if len(pieces) != 2:
            raise parameter_error(
                f"schedule[{index}]",
                part,
                f"schedule step {index + 1} must look like 'HH:MM rate', got {part!r}",
            )
        try:
            _parse_step_time(f"schedule step {index + 1} start", pieces[0])
        except ParameterError as error:
            raise parameter_error(f"schedule[{index}]", pieces[0], str(error)) from None
        try:
            rate = float(pieces[1])
        except ValueError:
            raise parameter_error(
                f"schedule[{index}]",
                pieces[1],
                f"schedule step {index + 1} rate_mcg_per_day must be a number, got {pieces[1]!r}",
            ) from None
        steps.append((pieces[0], rate))
    if not steps:
        raise parameter_error(
            "schedule", text, f"schedule must have at least one step, got {text!r}"
        )
    _normalise_schedule(steps)
    return steps


def format_schedule(schedule: Iterable[tuple[str, float]]) -> str:
    """Write a schedule as text that :func:`parse_schedule` reads back (``"07:00 500; ..."``)."""
    return "; ".join(f"{start} {rate:g}" for start, rate in schedule)


def _hhmm(minute_of_day: int) -> str:
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


# --------------------------------------------------------------------------------------------
# The exact model
# --------------------------------------------------------------------------------------------
class _Model:
    """Exact volume model; times in minutes since the refill, volumes in mL (Fractions).

    The pump clock reads ``offset`` minutes after its midnight at the refill and then runs in
    elapsed time. Within one pump day the schedule gives a cumulative volume ``C(y)`` for
    ``y`` in [0, 1440]; over many days ``G(x) = floor(x / 1440) * C(1440) + C(x mod 1440)``
    and the volume delivered by the continuous rate after ``t`` minutes is
    ``G(offset + t) - G(offset)``.
    """

    __slots__ = (
        "_bolus_delivered",
        "bolus_cum",
        "bolus_t",
        "bolus_v",
        "bounds",
        "cum",
        "daily",
        "fcum",
        "fdaily",
        "fill",
        "g0",
        "offset",
        "rates",
    )

    def __init__(
        self,
        fill: Fraction,
        concentration: Fraction,
        steps: Sequence[tuple[int, Fraction]],
        offset: Fraction,
        boluses: Sequence[tuple[Fraction, Fraction]],
    ) -> None:
        self.fill = fill
        self.offset = offset
        # Segment boundaries within a pump day and the rate of each segment [mL/min].
        last_rate = steps[-1][1]
        bounds = [0]
        rates = []
        if steps[0][0] != 0:
            rates.append(last_rate)  # the last step wraps past midnight
        for start, rate in steps:
            if start != 0:
                bounds.append(start)
            rates.append(rate)
        bounds.append(_MINUTES_PER_DAY)
        per_min = [r / (concentration * _MINUTES_PER_DAY) for r in rates]
        cum = [Fraction(0)]
        for i, rate in enumerate(per_min):
            cum.append(cum[-1] + rate * (bounds[i + 1] - bounds[i]))
        self.bounds = bounds
        self.cum = cum
        self.rates = per_min
        self.daily = cum[-1]
        self.g0 = self._g(offset)
        self.bolus_t = [t for t, _ in boluses]
        self.bolus_v = [v for _, v in boluses]
        running = Fraction(0)
        self.bolus_cum = []
        for v in self.bolus_v:
            running += v
            self.bolus_cum.append(running)
        self.fcum = [float(c) for c in cum]
        self.fdaily = float(self.daily)
        self._bolus_delivered: list[Fraction] | None = None

    def _c(self, y: Fraction) -> Fraction:
        """Volume delivered from pump midnight to minute ``y`` of the day, 0 <= y <= 1440."""
        i = bisect_right(self.bounds, y) - 1
        if i >= len(self.bounds) - 1:
            return self.daily
        return self.cum[i] + self.rates[i] * (y - self.bounds[i])

    def _g(self, x: Fraction) -> Fraction:
        days, y = divmod(x, _MINUTES_PER_DAY)
        return days * self.daily + self._c(y)

    def delivered(self, t: Fraction) -> Fraction:
        """Volume delivered by the continuous rate in the first ``t`` minutes [mL]."""
        return self._g(self.offset + t) - self.g0

    def bolus_taken(self, t: Fraction) -> Fraction:
        """Volume of the boluses given at or before ``t`` [mL]."""
        n = bisect_right(self.bolus_t, t)
        return self.bolus_cum[n - 1] if n else Fraction(0)

    def volume(self, t: Fraction) -> Fraction:
        """Remaining volume at ``t`` minutes [mL], never below zero."""
        return max(Fraction(0), self.fill - self.delivered(t) - self.bolus_taken(t))

    def _inverse(self, target: Fraction) -> Fraction | None:
        """Smallest ``t >= 0`` with ``delivered(t) >= target``; None if never."""
        if target <= 0:
            return Fraction(0)
        if self.daily == 0:
            return None
        goal = target + self.g0
        days = math.ceil(goal / self.daily) - 1
        rest = goal - days * self.daily  # in (0, daily]
        j = bisect_left(self.cum, rest)  # cum[j - 1] < rest <= cum[j]
        y = self.bounds[j - 1] + (rest - self.cum[j - 1]) / self.rates[j - 1]
        return days * _MINUTES_PER_DAY + y - self.offset

    def crossing(self, threshold: Fraction) -> Fraction | None:
        """First moment [min] when the remaining volume is at or below ``threshold`` [mL]."""
        if self._bolus_delivered is None:
            self._bolus_delivered = [self.delivered(t) for t in self.bolus_t]
        taken = Fraction(0)
        for t_bolus, v_bolus, done in zip(
            self.bolus_t, self.bolus_v, self._bolus_delivered, strict=True
        ):
            target = self.fill - taken - threshold
            if done >= target:  # crossed by the continuous rate before (or at) this bolus
                return self._inverse(target)
            taken += v_bolus
            if done >= target - v_bolus:  # the bolus itself takes the volume down
                return t_bolus
        return self._inverse(self.fill - taken - threshold)

    # Float arrays for tables and plots (exact key points are added by the caller).
    def curve(self, horizon: float, stop: float) -> tuple[Any, Any, Any]:
        """Rate changes and boluses in (0, min(horizon, stop)) as float arrays.

        Returns elapsed minutes, remaining volume [mL] (not clipped) and event codes
        (:data:`_EVENTS`), unsorted; the refill point is included, the end point is not.
        """
        import numpy as np

        end = min(horizon, stop)
        fill, offset, g0 = float(self.fill), float(self.offset), float(self.g0)
        bounds = np.asarray(self.bounds, dtype=float)
        fcum = np.asarray(self.fcum)
        frates = np.asarray([float(r) for r in self.rates])
        bolus_t = np.asarray([float(t) for t in self.bolus_t])
        bolus_cum = np.concatenate([[0.0], [float(v) for v in self.bolus_cum]])

        def continuous(t: Any) -> Any:
            x = offset + t
            days = np.floor(x / _MINUTES_PER_DAY)
            y = x - days * _MINUTES_PER_DAY
            i = np.clip(np.searchsorted(bounds, y, side="right") - 1, 0, len(frates) - 1)
            return fill - (days * self.fdaily + fcum[i] + frates[i] * (y - bounds[i]) - g0)

        parts_t, parts_v, parts_k = [], [], []
        inner = [i for i in range(len(self.rates)) if self.rates[i] != self.rates[i - 1]]
        n_days = math.ceil((end + offset) / _MINUTES_PER_DAY) + 1 if end > 0 else 0
        if inner and n_days * len(inner) > _MAX_CURVE_POINTS:
            # Too many steps to draw one by one: sample at the refill's pump time each day
            # (exact values at those moments; straight lines between them).
            t = np.arange(1, n_days, dtype=float) * _MINUTES_PER_DAY
            t = t[t < end]
            parts_t.append(t)
            parts_v.append(continuous(t) - bolus_cum[np.searchsorted(bolus_t, t, side="right")])
            parts_k.append(np.full(len(t), 1))
        elif inner and end > 0:
            day = np.arange(n_days, dtype=float)[:, None]
            idx = np.asarray(inner)
            t = (day * _MINUTES_PER_DAY + bounds[idx][None, :] - offset).ravel()
            g = (day * self.fdaily + fcum[idx][None, :]).ravel()
            keep = (t > 0) & (t < end)
            t, g = t[keep], g[keep]
            taken = bolus_cum[np.searchsorted(bolus_t, t, side="right")]
            parts_t.append(t)
            parts_v.append(fill - (g - g0) - taken)
            parts_k.append(np.full(len(t), 1))
        if len(bolus_t):
            tb = bolus_t[bolus_t < end]
            cont = continuous(tb)
            parts_t += [tb, tb]
            parts_v += [
                cont - bolus_cum[np.searchsorted(bolus_t, tb, side="left")],
                cont - bolus_cum[np.searchsorted(bolus_t, tb, side="right")],
            ]
            parts_k += [np.full(len(tb), 2), np.full(len(tb), 3)]
        parts_t.insert(0, np.zeros(1))
        parts_v.insert(0, np.asarray([fill]))
        parts_k.insert(0, np.zeros(1, dtype=int))
        return np.concatenate(parts_t), np.concatenate(parts_v), np.concatenate(parts_k)

    def fvolume(self, t: float) -> float:
        """Remaining volume at ``t`` minutes, float arithmetic, not clipped [mL]."""
        x = float(self.offset) + t
        days, y = divmod(x, _MINUTES_PER_DAY)
        i = min(bisect_right(self.bounds, y) - 1, len(self.rates) - 1)
        c = self.fcum[i] + float(self.rates[i]) * (y - self.bounds[i])
        n = bisect_right(self.bolus_t, t)
        taken = float(self.bolus_cum[n - 1]) if n else 0.0
        return float(self.fill) - (days * self.fdaily + c - float(self.g0)) - taken


# --------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RefillPlan:
    """Result of :func:`plan_refill`: the numbers, the moments, and the volume over time.

    Attributes
    ----------
    refill_at : datetime
        Moment of the refill (a ``date`` input becomes naive midnight).
    fill_volume_ml : float
        Volume in the reservoir right after the refill [mL].
    concentration_mcg_per_ml : float
        Baclofen concentration [mcg/mL].
    low_alarm_ml : float
        Low-reservoir alarm volume [mL].
    reservoir_ml : float or None
        Reservoir size [mL], if given.
    schedule : tuple of (str, float)
        The 24-hour schedule, sorted: ``("HH:MM", rate [mcg/day])``. Simple continuous dosing is
        one step ``("00:00", daily_dose_mcg)``.
    boluses : tuple of (datetime, float)
        Boluses sorted by time: (moment, dose [mcg]).
    daily_dose_mcg : float
        Continuous dose averaged over the 24-hour schedule [mcg/day], boluses excluded.
    daily_volume_ml : float
        Volume the continuous schedule takes per day [mL/day], boluses excluded.
    bolus_volume_ml : float
        Total volume of all boluses [mL].
    days_to_low_alarm, days_to_empty : float or None
        Exact elapsed time from the refill to the crossing [day]; None if never reached.
    low_alarm_at, empty_at : datetime or None
        The crossing moments, floored to the minute; None if never reached.
    refill_due_at : datetime or None
        The low-alarm moment, or ``refill_at + max_interval_days`` when that comes first.
    refill_due_reason : str or None
        ``"low-reservoir alarm"`` or ``"maximum interval"``.
    max_interval_days : float or None
        Longest interval allowed between refills [day], if given.
    """

    refill_at: datetime
    fill_volume_ml: float
    concentration_mcg_per_ml: float
    low_alarm_ml: float
    reservoir_ml: float | None
    schedule: tuple[tuple[str, float], ...]
    boluses: tuple[tuple[datetime, float], ...]
    daily_dose_mcg: float
    daily_volume_ml: float
    bolus_volume_ml: float
    days_to_low_alarm: float | None
    days_to_empty: float | None
    low_alarm_at: datetime | None
    empty_at: datetime | None
    refill_due_at: datetime | None
    refill_due_reason: str | None
    max_interval_days: float | None
    _model: _Model = field(repr=False, compare=False)
    _alarm_min: Fraction | None = field(repr=False, compare=False)
    _empty_min: Fraction | None = field(repr=False, compare=False)

    # -- moments ------------------------------------------------------------------------------
    def _minutes_since_refill(self, when: object, name: str = "when") -> Fraction:
        moment = to_datetime(name, when)
        if _is_aware(moment) != _is_aware(self.refill_at):
            raise parameter_error(
                name,
                when,
                f"{name} ({shown(when)}) must be time-zone aware exactly when refill_at is",
            )
        minutes = _td_minutes(_elapsed(self.refill_at, moment))
        if minutes < 0:
            raise parameter_error(
                name, when, f"{name} ({shown(when)}) is before refill_at ({shown(self.refill_at)})"
            )
        return minutes

    def volume_at(self, when: date | datetime) -> float:
        """Return the expected volume left in the reservoir at ``when`` [mL].

        Parameters
        ----------
        when : date or datetime
            A moment at or after the refill, naive or aware like ``refill_at``. A bolus given at
            exactly ``when`` counts as taken.

        Returns
        -------
        float
            Remaining volume [mL], never below zero. This is the expected residual to compare
            with the volume aspirated at the next refill (see :func:`residual_check`).
        """
        return float(self._model.volume(self._minutes_since_refill(when)))

    def _moment(self, minutes: float | Fraction) -> datetime:
        return _advance(self.refill_at, timedelta(minutes=float(minutes)))

    # -- tables -------------------------------------------------------------------------------
    def horizon_days(self) -> float:
        """Return the default span of :meth:`volume_curve` [day].

        Past empty (by 15 %, at least 7 days) to show the time with an empty pump; 90 days for a
        stopped pump; at most :data:`MAX_HORIZON_DAYS` (20 years).
        """
        ends = [0.0]
        if self.days_to_empty is not None:
            ends.append(self.days_to_empty + max(7.0, 0.15 * self.days_to_empty))
        else:
            ends.append(90.0)
        if self.refill_due_at is not None:
            ends.append(float(_td_minutes(_elapsed(self.refill_at, self.refill_due_at)) / 1440) + 7)
        return float(min(max(ends), MAX_HORIZON_DAYS))

    def volume_curve(self, until_days: float | None = None) -> tuple[Any, Any, Any]:
        """Volume over time as numpy arrays (the fast path for figures).

        Parameters
        ----------
        until_days : float, optional
            How far to run after the refill [day]; default :meth:`horizon_days`.

        Returns
        -------
        elapsed_days : numpy.ndarray
            Time since the refill of each point [day]: the refill, each rate change, each
            bolus (twice: just before and just after), the low alarm, empty and the end.
        volume_ml : numpy.ndarray
            Remaining volume at each point [mL]; zero from empty on. Linear between points.
        event : numpy.ndarray of str
            ``refill``, ``rate change``, ``before bolus``, ``bolus``, ``low alarm``,
            ``empty`` or ``end``.
        """
        import numpy as np

        if until_days is None:
            until_days = self.horizon_days()
        until_days = require_positive("until_days", until_days)
        horizon = until_days * _MINUTES_PER_DAY
        empty = float(self._empty_min) if self._empty_min is not None else math.inf
        t, v, k = self._model.curve(horizon, empty)
        extra_t, extra_v, extra_k = [], [], []
        if self._alarm_min is not None and float(self._alarm_min) <= horizon:
            extra_t.append(float(self._alarm_min))
            extra_v.append(self.low_alarm_ml)
            extra_k.append(4)
        if empty <= horizon:
            extra_t.append(empty)
            extra_v.append(0.0)
            extra_k.append(5)
        extra_t.append(horizon)
        extra_v.append(max(0.0, self._model.fvolume(horizon)) if horizon < empty else 0.0)
        extra_k.append(6)
        t = np.concatenate([t, extra_t])
        v = np.clip(np.concatenate([v, extra_v]), 0.0, None)
        k = np.concatenate([k, np.asarray(extra_k, dtype=int)])
        order = np.lexsort((np.asarray(_EVENT_ORDER)[k], t))
        events = np.asarray(_EVENTS)[k[order]]
        # The volume never rises; this also removes float noise along flat (zero-rate) steps.
        volumes = np.minimum.accumulate(v[order])
        return t[order] / _MINUTES_PER_DAY, volumes, events

    def volume_table(self, until_days: float | None = None) -> pd.DataFrame:
        """Volume over time as a table (the data behind the plots and the CSV export).

        Parameters
        ----------
        until_days : float, optional
            How far to run after the refill [day]; default :meth:`horizon_days`.

        Returns
        -------
        pandas.DataFrame
            Columns ``time`` (same kind as ``refill_at``: naive, or aware in its time zone),
            ``elapsed_days`` [day], ``volume_ml`` [mL] and ``event`` (see
            :meth:`volume_curve`). The volume is linear between rows.
        """
        import pandas as pd

        days, volumes, events = self.volume_curve(until_days)
        start = pd.Timestamp(self.refill_at)
        times = start + pd.to_timedelta(days * 86_400_000_000, unit="us").round("us")
        return pd.DataFrame(
            {"time": times, "elapsed_days": days, "volume_ml": volumes, "event": events}
        )

    def summary(self) -> dict[str, Any]:
        """Return the headline numbers as a dict (for tables and exports)."""
        return {
            "daily_dose_mcg": self.daily_dose_mcg,
            "daily_volume_ml": self.daily_volume_ml,
            "days_to_low_alarm": self.days_to_low_alarm,
            "days_to_empty": self.days_to_empty,
            "low_alarm_at": self.low_alarm_at,
            "empty_at": self.empty_at,
            "refill_due_at": self.refill_due_at,
            "refill_due_reason": self.refill_due_reason,
        }


def _check_boluses(
    boluses: object, refill_at: datetime
) -> list[tuple[datetime, Fraction, float, float]]:
    """Check boluses; return (moment, minutes since refill, dose [mcg], dose) sorted."""
    if isinstance(boluses, (str, bytes)) or not isinstance(boluses, Iterable):
        raise parameter_error(
            "boluses", boluses, f"boluses must be a list of (when, dose_mcg) pairs, got {boluses!r}"
        )
    out = []
    aware = _is_aware(refill_at)
    for index, pair in enumerate(boluses):
        if isinstance(pair, (str, bytes)) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise parameter_error(
                f"boluses[{index}]",
                pair,
                f"boluses[{index}] must be a pair (when, dose_mcg), got {pair!r}",
            )
        when, dose = pair
        if isinstance(when, timedelta):
            moment = _advance(refill_at, when)
        else:
            moment = to_datetime(f"boluses[{index}] when", when)
        if _is_aware(moment) != aware:
            raise parameter_error(
                f"boluses[{index}]",
                when,
                f"boluses[{index}] when ({shown(when)}) must be time-zone aware exactly when "
                f"refill_at is",
            )
        minutes = _td_minutes(_elapsed(refill_at, moment))
        if minutes < 0:
            raise parameter_error(
                f"boluses[{index}]",
                when,
                f"boluses[{index}] when ({shown(when)}) is before refill_at ({shown(refill_at)})",
            )
        dose_f = require_non_negative(f"boluses[{index}] dose_mcg", dose)
        out.append((moment, minutes, dose_f, dose_f))
    out.sort(key=lambda b: b[1])
    return out


def plan_refill(
    *,
    fill_volume_ml: float,
    concentration_mcg_per_ml: float,
    refill_at: date | datetime,
    daily_dose_mcg: float | None = None,
    schedule: Sequence[tuple[str, float]] | None = None,
    boluses: Iterable[tuple[datetime | date | timedelta, float]] = (),
    low_alarm_ml: float = DEFAULT_LOW_ALARM_ML,
    reservoir_ml: float | None = None,
    max_interval_days: float | None = None,
) -> RefillPlan:
    """Plan a refill: when the pump reaches its low-reservoir alarm, runs empty, is due.

    Parameters
    ----------
    fill_volume_ml : float
        Volume in the reservoir right after the refill [mL]; above ``low_alarm_ml``.
    concentration_mcg_per_ml : float
        Baclofen concentration in the reservoir [mcg/mL], for example 500 or 2000.
    refill_at : date or datetime
        Moment of the refill. A ``date`` is taken as midnight. Naive or time-zone aware; the
        moments returned are of the same kind (naive datetimes for a ``date``).
    daily_dose_mcg : float, optional
        Simple continuous dose [mcg/day]. Give exactly one of this and ``schedule``.
    schedule : list of (str, float), optional
        Flex dosing: steps ``("HH:MM", rate_mcg_per_day)`` through the pump's 24-hour day; each
        step runs until the next step's start and the last wraps past midnight. A rate is a dose
        per day [mcg/day] delivered while its step runs.
    boluses : list of (datetime or date or timedelta, float), optional
        ``(when, dose_mcg)``: each bolus takes its volume at that moment [mcg]. ``when`` is a
        moment (same kind as ``refill_at``) or a timedelta after the refill.
    low_alarm_ml : float, default 2.0
        Low-reservoir alarm volume [mL]. 2 mL is the SynchroMed manufacturer recommendation;
        the Prometra refill date uses 3.0 mL (take it from ``data/pumps.csv``).
    reservoir_ml : float, optional
        Reservoir size [mL]; if given, the fill and alarm volumes must not exceed it.
    max_interval_days : float, optional
        Longest interval allowed between refills [day] (a clinic or stability policy; no
        default number is given because none is established for baclofen).

    Returns
    -------
    RefillPlan
        ``daily_volume_ml``, ``days_to_low_alarm``, ``days_to_empty``, ``low_alarm_at``,
        ``empty_at``, ``refill_due_at``, :meth:`RefillPlan.volume_at` and
        :meth:`RefillPlan.volume_table`.

    Raises
    ------
    ValueError
        Naming the parameter and the value: a non-finite or negative number, zero
        concentration, a fill above ``reservoir_ml`` or not above ``low_alarm_ml``, both or
        neither of ``daily_dose_mcg`` and ``schedule``, a malformed or negative schedule step,
        a bolus before the refill or of the other time-zone kind.

    Notes
    -----
    * Exactness: numbers are read as the decimals typed (``20.2`` is 202/10) and the volume is
      integrated exactly with fractions: the rate is constant between schedule steps and each
      bolus is an instant drop. The crossing moment is solved exactly inside its segment, then
      **floored to the minute**, so ``low_alarm_at`` and ``empty_at`` are never later than the
      true moment. ``days_to_low_alarm`` and ``days_to_empty`` are the exact (unrounded)
      elapsed times.
    * A crossing is the first moment the remaining volume is at or below the threshold. A bolus
      that takes the volume below the threshold sets the crossing at the bolus moment.
    * Time runs as elapsed time. The schedule follows the pump's clock, which reads the wall
      clock time of ``refill_at`` at the refill and then advances in elapsed hours. For a
      time-zone aware ``refill_at`` the returned moments are true moments shown in its time
      zone: after a daylight-saving change the wall clock differs by an hour from the pump's
      clock, and a step that starts at 07:00 on the pump shows as 06:00 or 08:00.
    * Boluses are not part of ``daily_volume_ml``: they add their volume at their moments.
    * A stopped pump (all rates zero and no bolus reaching the threshold) never alarms:
      ``low_alarm_at``, ``empty_at`` and the days are None; ``refill_due_at`` is None unless
      ``max_interval_days`` is given.
    * The pump does not deliver the full dose once nearly empty, and sensitive patients have
      had withdrawal with more than 2 mL left, so the empty moment is the latest moment, not a
      safe one. This model is for education, not for programming a real pump.

    References
    ----------
    ``itb-edu-authors`` (the arithmetic, worked examples); ``neurosurgery-2004-residual-volume``
    (2 mL default alarm volume); ``prometra-ptc-guide`` (3.0 mL refill volume).

    Examples
    --------
    Author-derived teaching example: 20 mL of 500 mcg/mL at 100 mcg/day uses 0.2 mL/day, so
    the 2 mL alarm comes after 18 / 0.2 = 90 days and the pump is empty after 100 days.

    >>> from datetime import date
    >>> plan = plan_refill(fill_volume_ml=20, concentration_mcg_per_ml=500,
    ...                    daily_dose_mcg=100, refill_at=date(2026, 1, 5))
    >>> plan.daily_volume_ml, plan.days_to_low_alarm, plan.low_alarm_at
    (0.2, 90.0, datetime.datetime(2026, 4, 5, 0, 0))
    """
    # -- checks ------------------------------------------------------------------------------
    fill = require_non_negative("fill_volume_ml", fill_volume_ml)
    concentration = require_positive("concentration_mcg_per_ml", concentration_mcg_per_ml)
    alarm = require_non_negative("low_alarm_ml", low_alarm_ml)
    if reservoir_ml is not None:
        reservoir = require_positive("reservoir_ml", reservoir_ml)
        if fill > reservoir:
            raise parameter_error(
                "fill_volume_ml",
                fill_volume_ml,
                f"fill_volume_ml ({fill_volume_ml!r}) is more than reservoir_ml "
                f"({reservoir_ml!r}): never overfill a reservoir",
            )
        if alarm > reservoir:
            raise parameter_error(
                "low_alarm_ml",
                low_alarm_ml,
                f"low_alarm_ml ({low_alarm_ml!r}) is more than reservoir_ml ({reservoir_ml!r})",
            )
    else:
        reservoir = None
    if fill <= alarm:
        raise parameter_error(
            "fill_volume_ml",
            fill_volume_ml,
            f"fill_volume_ml ({fill_volume_ml!r}) must be above low_alarm_ml "
            f"({low_alarm_ml!r}): the pump would alarm at once",
        )
    if (daily_dose_mcg is None) == (schedule is None):
        raise parameter_error(
            "daily_dose_mcg",
            daily_dose_mcg,
            "give exactly one of daily_dose_mcg and schedule, got "
            f"daily_dose_mcg={daily_dose_mcg!r} and schedule={schedule!r}",
        )
    steps: tuple[tuple[int, float], ...]
    if daily_dose_mcg is not None:
        steps = ((0, require_non_negative("daily_dose_mcg", daily_dose_mcg)),)
    else:
        steps = _normalise_schedule(schedule)
    max_interval = None
    if max_interval_days is not None:
        max_interval = require_positive("max_interval_days", max_interval_days)
    start = to_datetime("refill_at", refill_at)
    checked_boluses = _check_boluses(boluses, start)

    # -- exact model --------------------------------------------------------------------------
    conc_q = _exact(concentration)
    steps_q = [(s, _exact(r)) for s, r in steps]
    bolus_q = [(m, _exact(d) / conc_q) for _, m, d, _ in checked_boluses]
    wall = start.time()
    offset = Fraction(wall.hour * 60 + wall.minute) + Fraction(
        wall.second * 1_000_000 + wall.microsecond, 60_000_000
    )
    model = _Model(_exact(fill), conc_q, steps_q, offset, bolus_q)
    alarm_min = model.crossing(_exact(alarm))
    empty_min = model.crossing(Fraction(0))

    def moment(minutes: Fraction | None) -> datetime | None:
        if minutes is None:
            return None
        try:
            return _floor_minute(_advance(start, _minutes_td(minutes)))
        except OverflowError:
            raise parameter_error(
                "daily_dose_mcg" if schedule is None else "schedule",
                daily_dose_mcg if schedule is None else schedule,
                f"the dose is too low for this fill: fill_volume_ml={fill_volume_ml!r} would "
                f"last about {float(minutes) / _MINUTES_PER_DAY:.3g} days, past the year 9999",
            ) from None

    low_alarm_at = moment(alarm_min)
    empty_at = moment(empty_min)
    refill_due_at, reason = low_alarm_at, ("low-reservoir alarm" if alarm_min is not None else None)
    if max_interval is not None:
        cap_min = _exact(max_interval) * _MINUTES_PER_DAY
        if alarm_min is None or cap_min < alarm_min:
            refill_due_at, reason = moment(cap_min), "maximum interval"
    daily_volume = model.daily  # mL per pump day
    daily_dose = daily_volume * conc_q
    return RefillPlan(
        refill_at=start,
        fill_volume_ml=fill,
        concentration_mcg_per_ml=concentration,
        low_alarm_ml=alarm,
        reservoir_ml=reservoir,
        schedule=tuple((_hhmm(s), r) for s, r in steps),
        boluses=tuple((m, d) for m, _, d, _ in checked_boluses),
        daily_dose_mcg=float(daily_dose),
        daily_volume_ml=float(daily_volume),
        bolus_volume_ml=float(sum((v for _, v in bolus_q), Fraction(0))),
        days_to_low_alarm=None if alarm_min is None else float(alarm_min / _MINUTES_PER_DAY),
        days_to_empty=None if empty_min is None else float(empty_min / _MINUTES_PER_DAY),
        low_alarm_at=low_alarm_at,
        empty_at=empty_at,
        refill_due_at=refill_due_at,
        refill_due_reason=reason,
        max_interval_days=max_interval,
        _model=model,
        _alarm_min=alarm_min,
        _empty_min=empty_min,
    )


# --------------------------------------------------------------------------------------------
# Refill visit: residual check
# --------------------------------------------------------------------------------------------
#: Findings of :func:`residual_check`, by code.
RESIDUAL_FINDINGS: dict[str, str] = {
    "matches": "The aspirated volume equals the expected residual.",
    "less-within-labelled-accuracy": (
        "Less came back than expected, by no more than the labelled overinfusion limit allows."
    ),
    "less-beyond-labelled-accuracy": (
        "Less came back than expected, by more than the labelled overinfusion limit allows."
    ),
    "less-no-accuracy-on-file": (
        "Less came back than expected; the course has no documented accuracy for this pump."
    ),
    "more": "More came back than expected: less drug reached the patient than programmed.",
}


@dataclass(frozen=True)
class ResidualCheck:
    """Result of :func:`residual_check`.

    Attributes
    ----------
    expected_ml : float
        Volume the plan expects in the reservoir at the visit [mL].
    aspirated_ml : float
        Volume drawn back from the reservoir at the visit [mL].
    gap_ml : float
        ``aspirated_ml - expected_ml`` [mL]. Negative: less came back than expected (the pump
        may have delivered more than programmed, the last refill may not all have reached the
        reservoir, for example a pocket fill, or a volume was recorded wrongly). Positive: more
        came back (less drug reached the patient than programmed, for example the pump stopped,
        or a volume was recorded wrongly).
    programmed_ml : float
        Volume the pump was programmed to move out of the reservoir since the refill [mL]
        (fill volume minus expected residual).
    overinfusion_above_pct : float or None
        The pump's labelled overinfusion limit [%]: delivery more than this far above the
        programmed rate counts as overinfusion. None where the course has no documented figure.
    explainable_shortfall_ml : float or None
        ``programmed_ml * overinfusion_above_pct / 100`` [mL]: the largest shortfall a pump
        running at its labelled limit would produce. None without a documented limit.
    finding : str
        A key of :data:`RESIDUAL_FINDINGS`.
    stop_and_investigate : bool
        True unless the volumes match or the shortfall is no larger than the labelled limit
        explains. Even then the check does not say the gap is acceptable: see ``message``.
    message : str
        Plain-words reading of the comparison.
    """

    expected_ml: float
    aspirated_ml: float
    gap_ml: float
    programmed_ml: float
    overinfusion_above_pct: float | None
    explainable_shortfall_ml: float | None
    finding: str
    stop_and_investigate: bool
    message: str


def residual_check(
    plan: RefillPlan,
    *,
    aspirated_ml: float,
    at: date | datetime,
    overinfusion_above_pct: float | None = None,
) -> ResidualCheck:
    """Compare the aspirated residual at a refill visit with the expected residual.

    Parameters
    ----------
    plan : RefillPlan
        The plan made at the previous refill.
    aspirated_ml : float
        Volume drawn back from the reservoir at this visit [mL].
    at : date or datetime
        Moment of this visit (same kind as ``plan.refill_at``).
    overinfusion_above_pct : float, optional
        The pump's labelled overinfusion limit [%]: delivery more than this far above the
        programmed rate counts as overinfusion (14.5 for the SynchroMed II; take it from
        ``data/pumps.csv``). None (the default) where no documented figure exists.

    Returns
    -------
    ResidualCheck
        Expected and aspirated volume, the difference, what the pump's labelled accuracy can
        explain, the finding and a plain-words reading.

    Raises
    ------
    ValueError
        If ``aspirated_ml`` is negative or not finite, if it is more than the reservoir size,
        if ``overinfusion_above_pct`` is given and not positive, or if ``at`` is before the
        refill.

    Notes
    -----
    Every refill compares the volume drawn back with the volume the programmer expects, and a
    difference nobody can explain means stopping before the refill. The only documented
    figure for how much difference a pump itself can make is the SynchroMed II labelling's
    definition of overinfusion: delivery more than 14.5 % above the programmed rate. A pump
    running at that limit leaves ``programmed_ml * 14.5 / 100`` less than expected, so a
    shortfall up to that size may come from the pump's own accuracy. That is not a safe zone:
    the same shortfall can come from a pocket fill at the last refill or a recording error, and
    the reading says so. No documented figure covers *more* coming back than expected, so any
    such difference means stop and investigate. The 1 mL / 2 mL figures of Maino et al. (2017)
    are not used: they compare the volume injected at a refill with the volume a fill-level
    sensor measured in the reservoir just after it, not the aspirated with the expected
    residual.

    References
    ----------
    ``southshore-itb-refill`` (compare drained with expected); ``medtronic-fsn-2016-overinfusion``
    (less than expected may mean overinfusion; the alarm is calculated, not measured);
    ``ecri-synchromed-overinfusion-2014`` (overinfusion above 14.5 %);
    ``hsa-synchromed-overinfusion-2016`` (verification checks at every refill);
    ``itb-edu-authors`` (worked examples).
    """
    aspirated = require_non_negative("aspirated_ml", aspirated_ml)
    limit = (
        None
        if overinfusion_above_pct is None
        else require_positive("overinfusion_above_pct", overinfusion_above_pct)
    )
    if plan.reservoir_ml is not None and aspirated > plan.reservoir_ml:
        raise parameter_error(
            "aspirated_ml",
            aspirated_ml,
            f"aspirated_ml ({aspirated_ml!r}) is more than reservoir_ml ({plan.reservoir_ml!r})",
        )
    expected_q = plan._model.volume(plan._minutes_since_refill(at, "at"))
    gap_q = _exact(aspirated) - expected_q
    programmed_q = _exact(plan.fill_volume_ml) - expected_q
    explainable_q = None if limit is None else programmed_q * _exact(limit) / 100
    expected, gap, programmed = float(expected_q), float(gap_q), float(programmed_q)
    compared = (
        f"{aspirated:.2f} mL came back against an expected {expected:.2f} mL "
        f"({abs(gap):.2f} mL {'more' if gap > 0 else 'less'})"
    )
    if gap_q == 0:
        finding, stop = "matches", False
        message = (
            f"The aspirated {aspirated:.2f} mL equals the expected residual. Go on with the "
            "refill as the order and the device labelling say."
        )
    elif gap_q > 0:
        finding, stop = "more", True
        message = (
            f"{compared}: less drug reached the patient than programmed, for example because "
            "the pump stopped or slowed, or a volume was recorded wrongly. No documented figure "
            "says how much of this the pump's accuracy explains. Stop: do not refill until the "
            "pump team has found the cause, and look for signs of withdrawal."
        )
    elif explainable_q is None:
        finding, stop = "less-no-accuracy-on-file", True
        message = (
            f"{compared}. The course has no documented accuracy figure for this pump, so it "
            "cannot say how much of the difference the pump itself explains. Stop: do not "
            "refill until the difference is explained; the pump may have delivered more than "
            "programmed, or the last refill may not all have reached the reservoir."
        )
    elif -gap_q > explainable_q:
        finding, stop = "less-beyond-labelled-accuracy", True
        message = (
            f"{compared}, more than the {float(explainable_q):.2f} mL a pump delivering "
            f"{limit:g} % above its programmed rate would leave missing. The pump may be "
            "overinfusing, the last refill may not all have reached the reservoir (pocket "
            "fill), or a volume was recorded wrongly. Stop: do not refill until the pump team "
            "has found the cause; watch for overdose, and for withdrawal if the reservoir may "
            "run dry before its alarm."
        )
    else:
        finding, stop = "less-within-labelled-accuracy", False
        message = (
            f"{compared}, no more than the {float(explainable_q):.2f} mL a pump delivering "
            f"{limit:g} % above its programmed rate would leave missing, so the pump's own "
            "accuracy may explain it. That does not make it safe: compare it with this pump's "
            "earlier refills and the patient's condition, and stop and investigate if it is "
            "not explained."
        )
    return ResidualCheck(
        expected_ml=expected,
        aspirated_ml=aspirated,
        gap_ml=gap,
        programmed_ml=programmed,
        overinfusion_above_pct=limit,
        explainable_shortfall_ml=None if explainable_q is None else float(explainable_q),
        finding=finding,
        stop_and_investigate=stop,
        message=message,
    )


# --------------------------------------------------------------------------------------------
# Changing concentration at a refill
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ConcentrationChange:
    """Result of :func:`concentration_change`.

    Attributes
    ----------
    old_plan, new_plan : RefillPlan
        The plan with the old and with the new concentration, same dose and fill.
    interval_ratio : float
        ``new days to alarm / old days to alarm`` (equals the concentration ratio for a
        continuous dose without boluses).
    extra_days_to_alarm : float
        New minus old days to the low alarm [day].
    old_volume_rate_ml_per_day, new_volume_rate_ml_per_day : float
        Volume pumped per day before and after [mL/day].
    dead_space_ml : float or None
        Volume of old drug still in the pump tubing and catheter [mL], if given.
    delay_days : float or None
        Time the new drug takes to reach the catheter tip without a bridge bolus [day].
    dose_during_delay_mcg_per_day : float or None
        Dose actually delivered during that delay [mcg/day]: the old drug pushed at the new
        volume rate.
    explanation : str
        Why a bridge bolus must be programmed, in plain words.
    """

    old_plan: RefillPlan
    new_plan: RefillPlan
    interval_ratio: float
    extra_days_to_alarm: float
    old_volume_rate_ml_per_day: float
    new_volume_rate_ml_per_day: float
    dead_space_ml: float | None
    delay_days: float | None
    dose_during_delay_mcg_per_day: float | None
    explanation: str


def concentration_change(
    *,
    old_concentration_mcg_per_ml: float,
    new_concentration_mcg_per_ml: float,
    daily_dose_mcg: float,
    fill_volume_ml: float,
    refill_at: date | datetime,
    low_alarm_ml: float = DEFAULT_LOW_ALARM_ML,
    reservoir_ml: float | None = None,
    dead_space_ml: float | None = None,
) -> ConcentrationChange:
    """Show the effect of a concentration change at a refill: interval and bridge bolus.

    Parameters
    ----------
    old_concentration_mcg_per_ml, new_concentration_mcg_per_ml : float
        Concentration before and after the refill [mcg/mL].
    daily_dose_mcg : float
        Prescribed continuous dose, unchanged [mcg/day]; must be above zero.
    fill_volume_ml : float
        Volume in the reservoir after the refill [mL].
    refill_at : date or datetime
        Moment of the refill.
    low_alarm_ml : float, default 2.0
        Low-reservoir alarm volume [mL].
    reservoir_ml : float, optional
        Reservoir size [mL].
    dead_space_ml : float, optional
        Volume of old drug between the reservoir and the catheter tip [mL]. For a Prometra
        catheter it is the implanted length [cm] times 0.0026 mL/cm; the SynchroMed internal
        volume is not given here (not verified).

    Returns
    -------
    ConcentrationChange
        Both plans, the change in interval, and (with ``dead_space_ml``) the delay and the
        dose actually delivered while the old drug clears.

    Raises
    ------
    ValueError
        Naming the parameter and the value, as in :func:`plan_refill`; also if
        ``daily_dose_mcg`` is zero or ``dead_space_ml`` is negative.

    Notes
    -----
    The pump is reprogrammed for the new concentration, so it moves a different volume per
    day, but the tubing and catheter still hold the old solution. After a rise in
    concentration the pump moves less volume, so the old, weaker drug trickles out and the
    patient is underdosed (withdrawal risk) until the new drug reaches the tip; after a fall,
    the old, stronger drug is pushed faster and the patient is overdosed. The dosing
    best-practice panel says a bridge bolus must be programmed when the concentration changes;
    it carries the patient across the change until the new drug reaches the catheter tip. How
    it is set is the manufacturer's procedure, not part of this course. Author-derived teaching
    model: a plug of old drug moving at the new volume rate, with no mixing.

    References
    ----------
    ``saulino-2016-dosing`` (bridge bolus when the concentration changes);
    ``prometra-ii-ifu`` (0.0026 mL/cm);
    ``itb-edu-authors`` (the model and worked numbers).
    """
    dose = require_positive("daily_dose_mcg", daily_dose_mcg)

    def at(concentration_mcg_per_ml: float) -> RefillPlan:
        return plan_refill(
            fill_volume_ml=fill_volume_ml,
            concentration_mcg_per_ml=concentration_mcg_per_ml,
            daily_dose_mcg=dose,
            refill_at=refill_at,
            low_alarm_ml=low_alarm_ml,
            reservoir_ml=reservoir_ml,
        )

    old = at(old_concentration_mcg_per_ml)
    new = at(new_concentration_mcg_per_ml)
    old_rate = old.daily_volume_ml
    new_rate = new.daily_volume_ml
    delay = dose_during = dead = None
    if dead_space_ml is not None:
        dead = require_non_negative("dead_space_ml", dead_space_ml)
        delay = float(_exact(dead) / (_exact(dose) / _exact(new.concentration_mcg_per_ml)))
        dose_during = float(
            _exact(old.concentration_mcg_per_ml)
            * _exact(dose)
            / _exact(new.concentration_mcg_per_ml)
        )
    old_days = float(old.days_to_low_alarm or 0.0)
    new_days = float(new.days_to_low_alarm or 0.0)
    ratio = new_days / old_days
    old_c, new_c = old.concentration_mcg_per_ml, new.concentration_mcg_per_ml
    if new_c > old_c:
        effect = (
            f"The pump now moves {new_rate:.3g} mL/day instead of {old_rate:.3g} mL/day, so the "
            f"old {old_c:g} mcg/mL drug left in the tubing and catheter reaches the patient at "
            f"only {old_c / new_c:.0%} of the prescribed dose until the new drug arrives: "
            "underdose and a risk of withdrawal."
        )
    elif new_c < old_c:
        effect = (
            f"The pump now moves {new_rate:.3g} mL/day instead of {old_rate:.3g} mL/day, so the "
            f"old {old_c:g} mcg/mL drug left in the tubing and catheter reaches the patient at "
            f"{old_c / new_c:.0%} of the prescribed dose until the new drug arrives: overdose."
        )
    else:
        effect = "The concentration does not change, so no bridge bolus is needed."
    if delay is not None and new_c != old_c:
        effect += f" With {dead:g} mL of old drug in the line, that lasts about {delay:.1f} days."
    explanation = effect
    if new_c != old_c:
        explanation += (
            " A bridge bolus must be programmed at the refill: it carries the patient across the "
            "change, so the old drug in the line is not given at the wrong dose while the new "
            "concentration makes its way to the catheter tip."
        )
    return ConcentrationChange(
        old_plan=old,
        new_plan=new,
        interval_ratio=ratio,
        extra_days_to_alarm=new_days - old_days,
        old_volume_rate_ml_per_day=old_rate,
        new_volume_rate_ml_per_day=new_rate,
        dead_space_ml=dead,
        delay_days=delay,
        dose_during_delay_mcg_per_day=dose_during,
        explanation=explanation,
    )
