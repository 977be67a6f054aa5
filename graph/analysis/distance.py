"""How far below the top an actor sits: one account of distance on the control graph.

Three numbers answer "how many layers separate A from B", and they differ for good reasons:

- the **layer** (:mod:`graph.analysis.layers`) is the *longest* chain of control above an actor;
- the **shortest chain from the top** is the fewest control steps from any top actor (a
  decider that nobody controls, layer 0) down to it;
- the **shortest chain from a reference actor** (say, the ministry) is the fewest control
  steps from that actor down to it.

Each chain is a list of *steps* naming the relations followed, so a reader sees which types
(STEERS, FUNDS, TARGETS, a REPORTS_TO read against its direction ...) make the distance.
Control flows as DESIGN section 5 defines it (:mod:`graph.analysis.flows`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any

import networkx as nx

from graph.analysis.flows import Flows, flows
from graph.analysis.layers import chain_to, condense
from graph.errors import NotFound
from graph.vocabulary import Vocabulary

__all__ = ["control_path", "control_steps", "top_actors", "distance"]


def top_actors(G: nx.MultiDiGraph, *, flow: Flows | None = None) -> list[str]:
    """Return the top actors: deciders in layer 0 (they control others, nobody controls them).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> for u, v in [("m", "p"), ("p", "x"), ("a", "b"), ("b", "a")]:
    ...     _ = G.add_edge(u, v, type="STEERS")
    >>> G.add_node("lone")
    >>> top_actors(G)
    ['a', 'b', 'm']
    """
    f = flow or flows(G)
    layers = condense(G, flow=f).layers()
    return [a for a in f.actors if layers[a] == 0 and f.control.get(a)]


def control_path(
    G: nx.MultiDiGraph,
    sources: Iterable[str],
    target: str,
    *,
    flow: Flows | None = None,
) -> list[str] | None:
    """Return a shortest control path from any of ``sources`` to ``target``, or None.

    Breadth-first over the control graph; of equally short paths, the one through the
    smallest ids (sources and successors are visited in id order), so answers are stable.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> for u, v, t in [("m", "p", "STEERS"), ("p", "x", "STEERS"), ("m", "x", "TARGETS")]:
    ...     _ = G.add_edge(u, v, type=t)
    >>> control_path(G, ["m"], "x"), control_path(G, ["x"], "m")
    (['m', 'x'], None)
    """
    f = flow or flows(G)
    starts = sorted(set(sources))
    parent: dict[str, str | None] = {s: None for s in starts}
    queue = deque(starts)
    while queue:
        actor = queue.popleft()
        if actor == target:
            return _unwind(parent, target)
        for nxt in sorted(f.control.get(actor, ())):
            if nxt not in parent:
                parent[nxt] = actor
                queue.append(nxt)
    return None


def _unwind(parent: dict[str, str | None], target: str) -> list[str]:
    path = [target]
    while (up := parent[path[-1]]) is not None:
        path.append(up)
    return path[::-1]


def control_steps(G: nx.MultiDiGraph, path: list[str]) -> list[dict[str, Any]]:
    """Return each step of a control path with the relations that carry control along it.

    A step is ``{"from", "to", "types", "relations", "reversed", "via"}``: ``types`` the relation
    types whose control flows from ``from`` to ``to`` (sorted), ``relations`` their ids. A
    relation read against its direction (``to REPORTS_TO from``) counts, as control flows that
    way; ``reversed`` lists the ids of such relations, and ``via`` each relation as ``{"id",
    "type", "reversed"}``. Two
    consecutive members of one mutually controlling group may have no direct arc: their step
    has empty lists.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("town", "min", key="r1", type="REPORTS_TO")
    >>> _ = G.add_edge("min", "town", key="r2", type="FUNDS")
    >>> step = control_steps(G, ["min", "town"])[0]
    >>> step["types"], step["relations"], step["reversed"]
    (['FUNDS', 'REPORTS_TO'], ['r1', 'r2'], ['r1'])
    """
    vocabulary = _vocabulary(G)
    steps = []
    for u, v in zip(path, path[1:], strict=False):
        found = sorted(_controlling(G, vocabulary, u, v))
        steps.append(
            {
                "from": u,
                "to": v,
                "types": sorted({t for _, t, _ in found}),
                "relations": [rid for rid, _, _ in found],
                "reversed": [rid for rid, _, back in found if back],
                "via": [{"id": rid, "type": t, "reversed": back} for rid, t, back in found],
            }
        )
    return steps


def _controlling(G: nx.MultiDiGraph, vocabulary: Vocabulary, u: str, v: str):
    """Yield ``(relation id, type, reversed)`` of each relation between u and v whose control
    runs u->v; ``reversed`` when the relation itself runs v->u."""
    for a, b in ((u, v), (v, u)):
        for key, data in (G.get_edge_data(a, b) or {}).items():
            rtype = vocabulary.relation_type(str(data.get("type")))
            if rtype.control_arc(a, b) == (u, v):
                yield str(key), rtype.type, a == v


def _vocabulary(G: nx.MultiDiGraph) -> Vocabulary:
    vocabulary = G.graph.get("vocabulary")
    return vocabulary if isinstance(vocabulary, Vocabulary) else Vocabulary.with_declared()


def _chain(G: nx.MultiDiGraph, path: list[str] | None) -> dict[str, Any] | None:
    if path is None:
        return None
    return {"path": path, "length": len(path) - 1, "steps": control_steps(G, path)}


def distance(G: nx.MultiDiGraph, actor: str, *, reference: str | None = None) -> dict[str, Any]:
    """Return the three distances of an actor below the top, each with its chain of steps.

    Parameters
    ----------
    G : MultiDiGraph
        A scenario graph (after ``as_of`` and ``confirmed_only``).
    actor : str
        The actor measured.
    reference : str, optional
        An actor to measure from as well (the ministry, say).

    Returns
    -------
    dict
        ``layer`` (int), ``longest`` (the first longest chain, as a chain below or None for
        an actor at the top), ``from_top`` (the shortest chain from any top actor; a top
        actor's own chain has length 0; None when no control reaches it), and with a
        reference, ``reference`` (its id) and ``from_reference`` (None when no control
        chain runs from it to the actor). A chain is ``{"path", "length", "steps"}`` with
        steps as :func:`control_steps` gives them.

    Raises
    ------
    NotFound
        If ``actor`` or ``reference`` is not in the graph.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> for u, v, t in [("m", "p", "STEERS"), ("p", "q", "STEERS"), ("q", "x", "STEERS"),
    ...                 ("m", "x", "TARGETS")]:
    ...     _ = G.add_edge(u, v, key=f"{u}-{v}", type=t)
    >>> d = distance(G, "x", reference="p")
    >>> d["layer"], d["longest"]["length"], d["from_top"]["length"], d["from_reference"]["path"]
    (3, 3, 1, ['p', 'q', 'x'])
    >>> d["from_top"]["steps"][0]["types"]
    ['TARGETS']
    """
    for name in (actor, reference):
        if name is not None and name not in G:
            raise NotFound(f"actor '{name}' is not in the graph", hint="Check the actor id.")
    f = flows(G)
    layer = condense(G, flow=f).layers()[actor]
    longest = chain_to(G, actor, limit=1, flow=f)
    result: dict[str, Any] = {
        "layer": layer,
        "longest": _chain(G, longest[0]) if longest and layer else None,
        "from_top": _chain(G, control_path(G, top_actors(G, flow=f), actor, flow=f)),
    }
    if reference is not None:
        result["reference"] = reference
        result["from_reference"] = _chain(G, control_path(G, [reference], actor, flow=f))
    return result
