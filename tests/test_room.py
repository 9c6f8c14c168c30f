"""The live room's store contract: rounds, reveal, close, concurrency, schema version.

Every test runs twice: on a real SQLite file (one server) and on a real PostgreSQL server (a
hub whose user servers run on several machines) that the test session starts itself in a
temporary folder (``tests/support/postgres.py``); each PostgreSQL test gets a fresh database.
Without PostgreSQL's server programs the PostgreSQL half is skipped, or fails in CI, with the
install hint (``make test`` installs Debian's ``postgresql``).

(The apps, the projector view and the load tests are the rest of issue #15, not built yet.)
"""

from __future__ import annotations

import multiprocessing
import time

import pytest
import sqlalchemy as sa

from itb_edu import room as rooms
from itb_edu.errors import ParameterError
from itb_edu.room import Room, join
from tests.support import postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        store = f"sqlite:///{tmp_path / 'room.sqlite'}"
    else:
        store = postgres.create_database(request.getfixturevalue("postgres_url"))
    yield store
    engine = rooms._ENGINES.pop(store, None)  # release this test's connections
    if engine is not None:
        engine.dispose()


def _query(url, sql):
    """Return the one row of ``sql`` on the store, on a connection of its own."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return tuple(connection.execute(sa.text(sql)).one())
    finally:
        engine.dispose()


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
    assert room.state().round == 1


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


def test_closing_deletes_the_rooms_answers(url):
    room = Room.open(url, "em-04")
    for n in range(5):
        join(url, room.code, f"learner-{n}").answer(room.choices[0])
    room.close(educator_key=room.educator_key)
    (left,) = _query(url, "SELECT count(*) FROM itb_room_answers")
    assert left == 0


def test_an_unknown_question_is_refused(url):
    with pytest.raises(ParameterError) as raised:
        Room.open(url, "no-such-question")
    assert raised.value.parameter == "question_id"


def test_a_store_of_another_version_is_refused(url, monkeypatch):
    Room.open(url, "em-04")
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text("UPDATE itb_room_meta SET value = '7' WHERE key = 'schema_version'")
            )
    finally:
        engine.dispose()
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


def test_thirty_learners_in_separate_processes_kept_exactly_once(url):
    room = Room.open(url, "em-04")
    start_at = time.time() + 2.0
    jobs = [(url, room.code, n, start_at, room.choices[n % 3]) for n in range(30)]
    with multiprocessing.get_context("spawn").Pool(8) as pool:
        done = pool.map(_learner, jobs)
    assert sorted(done) == list(range(30))
    tally = room.tally()
    assert tally.total == 30  # 30 kept, 0 lost
    assert dict(tally.counts) == {c: 10 for c in room.choices}
    rows = _query(url, "SELECT count(*), count(DISTINCT learner_id) FROM itb_room_answers")
    assert rows == (30, 30)  # 0 doubled


def _first_touch(args):
    url, start_at = args
    while time.time() < start_at:
        time.sleep(0.001)
    rooms._engine(url)  # every kernel meets the brand-new store at once
    return True


def test_kernels_meeting_a_new_store_at_once_all_find_it_made(url):
    start_at = time.time() + 2.0
    with multiprocessing.get_context("spawn").Pool(6) as pool:
        made = pool.map(_first_touch, [(url, start_at)] * 12)
    assert made == [True] * 12
    room = Room.open(url, "em-04")
    assert room.state().round == 1
