"""What the course's two SQL stores share: SQLite's locking settings and a schema version.

The learner record (:mod:`itb_edu.record`) and the live room's store (:mod:`itb_edu.room`) both
live in SQLite files that several kernels open at once; the room's store may be PostgreSQL.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_engine", "ensure_schema"]


def create_engine(url: str, busy_timeout_s: float) -> Any:
    """Return an SQLAlchemy engine for ``url``; for SQLite, WAL mode and a busy timeout.

    Parameters
    ----------
    url : str
        SQLAlchemy URL.
    busy_timeout_s : float
        How long a write waits for a locked SQLite file [s].

    Notes
    -----
    Every new SQLite connection gets ``PRAGMA busy_timeout`` and ``PRAGMA journal_mode = WAL``
    (readers do not block the writer); another database gets ``pool_pre_ping`` (a connection
    dropped by the server is replaced, not used).
    """
    import sqlalchemy as sa

    sqlite = url.startswith("sqlite")
    engine = sa.create_engine(
        url,
        connect_args={"timeout": busy_timeout_s} if sqlite else {},
        pool_pre_ping=not sqlite,
    )
    if sqlite:

        @sa.event.listens_for(engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.close()

    return engine


def ensure_schema(connection: Any, metadata: Any, meta: Any, version: int) -> str | None:
    """Create the tables if missing and check the stored schema version.

    Parameters
    ----------
    connection : sqlalchemy.engine.Connection
        In a transaction.
    metadata : sqlalchemy.MetaData
        The store's tables.
    meta : sqlalchemy.Table
        Its ``(key, value)`` table, where ``schema_version`` is kept.
    version : int
        The version this code writes and reads.

    Returns
    -------
    str or None
        None when the store is of ``version`` (a new store is stamped with it); otherwise the
        version found, for the caller to refuse in its own words. Nothing is changed then.
    """
    import sqlalchemy as sa

    metadata.create_all(connection)
    found = connection.execute(
        sa.select(meta.c.value).where(meta.c.key == "schema_version")
    ).scalar()
    if found is None:
        connection.execute(meta.insert().values(key="schema_version", value=str(version)))
        return None
    return None if found == str(version) else str(found)
