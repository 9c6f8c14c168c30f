"""Emergencies that unfold over time: a case engine over data and the learner's actions.

Pure domain code (no Jupyter imports). A case (``data/cases.csv``) is a fictional patient who
arrives some hours after the first sign of an illness; ``data/case_stages.csv`` says how that
illness evolves untreated, stage by stage, hour by hour since the first sign;
``data/case_actions.csv`` says what each action of the first-actions checklist
(``data/emergency_actions.csv``) does in that case. The engine takes the learner's actions,
lets simulated time pass for each, and returns the patient's state and the feedback, with
sources::

    state = start("withdrawal-missed-refill")
    view(state)                              # the patient now: observations, findings, clock
    state, feedback = act(state, "pump-card")
    debrief(state)                           # the timeline, the learner's actions on it

How an action plays out depends on its ``role`` in the case:

``turns``
    A definitive action. When every ``turns`` action of the case is done the course turns: the
    patient stops getting worse and the case's recovery is shown.
``needed``
    Part of what the case trains (the checklist items a nurse must not miss); missed ones are
    named in the debrief.
``helps``
    Right and useful, but not what decides the course.
``not-indicated``
    Does not help here; time passes all the same (the checklist's default feedback is used for
    an action a case gives no row).
``harms``
    Would hurt the patient: the engine does not carry it out, shows what would follow (the
    course without the right treatment, on the patient's own timeline) and lets the learner
    choose again. No time passes.

Time: every carried-out action takes its checklist ``minutes``; waiting actions take theirs.
While time passes the course moves on through its stages; if it reaches the last
(life-threatening) stage before it turns, the case ends there. The hours of the stages are a
teaching model placed within the sources' time windows, not a prediction for any patient.

The course is for education, not for managing a real patient.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from .data import CASE_OBSERVATIONS, cell_ids, cell_text
from .errors import parameter_error

__all__ = [
    "OBSERVATION_LABELS",
    "OUTCOMES",
    "Case",
    "CaseAction",
    "CaseDebrief",
    "CaseFeedback",
    "CaseState",
    "CaseView",
    "ChecklistItem",
    "DebriefEvent",
    "Stage",
    "act",
    "best_actions",
    "checklist",
    "debrief",
    "finish",
    "load_cases",
    "stage_at",
    "start",
    "view",
]

#: Words for the observations of a stage, in display order.
OBSERVATION_LABELS: dict[str, str] = {
    "temperature": "Temperature",
    "heart_rate": "Heart rate",
    "blood_pressure": "Blood pressure",
    "breathing": "Breathing",
    "consciousness": "Consciousness",
    "tone": "Muscle tone",
    "itching": "Itching",
}

#: How a case can end, with the words the debrief uses.
OUTCOMES: dict[str, str] = {
    "good": "The course turned before the patient got worse, and nothing on the checklist was "
    "missed.",
    "incomplete": "The course turned in time, but part of the checklist was missed.",
    "harmed": "The course turned, but only after the patient had got worse than on arrival.",
    "life-threatening": "The course was not turned in time: the patient reached the "
    "life-threatening stage.",
    "stopped": "The case was stopped before the course turned.",
}


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChecklistItem:
    """One action of the first-actions checklist (a row of ``data/emergency_actions.csv``).

    Attributes
    ----------
    action_id, group, label, checklist : str
        Key, checklist group, what the learner chooses, and what to do and why.
    minutes : float
        How long the action takes in the teaching model [min].
    requires : tuple of str
        Actions that must be done first.
    default_feedback : str
        Said in a case that gives the action no row of its own.
    source_ids : tuple of str
        Sources of the checklist line.
    objective_ids : tuple of str
        The learning objectives the action checks (``data/objectives.csv``).
    """

    action_id: str
    group: str
    label: str
    checklist: str
    minutes: float
    requires: tuple[str, ...]
    default_feedback: str
    source_ids: tuple[str, ...]
    objective_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stage:
    """A stage of a case's untreated course (a row of ``data/case_stages.csv``).

    Attributes
    ----------
    stage_id, summary : str
        Key and what the learner sees.
    from_hours : float
        When the untreated course reaches the stage [h since the first sign].
    severity : int
        1 early, 2 worsening, 3 severe, 4 life-threatening.
    observations : tuple of (str, str)
        The observations in words, keyed as :data:`OBSERVATION_LABELS`.
    timing : str
        What the sources say about the time course (and that the hours are a model).
    source_ids : tuple of str
        Sources of the signs and the timing.
    """

    stage_id: str
    from_hours: float
    severity: int
    summary: str
    observations: tuple[tuple[str, str], ...]
    timing: str
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class CaseAction:
    """What one action does in one case (a row of ``data/case_actions.csv``, or the default)."""

    action_id: str
    role: str
    requires: tuple[str, ...]
    finding: str
    feedback: str
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class Case:
    """One fictional emergency (a row of ``data/cases.csv`` with its stages and actions).

    Attributes
    ----------
    case_id, title, patient, setting, story : str
        What the learner reads first.
    pump_id : str
        Row of ``data/pumps.csv``.
    cause : str
        The true cause (never shown before the debrief).
    arrival_hours : float
        Hours since the first sign when the learner meets the patient [h].
    trains, recovery : str
        What the case trains; what the patient is like once the course turns.
    stages : tuple of Stage
        The untreated course, in time order; the last is life-threatening.
    actions : dict of str to CaseAction
        What every checklist action does in this case.
    source_ids : tuple of str
        Sources of the case as a whole.
    objective_ids : tuple of str
        The learning objectives the case checks (``data/objectives.csv``).
    """

    case_id: str
    title: str
    patient: str
    setting: str
    story: str
    pump_id: str
    cause: str
    arrival_hours: float
    trains: str
    recovery: str
    stages: tuple[Stage, ...]
    actions: dict[str, CaseAction]
    checklist: dict[str, ChecklistItem]
    source_ids: tuple[str, ...]
    objective_ids: tuple[str, ...] = ()

    def role(self, action_id: str) -> str:
        """Return the role of ``action_id`` in this case."""
        return self.actions[action_id].role

    def ids_with_role(self, *roles: str) -> tuple[str, ...]:
        """Return the actions with one of ``roles``, in checklist order."""
        return tuple(a for a in self.checklist if self.actions[a].role in roles)


# --------------------------------------------------------------------------------------------
# State, view, feedback
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StageChange:
    """The course reaching a stage at a moment [h since the first sign]."""

    at_hours: float
    stage: Stage


@dataclass(frozen=True)
class CaseFeedback:
    """The engine's answer to one action.

    Attributes
    ----------
    action_id, label, role : str
        What was chosen and its role in the case (``"blocked"`` when something must come
        first).
    carried_out : bool
        False for a harmful or blocked action: the patient is spared it.
    at_hours, until_hours : float
        When the action began and ended [h since the first sign].
    message : str
        Why, in plain words.
    finding : str
        What the action revealed (``""`` if nothing).
    changes : tuple of StageChange
        Stages the course reached while the action took time.
    projection : tuple of StageChange
        For a harmful action: what would follow on the patient's timeline.
    turned : bool
        True when this action turned the course.
    source_ids : tuple of str
        Sources of the message, the finding and every stage named.
    """

    action_id: str
    label: str
    role: str
    carried_out: bool
    at_hours: float
    until_hours: float
    message: str
    finding: str = ""
    changes: tuple[StageChange, ...] = ()
    projection: tuple[StageChange, ...] = ()
    turned: bool = False
    source_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class CaseState:
    """A case so far (immutable: every action returns a new state).

    Attributes
    ----------
    case : Case
        The case.
    clock_hours : float
        Now [h since the first sign].
    history : tuple of CaseFeedback
        Every attempt, in order.
    turned_at_hours : float or None
        When the course turned, if it has.
    outcome : str
        ``"in progress"`` or a key of :data:`OUTCOMES`.
    """

    case: Case
    clock_hours: float
    history: tuple[CaseFeedback, ...] = ()
    turned_at_hours: float | None = None
    outcome: str = "in progress"

    @property
    def finished(self) -> bool:
        """True when the case is over."""
        return self.outcome != "in progress"

    @property
    def done(self) -> tuple[str, ...]:
        """Actions carried out, in order, each once."""
        return tuple(dict.fromkeys(f.action_id for f in self.history if f.carried_out))

    @property
    def elapsed_minutes(self) -> float:
        """Minutes since the learner met the patient [min]."""
        return (self.clock_hours - self.case.arrival_hours) * 60.0


@dataclass(frozen=True)
class CaseView:
    """What the learner sees now: never the cause or the role of an action.

    Attributes
    ----------
    title, patient, setting, story : str
        The case as introduced.
    elapsed_minutes : float
        Minutes since the learner met the patient [min].
    summary : str
        The patient now, in words.
    observations : tuple of (str, str)
        Label and words for each observation (once the course has turned: as they were when
        it turned; the patient improves from there).
    findings : tuple of (str, str)
        What the learner's actions have revealed: action label and finding.
    done : tuple of str
        Actions carried out.
    recovering : bool
        True once the course has turned.
    finished : bool
        True when the case is over.
    source_ids : tuple of str
        Sources of the current stage.

    Notes
    -----
    What the sources say about the time course is kept for the debrief: it names the
    condition.
    """

    title: str
    patient: str
    setting: str
    story: str
    elapsed_minutes: float
    summary: str
    observations: tuple[tuple[str, str], ...]
    findings: tuple[tuple[str, str], ...]
    done: tuple[str, ...]
    recovering: bool
    finished: bool
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class DebriefEvent:
    """A line of the debrief timeline.

    Attributes
    ----------
    at_hours : float
        When [h since the first sign].
    kind : str
        ``"arrival"``, ``"stage"``, ``"action"``, ``"stopped"`` (a harmful choice the engine
        stopped), ``"turned"`` or ``"end"``.
    text : str
        What happened, in words.
    source_ids : tuple of str
        Its sources.
    """

    at_hours: float
    kind: str
    text: str
    source_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class CaseDebrief:
    """The end of a case: what happened, the learner's actions on it, what to do differently.

    Attributes
    ----------
    case : Case
        The case (its cause and what it trains are shown now).
    outcome : str
        A key of :data:`OUTCOMES`.
    outcome_text : str
        The outcome in words.
    timeline : tuple of DebriefEvent
        Arrival, stages, actions and the end, in time order.
    checklist : tuple of (str, str, float or None)
        For every ``turns`` and ``needed`` action: its label, ``"done"`` or ``"missed"``, and
        when it was done [h since the first sign].
    wrong : tuple of CaseFeedback
        Harmful choices the engine stopped and actions that did not help.
    differently : tuple of str
        What to do differently, in words.
    source_ids : tuple of str
        Every source cited on the way.
    """

    case: Case
    outcome: str
    outcome_text: str
    timeline: tuple[DebriefEvent, ...]
    checklist: tuple[tuple[str, str, float | None], ...]
    wrong: tuple[CaseFeedback, ...]
    differently: tuple[str, ...]
    source_ids: tuple[str, ...]


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def checklist(data_dir: Any = None) -> dict[str, ChecklistItem]:
    """Return the first-actions checklist, by action id, in checklist order.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder to read from; the course's own data by default.

    Returns
    -------
    dict of str to ChecklistItem
        From ``data/emergency_actions.csv``, grouped in :data:`itb_edu.data.ACTION_GROUPS`
        order and in file order within a group.
    """
    from . import data

    table = data.emergency_actions(data_dir)
    order = {g: i for i, g in enumerate(data.ACTION_GROUPS)}
    rows = sorted(
        enumerate(table.to_dict("records")), key=lambda pair: (order[pair[1]["group"]], pair[0])
    )
    return {
        str(row["action_id"]): ChecklistItem(
            action_id=str(row["action_id"]),
            group=str(row["group"]),
            label=str(row["label"]),
            checklist=str(row["checklist"]),
            minutes=float(row["minutes"]),
            requires=cell_ids(row["requires"]),
            default_feedback=str(row["default_feedback"]),
            source_ids=cell_ids(row["source_ids"]),
            objective_ids=cell_ids(row["objective_ids"]),
        )
        for _, row in rows
    }


def load_cases(data_dir: Any = None) -> dict[str, Case]:
    """Return every case, by id, in file order, with its stages and what each action does.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder to read from; the course's own data by default.

    Returns
    -------
    dict of str to Case
    """
    from . import data

    items = checklist(data_dir)
    stage_rows = data.case_stages(data_dir).to_dict("records")
    action_rows = data.case_actions(data_dir).to_dict("records")
    cases = {}
    for row in data.cases(data_dir).to_dict("records"):
        case_id = str(row["case_id"])
        stages = tuple(
            Stage(
                stage_id=str(s["stage_id"]),
                from_hours=float(s["from_hours"]),
                severity=int(s["severity"]),
                summary=str(s["summary"]),
                observations=tuple((name, str(s[name])) for name in CASE_OBSERVATIONS),
                timing=str(s["timing"]),
                source_ids=cell_ids(s["source_ids"]),
            )
            for s in stage_rows
            if s["case_id"] == case_id
        )
        own = {str(a["action_id"]): a for a in action_rows if a["case_id"] == case_id}
        actions = {}
        for action_id, item in items.items():
            rule = own.get(action_id)
            actions[action_id] = (
                CaseAction(
                    action_id=action_id,
                    role=str(rule["role"]),
                    requires=cell_ids(rule["requires"]) or item.requires,
                    finding=cell_text(rule["finding"]),
                    feedback=str(rule["feedback"]),
                    source_ids=cell_ids(rule["source_ids"]),
                )
                if rule is not None
                else CaseAction(
                    action_id=action_id,
                    role="not-indicated",
                    requires=item.requires,
                    finding="",
                    feedback=item.default_feedback,
                    source_ids=item.source_ids,
                )
            )
        cases[case_id] = Case(
            case_id=case_id,
            title=str(row["title"]),
            patient=str(row["patient"]),
            setting=str(row["setting"]),
            story=str(row["story"]),
            pump_id=str(row["pump_id"]),
            cause=str(row["cause"]),
            arrival_hours=float(row["arrival_hours"]),
            trains=str(row["trains"]),
            recovery=str(row["recovery"]),
            stages=stages,
            actions=actions,
            checklist=items,
            source_ids=cell_ids(row["source_ids"]),
            objective_ids=cell_ids(row["objective_ids"]),
        )
    return cases


# --------------------------------------------------------------------------------------------
# The engine
# --------------------------------------------------------------------------------------------
def stage_at(case: Case, hours: float) -> Stage:
    """Return the stage the untreated course has reached at ``hours`` since the first sign.

    Parameters
    ----------
    case : Case
    hours : float
        Time since the first sign [h].

    Returns
    -------
    Stage
        The last stage whose ``from_hours`` is not after ``hours``.

    Examples
    --------
    >>> case = load_cases()["withdrawal-missed-refill"]
    >>> stage_at(case, 10).stage_id, stage_at(case, 16).stage_id
    ('early', 'worsening')
    """
    reached = [s for s in case.stages if s.from_hours <= hours]
    return reached[-1] if reached else case.stages[0]


def _changes(case: Case, after: float, until: float) -> tuple[StageChange, ...]:
    return tuple(StageChange(s.from_hours, s) for s in case.stages if after < s.from_hours <= until)


def start(case: Case | str, data_dir: Any = None) -> CaseState:
    """Begin a case at the moment the learner meets the patient.

    Parameters
    ----------
    case : Case or str
        The case, or its id in ``data/cases.csv``.
    data_dir : str or pathlib.Path, optional
        Folder to read a case given by id from.

    Returns
    -------
    CaseState

    Raises
    ------
    itb_edu.errors.ParameterError
        About ``case`` when no case has that id.
    """
    if isinstance(case, str):
        cases = load_cases(data_dir)
        if case not in cases:
            raise parameter_error("case", case, f"no case {case!r}; cases: {', '.join(cases)}")
        case = cases[case]
    return CaseState(case=case, clock_hours=case.arrival_hours)


def _label(case: Case, action_id: str) -> str:
    return case.checklist[action_id].label


def act(state: CaseState, action_id: str) -> tuple[CaseState, CaseFeedback]:
    """Do one action of the checklist and let its time pass.

    Parameters
    ----------
    state : CaseState
        The case so far.
    action_id : str
        A key of the checklist (``data/emergency_actions.csv``).

    Returns
    -------
    (CaseState, CaseFeedback)
        The new state and the engine's answer. A harmful action and an action whose
        prerequisites are not done are not carried out and take no time.

    Raises
    ------
    itb_edu.errors.ParameterError
        About ``action_id`` when it is not a checklist action or the case is over.
    """
    case = state.case
    if state.finished:
        raise parameter_error(
            "action_id", action_id, "the case is over: start it again to try another way"
        )
    if action_id not in case.actions:
        raise parameter_error(
            "action_id", action_id, f"{action_id!r} is not an action of the checklist"
        )
    rule = case.actions[action_id]
    now = state.clock_hours
    label = _label(case, action_id)
    missing = [r for r in rule.requires if r not in state.done]
    if missing:
        first = "; ".join(_label(case, r) for r in missing)
        feedback = CaseFeedback(
            action_id=action_id,
            label=label,
            role="blocked",
            carried_out=False,
            at_hours=now,
            until_hours=now,
            message=f"Not yet: first, {first[0].lower() + first[1:]}.",
        )
        return replace(state, history=(*state.history, feedback)), feedback
    if rule.role == "harms":
        projection = () if state.turned_at_hours is not None else _changes(case, now, 1e9)
        sources = rule.source_ids + tuple(i for c in projection for i in c.stage.source_ids)
        feedback = CaseFeedback(
            action_id=action_id,
            label=label,
            role="harms",
            carried_out=False,
            at_hours=now,
            until_hours=now,
            message=rule.feedback,
            projection=projection,
            source_ids=tuple(dict.fromkeys(sources)),
        )
        return replace(state, history=(*state.history, feedback)), feedback

    until = now + case.checklist[action_id].minutes / 60.0
    changes: tuple[StageChange, ...] = ()
    outcome = state.outcome
    turned_at = state.turned_at_hours
    if turned_at is None:
        changes = _changes(case, now, until)
        last = case.stages[-1]
        if until >= last.from_hours:  # the course reaches its end before the action is done
            until, outcome = last.from_hours, "life-threatening"
    done = (*state.done, action_id)
    turned = (
        outcome == "in progress"
        and turned_at is None
        and all(a in done for a in case.ids_with_role("turns"))
    )
    if turned:
        turned_at = until
    sources = rule.source_ids + tuple(i for c in changes for i in c.stage.source_ids)
    feedback = CaseFeedback(
        action_id=action_id,
        label=label,
        role=rule.role,
        carried_out=outcome == "in progress",
        at_hours=now,
        until_hours=until,
        message=rule.feedback,
        finding=rule.finding if outcome == "in progress" else "",
        changes=changes,
        turned=turned,
        source_ids=tuple(dict.fromkeys(sources)),
    )
    new = replace(
        state,
        clock_hours=until,
        history=(*state.history, feedback),
        turned_at_hours=turned_at,
        outcome=outcome,
    )
    if turned_at is not None and all(a in new.done for a in case.ids_with_role("needed")):
        new = finish(new)
    return new, feedback


def finish(state: CaseState) -> CaseState:
    """End the case now and fix its outcome.

    The learner may end a case at any time; the engine ends it once the course has turned
    and every needed action is done.

    Parameters
    ----------
    state : CaseState

    Returns
    -------
    CaseState
        Finished, with its outcome (a key of :data:`OUTCOMES`).
    """
    if state.finished:
        return state
    case = state.case
    if state.turned_at_hours is None:
        return replace(state, outcome="stopped")
    arrival = stage_at(case, case.arrival_hours).severity
    worst = stage_at(case, state.turned_at_hours).severity
    if worst > arrival:
        outcome = "harmed"
    elif any(a not in state.done for a in case.ids_with_role("needed")):
        outcome = "incomplete"
    else:
        outcome = "good"
    return replace(state, outcome=outcome)


def view(state: CaseState) -> CaseView:
    """Return what the learner sees now (never the cause or which action is right).

    Parameters
    ----------
    state : CaseState

    Returns
    -------
    CaseView
    """
    case = state.case
    turned_at = state.turned_at_hours
    recovering = turned_at is not None
    stage = stage_at(case, state.clock_hours if turned_at is None else turned_at)
    labels = OBSERVATION_LABELS
    summary = f"The course has turned. {case.recovery}" if recovering else stage.summary
    observations = tuple((labels[k], v) for k, v in stage.observations)
    findings = tuple((f.label, f.finding) for f in state.history if f.carried_out and f.finding)
    return CaseView(
        title=case.title,
        patient=case.patient,
        setting=case.setting,
        story=case.story,
        elapsed_minutes=state.elapsed_minutes,
        summary=summary,
        observations=observations,
        findings=findings,
        done=state.done,
        recovering=recovering,
        finished=state.finished,
        source_ids=stage.source_ids,
    )


def best_actions(case: Case | str, data_dir: Any = None) -> tuple[str, ...]:
    """Return the case's ``needed`` and ``turns`` actions, each after its prerequisites.

    The worked answer for the educator and the tests.

    Parameters
    ----------
    case : Case or str
    data_dir : str or pathlib.Path, optional

    Returns
    -------
    tuple of str
        In checklist order, each after what it requires; ``turns`` actions come as soon as
        their prerequisites allow, and the rest of the needed actions after them.
    """
    if isinstance(case, str):
        case = start(case, data_dir).case
    wanted = list(case.ids_with_role("turns", "needed"))
    order: list[str] = []

    def visit(action_id: str) -> None:
        if action_id in order:
            return
        for required in case.actions[action_id].requires:
            visit(required)
        order.append(action_id)

    for action_id in wanted:
        visit(action_id)
    return tuple(order)


def _hours_words(hours: float) -> str:
    minutes = round(hours * 60)
    if minutes < 60:
        return f"{minutes} min"
    whole, rest = divmod(minutes, 60)
    return f"{whole} h {rest:02d} min" if rest else f"{whole} h"


def debrief(state: CaseState) -> CaseDebrief:
    """Return the debrief of a case (finishing it first if needed).

    Parameters
    ----------
    state : CaseState

    Returns
    -------
    CaseDebrief
        The timeline of what happened with the learner's actions on it, the checklist items
        done and missed, the wrong choices and what to do differently, every point sourced.
    """
    state = finish(state)
    case = state.case
    events: list[DebriefEvent] = [
        DebriefEvent(
            case.arrival_hours,
            "arrival",
            f"You meet the patient: {stage_at(case, case.arrival_hours).summary}",
            stage_at(case, case.arrival_hours).source_ids,
        )
    ]
    for item in state.history:
        if item.role == "harms":
            events.append(
                DebriefEvent(
                    item.at_hours,
                    "stopped",
                    f"Chosen, and stopped: {item.label}. {item.message}",
                    item.source_ids,
                )
            )
        elif item.carried_out or item.until_hours > item.at_hours:
            text = item.label + (f": {item.finding}" if item.finding else "")
            events.append(DebriefEvent(item.at_hours, "action", text, item.source_ids))
        for change in item.changes:
            events.append(
                DebriefEvent(
                    change.at_hours, "stage", change.stage.summary, change.stage.source_ids
                )
            )
        if item.turned:
            events.append(
                DebriefEvent(
                    item.until_hours,
                    "turned",
                    f"The course turns. {case.recovery}",
                    case.source_ids,
                )
            )
    if state.outcome == "life-threatening":
        last = case.stages[-1]
        events.append(DebriefEvent(last.from_hours, "end", last.summary, last.source_ids))
    events.sort(key=lambda e: e.at_hours)

    done_at = {f.action_id: f.until_hours for f in state.history if f.carried_out}
    items = tuple(
        (_label(case, a), "done" if a in done_at else "missed", done_at.get(a))
        for a in case.ids_with_role("turns", "needed")
    )
    wrong = tuple(f for f in state.history if f.role in ("harms", "not-indicated"))
    differently: list[str] = []
    for action_id in case.ids_with_role("turns", "needed"):
        if action_id not in done_at:
            differently.append(f"{_label(case, action_id)}: {case.actions[action_id].feedback}")
    if state.outcome in ("harmed", "life-threatening"):
        arrival = stage_at(case, case.arrival_hours)
        worse = [s for s in case.stages if s.severity > arrival.severity]
        if worse:
            window = worse[0].from_hours - case.arrival_hours
            differently.append(
                f"In this teaching model the patient worsened {_hours_words(window)} after you "
                "met them; the actions that turn the course had to come before that. "
                + worse[0].timing
            )
    for item in wrong:
        differently.append(f"Avoid: {item.label}. {item.message}")
    sources = [*case.source_ids]
    for event in events:
        sources += event.source_ids
    for action_id in case.ids_with_role("turns", "needed"):
        sources += case.actions[action_id].source_ids
    return CaseDebrief(
        case=case,
        outcome=state.outcome,
        outcome_text=OUTCOMES[state.outcome],
        timeline=tuple(events),
        checklist=items,
        wrong=wrong,
        differently=tuple(differently),
        source_ids=tuple(dict.fromkeys(sources)),
    )
