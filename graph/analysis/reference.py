"""Every analysis computed with networkx alone: the oracle and the baseline of the fast kernels.

:func:`graph.analysis.report.analyze` runs its heavy kernels (strong components, layers,
breadth-first voice reach, degree counts, weak components, flow hierarchy, betweenness) in
igraph's C code and numpy. :func:`reference_analyze` computes the same object with networkx's
own algorithms on networkx graphs, as the code did before: tests compare the two on random
graphs (tests/test_analysis_kernels.py), and ``scripts/bench_analysis.py --versus`` times
both on the same graph. Only the listing and counting of chains, which walk a few components,
run the same code on both sides (:class:`graph.analysis.layers.Condensation`, built here from
networkx's condensation). Krackhardt's hierarchy and lub (up to 10,000 actors) are checked
against R's sna by their own tests and are computed by the same function on both sides.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

from graph.analysis.accountability import load_summary
from graph.analysis.flows import Arcs, _type_lookup, _vocabulary
from graph.analysis.fragmentation import FRAGMENTATION_KINDS
from graph.analysis.hierarchy import (
    BETWEENNESS_EXACT_LIMIT,
    BETWEENNESS_SAMPLES,
    BETWEENNESS_SEED,
    KRACKHARDT_MAX_ACTORS,
    krackhardt_measures,
)
from graph.analysis.layers import MAX_CHAINS, Condensation, chain_patterns
from graph.analysis.report import scenario_id_of
from graph.analysis.voice import VOICE_KINDS

__all__ = ["reference_graphs", "reference_analyze", "differences"]

#: The tolerance on betweenness between igraph's and networkx's sums (rounding only).
BETWEENNESS_TOLERANCE = 1e-12

_START = ("start of the search",)  # a node no scenario has: the common start of many


def reference_graphs(G: nx.MultiDiGraph) -> dict[str, nx.DiGraph]:
    """Return the control, voice, formal voice and accountability graphs, every actor a node.

    Arcs go controller -> controlled (accountability too) and speaker -> listener;
    self-loops are left out, as in :func:`graph.analysis.flows.flows`.
    """
    vocabulary = _vocabulary(G)
    actors = sorted(str(v) for v in G)
    graphs = {name: nx.DiGraph() for name in ("control", "voice", "formal", "accountability")}
    for D in graphs.values():
        D.add_nodes_from(actors)
    for u, v, data in G.edges(data=True):
        rtype = _type_lookup(vocabulary, str(data.get("type")))
        control, voice = rtype.control_arc(str(u), str(v)), rtype.voice_arc(str(u), str(v))
        if control and control[0] != control[1]:
            graphs["control"].add_edge(*control)
            if rtype.accountability:
                graphs["accountability"].add_edge(*control)
        if voice and voice[0] != voice[1]:
            graphs["voice"].add_edge(*voice)
            if data.get("formal") is True:
                graphs["formal"].add_edge(*voice)
    return graphs


def _condensation(C: nx.DiGraph) -> Condensation:
    """Build the chains' Condensation from networkx's condensation and generations."""
    actors = sorted(C)
    cond = nx.condensation(C)
    layer = {c: i for i, gen in enumerate(nx.topological_generations(cond)) for c in gen}
    first = {c: min(cond.nodes[c]["members"]) for c in cond}
    order = sorted(cond, key=lambda c: (layer[c], first[c]))  # the numbering Condensation uses
    number = {c: i for i, c in enumerate(order)}
    of_actor = np.array([number[cond.graph["mapping"][a]] for a in actors], dtype=np.int64)
    arcs = [(number[a], number[b]) for a, b in cond.edges()]
    pairs = np.array(arcs, dtype=np.int64).reshape(-1, 2)
    alone = [a for a in actors if C.degree(a) == 0]
    layers = np.array([layer[c] for c in order], dtype=np.int64)
    return Condensation(actors, of_actor, Arcs(len(order), pairs[:, 0], pairs[:, 1]), layers, alone)


def _steering(C: nx.DiGraph, kinds: dict[str, str], limit: int) -> dict[str, Any]:
    cond = _condensation(C)
    layers = cond.layers()
    deepest = cond.deepest()
    count = cond.chain_count(deepest)
    chains = cond.chains(deepest, limit)
    sizes: dict[int, int] = {}
    for actor, layer in layers.items():
        if C.degree(actor):
            sizes[layer] = sizes.get(layer, 0) + 1
    return {
        "layers": layers,
        "layer_sizes": {str(layer): sizes[layer] for layer in sorted(sizes)},
        "isolated": cond.isolated,
        "steering_depth": max(layers.values(), default=0),
        "steering_chains": chains,
        "steering_chain_count": count,
        "steering_chains_truncated": count > limit,
        "steering_chain_patterns": chain_patterns(chains, kinds),
    }


def _voice_reach(V: nx.DiGraph, C: nx.DiGraph, kinds: dict[str, str], kind: str) -> dict[str, Any]:
    deciders = sorted(a for a in C if C.out_degree(a))
    starts = sorted(a for a in V if kinds[a] == kind)
    searched = V.copy()
    searched.add_node(_START)
    searched.add_edges_from((_START, s) for s in starts)
    parent = dict(nx.bfs_predecessors(searched, _START, sort_neighbors=sorted))
    paths = {}
    for d in deciders:
        if d in parent:
            path = [d]
            while parent[path[-1]] != _START:
                path.append(parent[path[-1]])
            paths[d] = path[::-1]
    return {
        "share": len(paths) / len(deciders) if deciders else None,
        "deciders": len(deciders),
        "reached": {d: len(p) - 1 for d, p in paths.items()},
        "paths": paths,
        "actors": len(starts),
    }


def _cross_sector(G: nx.MultiDiGraph) -> dict[str, Any]:
    def sectors(value: Any) -> frozenset[str]:
        return frozenset([value] if isinstance(value, str) else value or ())

    of = {node: sectors(value) for node, value in G.nodes(data="sector")}
    relations = with_sectors = cross = 0
    for u, v in G.edges():
        relations += 1
        if of[u] and of[v]:
            with_sectors += 1
            cross += not (of[u] & of[v])
    return {
        "relations": relations,
        "with_sectors": with_sectors,
        "cross": cross,
        "share": cross / relations if relations else None,
        "share_of_sectored": cross / with_sectors if with_sectors else None,
    }


def _fragmentation(G: nx.MultiDiGraph, C: nx.DiGraph, kinds: dict[str, str]) -> dict[str, Any]:
    result: dict[str, Any] = {
        kind: {
            a: {
                "instruments": sum(1 for c in C.predecessors(a) if kinds[c] == "instrument"),
                "controllers": C.in_degree(a),
            }
            for a in sorted(C)
            if kinds[a] == kind
        }
        for kind in FRAGMENTATION_KINDS
    }
    counts = _cross_sector(G)
    result["cross_sector_share"] = counts["share"]
    result["cross_sector"] = counts
    return result


def _hierarchy(C: nx.DiGraph) -> dict[str, Any]:
    n, arcs = C.number_of_nodes(), C.number_of_edges()
    sizes = [len(part) for part in nx.weakly_connected_components(C)]
    required, most = sum(c - 1 for c in sizes), sum((c - 1) ** 2 for c in sizes)
    measures: dict[str, Any] = {
        "connectedness": 1.0 if n <= 1 else sum(c * (c - 1) / 2 for c in sizes) / (n * (n - 1) / 2),
        "hierarchy": None,
        "efficiency": 1 - (arcs - required) / most if most else None,
        "lub": None,
    }
    if n <= KRACKHARDT_MAX_ACTORS:  # reachability of every pair: the same code both sides
        index = {a: i for i, a in enumerate(sorted(C))}
        both = krackhardt_measures(n, ((index[u], index[v]) for u, v in C.edges()))
        measures["hierarchy"], measures["lub"] = both["hierarchy"], both["lub"]
    measures["flow_hierarchy"] = nx.flow_hierarchy(C) if arcs else None
    too_big = n > KRACKHARDT_MAX_ACTORS
    note = (
        f"hierarchy and lub are not computed above {KRACKHARDT_MAX_ACTORS} actors ({n} here): "
        "they need the reachability of every pair"
        if too_big
        else None
    )
    sampled = n > BETWEENNESS_EXACT_LIMIT
    k = BETWEENNESS_SAMPLES if sampled else None
    # C holds the actors in id order (reference_graphs), the order the sample is drawn from
    scores = nx.betweenness_centrality(C, k=k, seed=BETWEENNESS_SEED if k else None)
    return {
        "hierarchy": measures,
        "hierarchy_note": note,
        "centrality": {
            "betweenness": {a: float(scores[a]) for a in sorted(C)},
            "sampled": sampled,
            "k": k,
        },
    }


def reference_analyze(G: nx.MultiDiGraph, *, chain_limit: int = MAX_CHAINS) -> dict[str, Any]:
    """Return what :func:`graph.analysis.report.analyze` returns, computed with networkx.

    Examples
    --------
    >>> from graph.analysis.report import analyze
    >>> G = nx.MultiDiGraph(scenario={"id": "demo"})
    >>> G.add_nodes_from([("min", {"kind": "ministry"}), ("res", {"kind": "resident_group"})])
    >>> _ = G.add_edge("min", "city", type="STEERS")
    >>> _ = G.add_edge("res", "city", type="PARTICIPATES_IN")
    >>> differences(analyze(G), reference_analyze(G))
    []
    """
    graphs = reference_graphs(G)
    C, A = graphs["control"], graphs["accountability"]
    kinds = {str(node): str(data.get("kind", "other")) for node, data in G.nodes(data=True)}
    load = {a: A.in_degree(a) for a in sorted(A)}
    by_kind: dict[str, list[int]] = {}
    for actor, value in load.items():
        by_kind.setdefault(kinds[actor], []).append(value)
    return {
        "scenario": scenario_id_of(G),
        "as_of": G.graph.get("as_of"),
        "counts": {
            "actors": G.number_of_nodes(),
            "relations": G.number_of_edges(),
            "control_arcs": C.number_of_edges(),
            "voice_arcs": graphs["voice"].number_of_edges(),
            "formal_voice_arcs": graphs["formal"].number_of_edges(),
            "deciders": sum(1 for a in C if C.out_degree(a)),
        },
        **_steering(C, kinds, chain_limit),
        "voice_reach": {k: _voice_reach(graphs["voice"], C, kinds, k) for k in VOICE_KINDS},
        "decisive_voice_reach": {
            k: _voice_reach(graphs["formal"], C, kinds, k) for k in VOICE_KINDS
        },
        "accountability_load": load,
        "accountability_summary": load_summary(list(load.values())),
        "accountability_by_kind": {k: load_summary(by_kind[k]) for k in sorted(by_kind)},
        "fragmentation": _fragmentation(G, C, kinds),
        **_hierarchy(C),
    }


def differences(
    ours: dict[str, Any], theirs: dict[str, Any], tolerance: float = BETWEENNESS_TOLERANCE
) -> list[str]:
    """Return the top-level keys where two analyses differ (betweenness within ``tolerance``).

    Examples
    --------
    >>> a = {"centrality": {"betweenness": {"x": 0.5}, "sampled": False}, "layers": {"x": 0}}
    >>> b = {"centrality": {"betweenness": {"x": 0.5 + 1e-15}, "sampled": False}, "layers": {}}
    >>> differences(a, b)
    ['layers']
    """
    differ = [key for key in ours.keys() | theirs.keys() if key != "centrality" and
              ours.get(key) != theirs.get(key)]  # fmt: skip
    mine, other = dict(ours.get("centrality", {})), dict(theirs.get("centrality", {}))
    a, b = mine.pop("betweenness", {}), other.pop("betweenness", {})
    close = list(a) == list(b) and all(abs(a[v] - b[v]) <= tolerance for v in a)
    if mine != other or not close:
        differ.append("centrality")
    return sorted(differ)
