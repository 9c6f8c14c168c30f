"""Tests for itb_edu.scheduling: working-day booking, the clinic calendar, iCalendar export.

Expected dates are worked out by hand (author-derived teaching examples): 1 January 2026 is a
Thursday, so 5 April 2026 is a Sunday and 3 April 2026 a Friday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from icalendar import Calendar

from itb_edu import data
from itb_edu.reservoir import plan_refill
from itb_edu.scheduling import (
    DEFAULT_MARGIN_DAYS,
    alarm_ical,
    book_refill_date,
    clinic_calendar,
    is_working_day,
)

PUMPS = pd.DataFrame(
    {
        "pump_id": ["pump-20", "pump-40", "pump-unknown-alarm"],
        "reservoir_ml": [20.0, 40.0, 20.0],
        "default_low_alarm_ml": [2.0, 2.0, float("nan")],
    }
)


def test_default_margin_is_three_days():
    assert DEFAULT_MARGIN_DAYS == 3


def test_booking_three_days_before_a_sunday_alarm():
    assert book_refill_date(date(2026, 4, 5)) == date(2026, 4, 2)  # Thursday


def test_booking_walks_back_over_weekend_and_holiday():
    # Alarm Tuesday 7 Apr - 3 days = Saturday 4 Apr -> Friday 3 Apr; closed 3 Apr -> 2 Apr.
    assert book_refill_date(date(2026, 4, 7)) == date(2026, 4, 3)
    assert book_refill_date(date(2026, 4, 7), holidays={date(2026, 4, 3)}) == date(2026, 4, 2)


def test_booking_with_other_margins():
    assert book_refill_date(date(2026, 4, 8), margin_days=0) == date(2026, 4, 8)  # Wednesday
    assert book_refill_date(date(2026, 4, 8), margin_days=7) == date(2026, 4, 1)
    # 5 days before Monday 13 Apr is Wednesday 8 Apr.
    assert book_refill_date(datetime(2026, 4, 13, 23, 59), margin_days=5) == date(2026, 4, 8)


def test_booking_uses_the_local_date_of_an_aware_alarm():
    # 00:30 on 8 Apr in Paris is still 7 Apr in UTC; the local date counts: 8 - 3 = 5 Apr
    # (Sunday) -> Friday 3 Apr.
    alarm = datetime(2026, 4, 8, 0, 30, tzinfo=ZoneInfo("Europe/Paris"))
    assert book_refill_date(alarm) == date(2026, 4, 3)


def test_is_working_day():
    assert is_working_day(date(2026, 4, 3))
    assert not is_working_day(date(2026, 4, 4))
    assert not is_working_day(date(2026, 4, 3), holidays=[date(2026, 4, 3)])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"margin_days": -1}, r"margin_days must not be negative, got -1"),
        ({"margin_days": 2.5}, r"margin_days must be a whole number of days, got 2.5"),
        ({"margin_days": float("nan")}, r"margin_days must be a finite number"),
        ({"holidays": "2026-04-03"}, r"holidays must be a collection of dates"),
        ({"holidays": [datetime(2026, 4, 3)]}, r"holidays\[0\] must be a date"),
    ],
)
def test_booking_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        book_refill_date(date(2026, 4, 5), **kwargs)


def test_booking_rejects_non_date():
    with pytest.raises(ValueError, match=r"alarm_at must be a date or a datetime, got '2026'"):
        book_refill_date("2026")


def _cohort(**changes):
    row = {
        "patient_id": "T-1",
        "label": "Fictional patient (test)",
        "pump_id": "pump-20",
        "concentration_mcg_per_ml": "500",
        "daily_dose_mcg": "150",
        "schedule": "",
        "fill_volume_ml": "20",
        "last_refill_at": "2026-01-05T09:30",
        "source_ids": "itb-edu-authors",
    }
    row.update(changes)
    return pd.DataFrame([row])


def test_clinic_calendar_hand_computed():
    # 150 / 500 = 0.3 mL/day; 18 / 0.3 = 60 days -> Friday 6 Mar 09:30; book Tuesday 3 Mar.
    # Second patient: 07:00-21:00 at 300, 21:00-07:00 at 600 mcg/day (2000 mcg/mL):
    # 14 h x 300 + 10 h x 600 = 4200 + 6000 = 10200 / 24 = 425 mcg/day = 0.2125 mL/day.
    cohort = pd.concat(
        [
            _cohort(),
            _cohort(
                patient_id="T-2",
                pump_id="pump-40",
                concentration_mcg_per_ml=2000,
                daily_dose_mcg=None,
                schedule="07:00 300; 21:00 600",
                fill_volume_ml=40,
                last_refill_at="2026-01-05T07:00",
            ),
        ]
    )
    table = clinic_calendar(cohort, PUMPS)
    first = table.iloc[0]
    assert first["patient_id"] == "T-1"
    assert first["low_alarm_at"] == datetime(2026, 3, 6, 9, 30)
    assert first["book_on"] == date(2026, 3, 3)
    assert first["days_before_alarm"] == 3
    assert first["note"] == ""
    second = table.iloc[1]
    assert second["daily_volume_ml"] == pytest.approx(0.2125)
    # 38 / 0.2125 = 178.82... days from 07:00 on 5 Jan: whole days and the last partial day
    # are checked through the engine's own volume.
    plan = plan_refill(
        fill_volume_ml=40,
        concentration_mcg_per_ml=2000,
        low_alarm_ml=2,
        schedule=[("07:00", 300), ("21:00", 600)],
        refill_at=datetime(2026, 1, 5, 7, 0),
    )
    assert second["low_alarm_at"] == plan.low_alarm_at
    assert is_working_day(second["book_on"])
    assert (second["low_alarm_at"].date() - second["book_on"]).days >= 3


def test_clinic_calendar_flags_short_interval():
    # 600 mcg/day at 500 mcg/mL = 1.2 mL/day, fill 5 mL: 3 / 1.2 = 2.5 days -> alarm 7 Jan
    # 21:30; 3 days earlier is before the refill itself.
    table = clinic_calendar(_cohort(daily_dose_mcg="600", fill_volume_ml="5"), PUMPS)
    assert table.iloc[0]["note"].startswith("interval shorter than the booking margin")


def test_clinic_calendar_stopped_pump():
    table = clinic_calendar(_cohort(daily_dose_mcg="0"), PUMPS)
    assert table.iloc[0]["book_on"] is None
    assert table.iloc[0]["note"] == "pump stopped: no alarm date"


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"pump_id": "nope"}, r"patient T-1: pump_id 'nope' is not in the pump table"),
        ({"pump_id": "pump-unknown-alarm"}, r"patient T-1: pump .* has no default_low_alarm_ml"),
        ({"daily_dose_mcg": "lots"}, r"patient T-1: daily_dose_mcg must be a number, got 'lots'"),
        ({"fill_volume_ml": "25"}, r"patient T-1: fill_volume_ml \(25.0\) is more than reservoir"),
        (
            {"last_refill_at": "soon"},
            r"patient T-1: last_refill_at must be a date such as '2026-04-17'",
        ),
        ({"schedule": "07:00"}, r"patient T-1: schedule step 1 must look like 'HH:MM rate'"),
    ],
)
def test_clinic_calendar_bad_rows(changes, match):
    with pytest.raises(ValueError, match=match):
        clinic_calendar(_cohort(**changes), PUMPS)


def test_teaching_cohort_is_fictional_and_books_on_working_days():
    cohort = data.teaching_cohort()
    assert len(cohort) >= 6
    assert cohort["label"].str.contains("Fictional").all()
    assert (cohort["source_ids"] == "itb-edu-authors").all()
    table = clinic_calendar(cohort, data.pumps(), holidays={date(2026, 4, 3)})
    assert len(table) == len(cohort)
    for row in table.itertuples():
        assert is_working_day(row.book_on, holidays={date(2026, 4, 3)})
        assert (row.low_alarm_at.date() - row.book_on).days >= DEFAULT_MARGIN_DAYS
        assert row.book_on > row.last_refill_at.date()
    assert list(table["book_on"]) == sorted(table["book_on"])


# --------------------------------------------------------------------------------------------
# iCalendar
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def routine_plan_at_half_past_nine(make_plan):
    """The routine plan refilled at 09:30: 0.2 mL/day, alarm Sunday 5 April 2026 at 09:30."""
    return make_plan(refill_at=datetime(2026, 1, 5, 9, 30))


STAMP = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def test_alarm_ical_parses_back(routine_plan_at_half_past_nine):
    plan = routine_plan_at_half_past_nine
    raw = alarm_ical(plan, patient_label="Fictional patient A", now=STAMP)
    cal = Calendar.from_ical(raw)
    (event,) = cal.walk("VEVENT")
    assert event.get("dtstart").dt == date(2026, 4, 5)
    assert event.get("dtend").dt == date(2026, 4, 6)
    summary = str(event.get("summary"))
    assert "low-reservoir alarm date" in summary
    assert "booked before" in summary
    assert "Fictional patient A" in summary
    description = str(event.get("description"))
    assert "must be booked BEFORE this date" in description
    assert "Sunday 05 April 2026 at 09:30" in description
    assert "not for a real pump" in description
    (reminder,) = event.walk("VALARM")
    assert str(reminder.get("action")) == "DISPLAY"
    assert reminder.get("trigger").dt == timedelta(days=-7)
    assert event.get("dtstamp").dt == STAMP


def test_alarm_ical_is_reproducible_and_adds_the_visit(routine_plan_at_half_past_nine):
    plan = routine_plan_at_half_past_nine
    one = alarm_ical(plan, book_on=date(2026, 4, 2), reminder_days=10, now=STAMP)
    assert one == alarm_ical(plan, book_on=date(2026, 4, 2), reminder_days=10, now=STAMP)
    events = Calendar.from_ical(one).walk("VEVENT")
    assert len(events) == 2
    visit = events[1]
    assert visit.get("dtstart").dt == date(2026, 4, 2)
    assert "3 days before the alarm date 2026-04-05" in str(visit.get("description"))
    assert events[0].walk("VALARM")[0].get("trigger").dt == timedelta(days=-10)


def test_alarm_ical_errors(routine_plan_at_half_past_nine, stopped_plan):
    plan = routine_plan_at_half_past_nine
    stopped = stopped_plan
    with pytest.raises(ValueError, match=r"plan has no low-reservoir alarm date"):
        alarm_ical(stopped)
    with pytest.raises(ValueError, match=r"reminder_days must be greater than zero, got 0"):
        alarm_ical(plan, reminder_days=0)
    with pytest.raises(ValueError, match=r"book_on must be a date"):
        alarm_ical(plan, book_on="2026-04-02")
