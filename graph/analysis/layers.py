"""Steering layers, depth and chains on the control graph (DESIGN section 5).

Strongly connected components of the control graph are contracted first (mutual control is
one layer). The layer of an actor is the length of the longest path of components that ends
at its component; actors with no control arc (self-loops do not count) have layer 0 and are
also listed as isolated.

A chain is a longest path of components, each expanded into its member ids in id order.
Chains come in lexicographic order of their id lists; at most ``limit`` of them are listed
(:data:`MAX_CHAINS` by default), because their number can grow exponentially with depth.
"""

from __future__ import annotations

import bisect
from collections.abc import Hashable, Iterable, Iterator, Mapping
from typing import TypeVar

import networkx as nx
import numpy as np

from graph.analysis.flows import Arcs, Flows, flows
from graph.errors import NotFound

__all__ = [
    "MAX_CHAINS",
    "strong_components",
    "Condensation",
    "condense",
    "steering_layers",
    "isolated",
    "steering_depth",
    "steering_chains",
    "chain_to",
    "chain_patterns",
    "layer_sizes",
]

#: The most chains listed by :func:`steering_chains` and :func:`chain_to` by default.
MAX_CHAINS = 100

N = TypeVar("N", bound=Hashable)


def strong_components(nodes: Iterable[N], adjacency: Mapping[N, Iterable[N]]) -> list[list[N]]:
    """Return the strongly connected components, sinks first (Tarjan, without recursion).

    Examples
    --------
    >>> strong_components("abc", {"a": {"b"}, "b": {"a", "c"}})
    [['c'], ['a', 'b']]
    """
    index: dict[N, int] = {}
    low: dict[N, int] = {}
    stack: list[N] = []
    on_stack: set[N] = set()
    found: list[list[N]] = []
    for root in nodes:
        if root not in index:
            _visit(root, adjacency, index, low, stack, on_stack, found)
    return found


def _visit(
    root: N,
    adjacency: Mapping[N, Iterable[N]],
    index: dict[N, int],
    low: dict[N, int],
    stack: list[N],
    on_stack: set[N],
    found: list[list[N]],
) -> None:
    def enter(v: N) -> tuple[N, Iterator[N]]:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        return v, iter(adjacency.get(v, ()))

    work = [enter(root)]
    while work:
        v, successors = work[-1]
        for w in successors:
            if w not in index:
                work.append(enter(w))
                break
            if w in on_stack:
                low[v] = min(low[v], index[w])
        else:
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                found.append(_pop_component(v, stack, on_stack))


def _pop_component(v: N, stack: list[N], on_stack: set[N]) -> list[N]:
    members = []
    while True:
        w = stack.pop()
        on_stack.discard(w)
        members.append(w)
        if w == v:
            return sorted(members)  # type: ignore[type-var]  # ids and indices sort


class Condensation:
    """The control graph with strongly connected components contracted.

    Components are numbered in topological order (controllers before the controlled: by
    layer, then by their first member's id); ``members(c)`` lists a component's actor ids
    sorted, ``layer[c]`` is its layer. Everything is kept in numbered arrays, so that a
    million relations take seconds; ``successors(c)`` and ``predecessors(c)`` read slices.
    """

    def __init__(
        self,
        actors: list[str],
        of_actor: np.ndarray,
        arcs: Arcs,
        layer: np.ndarray,
        alone: list[str],
    ) -> None:
        self._actors, self._of_actor, self._arcs = actors, of_actor, arcs
        self._layer = layer
        self.layer: list[int] = layer.tolist()
        self.isolated = alone
        self._by_component = np.argsort(of_actor, kind="stable").tolist()  # members in id order
        self._bounds = np.concatenate(([0], np.cumsum(np.bincount(of_actor, minlength=len(layer)))))
        self._pred_source, self._pred_offsets = arcs.reversed()

    def members(self, c: int) -> list[str]:
        """Return the actor ids of component ``c``, sorted."""
        start, end = int(self._bounds[c]), int(self._bounds[c + 1])
        return [self._actors[i] for i in self._by_component[start:end]]

    def size(self, c: int) -> int:
        """Return the number of actors in component ``c``."""
        return int(self._bounds[c + 1] - self._bounds[c])

    def component_of(self, actor: str) -> int:
        """Return the component of one actor id (which must be in the graph)."""
        return int(self._of_actor[bisect.bisect_left(self._actors, actor)])

    def successors(self, c: int) -> list[int]:
        """Return the components that component ``c`` has a control arc into."""
        offsets = self._arcs.offsets
        return self._arcs.target[offsets[c] : offsets[c + 1]].tolist()

    def predecessors(self, c: int) -> list[int]:
        """Return the components with a control arc into component ``c``."""
        return self._pred_source[self._pred_offsets[c] : self._pred_offsets[c + 1]].tolist()

    @property
    def depth(self) -> int:
        """The steering depth: the largest layer, 0 without control arcs."""
        return max(self.layer, default=0)

    def layers(self) -> dict[str, int]:
        """Return actor id -> layer, in id order."""
        return dict(zip(self._actors, self._layer[self._of_actor].tolist(), strict=True))

    def layer_sizes(self) -> dict[str, int]:
        """Return :func:`layer_sizes` of this graph's layers, counted in numpy."""
        alone = np.zeros(len(self._actors), dtype=bool)
        alone[[bisect.bisect_left(self._actors, a) for a in self.isolated]] = True
        counts = np.bincount(self._layer[self._of_actor][~alone], minlength=self.depth + 1)
        return {str(layer): int(c) for layer, c in enumerate(counts.tolist()) if c}

    def chains(self, targets: Iterable[int], limit: int) -> list[list[str]]:
        """Return up to ``limit`` longest chains ending at the given components."""
        allowed = self._tight_ancestors(targets)
        end = max((self.layer[c] for c in allowed), default=0)
        starts = self._ordered(c for c in allowed if self.layer[c] == 0)
        return list(_walk(self, starts, allowed, end, limit))

    def chain_count(self, targets: Iterable[int]) -> int:
        """Return how many longest chains end at the given components (all, not capped)."""
        targets = list(targets)
        allowed = self._tight_ancestors(targets)
        count: dict[int, int] = {}
        for c in sorted(allowed):  # topological numbering: predecessors come first
            tight = [p for p in self.predecessors(c) if p in allowed and self._is_tight(p, c)]
            count[c] = sum(count[p] for p in tight) if self.layer[c] else 1
        return sum(count[c] for c in set(targets))

    def deepest(self) -> list[int]:
        """Return the components at the steering depth, isolated actors left out."""
        alone, depth = set(self.isolated), self.depth
        return [
            c
            for c in np.flatnonzero(self._layer == depth).tolist()
            if not (self.size(c) == 1 and self.members(c)[0] in alone)
        ]

    def _is_tight(self, p: int, c: int) -> bool:
        return self.layer[p] == self.layer[c] - 1

    def _tight_ancestors(self, targets: Iterable[int]) -> set[int]:
        allowed = set(targets)
        frontier = list(allowed)
        while frontier:
            c = frontier.pop()
            for p in self.predecessors(c):
                if p not in allowed and self._is_tight(p, c):
                    allowed.add(p)
                    frontier.append(p)
        return allowed

    def _ordered(self, components: Iterable[int]) -> list[int]:
        # Components are disjoint, so ordering by the first member id orders whole chains
        # lexicographically.
        return sorted(components, key=lambda c: self.members(c)[0])


def _walk(
    cond: Condensation, starts: list[int], allowed: set[int], end: int, limit: int
) -> Iterator[list[str]]:
    emitted = 0
    stack: list[Iterator[int]] = [iter(starts)]
    path: list[int] = []
    while stack and emitted < limit:
        c = next(stack[-1], None)
        if c is None:
            stack.pop()
            if path:
                path.pop()
            continue
        path.append(c)
        if cond.layer[c] == end:
            yield [actor for part in path for actor in cond.members(part)]
            emitted += 1
            path.pop()
            continue
        step = [s for s in cond.successors(c) if s in allowed and cond._is_tight(c, s)]
        stack.append(iter(cond._ordered(step)))


def condense(G: nx.MultiDiGraph, *, flow: Flows | None = None) -> Condensation:
    """Return the condensed control graph of a scenario graph with every component's layer.

    The strongly connected components come from igraph's C code; layers are found by
    peeling the component graph one layer at a time with numpy, so the work is linear in
    the number of arcs.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["a", "b", "c", "d"])
    >>> for u, v in [("a", "b"), ("b", "a"), ("b", "c")]:
    ...     _ = G.add_edge(u, v, type="STEERS")
    >>> cond = condense(G)
    >>> cond.layers(), cond.isolated, cond.depth
    ({'a': 0, 'b': 0, 'c': 1, 'd': 0}, ['d'], 1)
    """
    f = flow or flows(G)
    arcs = f.control_arcs_
    raw = f.strong_membership
    count = int(raw.max()) + 1 if len(raw) else 0
    contracted = Arcs(count, raw[arcs.source], raw[arcs.target])
    layer = longest_path_layers(count, contracted)
    _, first = np.unique(raw, return_index=True)  # each component's first member (id order)
    order = np.lexsort((first, layer))  # topological: every arc goes one layer down or more
    renumber = np.empty(count, dtype=np.int64)
    renumber[order] = np.arange(count)
    ordered = Arcs(count, renumber[contracted.source], renumber[contracted.target])
    touched = (arcs.out_degree() > 0) | (arcs.in_degree() > 0)
    alone = [f.actors[i] for i in np.flatnonzero(~touched).tolist()]
    return Condensation(f.actors, renumber[raw], ordered, layer[order], alone)


def longest_path_layers(count: int, arcs: Arcs) -> np.ndarray:
    """Return each vertex's longest-path distance from a source of an acyclic graph.

    Peels the sources off, one layer per round (Kahn's algorithm by rounds): a vertex
    becomes a source in round k exactly when its longest incoming path has k arcs. Each arc
    is read once, in numpy.

    Examples
    --------
    >>> arcs = Arcs(4, np.array([0, 1, 0]), np.array([1, 2, 2]))
    >>> longest_path_layers(4, arcs).tolist()
    [0, 1, 2, 0]
    """
    waiting = arcs.in_degree().copy()
    layer = np.zeros(count, dtype=np.int64)
    frontier = np.flatnonzero(waiting == 0)
    level = 0
    while frontier.size:
        layer[frontier] = level
        reached, times = np.unique(arcs.target[out_arcs(arcs, frontier)], return_counts=True)
        waiting[reached] -= times
        frontier = reached[waiting[reached] == 0]
        level += 1
    return layer


def out_arcs(arcs: Arcs, vertices: np.ndarray) -> np.ndarray:
    """Return the positions of the arcs out of ``vertices`` (concatenated slices)."""
    start, end = arcs.offsets[vertices], arcs.offsets[vertices + 1]
    length = end - start
    total = int(length.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    shift = np.repeat(start - np.cumsum(length) + length, length)
    return shift + np.arange(total)


def steering_layers(G: nx.MultiDiGraph, *, flow: Flows | None = None) -> dict[str, int]:
    """Return every actor's steering layer, actor id -> int.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("town", "minister", type="REPORTS_TO")
    >>> _ = G.add_edge("office", "town", type="IMPLEMENTS")
    >>> steering_layers(G)
    {'minister': 0, 'office': 2, 'town': 1}
    """
    return condense(G, flow=flow).layers()


def isolated(G: nx.MultiDiGraph, *, flow: Flows | None = None) -> list[str]:
    """Return the actors without any control arc, sorted.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("a", "b", type="ADVISES")
    >>> isolated(G)
    ['a', 'b']
    """
    return condense(G, flow=flow).isolated


def steering_depth(G: nx.MultiDiGraph, *, flow: Flows | None = None) -> int:
    """Return the steering depth, the largest layer (0 without control arcs).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("a", "b", type="STEERS")
    >>> _ = G.add_edge("b", "c", type="FUNDS")
    >>> steering_depth(G)
    2
    """
    return condense(G, flow=flow).depth


def steering_chains(
    G: nx.MultiDiGraph, *, limit: int = MAX_CHAINS, flow: Flows | None = None
) -> list[list[str]]:
    """Return the longest control chains from layer 0 to the deepest actors.

    Parameters
    ----------
    G : MultiDiGraph
        A scenario graph.
    limit : int
        The most chains returned; the first ones in lexicographic order are kept.

    Returns
    -------
    list of list of str
        Each chain lists actor ids from the top down; members of one strongly connected
        component appear together, in id order. Empty without control arcs.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> for u, v in [("m", "p"), ("m", "q"), ("p", "x"), ("q", "x"), ("z", "z")]:
    ...     _ = G.add_edge(u, v, type="STEERS")
    >>> steering_chains(G)
    [['m', 'p', 'x'], ['m', 'q', 'x']]
    """
    cond = condense(G, flow=flow)
    return cond.chains(cond.deepest(), limit)


def chain_to(
    G: nx.MultiDiGraph, actor: str, *, limit: int = MAX_CHAINS, flow: Flows | None = None
) -> list[list[str]]:
    """Return the longest control chains that end at one actor (its component last).

    Raises
    ------
    NotFound
        If ``actor`` is not in the graph.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> for u, v in [("m", "p"), ("p", "x"), ("m", "x"), ("m", "y")]:
    ...     _ = G.add_edge(u, v, type="STEERS")
    >>> chain_to(G, "x"), chain_to(G, "m")
    ([['m', 'p', 'x']], [['m']])
    """
    if actor not in G:
        raise NotFound(f"actor '{actor}' is not in the graph", hint="Check the actor id.")
    cond = condense(G, flow=flow)
    return cond.chains([cond.component_of(str(actor))], limit)


def chain_patterns(chains: list[list[str]], kinds: Mapping[str, str]) -> list[dict[str, object]]:
    """Group chains by their pattern, the sequence of their actors' kinds, most common first.

    Parameters
    ----------
    chains : list of list of str
        Steering chains (actor ids, top down).
    kinds : mapping
        Actor id -> kind.

    Returns
    -------
    list of dict
        ``{"kinds": [...], "count": int, "chains": [[ids...], ...]}``, the most common
        pattern first, ties in the order the chains came.

    Examples
    --------
    >>> kinds = {"m": "ministry", "a": "focus_area", "b": "focus_area", "p": "mayor"}
    >>> found = chain_patterns([["m", "a"], ["p", "a"], ["m", "b"]], kinds)
    >>> [(p["kinds"], p["count"]) for p in found]
    [(['ministry', 'focus_area'], 2), (['mayor', 'focus_area'], 1)]
    """
    groups: dict[tuple[str, ...], list[list[str]]] = {}
    for chain in chains:
        groups.setdefault(tuple(kinds.get(a, "other") for a in chain), []).append(chain)
    ordered = sorted(groups.items(), key=lambda item: -len(item[1]))  # stable: first seen first
    return [{"kinds": list(k), "count": len(c), "chains": c} for k, c in ordered]


def layer_sizes(layers: Mapping[str, int], isolated: Iterable[str]) -> dict[str, int]:
    """Return layer (as text, a JSON key) -> the number of actors in it, isolated ones left out.

    Examples
    --------
    >>> layer_sizes({"a": 0, "b": 1, "c": 1, "d": 0}, ["d"])
    {'0': 1, '1': 2}
    """
    alone = set(isolated)
    sizes: dict[int, int] = {}
    for actor, layer in layers.items():
        if actor not in alone:
            sizes[layer] = sizes.get(layer, 0) + 1
    return {str(layer): sizes[layer] for layer in sorted(sizes)}
