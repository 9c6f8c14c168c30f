"""Explorable pictures of the intrathecal baclofen system.

Three figure builders, each returning a ``plotly.graph_objects.Figure``:

* :func:`body_figure`: front view of the trunk, shown see-through, with the pump in its
  abdominal pocket and the catheter tunnelled around the flank to the lower back, entering the
  intrathecal space and threaded up inside it;
* :func:`spine_cross_section_figure`: a slice through the spine from the skin of the back to
  the spinal cord, showing where the drug goes;
* :func:`pump_figure`: the inside of a programmable pump (reservoir, central refill port,
  catheter access port, pump mechanism, battery, electronics, alarm).

Every named part is a trace whose ``meta`` is the part id from ``data/system_parts.csv`` and
whose hover text gives the part's name and plain explanation. A ``highlight`` argument
emphasises one part, dims the rest and writes the part's explanation under the picture.

The drawings are schematic (shapes chosen to be anatomically sensible, not to scale); the
words come from :mod:`itb_edu.parts`.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

import plotly.graph_objects as go

from itb_edu.figures import style
from itb_edu.parts import FIGURES, Part, parts_for

__all__ = [
    "DIM_OPACITY",
    "FIGURE_BUILDERS",
    "HIGHLIGHT_COLOR",
    "anatomy_figure",
    "body_figure",
    "hover_text",
    "pump_figure",
    "spine_cross_section_figure",
]

#: Opacity of the parts that are not highlighted.
DIM_OPACITY = 0.2
#: Outline colour of the highlighted part and colour of its label.
HIGHLIGHT_COLOR = style.HIGHLIGHT

_LABEL_COLOR = style.TEXT
_MUTED_LABEL_COLOR = style.MUTED
_FONT = style.FONT

Point = tuple[float, float]


# --------------------------------------------------------------------------- geometry helpers
def _ellipse(cx: float, cy: float, rx: float, ry: float, n: int = 72) -> list[Point]:
    return [
        (cx + rx * math.cos(2 * math.pi * k / n), cy + ry * math.sin(2 * math.pi * k / n))
        for k in range(n + 1)
    ]


def _ring(cx: float, cy: float, outer: Point, inner: Point, n: int = 96) -> list[Point]:
    """Return a closed ring as one polygon (outer loop, then inner loop backwards: a keyhole)."""
    out = _ellipse(cx, cy, outer[0], outer[1], n)
    inn = list(reversed(_ellipse(cx, cy, inner[0], inner[1], n)))
    return [*out, *inn, out[0]]


def _sector(r_in: float, r_out: float, deg0: float, deg1: float, n: int = 40) -> list[Point]:
    """Annular sector around the origin between two angles [degrees]."""
    angles = [math.radians(deg0 + (deg1 - deg0) * k / n) for k in range(n + 1)]
    outer = [(r_out * math.cos(a), r_out * math.sin(a)) for a in angles]
    inner = [(r_in * math.cos(a), r_in * math.sin(a)) for a in reversed(angles)]
    return [*outer, *inner, outer[0]]


def _rounded_rect(cx: float, cy: float, w: float, h: float, r: float) -> list[Point]:
    r = min(r, w / 2, h / 2)
    pts: list[Point] = []
    corners = (
        (cx + w / 2 - r, cy + h / 2 - r, 0),
        (cx - w / 2 + r, cy + h / 2 - r, 90),
        (cx - w / 2 + r, cy - h / 2 + r, 180),
        (cx + w / 2 - r, cy - h / 2 + r, 270),
    )
    for ccx, ccy, start in corners:
        for k in range(7):
            a = math.radians(start + 15 * k)
            pts.append((ccx + r * math.cos(a), ccy + r * math.sin(a)))
    pts.append(pts[0])
    return pts


def _catmull_rom(p0: Point, p1: Point, p2: Point, p3: Point, samples: int) -> list[Point]:
    """Points of the Catmull-Rom segment from ``p1`` to ``p2`` (``p2`` itself excluded)."""
    out: list[Point] = []
    for s in range(samples):
        t = s / samples
        t2, t3 = t * t, t * t * t
        out.append(
            tuple(  # type: ignore[arg-type]
                0.5
                * (
                    2 * p1[d]
                    + (-p0[d] + p2[d]) * t
                    + (2 * p0[d] - 5 * p1[d] + 4 * p2[d] - p3[d]) * t2
                    + (-p0[d] + 3 * p1[d] - 3 * p2[d] + p3[d]) * t3
                )
                for d in (0, 1)
            )
        )
    return out


def _smooth_closed(points: Sequence[Point], samples: int = 8) -> list[Point]:
    """Catmull-Rom spline through ``points``, closed."""
    n = len(points)
    out: list[Point] = []
    for i in range(n):
        p0, p1, p2, p3 = (points[(i + k) % n] for k in (-1, 0, 1, 2))
        out += _catmull_rom(p0, p1, p2, p3, samples)
    out.append(out[0])
    return out


def _smooth_open(points: Sequence[Point], samples: int = 10) -> list[Point]:
    """Catmull-Rom spline through ``points``, open (ends repeated)."""
    pts = [points[0], *points, points[-1]]
    out: list[Point] = []
    for i in range(1, len(pts) - 2):
        out += _catmull_rom(pts[i - 1], pts[i], pts[i + 1], pts[i + 2], samples)
    out.append(points[-1])
    return out


def _join(*polygons: Sequence[Point]) -> tuple[list[float | None], list[float | None]]:
    """Concatenate polygons into x and y lists separated by ``None`` gaps."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for k, poly in enumerate(polygons):
        if k:
            xs.append(None)
            ys.append(None)
        xs.extend(round(p[0], 3) for p in poly)
        ys.extend(round(p[1], 3) for p in poly)
    return xs, ys


def _mirror(points: Sequence[Point]) -> list[Point]:
    return [(-x, y) for x, y in points]


def _ccw(points: Sequence[Point]) -> list[Point]:
    """Return the polygon ordered counter-clockwise, so overlapping fills do not cancel."""
    area = sum(
        points[k][0] * points[(k + 1) % len(points)][1]
        - points[(k + 1) % len(points)][0] * points[k][1]
        for k in range(len(points))
    )
    return list(points) if area >= 0 else list(reversed(points))


# ------------------------------------------------------------------------------ trace helpers
def hover_text(part: Part, width: int = 46) -> str:
    """Return the hover label of a part: bold name, then the wrapped explanation.

    Parameters
    ----------
    part : Part
        The part from :mod:`itb_edu.parts`.
    width : int, optional
        Characters per line of the wrapped explanation (default 46).

    Returns
    -------
    str
        HTML for plotly hover labels (``<b>`` and ``<br>`` only).
    """
    lines = textwrap.wrap(part.explanation, width=width)
    return f"<b>{part.name}</b><br>" + "<br>".join(lines)


def _area(
    part: Part, polygons: Sequence[Sequence[Point]], fill: str, line: str, width: float = 1.2
) -> go.Scatter:
    xs, ys = _join(*polygons)
    return go.Scatter(
        x=xs,
        y=ys,
        mode="lines",
        fill="toself",
        fillcolor=fill,
        line={"color": line, "width": width},
        name=part.name,
        meta=part.part_id,
        text=hover_text(part),
        hoverinfo="text",
        hoveron="fills",
        showlegend=False,
    )


def _path(
    part: Part, points: Sequence[Point], color: str, width: float, dash: str = "solid"
) -> go.Scatter:
    return go.Scatter(
        x=[round(p[0], 3) for p in points],
        y=[round(p[1], 3) for p in points],
        mode="lines",
        line={"color": color, "width": width, "dash": dash},
        name=part.name,
        meta=part.part_id,
        text=hover_text(part),
        hoverinfo="text",
        hoveron="points",
        showlegend=False,
    )


def _marker(part: Part, point: Point, color: str, size: float, symbol: str) -> go.Scatter:
    return go.Scatter(
        x=[point[0]],
        y=[point[1]],
        mode="markers",
        marker={
            "color": color,
            "size": size,
            "symbol": symbol,
            "line": {"color": "white", "width": 1.5},
        },
        name=part.name,
        meta=part.part_id,
        text=hover_text(part),
        hoverinfo="text",
        showlegend=False,
    )


def _decor(polygons: Sequence[Sequence[Point]], fill: str | None, line: str, width: float = 1):
    xs, ys = _join(*polygons)
    return go.Scatter(
        x=xs,
        y=ys,
        mode="lines",
        fill="toself" if fill else None,
        fillcolor=fill,
        line={"color": line, "width": width},
        hoverinfo="skip",
        showlegend=False,
    )


def _label(part: Part, tip: Point, text_at: Point, side: str) -> go.layout.Annotation:
    return go.layout.Annotation(
        x=tip[0],
        y=tip[1],
        ax=text_at[0],
        ay=text_at[1],
        axref="x",
        ayref="y",
        xref="x",
        yref="y",
        text=part.name,
        name=part.part_id,
        showarrow=True,
        arrowhead=2,
        arrowsize=1,
        arrowwidth=1.3,
        arrowcolor="#52606d",
        xanchor="right" if side == "left" else "left",
        font={"size": 13, "color": _LABEL_COLOR, "family": _FONT},
        bgcolor="rgba(255,255,255,0.85)",
        borderpad=2,
    )


def _note(text: str, x: float, y: float, size: int = 12, name: str = "note", **kw):
    return go.layout.Annotation(
        x=x,
        y=y,
        xref="paper",
        yref="paper",
        text=text,
        name=name,
        showarrow=False,
        font={"size": size, "color": "#3e4c59", "family": _FONT},
        align="left",
        xanchor=kw.pop("xanchor", "left"),
        yanchor=kw.pop("yanchor", "top"),
        **kw,
    )


def _base_layout(title: str, xr: Sequence[float], yr: Sequence[float], width: int, height: int):
    return go.Layout(
        title={"text": title, "x": 0.02, "xanchor": "left", "font": {"size": 16}},
        width=width,
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 70},
        plot_bgcolor="white",
        paper_bgcolor="white",
        xaxis={"visible": False, "range": list(xr), "fixedrange": True},
        yaxis={
            "visible": False,
            "range": list(yr),
            "fixedrange": True,
            "scaleanchor": "x",
            "scaleratio": 1,
        },
        hovermode="closest",
        hoverlabel={"bgcolor": "white", "font": {"size": 13, "family": _FONT}},
        font={"family": _FONT},
        showlegend=False,
        dragmode=False,
    )


def _caption(parts: dict[str, Part], highlight: str | None, default: str) -> go.layout.Annotation:
    if highlight is None:
        text = "<br>".join(textwrap.wrap(default, width=110))
    else:
        part = parts[highlight]
        body = "<br>".join(textwrap.wrap(part.explanation, width=110))
        text = f"<b style='color:{HIGHLIGHT_COLOR}'>{part.name}</b>: {body}"
    return _note(text, 0.01, -0.005, size=13, name="caption", yanchor="top")


def _finish(
    fig: go.Figure,
    parts: dict[str, Part],
    highlight: str | None,
    default_caption: str,
) -> go.Figure:
    """Check ``highlight``, dim the other parts and label, and add the caption."""
    if highlight is not None and highlight not in parts:
        raise ValueError(f"highlight must be one of {sorted(parts)} or None, got {highlight!r}")
    if highlight is not None:
        for trace in fig.data:
            if trace.meta == highlight:
                trace.opacity = 1.0
                if trace.mode == "markers":
                    trace.marker.line = {"color": HIGHLIGHT_COLOR, "width": 3}
                elif trace.fill == "toself":
                    trace.line.color = HIGHLIGHT_COLOR
                    trace.line.width = 3
                else:
                    trace.line.width = (trace.line.width or 2) * 1.6
            else:
                trace.opacity = DIM_OPACITY if trace.meta else 0.45
        for ann in fig.layout.annotations:
            if ann.name in parts:
                if ann.name == highlight:
                    ann.text = f"<b>{parts[ann.name].name}</b>"
                    ann.font.color = HIGHLIGHT_COLOR
                    ann.arrowcolor = HIGHLIGHT_COLOR
                    ann.arrowwidth = 2.2
                else:
                    ann.font.color = _MUTED_LABEL_COLOR
                    ann.arrowcolor = "#cbd2d9"
    fig.add_annotation(_caption(parts, highlight, default_caption))
    return fig


def _catalogue(figure: str, data_dir: str | Path | None) -> dict[str, Part]:
    return {part.part_id: part for part in parts_for(figure, data_dir)}


# ------------------------------------------------------------------------------- body figure
# Front view of an adult trunk, units roughly centimetres, x = 0 at the midline.
_BODY_RIGHT_HALF: tuple[Point, ...] = (
    (5.2, 77.0),
    (5.6, 71.5),
    (11.0, 68.0),
    (16.5, 66.0),
    (18.6, 62.0),
    (18.0, 56.5),
    (16.4, 50.0),
    (14.6, 42.0),
    (13.9, 36.0),
    (14.8, 29.0),
    (16.8, 21.0),
    (17.2, 13.0),
    (16.2, 3.0),
    (15.2, -7.0),
    (3.5, -7.0),
    (1.6, 0.0),
)
_ARM_RIGHT: tuple[Point, ...] = (
    (18.2, 63.5),
    (21.0, 58.0),
    (22.4, 48.0),
    (23.4, 36.0),
    (24.0, 24.0),
    (23.0, 19.0),
    (20.6, 19.5),
    (20.2, 25.0),
    (19.6, 36.0),
    (18.6, 47.0),
    (17.4, 55.0),
)
_PUMP_CENTER: Point = (8.5, 28.5)
_PUMP_RADIUS = 3.8  # schematic; a SynchroMed II is 8.75 cm across (facts: synchromed-dimensions)
_ENTRY: Point = (0.55, 23.2)  # between L3 and L4 in this drawing
_TIP: Point = (0.55, 40.0)  # lower thoracic in this drawing: an example, set per patient


def _vertebrae() -> list[list[Point]]:
    shapes: list[list[Point]] = []
    # sacrum: a tapering wedge
    shapes.append(
        _smooth_closed(
            [(-5.2, 15.6), (5.2, 15.6), (3.0, 10.0), (0.8, 6.0), (-0.8, 6.0), (-3.0, 10.0)],
            samples=4,
        )
    )
    y = 16.2
    for _ in range(5):  # lumbar
        shapes.append(_rounded_rect(0.0, y + 1.5, 6.2, 3.0, 0.8))
        y += 3.6
    for k in range(12):  # thoracic
        w = 4.9 - 0.07 * k
        shapes.append(_rounded_rect(0.0, y + 1.0, w, 2.0, 0.6))
        y += 2.45
    for k in range(7):  # cervical
        w = 3.6 - 0.05 * k
        shapes.append(_rounded_rect(0.0, y + 0.65, w, 1.3, 0.4))
        y += 1.7
    return shapes


def body_figure(highlight: str | None = None, data_dir: str | Path | None = None) -> go.Figure:
    """Draw the trunk with the pump, the tunnelled catheter and the spine.

    Parameters
    ----------
    highlight : str, optional
        A part id of the ``"body"`` picture (see ``data/system_parts.csv``) to emphasise;
        the other parts are dimmed and the part's explanation is written under the picture.
        ``None`` (default) shows every part at full strength.
    data_dir : str or pathlib.Path, optional
        Directory holding ``system_parts.csv``.

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per named part (``trace.meta`` = part id, hover text = name and
        explanation) plus unlabelled outline traces; one arrow label per part.

    Raises
    ------
    ValueError
        If ``highlight`` is not a part of this picture.

    Notes
    -----
    Front view, body drawn see-through, adult proportions in roughly centimetres (the pump is
    drawn schematically, a little smaller than the 8.75 cm of a SynchroMed II). The catheter's
    entry level and tip level are examples: the treating team chooses them for each patient.
    The dashed stretch of catheter runs behind, around the flank.

    References
    ----------
    medtronic-itb-surgery; nmss-itb-therapy; medtronic-uk-itb-getting-therapy-qa
    """
    parts = _catalogue("body", data_dir)
    fig = go.Figure(
        layout=_base_layout(
            "Where the system sits: front view, body drawn see-through (schematic)",
            (-44, 44),
            (-9, 97),
            width=820,
            height=760,
        )
    )
    outline = _smooth_closed([*_BODY_RIGHT_HALF, *reversed(_mirror(_BODY_RIGHT_HALF))], samples=6)
    arm = _smooth_closed(_ARM_RIGHT, samples=6)
    skin, edge = "#f6e3d4", "#b08968"
    fig.add_trace(_decor([outline, arm, _mirror(arm)], skin, edge, 1.5))
    fig.add_trace(_decor([_ellipse(0, 85.5, 7.4, 9.6)], skin, edge, 1.5))

    fig.add_trace(_area(parts["vertebrae"], _vertebrae(), "rgba(232,220,192,0.95)", "#a08c64"))
    sac = _smooth_closed(
        [
            (-1.3, 76.0),
            (1.3, 76.0),
            (1.3, 20.0),
            (1.0, 11.0),
            (0.0, 9.0),
            (-1.0, 11.0),
            (-1.3, 20.0),
        ],
        samples=5,
    )
    fig.add_trace(
        _area(parts["intrathecal_space_body"], [sac], "rgba(120,180,220,0.75)", "#3182bd")
    )
    cord = _smooth_closed(
        [
            (-0.62, 76.0),
            (0.62, 76.0),
            (0.58, 40.0),
            (0.42, 32.0),
            (0.0, 29.6),
            (-0.42, 32.0),
            (-0.58, 40.0),
        ],
        samples=5,
    )
    fig.add_trace(_area(parts["spinal_cord_body"], [cord], "#f2c14e", "#b8860b"))
    roots = [[(dx * 0.5, 30.5), (dx * 0.9, 20.0), (dx * 0.7, 11.5)] for dx in (-1, -0.4, 0.4, 1)]
    fig.add_trace(_decor(roots, None, "#d4a017", 0.8))

    # catheter: pump -> flank (in front), then behind the trunk to the spine, then up inside
    cx, cy = _PUMP_CENTER
    exit_point = (
        cx + _PUMP_RADIUS * math.cos(math.radians(-25)),
        cy + _PUMP_RADIUS * math.sin(math.radians(-25)),
    )
    flank = (15.2, 25.5)
    front = _smooth_open([exit_point, (13.8, 26.3), flank])
    behind = _smooth_open([flank, (12.0, 23.4), (6.0, 22.7), (2.2, 22.9), _ENTRY])
    cath = "#6a3d9a"
    fig.add_trace(_path(parts["tunnelled_catheter"], front, cath, 3.2))
    fig.add_trace(_path(parts["tunnelled_catheter"], behind, cath, 3.2, dash="dash"))
    inside = [(_ENTRY[0], _ENTRY[1] + k * (_TIP[1] - _ENTRY[1]) / 20) for k in range(21)]
    fig.add_trace(_path(parts["catheter_tip"], inside, cath, 2.6))
    fig.add_trace(_marker(parts["catheter_tip"], _TIP, cath, 13, "circle"))
    fig.add_trace(_marker(parts["catheter_entry"], _ENTRY, "#e07b00", 15, "diamond"))

    # pump disc with its central port
    fig.add_trace(
        _area(
            parts["pump"], [_ellipse(cx, cy, _PUMP_RADIUS, _PUMP_RADIUS)], "#aab4bf", "#52606d", 1.8
        )
    )
    fig.add_trace(_decor([_ellipse(cx, cy, 0.9, 0.9, 36)], "#e4e7eb", "#52606d", 1.2))

    fig.layout.annotations = [
        _label(parts["pump"], (cx + 2.2, cy - 2.4), (30, 17), "right"),
        _label(parts["tunnelled_catheter"], (14.0, 26.2), (30, 33), "right"),
        _label(parts["vertebrae"], (2.6, 50.0), (30, 52), "right"),
        _label(parts["catheter_entry"], (_ENTRY[0] - 0.4, _ENTRY[1]), (-30, 16), "left"),
        _label(parts["catheter_tip"], (_TIP[0] - 0.6, _TIP[1]), (-30, 40), "left"),
        _label(parts["intrathecal_space_body"], (-1.2, 58.0), (-30, 58), "left"),
        _label(parts["spinal_cord_body"], (-0.4, 70.0), (-30, 72), "left"),
    ]
    fig.add_annotation(
        _note("dashed: catheter runs behind,<br>around the flank to the back", 0.70, 0.17, 11)
    )
    return _finish(
        fig,
        parts,
        highlight,
        "Hover over a part for its name and role. Entry and tip levels are examples; "
        "the treating team chooses them.",
    )


# ------------------------------------------------------------------------ spine cross-section
def spine_cross_section_figure(
    highlight: str | None = None, data_dir: str | Path | None = None
) -> go.Figure:
    """Draw a slice through the spine, from the skin of the back to the spinal cord.

    Parameters
    ----------
    highlight : str, optional
        A part id of the ``"spine"`` picture to emphasise; ``None`` shows all parts.
    data_dir : str or pathlib.Path, optional
        Directory holding ``system_parts.csv``.

    Returns
    -------
    plotly.graph_objects.Figure
        Layers as filled traces (``trace.meta`` = part id): skin and fat, back muscles,
        vertebra, epidural space, dura, arachnoid, intrathecal space (CSF), spinal cord, and the
        catheter cut across, lying in the CSF.

    Raises
    ------
    ValueError
        If ``highlight`` is not a part of this picture.

    Notes
    -----
    Axial slice seen from below, front of the body at the top (the usual orientation of scan
    images). The membranes and spaces are drawn much thicker than they are so that each can
    be seen and hovered; the dots in the CSF stand for drug spreading from the catheter.

    References
    ----------
    statpearls-spinal-meninges; medtronic-itb-what-is-it; lioresal-hcp-dosing
    """
    parts = _catalogue("spine", data_dir)
    fig = go.Figure(
        layout=_base_layout(
            "Cross-section of the spine: from the skin of the back to the spinal cord (schematic)",
            (-66, 66),
            (-50, 40),
            width=820,
            height=640,
        )
    )
    # skin and fat along the back (bottom of the picture)
    xs = [-60 + 2 * k for k in range(61)]

    def curve(offset: float) -> list[Point]:
        return [(x, offset + 0.0030 * x * x) for x in xs]

    fat = [*curve(-34.0), *reversed(curve(-40.0))]
    skin = [*curve(-40.0), *reversed(curve(-43.0))]
    fig.add_trace(_area(parts["skin_fat"], [fat], "#fbe7b0", "#d9b86c"))
    fig.add_trace(_area(parts["skin_fat"], [skin], "#e0b49a", "#a9745a"))
    muscles = [_ellipse(14.5, -21.5, 11.5, 8.5), _ellipse(-14.5, -21.5, 11.5, 8.5)]
    fig.add_trace(_area(parts["muscle"], muscles, "#e8a0a0", "#b85c5c"))

    body = _ellipse(0, 25.5, 17.5, 11.0)
    arch = _ring(0, 0, (15.5, 14.0), (11.5, 10.5))
    spinous = _smooth_closed(
        [(-3.8, -12.0), (3.8, -12.0), (2.6, -26.0), (0, -29.0), (-2.6, -26.0)], samples=5
    )
    transverse = _ccw([(12.5, 5.0), (27.0, 8.5), (28.0, 3.0), (14.0, -2.5)])
    fig.add_trace(
        _area(
            parts["vertebra"],
            [body, arch, _ccw(spinous), transverse, _ccw(_mirror(transverse))],
            "#efe4c8",
            "#a08c64",
        )
    )
    fig.add_trace(
        _area(
            parts["epidural_space"], [_ring(0, 0, (11.5, 10.5), (9.6, 8.6))], "#fde9a9", "#d9b86c"
        )
    )
    fig.add_trace(_area(parts["dura"], [_ring(0, 0, (9.6, 8.6), (8.7, 7.7))], "#7b5ea7", "#54407a"))
    fig.add_trace(
        _area(parts["arachnoid"], [_ring(0, 0, (8.7, 7.7), (8.1, 7.1))], "#cbb8ec", "#8f78c2")
    )
    fig.add_trace(
        _area(
            parts["intrathecal_space"], [_ring(0, 0, (8.1, 7.1), (5.0, 4.0))], "#9ecae1", "#3182bd"
        )
    )
    fig.add_trace(_area(parts["spinal_cord"], [_ellipse(0, 0, 5.0, 4.0)], "#f2d98c", "#b8860b"))
    butterfly = _smooth_closed(
        [
            (-2.8, 2.4),
            (-0.9, 0.6),
            (0.9, 0.6),
            (2.8, 2.4),
            (2.2, 0.0),
            (3.0, -2.6),
            (0.9, -0.7),
            (-0.9, -0.7),
            (-3.0, -2.6),
            (-2.2, 0.0),
        ],
        samples=4,
    )
    fig.add_trace(_decor([butterfly], "#d9b65a", "#c59a2e", 0.6))
    # drug spreading in the CSF: dots around the ring, denser near the catheter
    dots_x, dots_y = [], []
    for k in range(26):
        angle = -math.pi / 2 + (k - 12.5) * 0.23
        radius = 0.55 + 0.25 * ((k * 7) % 5) / 4
        dots_x.append(round((5.0 + 3.1 * radius) * math.cos(angle), 3))
        dots_y.append(round((4.0 + 3.1 * radius) * math.sin(angle), 3))
    fig.add_trace(
        go.Scatter(
            x=dots_x,
            y=dots_y,
            mode="markers",
            marker={"size": 4, "color": "#6a3d9a", "opacity": 0.7},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_trace(
        _area(
            parts["catheter_in_csf"], [_ellipse(0, -5.6, 1.0, 1.0, 36)], "#6a3d9a", "#3f2460", 1.5
        )
    )
    fig.layout.annotations = [
        _label(parts["vertebra"], (12.0, 30.0), (36, 30), "right"),
        _label(
            parts["epidural_space"],
            (10.5 * math.cos(0.35), 9.5 * math.sin(0.35)),
            (36, 17),
            "right",
        ),
        _label(parts["dura"], (9.15 * math.cos(-0.2), 8.15 * math.sin(-0.2)), (36, 5), "right"),
        _label(parts["arachnoid"], (8.4 * math.cos(-0.6), 7.4 * math.sin(-0.6)), (36, -6), "right"),
        _label(parts["skin_fat"], (24.0, -35.5), (36, -26), "right"),
        _label(
            parts["intrathecal_space"],
            (-6.5 * math.cos(0.45), 5.5 * math.sin(0.45)),
            (-32, 16),
            "left",
        ),
        _label(parts["spinal_cord"], (-2.5, 1.0), (-32, 5), "left"),
        _label(parts["catheter_in_csf"], (-0.9, -5.9), (-32, -6), "left"),
        _label(parts["muscle"], (-17.0, -21.0), (-32, -17), "left"),
    ]
    fig.add_annotation(_note("FRONT of the body", 0.5, 0.985, 12, xanchor="center"))
    fig.add_annotation(
        go.layout.Annotation(
            x=0,
            y=-44.5,
            xref="x",
            yref="y",
            text="BACK (skin surface)",
            showarrow=False,
            yanchor="top",
            name="note",
            font={"size": 12, "color": "#3e4c59", "family": _FONT},
        )
    )
    fig.add_annotation(
        _note("purple dots: drug spreading<br>in the CSF (schematic)", 0.02, 0.93, 11)
    )
    return _finish(
        fig,
        parts,
        highlight,
        "Hover over a layer. The catheter tip lies in the CSF (blue): the drug reaches the cord "
        "directly, so a tiny dose is enough. Layers are drawn thicker than they are.",
    )


# -------------------------------------------------------------------------------- pump figure
_CAP_ANGLE = -22.0  # degrees: catheter access port near the edge, beside the outlet
_CAP_R = 8.0


def pump_figure(highlight: str | None = None, data_dir: str | Path | None = None) -> go.Figure:
    """Draw the inside of a programmable pump, seen from the front.

    Parameters
    ----------
    highlight : str, optional
        A part id of the ``"pump"`` picture to emphasise; ``None`` shows all parts.
    data_dir : str or pathlib.Path, optional
        Directory holding ``system_parts.csv``.

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per part (``trace.meta`` = part id): titanium case, drug reservoir, central
        refill port, catheter access port, pump mechanism, battery, electronics, alarm and the
        catheter.

    Raises
    ------
    ValueError
        If ``highlight`` is not a part of this picture.

    Notes
    -----
    A schematic of a battery-powered programmable pump of the SynchroMed type: the layout of
    the inner parts is simplified and no real model is drawn to scale. The reservoir lies
    beneath the other parts and is shown see-through. Constant-flow (gas-driven) pumps have no
    battery, motor or electronics.

    References
    ----------
    cleveland-clinic-itb-pump; nursing-2004-refill-safety; medtronic-itb-replacement
    """
    parts = _catalogue("pump", data_dir)
    fig = go.Figure(
        layout=_base_layout(
            "Inside a programmable pump (schematic, not to scale)",
            (-30, 30),
            (-19, 14),
            width=820,
            height=600,
        )
    )
    fig.add_trace(_decor([_ellipse(0, 0, 10, 10, 120)], "#dde3e9", "#52606d", 1))
    fig.add_trace(
        _area(parts["housing"], [_ring(0, 0, (10, 10), (9.3, 9.3), 120)], "#9aa5b1", "#52606d")
    )
    fig.add_trace(
        _area(
            parts["reservoir"], [_ellipse(0, 0, 5.8, 5.8, 96)], "rgba(120,180,220,0.85)", "#3182bd"
        )
    )
    fig.add_trace(_area(parts["battery"], [_sector(6.3, 9.0, 28, 108)], "#9fd49f", "#3f8f3f"))
    fig.add_trace(_area(parts["electronics"], [_sector(6.3, 9.0, 116, 196)], "#f5c48a", "#c77c1e"))
    fig.add_trace(_area(parts["alarm"], [_sector(6.3, 9.0, 204, 240)], "#f4a6c0", "#c2185b"))
    fig.add_trace(
        _area(parts["pump_mechanism"], [_sector(6.3, 9.0, 248, 322)], "#b7b7e8", "#5757a8")
    )
    # sound waves beside the alarm, as decoration
    for k, r in enumerate((10.8, 11.8)):
        arc = [
            (r * math.cos(math.radians(a)), r * math.sin(math.radians(a)))
            for a in range(210, 236, 2)
        ]
        fig.add_trace(_decor([arc], None, "#c2185b", 1.4 - 0.4 * k))

    cap = (_CAP_R * math.cos(math.radians(_CAP_ANGLE)), _CAP_R * math.sin(math.radians(_CAP_ANGLE)))
    outlet = (
        10 * math.cos(math.radians(_CAP_ANGLE - 6)),
        10 * math.sin(math.radians(_CAP_ANGLE - 6)),
    )
    # drug path: reservoir -> mechanism -> outlet (decoration, dotted)
    path_pts = [
        (5.6 * math.cos(math.radians(290)), 5.6 * math.sin(math.radians(290))),
        *[
            (7.65 * math.cos(math.radians(a)), 7.65 * math.sin(math.radians(a)))
            for a in range(290, 334, 4)
        ],
        outlet,
    ]
    fig.add_trace(
        go.Scatter(
            x=[round(p[0], 3) for p in path_pts],
            y=[round(p[1], 3) for p in path_pts],
            mode="lines",
            line={"color": "#1f4e79", "width": 2, "dash": "dot"},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    catheter = _smooth_open([outlet, (12.5, -5.9), (14.8, -8.6), (15.6, -12.5), (15.4, -17.5)])
    fig.add_trace(_path(parts["catheter"], catheter, "#6a3d9a", 4))
    fig.add_trace(
        _area(
            parts["catheter_access_port"], [_ellipse(*cap, 1.35, 1.35, 40)], "#f7d154", "#8a6d00", 2
        )
    )
    fig.add_trace(_decor([_ellipse(*cap, 0.55, 0.55, 24)], "#8a6d00", "#8a6d00", 1))
    fig.add_trace(
        _area(parts["refill_port"], [_ellipse(0, 0, 1.9, 1.9, 48)], "#e4e7eb", "#1f2933", 3)
    )
    fig.add_trace(_decor([_ellipse(0, 0, 0.8, 0.8, 24)], "#7b8794", "#52606d", 1))

    def at(radius: float, degrees: float) -> Point:
        return (radius * math.cos(math.radians(degrees)), radius * math.sin(math.radians(degrees)))

    fig.layout.annotations = [
        _label(parts["battery"], at(7.8, 62), (13.0, 11.5), "right"),
        _label(parts["reservoir"], at(4.4, 35), (13.5, 6.0), "right"),
        _label(parts["refill_port"], at(1.5, -20), (13.5, 1.0), "right"),
        _label(parts["catheter_access_port"], (cap[0] + 1.1, cap[1] + 0.5), (15.5, -3.5), "right"),
        _label(parts["catheter"], (15.6, -13.5), (18.0, -13.0), "right"),
        _label(parts["housing"], at(9.65, 140), (-13.0, 11.5), "left"),
        _label(parts["electronics"], at(7.8, 160), (-13.5, 4.5), "left"),
        _label(parts["alarm"], at(7.8, 222), (-13.5, -5.0), "left"),
        _label(parts["pump_mechanism"], at(7.8, 275), (-13.5, -13.0), "left"),
    ]
    fig.add_annotation(
        _note(
            "dotted: drug path from reservoir<br>through the mechanism to the catheter",
            0.01,
            0.10,
            11,
        )
    )
    return _finish(
        fig,
        parts,
        highlight,
        "Hover over a part. Refills go into the CENTRAL port only; the side catheter access port "
        "leads straight to the spinal fluid.",
    )


#: Figure builders by picture name (``"body"``, ``"spine"``, ``"pump"``).
FIGURE_BUILDERS: dict[str, Callable[..., go.Figure]] = {
    "body": body_figure,
    "spine": spine_cross_section_figure,
    "pump": pump_figure,
}


def anatomy_figure(
    figure: str, highlight: str | None = None, data_dir: str | Path | None = None
) -> go.Figure:
    """Build one of the three pictures by name.

    Parameters
    ----------
    figure : str
        ``"body"``, ``"spine"`` or ``"pump"``.
    highlight : str, optional
        A part id of that picture to emphasise.
    data_dir : str or pathlib.Path, optional
        Directory holding ``system_parts.csv``.

    Returns
    -------
    plotly.graph_objects.Figure
        The picture.

    Raises
    ------
    ValueError
        If ``figure`` is unknown or ``highlight`` is not one of its parts.
    """
    if figure not in FIGURES:
        raise ValueError(f"figure must be one of {list(FIGURES)}, got {figure!r}")
    return FIGURE_BUILDERS[figure](highlight=highlight, data_dir=data_dir)
