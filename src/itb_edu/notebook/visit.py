"""Notebook helpers for the refill-visit notebook: the steps and the dose units, in words.

Short calls for demo cells of ``04_refill_visit``: the twelve steps and the question each asks
(never the answers), and a dose typed per hour or in milligrams turned into what the programmer
takes, mcg/day, with :data:`itb_edu.visit.DOSE_UNITS`. The practice itself is the widget app
:mod:`itb_edu.apps.visit`.

For education only: not for programming, refilling or managing a real pump.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import data
from ..presentation import TABLE_CSS, rows_html, show_table
from ..visit import DOSE_UNITS, dose_per_day_mcg

if TYPE_CHECKING:  # pragma: no cover
    from IPython.display import HTML

__all__ = ["per_day", "steps"]


def steps() -> HTML:
    """Return the steps of every refill visit and the question each asks (no answers).

    Returns
    -------
    IPython.display.HTML
        A styled table from ``data/visit_steps.csv``: the step and what the learner decides.
    """
    table = data.visit_steps().reset_index(drop=True)
    table = table.assign(title=[f"{n}. {t}" for n, t in enumerate(table["title"], start=1)])
    return show_table(
        table,
        caption="The twelve steps of a refill visit",
        columns={"title": "Step", "prompt": "What you decide"},
    )


def per_day(dose: float, unit: str) -> HTML:
    """Return a dose as the programmer takes it, in mcg/day, with the working.

    Parameters
    ----------
    dose : float
        The number as written in the order.
    unit : str
        Its unit, a key of :data:`itb_edu.visit.DOSE_UNITS` (``"mcg/h"``, ``"mg/day"`` ...).

    Returns
    -------
    IPython.display.HTML
        The dose as written, the factor and the dose per day [mcg/day].

    Raises
    ------
    itb_edu.errors.ParameterError
        About ``unit`` when it is not one of the units, about ``dose`` when it is not a finite
        number.

    Examples
    --------
    >>> "300 mcg/day" in per_day(12.5, "mcg/h").data
    True
    """
    per_day = dose_per_day_mcg(dose, unit)
    from IPython.display import HTML

    factor = DOSE_UNITS[unit]
    how = (
        "already per day"
        if factor == 1
        else f"{dose:g} × {factor:g} (24 hours in a day)"
        if unit == "mcg/h"
        else f"{dose:g} × {factor:g} (1 mg = 1000 mcg)"
    )
    rows = [
        ("As written", f"{dose:g} {unit}"),
        ("Working", how),
        ("What the programmer takes", f"{per_day:g} mcg/day"),
    ]
    return HTML(
        TABLE_CSS + rows_html(rows, f"A dose written as {dose:g} {unit}", css_class="itb-plan")
    )
