"""The instructor guide's paths: real sections, timings that fit, objectives of the notebook."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from itb_edu import data

ROOT = Path(__file__).resolve().parents[1]
PLAN = data.teaching_plan()
OBJECTIVES = data.objectives()


def headings(notebook: str) -> set[str]:
    nb = json.loads((ROOT / "notebooks" / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return set(re.findall(r"^## (.+)$", text, re.MULTILINE))


def test_every_row_names_a_real_section_of_a_real_notebook():
    for row in PLAN.to_dict("records"):
        assert row["section"] in headings(row["notebook"]), row


def test_the_core_path_fits_in_two_hours_and_the_half_day_in_three_and_a_half():
    minutes = PLAN.groupby("path")["minutes"].sum()
    assert 100 <= minutes["core-2h"] <= 120
    assert 180 <= minutes["half-day"] <= 220


@pytest.mark.parametrize("path", ["core-2h", "half-day"])
def test_each_path_runs_in_order_through_the_course(path):
    rows = PLAN[PLAN["path"] == path]
    assert list(rows["order"]) == list(range(1, len(rows) + 1))
    assert list(rows["notebook"]) == sorted(rows["notebook"])  # the notebooks in course order


def test_the_core_path_reaches_every_practice_notebook():
    core = set(PLAN[PLAN["path"] == "core-2h"]["notebook"])
    assert {f"0{n}" for n in range(1, 6)} == {name[:2] for name in core}


def test_objectives_belong_to_the_section_notebook():
    notebook_of = dict(zip(OBJECTIVES["objective_id"], OBJECTIVES["notebook"], strict=True))
    for row in PLAN.to_dict("records"):
        for objective_id in data.split_ids(row["objective_ids"]):
            assert notebook_of[objective_id] == row["notebook"], row


def test_the_guide_links_the_plan_and_the_answer_key():
    guide = (ROOT / "docs" / "instructor-guide.md").read_text(encoding="utf-8")
    assert "data/teaching_plan.csv" in guide
    assert "make answer-key" in guide
    for case in data.cases().to_dict("records"):
        assert case["title"] in guide, case["case_id"]


def test_the_guide_is_shown_in_notebook_00_with_working_links():
    from itb_edu import notebook as nb

    text = nb.instructor_guide().data
    assert text.startswith("### Instructor guide")
    assert "](../docs/classroom.md)" in text
    assert "](classroom.md)" not in text
    stored = json.loads((ROOT / "notebooks" / "00_start_here.ipynb").read_text(encoding="utf-8"))
    outputs = [
        "".join(o.get("data", {}).get("text/markdown", ""))
        for c in stored["cells"]
        if c["cell_type"] == "code"
        for o in c["outputs"]
    ]
    assert any("Instructor guide: teaching the course to a room" in o for o in outputs)
