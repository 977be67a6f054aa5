"""Hierarchy of the control graph: Krackhardt's four measures, flow hierarchy, betweenness.

Krackhardt's connectedness, hierarchy, efficiency and least-upper-boundedness are computed
exactly as R's ``sna`` package (2.7) computes ``connectedness``, ``hierarchy(measure =
"krackhardt")``, ``efficiency`` and ``lubness`` on the control graph with every actor as a
vertex; tests compare with values sna produced (``scripts/sna_reference.R``). Where sna
answers NaN or fails (no vertices, no dyads) the value is None. In sna's terms:

- connectedness: the share of vertex pairs in one weak component; 1 with at most one vertex.
- hierarchy: 1 - mutual / non-null dyads of the reachability matrix.
- efficiency: ``1 - (arcs - sum(c - 1)) / sum((c - 1)^2)`` over weak component sizes c.
- lub: over weak components of more than two vertices, the share of vertex pairs without a
  violation, scaled as sna scales it (``1 - violations / sum((c - 1)(c - 2) / 2)``). sna
  counts a pair as violating unless one of its common upper bounds (vertices reaching both)
  reaches every other common upper bound; that holds exactly when one source component of
  the graph reaches both, which is what is counted here.

Connectedness and efficiency are linear in the graph size. Hierarchy and lub need
reachability: they are computed up to :data:`KRACKHARDT_MAX_ACTORS` actors and None above,
with a note saying why. Flow hierarchy is networkx's (``1 -`` the share of arcs inside
strongly connected components; None without arcs). Betweenness is networkx's normalised
betweenness centrality, exact up to :data:`BETWEENNESS_EXACT_LIMIT` actors and estimated
from :data:`BETWEENNESS_SAMPLES` source actors (seed :data:`BETWEENNESS_SEED`) above.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from itertools import accumulate
from typing import Any

import networkx as nx
import numpy as np

from graph.analysis.flows import Arcs, Flows, flows
from graph.analysis.layers import strong_components

__all__ = [
    "KRACKHARDT_MAX_ACTORS",
    "BETWEENNESS_EXACT_LIMIT",
    "BETWEENNESS_SAMPLES",
    "BETWEENNESS_SEED",
    "krackhardt_measures",
    "hierarchy",
    "flow_hierarchy",
    "betweenness",
]

#: Above this many actors Krackhardt's hierarchy and lub are not computed (None, with a note).
KRACKHARDT_MAX_ACTORS = 10_000
#: Up to this many actors betweenness is exact; above, it is estimated from samples.
BETWEENNESS_EXACT_LIMIT = 2_000
#: The number of sampled source actors for estimated betweenness.
BETWEENNESS_SAMPLES = 256
#: The random seed for sampled betweenness, so results repeat.
BETWEENNESS_SEED = 0

Measures = dict[str, float | None]


def _weak_sizes(g: Any) -> list[int]:
    """Return the sizes of the weak components of an igraph graph (in its C code)."""
    return list(g.connected_components(mode="weak").sizes())


def _weak_labels(n: int, arcs: list[tuple[int, int]]) -> list[int]:
    """Return each vertex's weak component as the vertex that represents it (union-find)."""
    parent = list(range(n))

    def root(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for u, v in arcs:
        parent[root(u)] = root(v)
    return [root(v) for v in range(n)]


def _sizes(labels: list[int]) -> dict[int, int]:
    sizes: dict[int, int] = {}
    for label in labels:
        sizes[label] = sizes.get(label, 0) + 1
    return sizes


def _connectedness(n: int, sizes: list[int]) -> float:
    if n <= 1:
        return 1.0
    return sum(c * (c - 1) / 2 for c in sizes) / (n * (n - 1) / 2)


def _efficiency(arc_count: int, sizes: list[int]) -> float | None:
    required = sum(c - 1 for c in sizes)
    most = sum((c - 1) ** 2 for c in sizes)
    return 1 - (arc_count - required) / most if most else None


class _Reach:
    """Strong components of an integer graph in topological order, with their arcs."""

    def __init__(self, n: int, arcs: list[tuple[int, int]]) -> None:
        successors: dict[int, set[int]] = {}
        for u, v in arcs:
            successors.setdefault(u, set()).add(v)
        self.members = strong_components(range(n), successors)[::-1]
        where = {v: c for c, group in enumerate(self.members) for v in group}
        self.succ: list[set[int]] = [set() for _ in self.members]
        self.pred: list[set[int]] = [set() for _ in self.members]
        for u, v in arcs:
            if where[u] != where[v]:
                self.succ[where[u]].add(where[v])
                self.pred[where[v]].add(where[u])

    def hierarchy(self) -> float | None:
        """sna's Krackhardt hierarchy: 1 - mutual / non-null dyads of the reachability."""
        reach = [0] * len(self.members)
        offset = list(accumulate((len(m) for m in self.members), initial=0))
        ordered = 0
        for c in range(len(self.members) - 1, -1, -1):  # the controlled come first
            size = len(self.members[c])
            bits = ((1 << size) - 1) << offset[c]
            for s in self.succ[c]:
                bits |= reach[s]
            reach[c] = bits
            ordered += size * (bits.bit_count() - 1)
        mutual = sum(len(m) * (len(m) - 1) // 2 for m in self.members)
        nonnull = ordered - mutual
        return 1 - mutual / nonnull if nonnull else None

    def source_sets(self) -> list[int]:
        """Return, per component, the set of source components reaching it, as a bitmask."""
        sets = [0] * len(self.members)
        sources = 0
        for c in range(len(self.members)):
            if self.pred[c]:
                for p in self.pred[c]:
                    sets[c] |= sets[p]
            else:
                sets[c] = 1 << sources
                sources += 1
        return sets


#: Up to this many distinct source sets the pairs are counted in Python (the usual scenario
#: has a few dozen); above, as a matrix product.
PAIRS_IN_PYTHON = 256


def _pairs_with_one_common(weights: dict[int, int]) -> int:
    """Count vertex pairs whose source sets share exactly one source.

    ``weights`` maps a source set (a bitmask) to the number of vertices that have it. The
    count is exact either way: in Python for a few sets, as a matrix product for many.

    Examples
    --------
    >>> weights = {0b01: 2, 0b11: 1, 0b10: 1}
    >>> _pairs_with_one_common(weights) == _pairs_by_matrix(weights)
    True
    """
    if len(weights) > PAIRS_IN_PYTHON:
        return _pairs_by_matrix(weights)
    keys = list(weights)
    total = 0
    for i, a in enumerate(keys):
        wa = weights[a]
        if a.bit_count() == 1:
            total += wa * (wa - 1)  # the ordered pairs of distinct vertices sharing set a
        total += 2 * wa * sum(weights[b] for b in keys[i + 1 :] if (a & b).bit_count() == 1)
    return total // 2


def _pairs_by_matrix(weights: dict[int, int]) -> int:
    keys = list(weights)
    width = max(k.bit_length() for k in keys)
    raw = b"".join(k.to_bytes((width + 7) // 8, "little") for k in keys)
    bits = np.unpackbits(np.frombuffer(raw, dtype=np.uint8), bitorder="little")
    matrix = bits.reshape(len(keys), -1).astype(np.float32)
    w = np.array([weights[k] for k in keys], dtype=np.float64)
    total = 0.0
    for start in range(0, len(keys), 1024):
        common = matrix[start : start + 1024] @ matrix.T  # exact: counts stay far below 2**24
        total += float(w[start : start + 1024] @ (common == 1) @ w)
    own = np.array([k.bit_count() == 1 for k in keys])
    total -= float(w[own].sum())  # drop each vertex paired with itself
    return round(total) // 2


def _lub(reach: _Reach, labels: list[int]) -> float | None:
    size = _sizes(labels)
    big = [c for c in size.values() if c > 2]
    most = sum((c - 1) * (c - 2) // 2 for c in big)
    if not most:
        return None
    sets = reach.source_sets()
    weights: dict[int, int] = {}
    for c, group in enumerate(reach.members):
        count = sum(1 for v in group if size[labels[v]] > 2)
        if count:
            weights[sets[c]] = weights.get(sets[c], 0) + count
    violations = sum(c * (c - 1) // 2 for c in big) - _pairs_with_one_common(weights)
    return 1 - violations / most


def krackhardt_measures(
    n: int, arcs: Iterable[tuple[int, int]], *, max_actors: int | None = KRACKHARDT_MAX_ACTORS
) -> Measures:
    """Return Krackhardt's measures of a directed graph on vertices ``0 .. n-1``, as sna does.

    Parameters
    ----------
    n : int
        The number of vertices.
    arcs : iterable of (int, int)
        The arcs; repeats collapse and self-loops are ignored.
    max_actors : int or None
        Above this many vertices ``hierarchy`` and ``lub`` are None (None: no limit).

    Returns
    -------
    dict
        ``connectedness``, ``hierarchy``, ``efficiency``, ``lub``: float or None.

    Examples
    --------
    >>> tree = [(0, 1), (0, 2), (1, 3)]
    >>> krackhardt_measures(4, tree)
    {'connectedness': 1.0, 'hierarchy': 1.0, 'efficiency': 1.0, 'lub': 1.0}
    >>> krackhardt_measures(3, [(0, 1), (1, 2), (2, 0)])["hierarchy"]
    0.0
    """
    import igraph

    pairs = np.array(list(arcs), dtype=np.int64).reshape(-1, 2)
    unique = Arcs(n, pairs[:, 0], pairs[:, 1])
    edges = list(zip(unique.source.tolist(), unique.target.tolist(), strict=True))
    g = igraph.Graph(n=n, edges=edges, directed=True)
    return _measures(unique, g, max_actors)


def _measures(arcs: Arcs, g: Any, max_actors: int | None) -> Measures:
    """Krackhardt's measures of distinct arcs without self-loops (``g``: the same in igraph),
    as sna computes them."""
    n = arcs.n
    sizes = _weak_sizes(g)
    result: Measures = {
        "connectedness": _connectedness(n, sizes),
        "hierarchy": None,
        "efficiency": _efficiency(len(arcs), sizes),
        "lub": None,
    }
    if max_actors is None or n <= max_actors:
        unique = list(zip(arcs.source.tolist(), arcs.target.tolist(), strict=True))
        reach = _Reach(n, unique)
        result["hierarchy"] = reach.hierarchy()
        result["lub"] = _lub(reach, _weak_labels(n, unique))
    return result


def flow_hierarchy(G: nx.MultiDiGraph, *, flow: Flows | None = None) -> float | None:
    """Return networkx's flow hierarchy of the control graph (None without control arcs).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> for u, v in [("a", "b"), ("b", "a"), ("b", "c"), ("c", "d")]:
    ...     _ = G.add_edge(u, v, type="STEERS")
    >>> flow_hierarchy(G)
    0.5
    """
    f = flow or flows(G)
    arcs = f.control_arcs_
    if not len(arcs):
        return None
    where = f.strong_membership
    inside = int(np.count_nonzero(where[arcs.source] == where[arcs.target]))
    return 1 - inside / len(arcs)


def hierarchy(
    G: nx.MultiDiGraph, *, max_actors: int | None = KRACKHARDT_MAX_ACTORS, flow: Flows | None = None
) -> dict[str, Any]:
    """Return Krackhardt's four measures and the flow hierarchy of the control graph.

    Returns
    -------
    dict
        ``connectedness``, ``hierarchy``, ``efficiency``, ``lub``, ``flow_hierarchy``
        (float or None) and ``note`` (why a measure was skipped, or None).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> for u, v in [("m", "a"), ("m", "b"), ("a", "c")]:
    ...     _ = G.add_edge(u, v, type="STEERS")
    >>> G.add_node("lonely")
    >>> result = hierarchy(G)
    >>> result["connectedness"], result["lub"], result["flow_hierarchy"], result["note"]
    (0.6, 1.0, 1.0, None)
    """
    f = flow or flows(G)
    n = f.n
    result: dict[str, Any] = dict(_measures(f.control_arcs_, f.control_igraph, max_actors))
    result["flow_hierarchy"] = flow_hierarchy(G, flow=f)
    too_big = max_actors is not None and n > max_actors
    result["note"] = (
        f"hierarchy and lub are not computed above {max_actors} actors ({n} here): "
        "they need the reachability of every pair"
        if too_big
        else None
    )
    return result


def betweenness(
    G: nx.MultiDiGraph,
    *,
    exact_limit: int = BETWEENNESS_EXACT_LIMIT,
    k: int = BETWEENNESS_SAMPLES,
    seed: int = BETWEENNESS_SEED,
    flow: Flows | None = None,
) -> dict[str, Any]:
    """Return normalised betweenness centrality on the control graph.

    Returns
    -------
    dict
        ``betweenness`` (actor id -> float, every actor), ``sampled`` (bool) and ``k`` (the
        number of sampled sources, None when exact).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> for u, v in [("a", "b"), ("b", "c")]:
    ...     _ = G.add_edge(u, v, type="STEERS")
    >>> betweenness(G)
    {'betweenness': {'a': 0.0, 'b': 0.5, 'c': 0.0}, 'sampled': False, 'k': None}
    """
    f = flow or flows(G)
    sampled = f.n > exact_limit
    scores = _igraph_betweenness(f.actors, f.control_igraph, k if sampled else None, seed)
    return {
        "betweenness": dict(zip(f.actors, scores, strict=True)),
        "sampled": sampled,
        "k": k if sampled else None,
    }


def brandes_betweenness(D: nx.DiGraph, k: int | None = None, seed: int = 0) -> dict[Any, float]:
    """Return normalised betweenness of a directed graph as ``nx.betweenness_centrality``
    gives it (endpoints excluded), from every source or from ``k`` sampled ones.

    The shortest-path counting runs in igraph's C code (about a hundred times faster than
    networkx's Python at 30,000 actors); the sums are rescaled exactly as networkx rescales
    them, so both agree to rounding (``scripts/bench_analysis.py --versus`` checks it on
    every run, tests/test_betweenness.py and tests/test_analysis_kernels.py on graphs with
    ties and cycles). :func:`betweenness` runs the same on the igraph graph the analysis
    already holds (:attr:`Flows.control_igraph`). With ``k``, only ``k`` sources are
    searched, drawn as networkx draws them: ``random.Random(seed).sample(list(D), k)``.

    Examples
    --------
    >>> D = nx.DiGraph([("a", "b"), ("b", "c"), ("a", "d"), ("d", "c")])
    >>> brandes_betweenness(D) == nx.betweenness_centrality(D)
    True
    """
    import igraph

    nodes = list(D)
    index = {v: i for i, v in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in D.edges()]
    g = igraph.Graph(n=len(nodes), edges=edges, directed=True)
    return dict(zip(nodes, _igraph_betweenness(nodes, g, k, seed), strict=True))


def _igraph_betweenness(nodes: list[Any], g: Any, k: int | None, seed: int) -> list[float]:
    """Return vertex i's normalised betweenness for ``nodes[i]`` of igraph graph ``g``."""
    n = len(nodes)
    if n <= 2:
        return [0.0] * n
    sources = None if k is None else random.Random(seed).sample(nodes, k)
    index = None if sources is None else {v: i for i, v in enumerate(nodes)}
    chosen = None if sources is None or index is None else [index[v] for v in sources]
    raw = np.asarray(g.betweenness(directed=True, sources=chosen), dtype=np.float64)
    if chosen is None:
        return (raw * (1 / ((n - 1) * (n - 2)))).tolist()
    k = len(chosen)
    # networkx rescales sampled sources apart: a source is never a pair's inner actor for itself
    scale = np.full(n, 1 / (k * (n - 2)))
    scale[chosen] = 1 / ((k - 1) * (n - 2)) if k > 1 else math.nan
    return (raw * scale).tolist()
