"""Presentation shared by the notebook helpers and the apps: tables and readable results.

The domain modules return data; this module and the figure builders turn it into what a
learner sees. It sits above the domain layer and below the apps and the notebook helpers, so
both can use it without importing each other.

- :func:`show_table`: a styled HTML table of a DataFrame;
- :func:`plan_html`, :func:`residual_check_html`, :func:`concentration_change_html`: the
  results of the reservoir engine as tables in words, and :func:`plan_text` and friends as
  plain text; :func:`register_formatters` makes a notebook show engine results this way
  (``nb.setup()`` calls it), so a learner never sees a Python repr; dates show in words.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from .errors import parameter_error

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from IPython.display import HTML

    from .reservoir import ConcentrationChange, RefillPlan, ResidualCheck
    from .visit import Debrief, Feedback

__all__ = [
    "FAQ_CSS",
    "TABLE_CSS",
    "VISIT_CSS",
    "HTMLBlock",
    "compare_html",
    "concentration_change_html",
    "concentration_change_rows",
    "faq_html",
    "figure_words",
    "headline_html",
    "moment_words",
    "plan_html",
    "plan_rows",
    "register_formatters",
    "residual_check_html",
    "residual_check_rows",
    "rows_html",
    "rows_text",
    "show_table",
    "stable_id",
    "table_html",
    "visit_debrief_html",
    "visit_feedback_html",
    "visit_scenarios_html",
    "visit_walkthrough_html",
]

#: Styles of the course tables (high contrast, left-aligned, readable on a projector).
TABLE_CSS = """
<style>
.itb-table {border-collapse: collapse; font-size: 0.95em; margin: 0.4em 0 1em 0;}
.itb-table caption {caption-side: top; text-align: left; font-weight: 600; padding: 0.3em 0;}
.itb-table th {background: #1f4e79; color: #fff; text-align: left !important;
  padding: 6px 10px; vertical-align: bottom;}
.itb-table td {padding: 6px 10px; vertical-align: top; border-bottom: 1px solid #d0d7de;
  max-width: 38em; white-space: normal; text-align: left !important;}
.itb-table tr:nth-child(even) td {background: #f4f7fa;}
.itb-note {border-left: 4px solid #b45309; background: #fff7ed; padding: 0.5em 0.8em;
  margin: 0.5em 0;}
</style>
"""


def stable_id(*parts: object) -> str:
    """Return a short id derived from ``parts``, the same on every run (stored notebooks)."""
    digest = hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()
    return f"itb{digest[:10]}"


def table_html(
    frame: pd.DataFrame,
    caption: str | None,
    formatters: dict | None = None,
    escape: bool = True,
) -> str:
    """Return a DataFrame as a styled ``<table class="itb-table">`` (no CSS, no index).

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to show.
    caption : str or None
        A caption above the table.
    formatters : dict, optional
        ``{column: function(value) -> str}``.
    escape : bool
        Escape cell text as HTML (default True).

    Returns
    -------
    str
        Deterministic HTML.
    """
    formatters = formatters or {}
    head = "".join(f"<th>{html.escape(str(col))}</th>" for col in frame.columns)
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for col in frame.columns:
            value = row[col]
            if col in formatters:
                text = formatters[col](value)
            elif value is None or (isinstance(value, float) and value != value):
                text = ""
            elif isinstance(value, float) and value.is_integer():
                text = f"{value:.0f}"
            else:
                text = str(value)
            cells.append(f"<td>{html.escape(text) if escape else text}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    table_id = stable_id(caption, tuple(frame.columns), len(frame))
    return (
        f'<table class="itb-table" id="{table_id}">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def show_table(
    frame: pd.DataFrame,
    caption: str | None = None,
    columns: Sequence[str] | dict[str, str] | None = None,
) -> HTML:
    """Return a clear, styled HTML table for a DataFrame.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; its index is not shown.
    caption : str, optional
        A caption above the table.
    columns : sequence of str or dict, optional
        Columns to show, in order; a dict maps column names to display headings.

    Returns
    -------
    IPython.display.HTML
        Deterministic HTML (no random ids), safe to compare between runs.
    """
    from IPython.display import HTML

    if columns is not None:
        wanted = list(columns)
        missing = [c for c in wanted if c not in frame.columns]
        if missing:
            raise parameter_error(
                "columns", missing, f"columns not in the table: {', '.join(missing)}"
            )
        frame = frame[wanted]
        if isinstance(columns, dict):
            frame = frame.rename(columns=columns)
    return HTML(TABLE_CSS + table_html(frame, caption))


# --------------------------------------------------------------------------------------------
# Engine results in words
# --------------------------------------------------------------------------------------------
def rows_html(
    rows: Sequence[tuple[str, str]], caption: str = "", *, css_class: str = "itb-plan"
) -> str:
    """Return (label, text) pairs as a two-column HTML table with an optional caption.

    Parameters
    ----------
    rows : sequence of (str, str)
        Label and text of each row; both are escaped.
    caption : str, optional
        Caption above the table.
    css_class : str, default "itb-plan"
        Class of the ``<table>``.

    Returns
    -------
    str
        ``<table class='itb-plan'>...</table>``.
    """
    cap = f"<caption style='text-align:left;font-weight:600'>{html.escape(caption)}</caption>"
    body = "".join(
        f"<tr><th style='text-align:left;padding:2px 14px 2px 0'>{html.escape(k)}</th>"
        f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
        for k, v in rows
    )
    return f"<table class='{html.escape(css_class)}'>{cap if caption else ''}{body}</table>"


def rows_text(rows: Sequence[tuple[str, str]], caption: str = "") -> str:
    """Return (label, text) pairs as plain text, one ``label: text`` line each."""
    lines = [caption] if caption else []
    lines += [f"{label}: {text}" for label, text in rows]
    return "\n".join(lines)


def plan_rows(plan: RefillPlan) -> list[tuple[str, str]]:
    """Return a refill plan's headline numbers as (label, text) pairs, moments in words.

    Parameters
    ----------
    plan : itb_edu.reservoir.RefillPlan
        The plan.

    Returns
    -------
    list of (str, str)
        Refill, fill, dosing, daily volume [mL/day], boluses, alarm and empty moments and days.
    """
    from .reservoir import moment_in_words

    if len(plan.schedule) == 1:
        dosing = f"simple continuous, {plan.daily_dose_mcg:g} mcg/day"
    else:
        steps = ", ".join(f"from {start} {rate:g} mcg/day" for start, rate in plan.schedule)
        dosing = f"flex: {steps} (average {plan.daily_dose_mcg:g} mcg/day)"
    rows = [
        ("Refill", moment_in_words(plan.refill_at)),
        ("Fill volume", f"{plan.fill_volume_ml:g} mL of {plan.concentration_mcg_per_ml:g} mcg/mL"),
        ("Dosing", dosing),
        ("Daily volume", f"{plan.daily_volume_ml:.4g} mL/day"),
    ]
    if plan.boluses:
        rows.append(("Boluses", f"{len(plan.boluses)}, {plan.bolus_volume_ml:.4g} mL in all"))
    days = "never" if plan.days_to_low_alarm is None else f"{plan.days_to_low_alarm:.2f} days"
    empty_days = "never" if plan.days_to_empty is None else f"{plan.days_to_empty:.2f} days"
    rows += [
        (
            f"Low-reservoir alarm ({plan.low_alarm_ml:g} mL left)",
            moment_in_words(plan.low_alarm_at),
        ),
        ("Days to low alarm", days),
        ("Empty", moment_in_words(plan.empty_at)),
        ("Days to empty", empty_days),
    ]
    if plan.refill_due_reason == "maximum interval":
        rows.append(("Refill due (maximum interval)", moment_in_words(plan.refill_due_at)))
    return rows


def residual_check_rows(check: ResidualCheck) -> list[tuple[str, str]]:
    """Return a residual check as (label, text) pairs.

    Parameters
    ----------
    check : itb_edu.reservoir.ResidualCheck
        The check.

    Returns
    -------
    list of (str, str)
        Expected, aspirated, difference, programmed [mL], the labelled limit, the decision and
        the reading in words.
    """
    limit = (
        "no documented figure for this pump"
        if check.overinfusion_above_pct is None or check.explainable_shortfall_ml is None
        else (
            f"delivery more than {check.overinfusion_above_pct:g} % above the programmed "
            f"rate; at that limit {check.explainable_shortfall_ml:.2f} mL more would have "
            "left the reservoir"
        )
    )
    return [
        ("Expected residual", f"{check.expected_ml:.2f} mL"),
        ("Aspirated", f"{check.aspirated_ml:.2f} mL"),
        ("Difference (aspirated - expected)", f"{check.gap_ml:+.2f} mL"),
        ("Programmed since the refill", f"{check.programmed_ml:.2f} mL"),
        ("Labelled overinfusion limit", limit),
        (
            "Stop and investigate before refilling",
            "yes" if check.stop_and_investigate else "see below",
        ),
        ("Reading", check.message),
    ]


def concentration_change_rows(change: ConcentrationChange) -> list[tuple[str, str]]:
    """Return a concentration change as (label, text) pairs.

    Parameters
    ----------
    change : itb_edu.reservoir.ConcentrationChange
        The comparison of the old and new concentration.

    Returns
    -------
    list of (str, str)
        Concentrations [mcg/mL], volume per day [mL/day], days to the alarm, the dose without
        a bridge bolus and why one is needed.
    """
    old, new = change.old_plan, change.new_plan
    rows = [
        (
            "Concentration",
            f"{old.concentration_mcg_per_ml:g} → {new.concentration_mcg_per_ml:g} mcg/mL",
        ),
        (
            "Volume pumped per day",
            f"{change.old_volume_rate_ml_per_day:.4g} → {change.new_volume_rate_ml_per_day:.4g}"
            " mL/day",
        ),
        (
            "Days to low alarm",
            f"{old.days_to_low_alarm or 0:.1f} → {new.days_to_low_alarm or 0:.1f} days "
            f"({change.interval_ratio:.3g} times as long)",
        ),
    ]
    if change.delay_days is not None and change.dose_during_delay_mcg_per_day is not None:
        rows.append(
            (
                "Without a bridge bolus",
                f"{change.dose_during_delay_mcg_per_day:.4g} mcg/day instead of "
                f"{old.daily_dose_mcg:g} for about {change.delay_days:.2f} days",
            )
        )
    rows.append(("Why a bridge bolus", change.explanation))
    return rows


def headline_html(plan: RefillPlan, *, margin_days: int | None = None) -> str:
    """Headline numbers of a plan as HTML.

    Parameters
    ----------
    plan : RefillPlan
        The plan.
    margin_days : int, optional
        Booking margin before the alarm date [day] (clinic policy); default
        :data:`itb_edu.scheduling.DEFAULT_MARGIN_DAYS`.

    Returns
    -------
    str
        Daily volume, days to alarm, the alarm moment in words, the empty moment and the
        book-by date.
    """
    from .reservoir import moment_in_words

    rows = [
        ("Daily volume", f"{plan.daily_volume_ml:.3f} mL/day ({plan.daily_dose_mcg:g} mcg/day)")
    ]
    if plan.bolus_volume_ml:
        rows.append(("Boluses", f"{plan.bolus_volume_ml:.3f} mL in all"))
    if plan.low_alarm_at is None:
        rows.append(("Low-reservoir alarm", "never: the pump delivers nothing"))
    else:
        from .scheduling import DEFAULT_MARGIN_DAYS, book_refill_date

        if margin_days is None:
            margin_days = DEFAULT_MARGIN_DAYS
        book_on = book_refill_date(plan.low_alarm_at, margin_days=margin_days)
        rows += [
            ("Days to low alarm", f"{plan.days_to_low_alarm:.1f} days"),
            ("Low-reservoir alarm", moment_in_words(plan.low_alarm_at)),
            ("Empty", moment_in_words(plan.empty_at)),
            (
                "Refill by",
                f"{book_on:%A} {book_on.day} {book_on:%B %Y} "
                f"(a working day at least {margin_days} days before the alarm date)",
            ),
        ]
    if plan.refill_due_reason == "maximum interval":
        rows.append(("Refill due (maximum interval)", moment_in_words(plan.refill_due_at)))
    return rows_html(rows, css_class="itb-headline")


def compare_html(plans: Sequence[RefillPlan], labels: Sequence[str]) -> str:
    """Two or more plans side by side: concentration, daily volume, alarm and empty moments.

    Parameters
    ----------
    plans : sequence of RefillPlan
        The plans, one column each.
    labels : sequence of str
        Column headings, one per plan.

    Returns
    -------
    str
        ``<table class='itb-compare'>``, moments in words.
    """
    from .reservoir import moment_in_words

    def days(value: float | None) -> str:
        return "never" if value is None else f"{value:.1f} days"

    rows = [
        ("Concentration", *(f"{p.concentration_mcg_per_ml:g} mcg/mL" for p in plans)),
        ("Daily volume", *(f"{p.daily_volume_ml:.3f} mL/day" for p in plans)),
        ("Days to low alarm", *(days(p.days_to_low_alarm) for p in plans)),
        ("Low-reservoir alarm", *(moment_in_words(p.low_alarm_at) for p in plans)),
        ("Empty", *(moment_in_words(p.empty_at) for p in plans)),
    ]
    head = "".join(f"<th style='padding:0 12px'>{html.escape(x)}</th>" for x in ("Result", *labels))
    body = "".join(
        "<tr>" + "".join(f"<td style='padding:0 12px'>{html.escape(v)}</td>" for v in row) + "</tr>"
        for row in rows
    )
    return f"<table class='itb-compare'><tr>{head}</tr>{body}</table>"


PLAN_CAPTION = "Refill plan (education only)"
RESIDUAL_CAPTION = "Refill-visit residual check (education only)"
CONCENTRATION_CAPTION = "Changing the concentration at a refill"


def plan_html(plan: RefillPlan) -> str:
    """Return :func:`plan_rows` as an HTML table."""
    return rows_html(plan_rows(plan), PLAN_CAPTION)


def residual_check_html(check: ResidualCheck) -> str:
    """Return :func:`residual_check_rows` as an HTML table."""
    return rows_html(residual_check_rows(check), RESIDUAL_CAPTION)


def concentration_change_html(change: ConcentrationChange) -> str:
    """Return :func:`concentration_change_rows` as an HTML table."""
    return rows_html(concentration_change_rows(change), CONCENTRATION_CAPTION)


def register_formatters(shell: Any) -> None:
    """Show engine results in words in this IPython shell (HTML and plain text).

    Parameters
    ----------
    shell : IPython.core.interactiveshell.InteractiveShell
        The running shell (``get_ipython()``).

    Notes
    -----
    The plain-text form is what a saved notebook shows where HTML is not rendered, so it is
    words too, never a Python repr.
    """
    from .reservoir import ConcentrationChange, RefillPlan, ResidualCheck

    kinds = (
        (RefillPlan, plan_rows, PLAN_CAPTION),
        (ResidualCheck, residual_check_rows, RESIDUAL_CAPTION),
        (ConcentrationChange, concentration_change_rows, CONCENTRATION_CAPTION),
    )
    formatters = shell.display_formatter.formatters
    for kind, rows, caption in kinds:

        def as_html(obj: Any, rows: Any = rows, caption: str = caption) -> str:
            return rows_html(rows(obj), caption)

        def as_text(
            obj: Any, printer: Any, cycle: bool, rows: Any = rows, caption: str = caption
        ) -> None:
            printer.text(rows_text(rows(obj), caption))

        formatters["text/html"].for_type(kind, as_html)
        formatters["text/plain"].for_type(kind, as_text)

    def moment_text(obj: Any, printer: Any, cycle: bool) -> None:
        printer.text(moment_words(obj))

    formatters["text/plain"].for_type(date, moment_text)
    formatters["text/plain"].for_type(datetime, moment_text)


def moment_words(moment: date) -> str:
    """Return a date or datetime in words: ``Thursday 2 April 2026`` (``at 09:00`` if a time).

    Examples
    --------
    >>> moment_words(date(2026, 4, 2))
    'Thursday 2 April 2026'
    """
    from .reservoir import moment_in_words

    if isinstance(moment, datetime):
        return moment_in_words(moment)
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


# --------------------------------------------------------------------------------------------
# Frequently asked questions
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HTMLBlock:
    """A piece of HTML that Jupyter displays as rich output.

    Attributes
    ----------
    html : str
        The markup.
    """

    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return "(formatted text: open the notebook in JupyterLab or the app view to read it)"


FAQ_CSS = """
<style>
.itb-faq {font-family: Arial, Helvetica, sans-serif; max-width: 60rem;}
.itb-faq details {border: 1px solid #c8d1dc; border-radius: 4px; margin: 4px 0;
  background: #ffffff;}
.itb-faq summary {cursor: pointer; padding: 8px 12px; font-weight: bold; color: #1f2933;
  background: #f5f7fa;}
.itb-faq .itb-faq-body {padding: 6px 14px 10px 14px; color: #1f2933; line-height: 1.45;}
.itb-faq .itb-faq-fix {border-left: 4px solid #9a6700; background: #fff8e5;
  padding: 4px 10px; margin: 6px 0;}
.itb-faq .itb-faq-meta {font-size: 0.88em; color: #52606d;}
.itb-faq ul {margin: 2px 0 0 0;}
</style>
"""


def faq_html(
    faq: pd.DataFrame | None = None,
    citations: dict[str, str] | None = None,
    section: str | None = None,
) -> HTMLBlock:
    """Render the FAQ as a collapsible list (one ``<details>`` per question).

    Parameters
    ----------
    faq : pandas.DataFrame, optional
        The table; default :func:`load_faq`.
    citations : dict, optional
        ``{source_id: citation}``; default read from ``data/sources.csv``.
    section : str, optional
        Show only the questions taught in this notebook section (exact heading text).

    Returns
    -------
    HTMLBlock
        Deterministic HTML: each answer, a highlighted note where a common answer is wrong or
        missing, the section that teaches it and the full citations.

    Raises
    ------
    ValueError
        If ``section`` matches no question.
    """
    if faq is None:
        from .faq import load_faq

        faq = load_faq()
    if citations is None:
        from . import data

        table = data.sources()
        citations = dict(zip(table["source_id"], table["citation"], strict=True))
    rows = faq.to_dict("records")
    if section is not None:
        rows = [row for row in rows if row["notebook_section"] == section]
        if not rows:
            raise parameter_error(
                "section", section, f"section={section!r} matches no question in the FAQ"
            )
    items = []
    for row in rows:
        ids = [s.strip() for s in str(row["source_ids"]).split(";") if s.strip()]
        sources = "".join(
            f"<li>{html.escape(citations.get(source_id, source_id))} "
            f"<code>[{html.escape(source_id)}]</code></li>"
            for source_id in ids
        )
        fix = str(row["common_mistake"]).strip()
        fix_html = (
            f"<div class='itb-faq-fix'><b>A common mistake, corrected.</b> {html.escape(fix)}</div>"
            if fix
            else ""
        )
        items.append(
            "<details>"
            f"<summary>{html.escape(str(row['question']))}</summary>"
            "<div class='itb-faq-body'>"
            f"<p>{html.escape(str(row['answer']))}</p>"
            f"{fix_html}"
            f"<div class='itb-faq-meta'>Taught in: {html.escape(str(row['notebook_section']))}"
            f"<br>Sources:<ul>{sources}</ul></div>"
            "</div></details>"
        )
    return HTMLBlock(FAQ_CSS + "<div class='itb-faq'>" + "".join(items) + "</div>")


# --------------------------------------------------------------------------------------------
# The refill visit: scenarios to work, and one worked walk-through
# --------------------------------------------------------------------------------------------
def visit_scenarios_html(data_dir: Any = None) -> HTMLBlock:
    """Return the refill-visit scenarios as a table: title, the fictional patient, the story.

    No answers: this is what a learner reads before choosing a scenario in the app, and what a
    stored notebook shows before it is run.
    """
    from .visit import load_scenarios

    frame_rows = "".join(
        "<tr>"
        f"<td>{html.escape(s.title)}</td>"
        f"<td>{html.escape(s.patient)}</td>"
        f"<td>{html.escape(s.story)}</td>"
        "</tr>"
        for s in load_scenarios(data_dir).values()
    )
    return HTMLBlock(
        TABLE_CSS + '<table class="itb-table"><caption>Refill visits to practise (fictional '
        "patients)</caption><thead><tr><th>Scenario</th><th>Patient</th><th>What you know "
        f"at the start</th></tr></thead><tbody>{frame_rows}</tbody></table>"
    )


def visit_walkthrough_html(scenario_id: str, data_dir: Any = None) -> HTMLBlock:
    """Return one scenario worked right, step by step, with the engine's feedback and sources.

    For the educator and the printed handout: it shows the answers.
    """
    from . import data
    from .visit import load_scenarios, walkthrough

    scenario = load_scenarios(data_dir)[scenario_id]
    table = data.sources(data_dir)
    citations = dict(zip(table["source_id"], table["citation"], strict=True))
    steps = walkthrough(scenario, data_dir)
    order = list(dict.fromkeys(i for step in steps for i in step.source_ids))
    number = {source_id: n for n, source_id in enumerate(order, start=1)}
    body = "".join(
        "<tr>"
        f"<td>{html.escape(step.title)}</td>"
        f"<td>{html.escape(step.action)}</td>"
        f"<td>{html.escape(step.feedback)}</td>"
        f"<td>{', '.join(str(number[i]) for i in step.source_ids)}</td>"
        "</tr>"
        for step in steps
    )
    references = "".join(
        f"<li>{html.escape(citations.get(i, i))} <code>[{html.escape(i)}]</code></li>"
        for i in order
    )
    caption = f"Worked walk-through: {scenario.title} ({scenario.patient})"
    return HTMLBlock(
        TABLE_CSS + f'<table class="itb-table"><caption>{html.escape(caption)}</caption>'
        "<thead><tr><th>Step</th><th>What to do</th><th>Why</th><th>Sources</th></tr></thead>"
        f"<tbody>{body}</tbody></table><p><b>Sources</b> (the numbers in the table)</p>"
        f"<ol style='font-size:0.92em'>{references}</ol>"
    )


# --------------------------------------------------------------------------------------------
# The refill visit: feedback and debrief (the app shows these)
# --------------------------------------------------------------------------------------------
#: Styles of the feedback and the debrief: verdicts carry an icon and words, never colour alone.
VISIT_CSS = """
<style>
.itb-visit-box {border-left: 5px solid #52606d; background: #f5f7fa; padding: 8px 12px;
  margin: 6px 0; color: #1f2933; line-height: 1.45; max-width: 62rem;}
.itb-visit-box.itb-right {border-left-color: #1a7f37; background: #eef8f0;}
.itb-visit-box.itb-wrong {border-left-color: #b3261e; background: #fdf0ef;}
.itb-visit-box.itb-back {border-left-color: #9a6700; background: #fff8e5;}
.itb-visit-verdict {font-weight: 700; font-size: 1.08em;}
.itb-visit-box h4 {margin: 10px 0 2px 0; font-size: 1em;}
.itb-visit-box ul, .itb-visit-box ol {margin: 2px 0 4px 0; padding-left: 22px;}
.itb-visit-sources {font-size: 0.92em; color: #3e4c59; margin-top: 6px;}
.itb-visit-sources summary {cursor: pointer; font-weight: 600;}
table.itb-visit-facts th, table.itb-visit-facts td {padding: 3px 16px 3px 0 !important;
  vertical-align: top;}
table.itb-visit-facts caption {padding-bottom: 2px;}
table.itb-visit-decisions {border-collapse: collapse; margin: 6px 0;}
table.itb-visit-decisions th {background: #1f4e79; color: #fff; text-align: left;
  padding: 5px 8px;}
table.itb-visit-decisions td {border-bottom: 1px solid #d0d7de; padding: 5px 8px;
  vertical-align: top; text-align: left;}
table.itb-visit-card-table {border-collapse: collapse; margin: 6px 0; background: #fff;
  color: #000; max-width: 46rem;}
table.itb-visit-card-table caption {font-size: 1.1em; padding-bottom: 4px;}
table.itb-visit-card-table th, table.itb-visit-card-table td {border: 1px solid #52606d;
  padding: 6px 10px !important; vertical-align: top;}
table.itb-visit-card-table th {background: #f5f7fa; width: 13em;}
</style>
"""

#: The outcome of a visit, in words.
VISIT_OUTCOMES = {
    "completed": (
        "Visit completed: the pump is refilled and programmed, the settings were checked, "
        "and the patient leaves with the alarm date in writing."
    ),
    "stopped and escalated": (
        "Visit stopped and escalated: the pump was not refilled, and the pump team looks "
        "for the cause."
    ),
}


def _after_visit(moment: datetime, visit_at: datetime) -> str:
    minutes = round((moment - visit_at).total_seconds() / 60)
    if minutes <= 0:
        return "at the visit"
    if minutes < 120:
        return f"{minutes} minutes after the visit"
    hours = minutes / 60
    if hours < 48:
        return f"about {round(hours)} hours after the visit"
    return f"about {round(hours / 24)} days after the visit"


def _citation_html(source_id: str, citations: dict[str, tuple[str, str]]) -> str:
    citation, url = citations.get(source_id, (source_id, ""))
    text = html.escape(citation)
    if url:
        text += f' <a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener">link</a>'
    return text


def _sources_html(source_ids: tuple[str, ...], citations: dict[str, tuple[str, str]]) -> str:
    items = "".join(f"<li>{_citation_html(s, citations)}</li>" for s in source_ids)
    return (
        f"<details class='itb-visit-sources'><summary>Sources ({len(source_ids)}): open for "
        f"the full citations</summary><ul>{items}</ul></details>"
    )


def visit_feedback_html(
    feedback: Feedback,
    citations: dict[str, tuple[str, str]],
    *,
    visit_at: datetime,
    answer: str = "",
    back_to: str = "",
) -> str:
    """Return the engine's answer to one action in words.

    Parameters
    ----------
    feedback : itb_edu.visit.Feedback
        What :func:`itb_edu.visit.act` returned.
    citations : dict
        ``{source_id: (citation, url)}`` from ``data/sources.csv``.
    visit_at : datetime
        The visit, to say how long after it each event falls.
    answer : str, optional
        What the learner chose or entered, in words.
    back_to : str, optional
        The step the visit goes back to, when the action sent it back.

    Returns
    -------
    str
        A verdict with an icon and words (never colour alone), the engine's message, the
        pump's read-out after an interrogation, what a wrong action would do to the patient
        and when (dates in words), and the full citations.
    """
    consequence = feedback.consequence
    if feedback.correct:
        css, verdict = "itb-right", "✔ Right."
    elif back_to:
        css, verdict = "itb-back", "✘ The check found a problem: the programme goes back."
    elif feedback.critical:
        css, verdict = "itb-wrong", "✘ Not right, and dangerous for the patient. Try again."
    else:
        css, verdict = "itb-wrong", "✘ Not right. Try again."
    parts = [f"<div class='itb-visit-verdict' role='alert'>{html.escape(verdict)}</div>"]
    if answer:
        parts.append(f"<div><b>Your answer:</b> {html.escape(answer)}</div>")
    message = feedback.message
    summary = consequence.summary if consequence is not None else ""
    if message:
        parts.append(f"<p style='margin:4px 0'>{html.escape(message)}</p>")
    if feedback.readout:
        parts.append(
            rows_html(feedback.readout, "The programmer reads", css_class="itb-visit-facts")
        )
    if consequence is not None:
        parts.append("<h4>What this would do to the patient</h4>")
        parts.append(f"<p style='margin:2px 0'>{html.escape(summary)}</p>")
        if consequence.events:
            events = "".join(
                f"<li><b>{html.escape(moment_words(event.at))}</b> "
                f"({html.escape(_after_visit(event.at, visit_at))}): "
                f"{html.escape(event.label)}</li>"
                for event in consequence.events
            )
            parts.append(f"<h4>When it would happen</h4><ul>{events}</ul>")
    if back_to:
        parts.append(f"<p style='margin:4px 0'><b>Next:</b> back to {html.escape(back_to)}.</p>")
    if feedback.source_ids:
        parts.append(_sources_html(feedback.source_ids, citations))
    return f"{VISIT_CSS}<div class='itb-visit-box {css}'>{''.join(parts)}</div>"


def visit_debrief_html(
    result: Debrief,
    citations: dict[str, tuple[str, str]],
    *,
    title: str = "",
    hazard_steps: tuple[str, ...] = (),
) -> str:
    """Return the end of a visit in words: outcome, hazards caught, each decision, sources.

    Parameters
    ----------
    result : itb_edu.visit.Debrief
        What :func:`itb_edu.visit.debrief` returned.
    citations : dict
        ``{source_id: (citation, url)}`` from ``data/sources.csv``.
    title : str, optional
        The scenario's title.
    hazard_steps : tuple of str, optional
        The steps where the scenario set a hazard (:func:`itb_edu.visit.trap_steps`).

    Returns
    -------
    str
        The outcome, ``Hazards caught at the first try: X of Y``, what the scenario trains, one
        row per decision (right at the first try or not, what to remember, numbered sources)
        and the numbered full citations.
    """
    order: list[str] = []
    for decision in result.decisions:
        order += [s for s in decision.source_ids if s not in order]
    number = {source_id: index for index, source_id in enumerate(order, start=1)}
    rows = []
    for decision in result.decisions:
        if decision.first_try_right:
            first = "✔ right at the first try"
        else:
            first = f"✘ right after {decision.attempts} tries"
        step = decision.title
        if decision.step_id in hazard_steps:
            step += " (a hazard of this scenario)"
        refs = ", ".join(str(number[s]) for s in decision.source_ids)
        rows.append(
            f"<tr><td>{html.escape(step)}</td><td style='white-space:nowrap'>"
            f"{html.escape(first)}</td>"
            f"<td>{html.escape(decision.message)}</td><td>{html.escape(refs)}</td></tr>"
        )
    outcome = VISIT_OUTCOMES.get(result.outcome, "The visit is not finished yet.")
    heading = f"Debrief: {title}" if title else "Debrief"
    sources = "".join(f"<li>{_citation_html(s, citations)}</li>" for s in order)
    return (
        f"{VISIT_CSS}<div class='itb-visit-box'>"
        f"<h3 style='margin:2px 0 6px 0'>{html.escape(heading)}</h3>"
        f"<p style='margin:2px 0'><b>{html.escape(outcome)}</b></p>"
        f"<p style='margin:2px 0'><b>Hazards caught at the first try: {result.hazards_caught} "
        f"of {result.hazards_met}.</b></p>"
        f"<p style='margin:2px 0'>What this scenario trains: {html.escape(result.hazard)}.</p>"
        "<table class='itb-visit-decisions'><thead><tr><th>Step</th><th>Your decision</th>"
        "<th>What to remember</th><th>Sources</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        f"<details class='itb-visit-sources'><summary>Sources ({len(order)}): the numbers "
        f"in the table</summary><ol>{sources}</ol></details></div>"
    )


# --------------------------------------------------------------------------------------------
# The missed-refill timeline in words (everything the figure's hover text says, readable)
# --------------------------------------------------------------------------------------------
def timeline_table_html(phases: Sequence[Any], today: Any = None) -> HTMLBlock:
    """Return the missed-refill timeline as a table: each phase, from when to when, what happens.

    Parameters
    ----------
    phases : sequence of itb_edu.side_effects.TimelinePhase
        From :func:`itb_edu.side_effects.timeline_for`.
    today : date, datetime or str, optional
        A moment to name in words below the table, with the stage it falls in.

    Returns
    -------
    HTMLBlock
        The text of the figure's hover labels, for a projector, paper, the keyboard and screen
        readers.
    """
    from .side_effects import as_moment, stage_at

    rows = []
    for phase in phases:
        when = (
            moment_words(phase.start)
            if phase.is_moment
            else f"{moment_words(phase.start)} to {moment_words(phase.end)}"
        )
        rows.append(
            f"<tr><td>{html.escape(phase.name)}</td><td>{html.escape(when)}</td>"
            f"<td>{html.escape(phase.description)}</td>"
            f"<td>{html.escape(', '.join(phase.source_ids))}</td></tr>"
        )
    note = ""
    if today is not None:
        moment = as_moment("today", today)
        alarm = next(p.start for p in phases if p.name.startswith("Running low"))
        empty = next(p.start for p in phases if p.name.startswith("Reservoir empty"))
        note = (
            f"<p><b>{html.escape(moment_words(moment))}:</b> "
            f"{html.escape(stage_at(moment, alarm, empty))}.</p>"
        )
    return HTMLBlock(
        TABLE_CSS + '<table class="itb-table"><caption>The missed-refill timeline in words'
        "</caption><thead><tr><th>Phase</th><th>When</th><th>What happens and what the "
        "nurse does</th><th>Sources</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>{note}"
    )


# --------------------------------------------------------------------------------------------
# Every figure in words (its text alternative, with the data as a table on demand)
# --------------------------------------------------------------------------------------------
_MAX_POINTS = 12


def _value_words(value: Any) -> str:
    import numpy as np

    if isinstance(value, np.datetime64):
        value = value.astype("datetime64[s]").item()
    if isinstance(value, (datetime, date)):
        return moment_words(value)
    if isinstance(value, str):
        try:
            return moment_words(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        number = float(value)
        if number != number:  # NaN: a gap in a line
            return ""
        return f"{number:.3g}" if abs(number) < 1000 else f"{number:,.0f}"
    return str(value)


def _span_words(start: Any, length: Any) -> str:
    """Return a horizontal bar on a time axis in words: from its start to its end."""
    from datetime import timedelta

    import pandas as pd

    try:
        begin = pd.Timestamp(start).to_pydatetime()
    except (ValueError, TypeError):
        return f"{_value_words(start)} for {_value_words(length)}"
    end = begin + timedelta(milliseconds=float(length))
    return f"from {moment_words(begin)} to {moment_words(end)}"


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def _plain(text: Any) -> str:
    """Figure text without its HTML tags (plotly labels may carry <b>, <br>)."""
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", str(text or ""))).strip()


def figure_words(fig: Any, caption: str = "") -> HTMLBlock:
    """Return a figure's text alternative: a description, then its content as a table.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The figure shown just above.
    caption : str, optional
        A description to use instead of the one made from the figure.

    Returns
    -------
    HTMLBlock
        ``<details>`` (closed; open on demand, by keyboard too) holding: the description
        (``layout.meta["alt"]`` when the builder gives one, else the title, the axes and the
        traces), every trace by name with its points (up to 12, evenly spread) or its details,
        and every label written on the figure. Nothing is only in hover text or colour.
    """
    layout = fig.layout
    title = _plain(layout.title.text) or "The figure"
    meta = layout.meta if isinstance(layout.meta, dict) else {}
    names = [_plain(t.name) for t in fig.data if _plain(t.name)]
    axes = []
    for axis in ("xaxis", "yaxis"):
        text = _plain(getattr(layout, axis).title.text) if getattr(layout, axis) else ""
        if text:
            axes.append(f"{'across' if axis == 'xaxis' else 'up'}: {text}")
    description = (
        caption
        or meta.get("alt")
        or (
            f"{title}. "
            + ("; ".join(axes) + ". " if axes else "")
            + (f"It shows: {', '.join(dict.fromkeys(names))}." if names else "")
        )
    )
    drawing = layout.xaxis.visible is False and layout.yaxis.visible is False  # a schematic
    rows = []
    for trace in fig.data:
        if trace.visible is False:
            continue
        name = _plain(trace.name) or _plain(getattr(trace, "meta", ""))
        if not name and drawing:
            continue  # an outline of the drawing: nothing to read
        axis_name = "yaxis" + str(getattr(trace, "yaxis", "y") or "y")[1:]
        unit = _plain(layout[axis_name].title.text) if axis_name in layout else ""
        shown = name or "(unnamed)"
        if unit and not drawing:
            shown = f"{shown} ({unit})"
        details = []
        for attribute in ("hovertext", "text"):
            value = getattr(trace, attribute, None)
            if isinstance(value, str) and _plain(value):
                details.append(_plain(value))
            elif value is not None and not isinstance(value, str):
                details += [_plain(v) for v in value if _plain(v) and not _plain(v).isdigit()]
        details = [d.removeprefix(name).strip() if name else d for d in details]
        details = [d for d in details if not _is_number(d)]
        x, y = getattr(trace, "x", None), getattr(trace, "y", None)
        points = ""
        if trace.type == "bar" and trace.orientation == "h" and trace.base is not None:
            bases = list(trace.base) if isinstance(trace.base, (list, tuple)) else [trace.base]
            points = "; ".join(
                _span_words(start, length) for start, length in zip(bases, x or (), strict=False)
            )
            x = y = None  # each bar is a span of time, said above
        if (
            x is not None
            and y is not None
            and not drawing
            and getattr(trace, "fill", None) != "toself"
        ):
            pairs = [(a, b) for a, b in zip(list(x), list(y), strict=False) if b is not None]
            if len(pairs) > _MAX_POINTS:
                step = (len(pairs) - 1) / (_MAX_POINTS - 1)
                pairs = [pairs[round(i * step)] for i in range(_MAX_POINTS)]
            points = "; ".join(
                _value_words(a)
                if isinstance(b, str) and not _is_number(b)  # a point on a named row
                else f"{_value_words(a)}: {_value_words(b)}"
                for a, b in pairs
                if _value_words(b)
            )
        text = " ".join(dict.fromkeys(details))
        row = (shown, "; ".join(p for p in (points, text) if p))
        if (points or text) and row not in rows:
            rows.append(row)
    labels = [_plain(a.text) for a in layout.annotations if _plain(a.text)]
    body = "".join(
        f"<tr><th scope='row'>{html.escape(n)}</th><td>{html.escape(v)}</td></tr>" for n, v in rows
    )
    table = (
        f"<table class='itb-table'><thead><tr><th>Shown</th><th>Values and details</th></tr>"
        f"</thead><tbody>{body}</tbody></table>"
        if rows
        else ""
    )
    written = (
        "<p><b>Written on the figure:</b> "
        + html.escape(" · ".join(dict.fromkeys(labels)))
        + "</p>"
        if labels
        else ""
    )
    return HTMLBlock(
        f"{TABLE_CSS}<details class='itb-figure-words'><summary><b>The figure in words</b> "
        f"({html.escape(title)}): open for a description and the data as a table</summary>"
        f"<p>{html.escape(description)}</p>{table}{written}</details>"
    )
