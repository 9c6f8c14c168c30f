"""Presentation shared by the notebook helpers and the apps: styled HTML tables.

The domain modules return data; this module and the figure builders turn it into what a
learner sees. It sits above the domain layer and below the apps and the notebook helpers, so
both can use it without importing each other.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .errors import parameter_error

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from IPython.display import HTML

__all__ = ["TABLE_CSS", "show_table", "stable_id", "table_html"]

#: Styles of the course tables (high contrast, left-aligned, readable on a projector).
TABLE_CSS = """
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


def stable_id(*parts: object) -> str:
    """Return a short id derived from ``parts``, the same on every run (stored notebooks)."""
    digest = hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()
    return f"itb{digest[:10]}"


def table_html(
    frame: pd.DataFrame,
    caption: str | None,
    formatters: dict | None = None,
    escape: bool = True,
) -> str:
    """Return a DataFrame as a styled ``<table class="itb-table">`` (no CSS, no index).

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to show.
    caption : str or None
        A caption above the table.
    formatters : dict, optional
        ``{column: function(value) -> str}``.
    escape : bool
        Escape cell text as HTML (default True).

    Returns
    -------
    str
        Deterministic HTML.
    """
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
    table_id = stable_id(caption, tuple(frame.columns), len(frame))
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
            raise parameter_error(
                "columns", missing, f"columns not in the table: {', '.join(missing)}"
            )
        frame = frame[wanted]
        if isinstance(columns, dict):
            frame = frame.rename(columns=columns)
    return HTML(TABLE_CSS + table_html(frame, caption))
