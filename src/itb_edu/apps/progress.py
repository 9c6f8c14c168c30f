"""My progress: the learner's record by objective, the pre-test and post-test, reset.

:func:`progress_app` reads the learner's record (:mod:`itb_edu.record`) and shows every
learning objective of the course with what was done, what was right first time and what to
revisit, the pre-test and post-test side by side; it prepares a dated page to print for a
preceptor, and deletes the record after a confirmation. :func:`prepost_app` is the short test
on the same objectives, taken before the course and again after it: answers are recorded, the
score is shown, the answers are not (the course teaches them).

The record stays on the learner's computer; nothing is sent anywhere.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

import ipywidgets as widgets

from itb_edu.apps.controls import (
    Field,
    StaticView,
    download_link,
    learner_record,
    record_attempt,
)
from itb_edu.progress_view import progress_table_html, summary_document
from itb_edu.quiz import Question, load_quiz

__all__ = ["PrePostApp", "ProgressApp", "prepost_app", "progress_app"]

_RESULT_STYLE = "border-left:4px solid #1f4e79;background:#f4f7fa;padding:4px 10px;"


def _objectives() -> list[tuple[str, str, str]]:
    from itb_edu import data

    table = data.objectives()
    return [
        (str(r["objective_id"]), str(r["notebook"]), str(r["objective"]))
        for r in table.to_dict("records")
        if r["notebook"] not in ("00_start_here", "06_my_progress", "07_live_room", "08_join_room")
    ]


def _prepost_items() -> list[tuple[str, Question]]:
    from itb_edu import data

    items = []
    for row in data.prepost().to_dict("records"):
        questions = {q.question_id: q for q in load_quiz(str(row["quiz_id"]))}
        items.append((str(row["objective_id"]), questions[str(row["question_id"])]))
    return items


class ProgressApp(StaticView, widgets.VBox):
    """The learner's progress returned by :func:`progress_app`.

    Attributes
    ----------
    table : ipywidgets.HTML
        Every objective: done, right first time, status, pre-test and post-test.
    refresh_button, summary_button, reset_button : ipywidgets.Button
        Read the record again; prepare the dated page to print; start deleting the record.
    name : ipywidgets.Text
        What to print as the learner's name (optional, never stored in the record).
    summary : ipywidgets.HTML
        The download link of the dated page.
    confirm_box : ipywidgets.HBox
        ``Yes, delete my record`` and ``Keep it``, shown after ``reset_button``.
    message : ipywidgets.HTML
        What happened, in words.
    """

    def __init__(self) -> None:
        self.table = widgets.HTML()
        self.table.add_class("itb-progress-table")
        self.refresh_button = widgets.Button(description="Show my progress again", icon="refresh")
        self.name = widgets.Text(
            description="Name on the page (optional)",
            style={"description_width": "190px"},
            layout=widgets.Layout(width="440px"),
        )
        self.summary_button = widgets.Button(
            description="Prepare my summary to print",
            icon="print",
            layout=widgets.Layout(width="auto"),
        )
        self.summary = widgets.HTML()
        self.reset_button = widgets.Button(
            description="Delete my record…",
            icon="trash",
            layout=widgets.Layout(width="auto", align_self="flex-start"),
        )
        self.yes_button = widgets.Button(
            description="Yes, delete my record",
            button_style="danger",
            layout=widgets.Layout(width="auto"),
        )
        self.no_button = widgets.Button(description="Keep it", layout=widgets.Layout(width="auto"))
        self.confirm_text = widgets.HTML(
            "<b>Delete every answer and outcome recorded on this computer? This cannot be "
            "undone.</b>"
        )
        self.confirm_box = widgets.VBox(
            [self.confirm_text, widgets.HBox([self.yes_button, self.no_button])]
        )
        self.confirm_box.layout.display = "none"
        self.message = widgets.HTML()
        self.refresh_button.on_click(self.refresh)
        self.summary_button.on_click(self.prepare_summary)
        self.reset_button.on_click(self.ask_reset)
        self.yes_button.on_click(self.reset)
        self.no_button.on_click(self.keep)
        where = html.escape(str(learner_record().path))
        super().__init__(
            [
                widgets.HTML(
                    f"<p class='itb-small'>Your record is kept on this computer only, in "
                    f"<code>{where}</code>. Nothing is sent anywhere.</p>"
                ),
                self.refresh_button,
                self.table,
                widgets.HBox([self.name, self.summary_button]),
                self.summary,
                self.reset_button,
                self.confirm_box,
                self.message,
            ],
            layout=widgets.Layout(width="100%"),
        )
        self.add_class("itb-progress")
        self.refresh()

    def static_text(self) -> str:
        """Return what the view is, in words."""
        return (
            "My progress (run the notebook, or open it in the app view): every learning "
            "objective with what you have done, what was right first time and what to "
            "revisit, the pre-test and post-test, and a dated summary to print."
        )

    def _progress(self) -> tuple[list[Any], str]:
        mapping = {objective: q.question_id for objective, q in _prepost_items()}
        progress, problem = learner_record().progress(_objectives(), mapping)
        return list(progress), problem

    def refresh(self, button: Any = None) -> None:
        """Read the record and show it."""
        progress, problem = self._progress()
        self.table.value = progress_table_html(progress, problem)

    def prepare_summary(self, button: Any = None) -> None:
        """Make the dated page to print, as a download link."""
        progress, problem = self._progress()
        now = datetime.now()
        page = summary_document(progress, problem, now, self.name.value)
        self.summary.value = download_link(
            page.encode("utf-8"),
            f"itb-edu-progress-{now:%Y-%m-%d}.html",
            "text/html",
            f"Download my summary of {now:%d %B %Y} (HTML, to print)",
        )

    def ask_reset(self, button: Any = None) -> None:
        """Ask for a confirmation before deleting."""
        self.confirm_box.layout.display = None
        self.message.value = ""

    def keep(self, button: Any = None) -> None:
        """Keep the record."""
        self.confirm_box.layout.display = "none"
        self.message.value = "<p>Your record is kept.</p>"

    def reset(self, button: Any = None) -> None:
        """Delete the record (confirmed)."""
        done = learner_record().reset(confirm=True)
        self.confirm_box.layout.display = "none"
        self.message.value = f"<p role='status'>{html.escape(done.message)}</p>"
        self.summary.value = ""
        self.refresh()


def progress_app() -> ProgressApp:
    """Build "My progress"."""
    return ProgressApp()


class PrePostApp(StaticView, widgets.VBox):
    """The pre-test or post-test returned by :func:`prepost_app`.

    Attributes
    ----------
    kind : str
        ``"pre-test"`` or ``"post-test"``.
    questions : list of (str, Question)
        The objective and its question, in order.
    radios : list of ipywidgets.RadioButtons
        One per question, nothing chosen at first.
    submit_button : ipywidgets.Button
        Record the answers.
    result, notice : ipywidgets.HTML
        The score by objective; a plain notice when the record could not be saved.
    """

    def __init__(self, kind: str, questions: list[tuple[str, Question]]) -> None:
        self.kind = kind
        self.questions = questions
        self.radios: list[widgets.RadioButtons] = []
        cards: list[widgets.Widget] = []
        for number, (_objective, question) in enumerate(questions, start=1):
            radio = widgets.RadioButtons(
                options=list(question.choices), value=None, layout=widgets.Layout(width="100%")
            )
            self.radios.append(radio)
            card = widgets.VBox(
                [
                    widgets.HTML(
                        f"<b>Question {number} of {len(questions)}.</b> "
                        f"{html.escape(question.question)}"
                    ),
                    radio,
                ],
                layout=widgets.Layout(
                    border="1px solid #d0d7de", padding="6px 12px", margin="0 0 8px 0"
                ),
            )
            cards.append(card)
        label = "Submit the pre-test" if kind == "pre-test" else "Submit the post-test"
        self.submit_button = widgets.Button(description=label, button_style="primary", icon="check")
        self.field = Field(self.submit_button)
        self.result = widgets.HTML()
        self.notice = widgets.HTML()
        self.submit_button.on_click(self.submit)
        super().__init__(
            [*cards, self.field.box, self.result, self.notice], layout=widgets.Layout(width="100%")
        )
        self.add_class("itb-prepost")

    def static_text(self) -> str:
        """Return the test's questions in words (no answers)."""
        lines = [f"The {self.kind} (run the notebook to answer):"]
        for number, (_objective, question) in enumerate(self.questions, start=1):
            lines.append(f"{number}. {question.question}")
            lines += [f"   - {choice}" for choice in question.choices]
        return "\n".join(lines)

    def static_html(self) -> str:
        """Return the test's questions as HTML (no answers)."""
        items = "".join(
            f"<li><p>{html.escape(q.question)}</p><ul>"
            + "".join(f"<li>{html.escape(c)}</li>" for c in q.choices)
            + "</ul></li>"
            for _objective, q in self.questions
        )
        return (
            f"<div class='itb-quiz-static'><p><b>The {self.kind}</b> (run the notebook to "
            f"answer)</p><ol>{items}</ol></div>"
        )

    def submit(self, button: Any = None) -> None:
        """Record every answer and show the score (not the answers)."""
        left = sum(radio.value is None for radio in self.radios)
        if left:
            self.field.error(
                f"{left} question{'s' if left > 1 else ''} not answered yet: answer every "
                "question, then submit."
            )
            return
        self.field.clear()
        right = 0
        notices = []
        for (objective, question), radio in zip(self.questions, self.radios, strict=True):
            correct = radio.value == question.answer
            right += correct
            notice = record_attempt(self.kind, question.question_id, (objective,), correct)
            if notice and notice not in notices:
                notices.append(notice)
        self.notice.value = "".join(notices)
        self.result.value = (
            f"<div style='{_RESULT_STYLE}' role='status'><b>{self.kind.capitalize()} "
            f"recorded: {right} of {len(self.questions)} right.</b> The answers are taught "
            "in the notebooks; My progress shows which objectives to revisit.</div>"
        )


def prepost_app(kind: str) -> PrePostApp:
    """Build the pre-test (``"pre-test"``) or the post-test (``"post-test"``).

    Raises
    ------
    itb_edu.errors.ParameterError
        About ``kind`` when it is neither.
    """
    from itb_edu.errors import parameter_error

    if kind not in ("pre-test", "post-test"):
        raise parameter_error("kind", kind, "kind must be 'pre-test' or 'post-test'")
    return PrePostApp(kind, _prepost_items())
