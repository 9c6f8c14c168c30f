"""Tests for itb_edu.figures.anatomy: parts present, labels and hover text right, highlight."""

from __future__ import annotations

import math

import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itb_edu.figures import anatomy
from itb_edu.figures.anatomy import DIM_OPACITY, HIGHLIGHT_COLOR, anatomy_figure, hover_text
from itb_edu.parts import FIGURES, get_part, parts_for

ALL_PARTS = [(figure, part.part_id) for figure in FIGURES for part in parts_for(figure)]


def part_traces(fig: go.Figure, part_id: str) -> list:
    return [t for t in fig.data if t.meta == part_id]


def labels(fig: go.Figure) -> dict[str, go.layout.Annotation]:
    return {a.name: a for a in fig.layout.annotations if a.showarrow}


def caption(fig: go.Figure) -> str:
    (ann,) = [a for a in fig.layout.annotations if a.name == "caption"]
    return ann.text


def centre(trace) -> tuple[float, float]:
    xs = [x for x in trace.x if x is not None]
    ys = [y for y in trace.y if y is not None]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


@pytest.mark.parametrize("figure", FIGURES)
def test_every_part_is_drawn_hoverable_and_labelled(figure):
    fig = anatomy_figure(figure)
    assert isinstance(fig, go.Figure)
    wanted = {p.part_id: p for p in parts_for(figure)}
    drawn = {t.meta for t in fig.data if t.meta}
    assert drawn == set(wanted)
    for part_id, part in wanted.items():
        for trace in part_traces(fig, part_id):
            assert trace.name == part.name
            assert trace.text == hover_text(part)
            assert trace.hoverinfo == "text"
            if trace.fill == "toself":
                assert trace.hoveron == "fills"
    assert {k: a.text for k, a in labels(fig).items()} == {k: p.name for k, p in wanted.items()}


@pytest.mark.parametrize("figure", FIGURES)
def test_decoration_does_not_take_the_hover(figure):
    for trace in anatomy_figure(figure).data:
        if not trace.meta:
            assert trace.hoverinfo == "skip"


def test_hover_text_is_name_then_wrapped_explanation():
    part = get_part("catheter_access_port")
    text = hover_text(part, width=40)
    first, *rest = text.split("<br>")
    assert first == "<b>Catheter access port</b>"
    assert all(len(line) <= 40 for line in rest)
    assert " ".join(rest) == part.explanation


@pytest.mark.parametrize(("figure", "part_id"), ALL_PARTS)
def test_highlight_emphasises_one_part_and_dims_the_rest(figure, part_id):
    fig = anatomy_figure(figure, highlight=part_id)
    part = get_part(part_id)
    for trace in fig.data:
        if trace.meta == part_id:
            assert trace.opacity == 1.0
        elif trace.meta:
            assert trace.opacity == DIM_OPACITY
    label = labels(fig)[part_id]
    assert label.text == f"<b>{part.name}</b>"
    assert label.font.color == HIGHLIGHT_COLOR
    others = [a for k, a in labels(fig).items() if k != part_id]
    assert all(a.font.color != HIGHLIGHT_COLOR for a in others)
    words = caption(fig).replace("<br>", " ")
    assert part.name in words
    assert part.explanation in words


@pytest.mark.parametrize("figure", FIGURES)
def test_no_highlight_leaves_every_part_at_full_strength(figure):
    fig = anatomy_figure(figure)
    assert all(t.opacity is None for t in fig.data)
    assert "Hover over" in caption(fig)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(ALL_PARTS))
def test_exactly_one_part_is_bright(choice):
    figure, part_id = choice
    fig = anatomy_figure(figure, highlight=part_id)
    bright = {t.meta for t in fig.data if t.meta and t.opacity == 1.0}
    assert bright == {part_id}


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match=r"highlight must be one of .* got 'battery'"):
        anatomy.body_figure(highlight="battery")
    with pytest.raises(ValueError, match=r"figure must be one of .* got 'knee'"):
        anatomy_figure("knee")


# ----------------------------------------------------------- the anatomy is sensible
def test_body_pump_in_the_abdomen_and_catheter_threaded_upwards():
    fig = anatomy.body_figure()
    pump_x, pump_y = centre(part_traces(fig, "pump")[0])
    assert 4 < pump_x < 14  # to one side of the midline, inside the trunk (half-width ~14)
    assert 20 < pump_y < 35  # lower abdomen: below the ribs, above the groin
    entry = part_traces(fig, "catheter_entry")[0]
    tip = next(t for t in part_traces(fig, "catheter_tip") if t.mode == "markers")
    assert abs(entry.x[0]) < 1.5  # in the spinal canal
    assert abs(tip.x[0]) < 1.5
    assert tip.y[0] > entry.y[0]  # threaded up from the lumbar entry
    behind = [t for t in part_traces(fig, "tunnelled_catheter") if t.line.dash == "dash"]
    assert len(behind) == 1  # the stretch round the flank is drawn as passing behind
    cord = part_traces(fig, "spinal_cord_body")[0]
    cord_bottom = min(y for y in cord.y if y is not None)
    assert entry.y[0] < cord_bottom  # the catheter enters below the end of the cord


def test_spine_layers_nest_from_skin_to_cord():
    fig = anatomy.spine_cross_section_figure()

    def half_width(part_id: str) -> float:
        trace = part_traces(fig, part_id)[0]
        return max(abs(x) for x in trace.x if x is not None)

    widths = [
        half_width(p)
        for p in ("epidural_space", "dura", "arachnoid", "intrathecal_space", "spinal_cord")
    ]
    assert widths == sorted(widths, reverse=True)
    cx, cy = centre(part_traces(fig, "catheter_in_csf")[0])
    # the catheter lies in the CSF: outside the cord (5 x 4), inside the arachnoid (8.1 x 7.1)
    assert (cx / 5.0) ** 2 + (cy / 4.0) ** 2 > 1
    assert (cx / 8.1) ** 2 + (cy / 7.1) ** 2 < 1


def test_pump_refill_port_central_and_access_port_at_the_edge():
    fig = anatomy.pump_figure()
    rx, ry = centre(part_traces(fig, "refill_port")[0])
    cx, cy = centre(part_traces(fig, "catheter_access_port")[0])
    assert math.hypot(rx, ry) < 0.1
    assert 7 < math.hypot(cx, cy) < 10  # inside the case (radius 10), near its edge


def test_ring_is_one_closed_polygon_and_ccw_reorders():
    ring = anatomy._ring(0, 0, (2, 2), (1, 1), n=4)
    assert ring[0] == ring[-1]
    assert len(ring) == 2 * 5 + 1
    clockwise = [(0, 0), (0, 1), (1, 1), (1, 0)]
    assert anatomy._ccw(clockwise) == list(reversed(clockwise))
    assert anatomy._ccw(list(reversed(clockwise))) == list(reversed(clockwise))
