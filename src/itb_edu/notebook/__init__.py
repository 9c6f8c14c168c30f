"""Helpers the course notebooks call: setup, styled tables and the sources list.

Every function here returns an object that displays the same way each time it runs (fixed
table ids, no memory addresses), so stored notebook outputs can be checked by nbval.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .. import DISCLAIMER
from .. import data as _data
from ..presentation import TABLE_CSS as _TABLE_CSS
from ..presentation import register_formatters, show_table
from ..presentation import table_html as _table_html

if TYPE_CHECKING:  # pragma: no cover
    from IPython.display import HTML

__all__ = [
    "course_map",
    "disclaimer",
    "figure",
    "setup",
    "show_table",
    "sources_table",
    "teaching_paths",
]

#: Renderer for plotly figures in notebooks. ``plotly_mimetype`` stores only the figure's JSON
#: (JupyterLab and Voilà draw it with the bundled jupyterlab-plotly extension), which keeps the
#: notebooks small. Handouts set ``ITB_EDU_PLOTLY_RENDERER`` to a renderer that embeds plotly.js;
#: the app view of ``make app`` shows figures as widgets (see :func:`setup`).
DEFAULT_RENDERER = "plotly_mimetype"


def setup() -> None:
    """Prepare a notebook: plotly renderer, pandas display options, engine results in words.

    Notes
    -----
    Call once, in the first code cell. The renderer is, in this order: the environment
    variable ``ITB_EDU_PLOTLY_RENDERER`` (the handout export uses it); in the app view of
    ``make app``, figure widgets that share the page's one plotly bundle
    (:func:`itb_edu.figure_widget.in_served_app_view`); else :data:`DEFAULT_RENDERER`.
    """
    import pandas as pd
    import plotly.io as pio

    from .. import figure_widget

    renderer = os.environ.get("ITB_EDU_PLOTLY_RENDERER")
    if renderer is None:
        renderer = (
            figure_widget.register_widget_renderer()
            if figure_widget.in_served_app_view()
            else DEFAULT_RENDERER
        )
    pio.renderers.default = renderer
    pd.set_option("display.max_colwidth", 200)
    pd.set_option("display.max_rows", 200)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is part of the course environment
        return
    shell = get_ipython()
    if shell is not None:
        register_formatters(shell)


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

    from ..course import COURSE

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


def teaching_paths() -> HTML:
    """Return the instructor guide's two paths, section by section, with their timings.

    Returns
    -------
    IPython.display.HTML
        One styled table per path (``data/teaching_plan.csv``): order, notebook and section,
        minutes, what the educator does, the "Think!" prompt and the misconception it
        corrects; each caption gives the path's total minutes.
    """
    from IPython.display import HTML

    plan = _data.teaching_plan()
    titles = {"core-2h": "The 2-hour core path", "half-day": "The half-day path"}
    parts = []
    for path, title in titles.items():
        rows = plan[plan["path"] == path].sort_values("order")
        frame = rows.assign(
            where=[
                f"{n[:2]} · {s}" for n, s in zip(rows["notebook"], rows["section"], strict=True)
            ],
            time=[f"{m:g} min" for m in rows["minutes"]],
            order=[f"{o:g}" for o in rows["order"]],
        )[["order", "where", "time", "activity", "think_prompt", "misconception"]]
        frame.columns = ["#", "Notebook · section", "Time", "You", "Think!", "Misconception"]
        total = int(rows["minutes"].sum())
        parts.append(_table_html(frame, f"{title}: {total} minutes of teaching"))
    return HTML(_TABLE_CSS + "".join(parts))


def figure(fig: Any) -> Any:
    """Show a figure, then its text alternative (a description and its data, on demand).

    Parameters
    ----------
    fig : plotly.graph_objects.Figure

    Returns
    -------
    itb_edu.presentation.HTMLBlock
        :func:`itb_edu.presentation.figure_words` of the figure, shown below it.
    """
    from IPython.display import display

    from ..presentation import figure_words

    display(fig)
    return figure_words(fig)


def glossary() -> HTML:
    """Return the glossary: every technical word of the course, defined, with its sources."""
    import pandas as pd

    table = _data.glossary()
    table = table.sort_values("term", key=lambda terms: terms.str.lower())
    frame = pd.DataFrame(
        {
            "Word": table["term"],
            "What it means": table["definition"],
            "Sources": [s.replace(";", "; ") for s in table["source_ids"]],
        }
    )
    return show_table(frame, caption="Glossary")


def instructor_guide() -> Any:
    """Return the instructor guide (``docs/instructor-guide.md``) to show in the notebook.

    Returns
    -------
    IPython.display.Markdown
        The guide, read from the checkout's ``docs/`` (or the copy installed with the
        package), its links to other course files made to work from ``notebooks/``.
    """
    from pathlib import Path

    from IPython.display import Markdown

    package = Path(_data.__file__).resolve().parent
    for candidate in (
        package.parents[1] / "docs" / "instructor-guide.md",  # a source checkout: <repo>/docs
        package / "_docs" / "instructor-guide.md",  # the installed package
    ):
        if candidate.exists():
            text = candidate.read_text(encoding="utf-8")
            break
    else:  # pragma: no cover - the package always carries the guide
        return Markdown("The instructor guide is in `docs/instructor-guide.md` of the course.")
    text = re.sub(r"\]\((?!https?:|#|\.\./)([^)]+\.md)\)", r"](../docs/\1)", text)
    text = text.replace("](../data/", "](../data/")
    text = re.sub(r"^# ", "### ", text, flags=re.MULTILINE)  # inside the notebook's section
    text = re.sub(r"^## ", "#### ", text, flags=re.MULTILINE)
    text = re.sub(r"^### (?!Instructor)", "##### ", text, flags=re.MULTILINE)
    return Markdown(text)
