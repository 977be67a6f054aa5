"""The explorer's visual vocabulary in Python: symbol and colour by actor kind, line by mode.

The explorer draws with ``app/static/graphstyle.js``; this module holds the same tables so that
maps made outside the browser (a notebook, see :mod:`graph.notebook`) look the same. A test
compares both in Chromium, so a change to one without the other fails.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "KINDS",
    "MODES",
    "CONFIDENCE_OPACITY",
    "KindStyle",
    "ModeStyle",
    "kind_style",
    "mode_style",
    "shade",
]

#: Actor kind -> (vis-network shape, colour), as app/static/graphstyle.js draws them: kinds
#: easily confused in a governance chart (ministry, parliament, cabinet; municipality, mayor)
#: differ in shape.
KINDS: dict[str, tuple[str, str]] = {
    "cabinet": ("star", "#0b3954"),
    "programme": ("star", "#7b2cbf"),
    "ministry": ("square", "#1d4e89"),
    "municipality": ("square", "#c0392b"),
    "monitoring_system": ("square", "#7d5a8c"),
    "document": ("square", "#aab4c0"),
    "parliament": ("triangle", "#283593"),
    "instrument": ("triangle", "#c48b9f"),
    "advisory_body": ("triangle", "#2a9d8f"),
    "interdepartmental_group": ("hexagon", "#6b8fd4"),
    "consultation_body": ("hexagon", "#0f8b8d"),
    "programme_office": ("hexagon", "#9d4edd"),
    "civil_society_platform": ("hexagon", "#8ab17d"),
    "focus_area": ("triangleDown", "#f4a261"),
    "neighbourhood": ("triangleDown", "#e9c46a"),
    "knowledge_institution": ("triangleDown", "#5c7aa6"),
    "mayor": ("dot", "#e8871e"),
    "resident_group": ("dot", "#2e8b57"),
    "professional_group": ("dot", "#9ccc3c"),
    "person": ("dot", "#8d6e63"),
    "other": ("dot", "#c7c7c7"),
    "housing_corporation": ("diamond", "#795548"),
    "police": ("diamond", "#37474f"),
    "school": ("diamond", "#ff8f00"),
    "care_provider": ("diamond", "#d81b60"),
    "welfare_organisation": ("diamond", "#ab47bc"),
    "private_partner": ("diamond", "#00838f"),
}

#: Relation mode -> (colour, dash pattern or None, width, whether it has an arrowhead).
MODES: dict[str, tuple[str, tuple[int, ...] | None, float, bool]] = {
    "control": ("#1d3557", None, 2.2, True),
    "resource": ("#2a9d8f", None, 2.0, True),
    "accountability": ("#e76f51", (8, 5), 2.0, True),
    "coordination": ("#457b9d", (4, 4), 1.6, True),
    "membership": ("#8d99ae", (2, 4), 1.4, True),
    "voice": ("#c2185b", None, 1.8, True),
    "collaboration": ("#6a994e", (10, 4, 2, 4), 1.6, False),
    "intervention": ("#7b2cbf", None, 1.6, True),
    "structure": ("#9aa3b0", (1, 3), 1.0, True),
    "discourse": ("#9c6644", (6, 3, 1, 3), 1.2, True),
}
UNKNOWN_MODE = ("#8a8f98", None, 1.2, True)

#: Confidence -> opacity of the actor or relation drawn.
CONFIDENCE_OPACITY: dict[str, float] = {"confirmed": 1.0, "inferred": 0.55, "uncertain": 0.35}


@dataclass(frozen=True)
class KindStyle:
    """How an actor kind is drawn."""

    shape: str
    colour: str


@dataclass(frozen=True)
class ModeStyle:
    """How a relation mode is drawn."""

    colour: str
    dashes: tuple[int, ...] | None
    width: float
    arrows: bool


def kind_style(kind: str) -> KindStyle:
    """Return the symbol and colour of a kind; a declared kind gets a colour from its name.

    Examples
    --------
    >>> kind_style("ministry")
    KindStyle(shape='square', colour='#1d4e89')
    >>> kind_style("water_board").shape
    'dot'
    """
    entry = KINDS.get(kind)
    if entry is None:
        return KindStyle("dot", _hash_colour(kind))
    return KindStyle(*entry)


def mode_style(mode: str) -> ModeStyle:
    """Return the line of a relation mode (a grey line for a mode no table names).

    Examples
    --------
    >>> mode_style("accountability").dashes
    (8, 5)
    """
    return ModeStyle(*MODES.get(mode, UNKNOWN_MODE))


def shade(colour: str) -> str:
    """Return a ``#rrggbb`` colour darkened to 70%, the border of a node of that colour.

    Examples
    --------
    >>> shade("#1d4e89")
    '#143760'
    """
    if len(colour) != 7 or not colour.startswith("#"):
        return "#444"
    try:
        value = int(colour[1:], 16)
    except ValueError:
        return "#444"
    parts = [(value >> shift) & 255 for shift in (16, 8, 0)]
    # math.floor(x + 0.5) is JavaScript's Math.round (Python's round() rounds half to even).
    return "#" + "".join(f"{max(0, math.floor(c * 0.7 + 0.5)):02x}" for c in parts)


def _hash_colour(text: str) -> str:
    """The explorer's colour for a kind it has no entry for (same hash as graphstyle.js)."""
    h = 0
    for unit in _utf16_first_units(text):
        h = (h * 31 + unit) % 360
    return f"hsl({h},45%,55%)"


def _utf16_first_units(text: str):
    # JavaScript's `for (const ch of text) ch.charCodeAt(0)`: the first UTF-16 unit per character.
    for ch in text:
        code = ord(ch)
        yield code if code < 0x10000 else 0xD800 + ((code - 0x10000) >> 10)
