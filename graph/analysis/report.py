"""Every analysis of one scenario in one JSON-ready object (``govgraph analyze --json``).

The control and voice arcs are computed once and shared by every analysis. The required keys
of DESIGN section 6 are never renamed; extra keys (``counts``, ``layer_sizes``,
``steering_chain_count``, ``steering_chain_patterns``, ``accountability_by_kind``,
``hierarchy_note`` ...) add detail. The comparison (:mod:`graph.analysis.compare`) builds on
this module, never the other way round.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from graph.analysis.accountability import accountability_load, load_by_kind, load_summary
from graph.analysis.flows import Flows, flows
from graph.analysis.fragmentation import fragmentation
from graph.analysis.hierarchy import betweenness, hierarchy
from graph.analysis.layers import MAX_CHAINS, chain_patterns, condense
from graph.analysis.voice import voice_reach_by_kind

__all__ = ["analyze", "scenario_id_of"]


def scenario_id_of(G: nx.MultiDiGraph) -> str | None:
    """Return the id of the scenario a graph was made from, or None.

    Examples
    --------
    >>> scenario_id_of(nx.MultiDiGraph(scenario={"id": "nplv-2022"}))
    'nplv-2022'
    """
    info = G.graph.get("scenario")
    return str(info["id"]) if isinstance(info, dict) and info.get("id") else None


def _counts(G: nx.MultiDiGraph, f: Flows) -> dict[str, int]:
    return {
        "actors": G.number_of_nodes(),
        "relations": len(f.relation_source),
        "control_arcs": f.control_arc_count(),
        "voice_arcs": len(f.voice_arcs),
        "formal_voice_arcs": len(f.formal_voice_arcs),
        "deciders": int(f.decider_mask().sum()),
    }


def _steering(G: nx.MultiDiGraph, f: Flows, limit: int) -> dict[str, Any]:
    cond = condense(G, flow=f)
    deepest = cond.deepest()
    count = cond.chain_count(deepest)
    layers, chains = cond.layers(), cond.chains(deepest, limit)
    return {
        "layers": layers,
        "layer_sizes": cond.layer_sizes(),
        "isolated": cond.isolated,
        "steering_depth": cond.depth,
        "steering_chains": chains,
        "steering_chain_count": count,
        "steering_chains_truncated": count > limit,
        "steering_chain_patterns": chain_patterns(chains, f.kinds),
    }


def _accountability(G: nx.MultiDiGraph, f: Flows) -> dict[str, Any]:
    load = accountability_load(G, flow=f)
    return {
        "accountability_load": load,
        "accountability_summary": load_summary(list(load.values())),
        "accountability_by_kind": load_by_kind(G, load=load, flow=f),
    }


def _hierarchy(G: nx.MultiDiGraph, f: Flows) -> dict[str, Any]:
    measures = hierarchy(G, flow=f)
    note = measures.pop("note")
    return {"hierarchy": measures, "hierarchy_note": note, "centrality": betweenness(G, flow=f)}


def analyze(
    G: nx.MultiDiGraph, *, scenario_id: str | None = None, chain_limit: int = MAX_CHAINS
) -> dict[str, Any]:
    """Return every analysis of DESIGN section 5 for one (already filtered) scenario graph.

    Parameters
    ----------
    G : MultiDiGraph
        From :func:`graph.network.to_networkx`, with ``as_of`` / ``confirmed_only`` applied.
    scenario_id : str, optional
        The id reported as ``scenario``; by default the graph's own scenario id.
    chain_limit : int
        The most steering chains listed (``steering_chain_count`` counts all of them).

    Returns
    -------
    dict
        ``scenario``, ``as_of`` (the day the graph shows, None for all time), ``counts``,
        ``layers``, ``layer_sizes``, ``isolated``,
        ``steering_depth``, ``steering_chains``, ``steering_chain_count``,
        ``steering_chains_truncated``, ``steering_chain_patterns``,
        ``voice_reach``, ``decisive_voice_reach``, ``accountability_load``,
        ``accountability_summary``, ``accountability_by_kind``, ``fragmentation``,
        ``hierarchy``, ``hierarchy_note`` and ``centrality``; plain Python values, None where
        undefined, so ``json.dumps(..., allow_nan=False)`` works.

    Raises
    ------
    GraphError
        If a relation's type is neither core nor declared.

    Examples
    --------
    >>> G = nx.MultiDiGraph(scenario={"id": "demo"})
    >>> G.add_nodes_from([("min", {"kind": "ministry"}), ("res", {"kind": "resident_group"})])
    >>> _ = G.add_edge("min", "city", type="STEERS")
    >>> _ = G.add_edge("res", "city", type="PARTICIPATES_IN")
    >>> result = analyze(G)
    >>> result["scenario"], result["steering_depth"], result["isolated"]
    ('demo', 1, ['res'])
    >>> result["voice_reach"]["resident_group"]["share"]
    0.0
    """
    f = flows(G)
    return {
        "scenario": scenario_id if scenario_id is not None else scenario_id_of(G),
        "as_of": G.graph.get("as_of"),
        "counts": _counts(G, f),
        **_steering(G, f, chain_limit),
        "voice_reach": voice_reach_by_kind(G, flow=f),
        "decisive_voice_reach": voice_reach_by_kind(G, formal_only=True, flow=f),
        **_accountability(G, f),
        "fragmentation": fragmentation(G, flow=f),
        **_hierarchy(G, f),
    }
