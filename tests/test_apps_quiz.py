"""Headless tests for the quiz widget: choose, click Check, read the feedback."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import ipywidgets as widgets
import pytest

from itb_edu import quiz
from itb_edu.apps.quiz import quiz_app
from itb_edu.data import DataValidationError
from itb_edu.errors import ParameterError

SOURCES = (
    "source_id,kind,citation,url\n"
    "src-a,label,Label Alpha citation,https://example.org/a\n"
    "src-b,peer-reviewed,Paper Beta citation,\n"
)
HEADER = [
    "question_id",
    "section",
    "question",
    "choices",
    "answer",
    "explanation",
    "source_ids",
    "vignette",
    "objective_ids",
    "wrong_feedback",
]
ROWS = [
    ["q1", "one", "First question?", "Apple | Banana | Cherry", "Banana",
     "Bananas explained.", "src-a", "", "obj-a", "Apples are not it. | Cherries are not it."],
    ["q2", "two", "Second question?", "Dog | Emu", "Emu",
     "Emus explained.", "src-b", "Fictional Mr K has itching.", "obj-a", "Dogs are not it."],
    ["q3", "two", "Third question?", "Fig | Grape", "Fig",
     "Figs explained.", "src-a;src-b", "Fictional Mr K has itching.", "obj-a",
     "Grapes are not it."],
]  # fmt: skip


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    (tmp_path / "quiz").mkdir()
    (tmp_path / "sources.csv").write_text(SOURCES, encoding="utf-8")
    (tmp_path / "objectives.csv").write_text(
        "objective_id,notebook,objective,source_ids\nobj-a,demo,Pick well.,src-a\n",
        encoding="utf-8",
    )
    with (tmp_path / "quiz" / "demo.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    return tmp_path


def descendants(widget: widgets.Widget) -> list[widgets.Widget]:
    found = [widget]
    for child in getattr(widget, "children", ()):
        found += descendants(child)
    return found


def of_type(app: widgets.Widget, kind: type) -> list:
    return [w for w in descendants(app) if type(w) is kind]


def cards(app: widgets.VBox) -> list[widgets.VBox]:
    return [w for w in app.children if "itb-quiz-question" in w._dom_classes]


def parts(card: widgets.VBox) -> tuple[widgets.RadioButtons, widgets.Button, widgets.HTML]:
    radio = of_type(card, widgets.RadioButtons)[0]
    button = of_type(card, widgets.Button)[0]
    feedback = card.children[-1]
    return radio, button, feedback


def score_line(app: widgets.VBox) -> str:
    return app.children[-2].value  # the last child is the learner-record notice


def visible_state(app: widgets.Widget) -> str:
    """All widget state a browser would get, except the radio option labels."""
    states = []
    for w in descendants(app):
        state = w.get_state()
        state.pop("_options_labels", None)
        states.append(state)
    return json.dumps(states, default=str)


def test_structure_and_nothing_preselected(data_dir: Path) -> None:
    app = quiz_app("demo", data_dir=data_dir)
    assert isinstance(app, widgets.VBox)
    assert len(cards(app)) == 3
    for card in cards(app):
        radio, button, feedback = parts(card)
        assert radio.value is None
        assert radio.index is None
        assert button.description == "Check"
        assert feedback.value == ""
    assert "0 of 3 right at the first try" in score_line(app)
    assert "0 of 3 answered" in score_line(app)


def test_no_answer_or_explanation_before_checking(data_dir: Path) -> None:
    app = quiz_app("demo", data_dir=data_dir)
    state = visible_state(app)
    for row in ROWS:
        assert row[4] not in state  # the right answer
        assert row[5] not in state  # the explanation
    assert "Correct" not in state
    assert "Label Alpha citation" not in state  # sources appear with feedback only


def test_right_answer_feedback_and_score(data_dir: Path) -> None:
    app = quiz_app("demo", data_dir=data_dir)
    radio, button, feedback = parts(cards(app)[0])
    radio.value = "Banana"
    button.click()
    assert "Correct. Bananas explained." in feedback.value
    assert "Label Alpha citation" in feedback.value
    assert 'href="https://example.org/a"' in feedback.value
    assert "1 of 3 right at the first try" in score_line(app)
    assert "1 of 3 answered" in score_line(app)


def test_a_wrong_answer_gets_a_second_attempt_before_the_answer(data_dir: Path) -> None:
    app = quiz_app("demo", data_dir=data_dir)
    radio, button, feedback = parts(cards(app)[0])
    radio.value = "Cherry"
    button.click()
    assert "↻ Not yet. Cherries are not it." in feedback.value
    assert "Banana" not in feedback.value
    assert "Bananas explained" not in feedback.value
    assert "0 of 3 right at the first try" in score_line(app)
    assert "1 of 3 answered" in score_line(app)
    # the second wrong answer reveals the right one and the explanation
    radio.value = "Apple"
    assert feedback.value == ""  # changing the choice clears old feedback
    button.click()
    assert "✘ Not quite. Apples are not it. The right answer is: Banana." in feedback.value
    assert "Bananas explained." in feedback.value
    # and the right one is confirmed; the score keeps the first attempt
    radio.value = "Banana"
    button.click()
    assert "✔ Correct." in feedback.value
    assert "0 of 3 right at the first try" in score_line(app)


def test_check_without_choice_shows_plain_message(data_dir: Path) -> None:
    app = quiz_app("demo", data_dir=data_dir)
    _radio, button, feedback = parts(cards(app)[1])
    button.click()
    assert "Choose an answer first" in feedback.value
    assert "Emu" not in feedback.value
    assert "0 of 3 answered" in score_line(app)


def test_vignette_shown_once_for_consecutive_questions(data_dir: Path) -> None:
    app = quiz_app("demo", data_dir=data_dir)
    texts = [w.value for w in of_type(app, widgets.HTML)]
    assert sum("Fictional Mr K has itching." in t for t in texts) == 1
    first_card_html = [w.value for w in of_type(cards(app)[0], widgets.HTML)]
    assert not any("Case (fictional patient)" in t for t in first_card_html)


def test_section_filter_and_numbering(data_dir: Path) -> None:
    app = quiz_app("demo", section="two", data_dir=data_dir)
    assert len(cards(app)) == 2
    headings = [w.value for w in of_type(app, widgets.HTML) if "Question" in w.value]
    assert headings[0].startswith("<b>Question 1 of 2.</b> Second question?")
    radio, button, feedback = parts(cards(app)[1])
    radio.value = "Fig"
    button.click()
    assert "Label Alpha citation" in feedback.value
    assert "Paper Beta citation" in feedback.value


def test_html_in_data_is_escaped(data_dir: Path) -> None:
    path = data_dir / "quiz" / "demo.csv"
    text = path.read_text(encoding="utf-8").replace("First question?", "Is 2 < 3 & 4 > 1?")
    path.write_text(text, encoding="utf-8")
    app = quiz_app("demo", data_dir=data_dir)
    headings = [w.value for w in of_type(app, widgets.HTML) if "Question 1" in w.value]
    assert "Is 2 &lt; 3 &amp; 4 &gt; 1?" in headings[0]


def test_bad_arguments_raise(data_dir: Path) -> None:
    with pytest.raises(ParameterError, match=r"quiz_id='missing'") as info:
        quiz_app("missing", data_dir=data_dir)
    assert info.value.parameter == "quiz_id"
    with pytest.raises(ParameterError, match=r"section='three'") as info:
        quiz_app("demo", section="three", data_dir=data_dir)
    assert info.value.parameter == "section"


def test_a_malformed_quiz_file_names_file_line_and_column(data_dir: Path) -> None:
    path = data_dir / "quiz" / "demo.csv"
    text = path.read_text(encoding="utf-8").replace("Dog | Emu,Emu,", "Dog | Emu,Eel,")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        quiz_app("demo", data_dir=data_dir)
    assert [str(p) for p in info.value.problems] == [
        "data/quiz/demo.csv, line 3, column 'answer': 'Eel' is not exactly one of the choices"
        " ['Dog', 'Emu']"
    ]


@pytest.mark.parametrize("quiz_id", quiz.available_quizzes())
def test_every_course_quiz_renders_and_answers(quiz_id: str) -> None:
    questions = quiz.load_quiz(quiz_id)
    app = quiz_app(quiz_id)
    explanations = visible_state(app)
    for question in questions:
        assert question.explanation not in explanations
    numeric = quiz.load_numeric(quiz_id)
    choice_cards = cards(app)[: len(questions)]
    for card, question in zip(choice_cards, questions, strict=True):
        radio, button, feedback = parts(card)
        radio.value = question.answer
        button.click()
        assert feedback.value.startswith("<div")
        assert "Correct." in feedback.value
    for card, item in zip(cards(app)[len(questions) :], numeric, strict=True):
        _text, entry, button, feedback = card.children
        entry.value = str(quiz.expected_value(item))
        button.click()
        assert "Correct." in feedback.value
    total = len(questions) + len(numeric)
    assert f"{total} of {total} right" in score_line(app)


def test_a_quiz_that_cannot_be_drawn_shows_its_questions_in_words_not_a_repr() -> None:
    from itb_edu.apps.quiz import quiz_app
    from itb_edu.quiz import load_quiz

    app = quiz_app("03_side_effects_and_safety", section="cases")
    bundle = app._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    questions = load_quiz("03_side_effects_and_safety", "cases")
    for question in questions:
        assert question.question in data["text/plain"]
        assert question.explanation not in data["text/plain"]
        for choice in question.choices:
            assert choice in data["text/plain"]
    assert questions[0].vignette in data["text/plain"]
    assert "VBox(" not in data["text/plain"]
    assert data["text/html"].count("<ol>") == 1
    assert "application/vnd.jupyter.widget-view+json" in data


def test_numeric_questions_follow_in_their_section_and_are_checked_by_the_engine() -> None:
    app = quiz_app("02_reservoir_simulator", section="alarm")
    numeric = [c for c in cards(app) if "itb-quiz-numeric" in c._dom_classes]
    assert len(numeric) == 2
    _text, entry, button, feedback = numeric[0].children
    assert "Your answer (days)" in entry.description
    button.click()
    assert "Type a number first" in feedback.value
    entry.value = "ninety"
    button.click()
    assert "ninety is not a number" in feedback.value
    assert entry.value == "ninety"  # kept, to be corrected
    entry.value = "100"
    button.click()
    assert "↻ Not yet." in feedback.value
    assert "when the pump would be empty" in feedback.value
    entry.value = "90"
    button.click()
    assert "✔ Correct." in feedback.value
    assert "(20 − 2) mL" in feedback.value
    assert "0 of 5 right at the first try" in score_line(app)


def test_first_answers_go_into_the_learner_record_with_their_objectives(data_dir: Path) -> None:
    from itb_edu.apps.controls import learner_record

    record = learner_record()
    record.reset(confirm=True)
    app = quiz_app("demo", data_dir=data_dir)
    radio, button, _feedback = parts(cards(app)[0])
    radio.value = "Cherry"
    button.click()
    radio.value = "Banana"
    button.click()  # the second attempt is not recorded again
    attempts, problem = record.attempts()
    assert problem == ""
    assert [(a.kind, a.item_id, a.objective_ids, a.correct) for a in attempts] == [
        ("question", "q1", ("obj-a",), False)
    ]
    assert app.children[-1].value == ""  # saved: no notice
    record.reset(confirm=True)


def test_a_record_that_cannot_be_saved_says_so_beside_the_quiz(
    data_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    from itb_edu.record import RECORD_ENV

    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"not a database " * 50)
    monkeypatch.setenv(RECORD_ENV, str(damaged))
    app = quiz_app("demo", data_dir=data_dir)
    radio, button, feedback = parts(cards(app)[0])
    radio.value = "Banana"
    button.click()
    assert "✔ Correct." in feedback.value  # the course keeps working
    notice = app.children[-1].value
    assert "Your progress could not be saved" in notice
    assert "kept for this session" in notice
    assert damaged.read_bytes() == b"not a database " * 50
