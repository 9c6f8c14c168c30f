"""Notebook helpers for ``05_emergencies``: the reference tables and a worked case.

Short calls for demo cells: the first-actions checklist, the look-alikes side by side, the
cases as the learner meets them, what to teach patients and families, one case worked right
for the educator (it shows the answers), and a family's take-home sheet. The practice itself is
the widget app :mod:`itb_edu.apps.cases`.

For education only: not for managing a real patient.
"""

from __future__ import annotations

from ..case_presentation import (
    case_debrief_html,
    case_guide_html,
    cases_html,
    checklist_html,
    family_sheet_html,
    look_alikes_html,
    teaching_html,
)
from ..cases import act, best_actions, debrief, start
from ..presentation import HTMLBlock
from ..quiz import load_source_citations
from ..teaching import family_sheet

__all__ = [
    "case_guide",
    "cases",
    "checklist",
    "family_sheet_for",
    "look_alikes",
    "teaching",
    "worked_case",
]


def case_guide() -> HTMLBlock:
    """Return the educator's guide to every case: what it trains, a right order, the harms."""
    return case_guide_html()


def checklist() -> HTMLBlock:
    """Return the first-actions checklist, grouped, with sources."""
    return checklist_html()


def look_alikes() -> HTMLBlock:
    """Return withdrawal, overdose and the look-alikes side by side, with sources."""
    return look_alikes_html()


def cases() -> HTMLBlock:
    """Return the cases as the learner meets them (no answers)."""
    return cases_html()


def teaching() -> HTMLBlock:
    """Return what to teach patients and families, why, and sources."""
    return teaching_html()


def worked_case(case_id: str) -> HTMLBlock:
    """Return one case played right by the engine, as its debrief (it shows the answers).

    Parameters
    ----------
    case_id : str
        A case of ``data/cases.csv``.

    Returns
    -------
    HTMLBlock
        The debrief of the case worked with :func:`itb_edu.cases.best_actions`.
    """
    state = start(case_id)
    for action_id in best_actions(state.case):
        if state.finished:
            break
        state, _ = act(state, action_id)
    return HTMLBlock(case_debrief_html(debrief(state), load_source_citations()))


def family_sheet_for(case_id: str) -> HTMLBlock:
    """Return the take-home sheet for the family of one case (fictional patient)."""
    return HTMLBlock(family_sheet_html(family_sheet(case_id), load_source_citations()))
