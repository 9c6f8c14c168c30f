"""``make app`` listens on loopback; ``LAN=1`` is the explicit opt-in for a live room, token on."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def dry_run(*args: str) -> str:
    if shutil.which("make") is None:
        pytest.fail("make is needed: the README's two commands are make targets")
    # -W marks the venv stamp as fresh, so the dry run prints only the server command.
    result = subprocess.run(
        ["make", "-n", "-W", "pyproject.toml", "app", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_the_app_listens_on_loopback_by_default():
    command = dry_run()
    assert "--Voila.ip=127.0.0.1" in command
    assert "0.0.0.0" not in command
    assert "--token" in command


def test_lan_1_opts_in_to_the_local_network_and_keeps_the_token():
    command = dry_run("LAN=1")
    assert "--Voila.ip=0.0.0.0" in command
    assert "--token" in command
    assert "listening on the local network (token on)" in command
