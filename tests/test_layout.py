"""The layered layout: rows are steering layers, isolated actors apart, few crossings, fast."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from app.graphview import layered
from graph.analysis.layers import condense
from graph.layout import ASPECT, COL, ROW, SUB, columns_for, crossings, layered_layout


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


def _wide(sizes, isolated=0, seed=3):
    """Layers of the given sizes, each actor steered by one actor in the layer above."""
    rng = random.Random(seed)
    layer_of = {f"l{layer}-{i}": layer for layer, size in enumerate(sizes) for i in range(size)}
    by_layer = [[n for n, layer in layer_of.items() if layer == k] for k in range(len(sizes))]
    edges = [(rng.choice(by_layer[layer - 1]), n) for n, layer in layer_of.items() if layer]
    lonely = {f"iso-{i}" for i in range(isolated)}
    return {**layer_of, **dict.fromkeys(lonely, 0)}, lonely, edges


def test_wide_layers_wrap_into_sub_rows_within_their_own_band():
    layers, isolated, edges = _wide([40, 900, 1500, 300], isolated=200)
    positions = layered_layout(layers, isolated, edges)
    spans = {}
    for node, (_, y) in positions.items():
        band = "isolated" if node in isolated else layers[node]
        low, high = spans.get(band, (y, y))
        spans[band] = (min(low, y), max(high, y))
    order = [spans[k] for k in (0, 1, 2, 3, "isolated")]
    # Bands keep the layer order and never overlap: a gap of ROW (two for the isolated band).
    for (_, above), (below, _) in zip(order, order[1:], strict=False):
        assert below - above >= ROW
    assert spans["isolated"][0] - spans[3][1] >= 2 * ROW and spans[0] == (0.0, 0.0)
    assert spans[2][1] > spans[2][0]  # the widest layer did wrap
    assert len(set(positions.values())) == len(positions)  # no two actors on one spot
    subrows: dict[float, list[float]] = {}
    for x, y in positions.values():
        subrows.setdefault(y, []).append(x)
    for xs in subrows.values():  # within a sub-row neighbours stay COL apart
        xs.sort()
        assert all(b - a >= COL - 1e-6 for a, b in zip(xs, xs[1:], strict=False))


def test_wrapping_gives_the_picture_a_sensible_shape():
    layers, isolated, edges = _wide([60, 1200, 2500, 1800, 400], isolated=500)
    positions = layered_layout(layers, isolated, edges)
    xs, ys = [p[0] for p in positions.values()], [p[1] for p in positions.values()]
    aspect = (max(xs) - min(xs)) / (max(ys) - min(ys))
    assert ASPECT / 2 < aspect < ASPECT * 2
    unwrapped = 2500 * COL / (5 * ROW)
    assert aspect < unwrapped / 20


def test_small_layers_are_not_wrapped():
    assert columns_for([3, 11, 12, 5]) == 12
    layers, isolated, edges = _wide([5, 12, 9])
    positions = layered_layout(layers, isolated, edges)
    assert all(y == layers[n] * ROW for n, (_, y) in positions.items())


def test_wrapping_keeps_the_order_of_the_crossing_reduction():
    layers, isolated, edges = _wide([30, 400, 700], seed=5)
    positions = layered_layout(layers, isolated, edges)
    assert max(y for n, (_, y) in positions.items() if layers[n] == 2) >= 2 * ROW + SUB
    naive = layered_layout(layers, isolated, edges, sweeps=0)
    assert crossings(positions, edges, layers) < crossings(naive, edges, layers)


def test_twenty_thousand_actors_each_get_their_own_place_in_their_band():
    # How fast this runs is shown by scripts/bench_explorer.py beside its baseline, not here.
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
    positions = layered_layout(layer_of, set(), edges)
    assert set(positions) == set(layer_of)
    assert len(set(positions.values())) == 20_000
    tops = {layer: min(positions[n][1] for n in nodes) for layer, nodes in by_layer.items()}
    assert [tops[layer] for layer in sorted(tops)] == sorted(tops.values())
