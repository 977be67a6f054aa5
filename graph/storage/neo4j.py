"""The Neo4j store: scenarios in a Neo4j server, cluster or Aura through the official driver.

Mapping (DESIGN section 4, the same property names as the embedded store):

- ``(:Actor:<KindPascal> {uid, scenario, id, name, kind, level, sector, ..., ord})``
- relationships of their ``type`` with the relation's properties plus ``scenario`` and ``ord``
- ``(:Source {uid, scenario, id, title, url, published, publisher, note, ord})``
- ``(:Scenario {id, title, description, date, vocabulary})``, the declared vocabulary as JSON

``ord`` keeps each item's position so :meth:`Neo4jStore.scenario` returns the scenario as it
was loaded; ``uid`` is the embedded store's key, kept so a query naming it runs on both. Null
properties are not stored; list fields are stored as lists, empty ones included.

Each scenario is written in one transaction that first deletes the old one, so a replace is
atomic and a failure leaves the database as it was. Actors and relations are written in
batches with ``UNWIND``, one list per property; a relationship finds its ends by the element
ids the actor writes returned. Labels and relationship types are checked against a strict
pattern before they are put into a statement, and every value is a parameter.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, fields
from operator import attrgetter
from typing import Any, LiteralString, cast
from urllib.parse import urlsplit

from graph.errors import (
    GraphError,
    NotFound,
    QueryRejected,
    QuerySyntaxError,
    QueryTimeout,
    StoreUnavailable,
)
from graph.model import Actor, Relation, Scenario, ScenarioInfo, Source
from graph.storage import integrity
from graph.storage.base import (
    DEFAULT_ROW_LIMIT,
    DEFAULT_TIMEOUT_S,
    GraphStore,
    Progress,
    QueryResult,
    ScenarioSummary,
)
from graph.storage.cypher_guard import check_parameters, guard
from graph.storage.cypher_syntax import from_neo4j
from graph.storage.integrity import check_type_name
from graph.storage.procedures import procedure_call
from graph.storage.values import node_value, relationship_value, scalar_value
from graph.vocabulary import RelationType, Vocabulary, kind_label

__all__ = ["Neo4jStore", "SCHEMA_STATEMENTS", "DEFAULT_BATCH_SIZE"]

DEFAULT_BATCH_SIZE = 10_000

_LABEL_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_UID_SEP = "\x1f"
_LIST_FIELDS = frozenset({"sector", "sources", "tags"})
_FLOAT_FIELDS = frozenset({"weight", "amount_eur"})
#: Properties set on an actor besides its key (scenario, id); on a relation likewise.
_ACTOR_KEYS = ("uid", *(f.name for f in fields(Actor) if f.name != "id"), "ord")
_NOT_RELATION_PROPS = ("id", "source", "target", "type")
_RELATION_KEYS = (*(f.name for f in fields(Relation) if f.name not in _NOT_RELATION_PROPS), "ord")

#: Constraints and indexes the store creates (idempotently) before its first write.
SCHEMA_STATEMENTS: tuple[str, ...] = (
    "CREATE CONSTRAINT govgraph_actor_key IF NOT EXISTS "
    "FOR (a:Actor) REQUIRE (a.scenario, a.id) IS UNIQUE",
    "CREATE CONSTRAINT govgraph_source_key IF NOT EXISTS "
    "FOR (s:Source) REQUIRE (s.scenario, s.id) IS UNIQUE",
    "CREATE CONSTRAINT govgraph_scenario_id IF NOT EXISTS FOR (s:Scenario) REQUIRE s.id IS UNIQUE",
    "CREATE INDEX govgraph_actor_scenario IF NOT EXISTS FOR (a:Actor) ON (a.scenario)",
    "CREATE INDEX govgraph_source_scenario IF NOT EXISTS FOR (s:Source) ON (s.scenario)",
)

# A replace keeps the actor nodes that stay (same id and kind) and updates them: every index
# lookup in a transaction that deleted N nodes costs O(N) in Neo4j 5, so deleting all
# actors first would make re-importing 100k relations some five times slower.
_CLEAR_FOR_REPLACE = (
    "MATCH (:Actor {scenario: $s})-[r]->() DELETE r",
    "MATCH (a:Actor {scenario: $s}) WHERE $kinds[a.id] IS NULL OR $kinds[a.id] <> a.kind "
    "DETACH DELETE a",
    "MATCH (n:Source {scenario: $s}) DELETE n",
)

#: Whether anything of a scenario is loaded: a write then replaces rather than creates.
_EXISTS = "RETURN EXISTS { MATCH (:Scenario {id: $s}) } OR EXISTS { MATCH (:Actor {scenario: $s}) }"

_DELETE = (
    "MATCH (a:Actor {scenario: $s}) DETACH DELETE a",
    "MATCH (n:Source {scenario: $s}) DELETE n",
    "MATCH (n:Scenario {id: $s}) DELETE n",
)


class Neo4jStore(GraphStore):
    """Scenarios in Neo4j, reached through the ``neo4j`` driver.

    Parameters
    ----------
    uri : str
        ``bolt://``, ``neo4j://`` (cluster routing) or their ``+s``/``+ssc`` variants.
    user, password : str or None
        Credentials; none for a server with authentication off.
    database : str or None
        The database to use; None for the server's default.
    batch_size : int
        Rows per ``UNWIND`` batch when loading.

    Nothing connects until the first call; :meth:`ping` checks the connection.
    """

    kind = "neo4j"

    def __init__(
        self,
        uri: str,
        *,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        import neo4j

        self.uri, self.database, self.batch_size = uri, database or None, batch_size
        auth = (user, password or "") if user else None
        try:
            _check_uri(uri)
            # Short retries: an unreachable server should fail a command in seconds.
            self._driver = neo4j.GraphDatabase.driver(
                uri,
                auth=auth,
                notifications_min_severity="OFF",
                # An outage is answered within 2 s: a connection attempt gives up after
                # 1 s, waiting for a pooled connection after 1.5 s, retries after 1 s.
                connection_timeout=CONNECT_TIMEOUT_S,
                connection_acquisition_timeout=1.5,
                max_transaction_retry_time=1.0,
            )
        except (ValueError, neo4j.exceptions.ConfigurationError) as exc:
            raise StoreUnavailable(
                f"cannot use Neo4j URI '{uri}': {exc}",
                hint="Write it as bolt://host:7687 or neo4j+s://host (NEO4J_URI).",
            ) from exc
        self._schema_ready = False
        self._down: tuple[float, StoreUnavailable] | None = None

    def _session(self, *, read: bool = False) -> Any:
        import neo4j

        mode = neo4j.READ_ACCESS if read else neo4j.WRITE_ACCESS
        return self._driver.session(database=self.database, default_access_mode=mode)

    def _guarded(self, timeout: float | None = None) -> _translated:
        """Translate driver errors, and remember an outage for ``DOWN_MEMO_S`` seconds so that
        requests meanwhile are answered at once instead of each waiting for a timeout."""
        return _translated(timeout, health=self)

    def note_down(self, error: StoreUnavailable) -> None:
        """Remember that Neo4j could not be reached (called by the error translation)."""
        self._down = (time.monotonic() + DOWN_MEMO_S, error)

    def check_memo(self) -> None:
        """Raise the remembered outage while it is fresh; after it, try Neo4j again."""
        down = self._down
        if down is not None and time.monotonic() < down[0]:
            raise StoreUnavailable(down[1].message, hint=down[1].hint)
        self._down = None

    def close(self) -> None:
        """Close the driver and its connections."""
        self._driver.close()

    def ping(self) -> None:
        """Raise StoreUnavailable when Neo4j cannot be reached or refuses the credentials."""
        with self._guarded():
            self._driver.verify_connectivity()

    def ensure_schema(self) -> None:
        """Create the uniqueness constraints and indexes if they do not exist yet."""
        if self._schema_ready:
            return
        with self._guarded(), self._session() as session:
            for statement in SCHEMA_STATEMENTS:
                session.run(cast(LiteralString, statement)).consume()
        self._schema_ready = True

    # Reading

    def list_scenarios(self) -> list[ScenarioSummary]:
        """Return every loaded scenario, ordered by id."""
        cypher = (
            "MATCH (s:Scenario) RETURN s.id, s.title, s.description, s.date, "
            "COUNT { MATCH (a:Actor {scenario: s.id}) }, "
            "COUNT { MATCH (:Actor {scenario: s.id})-[r]->() WHERE r.scenario = s.id } "
            "ORDER BY s.id"
        )
        return [ScenarioSummary(*row) for row in self._read(cypher, {})]

    def has_scenario(self, scenario_id: str) -> bool:
        """Return True if a scenario with this id is loaded."""
        rows = self._read("MATCH (s:Scenario {id: $s}) RETURN count(s)", {"s": scenario_id})
        return bool(rows[0][0])

    def scenario(self, scenario_id: str) -> Scenario:
        """Return a loaded scenario exactly as it was loaded; raise NotFound if absent."""
        with self._guarded(), self._session(read=True) as session:
            parts = session.execute_read(_read_scenario, scenario_id)
        if parts is None:
            raise _missing(scenario_id)
        return parts

    def _read(self, cypher: str, params: Mapping[str, Any]) -> list[list[Any]]:
        with self._guarded(), self._session(read=True) as session:
            return session.execute_read(_rows, cypher, dict(params))

    # Writing

    def load(self, scenarios: Sequence[Scenario], *, progress: Progress | None = None) -> None:
        """Load each scenario in one transaction, replacing one with the same id.

        Every scenario is checked before anything is written; loading stops at the first
        failure, which leaves that scenario (and those after it) as they were.

        Raises
        ------
        GraphError
            If a scenario repeats an id, names an unknown actor, has a kind or relation type
            that cannot be a label, or Neo4j refuses the data.
        StoreUnavailable
            If Neo4j cannot be reached.
        """
        check_scenarios(scenarios)
        self.ensure_schema()
        for scenario in scenarios:
            self._load_one(scenario, progress)

    def _load_one(self, scenario: Scenario, progress: Progress | None) -> None:
        with self._guarded(), self._session() as session:
            tx = session.begin_transaction()
            try:
                self._write(tx, scenario, progress)
                tx.commit()
            except Exception as exc:
                _close_quietly(tx)  # rolls back: the old scenario stays as it was
                raise _write_failed(scenario.id, exc) from exc

    def _write(self, tx: Any, scenario: Scenario, progress: Progress | None) -> None:
        sid = scenario.id
        # The relation columns are built on a second thread while Neo4j writes the actors:
        # building them takes about a tenth of an import and needs no element ids.
        with ThreadPoolExecutor(max_workers=1) as pool:
            relation_batches = pool.submit(_relation_batches, scenario, self.batch_size)
            replacing = _clear_old(tx, scenario)
            tx.run("MERGE (n:Scenario {id: $s}) SET n = $props", s=sid,
                   props=_scenario_props(scenario)).consume()  # fmt: skip
            for rows in _batches(_item_rows(sid, scenario.sources), self.batch_size):
                tx.run("UNWIND $rows AS row CREATE (n:Source) SET n = row", rows=rows).consume()
            nodes = self._write_actors(tx, scenario, merge=replacing)
            for rel_type, batch in relation_batches.result():
                statement, params = _relation_write(rel_type, batch, nodes)
                tx.run(statement, params, s=sid).consume()
                if progress is not None:
                    progress(len(batch.columns["id"]))

    def _write_actors(self, tx: Any, scenario: Scenario, *, merge: bool) -> dict[str, str]:
        """Write the actors kind by kind; return each actor's element id by its id."""
        nodes: dict[str, str] = {}
        for label, table in _actor_tables(scenario).items():
            for part in _slices(table, self.batch_size):
                batch = _folded(part, _ACTOR_KEYS)
                statement = _actor_statement(label, batch.constant, merge=merge)
                result = tx.run(statement, batch.params(), s=scenario.id)
                nodes.update((record[0], record[1]) for record in result)
        return nodes

    def delete(self, scenario_id: str) -> None:
        """Remove a scenario with its actors, relations and sources; raise NotFound if absent."""
        if not self.has_scenario(scenario_id):
            raise _missing(scenario_id)
        with self._guarded(), self._session() as session:
            session.execute_write(_delete_scenario, scenario_id)

    # Queries

    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        row_limit: int = DEFAULT_ROW_LIMIT,
    ) -> QueryResult:
        """Run one guarded read-only statement in a read transaction.

        The shared guard refuses writes, procedures and several statements; then ``EXPLAIN``
        must report a read query, and the statement runs in a read transaction with a
        server-side timeout, returning at most ``row_limit`` rows.

        Raises
        ------
        QueryRejected
            For writes, procedures, several statements or a syntax error.
        QueryTimeout
            When the statement runs past ``timeout`` seconds.
        """
        call = procedure_call(cypher, params)
        if call is not None:
            return call.answer(self.query, params, timeout=timeout, row_limit=row_limit)
        statement = guard(cypher)
        args = dict(params or {})
        check_parameters(statement, args)
        with self._guarded(timeout), self._session(read=True) as session:
            tx = session.begin_transaction(timeout=timeout)
            try:
                _check_explain(tx, statement, args)
                return _fetch(tx, statement, args, row_limit)
            except Exception as exc:
                if getattr(exc, "code", None) != _SYNTAX_ERROR:
                    raise
                tx.close()
                raise _located(session, cypher, args, exc) from exc
            finally:
                tx.close()


def _check_uri(uri: str) -> None:
    """Raise ValueError for a URI without a host or with a port that is not a number."""
    parsed = urlsplit(uri)
    if not parsed.hostname:
        raise ValueError("no host")
    parsed.port  # noqa: B018 - raises ValueError for a port that is not a number


# Transaction functions (run inside execute_read / execute_write)


def _clear_old(tx: Any, scenario: Scenario) -> bool:
    """Delete what a replace does not keep; return True if the scenario was there before.

    Its relationships and sources go, and actors whose id is gone or whose kind changed;
    the other actor nodes stay to be updated in place.
    """
    found = tx.run(_EXISTS, s=scenario.id).single()[0]
    if found:
        kinds = {actor.id: actor.kind for actor in scenario.actors}
        for statement in _CLEAR_FOR_REPLACE:
            tx.run(cast(LiteralString, statement), s=scenario.id, kinds=kinds).consume()
    return bool(found)


def _rows(tx: Any, cypher: str, params: dict[str, Any]) -> list[list[Any]]:
    return [list(record.values()) for record in tx.run(cypher, params)]


def _delete_scenario(tx: Any, scenario_id: str) -> None:
    for statement in _DELETE:
        tx.run(statement, s=scenario_id).consume()


def _read_scenario(tx: Any, scenario_id: str) -> Scenario | None:
    head = tx.run("MATCH (n:Scenario {id: $s}) RETURN properties(n) AS p", s=scenario_id).single()
    if head is None:
        return None
    props = head["p"]
    return Scenario(
        ScenarioInfo(props["id"], props["title"], props.get("description"), props.get("date")),
        sources=tuple(Source(**_fields(Source, p)) for p in _items(tx, "Source", scenario_id)),
        vocabulary=vocabulary_from_json(props.get("vocabulary")),
        actors=tuple(Actor(**_fields(Actor, p)) for p in _items(tx, "Actor", scenario_id)),
        relations=_read_relations(tx, scenario_id),
    )


def _items(tx: Any, label: str, scenario_id: str) -> list[dict[str, Any]]:
    cypher = f"MATCH (n:{label} {{scenario: $s}}) RETURN properties(n) AS p ORDER BY n.ord"
    return [record["p"] for record in tx.run(cypher, s=scenario_id)]


def _read_relations(tx: Any, scenario_id: str) -> tuple[Relation, ...]:
    result = tx.run(
        "MATCH (a:Actor {scenario: $s})-[r]->(b:Actor) WHERE r.scenario = $s "
        "RETURN a.id AS source, b.id AS target, type(r) AS type, properties(r) AS p "
        "ORDER BY r.ord",
        s=scenario_id,
    )
    return tuple(
        Relation(source=rec["source"], target=rec["target"], type=rec["type"], **_fields(
            Relation, rec["p"], skip=("source", "target", "type")))
        for rec in result
    )  # fmt: skip


def _fields(cls: type, props: Mapping[str, Any], skip: Sequence[str] = ()) -> dict[str, Any]:
    """Return the stored properties that are fields of ``cls``, lists as tuples."""
    names = [f.name for f in fields(cls) if f.name not in skip]
    return {n: tuple(props[n]) if n in _LIST_FIELDS else props[n] for n in names if n in props}


# Rows to write


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), max(1, size)):
        yield rows[start : start + size]


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return properties as Neo4j stores them: no nulls, lists as lists, amounts as floats."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if key in _LIST_FIELDS:
            value = [str(v) for v in value]
        elif key in _FLOAT_FIELDS:
            value = float(value)
        out[key] = value
    return out


def _item_rows(scenario_id: str, items: Sequence[Any]) -> list[dict[str, Any]]:
    return [
        _clean({**asdict(item), "uid": f"{scenario_id}{_UID_SEP}{item.id}",
                "scenario": scenario_id, "ord": i})
        for i, item in enumerate(items)
    ]  # fmt: skip


def _slices(table: dict[str, list[Any]], size: int) -> Iterator[dict[str, list[Any]]]:
    """Yield the table's rows in batches, still one list per key."""
    for start in range(0, len(table["id"]), max(1, size)):
        yield {key: column[start : start + size] for key, column in table.items()}


def _column(key: str, values: list[Any]) -> list[Any]:
    """Return values as Neo4j stores them (None stays None: setting null stores nothing)."""
    if key in _LIST_FIELDS:  # most lists are empty: skip the element loop for them
        return [[str(v) for v in value] if value else [] for value in values]
    if key in _FLOAT_FIELDS:
        return [None if value is None else float(value) for value in values]
    return values


def _by(items: Sequence[Any], key: Callable[[Any], str]) -> dict[str, list[int]]:
    """Return the positions of the items grouped by ``key``, in order."""
    groups: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        groups.setdefault(key(item), []).append(i)
    return groups


def _table(items: list[Any], keys: Sequence[str]) -> dict[str, list[Any]]:
    """Return the items' fields as one list per key: far less to encode than a map per row."""
    columns = zip(*map(attrgetter(*keys), items), strict=True)  # one C call per item
    return {key: _column(key, list(column)) for key, column in zip(keys, columns, strict=True)}


def _actor_tables(scenario: Scenario) -> dict[str, dict[str, list[Any]]]:
    """Return actor columns (id and every property key, nulls included) by kind label."""
    tables: dict[str, dict[str, list[Any]]] = {}
    for kind, positions in _by(scenario.actors, lambda actor: actor.kind).items():
        actors = [scenario.actors[i] for i in positions]
        table = _table(actors, [key for key in ("id", *_ACTOR_KEYS) if key not in ("uid", "ord")])
        table.update(uid=[f"{scenario.id}{_UID_SEP}{a.id}" for a in actors], ord=positions)
        tables[_label(kind)] = table
    return tables


def _relation_tables(scenario: Scenario) -> dict[str, dict[str, list[Any]]]:
    """Return relation columns (id and every property key) by type."""
    tables: dict[str, dict[str, list[Any]]] = {}
    for rel_type, positions in _by(scenario.relations, lambda rel: rel.type).items():
        rels = [scenario.relations[i] for i in positions]
        table = _table(rels, [key for key in ("id", *_RELATION_KEYS) if key != "ord"])
        table.update(ord=positions, source=[r.source for r in rels])
        table["target"] = [r.target for r in rels]
        tables[rel_type] = table
    return tables


def _relation_batches(scenario: Scenario, size: int) -> list[tuple[str, _Batch]]:
    """Return the relations as folded batches of at most ``size`` rows, by type."""
    return [
        (rel_type, _folded(part, _RELATION_KEYS))
        for rel_type, table in _relation_tables(scenario).items()
        for part in _slices(table, size)
    ]


def _relation_write(
    rel_type: str, batch: _Batch, nodes: Mapping[str, str]
) -> tuple[LiteralString, dict[str, Any]]:
    """Return the statement and parameters that write one batch, ends as element ids."""
    params = batch.params()
    params["a"] = [nodes[actor_id] for actor_id in params.pop("source")]
    params["b"] = [nodes[actor_id] for actor_id in params.pop("target")]
    return _relation_statement(rel_type, batch.constant), params


@dataclass(frozen=True)
class _Batch:
    """One batch of rows as columns, with the property columns whose values are all equal.

    A constant column goes to Neo4j as one value instead of a list: most batches have a
    few (no tags, no end date, the default confidence), and every list value is decoded
    and looked up once per row.
    """

    columns: dict[str, list[Any]]
    constant: frozenset[str]

    def params(self) -> dict[str, Any]:
        """Return the statement parameters: a list per column, one value per constant."""
        return {key: column[0] if key in self.constant else column
                for key, column in self.columns.items()}  # fmt: skip


def _folded(columns: dict[str, list[Any]], keys: Sequence[str]) -> _Batch:
    """Return the columns as a batch, the property ``keys`` with one value marked constant."""
    return _Batch(columns, frozenset(key for key in keys if _constant(columns[key])))


def _constant(values: list[Any]) -> bool:
    """Whether all values are equal and of one type (``1``, ``1.0`` and ``True`` are not).

    Examples
    --------
    >>> _constant([[], []]), _constant([1.0, 1]), _constant([None, None]), _constant([])
    (True, False, True, False)
    """
    if not values or values.count(values[0]) != len(values):
        return False
    return len({type(value) for value in values}) == 1


def _label(kind: str) -> str:
    label = kind_label(kind)
    if not _LABEL_NAME.match(label):
        raise GraphError(f"kind '{kind}' cannot be a Neo4j label", code="bad-kind",
                         hint="Write kinds in snake_case, e.g. 'district_council'.")  # fmt: skip
    return label


def _param(key: str, constant: frozenset[str]) -> str:
    """Return the parameter expression of a key in an ``UNWIND`` over row index ``i``."""
    return f"${key}" if key in constant else f"${key}[i]"


def _sets(var: str, keys: Sequence[str], constant: frozenset[str]) -> str:
    return ", ".join(f"{var}.{key} = {_param(key, constant)}" for key in keys)


def _props(keys: Sequence[str], constant: frozenset[str]) -> str:
    return ", ".join(f"{key}: {_param(key, constant)}" for key in keys)


def _actor_statement(label: str, constant: frozenset[str], *, merge: bool) -> LiteralString:
    """Return the batched actor write for one kind label (checked, then backquoted).

    It returns each actor's id and element id, by which the relationships find their ends.
    ``CREATE`` writes a scenario that was not there: no actor has its key yet and the ids
    are distinct, so a ``MERGE`` would create every node too, only after an index seek each.
    A replace ``MERGE``s, keeping the nodes that stay; it sets properties one by one, since
    a map would make Neo4j materialise the whole batch first (an ``Eager`` step). Keys in
    ``constant`` are one value for the whole batch.
    """
    _label_checked(label)
    if merge:
        write = "MERGE (a:Actor {scenario: $s, id: $id[i]}) "
        write += f"SET {_sets('a', _ACTOR_KEYS, constant)}, a:`{label}`"
    else:  # a null in a CREATE map stores nothing, as a SET to null removes the property
        props = _props(_ACTOR_KEYS, constant)
        write = f"CREATE (a:Actor:`{label}` {{scenario: $s, id: $id[i], {props}}})"
    return cast(
        LiteralString,
        f"UNWIND range(0, size($id) - 1) AS i {write} RETURN $id[i] AS id, elementId(a) AS e",
    )


def _relation_statement(rel_type: str, constant: frozenset[str]) -> LiteralString:
    """Return the batched relationship ``CREATE`` for one relation type (checked, backquoted).

    Both ends are found by element id (a direct record lookup, no index seek). ``CREATE``
    is what ``MERGE`` on ``(scenario, id)`` would do here: the scenario's relationships were
    deleted earlier in the same transaction (or there were none) and its relation ids are
    distinct, so no ``MERGE`` could find one to match. Keys in ``constant`` are one value
    for the whole batch.
    """
    check_type_name(rel_type)
    props = _props(_RELATION_KEYS, constant)
    return cast(
        LiteralString,
        "UNWIND range(0, size($id) - 1) AS i "
        "MATCH (a) WHERE elementId(a) = $a[i] MATCH (b) WHERE elementId(b) = $b[i] "
        f"CREATE (a)-[r:`{rel_type}` {{scenario: $s, id: $id[i], {props}}}]->(b)",
    )


def _label_checked(label: str) -> None:
    if not _LABEL_NAME.match(label):
        raise GraphError(f"'{label}' is not a valid label", code="bad-kind")


def _scenario_props(scenario: Scenario) -> dict[str, Any]:
    return _clean({**asdict(scenario.info), "vocabulary": vocabulary_json(scenario.vocabulary)})


def vocabulary_json(vocabulary: Vocabulary) -> str:
    """Return the declared vocabulary as the JSON text both stores keep on the Scenario node.

    Examples
    --------
    >>> vocabulary_json(Vocabulary.with_declared(kinds=["x"]))
    '{"kinds": ["x"]}'
    """
    return json.dumps(vocabulary.to_dict(), sort_keys=True)


def vocabulary_from_json(text: str | None) -> Vocabulary:
    """Rebuild a declared vocabulary from its JSON text.

    Examples
    --------
    >>> v = Vocabulary.with_declared(kinds=["x"])
    >>> vocabulary_from_json(vocabulary_json(v)) == v
    True
    """
    data = json.loads(text or "{}")
    types = [
        RelationType(
            t["type"], t["mode"], t["control"], t["voice"], bool(t["accountability"]), core=False
        )
        for t in data.get("relation_types", [])
    ]
    return Vocabulary.with_declared(kinds=data.get("kinds", []), relation_types=types)


# Checks before any write


def check_scenarios(scenarios: Sequence[Scenario]) -> None:
    """Raise GraphError for anything that would fail halfway through a write."""
    integrity.check_scenarios(scenarios)
    for kind in {actor.kind for scenario in scenarios for actor in scenario.actors}:
        _label(kind)


# Guarded queries


def _check_explain(tx: Any, statement: str, params: dict[str, Any]) -> None:
    """Refuse the statement unless Neo4j's own plan says it only reads."""
    summary = tx.run(cast(LiteralString, "EXPLAIN " + statement), params).consume()
    if summary.query_type != "r":
        raise QueryRejected(
            f"the statement is not read-only (Neo4j plans it as query type '{summary.query_type}')"
        )


_SYNTAX_ERROR = "Neo.ClientError.Statement.SyntaxError"


def _located(session: Any, cypher: str, params: dict[str, Any], exc: Exception) -> GraphError:
    """Return the syntax error positioned in the text as the user wrote it.

    The guarded statement has no comments and follows ``EXPLAIN``; explaining the original
    text on a line of its own gives Neo4j's position in the user's lines and columns.
    """
    try:
        session.run(cast(LiteralString, "EXPLAIN\n" + cypher), params).consume()
    except Exception as again:  # noqa: BLE001 - only a syntax error is expected here
        if getattr(again, "code", None) == _SYNTAX_ERROR:
            return from_neo4j(_message(again), cypher, lines_before=1)
    return QuerySyntaxError(_message(exc).split("\n")[0])


def _fetch(tx: Any, statement: str, params: dict[str, Any], row_limit: int) -> QueryResult:
    result = tx.run(cast(LiteralString, statement), params)
    records: list[list[Any]] = []
    for record in result:
        if len(records) > row_limit:
            break
        records.append(record.values())
    columns = list(result.keys())
    rows = records[:row_limit]
    ends = _end_ids(tx, rows)
    return QueryResult(columns, [[_value(v, ends) for v in row] for row in rows],
                       len(records) > row_limit)  # fmt: skip


def _end_ids(tx: Any, rows: list[list[Any]]) -> dict[str, Any]:
    """Return the ``id`` of every relationship end, looking up ends the rows lack."""
    from neo4j.graph import Node, Relationship

    known: dict[str, Any] = {}
    wanted: set[str] = set()
    for value in _walk(rows):
        if isinstance(value, Node) and "id" in value:
            known[value.element_id] = value["id"]
        elif isinstance(value, Relationship):
            wanted.update(n.element_id for n in value.nodes if n is not None)
    missing = sorted(wanted - known.keys())
    if missing:
        found = tx.run(
            "MATCH (n) WHERE elementId(n) IN $ids RETURN elementId(n), n.id", ids=missing
        )
        known.update({e: i for e, i in found})
    return known


def _walk(value: Any) -> Iterator[Any]:
    """Yield every value inside rows, nodes and relationships of paths included."""
    from neo4j.graph import Path

    if isinstance(value, Path):
        yield from value.nodes
        yield from value.relationships
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)
    else:
        yield value


def _value(value: Any, ends: Mapping[str, Any]) -> Any:
    """Return one query value in the shared ``query --json`` shape."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        return node_value(dict(value), value.labels)
    if isinstance(value, Relationship):
        start, end = value.nodes
        return relationship_value(dict(value), value.type, _end(start, ends), _end(end, ends))
    if isinstance(value, Path):
        return _path_value(value, ends)
    if hasattr(value, "iso_format"):  # neo4j.time types; Duration is also a tuple
        return value.iso_format()
    if isinstance(value, (list, tuple)):
        return [_value(v, ends) for v in value]
    if isinstance(value, dict):
        return {str(k): _value(v, ends) for k, v in value.items()}
    return scalar_value(value)


def _end(node: Any, ends: Mapping[str, Any]) -> Any:
    return None if node is None else ends.get(node.element_id)


def _path_value(path: Any, ends: Mapping[str, Any]) -> list[Any]:
    """A path alternates node, relationship, node, ... as the embedded store prints it."""
    out: list[Any] = [_value(path.start_node, ends)]
    for rel, node in zip(path.relationships, path.nodes[1:], strict=True):
        out += [_value(rel, ends), _value(node, ends)]
    return out


# Errors


class _translated:
    """Context manager turning driver errors into govgraph errors; with ``health`` (the
    store), a remembered outage is raised at once and a new one is remembered."""

    def __init__(self, timeout: float | None = None, health: Any = None) -> None:
        self.timeout = timeout
        self.health = health

    def __enter__(self) -> _translated:
        if self.health is not None:
            self.health.check_memo()
        return self

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> None:
        if exc is not None and not isinstance(exc, GraphError):
            error = translate(exc, self.timeout)
            if isinstance(error, StoreUnavailable) and self.health is not None:
                self.health.note_down(error)
            if error is not None:
                raise error from exc


#: Seconds a connection attempt may take before Neo4j counts as unreachable.
CONNECT_TIMEOUT_S = 1.0
#: Seconds an outage is remembered: requests meanwhile get 503 without trying Neo4j.
DOWN_MEMO_S = 2.0

_UNREACHABLE = (
    "Check that Neo4j runs where NEO4J_URI (or --neo4j) points; "
    "`govgraph neo4j start` runs a local one."
)
_REFUSED = "Check NEO4J_USER and NEO4J_PASSWORD (and NEO4J_DATABASE, if set)."


_SAME_ENDS = "shortest path algorithm does not work when the start and end nodes are the same"
_SAME_ENDS_HINT = "Keep the two ends apart: add WHERE a <> b where the ends are matched."


def translate(exc: BaseException, timeout: float | None = None) -> GraphError | None:
    """Return the govgraph error for a driver error, or None to let it pass unchanged."""
    from neo4j import exceptions as ne

    code = getattr(exc, "code", None) or ""
    if isinstance(exc, (ne.ServiceUnavailable, ne.SessionExpired, ne.AuthError)):
        return StoreUnavailable(f"Neo4j is not available: {_message(exc)}", hint=_UNREACHABLE)
    if "TransactionTimedOut" in code:
        shown = f"{timeout:g} s" if timeout is not None else "its timeout"
        return QueryTimeout(f"the query ran longer than {shown} and was stopped")
    if code.startswith("Neo.ClientError.Security."):
        return StoreUnavailable(f"Neo4j refused access: {_message(exc)}", hint=_REFUSED)
    if _SAME_ENDS in _message(exc):
        # A query error that Neo4j reports as a database error; the database is fine.
        return QueryRejected(_message(exc).split(".")[0], hint=_SAME_ENDS_HINT)
    if isinstance(exc, ne.ClientError) or isinstance(exc, ne.CypherSyntaxError):
        return QueryRejected(_message(exc), hint="Check the statement's syntax and names.")
    if isinstance(exc, (ne.DriverError, ne.Neo4jError, OSError)):
        return StoreUnavailable(f"Neo4j failed: {_message(exc)}", hint=_UNREACHABLE)
    return None


def _message(exc: BaseException) -> str:
    return str(getattr(exc, "message", None) or exc).strip()


def _close_quietly(tx: Any) -> None:
    """Roll back; a broken connection has already rolled the transaction back."""
    try:
        tx.close()
    except Exception:  # noqa: BLE001 - the original error is the one to report
        pass


def _write_failed(scenario_id: str, exc: Exception) -> GraphError:
    translated = exc if isinstance(exc, GraphError) else translate(exc)
    if isinstance(translated, StoreUnavailable):
        return translated
    reason = translated.message if translated is not None else str(exc)
    return GraphError(
        f"writing scenario '{scenario_id}' failed; it is unchanged: {reason}",
        code="store-write-failed",
        hint="Validate the scenario (govgraph validate) and try again.",
    )


def _missing(scenario_id: str) -> NotFound:
    return NotFound(
        f"scenario '{scenario_id}' is not loaded",
        hint="GET /api/scenarios (or govgraph import) lists and loads scenarios.",
    )
