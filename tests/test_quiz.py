"""Tests for itb_edu.quiz: loading, validation and answer checking."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itb_edu import quiz
from itb_edu.data import DataValidationError
from itb_edu.errors import ParameterError
from itb_edu.quiz import Question, check_answer, load_quiz

HEADER = [
    "question_id",
    "section",
    "question",
    "choices",
    "answer",
    "explanation",
    "source_ids",
    "objective_ids",
    "wrong_feedback",
]
OBJECTIVES = "objective_id,notebook,objective,source_ids\nobj-a,demo,Pick well.,src-a\n"
SOURCES = (
    "source_id,kind,citation,url\n"
    "src-a,label,Label A citation,https://example.org/a\n"
    '"src-b",peer-reviewed,"Author B, journal, 2002",\n'
)


def good_rows() -> list[list[str]]:
    return [
        [
            "q1",
            "alpha",
            "Pick A?",
            "A | B | C",
            "A",
            "A is right.",
            "src-a",
            "obj-a",
            "B no. | C no.",
        ],
        ["q2", "beta", "Pick Y?", "X | Y", "Y", "Y is right.", "src-a; src-b", "obj-a", "X no."],
        [
            "q3",
            "alpha",
            "Pick N?",
            "M | N | O",
            "N",
            "N is right.",
            "src-b",
            "obj-a",
            "M no. | O no.",
        ],
    ]


def write_quiz(
    root: Path,
    rows: list[list[str]],
    header: list[str] | None = None,
    quiz_id: str = "demo",
) -> Path:
    (root / "quiz").mkdir(parents=True, exist_ok=True)
    (root / "sources.csv").write_text(SOURCES, encoding="utf-8")
    (root / "objectives.csv").write_text(OBJECTIVES, encoding="utf-8")
    path = root / "quiz" / f"{quiz_id}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER if header is None else header)
        writer.writerows(rows)
    return path


# --- loading -----------------------------------------------------------------


def test_load_quiz_reads_all_fields(tmp_path: Path) -> None:
    write_quiz(tmp_path, good_rows())
    questions = load_quiz("demo", data_dir=tmp_path)
    assert [q.question_id for q in questions] == ["q1", "q2", "q3"]
    second = questions[1]
    assert second == Question(
        question_id="q2",
        section="beta",
        question="Pick Y?",
        choices=("X", "Y"),
        answer="Y",
        explanation="Y is right.",
        source_ids=("src-a", "src-b"),
        vignette="",
        objective_ids=("obj-a",),
        wrong_feedback=(("X", "X no."),),
    )
    assert not second.is_case


def test_section_filter_keeps_file_order(tmp_path: Path) -> None:
    write_quiz(tmp_path, good_rows())
    questions = load_quiz("demo", section="alpha", data_dir=tmp_path)
    assert [q.question_id for q in questions] == ["q1", "q3"]
    assert quiz.sections(load_quiz("demo", data_dir=tmp_path)) == ["alpha", "beta"]


def test_unknown_section_is_named(tmp_path: Path) -> None:
    write_quiz(tmp_path, good_rows())
    with pytest.raises(ValueError, match=r"section='gamma'.*sections: \['alpha', 'beta'\]"):
        load_quiz("demo", section="gamma", data_dir=tmp_path)


def test_vignette_column_is_optional_and_read(tmp_path: Path) -> None:
    rows = [[*row, ""] for row in good_rows()]
    rows[0][-1] = "A fictional patient, age 30, with itching."
    write_quiz(tmp_path, rows, header=[*HEADER, "vignette"])
    questions = load_quiz("demo", data_dir=tmp_path)
    assert questions[0].vignette == "A fictional patient, age 30, with itching."
    assert questions[0].is_case
    assert questions[1].vignette == ""


def test_quoted_fields_with_commas_and_newlines(tmp_path: Path) -> None:
    rows = good_rows()
    rows[0][2] = "Pick A, then\nexplain?"
    write_quiz(tmp_path, rows)
    assert load_quiz("demo", data_dir=tmp_path)[0].question == "Pick A, then\nexplain?"


def test_blank_lines_are_skipped(tmp_path: Path) -> None:
    rows = good_rows()
    rows.insert(1, ["", "", "", "", "", "", ""])
    write_quiz(tmp_path, rows)
    assert len(load_quiz("demo", data_dir=tmp_path)) == 3


def test_available_quizzes_lists_files(tmp_path: Path) -> None:
    write_quiz(tmp_path, good_rows(), quiz_id="b_quiz")
    write_quiz(tmp_path, good_rows(), quiz_id="a_quiz")
    assert quiz.available_quizzes(tmp_path) == ["a_quiz", "b_quiz"]


# --- validation: every message names file, line and column --------------------
# The quiz files are read and checked by itb_edu.data, like every course table, so a bad file
# raises data.DataValidationError with the uniform "data/quiz/<id>.csv, line L, column 'C': ..."


@pytest.mark.parametrize(
    ("row_index", "column", "value", "pattern"),
    [
        (1, 4, "Z", r"line 3, column 'answer': 'Z' is not exactly one of the choices"),
        (1, 4, "y", r"line 3, column 'answer'"),
        (0, 3, "A", r"line 2, column 'choices': needs 2 or more choices"),
        (0, 3, "A |  | B", r"line 2, column 'choices': a choice is empty"),
        (0, 3, "A | A | B", r"line 2, column 'choices': repeated choice 'A'"),
        (2, 6, "src-a; src-z", r"line 4, column 'source_ids': source 'src-z' is not in"),
        (2, 6, " ; ", r"line 4, column 'source_ids': no source given"),
        (0, 5, "  ", r"line 2, column 'explanation': is empty"),
        (
            2,
            0,
            "q1",
            r"line 4, column 'question_id': 'q1' appears more than once \(first on line 2\)",
        ),
    ],
)
def test_bad_rows_raise_with_file_line_column(
    tmp_path: Path, row_index: int, column: int, value: str, pattern: str
) -> None:
    rows = good_rows()
    rows[row_index][column] = value
    write_quiz(tmp_path, rows)
    with pytest.raises(DataValidationError, match=pattern) as info:
        load_quiz("demo", data_dir=tmp_path)
    assert str(info.value.problems[0]).startswith("data/quiz/demo.csv, line ")


def test_line_number_counts_multiline_quoted_fields(tmp_path: Path) -> None:
    rows = good_rows()
    rows[0][2] = "one\ntwo\nthree"  # record 1 spans lines 2-4
    rows[1][4] = "nope"  # so record 2 starts on line 5
    write_quiz(tmp_path, rows)
    with pytest.raises(DataValidationError, match=r"line 5, column 'answer'"):
        load_quiz("demo", data_dir=tmp_path)


def test_missing_column_is_named(tmp_path: Path) -> None:
    header = [h for h in HEADER if h != "explanation"]
    rows = [[c for i, c in enumerate(r) if i != 5] for r in good_rows()]
    write_quiz(tmp_path, rows, header=header)
    with pytest.raises(
        DataValidationError, match=r"line 1, column 'explanation': this column is missing"
    ):
        load_quiz("demo", data_dir=tmp_path)


def test_unknown_column_is_named(tmp_path: Path) -> None:
    rows = [[*row, "x"] for row in good_rows()]
    write_quiz(tmp_path, rows, header=[*HEADER, "hint"])
    with pytest.raises(
        DataValidationError, match=r"line 1, column 'hint': this column is not expected"
    ):
        load_quiz("demo", data_dir=tmp_path)


def test_short_row_is_reported(tmp_path: Path) -> None:
    rows = good_rows()
    rows[1] = rows[1][:5]
    write_quiz(tmp_path, rows)
    with pytest.raises(DataValidationError, match=r"line 3: has 5 fields but the header has 9"):
        load_quiz("demo", data_dir=tmp_path)


def test_empty_file_and_header_only(tmp_path: Path) -> None:
    path = write_quiz(tmp_path, [])
    with pytest.raises(DataValidationError, match=r"demo\.csv, line 2: the quiz has no questions"):
        load_quiz("demo", data_dir=tmp_path)
    path.write_text("", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"data/quiz/demo\.csv: the file is empty"):
        load_quiz("demo", data_dir=tmp_path)


@pytest.mark.parametrize("quiz_id", ["", "../sources", "a/b", "x.csv", 3, None])
def test_bad_quiz_id(tmp_path: Path, quiz_id: object) -> None:
    write_quiz(tmp_path, good_rows())
    with pytest.raises(ParameterError, match=r"quiz_id=.* must be a file name") as info:
        load_quiz(quiz_id, data_dir=tmp_path)  # type: ignore[arg-type]
    assert info.value.parameter == "quiz_id"


def test_missing_quiz_names_the_available_ones(tmp_path: Path) -> None:
    write_quiz(tmp_path, good_rows())
    with pytest.raises(
        ParameterError, match=r"quiz_id='nope': no file .*available: \['demo'\]"
    ) as info:
        load_quiz("nope", data_dir=tmp_path)
    assert info.value.parameter == "quiz_id"


def test_missing_data_dir(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match=r"data_dir=.* is not a directory") as info:
        load_quiz("demo", data_dir=tmp_path / "absent")
    assert info.value.parameter == "data_dir"


def test_duplicate_source_in_sources_csv(tmp_path: Path) -> None:
    write_quiz(tmp_path, good_rows())
    (tmp_path / "sources.csv").write_text(
        SOURCES + "src-a,other,Again,\n",
        encoding="utf-8",
    )
    # sources.csv is read and checked by itb_edu.data, like every course table.
    with pytest.raises(
        DataValidationError,
        match=r"sources.csv, line 4, column 'source_id': 'src-a' appears more than once",
    ):
        load_quiz("demo", data_dir=tmp_path)


def test_source_citations_read(tmp_path: Path) -> None:
    write_quiz(tmp_path, good_rows())
    citations = quiz.load_source_citations(tmp_path)
    assert citations == {
        "src-a": ("Label A citation", "https://example.org/a"),
        "src-b": ("Author B, journal, 2002", ""),
    }


# --- checking answers ----------------------------------------------------------

QUESTION = Question(
    question_id="q",
    section="s",
    question="Which?",
    choices=("Left.", "Right."),
    answer="Right.",
    explanation="Because right.",
    source_ids=("src-a",),
    wrong_feedback=(("Left.", "Left leads nowhere."),),
)


def test_check_right_answer() -> None:
    feedback = check_answer(QUESTION, "Right.")
    assert feedback.correct is True
    assert feedback.message == "Correct. Because right."
    assert feedback.source_ids == ("src-a",)


def test_a_first_wrong_answer_says_why_and_keeps_the_answer_back() -> None:
    feedback = check_answer(QUESTION, "Left.")
    assert feedback.correct is False
    assert feedback.revealed is False
    assert feedback.message == "Not yet. Left leads nowhere. Think again and choose another answer."
    assert "Right" not in feedback.message
    assert feedback.source_ids == ("src-a",)


def test_a_second_wrong_answer_names_the_right_one() -> None:
    feedback = check_answer(QUESTION, "Left.", attempt=2)
    assert feedback.correct is False
    assert feedback.revealed is True
    assert feedback.message == (
        "Not quite. Left leads nowhere. The right answer is: Right. Because right."
    )


def test_attempt_must_be_positive() -> None:
    with pytest.raises(ValueError, match="attempt must be 1 or more") as info:
        check_answer(QUESTION, "Left.", attempt=0)
    assert info.value.parameter == "attempt"


@pytest.mark.parametrize("choice", ["right.", "", "Right", None])
def test_check_invalid_choice(choice: object) -> None:
    with pytest.raises(ValueError, match=r"choice=.* is not one of the choices of question 'q'"):
        check_answer(QUESTION, choice)  # type: ignore[arg-type]


_text = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="|"
        ),
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
)


@given(
    choices=st.lists(_text, min_size=2, max_size=6, unique=True),
    data=st.data(),
)
def test_exactly_one_choice_is_correct(choices: list[str], data: st.DataObject) -> None:
    answer = data.draw(st.sampled_from(choices))
    question = Question("q", "s", "?", tuple(choices), answer, "why", ("src-a",))
    verdicts = [check_answer(question, c).correct for c in choices]
    assert verdicts.count(True) == 1
    assert verdicts[choices.index(answer)] is True


@settings(deadline=None)  # each example writes and validates files on disk
@given(
    choices=st.lists(_text, min_size=2, max_size=5, unique=True),
    question_text=_text,
    data=st.data(),
)
def test_round_trip_through_csv(
    tmp_path_factory: pytest.TempPathFactory,
    choices: list[str],
    question_text: str,
    data: st.DataObject,
) -> None:
    root = tmp_path_factory.mktemp("rt")
    answer = data.draw(st.sampled_from(choices))
    wrong = " | ".join(["Not that one."] * (len(choices) - 1))
    row = [
        "id1",
        "sec",
        question_text,
        " | ".join(choices),
        answer,
        "expl",
        "src-b",
        "obj-a",
        wrong,
    ]
    write_quiz(root, [row])
    (loaded,) = load_quiz("demo", data_dir=root)
    assert loaded.choices == tuple(choices)
    assert loaded.answer == answer
    assert loaded.question == question_text


# --- the course's real quiz files ------------------------------------------------


@pytest.mark.parametrize("quiz_id", quiz.available_quizzes())
def test_every_course_quiz_is_valid(quiz_id: str) -> None:
    questions = load_quiz(quiz_id)
    assert len(questions) >= 1
    for question in questions:
        assert check_answer(question, question.answer).correct


@pytest.mark.parametrize("quiz_id", quiz.available_quizzes())
def test_right_answer_is_not_always_in_the_same_place(quiz_id: str) -> None:
    positions = {q.choices.index(q.answer) for q in load_quiz(quiz_id)}
    assert len(positions) > 1, "a learner could answer by position alone"


def test_side_effects_quiz_is_sourced_beyond_the_authors() -> None:
    questions = load_quiz("03_side_effects_and_safety")
    assert len(questions) >= 8
    for question in questions:
        clinical = [s for s in question.source_ids if s != "itb-edu-authors"]
        assert clinical, f"{question.question_id} cites no clinical source"
        if question.is_case:
            assert "itb-edu-authors" in question.source_ids, question.question_id
    assert any(q.is_case for q in questions)
    # the right answer is not always in the same position
    positions = {q.choices.index(q.answer) for q in questions}
    assert len(positions) >= 2


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = write_quiz(tmp_path, good_rows())
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert len(load_quiz("demo", data_dir=tmp_path)) == 3
