"""The code-free app view (Voilà) in a real browser: the simulator responds, a quiz gives
feedback. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import pytest

from tests.browser.test_lab_notebooks import NOTEBOOKS, expected_outputs
from tests.support.browser import SCREENSHOTS, record_bundle_fetches

SIMULATOR = "voila/render/02_reservoir_simulator.ipynb"

#: True once a Voilà page has finished loading, every widget output is rendered and every
#: plotly figure is drawn (arguments: the stored run's widget and figure counts).
RENDERED = """([widgets, plots]) => {
    const loading = document.getElementById('loading');
    if (loading && loading.offsetParent !== null) { return false; }
    if (document.querySelectorAll('.jp-Cell').length === 0) { return false; }
    const outs = [...document.querySelectorAll('.jp-OutputArea-output')];
    const rendered = outs.filter(
        o => o.querySelector('.jupyter-widgets, .js-plotly-plot')).length;
    const all = [...document.querySelectorAll('.js-plotly-plot')];
    const drawn = all.filter(p => p.querySelector('.main-svg')
        && p.querySelectorAll('.trace').length > 0);
    return rendered >= widgets + plots && all.length >= plots && drawn.length === all.length;
}"""

PLOT_END = """() => {
    const gd = document.querySelector('.itb-simulator .js-plotly-plot');
    if (!gd || !gd.data || !gd.querySelector('.main-svg')) { return null; }
    const x = gd.data[0].x;
    return String(x[x.length - 1]);
}"""


def headline(page) -> str:
    return page.locator(".itb-simulator-headline").inner_text()


def control(page, label: str):
    row = page.locator(".itb-simulator .widget-hbox", has=page.get_by_text(label, exact=True))
    return row.first


@pytest.fixture
def simulator(page, voila_server):
    page.goto(voila_server.url(SIMULATOR), timeout=180_000)
    page.wait_for_function(f"() => ({PLOT_END})() !== null", timeout=120_000)
    page.wait_for_function(
        "() => document.querySelector('.itb-simulator-headline')"
        " && document.querySelector('.itb-simulator-headline').innerText.includes('Low-reservoir')",
        timeout=30_000,
    )
    return page


def test_simulator_renders_without_code(simulator):
    page = simulator
    body = page.inner_text("body")
    assert "nb.setup()" not in body
    assert "quiz_app(" not in body
    assert "simulator_app(" not in body
    assert page.locator(".itb-simulator .js-plotly-plot .trace").count() > 0
    assert "0.300 mL/day" in headline(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".itb-simulator").screenshot(path=str(SCREENSHOTS / "voila-simulator.png"))


def test_control_change_updates_headline_and_plot(simulator):
    page = simulator
    before_end = page.evaluate(PLOT_END)
    box = control(page, "Daily dose (mcg/day)").locator("input")
    box.fill("300")
    box.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('.itb-simulator-headline')"
        ".innerText.includes('0.600 mL/day')",
        timeout=30_000,
    )
    page.wait_for_function(f"(before) => ({PLOT_END})() !== before", arg=before_end, timeout=30_000)
    assert "0.600 mL/day" in headline(page)


def test_bad_value_shows_message_and_keeps_result(simulator):
    page = simulator
    kept = headline(page)
    row = control(page, "Fill volume (mL)")
    box = row.locator("input")
    box.fill("50")
    box.press("Enter")
    message = row.locator(".itb-control-message")
    message.get_by_text("reservoir", exact=False).wait_for(timeout=30_000)
    assert headline(page) == kept
    assert box.input_value() == "50"
    assert "Traceback" not in page.inner_text("body")
    row.screenshot(path=str(SCREENSHOTS / "voila-simulator-bad-value.png"))


def test_quiz_answer_shows_feedback(simulator):
    page = simulator
    card = page.locator(".itb-quiz-question").first
    feedback = card.locator(".itb-quiz-feedback")
    assert feedback.inner_text().strip() == ""
    card.locator("input[type=radio]").first.check()
    card.get_by_role("button", name="Check").click()
    page.wait_for_function(
        "(el) => el.innerText.trim().length > 20",
        arg=feedback.element_handle(),
        timeout=30_000,
    )
    assert "Sources" in feedback.inner_text() or "source" in feedback.inner_text().lower()
    card.screenshot(path=str(SCREENSHOTS / "voila-quiz-feedback.png"))


def test_figure_widgets_share_one_served_bundle(page, voila_server):
    """Two figure widgets on the page (simulator, comparison), one HTTP fetch of the bundle."""
    bundles = record_bundle_fetches(page)
    page.goto(voila_server.url(SIMULATOR), timeout=180_000)
    for app in (".itb-simulator", ".itb-compare"):
        page.wait_for_function(
            "(sel) => !!document.querySelector(sel + ' .js-plotly-plot .main-svg')",
            arg=app,
            timeout=120_000,
        )
    assert bundles == [200]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_notebook_in_the_app_view(page, voila_server, path):
    """Every notebook as an app (``make app``): every widget rendered, every plot drawn.

    In the app view figures are shown as figure widgets sharing one plotly bundle, and the
    jupyterlab-plotly extension is left out of the page (etc/voila.json), so this is where a
    figure that only that extension could draw would go missing.
    """
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _, n_widgets, n_plots = expected_outputs(path)
    page.goto(voila_server.url(f"voila/render/{path.name}"), timeout=180_000)
    page.wait_for_function(RENDERED, arg=[n_widgets, n_plots], timeout=120_000)
    body = page.inner_text("body")
    assert "Error displaying widget" not in body
    assert "Traceback" not in body
    assert errors == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    plots = page.locator(".js-plotly-plot")
    for index in range(plots.count()):
        plots.nth(index).scroll_into_view_if_needed()
        plots.nth(index).screenshot(
            path=str(SCREENSHOTS / f"voila-{path.stem}-plot-{index:02d}.png")
        )


def test_app_link_through_the_lab_server(page, lab_server):
    """The Binder app link: Voilà as a JupyterLab server extension, with the Lab settings."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    bundles = record_bundle_fetches(page)
    page.goto(lab_server.url(f"voila/render/notebooks/{SIMULATOR.rsplit('/', 1)[1]}"))
    page.wait_for_function(f"() => ({PLOT_END})() !== null", timeout=180_000)
    page.locator(".itb-compare .js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
    assert "0.300 mL/day" in headline(page)
    assert bundles == [200]
    assert errors == []
