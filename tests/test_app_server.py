"""``make app`` serves the course with Voilà on 127.0.0.1, and only with its token."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.servers import free_port, http_status

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_make_app_serves_the_simulator_with_a_token(tmp_path):
    port = free_port()
    log = tmp_path / "app.log"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    env.pop("JUPYTER_TOKEN", None)
    with log.open("w") as handle:
        proc = subprocess.Popen(
            ["make", "--no-print-directory", "app", f"APP_PORT={port}"],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        token = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and token is None:
            assert proc.poll() is None, f"make app exited early:\n{log.read_text()}"
            found = re.search(
                rf"http://127\.0\.0\.1:{port}/\?token=([0-9a-f]{{16,}})", log.read_text()
            )
            token = found.group(1) if found else None
            time.sleep(0.5)
        assert token, f"no address with a token was printed:\n{log.read_text()}"
        base = f"http://127.0.0.1:{port}"
        page = "voila/render/02_reservoir_simulator.ipynb"
        assert http_status(f"{base}/{page}?token={token}", timeout=120) == 200
        assert http_status(f"{base}/{page}", timeout=30) in {302, 403}
        assert http_status(f"{base}/{page}?token=wrong", timeout=30) in {302, 403}
        # etc/voila.py publishes plotly's widget bundle, which figure widgets then import.
        bundle = f"{base}/voila/labextensions/widgetbundle.js?token={token}"
        assert http_status(bundle, timeout=30) == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
