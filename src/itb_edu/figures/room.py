"""The live room's projector figure: the class's answers, vote by vote, hidden until revealed.

:func:`room_figure` draws the tallies of the votes on one question side by side (peer
instruction: vote 1 in grey, the vote after discussion in navy). A question with choices is a
horizontal bar per choice, the count and share written on each bar, the right answer marked
"✔ right" in its label once revealed. A numeric question is a histogram of the numbers given,
with the reservoir engine's exact answer as a labelled line and the accepted band around it.
A vote not yet revealed shows only how many have answered. :func:`room_words` says the same in
words (the figure's ``layout.meta["alt"]`` and the text under it); nothing is only in colour.
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from ..room_presentation import LETTERS, MAX_BARS, _format, _plural, room_words
from .style import FONT, GOOD, MUTED, NAVY, TEXT

if TYPE_CHECKING:  # pragma: no cover
    from ..room import RoomQuestion, Tally

__all__ = ["LETTERS", "MAX_BARS", "number_bins", "room_figure", "room_words", "shown_choices"]

#: Projector text size [px].
_SIZE = 20


def _vote_colour(tally: Tally, tallies: Sequence[Tally]) -> str:
    return NAVY if tally is tallies[-1] else MUTED


def shown_choices(question: RoomQuestion, tallies: Sequence[Tally]) -> list[int]:
    """Return the indexes of the choices to draw (all, or the chosen and right ones if many)."""
    if len(question.choices) <= MAX_BARS:
        return list(range(len(question.choices)))
    chosen = {c for t in tallies if t.revealed for c, n in t.counts if n}
    return [
        i
        for i, choice in enumerate(question.choices)
        if choice in chosen or (choice in question.right and any(t.revealed for t in tallies))
    ]


def _choice_label(question: RoomQuestion, index: int, revealed: bool) -> str:
    choice = question.choices[index]
    mark = " ✔ right" if revealed and choice in question.right else ""
    wrapped = "<br>".join(textwrap.wrap(f"{LETTERS[index]}. {choice}", 44)[:3])
    return f"{wrapped}{mark}"


def number_bins(question: RoomQuestion, tallies: Sequence[Tally]) -> list[float]:
    """Return histogram bin edges covering every revealed number, centred on the engine's answer.

    The bin width is round (1, 2 or 5 times a power of ten), about a tenth of the range, and
    one bin is centred on the engine's answer, so that the learners who got it are drawn on the
    line, not beside it.
    """
    assert question.exact is not None
    exact = question.exact
    values = [v for t in tallies if t.revealed for v in t.values] + [exact]
    low, high = min(values), max(values)
    span = max(high - low, 2 * (question.tolerance or 0.0), abs(exact) * 0.1, 1e-9)
    raw = span / 10
    power = 10 ** math.floor(math.log10(raw))
    width = next(w * power for w in (1, 2, 5, 10) if w * power >= raw)
    below = math.ceil((exact - low) / width - 0.5 + 1e-9)
    above = math.ceil((high - exact) / width - 0.5 + 1e-9)
    start = exact - (below + 0.5) * width
    return [round(start + i * width, 10) for i in range(below + above + 2)]


def _histogram(values: Sequence[float], edges: Sequence[float]) -> list[int]:
    counts = [0] * (len(edges) - 1)
    for value in values:
        for i in range(len(counts)):
            last = i == len(counts) - 1
            if edges[i] <= value < edges[i + 1] or (last and value == edges[-1]):
                counts[i] += 1
                break
    return counts


def room_figure(question: RoomQuestion, tallies: Sequence[Tally], code: str = "") -> go.Figure:
    """Return the projector figure for the votes on one question.

    Parameters
    ----------
    question : itb_edu.room.RoomQuestion
    tallies : sequence of itb_edu.room.Tally
        The votes on the question, first vote first (:meth:`itb_edu.room.Room.rounds`).
    code : str, optional
        The room code, written in the title.

    Returns
    -------
    plotly.graph_objects.Figure
        For choices: y the choices (letters and words), x the number of answers, one bar
        trace per vote with count and share written on the bars. For a number: x the answers
        in the question's unit (bins), y the number of learners, one bar trace per vote, a line
        at the engine's answer and a band of the accepted tolerance. A vote not yet revealed
        draws no bars; its number of answers is in the title.
    """
    revealed_any = any(t.revealed for t in tallies)
    heads = [
        f"vote {t.vote}: {_plural(t.total, 'answer')}{'' if t.revealed else ' (hidden)'}"
        for t in tallies
    ]
    title = f"{'Room ' + code + ' · ' if code else ''}{' · '.join(heads) or 'no votes yet'}"
    layout = go.Layout(
        title={"text": title, "font": {"size": _SIZE + 4}},
        font={"family": FONT, "size": _SIZE, "color": TEXT},
        barmode="group",
        bargap=0.25,
        legend={"orientation": "h", "y": -0.18, "font": {"size": _SIZE}},
        margin={"l": 20, "r": 30, "t": 70, "b": 90},
        height=560,
        autosize=True,  # the projector's width (a figure widget is 700 px wide otherwise)
        plot_bgcolor="white",
        meta={"alt": " ".join(room_words(question, tallies)) or "No answers yet."},
        showlegend=len(tallies) > 1,
        # Said every time: a projector widget keeps what an earlier figure set (a hidden vote
        # hides the axes).
        xaxis={"visible": True},
        yaxis={"visible": True},
    )
    figure = go.Figure(layout=layout)
    if question.kind == "number":
        _number_traces(figure, question, tallies)
    else:
        _choice_traces(figure, question, tallies)
    if not revealed_any:
        # Nothing to draw yet: a short panel saying so (no empty axes on the projector).
        figure.update_layout(height=220, showlegend=False)
        figure.update_xaxes(visible=False)
        figure.update_yaxes(visible=False)
        figure.add_annotation(
            text="The result is hidden until you reveal it.",
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            showarrow=False,
            font={"size": _SIZE + 6, "color": TEXT},
        )
    return figure


def _choice_traces(figure: go.Figure, question: RoomQuestion, tallies: Sequence[Tally]) -> None:
    indexes = shown_choices(question, tallies)
    revealed_any = any(t.revealed for t in tallies)
    labels = [_choice_label(question, i, revealed_any) for i in indexes]
    for tally in tallies:
        counts = [tally.counts[i][1] if tally.revealed else 0 for i in indexes]
        text = [
            f"{n} ({round(100 * n / tally.total)}%)" if tally.revealed and tally.total else ""
            for n in counts
        ]
        figure.add_bar(
            x=counts,
            y=labels,
            orientation="h",
            name=f"Vote {tally.vote}",
            marker={"color": _vote_colour(tally, tallies)},
            text=text,
            textposition="outside",
            cliponaxis=False,
            visible=True if tally.revealed else "legendonly",
            hovertemplate="%{y}: %{x}<extra>Vote " + str(tally.vote) + "</extra>",
        )
    most = max([n for t in tallies if t.revealed for _, n in t.counts] or [1])
    figure.update_xaxes(
        title={"text": "Learners who chose it"},
        range=[0, most * 1.3 + 0.5],
        dtick=max(1, math.ceil(most / 6)),
        gridcolor="#d9dee3",
    )
    figure.update_yaxes(autorange="reversed", automargin=True, ticklabelstandoff=8)
    hidden = len(question.choices) - len(indexes)
    if hidden and revealed_any:
        figure.add_annotation(
            text=f"Not drawn: {hidden} other choices, chosen by nobody",
            xref="paper",
            yref="paper",
            x=1,
            y=1.0,
            showarrow=False,
            xanchor="right",
            yanchor="bottom",
            font={"size": _SIZE - 4},
        )
    if revealed_any:
        figure.layout.height = max(420, 120 + 70 * max(1, len(indexes)) + 90)


def _number_traces(figure: go.Figure, question: RoomQuestion, tallies: Sequence[Tally]) -> None:
    assert question.exact is not None
    assert question.tolerance is not None
    edges = number_bins(question, tallies)
    mids = [(a + b) / 2 for a, b in itertools.pairwise(edges)]
    width = edges[1] - edges[0]
    names = [f"{_format(a)} to {_format(b)}" for a, b in itertools.pairwise(edges)]
    for tally in tallies:
        counts = _histogram(tally.values, edges) if tally.revealed else [0] * len(mids)
        figure.add_bar(
            x=mids,
            y=counts,
            width=width * (0.9 / len(tallies)),
            name=f"Vote {tally.vote}",
            marker={"color": _vote_colour(tally, tallies)},
            text=[str(n) if n and tally.revealed else "" for n in counts],
            textposition="outside",
            cliponaxis=False,
            customdata=names,
            visible=True if tally.revealed else "legendonly",
            hovertemplate="%{customdata} " + question.unit + ": %{y}<extra></extra>",
        )
    if any(t.revealed for t in tallies):
        figure.add_vrect(
            x0=question.exact - question.tolerance,
            x1=question.exact + question.tolerance,
            fillcolor=GOOD,
            opacity=0.15,
            line_width=0,
        )
        figure.add_vline(
            x=question.exact,
            line={"color": GOOD, "width": 4, "dash": "dash"},
            annotation={
                "text": f"The engine: {_format(question.exact)} {question.unit}",
                "font": {"size": _SIZE, "color": TEXT},
                "bgcolor": "white",
            },
            annotation_position="top",
        )
    most = max([max(_histogram(t.values, edges)) for t in tallies if t.revealed] or [1])
    figure.update_xaxes(
        title={"text": f"Answer [{question.unit}]"},
        range=[edges[0] - width * 0.2, edges[-1] + width * 0.2],
        tickvals=edges,
        ticktext=[_format(e) for e in edges],
    )
    figure.update_yaxes(
        title={"text": "Learners"},
        range=[0, most * 1.35 + 0.5],
        dtick=max(1, math.ceil(most / 6)),
        gridcolor="#d9dee3",
    )
