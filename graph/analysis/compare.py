"""Comparison of two scenarios (``govgraph compare --json``, DESIGN section 5).

Actors and relations are matched by id: ``added`` are in B only, ``removed`` in A only,
``changed`` in both with any field different (``changed_fields`` names the fields). Every
scalar metric of :func:`graph.analysis.report.analyze` is set side by side with its delta
``b - a`` (None when either side is None).

A metric is named by its path in the ``analyze`` object, e.g. ``steering_depth``,
``hierarchy.lub`` or ``voice_reach.resident_group.share``. Lists and per-actor maps are
reported by their size (``isolated``, ``voice_reach.resident_group.reached``) or left out
when the size says nothing new (``layers``, ``accountability_load``, betweenness, chains,
the per-kind load summaries).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import networkx as nx

from graph.analysis.measures import diff_groups, relation_groups, summary
from graph.analysis.report import analyze, scenario_id_of

__all__ = ["compare", "diff_items", "scalar_metrics"]

Number = int | float | None

#: Per-actor maps and long lists that are not metrics themselves.
_SKIPPED = frozenset(
    {
        "layers",
        "layer_sizes",
        "steering_chain_patterns",
        "findings",
        "accountability_load",
        "accountability_by_kind",
        "steering_chains",
        "centrality.betweenness",
        "centrality.k",
        "hierarchy_note",
        "as_of",
        "fragmentation.focus_area",
        "fragmentation.professional_group",
    }
)
#: Lists and maps that count as a metric by their size.
_COUNTED = ("isolated", ".reached")


def _leaves(value: Any, path: str) -> Iterator[tuple[str, Number]]:
    if path in _SKIPPED or path.endswith(".paths"):
        return
    if isinstance(value, Mapping) and not path.endswith(_COUNTED):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, (list, dict)) and path.endswith(_COUNTED):
        yield path, len(value)
    elif value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        yield path, value


def scalar_metrics(analysis: Mapping[str, Any]) -> dict[str, Number]:
    """Return every scalar metric of an ``analyze`` object by its dotted path.

    Examples
    --------
    >>> scalar_metrics({"scenario": "x", "steering_depth": 2, "isolated": ["a", "b"],
    ...                 "hierarchy": {"lub": None}, "layers": {"a": 0}})
    {'steering_depth': 2, 'isolated': 2, 'hierarchy.lub': None}
    """
    return dict(_leaves(analysis, ""))


def _delta(a: Number, b: Number) -> Number:
    return None if a is None or b is None else b - a


def _fields(data_a: Mapping[str, Any], data_b: Mapping[str, Any]) -> list[str]:
    keys = set(data_a) | set(data_b)
    return sorted(k for k in keys if data_a.get(k) != data_b.get(k))


def diff_items(a: Mapping[str, Mapping[str, Any]], b: Mapping[str, Mapping[str, Any]]) -> dict:
    """Return ids added, removed and changed between two id -> fields maps, each sorted.

    Examples
    --------
    >>> diff_items({"x": {"kind": "ministry"}, "y": {}}, {"x": {"kind": "mayor"}, "z": {}})
    {'added': ['z'], 'removed': ['y'], 'changed': ['x'], 'changed_fields': {'x': ['kind']}}
    """
    both = sorted(set(a) & set(b))
    changed = {i: _fields(a[i], b[i]) for i in both}
    changed = {i: names for i, names in changed.items() if names}
    return {
        "added": sorted(set(b) - set(a)),
        "removed": sorted(set(a) - set(b)),
        "changed": sorted(changed),
        "changed_fields": changed,
    }


def _relations(G: nx.MultiDiGraph) -> dict[str, dict[str, Any]]:
    return {
        str(key): {"from": u, "to": v, **data} for u, v, key, data in G.edges(keys=True, data=True)
    }


def compare(
    Ga: nx.MultiDiGraph,
    Gb: nx.MultiDiGraph,
    *,
    a_id: str | None = None,
    b_id: str | None = None,
    analysis_a: Mapping[str, Any] | None = None,
    analysis_b: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the comparison of two scenario graphs, A against B.

    Parameters
    ----------
    Ga, Gb : MultiDiGraph
        The two scenario graphs (filtered alike).
    a_id, b_id : str, optional
        The scenario ids reported as ``a`` and ``b``; by default the graphs' own ids.
    analysis_a, analysis_b : dict, optional
        Their :func:`~graph.analysis.report.analyze` results, when already computed.

    Returns
    -------
    dict
        ``a``, ``b`` (scenario ids), ``as_of`` (``{"a", "b"}``: the day each graph
        shows, None for all time), ``actors`` and ``relations`` (each ``added``,
        ``removed``, ``changed``, ``changed_fields``), ``metrics`` (name -> ``{"a", "b",
        "delta"}``, names sorted), ``summary`` (the measures of
        :data:`~graph.analysis.measures.MEASURES` with human names and the meaning of each
        change), ``actor_groups`` (changes by kind and layer) and ``relation_groups`` (by
        type).

    Examples
    --------
    >>> Ga = nx.MultiDiGraph(scenario={"id": "before"})
    >>> _ = Ga.add_edge("min", "city", key="r1", type="STEERS")
    >>> Gb = nx.MultiDiGraph(scenario={"id": "after"})
    >>> _ = Gb.add_edge("min", "city", key="r1", type="STEERS")
    >>> _ = Gb.add_edge("city", "area", key="r2", type="STEERS")
    >>> result = compare(Ga, Gb)
    >>> result["actors"]["added"], result["relations"]["added"]
    (['area'], ['r2'])
    >>> result["metrics"]["steering_depth"]
    {'a': 1, 'b': 2, 'delta': 1}
    """
    a_id = a_id if a_id is not None else scenario_id_of(Ga)
    b_id = b_id if b_id is not None else scenario_id_of(Gb)
    analysis_a = analysis_a if analysis_a is not None else analyze(Ga, scenario_id=a_id)
    analysis_b = analysis_b if analysis_b is not None else analyze(Gb, scenario_id=b_id)
    ma, mb = scalar_metrics(analysis_a), scalar_metrics(analysis_b)
    metrics = {
        name: {"a": ma.get(name), "b": mb.get(name), "delta": _delta(ma.get(name), mb.get(name))}
        for name in sorted(set(ma) | set(mb))
    }
    nodes_a, nodes_b = dict(Ga.nodes(data=True)), dict(Gb.nodes(data=True))
    relations_a, relations_b = _relations(Ga), _relations(Gb)
    actors = diff_items(nodes_a, nodes_b)
    relations = diff_items(relations_a, relations_b)
    layers_a, layers_b = analysis_a.get("layers") or {}, analysis_b.get("layers") or {}
    return {
        "a": a_id,
        "b": b_id,
        "as_of": {"a": Ga.graph.get("as_of"), "b": Gb.graph.get("as_of")},
        "actors": actors,
        "relations": relations,
        "metrics": metrics,
        "summary": summary(metrics),
        "actor_groups": diff_groups(nodes_a, nodes_b, actors, layers_a, layers_b),
        "relation_groups": relation_groups(relations_a, relations_b, relations),
    }
