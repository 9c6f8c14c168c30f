"""Tests for itb_edu.faq: every patient question answered, sourced and corrected where needed."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from itb_edu import data
from itb_edu.faq import FAQ_COLUMNS, check_faq, load_faq
from itb_edu.presentation import faq_html

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "01_pump_and_catheter_system.ipynb"

# The questions the course set out to answer, each in the words patients use (the course's own
# list: a learner's clone, Binder and a hub have nothing beside the repository).
PATIENT_QUESTIONS = (
    "Is a baclofen pump implanted?",
    "What is a baclofen pump used for?",
    "Who inserts baclofen pump?",
    "How long does baclofen pump last?",
    "When is a baclofen pump indicated?",
    "What are the side effects of a baclofen pump?",
    "How often are baclofen pumps replaced?",
    "Is a baclofen pump permanent?",
    "Does the baclofen pump cause weight gain?",
    "What happens if your baclofen pump runs out?",
    "How often does a baclofen pump need to be replaced?",
)
# Questions about how long the pump lasts that are often answered with the refill interval.
REPLACEMENT_QUESTIONS = (
    "How long does baclofen pump last?",
    "How often are baclofen pumps replaced?",
    "How often does a baclofen pump need to be replaced?",
)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return load_faq()


def row(table: pd.DataFrame, question: str) -> dict:
    (found,) = table[table["question"] == question].to_dict("records")
    return found


# ---------------------------------------------------------------------------- the table
def test_every_patient_question_has_a_sourced_answer(table):
    assert check_faq(table) == []
    assert tuple(table["question"]) == PATIENT_QUESTIONS
    known = set(data.sources()["source_id"])
    for record in table.to_dict("records"):
        ids = [s.strip() for s in record["source_ids"].split(";")]
        assert ids, record["faq_id"]
        assert set(ids) <= known, record["faq_id"]
        assert len(record["answer"]) > 80, record["faq_id"]


def test_columns_are_the_agreed_ones(table):
    assert tuple(table.columns) == FAQ_COLUMNS
    assert table["faq_id"].is_unique


def test_common_mistakes_are_named(table):
    for question in REPLACEMENT_QUESTIONS:
        mistake = row(table, question)["common_mistake"]
        assert "refill" in mistake.lower(), question
        assert "1 to 6 months" in mistake, question
    weight = row(table, "Does the baclofen pump cause weight gain?")
    assert "substantial" in weight["common_mistake"]
    assert "reversible" in row(table, "Is a baclofen pump permanent?")["common_mistake"]
    assert row(table, "What is a baclofen pump used for?")["common_mistake"] == ""
    assert not table["common_mistake"].str.contains("seed", case=False).any()


def test_replacement_is_years_and_refill_is_months(table):
    for question in REPLACEMENT_QUESTIONS:
        answer = row(table, question)["answer"]
        assert "5 to 7 years" in answer
        assert "90 days" in answer
        assert "constant-flow" in answer.lower() or "refill" in answer.lower()
    assert "every 1 to 6 months" in row(table, "How often are baclofen pumps replaced?")["answer"]


def test_permanence_answer_teaches_reversibility_and_taper(table):
    answer = row(table, "Is a baclofen pump permanent?")["answer"]
    assert answer.startswith("No.")
    assert "reversible" in answer
    assert "taper" in answer
    assert "withdrawal" in answer


def test_weight_answer_gives_the_study_figures(table):
    record = row(table, "Does the baclofen pump cause weight gain?")
    for number in ("2.32", "2.93", "P = .028", "237", "17.90", "19.13"):
        assert number in record["answer"]
    assert "substantial" not in record["answer"]
    assert set(record["source_ids"].split(";")) == {
        "mccoy-2006-weight-gain",
        "jns-pediatr-2025-itb-bmi",
    }


def test_sections_are_headings_of_notebook_01(table):
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    headings = {
        line[3:].strip()
        for cell in nb["cells"]
        if cell["cell_type"] == "markdown"
        for line in "".join(cell["source"]).splitlines()
        if line.startswith("## ")
    }
    assert set(table["notebook_section"]) <= headings


# ------------------------------------------------------------------------ the checker
def good_table() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ["f1", "Q one?", "A1", "1. S", "", "src-a"],
            ["f2", "Q two?", "A2", "1. S", "Missing: none.", "src-a;src-b"],
        ],
        columns=list(FAQ_COLUMNS),
    )


KNOWN = {"src-a", "src-b"}


def test_checker_accepts_a_good_table():
    assert check_faq(good_table(), KNOWN) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.assign(answer=["A1", " "]), "'Q two?' has no answer"),
        (lambda t: t.assign(source_ids=["src-a", ""]), "'Q two?' has no source"),
        (lambda t: t.assign(source_ids=["src-a", "src-z"]), "unknown source 'src-z'"),
        (lambda t: t.assign(question=["Q one?", "Q two"]), "'Q two' does not end with '?'"),
        (lambda t: t.assign(question=["Q one?", " Q  one? "]), "question 'Q one?' appears more"),
        (lambda t: t.assign(question=["Q one?", "Q one?"]), "question 'Q one?' appears more"),
        (lambda t: t.assign(faq_id=["f1", "f1"]), "faq_id 'f1' appears more"),
    ],
)
def test_checker_names_each_problem(change, message):
    problems = check_faq(change(good_table()), KNOWN)
    assert any(message in p for p in problems), problems


@given(
    st.lists(
        st.from_regex(r"[A-Z][a-z]{2,8}( [a-z]{2,8}){0,4}", fullmatch=True),
        min_size=1,
        max_size=6,
        unique=True,
    )
)
def test_checker_accepts_any_table_of_distinct_sourced_questions(stems):
    table = pd.DataFrame(
        [[f"f{k}", f"{stem}?", "An answer.", "1. S", "", "src-a"] for k, stem in enumerate(stems)],
        columns=list(FAQ_COLUMNS),
    )
    assert check_faq(table, KNOWN) == []
    doubled = pd.concat([table, table.iloc[[0]].assign(faq_id="extra")], ignore_index=True)
    assert check_faq(doubled, KNOWN) == [f"question {stems[0] + '?'!r} appears more than once"]


def test_load_faq_rejects_an_empty_answer(tmp_path):
    shutil.copy(data.course_data_dir() / "sources.csv", tmp_path / "sources.csv")
    text = (data.course_data_dir() / "faq.csv").read_text(encoding="utf-8")
    broken = text.replace("Yes. In an operation", "", 1)
    first_answer_gone = re.sub(r'faq-01,([^,]+),"[^"]*"', r"faq-01,\1,", broken, count=1)
    (tmp_path / "faq.csv").write_text(first_answer_gone, encoding="utf-8")
    with pytest.raises(ValueError, match=r"data/faq\.csv, line 2, column 'answer': is empty"):
        load_faq(tmp_path)


# --------------------------------------------------------------------------- rendering
def test_html_has_one_collapsible_item_per_question(table):
    out = faq_html(table)
    text = out._repr_html_()
    assert text == str(out)
    assert text.count("<details>") == len(table)
    assert text.count("itb-faq-fix'>") == int((table["common_mistake"] != "").sum())
    assert "Is a baclofen pump permanent?" in text
    assert "McCoy AA, Fox MA" in text  # full citation, not only the id


def test_html_escapes_and_filters_by_section():
    table = good_table().assign(answer=["Use <2 mL & check", "A2"])
    text = faq_html(table, citations={"src-a": "Cite A", "src-b": "Cite B"}).html
    assert "Use &lt;2 mL &amp; check" in text
    only = faq_html(table, citations={"src-a": "A", "src-b": "B"}, section="1. S").html
    assert only.count("<details>") == 2
    with pytest.raises(ValueError, match=r"section='9. Nope' matches no question"):
        faq_html(table, citations={}, section="9. Nope")
