"""Figures for the reservoir simulator: volume over time, two scenarios, the clinic calendar.

Each builder returns a ``plotly.graph_objects.Figure``. The trace data come from
:func:`volume_trace_data`, which the app also uses to update a ``go.FigureWidget`` in place,
so the figure a test inspects and the one a learner sees are built by the same code.

Times are drawn on the wall clock of the refill (naive datetimes; for a time-zone aware plan,
the local time in its zone, named on the axis).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from itb_edu.figures import style
from itb_edu.reservoir import RefillPlan, moment_in_words

__all__ = [
    "TRACE_NAMES",
    "apply_trace_data",
    "clinic_calendar_figure",
    "compare_figure",
    "moment_in_words",
    "reservoir_figure",
    "volume_trace_data",
]

#: Names of the traces of :func:`reservoir_figure`, in order.
TRACE_NAMES = (
    "Reservoir volume",
    "Low-reservoir alarm volume",
    "Low alarm",
    "Empty",
    "Withdrawal risk: pump empty",
    "Refill due (maximum interval)",
)

VOLUME_COLOR = style.PRIMARY
ALARM_COLOR = style.ALERT
EMPTY_COLOR = style.DANGER
RISK_FILL = style.DANGER_FILL
BOOK_COLOR = style.GOOD
_FONT = style.FONT


def _local_times(plan: RefillPlan, elapsed_days: np.ndarray) -> np.ndarray:
    """Wall-clock times (numpy datetime64[us]) of points ``elapsed_days`` after the refill."""
    micros = np.round(elapsed_days * 86_400_000_000).astype("timedelta64[us]")
    start = plan.refill_at
    if start.tzinfo is None:
        return np.datetime64(start, "us") + micros
    import pandas as pd

    utc = pd.Timestamp(start).tz_convert("UTC").tz_localize(None).to_datetime64()
    moments = pd.DatetimeIndex(utc + micros).tz_localize("UTC").tz_convert(start.tzinfo)
    return moments.tz_localize(None).to_numpy()


def _wall(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)


def volume_trace_data(plan: RefillPlan, until_days: float | None = None) -> list[dict[str, Any]]:
    """Return the data of the six traces of :func:`reservoir_figure` as property dicts.

    Parameters
    ----------
    plan : RefillPlan
        The plan to draw.
    until_days : float, optional
        How far to draw after the refill [day]; default the plan's horizon.

    Returns
    -------
    list of dict
        One dict per trace in :data:`TRACE_NAMES` order, with ``x``, ``y`` and, for markers,
        ``text`` and ``hovertext``: ready for ``trace.update(**d)``.
    """
    days, volumes, _ = plan.volume_curve(until_days)
    times = _local_times(plan, days)
    start, end = times[0], times[-1]
    top = plan.reservoir_ml if plan.reservoir_ml is not None else plan.fill_volume_ml
    out: list[dict[str, Any]] = [
        {"x": times, "y": volumes},
        {"x": [start, end], "y": [plan.low_alarm_ml, plan.low_alarm_ml]},
    ]
    if plan.low_alarm_at is not None:
        words = moment_in_words(plan.low_alarm_at)
        out.append(
            {
                "x": [_wall(plan.low_alarm_at)],
                "y": [plan.low_alarm_ml],
                "text": ["Low alarm"],
                "hovertext": [f"Low-reservoir alarm: {words}<br>{plan.low_alarm_ml:g} mL left"],
            }
        )
    else:
        out.append({"x": [], "y": [], "text": [], "hovertext": []})
    if plan.empty_at is not None:
        words = moment_in_words(plan.empty_at)
        out.append(
            {
                "x": [_wall(plan.empty_at)],
                "y": [0.0],
                "text": ["Empty"],
                "hovertext": [f"Reservoir empty: {words}<br>no more drug is delivered"],
            }
        )
        empty = _wall(plan.empty_at)
        out.append(
            {
                "x": [empty, end, end, empty, empty],
                "y": [0.0, 0.0, top, top, 0.0],
                "hovertext": [
                    "Pump empty: no baclofen is delivered. Withdrawal typically develops over "
                    "1 to 3 days, and some patients have had it before the pump was empty."
                ]
                * 5,
            }
        )
    else:
        out.append({"x": [], "y": [], "text": [], "hovertext": []})
        out.append({"x": [], "y": [], "hovertext": []})
    if plan.refill_due_reason == "maximum interval" and plan.refill_due_at is not None:
        due = plan.refill_due_at
        out.append(
            {
                "x": [_wall(due)],
                "y": [plan.volume_at(due)],
                "text": ["Refill due"],
                "hovertext": [f"Maximum interval reached: {moment_in_words(due)}"],
            }
        )
    else:
        out.append({"x": [], "y": [], "text": [], "hovertext": []})
    return out


def apply_trace_data(figure: go.Figure, data: list[dict[str, Any]]) -> None:
    """Write trace data (from :func:`volume_trace_data`) into a figure in one restyle.

    Parameters
    ----------
    figure : plotly.graph_objects.Figure or FigureWidget
        A figure built by this module, with one trace per dict of ``data``, in order.
    data : list of dict
        Trace properties, as returned by :func:`volume_trace_data` (concatenated for several
        panels).

    Notes
    -----
    One ``plotly_restyle`` call with every property for every trace is several times faster
    than updating the traces one by one, and sends one message to the browser.
    """
    keys = sorted({key for values in data for key in values})
    restyle = {
        key: [_json_safe(values.get(key, figure.data[i][key])) for i, values in enumerate(data)]
        for key in keys
    }
    figure.plotly_restyle(restyle, trace_indexes=list(range(len(data))))


def _json_safe(value: Any) -> Any:
    """Make trace data sendable over a Jupyter comm (which cannot send numpy datetimes).

    A ``FigureWidget`` restyle goes to the browser through the kernel's JSON messages, not
    plotly's own encoder: numpy ``datetime64`` arrays become ISO strings there, as plotly
    itself would write them.
    """
    if isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.datetime64):
        return np.datetime_as_string(value, unit="us").tolist()
    if isinstance(value, np.datetime64):
        return str(np.datetime_as_string(value, unit="us"))
    if isinstance(value, list | tuple) and any(isinstance(v, np.datetime64) for v in value):
        return [_json_safe(v) for v in value]
    return value


def _axis_title(plan: RefillPlan) -> str:
    if plan.refill_at.tzinfo is not None:
        return f"Date and time ({plan.refill_at.tzinfo})"
    return "Date and time"


def _layout(plan: RefillPlan, title: str | None) -> go.Layout:
    top = plan.reservoir_ml if plan.reservoir_ml is not None else plan.fill_volume_ml
    return go.Layout(
        title={"text": title or "Reservoir volume over time"},
        font={"family": _FONT},
        xaxis={"title": {"text": _axis_title(plan)}},
        yaxis={"title": {"text": "Volume in the reservoir [mL]"}, "range": [0, top * 1.05]},
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
        height=420,
        hovermode="closest",
    )


def _traces(data: list[dict[str, Any]]) -> list[go.Scatter]:
    volume, alarm_line, alarm, empty, risk, due = data
    return [
        go.Scatter(
            name=TRACE_NAMES[0],
            mode="lines",
            line={"color": VOLUME_COLOR, "width": 2.5},
            hovertemplate="%{x|%a %d %b %Y %H:%M}<br>%{y:.2f} mL left<extra></extra>",
            **volume,
        ),
        go.Scatter(
            name=TRACE_NAMES[1],
            mode="lines",
            line={"color": ALARM_COLOR, "dash": "dash"},
            hovertemplate="Alarm volume %{y:.2f} mL<extra></extra>",
            **alarm_line,
        ),
        go.Scatter(
            name=TRACE_NAMES[2],
            mode="markers+text",
            textposition="top right",
            marker={"color": ALARM_COLOR, "size": 12, "symbol": "diamond"},
            hoverinfo="text",
            **alarm,
        ),
        go.Scatter(
            name=TRACE_NAMES[3],
            mode="markers+text",
            textposition="top right",
            marker={"color": EMPTY_COLOR, "size": 12, "symbol": "x"},
            hoverinfo="text",
            **empty,
        ),
        go.Scatter(
            name=TRACE_NAMES[4],
            mode="lines",
            fill="toself",
            fillcolor=RISK_FILL,
            line={"width": 0},
            hoverinfo="text",
            hoveron="fills",
            **risk,
        ),
        go.Scatter(
            name=TRACE_NAMES[5],
            mode="markers+text",
            textposition="bottom left",
            marker={"color": BOOK_COLOR, "size": 11, "symbol": "triangle-down"},
            hoverinfo="text",
            **due,
        ),
    ]


def reservoir_figure(
    plan: RefillPlan, *, title: str | None = None, until_days: float | None = None
) -> go.Figure:
    """Reservoir volume over time with the alarm line, the alarm and empty moments.

    Parameters
    ----------
    plan : RefillPlan
        The plan from :func:`itb_edu.reservoir.plan_refill`.
    title : str, optional
        Figure title; default ``"Reservoir volume over time"``.
    until_days : float, optional
        How far to draw after the refill [day]; default past empty, so that the time with an
        empty pump (withdrawal risk) shows as a shaded band.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces named as in :data:`TRACE_NAMES`: the volume, the alarm volume line, the alarm
        and empty markers (hover text gives the moment in words), the shaded withdrawal-risk
        band after empty, and a marker when a maximum interval comes before the alarm.
    """
    return go.Figure(data=_traces(volume_trace_data(plan, until_days)), layout=_layout(plan, title))


def compare_figure(
    plan_a: RefillPlan,
    plan_b: RefillPlan,
    *,
    labels: Sequence[str] = ("Scenario A", "Scenario B"),
    until_days: float | None = None,
) -> go.Figure:
    """Two scenarios side by side on one time axis (for example 500 vs 2000 mcg/mL).

    Parameters
    ----------
    plan_a, plan_b : RefillPlan
        The two plans.
    labels : pair of str
        Subplot titles.
    until_days : float, optional
        How far to draw [day]; default the longer of the two horizons, shared by both panels.

    Returns
    -------
    plotly.graph_objects.Figure
        Two panels (columns 1 and 2), each with the six traces of :func:`reservoir_figure`
        (names prefixed with the label), sharing the y axis and the time span.
    """
    if until_days is None:
        until_days = max(plan_a.horizon_days(), plan_b.horizon_days())
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, subplot_titles=list(labels))
    for col, (plan, label) in enumerate(((plan_a, labels[0]), (plan_b, labels[1])), start=1):
        for trace in _traces(volume_trace_data(plan, until_days)):
            trace.name = f"{label}: {trace.name}"
            trace.showlegend = col == 1 and trace.name.endswith(TRACE_NAMES[0])
            trace.legendgroup = label
            fig.add_trace(trace, row=1, col=col)
    top = max(
        p.reservoir_ml if p.reservoir_ml is not None else p.fill_volume_ml for p in (plan_a, plan_b)
    )
    fig.update_layout(
        font={"family": _FONT},
        height=420,
        margin={"l": 60, "r": 20, "t": 60, "b": 40},
        showlegend=False,
        yaxis={"title": {"text": "Volume in the reservoir [mL]"}, "range": [0, top * 1.05]},
    )
    return fig


def clinic_calendar_figure(table: Any, *, title: str | None = None) -> go.Figure:
    """Refill calendar of a clinic: one row per (fictional) patient.

    Parameters
    ----------
    table : pandas.DataFrame
        The result of :func:`itb_edu.scheduling.clinic_calendar`.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces ``"Interval"`` (a bar from the last refill to the alarm), ``"Refill booked"``,
        ``"Low alarm"`` and ``"Empty"`` markers, with the patients on the y axis.
    """
    rows = table[table["low_alarm_at"].notna()]
    names = list(rows["patient_id"])
    seg_x: list[Any] = []
    seg_y: list[Any] = []
    for row in rows.itertuples():
        seg_x += [_wall(row.last_refill_at), _wall(row.low_alarm_at), None]
        seg_y += [row.patient_id, row.patient_id, None]
    books = [datetime.combine(d, datetime.min.time()) for d in rows["book_on"]]
    fig = go.Figure(
        data=[
            go.Scatter(
                name="Interval",
                x=seg_x,
                y=seg_y,
                mode="lines",
                line={"color": "#9fb3c8", "width": 8},
                hoverinfo="skip",
            ),
            go.Scatter(
                name="Refill booked",
                x=books,
                y=names,
                mode="markers",
                marker={"color": BOOK_COLOR, "size": 13, "symbol": "circle"},
                hovertext=[
                    f"{r.patient_id}: refill booked {r.book_on:%a %d %b %Y}, "
                    f"{r.days_before_alarm} days before the alarm"
                    for r in rows.itertuples()
                ],
                hoverinfo="text",
            ),
            go.Scatter(
                name="Low alarm",
                x=[_wall(t) for t in rows["low_alarm_at"]],
                y=names,
                mode="markers",
                marker={"color": ALARM_COLOR, "size": 12, "symbol": "diamond"},
                hovertext=[
                    f"{r.patient_id}: alarm {moment_in_words(r.low_alarm_at)}"
                    for r in rows.itertuples()
                ],
                hoverinfo="text",
            ),
            go.Scatter(
                name="Empty",
                x=[_wall(t) for t in rows["empty_at"]],
                y=names,
                mode="markers",
                marker={"color": EMPTY_COLOR, "size": 11, "symbol": "x"},
                hovertext=[
                    f"{r.patient_id}: empty {moment_in_words(r.empty_at)}"
                    for r in rows.itertuples()
                ],
                hoverinfo="text",
            ),
        ],
        layout=go.Layout(
            title={"text": title or "Refill calendar (fictional patients)"},
            font={"family": _FONT},
            xaxis={"title": {"text": "Date"}},
            yaxis={"title": {"text": "Patient"}, "autorange": "reversed", "type": "category"},
            height=120 + 40 * max(len(names), 1),
            margin={"l": 80, "r": 20, "t": 50, "b": 40},
            legend={"orientation": "h", "y": -0.25},
        ),
    )
    return fig
