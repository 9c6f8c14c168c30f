"""Tests for itb_edu.notebook.visit: the steps and the dose units, in words."""

from __future__ import annotations

import pytest

from itb_edu.errors import ParameterError
from itb_edu.notebook import visit as practice
from itb_edu.visit import STEPS


@pytest.mark.parametrize(
    ("dose", "unit", "per_day", "working"),
    [
        (12.5, "mcg/h", "300 mcg/day", "12.5 × 24 (24 hours in a day)"),
        (60, "mcg/h", "1440 mcg/day", "60 × 24 (24 hours in a day)"),
        (0.3, "mg/day", "300 mcg/day", "0.3 × 1000 (1 mg = 1000 mcg)"),
        (400, "mcg/day", "400 mcg/day", "already per day"),
    ],
)
def test_per_day_shows_the_working(dose, unit, per_day, working):
    html = practice.per_day(dose, unit).data
    assert f"<td style='text-align:left'>{per_day}</td>" in html
    assert working in html
    assert f"A dose written as {dose:g} {unit}" in html


@pytest.mark.parametrize(
    ("dose", "unit", "parameter"),
    [(12.5, "mcg/hour", "unit"), (float("nan"), "mcg/h", "dose"), ("12.5", "mcg/h", "dose")],
)
def test_per_day_refuses_what_it_cannot_read(dose, unit, parameter):
    with pytest.raises(ParameterError) as caught:
        practice.per_day(dose, unit)
    assert caught.value.parameter == parameter


def test_steps_lists_every_step_and_its_question_without_answers():
    html = practice.steps().data
    assert "The twelve steps of a refill visit" in html
    assert html.count("<tr>") == len(STEPS) + 1  # the heading row and one row per step
    assert "What you decide" in html
    assert "catheter access port" not in html.lower()  # the options are not listed
