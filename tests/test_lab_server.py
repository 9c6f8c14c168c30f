"""``make lab`` serves the start-here notebook on 127.0.0.1, and only with the token."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.slow
def test_make_lab_serves_start_here_with_token(tmp_path):
    port = free_port()
    token = secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_TOKEN": token, "BROWSER": "true"}
    log = tmp_path / "lab.log"
    with log.open("w") as handle:
        proc = subprocess.Popen(
            [
                "make",
                "--no-print-directory",
                "lab",
                f"PORT={port}",
                "LAB_ARGS=--no-browser --ServerApp.port_retries=0",
            ],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"make lab exited early:\n{log.read_text()}")
            try:
                if status(f"{base}/api/status?token={token}") == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail(f"JupyterLab did not answer within 90 s:\n{log.read_text()}")

        notebook = "notebooks/00_start_here.ipynb"
        assert status(f"{base}/api/contents/{notebook}?token={token}") == 200
        assert status(f"{base}/api/contents/{notebook}") == 403
        assert status(f"{base}/api/contents/{notebook}?token=wrong") == 403
        assert status(f"{base}/lab/tree/{notebook}?token={token}") == 200
        # etc/lab/jupyter_server_config.py publishes plotly's widget bundle for Lab and Voilà.
        assert status(f"{base}/lab/extensions/widgetbundle.js?token={token}") == 200
        assert status(f"{base}/voila/labextensions/widgetbundle.js?token={token}") == 200
        output = log.read_text()
        assert f"http://127.0.0.1:{port}/lab/tree/{notebook}?token=" in output
        assert "0.0.0.0" not in output
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
