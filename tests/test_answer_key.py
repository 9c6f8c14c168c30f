"""The class question sheet and the answer key, generated from the question data."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

from itb_edu import data, quiz
from itb_edu.answer_key import answer_key_html, question_sheet_html

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 30)
QUESTIONS = [q for qid in data.quiz_ids() for q in quiz.load_quiz(qid)]
NUMERIC = [q for qid in data.quiz_ids() for q in quiz.load_numeric(qid)]


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).replace("&#x27;", "'")


def test_the_sheet_has_every_question_and_no_answer_or_explanation():
    sheet = question_sheet_html(today=TODAY)
    words = text_of(sheet)
    for q in QUESTIONS:
        assert f"[{q.question_id}]" in words
        assert q.explanation[:40] not in words
    for n in NUMERIC:
        assert f"[{n.question_id}]" in words
        assert f"{quiz.expected_value(n):.2f}" not in words
    assert "generated 2026-11-30" in words


def test_the_key_gives_each_answer_with_its_letter_sources_and_objectives():
    key = text_of(answer_key_html(today=TODAY))
    for q in QUESTIONS:
        letter = "ABCDEFGH"[q.choices.index(q.answer)]
        assert f"[{q.question_id}] {letter}. {q.answer}" in key.replace("&amp;", "&")
    assert "Checks:" in key
    assert "Sources:" in key
    assert "[rs-n2] 90 days" in key  # worked out by the engine: (20 - 2) / 0.2
    assert "The cases for the educator" in key


def test_make_answer_key_writes_both_pages(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "answer_key.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "answer-key.html" in result.stdout
    assert (tmp_path / "questions.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (tmp_path / "answer-key.html").stat().st_size > 10_000
