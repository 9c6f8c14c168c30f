"""Start a throwaway PostgreSQL server for the tests, holding its real PID.

The server gets a temporary data directory (``initdb -A trust -U itb --no-sync``), listens on
127.0.0.1 at a free port (its unix socket stays in the temporary directory), runs without
fsync, and is stopped by that PID only (SIGINT: a fast shutdown) before the directory is
removed. PostgreSQL refuses to run as root: as root, the server runs as the ``postgres`` user
that Debian's package creates (``nobody`` when there is none).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from glob import glob
from pathlib import Path

from tests.support.servers import free_port

#: The superuser that ``initdb`` creates (trust authentication: no password).
USER = "itb"
#: How long the server may take to accept connections on a busy machine.
START_TIMEOUT_S = 60.0

INSTALL_HINT = (
    "PostgreSQL's server is needed for the room tests on PostgreSQL. On Debian/Ubuntu: "
    "sudo apt-get install postgresql (make test does this for you when it can); elsewhere "
    "install PostgreSQL and set ITB_EDU_PG_BINDIR to the folder that holds initdb and postgres."
)


def _has_server(bindir: str | os.PathLike[str] | None) -> bool:
    if not bindir:
        return False
    return all(os.access(Path(bindir) / name, os.X_OK) for name in ("initdb", "postgres"))


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", Path(path).parent.name))


def bindir() -> Path | None:
    """Return the folder of PostgreSQL's server programs (initdb, postgres), or None."""
    candidates: list[str | None] = [os.environ.get("ITB_EDU_PG_BINDIR")]
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            candidates.append(
                subprocess.run(
                    [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
                ).stdout.strip()
            )
    # Debian keeps the server off PATH, one folder per major version: the newest first.
    candidates += sorted(glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    initdb = shutil.which("initdb")
    candidates.append(os.path.dirname(initdb) if initdb else None)
    for candidate in candidates:
        if candidate and _has_server(candidate):
            return Path(candidate)
    return None


def _run_as() -> dict:
    """Return the ``subprocess`` arguments that drop root to an unprivileged user."""
    if os.geteuid() != 0:
        return {}
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(name)
            return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
    raise RuntimeError("running as root, and there is no 'postgres' user to run PostgreSQL as")


@dataclass
class PostgresServer:
    """A PostgreSQL server we started: its PID, port, folders and log."""

    bindir: Path
    root: Path
    port: int
    popen: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "postgres.log"

    @property
    def pid(self) -> int | None:
        return self.popen.pid if self.popen else None

    def url(self, database: str = "postgres") -> str:
        """Return the SQLAlchemy URL of one of the server's databases."""
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def conninfo(self, database: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user={USER} dbname={database}"

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def create_database(self, name: str | None = None) -> str:
        """Create a new, empty database and return its SQLAlchemy URL."""
        return create_database(self.url(), name)

    def stop(self) -> None:
        """Stop the server by its PID (fast shutdown) and remove its folder."""
        popen, self.popen = self.popen, None
        if popen is not None and popen.poll() is None:
            for sig, wait_s in ((signal.SIGINT, 30), (signal.SIGQUIT, 10), (signal.SIGKILL, 10)):
                popen.send_signal(sig)
                try:
                    popen.wait(timeout=wait_s)
                    break
                except subprocess.TimeoutExpired:
                    continue
        if popen is not None:
            popen.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def _initdb(bindir: Path, root: Path, data: Path) -> None:
    done = subprocess.run(
        [
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            USER,
            "--no-sync",
            "--locale=C",
            "--encoding=UTF8",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=180,
        **_run_as(),
    )
    if done.returncode != 0:
        raise RuntimeError(f"initdb failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def _wait_until_ready(server: PostgresServer) -> None:
    import psycopg

    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        assert server.popen is not None
        if server.popen.poll() is not None:
            raise RuntimeError(
                f"PostgreSQL exited with code {server.popen.returncode} while starting; "
                f"log ({server.log}):\n{server.log_tail()}"
            )
        try:
            with psycopg.connect(server.conninfo(), connect_timeout=2):
                return
        except psycopg.OperationalError as error:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"PostgreSQL did not accept connections within {START_TIMEOUT_S:.0f} s "
                    f"({error}); log ({server.log}):\n{server.log_tail()}"
                ) from error
        time.sleep(0.1)


def start(bindir: Path) -> PostgresServer:
    """Create a cluster in a temporary folder, start its server and wait until it is ready."""
    root = Path(tempfile.mkdtemp(prefix="itb-edu-pg-"))
    server: PostgresServer | None = None
    try:
        drop = _run_as()
        if drop:  # the unprivileged user owns the folder (mkdtemp makes it 0700, root's)
            os.chown(root, drop["user"], drop["group"])
        os.chmod(root, 0o700)
        server = PostgresServer(bindir=bindir, root=root, port=0)
        _initdb(bindir, root, server.data)
        for attempt in range(3):  # the free port may be taken before the server binds it
            server.port = free_port()
            with open(server.log, "ab") as log:
                server.popen = subprocess.Popen(
                    [
                        str(bindir / "postgres"),
                        "-D",
                        str(server.data),
                        "-k",
                        str(root),
                        "-p",
                        str(server.port),
                        "-c",
                        "listen_addresses=127.0.0.1",
                        "-c",
                        "fsync=off",
                        "-c",
                        "synchronous_commit=off",
                        "-c",
                        "full_page_writes=off",
                    ],
                    cwd=root,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    **drop,
                )
            try:
                _wait_until_ready(server)
                return server
            except RuntimeError:
                bound = "could not bind" in server.log_tail() or "in use" in server.log_tail()
                if server.popen.poll() is None or not bound or attempt == 2:
                    raise
                server.popen.wait()
        raise AssertionError("unreachable")  # pragma: no cover
    except BaseException:
        if server is not None:
            server.stop()
        shutil.rmtree(root, ignore_errors=True)
        raise


def create_database(url: str, name: str | None = None) -> str:
    """Create a new database on the server of ``url``; return the new database's URL."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = name or f"itb_{secrets.token_hex(6)}"
    conninfo = psycopg.conninfo.make_conninfo(
        host=parsed.host or "",
        port=str(parsed.port or ""),
        user=parsed.username or "",
        dbname=parsed.database or "postgres",
    )
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return parsed.set(database=name).render_as_string(hide_password=False)
