"""Control and voice graphs: which way control and voice flow between actors (DESIGN section 5).

Every analysis reads a scenario's :class:`networkx.MultiDiGraph` (see :mod:`graph.network`)
through the flows computed here, so it depends only on each relation type's control flow,
voice flow and accountability, and declared relation types work like core ones.

Self-loops (a relation from an actor to itself) never make an arc: an actor does not steer,
hear or account to itself, so such a relation neither creates a layer nor keeps its actor
out of ``isolated``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.errors import GraphError
from graph.vocabulary import RelationType, Vocabulary

__all__ = ["Flows", "flows", "control_graph", "voice_graph", "deciders"]

Adjacency = dict[str, set[str]]


@dataclass
class Flows:
    """The arcs of one scenario graph, collapsed and without self-loops.

    Attributes
    ----------
    actors : list of str
        Every actor id, sorted.
    kinds : dict
        Actor id -> kind.
    control, control_in : dict
        Controller -> controlled actors, and controlled -> controllers.
    voice, formal_voice : dict
        Speaker -> listeners through any voice relation, and through ``formal: true`` ones.
    accountable_to : dict
        Actor -> the distinct actors controlling it through an accountability relation.
    """

    actors: list[str]
    kinds: dict[str, str]
    control: Adjacency = field(default_factory=dict)
    control_in: Adjacency = field(default_factory=dict)
    voice: Adjacency = field(default_factory=dict)
    formal_voice: Adjacency = field(default_factory=dict)
    accountable_to: Adjacency = field(default_factory=dict)

    def control_arcs(self) -> Iterator[tuple[str, str]]:
        """Yield every control arc ``(controller, controlled)`` once."""
        for source, targets in self.control.items():
            for target in targets:
                yield source, target

    def control_arc_count(self) -> int:
        """Return the number of distinct control arcs."""
        return sum(len(targets) for targets in self.control.values())


def _vocabulary(G: nx.MultiDiGraph) -> Vocabulary:
    vocabulary = G.graph.get("vocabulary")
    return vocabulary if isinstance(vocabulary, Vocabulary) else Vocabulary.with_declared()


def _type_lookup(vocabulary: Vocabulary, name: str) -> RelationType:
    if not vocabulary.has_type(name):
        raise GraphError(
            f"relation type '{name}' is neither core nor declared",
            code="unknown-relation-type",
            hint="Declare the type under 'vocabulary: relation_types' with its flows.",
        )
    return vocabulary.relation_type(name)


def _add(adjacency: Adjacency, arc: tuple[str, str] | None) -> bool:
    if arc is None or arc[0] == arc[1]:
        return False
    adjacency.setdefault(arc[0], set()).add(arc[1])
    return True


def _add_relation(result: Flows, rtype: RelationType, u: str, v: str, data: dict[str, Any]) -> None:
    control = rtype.control_arc(u, v)
    if _add(result.control, control) and control is not None:
        result.control_in.setdefault(control[1], set()).add(control[0])
        if rtype.accountability:
            result.accountable_to.setdefault(control[1], set()).add(control[0])
    voice = rtype.voice_arc(u, v)
    _add(result.voice, voice)
    if data.get("formal") is True:
        _add(result.formal_voice, voice)


def flows(G: nx.MultiDiGraph) -> Flows:
    """Return the control, voice and accountability arcs of a scenario graph.

    Parameters
    ----------
    G : MultiDiGraph
        A scenario graph from :func:`graph.network.to_networkx`.

    Returns
    -------
    Flows
        Collapsed arcs; self-loops are left out.

    Raises
    ------
    GraphError
        If a relation has a type the graph's vocabulary does not know.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("a", {"kind": "ministry"}), ("b", {"kind": "municipality"})])
    >>> _ = G.add_edge("b", "a", key="r1", type="REPORTS_TO")
    >>> _ = G.add_edge("a", "b", key="r2", type="FUNDS")
    >>> f = flows(G)
    >>> f.control, f.accountable_to, f.control_arc_count()
    ({'a': {'b'}}, {'b': {'a'}}, 1)
    """
    vocabulary = _vocabulary(G)
    kinds = {str(node): str(data.get("kind", "other")) for node, data in G.nodes(data=True)}
    result = Flows(actors=sorted(kinds), kinds=kinds)
    types: dict[str, RelationType] = {}
    for u, v, data in G.edges(data=True):
        name = str(data.get("type"))
        if name not in types:
            types[name] = _type_lookup(vocabulary, name)
        _add_relation(result, types[name], str(u), str(v), data)
    return result


def _digraph(actors: list[str], adjacency: Adjacency) -> nx.DiGraph:
    D = nx.DiGraph()
    D.add_nodes_from(actors)
    D.add_edges_from((u, v) for u, targets in adjacency.items() for v in targets)
    return D


def control_graph(G: nx.MultiDiGraph, *, flow: Flows | None = None) -> nx.DiGraph:
    """Return the control graph: every actor, an arc X->Y where control flows from X to Y.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["a", "b", "c"])
    >>> _ = G.add_edge("a", "b", type="IMPLEMENTS")
    >>> sorted(control_graph(G).edges()), control_graph(G).number_of_nodes()
    ([('b', 'a')], 3)
    """
    f = flow or flows(G)
    return _digraph(f.actors, f.control)


def voice_graph(
    G: nx.MultiDiGraph, *, formal_only: bool = False, flow: Flows | None = None
) -> nx.DiGraph:
    """Return the voice graph (only ``formal: true`` voice relations with ``formal_only``).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["a", "b"])
    >>> _ = G.add_edge("a", "b", type="REPRESENTS")
    >>> sorted(voice_graph(G).edges()), sorted(voice_graph(G, formal_only=True).edges())
    ([('b', 'a')], [])
    """
    f = flow or flows(G)
    return _digraph(f.actors, f.formal_voice if formal_only else f.voice)


def deciders(G: nx.MultiDiGraph, *, flow: Flows | None = None) -> list[str]:
    """Return the deciders, the actors with an outgoing control arc, sorted.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("x", "y", type="STEERS")
    >>> _ = G.add_edge("z", "z", type="STEERS")
    >>> deciders(G)
    ['x']
    """
    f = flow or flows(G)
    return sorted(actor for actor, targets in f.control.items() if targets)
