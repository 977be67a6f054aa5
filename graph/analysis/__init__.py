"""Steering analyses of one scenario graph, and the comparison of two (DESIGN section 5).

Every analysis is a pure function of a :class:`networkx.MultiDiGraph` made by
:func:`graph.network.to_networkx` and returns plain Python values (None where undefined).

The names below are imported on first use, so that a module of this package that needs no
graph library (:mod:`graph.analysis.cache`) can be imported without networkx.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graph.analysis.compare import compare
    from graph.analysis.layers import chain_to, steering_chains, steering_layers
    from graph.analysis.report import analyze

__all__ = ["analyze", "compare", "chain_to", "steering_chains", "steering_layers"]

_HOMES = {
    "analyze": "report",
    "compare": "compare",
    "chain_to": "layers",
    "steering_chains": "layers",
    "steering_layers": "layers",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'graph.analysis' has no attribute '{name}'")
    return getattr(importlib.import_module(f"graph.analysis.{_HOMES[name]}"), name)
