"""Helpers the course notebooks call: setup, styled tables and the sources list.

Every function here returns an object that displays the same way each time it runs (fixed
table ids, no memory addresses), so stored notebook outputs can be checked by nbval.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from . import DISCLAIMER
from . import data as _data

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from IPython.display import HTML

__all__ = ["course_map", "disclaimer", "setup", "show_table", "sources_table"]

#: Renderer for plotly figures in notebooks. ``plotly_mimetype`` stores only the figure's JSON
#: (JupyterLab and Voilà draw it with the bundled jupyterlab-plotly extension), which keeps the
#: notebooks small. Handouts set ``ITB_EDU_PLOTLY_RENDERER`` to a renderer that embeds plotly.js;
#: the app view of ``make app`` shows figures as widgets (see :func:`setup`).
DEFAULT_RENDERER = "plotly_mimetype"

_TABLE_CSS = """
<style>
.itb-table {border-collapse: collapse; font-size: 0.95em; margin: 0.4em 0 1em 0;}
.itb-table caption {caption-side: top; text-align: left; font-weight: 600; padding: 0.3em 0;}
.itb-table th {background: #1f4e79; color: #fff; text-align: left !important;
  padding: 6px 10px; vertical-align: bottom;}
.itb-table td {padding: 6px 10px; vertical-align: top; border-bottom: 1px solid #d0d7de;
  max-width: 38em; white-space: normal; text-align: left !important;}
.itb-table tr:nth-child(even) td {background: #f4f7fa;}
.itb-note {border-left: 4px solid #b45309; background: #fff7ed; padding: 0.5em 0.8em;
  margin: 0.5em 0;}
</style>
"""


def setup() -> None:
    """Prepare a notebook: plotly renderer and pandas display options.

    Notes
    -----
    Call once, in the first code cell. The renderer is, in this order: the environment
    variable ``ITB_EDU_PLOTLY_RENDERER`` (the handout export uses it); in the app view of
    ``make app``, figure widgets that share the page's one plotly bundle
    (:func:`itb_edu.apps._figurewidget.in_served_app_view`); else :data:`DEFAULT_RENDERER`.
    """
    import pandas as pd
    import plotly.io as pio

    from .apps import _figurewidget

    renderer = os.environ.get("ITB_EDU_PLOTLY_RENDERER")
    if renderer is None:
        renderer = (
            _figurewidget.register_widget_renderer()
            if _figurewidget.in_served_app_view()
            else DEFAULT_RENDERER
        )
    pio.renderers.default = renderer
    pd.set_option("display.max_colwidth", 200)
    pd.set_option("display.max_rows", 200)


def _stable_id(*parts: object) -> str:
    digest = hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()
    return f"itb{digest[:10]}"


def _table_html(
    frame: pd.DataFrame,
    caption: str | None,
    formatters: dict | None = None,
    escape: bool = True,
) -> str:
    formatters = formatters or {}
    head = "".join(f"<th>{html.escape(str(col))}</th>" for col in frame.columns)
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for col in frame.columns:
            value = row[col]
            if col in formatters:
                text = formatters[col](value)
            elif value is None or (isinstance(value, float) and value != value):
                text = ""
            elif isinstance(value, float) and value.is_integer():
                text = f"{value:.0f}"
            else:
                text = str(value)
            cells.append(f"<td>{html.escape(text) if escape else text}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    table_id = _stable_id(caption, tuple(frame.columns), len(frame))
    return (
        f'<table class="itb-table" id="{table_id}">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def show_table(
    frame: pd.DataFrame,
    caption: str | None = None,
    columns: Sequence[str] | dict[str, str] | None = None,
) -> HTML:
    """Return a clear, styled HTML table for a DataFrame.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; its index is not shown.
    caption : str, optional
        A caption above the table.
    columns : sequence of str or dict, optional
        Columns to show, in order; a dict maps column names to display headings.

    Returns
    -------
    IPython.display.HTML
        Deterministic HTML (no random ids), safe to compare between runs.
    """
    from IPython.display import HTML

    if columns is not None:
        wanted = list(columns)
        missing = [c for c in wanted if c not in frame.columns]
        if missing:
            raise ValueError(f"columns not in the table: {', '.join(missing)}")
        frame = frame[wanted]
        if isinstance(columns, dict):
            frame = frame.rename(columns=columns)
    return HTML(_TABLE_CSS + _table_html(frame, caption))


def sources_table(ids: Iterable[str] | None = None, caption: str = "Sources") -> HTML:
    """Return the citations for the given source ids as a styled table.

    Parameters
    ----------
    ids : str or iterable of str, optional
        Source ids from ``data/sources.csv``, in the order to list them (a string may hold
        several, separated by spaces or ``;``); all sources when omitted.
    caption : str, optional
        Table caption.

    Returns
    -------
    IPython.display.HTML
        One row per source: id, kind, full citation and a link where the source is public.

    Raises
    ------
    ValueError
        If an id is not in ``data/sources.csv``.
    """
    from IPython.display import HTML

    if isinstance(ids, str):
        ids = re.split(r"[;\s]+", ids.strip())
    table = _data.sources() if ids is None else _data.resolve_sources(list(ids))

    def link(url: object) -> str:
        if not isinstance(url, str) or not url:
            return "not public online"
        safe = html.escape(url, quote=True)
        return f'<a href="{safe}" target="_blank" rel="noopener">{html.escape(url)}</a>'

    shown = table.rename(columns={"source_id": "id"})[["id", "kind", "citation", "url"]]
    escaped = shown.assign(
        id=shown["id"].map(html.escape),
        kind=shown["kind"].map(html.escape),
        citation=shown["citation"].map(html.escape),
        url=shown["url"].map(link),
    ).rename(columns={"url": "link"})
    return HTML(_TABLE_CSS + _table_html(escaped, caption, escape=False))


def disclaimer() -> HTML:
    """Return the course's education-only notice as a highlighted box.

    Returns
    -------
    IPython.display.HTML
        The notice, for display beside any calculator.
    """
    from IPython.display import HTML

    return HTML(f'{_TABLE_CSS}<div class="itb-note">{html.escape(DISCLAIMER)}</div>')


def course_map() -> HTML:
    """Return the course map (each notebook, what it teaches, time, whom it suits).

    Returns
    -------
    IPython.display.HTML
        A styled table built from :data:`itb_edu.course.COURSE`.
    """
    import pandas as pd

    from .course import COURSE

    frame = pd.DataFrame(
        {
            "Notebook": [m.notebook for m in COURSE],
            "Title": [m.title for m in COURSE],
            "What it teaches": [m.teaches for m in COURSE],
            "Time": [f"about {m.minutes} min" for m in COURSE],
            "Suits": [m.suits for m in COURSE],
        }
    )
    return show_table(frame, caption="The course map")
