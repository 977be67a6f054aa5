"""The analyze and compare objects: contract keys, JSON, filters, speed on bundled scenarios."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from graph.analysis import analyze, compare
from graph.analysis.accountability import accountability_load
from graph.analysis.compare import scalar_metrics
from graph.analysis.layers import steering_chains, steering_layers
from graph.datasets import bundled_paths
from graph.formats import load_paths
from graph.model import Actor, Relation, Scenario, ScenarioInfo
from graph.network import to_networkx

REQUIRED = {
    "scenario", "layers", "isolated", "steering_depth", "steering_chains", "voice_reach",
    "decisive_voice_reach", "accountability_load", "fragmentation", "hierarchy", "centrality",
}  # fmt: skip
HIERARCHY = {"connectedness", "hierarchy", "efficiency", "lub", "flow_hierarchy"}


def scenario(sid, actors, relations):
    return Scenario(
        ScenarioInfo(sid, sid.upper()),
        actors=tuple(Actor(i, i, kind, **extra) for i, kind, extra in actors),
        relations=tuple(Relation(rid, u, v, t, **extra) for rid, u, t, v, extra in relations),
    )


BEFORE = scenario(
    "before",
    [
        ("min", "ministry", {"sector": ("governance",)}),
        ("city", "municipality", {"sector": ("governance",)}),
        ("area", "focus_area", {"sector": ("safety",)}),
        ("res", "resident_group", {}),
        ("fund", "instrument", {"since": "2023"}),
    ],
    [
        ("r1", "min", "STEERS", "city", {}),
        ("r2", "city", "REPORTS_TO", "min", {}),
        ("r3", "city", "TARGETS", "area", {}),
        ("r4", "fund", "FUNDS", "area", {}),
        ("r5", "res", "PARTICIPATES_IN", "city", {"confidence": "inferred"}),
    ],
)
AFTER = scenario(
    "after",
    [
        ("min", "ministry", {"sector": ("governance",)}),
        ("city", "municipality", {"sector": ("care",)}),
        ("area", "focus_area", {"sector": ("safety",)}),
        ("res", "resident_group", {}),
        ("council", "consultation_body", {}),
    ],
    [
        ("r1", "min", "STEERS", "city", {}),
        ("r3", "city", "TARGETS", "area", {"formal": True}),
        ("r6", "res", "MEMBER_OF", "council", {"formal": True}),
        ("r7", "council", "ADVISES", "city", {"formal": True}),
    ],
)


def test_analyze_has_every_contract_key_and_is_strict_json():
    result = analyze(to_networkx(BEFORE))
    assert REQUIRED <= set(result)
    assert set(result["hierarchy"]) == HIERARCHY
    assert set(result["voice_reach"]) == {"resident_group", "professional_group"}
    assert set(result["fragmentation"]) >= {
        "focus_area",
        "professional_group",
        "cross_sector_share",
    }
    assert set(result["centrality"]) >= {"betweenness", "sampled"}
    assert json.loads(json.dumps(result, allow_nan=False)) == result


def test_analyze_values_agree_with_the_single_analyses():
    G = to_networkx(BEFORE)
    result = analyze(G)
    assert result["scenario"] == "before"
    assert result["layers"] == steering_layers(G) == {
        "area": 2, "city": 1, "fund": 0, "min": 0, "res": 0,
    }  # fmt: skip
    assert result["isolated"] == ["res"]
    assert result["steering_depth"] == 2
    assert result["steering_chains"] == steering_chains(G) == [["min", "city", "area"]]
    assert result["accountability_load"] == accountability_load(G)
    assert result["accountability_load"]["area"] == 1 and result["accountability_load"]["city"] == 1
    assert result["voice_reach"]["resident_group"] == {
        "share": 1 / 3, "deciders": 3, "reached": {"city": 1},
        "paths": {"city": ["res", "city"]}, "actors": 1,
    }  # fmt: skip
    assert result["decisive_voice_reach"]["resident_group"]["share"] == 0.0
    assert result["fragmentation"]["focus_area"] == {"area": {"instruments": 1, "controllers": 2}}
    # five relations: min-city and city-min share a sector, city-area and fund-area (no
    # sector on fund) and res-city (none on res): one cross-sector relation of five
    assert result["fragmentation"]["cross_sector_share"] == 1 / 5


def test_filters_applied_by_to_networkx_change_the_analysis():
    confirmed = analyze(to_networkx(BEFORE, confirmed_only=True))
    assert confirmed["voice_reach"]["resident_group"]["reached"] == {}
    early = analyze(to_networkx(BEFORE, as_of="2022-06"))
    assert "fund" not in early["layers"]
    assert early["fragmentation"]["focus_area"]["area"] == {"instruments": 0, "controllers": 1}


def test_empty_scenario_gives_nulls_not_nans():
    result = analyze(to_networkx(scenario("empty", [], [])))
    assert result["steering_depth"] == 0 and result["steering_chains"] == []
    assert result["voice_reach"]["resident_group"]["share"] is None
    assert result["hierarchy"] == {
        "connectedness": 1.0, "hierarchy": None, "efficiency": None, "lub": None,
        "flow_hierarchy": None,
    }  # fmt: skip
    assert result["fragmentation"]["cross_sector_share"] is None
    json.dumps(result, allow_nan=False)


def test_compare_lists_changes_by_id_and_every_scalar_metric_with_its_delta():
    Ga, Gb = to_networkx(BEFORE), to_networkx(AFTER)
    result = compare(Ga, Gb)
    assert (result["a"], result["b"]) == ("before", "after")
    assert result["actors"]["added"] == ["council"]
    assert result["actors"]["removed"] == ["fund"]
    assert result["actors"]["changed"] == ["city"]
    assert result["actors"]["changed_fields"] == {"city": ["sector"]}
    assert result["relations"]["added"] == ["r6", "r7"]
    assert result["relations"]["removed"] == ["r2", "r4", "r5"]
    assert result["relations"]["changed"] == ["r3"]
    metrics = result["metrics"]
    assert metrics["steering_depth"] == {"a": 2, "b": 2, "delta": 0}
    assert metrics["counts.relations"] == {"a": 5, "b": 4, "delta": -1}
    assert metrics["isolated"] == {"a": 1, "b": 2, "delta": 1}
    assert metrics["decisive_voice_reach.resident_group.share"] == {
        "a": 0.0, "b": 0.5, "delta": 0.5,
    }  # fmt: skip
    assert metrics["hierarchy.lub"]["delta"] == pytest.approx(
        metrics["hierarchy.lub"]["b"] - metrics["hierarchy.lub"]["a"]
    )
    assert json.loads(json.dumps(result, allow_nan=False)) == result


def test_metrics_cover_every_scalar_of_analyze_and_delta_is_null_when_undefined():
    empty = to_networkx(scenario("empty", [], []))
    result = compare(empty, to_networkx(AFTER))
    names = set(result["metrics"])
    assert {f"hierarchy.{name}" for name in HIERARCHY} <= names
    assert {"steering_depth", "isolated", "fragmentation.cross_sector_share"} <= names
    assert "voice_reach.professional_group.share" in names
    assert result["metrics"]["hierarchy.lub"] == {"a": None, "b": 1.0, "delta": None}
    assert not any(name.startswith(("layers", "accountability_load.")) for name in names)
    assert names == set(scalar_metrics(analyze(to_networkx(AFTER))))


def test_compare_uses_given_ids_and_analyses():
    G = to_networkx(BEFORE)
    done = analyze(G)
    result = compare(G, G, a_id="x", b_id="y", analysis_a=done, analysis_b=done)
    assert (result["a"], result["b"]) == ("x", "y")
    assert all(m["delta"] in (0, None) for m in result["metrics"].values())
    assert result["actors"] == {"added": [], "removed": [], "changed": [], "changed_fields": {}}


@pytest.mark.parametrize("path", bundled_paths(), ids=lambda p: p.stem)
def test_bundled_scenarios_analyse_to_strict_json(path):
    # Their speed (< 0.2 s each) is shown by scripts/bench_analysis.py, not asserted here.
    for loaded in load_paths([path]):
        G = to_networkx(loaded)
        result = analyze(G)
        assert set(result["layers"]) == set(G)
        json.dumps(result, allow_nan=False)


def test_analyze_accepts_a_bare_graph_without_vocabulary():
    G = nx.MultiDiGraph()
    G.add_edge("a", "b", key="r1", type="STEERS")
    assert analyze(G, scenario_id="bare")["scenario"] == "bare"


def _figure(text: str) -> float:
    """The number in a summary cell as written: '24 %', '0.41', '+32 points', '−6.3 points'."""
    return float(text.split()[0].rstrip("%").replace("−", "-").replace("±", ""))


def test_each_change_in_the_bundled_comparisons_is_the_difference_of_the_figures_shown():
    """A reader checks a row by subtracting its two figures: the change written beside them
    must be that difference, not the unrounded one ('24 %' to '56 %' is '+32 points')."""
    loaded = {s.id: s for s in load_paths(bundled_paths())}
    checked = 0
    for a_id, b_id in [("nplv-2022", "wijkaanpak-manifest"), ("nplv-2022", "nprz")]:
        rows = compare(to_networkx(loaded[a_id]), to_networkx(loaded[b_id]))["summary"]
        for row in rows:
            if row["delta"] is None or "undefined" in (row["a_text"], row["b_text"]):
                continue
            shown = _figure(row["b_text"]) - _figure(row["a_text"])
            written = _figure(row["delta_text"])
            if shown:
                assert written == pytest.approx(shown), row
            else:  # both round to the same figure: the change is written, smaller than a step
                assert (written != 0) == (row["delta"] != 0), row
            checked += 1
    assert checked >= 30
