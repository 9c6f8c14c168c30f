"""The refill visit, step by step: practise a fictional refill visit and its programming.

:func:`visit_app` shows one scenario of :mod:`itb_edu.visit` at a time: the story, the step, what
the learner knows at that point and the step's choices (radio buttons and a *Check* button) or
inputs (the fill volume; a mock programmer). Every decision comes from the engine: this module
only reads the controls into an :class:`~itb_edu.visit.Action` and puts the engine's answer into
words on the screen. A wrong answer keeps the learner on the step; a value the engine refuses
shows a plain message beside its control and nothing is lost. At the end: the debrief and, for
a completed visit, the patient's alarm-date card and a calendar file.

At the step that finds the port a picture of the pump can be clicked: a click on the central
refill port or on the catheter access port selects the matching answer in the list, which
does everything on its own for keyboard and screen-reader users.

For education only: not for programming, refilling or managing a real pump.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

import ipywidgets as widgets
import plotly.graph_objects as go

from itb_edu import DISCLAIMER
from itb_edu.apps.controls import (
    Field,
    FieldSpec,
    StaticView,
    download_link,
    learner_message,
    record_attempt,
)
from itb_edu.errors import ParameterError
from itb_edu.figure_widget import figure_widget
from itb_edu.figures.anatomy import pump_figure
from itb_edu.presentation import (
    VISIT_CSS,
    rows_html,
    visit_debrief_html,
    visit_feedback_html,
)
from itb_edu.quiz import load_source_citations
from itb_edu.scheduling import alarm_ical
from itb_edu.visit import (
    DOSE_UNITS,
    STEPS,
    Action,
    Programme,
    Scenario,
    StepView,
    VisitState,
    act,
    debrief,
    load_scenarios,
    start,
    trap_steps,
    view,
)

__all__ = [
    "PICTURE_STEP",
    "PROGRAM_FIELDS",
    "VISIT_CONTROLS",
    "VisitApp",
    "visit_app",
]

#: The step at which the pump picture is shown and can be clicked.
PICTURE_STEP = "find-port"


#: Which control shows an engine error about each parameter (errors are routed by their
#: ``.parameter``, never by their wording).
VISIT_CONTROLS: dict[str, str] = {
    "fill_volume_ml": "fill_volume",
    "dose": "dose",
    "unit": "unit",
    "concentration_mcg_per_ml": "concentration",
    "programme": "dose",
    "choice_id": "choice",
}

#: Words for the parameter names an engine message may contain.
_LABELS = {
    "fill_volume_ml": "fill volume",
    "concentration_mcg_per_ml": "concentration",
}

_NOTICE_STYLE = "border-left:4px solid #9a6700;background:#fff8e5;padding:4px 10px;"
_STORY_STYLE = (
    "border:1px solid #c8d1dc;background:#f6f8fa;padding:8px 12px;border-radius:4px;"
    "line-height:1.45;color:#1f2933;max-width:62rem;"
)
_STEP_STYLE = "font-size:1.15em;font-weight:700;color:#1f4e79;margin:10px 0 2px 0;"


# --------------------------------------------------------------------------------------------
# Controls, declared
# --------------------------------------------------------------------------------------------
#: The fill step's input.
FILL_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "fill_volume",
        widgets.FloatText,
        "Fill volume (mL)",
        {"value": 0.0},
        description_width="190px",
    ),
)

#: The mock programmer's inputs, in screen order (units and strengths come from the data).
PROGRAM_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("dose", widgets.FloatText, "Dose", {"value": 0.0}, description_width="190px"),
    FieldSpec("unit", widgets.Dropdown, "Dose unit", description_width="190px"),
    FieldSpec(
        "concentration",
        widgets.Dropdown,
        "Concentration in the pump",
        description_width="190px",
    ),
    FieldSpec(
        "bridge_bolus",
        widgets.Checkbox,
        "Program a bridge bolus",
        {"value": False, "indent": True},
        width="480px",
        description_width="190px",
    ),
    FieldSpec(
        "new_volume",
        widgets.Checkbox,
        "Enter the new reservoir volume",
        {"value": False, "indent": True},
        width="480px",
        description_width="190px",
    ),
)


#: The inputs as a new visit starts: nothing entered, nothing ticked, the unit per day.
_EMPTY: dict[str, Any] = {
    "fill_volume": 0.0,
    "dose": 0.0,
    "unit": "mcg/day",
    "concentration": None,
    "bridge_bolus": False,
    "new_volume": False,
}


# --------------------------------------------------------------------------------------------
# What the learner reads
# --------------------------------------------------------------------------------------------
def _programme_words(programme: Programme) -> str:
    bolus = "a bridge bolus" if programme.bridge_bolus else "no bridge bolus"
    volume = (
        "new reservoir volume entered"
        if programme.new_volume_entered
        else ("new reservoir volume not entered")
    )
    return (
        f"{programme.dose:g} {programme.unit} at {programme.concentration_mcg_per_ml:g} mcg/mL, "
        f"{bolus}, {volume}"
    )


# --------------------------------------------------------------------------------------------
# The pump picture
# --------------------------------------------------------------------------------------------
_PICTURE_WIDTH_PX = 600


def _practice_picture(highlight: str | None, ports: Iterable[str]) -> go.Figure:
    """Draw the pump for the port step: names only on hover, no caption (it would tell)."""
    fig = pump_figure(highlight=highlight)
    scale = _PICTURE_WIDTH_PX / fig.layout.width
    fig.layout.width = _PICTURE_WIDTH_PX
    fig.layout.height = round(fig.layout.height * scale)
    fig.layout.margin.b = 10
    fig.layout.title.text = "Click a port to choose it"
    fig.layout.annotations = [a for a in fig.layout.annotations if a.name != "caption"]
    for trace in fig.data:
        if trace.meta:
            hint = "<br>Click to choose this port" if trace.meta in ports else ""
            trace.text = f"<b>{trace.name}</b>{hint}"
    return fig


# --------------------------------------------------------------------------------------------
# The app
# --------------------------------------------------------------------------------------------
class VisitApp(StaticView, widgets.VBox):
    """The refill-visit practice returned by :func:`visit_app`.

    Attributes
    ----------
    state : itb_edu.visit.VisitState
        The visit so far (from the engine).
    scenario, restart_button : ipywidgets.Dropdown, ipywidgets.Button
        Choose a scenario; start it again.
    story, step, facts : ipywidgets.HTML
        The scenario's story, ``Step n of 12: ...`` with the question, and what the learner
        knows now.
    choices : ipywidgets.RadioButtons
        The step's options (value: the engine's choice id; nothing selected at first).
    controls, messages : dict
        The inputs (``fill_volume``; ``dose``, ``unit``, ``concentration``, ``bridge_bolus``,
        ``new_volume``) and the message beside each (``choice`` too).
    check_button, next_button : ipywidgets.Button
        Check the answer; move on once it is right.
    feedback, debrief, card, calendar : ipywidgets.HTML
        The engine's answer, the debrief, the alarm-date card and the calendar link.
    figure : plotly.graph_objects.FigureWidget or None
        The pump picture, made the first time the port step is reached.
    """

    def __init__(
        self,
        scenarios: dict[str, Scenario],
        scenario_id: str,
        citations: dict[str, tuple[str, str]],
        strengths: list[float],
    ) -> None:
        self._scenarios = scenarios
        self.citations = citations
        self.scenario = widgets.Dropdown(
            options=[(s.title, key) for key, s in scenarios.items()],
            value=scenario_id,
            description="Scenario",
            style={"description_width": "70px"},
            layout=widgets.Layout(width="440px"),
        )
        self.restart_button = widgets.Button(description="Start again", icon="refresh")
        self.story = widgets.HTML()
        self.step = widgets.HTML()
        self.step.add_class("itb-visit-step")
        self.facts = widgets.HTML()
        self.choices = widgets.RadioButtons(
            options=[], value=None, layout=widgets.Layout(width="100%")
        )
        self.choices.add_class("itb-visit-choices")
        units = ["mcg/day", *(u for u in DOSE_UNITS if u != "mcg/day")]
        live: dict[str, dict[str, Any]] = {
            "unit": {"options": units, "value": "mcg/day"},
            "concentration": {
                "options": [(f"{c:g} mcg/mL", c) for c in strengths],
                "value": None,
            },
        }
        self.fields: dict[str, Field] = {
            spec.name: Field(spec.build(live.get(spec.name, {})))
            for spec in (*FILL_FIELDS, *PROGRAM_FIELDS)
        }
        self.fields["choice"] = Field(self.choices, below=True)
        self.fields["choice"].box.children = (
            widgets.HTML("<b>Choose one answer, then press Check.</b>"),
            *self.fields["choice"].box.children,
        )
        self.controls = {n: f.control for n, f in self.fields.items() if n != "choice"}
        self.messages = {n: f.message for n, f in self.fields.items()}
        for field in self.fields.values():
            field.control.observe(field.clear, names="value")
        self.fill_box = widgets.VBox([self.fields[s.name].box for s in FILL_FIELDS])
        self.program_box = widgets.VBox(
            [widgets.HTML("<b>Clinician programmer (mock)</b>")]
            + [self.fields[s.name].box for s in PROGRAM_FIELDS]
        )
        self.program_box.add_class("itb-visit-programmer")
        self.figure: go.FigureWidget | None = None
        self._ports: dict[str, str] = {}
        self._styles: dict[str | None, go.Figure] = {}
        self.picture_note = widgets.HTML()
        self.picture = widgets.VBox([])
        self.check_button = widgets.Button(
            description="Check", button_style="primary", icon="check"
        )
        self.next_button = widgets.Button(description="Next step", icon="arrow-right")
        self.status = widgets.HTML()
        self.feedback = widgets.HTML()
        self.feedback.add_class("itb-visit-feedback")
        self.debrief = widgets.HTML()
        self.debrief.add_class("itb-visit-debrief")
        self.card = widgets.HTML()
        self.card.add_class("itb-visit-card")
        self.notice = widgets.HTML()
        self.notice.add_class("itb-record-notice")
        self._recorded = False
        self.calendar_button = widgets.Button(description="Prepare calendar file", icon="calendar")
        self.calendar = widgets.HTML()
        self.card_box = widgets.VBox(
            [self.card, widgets.HBox([self.calendar_button, self.calendar])]
        )
        self.choices.observe(self._on_choice, names="value")
        self.scenario.observe(self._on_scenario, names="value")
        self.restart_button.on_click(self.restart)
        self.check_button.on_click(self.check)
        self.next_button.on_click(self.next_step)
        self.calendar_button.on_click(self._prepare_calendar)
        self.state: VisitState = start(scenarios[scenario_id])
        self._view: StepView | None = None
        self._waiting = False  # a step answered: the feedback stays until "Next step"
        note = widgets.HTML(f"<small><i>{html.escape(DISCLAIMER)}</i></small>")
        super().__init__(
            [
                widgets.HBox([self.scenario, self.restart_button]),
                self.story,
                self.step,
                self.facts,
                self.picture,
                self.fields["choice"].box,
                self.fill_box,
                self.program_box,
                widgets.HBox([self.check_button, self.next_button]),
                self.status,
                self.feedback,
                self.debrief,
                self.notice,
                self.card_box,
                note,
            ],
            layout=widgets.Layout(width="100%"),
        )
        self.add_class("itb-visit")
        self.restart()

    # -- where the widget cannot be drawn ------------------------------------------------------
    def static_text(self) -> str:
        """Return what the practice is, in words (no answers)."""
        titles = "; ".join(s.title for s in self._scenarios.values())
        return (
            "Refill-visit practice (run the notebook, or open it in the app view, to work it): "
            f"choose a scenario ({titles}) and work its twelve steps; a wrong choice shows "
            "what it would do to the patient, and the debrief gives every decision's sources."
        )

    def static_html(self) -> str:
        """Return the practice's purpose and its scenarios as HTML (no answers)."""
        items = "".join(
            f"<li><b>{html.escape(s.title)}</b> ({html.escape(s.patient)})</li>"
            for s in self._scenarios.values()
        )
        return (
            "<div class='itb-app-static'><p><b>Refill-visit practice</b> (run the notebook, or "
            "open it in the app view, to work it). Choose a scenario and work its twelve steps: "
            "a wrong choice shows what it would do to the patient, and the debrief gives every "
            f"decision's sources.</p><ol>{items}</ol></div>"
        )

    # -- starting ------------------------------------------------------------------------------
    def _on_scenario(self, change: Any = None) -> None:
        self.restart()

    def restart(self, button: Any = None) -> None:
        """Start the chosen scenario from its first step (inputs back to empty)."""
        self.state = start(self._scenarios[self.scenario.value])
        self._recorded = False
        self.notice.value = ""
        scenario = self.state.scenario
        self.story.value = (
            f"<div style='{_STORY_STYLE}'><b>{html.escape(scenario.title)}</b> &middot; "
            f"{html.escape(scenario.patient)}<br>{html.escape(scenario.story)}</div>"
        )
        for name, value in _EMPTY.items():
            self.controls[name].value = value
        self.debrief.value = ""
        self.card.value = ""
        self.calendar.value = ""
        self.card_box.layout.display = "none"
        self._show_step()

    # -- one step --------------------------------------------------------------------------------
    def _show_step(self) -> None:
        """Show the current step: heading, question, facts, and its choices or inputs."""
        self._waiting = False
        self.feedback.value = ""
        self.status.value = ""
        for field in self.fields.values():
            field.clear()
        current = view(self.state)
        self._view = current
        if current.step_id == PICTURE_STEP:
            self._ports = {c.part_id: c.choice_id for c in current.choices if c.part_id}
        self.step.value = (
            f"<div style='{_STEP_STYLE}'>"
            f"{html.escape(f'Step {current.number} of {len(STEPS)}: ')}"
            f"{html.escape(current.title)}</div>"
            f"<div style='margin:2px 0 4px 0;font-size:1.05em'>{html.escape(current.prompt)}"
            "</div>"
        )
        self.facts.value = (
            VISIT_CSS + rows_html(current.facts, "What you know now", css_class="itb-visit-facts")
            if current.facts
            else ""
        )
        with self.choices.hold_sync():
            self.choices.options = [(c.text, c.choice_id) for c in current.choices]
            self.choices.value = None
        self.fields["choice"].box.layout.display = None if current.choices else "none"
        self.fill_box.layout.display = None if current.step_id == "fill" else "none"
        self.program_box.layout.display = None if current.step_id == "program" else "none"
        self._show_picture(current.step_id == PICTURE_STEP)
        self._set_enabled(True)
        self.check_button.description = {
            "program": "Enter the programme",
        }.get(current.step_id, "Check")
        self.check_button.layout.display = None
        self.next_button.layout.display = "none"

    def _first_control(self) -> widgets.Widget:
        """Return where the keyboard focus goes when a step is shown.

        The first input of a fill or programming step; for a list of answers the *Check*
        button, one ``Shift+Tab`` after the answers (ipywidgets 8 cannot put the focus on a
        radio button: its focus message goes to the option's label).
        """
        step_id = self._view.step_id if self._view is not None else ""
        if step_id == "fill":
            return self.controls["fill_volume"]
        if step_id == "program":
            return self.controls["dose"]
        return self.check_button

    def _set_enabled(self, enabled: bool) -> None:
        for control in (self.choices, *self.controls.values(), self.check_button):
            control.disabled = not enabled

    def _answer_words(self, action: Action) -> str:
        if action.fill_volume_ml is not None:
            return f"fill {action.fill_volume_ml:g} mL"
        if action.programme is not None:
            return _programme_words(action.programme)
        texts = dict((value, label) for label, value in self.choices.options)
        return str(texts.get(action.choice_id, ""))

    def _read_action(self) -> Action | None:
        """Read the controls into an action, or show what is missing beside its control."""
        assert self._view is not None
        step_id = self._view.step_id
        c = self.controls
        if step_id == "fill":
            return Action(fill_volume_ml=c["fill_volume"].value)
        if step_id == "program":
            if c["concentration"].value is None:
                self.fields["concentration"].error(
                    "Choose the concentration of the drug now in the reservoir."
                )
                return None
            return Action(
                programme=Programme(
                    dose=c["dose"].value,
                    unit=c["unit"].value,
                    concentration_mcg_per_ml=c["concentration"].value,
                    bridge_bolus=c["bridge_bolus"].value,
                    new_volume_entered=c["new_volume"].value,
                )
            )
        if self.choices.value is None:
            self.fields["choice"].error("Choose an answer first, then press Check.")
            return None
        return Action(self.choices.value)

    def check(self, button: Any = None) -> None:
        """Send the learner's answer to the engine and show its feedback."""
        if self._waiting or self.state.finished or self._view is None:
            return
        for field in self.fields.values():
            field.clear()
        action = self._read_action()
        if action is None:
            return
        before = self.state
        try:
            state, feedback = act(before, action)
        except ParameterError as error:  # the state is unchanged; the entry is kept
            name = VISIT_CONTROLS.get(error.parameter, "")
            words = learner_message(error, _LABELS, capitalize=True)
            if name in self.fields:
                self.fields[name].error(words)
            else:
                self.status.value = f"<div style='{_NOTICE_STYLE}'>{html.escape(words)}</div>"
            return
        self.state = state
        moved = state.step_index != before.step_index or state.finished
        back_to = ""
        if moved and state.step_index < before.step_index and state.step_id is not None:
            back_to = view(state).title
        self.feedback.value = visit_feedback_html(
            feedback,
            self.citations,
            visit_at=state.scenario.visit_at,
            answer=self._answer_words(action),
            back_to=back_to,
        )
        if not moved:
            return
        self._waiting = True
        self._set_enabled(False)
        self.check_button.layout.display = "none"
        if state.finished:
            label = "See the debrief"
        elif back_to:
            label = f"Back to step {state.step_index + 1}: {back_to}"
        else:
            label = "Next step"
        self.next_button.description = label
        self.next_button.layout.display = None
        self.next_button.focus()

    def next_step(self, button: Any = None) -> None:
        """Move on after a right answer: the next step, or the debrief at the end."""
        if not self._waiting:
            return
        if self.state.finished:
            self._show_debrief()
        else:
            self._show_step()
            self._first_control().focus()

    # -- the end ---------------------------------------------------------------------------------
    def _show_debrief(self) -> None:
        self._waiting = False
        self.next_button.layout.display = "none"
        self.fill_box.layout.display = "none"
        self.program_box.layout.display = "none"
        self.fields["choice"].box.layout.display = "none"
        self._show_picture(False)
        self.step.value = f"<div style='{_STEP_STYLE}'>The visit is over</div>"
        self.facts.value = ""
        self.feedback.value = ""
        result = debrief(self.state)
        self.debrief.value = visit_debrief_html(
            result,
            self.citations,
            title=self.state.scenario.title,
            hazard_steps=trap_steps(self.state),
        )
        if result.card is not None:
            self.card.value = VISIT_CSS + rows_html(
                result.card.rows(),
                "Alarm-date card for the patient (teaching example, fictional patient)",
                css_class="itb-visit-card-table",
            )
            self.card_box.layout.display = None
        if not self._recorded:  # last: the record is a file write
            self._recorded = True
            steps = self.state._steps.values()
            objectives = tuple(dict.fromkeys(o for step in steps for o in step.objective_ids))
            self.notice.value = record_attempt(
                "visit",
                self.state.scenario.scenario_id,
                objectives,
                result.hazards_caught == result.hazards_met,
                result.outcome,
            )

    def _prepare_calendar(self, button: Any = None) -> None:
        card = debrief(self.state).card if self.state.finished else None
        if card is None or card.plan.low_alarm_at is None:
            self.calendar.value = ""
            return
        ics = alarm_ical(card.plan, book_on=card.book_on, patient_label="teaching example")
        self.calendar.value = download_link(
            ics,
            "pump_alarm_date.ics",
            "text/calendar",
            "Download the alarm date (.ics calendar file)",
        )

    # -- the picture -----------------------------------------------------------------------------
    def _show_picture(self, show: bool) -> None:
        if show and self.figure is None:
            base = _practice_picture(None, self._ports)
            self._styles = {None: base}
            for part in self._ports:
                self._styles[part] = _practice_picture(part, self._ports)
            self.figure = figure_widget(data=base.data, layout=base.layout)
            for trace in self.figure.data:
                if trace.meta in self._ports:
                    trace.on_click(self._on_picture_click)
            self.figure.add_class("itb-visit-picture")
            self.picture.children = [self.picture_note, self.figure]
        self.picture.layout.display = None if show else "none"
        self.picture_note.value = (
            "<i>Click a port on the picture to choose it in the list below, then press Check. "
            "Hover over a part to read its name.</i>"
            if show
            else ""
        )
        if show:
            self._highlight(None)

    def _on_picture_click(self, trace: Any, points: Any, state: Any = None) -> None:
        """Select the answer matching the clicked port (a click never checks it)."""
        if not points.point_inds or self._waiting or self.choices.disabled:
            return
        choice_id = self._ports.get(trace.meta)
        options = dict((value, label) for label, value in self.choices.options)
        if choice_id not in options:
            return
        self.choices.value = choice_id
        self.picture_note.value = (
            f"<b>Chosen on the picture:</b> {html.escape(options[choice_id])}. "
            "Press Check to confirm, or choose another answer in the list."
        )

    def _on_choice(self, change: Any) -> None:
        if self._view is not None and self._view.step_id == PICTURE_STEP:
            part = next((p for p, c in self._ports.items() if c == change["new"]), None)
            self._highlight(part)

    def _highlight(self, part: str | None) -> None:
        """Outline the chosen port on the picture in the highlight colour (in place).

        Only the two ports' outlines change, a style-only update that the browser redraws
        without laying the picture out again.
        """
        if self.figure is None:
            return
        with self.figure.batch_update():
            for index, trace in enumerate(self.figure.data):
                if trace.meta in self._ports:
                    line = self._styles[part if trace.meta == part else None].data[index].line
                    if trace.line != line:
                        trace.line = line


def visit_app(scenario_id: str | None = None) -> VisitApp:
    """Build the refill-visit practice.

    Parameters
    ----------
    scenario_id : str, optional
        A row of ``data/visit_scenarios.csv`` to start with; default the first (the routine
        refill). The learner can switch scenario in the app.

    Returns
    -------
    VisitApp
        The widget (an ``ipywidgets.VBox``); its ``state``, ``choices``, ``controls``,
        ``messages``, ``feedback``, ``debrief`` and ``card`` are there for tests.

    Raises
    ------
    itb_edu.errors.ParameterError
        About ``scenario_id`` when it is not a scenario.
    """
    from itb_edu import data

    scenarios = load_scenarios()
    if scenario_id is None:
        scenario_id = next(iter(scenarios))
    if scenario_id not in scenarios:
        start(scenario_id)  # raises the engine's error, naming the scenarios
    products = data.drug_products()
    strengths = sorted({float(c) for c in products["concentration_mcg_per_ml"]})
    return VisitApp(scenarios, scenario_id, load_source_citations(), strengths)
