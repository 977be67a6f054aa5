"""Voice reach: which deciders the residents (or professionals) reach, and how (DESIGN 5).

Deciders are the actors with an outgoing control arc. From all actors of one kind at once, a
breadth-first search over the voice graph finds each decider's distance in hops (a decider of
that kind reaches itself at 0 hops) and one shortest path to it. Decisive voice reach does
the same over ``formal: true`` voice relations only; the deciders stay the same.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import networkx as nx

from graph.analysis.flows import Adjacency, Flows, flows

__all__ = ["VOICE_KINDS", "voice_reach", "voice_reach_by_kind"]

#: The kinds whose reach is reported, in report order.
VOICE_KINDS: tuple[str, ...] = ("resident_group", "professional_group")


def _search(starts: list[str], adjacency: Adjacency) -> dict[str, str | None]:
    """Return every actor reached from ``starts`` -> its parent on one shortest path."""
    parent: dict[str, str | None] = {s: None for s in starts}
    queue = deque(starts)
    while queue:
        v = queue.popleft()
        for w in sorted(adjacency.get(v, ())):  # sorted, so the paths are reproducible
            if w not in parent:
                parent[w] = v
                queue.append(w)
    return parent


def _path(parent: dict[str, str | None], end: str) -> list[str]:
    path = [end]
    while (step := parent[path[-1]]) is not None:
        path.append(step)
    return path[::-1]


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
    deciders = sorted(actor for actor, targets in f.control.items() if targets)
    starts = sorted(actor for actor in f.actors if f.kinds[actor] == kind)
    parent = _search(starts, f.formal_voice if formal_only else f.voice)
    paths = {d: _path(parent, d) for d in deciders if d in parent}
    return {
        "share": len(paths) / len(deciders) if deciders else None,
        "deciders": len(deciders),
        "reached": {d: len(path) - 1 for d, path in paths.items()},
        "paths": paths,
        "actors": len(starts),
    }


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
