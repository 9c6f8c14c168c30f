"""Every notebook, opened in JupyterLab in a real browser: run all cells, see no error,
every widget rendered and every plot drawn. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.browser import SCREENSHOTS, record_bundle_fetches

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
PLOTLY_MIME = "application/vnd.plotly.v1+json"


def expected_outputs(path: Path) -> tuple[int, int, int]:
    """Count code cells, widget outputs and plotly figure outputs of a stored run."""
    nb = json.loads(path.read_text())
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    widgets = sum(WIDGET_MIME in o.get("data", {}) for c in cells for o in c["outputs"])
    plots = sum(PLOTLY_MIME in o.get("data", {}) for c in cells for o in c["outputs"])
    return len(cells), widgets, plots


NOTEBOOK_STATE = """() => {
    if (!window.jupyterapp) { return null; }
    const panel = window.jupyterapp.shell.currentWidget;
    if (!panel || !panel.content || !panel.sessionContext.session) { return null; }
    const kernel = panel.sessionContext.session.kernel;
    const cells = panel.content.widgets.filter(w => w.model.type === 'code');
    return {
        kernel: kernel ? kernel.status : 'none',
        counts: cells.map(c => c.model.executionCount),
    };
}"""


def run_all_and_wait(page, n_cells: int, timeout_ms: int = 240_000) -> None:
    """Clear every output, run all cells in JupyterLab, and wait until each has run."""
    page.wait_for_function(
        f"() => {{ const s = ({NOTEBOOK_STATE})(); return s && s.kernel === 'idle'; }}",
        timeout=120_000,
    )
    page.evaluate(
        "async () => { await window.jupyterapp.commands.execute("
        "'notebook:clear-all-cell-outputs'); }"
    )
    page.wait_for_function(
        f"() => ({NOTEBOOK_STATE})().counts.every(c => c === null)", timeout=30_000
    )
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    page.wait_for_function(
        f"""(n) => {{
            const s = ({NOTEBOOK_STATE})();
            return s.counts.length === n && s.counts.every(c => c !== null) && s.kernel === 'idle';
        }}""",
        arg=n_cells,
        timeout=timeout_ms,
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_clean_in_jupyterlab(page, lab_server, path):
    n_cells, n_widgets, n_plots = expected_outputs(path)
    bundles = record_bundle_fetches(page)  # served by etc/lab/jupyter_server_config.py
    page.goto(lab_server.url(f"lab/tree/notebooks/{path.name}", reset=""))
    run_all_and_wait(page, n_cells)
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")

    errors = panel.locator('[data-mime-type="application/vnd.jupyter.stderr"]')
    assert errors.count() == 0, errors.first.inner_text()

    assert "Traceback" not in panel.inner_text()

    # Every widget output holds a rendered widget; every plot (static or FigureWidget) is drawn.
    page.wait_for_function(
        """(n) => {
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            const outs = [...panel.querySelectorAll('.jp-OutputArea-output')];
            return outs.filter(o => o.querySelector('.jupyter-widgets')).length >= n;
        }""",
        arg=n_widgets,
        timeout=60_000,
    )
    assert "Error displaying widget" not in panel.inner_text()
    page.wait_for_function(
        """(n) => {
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            const plots = [...panel.querySelectorAll('.js-plotly-plot')];
            const drawn = plots.filter(p => {
                const svg = p.querySelector('.main-svg');
                return svg && svg.getBoundingClientRect().width > 100
                    && p.querySelectorAll('.trace').length > 0;
            });
            return plots.length >= n && drawn.length === plots.length;
        }""",
        arg=n_plots,
        timeout=60_000,
    )

    # Fetched at most once per page, however many figure widgets (02 has two).
    assert (
        bundles == [200] if path.name == "02_reservoir_simulator.ipynb" else bundles in ([], [200])
    )

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"lab-{path.stem}-end.png"))
    shots = panel.locator(".jp-OutputArea-output:has(.jupyter-widgets), .jp-RenderedPlotly")
    for index in range(min(shots.count(), 12)):
        shots.nth(index).scroll_into_view_if_needed()
        shots.nth(index).screenshot(path=str(SCREENSHOTS / f"lab-{path.stem}-{index:02d}.png"))
