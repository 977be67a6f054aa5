"""Krackhardt's measures against R's sna, flow hierarchy and betweenness on the control graph."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.analysis.flows import control_graph
from graph.analysis.hierarchy import betweenness, flow_hierarchy, hierarchy, krackhardt_measures
from graph.model import Actor, Relation, Scenario, ScenarioInfo
from graph.network import to_networkx

REFERENCE = json.loads((Path(__file__).parent / "data" / "sna_reference.json").read_text())
MEASURES = ("connectedness", "hierarchy", "efficiency", "lub")


def make_graph(relations, actors=()):
    ids = sorted({a for r in relations for a in (r[0], r[2])} | set(actors))
    scenario = Scenario(
        ScenarioInfo("t", "T"),
        actors=tuple(Actor(i, i, "other") for i in ids),
        relations=tuple(Relation(f"r{n}", u, v, t) for n, (u, t, v) in enumerate(relations)),
    )
    return to_networkx(scenario)


def close(a, b):
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= 1e-9)


@pytest.mark.parametrize("graph", REFERENCE["graphs"], ids=lambda g: g["name"])
def test_measures_equal_sna(graph):
    got = krackhardt_measures(graph["n"], [tuple(arc) for arc in graph["arcs"]])
    for name in MEASURES:
        assert close(got[name], graph[name]), (name, got[name], graph[name])


def test_reference_covers_the_hand_made_and_degenerate_graphs():
    named = {g["name"]: g for g in REFERENCE["graphs"]}
    assert all(named["out_tree"][m] == 1 for m in MEASURES)
    assert named["directed_cycle"]["hierarchy"] == 0
    assert named["no_arcs"]["hierarchy"] is None and named["no_vertices"]["lub"] is None
    assert len(REFERENCE["graphs"]) > 60


def test_known_values_on_trees_and_cycles():
    tree = [(0, 1), (0, 2), (1, 3), (1, 4), (2, 5)]
    assert krackhardt_measures(6, tree) == dict.fromkeys(MEASURES, 1.0)
    cycle = krackhardt_measures(4, [(0, 1), (1, 2), (2, 3), (3, 0)])
    assert cycle["hierarchy"] == 0.0
    assert krackhardt_measures(1, []) == {
        "connectedness": 1.0,
        "hierarchy": None,
        "efficiency": None,
        "lub": None,
    }
    assert krackhardt_measures(2, [(0, 1), (0, 1), (1, 1)])["efficiency"] == 1.0


def _brute_force(n, arcs):
    """A literal transcription of sna's definitions on a full reachability matrix."""
    D = nx.DiGraph()
    D.add_nodes_from(range(n))
    D.add_edges_from((u, v) for u, v in arcs if u != v)
    reach = [[i == j or nx.has_path(D, i, j) for j in range(n)] for i in range(n)]
    pairs = list(itertools.combinations(range(n), 2))
    mutual = sum(reach[i][j] and reach[j][i] for i, j in pairs)
    nonnull = sum(reach[i][j] or reach[j][i] for i, j in pairs)
    result = {"hierarchy": 1 - mutual / nonnull if nonnull else None}
    violations = most = 0
    for part in map(sorted, nx.weakly_connected_components(D)):
        if len(part) <= 2:
            continue
        most += (len(part) - 1) * (len(part) - 2) / 2
        for i, j in itertools.combinations(part, 2):
            bounds = [k for k in part if reach[k][i] and reach[k][j]]
            violations += not any(all(reach[u][w] for w in bounds) for u in bounds)
    result["lub"] = 1 - violations / most if most else None
    return result


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=9).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.integers(0, max(n - 1, 0)), st.integers(0, max(n - 1, 0))))
            if n
            else st.just([]),
        )
    )
)
def test_hierarchy_and_lub_match_the_definitions(graph):
    n, arcs = graph
    got = krackhardt_measures(n, arcs)
    expected = _brute_force(n, arcs)
    assert close(got["hierarchy"], expected["hierarchy"])
    assert close(got["lub"], expected["lub"])


def test_scenario_hierarchy_uses_the_control_graph_with_every_actor():
    G = make_graph(
        [("city", "REPORTS_TO", "min"), ("min", "STEERS", "office"), ("x", "ADVISES", "min")],
        actors=["alone"],
    )
    result = hierarchy(G)
    # control arcs min->city, min->office; vertices alone, city, min, office, x
    assert result["connectedness"] == pytest.approx(3 / 10)
    assert (result["hierarchy"], result["efficiency"], result["lub"]) == (1.0, 1.0, 1.0)
    assert result["flow_hierarchy"] == 1.0
    assert result["note"] is None


def test_hierarchy_and_lub_are_skipped_above_the_limit_with_a_note():
    G = make_graph([("a", "STEERS", "b"), ("b", "STEERS", "c"), ("c", "STEERS", "d")])
    result = hierarchy(G, max_actors=3)
    assert result["hierarchy"] is None and result["lub"] is None
    assert result["connectedness"] == 1.0 and result["efficiency"] == 1.0
    assert "above 3 actors" in result["note"]


def test_flow_hierarchy_is_networkx_on_the_control_graph():
    G = make_graph(
        [("a", "STEERS", "b"), ("b", "STEERS", "a"), ("b", "FUNDS", "c"), ("c", "IMPLEMENTS", "d")]
        + [("d", "STEERS", "e"), ("e", "STEERS", "d"), ("a", "STEERS", "a")]
    )
    assert flow_hierarchy(G) == pytest.approx(nx.flow_hierarchy(control_graph(G)))
    assert flow_hierarchy(make_graph([("a", "ADVISES", "b")])) is None


def test_betweenness_is_exact_below_the_limit_and_sampled_above():
    relations = [(f"n{i}", "STEERS", f"n{(i * 7 + 3) % 40}") for i in range(40)]
    relations += [(f"n{i}", "REPORTS_TO", f"n{(i * 3 + 1) % 40}") for i in range(40)]
    G = make_graph(relations)
    exact = betweenness(G)
    expected = nx.betweenness_centrality(control_graph(G), normalized=True)
    assert exact["sampled"] is False and exact["k"] is None
    assert all(math.isclose(exact["betweenness"][a], expected[a]) for a in expected)
    sampled = betweenness(G, exact_limit=10, k=8)
    assert sampled["sampled"] is True and sampled["k"] == 8
    assert set(sampled["betweenness"]) == set(G)
    assert sampled == betweenness(G, exact_limit=10, k=8)  # seeded: it repeats


def test_pairs_with_one_common_source_are_counted_alike_in_python_and_by_matrix() -> None:
    """lub's pair count: the Python loop (few source sets) equals the matrix product (many)."""
    import random

    from graph.analysis.hierarchy import _pairs_by_matrix, _pairs_with_one_common

    rng = random.Random(7)
    for sources in (1, 3, 12, 70):
        weights = {rng.getrandbits(sources) or 1: rng.randint(1, 40) for _ in range(120)}
        assert _pairs_with_one_common(weights) == _pairs_by_matrix(weights)
