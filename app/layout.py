"""The layered layout, kept in :mod:`graph.layout` (pure, so notebooks use it too)."""

from graph.layout import (
    ASPECT,
    COL,
    ROW,
    SUB,
    Positions,
    columns_for,
    crossings,
    layered_layout,
    scenario_layout,
)

__all__ = [
    "ROW",
    "COL",
    "SUB",
    "ASPECT",
    "layered_layout",
    "scenario_layout",
    "columns_for",
    "crossings",
    "Positions",
]
