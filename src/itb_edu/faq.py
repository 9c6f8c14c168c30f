"""Frequently asked questions about the pump, answered and sourced, kept as data.

The answers live in ``data/faq.csv``; this module loads them, checks them against the team's
seed list of patient questions (``shared/seed-faq.txt`` beside the repository) and renders them
as a styled, collapsible HTML list for the notebooks.

Columns of ``data/faq.csv``:

``faq_id``
    Unique id (``faq-01``).
``question``
    The question, word for word as in the seed list (one row for a question the seed repeats).
``answer``
    The course's answer, in plain words.
``notebook_section``
    The heading of the notebook-01 section that teaches the answer.
``corrects_seed``
    Where the seed's answer was wrong or missing, in plain words; empty when it was right.
``source_ids``
    Semicolon-separated ids that resolve in ``data/sources.csv``.

No Jupyter imports: :func:`faq_html` returns an object with ``_repr_html_`` that notebooks
display.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "FAQ_COLUMNS",
    "HTMLBlock",
    "check_faq",
    "default_seed_path",
    "faq_html",
    "load_faq",
    "read_seed",
    "seed_questions",
]

FAQ_COLUMNS: tuple[str, ...] = (
    "faq_id",
    "question",
    "answer",
    "notebook_section",
    "corrects_seed",
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


def default_seed_path() -> Path:
    """Return where the team's seed question list is expected.

    Returns
    -------
    pathlib.Path
        ``<repository>/../shared/seed-faq.txt`` (``shared/`` sits beside the checkout).
    """
    return Path(__file__).resolve().parents[3] / "shared" / "seed-faq.txt"


def read_seed(path: str | Path | None = None) -> dict[str, str]:
    """Read the seed list: each question with the seed's answer.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The seed file; default :func:`default_seed_path`. Paragraphs are separated by blank
        lines; a paragraph ending in ``?`` is a question, the paragraph after it (if it is not
        a question) is its answer.

    Returns
    -------
    dict
        ``{question: seed answer}`` in first-seen order; the answer is ``""`` where the seed
        gives none. A repeated question keeps the first answer found for it.

    Raises
    ------
    ValueError
        If the file does not exist or holds no question.
    """
    seed = Path(path) if path is not None else default_seed_path()
    if not seed.is_file():
        raise ValueError(f"path={str(seed)!r}: no seed question file there")
    text = seed.read_text(encoding="utf-8").replace("\r\n", "\n")
    paragraphs = [" ".join(block.split()) for block in re.split(r"\n[ \t]*\n", text)]
    paragraphs = [p for p in paragraphs if p]
    result: dict[str, str] = {}
    for k, paragraph in enumerate(paragraphs):
        if not paragraph.endswith("?"):
            continue
        following = paragraphs[k + 1] if k + 1 < len(paragraphs) else ""
        answer = "" if following.endswith("?") else following
        if not result.get(paragraph):
            result[paragraph] = answer
    if not result:
        raise ValueError(f"path={str(seed)!r} holds no question (no paragraph ends with '?')")
    return result


def seed_questions(path: str | Path | None = None) -> list[str]:
    """Return the seed's questions, each once, in order.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The seed file; default :func:`default_seed_path`.

    Returns
    -------
    list of str
        Unique questions, whitespace normalised.
    """
    return list(read_seed(path))


def load_faq(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load ``data/faq.csv``, validated (columns, non-empty cells, resolvable source ids).

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder holding ``faq.csv`` and ``sources.csv``; default the course data folder.

    Returns
    -------
    pandas.DataFrame
        One row per question, columns :data:`FAQ_COLUMNS`; ``corrects_seed`` is ``""`` where
        the seed was right.

    Raises
    ------
    ValueError
        If a column is missing or a required cell is empty.
    itb_edu.data.DataValidationError
        If a source id does not resolve (raised by :func:`itb_edu.data.load_table`).
    """
    from itb_edu import data

    faq = data.load_table("faq", data_dir).copy()
    missing = [column for column in FAQ_COLUMNS if column not in faq.columns]
    if missing:
        raise ValueError(f"faq.csv is missing column(s) {missing}")
    faq = faq[list(FAQ_COLUMNS)].fillna("").astype(str)
    for column in FAQ_COLUMNS:
        if column == "corrects_seed":
            continue
        empty = faq.loc[faq[column].str.strip() == "", "faq_id"].tolist()
        if empty:
            raise ValueError(f"faq.csv: empty {column} in row(s) {empty}")
    return faq.reset_index(drop=True)


def check_faq(
    faq: pd.DataFrame,
    seed: dict[str, str] | None = None,
    known_source_ids: set[str] | None = None,
) -> list[str]:
    """List what is wrong with the FAQ table, in plain words (empty list: all good).

    Parameters
    ----------
    faq : pandas.DataFrame
        The table, as from :func:`load_faq`.
    seed : dict, optional
        ``{question: seed answer}`` as from :func:`read_seed`; default the team's seed file.
    known_source_ids : set of str, optional
        Ids in ``data/sources.csv``; default read with :func:`itb_edu.data.sources`.

    Returns
    -------
    list of str
        One message per problem: a seed question with no row, no answer or no source; a
        source id that does not resolve; a repeated question or id; a seed question the seed
        left unanswered whose row does not say so in ``corrects_seed``.
    """
    if seed is None:
        seed = read_seed()
    if known_source_ids is None:
        from itb_edu import data

        known_source_ids = set(data.sources()["source_id"])
    problems: list[str] = []
    for column in ("faq_id", "question"):
        repeated = sorted({v for v in faq[column] if (faq[column] == v).sum() > 1})
        problems += [f"{column} {value!r} appears more than once" for value in repeated]
    rows = {
        " ".join(str(q).split()): row
        for q, row in zip(faq["question"], faq.to_dict("records"), strict=True)
    }
    for question, seed_answer in seed.items():
        row = rows.get(question)
        if row is None:
            problems.append(f"seed question {question!r} has no row")
            continue
        if not str(row["answer"]).strip():
            problems.append(f"seed question {question!r} has no answer")
        ids = [s.strip() for s in str(row["source_ids"]).split(";") if s.strip()]
        if not ids:
            problems.append(f"seed question {question!r} has no source")
        problems += [
            f"seed question {question!r} cites unknown source {source_id!r}"
            for source_id in ids
            if source_id not in known_source_ids
        ]
        if not seed_answer and not str(row["corrects_seed"]).strip():
            problems.append(
                f"seed question {question!r} was unanswered in the seed, "
                "but corrects_seed does not say so"
            )
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
        Deterministic HTML: each answer, a highlighted note where the seed's answer was wrong
        or missing, the section that teaches it and the full citations.

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
            raise ValueError(f"section={section!r} matches no question in the FAQ")
    items = []
    for row in rows:
        ids = [s.strip() for s in str(row["source_ids"]).split(";") if s.strip()]
        sources = "".join(
            f"<li>{html.escape(citations.get(source_id, source_id))} "
            f"<code>[{html.escape(source_id)}]</code></li>"
            for source_id in ids
        )
        fix = str(row["corrects_seed"]).strip()
        fix_html = (
            f"<div class='itb-faq-fix'><b>Correction to the seed answer.</b> "
            f"{html.escape(fix)}</div>"
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
