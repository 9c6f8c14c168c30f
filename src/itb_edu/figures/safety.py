"""Figures for the side effects and safety notebook.

* :func:`weight_gain_figure`: before/after bars for each weight measure in
  ``data/weight_studies.csv``, one small panel per measure (their units differ);
* :func:`missed_refill_timeline_figure`: the phases after a missed refill, from the refill
  window through the alarm and the empty reservoir to the days in which withdrawal evolves.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from itb_edu.figures import style
from itb_edu.side_effects import TimelinePhase, as_moment

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["PHASE_COLORS", "missed_refill_timeline_figure", "weight_gain_figure"]

_FONT = style.FONT
_BEFORE_COLOR = style.MUTED
_AFTER_COLOR = style.NAVY

#: Fill colour of each span of the missed-refill timeline, by phase name prefix.
PHASE_COLORS = {
    "Refill window": "#d1e7dd",
    "Running low": "#fff3cd",
    "Withdrawal evolves": "#f8d7da",
    "Untreated severe withdrawal": "#e4a1a8",
}
_MOMENT_COLOR = style.DANGER


def _wrap(text: str, width: int = 60) -> str:
    return "<br>".join(textwrap.wrap(text, width))


def weight_gain_figure(studies: pd.DataFrame) -> go.Figure:
    """Draw before/after bars for each weight measure, one panel per measure.

    Parameters
    ----------
    studies : pandas.DataFrame
        Rows of ``data/weight_studies.csv`` (:func:`itb_edu.data.weight_studies`):
        ``measure_id``, ``study``, ``measure``, ``unit``, ``before``, ``after``,
        ``n_patients``, ``statistic``, ``source_ids``.

    Returns
    -------
    plotly.graph_objects.Figure
        One panel per row; two bar traces per panel named ``"Before implant"`` and
        ``"After implant"`` with ``meta`` = the ``measure_id``, values labelled on the bars in
        the row's unit, and the statistic as the panel's x-axis title.

    Raises
    ------
    ValueError
        If ``studies`` is empty.

    References
    ----------
    ``mccoy-2006-weight-gain``, ``jns-pediatr-2025-itb-bmi``.
    """
    if len(studies) == 0:
        raise ValueError("studies is empty: there are no weight measures to draw")
    rows = list(studies.itertuples(index=False))
    titles = [f"{r.measure} [{r.unit}]<br><sup>{r.study}</sup>" for r in rows]
    fig = make_subplots(rows=1, cols=len(rows), subplot_titles=titles, horizontal_spacing=0.1)
    for col, r in enumerate(rows, start=1):
        n_text = "" if r.n_patients != r.n_patients else f"; n = {r.n_patients:.0f}"
        for name, value, color in (
            ("Before implant", r.before, _BEFORE_COLOR),
            ("After implant", r.after, _AFTER_COLOR),
        ):
            fig.add_trace(
                go.Bar(
                    x=[name],
                    y=[value],
                    name=name,
                    meta=r.measure_id,
                    marker_color=color,
                    text=[f"{value:.2f}"],
                    textposition="outside",
                    showlegend=col == 1,
                    legendgroup=name,
                    hovertemplate=(
                        f"{r.study}<br>{r.measure}, {name.lower()}: "
                        f"%{{y:.2f}} {r.unit}{n_text}<extra></extra>"
                    ),
                ),
                row=1,
                col=col,
            )
        top = max(r.before, r.after)
        fig.update_yaxes(range=[0, top * 1.25], title_text=r.unit, row=1, col=col)
        fig.update_xaxes(title_text=r.statistic, title_font_size=11, row=1, col=col)
    fig.update_layout(
        title="Weight after intrathecal baclofen in children: what two studies found",
        font_family=_FONT,
        height=420,
        margin={"t": 110, "b": 80, "l": 60, "r": 20},
        legend={"orientation": "h", "y": -0.3},
        bargap=0.35,
        template="plotly_white",
    )
    return fig


def missed_refill_timeline_figure(
    phases: Sequence[TimelinePhase],
    today: date | datetime | str | None = None,
) -> go.Figure:
    """Draw the missed-refill timeline as coloured spans and marked moments.

    Parameters
    ----------
    phases : sequence of TimelinePhase
        From :func:`itb_edu.side_effects.missed_refill_timeline`.
    today : date, datetime or str, optional
        A moment to mark with a dashed line labelled "Today" (for a case scenario); a string
        is an ISO date such as ``"2026-04-17"``.

    Returns
    -------
    plotly.graph_objects.Figure
        One horizontal bar trace per span (``name`` = phase name, ``meta`` = its source ids
        joined by ``;``) on its own row, one marker trace per moment, and vertical lines with
        annotations at each moment.

    Raises
    ------
    ValueError
        If ``phases`` is empty or ``today`` is not a date.

    References
    ----------
    ``gillette-itb-refills``, ``neurosurgery-2004-residual-volume``, ``lioresal-us-label``,
    ``coffey-2002-withdrawal``.
    """
    if not phases:
        raise ValueError("phases is empty: build them with missed_refill_timeline()")
    spans = [p for p in phases if not p.is_moment]
    moments = [p for p in phases if p.is_moment]
    fig = go.Figure()
    for p in spans:
        color = next((c for k, c in PHASE_COLORS.items() if p.name.startswith(k)), "#e9ecef")
        duration_ms = (p.end - p.start).total_seconds() * 1000
        fig.add_trace(
            go.Bar(
                x=[duration_ms],
                base=[p.start.isoformat()],
                y=[p.name],
                orientation="h",
                name=p.name,
                meta=";".join(p.source_ids),
                marker={"color": color, "line": {"color": "#6b7280", "width": 1}},
                showlegend=False,
                customdata=[[p.start.strftime("%d %b %Y"), p.end.strftime("%d %b %Y")]],
                hovertemplate=(
                    f"<b>{p.name}</b><br>%{{customdata[0]}} to %{{customdata[1]}}<br>"
                    f"{_wrap(p.description)}<extra></extra>"
                ),
            )
        )
    for p in moments:
        fig.add_trace(
            go.Scatter(
                x=[p.start.isoformat()],
                y=[spans[0].name if spans else p.name],
                mode="markers",
                name=p.name,
                meta=";".join(p.source_ids),
                marker={"symbol": "diamond", "size": 12, "color": _MOMENT_COLOR},
                showlegend=False,
                hovertemplate=(
                    f"<b>{p.name}</b><br>{p.start.strftime('%d %b %Y %H:%M')}<br>"
                    f"{_wrap(p.description)}<extra></extra>"
                ),
            )
        )
        fig.add_vline(x=p.start.isoformat(), line={"color": _MOMENT_COLOR, "width": 2})
        fig.add_annotation(
            x=p.start.isoformat(),
            y=1.02,
            yref="paper",
            text=f"{p.name}<br>{p.start.strftime('%d %b')}",
            showarrow=False,
            yanchor="bottom",
            font={"color": _MOMENT_COLOR, "size": 11},
        )
    if today is not None:
        when = as_moment("today", today)
        fig.add_vline(x=when.isoformat(), line={"color": "#111827", "width": 2, "dash": "dash"})
        fig.add_annotation(
            x=when.isoformat(),
            y=-0.12,
            yref="paper",
            text=f"Today ({when.strftime('%d %b')})",
            showarrow=False,
            yanchor="top",
            font={"size": 11},
        )
    fig.update_layout(
        title="If the refill is missed: from the alarm date to withdrawal",
        font_family=_FONT,
        barmode="overlay",
        height=380,
        margin={"t": 120, "b": 70, "l": 200, "r": 30},
        xaxis={"type": "date", "tickformat": "%d %b"},
        yaxis={"autorange": "reversed"},
        template="plotly_white",
    )
    return fig
