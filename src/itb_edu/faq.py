"""Frequently asked questions about the pump, answered and sourced, kept as data.

The questions patients and families ask, each as they ask it, and the course's answers live in
``data/faq.csv``, inside the repository: the course needs nothing beside it. This module loads
them, checks that every question has a sourced answer, and renders them as a styled,
collapsible HTML list for the notebooks.

Columns of ``data/faq.csv``:

``faq_id``
    Unique id (``faq-01``).
``question``
    The question in the words patients use (each question once).
``answer``
    The course's answer, in plain words.
``notebook_section``
    The heading of the notebook-01 section that teaches the answer.
``common_mistake``
    Where the answer patients often meet is wrong or missing (for example the refill
    interval given for how long the pump lasts), in plain words; empty when there is none.
``source_ids``
    Semicolon-separated ids that resolve in ``data/sources.csv``.

No Jupyter imports: :func:`faq_html` returns an object with ``_repr_html_`` that notebooks
display.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ._validate import parameter_error

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "FAQ_COLUMNS",
    "HTMLBlock",
    "check_faq",
    "faq_html",
    "load_faq",
]

FAQ_COLUMNS: tuple[str, ...] = (
    "faq_id",
    "question",
    "answer",
    "notebook_section",
    "common_mistake",
    "source_ids",
)


@dataclass(frozen=True)
class HTMLBlock:
    """A piece of HTML that Jupyter displays as rich output.

    Attributes
    ----------
    html : str
        The markup.
    """

    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def load_faq(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load ``data/faq.csv``, validated (columns, non-empty cells, resolvable source ids).

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder holding ``faq.csv`` and ``sources.csv``; default the course data folder.

    Returns
    -------
    pandas.DataFrame
        One row per question, columns :data:`FAQ_COLUMNS`; ``common_mistake`` is ``""`` where
        there is none to correct.

    Raises
    ------
    itb_edu.data.DataValidationError
        If a column is missing, a required cell is empty or a source id does not resolve, with
        the file, line and column (raised by :func:`itb_edu.data.faq`).
    """
    from itb_edu import data

    faq = data.faq(data_dir)
    return faq[list(FAQ_COLUMNS)].fillna("").astype(str).reset_index(drop=True)


def check_faq(
    faq: pd.DataFrame,
    known_source_ids: set[str] | None = None,
) -> list[str]:
    """List what is wrong with the FAQ table, in plain words (empty list: all good).

    Parameters
    ----------
    faq : pandas.DataFrame
        The table, as from :func:`load_faq`.
    known_source_ids : set of str, optional
        Ids in ``data/sources.csv``; default read with :func:`itb_edu.data.sources`.

    Returns
    -------
    list of str
        One message per problem: a question with no answer or no source, a source id that does
        not resolve, a question or id that appears twice, a question that is not a question.
    """
    if known_source_ids is None:
        from itb_edu import data

        known_source_ids = set(data.sources()["source_id"])
    problems: list[str] = []
    normalised = faq.assign(question=[" ".join(str(q).split()) for q in faq["question"]])
    for column in ("faq_id", "question"):
        counts = normalised[column].value_counts()
        problems += [
            f"{column} {value!r} appears more than once"
            for value in sorted(counts[counts > 1].index)
        ]
    for row in normalised.to_dict("records"):
        question = row["question"]
        if not question.endswith("?"):
            problems.append(f"question {question!r} does not end with '?'")
        if not str(row["answer"]).strip():
            problems.append(f"question {question!r} has no answer")
        ids = [s.strip() for s in str(row["source_ids"]).split(";") if s.strip()]
        if not ids:
            problems.append(f"question {question!r} has no source")
        problems += [
            f"question {question!r} cites unknown source {source_id!r}"
            for source_id in ids
            if source_id not in known_source_ids
        ]
    return problems


_CSS = """
<style>
.itb-faq {font-family: Arial, Helvetica, sans-serif; max-width: 60rem;}
.itb-faq details {border: 1px solid #c8d1dc; border-radius: 4px; margin: 4px 0;
  background: #ffffff;}
.itb-faq summary {cursor: pointer; padding: 8px 12px; font-weight: bold; color: #1f2933;
  background: #f5f7fa;}
.itb-faq .itb-faq-body {padding: 6px 14px 10px 14px; color: #1f2933; line-height: 1.45;}
.itb-faq .itb-faq-fix {border-left: 4px solid #9a6700; background: #fff8e5;
  padding: 4px 10px; margin: 6px 0;}
.itb-faq .itb-faq-meta {font-size: 0.88em; color: #52606d;}
.itb-faq ul {margin: 2px 0 0 0;}
</style>
"""


def faq_html(
    faq: pd.DataFrame | None = None,
    citations: dict[str, str] | None = None,
    section: str | None = None,
) -> HTMLBlock:
    """Render the FAQ as a collapsible list (one ``<details>`` per question).

    Parameters
    ----------
    faq : pandas.DataFrame, optional
        The table; default :func:`load_faq`.
    citations : dict, optional
        ``{source_id: citation}``; default read from ``data/sources.csv``.
    section : str, optional
        Show only the questions taught in this notebook section (exact heading text).

    Returns
    -------
    HTMLBlock
        Deterministic HTML: each answer, a highlighted note where a common answer is wrong or
        missing, the section that teaches it and the full citations.

    Raises
    ------
    ValueError
        If ``section`` matches no question.
    """
    if faq is None:
        faq = load_faq()
    if citations is None:
        from itb_edu import data

        table = data.sources()
        citations = dict(zip(table["source_id"], table["citation"], strict=True))
    rows = faq.to_dict("records")
    if section is not None:
        rows = [row for row in rows if row["notebook_section"] == section]
        if not rows:
            raise parameter_error(
                "section", section, f"section={section!r} matches no question in the FAQ"
            )
    items = []
    for row in rows:
        ids = [s.strip() for s in str(row["source_ids"]).split(";") if s.strip()]
        sources = "".join(
            f"<li>{html.escape(citations.get(source_id, source_id))} "
            f"<code>[{html.escape(source_id)}]</code></li>"
            for source_id in ids
        )
        fix = str(row["common_mistake"]).strip()
        fix_html = (
            f"<div class='itb-faq-fix'><b>A common mistake, corrected.</b> {html.escape(fix)}</div>"
            if fix
            else ""
        )
        items.append(
            "<details>"
            f"<summary>{html.escape(str(row['question']))}</summary>"
            "<div class='itb-faq-body'>"
            f"<p>{html.escape(str(row['answer']))}</p>"
            f"{fix_html}"
            f"<div class='itb-faq-meta'>Taught in: {html.escape(str(row['notebook_section']))}"
            f"<br>Sources:<ul>{sources}</ul></div>"
            "</div></details>"
        )
    return HTMLBlock(_CSS + "<div class='itb-faq'>" + "".join(items) + "</div>")
