"""The course palette for everyone: colour-vision deficiency simulated, contrast on white."""

from __future__ import annotations

import numpy as np
import pytest
from colorspacious import cspace_convert, deltaE

from itb_edu.figures import style

DEFICIENCIES = ("deuteranomaly", "protanomaly", "tritanomaly")  # at severity 100: -opia


def rgb(hex_colour: str) -> np.ndarray:
    value = hex_colour.lstrip("#")
    return np.array([int(value[i : i + 2], 16) for i in (0, 2, 4)]) / 255


def seen_with(deficiency: str, hex_colour: str) -> np.ndarray:
    space = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
    return np.clip(cspace_convert(rgb(hex_colour), space, "sRGB1"), 0, 1)


def relative_luminance(hex_colour: str) -> float:
    c = rgb(hex_colour)
    linear = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2])


def contrast_on_white(hex_colour: str) -> float:
    return 1.05 / (relative_luminance(hex_colour) + 0.05)


def test_the_simulation_is_real():
    # Deuteranopia folds red and green together: the classic pair nearly vanishes.
    red, green = "#d62728", "#2ca02c"
    assert deltaE(rgb(red), rgb(green), input_space="sRGB1") > 40
    assert deltaE(seen_with("deuteranomaly", red), seen_with("deuteranomaly", green), "sRGB1") < 15


@pytest.mark.parametrize("deficiency", [None, *DEFICIENCIES])
@pytest.mark.parametrize(("first", "second"), style.CONTRASTING_PAIRS)
def test_colours_that_meet_stay_apart(first, second, deficiency):
    a, b = getattr(style, first), getattr(style, second)
    if deficiency is None:
        difference = deltaE(rgb(a), rgb(b), input_space="sRGB1")
    else:
        difference = deltaE(seen_with(deficiency, a), seen_with(deficiency, b), "sRGB1")
    assert difference >= style.MIN_CVD_DIFFERENCE, (first, second, deficiency, difference)


@pytest.mark.parametrize("name", ["TEXT", "TEXT_SECONDARY"])
def test_text_colours_reach_4_5_to_1_on_white(name):
    assert contrast_on_white(getattr(style, name)) >= 4.5


@pytest.mark.parametrize(
    "name", ["PRIMARY", "NAVY", "ALERT", "DANGER", "GOOD", "HIGHLIGHT", "LINE"]
)
def test_graphic_colours_reach_3_to_1_on_white(name):
    # WCAG 2.2 1.4.11: parts of graphics needed to understand them.
    assert contrast_on_white(getattr(style, name)) >= 3.0
