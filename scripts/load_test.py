"""Bounded classroom load test: N students open the simulator app in Voilà at once.

The script starts its own Voilà server on 127.0.0.1 (room configuration from
``etc/voila.json``, a fresh token, a short idle timeout), then runs N concurrent sessions.
A session is what a student's browser does first:

1. GET the render URL. Voilà executes the notebook in a pre-heated or fresh kernel before it
   answers; the time until the whole page has arrived is the *time to render*.
2. Open the kernel's websocket as the page does (the page carries the kernel id), send a
   ``kernel_info_request``, wait for the reply (the kernel now counts as connected), close.

While it runs, a sampler reads the resident memory (RSS) of the server and all its kernel
processes every 0.25 s. Afterwards it waits for the idle culler and checks, kernel by kernel,
that the session kernels are gone. It prints per-session and summary tables (Markdown), stops
the server it started (by PID) and exits non-zero on any error other than an intended
"room full" refusal (HTTP 503 with the plain message, when ``--max-kernels`` is below the
number of sessions).

All traffic goes to 127.0.0.1. The whole run stops by itself after ``--timeout`` seconds.

    .venv/bin/python scripts/load_test.py                      # 30 sessions, the simulator
    .venv/bin/python scripts/load_test.py --sessions 5 --max-kernels 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
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
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from itb_edu.serving import ROOM_FULL_MESSAGE  # noqa: E402

HOST = "127.0.0.1"
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')
CELL_ERROR = "There was an error when executing cell"
MIB = 1024 * 1024


@dataclass
class Session:
    number: int
    status: int | None = None
    render_s: float | None = None
    kernel_id: str | None = None
    websocket_s: float | None = None
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
    kernel_pids: set[int] = field(default_factory=set)
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
        self.kernel_pids.update(k.pid for k in kernels)
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def room_config(notebook: Path, args: argparse.Namespace) -> tuple[dict, int]:
    """Room configuration from etc/voila.json with the load-test overrides."""
    config = json.loads((ROOT / "etc" / "voila.json").read_text())
    pools = config.setdefault("VoilaKernelManager", {}).setdefault("kernel_pools_config", {})
    room_pool = max((p.get("pool_size", 0) for p in pools.values()), default=0)
    pool_size = room_pool if args.pool_size is None else args.pool_size
    pools.clear()
    pools["default"] = {"pool_size": 0}
    pools[notebook.name] = {"pool_size": pool_size}
    if pool_size == 0:
        config["VoilaConfiguration"]["preheat_kernel"] = False
    culling = config.setdefault("MappingKernelManager", {})
    culling["cull_idle_timeout"] = args.cull_timeout
    culling["cull_interval"] = args.cull_interval
    if args.max_kernels is not None:
        config.setdefault("CappedKernelManager", {})["max_kernels"] = args.max_kernels
    if config.get("Voila", {}).get("ip", HOST) != HOST:
        raise SystemExit("etc/voila.json must keep Voila.ip at 127.0.0.1")
    config.setdefault("Voila", {})["ip"] = HOST
    return config, pool_size


def start_server(notebook: Path, config_dir: Path, port: int, token: str, log_path: Path):
    command = [
        str(Path(sys.executable).with_name("voila")),
        str(notebook.parent),
        "--no-browser",
        f"--token={token}",
        f"--port={port}",
        f"--Voila.ip={HOST}",
        "--Voila.port_retries=0",
        f"--Voila.config_file_paths={config_dir}",
    ]
    with log_path.open("w") as log:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_server(proc: subprocess.Popen, sampler: Sampler) -> list[int]:
    """Stop the server we started (by PID) and any kernel it left behind; return leftovers."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    leftovers = []
    for pid in sorted(sampler.kernel_pids):
        try:
            kernel = psutil.Process(pid)
            if "ipykernel_launcher" in " ".join(kernel.cmdline()):
                leftovers.append(pid)
                kernel.kill()
        except psutil.Error:
            continue
    return leftovers


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
            if time.monotonic() > deadline:
                raise RuntimeError("the pre-heated kernel pool did not fill in time")
            await asyncio.sleep(0.5)
        # "filled" means started; the pooled kernels still execute the notebook: wait until
        # the server and its kernels are quiet (under 10 % of one core for a second).
        tree = psutil.Process(proc.pid)
        while time.monotonic() < deadline:
            procs = [tree, *tree.children(recursive=True)]
            before = sum(_cpu_s(p) for p in procs)
            await asyncio.sleep(1)
            if sum(_cpu_s(p) for p in procs) - before < 0.1:
                break


def _cpu_s(proc: psutil.Process) -> float:
    try:
        times = proc.cpu_times()
    except psutil.Error:
        return 0.0
    return times.user + times.system


async def kernel_info(ws_url: str, timeout_s: float) -> float:
    start = time.monotonic()
    conn = await asyncio.wait_for(websocket_connect(ws_url), timeout_s)
    try:
        session = uuid.uuid4().hex
        msg_id = uuid.uuid4().hex
        request = {
            "header": {
                "msg_id": msg_id,
                "msg_type": "kernel_info_request",
                "session": session,
                "username": "load-test",
                "date": "",
                "version": "5.3",
            },
            "parent_header": {},
            "metadata": {},
            "content": {},
            "buffers": [],
            "channel": "shell",
        }
        await conn.write_message(json.dumps(request))
        while True:
            raw = await asyncio.wait_for(conn.read_message(), timeout_s)
            if raw is None:
                raise RuntimeError("websocket closed before kernel_info_reply")
            if isinstance(raw, bytes):
                continue
            message = json.loads(raw)
            if (
                message.get("msg_type") == "kernel_info_reply"
                and message.get("parent_header", {}).get("msg_id") == msg_id
            ):
                return time.monotonic() - start
    finally:
        conn.close()


async def run_session(
    session: Session,
    base: str,
    token: str,
    render_path: str,
    websocket: bool,
    deadline: float,
    delay_s: float = 0.0,
):
    await asyncio.sleep(delay_s)
    client = AsyncHTTPClient()
    start = time.monotonic()
    try:
        request = HTTPRequest(
            f"{base}{render_path}?token={token}",
            request_timeout=max(1.0, deadline - time.monotonic()),
        )
        response = await client.fetch(request, raise_error=False)
        session.render_s = time.monotonic() - start
        session.status = response.code
        body = (response.body or b"").decode("utf-8", "replace")
        if response.code == 503 and ROOM_FULL_MESSAGE in body and "Traceback" not in body:
            session.outcome = "refused (room full)"
            return
        if response.code != 200:
            session.outcome = "error"
            session.detail = f"HTTP {response.code} {response.reason}"
            return
        if CELL_ERROR in body or "Traceback" in body:
            session.outcome = "error"
            session.detail = "a notebook cell failed"
            return
        found = KERNEL_ID.search(body)
        if not found:
            session.outcome = "error"
            session.detail = "no kernel id in the page"
            return
        session.kernel_id = found.group(1)
        if websocket:
            ws_base = base.replace("http://", "ws://")
            ws_url = (
                f"{ws_base}/api/kernels/{session.kernel_id}/channels"
                f"?session_id={uuid.uuid4().hex}&token={token}"
            )
            session.websocket_s = await kernel_info(ws_url, max(1.0, deadline - time.monotonic()))
        session.outcome = "ok"
    except Exception as exc:  # a load test reports every failure instead of stopping
        session.outcome = "error"
        session.detail = f"{type(exc).__name__}: {exc}"[:120]
        if session.render_s is None:
            session.render_s = time.monotonic() - start


async def kernel_alive(base: str, token: str, kernel_id: str) -> bool:
    client = AsyncHTTPClient()
    response = await client.fetch(
        f"{base}/api/kernels/{kernel_id}?token={token}", raise_error=False, request_timeout=10
    )
    if response.code not in (200, 404):
        raise RuntimeError(f"kernel status answered HTTP {response.code}")
    return response.code == 200


def fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    return "\n".join([line, rule, *body])


async def main_async(args: argparse.Namespace) -> int:
    started = time.monotonic()
    deadline = started + args.timeout
    load_before = os.getloadavg()[0]
    notebook = Path(args.notebook).resolve()
    if not notebook.is_file():
        raise SystemExit(f"notebook not found: {args.notebook}")
    AsyncHTTPClient.configure(None, max_clients=args.sessions + 8)
    token = secrets.token_hex(16)
    port = args.port or free_port()
    base = f"http://{HOST}:{port}"
    config, pool_size = room_config(notebook, args)
    max_kernels = config.get("CappedKernelManager", {}).get("max_kernels", 0)
    tmp = Path(tempfile.mkdtemp(prefix="itb-loadtest-"))
    (tmp / "voila.json").write_text(json.dumps(config, indent=2))
    shutil.copy(ROOT / "etc" / "voila.py", tmp / "voila.py")  # the settings that need Python
    log_path = tmp / "voila.log"
    proc = start_server(notebook, tmp, port, token, log_path)
    sampler = Sampler(proc.pid)
    sampler.start()
    sessions = [Session(i + 1) for i in range(args.sessions)]
    after = {}
    try:
        await wait_ready(
            base, token, proc, log_path, notebook.name, pool_size, min(deadline, started + 120)
        )
        baseline_bytes, _ = sampler.tree()
        render_path = f"/voila/render/{notebook.name}"
        t0 = time.monotonic()
        step_s = args.ramp / args.sessions
        await asyncio.gather(
            *(
                run_session(
                    s, base, token, render_path, not args.no_websocket, deadline, i * step_s
                )
                for i, s in enumerate(sessions)
            )
        )
        after["wall_s"] = time.monotonic() - t0
        after["kernels_after"] = sampler.sample()
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
    finally:
        sampler.stop()
        leftovers = stop_server(proc, sampler)

    rows = [
        [
            str(s.number),
            str(s.status or "–"),
            fmt(s.render_s, 2),
            fmt(s.websocket_s, 2),
            (s.kernel_id or "–")[:8],
            s.outcome + (f": {s.detail}" if s.detail else ""),
        ]
        for s in sessions
    ]
    print(
        f"\nLoad test: {args.sessions} sessions on {notebook.name}"
        f"{f', arriving over {args.ramp:g} s' if args.ramp else ', all at once'}, "
        f"{os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"load average before the run {load_before:.1f}\n"
    )
    print(
        table(
            ["session", "HTTP", "render [s]", "kernel_info [s]", "kernel", "result"],
            rows,
        )
    )
    renders = sorted(s.render_s for s in sessions if s.ok and s.render_s is not None)
    errors = [s for s in sessions if s.outcome not in ("ok", "refused (room full)")]
    refused = [s for s in sessions if s.refused]
    not_culled = after.get("session_kernels", 0) - after.get("culled", 0)

    def quantile(q: float) -> float | None:
        if not renders:
            return None
        return renders[min(len(renders) - 1, round(q * (len(renders) - 1)))]

    summary = [
        ["sessions", f"{args.sessions} ({f'over {args.ramp:g} s' if args.ramp else 'at once'})"],
        ["rendered (HTTP 200, kernel answered)", str(sum(s.ok for s in sessions))],
        ["refused: room full (HTTP 503, plain message)", str(len(refused))],
        ["errors", str(len(errors))],
        ["max_kernels / pre-heated pool", f"{max_kernels or 'no cap'} / {pool_size}"],
        [
            "time to render min / median / p90 / max [s]",
            " / ".join(
                fmt(v, 2)
                for v in (
                    renders[0] if renders else None,
                    statistics.median(renders) if renders else None,
                    quantile(0.9),
                    renders[-1] if renders else None,
                )
            ),
        ],
        ["all sessions done after [s]", fmt(after.get("wall_s"))],
        ["memory before sessions [MiB]", fmt(after.get("baseline_mib"), 0)],
        ["peak memory, server + kernels [MiB]", fmt(sampler.peak_rss_bytes / MIB, 0)],
        ["peak kernels", str(sampler.peak_kernels)],
        ["kernels right after the sessions", str(after.get("kernels_after", "–"))],
        [
            f"session kernels culled (idle timeout {args.cull_timeout} s)",
            f"{after.get('culled', 0)} of {after.get('session_kernels', 0)}"
            f" after {fmt(after.get('cull_wait_s'))} s",
        ],
        ["kernels left (pre-heated pool)", str(after.get("kernels_left", "–"))],
        ["leftover kernel processes killed at stop", str(len(leftovers))],
    ]
    print()
    print(table(["measure", "value"], summary))
    for s in errors:
        print(f"error in session {s.number}: {s.detail}", file=sys.stderr)
    if not_culled:
        print(f"error: {not_culled} session kernel(s) were not culled in time", file=sys.stderr)
    if leftovers:
        print(f"error: {len(leftovers)} kernel process(es) survived the server", file=sys.stderr)
    failed = bool(errors or not_culled or leftovers)
    if failed:
        print(f"server log kept at {log_path}", file=sys.stderr)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30, help="concurrent sessions (30)")
    parser.add_argument(
        "--notebook",
        default="notebooks/02_reservoir_simulator.ipynb",
        help="notebook to open (default: the simulator)",
    )
    parser.add_argument(
        "--timeout", type=float, default=300, help="hard bound on the whole run [s] (300)"
    )
    parser.add_argument(
        "--cull-timeout", type=int, default=20, help="idle time before a kernel is culled [s]"
    )
    parser.add_argument("--cull-interval", type=int, default=5, help="culler period [s] (5)")
    parser.add_argument(
        "--max-kernels", type=int, default=None, help="override the room cap (etc/voila.json)"
    )
    parser.add_argument(
        "--pool-size", type=int, default=None, help="pre-heated kernels (room default)"
    )
    parser.add_argument(
        "--ramp", type=float, default=0, help="spread the arrivals over this many seconds (0)"
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (a free one)")
    parser.add_argument(
        "--no-websocket", action="store_true", help="only GET the page, skip the websocket"
    )
    args = parser.parse_args(argv)
    for name in ("sessions", "timeout", "cull_timeout", "cull_interval"):
        if getattr(args, name) <= 0:
            parser.error(f"--{name.replace('_', '-')} must be greater than zero")
    for name in ("max_kernels", "pool_size"):
        value = getattr(args, name)
        if value is not None and value < 0:
            parser.error(f"--{name.replace('_', '-')} must not be negative")
    if args.ramp < 0 or args.ramp >= args.timeout:
        parser.error("--ramp must be between 0 and --timeout")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return asyncio.run(asyncio.wait_for(main_async(args), args.timeout + 60))


if __name__ == "__main__":
    sys.exit(main())
