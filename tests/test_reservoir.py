"""Tests for itb_edu.reservoir: hand-computed cases, midnight crossings, validation, properties.

Every expected value below was worked out by hand (author-derived teaching examples); the
arithmetic is written next to each case.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from itb_edu import presentation
from itb_edu.reservoir import (
    RESIDUAL_FINDINGS,
    concentration_change,
    format_schedule,
    parse_schedule,
    plan_refill,
    residual_check,
)

PARIS = ZoneInfo("Europe/Paris")


# --------------------------------------------------------------------------------------------
# Hand-computed cases
# --------------------------------------------------------------------------------------------
def test_simple_continuous_hand_computed(routine_plan):
    # 100 mcg/day / 500 mcg/mL = 0.2 mL/day; (20 - 2) / 0.2 = 90 days; 20 / 0.2 = 100 days.
    plan = routine_plan
    assert plan.daily_volume_ml == pytest.approx(0.2, abs=1e-15)
    assert plan.daily_dose_mcg == pytest.approx(100)
    assert plan.days_to_low_alarm == 90.0
    assert plan.days_to_empty == 100.0
    # 5 Jan + 90 days = 5 Apr (26 days left in Jan, 28 in Feb, 31 in Mar: 26 + 28 + 31 = 85).
    assert plan.low_alarm_at == datetime(2026, 4, 5, 0, 0)
    assert plan.empty_at == datetime(2026, 4, 15, 0, 0)
    assert plan.refill_due_at == plan.low_alarm_at
    assert plan.refill_due_reason == "low-reservoir alarm"


def test_date_input_gives_naive_datetimes(routine_plan):
    plan = routine_plan  # refill_at=date(2026, 1, 5)
    assert plan.refill_at == datetime(2026, 1, 5, 0, 0)
    assert plan.low_alarm_at.tzinfo is None


def test_high_concentration_with_time_of_day():
    # 250 / 2000 = 0.125 mL/day; (18.5 - 2) / 0.125 = 132 days; 18.5 / 0.125 = 148 days.
    # 10 Feb 2026 + 132 days = 22 Jun (to 10 Jun is 28 + 31 + 30 + 31 = 120 days, + 12).
    plan = plan_refill(
        fill_volume_ml=18.5,
        concentration_mcg_per_ml=2000,
        daily_dose_mcg=250,
        refill_at=datetime(2026, 2, 10, 10, 15),
    )
    assert plan.daily_volume_ml == 0.125
    assert plan.days_to_low_alarm == 132.0
    assert plan.low_alarm_at == datetime(2026, 6, 22, 10, 15)
    assert plan.days_to_empty == 148.0
    assert plan.empty_at == datetime(2026, 7, 8, 10, 15)


def test_crossing_is_floored_to_the_minute():
    # 700 / 500 = 1.4 mL/day. Alarm: 18 / 1.4 = 12 6/7 days = 12 d 20 h 34.29 min -> 20:34.
    # Empty: 20 / 1.4 = 14 2/7 days = 14 d 6 h 51.43 min -> 06:51.
    plan = plan_refill(
        fill_volume_ml=20,
        concentration_mcg_per_ml=500,
        daily_dose_mcg=700,
        refill_at=datetime(2026, 1, 1, 0, 0),
    )
    assert plan.days_to_low_alarm == pytest.approx(12 + 6 / 7)
    assert plan.low_alarm_at == datetime(2026, 1, 13, 20, 34)
    assert plan.empty_at == datetime(2026, 1, 15, 6, 51)
    # Floor, so the moment shown is never later than the true one.
    assert plan.volume_at(plan.low_alarm_at) > 2.0
    assert plan.volume_at(plan.low_alarm_at + timedelta(minutes=1)) < 2.0


def test_decimal_inputs_are_read_as_typed(make_plan):
    # (20.2 - 2) / 0.2 = 91 days exactly; binary 20.2 is a hair less, which must not move the
    # alarm to 23:59 the day before.
    plan = make_plan(fill_volume_ml=20.2)
    assert plan.days_to_low_alarm == 91.0
    assert plan.low_alarm_at == datetime(2026, 4, 6, 0, 0)


def test_flex_schedule_across_midnight_hand_computed():
    # Night 22:00-06:00 at 720 mcg/day = 30 mcg/h = 0.06 mL/h (500 mcg/mL): 8 h -> 0.48 mL.
    # Day 06:00-22:00 at 240 mcg/day = 10 mcg/h = 0.02 mL/h: 16 h -> 0.32 mL. Daily 0.80 mL,
    # daily dose 400 mcg. Refill 2 Mar 20:00: by 22:00 0.04 mL; by 11 Mar 22:00 (9 more days)
    # 7.24 mL. Alarm at 2.5 mL needs 7.5 mL: 0.26 mL more at 0.06 mL/h = 4 h 20 min -> 12 Mar
    # 02:20, past midnight. Empty needs 10 mL: 8.84 mL by 13 Mar 22:00... 9.64 by 14 Mar
    # 22:00, then 0.36 mL at 0.06 mL/h = 6 h -> 15 Mar 04:00.
    plan = plan_refill(
        fill_volume_ml=10,
        concentration_mcg_per_ml=500,
        low_alarm_ml=2.5,
        schedule=[("22:00", 720), ("06:00", 240)],
        refill_at=datetime(2026, 3, 2, 20, 0),
    )
    assert plan.daily_volume_ml == pytest.approx(0.8)
    assert plan.daily_dose_mcg == pytest.approx(400)
    assert plan.schedule == (("06:00", 240.0), ("22:00", 720.0))
    assert plan.low_alarm_at == datetime(2026, 3, 12, 2, 20)
    assert plan.days_to_low_alarm == pytest.approx(9 + 6 / 24 + 20 / 1440)
    assert plan.empty_at == datetime(2026, 3, 15, 4, 0)
    assert plan.days_to_empty == pytest.approx(12 + 8 / 24)


def test_flex_schedule_first_step_not_at_midnight_wraps(two_step_flex_plan):
    # Steps at 07:00 (600) and 22:00 (300): 15 h at 600 + 9 h at 300 = 375 + 112.5 = 487.5
    # mcg/day -> 0.975 mL/day at 500 mcg/mL. Refill 5 Jan 09:30. 18 whole days take 17.55 mL
    # (to 23 Jan 09:30); 0.45 mL more at 600/500/24 = 0.05 mL/h = 9 h -> 23 Jan 18:30.
    plan = two_step_flex_plan
    assert plan.daily_volume_ml == pytest.approx(0.975)
    assert plan.low_alarm_at == datetime(2026, 1, 23, 18, 30)
    # Volume at the first rate change (22:00 the same day): 20 - 12.5 h x 0.05 = 19.375 mL.
    assert plan.volume_at(datetime(2026, 1, 5, 22, 0)) == pytest.approx(19.375)
    # And after the night (07:00): 19.375 - 9 h x 0.025 = 19.15 mL.
    assert plan.volume_at(datetime(2026, 1, 6, 7, 0)) == pytest.approx(19.15)


def test_bolus_takes_volume_at_its_moment(make_plan):
    # 0.2 mL/day; a 1000 mcg bolus on day 10 takes 2 mL. Alarm: day 10 leaves 20 - 2 - 2 =
    # 16 mL, then 14 mL more at 0.2 mL/day = 70 days -> day 80 = 26 Mar. Empty day 90 = 5 Apr.
    plan = make_plan(boluses=[(datetime(2026, 1, 15), 1000)])
    assert plan.bolus_volume_ml == 2.0
    assert plan.days_to_low_alarm == 80.0
    assert plan.low_alarm_at == datetime(2026, 3, 26)
    assert plan.empty_at == datetime(2026, 4, 5)
    assert plan.volume_at(datetime(2026, 1, 15)) == pytest.approx(16.0)
    assert plan.volume_at(datetime(2026, 1, 14, 23, 59)) == pytest.approx(18.0 + 0.2 / 1440)


def test_bolus_that_crosses_the_threshold_sets_the_alarm(bolus_crossing_plan):
    # Fill 5 mL at 0.2 mL/day: 3 mL left on day 10; the 2 mL bolus leaves 1 mL -> alarm at the
    # bolus moment; empty 1 / 0.2 = 5 days later.
    plan = bolus_crossing_plan
    assert plan.low_alarm_at == datetime(2026, 1, 15)
    assert plan.days_to_low_alarm == 10.0
    assert plan.empty_at == datetime(2026, 1, 20)


def test_boluses_in_any_order_and_at_the_refill(make_plan):
    # Two 250 mcg boluses (0.5 mL each at 500 mcg/mL), given out of order, one at the refill:
    # alarm after (18 - 1) / 0.2 = 85 days.
    plan = make_plan(boluses=[(datetime(2026, 2, 1), 250), (datetime(2026, 1, 5), 250)])
    assert plan.days_to_low_alarm == 85.0
    assert [b[0] for b in plan.boluses] == [datetime(2026, 1, 5), datetime(2026, 2, 1)]


def test_stopped_pump_never_alarms(stopped_plan):
    plan = stopped_plan
    assert plan.low_alarm_at is None
    assert plan.empty_at is None
    assert plan.days_to_low_alarm is None
    assert plan.refill_due_at is None
    assert plan.refill_due_reason is None
    assert plan.volume_at(datetime(2027, 1, 1)) == 20.0


def test_stopped_pump_with_max_interval(make_plan):
    plan = make_plan(daily_dose_mcg=0, max_interval_days=30)
    assert plan.refill_due_at == datetime(2026, 2, 4)
    assert plan.refill_due_reason == "maximum interval"


def test_max_interval_comes_first(make_plan):
    # Alarm on day 90; a 60-day cap wins: 5 Jan + 60 days = 6 Mar.
    plan = make_plan(max_interval_days=60)
    assert plan.refill_due_at == datetime(2026, 3, 6)
    assert plan.refill_due_reason == "maximum interval"
    assert plan.low_alarm_at == datetime(2026, 4, 5)


def test_max_interval_after_alarm_keeps_the_alarm(make_plan):
    plan = make_plan(max_interval_days=180)
    assert plan.refill_due_at == plan.low_alarm_at
    assert plan.refill_due_reason == "low-reservoir alarm"


def test_prometra_refill_volume_of_3_ml(make_plan):
    # Same pump at 3.0 mL: (20 - 3) / 0.2 = 85 days -> 31 Mar.
    plan = make_plan(low_alarm_ml=3.0)
    assert plan.low_alarm_at == datetime(2026, 3, 31)


# --------------------------------------------------------------------------------------------
# Time zones: elapsed time
# --------------------------------------------------------------------------------------------
def test_aware_refill_counts_elapsed_time_across_dst(routine_plan_in_paris):
    # 90 days = 2160 elapsed hours from 1 Mar 09:00 CET (08:00 UTC) -> 30 May 08:00 UTC,
    # which the Paris wall clock shows as 10:00 CEST.
    plan = routine_plan_in_paris
    assert plan.low_alarm_at.astimezone(UTC) == datetime(2026, 5, 30, 8, 0, tzinfo=UTC)
    assert plan.low_alarm_at.utcoffset() == timedelta(hours=2)
    assert plan.low_alarm_at.replace(tzinfo=None) == datetime(2026, 5, 30, 10, 0)


def test_flex_schedule_follows_the_pump_clock_across_dst():
    # 1000 mcg/day at 1000 mcg/mL from 06:00 to 18:00 (pump clock), nothing at night:
    # 1/24 mL/h. Refill 28 Mar 12:00 CET; need 1 mL: 6 h (0.25) + 12 h on 29 Mar (0.5) +
    # 6 h on 30 Mar (0.25) -> pump 12:00 on 30 Mar = 48 elapsed hours = 30 Mar 11:00 UTC,
    # shown as 13:00 CEST after the clocks went forward on 29 Mar.
    plan = plan_refill(
        fill_volume_ml=3,
        concentration_mcg_per_ml=1000,
        low_alarm_ml=2,
        schedule=[("06:00", 1000), ("18:00", 0)],
        refill_at=datetime(2026, 3, 28, 12, 0, tzinfo=PARIS),
    )
    assert plan.days_to_low_alarm == 2.0
    assert plan.low_alarm_at == datetime(2026, 3, 30, 13, 0, tzinfo=PARIS)
    assert plan.low_alarm_at.astimezone(UTC) == datetime(2026, 3, 30, 11, 0, tzinfo=UTC)


def test_aware_bolus_in_another_zone_is_the_same_moment(make_plan):
    refill = datetime(2026, 1, 5, 0, 0, tzinfo=UTC)
    plan = make_plan(boluses=[(datetime(2026, 1, 15, 1, 0, tzinfo=PARIS), 1000)], refill_at=refill)
    assert plan.days_to_low_alarm == 80.0


# --------------------------------------------------------------------------------------------
# Validation (make_plan: the routine example's arguments, one or more changed)
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"fill_volume_ml": -1}, r"fill_volume_ml must not be negative, got -1"),
        ({"fill_volume_ml": math.nan}, r"fill_volume_ml must be a finite number, got nan"),
        ({"fill_volume_ml": math.inf}, r"fill_volume_ml must be a finite number"),
        ({"fill_volume_ml": "20"}, r"fill_volume_ml must be a number, got '20'"),
        ({"fill_volume_ml": True}, r"fill_volume_ml must be a number, got True"),
        ({"concentration_mcg_per_ml": 0}, r"concentration_mcg_per_ml must be greater than zero"),
        ({"concentration_mcg_per_ml": -500}, r"concentration_mcg_per_ml .*got -500"),
        ({"daily_dose_mcg": -5}, r"daily_dose_mcg must not be negative, got -5"),
        ({"daily_dose_mcg": math.inf}, r"daily_dose_mcg must be a finite number"),
        ({"low_alarm_ml": -2}, r"low_alarm_ml must not be negative, got -2"),
        ({"reservoir_ml": 0}, r"reservoir_ml must be greater than zero, got 0"),
        ({"reservoir_ml": 10}, r"fill_volume_ml \(20\) is more than reservoir_ml \(10\)"),
        ({"fill_volume_ml": 2}, r"fill_volume_ml \(2\) must be above low_alarm_ml \(2.0\)"),
        ({"fill_volume_ml": 0}, r"fill_volume_ml \(0\) must be above low_alarm_ml"),
        ({"max_interval_days": 0}, r"max_interval_days must be greater than zero, got 0"),
        ({"refill_at": "2026-01-05"}, r"refill_at must be a date or a datetime, got '2026-01-05'"),
        ({"schedule": [("00:00", 100)]}, r"exactly one of daily_dose_mcg and schedule"),
        ({"daily_dose_mcg": None}, r"exactly one of daily_dose_mcg and schedule.*None"),
        ({"boluses": [(datetime(2026, 1, 1), 50)]}, r"boluses\[0\] when .* is before refill_at"),
        ({"boluses": [(datetime(2026, 2, 1), -50)]}, r"boluses\[0\] dose_mcg must not be negative"),
        ({"boluses": [(datetime(2026, 2, 1),)]}, r"boluses\[0\] must be a pair"),
        ({"boluses": [("2026-02-01", 50)]}, r"boluses\[0\] when must be a date or a datetime"),
        ({"boluses": 50}, r"boluses must be a list of \(when, dose_mcg\) pairs, got 50"),
        (
            {"boluses": [(datetime(2026, 2, 1, tzinfo=UTC), 50)]},
            r"boluses\[0\] when .* must be time-zone aware exactly when refill_at is",
        ),
    ],
)
def test_bad_input_names_parameter_and_value(make_plan, change, match):
    with pytest.raises(ValueError, match=match):
        make_plan(**change)


def test_low_alarm_above_reservoir(make_plan):
    with pytest.raises(ValueError, match=r"low_alarm_ml \(25\) is more than reservoir_ml \(20\)"):
        make_plan(fill_volume_ml=19, low_alarm_ml=25, reservoir_ml=20)


@pytest.mark.parametrize(
    ("schedule", "match"),
    [
        ([], r"schedule must have at least one step, got \[\]"),
        ("07:00 100", r"schedule must be a list of .* got '07:00 100'"),
        ([("7h", 100)], r"schedule\[0\] start must be a time 'HH:MM', got '7h'"),
        ([("24:00", 100)], r"schedule\[0\] start must be a time of day from 00:00 to 23:59"),
        ([("07:60", 100)], r"schedule\[0\] start must be a time of day .* got '07:60'"),
        ([(700, 100)], r"schedule\[0\] start must be a time 'HH:MM', got 700"),
        ([("07:00", -1)], r"schedule\[0\] rate_mcg_per_day must not be negative, got -1"),
        ([("07:00", math.nan)], r"schedule\[0\] rate_mcg_per_day must be a finite number"),
        ([("07:00", 1, 2)], r"schedule\[0\] must be a pair"),
        ([("07:00", 100), ("07:00", 200)], r"schedule\[1\] start '07:00' repeats"),
    ],
)
def test_bad_schedule(make_plan, schedule, match):
    with pytest.raises(ValueError, match=match):
        make_plan(daily_dose_mcg=None, schedule=schedule)


def test_volume_at_rejects_moment_before_refill_and_wrong_kind(routine_plan):
    plan = routine_plan
    with pytest.raises(ValueError, match=r"when .* is before refill_at"):
        plan.volume_at(datetime(2025, 12, 31))
    with pytest.raises(ValueError, match=r"when .* must be time-zone aware exactly when"):
        plan.volume_at(datetime(2026, 2, 1, tzinfo=UTC))


# --------------------------------------------------------------------------------------------
# Schedule text
# --------------------------------------------------------------------------------------------
def test_parse_schedule_round_trip():
    steps = parse_schedule("07:00 500; 22:00=300\n")
    assert steps == [("07:00", 500.0), ("22:00", 300.0)]
    assert parse_schedule(format_schedule(steps)) == steps


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", r"schedule must have at least one step, got ''"),
        ("07:00", r"schedule step 1 must look like 'HH:MM rate', got '07:00'"),
        ("07:00 lots", r"schedule step 1 rate_mcg_per_day must be a number, got 'lots'"),
        ("25:00 100", r"schedule step 1 start must be a time of day"),
        ("07:00 -5", r"schedule\[0\] rate_mcg_per_day must not be negative, got -5.0"),
        ("07:00 5; 07:00 6", r"schedule\[1\] start '07:00' repeats"),
    ],
)
def test_parse_schedule_errors(text, match):
    with pytest.raises(ValueError, match=match):
        parse_schedule(text)


# --------------------------------------------------------------------------------------------
# Volume table
# --------------------------------------------------------------------------------------------
def test_volume_table_simple(routine_plan):
    plan = routine_plan
    table = plan.volume_table()
    assert list(table.columns) == ["time", "elapsed_days", "volume_ml", "event"]
    assert list(table["event"]) == ["refill", "low alarm", "empty", "end"]
    assert list(table["volume_ml"]) == [20.0, 2.0, 0.0, 0.0]
    # Horizon: 100 days + max(7, 15 % of 100) = 115 days.
    assert list(table["elapsed_days"]) == [0.0, 90.0, 100.0, 115.0]
    assert table["time"].iloc[1] == datetime(2026, 4, 5)


def test_volume_table_flex_and_bolus_rows(two_step_flex_plan_with_bolus):
    plan = two_step_flex_plan_with_bolus
    table = plan.volume_table(until_days=2)
    rows = list(zip(table["event"], table["volume_ml"].round(6), strict=True))
    # 22:00: 19.375; 07:00: 19.15; bolus at 12:00 after 5 h at 0.05 mL/h: 18.9 -> 18.7 (0.2 mL).
    assert rows[:5] == [
        ("refill", 20.0),
        ("rate change", 19.375),
        ("rate change", 19.15),
        ("before bolus", 18.9),
        ("bolus", 18.7),
    ]
    assert rows[-1][0] == "end"
    assert table["volume_ml"].is_monotonic_decreasing
    # End at 2 days (7 Jan 09:30): 18.7 - 10 h x 0.05 - 9 h x 0.025 - 2.5 h x 0.05 = 17.85.
    assert rows[-1][1] == pytest.approx(17.85)


def test_volume_table_aware_keeps_zone(routine_plan_in_paris):
    plan = routine_plan_in_paris
    table = plan.volume_table()
    assert str(table["time"].dt.tz) == "Europe/Paris"
    assert table["time"].iloc[1] == plan.low_alarm_at


def test_volume_table_rejects_bad_horizon(routine_plan):
    with pytest.raises(ValueError, match=r"until_days must be greater than zero, got 0"):
        routine_plan.volume_table(until_days=0)


# --------------------------------------------------------------------------------------------
# Residual check
# --------------------------------------------------------------------------------------------
VISIT = date(2026, 2, 4)  # day 30 at 0.2 mL/day: 6.0 mL programmed, 20 - 6 = 14.0 mL expected
REASSURING = ("within limits", "acceptable", "normal", "no problem", "nothing to worry")


def test_residual_check_hand_computed_with_the_labelled_overinfusion_limit(
    routine_plan_20ml_reservoir,
):
    plan = routine_plan_20ml_reservoir
    more = residual_check(plan, aspirated_ml=15.5, at=VISIT, overinfusion_above_pct=14.5)
    assert more.expected_ml == pytest.approx(14.0)
    assert more.programmed_ml == pytest.approx(6.0)
    assert more.explainable_shortfall_ml == pytest.approx(0.87)  # 6.0 x 14.5 / 100
    assert more.gap_ml == pytest.approx(1.5)
    assert (more.finding, more.stop_and_investigate) == ("more", True)
    assert "15.50 mL came back against an expected 14.00 mL (1.50 mL more)" in more.message
    assert "do not refill" in more.message
    assert "withdrawal" in more.message

    beyond = residual_check(plan, aspirated_ml=12.5, at=VISIT, overinfusion_above_pct=14.5)
    assert beyond.gap_ml == pytest.approx(-1.5)
    assert (beyond.finding, beyond.stop_and_investigate) == ("less-beyond-labelled-accuracy", True)
    assert "more than the 0.87 mL a pump delivering 14.5 % above" in beyond.message
    assert "pocket" in beyond.message
    assert "overinfusing" in beyond.message

    within = residual_check(plan, aspirated_ml=13.5, at=VISIT, overinfusion_above_pct=14.5)
    assert (within.finding, within.stop_and_investigate) == ("less-within-labelled-accuracy", False)
    assert "does not make it safe" in within.message
    assert "stop and investigate if it is not explained" in within.message

    same = residual_check(plan, aspirated_ml=14.0, at=VISIT, overinfusion_above_pct=14.5)
    assert (same.finding, same.stop_and_investigate, same.gap_ml) == ("matches", False, 0.0)


def test_residual_shortfall_at_the_labelled_limit_is_exact(routine_plan):
    # 14.0 - 13.13 = 0.87 mL, exactly 6.0 x 14.5 %: the pump at its limit explains it.
    plan = routine_plan
    at_limit = residual_check(plan, aspirated_ml=13.13, at=VISIT, overinfusion_above_pct=14.5)
    assert at_limit.finding == "less-within-labelled-accuracy"
    past = residual_check(plan, aspirated_ml=13.12, at=VISIT, overinfusion_above_pct=14.5)
    assert past.finding == "less-beyond-labelled-accuracy"


def test_residual_check_without_a_documented_accuracy_stops_on_any_shortfall(routine_plan):
    plan = routine_plan
    check = residual_check(plan, aspirated_ml=13.9, at=VISIT)
    assert check.overinfusion_above_pct is None
    assert check.explainable_shortfall_ml is None
    assert (check.finding, check.stop_and_investigate) == ("less-no-accuracy-on-file", True)
    assert "no documented accuracy figure for this pump" in check.message
    assert "no documented figure for this pump" in presentation.residual_check_html(check)


def test_more_coming_back_is_never_put_down_to_a_pocket_fill(routine_plan):
    # A pocket fill leaves less in the reservoir, so it can only show as less coming back.
    plan = routine_plan
    for aspirated in (14.01, 15.5, 19.9):
        check = residual_check(plan, aspirated_ml=aspirated, at=VISIT, overinfusion_above_pct=14.5)
        assert check.finding == "more"
        assert "pocket" not in check.message


@settings(max_examples=200, deadline=None)
@given(
    aspirated=st.decimals(min_value=0, max_value=20, places=2).map(float),
    days=st.integers(min_value=0, max_value=120),
    limit=st.one_of(st.none(), st.sampled_from([5.0, 14.5, 15.0])),
)
def test_residual_check_properties(
    routine_plan_20ml_reservoir, routine_kwargs, aspirated, days, limit
):
    # Session-scoped fixtures: hypothesis refuses function-scoped ones under @given.
    plan = routine_plan_20ml_reservoir
    check = residual_check(
        plan,
        aspirated_ml=aspirated,
        at=routine_kwargs["refill_at"] + timedelta(days=days),
        overinfusion_above_pct=limit,
    )
    assert check.finding in RESIDUAL_FINDINGS
    assert check.expected_ml + check.programmed_ml == pytest.approx(20.0)
    assert check.gap_ml == pytest.approx(aspirated - check.expected_ml)
    if check.gap_ml > 0:
        assert check.finding == "more"
    if check.gap_ml < 0:
        assert check.finding.startswith("less")
    if check.finding == "less-within-labelled-accuracy":
        assert -check.gap_ml <= check.explainable_shortfall_ml + 1e-12
    assert check.stop_and_investigate == (
        check.finding not in ("matches", "less-within-labelled-accuracy")
    )
    text = (check.message + presentation.residual_check_html(check)).lower()
    assert not any(word in text for word in REASSURING)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"aspirated_ml": -1}, r"aspirated_ml must not be negative, got -1"),
        ({"aspirated_ml": 25}, r"aspirated_ml \(25\) is more than reservoir_ml \(20.0\)"),
        ({"overinfusion_above_pct": 0}, r"overinfusion_above_pct must be greater than zero"),
        ({"overinfusion_above_pct": math.nan}, r"overinfusion_above_pct must be a finite"),
        ({"at": date(2025, 1, 1)}, r"at .* is before refill_at"),
    ],
)
def test_residual_check_bad_input(routine_plan_20ml_reservoir, kwargs, match):
    plan = routine_plan_20ml_reservoir
    args = {"aspirated_ml": 14, "at": VISIT, "overinfusion_above_pct": 14.5, **kwargs}
    with pytest.raises(ValueError, match=match):
        residual_check(plan, **args)


# --------------------------------------------------------------------------------------------
# Concentration change
# --------------------------------------------------------------------------------------------
def test_concentration_change_hand_computed():
    # 400 mcg/day: 0.8 mL/day at 500 -> (20 - 2) / 0.8 = 22.5 days; 0.2 mL/day at 2000 ->
    # 90 days. Old drug in 0.26 mL of line clears at 0.2 mL/day in 1.3 days, delivering
    # 500 x 0.2 = 100 mcg/day (a quarter of the dose).
    change = concentration_change(
        old_concentration_mcg_per_ml=500,
        new_concentration_mcg_per_ml=2000,
        daily_dose_mcg=400,
        fill_volume_ml=20,
        refill_at=date(2026, 1, 5),
        dead_space_ml=0.26,
    )
    assert change.old_plan.days_to_low_alarm == 22.5
    assert change.new_plan.days_to_low_alarm == 90.0
    assert change.interval_ratio == 4.0
    assert change.extra_days_to_alarm == 67.5
    assert change.old_volume_rate_ml_per_day == 0.8
    assert change.new_volume_rate_ml_per_day == 0.2
    assert change.delay_days == pytest.approx(1.3)
    assert change.dose_during_delay_mcg_per_day == pytest.approx(100.0)
    assert "underdose" in change.explanation
    assert "25%" in change.explanation
    assert "bridge bolus must be programmed" in change.explanation


def test_concentration_fall_overdoses_without_bridge():
    change = concentration_change(
        old_concentration_mcg_per_ml=2000,
        new_concentration_mcg_per_ml=500,
        daily_dose_mcg=400,
        fill_volume_ml=20,
        refill_at=date(2026, 1, 5),
    )
    assert change.interval_ratio == 0.25
    assert "overdose" in change.explanation
    assert change.delay_days is None


def test_concentration_unchanged_needs_no_bridge():
    change = concentration_change(
        old_concentration_mcg_per_ml=500,
        new_concentration_mcg_per_ml=500,
        daily_dose_mcg=400,
        fill_volume_ml=20,
        refill_at=date(2026, 1, 5),
    )
    assert change.interval_ratio == 1.0
    assert "no bridge bolus is needed" in change.explanation


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"daily_dose_mcg": 0}, r"daily_dose_mcg must be greater than zero, got 0"),
        ({"dead_space_ml": -0.1}, r"dead_space_ml must not be negative, got -0.1"),
        ({"new_concentration_mcg_per_ml": 0}, r"concentration_mcg_per_ml must be greater"),
    ],
)
def test_concentration_change_bad_input(kwargs, match):
    args = dict(
        old_concentration_mcg_per_ml=500,
        new_concentration_mcg_per_ml=2000,
        daily_dose_mcg=400,
        fill_volume_ml=20,
        refill_at=date(2026, 1, 5),
    )
    with pytest.raises(ValueError, match=match):
        concentration_change(**{**args, **kwargs})


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------
doses = st.integers(min_value=1, max_value=2000)
concentrations = st.sampled_from([50, 500, 1000, 2000, 3000])
fills = st.integers(min_value=3, max_value=40)
starts = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1))


@settings(max_examples=60, deadline=None)
@given(dose=doses, conc=concentrations, fill=fills, start=starts)
def test_doubling_concentration_doubles_the_days(dose, conc, fill, start):
    one = plan_refill(
        fill_volume_ml=fill, concentration_mcg_per_ml=conc, daily_dose_mcg=dose, refill_at=start
    )
    two = plan_refill(
        fill_volume_ml=fill,
        concentration_mcg_per_ml=2 * conc,
        daily_dose_mcg=dose,
        refill_at=start,
    )
    assert two.days_to_low_alarm == pytest.approx(2 * one.days_to_low_alarm, rel=1e-12)
    assert two.days_to_empty == pytest.approx(2 * one.days_to_empty, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(dose=doses, conc=concentrations, fill=fills, start=starts)
def test_simple_continuous_matches_the_formula(dose, conc, fill, start):
    plan = plan_refill(
        fill_volume_ml=fill, concentration_mcg_per_ml=conc, daily_dose_mcg=dose, refill_at=start
    )
    daily = dose / conc
    assert plan.daily_volume_ml == pytest.approx(daily, rel=1e-12)
    assert plan.days_to_low_alarm == pytest.approx((fill - 2) / daily, rel=1e-12)
    assert plan.days_to_empty == pytest.approx(fill / daily, rel=1e-12)
    # Floored to the minute: at most one minute before the true moment, never after.
    true_alarm = start + timedelta(days=(fill - 2) / daily)
    assert timedelta(0) <= true_alarm - plan.low_alarm_at < timedelta(minutes=1, microseconds=2)


step_times = st.lists(
    st.integers(min_value=0, max_value=1439), min_size=1, max_size=13, unique=True
)


@settings(max_examples=60, deadline=None)
@given(
    minutes=step_times,
    rates=st.lists(st.integers(min_value=0, max_value=1500), min_size=13, max_size=13),
    start=starts,
    bolus_days=st.lists(st.floats(min_value=0, max_value=60), max_size=5),
)
def test_flex_invariants(minutes, rates, start, bolus_days):
    # Daily dose by hand: sum of rate x hours / 24.
    ordered = sorted(zip(minutes, rates[: len(minutes)], strict=True))
    total = 0.0
    for i, (m, rate) in enumerate(ordered):
        nxt = ordered[(i + 1) % len(ordered)][0]
        hours = ((nxt - m) % 1440 or 1440) / 60
        total += rate * hours / 24
    # Keep to pumps that run out within a few thousand years (or are stopped).
    assume(total == 0 or total >= 1)
    schedule = [(f"{m // 60:02d}:{m % 60:02d}", rates[i]) for i, m in enumerate(minutes)]
    boluses = [(timedelta(days=d), 50) for d in bolus_days]
    plan = plan_refill(
        fill_volume_ml=20,
        concentration_mcg_per_ml=500,
        schedule=schedule,
        refill_at=start,
        boluses=boluses,
    )
    assert plan.daily_dose_mcg == pytest.approx(total, rel=1e-9, abs=1e-9)
    if plan.low_alarm_at is None:
        assert plan.daily_volume_ml == 0
        return
    assert plan.low_alarm_at <= plan.empty_at
    assert plan.volume_at(plan.low_alarm_at) >= 2.0 - 1e-9
    assert plan.volume_at(plan.low_alarm_at + timedelta(minutes=1)) <= 2.0 + 1e-9
    assert plan.volume_at(plan.empty_at + timedelta(minutes=1)) == 0.0
    table = plan.volume_table()
    assert table["volume_ml"].is_monotonic_decreasing
    assert table["elapsed_days"].is_monotonic_increasing


@settings(max_examples=40, deadline=None)
@given(dose=doses, start=starts, n_steps=st.integers(min_value=1, max_value=13))
def test_flex_with_equal_steps_equals_simple_continuous(dose, start, n_steps):
    schedule = [(f"{h:02d}:00", dose) for h in range(n_steps)]
    flex = plan_refill(
        fill_volume_ml=20, concentration_mcg_per_ml=500, schedule=schedule, refill_at=start
    )
    simple = plan_refill(
        fill_volume_ml=20, concentration_mcg_per_ml=500, daily_dose_mcg=dose, refill_at=start
    )
    assert flex.low_alarm_at == simple.low_alarm_at
    assert flex.empty_at == simple.empty_at
    assert flex.days_to_low_alarm == simple.days_to_low_alarm


# --------------------------------------------------------------------------------------------
# Extremes
# --------------------------------------------------------------------------------------------
def test_dose_too_low_to_date_raises_value_error():
    # 0.0001 mcg/day at 3000 mcg/mL: 18 mL would last 5.4e8 days, past the year 9999.
    with pytest.raises(ValueError, match=r"the dose is too low for this fill: fill_volume_ml=20"):
        plan_refill(
            fill_volume_ml=20,
            concentration_mcg_per_ml=3000,
            daily_dose_mcg=0.0001,
            refill_at=date(2026, 1, 5),
        )


def test_very_slow_flex_pump_is_drawn_with_daily_samples():
    # 13 steps on the hour from 00:00 to 12:00, 2 mcg/day in the even hours (00-01, 02-03, ...,
    # 10-11) and from 12:00 to midnight: 6 h + 12 h = 18 h a day, so 2 x 18 / 24 = 1.5 mcg/day,
    # 0.0005 mL/day at 3000 mcg/mL. 18 mL last 36,000 days; 20 years would need 13 x 7306
    # rate-change points, so the curve is sampled once a day instead.
    schedule = [(f"{h:02d}:00", 2 if h % 2 == 0 else 0) for h in range(13)]
    plan = plan_refill(
        fill_volume_ml=20,
        concentration_mcg_per_ml=3000,
        schedule=schedule,
        refill_at=date(2026, 1, 5),
    )
    assert plan.daily_dose_mcg == pytest.approx(1.5)
    assert plan.days_to_low_alarm == pytest.approx(36_000, rel=1e-4)
    assert plan.horizon_days() == 7305.0
    days, volumes, events = plan.volume_curve()
    assert len(days) < 7400
    # Sampled at whole days after a midnight refill: exact values, 0.0005 mL per day.
    assert volumes[1] == pytest.approx(20 - 0.0005)
    assert volumes[-1] == pytest.approx(20 - 7305 * 0.0005)
    assert events[-1] == "end"


def test_bolus_crossing_orders_rows_before_alarm_after(bolus_crossing_plan):
    # Fill 5 mL at 0.2 mL/day: 3 mL left on day 10, the 2 mL bolus leaves 1 mL (as above).
    plan = bolus_crossing_plan
    table = plan.volume_table()
    rows = list(zip(table["event"], table["elapsed_days"], table["volume_ml"], strict=True))
    assert rows[:5] == [
        ("refill", 0.0, 5.0),
        ("before bolus", 10.0, 3.0),
        ("low alarm", 10.0, 2.0),
        ("bolus", 10.0, 1.0),
        ("empty", 15.0, 0.0),
    ]


@settings(max_examples=40, deadline=None)
@given(
    minutes=step_times,
    rates=st.lists(st.integers(min_value=50, max_value=1500), min_size=13, max_size=13),
    start=starts,
    bolus_days=st.lists(st.floats(min_value=0.01, max_value=30), max_size=4),
)
def test_table_agrees_with_exact_volume(minutes, rates, start, bolus_days):
    # The float table used for plots matches the exact volume at its rows.
    schedule = [(f"{m // 60:02d}:{m % 60:02d}", rates[i]) for i, m in enumerate(minutes)]
    plan = plan_refill(
        fill_volume_ml=20,
        concentration_mcg_per_ml=500,
        schedule=schedule,
        refill_at=start,
        boluses=[(timedelta(days=d), 50) for d in bolus_days],
    )
    table = plan.volume_table()
    for row in table.itertuples():
        if row.event in {"rate change", "bolus", "end"}:
            assert plan.volume_at(row.time.to_pydatetime()) == pytest.approx(
                row.volume_ml, abs=1e-6
            )
