"""The compiled kernels (igraph, numpy) give what networkx gives, on random scenario graphs.

networkx is the oracle throughout: :func:`graph.analysis.reference.reference_analyze`
computes every analysis with networkx's own algorithms; the graphs have cycles, ties,
isolated actors, self-loops and parallel relations of different types.
"""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest

from graph.analysis.flows import Arcs, flows
from graph.analysis.layers import condense, longest_path_layers
from graph.analysis.reference import differences, reference_analyze, reference_graphs
from graph.analysis.report import analyze
from graph.analysis.voice import breadth_first

KINDS = ["resident_group", "professional_group", "focus_area", "instrument", "ministry",
         "municipality", "consultation_body"]  # fmt: skip
TYPES = ["STEERS", "FUNDS", "MONITORS", "REPORTS_TO", "IMPLEMENTS", "TARGETS", "ADVISES",
         "PARTICIPATES_IN", "REPRESENTS", "MEMBER_OF", "COLLABORATES_WITH",
         "CRITICISES"]  # fmt: skip
SECTORS = ["care", "safety", "housing", "work"]


def random_scenario(actors: int, relations: int, seed: int) -> nx.MultiDiGraph:
    """A scenario graph with cycles, self-loops, parallel relations and isolated actors."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph(scenario={"id": f"random-{seed}"})
    for i in range(actors):
        sectors = rng.sample(SECTORS, rng.choice([0, 0, 1, 2]))
        G.add_node(f"a{i:04d}", kind=rng.choice(KINDS), sector=sectors)
    ids = list(G)
    wired = ids[: max(2, actors * 3 // 4)]  # the rest stay isolated
    for r in range(relations):
        u, v = rng.choice(wired), rng.choice(wired)
        roll = rng.random()
        if roll < 0.05:
            v = u  # a self-loop
        G.add_edge(u, v, key=f"r{r}", type=rng.choice(TYPES), formal=rng.random() < 0.4)
        if roll > 0.9:  # a parallel relation of another type, or back (a cycle)
            G.add_edge(u, v, key=f"p{r}", type=rng.choice(TYPES))
            G.add_edge(v, u, key=f"b{r}", type="STEERS")
    return G


CASES = [(0, 0, 1), (1, 1, 2), (5, 12, 3), (30, 60, 4), (40, 20, 5), (200, 500, 6),
         (300, 1200, 7), (2100, 5000, 8)]  # fmt: skip


@pytest.mark.parametrize(("actors", "relations", "seed"), CASES)
def test_analyze_equals_networkx(actors: int, relations: int, seed: int) -> None:
    G = random_scenario(actors, relations, seed)
    ours, theirs = analyze(G), reference_analyze(G)
    assert differences(ours, theirs) == []
    assert ours["centrality"]["sampled"] == (actors > 2000)


def test_chain_limit_cuts_the_same_chains() -> None:
    G = random_scenario(300, 1500, 11)
    assert differences(analyze(G, chain_limit=3), reference_analyze(G, chain_limit=3)) == []


@pytest.mark.parametrize("seed", range(6))
def test_arcs_are_the_distinct_arcs_networkx_keeps(seed: int) -> None:
    G = random_scenario(60, 240, seed)
    f, graphs = flows(G), reference_graphs(G)
    pairs = {
        "control": f.control_arcs_,
        "voice": f.voice_arcs,
        "formal": f.formal_voice_arcs,
        "accountability": f.accountability_arcs,
    }
    for name, arcs in pairs.items():
        ours = [(f.actors[u], f.actors[v]) for u, v in zip(arcs.source, arcs.target, strict=True)]
        assert ours == sorted(graphs[name].edges()), name
    control = graphs["control"]
    assert f.control == {u: set(control[u]) for u in control if control[u]}


@pytest.mark.parametrize("seed", range(8))
def test_layers_are_networkx_topological_generations(seed: int) -> None:
    D = nx.gnp_random_graph(80, 0.05, seed=seed, directed=True)
    dag = nx.DiGraph((u, v) for u, v in D.edges() if u < v)  # acyclic, ties of equal length
    dag.add_nodes_from(range(80))
    arcs = Arcs(80, np.array([u for u, _ in dag.edges()]), np.array([v for _, v in dag.edges()]))
    expected = {v: i for i, gen in enumerate(nx.topological_generations(dag)) for v in gen}
    assert longest_path_layers(80, arcs).tolist() == [expected[v] for v in range(80)]


@pytest.mark.parametrize("seed", range(8))
def test_breadth_first_parents_are_networkx_sorted_bfs(seed: int) -> None:
    D = nx.gnm_random_graph(120, 300, seed=seed, directed=True)
    arcs = Arcs(120, np.array([u for u, _ in D.edges()]), np.array([v for _, v in D.edges()]))
    starts = sorted(random.Random(seed).sample(range(120), 4))
    hops, parent = breadth_first(np.array(starts), arcs)
    searched = D.copy()
    searched.add_edges_from(("start", s) for s in starts)
    expected = dict(nx.bfs_predecessors(searched, "start", sort_neighbors=sorted))
    distance = nx.single_source_shortest_path_length(searched, "start")
    for v in range(120):
        assert hops[v] == distance.get(v, 0) - 1
        if v in expected:
            assert parent[v] == (v if expected[v] == "start" else expected[v])


def test_condensation_numbering_is_topological_and_members_sorted() -> None:
    G = random_scenario(300, 1200, 21)
    cond, C = condense(G), reference_graphs(G)["control"]
    layers = cond.layers()
    for u, v in C.edges():
        cu, cv = cond.component_of(u), cond.component_of(v)
        assert cu == cv or (cu < cv and layers[u] < layers[v])
    for part in nx.strongly_connected_components(C):
        c = cond.component_of(next(iter(part)))
        assert cond.members(c) == sorted(part)
