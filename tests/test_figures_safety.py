"""Tests for itb_edu.figures.safety: traces, hover text and annotations."""

from __future__ import annotations

from datetime import date, datetime

import plotly.graph_objects as go
import pytest

from itb_edu import data
from itb_edu import side_effects as se
from itb_edu.figures.safety import missed_refill_timeline_figure, weight_gain_figure


@pytest.fixture(scope="module")
def studies():
    return data.weight_studies()


def test_weight_figure_has_before_and_after_bars_per_measure(studies) -> None:
    fig = weight_gain_figure(studies)
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == 2 * len(studies)
    mccoy = [t for t in fig.data if t.meta == "mccoy-weight-velocity"]
    assert [t.name for t in mccoy] == ["Before implant", "After implant"]
    assert [t.y[0] for t in mccoy] == [pytest.approx(2.32), pytest.approx(2.93)]
    assert [t.text[0] for t in mccoy] == ["2.32", "2.93"]
    assert "kg/yr" in mccoy[0].hovertemplate
    bmi = [t for t in fig.data if t.meta == "jnsp-bmi"]
    assert [t.text[0] for t in bmi] == ["17.90", "19.13"]
    assert "n = 237" in bmi[1].hovertemplate


def test_weight_figure_titles_and_statistics(studies) -> None:
    fig = weight_gain_figure(studies)
    titles = [a.text for a in fig.layout.annotations]
    assert any(t.startswith("Weight-gain velocity [kg/yr]") for t in titles)
    assert any("McCoy et al. 2006" in t for t in titles)
    assert fig.layout.xaxis.title.text == "P = .028 (adjusted; +0.61 kg/yr)"
    assert "η² = 0.02" in fig.layout.xaxis2.title.text
    # each panel starts at zero and leaves room for the value labels
    assert fig.layout.yaxis.range[0] == 0
    assert fig.layout.yaxis.range[1] == pytest.approx(2.93 * 1.25)
    # only the first panel's bars enter the legend
    assert sum(bool(t.showlegend) for t in fig.data) == 2


def test_weight_figure_empty_raises(studies) -> None:
    with pytest.raises(ValueError, match="studies is empty"):
        weight_gain_figure(studies.iloc[0:0])


ALARM = datetime(2026, 3, 1, 9, 30)
EMPTY = datetime(2026, 3, 5, 21, 0)


def test_timeline_figure_spans_and_moments() -> None:
    phases = se.missed_refill_timeline(ALARM, EMPTY)
    fig = missed_refill_timeline_figure(phases)
    bars = [t for t in fig.data if isinstance(t, go.Bar)]
    marks = [t for t in fig.data if isinstance(t, go.Scatter)]
    assert [b.name for b in bars] == [p.name for p in phases if not p.is_moment]
    assert [m.name for m in marks] == ["Low-reservoir alarm", "Reservoir empty"]
    running_low = next(b for b in bars if b.name == "Running low")
    # 4 days 11.5 hours in milliseconds
    assert running_low.x[0] == pytest.approx((4 * 24 + 11.5) * 3600 * 1000)
    assert running_low.base[0] == "2026-03-01T09:30:00"
    assert running_low.meta == "neurosurgery-2004-residual-volume"
    evolves = next(b for b in bars if b.name.startswith("Withdrawal evolves"))
    assert "coffey-2002-withdrawal" in evolves.meta
    assert "fulminant" in evolves.hovertemplate
    texts = [a.text for a in fig.layout.annotations]
    assert "Low-reservoir alarm<br>01 Mar" in texts
    assert "Reservoir empty<br>05 Mar" in texts
    assert not any(t.startswith("Today") for t in texts)


def test_timeline_figure_today_marker() -> None:
    phases = se.missed_refill_timeline(ALARM, EMPTY)
    fig = missed_refill_timeline_figure(phases, today=date(2026, 3, 7))
    texts = [a.text for a in fig.layout.annotations]
    assert "Today (07 Mar)" in texts
    dashed = [s for s in fig.layout.shapes if s.line.dash == "dash"]
    assert len(dashed) == 1
    assert dashed[0].x0 == "2026-03-07T00:00:00"


def test_timeline_figure_today_as_text() -> None:
    fig = missed_refill_timeline_figure(se.missed_refill_timeline(ALARM, EMPTY), today="2026-03-09")
    assert "Today (09 Mar)" in [a.text for a in fig.layout.annotations]
    with pytest.raises(ValueError, match=r"today must be a date such as"):
        missed_refill_timeline_figure(se.missed_refill_timeline(ALARM, EMPTY), today="soon")


def test_timeline_figure_empty_raises() -> None:
    with pytest.raises(ValueError, match="phases is empty"):
        missed_refill_timeline_figure([])
