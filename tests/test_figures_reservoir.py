"""Tests for itb_edu.figures.reservoir: inspect traces, hover text and layout."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from itb_edu import data
from itb_edu.figures.reservoir import (
    TRACE_NAMES,
    apply_trace_data,
    clinic_calendar_figure,
    compare_figure,
    moment_in_words,
    reservoir_figure,
    volume_trace_data,
)
from itb_edu.scheduling import clinic_calendar

REFILL_AT = datetime(2026, 1, 5, 9, 30)


@pytest.fixture(scope="module")
def plan_500(make_plan):
    """The routine plan refilled at 09:30 in a 20 mL reservoir.

    100 mcg/day at 500 mcg/mL = 0.2 mL/day: alarm day 90 (5 Apr 09:30), empty day 100.
    """
    return make_plan(refill_at=REFILL_AT, reservoir_ml=20)


@pytest.fixture(scope="module")
def plan_2000(make_plan):
    """The same pump at 2000 mcg/mL: 0.05 mL/day, alarm after 360 days = 31 Dec 2026 09:30."""
    return make_plan(concentration_mcg_per_ml=2000, refill_at=REFILL_AT, reservoir_ml=20)


def _trace(fig, name):
    (trace,) = [t for t in fig.data if t.name == name]
    return trace


def test_moment_in_words():
    assert moment_in_words(datetime(2026, 4, 5, 9, 30)) == "Sunday 5 April 2026 at 09:30"
    paris = datetime(2026, 5, 30, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert moment_in_words(paris) == "Saturday 30 May 2026 at 10:00 CEST"
    assert moment_in_words(None) == "never"


def test_reservoir_figure_traces(plan_500):
    fig = reservoir_figure(plan_500)
    assert isinstance(fig, go.Figure)
    assert tuple(t.name for t in fig.data) == TRACE_NAMES
    volume = _trace(fig, "Reservoir volume")
    assert list(volume.y) == [20.0, 2.0, 0.0, 0.0]
    assert volume.x[1] == np.datetime64("2026-04-05T09:30")
    alarm_line = _trace(fig, "Low-reservoir alarm volume")
    assert list(alarm_line.y) == [2.0, 2.0]
    alarm = _trace(fig, "Low alarm")
    assert alarm.x == (datetime(2026, 4, 5, 9, 30),)
    assert alarm.y == (2.0,)
    assert "Sunday 5 April 2026 at 09:30" in alarm.hovertext[0]
    empty = _trace(fig, "Empty")
    assert empty.x == (datetime(2026, 4, 15, 9, 30),)
    assert "Wednesday 15 April 2026 at 09:30" in empty.hovertext[0]
    risk = _trace(fig, "Withdrawal risk: pump empty")
    assert risk.fill == "toself"
    # The band runs from empty to the end of the plot (day 115 = 30 Apr), full height.
    assert risk.x[0] == datetime(2026, 4, 15, 9, 30)
    assert max(risk.y) == 20.0
    assert "Withdrawal" in risk.hovertext[0]
    assert _trace(fig, "Refill due (maximum interval)").x == ()
    assert fig.layout.yaxis.range == (0, 21.0)
    assert fig.layout.yaxis.title.text == "Volume in the reservoir [mL]"


def test_reservoir_figure_flex_and_boluses_draw_every_change(two_step_flex_plan_with_bolus):
    plan = two_step_flex_plan_with_bolus
    fig = reservoir_figure(plan, until_days=2)
    volume = _trace(fig, "Reservoir volume")
    # refill, 22:00, 07:00, bolus before/after, 22:00, 07:00, end: 8 points.
    assert len(volume.y) == 8
    assert list(np.round(volume.y[:5], 6)) == [20.0, 19.375, 19.15, 18.9, 18.7]


def test_stopped_pump_has_no_markers(stopped_plan):
    plan = stopped_plan
    fig = reservoir_figure(plan)
    assert _trace(fig, "Low alarm").x == ()
    assert _trace(fig, "Empty").x == ()
    assert _trace(fig, "Withdrawal risk: pump empty").x == ()
    assert list(_trace(fig, "Reservoir volume").y) == [20.0, 20.0]


def test_max_interval_marker(make_plan):
    plan = make_plan(max_interval_days=60)
    due = _trace(reservoir_figure(plan), "Refill due (maximum interval)")
    # Day 60 = 6 Mar, 20 - 12 = 8 mL left.
    assert due.x == (datetime(2026, 3, 6),)
    assert due.y == (8.0,)


def test_aware_plan_draws_local_wall_clock(routine_plan_in_paris):
    plan = routine_plan_in_paris
    fig = reservoir_figure(plan)
    volume = _trace(fig, "Reservoir volume")
    # 90 elapsed days later the Paris clock shows 10:00 (summer time).
    assert volume.x[1] == np.datetime64("2026-05-30T10:00")
    assert fig.layout.xaxis.title.text == "Date and time (Europe/Paris)"


def test_apply_trace_data_updates_in_place(plan_500, plan_2000):
    fig = go.FigureWidget(reservoir_figure(plan_500))
    other = plan_2000
    apply_trace_data(fig, volume_trace_data(other))
    # 0.05 mL/day: alarm after 360 days = 31 Dec 2026 09:30.
    assert _trace(fig, "Low alarm").x == (datetime(2026, 12, 31, 9, 30),)


def test_compare_figure_side_by_side(plan_500, plan_2000):
    other = plan_2000
    fig = compare_figure(plan_500, other, labels=("500 mcg/mL", "2000 mcg/mL"))
    assert len(fig.data) == 2 * len(TRACE_NAMES)
    assert [a.text for a in fig.layout.annotations] == ["500 mcg/mL", "2000 mcg/mL"]
    left = _trace(fig, "500 mcg/mL: Low alarm")
    right = _trace(fig, "2000 mcg/mL: Low alarm")
    assert left.xaxis == "x"
    assert right.xaxis == "x2"
    assert right.x == (datetime(2026, 12, 31, 9, 30),)
    # Both panels span the same time: the longer horizon.
    assert fig.data[0].x[-1] == fig.data[len(TRACE_NAMES)].x[-1]


def test_clinic_calendar_figure():
    table = clinic_calendar(data.teaching_cohort(), data.pumps())
    fig = clinic_calendar_figure(table)
    names = [t.name for t in fig.data]
    assert names == ["Interval", "Refill booked", "Low alarm", "Empty"]
    booked = fig.data[1]
    assert list(booked.y) == list(table["patient_id"])
    first = table.iloc[0]
    assert booked.x[0] == datetime.combine(first["book_on"], datetime.min.time())
    assert f"{first['days_before_alarm']} days before the alarm" in booked.hovertext[0]
    assert fig.layout.yaxis.autorange == "reversed"


def test_clinic_calendar_figure_skips_stopped_pumps():
    table = pd.DataFrame(
        {
            "patient_id": ["X"],
            "last_refill_at": [datetime(2026, 1, 5)],
            "low_alarm_at": [None],
            "empty_at": [None],
            "book_on": [None],
            "days_before_alarm": [None],
        }
    )
    fig = clinic_calendar_figure(table)
    assert list(fig.data[1].y) == []


@pytest.mark.parametrize("until", [1, 30, 400])
def test_volume_trace_data_until(plan_500, until):
    data_ = volume_trace_data(plan_500, until)
    assert data_[0]["x"][-1] == np.datetime64(datetime(2026, 1, 5, 9, 30)) + np.timedelta64(
        until * 86400, "s"
    )
