"""My progress in words: the learner's record by objective, and a dated summary to print.

Presentation (figures layer) for :mod:`itb_edu.apps.progress`: a status in words and an icon
for every objective (never colour alone), the pre-test and post-test side by side, and a whole
printable page with the date, for a preceptor.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from .presentation import TABLE_CSS

if TYPE_CHECKING:  # pragma: no cover
    from .record import ObjectiveProgress

__all__ = ["STATUS_WORDS", "progress_counts", "progress_table_html", "summary_document"]

#: Each status with its icon.
STATUS_WORDS: dict[str, str] = {
    "right first time": "✔ right first time",
    "to revisit": "↻ to revisit",
    "not yet seen": "○ not yet seen",
}


def progress_counts(progress: Sequence[ObjectiveProgress]) -> dict[str, int]:
    """Return how many objectives have each status."""
    return {status: sum(p.status == status for p in progress) for status in STATUS_WORDS}


def _mark(result: str) -> str:
    return {"right": "✔ right", "wrong": "✘ wrong"}.get(result, "not taken")


def progress_table_html(progress: Sequence[ObjectiveProgress], problem: str = "") -> str:
    """Return the learner's progress as a table, one row per objective, with a count line.

    Parameters
    ----------
    progress : sequence of ObjectiveProgress
        From :meth:`itb_edu.record.LearnerRecord.progress`.
    problem : str, optional
        Why the record file could not be read (shown first, in words).

    Returns
    -------
    str
    """
    counts = progress_counts(progress)
    line = " · ".join(f"{STATUS_WORDS[s]}: {n}" for s, n in counts.items())
    notice = (
        f"<p role='status'>⚠ {html.escape(problem)}. Only this session's answers are shown.</p>"
        if problem
        else ""
    )
    rows = "".join(
        "<tr>"
        f"<td>{html.escape(p.notebook[:2])}</td>"
        f"<td>{html.escape(p.objective)}</td>"
        f"<td>{p.seen}</td><td>{p.right_first}</td>"
        f"<td>{html.escape(STATUS_WORDS[p.status])}</td>"
        f"<td>{html.escape(_mark(p.pre_test)) if p.pre_test or p.post_test else ''}</td>"
        f"<td>{html.escape(_mark(p.post_test)) if p.pre_test or p.post_test else ''}</td>"
        "</tr>"
        for p in progress
    )
    return (
        f"{TABLE_CSS}{notice}<p><b>{html.escape(line)}</b></p>"
        '<table class="itb-table"><caption>My progress by learning objective</caption><thead>'
        "<tr><th>Notebook</th><th>Objective</th><th>Done</th><th>Right first time</th>"
        "<th>Status</th><th>Pre-test</th><th>Post-test</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def summary_document(
    progress: Sequence[ObjectiveProgress], problem: str, when: datetime, name: str = ""
) -> str:
    """Return a whole printable page: the date, the learner's name if given, the table.

    Parameters
    ----------
    progress : sequence of ObjectiveProgress
    problem : str
        As :func:`progress_table_html`.
    when : datetime
        The date and time printed on the summary.
    name : str, optional
        What the learner wants on the page (their name); nothing by default.

    Returns
    -------
    str
    """
    who = f"<p><b>Learner:</b> {html.escape(name)}</p>" if name.strip() else ""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>itb-edu: my progress</title>"
        "<style>body{font-family:system-ui,Arial,sans-serif;max-width:60rem;margin:1.5rem auto;"
        "color:#000;background:#fff}@media print{body{margin:0;font-size:10.5pt}}</style>"
        "</head><body><h1>itb-edu: my progress</h1>"
        f"<p><b>Printed:</b> {when:%A %d %B %Y, %H:%M}</p>{who}"
        f"{progress_table_html(progress, problem)}"
        "<p>The self-checks, cases and practice of the itb-edu course on intrathecal baclofen "
        "therapy, recorded on the learner's own computer. An education record, not a "
        "certificate of competence; no patient information is held.</p></body></html>"
    )
