"""Accountability load: how many actors each actor must account to (DESIGN section 5).

The load of an actor is the number of distinct actors that control it through a relation
whose type carries accountability (REPORTS_TO, MONITORS, FUNDS and declared types with
``accountability: true``). A declared accountability type without a control flow names no
controller and adds no load; a relation from an actor to itself adds none either.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

from graph.analysis.flows import Flows, flows

__all__ = ["accountability_load", "load_by_kind", "load_summary"]


def accountability_load(G: nx.MultiDiGraph, *, flow: Flows | None = None) -> dict[str, int]:
    """Return actor id -> the number of distinct actors it accounts to, for every actor.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("town", "ministry", type="REPORTS_TO")
    >>> _ = G.add_edge("ministry", "town", type="FUNDS")
    >>> _ = G.add_edge("agency", "town", type="MONITORS")
    >>> _ = G.add_edge("ministry", "agency", type="STEERS")
    >>> accountability_load(G)
    {'agency': 0, 'ministry': 0, 'town': 2}
    """
    f = flow or flows(G)
    loads = f.accountability_arcs.in_degree().tolist()  # distinct arcs: distinct controllers
    return dict(zip(f.actors, loads, strict=True))


def load_summary(loads: list[int]) -> dict[str, Any]:
    """Return the number of actors and the mean and maximum of their loads (None if none).

    Examples
    --------
    >>> load_summary([0, 2, 1]), load_summary([])
    ({'actors': 3, 'mean': 1.0, 'max': 2}, {'actors': 0, 'mean': None, 'max': None})
    """
    if not loads:
        return {"actors": 0, "mean": None, "max": None}
    return {"actors": len(loads), "mean": sum(loads) / len(loads), "max": max(loads)}


def load_by_kind(
    G: nx.MultiDiGraph, *, load: dict[str, int] | None = None, flow: Flows | None = None
) -> dict[str, dict[str, Any]]:
    """Return kind -> :func:`load_summary` of the actors of that kind, kinds sorted.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("a", {"kind": "municipality"}), ("m", {"kind": "ministry"})])
    >>> _ = G.add_edge("a", "m", type="REPORTS_TO")
    >>> load_by_kind(G)["municipality"]
    {'actors': 1, 'mean': 1.0, 'max': 1}
    """
    f = flow or flows(G)
    loads = load if load is not None else accountability_load(G, flow=f)
    values = np.array([loads.get(actor, 0) for actor in f.actors], dtype=np.int64)
    names, kind_of = f.kind_codes
    counts = np.bincount(kind_of, minlength=len(names)).tolist()
    sums = np.bincount(kind_of, weights=values, minlength=len(names))  # exact below 2**53
    highest = np.zeros(len(names), dtype=np.int64)
    np.maximum.at(highest, kind_of, values)
    return {
        kind: {"actors": counts[c], "mean": int(sums[c]) / counts[c], "max": int(highest[c])}
        for c, kind in enumerate(names)  # sorted; every kind has an actor
    }
