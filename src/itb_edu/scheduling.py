"""Refill scheduling: book refills before the alarm date, export alarm dates to a calendar.

Pure domain code (no Jupyter, plotly or ipywidgets). pandas and icalendar are imported inside
the functions that need them, so ``import itb_edu`` stays light.

The course is for education, not for programming, refilling or managing a real pump, nor for
booking real patients.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from ._validate import parameter_error, require_finite, require_non_negative, require_positive
from .moments import to_datetime
from .pumps import all_pump_facts
from .reservoir import RefillPlan, parse_schedule, plan_refill

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "DEFAULT_MARGIN_DAYS",
    "alarm_ical",
    "book_refill_date",
    "clinic_calendar",
    "is_working_day",
]

#: Default booking margin before the alarm date [day]: the low end of one clinic's practice of
#: booking the refill 3 to 5 days before the alarm date (``gillette-itb-refills``). The margin
#: is clinic policy; pass your own.
DEFAULT_MARGIN_DAYS = 3


def _holiday_set(holidays: Iterable[date]) -> frozenset[date]:
    if isinstance(holidays, (str, bytes)):
        raise parameter_error(
            "holidays", holidays, f"holidays must be a collection of dates, got {holidays!r}"
        )
    out = set()
    for index, day in enumerate(holidays):
        if isinstance(day, datetime) or not isinstance(day, date):
            raise parameter_error(
                f"holidays[{index}]", day, f"holidays[{index}] must be a date, got {day!r}"
            )
        out.add(day)
    return frozenset(out)


def is_working_day(day: date, holidays: Iterable[date] = ()) -> bool:
    """Return True for Monday to Friday, unless ``day`` is in ``holidays``.

    Parameters
    ----------
    day : date
        The day to test.
    holidays : collection of date, optional
        Public holidays or clinic closures; no country's holidays are built in.

    Returns
    -------
    bool
        Whether the clinic is open that day.
    """
    return day.weekday() < 5 and day not in _holiday_set(holidays)


def _margin(margin_days: object) -> int:
    value = require_non_negative("margin_days", margin_days)
    if value != int(value):
        raise parameter_error(
            "margin_days",
            margin_days,
            f"margin_days must be a whole number of days, got {margin_days!r}",
        )
    return int(value)


def book_refill_date(
    alarm_at: date | datetime,
    *,
    margin_days: int = DEFAULT_MARGIN_DAYS,
    holidays: Iterable[date] = (),
) -> date:
    """Return the latest working day at least ``margin_days`` before the alarm date.

    Parameters
    ----------
    alarm_at : date or datetime
        The low-reservoir alarm moment (its calendar date is used; for an aware datetime, the
        date on its own wall clock).
    margin_days : int, default 3
        Whole days between the booking and the alarm date, at least [day]. Clinic policy:
        one clinic books 3 to 5 days before the alarm date, another asks newly implanted
        children to come 7 to 10 days before it.
    holidays : collection of date, optional
        Days the clinic is closed besides weekends.

    Returns
    -------
    date
        A Monday-to-Friday date, not a holiday, on or before ``alarm date - margin_days``.

    Raises
    ------
    ValueError
        If ``margin_days`` is negative, not finite or not whole, if ``alarm_at`` is not a date,
        or if a holiday is not a date.

    Notes
    -----
    Walking back over weekends and holidays only makes the booking earlier, never later, so
    the margin is always kept.

    References
    ----------
    ``gillette-itb-refills`` (3 to 5 days); ``gillette-itb-follow-up`` (7 to 10 days).

    Examples
    --------
    Author-derived example: an alarm on Sunday 5 April 2026 with a 3-day margin gives
    Thursday 2 April; if 2 April is a holiday, Wednesday 1 April.

    >>> from datetime import date
    >>> book_refill_date(date(2026, 4, 5))
    datetime.date(2026, 4, 2)
    >>> book_refill_date(date(2026, 4, 5), holidays={date(2026, 4, 2)})
    datetime.date(2026, 4, 1)
    """
    if not isinstance(alarm_at, date):
        raise parameter_error(
            "alarm_at", alarm_at, f"alarm_at must be a date or a datetime, got {alarm_at!r}"
        )
    margin = _margin(margin_days)
    closed = _holiday_set(holidays)
    day = alarm_at.date() if isinstance(alarm_at, datetime) else alarm_at
    day -= timedelta(days=margin)
    while day.weekday() >= 5 or day in closed:
        day -= timedelta(days=1)
    return day


def _cell_number(name: str, value: object) -> float | None:
    """Read a table cell as a number (text or number); None when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise parameter_error(name, value, f"{name} must be a number, got {value!r}") from None
    return require_finite(name, value)


def _cell_required(name: str, value: object) -> float:
    """Read a table cell that must hold a number."""
    number = _cell_number(name, value)
    if number is None:
        raise parameter_error(name, value, f"{name} must be a number, got None")
    return number


def clinic_calendar(
    cohort: pd.DataFrame,
    pumps: pd.DataFrame,
    *,
    margin_days: int = DEFAULT_MARGIN_DAYS,
    holidays: Iterable[date] = (),
) -> pd.DataFrame:
    """Turn a cohort of (fictional) patients into a refill calendar.

    Parameters
    ----------
    cohort : pandas.DataFrame
        One row per patient with columns ``patient_id``, ``label``, ``pump_id``,
        ``concentration_mcg_per_ml`` [mcg/mL], ``daily_dose_mcg`` [mcg/day] (blank when a
        flex ``schedule`` text such as ``"07:00 400; 21:00 600"`` is given),
        ``fill_volume_ml`` [mL] and ``last_refill_at`` (ISO date and time), as in
        ``data/teaching_cohort.csv``.
    pumps : pandas.DataFrame
        ``data/pumps.csv``: ``pump_id``, ``reservoir_ml`` and ``default_low_alarm_ml`` are used.
    margin_days : int, default 3
        Booking margin before the alarm date [day] (clinic policy, see
        :func:`book_refill_date`).
    holidays : collection of date, optional
        Days the clinic is closed besides weekends.

    Returns
    -------
    pandas.DataFrame
        One row per patient, sorted by booking date: ``patient_id``, ``label``, ``pump_id``,
        ``last_refill_at``, ``daily_volume_ml`` [mL/day], ``days_to_low_alarm`` [day],
        ``low_alarm_at``, ``empty_at``, ``book_on`` (date), ``days_before_alarm`` [day] and
        ``note`` (empty, or a warning when the booking would fall before the last refill).

    Raises
    ------
    ValueError
        Naming the patient and the problem: an unknown pump, a pump with no alarm volume in
        the table, or any bad value :func:`plan_refill` rejects.

    Notes
    -----
    Each plan uses the pump's default low-reservoir alarm volume and reservoir size from the
    pump table, so no threshold is written into the code.
    """
    import pandas as pd

    holiday_set = _holiday_set(holidays)
    margin = _margin(margin_days)
    by_id = {p.pump_id: p for p in all_pump_facts(pumps)}
    rows = []
    for record in cohort.to_dict("records"):
        pid = record["patient_id"]
        pump_id = record["pump_id"]
        if pump_id not in by_id:
            raise parameter_error(
                "cohort", pump_id, f"patient {pid}: pump_id {pump_id!r} is not in the pump table"
            )
        pump = by_id[pump_id]
        alarm_ml = pump.default_low_alarm_ml
        if alarm_ml is None:
            raise parameter_error(
                "pumps",
                pump_id,
                f"patient {pid}: pump {pump_id!r} has no default_low_alarm_ml in the pump table",
            )
        try:
            schedule_text = record.get("schedule")
            schedule = None
            daily_dose = None
            if isinstance(schedule_text, str) and schedule_text.strip():
                schedule = parse_schedule(schedule_text)
            else:
                daily_dose = _cell_required("daily_dose_mcg", record["daily_dose_mcg"])
            plan = plan_refill(
                fill_volume_ml=_cell_required("fill_volume_ml", record["fill_volume_ml"]),
                concentration_mcg_per_ml=_cell_required(
                    "concentration_mcg_per_ml", record["concentration_mcg_per_ml"]
                ),
                refill_at=to_datetime("last_refill_at", record["last_refill_at"], text=True),
                daily_dose_mcg=daily_dose,
                schedule=schedule,
                low_alarm_ml=alarm_ml,
                reservoir_ml=pump.reservoir_ml,
            )
        except ValueError as error:
            raise parameter_error(
                getattr(error, "parameter", "cohort"),
                getattr(error, "value", None),
                f"patient {pid}: {error}",
            ) from None
        if plan.low_alarm_at is None:
            book_on, before, note = None, None, "pump stopped: no alarm date"
        else:
            book_on = book_refill_date(plan.low_alarm_at, margin_days=margin, holidays=holiday_set)
            before = (plan.low_alarm_at.date() - book_on).days
            note = ""
            if book_on <= plan.refill_at.date():
                note = "interval shorter than the booking margin: review the dose or fill"
        rows.append(
            {
                "patient_id": pid,
                "label": record["label"],
                "pump_id": pump_id,
                "last_refill_at": plan.refill_at,
                "daily_volume_ml": plan.daily_volume_ml,
                "days_to_low_alarm": plan.days_to_low_alarm,
                "low_alarm_at": plan.low_alarm_at,
                "empty_at": plan.empty_at,
                "book_on": book_on,
                "days_before_alarm": before,
                "note": note,
            }
        )
    table = pd.DataFrame(rows)
    if not table.empty:
        table = table.sort_values(["book_on", "patient_id"], kind="stable").reset_index(drop=True)
    return table


def _uid(*parts: object) -> str:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]
    return f"itb-edu-{digest}@itb-edu.invalid"


def alarm_ical(
    plan: RefillPlan,
    *,
    patient_label: str = "",
    book_on: date | None = None,
    reminder_days: float = 7,
    now: datetime | None = None,
) -> bytes:
    """Export the low-reservoir alarm date as an iCalendar (.ics) file.

    Parameters
    ----------
    plan : RefillPlan
        A plan with an alarm date.
    patient_label : str, optional
        Who the event is for (use a fictional label in the course).
    book_on : date, optional
        The booked refill day, added as a second all-day event.
    reminder_days : float, default 7
        Days before the alarm date the calendar reminder pops up [day]. Medtronic advises
        asking for the refill about a week early when travel or weather could get in the way.
    now : datetime, optional
        Time stamp of the file (UTC); default the current time. Pass one for a reproducible
        file.

    Returns
    -------
    bytes
        An iCalendar file with an all-day event on the alarm date whose summary and description
        say it is the low-reservoir alarm date and that the refill must be booked before it,
        with a display reminder (VALARM) ``reminder_days`` before.

    Raises
    ------
    ValueError
        If the plan never alarms (stopped pump) or ``reminder_days`` is not positive.

    References
    ----------
    ``saulino-2016-dosing`` (alarm dates written down); ``medtronic-us-itb-pump-management``
    (ask a week early before travel).
    """
    from icalendar import Alarm, Calendar, Event

    if plan.low_alarm_at is None:
        raise parameter_error(
            "plan", plan, "plan has no low-reservoir alarm date (the pump is stopped)"
        )
    reminder = require_positive("reminder_days", reminder_days)
    stamp = now if now is not None else datetime.now(UTC)
    alarm_day = plan.low_alarm_at.date()
    who = f" ({patient_label})" if patient_label else ""
    empty = plan.empty_at.strftime("%A %d %B %Y at %H:%M") if plan.empty_at else "not reached"
    description = (
        f"Low-reservoir alarm date{who}: the pump is expected to reach its "
        f"{plan.low_alarm_ml:g} mL alarm volume on "
        f"{plan.low_alarm_at.strftime('%A %d %B %Y at %H:%M')}. "
        "The refill must be booked BEFORE this date: do not wait for the alarm. "
        f"Expected to run empty: {empty}; withdrawal can start before that. "
        f"Dose {plan.daily_dose_mcg:g} mcg/day at {plan.concentration_mcg_per_ml:g} mcg/mL "
        f"({plan.daily_volume_ml:.3g} mL/day), filled with {plan.fill_volume_ml:g} mL on "
        f"{plan.refill_at.strftime('%d %B %Y %H:%M')}. "
        "Education-only example from the itb-edu course: not for a real pump."
    )
    cal = Calendar()
    cal.add("prodid", "-//itb-edu//reservoir simulator//EN")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", _uid("alarm", plan.refill_at, plan.low_alarm_at, patient_label))
    event.add("dtstamp", stamp)
    event.add("dtstart", alarm_day)
    event.add("dtend", alarm_day + timedelta(days=1))
    event.add(
        "summary", f"Baclofen pump low-reservoir alarm date{who}: refill must be booked before"
    )
    event.add("description", description)
    reminder_alarm = Alarm()
    reminder_alarm.add("action", "DISPLAY")
    reminder_alarm.add(
        "description",
        f"Baclofen pump alarm date in {reminder:g} days{who}: is the refill booked?",
    )
    reminder_alarm.add("trigger", -timedelta(days=reminder))
    event.add_component(reminder_alarm)
    cal.add_component(event)
    if book_on is not None:
        if isinstance(book_on, datetime) or not isinstance(book_on, date):
            raise parameter_error("book_on", book_on, f"book_on must be a date, got {book_on!r}")
        visit = Event()
        visit.add("uid", _uid("refill", plan.refill_at, book_on, patient_label))
        visit.add("dtstamp", stamp)
        visit.add("dtstart", book_on)
        visit.add("dtend", book_on + timedelta(days=1))
        visit.add("summary", f"Baclofen pump refill visit{who}")
        visit.add(
            "description",
            f"Refill booked {(alarm_day - book_on).days} days before the alarm date "
            f"{alarm_day.isoformat()}. Education-only example: not for a real pump.",
        )
        cal.add_component(visit)
    ical: bytes = cal.to_ical()
    return ical
