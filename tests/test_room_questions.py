"""What a live room can ask (question bank, numbers, case decisions), votes, and the join link.

The store contract itself (once per learner per round, concurrency, SQLite and PostgreSQL) is
tested in ``tests/test_room.py``.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from itb_edu import cases, data, quiz
from itb_edu import room as rooms
from itb_edu.errors import ParameterError
from itb_edu.room import Room, join, join_link, room_question, room_questions


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'room.sqlite'}"


def test_every_course_question_numeric_question_and_case_can_be_asked():
    questions = room_questions()
    bank = {q.question_id for quiz_id in data.quiz_ids() for q in quiz.load_quiz(quiz_id)}
    numeric = {q.question_id for quiz_id in data.quiz_ids() for q in quiz.load_numeric(quiz_id)}
    case_ids = {rooms.CASE_PREFIX + c for c in cases.load_cases()}
    assert set(questions) == bank | numeric | case_ids
    assert len(bank) == 68
    assert len(numeric) == 4
    assert len(case_ids) == 8
    known_sources = set(data.sources()["source_id"])
    for question in questions.values():
        assert question.kind in rooms.KINDS
        assert question.source_ids
        assert set(question.source_ids) <= known_sources
        assert question.objective_ids
        if question.kind == "number":
            assert question.choices == ()
            assert question.unit
        else:
            assert question.right
            assert set(question.right) <= set(question.choices)


def test_a_bank_question_keeps_its_answer_explanation_and_feedback_per_choice():
    question = room_question("em-04")
    source = next(q for q in quiz.load_quiz("05_emergencies") if q.question_id == "em-04")
    assert question.kind == "choice"
    assert question.right == (source.answer,)
    assert dict(question.notes)[source.answer] == source.explanation
    assert set(dict(question.notes)) == set(source.choices)  # a note for every choice


def test_a_numeric_question_carries_the_engines_answer_not_a_typed_one():
    question = room_question("rs-n2")
    # (20 mL - 2 mL alarm volume) / (400 mcg/day / 2000 mcg/mL) = 18 / 0.2 = 90 days
    assert (question.exact, question.unit) == (90.0, "days")
    assert question.is_right(90.4)
    assert not question.is_right(100)


def test_a_case_decision_offers_the_checklist_and_names_the_turning_action():
    question = room_question("case:withdrawal-missed-refill")
    case = cases.load_cases()["withdrawal-missed-refill"]
    assert question.kind == "case"
    assert question.choices == tuple(item.label for item in case.checklist.values())
    restore = case.checklist["restore-itb"].label  # the action that turns withdrawal
    assert question.right == (restore,)
    notes = dict(question.notes)
    assert notes["Ask for the pump dose to be raised"].startswith("Harmful")  # role: harms
    assert notes["Give physostigmine to reverse the baclofen"].startswith("Not indicated")
    assert "(fictional)" in question.prompt  # the patient is labelled as ours


def test_numbers_are_collected_for_the_histogram_and_replaced_like_choices(url):
    room = Room.open(url, "rs-n2")
    assert room.choices == ()
    join(url, room.code, "a").answer(90)
    seat = join(url, room.code, "b")
    seat.answer("100")
    seat.answer("88,5")  # typed with a decimal comma; replaces 100
    join(url, room.code, "c").answer(0.2)
    tally = room.tally()
    assert tally.values == (0.2, 88.5, 90.0)
    assert (tally.total, tally.counts) == (3, ())
    assert seat.my_answer() == "88.5"


@pytest.mark.parametrize("typed", ["ninety", "", "-3", "nan", "inf"])
def test_a_number_that_is_not_one_is_refused_in_words(url, typed):
    room = Room.open(url, "rs-n2")
    with pytest.raises(ParameterError) as raised:
        join(url, room.code, "a").answer(typed)
    assert raised.value.parameter == "choice"
    assert room.tally().total == 0


def test_two_votes_are_kept_side_by_side_and_a_new_question_starts_at_vote_one(url):
    room = Room.open(url, "em-04")
    right, wrong = (
        room_question("em-04").right[0],
        next(c for c in room.choices if c not in room_question("em-04").right),
    )
    for n in range(3):
        join(url, room.code, f"l{n}").answer(wrong)
    room.reveal(educator_key=room.educator_key)
    room.next_round(educator_key=room.educator_key)
    for n in range(3):
        join(url, room.code, f"l{n}").answer(right if n else wrong)  # two were convinced
    first, second = room.rounds()
    assert (first.vote, dict(first.counts)[wrong], first.revealed) == (1, 3, True)
    assert (second.vote, dict(second.counts)[right], second.revealed) == (2, 2, False)

    state = room.ask("rs-n2", educator_key=room.educator_key)
    assert (state.question_id, state.kind, state.vote, state.revealed) == (
        "rs-n2",
        "number",
        1,
        False,
    )
    assert [t.vote for t in room.rounds()] == [1]
    assert room.tally().total == 0
    seat = join(url, room.code, "l0")  # the class follows without re-joining
    assert seat.state().question_id == "rs-n2"
    with pytest.raises(ParameterError) as raised:
        room.tally(round=1)  # a vote on the earlier question
    assert raised.value.parameter == "round"
    with pytest.raises(ParameterError) as raised:
        room.ask("rs-n2", educator_key="guess")
    assert raised.value.parameter == "educator_key"


def test_a_learner_sees_only_their_own_answer(url):
    room = Room.open(url, "em-04")
    mine, theirs = join(url, room.code, "me"), join(url, room.code, "them")
    theirs.answer(room.choices[2])
    assert mine.my_answer() is None
    mine.answer(room.choices[0])
    assert mine.my_answer() == room.choices[0]


def test_the_join_link_on_a_laptop_carries_the_token_and_the_code():
    env = {
        "SERVER_NAME": "192.168.1.20",
        "SERVER_PORT": "8866",
        "SCRIPT_NAME": "/voila/render/07_live_room.ipynb",
        "QUERY_STRING": "token=secret&other=1",
    }
    assert join_link(" k7mq3p ", env) == (
        "http://192.168.1.20:8866/voila/render/08_join_room.ipynb?token=secret&code=K7MQ3P"
    )


def test_the_join_link_on_a_hub_sends_each_learner_to_their_own_server():
    env = {
        "SERVER_NAME": "hub.example.org",
        "SERVER_PORT": "443",
        "SCRIPT_NAME": "/user/educator/voila/render/notebooks/07_live_room.ipynb",
        "QUERY_STRING": "token=never-share",
    }
    link = join_link("K7MQ3P", env)
    assert link.endswith("/hub/user-redirect/voila/render/notebooks/08_join_room.ipynb?code=K7MQ3P")
    assert "never-share" not in link  # the educator's own token stays with the educator


def test_the_join_link_without_a_server_is_the_page_on_the_same_server():
    assert join_link("K7MQ3P", {}) == "/voila/render/08_join_room.ipynb?code=K7MQ3P"


def test_the_store_url_is_the_environment_s_or_a_file_of_this_user():
    assert rooms.default_url({"ITB_EDU_ROOM_URL": " postgresql+psycopg://h/db "}) == (
        "postgresql+psycopg://h/db"
    )
    default = rooms.default_url({})
    assert default.startswith("sqlite:///")
    assert default.endswith("/rooms.sqlite")


@given(st.text(alphabet=rooms.CODE_ALPHABET, min_size=6, max_size=6))
def test_every_code_survives_the_link(code):
    link = join_link(code.lower(), {"SCRIPT_NAME": "/voila/render/07_live_room.ipynb"})
    assert link.endswith(f"code={code}")


def test_a_learner_reads_the_question_and_its_citations_from_the_store(url):
    import subprocess
    import sys

    room = Room.open(url, "case:meningitis")
    room.ask("rs-n2", educator_key=room.educator_key)
    question, citations = join(url, room.code, "a").question()
    assert question == room_question("rs-n2")
    assert set(citations) == set(question.source_ids)
    # A learner's kernel reads it without loading the course's tables (no pandas, no pandera).
    probe = (
        "import sys; from itb_edu.room import join; "
        f"q, c = join({url!r}, {room.code!r}, 'b').question(); "
        "print(q.exact, sorted(m for m in ('pandas', 'pandera', 'plotly') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["90.0", "[]"]
