"""Steering layers, depth, isolated actors and chains on hand-worked and random graphs."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.analysis.flows import control_graph, flows
from graph.analysis.layers import (
    chain_to,
    condense,
    isolated,
    steering_chains,
    steering_depth,
    steering_layers,
)
from graph.errors import GraphError, NotFound
from graph.model import Actor, Relation, Scenario, ScenarioInfo
from graph.network import to_networkx
from graph.vocabulary import RelationType, Vocabulary

ALLOCATES = RelationType("ALLOCATES", "resource", "forward", "none", True, core=False)
ANSWERS_TO = RelationType("ANSWERS_TO", "accountability", "reverse", "none", True, core=False)
VOCABULARY = Vocabulary.with_declared(relation_types=[ALLOCATES, ANSWERS_TO])


def make_graph(relations, actors=(), kinds=None):
    """Build a scenario graph from (from, TYPE, to) triples through to_networkx."""
    ids = sorted({a for r in relations for a in (r[0], r[2])} | set(actors))
    kinds = kinds or {}
    scenario = Scenario(
        ScenarioInfo("t", "T"),
        vocabulary=VOCABULARY,
        actors=tuple(Actor(i, i.upper(), kinds.get(i, "other")) for i in ids),
        relations=tuple(
            Relation(f"r{n}", u, v, t, **(r[3] if len(r) > 3 else {}))
            for n, r in enumerate(relations)
            for u, t, v in [r[:3]]
        ),
    )
    return to_networkx(scenario)


def test_chain_of_control_gives_one_layer_per_step():
    G = make_graph(
        [("cab", "STEERS", "min"), ("min", "FUNDS", "city"), ("city", "TARGETS", "area")]
    )
    assert steering_layers(G) == {"area": 3, "cab": 0, "city": 2, "min": 1}
    assert steering_depth(G) == 3
    assert steering_chains(G) == [["cab", "min", "city", "area"]]


def test_reverse_flows_point_control_from_the_target():
    # city reports to min, office implements min's programme, both are steered by min.
    G = make_graph([("city", "REPORTS_TO", "min"), ("office", "IMPLEMENTS", "city")])
    assert steering_layers(G) == {"city": 1, "min": 0, "office": 2}
    assert sorted(control_graph(G).edges()) == [("city", "office"), ("min", "city")]


def test_voice_and_discourse_relations_leave_actors_isolated():
    G = make_graph(
        [("res", "PARTICIPATES_IN", "body"), ("x", "CRITICISES", "y"), ("min", "STEERS", "body")],
        actors=["alone"],
    )
    assert isolated(G) == ["alone", "res", "x", "y"]
    assert steering_layers(G)["res"] == 0 and steering_layers(G)["body"] == 1


def test_self_loop_neither_layers_nor_connects():
    G = make_graph([("a", "STEERS", "a"), ("b", "MONITORS", "b"), ("b", "STEERS", "c")])
    assert steering_layers(G) == {"a": 0, "b": 0, "c": 1}
    assert isolated(G) == ["a"]
    assert steering_depth(G) == 1


def test_mutual_control_is_one_layer_and_chains_list_members_in_id_order():
    G = make_graph(
        [
            ("top", "STEERS", "zeta"),
            ("zeta", "COORDINATES", "alpha"),
            ("alpha", "COORDINATES", "zeta"),
            ("alpha", "CHAIRS", "end"),
        ]
    )
    assert steering_layers(G) == {"alpha": 1, "end": 2, "top": 0, "zeta": 1}
    assert steering_chains(G) == [["top", "alpha", "zeta", "end"]]


def test_cycle_only_graph_has_depth_zero_and_one_chain_of_its_members():
    G = make_graph([("b", "STEERS", "a"), ("a", "STEERS", "b")], actors=["c"])
    assert steering_depth(G) == 0
    assert steering_chains(G) == [["a", "b"]]
    assert isolated(G) == ["c"]


def test_graph_without_control_has_no_chains():
    G = make_graph([("a", "ADVISES", "b")])
    assert steering_depth(G) == 0
    assert steering_chains(G) == []
    assert steering_layers(G) == {"a": 0, "b": 0}


def test_every_longest_chain_is_listed_in_order_and_the_limit_cuts_it():
    G = make_graph(
        [("m", "STEERS", "q"), ("m", "STEERS", "p"), ("p", "STEERS", "x"), ("q", "STEERS", "x")]
        + [("n", "STEERS", "p"), ("m", "STEERS", "x")]
    )
    assert steering_chains(G) == [["m", "p", "x"], ["m", "q", "x"], ["n", "p", "x"]]
    assert steering_chains(G, limit=2) == [["m", "p", "x"], ["m", "q", "x"]]
    cond = condense(G)
    assert cond.chain_count(cond.deepest()) == 3


def test_disconnected_parts_reach_their_own_depths():
    G = make_graph([("a", "STEERS", "b"), ("b", "STEERS", "c"), ("x", "STEERS", "y")])
    assert steering_layers(G)["y"] == 1
    assert steering_chains(G) == [["a", "b", "c"]]
    assert chain_to(G, "y") == [["x", "y"]]


def test_declared_types_carry_their_flows():
    G = make_graph([("fund", "ALLOCATES", "city"), ("area", "ANSWERS_TO", "city")])
    assert steering_layers(G) == {"area": 2, "city": 1, "fund": 0}


def test_unknown_type_is_refused():
    G = nx.MultiDiGraph()
    G.add_edge("a", "b", type="BRIBES")
    with pytest.raises(GraphError) as info:
        flows(G)
    assert info.value.code == "unknown-relation-type"


def test_chain_to_follows_only_longest_paths_and_knows_its_actors():
    G = make_graph(
        [("m", "STEERS", "p"), ("p", "STEERS", "x"), ("m", "STEERS", "x"), ("k", "STEERS", "p")]
    )
    assert chain_to(G, "x") == [["k", "p", "x"], ["m", "p", "x"]]
    assert chain_to(G, "k") == [["k"]]
    with pytest.raises(NotFound):
        chain_to(G, "nobody")


def test_long_path_needs_no_recursion():
    G = make_graph([(f"a{i:05d}", "STEERS", f"a{i + 1:05d}") for i in range(3000)])
    assert steering_depth(G) == 3000
    assert len(steering_chains(G)[0]) == 3001


# Property tests on random graphs ------------------------------------------------------------

TYPES = ["STEERS", "REPORTS_TO", "IMPLEMENTS", "ADVISES", "REPRESENTS", "ALLOCATES", "ANSWERS_TO"]
NAMES = [f"n{i}" for i in range(9)]

random_relations = st.lists(
    st.tuples(st.sampled_from(NAMES), st.sampled_from(TYPES), st.sampled_from(NAMES)),
    max_size=25,
)


def _arcs(G):
    vocabulary = G.graph["vocabulary"]
    for u, v, data in G.edges(data=True):
        arc = vocabulary.relation_type(data["type"]).control_arc(u, v)
        if arc and arc[0] != arc[1]:
            yield arc


@settings(max_examples=150, deadline=None)
@given(random_relations)
def test_layers_grow_along_every_arc_between_components(relations):
    G = make_graph(relations, actors=NAMES)
    D = nx.DiGraph(list(_arcs(G)))
    D.add_nodes_from(G)
    scc = {v: i for i, part in enumerate(nx.strongly_connected_components(D)) for v in part}
    layers = steering_layers(G)
    for u, v in D.edges():
        assert layers[v] > layers[u] if scc[u] != scc[v] else layers[v] == layers[u]
    for v, layer in layers.items():  # a component's layer is reached from one layer up
        if layer:
            members = [w for w in D if scc[w] == scc[v]]
            above = {layers[u] for w in members for u in D.predecessors(w) if scc[u] != scc[v]}
            assert max(above) == layer - 1
    expected_depth = nx.dag_longest_path_length(nx.condensation(D)) if D.number_of_edges() else 0
    assert steering_depth(G) == expected_depth
    assert isolated(G) == sorted(v for v in D if D.degree(v) == 0)


@settings(max_examples=150, deadline=None)
@given(random_relations)
def test_chains_are_control_paths_of_full_depth(relations):
    G = make_graph(relations, actors=NAMES)
    D = nx.DiGraph(list(_arcs(G)))
    D.add_nodes_from(G)
    members = {v: sorted(part) for part in nx.strongly_connected_components(D) for v in part}
    layers, depth = steering_layers(G), steering_depth(G)
    chains = steering_chains(G)
    assert chains == sorted(chains) and len(set(map(tuple, chains))) == len(chains)
    assert bool(chains) == (D.number_of_edges() > 0)
    for chain in chains:
        blocks = [list(g) for _, g in itertools.groupby(chain, key=lambda v: members[v][0])]
        assert all(block == members[block[0]] for block in blocks)
        assert len(blocks) == depth + 1
        assert [layers[b[0]] for b in blocks] == list(range(depth + 1))
        for before, after in itertools.pairwise(blocks):
            assert any(D.has_edge(u, v) for u in before for v in after)
