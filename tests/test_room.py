"""The live room's store contract, on a real SQLite file: rounds, reveal, close, concurrency.

(The same contract on PostgreSQL, the apps, the projector view and the load tests are the rest
of issue #15, not built yet.)
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import time

import pytest

from itb_edu import room as rooms
from itb_edu.errors import ParameterError
from itb_edu.room import Room, join


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'room.sqlite'}"


def test_a_room_opens_on_a_course_question_with_a_short_code(url):
    room = Room.open(url, "em-04")
    assert len(room.code) == rooms.CODE_LENGTH
    assert set(room.code) <= set(rooms.CODE_ALPHABET)
    assert not set(room.code) & set("01IOL")  # nothing to mistype
    assert room.choices == rooms.question_choices("em-04")
    assert len(room.educator_key) >= 16


def test_answers_are_kept_once_per_learner_and_replaced_on_a_second_answer(url):
    room = Room.open(url, "em-04")
    first, second = room.choices[0], room.choices[1]
    seat = join(url, f"  {room.code.lower()} ", "learner-1")  # as typed on a phone
    seat.answer(first)
    seat.answer(second)  # changes their mind
    join(url, room.code, "learner-2").answer(second)
    tally = room.tally()
    assert dict(tally.counts) == {room.choices[0]: 0, room.choices[1]: 2, room.choices[2]: 0}
    assert tally.total == 2


def test_the_class_sees_counts_only_after_the_reveal(url):
    room = Room.open(url, "em-04")
    seat = join(url, room.code, "learner-1")
    seat.answer(room.choices[1])
    assert seat.results() is None
    room.reveal(educator_key=room.educator_key)
    assert seat.results().total == 1


def test_a_second_round_starts_empty_and_hidden(url):
    room = Room.open(url, "em-04")
    join(url, room.code, "learner-1").answer(room.choices[0])
    room.reveal(educator_key=room.educator_key)
    assert room.next_round(educator_key=room.educator_key) == 2
    tally = room.tally()
    assert (tally.round, tally.total, tally.revealed) == (2, 0, False)
    join(url, room.code, "learner-1").answer(room.choices[1])
    assert room.tally().total == 1


def test_only_the_educator_key_reveals_moves_on_and_closes(url):
    room = Room.open(url, "em-04")
    for action in (room.reveal, room.next_round, room.close):
        with pytest.raises(ParameterError) as raised:
            action(educator_key="guess")
        assert raised.value.parameter == "educator_key"
    assert room.state()["round"] == 1


def test_unknown_code_closed_room_and_foreign_choice_are_refused_in_words(url):
    room = Room.open(url, "em-04")
    with pytest.raises(ValueError, match="there is no room with the code 'ZZZZZZ'"):
        join(url, "zzzzzz", "learner-1")
    seat = join(url, room.code, "learner-1")
    with pytest.raises(ValueError, match="choose one of the question's answers"):
        seat.answer("Something else")
    room.close(educator_key=room.educator_key)
    with pytest.raises(ValueError, match=f"the room {room.code} is closed"):
        seat.answer(room.choices[0])
    with pytest.raises(ValueError, match="is closed"):
        join(url, room.code, "learner-2")


def test_closing_deletes_the_rooms_answers(url, tmp_path):
    room = Room.open(url, "em-04")
    for n in range(5):
        join(url, room.code, f"learner-{n}").answer(room.choices[0])
    room.close(educator_key=room.educator_key)
    with sqlite3.connect(tmp_path / "room.sqlite") as connection:
        left = connection.execute("SELECT count(*) FROM itb_room_answers").fetchone()[0]
    assert left == 0


def test_an_unknown_question_is_refused(url):
    with pytest.raises(ParameterError) as raised:
        Room.open(url, "no-such-question")
    assert raised.value.parameter == "question_id"


def test_a_store_of_another_version_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite"
    url = f"sqlite:///{path}"
    Room.open(url, "em-04")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE itb_room_meta SET value = '7' WHERE key = 'schema_version'")
    monkeypatch.setattr(rooms, "_ENGINES", {})  # a new kernel
    with pytest.raises(ParameterError, match=r"another version of the course \(version 7\)"):
        Room.open(url, "em-04")


def _learner(args):
    url, code, number, start_at, choice = args
    while time.time() < start_at:  # everyone answers in the same moment
        time.sleep(0.001)
    seat = join(url, code, f"learner-{number:02d}", nickname=f"N{number}")
    seat.answer(choice)
    seat.answer(choice)  # a double click: still one answer
    return number


def test_thirty_learners_in_separate_processes_kept_exactly_once(url, tmp_path):
    room = Room.open(url, "em-04")
    start_at = time.time() + 2.0
    jobs = [(url, room.code, n, start_at, room.choices[n % 3]) for n in range(30)]
    with multiprocessing.get_context("spawn").Pool(8) as pool:
        done = pool.map(_learner, jobs)
    assert sorted(done) == list(range(30))
    tally = room.tally()
    assert tally.total == 30  # 30 kept, 0 lost
    assert dict(tally.counts) == {c: 10 for c in room.choices}
    with sqlite3.connect(tmp_path / "room.sqlite") as connection:
        rows = connection.execute(
            "SELECT count(*), count(DISTINCT learner_id) FROM itb_room_answers"
        ).fetchone()
    assert rows == (30, 30)  # 0 doubled
