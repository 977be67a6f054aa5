"""Control and voice graphs: which way control and voice flow between actors (DESIGN section 5).

Every analysis reads a scenario's :class:`networkx.MultiDiGraph` (see :mod:`graph.network`)
through the flows computed here, so it depends only on each relation type's control flow,
voice flow and accountability, and declared relation types work like core ones.

The arcs are numbered arrays (:class:`Arcs`, actors numbered in id order), built in one pass
over the relations, so that the heavy kernels run in numpy and igraph's C code (the igraph
twin of the control graph is made once per analysis, :attr:`Flows.control_igraph`); networkx
stays the graph every caller hands in.

Self-loops (a relation from an actor to itself) never make an arc: an actor does not steer,
hear or account to itself, so such a relation neither creates a layer nor keeps its actor
out of ``isolated``.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Any

import networkx as nx
import numpy as np

from graph.errors import GraphError
from graph.vocabulary import RelationType, Vocabulary

__all__ = ["Arcs", "Flows", "flows", "control_graph", "voice_graph", "deciders"]

Adjacency = dict[str, set[str]]

#: Direction codes of a relation type's flow: no arc, ``u -> v``, ``v -> u``.
_DIRECTION = {"none": 0, "forward": 1, "reverse": 2}


class Arcs:
    """Distinct arcs between actor numbers (their place in :attr:`Flows.actors`).

    ``source`` and ``target`` are sorted by source, then target, without repeats or
    self-loops, so the arcs out of one actor are one slice (``out_slice``), in id order.
    """

    def __init__(self, n: int, source: np.ndarray, target: np.ndarray) -> None:
        keep = source != target
        codes = source[keep].astype(np.int64) * max(n, 1) + target[keep]
        codes.sort()
        codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))] if len(codes) else codes
        self.n = n
        self.source, self.target = np.divmod(codes, max(n, 1))
        self.offsets = np.concatenate(([0], np.cumsum(np.bincount(self.source, minlength=n))))

    def __len__(self) -> int:
        return len(self.source)

    def out_degree(self) -> np.ndarray:
        """Return each actor's number of distinct arcs out."""
        return np.diff(self.offsets)

    def in_degree(self) -> np.ndarray:
        """Return each actor's number of distinct arcs in."""
        return np.bincount(self.target, minlength=self.n)

    def reversed(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the sources sorted by target and where each target's slice starts."""
        order = np.argsort(self.target, kind="stable")
        offsets = np.concatenate(([0], np.cumsum(self.in_degree())))
        return self.source[order], offsets

    def adjacency(self, actors: list[str], *, reverse: bool = False) -> Adjacency:
        """Return actor id -> the set of actor ids at the other end (only actors with arcs)."""
        ends = (self.target, self.source) if reverse else (self.source, self.target)
        result: Adjacency = {}
        for u, v in zip(ends[0].tolist(), ends[1].tolist(), strict=True):
            result.setdefault(actors[u], set()).add(actors[v])
        return result


class Flows:
    """The arcs of one scenario graph, collapsed and without self-loops.

    The arcs are kept as numbered arrays (:class:`Arcs`), which the analyses read; the
    dictionaries of sets below are built from them on first use, for callers that walk
    actor ids.

    Attributes
    ----------
    actors : list of str
        Every actor id, sorted; an actor's number is its place here.
    kinds : dict
        Actor id -> kind.
    control_arcs_, voice_arcs, formal_voice_arcs : Arcs
        Controller -> controlled; speaker -> listener through any voice relation, and
        through ``formal: true`` ones.
    accountability_arcs : Arcs
        Controller -> controlled through a relation whose type carries accountability.
    relation_source, relation_target : ndarray
        Both ends of every relation (self-loops and repeats included), as actor numbers.
    """

    def __init__(
        self,
        actors: list[str],
        kinds: dict[str, str],
        control: Arcs,
        voice: Arcs,
        formal_voice: Arcs,
        accountability: Arcs,
        relation_ends: tuple[np.ndarray, np.ndarray],
    ) -> None:
        self.actors, self.kinds = actors, kinds
        self.control_arcs_ = control
        self.voice_arcs, self.formal_voice_arcs = voice, formal_voice
        self.accountability_arcs = accountability  # controller -> controlled, as control
        self.relation_source, self.relation_target = relation_ends

    @property
    def n(self) -> int:
        """The number of actors."""
        return len(self.actors)

    @cached_property
    def kind_codes(self) -> tuple[list[str], np.ndarray]:
        """Return the distinct kinds, sorted, and each actor's place among them."""
        names = sorted(set(self.kinds.values()))
        place = {k: i for i, k in enumerate(names)}
        return names, np.array([place[self.kinds[a]] for a in self.actors], dtype=np.int64)

    def of_kind(self, kind: str) -> np.ndarray:
        """Return the numbers of the actors of one kind, in id order."""
        names, codes = self.kind_codes
        if kind not in names:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(codes == names.index(kind))

    @cached_property
    def control(self) -> Adjacency:
        """Controller -> controlled actors."""
        return self.control_arcs_.adjacency(self.actors)

    @cached_property
    def control_in(self) -> Adjacency:
        """Controlled -> controllers."""
        return self.control_arcs_.adjacency(self.actors, reverse=True)

    @cached_property
    def voice(self) -> Adjacency:
        """Speaker -> listeners through any voice relation."""
        return self.voice_arcs.adjacency(self.actors)

    @cached_property
    def formal_voice(self) -> Adjacency:
        """Speaker -> listeners through ``formal: true`` voice relations."""
        return self.formal_voice_arcs.adjacency(self.actors)

    @cached_property
    def accountable_to(self) -> Adjacency:
        """Actor -> the distinct actors controlling it through an accountability relation."""
        return self.accountability_arcs.adjacency(self.actors, reverse=True)

    @cached_property
    def control_igraph(self) -> Any:
        """The control graph in igraph (vertex i is ``actors[i]``), built once per analysis."""
        import igraph

        arcs = self.control_arcs_
        # Tuples of Python ints are what igraph converts fastest (about 2x a numpy array).
        edges = list(zip(arcs.source.tolist(), arcs.target.tolist(), strict=True))
        return igraph.Graph(n=self.n, edges=edges, directed=True)

    @cached_property
    def strong_membership(self) -> np.ndarray:
        """Each actor's strongly connected component of the control graph (igraph's number)."""
        components = self.control_igraph.connected_components(mode="strong")
        return np.asarray(components.membership, dtype=np.int64)

    def control_arcs(self) -> Iterator[tuple[str, str]]:
        """Yield every control arc ``(controller, controlled)`` once."""
        actors, arcs = self.actors, self.control_arcs_
        for u, v in zip(arcs.source.tolist(), arcs.target.tolist(), strict=True):
            yield actors[u], actors[v]

    def control_arc_count(self) -> int:
        """Return the number of distinct control arcs."""
        return len(self.control_arcs_)

    def decider_mask(self) -> np.ndarray:
        """Return which actors are deciders (have an outgoing control arc)."""
        return self.control_arcs_.out_degree() > 0


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


def _relations(
    G: nx.MultiDiGraph, number: dict[Any, int], vocabulary: Vocabulary
) -> tuple[list[RelationType], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return the relation types met and, per relation: both ends, type and formal flag."""
    ends_u: list[int] = []
    ends_v: list[int] = []
    fields: list[dict[str, Any]] = []
    # One pass over networkx's own adjacency (as its algorithms read it): no tuple or view
    # is made per relation, which matters at a million relations.
    for u, around in G._adj.items():
        iu = number[u]
        for v, parallel in around.items():
            iv = number[v]
            for data in parallel.values():
                ends_u.append(iu)
                ends_v.append(iv)
                fields.append(data)
    names = [data.get("type") for data in fields]
    met = list(dict.fromkeys(names))  # in the order met, so the first unknown is reported
    types = [_type_lookup(vocabulary, str(name)) for name in met]
    code = {name: i for i, name in enumerate(met)}
    type_of = np.array(list(map(code.__getitem__, names)), dtype=np.int64)
    formal = np.array([data.get("formal") is True for data in fields], dtype=bool)
    ends = np.array(ends_u, dtype=np.int64), np.array(ends_v, dtype=np.int64)
    return types, ends[0], ends[1], type_of, formal


def _directed(
    n: int, u: np.ndarray, v: np.ndarray, direction: np.ndarray, keep: np.ndarray | None = None
) -> Arcs:
    """Return the arcs of the relations whose flow goes forward (u -> v) or reverse (v -> u)."""
    forward, reverse = direction == 1, direction == 2
    if keep is not None:
        forward, reverse = forward & keep, reverse & keep
    source = np.concatenate((u[forward], v[reverse]))
    target = np.concatenate((v[forward], u[reverse]))
    return Arcs(n, source, target)


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
    kinds = {str(node): str(data.get("kind", "other")) for node, data in G.nodes(data=True)}
    actors = sorted(kinds)
    place = {a: i for i, a in enumerate(actors)}
    number = {node: place[str(node)] for node in G}
    types, u, v, type_of, formal = _relations(G, number, _vocabulary(G))
    n = len(actors)
    control = np.array([_DIRECTION[t.control] for t in types] or [0], dtype=np.int8)[type_of]
    voice = np.array([_DIRECTION[t.voice] for t in types] or [0], dtype=np.int8)[type_of]
    accountable = np.array([t.accountability for t in types] or [False], dtype=bool)[type_of]
    return Flows(
        actors,
        kinds,
        control=_directed(n, u, v, control),
        voice=_directed(n, u, v, voice),
        formal_voice=_directed(n, u, v, voice, formal),
        accountability=_directed(n, u, v, control, accountable),
        relation_ends=(u, v),
    )


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
