"""Emergencies in words: the checklist, the look-alikes, the cases, their feedback and debrief.

Presentation for notebook 05 and its apps, in the figures layer: it turns what
:mod:`itb_edu.cases` and :mod:`itb_edu.teaching` return into HTML a learner reads, in the
course's styles, with a verdict in words and an icon (never colour alone) and the full
citations of every point.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .presentation import TABLE_CSS, VISIT_CSS, HTMLBlock, _citation_html

if TYPE_CHECKING:  # pragma: no cover
    from .cases import CaseDebrief, CaseFeedback, CaseState, CaseView
    from .teaching import FamilySheet, TeachBackFeedback, TeachBackItem

__all__ = [
    "CASE_CSS",
    "GROUP_WORDS",
    "case_debrief_html",
    "case_feedback_html",
    "case_guide_html",
    "case_story_html",
    "case_view_html",
    "cases_html",
    "checklist_html",
    "family_sheet_document",
    "family_sheet_html",
    "figure_text_html",
    "hours_words",
    "look_alikes_html",
    "teach_back_feedback_html",
    "teach_back_item_html",
    "teaching_html",
]

#: Checklist groups in words.
GROUP_WORDS: dict[str, str] = {
    "assess": "Assess",
    "support": "Support",
    "ask": "Ask and listen",
    "call": "Call",
    "investigate": "Investigate",
    "treat": "Treat",
    "wait": "Wait",
}

CASE_CSS = (
    VISIT_CSS
    + """
<style>
.itb-case-panel {border: 1px solid #c8d1dc; background: #f6f8fa; padding: 8px 12px;
  border-radius: 4px; line-height: 1.45; color: #1f2933; max-width: 62rem;}
.itb-case-clock {font-weight: 700; font-size: 1.1em; color: #1f4e79;}
.itb-case-now {font-size: 1.08em; margin: 4px 0;}
.itb-case-model {font-size: 0.92em; color: #3e4c59; font-style: italic;}
table.itb-case-obs th, table.itb-case-obs td {padding: 3px 16px 3px 0 !important;
  text-align: left; vertical-align: top;}
</style>
"""
)


def hours_words(hours: float) -> str:
    """Return a duration [h] in words: ``45 min``, ``2 h``, ``1 h 10 min``.

    Examples
    --------
    >>> hours_words(0.75), hours_words(2), hours_words(130 / 60)
    ('45 min', '2 h', '2 h 10 min')
    """
    minutes = round(hours * 60)
    if minutes < 60:
        return f"{minutes} min"
    whole, rest = divmod(minutes, 60)
    return f"{whole} h {rest:02d} min" if rest else f"{whole} h"


def _numbered(order: list[str], ids: Sequence[str]) -> str:
    for source_id in ids:
        if source_id not in order:
            order.append(source_id)
    return ", ".join(str(order.index(s) + 1) for s in ids)


def _source_list(order: list[str], citations: dict[str, tuple[str, str]], label: str) -> str:
    items = "".join(f"<li>{_citation_html(s, citations)}</li>" for s in order)
    return (
        f"<details class='itb-visit-sources'><summary>Sources ({len(order)}): {label}"
        f"</summary><ol>{items}</ol></details>"
    )


def _citations(data_dir: Any = None) -> dict[str, tuple[str, str]]:
    from .quiz import load_source_citations

    return load_source_citations(data_dir)


def _table(caption: str, headers: Sequence[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f'<table class="itb-table"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


# --------------------------------------------------------------------------------------------
# Reference tables
# --------------------------------------------------------------------------------------------
def checklist_html(data_dir: Any = None) -> HTMLBlock:
    """Return the first-actions checklist as a table, grouped, with numbered sources.

    Returns
    -------
    HTMLBlock
        Group, action, what to do and why, sources; then the citations.
    """
    from .cases import checklist

    citations = _citations(data_dir)
    order: list[str] = []
    rows = [
        [
            html.escape(GROUP_WORDS[item.group]),
            html.escape(item.label),
            html.escape(item.checklist),
            _numbered(order, item.source_ids),
        ]
        for item in checklist(data_dir).values()
        if item.group != "wait"
    ]
    return HTMLBlock(
        TABLE_CSS
        + CASE_CSS
        + _table(
            "First actions when a pump patient is unwell (for education; follow local protocols)",
            ("Group", "Action", "What to do, and why", "Sources"),
            rows,
        )
        + _source_list(order, citations, "the numbers in the table")
    )


def look_alikes_html(data_dir: Any = None) -> HTMLBlock:
    """Return withdrawal, overdose and the look-alikes side by side, sourced.

    Returns
    -------
    HTMLBlock
        One row per condition: signs, time course, what points to it, the one question to
        ask first, blood pressure, sources; then the citations.
    """
    from . import data

    citations = _citations(data_dir)
    order: list[str] = []
    rows = [
        [
            f"<b>{html.escape(str(r['condition']))}</b>",
            html.escape(str(r["signs"])),
            html.escape(str(r["time_course"])),
            html.escape(str(r["points_to"])),
            html.escape(str(r["ask_first"])),
            html.escape(str(r["blood_pressure"])),
            _numbered(order, data.split_ids(str(r["source_ids"]))),
        ]
        for r in data.look_alikes(data_dir).to_dict("records")
    ]
    return HTMLBlock(
        TABLE_CSS
        + CASE_CSS
        + _table(
            "Telling them apart: withdrawal, overdose and the look-alikes",
            (
                "Condition",
                "Signs",
                "How fast",
                "What points to it",
                "Ask first",
                "Blood pressure",
                "Sources",
            ),
            rows,
        )
        + _source_list(order, citations, "the numbers in the table")
    )


def teaching_html(data_dir: Any = None) -> HTMLBlock:
    """Return what patients and families are taught, with why and sources."""
    from .teaching import topics

    citations = _citations(data_dir)
    order: list[str] = []
    rows = [
        [
            f"<b>{html.escape(t.topic)}</b>",
            html.escape(t.teach),
            html.escape(t.why),
            _numbered(order, t.source_ids),
        ]
        for t in topics(data_dir).values()
    ]
    return HTMLBlock(
        TABLE_CSS
        + CASE_CSS
        + _table(
            "What to teach patients and families",
            ("Topic", "What to teach", "Why", "Sources"),
            rows,
        )
        + _source_list(order, citations, "the numbers in the table")
    )


def cases_html(data_dir: Any = None) -> HTMLBlock:
    """Return the cases as the learner meets them: title, patient, setting, story (no answers)."""
    from .cases import load_cases

    rows = [
        [
            html.escape(c.title),
            html.escape(c.patient),
            html.escape(c.setting),
            html.escape(c.story),
        ]
        for c in load_cases(data_dir).values()
    ]
    return HTMLBlock(
        TABLE_CSS
        + _table(
            "Emergencies to practise (fictional patients)",
            ("Case", "Patient", "Where", "What you know at the start"),
            rows,
        )
    )


def case_guide_html(data_dir: Any = None) -> HTMLBlock:
    """Return the educator's guide to the cases: what each trains and its answers.

    Returns
    -------
    HTMLBlock
        One row per case: the case and what it was, what it trains, the checklist for that
        patient in a right order, the choices the engine stops as harmful, and sources. It
        shows the answers: for educators and the debrief, after the cases are played.
    """
    from .cases import best_actions, load_cases

    citations = _citations(data_dir)
    order: list[str] = []
    rows = []
    for case in load_cases(data_dir).values():
        right = "".join(
            f"<li>{html.escape(case.checklist[a].label)}</li>" for a in best_actions(case)
        )
        harms = "; ".join(html.escape(case.checklist[a].label) for a in case.ids_with_role("harms"))
        ids = list(case.source_ids)
        for action_id in best_actions(case):
            ids += [i for i in case.actions[action_id].source_ids if i not in ids]
        rows.append(
            [
                f"<b>{html.escape(case.title)}</b><br>{html.escape(_CAUSE_WORDS[case.cause])}",
                html.escape(case.trains),
                f"<ol style='margin:0;padding-left:18px'>{right}</ol>",
                harms,
                _numbered(order, ids),
            ]
        )
    return HTMLBlock(
        TABLE_CSS
        + CASE_CSS
        + _table(
            "The cases for the educator (shows the answers)",
            ("Case", "What it trains", "A right order", "Stopped as harmful", "Sources"),
            rows,
        )
        + _source_list(order, citations, "the numbers in the table")
    )


# --------------------------------------------------------------------------------------------
# A case being played
# --------------------------------------------------------------------------------------------
MODEL_NOTE = (
    "The patient's course is a teaching model placed within the sources' time windows, not a "
    "prediction; signs are given in words because the sources give no numbers for them."
)


def case_view_html(shown: CaseView) -> str:
    """Return the patient now: the clock, the summary, observations and findings in words."""
    from .presentation import rows_html

    elapsed = hours_words(shown.elapsed_minutes / 60) if shown.elapsed_minutes else "0 min"
    status = " (the case is over)" if shown.finished else ""
    findings = (
        rows_html(shown.findings, "What your actions have found", css_class="itb-case-obs")
        if shown.findings
        else "<p style='margin:4px 0'><i>Nothing found yet: ask, listen, call.</i></p>"
    )
    return (
        f"{CASE_CSS}<div class='itb-case-panel' role='region' aria-label='The patient now'>"
        f"<div class='itb-case-clock'>Time since you met the patient: "
        f"{html.escape(elapsed)}{status}</div>"
        f"<p class='itb-case-now'><b>The patient now:</b> {html.escape(shown.summary)}</p>"
        + rows_html(
            shown.observations,
            "Observations when the course turned (improving since)"
            if shown.recovering
            else "Observations",
            css_class="itb-case-obs",
        )
        + findings
        + f"<p class='itb-case-model'>{html.escape(MODEL_NOTE)}</p></div>"
    )


def figure_text_html(state: CaseState, alt: str) -> str:
    """Return the timeline figure in words: its description and the numbered actions.

    Parameters
    ----------
    state : itb_edu.cases.CaseState
    alt : str
        The figure's one-line description (:func:`itb_edu.figures.cases.timeline_alt_text`).

    Returns
    -------
    str
        The description, then every action in order with the time since the learner met the
        patient: the numbers match the figure's markers; stopped choices are marked ✘.
    """
    arrival = state.case.arrival_hours
    items = []
    number = 0
    for feedback in state.history:
        when = hours_words(feedback.until_hours - arrival)
        if feedback.carried_out:
            number += 1
            items.append(f"<li value='{number}'>{when}: {html.escape(feedback.label)}</li>")
        elif feedback.role == "harms":
            items.append(
                f"<li style='list-style:none'>✘ stopped at {when}: "
                f"{html.escape(feedback.label)}</li>"
            )
    listing = f"<ol style='margin:2px 0'>{''.join(items)}</ol>" if items else ""
    return (
        f"<div class='itb-figure-alt' style='font-size:0.95em'><b>The figure shows:</b> "
        f"{html.escape(alt)}{listing}</div>"
    )


def case_story_html(state: CaseState) -> str:
    """Return the case as introduced: title, patient, setting and story."""
    case = state.case
    return (
        f"{CASE_CSS}<div class='itb-case-panel'><h3 style='margin:2px 0'>"
        f"{html.escape(case.title)}</h3><p style='margin:2px 0'><b>{html.escape(case.patient)}"
        f"</b> · {html.escape(case.setting)}</p><p style='margin:4px 0'>"
        f"{html.escape(case.story)}</p></div>"
    )


_VERDICTS = {
    "turns": ("itb-right", "✔ Done, and it changes the course."),
    "needed": ("itb-right", "✔ Done: this is on the checklist for this patient."),
    "helps": ("itb-right", "✔ Done: it helps."),
    "not-indicated": ("itb-back", "– Done, but it does not help this patient."),
    "harms": ("itb-wrong", "✘ Stopped: this would harm the patient. Choose again."),
    "blocked": ("itb-back", "⏸ Not yet."),
}


def case_feedback_html(
    feedback: CaseFeedback, citations: dict[str, tuple[str, str]], *, arrival_hours: float
) -> str:
    """Return the engine's answer to one action in words, with what followed and sources.

    Parameters
    ----------
    feedback : itb_edu.cases.CaseFeedback
    citations : dict
        ``{source_id: (citation, url)}``.
    arrival_hours : float
        When the learner met the patient [h since the first sign], to time events from it.

    Returns
    -------
    str
    """
    css, verdict = _VERDICTS[feedback.role]
    parts = [
        f"<div class='itb-visit-verdict' role='alert'>{html.escape(verdict)}</div>",
        f"<div><b>You chose:</b> {html.escape(feedback.label)}</div>",
    ]
    if feedback.message:
        parts.append(f"<p style='margin:4px 0'>{html.escape(feedback.message)}</p>")
    if feedback.finding:
        parts.append(f"<p style='margin:4px 0'><b>Found:</b> {html.escape(feedback.finding)}</p>")
    if feedback.until_hours > feedback.at_hours:
        took = hours_words(feedback.until_hours - feedback.at_hours)
        parts.append(f"<p style='margin:4px 0'>This took {took}.</p>")
    if feedback.changes:
        items = "".join(
            f"<li><b>{hours_words(c.at_hours - arrival_hours)} after you met the patient:</b> "
            f"{html.escape(c.stage.summary)}</li>"
            for c in feedback.changes
        )
        parts.append(f"<h4>Meanwhile, the patient changed</h4><ul>{items}</ul>")
    if feedback.projection:
        items = "".join(
            f"<li><b>{hours_words(c.at_hours - arrival_hours)} after you met the patient:"
            f"</b> {html.escape(c.stage.summary)}</li>"
            for c in feedback.projection
        )
        parts.append(
            "<h4>What would follow if nothing better were done (teaching model)</h4>"
            f"<ul>{items}</ul>"
        )
    if feedback.turned:
        parts.append("<p style='margin:4px 0'><b>The course turns.</b></p>")
    if feedback.source_ids:
        order = list(feedback.source_ids)
        parts.append(_source_list(order, citations, "open for the full citations"))
    return f"{CASE_CSS}<div class='itb-visit-box {css}'>{''.join(parts)}</div>"


_CAUSE_WORDS = {
    "withdrawal": "withdrawal from intrathecal baclofen",
    "overdose": "an overdose of intrathecal baclofen",
    "autonomic-dysreflexia": "autonomic dysreflexia, a look-alike",
    "sepsis": "sepsis, a look-alike",
    "meningitis": "meningitis, a look-alike",
    "neuroleptic-malignant-syndrome": "neuroleptic malignant syndrome, a look-alike",
    "malignant-hyperthermia": "malignant hyperthermia, a look-alike",
    "serotonin-syndrome": "serotonin syndrome, a look-alike",
}


def case_debrief_html(result: CaseDebrief, citations: dict[str, tuple[str, str]]) -> str:
    """Return the end of a case in words, every point sourced.

    What it was, the learner's timeline with their actions, the checklist done and missed,
    what to do differently and what the sources say about the time course.
    """
    case = result.case
    arrival = case.arrival_hours
    order: list[str] = []
    icons = {
        "arrival": "▶",
        "stage": "⚠",
        "action": "•",
        "stopped": "✘",
        "turned": "✔",
        "end": "⚠",
    }
    rows = [
        [
            html.escape(
                "on arrival" if e.at_hours <= arrival else f"+{hours_words(e.at_hours - arrival)}"
            ),
            html.escape(f"{icons[e.kind]} {e.text}"),
            _numbered(order, e.source_ids),
        ]
        for e in result.timeline
    ]
    checklist_rows = [
        [
            html.escape(label),
            "✔ done" if status == "done" else "✘ missed",
            html.escape("" if at is None else f"+{hours_words(at - arrival)}"),
        ]
        for label, status, at in result.checklist
    ]
    timing = list(dict.fromkeys(s.timing for s in case.stages))
    differently = "".join(f"<li>{html.escape(line)}</li>" for line in result.differently)
    sources = list(dict.fromkeys([*order, *result.source_ids]))
    return (
        f"{TABLE_CSS}{CASE_CSS}<div class='itb-visit-box'>"
        f"<h3 style='margin:2px 0 6px 0'>Debrief: {html.escape(case.title)}</h3>"
        f"<p style='margin:2px 0'><b>{html.escape(result.outcome_text)}</b></p>"
        f"<p style='margin:2px 0'>What it was: <b>{html.escape(_CAUSE_WORDS[case.cause])}</b>. "
        f"What this case trains: {html.escape(case.trains)}.</p>"
        + _table("Your timeline", ("When", "What happened", "Sources"), rows)
        + _table(
            "The checklist for this patient",
            ("Action", "You", "When"),
            checklist_rows,
        )
        + (f"<h4>What to do differently</h4><ul>{differently}</ul>" if differently else "")
        + "<h4>What the sources say about the time course</h4><ul>"
        + "".join(f"<li>{html.escape(t)}</li>" for t in timing)
        + "</ul>"
        + _source_list(sources, citations, "the numbers in the timeline, and every point")
        + "</div>"
    )


# --------------------------------------------------------------------------------------------
# Teaching patients
# --------------------------------------------------------------------------------------------
def teach_back_item_html(item: TeachBackItem) -> str:
    """Return what was taught, as the teach-back practice opens."""
    return (
        f"{CASE_CSS}<div class='itb-case-panel'><b>What you have just taught:</b> "
        f"{html.escape(item.taught)}</div>"
    )


def teach_back_feedback_html(
    feedback: TeachBackFeedback, citations: dict[str, tuple[str, str]]
) -> str:
    """Return a teach-back verdict, with an icon and words and the citations."""
    css, icon = ("itb-right", "✔") if feedback.correct else ("itb-wrong", "✘")
    lead, _, rest = feedback.message.partition(". ")
    return (
        f"{CASE_CSS}<div class='itb-visit-box {css}' role='alert'><span class='itb-visit-verdict'>"
        f"{icon} {html.escape(lead)}.</span> {html.escape(rest)}"
        + _source_list(list(feedback.source_ids), citations, "open for the full citations")
        + "</div>"
    )


_SHEET_CSS = """
<style>
.itb-sheet {font-family: system-ui, sans-serif; color: #000; background: #fff;
  max-width: 46rem; line-height: 1.45; font-size: 1.05em;}
.itb-sheet h2 {margin: 4px 0;}
.itb-sheet table {border-collapse: collapse; width: 100%; margin: 6px 0;}
.itb-sheet th, .itb-sheet td {border: 1px solid #52606d; padding: 6px 8px; text-align: left;
  vertical-align: top;}
.itb-sheet .blank {height: 1.6em;}
.itb-sheet .note {font-size: 0.9em; color: #333;}
@media print {.itb-sheet {font-size: 11pt;}}
</style>
"""


def family_sheet_html(sheet: FamilySheet, citations: dict[str, tuple[str, str]]) -> str:
    """Return a family's take-home sheet as HTML (to show, and inside the printable page)."""
    blanks = "".join(
        f"<tr><th style='width:40%'>{html.escape(b)}</th><td class='blank'></td></tr>"
        for b in sheet.blanks
    )
    topics = "".join(
        f"<tr><th>{html.escape(t.topic)}</th><td>{html.escape(t.teach)}</td></tr>"
        for t in sheet.topics
    )
    sources = "".join(f"<li>{_citation_html(s, citations)}</li>" for s in sheet.source_ids)
    return (
        f"{_SHEET_CSS}<div class='itb-sheet'>"
        f"<h2>Your baclofen pump: what to know at home</h2>"
        f"<p><b>For:</b> {html.escape(sheet.patient)} · <b>Pump:</b> {html.escape(sheet.pump)}</p>"
        f"<p><b>What happened, and what it teaches:</b> {html.escape(sheet.lesson)}</p>"
        f"<table><caption style='text-align:left;font-weight:700'>Fill in with your nurse"
        f"</caption>{blanks}</table>"
        f"<table><caption style='text-align:left;font-weight:700'>What to know</caption>"
        f"{topics}</table>"
        "<p class='note'>A teaching example from the itb-edu course, for a fictional patient: "
        "for education, not for managing a real pump. A real family follows the advice of "
        "their own pump team.</p>"
        f"<p class='note'><b>Sources</b></p><ol class='note'>{sources}</ol></div>"
    )


def family_sheet_document(sheet: FamilySheet, citations: dict[str, tuple[str, str]]) -> str:
    """Return the family sheet as a whole printable HTML page."""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Baclofen pump: what to know at home ({html.escape(sheet.patient)})</title>"
        f"</head><body>{family_sheet_html(sheet, citations)}</body></html>"
    )
