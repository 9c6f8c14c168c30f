"""Start JupyterLab and Voilà on loopback for tests and benchmarks, holding their real PIDs.

Each server is started as ``sh -c 'echo $$ > pidfile; exec ...'`` so the PID we hold is the
server's own, listens on 127.0.0.1 with a token, never retries another port, and is ended by
that PID only.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
#: Room configuration of ``make app`` (etc/voila.json, etc/voila.py).
VOILA_CONFIG = ROOT / "etc"
#: Server configuration of ``make lab`` (added to JUPYTER_CONFIG_PATH).
LAB_CONFIG = ROOT / "etc" / "lab"


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # report the redirect itself: a login page is not access


_OPENER = urllib.request.build_opener(_NoRedirect)


def http_status(url: str, timeout: float = 10) -> int:
    """GET ``url`` and return the HTTP status, without following redirects."""
    try:
        with _OPENER.open(url, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@dataclass
class Server:
    """A server we started: its PID, address, token and log."""

    name: str
    pid: int
    port: int
    token: str
    log: Path
    extra: dict = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str, **params: str) -> str:
        query = "&".join(
            [*(f"{k}={v}" if v else k for k, v in params.items()), f"token={self.token}"]
        )
        return f"{self.base}/{path.lstrip('/')}?{query}"

    def alive(self) -> bool:
        popen = self.extra.get("popen")
        if popen is not None:
            return popen.poll() is None
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def stop(self, timeout: float = 20) -> None:
        """End the server by its PID: SIGTERM, then SIGKILL if it lingers."""
        popen = self.extra.get("popen")
        if self.alive():
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                return
        try:
            if popen is not None:
                popen.wait(timeout=timeout)  # the shell exec'd the server: same PID
        except subprocess.TimeoutExpired:
            os.kill(self.pid, signal.SIGKILL)
            popen.wait(timeout=timeout)


def _start(
    name: str,
    argv: list[str],
    workdir: Path,
    port: int,
    token: str,
    ready_path: str,
    env: dict[str, str],
    timeout: float,
) -> Server:
    workdir.mkdir(parents=True, exist_ok=True)
    pidfile = workdir / f"{name}.pid"
    pidfile.unlink(missing_ok=True)
    log = workdir / f"{name}.log"
    command = (
        "echo $$ > "
        + str(pidfile)
        + "; exec "
        + " ".join("'" + a.replace("'", "'\\''") + "'" for a in argv)
    )
    with log.open("w") as handle:
        proc = subprocess.Popen(
            ["sh", "-c", command],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 10
    while not pidfile.exists() or not pidfile.read_text().strip():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not start: {log.read_text()}")
        time.sleep(0.05)
    pid = int(pidfile.read_text())
    if pid != proc.pid:  # the shell exec'd the server, so the two must agree
        raise RuntimeError(f"{name}: pidfile says {pid}, started {proc.pid}")
    server = Server(name, pid, port, token, log, {"popen": proc})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(f"{name} exited early:\n{log.read_text()}")
        try:
            if http_status(server.url(ready_path), timeout=5) == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"{name} did not answer within {timeout:.0f} s:\n{log.read_text()}")


def _env(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("JUPYTER_TOKEN", None)
    env["JUPYTER_RUNTIME_DIR"] = str(workdir / "runtime")
    env["BROWSER"] = "true"
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


def _root_flag() -> list[str]:
    return ["--allow-root"] if os.geteuid() == 0 else []


def start_lab(workdir: Path, *, timeout: float = 90) -> Server:
    """Start JupyterLab at the repository root, as ``make lab`` does, for a browser test.

    Differences from ``make lab``: a fixed test token, a fresh workspace and settings folder,
    ``expose_app_in_browser`` (so a test can run JupyterLab commands), and notebook windowing
    off (so every output is laid out and can be checked).
    """
    port = free_port()
    token = secrets.token_hex(16)
    settings = workdir / "lab-user-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    argv = [
        str(BIN / "jupyter"),
        "lab",
        "--no-browser",
        *_root_flag(),
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={ROOT}",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.user_settings_dir={workdir / 'lab-user-settings'}",
        f"--LabApp.workspaces_dir={workdir / 'lab-workspaces'}",
    ]
    env = _env(workdir)
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        filter(None, [str(LAB_CONFIG), env.get("JUPYTER_CONFIG_PATH")])
    )
    return _start("lab", argv, workdir, port, token, "api/status", env, timeout)


def start_voila(
    workdir: Path,
    *,
    config_dir: Path | None = VOILA_CONFIG,
    extra_args: list[str] | None = None,
    timeout: float = 90,
) -> Server:
    """Start Voilà on the ``notebooks/`` folder with a token, as ``make app`` does.

    ``config_dir`` is the room configuration (``etc/``, as ``make app``); ``None`` starts
    Voilà with its own defaults.
    """
    port = free_port()
    token = secrets.token_hex(16)
    argv = [
        str(BIN / "voila"),
        str(ROOT / "notebooks"),
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--Voila.port={port}",
        "--Voila.port_retries=0",
        f"--token={token}",
        *([f"--Voila.config_file_paths={config_dir}"] if config_dir is not None else []),
        *(extra_args or []),
    ]
    return _start("voila", argv, workdir, port, token, "voila/tree", _env(workdir), timeout)
