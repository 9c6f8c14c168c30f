"""The live room in words and HTML: the join panel with its QR code, the question, the result.

Figures-layer code (no widgets): the educator's app and the learners' app
(:mod:`itb_edu.apps.room`) put these strings on screen. The QR code is made by ``segno``; every
picture has a text alternative, and the result is written out, never only drawn.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .presentation import _sources_html

if TYPE_CHECKING:  # pragma: no cover
    from .room import RoomQuestion, Tally

__all__ = [
    "LETTERS",
    "MAX_BARS",
    "class_bars_html",
    "join_panel_html",
    "qr_svg",
    "question_html",
    "result_html",
    "room_words",
]


#: Letters of the choices, as the learners' page shows them.
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: Above this many choices (a case's checklist), only the chosen and the right ones are drawn.
MAX_BARS = 8


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _format(value: float) -> str:
    return f"{value:g}"


def room_words(question: RoomQuestion, tallies: Sequence[Tally]) -> list[str]:
    """Return the result in words, one line per vote (what the figure shows, and no more).

    A vote not yet revealed says only how many answered.
    """
    lines = []
    for tally in tallies:
        head = f"Vote {tally.vote}: {_plural(tally.total, 'answer')}"
        if not tally.revealed:
            lines.append(f"{head}; hidden until the educator reveals it.")
            continue
        if question.kind == "number":
            if not tally.values:
                lines.append(f"{head}.")
                continue
            assert question.exact is not None
            assert question.tolerance is not None
            near = sum(1 for v in tally.values if abs(v - question.exact) <= question.tolerance)
            middle = sorted(tally.values)[len(tally.values) // 2]
            lines.append(
                f"{head}; from {_format(min(tally.values))} to {_format(max(tally.values))} "
                f"{question.unit}, middle value {_format(middle)}; {near} within "
                f"{_format(question.tolerance)} {question.unit} of the engine's "
                f"{_format(question.exact)} {question.unit}."
            )
            continue
        every = len(tally.counts) <= MAX_BARS
        parts = []
        for index, (choice, n) in enumerate(tally.counts):
            if every or n or choice in question.right:
                right = " (right)" if choice in question.right else ""
                parts.append(f"{LETTERS[index]}{right} {n}")
        others = (
            0 if every else sum(1 for c, n in tally.counts if not n and c not in question.right)
        )
        rest = f"; the {others} other choices: 0" if others else ""
        lines.append(f"{head}: {', '.join(parts)}{rest}.")
    return lines


def qr_svg(link: str, *, scale: int = 8) -> str:
    """Return an SVG QR code of ``link`` (``segno``, error correction M, dark on white).

    Parameters
    ----------
    link : str
        The join link.
    scale : int, default 8
        Pixels per module.

    Returns
    -------
    str
        An ``<svg>`` element with a ``<title>`` naming what it encodes.
    """
    import segno

    code = segno.make(link, error="m", micro=False)
    return code.svg_inline(
        scale=scale,
        dark="#000000",
        light="#ffffff",
        title=f"QR code: opens {link}",
        svgclass="itb-room-qr",
        lineclass=None,
        omitsize=False,
    )


def join_panel_html(code: str, link: str) -> str:
    """Return the join panel for the projector: the code large, the link, the QR code."""
    spaced = " ".join(code)
    absolute = link.startswith("http")
    link_html = (
        f"<a href='{html.escape(link, quote=True)}' target='_blank' rel='noopener'>"
        f"{html.escape(link)}</a>"
        if absolute
        else f"<code>{html.escape(link)}</code> on this server"
    )
    return (
        "<div class='itb-room-join' style='display:flex;gap:24px;align-items:center;"
        "flex-wrap:wrap;border:2px solid #1f4e79;padding:12px 20px;'>"
        f"<div style='flex:0 0 auto'>{qr_svg(link, scale=6) if absolute else ''}</div>"
        "<div style='flex:1 1 360px;min-width:0;line-height:1.3'>"
        "<p style='font-size:1.5em;margin:0 0 6px 0'>Join the room with the code</p>"
        f"<p class='itb-room-code' aria-label='Room code {html.escape(spaced)}' "
        "style='font-size:4.5em;line-height:1.1;font-weight:bold;letter-spacing:0.15em;"
        f"margin:0 0 10px 0;font-family:monospace'>{html.escape(code)}</p>"
        "<p style='font-size:1.15em;margin:0;overflow-wrap:anywhere'>on the course's page "
        f"<b>Join a live room</b> (notebook 08), or scan the QR code, or open {link_html}</p>"
        "</div></div>"
    )


def question_html(question: RoomQuestion, *, large: bool = False) -> str:
    """Return the question as the class reads it: the prompt, and the choices with letters."""
    size = "font-size:1.35em;" if large else ""
    choices = "".join(
        f"<li><b>{LETTERS[i]}.</b> {html.escape(c)}</li>" for i, c in enumerate(question.choices)
    )
    listing = f"<ol style='list-style:none;padding-left:0;{size}'>{choices}</ol>" if choices else ""
    unit = (
        f"<p>Answer with a number in <b>{html.escape(question.unit)}</b>.</p>"
        if question.kind == "number"
        else ""
    )
    return (
        f"<div class='itb-room-question' style='{size}'><p>{html.escape(question.prompt)}</p>"
        f"{unit}</div>{listing}"
    )


def _right_words(question: RoomQuestion) -> str:
    if question.kind == "number":
        return (
            f"The engine's answer: <b>{question.exact:g} {html.escape(question.unit)}</b> "
            f"(answers within {question.tolerance:g} {html.escape(question.unit)} count as "
            "right)."
        )
    letters = [
        f"<b>{LETTERS[question.choices.index(r)]}. {html.escape(r)}</b>" for r in question.right
    ]
    return f"Right: {' and '.join(letters)}."


def result_html(
    question: RoomQuestion,
    tallies: Sequence[Tally],
    citations: dict[str, tuple[str, str]],
    *,
    large: bool = False,
) -> str:
    """Return the result in words once revealed: the votes, the right answer, why, the sources.

    Before the reveal it says only how many have answered (nothing of the answers). ``large``
    sets the text a size up, for the projector.
    """
    text = _result_html(question, tallies, citations)
    return f"<div style='font-size:1.3em'>{text}</div>" if large else text


def _result_html(
    question: RoomQuestion,
    tallies: Sequence[Tally],
    citations: dict[str, tuple[str, str]],
) -> str:
    words = "".join(f"<li>{html.escape(line)}</li>" for line in room_words(question, tallies))
    summary = f"<ul class='itb-room-words' aria-live='polite'>{words}</ul>"
    if not tallies or not tallies[-1].revealed:
        return summary
    notes = "".join(
        f"<li><b>{LETTERS[question.choices.index(choice)]}.</b> {html.escape(note)}</li>"
        for choice, note in sorted(question.notes, key=lambda n: question.choices.index(n[0]))
    )
    note_list = (
        f"<details open><summary>What the course says about each choice</summary>"
        f"<ul>{notes}</ul></details>"
        if notes
        else ""
    )
    return (
        f"{summary}<div class='itb-room-explanation' style='border-left:4px solid #009e73;"
        f"padding:4px 12px;background:#f2faf7'><p>{_right_words(question)}</p>"
        f"<p>{html.escape(question.explanation)}</p>{note_list}"
        f"{_sources_html(question.source_ids, citations)}</div>"
    )


def class_bars_html(question: RoomQuestion, tally: Tally, mine: str | None = None) -> str:
    """Return the class's revealed result for a learner's page: text bars, no figure library.

    Each choice is a row with its letter, a bar drawn in HTML and the count written beside it;
    "your answer" and "right" are written, not coloured.
    """
    if question.kind == "number":
        return ""
    most = max([n for _, n in tally.counts] or [1]) or 1
    rows = []
    for index, (choice, n) in enumerate(tally.counts):
        tags = []
        if choice in question.right:
            tags.append("✔ right")
        if mine == choice:
            tags.append("your answer")
        width = round(100 * n / most)
        rows.append(
            "<tr>"
            f"<th scope='row' style='text-align:left;font-weight:normal'>{LETTERS[index]}. "
            f"{html.escape(choice)}{' (' + ', '.join(tags) + ')' if tags else ''}</th>"
            f"<td style='width:40%'><div aria-hidden='true' style='background:#1f4e79;"
            f"height:1em;width:{width}%'></div></td><td>{n}</td></tr>"
        )
    return (
        "<table class='itb-table itb-room-bars'><caption>The class's answers, vote "
        f"{tally.vote}</caption><thead><tr><th>Choice</th><th>Bar</th><th>Learners</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
    )
