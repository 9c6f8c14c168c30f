"""Emergencies that unfold over time: play a fictional case, action by action, against the clock.

:func:`case_app` shows one case of :mod:`itb_edu.cases`: the story, the patient now (clock,
observations and findings in words), a list of the first-actions checklist with a *Do it*
button, the engine's feedback, and the patient's timeline as one ``FigureWidget`` updated in
place. Every decision and every number comes from the engine: this module reads the list,
calls :func:`itb_edu.cases.act` and puts the answer on the screen. A harmful choice is stopped
and shown on the timeline that would follow; the learner chooses again. At the end: the
debrief (the learner's own timeline, the checklist, what to do differently, sources) and the
family's take-home sheet to print.

Also here: :func:`teach_back_app`, the teach-back practice of :mod:`itb_edu.teaching`.

For education only: not for managing a real patient.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from itb_edu import DISCLAIMER
from itb_edu.apps.controls import (
    Field,
    StaticView,
    download_link,
    learner_message,
    record_attempt,
)
from itb_edu.case_presentation import (
    GROUP_WORDS,
    case_debrief_html,
    case_feedback_html,
    case_story_html,
    case_view_html,
    family_sheet_document,
    family_sheet_html,
    figure_text_html,
    teach_back_feedback_html,
    teach_back_item_html,
)
from itb_edu.cases import Case, CaseState, act, debrief, finish, load_cases, start, view
from itb_edu.errors import ParameterError, parameter_error
from itb_edu.figure_widget import figure_widget
from itb_edu.figures.cases import case_timeline_figure, timeline_alt_text
from itb_edu.quiz import load_source_citations
from itb_edu.teaching import (
    TeachBackItem,
    check_judgement,
    check_question,
    family_sheet,
    teach_back_items,
    topics,
)

__all__ = ["CaseApp", "TeachBackApp", "case_app", "teach_back_app"]

_LABELS = {"action_id": "action"}
#: The first entry of the action list: nothing chosen yet.
_PLACEHOLDER = "Choose your next action…"


class CaseApp(StaticView, widgets.VBox):
    """The emergency-case practice returned by :func:`case_app`.

    Attributes
    ----------
    state : itb_edu.cases.CaseState
        The case so far (from the engine).
    case, restart_button : ipywidgets.Dropdown, ipywidgets.Button
        Choose a case; start it again.
    story, patient : ipywidgets.HTML
        The case as introduced; the patient now.
    action : ipywidgets.Dropdown
        The checklist's actions (value: the engine's action id; ``""`` while nothing is chosen).
    do_button, end_button : ipywidgets.Button
        Do the chosen action; end the case and see the debrief.
    feedback, debrief, sheet : ipywidgets.HTML
        The engine's answer, the debrief, the family sheet and its download link.
    figure : plotly.graph_objects.FigureWidget
        The patient's timeline.
    message : ipywidgets.HTML
        The message beside the action list.
    """

    def __init__(
        self, cases: dict[str, Case], case_id: str, citations: dict[str, tuple[str, str]]
    ) -> None:
        self._cases = cases
        self.citations = citations
        self.case = widgets.Dropdown(
            options=[(c.title, key) for key, c in cases.items()],
            value=case_id,
            description="Case",
            style={"description_width": "50px"},
            layout=widgets.Layout(width="520px"),
        )
        self.restart_button = widgets.Button(description="Start again", icon="refresh")
        self.story = widgets.HTML()
        self.patient = widgets.HTML()
        self.patient.add_class("itb-case-patient")
        checklist = next(iter(cases.values())).checklist
        self.action = widgets.Dropdown(
            options=[(_PLACEHOLDER, "")]
            + [
                (f"{GROUP_WORDS[item.group]}: {item.label}", item.action_id)
                for item in checklist.values()
            ],
            value="",
            description="Your next action",
            style={"description_width": "130px"},
            layout=widgets.Layout(width="100%", max_width="62rem"),
        )
        self.field = Field(self.action, below=True)
        self.message = self.field.message
        self.action.observe(self.field.clear, names="value")
        self.do_button = widgets.Button(description="Do it", button_style="primary", icon="play")
        self.end_button = widgets.Button(
            description="End the case and debrief", icon="flag", layout=widgets.Layout(width="auto")
        )
        self.feedback = widgets.HTML()
        self.feedback.add_class("itb-case-feedback")
        self.debrief = widgets.HTML()
        self.debrief.add_class("itb-case-debrief")
        self.sheet = widgets.HTML()
        self.sheet.add_class("itb-case-sheet")
        self.notice = widgets.HTML()
        self.notice.add_class("itb-record-notice")
        self._recorded = False
        self.state: CaseState = start(cases[case_id])
        first = case_timeline_figure(self.state)
        self.figure = figure_widget(data=first.data, layout=first.layout)
        self.figure_alt = widgets.HTML()
        self.case.observe(self.restart, names="value")
        self.restart_button.on_click(self.restart)
        self.do_button.on_click(self.do)
        self.end_button.on_click(self.end)
        note = widgets.HTML(f"<small><i>{html.escape(DISCLAIMER)}</i></small>")
        super().__init__(
            [
                widgets.HBox([self.case, self.restart_button]),
                self.story,
                self.patient,
                self.field.box,
                widgets.HBox([self.do_button, self.end_button]),
                self.feedback,
                self.figure,
                self.figure_alt,
                self.debrief,
                self.notice,
                self.sheet,
                note,
            ],
            layout=widgets.Layout(width="100%"),
        )
        self.add_class("itb-case")
        self.restart()

    # -- where the widget cannot be drawn ------------------------------------------------------
    def static_text(self) -> str:
        """Return what the practice is, in words (no answers)."""
        titles = "; ".join(c.title for c in self._cases.values())
        return (
            "Emergency case practice (run the notebook, or open it in the app view, to play): "
            f"choose a case ({titles}), then choose actions from the first-actions checklist "
            "one at a time and press Do it; the patient's course moves on while you act, and "
            "the debrief shows your own timeline with sources."
        )

    def static_html(self) -> str:
        """Return the practice's purpose and the cases as HTML (no answers)."""
        items = "".join(
            f"<li><b>{html.escape(c.title)}</b> ({html.escape(c.patient)}): "
            f"{html.escape(c.story)}</li>"
            for c in self._cases.values()
        )
        return (
            "<div class='itb-app-static'><p><b>Emergency case practice</b> (run the notebook, "
            "or open it in the app view, to play). Choose a case, then choose actions from the "
            "first-actions checklist one at a time and press <b>Do it</b>: the patient's course "
            "moves on while you act, and the debrief shows your own timeline with sources.</p>"
            f"<ol>{items}</ol></div>"
        )

    # -- drawing -------------------------------------------------------------------------------
    def _draw(self) -> None:
        self.patient.value = case_view_html(view(self.state))
        new = case_timeline_figure(self.state)
        with self.figure.batch_update():
            self.figure.data = ()
            for trace in new.data:
                self.figure.add_trace(trace)
            self.figure.layout.title = new.layout.title
            self.figure.layout.xaxis.range = new.layout.xaxis.range
            self.figure.layout.meta = new.layout.meta
        self.figure_alt.value = figure_text_html(self.state, timeline_alt_text(self.state))
        over = self.state.finished
        self.do_button.disabled = over
        self.action.disabled = over
        self.end_button.disabled = over
        if over:
            self._show_debrief()

    def _show_debrief(self) -> None:
        result = debrief(self.state)
        case = self.state.case
        sheet = family_sheet(case.case_id)
        page = family_sheet_document(sheet, self.citations).encode("utf-8")
        link = download_link(
            page,
            f"family-sheet-{case.case_id}.html",
            "text/html",
            "Download the family sheet to print (HTML)",
        )
        self.sheet.value = (
            "<h3>The family's take-home sheet</h3>"
            + family_sheet_html(sheet, self.citations)
            + f"<p>{link}</p>"
        )
        self.debrief.value = case_debrief_html(result, self.citations)
        if not self._recorded:  # after everything is on screen: the record is a file write
            self._recorded = True
            self.notice.value = record_attempt(
                "case", case.case_id, case.objective_ids, result.outcome == "good", result.outcome
            )

    # -- actions -------------------------------------------------------------------------------
    def restart(self, change: Any = None) -> None:
        """Start the chosen case from the moment the learner meets the patient."""
        self.state = start(self._cases[self.case.value])
        self._recorded = False
        self.notice.value = ""
        self.story.value = case_story_html(self.state)
        self.feedback.value = ""
        self.debrief.value = ""
        self.sheet.value = ""
        self.action.value = ""
        self.field.clear()
        self._draw()

    def do(self, button: Any = None) -> None:
        """Send the chosen action to the engine and show what happened."""
        self.field.clear()
        if not self.action.value:
            self.field.error("Choose an action in the list first.")
            return
        try:
            state, feedback = act(self.state, self.action.value)
        except ParameterError as error:  # the state is unchanged
            self.field.error(learner_message(error, _LABELS, capitalize=True))
            return
        self.state = state
        self.feedback.value = case_feedback_html(
            feedback, self.citations, arrival_hours=state.case.arrival_hours
        )
        self.action.value = ""
        self._draw()

    def end(self, button: Any = None) -> None:
        """End the case now and show the debrief."""
        self.state = finish(self.state)
        self._draw()


def case_app(case_id: str | None = None) -> CaseApp:
    """Build the emergency-case practice.

    Parameters
    ----------
    case_id : str, optional
        A row of ``data/cases.csv`` to start with; default the first.

    Returns
    -------
    CaseApp

    Raises
    ------
    itb_edu.errors.ParameterError
        About ``case`` when ``case_id`` is not a case.
    """
    cases = load_cases()
    if case_id is None:
        case_id = next(iter(cases))
    if case_id not in cases:
        start(case_id)  # raises the engine's error, naming the cases
    return CaseApp(cases, case_id, load_source_citations())


class TeachBackApp(StaticView, widgets.VBox):
    """The teach-back practice returned by :func:`teach_back_app`.

    Attributes
    ----------
    item : ipywidgets.Dropdown
        The topic practised.
    taught : ipywidgets.HTML
        What the nurse has just taught.
    question : ipywidgets.RadioButtons
        The questions to choose from (nothing chosen at first).
    check_button : ipywidgets.Button
        Check the chosen question.
    answer : ipywidgets.HTML
        The fictional patient's answer, shown once the right question is chosen.
    understood_button, reteach_button : ipywidgets.Button
        The learner's verdict on the answer.
    feedback, verdict : ipywidgets.HTML
        The engine's answers.
    """

    def __init__(
        self, items: dict[str, TeachBackItem], citations: dict[str, tuple[str, str]]
    ) -> None:
        self._items = items
        self.citations = citations
        titles = {t.topic_id: t.topic for t in topics().values()}
        self.item = widgets.Dropdown(
            options=[(titles[i.topic_id], k) for k, i in items.items()],
            description="Practise",
            style={"description_width": "70px"},
            layout=widgets.Layout(width="420px"),
        )
        self.taught = widgets.HTML()
        self.question = widgets.RadioButtons(
            options=[], value=None, layout=widgets.Layout(width="100%")
        )
        self.field = Field(self.question, below=True)
        self.field.box.children = (
            widgets.HTML("<b>Which question do you ask to check understanding?</b>"),
            *self.field.box.children,
        )
        self.check_button = widgets.Button(
            description="Check", button_style="primary", icon="check"
        )
        self.feedback = widgets.HTML()
        self.answer = widgets.HTML()
        wide = widgets.Layout(width="auto")
        self.understood_button = widgets.Button(description="Understood: move on", layout=wide)
        self.reteach_button = widgets.Button(description="Re-teach and check again", layout=wide)
        self.judge_box = widgets.VBox(
            [self.answer, widgets.HBox([self.understood_button, self.reteach_button])]
        )
        self.verdict = widgets.HTML()
        self.notice = widgets.HTML()
        self.notice.add_class("itb-record-notice")
        self._judged: set[str] = set()
        self.item.observe(self.restart, names="value")
        self.question.observe(self.field.clear, names="value")
        self.check_button.on_click(self.check)
        self.understood_button.on_click(lambda b: self.judge(True))
        self.reteach_button.on_click(lambda b: self.judge(False))
        super().__init__(
            [
                self.item,
                self.taught,
                self.field.box,
                self.check_button,
                self.feedback,
                self.judge_box,
                self.verdict,
                self.notice,
            ],
            layout=widgets.Layout(width="100%"),
        )
        self.add_class("itb-teach-back")
        self.restart()

    def static_text(self) -> str:
        """Return what the practice is, in words (no answers)."""
        return (
            "Teach-back practice (run the notebook, or open it in the app view, to practise): "
            "for each topic, choose the question that checks the family's understanding, then "
            "judge the fictional patient's answer."
        )

    def static_html(self) -> str:
        """Return the practice and what was taught in each item as HTML (no answers)."""
        items = "".join(
            f"<li>{html.escape(i.taught)}</li><ul>"
            + "".join(f"<li>{html.escape(q)}</li>" for q in i.questions)
            + "</ul>"
            for i in self._items.values()
        )
        return (
            "<div class='itb-app-static'><p><b>Teach-back practice</b> (run the notebook, or "
            "open it in the app view, to practise). Choose the question you would ask, then "
            f"judge the fictional patient's answer.</p><ol>{items}</ol></div>"
        )

    @property
    def current(self) -> TeachBackItem:
        """The item being practised."""
        return self._items[self.item.value]

    def restart(self, change: Any = None) -> None:
        """Open the chosen item from the start."""
        item = self.current
        self.taught.value = teach_back_item_html(item)
        self.question.options = list(item.questions)
        self.question.value = None
        self.feedback.value = ""
        self.answer.value = ""
        self.verdict.value = ""
        self.judge_box.layout.display = "none"
        self.field.clear()

    def check(self, button: Any = None) -> None:
        """Check the chosen question; once right, show the patient's answer to judge."""
        if self.question.value is None:
            self.field.error("Choose a question first.")
            return
        result = check_question(self.current, self.question.value)
        self.feedback.value = teach_back_feedback_html(result, self.citations)
        if result.correct:
            self.answer.value = (
                "<p><b>The patient answers (fictional):</b> "
                f"\u201c{html.escape(self.current.answer)}\u201d</p>"
                "<p>Is this understood, or do you re-teach and check again?</p>"
            )
            self.judge_box.layout.display = None

    def judge(self, understood: bool) -> None:
        """Judge the patient's answer and show whether the verdict was right, and why."""
        item = self.current
        result = check_judgement(item, understood)
        self.verdict.value = teach_back_feedback_html(result, self.citations)
        if item.item_id not in self._judged:  # the first verdict is the one recorded
            self._judged.add(item.item_id)
            self.notice.value = record_attempt(
                "teach-back", item.item_id, item.objective_ids, result.correct
            )


def teach_back_app(item_id: str | None = None) -> TeachBackApp:
    """Build the teach-back practice.

    Parameters
    ----------
    item_id : str, optional
        A row of ``data/teach_back.csv`` to open first; default the first.

    Returns
    -------
    TeachBackApp
    """
    items = teach_back_items()
    app = TeachBackApp(items, load_source_citations())
    if item_id is not None:
        if item_id not in items:
            raise parameter_error(
                "item_id", item_id, f"no teach-back item {item_id!r}; items: {', '.join(items)}"
            )
        app.item.value = item_id
    return app
