"""The live room's apps, driven as a learner and an educator would, on a real SQLite store.

The polling loop needs a kernel's event loop; here each test calls ``refresh()`` where the
loop would (the browser test in tests/browser/test_voila_room.py runs the real loop).
"""

from __future__ import annotations

import asyncio

import pytest

from itb_edu.apps.room import EducatorRoomApp, LearnerRoomApp, learner_room_app
from itb_edu.room import room_question

ENV = {
    "SERVER_NAME": "127.0.0.1",
    "SERVER_PORT": "8866",
    "SCRIPT_NAME": "/voila/render/07_live_room.ipynb",
    "QUERY_STRING": "token=t",
}


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'room.sqlite'}"


@pytest.fixture
def educator(url):
    app = EducatorRoomApp(url, "em-04", environ=ENV)
    app.open_room()
    yield app
    app.poller.stop()


def learner(url, code, nickname=""):
    app = LearnerRoomApp(url, code)
    app.nickname.value = nickname
    app.join()
    return app


def test_opening_a_room_shows_the_code_the_link_and_the_question(educator):
    code = educator.room.code
    assert code in educator.join_panel.value
    assert f"08_join_room.ipynb?token=t&amp;code={code}" in educator.join_panel.value
    assert "<svg" in educator.join_panel.value
    assert room_question("em-04").prompt in educator.question.value
    assert "vote 1: 0 answers (hidden)" in educator.figure.layout.title.text
    assert educator.room.educator_key not in repr(educator.children)  # never on screen


def test_a_two_round_vote_end_to_end(url, educator):
    code = educator.room.code
    question = room_question("em-04")
    right = question.right[0]
    wrong = next(c for c in question.choices if c != right)
    class_ = [learner(url, code.lower(), nickname=f"N{n}" if n % 2 else "") for n in range(6)]
    for n, app in enumerate(class_):
        app.choices.value = right if n < 2 else wrong
        app.send()
        assert "Your answer is in" in app.status.value
    educator.refresh()
    assert "vote 1: 6 answers (hidden)" in educator.figure.layout.title.text
    assert all(app.result.value == "" for app in class_)  # nothing before the reveal

    educator.reveal()
    assert list(educator.figure.data[0].x) == [4, 2, 0]  # A (wrong) 4, B (right) 2, C 0
    assert "Right:" in educator.words.value
    for app in class_:
        app.refresh()
        assert "The result" in app.result.value
    assert "✘ not right" in class_[5].result.value
    assert "✔ right" in class_[0].result.value

    educator.vote_again()
    for app in class_:
        app.refresh()
        assert "Vote 2" in app.question.value
        assert app.result.value == ""
        app.choices.value = right  # convinced by the discussion
        app.send()
    educator.reveal()
    assert [t.name for t in educator.figure.data] == ["Vote 1", "Vote 2"]
    assert "Vote 2: 6 answers: A 0, B (right) 6, C 0." in educator.words.value

    educator.ask_close()
    educator.close_room()
    assert "closed and its answers are deleted" in educator.message.value
    for app in class_:
        app.refresh()
        assert "closed the room" in app.status.value


def test_a_numeric_question_takes_a_number_and_refuses_words_beside_the_box(url, educator):
    educator.picker.value = "rs-n2"
    educator.ask()
    app = learner(url, educator.room.code)
    assert app.number_field.box.layout.display is None
    assert "[days]" in app.number.description
    app.number.value = "about ninety"
    app.send()
    assert "Type a number" in app.number_field.message.value
    assert app.number.value == "about ninety"  # what the learner typed is kept
    app.number.value = "90"
    app.send()
    educator.reveal()
    assert "The engine: 90 days" in [a.text for a in educator.figure.layout.annotations]
    app.refresh()
    assert "✔ right" in app.result.value


def test_a_wrong_code_is_refused_beside_the_box(url, educator):
    app = LearnerRoomApp(url, "ZZZZZZ")
    app.join()
    assert "There is no room with the room code" not in app.code_field.message.value
    assert "no room with the code" in app.code_field.message.value
    assert app.seat is None
    assert app.code.value == "ZZZZZZ"


def test_an_answer_without_a_choice_says_so(url, educator):
    app = learner(url, educator.room.code)
    app.send()
    assert "Choose one answer first" in app.answer_field.message.value


def test_the_link_code_joins_by_itself(url, educator, monkeypatch):
    monkeypatch.setenv("QUERY_STRING", f"token=t&code={educator.room.code.lower()}")
    app = learner_room_app(url)
    assert app.seat is not None
    assert "You are in room" in app.status.value


def test_the_projector_follows_the_store_on_the_kernels_loop(url, educator):
    """With a running event loop (as in a kernel) the app polls by itself."""
    code = educator.room.code

    async def scenario():
        educator.poller.start()
        assert educator.poller.running
        seat = learner(url, code)
        seat.choices.value = room_question("em-04").choices[0]
        seat.send()
        for _ in range(40):
            await asyncio.sleep(0.05)
            if "vote 1: 1 answer (hidden)" in educator.figure.layout.title.text:
                return True
        return False

    assert asyncio.run(scenario())


def test_discarding_the_app_widget_does_not_close_the_room(url, educator):
    code = educator.room.code
    educator.close()  # what ipywidgets does when a widget is discarded
    assert educator.room.state().closed is False
    assert join_room_ok(url, code)


def join_room_ok(url, code):
    from itb_edu.room import join

    return join(url, code, "late-learner").code == code


def test_each_app_describes_itself_in_words_where_it_cannot_be_drawn(url, educator):
    assert "(run the notebook" in educator.static_text()
    assert "(run the notebook" in LearnerRoomApp(url).static_text()


def test_the_default_store_folder_is_made_when_missing(tmp_path):
    url = f"sqlite:///{tmp_path / 'not' / 'yet' / 'rooms.sqlite'}"
    app = EducatorRoomApp(url, "em-04", environ=ENV)
    app.open_room()
    assert app.room is not None
    assert (tmp_path / "not" / "yet" / "rooms.sqlite").exists()


def test_a_store_that_cannot_be_opened_is_said_in_words_without_the_password(tmp_path):
    url = "postgresql+psycopg://itb:secret@127.0.0.1:1/nowhere"  # nothing listens on port 1
    app = EducatorRoomApp(url, "em-04", environ=ENV)
    app.open_room()
    assert app.room is None
    assert "The room's store cannot be opened" in app.message.value
    assert "secret" not in app.message.value
    assert "ITB_EDU_ROOM_URL" in app.message.value


def test_a_learners_page_joins_without_plotly_or_the_data_tables(url, educator):
    """What runs after a learner opens the page stays light (thirty open it at once)."""
    import subprocess
    import sys

    probe = (
        "import sys; from itb_edu.apps.room import LearnerRoomApp; "
        f"app = LearnerRoomApp({url!r}, {educator.room.code!r}); app.join(); "
        "print(app.seat is not None, "
        "sorted(m for m in ('pandas', 'pandera', 'plotly', 'itb_edu.data') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split(maxsplit=1) == ["True", "[]\n"]


def test_a_case_decision_offers_the_checklist_and_names_each_actions_role(url, educator):
    educator.picker.value = "case:overdose-after-refill"
    educator.ask()
    app = learner(url, educator.room.code)
    question = room_question("case:overdose-after-refill")
    assert [value for _, value in app.choices.options] == list(question.choices)
    assert "(fictional)" in app.question.value
    app.choices.value = "Give physostigmine to reverse the baclofen"
    app.send()
    educator.reveal()
    app.refresh()
    assert "✘ not right" in app.result.value
    assert "What the course says about each choice" in educator.words.value
    assert "Turns the course" in educator.words.value  # each action's role, in words
