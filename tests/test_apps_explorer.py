"""Tests for itb_edu.apps.explorer: choosing a part highlights it and explains it."""

from __future__ import annotations

import html

import ipywidgets as widgets
import plotly.graph_objects as go
import pytest

from itb_edu.apps.explorer import SHOW_ALL, part_explorer
from itb_edu.figures.anatomy import DIM_OPACITY, HIGHLIGHT_COLOR
from itb_edu.parts import FIGURES, get_part, parts_for


@pytest.fixture(scope="module")
def pump_app():
    return part_explorer("pump")


def test_returns_picture_beside_selector_and_panel(pump_app):
    assert isinstance(pump_app, widgets.HBox)
    fig_widget, side = pump_app.children
    assert isinstance(fig_widget, go.FigureWidget)
    assert fig_widget is pump_app.figure_widget
    assert pump_app.selector in side.children
    assert pump_app.explanation in side.children
    labels = [label for label, _ in pump_app.selector.options]
    assert labels == [SHOW_ALL, *(p.name for p in parts_for("pump"))]
    assert pump_app.selector.value is None
    assert "Pick a part" in pump_app.explanation.value


def test_choosing_a_part_highlights_and_explains_it(pump_app):
    pump_app.selector.value = "catheter_access_port"
    part = get_part("catheter_access_port")
    for trace in pump_app.figure_widget.data:
        if trace.meta == "catheter_access_port":
            assert trace.opacity == 1.0
            assert trace.line.color == HIGHLIGHT_COLOR
        elif trace.meta:
            assert trace.opacity == DIM_OPACITY
    (label,) = [
        a for a in pump_app.figure_widget.layout.annotations if a.name == "catheter_access_port"
    ]
    assert label.font.color == HIGHLIGHT_COLOR
    panel = pump_app.explanation.value
    assert html.escape(part.name) in panel
    assert html.escape(part.explanation) in panel
    assert "Safety tips for refilling implanted pumps" in panel  # citation text shown


def test_switching_parts_and_back_to_all(pump_app):
    pump_app.selector.value = "battery"
    bright = {t.meta for t in pump_app.figure_widget.data if t.meta and t.opacity == 1.0}
    assert bright == {"battery"}
    assert "5–7 years" in pump_app.explanation.value
    pump_app.selector.value = None
    assert all(t.opacity is None for t in pump_app.figure_widget.data)
    assert all(a.font.color != HIGHLIGHT_COLOR for a in pump_app.figure_widget.layout.annotations)
    assert "Pick a part" in pump_app.explanation.value


@pytest.mark.parametrize("figure", FIGURES)
def test_each_picture_gets_an_explorer(figure):
    app = part_explorer(figure)
    first = parts_for(figure)[0]
    app.selector.value = first.part_id
    assert html.escape(first.explanation) in app.explanation.value
    assert len(app.figure_widget.data) > len(parts_for(figure)) - 1


def test_unknown_picture_raises():
    with pytest.raises(ValueError, match=r"figure must be one of .* got 'lung'"):
        part_explorer("lung")


def test_picture_is_scaled_to_fit_beside_the_panel():
    app = part_explorer("body", figure_width_px=600)
    layout = app.figure_widget.layout
    assert layout.width == 600
    assert layout.height == round(760 * 600 / 820)
    assert all(a.name != "caption" for a in layout.annotations)
    app.selector.value = "pump"
    assert all(a.name != "caption" for a in app.figure_widget.layout.annotations)


@pytest.mark.parametrize("width", [100, 5000, 640.5, True])
def test_bad_width_raises(width):
    with pytest.raises(ValueError, match="figure_width_px must be a whole number from 320 to 1600"):
        part_explorer("pump", figure_width_px=width)
