"""A learner joins a live room from JupyterLab (notebook 08 run in Lab, not the app view).

The room is opened by the test itself on the test session's store (the educator's side is
tested in the app view in test_voila_room.py); the Lab kernel's page follows the room by
polling on its own event loop: the reveal reaches it without a click.
"""

from __future__ import annotations

import os

from itb_edu.room import ROOM_URL_ENV, Room, room_question
from tests.browser.test_lab_notebooks import NOTEBOOKS, expected_outputs, run_all_and_wait


def test_a_learner_joins_and_answers_from_jupyterlab(page, lab_server):
    url = os.environ[ROOM_URL_ENV]  # the Lab server's kernels see the same store
    room = Room.open(url, "em-04")
    path = next(p for p in NOTEBOOKS if p.name == "08_join_room.ipynb")
    page.goto(lab_server.url(f"lab/tree/notebooks/{path.name}", reset=""))
    run_all_and_wait(page, expected_outputs(path)[0])
    app = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .itb-room-learner")
    app.get_by_role("textbox", name="Room code").fill(room.code.lower())
    app.get_by_role("button", name="Join").click()
    app.get_by_text(f"You are in room {room.code}").wait_for(timeout=30_000)
    right = room_question("em-04").right[0]
    app.get_by_role("radio", name=f"B. {right}").check()
    app.get_by_role("button", name="Send my answer").click()
    app.get_by_text("Your answer is in").wait_for(timeout=30_000)
    assert dict(room.tally().counts)[right] == 1

    room.reveal(educator_key=room.educator_key)
    app.locator("h4", has_text="The result").wait_for(timeout=30_000)  # no click: it follows
    assert "✔ right" in app.inner_text()
    room.close(educator_key=room.educator_key)
    app.get_by_text("The educator has closed the room.").wait_for(timeout=30_000)
