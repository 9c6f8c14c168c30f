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


def test_app_config_layers_folders_first_wins_for_a_live_room():
    command = dry_run("APP_CONFIG=etc/room etc")
    assert "--Voila.config_file_paths=etc/room --Voila.config_file_paths=etc" in command


def test_the_room_layer_preheats_the_join_page_and_nothing_else():
    import json

    config = json.loads((ROOT / "etc" / "room" / "voila.json").read_text())
    pools = config["VoilaKernelManager"]["kernel_pools_config"]
    assert pools == {"default": {"pool_size": 0}, "08_join_room.ipynb": {"pool_size": 30}}
    assert config["KernelManager"]["transport"] == "ipc"
    assert (ROOT / "notebooks" / "08_join_room.ipynb").exists()
