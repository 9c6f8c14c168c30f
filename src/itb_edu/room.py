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
import math
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ._store import create_engine, ensure_schema
from .errors import parameter_error

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "KINDS",
    "SCHEMA_VERSION",
    "Room",
    "RoomQuestion",
    "RoomState",
    "Seat",
    "Tally",
    "default_url",
    "join",
    "join_link",
    "question_choices",
    "room_question",
    "room_questions",
]

#: The version of the room tables this code writes and reads.
SCHEMA_VERSION = 2
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
    if sqlite:
        from pathlib import Path

        database = sa.engine.make_url(url).database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, BUSY_TIMEOUT_S)
    tables = _tables()

    def create(connection: Any) -> None:
        version = ensure_schema(connection, tables["metadata"], tables["meta"], SCHEMA_VERSION)
        if version is not None:
            raise parameter_error(
                "url",
                url,
                f"this room store was made by another version of the course (version {version});"
                " it is left as it is: use a new store",
            )

    def create_once_made() -> None:
        # Kernels meeting a brand-new store at the same moment race to create its tables: the
        # losers see "already exists" (or a duplicate key) and try again, finding them made.
        for attempt in range(3):
            try:
                _retry(lambda: _in_transaction(engine, create))
                return
            except (sa.exc.IntegrityError, sa.exc.ProgrammingError, sa.exc.OperationalError) as e:
                if "exist" not in str(e).lower() and "duplicate" not in str(e).lower():
                    raise
                if attempt == 2:
                    raise
                time.sleep(0.1 * (attempt + 1))

    try:
        create_once_made()
    except BaseException:
        engine.dispose()  # a refused store keeps no connection open (PostgreSQL: a server process)
        raise
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
            sa.Column("question_id", sa.String(80), nullable=False),
            sa.Column("kind", sa.String(10), nullable=False),
            sa.Column("choices", sa.Text, nullable=False),
            # The question as the class reads it, with its sources' citations: learners' kernels
            # read it here and never load the course's data tables (a light page to start).
            sa.Column("question", sa.Text, nullable=False),
            sa.Column("key_hash", sa.String(64), nullable=False),
            # Rounds count up through the room's life; the current question's first round is
            # kept so that a question's votes are "vote 1", "vote 2" whatever came before.
            sa.Column("round", sa.Integer, nullable=False, default=1),
            sa.Column("first_round", sa.Integer, nullable=False, default=1),
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


#: Question ids of case decisions start with this (``case:withdrawal-missed-refill``).
CASE_PREFIX = "case:"
#: The three kinds of question a room can ask.
KINDS = ("choice", "number", "case")


@dataclass(frozen=True)
class RoomQuestion:
    """A question a room can ask: from the question bank, a numeric question, or a case decision.

    Attributes
    ----------
    question_id : str
        ``em-04`` (question bank), ``rs-n2`` (numeric) or ``case:<case_id>`` (case decision).
    kind : str
        ``"choice"``, ``"number"`` or ``"case"``.
    title : str
        A short label for the educator's list.
    prompt : str
        What the class reads.
    choices : tuple of str
        The choices in order (empty for a number).
    right : tuple of str
        The right choices (for a case decision, every action that is right to do first).
    notes : tuple of (str, str)
        What the course says about each choice, shown after the reveal.
    explanation : str
        Why, in the course's words.
    exact : float or None
        The engine's answer to a numeric question, in ``unit``.
    tolerance : float or None
        How far from ``exact`` an answer still counts as right [``unit``].
    unit : str
        The unit of a numeric answer (empty otherwise).
    source_ids : tuple of str
        Sources of the question and its explanation (``data/sources.csv``).
    objective_ids : tuple of str
        The learning objectives it checks (``data/objectives.csv``).
    """

    question_id: str
    kind: str
    title: str
    prompt: str
    choices: tuple[str, ...]
    right: tuple[str, ...]
    notes: tuple[tuple[str, str], ...]
    explanation: str
    exact: float | None
    tolerance: float | None
    unit: str
    source_ids: tuple[str, ...]
    objective_ids: tuple[str, ...]

    def is_right(self, answer: str | float) -> bool:
        """Return whether ``answer`` (a choice, or a number for a numeric question) is right."""
        if self.kind == "number":
            assert self.exact is not None
            assert self.tolerance is not None
            return abs(float(answer) - self.exact) <= self.tolerance
        return answer in self.right


_QUESTIONS: dict[str, RoomQuestion] = {}


def room_questions() -> dict[str, RoomQuestion]:
    """Return every question a room can ask, by id, in the course's order.

    The question bank (``data/quiz/*.csv``), the numeric questions
    (``data/numeric_questions.csv``; the answer is the reservoir engine's) and one decision per
    emergency case (``data/cases.csv``: "which action turns the course?", the checklist actions
    as choices, right: the case's turning actions; after the reveal every action's role and the
    case's feedback on it).
    """
    if _QUESTIONS:
        return _QUESTIONS
    from . import cases, data, quiz

    found: dict[str, RoomQuestion] = {}
    for quiz_id in data.quiz_ids():
        for q in quiz.load_quiz(quiz_id):
            found[q.question_id] = RoomQuestion(
                question_id=q.question_id,
                kind="choice",
                title=q.question,
                prompt=f"{q.vignette} {q.question}".strip(),
                choices=q.choices,
                right=(q.answer,),
                notes=((q.answer, q.explanation), *q.wrong_feedback),
                explanation=q.explanation,
                exact=None,
                tolerance=None,
                unit="",
                source_ids=q.source_ids,
                objective_ids=q.objective_ids,
            )
        for n in quiz.load_numeric(quiz_id):
            exact = quiz.expected_value(n)
            found[n.question_id] = RoomQuestion(
                question_id=n.question_id,
                kind="number",
                title=n.question,
                prompt=n.question,
                choices=(),
                right=(),
                notes=(),
                explanation=n.hint,
                exact=exact,
                tolerance=n.tolerance,
                unit=quiz.UNITS[n.quantity],
                source_ids=n.source_ids,
                objective_ids=n.objective_ids,
            )
    for case in cases.load_cases().values():
        labels = {a: item.label for a, item in case.checklist.items()}
        turning = tuple(labels[a] for a in case.ids_with_role("turns"))
        found[CASE_PREFIX + case.case_id] = RoomQuestion(
            question_id=CASE_PREFIX + case.case_id,
            kind="case",
            title=case.title,
            prompt=(
                f"{case.patient}; {case.setting.lower()}. {case.story} "
                f"Now: {cases.stage_at(case, case.arrival_hours).summary.rstrip('.')}. "
                "Which of these actions turns the course for this patient?"
            ),
            choices=tuple(labels.values()),
            right=turning,
            notes=tuple(
                (labels[a], f"{_ROLE_WORDS[case.actions[a].role]}: {case.actions[a].feedback}")
                for a in case.checklist
            ),
            explanation=f"This case trains {case.trains}",
            exact=None,
            tolerance=None,
            unit="",
            source_ids=tuple(
                dict.fromkeys(
                    [
                        *case.source_ids,
                        *cases.stage_at(case, case.arrival_hours).source_ids,
                        *(s for a in case.actions.values() for s in a.source_ids),
                    ]
                )
            ),
            objective_ids=case.objective_ids,
        )
    _QUESTIONS.update(found)
    return _QUESTIONS


#: A case action's role, in words, for the notes after the reveal.
_ROLE_WORDS = {
    "turns": "Turns the course",
    "needed": "Needed",
    "helps": "Helps",
    "not-indicated": "Not indicated",
    "harms": "Harmful: the course stops it",
}


def room_question(question_id: str) -> RoomQuestion:
    """Return the question ``question_id`` (see :func:`room_questions`).

    Raises
    ------
    itb_edu.errors.ParameterError
        About ``question_id`` when the course has no such question.
    """
    question = room_questions().get(str(question_id).strip())
    if question is None:
        raise parameter_error(
            "question_id", question_id, f"no course question has the id {question_id!r}"
        )
    return question


def question_choices(question_id: str) -> tuple[str, ...]:
    """Return the choices of a course question, in order (empty for a numeric question)."""
    return room_question(question_id).choices


def _payload(question: RoomQuestion) -> str:
    """Return the question and its sources' citations as JSON, for the store."""
    from dataclasses import asdict

    from .quiz import load_source_citations

    citations = load_source_citations()
    return json.dumps(
        {
            **asdict(question),
            "citations": {s: list(citations[s]) for s in question.source_ids if s in citations},
        }
    )


def _question_from(text: str) -> tuple[RoomQuestion, dict[str, tuple[str, str]]]:
    """Return the question stored by :func:`_payload`, and its citations."""
    data = json.loads(text)
    citations = {s: (str(c), str(u)) for s, (c, u) in data.pop("citations").items()}
    data["notes"] = tuple(tuple(note) for note in data["notes"])
    for name in ("choices", "right", "source_ids", "objective_ids"):
        data[name] = tuple(data[name])
    return RoomQuestion(**data), citations


def _number(value: object) -> float:
    """Read a learner's number (a float, or text such as ``"90"`` or ``"0,24"``)."""
    text = str(value).strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise parameter_error("choice", value, "type a number, for example 12.5") from None
    if not math.isfinite(number) or number < 0:
        raise parameter_error("choice", value, "type a number of zero or more")
    return number


@dataclass(frozen=True)
class Tally:
    """The answers of one round.

    Attributes
    ----------
    round : int
        The round's number in the room's life (the store's key).
    vote : int
        1 for the first vote on the current question, 2 after discussion, and so on.
    question_id : str
    counts : tuple of (str, int)
        A count per choice, in the question's order, zeros included (empty for a number).
    values : tuple of float
        The numbers answered, smallest first (numeric questions only).
    total : int
        Learners who answered.
    revealed : bool
        Whether the educator has revealed the current round to the class.
    """

    round: int
    vote: int
    question_id: str
    counts: tuple[tuple[str, int], ...]
    values: tuple[float, ...]
    total: int
    revealed: bool


@dataclass(frozen=True)
class RoomState:
    """Where a room is: its question, round and vote, whether revealed, whether closed."""

    code: str
    question_id: str
    kind: str
    round: int
    vote: int
    revealed: bool
    closed: bool


def _state(row: dict[str, Any]) -> RoomState:
    return RoomState(
        code=row["code"],
        question_id=row["question_id"],
        kind=row["kind"],
        round=int(row["round"]),
        vote=int(row["round"]) - int(row["first_round"]) + 1,
        revealed=bool(row["revealed"]),
        closed=bool(row["closed"]),
    )


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
            A question of :func:`room_questions`: the question bank, a numeric question, or
            ``case:<case_id>``.

        Returns
        -------
        Room
        """
        import sqlalchemy as sa

        question = room_question(question_id)
        payload = _payload(question)
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
                                question_id=question.question_id,
                                kind=question.kind,
                                choices=json.dumps(question.choices),
                                question=payload,
                                key_hash=_hash(key),
                                round=1,
                                first_round=1,
                                revealed=False,
                                closed=False,
                                opened_at=_now(),
                            )
                        ).inserted_primary_key[0],
                    )
                )
            except sa.exc.IntegrityError:
                continue
            return cls(url, code, question.question_id, question.choices, key, int(room_id))
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

    def state(self) -> RoomState:
        """Return the room's question, round and vote, and whether it is revealed or closed."""
        return _state(_room_row(self.url, self.code, allow_closed=True))

    def question(self) -> tuple[RoomQuestion, dict[str, tuple[str, str]]]:
        """Return the room's current question and its sources' citations, from the store."""
        return _question_from(_room_row(self.url, self.code, allow_closed=True)["question"])

    def tally(self, round: int | None = None) -> Tally:
        """Return the counts of a round of the current question (default: the current round).

        Parameters
        ----------
        round : int, optional
            A round of :meth:`rounds` (the room's own numbering).
        """
        return _tally(self.url, _room_row(self.url, self.code, allow_closed=True), round)

    def rounds(self) -> tuple[Tally, ...]:
        """Return the tallies of every vote on the current question, first vote first."""
        row = _room_row(self.url, self.code, allow_closed=True)
        return tuple(
            _tally(self.url, row, r) for r in range(int(row["first_round"]), int(row["round"]) + 1)
        )

    def reveal(self, educator_key: str) -> None:
        """Show the current round's result to the class."""
        self._update(educator_key, revealed=True)

    def next_round(self, educator_key: str) -> int:
        """Start the next vote on the same question (after discussion); return its round."""
        round_now = self.state().round + 1
        self._update(educator_key, round=round_now, revealed=False)
        return round_now

    def ask(self, question_id: str, educator_key: str) -> RoomState:
        """Ask another question in the same room (the class stays joined); its first vote opens.

        Parameters
        ----------
        question_id : str
            A question of :func:`room_questions`.
        educator_key : str
        """
        question = room_question(question_id)
        round_now = self.state().round + 1
        self._update(
            educator_key,
            question_id=question.question_id,
            kind=question.kind,
            choices=json.dumps(question.choices),
            question=_payload(question),
            round=round_now,
            first_round=round_now,
            revealed=False,
        )
        self.question_id, self.choices = question.question_id, question.choices
        return self.state()

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


def _tally(url: str, room: dict[str, Any], round: int | None = None) -> Tally:
    import sqlalchemy as sa

    answers = _tables()["answers"]
    current = int(room["round"])
    wanted = current if round is None else int(round)
    if not int(room["first_round"]) <= wanted <= current:
        raise parameter_error(
            "round", round, "that round is not a vote on the room's current question"
        )
    with _engine(url).connect() as connection:
        rows = connection.execute(
            sa.select(answers.c.choice).where(
                answers.c.room_id == room["id"], answers.c.round == wanted
            )
        ).all()
    given = [choice for (choice,) in rows]
    if room["kind"] == "number":
        counts: tuple[tuple[str, int], ...] = ()
        values = tuple(sorted(float(v) for v in given))
    else:
        counted = {c: given.count(c) for c in set(given)}
        counts = tuple((c, counted.get(c, 0)) for c in json.loads(room["choices"]))
        values = ()
    return Tally(
        round=wanted,
        vote=wanted - int(room["first_round"]) + 1,
        question_id=room["question_id"],
        counts=counts,
        values=values,
        total=len(given),
        revealed=bool(room["revealed"]) if wanted == current else True,
    )


@dataclass(frozen=True)
class Seat:
    """A learner's place in a room (no personal data beyond an optional nickname)."""

    url: str
    code: str
    learner_id: str
    nickname: str = ""

    def answer(self, choice: str | float) -> RoomState:
        """Record this learner's answer for the current round, replacing an earlier one.

        Parameters
        ----------
        choice : str or float
            One of the question's choices, or a number (zero or more, in the question's unit)
            for a numeric question; typed text such as ``"12,5"`` is read as a number.

        Returns
        -------
        RoomState
            The room as the answer found it (its question and round).

        Raises
        ------
        itb_edu.errors.ParameterError
            About ``choice`` when it is not one of the question's choices (or not a number);
            about ``code`` when the room is closed or unknown.
        """
        from sqlalchemy.dialects import postgresql, sqlite

        room = _room_row(self.url, self.code)
        if room["kind"] == "number":
            stored = repr(_number(choice))
        else:
            if choice not in json.loads(room["choices"]):
                raise parameter_error("choice", choice, "choose one of the question's answers")
            stored = str(choice)
        answers = _tables()["answers"]
        engine = _engine(self.url)
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        values = {
            "room_id": room["id"],
            "round": room["round"],
            "learner_id": self.learner_id,
            "nickname": self.nickname[:40],
            "choice": stored,
            "answered_at": _now(),
        }
        statement = dialect.insert(answers).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=["room_id", "round", "learner_id"],
            set_={"choice": stored, "answered_at": values["answered_at"]},
        )
        _retry(lambda: _in_transaction(engine, lambda c: c.execute(statement)))
        return _state(room)

    def state(self) -> RoomState:
        """Return where the room is (what the learner's page follows)."""
        return _state(_room_row(self.url, self.code, allow_closed=True))

    def question(self) -> tuple[RoomQuestion, dict[str, tuple[str, str]]]:
        """Return the room's current question and its sources' citations, from the store.

        A learner's page needs nothing else: it never loads the course's data tables.
        """
        return _question_from(_room_row(self.url, self.code, allow_closed=True)["question"])

    def my_answer(self) -> str | None:
        """Return this learner's answer in the current round, if any (their own only)."""
        import sqlalchemy as sa

        room = _room_row(self.url, self.code)
        answers = _tables()["answers"]
        with _engine(self.url).connect() as connection:
            given = connection.execute(
                sa.select(answers.c.choice).where(
                    answers.c.room_id == room["id"],
                    answers.c.round == room["round"],
                    answers.c.learner_id == self.learner_id,
                )
            ).scalar()
        return None if given is None else str(given)

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


#: Environment variable that sets the room store's SQLAlchemy URL (a hub sets it for everyone).
ROOM_URL_ENV = "ITB_EDU_ROOM_URL"
#: Environment variable that sets the start of the join link (for a server behind a proxy).
JOIN_BASE_ENV = "ITB_EDU_JOIN_BASE"
#: The learners' page and the educator's page, in ``notebooks/``.
JOIN_NOTEBOOK = "08_join_room.ipynb"
EDUCATOR_NOTEBOOK = "07_live_room.ipynb"


def default_url(environ: dict[str, str] | None = None) -> str:
    """Return the room store's URL: ``$ITB_EDU_ROOM_URL``, else an SQLite file for this user.

    Parameters
    ----------
    environ : dict, optional
        The environment to read (default ``os.environ``).

    Notes
    -----
    The default file, ``rooms.sqlite`` in ``platformdirs.user_data_dir("itb-edu")``, serves one
    server (``make app``, where the educator and every learner's kernel run as one user). On a
    hub each learner has a server of their own, so the hub sets ``ITB_EDU_ROOM_URL`` for all:
    a shared SQLite file on one machine, PostgreSQL when servers run on several (see
    ``docs/live-room.md``).
    """
    import os

    env = os.environ if environ is None else environ
    configured = env.get(ROOM_URL_ENV, "").strip()
    if configured:
        return configured
    import platformdirs

    folder = platformdirs.user_data_dir("itb-edu", appauthor=False)
    return f"sqlite:///{folder}/rooms.sqlite"


def join_link(code: str, environ: dict[str, str] | None = None) -> str:
    """Return the link a learner opens to join the room ``code``.

    Built from what Voilà tells the educator's kernel about the request (``SERVER_NAME``,
    ``SERVER_PORT``, ``SCRIPT_NAME``, ``QUERY_STRING``), or from ``$ITB_EDU_JOIN_BASE``.

    Parameters
    ----------
    code : str
        The room code.
    environ : dict, optional
        The environment to read (default ``os.environ``).

    Returns
    -------
    str
        An absolute link when the server is known, else the learners' page as a path to open
        on the same server. On JupyterHub (``/user/<name>/`` in the path) the link goes through
        ``/hub/user-redirect/``, so that every learner lands on their own server; elsewhere the
        server's token is carried over, because the page needs it.

    Examples
    --------
    >>> env = {"SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8866",
    ...        "SCRIPT_NAME": "/voila/render/07_live_room.ipynb", "QUERY_STRING": "token=abc"}
    >>> join_link("K7MQ3P", env)
    'http://127.0.0.1:8866/voila/render/08_join_room.ipynb?token=abc&code=K7MQ3P'
    >>> join_link("K7MQ3P", {"SERVER_NAME": "hub.example.org", "SERVER_PORT": "",
    ...        "SCRIPT_NAME": "/user/ann/voila/render/notebooks/07_live_room.ipynb"})
    'http://hub.example.org/hub/user-redirect/voila/render/notebooks/08_join_room.ipynb?code=K7MQ3P'
    >>> join_link("K7MQ3P", {"ITB_EDU_JOIN_BASE": "https://hub.example.org/hub/user-redirect/"})
    'https://hub.example.org/hub/user-redirect/voila/render/notebooks/08_join_room.ipynb?code=K7MQ3P'
    """
    import os
    import re
    from urllib.parse import parse_qsl, urlencode

    env = os.environ if environ is None else environ
    code = str(code).strip().upper()
    base = env.get(JOIN_BASE_ENV, "").strip()
    if base:
        return f"{base.rstrip('/')}/voila/render/notebooks/{JOIN_NOTEBOOK}?code={code}"
    script = env.get("SCRIPT_NAME", "")
    if EDUCATOR_NOTEBOOK in script:
        path = script.replace(EDUCATOR_NOTEBOOK, JOIN_NOTEBOOK)
    else:
        path = f"/voila/render/{JOIN_NOTEBOOK}"
    query = dict(parse_qsl(env.get("QUERY_STRING", "")))
    hub = re.match(r"^/user/[^/]+/(.*)$", path)
    if hub:
        path = "/hub/user-redirect/" + hub.group(1)
        kept = {}
    else:
        kept = {k: v for k, v in query.items() if k == "token"}
    kept["code"] = code
    host = env.get("SERVER_NAME", "")
    port = env.get("SERVER_PORT", "")
    origin = f"http://{host}{':' + port if port else ''}" if host else ""
    return f"{origin}{path}?{urlencode(kept)}"
