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

from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

import networkx as nx

from graph.analysis.flows import Flows, flows
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


@dataclass
class Condensation:
    """The control graph with strongly connected components contracted.

    Components are numbered in topological order (controllers before the controlled);
    ``members[c]`` lists a component's actor ids sorted.
    """

    members: list[list[str]]
    component: dict[str, int]
    successors: list[set[int]]
    predecessors: list[set[int]]
    layer: list[int]
    isolated: list[str]

    @property
    def depth(self) -> int:
        """The steering depth: the largest layer, 0 without control arcs."""
        return max(self.layer, default=0)

    def layers(self) -> dict[str, int]:
        """Return actor id -> layer, in id order."""
        return {a: self.layer[self.component[a]] for a in sorted(self.component)}

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
            tight = [p for p in self.predecessors[c] if p in allowed and self._is_tight(p, c)]
            count[c] = sum(count[p] for p in tight) if self.layer[c] else 1
        return sum(count[c] for c in set(targets))

    def deepest(self) -> list[int]:
        """Return the components at the steering depth, isolated actors left out."""
        alone, depth = set(self.isolated), self.depth
        return [
            c
            for c, members in enumerate(self.members)
            if self.layer[c] == depth and not (len(members) == 1 and members[0] in alone)
        ]

    def _is_tight(self, p: int, c: int) -> bool:
        return self.layer[p] == self.layer[c] - 1

    def _tight_ancestors(self, targets: Iterable[int]) -> set[int]:
        allowed = set(targets)
        frontier = list(allowed)
        while frontier:
            c = frontier.pop()
            for p in self.predecessors[c]:
                if p not in allowed and self._is_tight(p, c):
                    allowed.add(p)
                    frontier.append(p)
        return allowed

    def _ordered(self, components: Iterable[int]) -> list[int]:
        # Components are disjoint, so ordering by the first member id orders whole chains
        # lexicographically.
        return sorted(components, key=lambda c: self.members[c][0])


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
            yield [actor for part in path for actor in cond.members[part]]
            emitted += 1
            path.pop()
            continue
        step = [s for s in cond.successors[c] if s in allowed and cond._is_tight(c, s)]
        stack.append(iter(cond._ordered(step)))


def condense(G: nx.MultiDiGraph, *, flow: Flows | None = None) -> Condensation:
    """Return the condensed control graph of a scenario graph with every component's layer.

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
    found = strong_components(f.actors, f.control)
    members = found[::-1]  # Tarjan finds sinks first; reversed is a topological order
    component = {actor: c for c, group in enumerate(members) for actor in group}
    successors: list[set[int]] = [set() for _ in members]
    predecessors: list[set[int]] = [set() for _ in members]
    for u, v in f.control_arcs():
        cu, cv = component[u], component[v]
        if cu != cv:
            successors[cu].add(cv)
            predecessors[cv].add(cu)
    layer = _longest_path_layers(predecessors)
    alone = [a for a in f.actors if not f.control.get(a) and not f.control_in.get(a)]
    return Condensation(members, component, successors, predecessors, layer, alone)


def _longest_path_layers(predecessors: list[set[int]]) -> list[int]:
    layer = [0] * len(predecessors)
    for c, preds in enumerate(predecessors):
        layer[c] = max((layer[p] + 1 for p in preds), default=0)
    return layer


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
    return cond.chains([cond.component[actor]], limit)


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
