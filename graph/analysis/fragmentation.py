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

from graph.analysis.flows import Flows, flows

__all__ = ["FRAGMENTATION_KINDS", "fragmentation", "cross_sector", "cross_sector_share"]

#: The kinds whose fragmentation is reported, in report order.
FRAGMENTATION_KINDS: tuple[str, ...] = ("focus_area", "professional_group")


def _sectors(data: dict[str, Any]) -> frozenset[str]:
    value = data.get("sector") or ()
    return frozenset([value] if isinstance(value, str) else value)


def cross_sector(G: nx.MultiDiGraph) -> dict[str, Any]:
    """Return counts of relations across sectors and both shares (None when undefined).

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
    sectors = {node: _sectors(data) for node, data in G.nodes(data=True)}
    relations = with_sectors = cross = 0
    for u, v in G.edges():
        relations += 1
        if sectors[u] and sectors[v]:
            with_sectors += 1
            cross += not (sectors[u] & sectors[v])
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


def _bearing(f: Flows, actor: str) -> dict[str, int]:
    controllers = f.control_in.get(actor, set())
    instruments = [c for c in controllers if f.kinds[c] == "instrument"]
    return {"instruments": len(instruments), "controllers": len(controllers)}


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
    result: dict[str, Any] = {
        kind: {a: _bearing(f, a) for a in f.actors if f.kinds[a] == kind}
        for kind in FRAGMENTATION_KINDS
    }
    counts = cross_sector(G)
    result["cross_sector_share"] = counts["share"]
    result["cross_sector"] = counts
    return result
