"""itb_edu.pumps: one look-up of pump facts for the simulator, the refill check and the planner."""

from __future__ import annotations

import pytest

from itb_edu.errors import ParameterError
from itb_edu.pumps import PROMETRA_RULE_FACT, all_pump_facts, pump_facts


def test_synchromed_facts_come_from_the_pump_table():
    pump = pump_facts("synchromed-ii-40")
    assert pump.label == "SynchroMed II 40 mL (8637-40)"
    assert (pump.reservoir_ml, pump.default_low_alarm_ml, pump.alarm_ml) == (40.0, 2.0, 2.0)
    assert pump.alarm_note == ""
    assert pump.overinfusion_above_pct == 14.5
    assert "ecri-synchromed-overinfusion-2014" in pump.source_ids


def test_prometra_alarm_follows_its_controller_rule():
    pump = pump_facts("prometra-ii-20")
    assert pump.default_low_alarm_ml is None
    assert pump.alarm_ml == 3.0
    assert PROMETRA_RULE_FACT in pump.alarm_note
    assert pump.overinfusion_above_pct is None


def test_a_pump_without_a_verified_size_says_so_in_words():
    pump = pump_facts("codman-3000")
    assert pump.reservoir_ml is None
    assert pump.label == "CODMAN 3000 Constant Flow Pump reservoir size not verified"
    assert "not checked" in pump.alarm_note
    assert all("nan" not in p.label for p in all_pump_facts())


def test_every_pump_row_has_facts_in_table_order():
    ids = [p.pump_id for p in all_pump_facts()]
    assert ids == [
        "synchromed-ii-20",
        "synchromed-ii-40",
        "prometra-ii-20",
        "prometra-ii-40",
        "codman-3000",
    ]


def test_an_unknown_pump_names_the_parameter():
    with pytest.raises(ParameterError, match=r"pump_id must be one of .* got 'nope'") as caught:
        pump_facts("nope")
    assert caught.value.parameter == "pump_id"
