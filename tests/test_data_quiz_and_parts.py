"""itb_edu.data reads the quizzes and the parts catalogue: hand-written bad files, exact messages.

Every problem is reported as ``data/<file>.csv, line L, column 'C': <plain words>``, the same
for a quiz (``data/quiz/<quiz_id>.csv``) as for any other course table.
"""

from __future__ import annotations

import csv
import io
import shutil
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itb_edu import data
from itb_edu.errors import ParameterError

SOURCES = textwrap.dedent(
    """\
    source_id,kind,citation,url
    src-a,label,Label A citation,https://example.org/a
    src-b,peer-reviewed,"Author B, journal, 2002",
    """
)
QUIZ_HEADER = (
    "question_id,section,question,choices,answer,explanation,source_ids,objective_ids,"
    "wrong_feedback"
)
OBJECTIVES = "objective_id,notebook,objective,source_ids\nobj-a,demo,Pick well.,src-a\n"
PARTS_HEADER = "part_id,figure,name,explanation,source_ids"


def write(root: Path, name: str, text: str) -> Path:
    """Write ``data/<name>.csv`` (and sources.csv) under ``root``; return ``root``."""
    (root / "sources.csv").write_text(SOURCES, encoding="utf-8")
    (root / "objectives.csv").write_text(OBJECTIVES, encoding="utf-8")
    path = root / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def problems(load) -> list[str]:
    with pytest.raises(data.DataValidationError) as info:
        load()
    return [str(problem) for problem in info.value.problems]


# --- quizzes ------------------------------------------------------------------------------


def test_quiz_row_rules_are_reported_with_line_and_column(tmp_path):
    root = write(
        tmp_path,
        "quiz/bad",
        f"""\
        {QUIZ_HEADER}
        q1,s,Pick A?,A | B,A,Because.,src-a,obj-a,No.
        q2,s,Pick one?,Only one,Only one,Because.,src-a,obj-a,No.
        q3,s,Pick X?,X | Y,Z,Because.,src-b,obj-a,No.
        q4,s,Pick M?,M |  | N,M,Because.,src-a,obj-a,No. | No.
        q5,s,Pick P?,P | P | Q,Q,Because.,src-a;src-b,obj-a,No. | No.
        """,
    )
    assert problems(lambda: data.quiz("bad", root)) == [
        "data/quiz/bad.csv, line 3, column 'choices': needs 2 or more choices separated by"
        " ' | ', got ['Only one']",
        "data/quiz/bad.csv, line 4, column 'answer': 'Z' is not exactly one of the choices"
        " ['X', 'Y']",
        "data/quiz/bad.csv, line 5, column 'choices': a choice is empty (check the ' | '"
        " separators)",
        "data/quiz/bad.csv, line 6, column 'choices': repeated choice 'P'",
    ]


def test_quiz_schema_problems_are_reported_with_line_and_column(tmp_path):
    root = write(
        tmp_path,
        "quiz/bad",
        f"""\
        {QUIZ_HEADER}
        q1,s,Pick A?,A | B,A,,src-a,obj-a,No.
        q1,s,Pick B?,A | B,B,Because.,src-a,obj-a,No.
        """,
    )
    assert problems(lambda: data.quiz("bad", root)) == [
        "data/quiz/bad.csv, line 2, column 'explanation': is empty; this column must be filled",
        "data/quiz/bad.csv, line 3, column 'question_id': 'q1' appears more than once"
        " (first on line 2); it must be unique",
    ]


def test_quiz_sources_must_resolve(tmp_path):
    root = write(
        tmp_path,
        "quiz/bad",
        f"""\
        {QUIZ_HEADER}
        q1,s,Pick A?,A | B,A,Because.,src-a;nobody-2020,obj-a,No.
        q2,s,Pick B?,A | B,B,Because., ;,obj-a,No.
        """,
    )
    assert problems(lambda: data.quiz("bad", root)) == [
        "data/quiz/bad.csv, line 2, column 'source_ids': source 'nobody-2020' is not in"
        " sources.csv",
        "data/quiz/bad.csv, line 3, column 'source_ids': no source given; every row needs one",
    ]


def test_quiz_header_problems_are_on_line_1(tmp_path):
    root = write(
        tmp_path,
        "quiz/bad",
        """\
        question_id,section,question,choices,answer,source_ids,hint,objective_ids,wrong_feedback
        q1,s,Pick A?,A | B,A,src-a,psst,obj-a,No.
        """,
    )
    assert problems(lambda: data.quiz("bad", root)) == [
        "data/quiz/bad.csv, line 1, column 'explanation': this column is missing",
        "data/quiz/bad.csv, line 1, column 'hint': this column is not expected in this table",
    ]


def test_quiz_without_questions(tmp_path):
    root = write(tmp_path, "quiz/empty", f"{QUIZ_HEADER}\n")
    assert problems(lambda: data.quiz("empty", root)) == [
        "data/quiz/empty.csv, line 2: the quiz has no questions"
    ]


def test_vignette_column_is_optional(tmp_path):
    root = write(
        tmp_path,
        "quiz/plain",
        f"""\
        {QUIZ_HEADER}
        q1,s,Pick A?,A | B,A,Because.,src-a,obj-a,No.
        """,
    )
    write(
        root,
        "quiz/case",
        f"""\
        {QUIZ_HEADER},vignette
        q1,s,Pick A?,A | B,A,Because.,src-a,obj-a,No.,"Fictional Ms T, 40, has itching."
        q2,s,Pick B?,A | B,B,Because.,src-a,obj-a,No.,
        """,
    )
    plain = data.quiz("plain", root)
    case = data.quiz("case", root)
    assert list(plain.columns) == list(case.columns) == data.SPECS["quiz"].columns
    assert plain["vignette"].isna().all()
    assert case.loc[2, "vignette"] == "Fictional Ms T, 40, has itching."
    assert case["vignette"].isna().tolist() == [False, True]


def test_a_broken_course_quiz_names_its_file_line_and_column(tmp_path):
    shutil.copy(data.course_data_dir() / "sources.csv", tmp_path / "sources.csv")
    shutil.copy(data.course_data_dir() / "objectives.csv", tmp_path / "objectives.csv")
    (tmp_path / "quiz").mkdir()
    source = data.course_data_dir() / "quiz" / "02_reservoir_simulator.csv"
    with source.open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    assert data.quiz("02_reservoir_simulator").index[3] == 5  # the 4th question is on line 5
    answer = records[0].index("answer")
    records[4][answer] = "Something else"
    with (tmp_path / "quiz" / source.name).open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(records)
    (message,) = problems(lambda: data.quiz("02_reservoir_simulator", tmp_path))
    assert message.startswith(
        "data/quiz/02_reservoir_simulator.csv, line 5, column 'answer': 'Something else' is not"
        " exactly one of the choices ["
    )


@pytest.mark.parametrize("quiz_id", ["", "../sources", "a/b", "x.csv", 3, None])
def test_quiz_id_must_be_a_file_name(tmp_path, quiz_id):
    root = write(tmp_path, "quiz/demo", f"{QUIZ_HEADER}\nq1,s,Q?,A | B,A,Why.,src-a,obj-a,No.\n")
    with pytest.raises(ParameterError, match=r"quiz_id=.* must be a file name") as info:
        data.quiz(quiz_id, root)
    assert info.value.parameter == "quiz_id"


def test_unknown_quiz_and_missing_folder_are_argument_errors(tmp_path):
    root = write(tmp_path, "quiz/demo", f"{QUIZ_HEADER}\nq1,s,Q?,A | B,A,Why.,src-a,obj-a,No.\n")
    assert data.quiz_ids(root) == ["demo"]
    with pytest.raises(ParameterError, match=r"quiz_id='nope': no file .*\['demo'\]") as info:
        data.quiz("nope", root)
    assert info.value.parameter == "quiz_id"
    with pytest.raises(ParameterError, match=r"data_dir=.* is not a directory") as info:
        data.quiz("demo", root / "absent")
    assert info.value.parameter == "data_dir"
    assert data.quiz_ids(root / "quiz") == []


_word = st.text(alphabet="abcdefghij XYZ0123", min_size=1, max_size=8).map(str.strip).filter(bool)


@settings(max_examples=30, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.lists(_word, min_size=2, max_size=4, unique=True),  # choices
            st.integers(min_value=-1, max_value=3),  # answer: a choice, or -1 for a stranger
            st.integers(min_value=0, max_value=3),  # extra lines inside the question text
        ),
        min_size=1,
        max_size=6,
    )
)
def test_wrong_answers_are_found_on_the_line_they_start(tmp_path_factory, rows):
    root = tmp_path_factory.mktemp("quiz")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(QUIZ_HEADER.split(","))
    expected = []
    line = 2
    for number, (choices, pick, extra_lines) in enumerate(rows):
        answer = "not a choice at all" if pick < 0 else choices[pick % len(choices)]
        question = "\n".join(["Which one?"] * (extra_lines + 1))
        writer.writerow(
            [
                f"q{number}",
                "s",
                question,
                " | ".join(choices),
                answer,
                "Why.",
                "src-a",
                "obj-a",
                " | ".join(["Not that one."] * (len(choices) - 1)),
            ]
        )
        if pick < 0:
            expected.append(
                f"data/quiz/prop.csv, line {line}, column 'answer': {answer!r} is not exactly"
                f" one of the choices {choices!r}"
            )
        line += extra_lines + 1
    write(root, "quiz/prop", buffer.getvalue())
    if expected:
        assert problems(lambda: data.quiz("prop", root)) == expected
    else:
        table = data.quiz("prop", root)
        assert [data.split_choices(c) for c in table["choices"]] == [r[0] for r in rows]


# --- the parts catalogue ------------------------------------------------------------------


def test_parts_problems_are_reported_with_line_and_column(tmp_path):
    root = write(
        tmp_path,
        "system_parts",
        f"""\
        {PARTS_HEADER}
        pump,body,Pump,A disc under the skin.,src-a
        pump,heart,,Words.,src-a
        """,
    )
    assert problems(lambda: data.system_parts(root)) == [
        "data/system_parts.csv, line 3, column 'figure': 'heart' is not one of: body, spine, pump",
        "data/system_parts.csv, line 3, column 'name': is empty; this column must be filled",
        "data/system_parts.csv, line 3, column 'part_id': 'pump' appears more than once"
        " (first on line 2); it must be unique",
    ]


def test_parts_sources_and_columns(tmp_path):
    root = write(
        tmp_path,
        "system_parts",
        f"""\
        {PARTS_HEADER}
        pump,body,Pump,A disc under the skin.,src-a
        port,pump,Port,"A port, for refills.",src-zz
        """,
    )
    assert problems(lambda: data.system_parts(root)) == [
        "data/system_parts.csv, line 3, column 'source_ids': source 'src-zz' is not in sources.csv"
    ]
    write(root, "system_parts", "part_id,figure,name\npump,body,Pump\n")
    assert problems(lambda: data.system_parts(root)) == [
        "data/system_parts.csv, line 1, column 'explanation': this column is missing",
        "data/system_parts.csv, line 1, column 'source_ids': this column is missing",
    ]


def test_parts_field_count_is_checked(tmp_path):
    root = write(
        tmp_path,
        "system_parts",
        f"""\
        {PARTS_HEADER}
        port,pump,Port,A port, for refills.,src-a
        """,
    )
    assert problems(lambda: data.system_parts(root)) == [
        "data/system_parts.csv, line 2: has 6 fields but the header has 5 (a comma in a text"
        " field needs the field in double quotes)"
    ]
