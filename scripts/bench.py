"""Speed benchmarks for the course (``make bench``): prints one table.

To add a benchmark, write a function that returns a list of :class:`Row` and append it to
``BENCHMARKS``. Each row names what was measured, the measured value, its unit, the target and
whether the target is met. Timings are medians of repeated runs on the machine at hand; they are
not unit tests (the test suite never times anything).

Exit status: 0 when every target is met, 1 otherwise.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path


@dataclass
class Row:
    name: str
    value: float
    unit: str
    target: str
    ok: bool
    note: str = ""


def _median_ms(func: Callable[[], object], repeat: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        func()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


# --------------------------------------------------------------------------------------------
# Reservoir simulator (issue 3)
# --------------------------------------------------------------------------------------------
FLEX_SCHEDULE = [
    ("00:00", 350),
    ("06:00", 500),
    ("09:30", 420),
    ("12:00", 400),
    ("15:00", 380),
    ("18:00", 450),
    ("21:30", 300),
]


def bench_plan_refill() -> list[Row]:
    from itb_edu.reservoir import plan_refill

    refill = datetime(2026, 1, 5, 9, 30)
    boluses = [(refill + timedelta(days=3 * i, hours=2), 40) for i in range(30)]

    def run() -> object:
        return plan_refill(
            fill_volume_ml=40,
            concentration_mcg_per_ml=2000,
            schedule=FLEX_SCHEDULE,
            boluses=boluses,
            refill_at=refill,
            reservoir_ml=40,
        )

    ms = _median_ms(run, repeat=200)
    table_ms = _median_ms(lambda: run().volume_table(), repeat=50)
    return [
        Row("plan_refill: 7-step flex schedule, 30 boluses", ms, "ms", "< 5 ms", ms < 5),
        Row(
            "plan_refill + volume_table (same plan)",
            table_ms,
            "ms",
            "(info)",
            True,
            f"{len(run().volume_table())} rows",
        ),
    ]


def bench_simulator_callback() -> list[Row]:
    import plotly.graph_objects as go

    from itb_edu.apps.reservoir import simulator_app
    from itb_edu.figures.reservoir import reservoir_figure
    from itb_edu.presentation import headline_html
    from itb_edu.reservoir import plan_refill

    app = simulator_app()
    app.controls["preset"].value = "Day/night flex"
    dose = app.controls["fill_volume"]
    values = iter(range(10**6))

    def app_change() -> None:
        # One control change through the app's own observer: figure and headline updated.
        dose.value = 18 + (next(values) % 200) / 100

    app_ms = _median_ms(app_change, repeat=200)

    kwargs, _ = app.read_inputs()
    assert kwargs is not None
    naive_values = iter(range(10**6))

    def naive_change() -> None:
        # The naive approach: rebuild a figure and a new widget to display on every change.
        plan = plan_refill(**{**kwargs, "fill_volume_ml": 18 + (next(naive_values) % 200) / 100})
        widget = go.FigureWidget(reservoir_figure(plan))
        headline_html(plan)
        widget.to_dict()

    naive_ms = _median_ms(naive_change, repeat=30)
    return [
        Row(
            "simulator: control change -> figure + headline (app callback)",
            app_ms,
            "ms",
            "< 5 ms",
            app_ms < 5,
        ),
        Row(
            "simulator: naive rebuild + redisplay of a figure per change",
            naive_ms,
            "ms",
            "(baseline)",
            True,
            f"app is {naive_ms / app_ms:.0f}x faster",
        ),
    ]


def bench_compare_callback() -> list[Row]:
    from itb_edu.apps.reservoir import compare_app

    app = compare_app()
    control = app.controls["daily_dose"]
    values = iter(range(10**6))

    def change() -> None:
        control.value = 300 + next(values) % 200

    ms = _median_ms(change, repeat=100)
    return [Row("compare: control change -> two panels + table", ms, "ms", "(info)", True)]


def bench_visit_callback() -> list[Row]:
    from itb_edu.apps.visit import visit_app
    from itb_edu.visit import right_action

    app = visit_app()
    answers = iter(["name-only", "room"] * 10**6)

    def check() -> None:
        # A wrong answer checked: the engine's feedback, in words, with its sources.
        app.choices.value = next(answers)
        app.check_button.click()

    check_ms = _median_ms(check, repeat=200)
    while app.state.step_id != "find-port":
        app.choices.value = right_action(app.state).choice_id
        app.check_button.click()
        app.next_button.click()
    ports = iter(["catheter-access-port", "central-port"] * 10**6)

    def choose_port() -> None:
        # A port chosen in the list: the pump picture re-styled in place, one batch update.
        app.choices.value = next(ports)

    port_ms = _median_ms(choose_port, repeat=200)
    return [
        Row(
            "visit app: control change to redrawn feedback (app callback)",
            check_ms,
            "ms",
            "< 20 ms",
            check_ms < 20,
        ),
        Row(
            "visit app: port chosen -> picture re-styled (app callback)",
            port_ms,
            "ms",
            "< 20 ms",
            port_ms < 20,
        ),
    ]


def bench_import() -> list[Row]:
    code = (
        "import sys, time\n"
        "t = time.perf_counter()\n"
        "import itb_edu\n"
        "dt = time.perf_counter() - t\n"
        "heavy = sorted(m for m in ('plotly', 'ipywidgets', 'pandera', 'pandas') "
        "if m in sys.modules)\n"
        "print(dt, ','.join(heavy))\n"
    )
    times, heavy = [], ""
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
        times.append(float(out[0]))
        heavy = out[1] if len(out) > 1 else ""
    seconds = statistics.median(times)
    return [
        Row("import itb_edu (fresh interpreter)", seconds, "s", "< 0.3 s", seconds < 0.3),
        Row(
            "import itb_edu loads plotly/ipywidgets/pandera/pandas",
            float(bool(heavy)),
            "",
            "none",
            "plotly" not in heavy and "ipywidgets" not in heavy,
            heavy or "none loaded",
        ),
    ]


def _room_learners(url: str, code: str, count: int, gap_s: float, queue) -> None:
    """A separate process: ``count`` learners answer one after another; put each start time."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from itb_edu.room import join, room_question

    choices = room_question("em-04").choices
    for n in range(count):
        time.sleep(gap_s)
        seat = join(url, code, f"bench-{n}")
        queue.put(time.time())
        seat.answer(choices[n % len(choices)])


def bench_room_latency() -> list[Row]:
    """Answer-to-projector latency: a learner's answer in another process, until the
    educator's app has redrawn its projector figure with the new count (kernel side: the
    figure update is sent to the browser; the browser test shows the page following)."""
    import asyncio
    import multiprocessing
    import tempfile

    from itb_edu.apps.room import EducatorRoomApp

    count = 20
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/rooms.sqlite"
        app = EducatorRoomApp(url, "em-04", environ={})
        app.open_room()
        drawn: list[tuple[float, int]] = []
        draw = app.draw

        def timed_draw(question, state, tallies):
            draw(question, state, tallies)
            drawn.append((time.time(), tallies[-1].total))

        app.draw = timed_draw  # type: ignore[method-assign]
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        learners = context.Process(
            target=_room_learners, args=(url, app.room.code, count, 0.4, queue)
        )

        async def run() -> None:
            app.poller.start()
            learners.start()
            while learners.is_alive() or (drawn and drawn[-1][1] < count):
                await asyncio.sleep(0.05)
                if drawn and drawn[-1][1] >= count:
                    break
            app.poller.stop()

        asyncio.run(run())
        learners.join()
        starts = [queue.get() for _ in range(count)]
    latencies = []
    for n, start in enumerate(starts, 1):
        shown = next(t for t, total in drawn if total >= n)
        latencies.append(shown - start)
    median = statistics.median(latencies)
    worst = max(latencies)
    return [
        Row(
            "live room: answer to projector redraw (median of 20)",
            median * 1000,
            "ms",
            "< 1000",
            median < 1.0,
            f"max {worst * 1000:.0f} ms; poll every {app.poller.period_s} s, SQLite store",
        )
    ]


def _room_answer(args: tuple[str, str, int, float, str]) -> tuple[int, float]:
    """One learner in a process of its own: wait for the start, join, answer (twice, as a
    double click); return its number and how long its answer took [s]."""
    url, code, number, start_at, choice = args
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from itb_edu.room import join

    while time.time() < start_at:
        time.sleep(0.001)
    began = time.perf_counter()
    seat = join(url, code, f"learner-{number:02d}")
    seat.answer(choice)
    seat.answer(choice)
    return number, time.perf_counter() - began


def _room_burst(url: str, learners: int = 30) -> Row:
    import multiprocessing

    import sqlalchemy as sa

    from itb_edu.room import Room

    room = Room.open(url, "em-04")
    start_at = time.time() + 3.0  # every process started and waiting; then all in 2 s at most
    jobs = [(url, room.code, n, start_at + (n % 10) * 0.2, room.choices[n % 3]) for n in range(30)]
    with multiprocessing.get_context("spawn").Pool(min(learners, 8)) as pool:
        results = pool.map(_room_answer, jobs[:learners])
    with sa.create_engine(url).connect() as connection:
        rows, distinct = connection.execute(
            sa.text(
                "SELECT count(*), count(DISTINCT learner_id) FROM itb_room_answers "
                "WHERE room_id = (SELECT id FROM itb_rooms WHERE code = :code)"
            ),
            {"code": room.code},
        ).one()
    kept = room.tally().total
    times = sorted(t for _, t in results)
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    backend = url.split(":", 1)[0].split("+", 1)[0]
    return Row(
        f"live room: {learners} learners answering within 2 s ({backend})",
        float(kept),
        "kept",
        f"= {learners}",
        kept == learners and rows == learners and distinct == learners,
        f"lost {learners - kept}, doubled {rows - distinct}; answer time p95 "
        f"{p95 * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms",
    )


def bench_room_concurrency() -> list[Row]:
    """30 learners in separate processes answering within two seconds: SQLite and PostgreSQL."""
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.support import postgres

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        rows.append(_room_burst(f"sqlite:///{folder}/rooms.sqlite"))
    bindir = postgres.bindir()
    if bindir is None:
        rows.append(Row("live room on PostgreSQL", float("nan"), "", "", False, "no server"))
        return rows
    server = postgres.start(bindir)
    try:
        rows.append(_room_burst(server.create_database()))
    finally:
        server.stop()
    return rows


def bench_browser() -> list[Row]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_browser import bench_browser as run

    return run()


BENCHMARKS: list[Callable[[], list[Row]]] = [
    bench_import,
    bench_plan_refill,
    bench_simulator_callback,
    bench_compare_callback,
    bench_visit_callback,
    bench_room_concurrency,
    bench_room_latency,
    bench_browser,
]


def main() -> int:
    rows: list[Row] = []
    for bench in BENCHMARKS:
        rows.extend(bench())
    width = max(len(r.name) for r in rows)
    header = f"{'benchmark':<{width}}  {'measured':>12}  {'target':>10}  {'ok':>4}  note"
    print(header)
    print("-" * len(header))
    for r in rows:
        value = f"{r.value:.3f} {r.unit}".strip()
        ok = "yes" if r.ok else "NO"
        print(f"{r.name:<{width}}  {value:>12}  {r.target:>10}  {ok:>4}  {r.note}")
    failed = [r for r in rows if not r.ok]
    print()
    print("all targets met" if not failed else f"{len(failed)} target(s) missed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
