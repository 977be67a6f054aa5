"""The layout engine benchmark measures what it says: exact crossings and overlaps, fixed layers.

scripts/bench_layout.py compares govgraph's layered layout with igraph, Graphviz dot and ELK;
its figures are only worth something if its counts are right and every engine it reports kept
govgraph's layers. Graphviz and elkjs are installed by scripts/test.sh.
"""

from __future__ import annotations

import itertools
import random

import pytest

from graph.layout import layered_layout
from scripts import bench_layout as bench
from tests.conftest import missing_part


def _segments_cross(p1, p2, p3, p4) -> bool:
    """Twin of the vectorised count: two segments cross at a point inside both."""

    def turn(a, b, c):
        value = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
        return 0 if abs(value) < 1e-6 else (1 if value > 0 else -1)

    return turn(p1, p2, p3) * turn(p1, p2, p4) < 0 and turn(p3, p4, p1) * turn(p3, p4, p2) < 0


def _random_case(seed: int, nodes: int = 40, pairs: int = 70) -> tuple[bench.Case, bench.Positions]:
    rng = random.Random(seed)
    names = [f"n{i}" for i in range(nodes)]
    positions = {
        n: (float(rng.randrange(0, 600, 20)), float(rng.randrange(0, 400, 50))) for n in names
    }
    linked = {tuple(sorted(rng.sample(names, 2))) for _ in range(pairs)}
    case = bench.Case(
        name="random",
        scenario_id="random",
        bands={n: 0 for n in names},
        layers={n: 0 for n in names},
        isolated=frozenset(),
        kinds={n: "other" for n in names},
        pairs=sorted(linked),  # type: ignore[arg-type]
        arcs=sorted(linked),  # type: ignore[arg-type]
        boxes={n: bench.label_box(f"actor with a name {n}" * (1 + int(n[1:]) % 3)) for n in names},
    )
    return case, positions


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_crossings_are_every_pair_of_segments_that_cross(seed):
    case, positions = _random_case(seed)
    expected = sum(
        1
        for (a, b), (c, d) in itertools.combinations(case.pairs, 2)
        if not {a, b} & {c, d}
        and _segments_cross(positions[a], positions[b], positions[c], positions[d])
    )
    assert expected > 0
    assert bench.crossings(case, positions) == expected


def test_segments_that_share_an_actor_or_only_touch_do_not_cross():
    case, _ = _random_case(1, nodes=4, pairs=0)
    case.pairs = [("n0", "n1"), ("n2", "n3"), ("n0", "n2")]
    x = {"n0": (0.0, 0.0), "n1": (100.0, 100.0), "n2": (0.0, 100.0), "n3": (100.0, 0.0)}
    assert bench.crossings(case, x) == 1  # the two diagonals; n0-n2 shares an end with both
    x["n3"] = (50.0, 50.0)  # n2-n3 now ends on n0-n1: touching is not crossing
    assert bench.crossings(case, x) == 0


@pytest.mark.parametrize("seed", [4, 5])
def test_overlaps_are_every_pair_of_boxes_that_overlap(seed):
    case, positions = _random_case(seed, nodes=60)
    boxes = {n: bench.box_of(case, n, *positions[n]) for n in positions}
    expected = sum(
        1
        for a, b in itertools.combinations(boxes.values(), 2)
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    )
    assert expected > 0
    assert bench.overlaps(case, positions) == expected


def test_a_label_box_holds_at_most_two_lines_no_wider_than_the_explorer_allows():
    short_width, short_height = bench.label_box("BZK")
    long_width, long_height = bench.label_box("Ministerie van Binnenlandse Zaken en " * 4)
    assert short_width == 2 * bench.RADIUS and long_width == bench.MAX_WIDTH + 2 * bench.PAD
    assert long_height - short_height == bench.LINE


@pytest.fixture(scope="module")
def nprz() -> bench.Case:
    return next(c for c in bench.bundled_cases() if c.name == "nprz")


def test_the_govgraph_engine_is_the_explorers_layout(nprz):
    from graph.datasets import bundled_paths
    from graph.formats import read_path
    from graph.layout import scenario_layout
    from graph.network import to_networkx

    path = next(p for p in bundled_paths() if p.name == "nprz.yaml")
    positions, _ = bench.run_govgraph(nprz, 60)
    assert positions == scenario_layout(to_networkx(read_path(path)[0])).positions


def test_an_actor_moved_into_another_band_is_caught(nprz):
    positions = layered_layout(nprz.layers, nprz.isolated, nprz.arcs)
    assert bench.off_layer(nprz, positions) == 0
    deepest = max(nprz.bands, key=nprz.bands.get)
    top = min(nprz.bands, key=nprz.bands.get)
    positions[top] = (positions[top][0], positions[deepest][1])
    assert bench.off_layer(nprz, positions) > 0


def _lay_out(engine: str, case: bench.Case) -> bench.Positions:
    try:
        positions, _ = bench.ENGINES[engine](case, 120)
    except bench.Excluded as reason:
        if engine == "igraph" and "crashed" in str(reason):
            # igraph 1.0.0's layout_sugiyama crashes on some graphs, now and then on this one:
            # the benchmark reports it; only a layout it does return is checked here.
            pytest.xfail(str(reason))
        missing_part(f"layout engine {engine}: {reason}")
    return positions


@pytest.mark.parametrize("engine", ["govgraph", "igraph", "dot", "elk"])
def test_every_engine_keeps_the_layers_and_gives_each_label_room(nprz, engine):
    positions = _lay_out(engine, nprz)
    assert set(positions) == set(nprz.bands)
    assert bench.off_layer(nprz, positions) == 0
    if engine != "govgraph":  # engines given the label boxes place them apart
        assert bench.overlaps(nprz, positions) == 0
    assert _lay_out(engine, nprz) == positions  # deterministic


def test_dot_gets_one_rank_per_band_that_no_relation_can_move(nprz):
    source = bench.dot_source(nprz)
    bands = max(nprz.bands.values()) + 1
    assert source.count("rank=same") == bands
    assert source.count("[style=invis]") == bands - 1  # the anchors' chain
    assert source.count("constraint=false") == len(nprz.pairs)
