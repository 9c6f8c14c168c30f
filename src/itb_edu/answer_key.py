"""Printable class sheets from the question data: the questions, and the answer key apart.

``make answer-key`` writes both pages (``scripts/answer_key.py``). Everything comes from the
quiz files, the numeric questions (whose answers the reservoir engine works out) and the
emergency cases, so the key never drifts from what the learners see.

- :func:`question_sheet_html`: every self-check question of the course with its choices, for
  a class to answer on paper: no answers, no explanations.
- :func:`answer_key_html`: for each question the right answer, the explanation, the
  objectives it checks and the sources; for each numeric question the engine's value; and
  the guide to the emergency cases.
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

__all__ = ["answer_key_html", "question_sheet_html"]

_PAGE_CSS = """
<style>
body {font-family: system-ui, Arial, sans-serif; color: #000; background: #fff;
  max-width: 48rem; margin: 1.5rem auto; line-height: 1.45; font-size: 1.05em;}
h1 {font-size: 1.5em;} h2 {font-size: 1.25em; margin-top: 1.6em; break-after: avoid;}
ol.itb-questions > li {margin-bottom: 0.9em; break-inside: avoid;}
.itb-choices {list-style: upper-alpha;}
.itb-answer {margin: 2px 0;}
.itb-small {font-size: 0.9em; color: #333;}
@media print {body {margin: 0; font-size: 11pt;} h2 {break-before: page;}}
</style>
"""


def _quizzes(data_dir: Any) -> list[tuple[str, list[Any], list[Any]]]:
    from . import data, quiz

    return [
        (
            quiz_id,
            quiz.load_quiz(quiz_id, data_dir=data_dir),
            quiz.load_numeric(quiz_id, data_dir=data_dir),
        )
        for quiz_id in data.quiz_ids(data_dir)
    ]


def _titles() -> dict[str, str]:
    from .course import COURSE

    return {m.notebook.removesuffix(".ipynb"): m.title for m in COURSE}


def _page(title: str, body: str, today: date | None) -> str:
    stamp = (today or date.today()).isoformat()
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>{_PAGE_CSS}</head><body>"
        f"<h1>{html.escape(title)}</h1><p class='itb-small'>itb-edu, generated {stamp} from "
        "the course's question data. For education, not for managing a real pump.</p>"
        f"{body}</body></html>"
    )


def question_sheet_html(data_dir: Any = None, today: date | None = None) -> str:
    """Return every self-check question with its choices, for a class: no answers.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
    today : datetime.date, optional
        The date printed on the page; today by default.

    Returns
    -------
    str
        A whole HTML page, one section per notebook, the questions numbered as in the key.
    """
    titles = _titles()
    sections = []
    for quiz_id, questions, numeric in _quizzes(data_dir):
        items = []
        for q in questions:
            case = (
                f"<p class='itb-small'><b>Case (fictional patient):</b> {html.escape(q.vignette)}"
                "</p>"
                if q.vignette
                else ""
            )
            choices = "".join(f"<li>{html.escape(c)}</li>" for c in q.choices)
            items.append(
                f"<li>{case}<p class='itb-answer'>{html.escape(q.question)} "
                f"<span class='itb-small'>[{html.escape(q.question_id)}]</span></p>"
                f"<ol class='itb-choices'>{choices}</ol></li>"
            )
        for n in numeric:
            items.append(
                f"<li><p class='itb-answer'>{html.escape(n.question)} "
                f"<span class='itb-small'>[{html.escape(n.question_id)}]</span></p>"
                f"<p>Answer: ____________ {html.escape(n.unit)}</p></li>"
            )
        sections.append(
            f"<h2>{html.escape(quiz_id[:2])}. {html.escape(titles.get(quiz_id, quiz_id))}</h2>"
            f"<ol class='itb-questions'>{''.join(items)}</ol>"
        )
    return _page("Self-check questions", "".join(sections), today)


def answer_key_html(data_dir: Any = None, today: date | None = None) -> str:
    """Return the answer key: answers, explanations, objectives and sources; the case guide.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
    today : datetime.date, optional

    Returns
    -------
    str
        A whole HTML page, in the order of :func:`question_sheet_html`.
    """
    from . import data, quiz
    from .case_presentation import case_guide_html

    citations = quiz.load_source_citations(data_dir)
    objectives = dict(
        zip(
            data.objectives(data_dir)["objective_id"],
            data.objectives(data_dir)["objective"],
            strict=True,
        )
    )
    titles = _titles()

    def sources(ids: tuple[str, ...]) -> str:
        return "; ".join(html.escape(citations[i][0]) for i in ids)

    def checks(ids: tuple[str, ...]) -> str:
        return " ".join(html.escape(objectives[i]) for i in ids)

    sections = []
    for quiz_id, questions, numeric in _quizzes(data_dir):
        items = []
        for q in questions:
            letter = "ABCDEFGH"[q.choices.index(q.answer)]
            items.append(
                f"<li><p class='itb-answer'><b>[{html.escape(q.question_id)}] {letter}. "
                f"{html.escape(q.answer)}</b></p><p class='itb-answer'>"
                f"{html.escape(q.explanation)}</p><p class='itb-small'><b>Checks:</b> "
                f"{checks(q.objective_ids)}</p><p class='itb-small'><b>Sources:</b> "
                f"{sources(q.source_ids)}</p></li>"
            )
        for n in numeric:
            value = quiz.expected_value(n, data_dir)
            items.append(
                f"<li><p class='itb-answer'><b>[{html.escape(n.question_id)}] {value:.2f}".rstrip(
                    "0"
                ).rstrip(".")
                + f" {html.escape(n.unit)}</b> (accepted within ±{n.tolerance:g}; worked out "
                f"by the reservoir engine)</p><p class='itb-answer'>"
                f"{html.escape(quiz.check_number(n, value, data_dir=data_dir).message)}</p>"
                f"<p class='itb-small'><b>Checks:</b> {checks(n.objective_ids)}</p>"
                f"<p class='itb-small'><b>Sources:</b> {sources(n.source_ids)}</p></li>"
            )
        sections.append(
            f"<h2>{html.escape(quiz_id[:2])}. {html.escape(titles.get(quiz_id, quiz_id))}</h2>"
            f"<ol class='itb-questions'>{''.join(items)}</ol>"
        )
    guide = case_guide_html(data_dir).html
    body = "".join(sections) + f"<h2>05. The emergency cases</h2>{guide}"
    return _page("Answer key (for educators)", body, today)
