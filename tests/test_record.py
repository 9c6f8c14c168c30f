"""The learner's record: a real SQLite file, restarts, damage, locks, reset."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itb_edu import record as rec
from itb_edu.errors import ParameterError

OBJECTIVES = [
    ("emergency-overdose", "05_emergencies", "Put airway first."),
    ("visit-units", "04_refill_visit", "Turn mcg/h into mcg/day."),
    ("system-parts", "01_pump_and_catheter_system", "Name the parts."),
]


def test_the_default_path_is_the_environment_or_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv(rec.RECORD_ENV, str(tmp_path / "mine.sqlite"))
    assert rec.default_path() == tmp_path / "mine.sqlite"
    monkeypatch.delenv(rec.RECORD_ENV)
    assert rec.default_path().name == "learner-record.sqlite"
    assert "itb-edu" in str(rec.default_path())


def test_answers_survive_a_restart_in_another_process(tmp_path):
    path = tmp_path / "record.sqlite"
    first = rec.LearnerRecord(path)
    assert first.add("question", "em-04", ("emergency-overdose",), True).saved
    assert first.add("question", "rv-04", ("visit-units",), False).saved
    first.close()
    # A new kernel: another Python process reads the same file.
    code = (
        "from itb_edu.record import LearnerRecord; import sys; "
        "a, p = LearnerRecord(sys.argv[1]).attempts(); "
        "print(p or ';'.join(f'{x.item_id}={x.correct}' for x in a))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "em-04=True;rv-04=False"


def test_progress_by_objective_counts_first_attempts():
    path = None
    record = rec.LearnerRecord(path or rec.default_path())  # the test session's own file
    record.reset(confirm=True)
    record.add("question", "em-04", ("emergency-overdose",), True)
    record.add("question", "em-04", ("emergency-overdose",), False)  # a later try: ignored
    record.add("case", "overdose-restart", ("emergency-overdose",), True, "good")
    record.add("question", "rv-04", ("visit-units",), False)
    record.add("pre-test", "em-04", ("emergency-overdose",), False)
    record.add("post-test", "em-04", ("emergency-overdose",), True)
    progress, problem = record.progress(OBJECTIVES, {"emergency-overdose": "em-04"})
    assert problem == ""
    by_id = {p.objective_id: p for p in progress}
    assert (by_id["emergency-overdose"].seen, by_id["emergency-overdose"].right_first) == (2, 2)
    assert by_id["emergency-overdose"].status == "right first time"
    assert (by_id["emergency-overdose"].pre_test, by_id["emergency-overdose"].post_test) == (
        "wrong",
        "right",
    )
    assert by_id["visit-units"].status == "to revisit"
    assert by_id["system-parts"].status == "not yet seen"
    record.reset(confirm=True)


def test_a_damaged_file_gets_a_plain_message_and_is_never_overwritten(tmp_path):
    path = tmp_path / "record.sqlite"
    path.write_bytes(b"this is not a database, but the learner's file all the same" * 20)
    before = path.read_bytes()
    record = rec.LearnerRecord(path)
    saved = record.add("question", "em-04", ("emergency-overdose",), True)
    assert not saved.saved
    assert "cannot be read; it may be damaged" in saved.message
    assert "kept for this session" in saved.message
    assert "Traceback" not in saved.message
    assert path.read_bytes() == before
    attempts, problem = record.attempts()
    assert [a.item_id for a in attempts] == ["em-04"]  # this session's answer is not lost
    assert "damaged" in problem
    # Reset moves the damaged file aside (nothing deleted) and starts again.
    done = record.reset(confirm=True)
    assert "moved aside" in done.message
    aside = [p for p in tmp_path.iterdir() if ".damaged-" in p.name]
    assert len(aside) == 1
    assert aside[0].read_bytes() == before
    assert record.add("question", "em-05", ("emergency-risk-times",), True).saved


def test_a_file_locked_by_another_program_keeps_the_answer_and_saves_it_later(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(rec, "BUSY_TIMEOUT_S", 0.2)
    path = tmp_path / "record.sqlite"
    record = rec.LearnerRecord(path)
    assert record.add("question", "ps-01", ("system-parts",), True).saved
    record.close()
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        kept = rec.LearnerRecord(path).add("question", "ps-02", ("system-parts",), False)
        assert not kept.saved
        assert "in use by another program" in kept.message
    finally:
        holder.rollback()
        holder.close()
    # Once free, the kept answer is written with the next one.
    again = rec.LearnerRecord(path)
    again.pending.extend([])
    assert again.add("question", "ps-03", ("system-parts",), True).saved
    attempts, _ = rec.LearnerRecord(path).attempts()
    assert [a.item_id for a in attempts] == ["ps-01", "ps-03"]


def test_the_kept_answer_is_written_when_the_file_frees(tmp_path, monkeypatch):
    monkeypatch.setattr(rec, "BUSY_TIMEOUT_S", 0.2)
    path = tmp_path / "record.sqlite"
    record = rec.LearnerRecord(path)
    record.add("question", "ps-01", ("system-parts",), True)
    record.close()
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")
    assert not record.add("question", "ps-02", ("system-parts",), False).saved
    holder.rollback()
    holder.close()
    assert record.add("question", "ps-03", ("system-parts",), True).saved
    attempts, _ = rec.LearnerRecord(path).attempts()
    assert [a.item_id for a in attempts] == ["ps-01", "ps-02", "ps-03"]


def test_a_record_from_another_version_is_refused_in_words(tmp_path):
    path = tmp_path / "record.sqlite"
    rec.LearnerRecord(path).add("question", "ps-01", ("system-parts",), True)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    saved = rec.LearnerRecord(path).add("question", "ps-02", ("system-parts",), True)
    assert not saved.saved
    assert "another version of the course (version 99)" in saved.message


def test_reset_needs_confirmation(tmp_path):
    record = rec.LearnerRecord(tmp_path / "record.sqlite")
    record.add("question", "ps-01", ("system-parts",), True)
    with pytest.raises(ParameterError) as raised:
        record.reset()
    assert raised.value.parameter == "confirm"
    assert record.attempts()[0]
    assert "deleted" in record.reset(confirm=True).message
    assert record.attempts() == ([], "")


def test_an_unknown_kind_names_its_parameter(tmp_path):
    with pytest.raises(ParameterError) as raised:
        rec.LearnerRecord(tmp_path / "r.sqlite").add("essay", "x", (), True)
    assert raised.value.parameter == "kind"


def test_two_threads_writing_keep_every_answer(tmp_path):
    path = tmp_path / "record.sqlite"
    rec.LearnerRecord(path).add("question", "start", (), True)

    def write(n):
        mine = rec.LearnerRecord(path)
        for i in range(20):
            assert mine.add("question", f"t{n}-{i}", (), True).saved

    threads = [threading.Thread(target=write, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    attempts, _ = rec.LearnerRecord(path).attempts()
    assert len(attempts) == 61


@settings(max_examples=25, deadline=None)
@given(
    marks=st.lists(
        st.tuples(st.sampled_from(["a", "b", "c"]), st.booleans()), min_size=1, max_size=12
    )
)
def test_the_status_follows_the_first_attempt_at_each_item(tmp_path_factory, marks):
    record = rec.LearnerRecord(tmp_path_factory.mktemp("r") / "record.sqlite")
    for item, correct in marks:
        record.add("question", item, ("system-parts",), correct, at=datetime(2026, 11, 30, 9))
    (progress,), _ = record.progress([OBJECTIVES[2]])
    first: dict[str, bool] = {}
    for item, correct in marks:
        first.setdefault(item, correct)
    assert progress.seen == len(first)
    assert progress.right_first == sum(first.values())
    expected = "right first time" if all(first.values()) else "to revisit"
    assert progress.status == expected
