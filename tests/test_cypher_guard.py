"""The shared read-only Cypher guard, on its own (no store needed)."""

from __future__ import annotations

import pytest

from graph.errors import QueryRejected
from graph.storage.cypher_guard import (
    check_read_only,
    check_single_statement,
    guard,
    strip_comments,
    tokens,
)


@pytest.mark.parametrize(
    ("text", "stripped"),
    [
        ("MATCH (n) // all\nRETURN n", "MATCH (n) \nRETURN n"),
        ("LOAD/**/CSV", "LOAD CSV"),
        (
            "RETURN '//not a comment', \"/* nor this */\"",
            "RETURN '//not a comment', \"/* nor this */\"",
        ),
        ("RETURN `a//b` /* c */", "RETURN `a//b`  "),
        ("RETURN 'it\\'s // kept' // gone", "RETURN 'it\\'s // kept' "),
        ("/* a\nmulti-line\ncomment */RETURN 1", " RETURN 1"),
    ],
)
def test_strip_comments_keeps_strings(text: str, stripped: str) -> None:
    assert strip_comments(text) == stripped


def test_unclosed_block_comment_is_rejected() -> None:
    with pytest.raises(QueryRejected):
        strip_comments("MATCH (n) /* RETURN n")


def test_tokens_skip_strings_and_backquoted_names() -> None:
    assert tokens("match (n {name: 'DELETE me'}) return `CREATE` AS x") == [
        "MATCH",
        "N",
        "NAME",
        "RETURN",
        "AS",
        "X",
    ]
    assert tokens("LOAD/**/CSV") == ["LOAD", "CSV"]


def test_single_statement() -> None:
    assert check_single_statement("  RETURN 1 ;  ") == "RETURN 1"
    assert check_single_statement("RETURN ';' AS semicolon") == "RETURN ';' AS semicolon"
    assert check_single_statement("RETURN 1; // trailing comment") == "RETURN 1"
    with pytest.raises(QueryRejected, match="2 statements"):
        check_single_statement("RETURN 1; RETURN 2")
    with pytest.raises(QueryRejected, match="2 statements"):
        check_single_statement("RETURN 1 /* ; */; MATCH (n) DELETE n")
    with pytest.raises(QueryRejected, match="empty"):
        check_single_statement(" // nothing\n ; ")


ALLOWED = [
    "MATCH (a:Actor)-[r:STEERS]->(b:Actor) WHERE a.scenario = $s RETURN a, r, b",
    "MATCH (a:Actor) OPTIONAL MATCH (a)-[r]->() WITH a, count(r) AS n RETURN a.id, n "
    "ORDER BY n DESC SKIP 1 LIMIT 5",
    "UNWIND $ids AS x MATCH (a:Actor {id: x}) RETURN DISTINCT a.kind",
    "MATCH (a:Actor) RETURN a.id UNION MATCH (s:Source) RETURN s.id",
    "MATCH (a:Actor) RETURN CASE WHEN a.level IS NULL THEN 'none' ELSE a.level END",
    "MATCH (a:Actor {name: 'CREATE; DELETE'}) RETURN a",
    "MATCH (a:Actor) WHERE a.set = 1 OR a.delete IS NULL RETURN a.create",
    "MATCH (a:Actor) RETURN {set: a.id, remove: a.name} AS m, $merge",
    "MATCH (n:`Drop`) RETURN n",
    "CALL db.labels()",
    "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType",
    "CALL { MATCH (a:Actor) RETURN a } RETURN a.id",
]


@pytest.mark.parametrize("text", ALLOWED)
def test_reads_pass(text: str) -> None:
    assert guard(text) == text


REFUSED = [
    ("CREATE (n:Actor)", "CREATE"),
    ("create (n:Actor)", "CREATE"),
    ("MERGE (n:Actor {id: 'x'})", "MERGE"),
    ("MATCH (n) SET n.x = 1", "SET"),
    ("MATCH (n) DELETE n", "DELETE"),
    ("MATCH (n) DETACH DELETE n", "DETACH"),
    ("MATCH (n) REMOVE n.x", "REMOVE"),
    ("DROP TABLE Actor", "DROP"),
    ("LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l", "LOAD"),
    ("LOAD/**/CSV FROM 'x' AS l RETURN l", "LOAD"),
    ("LOAD FROM 'x.csv' RETURN *", "LOAD"),
    ("COPY Actor FROM 'a.csv'", "COPY"),
    ("COPY (MATCH (a) RETURN a) TO '/tmp/x.csv'", "COPY"),
    ("INSTALL httpfs", "INSTALL"),
    ("ATTACH 'other.db' AS o", "ATTACH"),
    ("EXPORT DATABASE '/tmp/x'", "EXPORT"),
    ("IMPORT DATABASE '/tmp/x'", "IMPORT"),
    ("USE other MATCH (n) RETURN n", "USE"),
    ("MATCH (n) FOREACH (x IN [1] | SET n.y = x)", "FOREACH"),
    ("START DATABASE neo4j", "START"),
    ("STOP DATABASE neo4j", "STOP"),
    ("GRANT ROLE admin TO bob", "GRANT"),
    ("ALTER USER neo4j SET PASSWORD 'x'", "ALTER"),
    ("SHOW DATABASES", "SHOW"),
    ("BEGIN TRANSACTION", "BEGIN"),
    ("EXPLAIN MATCH (n) RETURN n", "EXPLAIN"),
    ("CALL dbms.killQueries(['1'])", "dbms"),
    ("CALL db.createLabel('X')", "db.createLabel"),
    ("CALL apoc.create.node(['X'], {})", "apoc"),
    ("RETURN apoc.cypher.runFirstColumnSingle('CREATE (n)', {})", "apoc"),
    ("CALL show_tables() RETURN *", "show_tables"),
    ("CALL { CREATE (n:X) } RETURN 1", "CREATE"),
    ("CALL `apoc`.`periodic`.`iterate`('a', 'b', {})", "apoc"),
    ("MATCH (n) /* hide */ DETACH /* the */ DELETE n", "DETACH"),
]


@pytest.mark.parametrize(("text", "named"), REFUSED)
def test_writes_and_administration_are_refused(text: str, named: str) -> None:
    with pytest.raises(QueryRejected) as info:
        guard(text)
    assert named.lower() in info.value.message.lower()


def test_allowlist_is_configurable() -> None:
    check_read_only(
        "CALL db.schema.visualization()", allowed_calls=frozenset({"db.schema.visualization"})
    )
    with pytest.raises(QueryRejected):
        check_read_only("CALL db.labels()", allowed_calls=frozenset())


def test_a_procedure_call_checked_once_still_checks_each_call_s_parameters() -> None:
    from graph.storage.procedures import procedure_call

    call = "CALL db.labels() YIELD label WHERE label <> $skip RETURN label"
    assert procedure_call(call, {"skip": "Actor"}) == procedure_call(call, {"skip": "Actor"})
    with pytest.raises(QueryRejected, match="skip"):
        procedure_call(call, {})
    assert procedure_call("MATCH (a:Actor) RETURN a", {}) is None
