"""Voice reach: which deciders the residents (or professionals) reach, and how (DESIGN 5).

Deciders are the actors with an outgoing control arc. From all actors of one kind at once, a
breadth-first search over the voice graph finds each decider's distance in hops (a decider of
that kind reaches itself at 0 hops) and one shortest path to it. Decisive voice reach does
the same over ``formal: true`` voice relations only; the deciders stay the same.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

from graph.analysis.flows import Arcs, Flows, flows
from graph.analysis.layers import out_arcs

__all__ = ["VOICE_KINDS", "voice_reach", "voice_reach_by_kind", "breadth_first"]

#: The kinds whose reach is reported, in report order.
VOICE_KINDS: tuple[str, ...] = ("resident_group", "professional_group")


def breadth_first(starts: np.ndarray, arcs: Arcs) -> tuple[np.ndarray, np.ndarray]:
    """Return every vertex's hops from the nearest start (-1: unreached) and its parent.

    The same search as a queue started with ``starts`` in order that visits each vertex's
    successors in id order: a vertex's parent is the first vertex of the previous round
    (in queue order) with an arc to it. Done a whole round at a time in numpy, so each arc
    is read once. A start's parent is itself.

    Examples
    --------
    >>> arcs = Arcs(4, np.array([0, 0, 1, 2]), np.array([1, 2, 3, 3]))
    >>> hops, parent = breadth_first(np.array([0]), arcs)
    >>> hops.tolist(), parent.tolist()
    ([0, 1, 1, 2], [0, 0, 0, 1])
    """
    hops = np.full(arcs.n, -1, dtype=np.int64)
    parent = np.full(arcs.n, -1, dtype=np.int64)
    frontier = np.asarray(starts, dtype=np.int64)
    hops[frontier], parent[frontier] = 0, frontier
    level = 0
    while frontier.size:
        level += 1
        where = out_arcs(arcs, frontier)  # in queue order, each vertex's arcs in id order
        out = arcs.offsets[frontier + 1] - arcs.offsets[frontier]  # this round's work only
        rank = np.repeat(np.arange(frontier.size), out)
        found = arcs.target[where]
        new = hops[found] < 0
        found, rank = found[new], rank[new]
        first = np.unique(found, return_index=True)[1]  # first sighting in queue order
        first.sort()  # the next round's queue order
        previous, frontier = frontier, found[first]
        hops[frontier] = level
        parent[frontier] = previous[rank[first]]
    return hops, parent


def voice_reach(
    G: nx.MultiDiGraph, kind: str, *, formal_only: bool = False, flow: Flows | None = None
) -> dict[str, Any]:
    """Return how far the actors of one kind reach the deciders through the voice graph.

    Parameters
    ----------
    G : MultiDiGraph
        A scenario graph.
    kind : str
        The actor kind whose voice is followed, e.g. ``resident_group``.
    formal_only : bool
        Follow only voice relations marked ``formal: true`` (decisive voice reach).

    Returns
    -------
    dict
        ``share`` (reached deciders / deciders, None without deciders), ``deciders`` (int),
        ``reached`` (decider id -> hops), ``paths`` (decider id -> one shortest path of ids,
        starting at an actor of ``kind``) and ``actors`` (how many actors have that kind).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("res", {"kind": "resident_group"}), ("body", {"kind": "other"})])
    >>> _ = G.add_edge("res", "body", type="PARTICIPATES_IN")
    >>> _ = G.add_edge("body", "office", type="ADVISES", formal=True)
    >>> _ = G.add_edge("office", "area", type="STEERS")
    >>> _ = G.add_edge("city", "area", type="STEERS")
    >>> r = voice_reach(G, "resident_group")
    >>> r["share"], r["deciders"], r["reached"], r["paths"]["office"]
    (0.5, 2, {'office': 2}, ['res', 'body', 'office'])
    >>> voice_reach(G, "resident_group", formal_only=True)["reached"]
    {}
    """
    f = flow or flows(G)
    deciders = np.flatnonzero(f.decider_mask())
    starts = f.of_kind(kind)
    hops, parent = breadth_first(starts, f.formal_voice_arcs if formal_only else f.voice_arcs)
    reached = deciders[hops[deciders] >= 0]
    paths = _paths(reached, parent.tolist(), f.actors)
    return {
        "share": len(reached) / len(deciders) if len(deciders) else None,
        "deciders": len(deciders),
        "reached": dict(zip(paths, hops[reached].tolist(), strict=True)),
        "paths": paths,
        "actors": len(starts),
    }


def _paths(ends: np.ndarray, parent: list[int], actors: list[str]) -> dict[str, list[str]]:
    """Return actor id -> its path of ids from a start, for each of ``ends`` (in id order).

    Each path is walked up its parents, so the work is the size of the paths returned.
    """
    paths: dict[str, list[str]] = {}
    for v in ends.tolist():
        route = [actors[v]]
        while parent[v] != v:
            v = parent[v]
            route.append(actors[v])
        paths[route[0]] = route[::-1]
    return paths


def voice_reach_by_kind(
    G: nx.MultiDiGraph, *, formal_only: bool = False, flow: Flows | None = None
) -> dict[str, dict[str, Any]]:
    """Return :func:`voice_reach` for each of :data:`VOICE_KINDS`, keyed by kind.

    Examples
    --------
    >>> sorted(voice_reach_by_kind(nx.MultiDiGraph()))
    ['professional_group', 'resident_group']
    """
    f = flow or flows(G)
    return {kind: voice_reach(G, kind, formal_only=formal_only, flow=f) for kind in VOICE_KINDS}
