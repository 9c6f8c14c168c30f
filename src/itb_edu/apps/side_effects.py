"""Explorable side-effects table: a category filter and a search box over a styled table.

Pure ipywidgets (works in JupyterLab and Voilà); the table is HTML built by
:func:`itb_edu.presentation.show_table`.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets

from itb_edu import data
from itb_edu.apps.controls import DescribedVBox
from itb_edu.presentation import show_table
from itb_edu.side_effects import (
    CATEGORIES,
    category_counts,
    filter_effects,
    for_display,
)

__all__ = ["ALL_CATEGORIES", "side_effects_app"]

#: Dropdown label that shows every category.
ALL_CATEGORIES = "All categories"


def side_effects_app(data_dir: str | Path | None = None) -> widgets.VBox:
    """Build the filterable, searchable side-effects table.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder holding ``side_effects.csv``; the course's own data by default.

    Returns
    -------
    ipywidgets.VBox
        Children: an ``HBox`` with the category ``Dropdown`` (``"All categories"`` first, then
        each category with its count) and the search ``Text``; a status ``HTML`` ("Showing n of
        N effects", or a plain message when nothing matches); the table ``HTML``.

    Notes
    -----
    The search keeps rows in which every typed word appears (case-insensitive) in the name,
    description, phase or population, frequency or nurse action. When nothing matches, the
    status line says so in plain words and the table is empty; the search text stays as typed.

    References
    ----------
    The sources cited row by row in ``data/side_effects.csv``.
    """
    table = data.side_effects(data_dir)
    counts = category_counts(table)
    options = [(f"{ALL_CATEGORIES} ({len(table)})", ALL_CATEGORIES)] + [
        (f"{c} ({counts[c]})", c) for c in CATEGORIES
    ]
    category = widgets.Dropdown(
        options=options,
        value=ALL_CATEGORIES,
        description="Category",
        layout=widgets.Layout(width="24em"),
    )
    search = widgets.Text(
        value="",
        placeholder="Search, e.g. itching, fever, breathing",
        description="Search",
        continuous_update=True,
        layout=widgets.Layout(width="26em"),
    )
    status = widgets.HTML()
    output = widgets.HTML()

    def refresh(_change=None) -> None:
        chosen = None if category.value == ALL_CATEGORIES else [category.value]
        shown = filter_effects(table, chosen, search.value)
        where = "" if chosen is None else f" in “{html.escape(category.value)}”"
        if len(shown) == 0:
            status.value = (
                f"<span style='color:#9a6700'>No effect matches "
                f"“{html.escape(search.value.strip())}”{where}. "
                "Try another word or choose “All categories”.</span>"
            )
        else:
            status.value = f"Showing {len(shown)} of {len(table)} effects{where}."
        output.value = show_table(
            for_display(shown), caption="Side effects, withdrawal, overdose and complications"
        ).data

    category.observe(refresh, names="value")
    search.observe(refresh, names="value")
    refresh()
    app = DescribedVBox(
        [widgets.HBox([category, search]), status, output],
        text=(
            "Side-effects table (run the notebook, or open the app view, to filter it by "
            "category and search it): every drug effect, withdrawal and overdose sign and "
            "device complication, with what the nurse does and the sources."
        ),
        html_text=(
            "<div class='itb-app-static'><p><b>Side-effects table</b> (run the notebook, or "
            "open the app view, to filter by category and search). Every row:</p>"
            + show_table(
                for_display(table), caption="Side effects, withdrawal, overdose and complications"
            ).data
            + "</div>"
        ),
    )
    app.add_class("itb-side-effects")
    return app
