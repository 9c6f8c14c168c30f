"""Slides (jupyterlab-rise): the slideshow opens on the title slide, and a slide with a stored
figure draws it. Interactive widgets do not render in RISE with ipywidgets 8 / anywidget
(jupyterlab-contrib/rise#119, #126), so educators switch to the Voilà app for those parts;
that path is tested in test_voila_app.py."""

from __future__ import annotations

from tests.support.browser import SCREENSHOTS

PRESENT = (
    "() => { const s = document.querySelector('.reveal .slides section.present');"
    " return s ? s.innerText : ''; }"
)


def test_slideshow_opens_on_the_title_slide(page, lab_server):
    page.goto(lab_server.url("rise/notebooks/02_reservoir_simulator.ipynb"))
    page.wait_for_function(
        f"() => ({PRESENT})().includes('02. Reservoir simulator')", timeout=120_000
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "slides-02-title.png"))

    # Walk forward to the first slide that holds a stored figure, and see it drawn.
    for _ in range(6):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(500)
        drawn = page.evaluate(
            "() => [...document.querySelectorAll("
            "'.reveal .slides section.present .js-plotly-plot .main-svg')]"
            ".some(svg => svg.getBoundingClientRect().width > 300)"
        )
        if drawn:
            break
    assert drawn, "no slide showed a drawn figure"
    assert "Why the alarm sounds" in page.evaluate(PRESENT)
    page.screenshot(path=str(SCREENSHOTS / "slides-02-figure.png"))
