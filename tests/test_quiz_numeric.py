"""Numeric self-checks: answered with a number, checked by the reservoir engine."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itb_edu import data, quiz
from itb_edu.errors import ParameterError

NUMERIC = {q.question_id: q for qid in data.quiz_ids() for q in quiz.load_numeric(qid)}


def test_there_are_numeric_questions_where_the_arithmetic_is_taught():
    quizzes = {q.quiz_id for q in NUMERIC.values()}
    assert {"02_reservoir_simulator", "04_refill_visit"} <= quizzes
    assert {q.quantity for q in NUMERIC.values()} == set(quiz.UNITS)


@pytest.mark.parametrize(
    ("question_id", "expected"),
    [
        ("rs-n1", 450 / 2000),  # 450 mcg/day ÷ 2000 mcg/mL = 0.225 mL/day
        ("rs-n2", (20 - 2) / (400 / 2000)),  # 18 mL above the 2 mL alarm at 0.2 mL/day: 90 days
        ("rs-n3", (20 - 3) / (150 / 500)),  # Prometra: 17 mL above 3.0 mL at 0.3 mL/day
        ("rv-n1", 20 / (400 / 2000)),  # a 20 mL syringe is 100 days of 0.2 mL/day
    ],
)
def test_the_engine_gives_the_hand_worked_value(question_id, expected):
    question = NUMERIC[question_id]
    assert quiz.expected_value(question) == pytest.approx(expected)
    right = quiz.check_number(question, expected)
    assert right.correct
    assert right.message.startswith("Correct. ")
    assert "{" not in right.message  # every placeholder filled by the engine


def test_within_and_beyond_the_tolerance():
    question = NUMERIC["rs-n2"]  # 90 days, tolerance 0.5
    assert quiz.check_number(question, 90.4).correct
    assert not quiz.check_number(question, 91).correct


def test_a_first_wrong_number_gets_the_slip_and_a_hint_not_the_answer():
    question = NUMERIC["rs-n2"]
    first = quiz.check_number(question, 100)  # the days to empty, not to the alarm
    assert not first.correct
    assert not first.revealed
    assert "when the pump would be empty" in first.message
    assert "90" not in first.message
    second = quiz.check_number(question, 100, attempt=2)
    assert second.revealed
    assert "The engine's answer is 90 days" in second.message


def test_per_hour_for_per_day_is_named():
    question = NUMERIC["rs-n1"]  # 0.225 mL/day
    assert "per day, not per hour" in quiz.check_number(question, 0.225 * 24).message
    assert "per hour, not per day" in quiz.check_number(question, 0.225 / 24).message


@pytest.mark.parametrize("bad", [math.nan, math.inf, "ten"])
def test_a_value_that_is_not_a_number_names_its_parameter(bad):
    with pytest.raises(ParameterError) as raised:
        quiz.check_number(NUMERIC["rs-n1"], bad)
    assert raised.value.parameter == "value"


@settings(max_examples=50, deadline=None)
@given(value=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_any_number_is_right_exactly_within_the_tolerance(value):
    question = NUMERIC["rs-n3"]
    expected = quiz.expected_value(question)
    result = quiz.check_number(question, value)
    assert result.correct == (abs(value - expected) <= question.tolerance)
    assert set(result.source_ids) == set(question.source_ids)
