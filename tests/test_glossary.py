"""The glossary, and the words a reviewer found unexplained, explained where they appear."""

from __future__ import annotations

import json
from pathlib import Path

from itb_edu import data
from itb_edu.parts import facts_table

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = data.glossary()


def notebook_text(name: str) -> str:
    nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        parts.append("".join(cell["source"]))
        for output in cell.get("outputs", []):
            parts.append("".join(output.get("data", {}).get("text/html", "")))
    return "\n".join(parts)


def test_the_glossary_defines_the_course_words():
    terms = " ".join(GLOSSARY["term"]).lower()
    for word in (
        "intrathecal",
        "barbotage",
        "peristaltic",
        "catheter access port",
        "interrogation",
        "elective replacement indicator",
        "bridge bolus",
        "pocket fill",
        "η²",
        "teach-back",
        "autonomic dysreflexia",
    ):
        assert word in terms, word


def test_barbotage_is_explained_where_the_screening_dose_is_given():
    (statement,) = facts_table(["screening-first-bolus"])["Fact"]
    assert "barbotage (some of the dose, mixed with spinal fluid" in statement


def test_peristaltic_eta_squared_and_the_status_codes_are_explained_in_place():
    assert "*peristaltic*\n  pump: a motor-driven rotor" in notebook_text(
        "01_pump_and_catheter_system"
    ).replace("\\n", "\n")
    assert "η², eta squared" in notebook_text("03_side_effects_and_safety")
    assert "V: read in the source" in notebook_text("01_pump_and_catheter_system")


def test_notebook_00_shows_the_glossary():
    text = notebook_text("00_start_here")
    assert "Glossary" in text
    assert all(term.split(" (")[0] in text for term in GLOSSARY["term"])
