"""Self-check quiz widget: one mechanism for every notebook.

Pure ipywidgets (no custom JavaScript), so it works in JupyterLab and Voilà.
The right answer and the explanation live only in Python until the learner
presses *Check*: no widget holds them in its value, description or tooltip
before that.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from itb_edu.apps.controls import record_attempt
from itb_edu.quiz import (
    Feedback,
    NumericQuestion,
    Question,
    check_answer,
    check_number,
    load_numeric,
    load_quiz,
    load_source_citations,
)

__all__ = ["quiz_app"]

_CORRECT_STYLE = "border-left:4px solid #1a7f37;background:#eef8f0;padding:6px 10px;"
_WRONG_STYLE = "border-left:4px solid #b3261e;background:#fdf0ef;padding:6px 10px;"
_NOTICE_STYLE = "border-left:4px solid #9a6700;background:#fff8e5;padding:6px 10px;"
_VIGNETTE_STYLE = "border:1px solid #c8d1dc;background:#f6f8fa;padding:8px 12px;border-radius:4px;"
_EMPTY_CHOICE_MESSAGE = "Choose an answer first, then press Check."
_EMPTY_NUMBER_MESSAGE = "Type a number first, then press Check."
_RETRY_STYLE = "border-left:4px solid #9a6700;background:#fff8e5;padding:6px 10px;"


def _feedback_html(result: Feedback, citations: dict[str, tuple[str, str]]) -> str:
    """Return the verdict in words and an icon (never colour alone), then the sources."""
    if result.correct:
        style, icon = _CORRECT_STYLE, "✔"
    elif result.revealed:
        style, icon = _WRONG_STYLE, "✘"
    else:
        style, icon = _RETRY_STYLE, "↻"
    return (
        f"<div style='{style}' role='status'>{icon} {html.escape(result.message)}"
        f"{_sources_html(result.source_ids, citations)}</div>"
    )


def _sources_html(source_ids: tuple[str, ...], citations: dict[str, tuple[str, str]]) -> str:
    items = []
    for source_id in source_ids:
        citation, url = citations[source_id]
        text = html.escape(citation)
        if url:
            link = html.escape(url, quote=True)
            text += f' <a href="{link}" target="_blank" rel="noopener">link</a>'
        items.append(f"<li>{text}</li>")
    return "<div><b>Sources</b><ul style='margin:2px 0'>" + "".join(items) + "</ul></div>"


def _score_text(first_try: dict[str, bool], total: int) -> str:
    right = sum(first_try.values())
    return (
        f"<b>Score:</b> {right} of {total} right at the first try "
        f"&middot; {len(first_try)} of {total} answered"
    )


def _question_card(
    number: int,
    total: int,
    question: Question,
    show_vignette: bool,
    citations: dict[str, tuple[str, str]],
    on_first_check,
) -> widgets.VBox:
    parts: list[widgets.Widget] = []
    if show_vignette:
        parts.append(
            widgets.HTML(
                f"<div style='{_VIGNETTE_STYLE}'><b>Case (fictional patient)</b><br>"
                f"{html.escape(question.vignette)}</div>"
            )
        )
    parts.append(
        widgets.HTML(
            f"<b>Question {number} of {total}.</b> {html.escape(question.question)}",
            layout=widgets.Layout(width="100%"),
        )
    )
    radio = widgets.RadioButtons(
        options=list(question.choices),
        value=None,
        layout=widgets.Layout(width="100%"),
        style={"description_width": "0px"},
    )
    check = widgets.Button(description="Check", button_style="primary", icon="check")
    feedback = widgets.HTML("")
    feedback.add_class("itb-quiz-feedback")
    checked = {"done": False}

    attempts = {"n": 0, "revealed": False}

    def on_check(_button=None) -> None:
        if radio.value is None:
            feedback.value = f"<div style='{_NOTICE_STYLE}'>{_EMPTY_CHOICE_MESSAGE}</div>"
            return
        attempts["n"] += 1
        attempt = 2 if attempts["revealed"] else attempts["n"]
        result = check_answer(question, radio.value, attempt=attempt)
        attempts["revealed"] = attempts["revealed"] or result.revealed
        feedback.value = _feedback_html(result, citations)
        if not checked["done"]:
            checked["done"] = True
            on_first_check(question.question_id, result.correct)

    def on_change(_change) -> None:
        feedback.value = ""

    check.on_click(on_check)
    radio.observe(on_change, names="value")
    parts += [radio, check, feedback]
    card = widgets.VBox(
        parts,
        layout=widgets.Layout(
            border="1px solid #d0d7de", padding="8px 12px", margin="0 0 10px 0", width="100%"
        ),
    )
    card.add_class("itb-quiz-question")
    return card


def _numeric_card(
    number: int,
    total: int,
    question: NumericQuestion,
    citations: dict[str, tuple[str, str]],
    on_first_check,
) -> widgets.VBox:
    text = widgets.HTML(
        f"<b>Question {number} of {total}.</b> {html.escape(question.question)}",
        layout=widgets.Layout(width="100%"),
    )
    entry = widgets.Text(
        value="",
        placeholder="a number, for example 12.5",
        description=f"Your answer ({question.unit})",
        style={"description_width": "150px"},
        layout=widgets.Layout(width="320px"),
    )
    check = widgets.Button(description="Check", button_style="primary", icon="check")
    feedback = widgets.HTML("")
    feedback.add_class("itb-quiz-feedback")
    state = {"n": 0, "revealed": False, "done": False}

    def on_check(_button=None) -> None:
        typed = entry.value.strip().replace(",", ".")
        if not typed:
            feedback.value = f"<div style='{_NOTICE_STYLE}'>{_EMPTY_NUMBER_MESSAGE}</div>"
            return
        try:
            value = float(typed)
            attempt = 2 if state["revealed"] else int(state["n"]) + 1
            result = check_number(question, value, attempt=attempt)
        except ValueError:  # a ParameterError too; the entry stays as typed, to be corrected
            feedback.value = (
                f"<div style='{_NOTICE_STYLE}'>⚠ {html.escape(entry.value)} is not a number: "
                "type digits, for example 12.5.</div>"
            )
            return
        state["n"] = int(state["n"]) + 1
        state["revealed"] = bool(state["revealed"]) or result.revealed
        feedback.value = _feedback_html(result, citations)
        if not state["done"]:
            state["done"] = True
            on_first_check(question.question_id, result.correct)

    check.on_click(on_check)
    entry.observe(lambda _change: setattr(feedback, "value", ""), names="value")
    card = widgets.VBox(
        [text, entry, check, feedback],
        layout=widgets.Layout(
            border="1px solid #d0d7de", padding="8px 12px", margin="0 0 10px 0", width="100%"
        ),
    )
    card.add_class("itb-quiz-question")
    card.add_class("itb-quiz-numeric")
    return card


class QuizApp(widgets.VBox):
    """The self-check widget returned by :func:`quiz_app`.

    Where the widget cannot be drawn (a stored notebook opened before running, a notebook
    viewer, a printout) it shows its questions and choices in words, never a Python repr and
    never the answers.
    """

    def __init__(
        self,
        children: list[widgets.Widget],
        questions: list[Question],
        numeric: list[NumericQuestion] | None = None,
    ) -> None:
        super().__init__(children, layout=widgets.Layout(width="100%"))
        self.questions = questions
        self.numeric = numeric or []
        self.add_class("itb-quiz")

    def _plain_questions(self) -> list[tuple[str, list[str]]]:
        return [
            (f"{q.vignette} {q.question}" if q.vignette else q.question, list(q.choices))
            for q in self.questions
        ] + [(f"{q.question} (answer in {q.unit})", []) for q in self.numeric]

    def __repr__(self) -> str:
        lines = ["Check your understanding (run the notebook to answer and see the feedback):"]
        for number, (question, choices) in enumerate(self._plain_questions(), start=1):
            lines.append(f"{number}. {question}")
            lines += [f"   - {choice}" for choice in choices]
        return "\n".join(lines)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/plain"] = repr(self)
        items = "".join(
            f"<li><p>{html.escape(question)}</p><ul>"
            + "".join(f"<li>{html.escape(choice)}</li>" for choice in choices)
            + "</ul></li>"
            for question, choices in self._plain_questions()
        )
        data["text/html"] = (
            "<div class='itb-quiz-static'><p><b>Check your understanding</b> (run the notebook "
            f"to answer and see the feedback)</p><ol>{items}</ol></div>"
        )
        return bundle


def quiz_app(
    quiz_id: str,
    section: str | None = None,
    *,
    data_dir: str | Path | None = None,
) -> QuizApp:
    """Build the self-check widget for one quiz (or one section of it).

    Parameters
    ----------
    quiz_id : str
        File name without ``.csv`` in ``data/quiz``.
    section : str, optional
        Show only questions of this section; default all.
    data_dir : str or pathlib.Path, optional
        Project data directory; default the repository's ``data``.

    Returns
    -------
    QuizApp
        An ``ipywidgets.VBox``. Children: one card per question (``VBox``: optional case vignette,
        question text, ``RadioButtons`` with nothing selected, a *Check*
        ``Button``, a feedback ``HTML`` that stays empty until the learner
        checks), then a score line (``HTML``).

    Raises
    ------
    itb_edu.errors.ParameterError
        Bad ``quiz_id`` or ``section``.
    itb_edu.data.DataValidationError
        A malformed quiz file, with its file, line and column (see
        :func:`itb_edu.quiz.load_quiz`).

    Notes
    -----
    The score counts each question's first checked answer. A first wrong answer says why
    that choice is wrong and invites a second attempt; the right answer and the explanation
    come with a right answer or the second wrong one. Numeric questions of the same section
    follow the choice questions: a number in the question's unit, checked by the reservoir
    engine. Pressing *Check* with nothing chosen or typed shows a plain-words notice.
    Changing the answer clears the feedback until the learner checks again.
    """
    questions = load_quiz(quiz_id, section, data_dir=data_dir)
    numeric = load_numeric(quiz_id, section, data_dir=data_dir)
    citations = load_source_citations(data_dir)
    total = len(questions) + len(numeric)
    first_try: dict[str, bool] = {}
    score = widgets.HTML(_score_text(first_try, total))
    notice = widgets.HTML("")
    notice.add_class("itb-record-notice")
    tags = {q.question_id: ("question", q.objective_ids) for q in questions}
    tags.update({q.question_id: ("numeric", q.objective_ids) for q in numeric})

    def on_first_check(question_id: str, correct: bool) -> None:
        first_try[question_id] = correct
        score.value = _score_text(first_try, total)
        kind, objective_ids = tags[question_id]
        notice.value = record_attempt(kind, question_id, objective_ids, correct)

    cards = []
    previous_vignette = ""
    for number, question in enumerate(questions, start=1):
        show_vignette = bool(question.vignette) and question.vignette != previous_vignette
        previous_vignette = question.vignette
        cards.append(
            _question_card(number, total, question, show_vignette, citations, on_first_check)
        )
    for number, item in enumerate(numeric, start=len(questions) + 1):
        cards.append(_numeric_card(number, total, item, citations, on_first_check))
    return QuizApp([*cards, score, notice], questions, numeric)
