"""Errors name their parameter: every domain error is a ParameterError, and apps route by it.

Re-wording a message must never send an error to another control, so nothing may read the
wording: the engine sets ``.parameter`` (and ``.value``, ``.index``) and the apps look the
parameter up in one table.
"""

from __future__ import annotations

import ast
import pickle
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from itb_edu import _validate
from itb_edu.errors import ParameterError, parameter_error, parameter_of
from itb_edu.reservoir import parse_boluses, parse_schedule

SRC = Path(__file__).resolve().parents[1] / "src" / "itb_edu"
#: Modules below the apps: they raise ParameterError, never a bare ValueError.
DOMAIN_MODULES = sorted(p for p in SRC.glob("*.py") if p.name not in {"__init__.py", "serving.py"})


def bare_value_errors(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            func = node.exc.func
            if isinstance(func, ast.Name) and func.id == "ValueError":
                lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("path", DOMAIN_MODULES, ids=lambda p: p.name)
def test_domain_modules_raise_parameter_errors_only(path: Path) -> None:
    assert bare_value_errors(path) == []


def test_the_ast_check_finds_a_bare_value_error(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    raise ValueError('x')\n", encoding="utf-8")
    assert bare_value_errors(sample) == [2]


@pytest.mark.parametrize(
    ("check", "args", "parameter", "value"),
    [
        (_validate.require_finite, ("dose", float("inf")), "dose", float("inf")),
        (_validate.require_non_negative, ("boluses[3] dose_mcg", -1), "boluses", -1),
        (_validate.require_positive, ("schedule step 2 rate", 0), "schedule", 0),
        (
            _validate.require_at_most,
            ("fill_volume_ml", 25.0, 20.0, "reservoir_ml"),
            "fill_volume_ml",
            25.0,
        ),
        (_validate.require_finite, ("low_alarm_ml", "two"), "low_alarm_ml", "two"),
    ],
)
def test_checks_raise_parameter_errors(check, args, parameter, value) -> None:
    with pytest.raises(ParameterError) as caught:
        check(*args)
    assert isinstance(caught.value, ValueError)
    assert caught.value.parameter == parameter
    assert caught.value.value == value


def test_parameter_error_keeps_index_and_survives_pickling() -> None:
    error = parameter_error("boluses[4] dose_mcg", -2, "boluses[4] dose_mcg must not be negative")
    assert (error.parameter, error.index, error.value) == ("boluses", 4, -2)
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.parameter, copy.index, copy.value) == (
        str(error),
        "boluses",
        4,
        -2,
    )
    assert parameter_of("refill_at") == "refill_at"
    assert ParameterError("x", parameter="p").value is None


@pytest.mark.parametrize(
    ("kwargs", "parameter", "index"),
    [
        ({"daily_dose_mcg": 100, "reservoir_ml": 10}, "fill_volume_ml", None),
        ({"daily_dose_mcg": 100, "low_alarm_ml": 30, "reservoir_ml": 20}, "low_alarm_ml", None),
        ({"daily_dose_mcg": 100, "low_alarm_ml": 25}, "fill_volume_ml", None),
        ({"daily_dose_mcg": -5}, "daily_dose_mcg", None),
        ({"daily_dose_mcg": 1e-9}, "daily_dose_mcg", None),
        ({"schedule": [("07:00", 10), ("31:00", 5)]}, "schedule", 1),
        ({"schedule": [("07:00", 1e-9)]}, "schedule", None),
        ({"daily_dose_mcg": 100, "concentration_mcg_per_ml": 0}, "concentration_mcg_per_ml", None),
        ({"daily_dose_mcg": 100, "refill_at": "2026-01-05"}, "refill_at", None),
        (
            {"daily_dose_mcg": 100, "boluses": [(timedelta(days=1), 5), (date(2025, 1, 1), 5)]},
            "boluses",
            1,
        ),
        ({"daily_dose_mcg": 100, "boluses": [(timedelta(days=1), -5)]}, "boluses", 0),
    ],
)
def test_plan_refill_errors_name_their_parameter(make_plan, kwargs, parameter, index) -> None:
    # The routine example without its dose: each case gives a dose or a schedule.
    with pytest.raises(ParameterError) as caught:
        make_plan(**{"daily_dose_mcg": None, **kwargs})
    assert caught.value.parameter == parameter
    assert caught.value.index == index


def test_parsers_name_the_list_parameter_and_the_item() -> None:
    with pytest.raises(ParameterError) as caught:
        parse_schedule("07:00 100; 22:00 lots")
    assert (caught.value.parameter, caught.value.index, caught.value.value) == (
        "schedule",
        1,
        "lots",
    )
    with pytest.raises(ParameterError) as caught:
        parse_boluses("day 1 08:00 5\n\nsoon", datetime(2026, 1, 5, 9))
    assert (caught.value.parameter, caught.value.index) == ("boluses", 2)
