"""Part explorer: pick a part, see it highlighted in the picture and read what it does.

One app per picture (``"body"``, ``"spine"``, ``"pump"``): a list of the picture's parts beside
a ``go.FigureWidget``. Choosing a part emphasises it, dims the rest and shows its plain
explanation and sources beside the picture; "Show all parts" restores the full picture.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets
import plotly.graph_objects as go

from itb_edu.apps.controls import DescribedHBox
from itb_edu.figure_widget import figure_widget
from itb_edu.figures.anatomy import anatomy_figure
from itb_edu.parts import FIGURES, parts_for

__all__ = ["SHOW_ALL", "part_explorer"]

#: Label of the selector option that shows every part.
SHOW_ALL = "Show all parts"

_PANEL_STYLE = (
    "border-left:4px solid #d62728;background:#fdf3f3;padding:8px 12px;"
    "font-family:Arial,Helvetica,sans-serif;line-height:1.45;"
)
_INTRO_STYLE = (
    "border-left:4px solid #9aa5b1;background:#f5f7fa;padding:8px 12px;"
    "font-family:Arial,Helvetica,sans-serif;line-height:1.45;"
)


def _citations(data_dir: str | Path | None) -> dict[str, str]:
    from itb_edu import data

    table = data.sources(data_dir)
    return dict(zip(table["source_id"], table["citation"], strict=True))


def _fit(fig: go.Figure, width_px: int) -> go.Figure:
    """Scale the picture to ``width_px`` wide and drop its caption (the panel shows it)."""
    scale = width_px / fig.layout.width
    fig.layout.width = width_px
    fig.layout.height = round(fig.layout.height * scale)
    kept = []
    for annotation in fig.layout.annotations:
        if annotation.name == "caption":
            continue
        if annotation.showarrow:
            annotation.font.size = 12
        kept.append(annotation)
    fig.layout.annotations = kept
    fig.layout.margin.b = 20
    return fig


def part_explorer(
    figure: str = "pump",
    data_dir: str | Path | None = None,
    figure_width_px: int = 680,
) -> widgets.HBox:
    """Build the part explorer for one picture.

    Parameters
    ----------
    figure : str, optional
        ``"body"``, ``"spine"`` or ``"pump"`` (default ``"pump"``).
    data_dir : str or pathlib.Path, optional
        Folder holding ``system_parts.csv`` and ``sources.csv``; default the course data.
    figure_width_px : int, optional
        Width of the picture [px] (default 680, so that picture and panel fit side by side
        in a JupyterLab notebook); the height keeps the picture's proportions.

    Returns
    -------
    ipywidgets.HBox
        The picture (``go.FigureWidget``) with, beside it, the part selector and the
        explanation panel. For tests and notebooks the box also carries ``selector``
        (``ipywidgets.RadioButtons`` whose value is a part id, or ``None`` for all parts),
        ``figure_widget`` and ``explanation`` (``ipywidgets.HTML``).

    Raises
    ------
    ValueError
        If ``figure`` is not one of the pictures, or ``figure_width_px`` is not between 320
        and 1600.

    Notes
    -----
    The figure is rebuilt with :func:`itb_edu.figures.anatomy.anatomy_figure` for each choice
    and only the styling (opacity, outline, labels, caption) is copied into the live widget,
    inside one ``batch_update``.
    """
    if figure not in FIGURES:
        raise ValueError(f"figure must be one of {list(FIGURES)}, got {figure!r}")
    if (
        isinstance(figure_width_px, bool)
        or not isinstance(figure_width_px, int)
        or not 320 <= figure_width_px <= 1600
    ):
        raise ValueError(
            f"figure_width_px must be a whole number from 320 to 1600, got {figure_width_px!r}"
        )
    parts = {part.part_id: part for part in parts_for(figure, data_dir)}
    citations = _citations(data_dir)
    base = _fit(anatomy_figure(figure, data_dir=data_dir), figure_width_px)
    fig_widget = figure_widget(data=base.data, layout=base.layout)

    selector = widgets.RadioButtons(
        options=[(SHOW_ALL, None), *((part.name, part.part_id) for part in parts.values())],
        value=None,
        description="",
        layout=widgets.Layout(width="auto"),
        style={"description_width": "0px"},
    )
    intro = (
        f"<div style='{_INTRO_STYLE}'><b>Pick a part</b> to highlight it, or hover over the "
        "picture. The drawing is schematic, not to scale; positions and levels are examples."
        "</div>"
    )
    explanation = widgets.HTML(intro, layout=widgets.Layout(width="100%"))

    def panel(part_id: str | None) -> str:
        if part_id is None:
            return intro
        part = parts[part_id]
        refs = "".join(
            f"<li>{html.escape(citations.get(source_id, source_id))}</li>"
            for source_id in part.source_ids
        )
        return (
            f"<div style='{_PANEL_STYLE}'><b>{html.escape(part.name)}</b><br>"
            f"{html.escape(part.explanation)}"
            f"<div style='font-size:0.85em;color:#52606d;margin-top:6px'>Sources:"
            f"<ul style='margin:2px 0 0 0;padding-left:18px'>{refs}</ul></div></div>"
        )

    def show(change: dict) -> None:
        part_id = change["new"]
        styled = _fit(anatomy_figure(figure, highlight=part_id, data_dir=data_dir), figure_width_px)
        with fig_widget.batch_update():
            for live, new in zip(fig_widget.data, styled.data, strict=True):
                live.opacity = new.opacity
                if new.mode == "markers":
                    live.marker.line = new.marker.line
                else:
                    live.line = new.line
            fig_widget.layout.annotations = styled.layout.annotations
        explanation.value = panel(part_id)

    selector.observe(show, names="value")
    side = widgets.VBox(
        [widgets.HTML("<b>Parts</b>"), selector, explanation],
        layout=widgets.Layout(width="290px", min_width="240px", padding="0 0 0 8px"),
    )
    names = "; ".join(part.name for part in parts.values())
    items = "".join(
        f"<li><b>{html.escape(part.name)}</b>: {html.escape(part.explanation)}</li>"
        for part in parts.values()
    )
    box = DescribedHBox(
        [fig_widget, side],
        text=(
            f"Picture of the {figure} with its parts (run the notebook, or open the app view, "
            f"to choose a part and see it highlighted): {names}."
        ),
        html_text=(
            f"<div class='itb-app-static'><p><b>Picture of the {html.escape(figure)}</b> (run "
            "the notebook, or open the app view, to choose a part and see it highlighted). "
            f"The parts, in words:</p><ul>{items}</ul></div>"
        ),
        layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"),
    )
    box.selector = selector
    box.figure_widget = fig_widget
    box.explanation = explanation
    return box
