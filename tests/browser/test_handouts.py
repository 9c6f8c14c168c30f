"""``make handouts``: static HTML with every figure drawn, opened offline in chromium."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.browser import SCREENSHOTS

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "02_reservoir_simulator.ipynb"


def test_handout_draws_figures_offline(tmp_path, page):
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "make_handouts.py"),
            str(NOTEBOOK),
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    handout = tmp_path / "02_reservoir_simulator.html"
    text = handout.read_text()
    assert "nb.setup()" not in text, "the setup cell is left out"
    assert "Interactive control: open this notebook" in text
    assert "For education only" in text

    page.route(
        "**/*",
        lambda route: (
            route.abort() if not route.request.url.startswith("file://") else route.continue_()
        ),
    )
    page.goto(handout.as_uri())
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].length >= 2 && "
        "[...document.querySelectorAll('.js-plotly-plot')].every(p => "
        "p.querySelector('.main-svg') && p.querySelectorAll('.trace').length > 0)",
        timeout=30_000,
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "handout-02_reservoir_simulator.png"))
