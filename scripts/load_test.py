"""Classroom burst load test: N learners open a Voilà app page within a few seconds.

The script starts its own Voilà server on 127.0.0.1 (the room configuration, a fresh token, a
short idle timeout), waits until the pre-heated kernel pool has filled and the machine is
quiet, as it would be before a lesson, and then plays N learners arriving evenly spread over
``--spread`` seconds. For each learner it measures the *time to interactive*: from the moment
the learner's request is sent until

1. the whole page has arrived (``GET /voila/render/<notebook>``; Voilà executes the notebook
   in a pre-heated or fresh kernel before it sends the last byte), and
2. the kernel's websocket is connected: ``kernel_info_request`` answered, as the page's
   kernel connection does first, and
3. the widgets' state has arrived: as the ipywidgets 8 front-end does, a
   ``jupyter.widget.control`` comm is opened and ``{"method": "request_states"}`` sent; the
   kernel answers with ``update_states`` and every widget's state (a notebook without widgets
   closes the comm instead, which also ends the wait). The browser gives up on that answer
   after 4 s and falls back to asking widget by widget, so slower answers are flagged.

The steps run one after the other, as in the browser, and the websocket speaks the v1 kernel
protocol as the page does. The websockets stay open until every learner is done, then close.
No browser runs: the page's own script and drawing (about 2.5 s on a learner's laptop, see
``make bench``) come on top. While it runs, a sampler adds up the resident memory (RSS) of the
server and all its kernel processes every 0.25 s. Afterwards it waits for the idle culler and
checks, kernel by kernel, that the learners' kernels are gone. It prints per-learner and
summary tables (Markdown), with the median, 95th percentile (nearest rank) and maximum time to
interactive and the peak memory, stops the server it started (by PID, and any kernel process
of that server left behind, found by the server's own connection-file folder) and exits
non-zero on any error other than an intended "room full" refusal (HTTP 503 with the plain
message, when ``--max-kernels`` is below the number of learners), or when the 95th percentile
exceeds ``--p95-target``.

The configuration is Voilà's: ``--config DIR`` may be given several times, the first folder
wins, as with ``--Voila.config_file_paths``. Without it the room configuration ``etc/`` is
used; ``make loadtest`` passes ``--config etc/classroom --config etc``, the room sized for a
class (see docs/classroom.md). The largest pre-heated pool of that configuration is moved to
the notebook under test unless the configuration names that notebook itself.

All traffic goes to 127.0.0.1.

    .venv/bin/python scripts/load_test.py --config etc/classroom --config etc   # make loadtest
    .venv/bin/python scripts/load_test.py --sessions 5 --max-kernels 3
    .venv/bin/python scripts/load_test.py --notebook notebooks/08_join_room.ipynb
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psutil
from jupyter_server.services.kernels.connection.base import (
    deserialize_msg_from_ws_v1,
    serialize_msg_to_ws_v1,
)
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from itb_edu.serving import ROOM_FULL_MESSAGE  # noqa: E402

HOST = "127.0.0.1"
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')
CELL_ERROR = "There was an error when executing cell"
MIB = 1024 * 1024
#: ipywidgets 8: the front-end asks for every widget's state on this comm target.
CONTROL_TARGET = "jupyter.widget.control"
CONTROL_VERSION = "1.0.0"
#: The ipywidgets 8 front-end waits this long for ``update_states`` before it falls back.
FRONTEND_STATE_TIMEOUT_S = 4.0
MAX_MESSAGE_BYTES = 256 * MIB
#: The kernel websocket protocol JupyterLab's front-end (and so a Voilà page) asks for. Voilà
#: 0.5.13's websocket handler reads every binary frame as this protocol: a client of the
#: older default protocol receiving a message with binary buffers (the widgets' state has
#: some) sends the server into a loop that eats memory, so the test must speak v1.
WS_PROTOCOL = "v1.kernel.websocket.jupyter.org"


@dataclass
class Session:
    """One learner: when they arrived and how long each step took (seconds)."""

    number: int
    arrive_s: float | None = None  # after the first learner's arrival
    status: int | None = None
    page_s: float | None = None  # request sent -> whole page arrived
    kernel_id: str | None = None
    preheated: bool | None = None  # the kernel was running before the burst began
    connected_s: float | None = None  # request sent -> kernel_info_reply
    states_s: float | None = None  # request_states -> update_states
    widgets: int | None = None
    tti_s: float | None = None  # time to interactive: request sent -> widget states in
    outcome: str = "not run"
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def refused(self) -> bool:
        return self.outcome == "refused (room full)"


@dataclass
class Sampler:
    """Sample RSS of a process tree until stopped."""

    pid: int
    period_s: float = 0.25
    peak_rss_bytes: int = 0
    peak_kernels: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def tree(self) -> tuple[int, list[psutil.Process]]:
        try:
            root = psutil.Process(self.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0, []
        total = 0
        kernels = []
        for proc in procs:
            try:
                total += proc.memory_info().rss
                if "ipykernel_launcher" in " ".join(proc.cmdline()):
                    kernels.append(proc)
            except psutil.Error:
                continue
        return total, kernels

    def sample(self) -> int:
        total, kernels = self.tree()
        self.peak_rss_bytes = max(self.peak_rss_bytes, total)
        self.peak_kernels = max(self.peak_kernels, len(kernels))
        return len(kernels)

    def run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.period_s)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()


# --- pure helpers ---------------------------------------------------------------------------


def nearest_rank(values: Sequence[float], percent: float) -> float | None:
    """Return the ``percent`` percentile of ``values`` by the nearest-rank method.

    The value of rank ``ceil(percent / 100 * n)`` in ascending order: no interpolation, so
    the result is always one of the measured values, and at least ``percent`` % of the values
    are at or below it. For 30 learners the 95th percentile is the 29th fastest: one learner
    may be slower. ``math.inf`` (a learner who never became interactive) sorts last.

    Parameters
    ----------
    values : sequence of float
        The measurements, in any order.
    percent : float
        Percentile, greater than 0 and at most 100.

    Returns
    -------
    float or None
        The percentile, or ``None`` if there are no values.

    Raises
    ------
    ValueError
        If ``percent`` is not in (0, 100].

    Examples
    --------
    >>> nearest_rank([15, 20, 35, 40, 50], 30)
    20
    >>> nearest_rank(range(1, 31), 95)
    29
    """
    if not 0 < percent <= 100:
        raise ValueError(f"percent must be in (0, 100], got {percent!r}")
    ordered = sorted(values)
    if not ordered:
        return None
    rank = math.ceil(percent / 100 * len(ordered))
    return ordered[max(rank, 1) - 1]


def arrival_offsets(sessions: int, spread_s: float) -> list[float]:
    """Arrival times [s] of ``sessions`` learners spread evenly over ``spread_s`` seconds.

    The first arrives at 0 and the last at ``spread_s``.

    >>> arrival_offsets(4, 3.0)
    [0.0, 1.0, 2.0, 3.0]
    >>> arrival_offsets(1, 3.0)
    [0.0]
    """
    if sessions <= 1:
        return [0.0] * sessions
    step = spread_s / (sessions - 1)
    return [round(i * step, 6) for i in range(sessions)]


def merge_config(base: dict, over: dict) -> dict:
    """Merge two Voilà (traitlets) JSON configurations; ``over`` wins.

    Sections (keys starting with a capital letter, such as ``VoilaKernelManager``) merge key
    by key, as traitlets merges configuration files; a setting's value (a dict such as
    ``kernel_pools_config`` included) is replaced whole.

    >>> merge_config({"A": {"x": 1, "d": {"p": 1}}}, {"A": {"d": {"q": 2}}, "B": {"y": 2}})
    {'A': {'x': 1, 'd': {'q': 2}}, 'B': {'y': 2}}
    """
    merged = copy.deepcopy(base)
    for key, value in over.items():
        if key[:1].isupper() and isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_config(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def load_config(config_dirs: Sequence[Path]) -> dict:
    """Merge ``voila.json`` of each folder; the first folder wins, as in Voilà."""
    config: dict = {}
    for folder in reversed(config_dirs):
        path = Path(folder) / "voila.json"
        if path.is_file():
            config = merge_config(config, json.loads(path.read_text()))
    return config


def encode_frame(channel: str, message: dict) -> bytes:
    """Encode a message for the kernel websocket, v1 protocol (as JupyterLab's front-end)."""
    parts = [
        json.dumps(message[key]).encode("utf-8")
        for key in ("header", "parent_header", "metadata", "content")
    ]
    return serialize_msg_to_ws_v1(parts, channel)


def decode_frame(raw: bytes) -> dict:
    """Decode one kernel websocket frame of the v1 protocol into a message dict.

    The frame holds the channel, then the message's parts as the kernel sent them (header,
    parent header, metadata, content, buffers).
    """
    channel, parts = deserialize_msg_from_ws_v1(raw)
    header, parent, metadata, content = (json.loads(part) for part in parts[:4])
    return {
        "channel": channel,
        "header": header,
        "msg_type": header.get("msg_type"),
        "parent_header": parent,
        "metadata": metadata,
        "content": content,
        "buffers": parts[4:],
    }


# --- server ---------------------------------------------------------------------------------


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def widget_views(notebook: Path) -> int:
    """Count the app (widget view) outputs of the notebook's stored run: the page must hold
    as many."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return sum(
        WIDGET_VIEW in output.get("data", {})
        for cell in cells
        if cell["cell_type"] == "code"
        for output in cell["outputs"]
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def config_dirs(args: argparse.Namespace) -> list[Path]:
    return [(ROOT / d).resolve() for d in (args.config or ["etc"])]


def room_config(notebook: Path, args: argparse.Namespace) -> tuple[dict, int]:
    """Room configuration (``--config`` folders, default etc/) with the load-test overrides.

    The pre-heated pool goes to the notebook under test: its own pool size if the
    configuration names it, otherwise the largest pool configured (the room's page).
    """
    config = load_config(config_dirs(args))
    manager = config.setdefault("VoilaKernelManager", {})
    pools = manager.setdefault("kernel_pools_config", {})
    if notebook.name in pools:
        room_pool = pools[notebook.name].get("pool_size", 0)
    else:
        room_pool = max((p.get("pool_size", 0) for p in pools.values()), default=0)
    pool_size = room_pool if args.pool_size is None else args.pool_size
    pools.clear()
    pools["default"] = {"pool_size": 0}
    pools[notebook.name] = {"pool_size": pool_size}
    if getattr(args, "fill_delay", None) is not None:
        manager["fill_delay"] = args.fill_delay
    voila_configuration = config.setdefault("VoilaConfiguration", {})
    if pool_size == 0:
        voila_configuration["preheat_kernel"] = False
    culling = config.setdefault("MappingKernelManager", {})
    culling["cull_idle_timeout"] = args.cull_timeout
    culling["cull_interval"] = args.cull_interval
    if args.max_kernels is not None:
        config.setdefault("CappedKernelManager", {})["max_kernels"] = args.max_kernels
    if config.get("Voila", {}).get("ip", HOST) != HOST:
        raise SystemExit("the room configuration must keep Voila.ip at 127.0.0.1")
    config.setdefault("Voila", {})["ip"] = HOST
    return config, pool_size


def start_server(
    notebook: Path,
    config_paths: list[Path],
    port: int,
    token: str,
    log_path: Path,
    connection_root: Path,
    env: dict[str, str] | None = None,
):
    """Start Voilà; ``config_paths`` in Voilà's order (first wins); ``env`` added to ours."""
    command = [
        str(Path(sys.executable).with_name("voila")),
        str(notebook.parent),
        "--no-browser",
        f"--token={token}",
        f"--port={port}",
        f"--Voila.ip={HOST}",
        "--Voila.port_retries=0",
        *(f"--Voila.config_file_paths={p}" for p in config_paths),
        # The kernels' connection files, and so their command lines, name this folder: the
        # way to find this server's kernels, and only them, when cleaning up.
        f"--Voila.connection_dir_root={connection_root}",
    ]
    with log_path.open("w") as log:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, **(env or {})},
        )


def own_kernels(connection_root: Path) -> list[psutil.Process]:
    """Kernel processes whose connection file lies in this run's folder (ours only)."""
    marker = str(connection_root) + os.sep
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        try:
            cmdline = proc.info["cmdline"] or []
        except psutil.Error:
            continue
        if "ipykernel_launcher" in " ".join(cmdline) and any(marker in a for a in cmdline):
            found.append(proc)
    return found


def stop_server(proc: subprocess.Popen, sampler: Sampler, connection_root: Path) -> list[int]:
    """Stop the server we started (by PID) and any kernel it left behind; return leftovers.

    A leftover is a kernel process whose connection file lies in this run's folder: never
    another server's kernel, even one that took over the PID of a kernel of ours.
    """
    sampler.sample()
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    leftovers = []
    for kernel in own_kernels(connection_root):
        try:
            kernel.kill()
        except psutil.Error:
            continue
        leftovers.append(kernel.pid)
    return sorted(leftovers)


def _cpu_s(proc: psutil.Process) -> float:
    try:
        times = proc.cpu_times()
    except psutil.Error:
        return 0.0
    return times.user + times.system


def _rss(proc: psutil.Process) -> int:
    try:
        return proc.memory_info().rss
    except psutil.Error:
        return 0


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


async def wait_ready(base: str, token: str, proc, log_path: Path, pool_name, pool_size, deadline):
    client = AsyncHTTPClient()
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"Voilà exited early:\n{log_path.read_text()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Voilà did not answer in time:\n{log_path.read_text()}")
        try:
            response = await client.fetch(f"{base}/?token={token}", request_timeout=5)
            if response.code == 200:
                break
        except (OSError, HTTPClientError):
            pass
        await asyncio.sleep(0.5)
    if pool_size:
        filled = f"Kernel pool of {pool_name} is filled"
        while filled not in log_path.read_text():
            if proc.poll() is not None:
                raise RuntimeError(f"Voilà exited early:\n{log_path.read_text()}")
            if time.monotonic() > deadline:
                raise RuntimeError("the pre-heated kernel pool did not fill in time")
            await asyncio.sleep(0.5)
    # "filled" means started; the pooled kernels still execute the notebook: wait until the
    # server and its kernels are quiet (under 10 % of one core for two seconds in a row).
    tree = psutil.Process(proc.pid)
    quiet = 0
    while time.monotonic() < deadline and quiet < 2:
        procs = [tree, *tree.children(recursive=True)]
        before = sum(_cpu_s(p) for p in procs)
        await asyncio.sleep(1)
        quiet = quiet + 1 if sum(_cpu_s(p) for p in procs) - before < 0.1 else 0


KERNEL_FILE = re.compile(r"kernel-([0-9a-f-]{36})\.json")


def kernel_ids(kernels: Sequence[psutil.Process]) -> set[str]:
    """Kernel ids of kernel processes, read from their connection file names."""
    ids = set()
    for kernel in kernels:
        try:
            found = KERNEL_FILE.search(" ".join(kernel.cmdline()))
        except psutil.Error:
            continue
        if found:
            ids.add(found.group(1))
    return ids


# --- one learner ----------------------------------------------------------------------------


class Channel:
    """The page's kernel connection: send a request, wait for the message that answers it."""

    def __init__(self, conn: WebSocketClientConnection, session_id: str) -> None:
        self.conn = conn
        self.session_id = session_id

    async def send(self, msg_type: str, content: dict, metadata: dict | None = None) -> str:
        msg_id = uuid.uuid4().hex
        message = {
            "header": {
                "msg_id": msg_id,
                "msg_type": msg_type,
                "session": self.session_id,
                "username": "load-test",
                "date": datetime.now(UTC).isoformat(),
                "version": "5.3",
            },
            "parent_header": {},
            "metadata": metadata or {},
            "content": content,
        }
        await self.conn.write_message(encode_frame("shell", message), binary=True)
        return msg_id

    async def wait_for(self, matches, timeout_s: float) -> dict:
        """Return the first message for which ``matches`` is true."""
        end = time.monotonic() + timeout_s
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from the kernel in time")
            raw = await asyncio.wait_for(self.conn.read_message(), left)
            if raw is None:
                raise RuntimeError("the kernel websocket closed")
            if isinstance(raw, str):
                raise RuntimeError(f"the server did not speak {WS_PROTOCOL}")
            message = decode_frame(raw)
            if matches(message):
                return message


async def connect_and_fetch_states(
    session: Session, ws_url: str, start: float, deadline: float, ready_text: str | None = None
):
    """Connect the kernel websocket and fetch the widgets' state, as the page does.

    With ``ready_text`` (a live room: "You are in room K7MQ3P"), the learner is interactive
    only once the widgets' state says it: the state is asked again every 0.1 s until then.
    """
    left = max(1.0, deadline - time.monotonic())
    conn = await asyncio.wait_for(
        websocket_connect(ws_url, max_message_size=MAX_MESSAGE_BYTES, subprotocols=[WS_PROTOCOL]),
        left,
    )
    try:
        channel = Channel(conn, uuid.uuid4().hex)
        info_id = await channel.send("kernel_info_request", {})
        await channel.wait_for(
            lambda m: (
                m.get("msg_type") == "kernel_info_reply"
                and m.get("parent_header", {}).get("msg_id") == info_id
            ),
            max(1.0, deadline - time.monotonic()),
        )
        session.connected_s = time.monotonic() - start
        comm_id = uuid.uuid4().hex
        asked = time.monotonic()
        await channel.send(
            "comm_open",
            {"comm_id": comm_id, "target_name": CONTROL_TARGET, "data": {}},
            {"version": CONTROL_VERSION},
        )
        await channel.send("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}})

        def answer(message: dict) -> bool:
            content = message.get("content", {})
            if content.get("comm_id") != comm_id:
                return False
            if message.get("msg_type") == "comm_close":
                return True  # no widgets in this kernel: nothing to wait for
            return (
                message.get("msg_type") == "comm_msg"
                and content.get("data", {}).get("method") == "update_states"
            )

        reply = await channel.wait_for(answer, max(1.0, deadline - time.monotonic()))
        session.states_s = time.monotonic() - asked
        session.widgets = len(reply.get("content", {}).get("data", {}).get("states", {}))
        while ready_text and ready_text not in json.dumps(reply.get("content", {})):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the page never showed {ready_text!r}")
            await asyncio.sleep(0.1)
            await channel.send(
                "comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}}
            )
            reply = await channel.wait_for(answer, max(1.0, deadline - time.monotonic()))
        if reply.get("msg_type") == "comm_msg":
            await channel.send("comm_close", {"comm_id": comm_id, "data": {}})
        session.tti_s = time.monotonic() - start
        return conn
    except BaseException:
        conn.close()
        raise


async def run_session(
    session: Session,
    base: str,
    token: str,
    render_path: str,
    websocket: bool,
    deadline: float,
    t0: float,
    offset_s: float,
    before: set[str],
    query: str = "",
    ready_text: str | None = None,
    expected_views: int = 0,
):
    """Play one learner; return the open kernel websocket (or None)."""
    await asyncio.sleep(max(0.0, t0 + offset_s - time.monotonic()))
    client = AsyncHTTPClient()
    start = time.monotonic()
    session.arrive_s = start - t0
    try:
        timeout = max(1.0, deadline - time.monotonic())
        request = HTTPRequest(
            f"{base}{render_path}?{query}token={token}",
            request_timeout=timeout,
            connect_timeout=timeout,
        )
        response = await client.fetch(request, raise_error=False)
        session.page_s = time.monotonic() - start
        session.status = response.code
        body = (response.body or b"").decode("utf-8", "replace")
        if response.code == 503 and ROOM_FULL_MESSAGE in body and "Traceback" not in body:
            session.outcome = "refused (room full)"
            return None
        if response.code != 200:
            session.outcome = "error"
            session.detail = f"HTTP {response.code} {response.reason}"
            return None
        if CELL_ERROR in body or "Traceback" in body:
            session.outcome = "error"
            session.detail = "a notebook cell failed"
            return None
        if body.count(WIDGET_VIEW) < expected_views:
            # Voilà pre-executes a pooled kernel's notebook; an output that comes later than
            # its IOPub timeout is dropped from the page, and the learner sees no app.
            session.outcome = "error"
            session.detail = (
                f"{body.count(WIDGET_VIEW)} of {expected_views} app outputs on the page"
            )
            return None
        found = KERNEL_ID.search(body)
        if not found:
            session.outcome = "error"
            session.detail = "no kernel id in the page"
            return None
        session.kernel_id = found.group(1)
        session.preheated = session.kernel_id in before
        conn = None
        if websocket:
            ws_base = base.replace("http://", "ws://")
            ws_url = (
                f"{ws_base}/api/kernels/{session.kernel_id}/channels"
                f"?session_id={uuid.uuid4().hex}&token={token}"
            )
            conn = await connect_and_fetch_states(session, ws_url, start, deadline, ready_text)
        else:
            session.tti_s = session.page_s
        session.outcome = "ok"
        return conn
    except Exception as exc:  # a load test reports every failure instead of stopping
        session.outcome = "error"
        session.detail = f"{type(exc).__name__}: {exc}"[:120]
        if session.page_s is None:
            session.page_s = time.monotonic() - start
        return None


async def kernel_alive(base: str, token: str, kernel_id: str) -> bool:
    client = AsyncHTTPClient()
    response = await client.fetch(
        f"{base}/api/kernels/{kernel_id}?token={token}", raise_error=False, request_timeout=10
    )
    if response.code not in (200, 404):
        raise RuntimeError(f"kernel status answered HTTP {response.code}")
    return response.code == 200


# --- report ---------------------------------------------------------------------------------


def fmt(value: float | None, digits: int = 1) -> str:
    if value is not None and math.isinf(value):
        return "never"
    return "–" if value is None else f"{value:.{digits}f}"


def ordinal(n: int) -> str:
    """English ordinal: 1st, 2nd, 3rd, 4th, 11th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    return "\n".join([line, rule, *body])


def interactive_times(sessions: Sequence[Session]) -> list[float]:
    """Time to interactive of every learner let in; one who never got there counts as inf.

    Learners refused by the cap (HTTP 503, intended) are left out: they were told to come
    back, which the cap test checks separately.
    """
    return [
        s.tti_s if s.ok and s.tti_s is not None else math.inf for s in sessions if not s.refused
    ]


def session_rows(sessions: Sequence[Session]) -> list[list[str]]:
    rows = []
    for s in sessions:
        kernel = "–"
        if s.kernel_id:
            kernel = s.kernel_id[:8] + (" (pool)" if s.preheated else " (new)")
        slow = s.states_s is not None and s.states_s > FRONTEND_STATE_TIMEOUT_S
        rows.append(
            [
                str(s.number),
                fmt(s.arrive_s, 2),
                str(s.status or "–"),
                kernel,
                fmt(s.page_s, 2),
                fmt(s.connected_s, 2),
                fmt(s.states_s, 2) + (" (>4 s)" if slow else ""),
                "–" if s.widgets is None else str(s.widgets),
                fmt(s.tti_s if s.ok else None, 2),
                s.outcome + (f": {s.detail}" if s.detail else ""),
            ]
        )
    return rows


async def main_async(args: argparse.Namespace) -> int:
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    notebook = Path(args.notebook).resolve()
    if not notebook.is_file():
        raise SystemExit(f"notebook not found: {args.notebook}")
    AsyncHTTPClient.configure(None, max_clients=args.sessions + 8, max_body_size=MAX_MESSAGE_BYTES)
    token = secrets.token_hex(16)
    port = args.port or free_port()
    base = f"http://{HOST}:{port}"
    config, pool_size = room_config(notebook, args)
    max_kernels = config.get("CappedKernelManager", {}).get("max_kernels", 0)
    fill_delay = config.get("VoilaKernelManager", {}).get("fill_delay", 1)
    layers = config_dirs(args)
    tmp = Path(tempfile.mkdtemp(prefix="itb-loadtest-"))
    (tmp / "voila.json").write_text(json.dumps(config, indent=2))
    log_path = tmp / "voila.log"
    query, ready_text, room_env = "", None, {}
    if args.room:
        # A live room in a store of the run's own: every learner opens the join link.
        from itb_edu.room import ROOM_URL_ENV, Room

        room_env = {ROOM_URL_ENV: f"sqlite:///{tmp}/rooms.sqlite"}
        room = Room.open(room_env[ROOM_URL_ENV], args.room)
        query, ready_text = f"code={room.code}&", f"You are in room <b>{room.code}</b>"
    # The merged configuration first (it wins); the folders after it for their voila.py
    # (etc/voila.py publishes plotly's widget bundle).
    proc = start_server(notebook, [tmp, *layers], port, token, log_path, tmp, room_env)
    sampler = Sampler(proc.pid)
    sampler.start()
    sessions = [Session(i + 1) for i in range(args.sessions)]
    after: dict = {}
    conns: list = []
    try:
        await wait_ready(
            base, token, proc, log_path, notebook.name, pool_size, started + args.warmup_timeout
        )
        after["warmup_s"] = time.monotonic() - started
        baseline_bytes, kernels = sampler.tree()
        after["pool_cpu_s"] = [_cpu_s(k) for k in kernels]
        after["pool_rss_mib"] = [r / MIB for r in (_rss(k) for k in kernels) if r]
        before = kernel_ids(kernels)
        deadline = time.monotonic() + args.timeout
        render_path = f"/voila/render/{notebook.name}"
        expected_views = widget_views(notebook)
        offsets = arrival_offsets(args.sessions, args.spread)
        t0 = time.monotonic() + 0.5
        conns = await asyncio.gather(
            *(
                run_session(
                    s,
                    base,
                    token,
                    render_path,
                    not args.no_websocket,
                    deadline,
                    t0,
                    o,
                    before,
                    query,
                    ready_text,
                    expected_views,
                )
                for s, o in zip(sessions, offsets, strict=True)
            )
        )
        after["wall_s"] = time.monotonic() - t0
        after["kernels_after"] = sampler.sample()
        after["peak_burst_mib"] = sampler.peak_rss_bytes / MIB
        for conn in conns:
            if conn is not None:
                conn.close()
        conns = []
        session_kernels = [s.kernel_id for s in sessions if s.kernel_id]
        cull_start = time.monotonic()
        # jupyter_server culls one kernel after another, each shutdown taking a second or
        # two on a busy machine: allow for that on top of the timeout and the culler period.
        cull_allowance_s = args.cull_timeout + 3 * args.cull_interval + 15
        cull_allowance_s += 2 * len(session_kernels)
        cull_bound = min(deadline, cull_start + cull_allowance_s)
        alive = list(session_kernels)
        while alive and time.monotonic() < cull_bound:
            await asyncio.sleep(1)
            alive = [k for k in alive if await kernel_alive(base, token, k)]
        after["culled"] = len(session_kernels) - len(alive)
        after["session_kernels"] = len(session_kernels)
        after["cull_wait_s"] = time.monotonic() - cull_start
        after["kernels_left"] = sampler.sample()
        after["baseline_mib"] = baseline_bytes / MIB
    except BaseException:
        print(f"server log kept at {log_path}", file=sys.stderr)
        raise
    finally:
        for conn in conns or []:
            if conn is not None:
                conn.close()
        sampler.stop()
        leftovers = stop_server(proc, sampler, tmp)

    spread = f"arriving evenly over {args.spread:g} s" if args.spread else "all at once"
    print(
        f"\nLoad test: {args.sessions} learners open {notebook.name}, {spread}; "
        f"configuration {' + '.join(_shown(p) for p in layers)}; "
        f"{os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"load average before the run {load_before:.1f}\n"
    )
    print(
        "Times in seconds from the learner's request: page = whole page arrived, "
        "connected = kernel websocket answered kernel_info, interactive = widget states "
        "arrived (states = request_states round trip; the browser gives up after 4 s).\n"
    )
    print(
        table(
            [
                "learner",
                "arrives",
                "HTTP",
                "kernel",
                "page",
                "connected",
                "states",
                "widgets",
                "interactive",
                "result",
            ],
            session_rows(sessions),
        )
    )
    times = interactive_times(sessions)
    p95 = nearest_rank(times, 95)
    median = statistics.median(times) if times else None
    errors = [s for s in sessions if s.outcome not in ("ok", "refused (room full)")]
    refused = [s for s in sessions if s.refused]
    not_culled = after.get("session_kernels", 0) - after.get("culled", 0)
    pages = [s.page_s for s in sessions if s.ok and s.page_s is not None]
    states = [s.states_s for s in sessions if s.ok and s.states_s is not None]
    pool_cpu = after.get("pool_cpu_s") or []
    pool_rss = after.get("pool_rss_mib") or []
    rank = math.ceil(0.95 * len(times)) if times else 0
    what = "page only (--no-websocket)" if args.no_websocket else "page + websocket + widgets"
    summary = [
        ["learners", f"{args.sessions} ({spread})"],
        [f"interactive ({what})", str(sum(s.ok for s in sessions))],
        ["refused: room full (HTTP 503, plain message)", str(len(refused))],
        ["errors", str(len(errors))],
        [
            "max_kernels / pre-heated pool / fill_delay",
            f"{max_kernels or 'no cap'} / {pool_size} / {fill_delay:g} s",
        ],
        [
            "learners given a kernel pre-heated before the burst",
            str(sum(bool(s.preheated) for s in sessions)),
        ],
        [
            "time to interactive median / p95 / max [s]",
            " / ".join(fmt(v, 2) for v in (median, p95, max(times) if times else None)),
        ],
        [
            "p95 method",
            f"nearest rank: the {ordinal(rank)} of {len(times)} sorted (never interactive = last)"
            if times
            else "–",
        ],
        [
            "page arrived median / max [s]",
            " / ".join(
                fmt(v, 2)
                for v in (
                    statistics.median(pages) if pages else None,
                    max(pages) if pages else None,
                )
            ),
        ],
        [
            "widget states round trip median / max [s]",
            " / ".join(
                fmt(v, 2)
                for v in (
                    statistics.median(states) if states else None,
                    max(states) if states else None,
                )
            ),
        ],
        ["all learners done after [s] (from the first arrival)", fmt(after.get("wall_s"))],
        ["server start and pool warm-up [s]", fmt(after.get("warmup_s"))],
        [
            "per pre-heated kernel: CPU to start and run the notebook [s], RSS [MiB] (median)",
            f"{fmt(statistics.median(pool_cpu) if pool_cpu else None)}, "
            f"{fmt(statistics.median(pool_rss) if pool_rss else None, 0)}",
        ],
        ["memory before the burst [MiB]", fmt(after.get("baseline_mib"), 0)],
        [
            "peak memory during the burst, server + kernels [MiB]",
            fmt(after.get("peak_burst_mib"), 0),
        ],
        ["peak memory, whole run [MiB]", fmt(sampler.peak_rss_bytes / MIB, 0)],
        ["peak kernels", str(sampler.peak_kernels)],
        ["kernels right after the burst", str(after.get("kernels_after", "–"))],
        [
            f"learner kernels culled (idle timeout {args.cull_timeout} s)",
            f"{after.get('culled', 0)} of {after.get('session_kernels', 0)}"
            f" after {fmt(after.get('cull_wait_s'))} s",
        ],
        ["kernels left (pre-heated pool, refilled)", str(after.get("kernels_left", "–"))],
        ["leftover kernel processes killed at stop", str(len(leftovers))],
    ]
    print()
    print(table(["measure", "value"], summary))
    too_slow = p95 is not None and p95 > args.p95_target
    verdict = "NOT MET" if too_slow else ("met" if p95 is not None else "not measured")
    print(
        f"\np95 time to interactive {fmt(p95, 2)} s, target {args.p95_target:g} s: {verdict}"
        + (" (exit status 1)" if too_slow else "")
    )
    for s in errors:
        print(f"error for learner {s.number}: {s.detail}", file=sys.stderr)
    if not_culled:
        print(f"error: {not_culled} learner kernel(s) were not culled in time", file=sys.stderr)
    if leftovers:
        print(f"error: {len(leftovers)} kernel process(es) survived the server", file=sys.stderr)
    if too_slow:
        print(
            f"error: p95 time to interactive {fmt(p95, 2)} s exceeds {args.p95_target:g} s",
            file=sys.stderr,
        )
    failed = bool(errors or not_culled or leftovers or too_slow)
    if failed:
        print(f"server log kept at {log_path}", file=sys.stderr)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30, help="learners in the burst (30)")
    parser.add_argument(
        "--notebook",
        default="notebooks/02_reservoir_simulator.ipynb",
        help="notebook to open; the pre-heated pool applies to it (default: the simulator)",
    )
    parser.add_argument(
        "--room",
        metavar="QUESTION_ID",
        help="a live room: open one on this question and have every learner open the join "
        "page's link with its code (use with --notebook notebooks/08_join_room.ipynb); a "
        "learner is interactive once the page says they are in the room",
    )
    parser.add_argument(
        "--config",
        action="append",
        metavar="DIR",
        help="Voilà configuration folder; repeat to layer, the first wins (default: etc)",
    )
    parser.add_argument(
        "--spread",
        "--ramp",
        dest="spread",
        type=float,
        default=3.0,
        help="arrivals spread evenly over this many seconds (3; 0: all at once)",
    )
    parser.add_argument(
        "--p95-target",
        type=float,
        default=10.0,
        help="exit non-zero if the 95th percentile time to interactive exceeds this [s] (10)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=300,
        help="hard bound on the burst and the culling check [s] (300)",
    )
    parser.add_argument(
        "--warmup-timeout",
        type=float,
        default=600,
        help="bound on server start and pool warm-up [s] (600)",
    )
    parser.add_argument(
        "--cull-timeout", type=int, default=20, help="idle time before a kernel is culled [s]"
    )
    parser.add_argument("--cull-interval", type=int, default=5, help="culler period [s] (5)")
    parser.add_argument(
        "--max-kernels", type=int, default=None, help="override the room cap (configuration)"
    )
    parser.add_argument(
        "--pool-size", type=int, default=None, help="pre-heated kernels (configuration)"
    )
    parser.add_argument(
        "--fill-delay", type=float, default=None, help="pool refill delay [s] (configuration)"
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (a free one)")
    parser.add_argument(
        "--no-websocket",
        action="store_true",
        help="only GET the page (time to interactive is then the page time)",
    )
    args = parser.parse_args(argv)
    for name in ("sessions", "timeout", "warmup_timeout", "cull_timeout", "cull_interval"):
        if getattr(args, name) <= 0:
            parser.error(f"--{name.replace('_', '-')} must be greater than zero")
    for name in ("max_kernels", "pool_size", "fill_delay"):
        value = getattr(args, name)
        if value is not None and value < 0:
            parser.error(f"--{name.replace('_', '-')} must not be negative")
    if args.spread < 0 or args.spread >= args.timeout:
        parser.error("--spread (--ramp) must be between 0 and --timeout")
    if args.p95_target <= 0:
        parser.error("--p95-target must be greater than zero")
    for folder in args.config or []:
        if not (ROOT / folder).is_dir():
            parser.error(f"--config {folder} must be a folder")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    bound = args.warmup_timeout + args.timeout + 60
    return asyncio.run(asyncio.wait_for(main_async(args), bound))


if __name__ == "__main__":
    sys.exit(main())
