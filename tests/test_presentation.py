"""itb_edu.presentation: engine results in words, as HTML and as plain text, in a real shell."""

from __future__ import annotations

import pytest

from itb_edu import presentation
from itb_edu.reservoir import concentration_change, residual_check


@pytest.fixture(scope="module")
def shell():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    presentation.register_formatters(shell)
    yield shell
    InteractiveShell.clear_instance()


def formatted(shell, obj) -> dict:
    data, _metadata = shell.display_formatter.format(obj)
    return data


def test_a_plan_shows_as_words_not_as_a_python_repr(shell, routine_plan_at_nine):
    data = formatted(shell, routine_plan_at_nine)
    assert "Sunday 5 April 2026 at 09:00" in data["text/html"]
    assert "<caption" in data["text/html"]
    text = data["text/plain"]
    assert text.startswith("Refill plan (education only)\nRefill: Monday 5 January 2026 at 09:00")
    assert "Daily volume: 0.2 mL/day" in text
    assert "RefillPlan(" not in text
    assert "datetime." not in text


def test_a_residual_check_and_a_concentration_change_show_as_words(shell, routine_plan):
    from datetime import date

    check = residual_check(routine_plan, aspirated_ml=15.5, at=date(2026, 2, 4))
    text = formatted(shell, check)["text/plain"]
    assert "Difference (aspirated - expected): +1.50 mL" in text
    assert "ResidualCheck(" not in text
    change = concentration_change(
        refill_at=date(2026, 1, 5),
        old_concentration_mcg_per_ml=500,
        new_concentration_mcg_per_ml=2000,
        daily_dose_mcg=400,
        fill_volume_ml=20,
    )
    data = formatted(shell, change)
    assert "Concentration: 500 → 2000 mcg/mL" in data["text/plain"]
    assert "Why a bridge bolus" in data["text/html"]


def test_rows_are_escaped():
    html = presentation.rows_html([("<b>", "a & b")], "Cap <1>")
    assert "&lt;b&gt;" in html
    assert "a &amp; b" in html
    assert "Cap &lt;1&gt;" in html
    assert presentation.rows_text([("A", "1")], "T") == "T\nA: 1"


def test_dates_show_in_words(shell):
    from datetime import date, datetime

    assert formatted(shell, date(2026, 4, 2))["text/plain"] == "Thursday 2 April 2026"
    assert formatted(shell, datetime(2026, 4, 2, 9, 30))["text/plain"] == (
        "Thursday 2 April 2026 at 09:30"
    )


def test_the_scenarios_table_has_no_answers():
    html = presentation.visit_scenarios_html().html
    assert html.count("<tr>") == 11  # header + ten scenarios
    assert "A routine refill" in html
    for answer_word in ("correct", "Stop:", "template", "bridge bolus must"):
        assert answer_word not in html


def test_the_walkthrough_shows_every_step_with_its_sources():
    html = presentation.visit_walkthrough_html("routine").html
    assert html.count("<tr>") == 13  # header + twelve steps
    assert "Sunday 28 June 2026" in html
    assert "Joint Commission" in html  # a full citation, not only an id


def test_the_missed_refill_timeline_reads_without_hover(routine_plan):
    from itb_edu import side_effects as se

    phases = se.timeline_for(routine_plan)
    html = presentation.timeline_table_html(phases, today="2026-04-17").html
    assert html.count("<tr>") == len(phases) + 1
    for phase in phases:
        assert phase.description.split(";")[0] in html
    # 0.2 mL/day from 5 January: alarm 5 April, empty 15 April; 17 April is in withdrawal.
    assert "Sunday 5 April 2026 at 00:00 to Wednesday 15 April 2026 at 00:00" in html
    assert "Friday 17 April 2026 at 00:00:</b> " + se.STAGES[2] in html
