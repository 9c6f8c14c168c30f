"""itb_edu.notebook: deterministic tables and the sources list."""

from __future__ import annotations

import pandas as pd
import plotly.io as pio
import pytest

from itb_edu import notebook as nb


def test_show_table_is_deterministic_and_escaped():
    frame = pd.DataFrame({"effect": ["<itching>"], "dose_mcg": [50.0]})
    first = nb.show_table(frame, caption="Effects").data
    second = nb.show_table(frame.copy(), caption="Effects").data
    assert first == second
    assert "&lt;itching&gt;" in first
    assert "<td>50</td>" in first
    assert "<caption>Effects</caption>" in first


def test_show_table_selects_and_renames_columns():
    frame = pd.DataFrame({"a": [1], "b": [2]})
    html = nb.show_table(frame, columns={"b": "Bee"}).data
    assert "<th>Bee</th>" in html
    assert "<th>a</th>" not in html
    with pytest.raises(ValueError, match="columns not in the table: c"):
        nb.show_table(frame, columns=["c"])


def test_sources_table_lists_requested_sources():
    html = nb.sources_table(["itb-edu-authors"]).data
    assert "itb-edu-authors" in html
    assert "Author-derived teaching example" in html
    assert "not public online" in html


def test_sources_table_rejects_unknown_id():
    with pytest.raises(ValueError, match="unknown: not-a-source"):
        nb.sources_table(["not-a-source"])


def test_setup_sets_the_renderer(monkeypatch):
    before = pio.renderers.default
    try:
        monkeypatch.delenv("ITB_EDU_PLOTLY_RENDERER", raising=False)
        nb.setup()
        assert pio.renderers.default == "plotly_mimetype"
        monkeypatch.setenv("ITB_EDU_PLOTLY_RENDERER", "notebook")
        nb.setup()
        assert pio.renderers.default == "notebook"
    finally:
        pio.renderers.default = before


def test_disclaimer_box():
    assert "not for programming" in nb.disclaimer().data


def test_sources_table_accepts_a_string_of_ids():
    html = nb.sources_table("itb-edu-authors;  itb-edu-authors").data
    assert html.count("<tr>") == 2  # header row + one source (repeats dropped)
