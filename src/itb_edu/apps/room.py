"""The live room's two apps: the educator's (open, project, reveal, vote again) and the learner's.

:class:`EducatorRoomApp` opens a room on a question of the course (the question bank, a
numeric question, a case decision), shows the room code large with the join link and its QR
code, and projects the class's answers: the number of answers live, the result hidden until
**Reveal**, then the figure, the result in words, the explanation and its sources; **Vote
again** opens a second vote shown beside the first (peer instruction); **Ask** puts another
question to the same room; **Close** deletes the answers.

:class:`LearnerRoomApp` joins a room by its code (anonymous, or with a nickname), shows the
question, records or replaces the learner's answer, and after the reveal shows the class's
result and the explanation. Both follow the store (:mod:`itb_edu.room`) by polling it on the
kernel's event loop: a change reaches the screen within :data:`PROJECTOR_POLL_S` (educator) or
:data:`LEARNER_POLL_S` (learner) seconds. A bad code, a closed room or a number that is not one
gets a plain message beside its control.

For education only: not for managing a real patient.
"""

from __future__ import annotations

import asyncio
import html
import os
import uuid
from typing import Any

import ipywidgets as widgets

from itb_edu.apps.controls import Field, StaticView, learner_message
from itb_edu.room import (
    Room,
    RoomQuestion,
    RoomState,
    Seat,
    default_url,
    join,
    join_link,
    room_questions,
)

__all__ = [
    "LEARNER_POLL_S",
    "PROJECTOR_POLL_S",
    "EducatorRoomApp",
    "LearnerRoomApp",
    "educator_room_app",
    "learner_room_app",
]

#: How often the projector reads the store [s] (answer-to-projector latency is below this
#: plus one read and one redraw).
PROJECTOR_POLL_S = 0.25
#: How often a learner's page reads the store [s].
LEARNER_POLL_S = 1.0

_NOTICE = "border-left:4px solid #1f4e79;background:#f4f7fa;padding:4px 10px;"
#: Learners answer on phones too: every answer is a 24-pixel target at least (WCAG 2.5.8),
#: with room between them, and the text is large enough to read at arm's length.
_LEARNER_CSS = """<style>
.itb-room-learner .widget-radio-box label {min-height: 36px; display: flex;
  align-items: center; gap: 8px; font-size: 1.05em; line-height: 1.3; margin: 2px 0;}
.itb-room-learner .widget-radio-box input[type=radio] {width: 24px; height: 24px;
  flex: 0 0 24px; margin: 0;}
.itb-room-learner button, .itb-room-learner input[type=text] {min-height: 36px;}
</style>"""
_LABELS = {"question_id": "question"}


def _shown_url(url: str) -> str:
    """Return the store's URL without its password, to show in a message."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(not a valid URL)"


def _question_options() -> list[tuple[str, str]]:
    """Dropdown options: ``(label, question id)`` for every question a room can ask."""
    kinds = {"choice": "Question", "number": "Number", "case": "Case decision"}
    options = []
    for question_id, question in room_questions().items():
        title = question.title if len(question.title) <= 90 else question.title[:87] + "…"
        options.append((f"{kinds[question.kind]} {question_id}: {title}", question_id))
    return options


class _Poller:
    """Run ``tick`` every ``period_s`` seconds on the kernel's event loop until stopped."""

    def __init__(self, tick: Any, period_s: float) -> None:
        self.tick, self.period_s = tick, period_s
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self.task is not None and not self.task.done():
            return
        try:
            loop = asyncio.get_running_loop()  # a kernel's: cells and clicks run on it
        except RuntimeError:  # no loop (a script, a test): the owner calls tick itself
            return
        self.task = loop.create_task(self._run())

    async def _run(self) -> None:
        while True:
            self.tick()
            await asyncio.sleep(self.period_s)

    @property
    def running(self) -> bool:
        """Whether the polling task is running."""
        return self.task is not None and not self.task.done()

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task = None


class EducatorRoomApp(StaticView, widgets.VBox):
    """The educator's room: open it, show the code, project the answers, reveal, vote again.

    Parameters
    ----------
    url : str, optional
        The store (default :func:`itb_edu.room.default_url`).
    question_id : str, optional
        The question selected at first.
    environ : dict, optional
        Where the join link's server is read (default ``os.environ``, which Voilà fills).

    Attributes
    ----------
    room : itb_edu.room.Room or None
        The open room (its key stays in this kernel; it is never shown).
    picker : ipywidgets.Dropdown
        Every question a room can ask.
    open_button, ask_button, reveal_button, again_button, close_button : ipywidgets.Button
    figure : plotly.graph_objects.FigureWidget
        The projector figure (:func:`itb_edu.figures.room.room_figure`).
    words : ipywidgets.HTML
        The result in words, the explanation and the sources after the reveal.
    """

    def __init__(
        self,
        url: str | None = None,
        question_id: str = "em-04",
        environ: dict[str, str] | None = None,
    ) -> None:
        from itb_edu.figure_widget import figure_widget

        self.url = url or default_url()
        self.environ = environ
        self.room: Room | None = None
        self.citations: dict[str, tuple[str, str]] = {}  # the room's question's, from the store
        self._shown: tuple[Any, ...] | None = None
        self.picker = widgets.Dropdown(
            options=_question_options(),
            value=question_id,
            description="Question",
            style={"description_width": "80px"},
            layout=widgets.Layout(width="min(100%, 900px)"),
        )
        self.picker_field = Field(self.picker, below=True)
        self.open_button = widgets.Button(
            description="Open a room on this question", icon="door-open", button_style="primary"
        )
        self.ask_button = widgets.Button(description="Ask this question in the room", icon="play")
        self.reveal_button = widgets.Button(description="Reveal the result", icon="eye")
        self.again_button = widgets.Button(
            description="Vote again (after discussion)", icon="repeat"
        )
        self.close_button = widgets.Button(description="Close the room…", icon="trash")
        self.yes_close = widgets.Button(
            description="Yes, close it and delete the answers", button_style="danger"
        )
        self.keep_open = widgets.Button(description="Keep it open")
        for button in (
            self.open_button,
            self.ask_button,
            self.reveal_button,
            self.again_button,
            self.close_button,
            self.yes_close,
            self.keep_open,
        ):
            button.layout.width = "auto"
        self.confirm_box = widgets.HBox([self.yes_close, self.keep_open])
        self.confirm_box.layout.display = "none"
        self.join_panel = widgets.HTML()
        self.question = widgets.HTML()
        self._figure_widget = figure_widget
        self.figure: Any = None  # made with the first projector figure (layout= in the constructor)
        # The figure joins the page when a room opens: drawn in a visible box, it takes the
        # page's width (a figure first drawn hidden keeps plotly's default width).
        self.figure_box = widgets.VBox([], layout=widgets.Layout(width="100%"))
        self.words = widgets.HTML()
        self.message = widgets.HTML()
        self.controls = widgets.HBox(
            [self.reveal_button, self.again_button, self.ask_button, self.close_button],
            layout=widgets.Layout(flex_flow="row wrap", grid_gap="8px"),
        )
        self.controls.layout.display = "none"
        self.open_button.on_click(self.open_room)
        self.ask_button.on_click(self.ask)
        self.reveal_button.on_click(self.reveal)
        self.again_button.on_click(self.vote_again)
        self.close_button.on_click(self.ask_close)
        self.yes_close.on_click(self.close_room)
        self.keep_open.on_click(self.keep)
        self.picker.observe(self.picker_field.clear, "value")
        self.poller = _Poller(self.refresh, PROJECTOR_POLL_S)
        super().__init__(
            [
                self.picker_field.box,
                self.open_button,
                self.join_panel,
                self.question,
                self.figure_box,
                self.words,
                self.controls,
                self.confirm_box,
                self.message,
            ],
            layout=widgets.Layout(width="100%"),
        )
        self.add_class("itb-room-educator")

    def static_text(self) -> str:
        """Return what the app is, in words."""
        return (
            "The live room for educators (run the notebook, or open it in the app view): "
            "choose a course question, a numeric question or a case decision and open a "
            "room; the class joins with the code shown large (with its link and QR code) and "
            "answers on their own screens; the projector counts the answers live, shows the "
            "result when you reveal it, with the explanation and its sources, and a second "
            "vote beside the first."
        )

    # ---------------------------------------------------------------- actions
    def _say(self, text: str) -> None:
        self.message.value = f"<div style='{_NOTICE}' role='status'>{html.escape(text)}</div>"

    def _problem(self, error: Exception) -> None:
        words = learner_message(error, _LABELS, capitalize=True)
        if getattr(error, "parameter", None) == "question_id":
            self.picker_field.error(words)
        else:
            self.message.value = f"<div role='alert'>⚠ {html.escape(words)}</div>"

    def open_room(self, _: Any = None) -> None:
        """Open a room on the selected question and show how to join it."""
        try:
            self.room = Room.open(self.url, str(self.picker.value))
        except ValueError as error:
            self._problem(error)
            return
        except Exception as error:  # the store cannot be opened: say where, keep the page
            self.message.value = (
                "<div role='alert'>⚠ The room's store cannot be opened "
                f"({html.escape(type(error).__name__)}). Check the setting "
                f"<code>ITB_EDU_ROOM_URL</code> (now <code>{html.escape(_shown_url(self.url))}"
                "</code>); see docs/live-room.md.</div>"
            )
            return
        link = join_link(self.room.code, self.environ)
        from itb_edu.room_presentation import join_panel_html

        self.join_panel.value = join_panel_html(self.room.code, link)
        self.open_button.layout.display = "none"
        self.controls.layout.display = "flex"
        self._say(f"Room {self.room.code} is open. The class can join now.")
        self._shown = None
        self.refresh()
        self.poller.start()

    def ask(self, _: Any = None) -> None:
        """Put the selected question to the room (the class stays joined)."""
        if self.room is None:
            self.open_room()
            return
        try:
            self.room.ask(str(self.picker.value), educator_key=self.room.educator_key)
        except ValueError as error:
            self._problem(error)
            return
        self._say("New question: its first vote is open.")
        self.refresh()

    def reveal(self, _: Any = None) -> None:
        """Show the current vote's result on the projector and on the learners' pages."""
        if self.room is not None:
            self.room.reveal(educator_key=self.room.educator_key)
            self._say("Revealed.")
            self.refresh()

    def vote_again(self, _: Any = None) -> None:
        """Open a second vote on the same question, after the class has discussed."""
        if self.room is not None:
            self.room.next_round(educator_key=self.room.educator_key)
            self._say("A new vote is open; the last one stays beside it.")
            self.refresh()

    def ask_close(self, _: Any = None) -> None:
        """Ask before closing (closing deletes the answers)."""
        self.confirm_box.layout.display = "flex"

    def keep(self, _: Any = None) -> None:
        """Keep the room open."""
        self.confirm_box.layout.display = "none"

    def close_room(self, _: Any = None) -> None:
        """Close the room and delete its answers.

        (Not ``close``: ipywidgets calls a widget's ``close`` when it is discarded, and a room
        must close only when the educator confirms.)
        """
        self.confirm_box.layout.display = "none"
        if self.room is None:
            return
        self.room.close(educator_key=self.room.educator_key)
        self.poller.stop()
        code = self.room.code
        self.room = None
        self.join_panel.value = ""
        self.controls.layout.display = "none"
        self.open_button.layout.display = None
        self._say(f"Room {code} is closed and its answers are deleted.")

    # ---------------------------------------------------------------- projector
    def refresh(self) -> None:
        """Read the store; redraw the projector if anything changed."""
        if self.room is None:
            return
        try:
            state = self.room.state()
            tallies = self.room.rounds()
        except Exception as error:  # the store went away: say so, keep the page
            problem = html.escape(type(error).__name__)
            self.message.value = (
                f"<div role='alert'>⚠ The room's store cannot be read just now ({problem}); "
                "the page tries again.</div>"
            )
            return
        key = (state, tallies)
        if key == self._shown:
            return
        self._shown = key
        question, self.citations = self.room.question()
        self.draw(question, state, tallies)

    def draw(self, question: RoomQuestion, state: RoomState, tallies: tuple[Any, ...]) -> None:
        """Put a question's votes on the projector (figure, words, explanation)."""
        from itb_edu.figures.room import room_figure
        from itb_edu.room_presentation import question_html, result_html

        self.question.value = question_html(question, large=True)
        fresh = room_figure(question, tallies, code=state.code)
        if self.figure is None:
            self.figure = self._figure_widget(data=fresh.data, layout=fresh.layout)
            self.figure_box.children = (self.figure,)
        with self.figure.batch_update():
            self.figure.data = ()
            self.figure.add_traces(list(fresh.data))
            # Lists in a layout are replaced, not merged: a hidden vote's note must go.
            self.figure.layout.annotations = fresh.layout.annotations
            self.figure.layout.shapes = fresh.layout.shapes
            self.figure.update_layout(fresh.layout.to_plotly_json())
        self.words.value = result_html(question, tallies, self.citations, large=True)
        self.reveal_button.disabled = state.revealed


class LearnerRoomApp(StaticView, widgets.VBox):
    """A learner's seat: join with the code, answer, see the class's result after the reveal.

    Parameters
    ----------
    url : str, optional
        The store (default :func:`itb_edu.room.default_url`).
    code : str, optional
        A room code to fill in (from the join link).

    Attributes
    ----------
    seat : itb_edu.room.Seat or None
    code, nickname : ipywidgets.Text
    join_button, send_button : ipywidgets.Button
    choices : ipywidgets.RadioButtons
    number : ipywidgets.Text
        The answer to a numeric question (a number in the unit shown).
    status, result : ipywidgets.HTML
    """

    def __init__(self, url: str | None = None, code: str = "") -> None:
        self.url = url or default_url()
        self.learner_id = uuid.uuid4().hex  # anonymous, one per page
        self.seat: Seat | None = None
        self._state: RoomState | None = None
        self._question: Any = None
        self._citations: dict[str, tuple[str, str]] = {}
        self._mine: str | None = None
        self.code = widgets.Text(
            value=code,
            description="Room code",
            placeholder="6 letters and digits",
            style={"description_width": "110px"},
            layout=widgets.Layout(width="300px"),
        )
        self.nickname = widgets.Text(
            description="Nickname (optional)",
            placeholder="leave empty to stay anonymous",
            style={"description_width": "150px"},
            layout=widgets.Layout(width="420px"),
        )
        self.code_field = Field(self.code)
        self.join_button = widgets.Button(
            description="Join", icon="sign-in", button_style="primary"
        )
        self.join_box = widgets.VBox(
            [self.code_field.box, self.nickname, self.join_button],
            layout=widgets.Layout(grid_gap="6px"),
        )
        self.question = widgets.HTML()
        self.choices = widgets.RadioButtons(
            options=[], layout=widgets.Layout(width="100%"), description=""
        )
        self.number = widgets.Text(description="Your answer", style={"description_width": "110px"})
        self.answer_field = Field(self.choices, below=True)
        self.number_field = Field(self.number)
        self.send_button = widgets.Button(description="Send my answer", icon="paper-plane")
        self.send_button.layout.width = "auto"
        self.answer_box = widgets.VBox(
            [self.question, self.answer_field.box, self.number_field.box, self.send_button]
        )
        self.answer_box.layout.display = "none"
        self.status = widgets.HTML()
        self.result = widgets.HTML()
        self.join_button.on_click(self.join)
        self.send_button.on_click(self.send)
        self.code.observe(self.code_field.clear, "value")
        self.choices.observe(self.answer_field.clear, "value")
        self.number.observe(self.number_field.clear, "value")
        self.poller = _Poller(self.refresh, LEARNER_POLL_S)
        super().__init__(
            [widgets.HTML(_LEARNER_CSS), self.join_box, self.answer_box, self.status, self.result],
            layout=widgets.Layout(width="100%"),
        )
        self.add_class("itb-room-learner")

    def static_text(self) -> str:
        """Return what the app is, in words."""
        return (
            "Join a live room (run the notebook, or open it in the app view): type the room "
            "code your educator shows, answer the question on your screen (you may change your "
            "answer until the vote ends), and see the class's result and the explanation once "
            "the educator reveals it. Anonymous unless you give a nickname."
        )

    def _say(self, text: str) -> None:
        self.status.value = f"<div style='{_NOTICE}' role='status'>{text}</div>"

    def use_code(self, code: str) -> None:
        """Fill in a room code (from the join link) and join, unless already in a room."""
        if self.seat is None:
            self.code.value = code
            self.join()

    def join(self, _: Any = None) -> None:
        """Join the room whose code is typed."""
        try:
            self.seat = join(
                self.url, self.code.value, self.learner_id, self.nickname.value.strip()
            )
        except ValueError as error:
            self.code_field.error(learner_message(error, _LABELS, capitalize=True))
            return
        self.join_box.layout.display = "none"
        self._say(f"You are in room <b>{html.escape(self.seat.code)}</b>.")
        self.refresh()
        self.poller.start()

    def send(self, _: Any = None) -> None:
        """Record (or replace) this learner's answer to the current vote."""
        if self.seat is None or self._state is None:
            return
        number = self._state.kind == "number"
        field = self.number_field if number else self.answer_field
        value = self.number.value if number else self.choices.value
        if not number and value is None:
            field.error("Choose one answer first.")
            return
        try:
            self.seat.answer(value)
        except ValueError as error:
            if getattr(error, "parameter", None) == "code":
                self._closed()
            else:
                field.error(learner_message(error, _LABELS, capitalize=True))
            return
        self._mine = self.seat.my_answer()
        shown = self._mine if not number else f"{self._mine} {self._question.unit}"
        self._say(
            f"Your answer is in: <b>{html.escape(str(shown))}</b>. You can change it until the "
            "vote ends."
        )

    def _closed(self) -> None:
        self.poller.stop()
        self.answer_box.layout.display = "none"
        self.result.value = ""
        self._say("The educator has closed the room. Thank you for taking part.")

    def refresh(self) -> None:
        """Follow the room: a new question or vote resets the answer; a reveal shows results."""
        if self.seat is None:
            return
        try:
            state = self.seat.state()
        except ValueError:
            self._closed()
            return
        except Exception:  # the store went away for a moment: keep the page, try again
            return
        if state.closed:
            self._closed()
            return
        if state == self._state:
            return
        before, self._state = self._state, state
        if before is None or before.question_id != state.question_id:
            self._question, self._citations = self.seat.question()
        question = self._question
        if before is None or (before.question_id, before.round) != (
            state.question_id,
            state.round,
        ):
            self._new_vote(question, state)
        if state.revealed:
            self._show_result(question)
        else:
            self.result.value = ""

    def _new_vote(self, question: RoomQuestion, state: RoomState) -> None:
        from itb_edu.room_presentation import LETTERS, question_html

        self._mine = self.seat.my_answer() if self.seat is not None else None
        self.question.value = (
            f"<p><b>Vote {state.vote}</b>"
            f"{' (after discussion: you may change your answer)' if state.vote > 1 else ''}"
            f"</p>{question_html(question)}"
        )
        number = question.kind == "number"
        self.answer_field.box.layout.display = "none" if number else None
        self.number_field.box.layout.display = None if number else "none"
        self.answer_field.clear()
        self.number_field.clear()
        if number:
            self.number.value = ""
            self.number.description = f"Your answer [{question.unit}]"
        else:
            self.choices.options = [
                (f"{LETTERS[i]}. {c}", c) for i, c in enumerate(question.choices)
            ]
            self.choices.value = None
        self.answer_box.layout.display = None
        code = html.escape(self.seat.code) if self.seat is not None else ""
        self._say(
            f"You are in room <b>{code}</b>. Vote {state.vote} is open: answer on your screen."
        )

    def _show_result(self, question: RoomQuestion) -> None:
        from itb_edu.room_presentation import class_bars_html, result_html

        assert self.seat is not None
        tally = self.seat.results()
        if tally is None:
            return
        mine = "" if self._mine is None else f"<p>Your answer: <b>{html.escape(self._mine)}</b>"
        if self._mine is not None:
            right = question.is_right(self._mine)
            mine += f" ({'✔ right' if right else '✘ not right'}).</p>"
        self.result.value = (
            f"<h4>The result</h4>{mine}{class_bars_html(question, tally, self._mine)}"
            f"{result_html(question, (tally,), self._citations)}"
        )


def educator_room_app(url: str | None = None, question_id: str = "em-04") -> EducatorRoomApp:
    """Return the educator's room app (see :class:`EducatorRoomApp`)."""
    return EducatorRoomApp(url, question_id)


def learner_room_app(url: str | None = None, code: str | None = None) -> LearnerRoomApp:
    """Return a learner's room app; the code comes from the join link when there is one.

    Parameters
    ----------
    url : str, optional
        The store (default :func:`itb_edu.room.default_url`).
    code : str, optional
        A room code; by default the ``code`` of the page's link (``?code=K7MQ3P``), read from
        the request Voilà passes to the kernel.
    """
    # Paid while Voilà pre-heats the page, not when a learner opens it: the store's library.
    import sqlalchemy.dialects.postgresql
    import sqlalchemy.dialects.sqlite  # noqa: F401

    from_link = code is None
    app = LearnerRoomApp(url, _link_code() if code is None else code.strip().upper())
    if app.code.value:
        app.join()
    if from_link and not app.code.value and os.environ.get("VOILA_PREHEAT") == "True":
        _join_when_the_page_is_requested(app)
    return app


def _link_code() -> str:
    """Return the ``code`` of the page's link, from the request Voilà passed to the kernel."""
    from urllib.parse import parse_qs

    return parse_qs(os.environ.get("QUERY_STRING", "")).get("code", [""])[0].strip().upper()


def _join_when_the_page_is_requested(app: LearnerRoomApp) -> None:
    """In a pre-heated Voilà kernel, join the link's room once a learner opens the page.

    A pre-heated kernel runs the notebook before anyone asks for it, so the link is not known
    yet: a thread waits for Voilà's request information and hands the code to the kernel's
    event loop, which fills in the code and joins (widgets are changed on that loop only).
    """
    import threading

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # pragma: no cover - not in a kernel
        return

    def wait() -> None:
        try:
            from voila.utils import wait_for_request

            wait_for_request()
        except Exception:  # pragma: no cover - the learner types the code instead
            return
        code = _link_code()
        if code:
            loop.call_soon_threadsafe(app.use_code, code)

    threading.Thread(target=wait, daemon=True, name="itb-room-link").start()
