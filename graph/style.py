"""The explorer's visual vocabulary in Python: symbol and colour by actor kind, line by mode.

The explorer draws with ``app/static/graphstyle.js``; this module holds the same tables so that
maps made outside the browser (a notebook, see :mod:`graph.notebook`) look the same. A test
compares both in Chromium, so a change to one without the other fails.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "FAMILY_SHAPES",
    "KINDS",
    "MODES",
    "CONFIDENCE_OPACITY",
    "KindStyle",
    "ModeStyle",
    "kind_style",
    "mode_style",
    "shade",
]

#: Family of kinds -> vis-network shape.
FAMILY_SHAPES: dict[str, str] = {
    "government": "square",
    "programme": "star",
    "body": "hexagon",
    "area": "triangleDown",
    "people": "dot",
    "partner": "diamond",
    "instrument": "triangle",
    "other": "dot",
}

#: Actor kind -> (family, colour).
KINDS: dict[str, tuple[str, str]] = {
    "cabinet": ("government", "#0b3954"),
    "ministry": ("government", "#1d4e89"),
    "parliament": ("government", "#4059ad"),
    "interdepartmental_group": ("government", "#6b8fd4"),
    "municipality": ("government", "#c0392b"),
    "mayor": ("government", "#e07a5f"),
    "programme": ("programme", "#6a2c91"),
    "programme_office": ("programme", "#9d4edd"),
    "consultation_body": ("body", "#0f8b8d"),
    "advisory_body": ("body", "#3fb6a8"),
    "knowledge_institution": ("body", "#5c7aa6"),
    "civil_society_platform": ("body", "#8ab17d"),
    "focus_area": ("area", "#f4a261"),
    "neighbourhood": ("area", "#e9c46a"),
    "resident_group": ("people", "#2e8b57"),
    "professional_group": ("people", "#72b01d"),
    "person": ("people", "#8d6e63"),
    "housing_corporation": ("partner", "#795548"),
    "police": ("partner", "#37474f"),
    "school": ("partner", "#ff8f00"),
    "care_provider": ("partner", "#d81b60"),
    "welfare_organisation": ("partner", "#ab47bc"),
    "private_partner": ("partner", "#607d8b"),
    "instrument": ("instrument", "#b5838d"),
    "monitoring_system": ("instrument", "#6d597a"),
    "document": ("other", "#9e9e9e"),
    "other": ("other", "#bdbdbd"),
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
    family: str


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
    KindStyle(shape='square', colour='#1d4e89', family='government')
    >>> kind_style("water_board").shape
    'dot'
    """
    entry = KINDS.get(kind)
    if entry is None:
        return KindStyle("dot", _hash_colour(kind), "other")
    return KindStyle(FAMILY_SHAPES[entry[0]], entry[1], entry[0])


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
