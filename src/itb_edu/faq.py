"""Frequently asked questions about the pump, answered and sourced, kept as data.

The questions patients and families ask, each as they ask it, and the course's answers live in
``data/faq.csv``, inside the repository: the course needs nothing beside it. This module loads
them and checks that every question has a sourced answer; :func:`itb_edu.presentation.faq_html`
renders them as a styled, collapsible list for the notebooks.

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

No Jupyter imports and no HTML here: :func:`itb_edu.presentation.faq_html` shows the table.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "FAQ_COLUMNS",
    "check_faq",
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
