"""The learner's record: answers and practice outcomes, kept on the learner's own machine.

Pure domain code (no Jupyter imports). Every self-check answered, case played, visit worked
and teach-back judged is stored, with the learning objectives it checks, in a small SQLite
file in the user's data folder (through SQLAlchemy Core). Nothing about patients is stored,
and nothing is sent anywhere. The record survives kernel restarts; "My progress"
(notebook 06) reads it back by objective, prints a dated summary and compares the pre-test
with the post-test.

    record = LearnerRecord()                   # the default file, or $ITB_EDU_RECORD
    record.add("question", "em-04", ("emergency-overdose",), correct=True)
    record.progress()                          # each objective: seen, right first time ...

Where the file lives: ``$ITB_EDU_RECORD`` if set, else ``learner-record.sqlite`` in
``platformdirs.user_data_dir("itb-edu")``.

A file that cannot be used (damaged, locked by another program past the wait, written by a
newer course, in a folder that cannot be written) never stops the course: :meth:`add` keeps
the answer in memory for the session, says why in plain words, and tries the file again next
time; a damaged file is never overwritten. :meth:`reset` deletes the record (a damaged file is
moved aside, not deleted), and only when ``confirm=True``.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ._store import create_engine, ensure_schema
from .errors import parameter_error

__all__ = [
    "KINDS",
    "RECORD_ENV",
    "SCHEMA_VERSION",
    "Attempt",
    "LearnerRecord",
    "ObjectiveProgress",
    "RecordProblem",
    "Saved",
    "default_path",
]

#: Environment variable that sets the record file's path.
RECORD_ENV = "ITB_EDU_RECORD"
#: The version of the record's tables this code writes and reads.
SCHEMA_VERSION = 1
#: What an attempt is.
KINDS: tuple[str, ...] = (
    "question",
    "numeric",
    "case",
    "visit",
    "teach-back",
    "pre-test",
    "post-test",
)
#: How long to wait for a file another program holds [s].
BUSY_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Attempt:
    """One thing the learner did and whether it was right the first time.

    Attributes
    ----------
    recorded_at : datetime
        When (local time, to the second).
    kind : str
        One of :data:`KINDS`.
    item_id : str
        The question, case, scenario or teach-back item.
    objective_ids : tuple of str
        The learning objectives it checks.
    correct : bool
        Right at the first attempt (a case or visit: completed with a good outcome).
    detail : str
        A word on the outcome (``"good"``, ``"harmed"`` ...), never patient data.
    """

    recorded_at: datetime
    kind: str
    item_id: str
    objective_ids: tuple[str, ...]
    correct: bool
    detail: str = ""


@dataclass(frozen=True)
class Saved:
    """What :meth:`LearnerRecord.add` did: saved to the file, or kept for this session only.

    Attributes
    ----------
    saved : bool
        True when the attempt (and any kept earlier) is in the file.
    message : str
        ``""`` when saved; otherwise why not, in plain words.
    """

    saved: bool
    message: str = ""


@dataclass(frozen=True)
class ObjectiveProgress:
    """One objective in "My progress".

    Attributes
    ----------
    objective_id, notebook, objective : str
    seen : int
        How many different questions, cases or visits checking it were done.
    right_first : int
        How many of them were right at the first attempt.
    status : str
        ``"not yet seen"``, ``"right first time"`` (all of them) or ``"to revisit"``.
    pre_test, post_test : str
        ``"right"``, ``"wrong"`` or ``""`` (not taken), for the objective's pre/post question.
    """

    objective_id: str
    notebook: str
    objective: str
    seen: int
    right_first: int
    status: str
    pre_test: str = ""
    post_test: str = ""


class RecordProblem(Exception):
    """The record file cannot be used; ``.reason`` says why for a program, the text for people.

    Attributes
    ----------
    reason : str
        ``"damaged"``, ``"locked"``, ``"newer"`` or ``"unwritable"``.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def default_path() -> Path:
    """Return where the record lives: ``$ITB_EDU_RECORD`` or the user's data folder.

    Returns
    -------
    pathlib.Path
    """
    configured = os.environ.get(RECORD_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("itb-edu", appauthor=False)) / "learner-record.sqlite"


@dataclass
class LearnerRecord:
    """The learner's record in one SQLite file.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The file; :func:`default_path` by default. It is created on the first answer.
    """

    path: Path = field(default_factory=default_path)
    pending: list[Attempt] = field(default_factory=list)
    _engine: Any = field(default=None, repr=False)
    _tables: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.path = Path(self.path).expanduser()

    # -- the file ------------------------------------------------------------------------------
    def _open(self) -> Any:
        """Return the engine, creating the file and tables on first use."""
        import sqlalchemy as sa

        if self._engine is not None:
            return self._engine
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise RecordProblem(
                "unwritable", f"the folder {self.path.parent} cannot be written ({error.strerror})"
            ) from error
        engine = create_engine(f"sqlite:///{self.path}", BUSY_TIMEOUT_S)

        metadata = sa.MetaData()
        meta = sa.Table(
            "meta",
            metadata,
            sa.Column("key", sa.String, primary_key=True),
            sa.Column("value", sa.String, nullable=False),
        )
        attempts = sa.Table(
            "attempts",
            metadata,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("recorded_at", sa.String, nullable=False),
            sa.Column("kind", sa.String, nullable=False),
            sa.Column("item_id", sa.String, nullable=False),
            sa.Column("objective_ids", sa.String, nullable=False),
            sa.Column("correct", sa.Boolean, nullable=False),
            sa.Column("detail", sa.String, nullable=False, default=""),
        )
        try:
            with engine.begin() as connection:
                version = ensure_schema(connection, metadata, meta, SCHEMA_VERSION)
                if version is not None:
                    raise RecordProblem(
                        "newer",
                        f"the record at {self.path} was written by another version of the "
                        f"course (version {version}); it is left as it is",
                    )
        except RecordProblem:
            engine.dispose()
            raise
        except sa.exc.DatabaseError as error:
            engine.dispose()
            raise _problem(error, self.path) from error
        self._engine, self._tables = engine, (meta, attempts)
        return engine

    def close(self) -> None:
        """Let go of the file (the next use opens it again)."""
        if self._engine is not None:
            self._engine.dispose()
        self._engine = self._tables = None

    # -- writing -------------------------------------------------------------------------------
    def add(
        self,
        kind: str,
        item_id: str,
        objective_ids: tuple[str, ...] | list[str],
        correct: bool,
        detail: str = "",
        at: datetime | None = None,
    ) -> Saved:
        """Record one attempt; never raises for a file problem.

        Parameters
        ----------
        kind : str
            One of :data:`KINDS`.
        item_id : str
            The question, case, scenario or item.
        objective_ids : sequence of str
            The objectives it checks.
        correct : bool
            Right at the first attempt.
        detail : str, optional
            A word on the outcome.
        at : datetime, optional
            When; now by default.

        Returns
        -------
        Saved
            Saved to the file, or kept for this session with the reason in plain words
            (any attempt kept earlier is written too, once the file works again).

        Raises
        ------
        itb_edu.errors.ParameterError
            About ``kind`` when it is not one of :data:`KINDS`.
        """
        if kind not in KINDS:
            raise parameter_error("kind", kind, f"kind must be one of {list(KINDS)}, got {kind!r}")
        attempt = Attempt(
            recorded_at=(at or datetime.now()).replace(microsecond=0),
            kind=kind,
            item_id=str(item_id),
            objective_ids=tuple(objective_ids),
            correct=bool(correct),
            detail=str(detail),
        )
        self.pending.append(attempt)
        return self.flush()

    def flush(self) -> Saved:
        """Write the attempts kept in memory to the file, if it can be used now."""
        if not self.pending:
            return Saved(True)
        import sqlalchemy as sa

        try:
            engine = self._open()
            _, attempts = self._tables
            with engine.begin() as connection:
                connection.execute(
                    attempts.insert(),
                    [
                        {
                            "recorded_at": a.recorded_at.isoformat(),
                            "kind": a.kind,
                            "item_id": a.item_id,
                            "objective_ids": ";".join(a.objective_ids),
                            "correct": a.correct,
                            "detail": a.detail,
                        }
                        for a in self.pending
                    ],
                )
        except RecordProblem as problem:
            return Saved(False, _kept(str(problem), len(self.pending)))
        except sa.exc.DatabaseError as error:
            self.close()
            return Saved(False, _kept(str(_problem(error, self.path)), len(self.pending)))
        self.pending.clear()
        return Saved(True)

    # -- reading -------------------------------------------------------------------------------
    def attempts(self) -> tuple[list[Attempt], str]:
        """Return every attempt (the file's and those kept in memory) and a problem, if any.

        Returns
        -------
        (list of Attempt, str)
            In time order; the second item is ``""``, or why the file could not be read (then
            only this session's attempts are returned).
        """
        import sqlalchemy as sa

        stored: list[Attempt] = []
        problem = ""
        if self.path.exists() or self._engine is not None:
            try:
                engine = self._open()
                _, table = self._tables
                with engine.connect() as connection:
                    rows = connection.execute(sa.select(table).order_by(table.c.id)).all()
                stored = [
                    Attempt(
                        recorded_at=datetime.fromisoformat(r.recorded_at),
                        kind=r.kind,
                        item_id=r.item_id,
                        objective_ids=tuple(i for i in r.objective_ids.split(";") if i),
                        correct=bool(r.correct),
                        detail=r.detail,
                    )
                    for r in rows
                ]
            except RecordProblem as error:
                problem = str(error)
            except sa.exc.DatabaseError as error:
                self.close()
                problem = str(_problem(error, self.path))
        return stored + list(self.pending), problem

    def progress(
        self, objectives: list[tuple[str, str, str]], prepost: dict[str, str] | None = None
    ) -> tuple[list[ObjectiveProgress], str]:
        """Return each objective's progress, from the record.

        Parameters
        ----------
        objectives : list of (objective_id, notebook, objective)
            In display order (``data/objectives.csv``).
        prepost : dict, optional
            ``{objective_id: item_id}`` of the pre-test and post-test question per objective.

        Returns
        -------
        (list of ObjectiveProgress, str)
            One per objective, and the problem reading the file (``""`` if none).
        """
        attempts, problem = self.attempts()
        first: dict[tuple[str, str], Attempt] = {}
        tests: dict[tuple[str, str], Attempt] = {}
        for attempt in attempts:
            if attempt.kind in ("pre-test", "post-test"):
                tests[(attempt.kind, attempt.item_id)] = attempt  # the latest sitting counts
            else:
                first.setdefault((attempt.kind, attempt.item_id), attempt)
        result = []
        for objective_id, notebook, text in objectives:
            mine = [a for a in first.values() if objective_id in a.objective_ids]
            right = sum(a.correct for a in mine)
            if not mine:
                status = "not yet seen"
            elif right == len(mine):
                status = "right first time"
            else:
                status = "to revisit"
            item = (prepost or {}).get(objective_id, "")
            marks = []
            for kind in ("pre-test", "post-test"):
                taken = tests.get((kind, item)) if item else None
                marks.append("" if taken is None else ("right" if taken.correct else "wrong"))
            result.append(
                ObjectiveProgress(objective_id, notebook, text, len(mine), right, status, *marks)
            )
        return result, problem

    # -- starting again ------------------------------------------------------------------------
    def reset(self, confirm: bool = False) -> Saved:
        """Delete the record (a damaged file is moved aside, not deleted).

        Parameters
        ----------
        confirm : bool, default False
            Must be True: the learner has confirmed.

        Returns
        -------
        Saved
            Done, with what happened in words.

        Raises
        ------
        itb_edu.errors.ParameterError
            About ``confirm`` when it is not True.
        """
        if confirm is not True:
            raise parameter_error("confirm", confirm, "reset deletes the record: confirm first")
        self.pending.clear()
        self.close()
        if not self.path.exists():
            return Saved(True, "There was no record to delete.")
        try:
            _check_readable(self.path)
        except RecordProblem:
            aside = self.path.with_name(
                f"{self.path.stem}.damaged-{datetime.now():%Y%m%d-%H%M%S}{self.path.suffix}"
            )
            shutil.move(self.path, aside)
            return Saved(
                True, f"The damaged record was moved aside to {aside.name}; a new one starts."
            )
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        return Saved(True, "Your record was deleted; a new one starts with your next answer.")


def _check_readable(path: Path) -> None:
    import sqlite3

    try:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise RecordProblem("damaged", str(error)) from error


def _problem(error: Exception, path: Path) -> RecordProblem:
    text = str(getattr(error, "orig", error)).lower()
    if "locked" in text or "busy" in text:
        return RecordProblem(
            "locked", f"the record at {path} is in use by another program and did not free up"
        )
    if "readonly" in text or "unable to open" in text or "read-only" in text:
        return RecordProblem("unwritable", f"the record at {path} cannot be written")
    return RecordProblem(
        "damaged",
        f"the record at {path} cannot be read; it may be damaged. It has not been changed",
    )


def _kept(reason: str, count: int) -> str:
    answers = "this answer" if count == 1 else f"these {count} answers"
    return (
        f"Your progress could not be saved: {reason}. {answers.capitalize()} are kept for this "
        "session and saved when the file can be used again; the course keeps working."
    ).replace("This answer are", "This answer is")
