"""The layered layout: rows are steering layers, isolated actors apart, few crossings, fast."""

from __future__ import annotations

import random
import time

import networkx as nx
import pytest

from app.graphview import layered
from app.layout import COL, ROW, crossings, layered_layout
from graph.analysis.layers import condense


def _graph(arcs, extra_nodes=()):
    G = nx.MultiDiGraph()
    G.add_nodes_from((n, {"kind": "other", "name": n}) for n in extra_nodes)
    for u, v in arcs:
        for n in (u, v):
            G.add_node(n, kind="other", name=n)
        G.add_edge(u, v, key=f"{u}:{v}", type="STEERS")
    return G


def _layers_of(G):
    cond = condense(G)
    return cond.layers(), cond.isolated


def test_each_placed_actor_sits_on_its_layer_row():
    G = _graph([("a", "b"), ("b", "c"), ("a", "c"), ("c", "d"), ("x", "d")], ["lonely"])
    layers, isolated = _layers_of(G)
    positions = layered_layout(layers, isolated, G.edges())
    for node, layer in layers.items():
        if node not in isolated:
            assert positions[node][1] == layer * ROW
    assert layers["d"] == 3 and positions["d"][1] == 3 * ROW


def test_isolated_actors_get_their_own_band_below_the_deepest_row():
    G = _graph([("a", "b"), ("b", "c")], ["i1", "i2", "i3"])
    layers, isolated = _layers_of(G)
    assert set(isolated) == {"i1", "i2", "i3"} and all(layers[i] == 0 for i in isolated)
    positions = layered_layout(layers, isolated, G.edges())
    deepest = max(positions[n][1] for n in ("a", "b", "c"))
    assert all(positions[i][1] > deepest for i in isolated)
    assert all(positions[i][1] != 0 for i in isolated)


def test_a_graph_of_isolated_actors_only_is_still_kept_off_row_zero():
    positions = layered_layout({"p": 0, "q": 0}, {"p", "q"}, [])
    assert {y for _, y in positions.values()} == {ROW}


def test_many_isolated_actors_wrap_into_several_rows():
    names = [f"n{i:03d}" for i in range(300)]
    positions = layered_layout(dict.fromkeys(names, 0), set(names), [])
    rows = {y for _, y in positions.values()}
    assert len(rows) > 1 and min(rows) > 0
    assert len(set(positions.values())) == 300  # no two actors on one spot


def test_actors_in_a_row_do_not_overlap():
    G = _graph([("top", f"c{i}") for i in range(7)])
    layers, isolated = _layers_of(G)
    xs = sorted(layered_layout(layers, isolated, G.edges())[f"c{i}"][0] for i in range(7))
    assert all(b - a == pytest.approx(COL) for a, b in zip(xs, xs[1:], strict=False))


def test_barycentre_sweeps_reduce_crossings_against_id_order():
    # Two parents whose children interleave in id order: a->{w, y}, b->{x, z}.
    arcs = [("a", "w"), ("a", "y"), ("b", "x"), ("b", "z"), ("w", "q"), ("z", "p")]
    G = _graph(arcs)
    layers, isolated = _layers_of(G)
    naive = layered_layout(layers, isolated, G.edges(), sweeps=0)
    swept = layered_layout(layers, isolated, G.edges())
    assert crossings(naive, G.edges()) > 0
    assert crossings(swept, G.edges()) < crossings(naive, G.edges())
    assert crossings(swept, G.edges()) == 0


def test_crossings_counts_a_single_crossing():
    positions = {"a": (0.0, 0.0), "b": (COL, 0.0), "c": (0.0, ROW), "d": (COL, ROW)}
    assert crossings(positions, [("a", "d"), ("b", "c")]) == 1
    assert crossings(positions, [("a", "c"), ("b", "d")]) == 0


def test_layered_view_matches_the_analysis_layers():
    G = _graph([("m", "o"), ("o", "c"), ("c", "o")], ["solo"])
    base = layered(G)
    assert base.layers == condense(G).layers()
    assert base.isolated == {"solo"} and base.depth == 1
    assert base.positions["solo"][1] > ROW


def test_twenty_thousand_actors_lay_out_well_under_a_second():
    rng = random.Random(7)
    layer_of = {f"n{i}": min(i // 2000, 9) for i in range(20_000)}
    by_layer: dict[int, list[str]] = {}
    for node, layer in layer_of.items():
        by_layer.setdefault(layer, []).append(node)
    edges = [
        (rng.choice(by_layer[layer - 1]), node)
        for node, layer in layer_of.items()
        if layer
        for _ in range(2)
    ]
    # CPU time, so a busy machine running other tests does not make this fail.
    started = time.process_time()
    positions = layered_layout(layer_of, set(), edges)
    elapsed = time.process_time() - started
    assert len(positions) == 20_000
    assert elapsed < 1.0, f"layout took {elapsed:.2f} s"
