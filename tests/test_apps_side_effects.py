"""Headless tests for the side-effects table app: set widget values, read the HTML."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from itb_edu import data
from itb_edu import side_effects as se
from itb_edu.apps.side_effects import ALL_CATEGORIES, side_effects_app


@pytest.fixture
def app():
    return side_effects_app()


def controls(app):
    category, search = app.children[0].children
    status, table = app.children[1], app.children[2]
    return category, search, status, table


def row_count(html_text: str) -> int:
    return html_text.split("<tbody>", 1)[1].count("<tr>")


def test_initial_state_shows_everything(app) -> None:
    category, search, status, table = controls(app)
    total = len(data.side_effects())
    assert isinstance(category, widgets.Dropdown)
    assert isinstance(search, widgets.Text)
    assert category.value == ALL_CATEGORIES
    assert search.value == ""
    assert status.value == f"Showing {total} of {total} effects."
    assert row_count(table.value) == total
    assert "<th>What the nurse does</th>" in table.value
    assert 'class="itb-table"' in table.value


def test_category_options_carry_counts(app) -> None:
    category = controls(app)[0]
    labels = [label for label, _ in category.options]
    counts = se.category_counts(data.side_effects())
    assert labels[1:] == [f"{c} ({counts[c]})" for c in se.CATEGORIES]


def test_filter_by_category(app) -> None:
    category, _search, status, table = controls(app)
    category.value = "overdose"
    expected = se.category_counts(data.side_effects())["overdose"]
    assert row_count(table.value) == expected
    assert "in “overdose”" in status.value
    assert "Withdrawal: itching" not in table.value


def test_search_and_category_combine(app) -> None:
    category, search, _status, table = controls(app)
    search.value = "itching"
    assert "Withdrawal: itching (pruritus)" in table.value
    category.value = "early withdrawal"
    assert row_count(table.value) >= 1
    assert "Low blood pressure (hypotension)</td>" not in table.value


def test_no_match_shows_plain_message_and_keeps_text(app) -> None:
    _category, search, status, table = controls(app)
    search.value = "xylophone"
    assert "No effect matches “xylophone”" in status.value
    assert "Traceback" not in status.value
    assert row_count(table.value) == 0
    assert search.value == "xylophone"
    search.value = ""
    assert row_count(table.value) == len(data.side_effects())


def test_html_in_search_is_escaped(app) -> None:
    _category, search, status, _table = controls(app)
    search.value = "<b>x</b>"
    assert "&lt;b&gt;x&lt;/b&gt;" in status.value
