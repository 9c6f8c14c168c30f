"""My progress: the pre-test and post-test, the progress view, the summary, reset."""

from __future__ import annotations

import base64
import re

import pytest

from itb_edu import cases, data
from itb_edu.apps.cases import case_app
from itb_edu.apps.controls import learner_record
from itb_edu.apps.progress import prepost_app, progress_app
from itb_edu.errors import ParameterError


@pytest.fixture(autouse=True)
def fresh_record():
    learner_record().reset(confirm=True)
    yield
    learner_record().reset(confirm=True)


def answer_all(test, right: bool):
    for (_objective, question), radio in zip(test.questions, test.radios, strict=True):
        wrong = next(c for c in question.choices if c != question.answer)
        radio.value = question.answer if right else wrong


def row_of(table_html: str, objective_text: str) -> str:
    for row in re.findall(r"<tr>(.*?)</tr>", table_html):
        if objective_text in row.replace("&#x27;", "'"):
            return row
    raise AssertionError(objective_text)


def test_the_pre_test_needs_every_answer_and_keeps_the_answers_back():
    test = prepost_app("pre-test")
    assert len(test.questions) == len(data.prepost())
    test.submit()
    assert "12 questions not answered yet" in test.field.message.value
    assert learner_record().attempts() == ([], "")
    answer_all(test, right=False)
    test.submit()
    assert "Pre-test recorded: 0 of 12 right." in test.result.value
    for _objective, question in test.questions:
        assert question.answer not in test.result.value


def test_pre_and_post_test_sit_side_by_side_in_my_progress():
    pre = prepost_app("pre-test")
    answer_all(pre, right=False)
    pre.submit()
    post = prepost_app("post-test")
    answer_all(post, right=True)
    post.submit()
    view = progress_app()
    objective = data.objectives().set_index("objective_id").loc["emergency-overdose", "objective"]
    row = row_of(view.table.value, objective)
    assert "<td>✘ wrong</td><td>✔ right</td>" in row


def test_a_finished_case_counts_for_its_objectives():
    app = case_app("overdose-after-refill")
    for action_id in cases.best_actions("overdose-after-refill"):
        app.action.value = action_id
        app.do()
    assert app.state.outcome == "good"
    attempts, _ = learner_record().attempts()
    assert [(a.kind, a.item_id, a.correct, a.detail) for a in attempts] == [
        ("case", "overdose-after-refill", True, "good")
    ]
    view = progress_app()
    objective = data.objectives().set_index("objective_id").loc["emergency-overdose", "objective"]
    assert "✔ right first time" in row_of(view.table.value, objective)
    app.restart()  # playing again does not record the first outcome twice
    assert len(learner_record().attempts()[0]) == 1


def test_the_summary_to_print_carries_the_date_and_the_name_given():
    view = progress_app()
    view.name.value = "Sam (student nurse)"
    view.prepare_summary()
    link = view.summary.value
    assert 'download="itb-edu-progress-' in link
    page = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", link).group(1)).decode()
    assert "Printed:" in page
    assert "Sam (student nurse)" in page
    assert "no patient information is held" in page


def test_delete_needs_a_confirmation_and_keep_keeps():
    learner_record().add("question", "em-04", ("emergency-overdose",), True)
    view = progress_app()
    view.ask_reset()
    assert view.confirm_box.layout.display is None
    view.keep()
    assert "kept" in view.message.value
    assert learner_record().attempts()[0]
    view.ask_reset()
    view.reset()
    assert "deleted" in view.message.value
    assert learner_record().attempts() == ([], "")
    assert "○ not yet seen" in view.table.value


def test_where_the_record_lives_is_shown_and_nothing_is_sent():
    view = progress_app()
    shown = view.children[0].value
    assert str(learner_record().path) in shown
    assert "Nothing is sent anywhere" in shown
    assert repr(view).startswith("My progress")


def test_an_unknown_test_kind_names_its_parameter():
    with pytest.raises(ParameterError) as raised:
        prepost_app("mid-test")
    assert raised.value.parameter == "kind"
