"""A live room: the educator asks a course question, the class answers, the projector counts.

Pure domain code (no Jupyter imports): the store contract shared by the room apps and the
tests, on SQLAlchemy Core. The store is an SQLite file by default (one server) or PostgreSQL
by URL (a hub whose user servers run on several machines)::

    room = Room.open("sqlite:///room.sqlite", "em-04")      # the educator
    room.code, room.choices                                  # 'K7MQ3P', ('Airway, ...', ...)
    seat = join("sqlite:///room.sqlite", room.code, "learner-1")
    seat.answer(room.choices[0])                             # records, or replaces, the answer
    room.tally()                                             # counts of the current round
    room.reveal(educator_key=room.educator_key)
    room.next_round(educator_key=room.educator_key)          # peer instruction: vote again
    room.close(educator_key=room.educator_key)               # deletes the room's answers

One answer per learner per round is kept (answering again replaces it), whatever the number
of kernels answering at once: the answers table's key is (room, round, learner) and every
answer is an upsert. SQLite runs in WAL mode with a busy timeout, and a write that still finds
the file locked is retried. The schema carries a version; a store of another version is refused
in plain words. No personal data is stored beyond an optional nickname.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .errors import parameter_error

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "SCHEMA_VERSION",
    "Room",
    "Seat",
    "Tally",
    "join",
    "question_choices",
]

#: The version of the room tables this code writes and reads.
SCHEMA_VERSION = 1
#: Room codes use letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
#: Length of a room code.
CODE_LENGTH = 6
#: How long a write waits for a locked SQLite file, and how often it tries again.
BUSY_TIMEOUT_S = 5.0
RETRIES = 5

_ENGINES: dict[str, Any] = {}


def _engine(url: str) -> Any:
    """Return the engine for ``url`` (one per process), with the tables created."""
    import sqlalchemy as sa

    if url in _ENGINES:
        return _ENGINES[url]
    sqlite = url.startswith("sqlite")
    engine = sa.create_engine(
        url,
        connect_args={"timeout": BUSY_TIMEOUT_S} if sqlite else {},
        pool_pre_ping=not sqlite,
    )
    if sqlite:

        @sa.event.listens_for(engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.close()

    tables = _tables()
    meta = tables["meta"]

    def create(connection: Any) -> None:
        tables["metadata"].create_all(connection)
        version = connection.execute(
            sa.select(meta.c.value).where(meta.c.key == "schema_version")
        ).scalar()
        if version is None:
            connection.execute(
                meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION))
            )
        elif version != str(SCHEMA_VERSION):
            raise parameter_error(
                "url",
                url,
                f"this room store was made by another version of the course (version {version});"
                " it is left as it is: use a new store",
            )

    _retry(lambda: _in_transaction(engine, create))
    _ENGINES[url] = engine
    return engine


_TABLES: dict[str, Any] = {}


def _tables() -> dict[str, Any]:
    import sqlalchemy as sa

    if _TABLES:
        return _TABLES
    metadata = sa.MetaData()
    _TABLES.update(
        metadata=metadata,
        meta=sa.Table(
            "itb_room_meta",
            metadata,
            sa.Column("key", sa.String(40), primary_key=True),
            sa.Column("value", sa.String(40), nullable=False),
        ),
        rooms=sa.Table(
            "itb_rooms",
            metadata,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("code", sa.String(CODE_LENGTH), nullable=False, unique=True),
            sa.Column("question_id", sa.String(60), nullable=False),
            sa.Column("choices", sa.Text, nullable=False),
            sa.Column("key_hash", sa.String(64), nullable=False),
            sa.Column("round", sa.Integer, nullable=False, default=1),
            sa.Column("revealed", sa.Boolean, nullable=False, default=False),
            sa.Column("closed", sa.Boolean, nullable=False, default=False),
            sa.Column("opened_at", sa.String(32), nullable=False),
        ),
        answers=sa.Table(
            "itb_room_answers",
            metadata,
            sa.Column("room_id", sa.Integer, sa.ForeignKey("itb_rooms.id"), primary_key=True),
            sa.Column("round", sa.Integer, primary_key=True),
            sa.Column("learner_id", sa.String(80), primary_key=True),
            sa.Column("nickname", sa.String(40), nullable=False, default=""),
            sa.Column("choice", sa.Text, nullable=False),
            sa.Column("answered_at", sa.String(32), nullable=False),
        ),
    )
    return _TABLES


def _in_transaction(engine: Any, work: Any) -> Any:
    with engine.begin() as connection:
        return work(connection)


def _retry(call: Any) -> Any:
    """Run ``call``; if the store is locked, wait a little and try again."""
    import sqlalchemy as sa

    for attempt in range(RETRIES):
        try:
            return call()
        except sa.exc.OperationalError as error:
            locked = "locked" in str(error).lower() or "busy" in str(error).lower()
            if not locked or attempt == RETRIES - 1:
                raise
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def question_choices(question_id: str) -> tuple[str, ...]:
    """Return the choices of a course question (any quiz of ``data/quiz``), in order.

    Raises
    ------
    itb_edu.errors.ParameterError
        About ``question_id`` when no quiz has it.
    """
    from . import data, quiz

    for quiz_id in data.quiz_ids():
        for question in quiz.load_quiz(quiz_id):
            if question.question_id == question_id:
                return question.choices
    raise parameter_error(
        "question_id", question_id, f"no course question has the id {question_id!r}"
    )


@dataclass(frozen=True)
class Tally:
    """The answers of one round: a count per choice (every choice listed, zeros included).

    Attributes
    ----------
    round : int
    counts : tuple of (str, int)
        In the question's order.
    total : int
        Learners who answered.
    revealed : bool
        Whether the educator has revealed the result to the class.
    """

    round: int
    counts: tuple[tuple[str, int], ...]
    total: int
    revealed: bool


@dataclass
class Room:
    """An open room, as the educator holds it (with its key).

    Use :meth:`open` to make one; :func:`join` for a learner's seat.
    """

    url: str
    code: str
    question_id: str
    choices: tuple[str, ...]
    educator_key: str = field(repr=False)
    _id: int = field(default=0, repr=False)

    @classmethod
    def open(cls, url: str, question_id: str) -> Room:
        """Open a room on a course question; return it with its code and educator key.

        Parameters
        ----------
        url : str
            SQLAlchemy URL of the store (``sqlite:///path`` or ``postgresql+psycopg://...``).
        question_id : str
            A question of the course's question bank.

        Returns
        -------
        Room
        """
        import sqlalchemy as sa

        choices = question_choices(question_id)
        engine = _engine(url)
        rooms = _tables()["rooms"]
        key = secrets.token_urlsafe(16)
        for _ in range(20):  # a new code until one is free
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            try:
                room_id = _retry(
                    lambda code=code: _in_transaction(
                        engine,
                        lambda c: c.execute(
                            rooms.insert().values(
                                code=code,
                                question_id=question_id,
                                choices=json.dumps(choices),
                                key_hash=_hash(key),
                                round=1,
                                revealed=False,
                                closed=False,
                                opened_at=_now(),
                            )
                        ).inserted_primary_key[0],
                    )
                )
            except sa.exc.IntegrityError:
                continue
            return cls(url, code, question_id, choices, key, int(room_id))
        raise RuntimeError("no free room code after 20 tries")  # pragma: no cover

    def _check_key(self, educator_key: str) -> None:
        import sqlalchemy as sa

        rooms = _tables()["rooms"]
        with _engine(self.url).connect() as connection:
            stored = connection.execute(
                sa.select(rooms.c.key_hash).where(rooms.c.id == self._id)
            ).scalar()
        if stored is None or not secrets.compare_digest(stored, _hash(str(educator_key))):
            raise parameter_error(
                "educator_key", "(hidden)", "only the educator who opened the room can do this"
            )

    def _update(self, educator_key: str, **values: Any) -> None:
        self._check_key(educator_key)
        rooms = _tables()["rooms"]
        _retry(
            lambda: _in_transaction(
                _engine(self.url),
                lambda c: c.execute(rooms.update().where(rooms.c.id == self._id).values(**values)),
            )
        )

    def state(self) -> dict[str, Any]:
        """Return the room's round, whether it is revealed and whether it is closed."""
        return _room_row(self.url, self.code, allow_closed=True)

    def tally(self) -> Tally:
        """Return the counts of the current round (for the educator's projector view)."""
        return _tally(self.url, _room_row(self.url, self.code, allow_closed=True))

    def reveal(self, educator_key: str) -> None:
        """Show the current round's result to the class."""
        self._update(educator_key, revealed=True)

    def next_round(self, educator_key: str) -> int:
        """Start the next round (after discussion); return its number."""
        round_now = int(self.state()["round"]) + 1
        self._update(educator_key, round=round_now, revealed=False)
        return round_now

    def close(self, educator_key: str) -> None:
        """Close the room and delete its answers."""
        import sqlalchemy as sa

        self._check_key(educator_key)
        tables = _tables()
        rooms, answers = tables["rooms"], tables["answers"]

        def work(connection: Any) -> None:
            connection.execute(sa.delete(answers).where(answers.c.room_id == self._id))
            connection.execute(
                rooms.update().where(rooms.c.id == self._id).values(closed=True, revealed=False)
            )

        _retry(lambda: _in_transaction(_engine(self.url), work))


def _room_row(url: str, code: str, allow_closed: bool = False) -> dict[str, Any]:
    import sqlalchemy as sa

    rooms = _tables()["rooms"]
    typed = str(code).strip().upper()
    with _engine(url).connect() as connection:
        row = connection.execute(sa.select(rooms).where(rooms.c.code == typed)).mappings().first()
    if row is None:
        raise parameter_error("code", code, f"there is no room with the code {typed!r}")
    if row["closed"] and not allow_closed:
        raise parameter_error("code", code, f"the room {typed} is closed")
    return dict(row)


def _tally(url: str, room: dict[str, Any]) -> Tally:
    import sqlalchemy as sa

    answers = _tables()["answers"]
    with _engine(url).connect() as connection:
        rows = connection.execute(
            sa.select(answers.c.choice, sa.func.count())
            .where(answers.c.room_id == room["id"], answers.c.round == room["round"])
            .group_by(answers.c.choice)
        ).all()
    counted = {choice: int(n) for choice, n in rows}
    choices = tuple(json.loads(room["choices"]))
    return Tally(
        round=int(room["round"]),
        counts=tuple((c, counted.get(c, 0)) for c in choices),
        total=sum(counted.values()),
        revealed=bool(room["revealed"]),
    )


@dataclass(frozen=True)
class Seat:
    """A learner's place in a room (no personal data beyond an optional nickname)."""

    url: str
    code: str
    learner_id: str
    nickname: str = ""

    def answer(self, choice: str) -> None:
        """Record this learner's answer for the current round, replacing an earlier one.

        Raises
        ------
        itb_edu.errors.ParameterError
            About ``choice`` when it is not one of the question's choices; about ``code``
            when the room is closed or unknown.
        """
        from sqlalchemy.dialects import postgresql, sqlite

        room = _room_row(self.url, self.code)
        choices = tuple(json.loads(room["choices"]))
        if choice not in choices:
            raise parameter_error("choice", choice, "choose one of the question's answers")
        answers = _tables()["answers"]
        engine = _engine(self.url)
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        values = {
            "room_id": room["id"],
            "round": room["round"],
            "learner_id": self.learner_id,
            "nickname": self.nickname[:40],
            "choice": choice,
            "answered_at": _now(),
        }
        statement = dialect.insert(answers).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=["room_id", "round", "learner_id"],
            set_={"choice": choice, "answered_at": values["answered_at"]},
        )
        _retry(lambda: _in_transaction(engine, lambda c: c.execute(statement)))

    def results(self) -> Tally | None:
        """Return the current round's counts once the educator has revealed them, else None."""
        tally = _tally(self.url, _room_row(self.url, self.code))
        return tally if tally.revealed else None


def join(url: str, code: str, learner_id: str, nickname: str = "") -> Seat:
    """Join an open room by its code.

    Parameters
    ----------
    url : str
        The store's SQLAlchemy URL.
    code : str
        The room code, as typed (case and surrounding spaces do not matter).
    learner_id : str
        An anonymous id for this learner (the app makes one per browser session).
    nickname : str, optional
        Shown to nobody but the educator; at most 40 characters are kept.

    Raises
    ------
    itb_edu.errors.ParameterError
        About ``code`` when no open room has it.
    """
    room = _room_row(url, code)
    return Seat(url, room["code"], str(learner_id), nickname)
