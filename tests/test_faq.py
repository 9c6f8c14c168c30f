"""Tests for itb_edu.faq: every seed question answered, sourced and corrected where needed."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from itb_edu import data, faq
from itb_edu.faq import FAQ_COLUMNS, check_faq, faq_html, load_faq, read_seed, seed_questions

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "01_pump_and_catheter_system.ipynb"

UNANSWERED_IN_SEED = {
    "Is a baclofen pump permanent?",
    "How often does a baclofen pump need to be replaced?",
}
REFILL_FOR_REPLACEMENT_IN_SEED = {
    "How long does baclofen pump last?",
    "How often are baclofen pumps replaced?",
}


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return load_faq()


def row(table: pd.DataFrame, question: str) -> dict:
    (found,) = table[table["question"] == question].to_dict("records")
    return found


# ------------------------------------------------------------------------------ the seed
def test_seed_file_is_read_as_eleven_distinct_questions():
    questions = seed_questions()
    assert len(questions) == 11
    assert questions[0] == "Is a baclofen pump implanted?"
    assert questions[-1] == "How often does a baclofen pump need to be replaced?"
    seed = read_seed()
    assert {q for q, a in seed.items() if not a} == UNANSWERED_IN_SEED
    assert seed["Is a baclofen pump implanted?"].startswith("The baclofen pump is surgically")
    for question in REFILL_FOR_REPLACEMENT_IN_SEED:
        assert "refill" in seed[question].lower()


def test_read_seed_parses_paragraphs(tmp_path):
    path = tmp_path / "seed.txt"
    path.write_text("Q one?\n\nQ one?\n\nAnswer one.\n\nQ two?\n\nQ three?", encoding="utf-8")
    assert read_seed(path) == {"Q one?": "Answer one.", "Q two?": "", "Q three?": ""}


def test_read_seed_rejects_missing_or_empty_files(tmp_path):
    with pytest.raises(ValueError, match="no seed question file"):
        read_seed(tmp_path / "nope.txt")
    empty = tmp_path / "empty.txt"
    empty.write_text("No questions here.\n", encoding="utf-8")
    with pytest.raises(ValueError, match="holds no question"):
        read_seed(empty)


@given(
    st.lists(
        st.from_regex(r"[A-Z][a-z]{2,8}( [a-z]{2,8}){0,4}\?", fullmatch=True),
        min_size=1,
        max_size=6,
    )
)
def test_read_seed_keeps_each_question_once_in_order(questions):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "seed.txt"
        path.write_text("\n\n".join(questions), encoding="utf-8")
        assert seed_questions(path) == list(dict.fromkeys(questions))


# ---------------------------------------------------------------------------- the table
def test_every_seed_question_has_a_sourced_answer(table):
    assert check_faq(table) == []
    assert set(table["question"]) == set(seed_questions())
    assert len(table) == len(seed_questions())  # the repeated seed question is one row
    known = set(data.sources()["source_id"])
    for record in table.to_dict("records"):
        ids = [s.strip() for s in record["source_ids"].split(";")]
        assert ids, record["faq_id"]
        assert set(ids) <= known, record["faq_id"]
        assert len(record["answer"]) > 80, record["faq_id"]


def test_columns_are_the_agreed_ones(table):
    assert tuple(table.columns) == FAQ_COLUMNS
    assert table["faq_id"].is_unique


def test_seed_gaps_and_errors_are_named(table):
    for question in UNANSWERED_IN_SEED:
        assert row(table, question)["corrects_seed"].startswith("Missing")
    for question in REFILL_FOR_REPLACEMENT_IN_SEED:
        assert row(table, question)["corrects_seed"].startswith("Wrong")
    weight = row(table, "Does the baclofen pump cause weight gain?")
    assert "substantial" in weight["corrects_seed"]


def test_replacement_is_years_and_refill_is_months(table):
    for question in (
        *REFILL_FOR_REPLACEMENT_IN_SEED,
        "How often does a baclofen pump need to be replaced?",
    ):
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


SEED = {"Q one?": "seed answer", "Q two?": ""}
KNOWN = {"src-a", "src-b"}


def test_checker_accepts_a_good_table():
    assert check_faq(good_table(), SEED, KNOWN) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.drop(index=1), "'Q two?' has no row"),
        (lambda t: t.assign(answer=["A1", " "]), "'Q two?' has no answer"),
        (lambda t: t.assign(source_ids=["src-a", ""]), "'Q two?' has no source"),
        (lambda t: t.assign(source_ids=["src-a", "src-z"]), "unknown source 'src-z'"),
        (lambda t: t.assign(corrects_seed=["", ""]), "corrects_seed does not say so"),
        (lambda t: t.assign(question=["Q one?", "Q one?"]), "question 'Q one?' appears more"),
        (lambda t: t.assign(faq_id=["f1", "f1"]), "faq_id 'f1' appears more"),
    ],
)
def test_checker_names_each_problem(change, message):
    problems = check_faq(change(good_table()), SEED, KNOWN)
    assert any(message in p for p in problems), problems


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
    assert text.count("itb-faq-fix'>") == int((table["corrects_seed"] != "").sum())
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


def test_default_seed_path_is_shared_beside_the_repository():
    assert faq.default_seed_path() == ROOT.parent / "shared" / "seed-faq.txt"


def test_read_seed_accepts_windows_line_ends_and_spaced_blank_lines(tmp_path):
    path = tmp_path / "seed.txt"
    path.write_bytes(b"Q one?\r\n\r\nAnswer\r\none.\r\n  \r\nQ two?")
    assert read_seed(path) == {"Q one?": "Answer one.", "Q two?": ""}
