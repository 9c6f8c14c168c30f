"""The classroom kernel cap: pure logic, the manager with a fake kernel starter, live Voilà."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

from itb_edu import serving
from itb_edu.serving import ROOM_FULL_MESSAGE, CappedKernelManager, RoomFullError

ROOT = Path(__file__).resolve().parents[1]
VOILA = Path(sys.executable).with_name("voila")


# --- pure cap logic -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("running", "starting", "max_kernels", "expected"),
    [
        (0, 0, 0, True),  # 0 means no cap
        (500, 20, 0, True),
        (0, 0, 1, True),
        (1, 0, 1, False),
        (0, 1, 1, False),  # a kernel still starting takes its place
        (39, 0, 40, True),
        (40, 0, 40, False),
        (38, 1, 40, True),
        (39, 1, 40, False),
        (41, 0, 40, False),
    ],
)
def test_room_has_space(running, starting, max_kernels, expected):
    assert serving.room_has_space(running, starting, max_kernels) is expected


@given(running=st.integers(0, 200), starting=st.integers(0, 50), max_kernels=st.integers(1, 200))
def test_room_has_space_is_a_strict_total_below_the_cap(running, starting, max_kernels):
    assert serving.room_has_space(running, starting, max_kernels) == (
        running + starting < max_kernels
    )


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("running", (-1, 0, 3), r"running must not be negative, got -1"),
        ("starting", (0, -2, 3), r"starting must not be negative, got -2"),
        ("max_kernels", (0, 0, -5), r"max_kernels must not be negative, got -5"),
        ("running", (1.5, 0, 3), r"running must be a whole number, got 1\.5"),
        ("max_kernels", (0, 0, True), r"max_kernels must be a whole number, got True"),
        ("starting", (0, "1", 3), r"starting must be a whole number, got '1'"),
    ],
)
def test_room_has_space_rejects_bad_counts(name, args, message):
    with pytest.raises(ValueError, match=message):
        serving.room_has_space(*args)


def test_check_room_raises_503_with_the_plain_message():
    serving.check_room(2, 0, 3)  # room left: no error
    with pytest.raises(RoomFullError) as caught:
        serving.check_room(3, 0, 3)
    error = caught.value
    assert error.status_code == 503
    assert error.reason == ROOM_FULL_MESSAGE
    assert error.log_message % error.args == ROOM_FULL_MESSAGE
    assert ROOM_FULL_MESSAGE.startswith("The classroom server is full")
    assert "try again in a minute" in ROOM_FULL_MESSAGE
    assert ROOM_FULL_MESSAGE.isascii()


def test_room_full_error_survives_a_percent_sign():
    error = RoomFullError("Full at 100% - come back soon.")
    assert error.reason == "Full at 100% - come back soon."
    assert error.log_message % error.args == "Full at 100% - come back soon."


# --- the manager, with a fake kernel starter ------------------------------------------------


class FakeStarts:
    """Stand-in for jupyter_server's start/shutdown: lists a kernel before it is ready."""

    def __init__(self, ready_after_s: float = 0.02) -> None:
        self.kernels: list[str] = []
        self.ready_after_s = ready_after_s
        self.shut_down: list[str] = []

    async def start_kernel(self, manager, *, kernel_id=None, path=None, **kwargs):
        assert kernel_id is not None  # the capped manager names each kernel up front
        if kernel_id not in self.kernels:
            self.kernels.append(kernel_id)  # listed at once, as jupyter_server does
            await asyncio.sleep(self.ready_after_s)  # ... then waits until it is ready
        return kernel_id

    async def shutdown_kernel(self, manager, kernel_id, now=False, restart=False):
        self.kernels.remove(kernel_id)
        self.shut_down.append(kernel_id)

    async def shutdown_all(self, manager, now=False):
        for kernel_id in list(self.kernels):
            await manager.shutdown_kernel(kernel_id, now=now)


@pytest.fixture
def fake(monkeypatch):
    starts = FakeStarts()
    monkeypatch.setattr(
        AsyncMappingKernelManager,
        "start_kernel",
        lambda self, **kw: starts.start_kernel(self, **kw),
    )
    monkeypatch.setattr(
        AsyncMappingKernelManager,
        "shutdown_kernel",
        lambda self, kernel_id, now=False, restart=False: starts.shutdown_kernel(
            self, kernel_id, now, restart
        ),
    )
    monkeypatch.setattr(
        AsyncMappingKernelManager,
        "shutdown_all",
        lambda self, now=False: starts.shutdown_all(self, now),
    )
    monkeypatch.setattr(AsyncMappingKernelManager, "list_kernel_ids", lambda self: starts.kernels)
    return starts


def manager(max_kernels: int) -> CappedKernelManager:
    return CappedKernelManager(max_kernels=max_kernels)


def test_manager_traits_are_validated():
    assert CappedKernelManager().max_kernels == 0
    with pytest.raises(ValueError, match=r"max_kernels must not be negative .* got -1"):
        CappedKernelManager(max_kernels=-1)
    with pytest.raises(ValueError, match=r"room_full_message must be one non-empty line"):
        CappedKernelManager(room_full_message="Plein \u2013 revenez")
    with pytest.raises(ValueError, match=r"room_full_message must be one non-empty line"):
        CappedKernelManager(room_full_message="two\nlines")


def test_burst_of_starts_never_exceeds_the_cap(fake):
    km = manager(3)

    async def burst():
        return await asyncio.gather(*(km.start_kernel() for _ in range(7)), return_exceptions=True)

    results = asyncio.run(burst())
    started = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, RoomFullError)]
    assert len(started) == 3
    assert len(refused) == 4
    assert all(r.reason == ROOM_FULL_MESSAGE for r in refused)
    assert len(fake.kernels) == 3
    assert km.kernel_count == 3  # each kernel counted once, even while it was starting


def test_room_frees_after_a_shutdown(fake):
    km = manager(2)

    async def scenario():
        first = await km.start_kernel()
        await km.start_kernel()
        with pytest.raises(RoomFullError):
            await km.start_kernel()
        await km.shutdown_kernel(first)
        return await km.start_kernel()

    third = asyncio.run(scenario())
    assert third in fake.kernels
    assert len(fake.kernels) == 2


def test_existing_kernel_is_never_refused(fake):
    km = manager(1)

    async def scenario():
        kernel_id = await km.start_kernel()
        return kernel_id, await km.start_kernel(kernel_id=kernel_id)

    kernel_id, again = asyncio.run(scenario())
    assert again == kernel_id
    assert fake.kernels == [kernel_id]


def test_no_cap_means_no_refusal(fake):
    km = manager(0)

    async def scenario():
        return await asyncio.gather(*(km.start_kernel() for _ in range(12)))

    assert len(asyncio.run(scenario())) == 12


def test_full_room_drops_a_pool_refill_quietly(fake):
    km = manager(1)
    km._pools = {"02_reservoir_simulator.ipynb": []}
    pool = km._pools["02_reservoir_simulator.ipynb"]

    async def scenario():
        await km.start_kernel()  # a student's page fills the room
        refill = asyncio.get_running_loop().create_task(km.start_kernel())
        pool.append(refill)  # Voilà appends the refill task to its pool
        await asyncio.wait([refill])
        return refill

    refill = asyncio.run(scenario())
    assert refill.cancelled()  # no exception left for asyncio to report
    assert pool == []  # the next visitor is not handed a failed pool task
    assert len(fake.kernels) == 1


def test_shutdown_tops_up_the_pools_but_not_when_closing(fake):
    km = manager(5)
    calls = []
    km._pools = {"a.ipynb": [], "b.ipynb": []}
    km.fill_if_needed = lambda notebook_name=None, **kw: calls.append(notebook_name)

    async def scenario():
        one = await km.start_kernel()
        await km.start_kernel()
        await km.shutdown_kernel(one)
        assert sorted(calls) == ["a.ipynb", "b.ipynb"]
        await km.shutdown_kernel(fake.kernels[0], restart=True)  # a restart: no top-up
        assert len(calls) == 2
        await km.start_kernel()
        await km.shutdown_all()

    asyncio.run(scenario())
    assert len(calls) == 2
    assert fake.kernels == []


def test_culler_skips_a_kernel_that_is_still_starting(fake, monkeypatch):
    km = manager(0)
    culled = []

    async def cull(self, kernel_id):
        culled.append(kernel_id)

    monkeypatch.setattr(AsyncMappingKernelManager, "cull_kernel_if_idle", cull)
    fake.ready_after_s = 0.2

    async def scenario():
        start = asyncio.get_running_loop().create_task(km.start_kernel())
        await asyncio.sleep(0.05)
        starting = fake.kernels[0]
        await km.cull_kernel_if_idle(starting)  # listed but not ready: left alone
        kernel_id = await start
        await km.cull_kernel_if_idle(kernel_id)  # ready: handed to the real culler
        return kernel_id

    kernel_id = asyncio.run(scenario())
    assert culled == [kernel_id]


def test_import_itb_edu_does_not_load_the_server_code():
    code = (
        "import sys, json, itb_edu; "
        "print(json.dumps(['itb_edu.serving' in sys.modules, 'jupyter_server' in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [False, False]


# --- the room configuration -----------------------------------------------------------------


def test_room_config_is_safe_and_uses_the_cap():
    config = json.loads((ROOT / "etc" / "voila.json").read_text())
    assert config["Voila"]["ip"] == "127.0.0.1"
    assert "token" not in config["Voila"]  # the token comes from --token, never from a file
    assert config["VoilaConfiguration"]["multi_kernel_manager_class"] == (
        "itb_edu.serving.CappedKernelManager"
    )
    assert config["VoilaConfiguration"]["show_tracebacks"] is False
    assert config["CappedKernelManager"]["max_kernels"] > 0
    culling = config["MappingKernelManager"]
    assert culling["cull_idle_timeout"] > 0
    assert 0 < culling["cull_interval"] <= culling["cull_idle_timeout"]
    pools = config["VoilaKernelManager"]["kernel_pools_config"]
    assert pools["default"]["pool_size"] == 0  # only the simulator is pre-heated
    simulator_pool = pools["02_reservoir_simulator.ipynb"]["pool_size"]
    assert 0 < simulator_pool < config["CappedKernelManager"]["max_kernels"]


# --- live Voilà on loopback -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url: str) -> tuple[int, str]:
    try:
        with OPENER.open(url, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def tiny_notebook(path: Path) -> None:
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "tiny",
                "metadata": {},
                "outputs": [],
                "source": ["print('ready')"],
            }
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook))


@pytest.mark.slow
def test_voila_with_the_room_config_refuses_the_second_page_in_plain_words(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    tiny_notebook(folder / "tiny.ipynb")
    port = free_port()
    token = os.urandom(16).hex()
    pidfile = tmp_path / "voila.pid"
    log = tmp_path / "voila.log"
    command = (
        f"echo $$ > {pidfile}; exec {VOILA} {folder} --no-browser --token={token} "
        f"--port={port} --Voila.ip=127.0.0.1 --Voila.port_retries=0 "
        f"--Voila.config_file_paths={ROOT / 'etc'} --CappedKernelManager.max_kernels=1"
    )
    with log.open("w") as handle:
        proc = subprocess.Popen(
            ["sh", "-c", command], cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, f"Voilà exited early:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"Voilà did not answer:\n{log.read_text()}"
            try:
                if fetch(f"{base}/?token={token}")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        assert int(pidfile.read_text()) == proc.pid  # we hold Voilà's own PID

        render = f"{base}/voila/render/tiny.ipynb"
        no_token_status, _ = fetch(render)
        assert no_token_status == 302  # no token: sent to the login page, no kernel started
        first_status, first_page = fetch(f"{render}?token={token}")
        assert first_status == 200
        assert "ready" in first_page
        second_status, second_page = fetch(f"{render}?token={token}")
        assert second_status == 503
        assert f"503: {ROOM_FULL_MESSAGE}" in second_page
        assert "Traceback" not in second_page
        output = log.read_text()
        assert "Room full (1 of 1 kernels)" in output
        assert "0.0.0.0" not in output
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- scripts/load_test.py: the pure parts ---------------------------------------------------


@pytest.fixture(scope="module")
def load_test():
    spec = importlib.util.spec_from_file_location("load_test", ROOT / "scripts" / "load_test.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["load_test"] = module
    spec.loader.exec_module(module)
    return module


def test_load_test_config_moves_the_pool_to_the_notebook_under_test(load_test):
    args = load_test.parse_args(["--notebook", "notebooks/00_start_here.ipynb"])
    config, pool_size = load_test.room_config(Path("notebooks/00_start_here.ipynb"), args)
    room = json.loads((ROOT / "etc" / "voila.json").read_text())
    room_pool = room["VoilaKernelManager"]["kernel_pools_config"]["02_reservoir_simulator.ipynb"]
    assert pool_size == room_pool["pool_size"]
    assert config["VoilaKernelManager"]["kernel_pools_config"] == {
        "default": {"pool_size": 0},
        "00_start_here.ipynb": {"pool_size": pool_size},
    }
    assert config["MappingKernelManager"]["cull_idle_timeout"] == 20
    assert config["MappingKernelManager"]["cull_interval"] == 5
    assert (
        config["CappedKernelManager"]["max_kernels"] == room["CappedKernelManager"]["max_kernels"]
    )
    assert config["Voila"]["ip"] == "127.0.0.1"


def test_load_test_overrides_cap_and_pool(load_test):
    args = load_test.parse_args(["--max-kernels", "3", "--pool-size", "0", "--cull-timeout", "7"])
    config, pool_size = load_test.room_config(Path("02_reservoir_simulator.ipynb"), args)
    assert pool_size == 0
    assert config["VoilaConfiguration"]["preheat_kernel"] is False
    assert config["CappedKernelManager"]["max_kernels"] == 3
    assert config["MappingKernelManager"]["cull_idle_timeout"] == 7


@pytest.mark.parametrize(
    "argv",
    [
        ["--sessions", "0"],
        ["--timeout", "-1"],
        ["--cull-timeout", "0"],
        ["--max-kernels", "-2"],
        ["--ramp", "400"],
    ],
)
def test_load_test_refuses_bad_arguments(load_test, argv, capsys):
    with pytest.raises(SystemExit) as stop:
        load_test.parse_args(argv)
    assert stop.value.code == 2
    assert "must" in capsys.readouterr().err


def test_load_test_table_is_markdown(load_test):
    assert load_test.table(["a", "bb"], [["1", "2"], ["333", "4"]]) == (
        "| a   | bb |\n|-----|----|\n| 1   | 2  |\n| 333 | 4  |"
    )
    assert load_test.fmt(None) == "–"
    assert load_test.fmt(1.234, 2) == "1.23"
