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


def test_a_figure_in_words_describes_it_and_gives_its_data():
    from datetime import datetime

    import plotly.graph_objects as go

    from itb_edu.presentation import figure_words

    fig = go.Figure(
        [
            go.Scatter(
                x=[datetime(2026, 4, 2, 9), datetime(2026, 4, 5, 9)],
                y=[5.0, 2.0],
                name="Reservoir volume",
            ),
            go.Scatter(x=[datetime(2026, 4, 5, 9)], y=[2.0], name="Alarm", text=["2 mL left"]),
        ],
        layout={
            "title": {"text": "<b>Volume</b>"},
            "yaxis": {"title": {"text": "mL"}},
            "annotations": [{"text": "alarm here", "x": 0, "y": 0}],
        },
    )
    text = figure_words(fig).html
    assert "<details" in text  # the data on demand
    assert "Volume. up: mL." in text
    assert "Thursday 2 April 2026 at 09:00: 5" in text
    assert "2 mL left" in text  # hover and label text, in words
    assert "Written on the figure:</b> alarm here" in text
    fig.layout.meta = {"alt": "A line falling to the alarm."}
    assert "A line falling to the alarm." in figure_words(fig).html


def test_a_schematic_in_words_names_its_parts_not_its_outline_coordinates():
    from itb_edu.figures import anatomy
    from itb_edu.presentation import figure_words

    text = figure_words(anatomy.pump_figure()).html
    assert "Catheter access port" in text
    assert "11.9: 26.9" not in text
    assert "(unnamed)" not in text
