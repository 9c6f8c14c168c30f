"""Tests for itb_edu.notebook.reservoir: the notebook's short calls (text dates, pump facts)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from itb_edu import presentation
from itb_edu.notebook import reservoir as calc


def test_when_reads_text_and_dates():
    assert calc.when("2026-01-05") == datetime(2026, 1, 5)
    assert calc.when("2026-01-05 09:30") == datetime(2026, 1, 5, 9, 30)
    assert calc.when(date(2026, 1, 5)) == datetime(2026, 1, 5)
    # One coercion for the whole package (itb_edu.moments): the same words everywhere.
    with pytest.raises(ValueError, match=r"moment must be a date such as '2026-04-17' .* got 'x'"):
        calc.when("x")


def test_plan_with_text_schedule_and_boluses():
    plan = calc.plan(
        "2026-03-02 20:00",
        fill_volume_ml=9.5,
        concentration_mcg_per_ml=500,
        schedule="22:00 720; 06:00 240",
    )
    # Hand-computed in test_reservoir: alarm 12 Mar 02:20; empty needs 9.5 mL -> 14 Mar 15:00.
    assert plan.low_alarm_at == datetime(2026, 3, 12, 2, 20)
    assert plan.empty_at == datetime(2026, 3, 14, 15, 0)
    bolus = calc.plan(
        "2026-01-05 09:00",
        fill_volume_ml=20,
        concentration_mcg_per_ml=500,
        daily_dose_mcg=100,
        boluses="day 10 12:00 100",
    )
    # 100 mcg = 0.2 mL = one day: alarm day 89 = 4 Apr 09:00.
    assert bolus.low_alarm_at == datetime(2026, 4, 4, 9, 0)


def test_refill_visit_check_takes_the_labelled_accuracy_from_the_pump_table(routine_plan_at_nine):
    plan = routine_plan_at_nine
    for pump_id in ("synchromed-ii-20", "synchromed-ii-40"):
        check = calc.refill_visit_check(
            plan, pump_id=pump_id, aspirated_ml=12.5, at="2026-02-04 09:00"
        )
        assert check.overinfusion_above_pct == 14.5
        assert check.explainable_shortfall_ml == pytest.approx(0.87)
        assert check.finding == "less-beyond-labelled-accuracy"
    html = presentation.residual_check_html(check)
    assert "more than 14.5 % above the programmed rate; at that limit 0.87 mL more" in html
    assert "-1.50 mL" in html
    assert "education only" in html
    prometra = calc.refill_visit_check(
        plan, pump_id="prometra-ii-20", aspirated_ml=13.5, at="2026-02-04 09:00"
    )
    assert prometra.overinfusion_above_pct is None
    assert prometra.finding == "less-no-accuracy-on-file"
    assert prometra.stop_and_investigate
    with pytest.raises(ValueError, match=r"pump_id must be one of .* got 'nope'"):
        calc.refill_visit_check(plan, pump_id="nope", aspirated_ml=15, at="2026-02-04")


def test_change_concentration_repr():
    change = calc.change_concentration(
        "2026-01-05",
        old_concentration_mcg_per_ml=500,
        new_concentration_mcg_per_ml=2000,
        daily_dose_mcg=400,
        fill_volume_ml=20,
        dead_space_ml=0.26,
    )
    text = presentation.concentration_change_html(change)
    assert "22.5 → 90.0 days (4 times as long)" in text
    assert "100 mcg/day instead of 400 for about 1.30 days" in text


def test_clinic_plan_and_table():
    table = calc.clinic_plan(holidays=["2026-04-03"])
    assert list(table["book_on"]) == sorted(table["book_on"])
    # FICT-01: 150 / 500 = 0.3 mL/day, 60 days -> Fri 6 Mar 09:30, booked Tue 3 Mar.
    row = table[table["patient_id"] == "FICT-01"].iloc[0]
    assert row["book_on"] == date(2026, 3, 3)
    html_ = calc.show_clinic_plan(table).data
    assert "Tue 03 Mar 2026" in html_
    assert "Refill calendar (fictional patients)" in html_
