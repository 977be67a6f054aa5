"""Fragmentation: how many instruments and controllers bear on each area and group (DESIGN 5).

For each focus area and each professional group: ``instruments`` is the number of distinct
actors of kind ``instrument`` with a control arc straight into it, ``controllers`` the number
of distinct actors of any kind (instruments included) with a control arc straight into it.

``cross_sector_share`` is the share, among all relations of the (filtered) scenario, of the
relations whose two ends both have sectors and share none; it is None without relations.
The extra ``cross_sector`` entry gives the counts, and the share among only the relations
whose two ends both have sectors (``share_of_sectored``).
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

from graph.analysis.flows import Flows, flows

__all__ = ["FRAGMENTATION_KINDS", "fragmentation", "cross_sector", "cross_sector_share"]

#: The kinds whose fragmentation is reported, in report order.
FRAGMENTATION_KINDS: tuple[str, ...] = ("focus_area", "professional_group")


def _sector_bits(G: nx.MultiDiGraph, f: Flows) -> np.ndarray:
    """Return each actor's sectors as bits: one row per actor, 64 sectors per column."""
    place = {a: i for i, a in enumerate(f.actors)}
    pairs = [
        (place[str(node)], name)
        for node, value in G.nodes(data="sector")
        if value
        for name in ([value] if isinstance(value, str) else value)
    ]
    bit = {name: i for i, name in enumerate(sorted({name for _, name in pairs}))}
    rows = np.zeros((f.n, max(1, -(-len(bit) // 64))), dtype=np.uint64)
    if pairs:
        actor = np.array([a for a, _ in pairs], dtype=np.int64)
        which = np.array([bit[name] for _, name in pairs], dtype=np.int64)
        flags = np.left_shift(np.uint64(1), (which % 64).astype(np.uint64))
        np.bitwise_or.at(rows, (actor, which // 64), flags)
    return rows


def cross_sector(G: nx.MultiDiGraph, *, flow: Flows | None = None) -> dict[str, Any]:
    """Return counts of relations across sectors and both shares (None when undefined).

    Each actor's sectors become bits, so every relation is checked in numpy.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("a", {"sector": ["care"]}), ("b", {"sector": ["safety", "care"]}),
    ...                   ("c", {"sector": ["housing"]}), ("d", {"sector": []})])
    >>> for u, v in [("a", "b"), ("a", "c"), ("b", "c"), ("c", "d")]:
    ...     _ = G.add_edge(u, v, type="COLLABORATES_WITH")
    >>> counts = cross_sector(G)
    >>> counts["relations"], counts["with_sectors"], counts["cross"], counts["share"]
    (4, 3, 2, 0.5)
    >>> round(counts["share_of_sectored"], 4)
    0.6667
    """
    f = flow or flows(G)
    bits = _sector_bits(G, f)
    ends_u, ends_v = bits[f.relation_source], bits[f.relation_target]
    both = ends_u.any(axis=1) & ends_v.any(axis=1)
    shared = (ends_u & ends_v).any(axis=1)
    relations, with_sectors = len(f.relation_source), int(both.sum())
    cross = int((both & ~shared).sum())
    return {
        "relations": relations,
        "with_sectors": with_sectors,
        "cross": cross,
        "share": cross / relations if relations else None,
        "share_of_sectored": cross / with_sectors if with_sectors else None,
    }


def cross_sector_share(G: nx.MultiDiGraph) -> float | None:
    """Return the share of relations whose ends both have sectors and share none.

    Examples
    --------
    >>> cross_sector_share(nx.MultiDiGraph()) is None
    True
    """
    share: float | None = cross_sector(G)["share"]
    return share


def fragmentation(G: nx.MultiDiGraph, *, flow: Flows | None = None) -> dict[str, Any]:
    """Return instruments and controllers per focus area and professional group.

    Returns
    -------
    dict
        ``{"focus_area": {id: {"instruments": int, "controllers": int}},
        "professional_group": {...}, "cross_sector_share": float | None,
        "cross_sector": {...counts...}}``, ids sorted.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("area", {"kind": "focus_area"}), ("fund", {"kind": "instrument"}),
    ...                   ("city", {"kind": "municipality"})])
    >>> _ = G.add_edge("fund", "area", type="TARGETS")
    >>> _ = G.add_edge("city", "area", type="STEERS")
    >>> _ = G.add_edge("city", "area", type="FUNDS")
    >>> fragmentation(G)["focus_area"]
    {'area': {'instruments': 1, 'controllers': 2}}
    """
    f = flow or flows(G)
    arcs = f.control_arcs_
    is_instrument = np.zeros(f.n, dtype=bool)
    is_instrument[f.of_kind("instrument")] = True
    instruments = np.bincount(arcs.target[is_instrument[arcs.source]], minlength=f.n)
    controllers = arcs.in_degree()  # distinct arcs, so distinct controllers
    result: dict[str, Any] = {}
    for kind in FRAGMENTATION_KINDS:
        chosen = f.of_kind(kind)
        result[kind] = {
            f.actors[a]: {"instruments": i, "controllers": c}
            for a, i, c in zip(
                chosen.tolist(),
                instruments[chosen].tolist(),
                controllers[chosen].tolist(),
                strict=True,
            )
        }
    counts = cross_sector(G, flow=f)
    result["cross_sector_share"] = counts["share"]
    result["cross_sector"] = counts
    return result
