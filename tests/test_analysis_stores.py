"""The analyses give identical results whichever store holds the bundled scenarios."""

from __future__ import annotations

import json

import pytest

from graph.analysis import analyze
from graph.analysis.compare import compare
from graph.datasets import bundled_paths
from graph.formats import load_paths
from graph.storage import open_store

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def stores(neo4j_uri):
    scenarios = load_paths(bundled_paths())
    embedded, neo4j = open_store(None), open_store(neo4j_uri)
    ours = [s.id for s in scenarios]
    for scenario_id in ours:
        if neo4j.has_scenario(scenario_id):
            neo4j.delete(scenario_id)
    embedded.load(scenarios)
    neo4j.load(scenarios)
    try:
        yield embedded, neo4j, ours
    finally:
        for scenario_id in ours:
            neo4j.delete(scenario_id)
        neo4j.close()
        embedded.close()


def as_json(value):
    return json.dumps(value, sort_keys=True, allow_nan=False)


@pytest.mark.parametrize("confirmed_only", [False, True])
@pytest.mark.parametrize("as_of", [None, "2022-07-04"])
def test_every_metric_is_equal_on_both_stores(stores, as_of, confirmed_only):
    embedded, neo4j, ids = stores
    for scenario_id in ids:
        filters = {"as_of": as_of, "confirmed_only": confirmed_only}
        from_embedded = analyze(embedded.graph(scenario_id, **filters), scenario_id=scenario_id)
        from_neo4j = analyze(neo4j.graph(scenario_id, **filters), scenario_id=scenario_id)
        assert from_embedded["layers"], scenario_id
        assert as_json(from_embedded) == as_json(from_neo4j), scenario_id


def test_comparison_is_equal_on_both_stores(stores):
    embedded, neo4j, _ = stores
    results = [
        compare(s.graph("nplv-2022"), s.graph("wijkaanpak-manifest"), a_id="nplv-2022",
                b_id="wijkaanpak-manifest")
        for s in (embedded, neo4j)
    ]  # fmt: skip
    assert results[0]["metrics"]["steering_depth"]["a"] > 0
    assert as_json(results[0]) == as_json(results[1])
