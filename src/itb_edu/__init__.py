"""itb-edu: the helper package behind the intrathecal baclofen (ITB) therapy course.

The package is for education, not for programming a real pump.

Importing ``itb_edu`` is fast and pulls in no Jupyter, plotly or pandera code: submodules load
on first use (``itb_edu.data``, ``itb_edu.reservoir``, ``itb_edu.notebook`` ...).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

DISCLAIMER = (
    "For education only: this course and its calculators are not for programming, "
    "refilling or managing a real pump. Follow the device labelling, the prescriber's orders "
    "and local policy."
)

_SUBMODULES = frozenset(
    {
        "apps",
        "data",
        "faq",
        "figures",
        "notebook",
        "parts",
        "quiz",
        "reservoir",
        "scheduling",
        "serving",
        "side_effects",
    }
)

if TYPE_CHECKING:  # pragma: no cover
    from . import data, notebook  # noqa: F401


def __getattr__(name: str):
    """Import submodules lazily so that ``import itb_edu`` stays light."""
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_SUBMODULES})
