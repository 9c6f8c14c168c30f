"""The refill visit, step by step: a state machine over a scenario and the learner's actions.

Pure domain code (no Jupyter imports). A scenario (``data/visit_scenarios.csv``) describes a
fictional patient, the pump, the last refill and today's order; the steps and their choices
(``data/visit_steps.csv``, ``data/visit_choices.csv``) hold the words. This module decides, from
the scenario's facts and the reservoir engine's numbers, whether an action is right, and works
out what a wrong one would do to the patient: the delivered dose, the alarm date, the moments
at which overdose or withdrawal could begin.

    state = start(scenario)
    view(state)                      # what the learner sees now (never the answer key)
    state, feedback = act(state, Action("two-ids"))
    debrief(state)                   # every decision, its source, hazards caught, the card

A wrong choice does not move the visit on: the learner sees what it would do and chooses
again. Every attempt is kept in the state's history.

The course is for education, not for programming, refilling or managing a real pump.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ._validate import require_finite, require_positive
from .data import VISIT_CONDITIONS, VISIT_STEPS, cell_ids, cell_text
from .errors import parameter_error
from .moments import to_datetime
from .pumps import PumpFacts, pump_facts
from .reservoir import (
    DEFAULT_LOW_ALARM_ML,
    ConcentrationChange,
    RefillPlan,
    ResidualCheck,
    concentration_change,
    plan_refill,
    residual_check,
)
from .scheduling import DEFAULT_MARGIN_DAYS, book_refill_date

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "DOSE_UNITS",
    "STEPS",
    "Action",
    "AlarmCard",
    "Choice",
    "Consequence",
    "Debrief",
    "Decision",
    "Feedback",
    "Programme",
    "Scenario",
    "StepView",
    "TimelineEvent",
    "VisitState",
    "WalkthroughStep",
    "act",
    "alarm_card",
    "debrief",
    "dose_per_day_mcg",
    "load_scenarios",
    "right_action",
    "start",
    "trap_steps",
    "view",
    "walkthrough",
]

#: The steps of every visit, in order (declared with the data schema, :mod:`itb_edu.data`).
STEPS: tuple[str, ...] = VISIT_STEPS

#: Units a mock programmer offers for the dose, and the factor to mcg/day.
DOSE_UNITS: dict[str, float] = {"mcg/day": 1.0, "mcg/h": 24.0, "mg/day": 1000.0}


def dose_per_day_mcg(dose: float, unit: str) -> float:
    """Return a dose written in ``unit`` as the programmer takes it [mcg/day].

    Parameters
    ----------
    dose : float
        The number as written in the order.
    unit : str
        A key of :data:`DOSE_UNITS` (``"mcg/day"``, ``"mcg/h"``, ``"mg/day"``).

    Returns
    -------
    float
        ``dose`` times the unit's factor [mcg/day].

    Raises
    ------
    itb_edu.errors.ParameterError
        About ``unit`` when it is not one of the units, about ``dose`` when it is not a finite
        number.

    Examples
    --------
    >>> dose_per_day_mcg(12.5, "mcg/h"), dose_per_day_mcg(0.3, "mg/day")
    (300.0, 300.0)
    """
    if unit not in DOSE_UNITS:
        raise parameter_error("unit", unit, f"unit must be one of {list(DOSE_UNITS)}, got {unit!r}")
    return require_finite("dose", dose) * DOSE_UNITS[unit]


#: Steps whose answer is typed or set rather than chosen from a list.
_INPUT_STEPS = {"fill": ("fill_volume_ml",), "program": ("dose", "unit", "concentration")}


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scenario:
    """One fictional refill visit (a row of ``data/visit_scenarios.csv``).

    Attributes
    ----------
    scenario_id, title, patient, story : str
        Key, title, the fictional patient and what the learner reads first.
    pump_id : str
        Row of ``data/pumps.csv``.
    last_refill_at, visit_at : datetime
        The previous refill and today's visit.
    last_fill_ml : float
        Volume put in at the previous refill [mL].
    last_concentration_mcg_per_ml, last_daily_dose_mcg : float
        The previous programme [mcg/mL], [mcg/day].
    aspirated_ml : float
        The volume the learner will draw back today [mL].
    order_text : str
        Today's order as written (units as the prescriber wrote them).
    order_daily_dose_mcg, order_concentration_mcg_per_ml, new_fill_ml : float
        The order in the programmer's units [mcg/day], [mcg/mL], and the volume to fill [mL].
    label_concentration_mcg_per_ml : float
        The concentration printed on the drug supplied today [mcg/mL].
    dead_space_ml : float
        Drug in the pump tubing and catheter [mL] (for a concentration change).
    hard_to_palpate, eri, restart_after_break : bool
        Scenario facts the steps react to.
    hazard : str
        What the scenario trains (for the educator and the debrief, not shown before).
    source_ids : tuple of str
        Sources of the scenario's facts (its numbers are author-derived).
    """

    scenario_id: str
    title: str
    patient: str
    story: str
    pump_id: str
    last_refill_at: datetime
    last_fill_ml: float
    last_concentration_mcg_per_ml: float
    last_daily_dose_mcg: float
    visit_at: datetime
    aspirated_ml: float
    order_text: str
    order_daily_dose_mcg: float
    order_concentration_mcg_per_ml: float
    new_fill_ml: float
    label_concentration_mcg_per_ml: float
    dead_space_ml: float
    hard_to_palpate: bool
    eri: bool
    restart_after_break: bool
    hazard: str
    source_ids: tuple[str, ...]

    @property
    def concentration_changes(self) -> bool:
        """True when today's order changes the concentration in the pump."""
        return self.order_concentration_mcg_per_ml != self.last_concentration_mcg_per_ml

    @property
    def label_matches_order(self) -> bool:
        """True when the drug supplied has the ordered concentration."""
        return self.label_concentration_mcg_per_ml == self.order_concentration_mcg_per_ml


@dataclass(frozen=True)
class Choice:
    """One option of a step, as the learner sees it.

    Attributes
    ----------
    choice_id, text : str
        Key and words.
    part_id : str
        The part of the pump picture that stands for this option (``""`` if none).
    """

    choice_id: str
    text: str
    part_id: str = ""


@dataclass(frozen=True)
class _ChoiceRule:
    choice_id: str
    text: str
    correct_when: str
    critical: bool
    feedback_right: str
    feedback_wrong: str
    source_ids: tuple[str, ...]
    part_id: str = ""


@dataclass(frozen=True)
class _Step:
    step_id: str
    title: str
    prompt: str
    source_ids: tuple[str, ...]
    choices: tuple[_ChoiceRule, ...]
    objective_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class StepView:
    """What the learner sees at a step: never which choice is right.

    Attributes
    ----------
    step_id, title, prompt : str
        The step and its question.
    choices : tuple of Choice
        The options (empty for a step answered by inputs only).
    inputs : tuple of str
        Values the step needs (``fill_volume_ml``; ``dose``, ``unit``, ``concentration``).
    facts : tuple of (str, str)
        What the learner knows at this point, in words (the order, the interrogation read-out,
        the expected residual ...), every number from the engine or the scenario.
    number : int
        Position of the step, from 1.
    objective_ids : tuple of str
        The learning objectives the step checks (``data/objectives.csv``).
    """

    step_id: str
    title: str
    prompt: str
    choices: tuple[Choice, ...]
    inputs: tuple[str, ...]
    facts: tuple[tuple[str, str], ...]
    number: int
    objective_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Programme:
    """What the learner programs (the mock programmer's fields).

    Attributes
    ----------
    dose : float
        The number typed in the dose box.
    unit : str
        A key of :data:`DOSE_UNITS`.
    concentration_mcg_per_ml : float
        The concentration entered [mcg/mL].
    bridge_bolus : bool
        Whether a bridge bolus is programmed.
    new_volume_entered : bool
        Whether the new reservoir volume is entered.
    """

    dose: float
    unit: str
    concentration_mcg_per_ml: float
    bridge_bolus: bool
    new_volume_entered: bool

    @property
    def daily_dose_mcg(self) -> float:
        """The dose the pump will give per day [mcg/day]."""
        return dose_per_day_mcg(self.dose, self.unit)


@dataclass(frozen=True)
class Action:
    """One thing the learner does at the current step.

    Attributes
    ----------
    choice_id : str
        The option chosen (``""`` at a step answered by inputs only).
    fill_volume_ml : float or None
        At the ``fill`` step: the volume put in [mL].
    programme : Programme or None
        At the ``program`` step.
    """

    choice_id: str = ""
    fill_volume_ml: float | None = None
    programme: Programme | None = None


@dataclass(frozen=True)
class TimelineEvent:
    """A moment on the patient's timeline and what happens then, in words."""

    at: datetime
    label: str


@dataclass(frozen=True)
class Consequence:
    """What an action would do to the patient.

    Attributes
    ----------
    summary : str
        In words, every number from the engine.
    events : tuple of TimelineEvent
        The moments that follow, in order.
    delivered_mcg_per_day : float or None
        The dose the patient would actually get [mcg/day], where it changes.
    source_ids : tuple of str
        Sources of the time course and the harms named.
    """

    summary: str
    events: tuple[TimelineEvent, ...] = ()
    delivered_mcg_per_day: float | None = None
    source_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feedback:
    """The engine's answer to one action.

    Attributes
    ----------
    step_id, choice_id : str
        Where and what.
    correct : bool
        Whether the action was right for this scenario.
    critical : bool
        A wrong action that could kill or seriously harm the patient.
    message : str
        Why, in plain words (what the action would do to the patient is in ``consequence``).
    source_ids : tuple of str
        Sources of the message and of the consequence.
    consequence : Consequence or None
        What a wrong action would do to the patient (None when right).
    readout : tuple of (str, str)
        What a right action reveals (the pump's read-out after an interrogation).
    """

    step_id: str
    choice_id: str
    correct: bool
    critical: bool
    message: str
    source_ids: tuple[str, ...]
    consequence: Consequence | None = None
    readout: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class VisitState:
    """The visit so far (immutable: every action returns a new state).

    Attributes
    ----------
    scenario : Scenario
        The visit's scenario.
    step_index : int
        Index into :data:`STEPS` of the current step; ``len(STEPS)`` when the visit is over.
    history : tuple of Feedback
        Every attempt, in order.
    outcome : str
        ``"in progress"``, ``"completed"`` or ``"stopped and escalated"``.
    fill_volume_ml : float or None
        Volume put in today [mL].
    programme : Programme or None
        The programme sent to the pump.
    drug_mcg_per_ml : float or None
        The concentration of the drug in hand, once checked (the scenario's label; the ordered
        strength after a wrong strength was sent back and replaced).
    """

    scenario: Scenario
    step_index: int = 0
    history: tuple[Feedback, ...] = ()
    outcome: str = "in progress"
    fill_volume_ml: float | None = None
    programme: Programme | None = None
    drug_mcg_per_ml: float | None = None
    _steps: dict[str, _Step] = field(default_factory=dict, repr=False, compare=False)
    _pump: PumpFacts | None = field(default=None, repr=False, compare=False)

    @property
    def step_id(self) -> str | None:
        """The current step, or None when the visit is over."""
        return STEPS[self.step_index] if self.step_index < len(STEPS) else None

    @property
    def finished(self) -> bool:
        """True when the visit is over (completed or stopped)."""
        return self.outcome != "in progress"


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def _flag(value: Any) -> bool:
    return str(value).strip().lower() == "yes"


def _scenario(row: dict[str, Any]) -> Scenario:
    return Scenario(
        scenario_id=str(row["scenario_id"]),
        title=str(row["title"]),
        patient=str(row["patient"]),
        story=str(row["story"]),
        pump_id=str(row["pump_id"]),
        last_refill_at=to_datetime("last_refill_at", str(row["last_refill_at"]), text=True),
        last_fill_ml=float(row["last_fill_ml"]),
        last_concentration_mcg_per_ml=float(row["last_concentration_mcg_per_ml"]),
        last_daily_dose_mcg=float(row["last_daily_dose_mcg"]),
        visit_at=to_datetime("visit_at", str(row["visit_at"]), text=True),
        aspirated_ml=float(row["aspirated_ml"]),
        order_text=str(row["order_text"]),
        order_daily_dose_mcg=float(row["order_daily_dose_mcg"]),
        order_concentration_mcg_per_ml=float(row["order_concentration_mcg_per_ml"]),
        new_fill_ml=float(row["new_fill_ml"]),
        label_concentration_mcg_per_ml=float(row["label_concentration_mcg_per_ml"]),
        dead_space_ml=float(row["dead_space_ml"]),
        hard_to_palpate=_flag(row["hard_to_palpate"]),
        eri=_flag(row["eri"]),
        restart_after_break=_flag(row["restart_after_break"]),
        hazard=str(row["hazard"]),
        source_ids=cell_ids(row["source_ids"]),
    )


def load_scenarios(data_dir: Any = None) -> dict[str, Scenario]:
    """Return every visit scenario, by id, from ``data/visit_scenarios.csv``.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder to read from; the course's own data by default.

    Returns
    -------
    dict of str to Scenario
        In file order.
    """
    from . import data

    return {
        str(row["scenario_id"]): _scenario(row)
        for row in data.visit_scenarios(data_dir).to_dict("records")
    }


def _load_steps(data_dir: Any = None) -> dict[str, _Step]:
    from . import data

    steps_table: pd.DataFrame = data.visit_steps(data_dir)
    choices_table: pd.DataFrame = data.visit_choices(data_dir)
    rules: dict[str, list[_ChoiceRule]] = {}
    for row in choices_table.to_dict("records"):
        rules.setdefault(str(row["step_id"]), []).append(
            _ChoiceRule(
                choice_id=str(row["choice_id"]),
                text=str(row["text"]),
                correct_when=str(row["correct_when"]),
                critical=_flag(row["critical"]),
                feedback_right=cell_text(row["feedback_right"]),
                feedback_wrong=cell_text(row["feedback_wrong"]),
                part_id=cell_text(row.get("part_id")),
                source_ids=cell_ids(row["source_ids"]),
            )
        )
    steps = {}
    for row in steps_table.to_dict("records"):
        step_id = str(row["step_id"])
        steps[step_id] = _Step(
            step_id=step_id,
            title=str(row["title"]),
            prompt=str(row["prompt"]),
            source_ids=cell_ids(row["source_ids"]),
            choices=tuple(rules.get(step_id, ())),
            objective_ids=cell_ids(row["objective_ids"]),
        )
    missing = [s for s in STEPS if s not in steps]
    if missing:
        raise parameter_error("data_dir", missing, f"visit_steps.csv has no row for {missing}")
    return steps


def start(scenario: Scenario | str, data_dir: Any = None) -> VisitState:
    """Begin a visit.

    Parameters
    ----------
    scenario : Scenario or str
        The scenario, or its id in ``data/visit_scenarios.csv``.
    data_dir : str or pathlib.Path, optional
        Folder to read the steps (and the scenario, given by id) from.

    Returns
    -------
    VisitState
        At the first step.

    Raises
    ------
    itb_edu.errors.ParameterError
        About ``scenario`` when the id is unknown.
    """
    if isinstance(scenario, str):
        scenarios = load_scenarios(data_dir)
        if scenario not in scenarios:
            raise parameter_error(
                "scenario",
                scenario,
                f"scenario must be one of {list(scenarios)}, got {scenario!r}",
            )
        scenario = scenarios[scenario]
    return VisitState(
        scenario=scenario, _steps=_load_steps(data_dir), _pump=pump_facts(scenario.pump_id)
    )


# --------------------------------------------------------------------------------------------
# Numbers from the reservoir engine
# --------------------------------------------------------------------------------------------
def _pump(state: VisitState) -> PumpFacts:
    return state._pump if state._pump is not None else pump_facts(state.scenario.pump_id)


def last_plan(state: VisitState) -> RefillPlan:
    """Return the plan of the previous refill (what the pump has been doing since)."""
    s = state.scenario
    return plan_refill(
        fill_volume_ml=s.last_fill_ml,
        concentration_mcg_per_ml=s.last_concentration_mcg_per_ml,
        daily_dose_mcg=s.last_daily_dose_mcg,
        refill_at=s.last_refill_at,
        low_alarm_ml=_alarm_ml(state),
        reservoir_ml=_pump(state).reservoir_ml,
    )


def today_check(state: VisitState) -> ResidualCheck:
    """Return the residual check of today's aspirate against the expected residual."""
    return residual_check(
        last_plan(state),
        aspirated_ml=state.scenario.aspirated_ml,
        at=state.scenario.visit_at,
        overinfusion_above_pct=_pump(state).overinfusion_above_pct,
    )


def _alarm_ml(state: VisitState) -> float:
    alarm = _pump(state).alarm_ml
    return alarm if alarm is not None else DEFAULT_LOW_ALARM_ML


def ordered_plan(state: VisitState, fill_volume_ml: float | None = None) -> RefillPlan:
    """Return the plan today's order gives: what the alarm date should be."""
    s = state.scenario
    return plan_refill(
        fill_volume_ml=s.new_fill_ml if fill_volume_ml is None else fill_volume_ml,
        concentration_mcg_per_ml=s.order_concentration_mcg_per_ml,
        daily_dose_mcg=s.order_daily_dose_mcg,
        refill_at=s.visit_at,
        low_alarm_ml=_alarm_ml(state),
        reservoir_ml=_pump(state).reservoir_ml,
    )


def _words(moment: datetime | None) -> str:
    from .reservoir import moment_in_words

    return moment_in_words(moment)


def _day(moment: date) -> str:
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


# --------------------------------------------------------------------------------------------
# What the learner sees
# --------------------------------------------------------------------------------------------
def _facts(state: VisitState, step_id: str) -> tuple[tuple[str, str], ...]:
    s = state.scenario
    pump = _pump(state)
    facts: list[tuple[str, str]] = []
    if step_id in ("identify", "check-order"):
        facts += [("Patient", s.patient), ("Today's order", s.order_text)]
        if step_id == "check-order":
            facts.append(
                ("Drug supplied (label)", f"baclofen {s.label_concentration_mcg_per_ml:g} mcg/mL")
            )
    elif step_id == "interrogate":
        facts.append(("Pump", pump.label))
    elif step_id == "find-port":
        facts.append(("Pump", pump.label))
        if s.hard_to_palpate:
            facts.append(("Palpation", "the pump edge and the central port are hard to feel"))
    elif step_id == "aspirate":
        check = today_check(state)
        facts += [
            ("Expected residual (programmer)", f"{check.expected_ml:.2f} mL"),
            ("Volume drawn back", f"{check.aspirated_ml:.2f} mL"),
            ("Difference (drawn back - expected)", f"{check.gap_ml:+.2f} mL"),
            ("Programmed since the last refill", f"{check.programmed_ml:.2f} mL"),
        ]
    elif step_id == "fill":
        reservoir = "not verified" if pump.reservoir_ml is None else f"{pump.reservoir_ml:g} mL"
        facts += [
            (
                "Ordered fill",
                f"{s.new_fill_ml:g} mL of {s.order_concentration_mcg_per_ml:g} mcg/mL",
            ),
            ("Reservoir", reservoir),
        ]
    elif step_id == "program":
        facts += [
            ("Today's order", s.order_text),
            ("In the pump until today", f"{s.last_concentration_mcg_per_ml:g} mcg/mL"),
            ("Drug in hand (label)", f"{_drug(state):g} mcg/mL"),
        ]
    elif step_id == "review":
        facts += _review_rows(state)
    return tuple(facts)


def interrogation(state: VisitState) -> tuple[tuple[str, str], ...]:
    """Return what the programmer reads from the pump today, in words (engine numbers)."""
    s = state.scenario
    plan = last_plan(state)
    rows = [
        ("Programmed dose", f"{s.last_daily_dose_mcg:g} mcg/day (simple continuous)"),
        ("Concentration", f"{s.last_concentration_mcg_per_ml:g} mcg/mL"),
        ("Expected reservoir volume now", f"{plan.volume_at(s.visit_at):.2f} mL"),
        ("Low-reservoir alarm date", _words(plan.low_alarm_at)),
        (
            "Battery",
            "elective replacement indicator (ERI) reached" if s.eri else "no replacement indicator",
        ),
    ]
    return tuple(rows)


def _review_rows(state: VisitState) -> list[tuple[str, str]]:
    s = state.scenario
    p = state.programme
    if p is None:
        return []
    return [
        ("Dose: before", f"{s.last_daily_dose_mcg:g} mcg/day"),
        ("Dose: now programmed", f"{p.daily_dose_mcg:g} mcg/day ({p.dose:g} {p.unit} typed)"),
        ("Concentration: before", f"{s.last_concentration_mcg_per_ml:g} mcg/mL"),
        ("Concentration: now programmed", f"{p.concentration_mcg_per_ml:g} mcg/mL"),
        ("Bridge bolus", "programmed" if p.bridge_bolus else "none"),
        ("New reservoir volume", "entered" if p.new_volume_entered else "not entered"),
        ("Today's order", s.order_text),
    ]


def view(state: VisitState) -> StepView:
    """Return what the learner sees at the current step (never the answer key).

    Parameters
    ----------
    state : VisitState
        The visit.

    Returns
    -------
    StepView
        The step, its options and the facts in words.

    Raises
    ------
    itb_edu.errors.ParameterError
        About ``state`` when the visit is over.
    """
    step_id = state.step_id
    if step_id is None or state.finished:
        raise parameter_error("state", state.outcome, "the visit is over: see the debrief")
    step = state._steps[step_id]
    facts = _facts(state, step_id)
    interrogated = any(f.step_id == "interrogate" and f.correct for f in state.history)
    if interrogated and step_id in ("teach", "program"):
        facts = (*facts, *(row for row in interrogation(state) if row[0] == "Battery"))
    choices = tuple(Choice(c.choice_id, c.text, c.part_id) for c in step.choices)
    if step_id == "alarm-date":
        choices = _alarm_date_choices(state)
    return StepView(
        step_id=step_id,
        title=step.title,
        prompt=step.prompt,
        choices=choices,
        inputs=_INPUT_STEPS.get(step_id, ()),
        facts=facts,
        number=state.step_index + 1,
        objective_ids=step.objective_ids,
    )


# --------------------------------------------------------------------------------------------
# Rules: is a choice right for this scenario?
# --------------------------------------------------------------------------------------------
def _condition(state: VisitState, condition: str) -> bool:
    s = state.scenario
    if condition == "always":
        return True
    if condition == "never":
        return False
    if condition == "label-matches-order":
        return s.label_matches_order
    if condition == "label-differs":
        return not s.label_matches_order
    if condition == "hard-to-palpate":
        return s.hard_to_palpate
    if condition == "easy-to-palpate":
        return not s.hard_to_palpate
    if condition == "residual-explained":
        return not today_check(state).stop_and_investigate
    if condition == "residual-unexplained":
        return today_check(state).stop_and_investigate
    if condition == "restart-after-break":
        return s.restart_after_break
    if condition == "no-restart":
        return not s.restart_after_break
    if condition == "eri":
        return s.eri
    if condition == "no-eri":
        return not s.eri
    raise parameter_error("correct_when", condition, f"unknown condition {condition!r}")


#: The conditions a choice may use in ``data/visit_choices.csv`` (declared with the schema).
CONDITIONS: tuple[str, ...] = VISIT_CONDITIONS


# --------------------------------------------------------------------------------------------
# Consequences, from the reservoir engine
# --------------------------------------------------------------------------------------------
def _overdose_events(start_at: datetime, dose_mcg: float, usual_mcg_per_day: float) -> Consequence:
    days = dose_mcg / usual_mcg_per_day if usual_mcg_per_day else math.inf
    return Consequence(
        summary=(
            f"{dose_mcg:,.0f} mcg would reach the spinal fluid at once: "
            f"{days:,.0f} days of the patient's usual {usual_mcg_per_day:g} mcg/day. A massive "
            "intrathecal overdose: drowsiness, slow or shallow breathing, falling tone rising up "
            "the body, seizures, coma. Deaths have followed this error."
        ),
        events=(
            TimelineEvent(start_at, "the refill volume enters the catheter and the spinal fluid"),
            TimelineEvent(
                start_at + timedelta(minutes=30),
                "overdose signs can be under way within the first hour (an intrathecal bolus "
                "starts to act in 30 to 60 minutes)",
            ),
        ),
        delivered_mcg_per_day=None,
        source_ids=(
            "gablofen-label-warnings",
            "lioresal-us-label",
            "lioresal-hcp-screening",
            "nysed-2011-intrathecal-pump-memo",
        ),
    )


def _programme_consequence(state: VisitState, programme: Programme) -> Consequence | None:
    s = state.scenario
    in_pump = _drug(state)
    # The pump moves volume for the programmed dose at the programmed concentration; what the
    # patient gets depends on the drug really in the reservoir.
    volume_per_day = programme.daily_dose_mcg / programme.concentration_mcg_per_ml
    delivered = volume_per_day * in_pump
    ordered = s.order_daily_dose_mcg
    problems: list[str] = []
    events: list[TimelineEvent] = []
    sources: list[str] = ["itb-edu-authors"]
    fill = state.fill_volume_ml if state.fill_volume_ml is not None else s.new_fill_ml
    if not math.isclose(delivered, ordered, rel_tol=1e-9):
        ratio = delivered / ordered
        actual = plan_refill(
            fill_volume_ml=fill,
            concentration_mcg_per_ml=in_pump,
            daily_dose_mcg=delivered,
            refill_at=s.visit_at,
            low_alarm_ml=_alarm_ml(state),
            reservoir_ml=_pump(state).reservoir_ml,
        )
        right = ordered_plan(state, fill)
        kind = "overdose" if ratio > 1 else "underdose and withdrawal"
        problems.append(
            f"The pump would give {delivered:,.4g} mcg/day instead of the ordered {ordered:g} "
            f"({ratio:.3g} times the order): {kind} risk."
        )
        if actual.low_alarm_at is not None and right.low_alarm_at is not None:
            problems.append(
                f"The reservoir would reach its alarm volume on {_words(actual.low_alarm_at)}, "
                f"not on {_words(right.low_alarm_at)}."
            )
            events.append(TimelineEvent(actual.low_alarm_at, "low-reservoir alarm (wrong dose)"))
        if ratio > 1:
            events.append(
                TimelineEvent(
                    s.visit_at + timedelta(hours=4),
                    "by about 4 hours, when an intrathecal dose peaks, overdose signs would be "
                    "expected (drowsiness, slow breathing, floppiness)",
                )
            )
            sources += [
                "lioresal-hcp-screening",
                "lioresal-us-label",
                "ismp-baclofen-flex-programming-error",
            ]
        else:
            events.append(
                TimelineEvent(
                    s.visit_at + timedelta(days=1),
                    "withdrawal can develop over 1 to 3 days on too little drug",
                )
            )
            sources += ["coffey-2002-withdrawal", "lioresal-us-label"]
    if s.concentration_changes and not programme.bridge_bolus:
        change = _change(state)
        if change.delay_days is not None and change.dose_during_delay_mcg_per_day is not None:
            problems.append(
                f"Without a bridge bolus the {s.dead_space_ml:g} mL of old "
                f"{s.last_concentration_mcg_per_ml:g} mcg/mL drug in the line reaches the "
                f"patient first: {change.dose_during_delay_mcg_per_day:.4g} mcg/day instead of "
                f"{ordered:g} for about {change.delay_days * 24:.0f} hours."
            )
            events.append(
                TimelineEvent(
                    s.visit_at + timedelta(days=change.delay_days),
                    "the new drug reaches the catheter tip",
                )
            )
            sources += [
                "saulino-2016-dosing",
                "medtronic-priming-bolus-labeling",
                "prometra-ii-ifu",
            ]
    if not programme.new_volume_entered:
        believed = today_check(state).expected_ml
        alarm = _alarm_ml(state)
        if believed <= alarm:
            when = "at once"
            stale_at: datetime | None = s.visit_at
        else:
            stale = plan_refill(
                fill_volume_ml=believed,
                concentration_mcg_per_ml=programme.concentration_mcg_per_ml,
                daily_dose_mcg=programme.daily_dose_mcg,
                refill_at=s.visit_at,
                low_alarm_ml=alarm,
            )
            stale_at = stale.low_alarm_at
            when = f"on {_words(stale_at)}"
        problems.append(
            "The new reservoir volume was not entered, so the pump still counts from the "
            f"{believed:.2f} mL it expected before the refill: its low-reservoir alarm would sound "
            f"{when}, and the alarm date it shows would be wrong."
        )
        if stale_at is not None:
            events.append(TimelineEvent(stale_at, "a false low-reservoir alarm"))
        sources += ["marzloff-2019-alarm-date", "medtronic-fsn-2016-overinfusion"]
    if not problems:
        return None
    return Consequence(
        summary=" ".join(problems),
        events=tuple(sorted(events, key=lambda e: e.at)),
        delivered_mcg_per_day=delivered,
        source_ids=tuple(dict.fromkeys(sources)),
    )


def _drug(state: VisitState) -> float:
    """Concentration of the drug that goes into the reservoir [mcg/mL]."""
    if state.drug_mcg_per_ml is not None:
        return state.drug_mcg_per_ml
    return state.scenario.label_concentration_mcg_per_ml


def _change(state: VisitState) -> ConcentrationChange:
    s = state.scenario
    return concentration_change(
        refill_at=s.visit_at,
        old_concentration_mcg_per_ml=s.last_concentration_mcg_per_ml,
        new_concentration_mcg_per_ml=s.order_concentration_mcg_per_ml,
        daily_dose_mcg=s.order_daily_dose_mcg,
        fill_volume_ml=s.new_fill_ml,
        low_alarm_ml=_alarm_ml(state),
        reservoir_ml=_pump(state).reservoir_ml,
        dead_space_ml=s.dead_space_ml,
    )


def _choice_consequence(state: VisitState, rule: _ChoiceRule) -> Consequence | None:
    s = state.scenario
    step_id = state.step_id
    if step_id == "find-port" and rule.choice_id == "catheter-access-port":
        dose = s.new_fill_ml * _drug(state)
        return _overdose_events(s.visit_at, dose, s.order_daily_dose_mcg)
    if step_id == "find-port" and rule.choice_id == "by-feel":
        return Consequence(
            summary=(
                "Going by the needle's feel on a pump you cannot feel well risks a pocket fill: "
                f"up to {s.new_fill_ml:g} mL of {_drug(state):g} mcg/mL "
                "could go into the tissue around the pump. Absorbed from there it can cause an "
                "overdose, and the reservoir gets less than recorded, so it can run dry early."
            ),
            source_ids=("medtronic-2011-pocket-fill-letter", "fda-2011-synchromed-refill-recall"),
        )
    if step_id == "check-order" and rule.choice_id == "match-go" and not s.label_matches_order:
        ratio = s.label_concentration_mcg_per_ml / s.order_concentration_mcg_per_ml
        delivered = s.order_daily_dose_mcg * ratio
        return Consequence(
            summary=(
                f"Filled with {s.label_concentration_mcg_per_ml:g} mcg/mL while the pump is "
                f"programmed for {s.order_concentration_mcg_per_ml:g} mcg/mL, the patient "
                f"would get {delivered:,.4g} mcg/day instead of {s.order_daily_dose_mcg:g} "
                f"({ratio:.3g} times the order)."
            ),
            delivered_mcg_per_day=delivered,
            source_ids=("itb-edu-authors",),
        )
    if (
        step_id == "aspirate"
        and rule.choice_id == "continue"
        and today_check(state).stop_and_investigate
    ):
        check = today_check(state)
        return Consequence(
            summary=f"{check.message} Refilling now would hide the cause.",
            source_ids=("medtronic-fsn-2016-overinfusion", "ecri-synchromed-overinfusion-2014"),
        )
    return None


# --------------------------------------------------------------------------------------------
# Acting
# --------------------------------------------------------------------------------------------
def _alarm_date_choices(state: VisitState) -> tuple[Choice, ...]:
    plan = ordered_plan(state, state.fill_volume_ml)
    options: list[tuple[str, date]] = []
    if plan.low_alarm_at is not None:
        options.append(("alarm", plan.low_alarm_at.date()))
    if plan.empty_at is not None:
        options.append(("empty", plan.empty_at.date()))
    old = last_plan(state)
    if old.low_alarm_at is not None:
        options.append(("old-alarm", old.low_alarm_at.date()))
    options.append(("three-months", (state.scenario.visit_at + timedelta(days=91)).date()))
    seen: set[date] = set()
    unique = []
    for key, day in sorted(options, key=lambda option: option[1]):
        if day not in seen:
            seen.add(day)
            unique.append(Choice(key, _day(day)))
    return tuple(unique)


def _advance(state: VisitState, feedback: Feedback, **changes: Any) -> VisitState:
    index = state.step_index + 1
    outcome = "completed" if index >= len(STEPS) else "in progress"
    return replace(
        state,
        step_index=index,
        history=(*state.history, feedback),
        outcome=outcome,
        **changes,
    )


def _stay(state: VisitState, feedback: Feedback) -> VisitState:
    return replace(state, history=(*state.history, feedback))


def act(state: VisitState, action: Action) -> tuple[VisitState, Feedback]:
    """Apply the learner's action at the current step.

    Parameters
    ----------
    state : VisitState
        The visit.
    action : Action
        What the learner did.

    Returns
    -------
    (VisitState, Feedback)
        The new state (moved on when the action was right; the same step, with the attempt
        recorded, when it was wrong) and the feedback with its sources and, for a wrong action,
        what it would do to the patient.

    Raises
    ------
    itb_edu.errors.ParameterError
        About ``choice_id``, ``fill_volume_ml`` or ``programme`` when the action does not fit
        the step (an unknown option, a fill above the reservoir, a dose that is not a number):
        the state is unchanged.
    """
    step_id = state.step_id
    if step_id is None or state.finished:
        raise parameter_error("state", state.outcome, "the visit is over: see the debrief")
    step = state._steps[step_id]
    if step_id == "fill":
        return _act_fill(state, step, action)
    if step_id == "program":
        return _act_program(state, step, action)
    if step_id == "alarm-date":
        return _act_alarm_date(state, step, action)
    rules = {c.choice_id: c for c in step.choices}
    if action.choice_id not in rules:
        raise parameter_error(
            "choice_id",
            action.choice_id,
            f"choice_id must be one of {list(rules)}, got {action.choice_id!r}",
        )
    rule = rules[action.choice_id]
    correct = _condition(state, rule.correct_when)
    if step_id == "review" and rule.choice_id == "send-after-check" and state.programme:
        consequence = _programme_consequence(state, state.programme)
        if consequence is not None:
            feedback = Feedback(
                step_id,
                rule.choice_id,
                False,
                False,
                "The second nurse's independent check compares each line with the order and "
                "finds a difference: the programme goes back for correction.",
                tuple(dict.fromkeys(rule.source_ids + consequence.source_ids)),
                consequence,
            )
            return replace(
                state, step_index=STEPS.index("program"), history=(*state.history, feedback)
            ), feedback
    if step_id == "review" and rule.choice_id == "send-now" and state.programme:
        consequence = _programme_consequence(state, state.programme)
        feedback = Feedback(
            step_id,
            rule.choice_id,
            False,
            consequence is not None,
            rule.feedback_wrong,
            tuple(dict.fromkeys(rule.source_ids + (consequence.source_ids if consequence else ()))),
            consequence,
        )
        return _stay(state, feedback), feedback
    consequence = None if correct else _choice_consequence(state, rule)
    feedback = Feedback(
        step_id,
        rule.choice_id,
        correct,
        rule.critical and not correct,
        rule.feedback_right if correct else rule.feedback_wrong,
        tuple(
            dict.fromkeys(
                rule.source_ids + step.source_ids + (consequence.source_ids if consequence else ())
            )
        ),
        consequence,
        interrogation(state) if step_id == "interrogate" and correct else (),
    )
    if not correct:
        return _stay(state, feedback), feedback
    if step_id == "check-order":
        scenario = state.scenario
        drug = (
            scenario.order_concentration_mcg_per_ml
            if rule.choice_id == "stop-clarify"
            else scenario.label_concentration_mcg_per_ml
        )
        return _advance(state, feedback, drug_mcg_per_ml=drug), feedback
    if step_id == "aspirate" and rule.choice_id == "stop":
        stopped = replace(
            state,
            history=(*state.history, feedback),
            outcome="stopped and escalated",
            step_index=len(STEPS),
        )
        return stopped, feedback
    return _advance(state, feedback), feedback


def _act_fill(state: VisitState, step: _Step, action: Action) -> tuple[VisitState, Feedback]:
    volume = require_positive("fill_volume_ml", action.fill_volume_ml)
    reservoir = _pump(state).reservoir_ml
    if reservoir is not None and volume > reservoir:
        raise parameter_error(
            "fill_volume_ml",
            action.fill_volume_ml,
            f"fill_volume_ml ({volume:g} mL) is more than the {reservoir:g} mL reservoir: never "
            "overfill a reservoir",
        )
    ordered = state.scenario.new_fill_ml
    correct = math.isclose(volume, ordered)
    message = (
        f"{volume:g} mL, as ordered, within the {reservoir:g} mL reservoir."
        if correct and reservoir is not None
        else f"{volume:g} mL, as ordered."
        if correct
        else f"The order says {ordered:g} mL; {volume:g} mL would change every date that "
        "follows. Fill what is ordered."
    )
    feedback = Feedback(step.step_id, "", correct, False, message, step.source_ids)
    if not correct:
        return _stay(state, feedback), feedback
    return _advance(state, feedback, fill_volume_ml=volume), feedback


def _act_program(state: VisitState, step: _Step, action: Action) -> tuple[VisitState, Feedback]:
    programme = action.programme
    if programme is None:
        raise parameter_error("programme", None, "programme is needed at the program step")
    require_positive("dose", programme.dose)
    require_positive("concentration_mcg_per_ml", programme.concentration_mcg_per_ml)
    if programme.unit not in DOSE_UNITS:
        raise parameter_error(
            "unit",
            programme.unit,
            f"unit must be one of {list(DOSE_UNITS)}, got {programme.unit!r}",
        )
    # Programming is checked at the review screen (the learner must catch it there); the step
    # itself records what was entered and moves on.
    feedback = Feedback(
        step.step_id,
        "",
        True,
        False,
        "Programme entered. Check it line by line on the review screen before sending.",
        step.source_ids,
    )
    return _advance(state, feedback, programme=programme), feedback


def _act_alarm_date(state: VisitState, step: _Step, action: Action) -> tuple[VisitState, Feedback]:
    choices = {c.choice_id: c for c in _alarm_date_choices(state)}
    if action.choice_id not in choices:
        raise parameter_error(
            "choice_id",
            action.choice_id,
            f"choice_id must be one of {list(choices)}, got {action.choice_id!r}",
        )
    plan = ordered_plan(state, state.fill_volume_ml)
    book_on = (
        book_refill_date(plan.low_alarm_at, margin_days=DEFAULT_MARGIN_DAYS)
        if plan.low_alarm_at
        else None
    )
    correct = action.choice_id == "alarm"
    why = {
        "alarm": "the day the reservoir reaches its alarm volume",
        "empty": "the day the reservoir is empty: withdrawal can start before it",
        "old-alarm": "the alarm date of the last refill, before today's fill",
        "three-months": "a date by the calendar, not by the pump",
    }[action.choice_id]
    if correct and book_on is not None:
        message = (
            f"Right: {_words(plan.low_alarm_at)} is {why}. Give it in writing and book the "
            f"refill before it, for example on {_day(book_on)} (a working day at least "
            f"{DEFAULT_MARGIN_DAYS} days before)."
        )
    else:
        message = (
            f"That is {why}. The alarm date is {_words(plan.low_alarm_at)}, computed from "
            "today's fill, concentration and dose."
        )
    feedback = Feedback(step.step_id, action.choice_id, correct, False, message, step.source_ids)
    if not correct:
        return _stay(state, feedback), feedback
    return _advance(state, feedback), feedback


# --------------------------------------------------------------------------------------------
# Debrief and the patient's card
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Decision:
    """One line of the debrief: a step, what was chosen first and in the end, and why."""

    step_id: str
    title: str
    attempts: int
    first_try_right: bool
    message: str
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class AlarmCard:
    """The patient's alarm-date card from the visit (all numbers from the engine)."""

    pump: str
    drug: str
    dose: str
    refill: str
    alarm_date: str
    book_by: str
    alarm_sounds: str
    who_to_call: str
    warning_signs: str
    plan: RefillPlan
    book_on: date | None

    def rows(self) -> list[tuple[str, str]]:
        """Return the card as (label, text) pairs."""
        return [
            ("Pump", self.pump),
            ("Drug", self.drug),
            ("Dose", self.dose),
            ("Refilled", self.refill),
            ("Low-reservoir alarm date", self.alarm_date),
            ("Book the next refill by", self.book_by),
            ("Alarm sounds", self.alarm_sounds),
            ("Who to call", self.who_to_call),
            ("Warning signs", self.warning_signs),
        ]


@dataclass(frozen=True)
class Debrief:
    """The end of a visit: every decision, hazards caught, the outcome and the card."""

    scenario_id: str
    outcome: str
    hazard: str
    decisions: tuple[Decision, ...]
    hazards_caught: int
    hazards_met: int
    card: AlarmCard | None


def alarm_card(state: VisitState) -> AlarmCard | None:
    """Return the patient's alarm-date card, or None when the visit stopped before the refill."""
    if state.outcome != "completed":
        return None
    s = state.scenario
    plan = ordered_plan(state, state.fill_volume_ml)
    book_on = (
        book_refill_date(plan.low_alarm_at, margin_days=DEFAULT_MARGIN_DAYS)
        if plan.low_alarm_at
        else None
    )
    return AlarmCard(
        pump=_pump(state).label,
        drug=f"intrathecal baclofen {s.order_concentration_mcg_per_ml:g} mcg/mL",
        dose=f"{s.order_daily_dose_mcg:g} mcg/day",
        refill=_words(s.visit_at),
        alarm_date=_words(plan.low_alarm_at),
        book_by=_day(book_on) if book_on else "not applicable",
        alarm_sounds=(
            "a single beep about once an hour: low reservoir or replacement due; a two-tone "
            "alarm: drug has stopped flowing. Any alarm: call the pump team."
        ),
        who_to_call=(
            "the pump team (clinic number on the pump card); out of hours, emergency services"
        ),
        warning_signs=(
            "too little drug: more stiffness or spasms, itching, tingling, fever, confusion; "
            "too much: sleepiness, slow breathing, floppiness. Seek help at once."
        ),
        plan=plan,
        book_on=book_on,
    )


def trap_steps(state: VisitState) -> tuple[str, ...]:
    """Return the steps at which this scenario sets a hazard for the learner.

    Every visit has two: the catheter access port at ``find-port`` and the programme at
    ``review`` (units, concentration, bridge bolus, new volume). A scenario adds its own: a
    label that differs from the order, an unexplained residual, a restart after a break, a
    replacement indicator (a pump that is hard to feel is a harder ``find-port``).
    """
    scenario = state.scenario
    traps = ["find-port", "review"]
    if today_check(state).stop_and_investigate:
        traps.append("aspirate")
    if not scenario.label_matches_order:
        traps.append("check-order")
    if scenario.restart_after_break:
        traps.append("observe")
    if scenario.eri:
        traps.append("teach")
    order = {step: index for index, step in enumerate(STEPS)}
    return tuple(sorted(set(traps), key=order.__getitem__))


def debrief(state: VisitState) -> Debrief:
    """Summarise the visit: each step's decisions, the sources, hazards caught, the card.

    Parameters
    ----------
    state : VisitState
        A visit (finished or not).

    Returns
    -------
    Debrief
        ``hazards_met`` counts the :func:`trap_steps` the learner reached;
        ``hazards_caught`` those answered right at the first try.
    """
    by_step: dict[str, list[Feedback]] = {}
    for feedback in state.history:
        by_step.setdefault(feedback.step_id, []).append(feedback)
    traps = trap_steps(state)
    decisions = []
    met = caught = 0
    for step_id in STEPS:
        attempts = by_step.get(step_id)
        if not attempts:
            continue
        first = attempts[0]
        last = attempts[-1]
        if step_id in traps:
            met += 1
            caught += int(first.correct)
        decisions.append(
            Decision(
                step_id=step_id,
                title=state._steps[step_id].title,
                attempts=len(attempts),
                first_try_right=first.correct,
                message=last.message,
                source_ids=tuple(dict.fromkeys(i for a in attempts for i in a.source_ids)),
            )
        )
    return Debrief(
        scenario_id=state.scenario.scenario_id,
        outcome=state.outcome,
        hazard=state.scenario.hazard,
        decisions=tuple(decisions),
        hazards_caught=caught,
        hazards_met=met,
        card=alarm_card(state),
    )


# --------------------------------------------------------------------------------------------
# The worked walk-through (for the educator and the printed handout)
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WalkthroughStep:
    """One step of a scenario worked right: what to do, what the engine says, the sources."""

    title: str
    action: str
    feedback: str
    source_ids: tuple[str, ...]


def right_action(state: VisitState) -> Action:
    """Return the right action at the current step, decided by the engine's own rules.

    Used for the worked walk-through and by the apps' tests; never shown to a learner before
    they act.
    """
    s = state.scenario
    step_id = state.step_id
    if step_id is None:
        raise parameter_error("state", state.outcome, "the visit is over: see the debrief")
    if step_id == "fill":
        return Action(fill_volume_ml=s.new_fill_ml)
    if step_id == "program":
        return Action(
            programme=Programme(
                dose=s.order_daily_dose_mcg,
                unit="mcg/day",
                concentration_mcg_per_ml=s.order_concentration_mcg_per_ml,
                bridge_bolus=s.concentration_changes,
                new_volume_entered=True,
            )
        )
    if step_id == "alarm-date":
        return Action("alarm")
    for rule in state._steps[step_id].choices:
        if _condition(state, rule.correct_when):
            return Action(rule.choice_id)
    raise parameter_error("state", step_id, f"no option of step {step_id!r} is right here")


def _action_words(state: VisitState, action: Action) -> str:
    if action.fill_volume_ml is not None:
        return f"Fill {action.fill_volume_ml:g} mL through the central port."
    if action.programme is not None:
        p = action.programme
        extra = "; program a bridge bolus" if p.bridge_bolus else ""
        return (
            f"Program {p.dose:g} {p.unit} at {p.concentration_mcg_per_ml:g} mcg/mL{extra}; "
            "enter the new reservoir volume."
        )
    view_now = view(state)
    texts = {c.choice_id: c.text for c in view_now.choices}
    return texts.get(action.choice_id, action.choice_id)


def walkthrough(scenario: Scenario | str, data_dir: Any = None) -> tuple[WalkthroughStep, ...]:
    """Work a scenario right, step by step, with the engine's own answers and feedback.

    Parameters
    ----------
    scenario : Scenario or str
        The scenario or its id.
    data_dir : str or pathlib.Path, optional
        Folder to read from.

    Returns
    -------
    tuple of WalkthroughStep
        Every step until the visit ends (completed, or stopped at the aspirate).
    """
    state = start(scenario, data_dir)
    steps: list[WalkthroughStep] = []
    while not state.finished:
        action = right_action(state)
        title = state._steps[str(state.step_id)].title
        words = _action_words(state, action)
        state, feedback = act(state, action)
        steps.append(
            WalkthroughStep(
                f"{len(steps) + 1}. {title}", words, feedback.message, feedback.source_ids
            )
        )
    return tuple(steps)
