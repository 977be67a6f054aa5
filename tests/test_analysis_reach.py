"""Voice reach, decisive voice reach, accountability load and fragmentation."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.analysis.accountability import accountability_load, load_by_kind
from graph.analysis.flows import voice_graph
from graph.analysis.fragmentation import cross_sector, cross_sector_share, fragmentation
from graph.analysis.voice import voice_reach, voice_reach_by_kind
from graph.model import Actor, Relation, Scenario, ScenarioInfo
from graph.network import to_networkx
from graph.vocabulary import RelationType, Vocabulary

DECLARED = [
    RelationType("ALLOCATES", "resource", "forward", "none", True, core=False),
    RelationType("HEARS", "voice", "none", "reverse", False, core=False),
    RelationType("OVERSEES", "control", "none", "none", True, core=False),
]


def make_graph(actors, relations):
    """Build a graph from {id: kind or (kind, sectors)} and (from, TYPE, to[, fields])."""
    built = []
    for i, spec in actors.items():
        kind, sectors = spec if isinstance(spec, tuple) else (spec, ())
        built.append(Actor(i, i, kind, sector=tuple(sectors)))
    scenario = Scenario(
        ScenarioInfo("t", "T"),
        vocabulary=Vocabulary.with_declared(relation_types=DECLARED),
        actors=tuple(built),
        relations=tuple(
            Relation(f"r{n}", r[0], r[2], r[1], **(r[3] if len(r) > 3 else {}))
            for n, r in enumerate(relations)
        ),
    )
    return to_networkx(scenario)


GOVERNANCE = {
    "res": "resident_group",
    "res2": "resident_group",
    "youth": "professional_group",
    "council": "consultation_body",
    "office": "programme_office",
    "min": "ministry",
    "city": "municipality",
    "area": "focus_area",
    "fund": "instrument",
}
RELATIONS = [
    ("min", "STEERS", "office"),
    ("office", "STEERS", "city"),
    ("city", "STEERS", "area"),
    ("fund", "TARGETS", "area"),
    ("city", "FUNDS", "youth"),
    ("youth", "STEERS", "res2"),  # youth workers decide about a resident group
    ("res", "PARTICIPATES_IN", "council", {"formal": True}),
    ("council", "ADVISES", "office", {"formal": True}),
    ("office", "REPRESENTS", "res2"),  # the office speaks for res2: res2's voice reaches it
    ("council", "ADVISES", "city"),
]


def test_voice_reach_counts_hops_from_the_nearest_actor_of_the_kind():
    G = make_graph(GOVERNANCE, RELATIONS)
    reach = voice_reach(G, "resident_group")
    assert reach["deciders"] == 5  # min, office, city, fund, youth
    assert reach["reached"] == {"city": 2, "office": 1}
    assert reach["share"] == 2 / 5
    assert reach["paths"] == {"city": ["res", "council", "city"], "office": ["res2", "office"]}
    assert reach["actors"] == 2


def test_a_decider_of_the_kind_reaches_itself_at_zero_hops():
    reach = voice_reach(make_graph(GOVERNANCE, RELATIONS), "professional_group")
    assert reach["reached"] == {"youth": 0}
    assert reach["paths"] == {"youth": ["youth"]}


def test_decisive_reach_follows_formal_voice_only():
    G = make_graph(GOVERNANCE, RELATIONS)
    decisive = voice_reach_by_kind(G, formal_only=True)["resident_group"]
    assert decisive["reached"] == {"office": 2}
    assert decisive["deciders"] == 5
    assert decisive["share"] == 1 / 5


def test_no_deciders_gives_null_share_and_no_kind_gives_empty_reach():
    G = make_graph({"res": "resident_group", "b": "other"}, [("res", "ADVISES", "b")])
    assert voice_reach(G, "resident_group") == {
        "share": None,
        "deciders": 0,
        "reached": {},
        "paths": {},
        "actors": 1,
    }
    G = make_graph({"a": "ministry", "b": "other"}, [("a", "STEERS", "b")])
    assert voice_reach(G, "professional_group")["share"] == 0.0


def test_declared_voice_type_flows_as_declared():
    G = make_graph({"res": "resident_group", "city": "municipality", "x": "other"},
                   [("city", "HEARS", "res"), ("city", "STEERS", "x")])  # fmt: skip
    assert voice_reach(G, "resident_group")["reached"] == {"city": 1}


def test_accountability_counts_distinct_controllers_through_accountability_types():
    G = make_graph(
        GOVERNANCE | {"audit": "monitoring_system"},
        RELATIONS
        + [
            ("city", "REPORTS_TO", "office"),  # same controller as STEERS: not accountability
            ("city", "REPORTS_TO", "min"),
            ("min", "FUNDS", "city"),  # min again: distinct actors count once
            ("audit", "MONITORS", "city"),
            ("fund", "ALLOCATES", "city"),  # declared, carries accountability
            ("min", "OVERSEES", "city"),  # declared accountability without control: no load
            ("city", "REPORTS_TO", "city"),
        ],
    )
    load = accountability_load(G)
    assert load["city"] == 4  # office, min, audit, fund
    assert load["youth"] == 1  # FUNDS from city
    assert load["office"] == 0  # only STEERS
    assert set(load) == set(GOVERNANCE) | {"audit"}
    by_kind = load_by_kind(G, load=load)
    assert by_kind["resident_group"] == {"actors": 2, "mean": 0.0, "max": 0}
    assert by_kind["municipality"] == {"actors": 1, "mean": 4.0, "max": 4}


def test_fragmentation_counts_instruments_and_controllers_straight_into_each():
    G = make_graph(
        GOVERNANCE | {"area2": "focus_area", "fund2": "instrument"},
        RELATIONS
        + [
            ("fund2", "FUNDS", "area"),
            ("fund2", "TARGETS", "area"),  # the same instrument counts once
            ("area", "IMPLEMENTS", "fund"),  # reverse: fund controls area again
            ("fund", "TARGETS", "youth"),
            ("area", "REPORTS_TO", "min"),
            ("fund", "ADVISES", "area2"),  # voice, not control
        ],
    )
    result = fragmentation(G)
    assert result["focus_area"] == {
        "area": {"instruments": 2, "controllers": 4},  # fund, fund2; + city, min
        "area2": {"instruments": 0, "controllers": 0},
    }
    assert result["professional_group"] == {"youth": {"instruments": 1, "controllers": 2}}


def test_cross_sector_share_counts_relations_whose_ends_share_no_sector():
    actors = {
        "a": ("other", ["care"]),
        "b": ("other", ["care", "safety"]),
        "c": ("other", ["housing"]),
        "d": ("other", []),
    }
    G = make_graph(
        actors,
        [("a", "STEERS", "b"), ("a", "STEERS", "c"), ("b", "ADVISES", "c"), ("c", "SUPPORTS", "d")]
        + [("b", "COLLABORATES_WITH", "c")],
    )
    counts = cross_sector(G)
    assert (counts["relations"], counts["with_sectors"], counts["cross"]) == (5, 4, 3)
    assert cross_sector_share(G) == 3 / 5
    assert counts["share_of_sectored"] == 3 / 4
    assert fragmentation(G)["cross_sector_share"] == 3 / 5
    assert cross_sector_share(make_graph(actors, [])) is None


NAMES = [f"n{i}" for i in range(8)]
KINDS = ["resident_group", "ministry", "other"]
TYPES = ["STEERS", "ADVISES", "REPRESENTS", "PARTICIPATES_IN", "REPORTS_TO", "HEARS"]


@settings(max_examples=120, deadline=None)
@given(
    st.lists(st.sampled_from(KINDS), min_size=8, max_size=8),
    st.lists(
        st.tuples(st.sampled_from(NAMES), st.sampled_from(TYPES), st.sampled_from(NAMES)),
        max_size=20,
    ),
)
def test_reach_is_the_shortest_voice_distance_from_any_actor_of_the_kind(kinds, relations):
    G = make_graph(dict(zip(NAMES, kinds, strict=True)), relations)
    V = voice_graph(G)
    reach = voice_reach(G, "resident_group")
    starts = [n for n, k in zip(NAMES, kinds, strict=True) if k == "resident_group"]
    distance = nx.multi_source_dijkstra_path_length(V, starts) if starts else {}
    vocabulary = G.graph["vocabulary"]
    arcs = [vocabulary.relation_type(d["type"]).control_arc(u, v) for u, v, d in G.edges(data=True)]
    deciders = {arc[0] for arc in arcs if arc and arc[0] != arc[1]}
    assert reach["deciders"] == len(deciders)
    assert set(reach["reached"]) == deciders & set(distance)
    for decider, hops in reach["reached"].items():
        assert hops == distance[decider]
        path = reach["paths"][decider]
        assert path[0] in starts and path[-1] == decider and len(path) == hops + 1
        assert all(V.has_edge(u, v) for u, v in zip(path, path[1:], strict=False))
