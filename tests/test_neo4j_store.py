"""Neo4j-specific behaviour of the Neo4j store, against the real Neo4j the launcher starts.

The shared contract (round trips, views, query shapes) is in test_store_conformance.py; here:
the labels and properties Neo4j holds, the constraints, the guard's refusals with nothing
changed, the server-side timeout, and atomic replace when Neo4j itself refuses data midway.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from graph.errors import GraphError, QueryRejected, QueryTimeout, StoreUnavailable
from graph.model import Actor, Relation, Scenario, ScenarioInfo, Source
from graph.storage.neo4j import Neo4jStore
from graph.vocabulary import RelationType, Vocabulary

pytestmark = pytest.mark.neo4j


@pytest.fixture
def neo4j_store(neo4j_uri: str) -> Iterator[Neo4jStore]:
    """A Neo4j store emptied before and after the test."""
    yield from _emptied(Neo4jStore(neo4j_uri))


@pytest.fixture(params=["bolt", "neo4j"])
def routed_store(request: pytest.FixtureRequest, neo4j_uri: str) -> Iterator[Neo4jStore]:
    """The store through ``bolt://`` and through ``neo4j://``: the driver's routing, as a
    cluster or Aura is reached (reads go to readers, writes to the leader)."""
    uri = neo4j_uri.replace("bolt://", f"{request.param}://", 1)
    assert uri.startswith(f"{request.param}://")
    yield from _emptied(Neo4jStore(uri))


def _emptied(store: Neo4jStore) -> Iterator[Neo4jStore]:
    for scenario_id in store.scenario_ids():
        store.delete(scenario_id)
    try:
        yield store
    finally:
        for scenario_id in store.scenario_ids():
            store.delete(scenario_id)
        store.close()


@pytest.fixture
def raw(neo4j_uri: str) -> Iterator[Any]:
    """A plain driver, to look at what the store wrote without going through it."""
    import neo4j

    with neo4j.GraphDatabase.driver(neo4j_uri, notifications_min_severity="OFF") as driver:
        yield driver


def rows(driver: Any, cypher: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(cypher, params)
    return [record.data() for record in records]


def demo(scenario_id: str = "demo") -> Scenario:
    allocates = RelationType("ALLOCATES", "resource", "forward", "none", True, core=False)
    return Scenario(
        ScenarioInfo(scenario_id, "Demo", "A test structure", "2022-07"),
        sources=(Source("op-ed", "An op-ed", "https://example.org/x", "2022-07"),),
        vocabulary=Vocabulary.with_declared(kinds=["district_council"], relation_types=[allocates]),
        actors=(
            Actor("min", "Ministry", "ministry", "national", ("governance",), sources=("op-ed",)),
            Actor("office", "Office", "programme_office", tags=("nplv",)),
            Actor("council", "Council", "district_council", note="declared kind"),
        ),
        relations=(
            Relation("min:STEERS:office", "min", "office", "STEERS", ("op-ed",), formal=True),
            Relation("m-funds", "min", "council", "FUNDS", amount_eur=2.5e8, weight=0.5),
            Relation("office:ALLOCATES:council", "office", "council", "ALLOCATES"),
        ),
    )


def snapshot(driver: Any) -> list[dict[str, Any]]:
    """Every node and relationship with its labels or type and properties, sorted."""
    nodes = rows(driver, "MATCH (n) RETURN labels(n) AS l, properties(n) AS p")
    rels = rows(driver, "MATCH ()-[r]->() RETURN type(r) AS l, properties(r) AS p")
    return sorted((nodes + rels), key=lambda d: json.dumps(d, sort_keys=True, default=str))


# Mapping


def test_actors_carry_actor_and_kind_labels(neo4j_store: Neo4jStore, raw: Any) -> None:
    neo4j_store.load([demo()])
    found = rows(raw, "MATCH (a:Actor {scenario: 'demo'}) RETURN a.id AS id, labels(a) AS l")
    labels = {r["id"]: sorted(r["l"]) for r in found}
    assert labels == {
        "min": ["Actor", "Ministry"],
        "office": ["Actor", "ProgrammeOffice"],
        "council": ["Actor", "DistrictCouncil"],
    }


def test_properties_as_stored(neo4j_store: Neo4jStore, raw: Any) -> None:
    neo4j_store.load([demo()])
    office = rows(raw, "MATCH (a:Actor {scenario: 'demo', id: 'office'}) RETURN a AS a")[0]["a"]
    assert office["tags"] == ["nplv"] and office["sector"] == [] and office["ord"] == 1
    assert "level" not in office and "description" not in office  # nulls are not stored
    funds = rows(raw, "MATCH ()-[r:FUNDS]->() RETURN properties(r) AS p")[0]["p"]
    assert funds["scenario"] == "demo" and funds["id"] == "m-funds"
    assert funds["amount_eur"] == 2.5e8 and funds["weight"] == 0.5 and funds["formal"] is False
    head = rows(raw, "MATCH (s:Scenario {id: 'demo'}) RETURN properties(s) AS p")[0]["p"]
    assert json.loads(head["vocabulary"])["kinds"] == ["district_council"]
    source = rows(raw, "MATCH (s:Source {scenario: 'demo'}) RETURN s.id AS id, s.url AS url")
    assert source == [{"id": "op-ed", "url": "https://example.org/x"}]


def test_declared_relation_type_is_a_relationship_type(neo4j_store: Neo4jStore, raw: Any) -> None:
    neo4j_store.load([demo()])
    found = rows(raw, "MATCH (a)-[r:ALLOCATES]->(b) RETURN a.id AS a, b.id AS b, r.id AS id")
    assert found == [{"a": "office", "b": "council", "id": "office:ALLOCATES:council"}]


def test_constraints_exist_and_hold(neo4j_store: Neo4jStore, raw: Any) -> None:
    neo4j_store.load([demo()])
    shown = rows(raw, "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties")
    by_name = {c["name"]: c for c in shown}
    actor = by_name["govgraph_actor_key"]
    assert (actor["type"], actor["labelsOrTypes"]) == ("UNIQUENESS", ["Actor"])
    assert actor["properties"] == ["scenario", "id"]
    assert by_name["govgraph_source_key"]["properties"] == ["scenario", "id"]
    import neo4j

    with pytest.raises(neo4j.exceptions.ConstraintError):
        raw.execute_query("CREATE (:Actor {scenario: 'demo', id: 'min', name: 'twin'})")


def test_reimport_is_idempotent_in_neo4j(neo4j_store: Neo4jStore, raw: Any) -> None:
    neo4j_store.load([demo()])
    before = snapshot(raw)
    neo4j_store.load([demo()])
    assert snapshot(raw) == before


def test_replace_changes_kinds_and_clears_properties(neo4j_store: Neo4jStore, raw: Any) -> None:
    neo4j_store.load([demo()])
    minister, office, council = demo().actors
    changed = replace(demo(), actors=(replace(minister, level=None, sector=()),
                                      replace(office, kind="ministry"), council))  # fmt: skip
    neo4j_store.load([changed])
    assert neo4j_store.scenario("demo") == changed
    found = rows(raw, "MATCH (a:Actor {scenario: 'demo'}) RETURN a.id AS id, labels(a) AS l, "
                      "a.level AS level ORDER BY a.ord")  # fmt: skip
    assert [sorted(r["l"]) for r in found][:2] == [["Actor", "Ministry"], ["Actor", "Ministry"]]
    assert found[0]["level"] is None


def test_actors_left_without_scenario_node_are_replaced(neo4j_store: Neo4jStore, raw: Any) -> None:
    # Actors of the scenario but no Scenario node: the load must still replace, not create
    # beside them (which the uniqueness constraint would refuse).
    raw.execute_query("CREATE (:Actor:Ministry {scenario: 'demo', id: 'min', name: 'stray'})")
    neo4j_store.load([demo()])
    assert neo4j_store.scenario("demo") == demo()
    assert rows(raw, "MATCH (a:Actor {scenario: 'demo'}) RETURN count(a) AS n") == [{"n": 3}]


# Guarded queries


REFUSED = [
    "CREATE (n:Actor {scenario: 'demo', id: 'x'}) RETURN n",
    "MERGE (n:Actor {scenario: 'demo', id: 'min'}) ON MATCH SET n.name = 'x' RETURN n",
    "MATCH (n:Actor) SET n.name = 'changed' RETURN n",
    "MATCH (n:Actor) DETACH DELETE n",
    "MATCH ()-[r]->() DELETE r",
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "LOAD/**/CSV FROM 'https://example.org/x.csv' AS line RETURN line",
    "load // hidden\n csv from 'file:///etc/hosts' as l return l",
    "CALL dbms.setConfigValue('db.logs.query.enabled', 'OFF')",
    "CALL dbms.components() YIELD name RETURN name",
    "CALL apoc.create.node(['Actor'], {id: 'x'})",
    "RETURN apoc.version()",
    "CALL db.createLabel('Injected')",
    "MATCH (n) RETURN n; MATCH (m) DETACH DELETE m",
    "MATCH (n) RETURN count(n); CREATE (:Injected)",
    "FOREACH (x IN [1] | CREATE (:Injected))",
    "CALL { CREATE (:Injected) } RETURN 1",
    "SHOW USERS",
    "DROP CONSTRAINT govgraph_actor_key",
    "CREATE INDEX injected FOR (n:Actor) ON (n.name)",
]


@pytest.mark.parametrize("cypher", REFUSED)
def test_writes_are_refused_and_nothing_changes(
    routed_store: Neo4jStore, raw: Any, cypher: str
) -> None:
    routed_store.load([demo()])
    before = snapshot(raw)
    schema = rows(raw, "SHOW CONSTRAINTS YIELD name RETURN name ORDER BY name")
    with pytest.raises(QueryRejected):
        routed_store.query(cypher)
    assert snapshot(raw) == before
    assert rows(raw, "SHOW CONSTRAINTS YIELD name RETURN name ORDER BY name") == schema


def test_read_query_passes_explain_and_read_transaction(routed_store: Neo4jStore) -> None:
    routed_store.load([demo()])
    assert routed_store.scenario("demo") == demo()
    result = routed_store.query(
        "MATCH (a:Actor:Ministry {scenario: $s})-[r]->(b) RETURN b.id AS b, type(r) AS t "
        "ORDER BY b",
        {"s": "demo"},
    )
    assert result.columns == ["b", "t"]
    assert result.rows == [["council", "FUNDS"], ["office", "STEERS"]]


def test_relationship_alone_gets_actor_ids(neo4j_store: Neo4jStore) -> None:
    neo4j_store.load([demo()])
    result = neo4j_store.query("MATCH ()-[r:FUNDS]->() RETURN r")
    rel = result.rows[0][0]
    assert (rel["_type"], rel["_from"], rel["_to"]) == ("FUNDS", "min", "council")
    assert "ord" not in rel


def test_temporal_values_become_iso_text(neo4j_store: Neo4jStore) -> None:
    result = neo4j_store.query("RETURN date('2022-07-04') AS d, duration('P1D') AS p")
    assert result.rows == [["2022-07-04", "P1D"]]


def test_runaway_query_is_cut_off_by_the_server(neo4j_store: Neo4jStore) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        neo4j_store.query(
            "UNWIND range(1, 2000000000) AS x WITH x WHERE x = -1 RETURN x", timeout=1.0
        )
    assert time.monotonic() - started < 30
    assert neo4j_store.query("RETURN 1 AS one").rows == [[1]]


def test_row_cap_stops_fetching(routed_store: Neo4jStore) -> None:
    result = routed_store.query("UNWIND range(1, 100000) AS x RETURN x", row_limit=7)
    assert result.truncated and [r[0] for r in result.rows] == list(range(1, 8))


# Atomic writes


def test_neo4j_refusal_midway_leaves_old_scenario(neo4j_store: Neo4jStore, raw: Any) -> None:
    neo4j_store.load([demo()])
    before = snapshot(raw)
    # A map is not a property value Neo4j can store: the refusal comes from Neo4j itself,
    # after the old scenario was deleted and other actors written in the same transaction.
    bad_actor = Actor("bad", "Bad", "other", description={"not": "storable"})  # type: ignore[arg-type]
    broken = replace(demo(), actors=demo().actors + (bad_actor,))
    with pytest.raises(GraphError) as caught:
        neo4j_store.load([broken])
    assert caught.value.code == "store-write-failed"
    assert snapshot(raw) == before
    assert neo4j_store.scenario("demo") == demo()


def test_failure_keeps_earlier_scenarios_and_skips_later(neo4j_store: Neo4jStore, raw: Any) -> None:
    bad = Actor("bad", "Bad", "other", description={"not": "storable"})  # type: ignore[arg-type]
    broken = replace(demo("b"), actors=demo("b").actors + (bad,))
    with pytest.raises(GraphError):
        neo4j_store.load([demo("a"), broken, demo("c")])
    assert neo4j_store.scenario_ids() == ["a"]
    assert rows(raw, "MATCH (n) WHERE n.scenario IN ['b', 'c'] RETURN count(n) AS n") == [{"n": 0}]


def test_malformed_import_writes_nothing(neo4j_store: Neo4jStore, raw: Any) -> None:
    neo4j_store.load([demo()])
    before = snapshot(raw)
    dangling = replace(demo(), relations=(Relation("x", "min", "ghost", "STEERS"),))
    lowercase = replace(demo("other"), relations=(Relation("y", "min", "office", "steers"),))
    for scenario in (dangling, lowercase):
        with pytest.raises(GraphError):
            neo4j_store.load([scenario])
    assert snapshot(raw) == before


def test_progress_counts_every_relation_once(neo4j_uri: str) -> None:
    store = Neo4jStore(neo4j_uri, batch_size=2)
    seen: list[int] = []
    try:
        store.load([demo("progress")], progress=seen.append)
        assert sum(seen) == 3 and max(seen) <= 2
    finally:
        store.delete("progress")
        store.close()


def uniform(scenario_id: str, size: int) -> Scenario:
    """Relations of one type whose columns are partly the same in every row, partly not."""
    actors = tuple(Actor(f"a{i}", f"Actor {i}", "ministry", tags=("t",)) for i in range(size))
    relations = tuple(
        Relation(f"r{i}", f"a{i}", f"a{(i + 1) % size}", "STEERS", ("s1", "s2"), formal=True,
                 since="2022" if i % 3 else None, tags=(), weight=1.0 if i % 2 else 0.5)
        for i in range(size)
    )  # fmt: skip
    return Scenario(ScenarioInfo(scenario_id, "Uniform"), actors=actors, relations=relations)


@pytest.mark.parametrize("batch_size", [1, 2, 7])
def test_stored_graph_does_not_depend_on_batching(
    neo4j_uri: str, raw: Any, batch_size: int
) -> None:
    # Columns with one value in a batch go to Neo4j as one parameter: the stored values,
    # their types and the round trip must be what row-by-row lists give.
    scenario = uniform(f"uniform-{batch_size}", 12)
    reference, store = (
        Neo4jStore(neo4j_uri, batch_size=1000),
        Neo4jStore(neo4j_uri, batch_size=batch_size),
    )
    try:
        reference.load([replace(scenario, info=replace(scenario.info, id="reference"))])
        store.load([scenario])
        assert store.scenario(scenario.id) == scenario
        cypher = ("MATCH (a:Actor {scenario: $s})-[r]->(b) RETURN a.id AS a, b.id AS b, "
                  "properties(r) AS p, properties(a) AS pa ORDER BY r.ord")  # fmt: skip
        found, expected = rows(raw, cypher, s=scenario.id), rows(raw, cypher, s="reference")
        for row in found + expected:
            del row["p"]["scenario"], row["pa"]["scenario"], row["pa"]["uid"]
        assert found == expected
        assert found[0]["p"]["sources"] == ["s1", "s2"] and found[0]["p"]["tags"] == []
        assert "since" not in found[0]["p"] and found[1]["p"]["since"] == "2022"
    finally:
        for each in (store, reference):
            for scenario_id in (scenario.id, "reference"):
                if each.has_scenario(scenario_id):
                    each.delete(scenario_id)
            each.close()


# Connection errors


def test_unreachable_server_is_store_unavailable() -> None:
    store = Neo4jStore("bolt://127.0.0.1:9")
    try:
        with pytest.raises(StoreUnavailable):
            store.ping()
        with pytest.raises(StoreUnavailable) as caught:
            store.list_scenarios()
        # Every surface (command line, web app) shows this hint: it must be about Neo4j.
        assert "NEO4J_URI" in caught.value.hint and "--db" not in caught.value.hint
    finally:
        store.close()


def test_bad_uri_is_store_unavailable() -> None:
    with pytest.raises(StoreUnavailable):
        Neo4jStore("bolt://127.0.0.1:notaport")
