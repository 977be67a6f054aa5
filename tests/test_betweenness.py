"""Betweenness through igraph's C code agrees with networkx's own, exact and sampled."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.analysis.hierarchy import brandes_betweenness


def _graphs() -> list[nx.DiGraph]:
    random_graphs = [
        nx.gnm_random_graph(n, m, seed=n, directed=True) for n, m in ((30, 60), (300, 700))
    ]
    ties = nx.DiGraph([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("d", "e"), ("e", "a")])
    isolated = nx.DiGraph([("x", "y")])
    isolated.add_nodes_from(["lonely", "z"])
    return [*random_graphs, ties, isolated, nx.DiGraph([("p", "q")])]


CASES = [(G, k) for G in _graphs() for k in (None, 3, 25) if k is None or k <= len(G)]


@pytest.mark.parametrize(("G", "k"), CASES, ids=[f"{len(G)}-actors-k{k}" for G, k in CASES])
def test_betweenness_agrees_with_networkx(G: nx.DiGraph, k: int | None) -> None:
    ours = brandes_betweenness(G, k, seed=0)
    theirs = nx.betweenness_centrality(G, k=k, seed=0 if k else None, normalized=True)
    assert list(ours) == list(theirs)
    assert ours == pytest.approx(theirs, abs=1e-12)
