"""The live room's projector figure and its words, built from tallies (no store, no widgets)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from itb_edu.figures.room import MAX_BARS, number_bins, room_figure, room_words
from itb_edu.room import Tally, room_question
from itb_edu.room_presentation import class_bars_html, join_panel_html, result_html

EM04 = room_question("em-04")  # three choices, B right
RS_N2 = room_question("rs-n2")  # the engine: 90 days, tolerance 0.5


def tally(question, counts=(), values=(), *, vote=1, revealed=True):
    pairs = tuple(zip(question.choices, counts, strict=True)) if question.choices else ()
    total = sum(counts) if question.choices else len(values)
    return Tally(vote, vote, question.question_id, pairs, tuple(sorted(values)), total, revealed)


def test_a_hidden_vote_shows_how_many_answered_and_nothing_of_the_answers():
    hidden = tally(EM04, (3, 10, 2), revealed=False)
    figure = room_figure(EM04, [hidden], code="K7MQ3P")
    assert "vote 1: 15 answers (hidden)" in figure.layout.title.text
    assert all(set(trace.x) == {0} for trace in figure.data)  # no counts drawn
    assert "hidden until the educator reveals it" in figure.layout.meta["alt"]
    assert "The result is hidden until you reveal it." in [
        a.text for a in figure.layout.annotations
    ]
    assert room_words(EM04, [hidden]) == [
        "Vote 1: 15 answers; hidden until the educator reveals it."
    ]


def test_two_votes_are_drawn_side_by_side_with_counts_and_shares_written():
    first = tally(EM04, (3, 10, 2), vote=1)
    second = tally(EM04, (1, 13, 1), vote=2)
    figure = room_figure(EM04, [first, second])
    assert [t.name for t in figure.data] == ["Vote 1", "Vote 2"]
    assert list(figure.data[0].x) == [3, 10, 2]
    assert list(figure.data[1].text) == ["1 (7%)", "13 (87%)", "1 (7%)"]  # 13/15 = 86.7 %
    labels = list(figure.data[0].y)
    assert labels[1].endswith("✔ right")  # said in words, not only in colour
    assert room_words(EM04, [first, second]) == [
        "Vote 1: 15 answers: A 3, B (right) 10, C 2.",
        "Vote 2: 15 answers: A 1, B (right) 13, C 1.",
    ]


def test_a_case_decision_draws_only_the_chosen_and_the_right_actions():
    question = room_question("case:withdrawal-missed-refill")
    counts = [0] * len(question.choices)
    counts[0] = 4
    pairs = tuple(zip(question.choices, counts, strict=True))
    figure = room_figure(question, [Tally(1, 1, question.question_id, pairs, (), 4, True)])
    assert len(question.choices) > MAX_BARS
    drawn = [label.split(".")[0] for label in figure.data[0].y]
    right_letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[question.choices.index(question.right[0])]
    assert drawn == ["A", right_letter]
    hidden = len(question.choices) - 2
    assert f"Not drawn: {hidden} other choices, chosen by nobody" in [
        a.text for a in figure.layout.annotations
    ]


def test_the_numeric_histogram_centres_a_bin_on_the_engine_answer():
    answers = tally(RS_N2, values=(18.0, 85.0, 90.0, 90.0, 91.0, 100.0))
    edges = number_bins(RS_N2, [answers])
    assert edges == [15.0, 25.0, 35.0, 45.0, 55.0, 65.0, 75.0, 85.0, 95.0, 105.0]
    figure = room_figure(RS_N2, [answers])
    assert list(figure.data[0].y) == [1, 0, 0, 0, 0, 0, 0, 4, 1]  # 85, 90, 90, 91 in 85-95
    assert "The engine: 90 days" in [a.text for a in figure.layout.annotations]
    assert room_words(RS_N2, [answers]) == [
        "Vote 1: 6 answers; from 18 to 100 days, middle value 90; 2 within 0.5 days of the "
        "engine's 90 days."
    ]


@given(st.lists(st.floats(min_value=0, max_value=1e5, allow_nan=False), max_size=40))
def test_every_number_given_falls_in_exactly_one_bin(values):
    answers = tally(RS_N2, values=values)
    edges = number_bins(RS_N2, [answers])
    assert edges[0] <= min([*values, 90.0])
    assert edges[-1] >= max([*values, 90.0])
    assert len(edges) <= 14
    figure = room_figure(RS_N2, [answers])
    assert sum(figure.data[0].y) == len(values)


def test_the_result_in_words_gives_the_answer_its_why_and_sources_only_after_the_reveal():
    citations = {s: (f"Citation of {s}", "") for s in EM04.source_ids}
    before = result_html(EM04, [tally(EM04, (1, 1, 0), revealed=False)], citations)
    assert "Right:" not in before
    assert EM04.explanation not in before
    after = result_html(EM04, [tally(EM04, (1, 1, 0))], citations)
    assert f"Right: <b>B. {EM04.right[0]}</b>" in after
    assert EM04.explanation in after
    for source_id in EM04.source_ids:
        assert f"Citation of {source_id}" in after


def test_a_learners_bars_say_right_and_theirs_in_words():
    page = class_bars_html(EM04, tally(EM04, (3, 10, 2)), mine=EM04.choices[0])
    assert "(your answer)" in page
    assert "(✔ right)" in page
    assert "<td>10</td>" in page


def test_the_join_panel_has_the_code_large_the_link_and_a_qr_code_with_a_title():
    link = "http://127.0.0.1:8866/voila/render/08_join_room.ipynb?token=t&code=K7MQ3P"
    panel = join_panel_html("K7MQ3P", link)
    assert "K7MQ3P" in panel
    assert "aria-label='Room code K 7 M Q 3 P'" in panel
    assert "<svg" in panel
    assert f"<title>QR code: opens {link.replace('&', '&amp;')}</title>" in panel
    relative = join_panel_html("K7MQ3P", "/voila/render/08_join_room.ipynb?code=K7MQ3P")
    assert "<svg" not in relative  # a phone cannot open a path without a server


def test_a_revealed_figure_says_its_axes_are_visible_after_a_hidden_one():
    """A projector widget merges each new figure into the last: the reveal must undo the
    hidden vote's invisible axes explicitly."""
    hidden = room_figure(RS_N2, [tally(RS_N2, values=(90.0,), revealed=False)])
    shown = room_figure(RS_N2, [tally(RS_N2, values=(90.0,))])
    assert hidden.layout.xaxis.visible is False
    assert shown.layout.xaxis.visible is True
    assert shown.layout.yaxis.visible is True
