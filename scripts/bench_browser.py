"""Browser speed benchmarks (part of ``make bench``): real chromium against real servers.

- Voilà: page open to interactive simulator (plot drawn and headline shown), with the room
  configuration of ``make app`` (etc/voila.json: preheated simulator kernels).
- JupyterLab: page open to interactive simulator (notebook opened, all cells run, plot drawn).
- Control change to redrawn plot in the browser (Voilà): from the key press that commits a new
  dose to the plot's data changing on the page.
- Refill-visit practice (Voilà, notebook 04): from the click on *Check* to the engine's feedback
  drawn on the page, and from choosing a port in the list to the pump picture redrawn with
  that port emphasised.

Each is a median over several runs. Servers listen on 127.0.0.1 with a token and are ended by
their PIDs.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from itb_edu.figures.anatomy import HIGHLIGHT_COLOR  # noqa: E402
from tests.browser.test_lab_notebooks import run_all_and_wait  # noqa: E402
from tests.browser.test_voila_app import PLOT_END, control  # noqa: E402
from tests.support import browser, servers  # noqa: E402

NOTEBOOK = "02_reservoir_simulator.ipynb"
VISIT_NOTEBOOK = "04_refill_visit.ipynb"
DRAWN = f"() => ({PLOT_END})() !== null && !!document.querySelector('.itb-simulator-headline')"


def voila_open_times(pw, executable: str, runs: int) -> tuple[list[float], list[float]]:
    """Return (page open to interactive [s], control change to redrawn plot [ms])."""
    with tempfile.TemporaryDirectory() as tmp:
        server = servers.start_voila(Path(tmp))
        try:
            chromium = browser.launch(pw, executable)
            opens, changes = [], []
            # Let the preheated pool fill before measuring, as it would before a lesson.
            time.sleep(15)
            for _ in range(runs):
                page = chromium.new_page(viewport={"width": 1400, "height": 1000})
                start = time.perf_counter()
                page.goto(server.url(f"voila/render/{NOTEBOOK}"), timeout=180_000)
                page.wait_for_function(DRAWN, timeout=180_000)
                opens.append(time.perf_counter() - start)
                box = control(page, "Daily dose (mcg/day)").locator("input")
                for dose in (200, 250, 300, 350, 400, 450, 500, 550):
                    before = page.evaluate(PLOT_END)
                    box.fill(str(dose))
                    start = time.perf_counter()
                    box.press("Enter")
                    page.wait_for_function(
                        f"(b) => ({PLOT_END})() !== b", arg=before, timeout=30_000, polling="raf"
                    )
                    changes.append((time.perf_counter() - start) * 1000)
                page.close()
                time.sleep(3)  # let the pool refill, as between two learners
            chromium.close()
        finally:
            server.stop()
    return opens, changes


FEEDBACK_SHOWS = """(words) => {
    const box = document.querySelector('.itb-visit .itb-visit-feedback');
    return !!box && box.innerText.includes(words);
}"""
#: Note the moment of the learner's next click or change inside the practice (page clock).
MARK_NEXT_INPUT = """() => {
    window.__itbInputAt = null;
    const app = document.querySelector('.itb-visit');
    const mark = () => {
        if (window.__itbInputAt === null) { window.__itbInputAt = performance.now(); }
    };
    app.addEventListener('click', mark, {capture: true, once: true});
    app.addEventListener('change', mark, {capture: true, once: true});
}"""
#: Milliseconds from that input to now (called once the page shows the result).
SINCE_INPUT = "() => performance.now() - window.__itbInputAt"
#: Outline colour of a part of the pump picture, as drawn.
PART_OUTLINE = """(part) => {
    const gd = document.querySelector('.itb-visit .js-plotly-plot');
    if (!gd || !gd.data) { return null; }
    const trace = gd.data.find(t => t.meta === part);
    return trace && trace.line ? trace.line.color : null;
}"""


def visit_change_times(pw, executable: str, runs: int) -> tuple[list[float], list[float]]:
    """Return (Check to feedback drawn [ms], port chosen to picture redrawn [ms]) in Voilà."""
    visit = ".itb-visit"
    with tempfile.TemporaryDirectory() as tmp:
        server = servers.start_voila(Path(tmp))
        try:
            chromium = browser.launch(pw, executable)
            feedbacks, pictures = [], []
            for _ in range(runs):
                page = chromium.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(server.url(f"voila/render/{VISIT_NOTEBOOK}"), timeout=180_000)
                page.locator(f"{visit} .itb-visit-choices input[type=radio]").first.wait_for(
                    timeout=180_000
                )
                check = page.locator(visit).get_by_role("button", name="Check")
                # Step 1: two wrong answers in turn, each checked: the feedback names the answer.
                for words in ("Greet the patient by name", "Check the room or bay number") * 4:
                    page.locator(f"{visit} .itb-visit-choices label", has_text=words).click()
                    page.evaluate(MARK_NEXT_INPUT)
                    check.click()
                    page.wait_for_function(FEEDBACK_SHOWS, arg=words, polling="raf")
                    feedbacks.append(page.evaluate(SINCE_INPUT))
                # On to the port step (the engine's right answers), then choose ports in the list.
                for words in ("full name and date of birth", "all agree", "Interrogate the pump"):
                    page.locator(f"{visit} .itb-visit-choices label", has_text=words).click()
                    check.click()
                    page.wait_for_function(FEEDBACK_SHOWS, arg="Right.", polling="raf")
                    page.locator(visit).get_by_role("button", name="Next step").click()
                page.wait_for_function(
                    f"() => ({PART_OUTLINE})('refill_port') !== null", timeout=60_000
                )
                ports = (
                    ("The smaller port near the edge", "catheter_access_port"),
                    ("in the middle of the pump", "refill_port"),
                ) * 4
                for words, part in ports:
                    page.evaluate(MARK_NEXT_INPUT)
                    page.locator(f"{visit} .itb-visit-choices label", has_text=words).click()
                    page.wait_for_function(
                        f"() => ({PART_OUTLINE})('{part}') === '{HIGHLIGHT_COLOR}'",
                        polling="raf",
                        timeout=30_000,
                    )
                    pictures.append(page.evaluate(SINCE_INPUT))
                page.close()
            chromium.close()
        finally:
            server.stop()
    return feedbacks, pictures


def room_latency_times(pw, executable: str, answers: int) -> list[float]:
    """Return answer-to-projector times [ms] in the app view: a learner's click on *Send my
    answer* on one page until the projector page (another kernel) shows the new count.

    The vote is revealed first, so every change of answer changes the counts on the projector;
    the learner switches between two answers.
    """
    words = ".itb-room-educator .itb-room-words"
    with tempfile.TemporaryDirectory() as tmp:
        # The bench's rooms have a store of their own, never the user's.
        os.environ["ITB_EDU_ROOM_URL"] = f"sqlite:///{tmp}/rooms.sqlite"
        server = servers.start_voila(Path(tmp))
        try:
            chromium = browser.launch(pw, executable)
            projector = chromium.new_page(viewport={"width": 1280, "height": 900})
            projector.goto(server.url("voila/render/07_live_room.ipynb"), timeout=180_000)
            projector.get_by_role("button", name="Open a room on this question").click(
                timeout=180_000
            )
            link = projector.locator(".itb-room-join a").get_attribute("href", timeout=60_000)
            projector.get_by_role("button", name="Reveal the result").click()
            learner = chromium.new_page(viewport={"width": 800, "height": 900})
            learner.goto(link, timeout=180_000)
            learner.get_by_text("You are in room").wait_for(timeout=180_000)
            times = []
            for n in range(answers):
                letter, shown = ("A", "A 1,") if n % 2 == 0 else ("B", "B (right) 1,")
                learner.get_by_role("radio", name=re.compile(f"^{letter}\\. ")).check()
                start = time.perf_counter()
                learner.get_by_role("button", name="Send my answer").click()
                projector.wait_for_function(
                    "([sel, text]) => (document.querySelector(sel)?.innerText || '')"
                    ".includes(text)",
                    arg=[words, shown],
                    polling="raf",
                    timeout=30_000,
                )
                times.append((time.perf_counter() - start) * 1000)
            chromium.close()
        finally:
            server.stop()
    return times


def lab_open_times(pw, executable: str, runs: int) -> list[float]:
    """Return page open to interactive simulator in JupyterLab [s]."""
    import json

    n_cells = sum(
        c["cell_type"] == "code"
        for c in json.loads((ROOT / "notebooks" / NOTEBOOK).read_text())["cells"]
    )
    with tempfile.TemporaryDirectory() as tmp:
        server = servers.start_lab(Path(tmp))
        try:
            chromium = browser.launch(pw, executable)
            times = []
            for _ in range(runs):
                page = chromium.new_page(viewport={"width": 1400, "height": 1000})
                start = time.perf_counter()
                page.goto(server.url(f"lab/tree/notebooks/{NOTEBOOK}", reset=""))
                run_all_and_wait(page, n_cells)
                page.wait_for_function(DRAWN, timeout=120_000)
                times.append(time.perf_counter() - start)
                page.evaluate(
                    "async () => { await window.jupyterapp.commands.execute("
                    "'kernelmenu:shutdown', {activate: false}); }"
                )
                page.close()
            chromium.close()
        finally:
            server.stop()
    return times


def bench_browser(runs: int = 5):
    """Rows for scripts/bench.py (imported there)."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "scripts"))
    from bench import Row

    executable = browser.chromium_path()
    if executable is None:
        return [
            Row("browser benchmarks", float("nan"), "", "chromium", False, browser.INSTALL_HINT)
        ]
    with sync_playwright() as pw:
        opens, changes = voila_open_times(pw, executable, runs)
        feedbacks, pictures = visit_change_times(pw, executable, max(2, runs // 2))
        lab = lab_open_times(pw, executable, runs)
        room = room_latency_times(pw, executable, 10)
    voila_open = statistics.median(opens)
    change = statistics.median(changes)
    lab_open = statistics.median(lab)
    return [
        Row(
            "Voilà: open to interactive simulator",
            voila_open,
            "s",
            "< 4 s",
            voila_open < 4,
            f"median of {len(opens)}: " + ", ".join(f"{t:.1f}" for t in opens),
        ),
        Row(
            "Voilà: control change to redrawn plot",
            change,
            "ms",
            "< 100 ms",
            change < 100,
            f"median of {len(changes)}; max {max(changes):.0f} ms",
        ),
        Row(
            "visit app: control change to redrawn feedback (Check to feedback)",
            statistics.median(feedbacks),
            "ms",
            "< 100 ms",
            statistics.median(feedbacks) < 100,
            f"median of {len(feedbacks)}; max {max(feedbacks):.0f} ms",
        ),
        Row(
            "visit app: port chosen to pump picture redrawn",
            statistics.median(pictures),
            "ms",
            "< 100 ms",
            statistics.median(pictures) < 100,
            f"median of {len(pictures)}; max {max(pictures):.0f} ms",
        ),
        Row(
            "live room: learner's Send to projector page updated",
            statistics.median(room),
            "ms",
            "< 1000 ms",
            statistics.median(room) < 1000,
            f"median of {len(room)}; max {max(room):.0f} ms; two pages, two kernels, SQLite",
        ),
        Row(
            "JupyterLab: open, run all, simulator drawn",
            lab_open,
            "s",
            "info",
            True,
            f"median of {len(lab)}: " + ", ".join(f"{t:.1f}" for t in lab),
        ),
    ]
