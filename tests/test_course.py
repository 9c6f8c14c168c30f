"""The course map matches the notebooks that exist."""

from __future__ import annotations

import json
import re
from pathlib import Path

from itb_edu import notebook as nb
from itb_edu.course import COURSE

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def test_every_mapped_notebook_exists_and_vice_versa():
    mapped = [m.notebook for m in COURSE]
    assert mapped == sorted(mapped)
    assert set(mapped) == {p.name for p in NOTEBOOKS.glob("*.ipynb")}


def test_titles_and_times_match_the_notebooks():
    for module in COURSE:
        nb_json = json.loads((NOTEBOOKS / module.notebook).read_text())
        title = "".join(nb_json["cells"][0]["source"]).splitlines()[0]
        assert title.endswith(module.title), (title, module.title)
        overview = "".join("".join(c["source"]) for c in nb_json["cells"][:3])
        assert re.search(rf"\babout {module.minutes} minutes\b", overview), module.notebook


def test_course_map_renders_every_module():
    html = nb.course_map().data
    for module in COURSE:
        assert module.notebook in html
        assert f"about {module.minutes} min" in html
