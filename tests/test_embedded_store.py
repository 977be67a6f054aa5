"""What only the embedded store does: folders, LadybugDB's sharp edges, the subset refusals."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import ladybug
import pandas as pd
import pyarrow as pa
import pytest

from graph.errors import (
    GraphError,
    QueryRejected,
    QuerySyntaxError,
    QueryTimeout,
    StoreUnavailable,
    UnsupportedQuery,
)
from graph.model import Relation, Scenario
from graph.storage import open_store
from graph.storage.embedded import (
    DB_FILE,
    MAX_DB_BYTES,
    EmbeddedStore,
    check_subset,
    open_database,
)
from tests.test_store_conformance import random_scenario, small_scenario, wait_until_stopped


@pytest.fixture
def embedded() -> Iterator[EmbeddedStore]:
    store = EmbeddedStore()
    yield store
    store.close()


def test_open_store_without_url_is_embedded_in_memory() -> None:
    store = open_store(None)
    try:
        assert isinstance(store, EmbeddedStore) and store.kind == "embedded"
        assert store.path is None
    finally:
        store.close()


def test_folder_keeps_scenarios_between_openings(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    first = EmbeddedStore(str(folder))
    s = small_scenario()
    first.load([s, random_scenario(9, 8, 12)])
    first.close()
    assert (folder / (folder / "CURRENT").read_text().strip() / DB_FILE).exists()
    second = open_store(str(folder))
    try:
        assert second.scenario_ids() == ["demo", "random-9"]
        assert second.scenario("demo") == s
    finally:
        second.close()


def test_declared_types_get_their_own_table(embedded: EmbeddedStore) -> None:
    assert "ALLOCATES" not in embedded.rel_tables()
    embedded.load([small_scenario()])
    assert "ALLOCATES" in embedded.rel_tables()
    assert "STEERS" in embedded.rel_tables()


def test_bad_relation_type_is_refused_before_writing(embedded: EmbeddedStore) -> None:
    s = small_scenario()
    bad = replace(s, relations=(Relation("x", "min", "city", "DROP TABLE Actor"),))
    with pytest.raises(GraphError, match="UPPER_SNAKE"):
        embedded.load([bad])
    assert embedded.list_scenarios() == []


def _new_version(old: Scenario) -> Scenario:
    new = replace(old, info=replace(old.info, title="New"), actors=old.actors[:3])
    return replace(new, relations=new.relations[:3])


def test_failure_before_any_copy_rolls_back_the_delete(
    embedded: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = small_scenario()
    embedded.load([old])
    real_copy = EmbeddedStore._copy

    def failing_copy(self: EmbeddedStore, table: str, frame: pa.Table) -> None:
        if table == "Scenario":  # the old rows are deleted by now
            raise ValueError("forced failure after the delete")
        real_copy(self, table, frame)

    monkeypatch.setattr(EmbeddedStore, "_copy", failing_copy)
    with pytest.raises(GraphError, match="unchanged"):
        embedded.load([_new_version(old)])
    monkeypatch.undo()
    assert embedded.scenario("demo") == old
    embedded.load([_new_version(old)])  # the store still writes correctly afterwards
    assert embedded.scenario("demo") == _new_version(old)


def test_failure_after_a_copy_stops_writes(
    embedded: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedded.load([small_scenario()])
    real_copy = EmbeddedStore._copy

    def failing_copy(self: EmbeddedStore, table: str, frame: pa.Table) -> None:
        if table == "FUNDS":  # actors and STEERS relations are copied by now
            raise ValueError("forced failure in the relations step")
        real_copy(self, table, frame)

    monkeypatch.setattr(EmbeddedStore, "_copy", failing_copy)
    with pytest.raises(GraphError, match="forced failure"):
        embedded.load([_new_version(small_scenario())])
    monkeypatch.undo()
    with pytest.raises(StoreUnavailable, match="after a COPY"):
        embedded.load([small_scenario("other")])


def test_failed_copy_keeps_the_old_scenario_and_stops_writes(
    embedded: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = small_scenario()
    embedded.load([old])
    real_copy = EmbeddedStore._copy

    def bad_copy(self: EmbeddedStore, table: str, frame: pa.Table) -> None:
        if table == "FUNDS":  # an end no actor has: LadybugDB's COPY itself fails
            nobody = pa.array(["demo\x1fnobody"] * len(frame))
            frame = frame.set_column(frame.schema.get_field_index("to"), "to", nobody)
        real_copy(self, table, frame)

    monkeypatch.setattr(EmbeddedStore, "_copy", bad_copy)
    with pytest.raises(GraphError, match="unchanged: Copy exception: Unable to find primary key"):
        embedded.load([_new_version(old)])
    monkeypatch.undo()
    assert embedded.scenario("demo") == old
    with pytest.raises(StoreUnavailable, match="failed COPY"):
        embedded.load([_new_version(old)])
    with pytest.raises(StoreUnavailable):
        embedded.delete("demo")
    assert embedded.query("MATCH (a:Actor) RETURN count(*) AS n").rows == [[4]]


def test_loading_stops_at_the_first_failing_scenario(
    embedded: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail_on_second(self: EmbeddedStore, scenario_id: str, frames: dict) -> None:
        raise RuntimeError(f"disk full while writing {scenario_id}")

    first, second = small_scenario("first"), small_scenario("second")
    embedded.load([first])
    monkeypatch.setattr(EmbeddedStore, "_replace", fail_on_second)
    with pytest.raises(GraphError, match="disk full"):
        embedded.load([second, small_scenario("third")])
    monkeypatch.undo()
    assert embedded.scenario_ids() == ["first"]


def _reserved_bytes() -> int:
    """The address space this process has reserved (VmSize)."""
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmSize:"))
    return int(line.split()[1]) * 1024


def test_an_open_store_reserves_at_most_its_largest_size(tmp_path: Path) -> None:
    """LadybugDB reserves 8 TiB per database unless told: sixteen open ones exhaust a
    process's 128 TiB. Each store, in memory and in a folder, reserves the cap instead."""
    before = _reserved_bytes()
    stores = [EmbeddedStore(), EmbeddedStore(str(tmp_path / "folder"))]
    try:
        grown = _reserved_bytes() - before
    finally:
        for store in stores:
            store.close()
    # Beside the cap each database maps its buffer pool (most of the memory) and threads.
    assert MAX_DB_BYTES < grown < len(stores) * (MAX_DB_BYTES + 2**36)
    assert grown < 2**43  # the 8 TiB default for even one of them


def test_ladybug_duplicate_key_copy_ends_the_transaction() -> None:
    """Regression guard for the sharp edge the store works around: keep it while pinned."""
    conn = ladybug.Connection(open_database(None))
    conn.execute("CREATE NODE TABLE T(id STRING, PRIMARY KEY (id))")
    conn.execute("CREATE (:T {id: 'kept'})")
    conn.execute("BEGIN TRANSACTION")
    conn.execute("MATCH (t:T) DELETE t")
    frame = pd.DataFrame({"id": ["x", "x"]})
    with pytest.raises(RuntimeError, match="duplicated primary key"):
        conn.execute("COPY T FROM frame", {"frame": frame})
    with pytest.raises(RuntimeError, match="No active transaction"):
        conn.execute("ROLLBACK")
    assert conn.execute("MATCH (t:T) RETURN t.id").get_all() == [["kept"]]


def test_ladybug_rolled_back_copy_resurfaces_in_later_writes() -> None:
    """Regression guard: why the store refuses writes after a failed COPY (ladybug 0.22)."""
    conn = ladybug.Connection(open_database(None))
    conn.execute("CREATE NODE TABLE T(id STRING, name STRING, PRIMARY KEY (id))")
    conn.execute("CREATE REL TABLE E(FROM T TO T)")

    def copy(table: str, frame: pd.DataFrame) -> None:
        conn.execute(f"COPY {table} FROM frame", {"frame": frame})

    copy("T", pd.DataFrame({"id": ["first"], "name": ["committed"]}))
    conn.execute("BEGIN TRANSACTION")
    conn.execute("MATCH (t:T) DELETE t")
    copy("T", pd.DataFrame({"id": ["second"], "name": ["rolled back"]}))
    with pytest.raises(RuntimeError, match="Unable to find primary key"):
        copy("E", pd.DataFrame({"from": ["second"], "to": ["none"]}))
    assert conn.execute("MATCH (t:T) RETURN t.name").get_all() == [["committed"]]
    conn.execute("MATCH (t:T) DELETE t")
    copy("T", pd.DataFrame({"id": ["third"], "name": ["written"]}))
    assert conn.execute("MATCH (t:T) RETURN t.name").get_all() == [["rolled back"]]


def test_in_memory_database_cannot_be_read_only() -> None:
    with pytest.raises(RuntimeError):
        ladybug.Database(":memory:", read_only=True)


# The common subset


@pytest.mark.parametrize(
    ("cypher", "construct"),
    [
        ("MATCH (a:Actor) RETURN labels(a)", "labels()"),
        ("MATCH (a:Actor) RETURN id(a)", "id()"),
        ("MATCH (a:Actor) RETURN elementId(a)", "elementId()"),
        ("MATCH (a:Actor) RETURN keys(a)", "keys()"),
        ("MATCH (a:Actor) RETURN properties(a)", "properties()"),
        ("MATCH ()-[r]->() RETURN label(r)", "label()"),
        ("RETURN shortestPath((a:Actor)-[*]-(b:Actor))", "outside a MATCH pattern"),
        ("MATCH p = shortestPath((a:Actor)-[*]-(b)) WHERE length(p) > 2 RETURN p", "WHERE"),
        ("MATCH p = allShortestPaths((a:Actor)-[r*]-(b)) WHERE size(r) > 1 RETURN p", "WHERE"),
        ("MATCH p = shortestPath((a:Actor)-[*0..3]-(b)) RETURN p", "minimum length of 0"),
        ("MATCH p = shortestPath((a:Actor)-[*2..3]-(b)) RETURN p", "minimum length above 1"),
        ("MATCH p = shortestPath((a:Actor)-[*..31]-(b)) RETURN p", "longer than 30"),
        ("MATCH p = shortestPath((a:Actor)-[* {formal: true}]-(b)) RETURN p", "property map"),
        ("MATCH (c)-->(a), p = shortestPath((a:Actor)-[*]-(b)) RETURN p", "other relationship"),
        ("MATCH p = (a:Actor)-[* SHORTEST 1..3]->(b:Actor) RETURN p", "SHORTEST"),
        ("MATCH (a:Actor:Ministry) RETURN a", ":Ministry"),
        ("MATCH (a:Ministry) RETURN a", ":Ministry"),
        ("MATCH (a:Actor)-->(b:`ProgrammeOffice`) RETURN b", ":ProgrammeOffice"),
        ("MATCH (a:Actor) WHERE exists { MATCH (a)-->() } RETURN a", "EXISTS {...}"),
        ("MATCH (a:Actor) RETURN COUNT { MATCH (a)-->() }", "COUNT {...}"),
        ("CALL { MATCH (a:Actor) RETURN a } RETURN a", "CALL { ... }"),
    ],
)
def test_constructs_outside_the_subset_are_named(cypher: str, construct: str) -> None:
    with pytest.raises(UnsupportedQuery) as info:
        check_subset(cypher)
    assert construct in info.value.message


@pytest.mark.parametrize(
    ("cypher", "ladybug"),
    [
        (
            "MATCH p = shortestPath((a:Actor {id: 'x'})-[*]->(b:Actor)) RETURN p",
            "(a:Actor {id: 'x'})-[__gg_r1* SHORTEST 1..30]->(b:Actor)",
        ),
        (
            "MATCH (a:Actor), (b:Actor) WHERE a.id = 'x' AND a <> b "
            "MATCH p = allShortestPaths((b)<-[r:STEERS|:FUNDS*1..4]-(a)) RETURN r",
            "(b)<-[r:STEERS|FUNDS* ALL SHORTEST 1..4]-(a)",
        ),
        ("MATCH p = shortestPath((a)-[:STEERS]-(b)) RETURN p", "[__gg_r1:STEERS* SHORTEST 1..1]"),
        ("MATCH p = shortestPath((a)-[*3]->(b)) RETURN p", None),
    ],
)
def test_shortest_paths_become_ladybugs_own_form(cypher: str, ladybug: str | None) -> None:
    if ladybug is None:
        with pytest.raises(UnsupportedQuery, match="minimum length above 1"):
            check_subset(cypher)
    else:
        assert ladybug in check_subset(cypher)


def test_ladybugs_own_shortest_form_stays_refused() -> None:
    with pytest.raises(UnsupportedQuery, match="SHORTEST") as info:
        check_subset("MATCH p = (a:Actor)-[* SHORTEST 1..3]->(b:Actor) RETURN p")
    assert "shortestPath(" in info.value.hint


def test_kind_label_refusal_hints_at_the_kind_property() -> None:
    with pytest.raises(UnsupportedQuery) as info:
        check_subset("MATCH (a:Actor:ProgrammeOffice) RETURN a")
    assert "{kind: 'programme_office'}" in info.value.hint


def test_type_becomes_label_only_where_it_is_the_function() -> None:
    assert check_subset("MATCH (a:Actor)-[r]->() WHERE r.type = 'type(' RETURN type (r) AS t") == (
        "MATCH (a:Actor)-[r]->() WHERE r.type = 'type(' RETURN label (r) AS t"
    )


def test_subset_allows_maps_rel_types_and_schema_labels() -> None:
    text = "MATCH (a:Actor {kind: 'ministry'})-[r:STEERS|FUNDS]->(b:Actor) RETURN {k: a.kind} AS m"
    assert check_subset(text) == text
    assert check_subset("MATCH (s:Source), (c:Scenario) RETURN s.id AS s, c.id AS c")


def test_variable_length_relationship_is_a_list(embedded: EmbeddedStore) -> None:
    embedded.load([small_scenario()])
    rows = embedded.query(
        "MATCH (a:Actor {id: 'res'})-[r*2..2]->(b:Actor) RETURN b.id AS target, r ORDER BY target"
    ).rows
    assert [row[0] for row in rows] == ["min"]
    assert [rel["id"] for rel in rows[0][1]] == ["res:ADVISES:city", "city:REPORTS_TO:min"]
    assert rows[0][1][1]["_from"] == "city"


def test_variable_length_paths_never_repeat_a_relationship(embedded: EmbeddedStore) -> None:
    """As in Neo4j (docs/cypher.md): a match uses each relationship at most once, although
    LadybugDB itself walks (on this cycle it would also find paths of length 3 and 4)."""
    embedded.load([small_scenario()])
    rows = embedded.query(
        "MATCH p = (a:Actor {id: 'min'})-[:FUNDS|REPORTS_TO*1..4]->(b:Actor) RETURN length(p) AS n"
    ).rows
    assert sorted(row[0] for row in rows) == [1, 2]


def test_internal_ids_are_not_shown(embedded: EmbeddedStore) -> None:
    embedded.load([small_scenario()])
    row = embedded.query("MATCH (a:Actor {id: 'min'})-[r:STEERS]->(b) RETURN a, r, b").rows[0]
    for value in row:
        assert not {"uid", "ord", "_ID", "_LABEL", "_SRC", "_DST"} & set(value)


def test_syntax_errors_speak_cypher_not_grammar_rules(embedded: EmbeddedStore) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        embedded.query("MATCH (a:Actor RETURN a")
    assert info.value.message == (
        "Invalid input 'RETURN': expected ')' to close the '(' at line 1, column 7"
    )
    assert info.value.position == {"line": 1, "column": 16, "offset": 15}
    assert "oC_" not in info.value.message + info.value.hint
    with pytest.raises(QueryRejected, match="Binder exception"):
        embedded.query("MATCH (a:Actor) RETURN a.nope")


@pytest.mark.parametrize(
    ("cypher", "line", "column", "words"),
    [
        ("MATCH (n:Actor) RETRUN n", 1, 17, "did you mean RETURN?"),
        ("MATH (n:Actor) RETURN n", 1, 1, "did you mean MATCH?"),
        ("// who\nMATCH (n:Actor)\n/* c */ WHERE n.kind = 'x' AND\nRETURN n", 4, 8, "expression"),
        ("MATCH (n:Actor) RETURN n ORDER n.id", 1, 32, "expected 'BY'"),
        ("MATCH (n:Actor) RETURN n LIMIT", 1, 31, "a number or a $parameter"),
        ("RETURN 'abc", 1, 8, "never closed"),
        ("MATCH (n:Actor) RETURN count(*", 1, 31, "expression"),
        ("MATCH (a:Actor)-[r:STEERS->(b) RETURN a", 1, 26, "']' to close the '['"),
        ("MATCH (n:Actor) WHERE n:Actor RETURN n", 1, 24, "label predicate in WHERE"),
    ],
)
def test_syntax_errors_are_placed_in_the_text_as_written(
    embedded: EmbeddedStore, cypher: str, line: int, column: int, words: str
) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        embedded.query(cypher)
    position = info.value.position
    assert position is not None and (position["line"], position["column"]) == (line, column)
    assert words in info.value.message
    assert "oC_" not in info.value.message and "rule" not in info.value.message
    assert info.value.hint.endswith(" " * (column - 1) + "^")


def test_unbound_variable_is_named(embedded: EmbeddedStore) -> None:
    with pytest.raises(QueryRejected, match="Variable `x` not defined"):
        embedded.query("MATCH (n:Actor) RETURN x")


def test_unbounded_unwind_is_stopped(embedded: EmbeddedStore) -> None:
    with pytest.raises(QueryTimeout):
        embedded.query(
            "UNWIND range(1, 1000000) AS x UNWIND range(1, 1000000) AS y RETURN count(*)",
            timeout=1.0,
        )
    wait_until_stopped(embedded, "range(1, 1000000)")
    assert embedded.query("RETURN 1 AS one").rows == [[1]]


def test_loads_a_large_scenario_in_bulk(embedded: EmbeddedStore) -> None:
    # The load rate is shown by scripts/bench_import.py; here only that a bulk COPY is whole.
    s = random_scenario(11, actors=2000, relations=20000)
    embedded.load([s])
    assert embedded.list_scenarios()[0].relations == 20000


@pytest.mark.parametrize(
    "cypher",
    [
        "UNWIND range(1, 2000000000) AS x RETURN count(*)",
        "UNWIND range(0, 10, 0) AS x RETURN x",
        "UNWIND range(1, $n) AS x RETURN x",
        "UNWIND RANGE(1, 10 * 1000000000) AS x RETURN x",
    ],
)
def test_ranges_that_would_fill_memory_are_refused(embedded: EmbeddedStore, cypher: str) -> None:
    # LadybugDB builds a range in memory before a query can be stopped (4 GB for 3e8 items).
    with pytest.raises(UnsupportedQuery, match=r"range\(\)"):
        embedded.query(cypher, {"n": 5})


def test_small_literal_ranges_still_run(embedded: EmbeddedStore) -> None:
    result = embedded.query("UNWIND range(1, 1000000, 1) AS x RETURN count(*) AS n, sum(x) AS s")
    assert result.rows == [[1000000, 500000500000]]


def test_plain_query_values_take_the_shared_json_shape() -> None:
    import datetime as dt
    from decimal import Decimal

    from graph.storage.embedded import convert_rows

    rows = [[Decimal(3), Decimal("2.5"), dt.date(2022, 7, 4), float("nan"), "x", None, True]]
    assert convert_rows(None, rows) == [[3, 2.5, "2022-07-04", None, "x", None, True]]


def test_values_of_another_type_are_kept_in_the_columns_type(embedded: EmbeddedStore) -> None:
    # Scenarios built in code may carry an int weight or a number as text; the store keeps
    # them as its columns' types (a float weight, text), as the Arrow conversion would not.
    s = small_scenario()
    odd_actor = replace(s.actors[0], note=7, sector=("care", 3))  # type: ignore[arg-type]
    odd_relation = replace(s.relations[0], weight=1, amount_eur=5, formal=1)  # type: ignore[arg-type]
    embedded.load([replace(s, actors=(odd_actor, *s.actors[1:]), relations=(odd_relation,))])
    back = embedded.scenario("demo")
    assert (back.actors[0].note, back.actors[0].sector) == ("7", ("care", "3"))
    rel = back.relations[0]
    assert [(type(v), v) for v in (rel.weight, rel.amount_eur, rel.formal)] == [
        (float, 1.0),
        (float, 5.0),
        (bool, True),
    ]
