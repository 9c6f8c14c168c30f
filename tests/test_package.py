"""The package itself: a light import and the shared argument checks."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

import itb_edu
from itb_edu import _validate as v


def test_import_pulls_in_no_jupyter_or_plotting():
    code = (
        "import json, sys; import itb_edu; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'plotly', 'ipywidgets', 'pandas', 'pandera', 'IPython', 'anywidget', 'numpy'})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_submodules_load_lazily():
    assert itb_edu.data.__name__ == "itb_edu.data"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = itb_edu.nope
    assert "data" in dir(itb_edu)


def test_disclaimer_says_education_only():
    assert "not for programming" in itb_edu.DISCLAIMER


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "3", None, True])
def test_require_finite_rejects(bad):
    with pytest.raises(ValueError, match=r"dose_mcg must be a (finite )?number, got"):
        v.require_finite("dose_mcg", bad)


def test_require_finite_accepts_numbers():
    assert v.require_finite("x", 3) == 3.0
    assert isinstance(v.require_finite("x", 3), float)


def test_require_non_negative():
    assert v.require_non_negative("volume_ml", 0) == 0.0
    with pytest.raises(ValueError, match=r"volume_ml must not be negative, got -0\.5"):
        v.require_non_negative("volume_ml", -0.5)


def test_require_positive():
    assert v.require_positive("concentration_mcg_per_ml", 500) == 500.0
    with pytest.raises(ValueError, match=r"concentration_mcg_per_ml must be greater than zero"):
        v.require_positive("concentration_mcg_per_ml", 0)


def test_require_at_most():
    assert v.require_at_most("fill_volume_ml", 20.0, 20.0, "reservoir_ml") == 20.0
    with pytest.raises(ValueError, match=r"fill_volume_ml \(25\.0\) is more than reservoir_ml"):
        v.require_at_most("fill_volume_ml", 25.0, 20.0, "reservoir_ml")
