"""Every course notebook follows the course skeleton and is stored from one clean run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
IDS = [p.name for p in NOTEBOOKS]


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def markdown(nb: dict) -> str:
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def source(cell: dict) -> str:
    return "".join(cell["source"])


def test_start_here_exists():
    assert (ROOT / "notebooks" / "00_start_here.ipynb") in NOTEBOOKS


def test_notebook_names_are_numbered():
    for path in NOTEBOOKS:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_stored_small_and_without_widget_state(path):
    assert path.stat().st_size < 1_000_000, f"{path.name} is over 1 MB"
    nb = load(path)
    assert "widgets" not in nb["metadata"], "widget state is stored; execute without it"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_stored_from_one_clean_run(path):
    cells = code_cells(load(path))
    counts = [c["execution_count"] for c in cells]
    assert counts == list(range(1, len(cells) + 1)), f"execution counts {counts}"
    for cell in cells:
        for output in cell["outputs"]:
            assert output["output_type"] != "error", f"stored error in: {source(cell)[:80]}"
            if output["output_type"] == "stream":
                assert output["name"] != "stderr", f"stderr stored in: {source(cell)[:80]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_follows_the_course_skeleton(path):
    nb = load(path)
    first = source(nb["cells"][0])
    assert re.match(r"# \d+\. \S", first), "first cell must be the title '# NN. Title'"
    text = markdown(nb)
    headings = re.findall(r"^(#{2,3}) (.+)$", text, re.MULTILINE)
    h2 = [title for level, title in headings if level == "##"]
    h3 = [title for level, title in headings if level == "###"]
    assert h2[0] == "Overview"
    assert h2[-2:] == ["Summary", "Sources"]
    assert re.search(r"learning objectives", text, re.IGNORECASE)
    assert re.search(r"\b\d+\s*(?:–\s*\d+\s*)?min", text), "say how long it takes"
    if path.name != "00_start_here.ipynb":
        assert "Interactive demo" in h3
        assert "Check your understanding" in h3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_code_cells_are_short_calls_into_itb_edu(path):
    cells = code_cells(load(path))
    assert re.search(r"nb\.setup\(\)", source(cells[0]))
    for cell in cells:
        text = source(cell)
        assert not re.search(r"^\s*(def|class|lambda)\b", text, re.MULTILINE), text
        lines = [ln for ln in text.splitlines() if ln.strip()]
        assert 1 <= len(lines) <= 3, f"a demo cell is a line or two:\n{text}"
        assert not any(ln.lstrip().startswith("#") for ln in lines), "narrative goes in markdown"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_sources_are_shown_and_checked(path):
    cells = code_cells(load(path))
    last = cells[-1]
    assert "nb.sources_table(" in source(last)
    assert "nbval-check-output" in last["metadata"].get("tags", [])
    assert last["outputs"], "the sources table is stored"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_code_cell_has_stored_output_or_is_setup(path):
    cells = code_cells(load(path))
    for cell in cells[1:]:
        assert cell["outputs"], f"no stored output for: {source(cell)[:80]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_presentation_metadata(path):
    nb = load(path)
    cells = nb["cells"]
    setup = code_cells(nb)[0]
    assert setup["metadata"]["jupyter"]["source_hidden"] is True
    assert setup["metadata"]["slideshow"]["slide_type"] == "skip"
    assert cells[0]["metadata"]["slideshow"]["slide_type"] == "slide"
    for cell in cells:
        kind = cell["metadata"]["slideshow"]["slide_type"]
        assert kind in {"slide", "subslide", "-", "skip"}
        first = source(cell).lstrip().split("\n", 1)[0]
        if cell["cell_type"] == "markdown" and first.startswith("## "):
            assert kind == "slide", first
    assert nb["metadata"]["rise"]["scroll"] is True


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_stored_app_describes_itself_in_words(path):
    """A stored notebook opened before it runs shows each app's purpose, never a repr."""
    for cell in code_cells(load(path)):
        for output in cell["outputs"]:
            data = output.get("data", {})
            if "application/vnd.jupyter.widget-view+json" not in data:
                continue
            plain = "".join(data.get("text/plain", ""))
            assert "children=" not in plain, f"{source(cell)[:60]}: {plain[:80]}"
            assert "(run the notebook" in plain, f"{source(cell)[:60]}: {plain[:80]}"
            assert data.get("text/html"), source(cell)[:60]


PLOTLY_MIME = "application/vnd.plotly.v1+json"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_stored_figure_comes_with_its_text_alternative(path):
    """Each figure is followed, in its cell, by the figure in words (description and data)."""
    for cell in code_cells(load(path)):
        outputs = cell["outputs"]
        for index, output in enumerate(outputs):
            if PLOTLY_MIME not in output.get("data", {}):
                continue
            after = "".join(
                "".join(o.get("data", {}).get("text/html", "")) for o in outputs[index + 1 :]
            )
            assert "The figure in words" in after, source(cell)[:80]
