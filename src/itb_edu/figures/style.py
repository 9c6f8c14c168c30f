"""The course's figure style, defined once: font, text colours and the colours that carry meaning.

Every figure builder takes its font and its meaningful colours from here, so a learner sees
the same red for "empty / danger" and the same amber for "alarm" in every notebook. Colours
never carry meaning alone: each figure also names what it shows in text (labels, legends,
annotations).
"""

from __future__ import annotations

__all__ = [
    "ALERT",
    "CONTRASTING_PAIRS",
    "DANGER",
    "DANGER_FILL",
    "FONT",
    "GOOD",
    "HIGHLIGHT",
    "LINE",
    "MIN_CVD_DIFFERENCE",
    "MUTED",
    "NAVY",
    "PRIMARY",
    "TEXT",
    "TEXT_SECONDARY",
]

#: Font family of every figure: a sans-serif that reads well on a projector.
FONT = "Arial, Helvetica, sans-serif"
#: Main text, and secondary text (both at least 4.5:1 on white).
TEXT = "#1f2933"
TEXT_SECONDARY = "#3e4c59"
#: Arrows and outlines.
LINE = "#52606d"
#: De-emphasised marks (greyed labels, "before" bars).
MUTED = "#9aa5b1"
#: Main data colour, and a darker blue for a second series.
PRIMARY = "#1f5f99"
NAVY = "#1f4e79"
#: Alarm (amber), empty or danger (red) and its light fill, booked or safe (green).
ALERT = "#c26a00"
DANGER = "#b3261e"
DANGER_FILL = "rgba(179, 38, 30, 0.12)"
GOOD = "#009e73"
#: The part a picture highlights.
HIGHLIGHT = "#d62728"

#: Colours that appear together in one figure with different meanings. Each pair stays
#: distinguishable for people with deuteranopia, protanopia and tritanopia (a test simulates
#: all three with colorspacious and requires a CAM02-UCS colour difference of at least
#: :data:`MIN_CVD_DIFFERENCE`); figures also name each meaning in text, never by colour alone.
#: ``GOOD`` is Okabe and Ito's bluish green, chosen for that reason.
CONTRASTING_PAIRS: tuple[tuple[str, str], ...] = (
    ("PRIMARY", "ALERT"),
    ("PRIMARY", "DANGER"),
    ("PRIMARY", "GOOD"),
    ("ALERT", "DANGER"),
    ("ALERT", "GOOD"),
    ("DANGER", "GOOD"),
    ("NAVY", "DANGER"),
    ("NAVY", "GOOD"),
    ("MUTED", "NAVY"),
)
#: Smallest colour difference (CAM02-UCS Delta E) allowed between a contrasting pair.
MIN_CVD_DIFFERENCE = 12.0
