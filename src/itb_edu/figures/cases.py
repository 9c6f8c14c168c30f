"""The patient's timeline in an emergency case: the course, the learner's actions, the turn.

:func:`case_timeline_figure` draws, against hours since the learner met the patient, the
untreated course of the case (dashed, a teaching model), the course as it went (solid, flat
once it turns), and every action as a numbered marker; the same events are in the debrief
table in words, and the figure's ``layout.meta`` carries a one-line text alternative.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from .style import DANGER, FONT, GOOD, LINE, MUTED, NAVY, TEXT

if TYPE_CHECKING:  # pragma: no cover
    from ..cases import CaseState

__all__ = ["SEVERITY_WORDS", "case_timeline_figure", "timeline_alt_text"]

#: The severity axis in words.
SEVERITY_WORDS = {1: "1 early", 2: "2 worsening", 3: "3 severe", 4: "4 life-threatening"}


def _course(state: CaseState) -> tuple[list[float], list[int]]:
    """Untreated course as a step line from the arrival to the end [h since arrival]."""
    case = state.case
    arrival = case.arrival_hours
    from ..cases import stage_at

    xs, ys = [0.0], [stage_at(case, arrival).severity]
    for stage in case.stages:
        if stage.from_hours > arrival:
            t = stage.from_hours - arrival
            xs += [t, t]
            ys += [ys[-1], stage.severity]
    return xs, ys


def timeline_alt_text(state: CaseState) -> str:
    """Return a one-sentence description of the figure, for screen readers and captions."""
    case = state.case
    from ..cases import stage_at

    now = state.clock_hours - case.arrival_hours
    severity = stage_at(
        case, state.clock_hours if state.turned_at_hours is None else state.turned_at_hours
    ).severity
    actions = sum(1 for f in state.history if f.carried_out)
    turned = (
        f"the course turned {state.turned_at_hours - case.arrival_hours:.1f} hours in"
        if state.turned_at_hours is not None
        else "the course has not turned"
    )
    return (
        f"Timeline of {case.title}: {now:.1f} hours since you met the patient, "
        f"{actions} actions taken, severity now {SEVERITY_WORDS[severity]}; {turned}."
    )


def case_timeline_figure(state: CaseState) -> go.Figure:
    """Return the patient's timeline: untreated course, course so far, numbered actions.

    Parameters
    ----------
    state : itb_edu.cases.CaseState

    Returns
    -------
    plotly.graph_objects.Figure
        x: hours since the learner met the patient [h]; y: severity 1 to 4 (labelled in
        words). Traces: the untreated course (dashed), the course so far (solid), the actions
        (numbered circles), choices stopped as harmful (crosses) and the turn (a star).
    """
    from ..cases import stage_at

    case = state.case
    arrival = case.arrival_hours
    xs, ys = _course(state)
    now = state.clock_hours - arrival
    turned = state.turned_at_hours
    limit = now if turned is None else turned - arrival
    lived_x = [x for x in xs if x <= limit]
    lived_y = ys[: len(lived_x)]
    lived_x.append(limit)
    lived_y.append(lived_y[-1])
    if now > limit:  # flat after the turn, whatever the untreated course would do
        lived_x.append(now)
        lived_y.append(lived_y[-1])

    done = [f for f in state.history if f.carried_out]
    stopped = [f for f in state.history if f.role == "harms"]
    traces = [
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            name="Untreated course (teaching model)",
            line={"color": MUTED, "dash": "dash", "width": 2},
            hoverinfo="skip",
        ),
        go.Scatter(
            x=lived_x,
            y=lived_y,
            mode="lines",
            name="The course so far",
            line={"color": NAVY, "width": 4},
            hoverinfo="skip",
        ),
        go.Scatter(
            x=[f.until_hours - arrival for f in done],
            # Numbers on four heights, so that actions minutes apart stay readable.
            y=[
                stage_at(case, min(f.until_hours, turned or f.until_hours)).severity
                + 0.18 * (1 + i % 4)
                for i, f in enumerate(done)
            ],
            mode="markers+text",
            name="Your actions (numbered in order)",
            text=[str(i) for i in range(1, len(done) + 1)],
            textposition="middle right",
            textfont={"size": 15},
            marker={"size": 11, "color": LINE, "symbol": "circle"},
            hovertext=[f.label for f in done],
            hoverinfo="text",
        ),
    ]
    if stopped:
        traces.append(
            go.Scatter(
                x=[f.at_hours - arrival for f in stopped],
                y=[stage_at(case, f.at_hours).severity - 0.14 for f in stopped],
                mode="markers",
                name="Harmful choices, stopped",
                marker={"size": 14, "color": DANGER, "symbol": "x"},
                hovertext=[f.label for f in stopped],
                hoverinfo="text",
            )
        )
    if turned is not None:
        traces.append(
            go.Scatter(
                x=[turned - arrival],
                y=[stage_at(case, turned).severity],
                mode="markers+text",
                name="The course turns",
                text=["turns"],
                textposition="bottom center",
                marker={"size": 18, "color": GOOD, "symbol": "star"},
                hoverinfo="skip",
            )
        )
    end = max(xs[-1], now) * 1.04 + 0.1
    layout = go.Layout(
        title={"text": f"The patient's timeline: {case.title}", "x": 0.01},
        font={"family": FONT, "size": 16, "color": TEXT},
        xaxis={"title": {"text": "Hours since you met the patient"}, "range": [0, end]},
        yaxis={
            "title": {"text": "Severity"},
            "tickvals": list(SEVERITY_WORDS),
            "ticktext": list(SEVERITY_WORDS.values()),
            "range": [0.5, 4.6],
        },
        legend={"orientation": "h", "y": -0.25, "x": 0},
        margin={"l": 150, "r": 20, "t": 60, "b": 110},
        height=420,
        plot_bgcolor="#ffffff",
        meta={"alt": timeline_alt_text(state)},
    )
    return go.Figure(data=traces, layout=layout)
