"""Tests for itb_edu.apps.reservoir, without a browser: set a control, read figure and text."""

from __future__ import annotations

import base64
import io
import re
from datetime import date, datetime

import pandas as pd
import pytest
from icalendar import Calendar

from itb_edu import presentation
from itb_edu.apps.reservoir import (
    PRESETS,
    compare_app,
    download_link,
    simulator_app,
)
from itb_edu.figures.reservoir import TRACE_NAMES
from itb_edu.presentation import headline_html
from itb_edu.reservoir import parse_boluses


def _trace(fig, name):
    (trace,) = [t for t in fig.data if t.name == name]
    return trace


@pytest.fixture
def app():
    return simulator_app()


def test_initial_state(app):
    # SynchroMed II 20 mL first: alarm 2 mL from the pump table. 150 mcg/day at 500 mcg/mL =
    # 0.3 mL/day; 18 / 0.3 = 60 days from Mon 5 Jan 09:00 -> Fri 6 Mar 09:00; book Tue 3 Mar.
    assert app.controls["pump"].value == "synchromed-ii-20"
    assert app.controls["alarm_volume"].value == 2.0
    assert app.plan.days_to_low_alarm == 60.0
    text = app.headline.value
    assert "0.300 mL/day" in text
    assert "60.0 days" in text
    assert "Friday 6 March 2026 at 09:00" in text
    assert "Tuesday 3 March 2026" in text
    assert tuple(t.name for t in app.figure.data) == TRACE_NAMES
    assert _trace(app.figure, "Low alarm").x == (datetime(2026, 3, 6, 9, 0),)
    assert all(m.value == "" for k, m in app.messages.items() if k != "pump")


def test_changing_the_dose_updates_figure_and_headline(app):
    app.controls["daily_dose"].value = 300
    # 0.6 mL/day: 30 days -> Wed 4 Feb 09:00; empty 20 / 0.6 = 33 1/3 days -> 7 Feb 17:00.
    assert _trace(app.figure, "Low alarm").x == (datetime(2026, 2, 4, 9, 0),)
    assert _trace(app.figure, "Empty").x == (datetime(2026, 2, 7, 17, 0),)
    assert "Wednesday 4 February 2026 at 09:00" in app.headline.value
    assert "30.0 days" in app.headline.value


def test_concentration_and_refill_time(app):
    app.controls["concentration"].value = 2000.0
    app.controls["refill_time"].value = "14:30"
    # 0.075 mL/day: 240 days from 5 Jan 14:30 -> 2 Sep 14:30.
    assert app.plan.low_alarm_at == datetime(2026, 9, 2, 14, 30)
    assert "Wednesday 2 September 2026 at 14:30" in app.headline.value


def test_bad_value_shows_message_and_keeps_last_result(app):
    before_x = _trace(app.figure, "Low alarm").x
    before_headline = app.headline.value
    app.controls["fill_volume"].value = 25  # above the 20 mL reservoir
    message = app.messages["fill_volume"].value
    assert "fill volume (25.0) is more than reservoir size (20.0)" in message
    assert "Traceback" not in message
    assert "last valid result" in app.status.value
    assert app.controls["fill_volume"].value == 25  # the entry is kept
    assert app.plan.fill_volume_ml == 20.0
    assert _trace(app.figure, "Low alarm").x == before_x
    assert app.headline.value == before_headline
    app.controls["fill_volume"].value = 15
    assert app.messages["fill_volume"].value == ""
    assert app.status.value == ""
    # 13 / 0.3 = 43 1/3 days -> 17 Feb 17:00.
    assert _trace(app.figure, "Low alarm").x == (datetime(2026, 2, 17, 17, 0),)


@pytest.mark.parametrize(
    ("control", "value", "expected"),
    [
        ("daily_dose", -10, "daily dose must not be negative, got -10.0"),
        ("alarm_volume", -1, "alarm volume must not be negative"),
        ("alarm_volume", 25, "alarm volume (25.0) is more than reservoir size (20.0)"),
        ("refill_time", "9h", "Type the refill time as HH:MM"),
        ("refill_time", "25:00", "Type the refill time as HH:MM"),
        ("refill_date", None, "Choose a refill date."),
    ],
)
def test_bad_values_per_control(app, control, value, expected):
    plan = app.plan
    app.controls[control].value = value
    assert expected in app.messages[control].value
    assert app.plan is plan


def test_dose_too_low_is_reported_beside_the_dose(app):
    app.controls["daily_dose"].value = 0.00001
    assert "the dose is too low for this fill" in app.messages["daily_dose"].value
    assert app.plan.daily_dose_mcg == 150.0


def test_fill_equal_to_alarm_is_reported_beside_fill(app):
    app.controls["fill_volume"].value = 2
    assert "must be above alarm volume" in app.messages["fill_volume"].value


def test_flex_preset_and_editable_steps(app):
    app.controls["preset"].value = "Day/night flex"
    assert app.controls["daily_dose"].disabled
    assert not app.controls["schedule"].disabled
    # 07:00-21:00 at 300 (14 h), 21:00-07:00 at 600 (10 h): (4200 + 6000) / 24 = 425 mcg/day.
    assert app.plan.daily_dose_mcg == pytest.approx(425)
    assert "425 mcg/day" in app.headline.value
    app.controls["schedule"].value = "00:00 240; 12:00 480"
    # 12 h at 240 + 12 h at 480 = 360 mcg/day.
    assert app.plan.daily_dose_mcg == pytest.approx(360)
    app.controls["schedule"].value = "07:00 lots"
    assert "must be a number, got &#x27;lots&#x27;" in app.messages["schedule"].value
    assert app.plan.daily_dose_mcg == pytest.approx(360)
    assert app.controls["schedule"].value == "07:00 lots"


def test_bolus_preset_and_bad_bolus_line(app):
    app.controls["preset"].value = "Simple continuous with boluses"
    assert [b[0] for b in app.plan.boluses] == [
        datetime(2026, 1, 12, 8, 0),
        datetime(2026, 1, 19, 8, 0),
        datetime(2026, 1, 26, 8, 0),
    ]
    # 3 x 50 mcg = 0.3 mL: (18 - 0.3) / 0.3 = 59 days -> 5 Mar 09:00.
    assert app.plan.low_alarm_at == datetime(2026, 3, 5, 9, 0)
    assert "0.300 mL in all" in app.headline.value
    app.controls["boluses"].value = "next tuesday 50"
    assert "bolus line 1 must look like" in app.messages["boluses"].value
    app.controls["boluses"].value = "2025-01-01 08:00 50"
    assert (
        "bolus 1 when (2025-01-01 08:00) is before refill date (2026-01-05 09:00)"
        in app.messages["boluses"].value
    )


def test_pump_choice_takes_thresholds_from_the_data(app):
    app.controls["pump"].value = "synchromed-ii-40"
    app.controls["fill_volume"].value = 40
    assert app.plan.reservoir_ml == 40.0
    # 38 / 0.3 = 126 2/3 days.
    assert app.plan.days_to_low_alarm == pytest.approx(126 + 2 / 3)
    app.controls["fill_volume"].value = 20
    app.controls["pump"].value = "prometra-ii-20"
    assert app.controls["alarm_volume"].value == 3.0
    assert "prometra-refill-date-rule" in app.messages["pump"].value
    # (20 - 3) / 0.3 = 56 2/3 days.
    assert app.plan.days_to_low_alarm == pytest.approx(56 + 2 / 3)


def test_margin_changes_the_refill_by_date(app):
    app.controls["margin_days"].value = 5
    # Alarm Fri 6 Mar - 5 days = Sun 1 Mar -> Fri 27 Feb.
    assert "Friday 27 February 2026" in app.headline.value


def _payload(link_html: str, filename: str) -> bytes:
    match = re.search(
        rf'download="{re.escape(filename)}" href="data:[^;]+;base64,([^"]+)"', link_html
    )
    assert match is not None
    return base64.b64decode(match.group(1))


def test_export_links_carry_the_files(app):
    assert app.exports.value == ""
    app.export_button.click()
    ics = Calendar.from_ical(_payload(app.exports.value, "pump_alarm_date.ics"))
    alarm_event, visit = ics.walk("VEVENT")
    assert alarm_event.get("dtstart").dt == date(2026, 3, 6)
    assert "low-reservoir alarm date" in str(alarm_event.get("summary"))
    assert visit.get("dtstart").dt == date(2026, 3, 3)
    assert alarm_event.walk("VALARM")
    table = pd.read_csv(io.BytesIO(_payload(app.exports.value, "reservoir_volume.csv")))
    assert list(table.columns) == ["time", "elapsed_days", "volume_ml", "event"]
    assert list(table["event"]) == ["refill", "low alarm", "empty", "end"]
    # A new result clears stale links.
    app.controls["daily_dose"].value = 200
    assert app.exports.value == ""


@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_gives_a_valid_plan(app, preset):
    app.controls["preset"].value = preset
    assert app.status.value == ""
    assert all(m.value == "" for k, m in app.messages.items() if k != "pump")
    assert app.plan.low_alarm_at is not None


def test_parse_boluses():
    refill = datetime(2026, 1, 5, 9, 0)
    assert parse_boluses("day 0 9:00 25\n\n2026-02-01 18:30 50", refill) == [
        (datetime(2026, 1, 5, 9, 0), 25.0),
        (datetime(2026, 2, 1, 18, 30), 50.0),
    ]
    with pytest.raises(ValueError, match=r"bolus line 1 has a date, time or dose that cannot"):
        parse_boluses("2026-02-30 08:00 50", refill)
    with pytest.raises(ValueError, match=r"bolus line 2 must look like"):
        parse_boluses("day 1 08:00 5\nlater", refill)


def test_download_link():
    link = download_link(b"hello", "a b.txt", "text/plain", "Get <it>")
    assert link == (
        '<a download="a b.txt" href="data:text/plain;base64,aGVsbG8=" target="_blank">'
        "Get &lt;it&gt;</a>"
    )


def test_headline_for_stopped_pump(stopped_plan):
    plan = stopped_plan
    assert "never: the pump delivers nothing" in headline_html(plan)


# --------------------------------------------------------------------------------------------
# Compare app
# --------------------------------------------------------------------------------------------
def test_compare_app_side_by_side():
    cmp = compare_app()
    # 400 mcg/day: 0.8 mL/day -> 22.5 days; 0.2 mL/day -> 90 days.
    assert [p.days_to_low_alarm for p in cmp.plans] == [22.5, 90.0]
    assert "22.5 days" in cmp.headline.value
    assert "90.0 days" in cmp.headline.value
    assert [a.text for a in cmp.figure.layout.annotations] == [
        "A: 500 mcg/mL",
        "B: 2000 mcg/mL",
    ]
    cmp.controls["concentration_b"].value = 1000.0
    assert cmp.plans[1].days_to_low_alarm == 45.0
    assert cmp.figure.layout.annotations[1].text == "B: 1000 mcg/mL"
    right_alarm = [t for t in cmp.figure.data if t.name.endswith(": Low alarm")][1]
    # 5 Jan 09:00 + 45 days = 19 Feb 09:00.
    assert right_alarm.x == (datetime(2026, 2, 19, 9, 0),)


def test_compare_app_bad_value_keeps_pair():
    cmp = compare_app()
    plans = cmp.plans
    cmp.controls["fill_volume"].value = 1
    assert "fill volume (1.0) must be above alarm volume" in cmp.messages["fill_volume"].value
    assert cmp.plans is plans
    assert "last valid result" in cmp.status.value
    cmp.controls["daily_dose"].value = -1
    assert cmp.controls["fill_volume"].value == 1


# --------------------------------------------------------------------------------------------
# Short notebook calls
# --------------------------------------------------------------------------------------------


def test_plan_repr_html_lists_moments_in_words(routine_plan_at_nine):
    plan = routine_plan_at_nine
    text = presentation.plan_html(plan)
    assert "Sunday 5 April 2026 at 09:00" in text
    assert "0.2 mL/day" in text
    assert "90.00 days" in text
    assert "education only" in text


def test_every_routed_parameter_has_a_control(app):
    from itb_edu.apps.reservoir import COMPARE_CONTROLS, SIMULATOR_CONTROLS

    assert set(SIMULATOR_CONTROLS.values()) <= set(app.fields)
    assert set(COMPARE_CONTROLS.values()) <= set(compare_app().fields)


def test_errors_are_routed_by_parameter_not_by_wording(app):
    from itb_edu._validate import ParameterError
    from itb_edu.apps.reservoir import SIMULATOR_CONTROLS, control_for

    # A message that names another parameter still goes to the control of its .parameter.
    reworded = ParameterError("fill_volume_ml is fine; the alarm is not", parameter="low_alarm_ml")
    assert control_for(reworded, SIMULATOR_CONTROLS) == "alarm_volume"
    assert control_for(ValueError("low_alarm_ml bad"), SIMULATOR_CONTROLS) == "fill_volume"
    app.controls["alarm_volume"].value = 19.5
    app.controls["fill_volume"].value = 19.0
    assert "⚠" in app.fields["fill_volume"].message.value
    assert "⚠" not in app.fields["alarm_volume"].message.value


def test_learner_messages_use_labels_from_the_error_structure():
    from itb_edu.apps.reservoir import learner_message
    from itb_edu.errors import ParameterError

    error = ParameterError(
        "boluses[2] when (2026-01-01 08:00) is before refill_at (2026-01-05 09:00)",
        parameter="boluses",
        index=2,
    )
    assert learner_message(error) == (
        "bolus 3 when (2026-01-01 08:00) is before refill date (2026-01-05 09:00)"
    )
    assert learner_message("Choose a refill date.") == "Choose a refill date."


def test_a_pump_without_a_verified_size_can_be_simulated(app):
    app.controls["pump"].value = "codman-3000"
    labels = [label for label, _ in app.controls["pump"].options]
    assert all("nan" not in label for label in labels)
    assert "⚠" not in app.fields["fill_volume"].message.value
    assert "not checked" in app.messages["pump"].value
    assert app.status.value == ""
