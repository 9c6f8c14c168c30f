"""Teaching patients and families: topics, teach-back practice and the family sheet."""

from __future__ import annotations

import pytest

from itb_edu import cases, data, teaching
from itb_edu.errors import ParameterError

ITEMS = teaching.teach_back_items()
TOPICS = teaching.topics()
KNOWN_SOURCES = set(data.sources()["source_id"])


def test_the_topics_the_issue_names_are_all_taught():
    text = " ".join(f"{t.topic} {t.teach}".lower() for t in TOPICS.values())
    for phrase in (
        "ambulance",  # clinic versus emergency department or ambulance
        "alarm",
        "refill",
        "card",
        "oral baclofen",
        "rub",
        "wound",
        "mri",
    ):
        assert phrase in text, phrase


def test_every_topic_and_item_cites_known_sources():
    for topic in TOPICS.values():
        assert set(topic.source_ids) <= KNOWN_SOURCES
    for item in ITEMS.values():
        assert item.topic_id in TOPICS
        assert set(item.source_ids) <= KNOWN_SOURCES


@pytest.mark.parametrize("item_id", list(ITEMS))
def test_exactly_one_question_is_the_teach_back_question(item_id):
    item = ITEMS[item_id]
    verdicts = [teaching.check_question(item, q).correct for q in item.questions]
    assert verdicts.count(True) == 1
    good = item.questions[verdicts.index(True)]
    # The good question is open: it does not invite a yes or a no.
    assert not good.lower().startswith(("do you", "is ", "did you", "any questions"))
    wrong = next(q for q, ok in zip(item.questions, verdicts, strict=True) if not ok)
    message = teaching.check_question(item, wrong).message
    assert message.startswith("Not this one")
    assert good not in message  # a second attempt before the answer is given away


def test_the_practice_has_answers_to_accept_and_answers_to_re_teach():
    verdicts = {item._answer_ok for item in ITEMS.values()}
    assert verdicts == {True, False}


@pytest.mark.parametrize("item_id", list(ITEMS))
def test_judging_the_answer(item_id):
    item = ITEMS[item_id]
    right = teaching.check_judgement(item, understood=item._answer_ok)
    wrong = teaching.check_judgement(item, understood=not item._answer_ok)
    assert right.correct
    assert not wrong.correct
    assert right.message.startswith("Right.")
    assert wrong.message.startswith("Look again.")


def test_an_unknown_question_names_its_parameter():
    with pytest.raises(ParameterError) as raised:
        teaching.check_question(ITEMS["tb-alarm"], "What is your name?")
    assert raised.value.parameter == "question"


@pytest.mark.parametrize("case_id", list(cases.load_cases()))
def test_a_family_sheet_for_every_case(case_id):
    sheet = teaching.family_sheet(case_id)
    case = cases.load_cases()[case_id]
    assert sheet.patient == case.patient
    assert "(fictional)" in sheet.patient
    assert sheet.pump == "SynchroMed II 20 mL (8637-20)"
    assert sheet.topics == tuple(TOPICS.values())
    assert "Out of hours: who to call" in sheet.blanks
    assert set(sheet.source_ids) <= KNOWN_SOURCES


def test_an_unknown_case_names_its_parameter():
    with pytest.raises(ParameterError) as raised:
        teaching.family_sheet("nobody")
    assert raised.value.parameter == "case_id"
