"""Per-actor measures the explorer sizes and colours actors by (DESIGN section 5).

Layer and accountability load come from their own modules; this adds **voice reach per
actor**: how many deciders (actors with an outgoing control arc) an actor's voice reaches
through the voice graph, itself not counted. Residents' reach in :mod:`graph.analysis.voice`
is the same walk started from all actors of one kind at once.
"""

from __future__ import annotations

from collections import deque

import networkx as nx

from graph.analysis.flows import Flows, flows

__all__ = ["VOICE_REACH_LIMIT", "voice_reach_by_actor"]

#: Above this many actors the walk from every actor takes too long for a request.
VOICE_REACH_LIMIT = 3000


def voice_reach_by_actor(
    G: nx.MultiDiGraph, *, flow: Flows | None = None, limit: int = VOICE_REACH_LIMIT
) -> dict[str, int] | None:
    """Return actor id -> how many other deciders its voice reaches; None above ``limit`` actors.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> for u, v, t in [("res", "council", "ADVISES"), ("council", "city", "ADVISES"),
    ...                 ("city", "area", "STEERS"), ("council", "board", "STEERS")]:
    ...     _ = G.add_edge(u, v, type=t)
    >>> voice_reach_by_actor(G)
    {'area': 0, 'board': 0, 'city': 0, 'council': 1, 'res': 2}
    """
    f = flow or flows(G)
    if len(f.actors) > limit:
        return None
    deciders = {a for a, targets in f.control.items() if targets}
    return {a: len((_reached(a, f) - {a}) & deciders) for a in f.actors}


def _reached(start: str, f: Flows) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in f.voice.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen
