"""The embedded store: LadybugDB in process, in memory or in a folder (DESIGN section 4).

Schema (docs/cypher.md): node tables ``Actor``, ``Source`` and ``Scenario``, and one
relationship table per relation type from ``Actor`` to ``Actor``. Actors, sources and
relations carry the model's field names plus ``scenario``; ``uid`` (scenario and id) is the
primary key and ``ord`` the position in the scenario, both hidden from query output.

Loading uses ``COPY ... FROM`` an Arrow table inside one transaction per scenario. LadybugDB 0.22
ends the open transaction when a ``COPY`` fails, after which statements would auto-commit, and
does not undo a ``COPY`` cleanly (rolled-back rows resurface in later writes). So every key,
end and type is checked in Python before anything is written, the Arrow tables are built
before the transaction starts, loading stops at the first error, and a failure after a
``COPY`` has run makes the store refuse further writes until it is reopened.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import threading
import time
import uuid
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import fields
from decimal import Decimal
from typing import Any

import ladybug
import pyarrow as pa

from graph.errors import (
    GraphError,
    NotFound,
    QueryRejected,
    QuerySyntaxError,
    QueryTimeout,
    StoreUnavailable,
    UnsupportedQuery,
)
from graph.model import Actor, Relation, Scenario, ScenarioInfo, Source
from graph.storage.base import (
    DEFAULT_ROW_LIMIT,
    DEFAULT_TIMEOUT_S,
    GraphStore,
    Progress,
    QueryResult,
    ScenarioSummary,
)
from graph.storage.cypher_guard import Lexeme, check_parameters, guard, lexemes
from graph.storage.cypher_syntax import from_ladybug, without_rules
from graph.storage.embedded_dialect import (
    depth_change,
    refuse_large_ranges,
    refuse_long_pattern_predicates,
    refuse_shadowing_order,
    refuse_unsupported_syntax,
    to_ladybug,
    top_words,
)
from graph.storage.embedded_frames import (
    ACTOR_COLUMNS,
    RELATION_COLUMNS,
    SCENARIO_COLUMNS,
    SOURCE_COLUMNS,
    read_items,
)
from graph.storage.embedded_frames import frames as table_frames
from graph.storage.generations import DB_FILE, StoreFolder
from graph.storage.integrity import check_scenarios, check_type_name
from graph.storage.procedures import procedure_call
from graph.storage.query_limits import check_text
from graph.storage.query_worker import DEFAULT_MEMORY_MB, DEFAULT_WORKERS, QueryPool
from graph.storage.shortest_paths import translate_shortest_paths
from graph.storage.values import node_value, relationship_value, scalar_value
from graph.vocabulary import CORE_RELATION_TYPES, RelationType, Vocabulary

__all__ = ["EmbeddedStore", "DB_FILE", "run_query", "open_read_only", "QueryAbandoned"]


_SCENARIO_COLUMNS = SCENARIO_COLUMNS
_SOURCE_COLUMNS = SOURCE_COLUMNS
_ACTOR_COLUMNS = ACTOR_COLUMNS
_RELATION_COLUMNS = RELATION_COLUMNS


def _columns_ddl(columns: Sequence[tuple[str, str]]) -> str:
    return ", ".join(f"{name} {kind}" for name, kind in columns)


class EmbeddedStore(GraphStore):
    """Scenarios in LadybugDB: in memory (``path=None``) or in a folder.

    Parameters
    ----------
    path : str or None
        A folder for the database (created if missing), or None for an in-memory store.

    Examples
    --------
    >>> store = EmbeddedStore()
    >>> store.load([Scenario(ScenarioInfo("demo", "Demo"), actors=(Actor("a", "A", "ministry"),))])
    >>> [(s.id, s.actors) for s in store.list_scenarios()]
    [('demo', 1)]
    >>> store.query("MATCH (a:Actor) RETURN a.name").rows
    [['A']]
    >>> store.close()
    """

    kind = "embedded"

    def __init__(
        self,
        path: str | None = None,
        *,
        query_workers: int = DEFAULT_WORKERS,
        query_memory_mb: int = DEFAULT_MEMORY_MB,
    ) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._broken: str | None = None
        self._copied = False
        self._pool = QueryPool(self.snapshot, workers=query_workers, memory_mb=query_memory_mb)
        #: The crash-safe generations of a folder store (None in memory).
        self.folder = StoreFolder.open(path) if path else None
        try:
            self._db = open_database(self.folder.db_file if self.folder else None)
            self._conn = ladybug.Connection(self._db)
            if self.folder and not self._has_schema():
                with self._new_generation():  # a new folder, or one from an older govgraph
                    self._create_schema()
            elif not self.folder:
                self._create_schema()
        except BaseException:
            if self.folder:
                self.folder.close()
            raise

    @property
    def created(self) -> bool:
        """True for an in-memory store, or a folder govgraph created that never held a
        scenario: only such a store may be filled with the bundled scenarios unasked."""
        return self.folder is None or self.folder.is_pristine

    @contextmanager
    def _new_generation(self) -> Iterator[None]:
        """Around a write to a folder store: write into a copy, then switch to it atomically
        (:mod:`graph.storage.generations`); a failure or a crash leaves the old one in use."""
        if self.folder is None:
            yield
            return
        with self._lock:
            self._execute("CHECKPOINT")  # the current file is then complete on its own
            new_file = self.folder.begin()
            old = (self._db, self._conn, self._broken)
            try:
                self._db = open_database(new_file)
                self._conn = ladybug.Connection(self._db)
                yield
                self._execute("CHECKPOINT")
                self._conn.close()
                self._db.close()  # flushed to disk before the pointer moves
                self.folder.commit(new_file)
                self._db = open_database(self.folder.db_file)
                self._conn = ladybug.Connection(self._db)
            except BaseException:
                self._close_quietly()
                self._db, self._conn, self._broken = old
                self.folder.abort(new_file)
                raise
            old[1].close()
            old[0].close()

    def _close_quietly(self) -> None:
        for handle in (self._conn, self._db):
            try:
                handle.close()
            except Exception:  # noqa: BLE001 - already closed, or never fully opened
                pass

    def _execute(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[list[Any]]:
        result = self._conn.execute(cypher, dict(params or {}))
        assert not isinstance(result, list)  # one statement, one result
        return [list(row) for row in result.get_all()]

    def _columns(self, cypher: str, params: Mapping[str, Any]) -> list[list[Any]]:
        """The result's columns as Python lists: fetched as Arrow, many times faster than
        row by row for the hundreds of thousands of rows of a large scenario."""
        result = self._conn.execute(cypher, dict(params))
        assert not isinstance(result, list)
        return [column.to_pylist() for column in result.get_as_arrow().columns]

    def _create_schema(self) -> None:
        with self._lock:
            for table, columns in (
                ("Scenario", _SCENARIO_COLUMNS),
                ("Source", _SOURCE_COLUMNS),
                ("Actor", _ACTOR_COLUMNS),
            ):
                ddl = _columns_ddl(columns)
                self._execute(f"CREATE NODE TABLE IF NOT EXISTS {table}({ddl}, PRIMARY KEY (uid))")
            self._add_attributes("Actor")
            for rel_type in CORE_RELATION_TYPES:
                self._create_rel_table(rel_type)

    def _create_rel_table(self, rel_type: str) -> None:
        check_type_name(rel_type)
        ddl = _columns_ddl(_RELATION_COLUMNS)
        self._execute(f"CREATE REL TABLE IF NOT EXISTS {rel_type}(FROM Actor TO Actor, {ddl})")
        self._add_attributes(rel_type)

    def _has_schema(self) -> bool:
        """Return True if every table and column this version writes exists already."""
        tables = {name for (name,) in self._execute("CALL show_tables() RETURN name")}
        wanted = {"Scenario", "Source", "Actor", *CORE_RELATION_TYPES}
        if not wanted <= tables:
            return False
        return all(
            "attributes" in {c for (c,) in self._execute(f"CALL table_info('{t}') RETURN name")}
            for t in ["Actor", *CORE_RELATION_TYPES]
        )

    def _add_attributes(self, table: str) -> None:
        # A --db folder written before foreign attributes were kept lacks the column.
        self._execute(f"ALTER TABLE {table} ADD IF NOT EXISTS attributes STRING")

    def rel_tables(self) -> list[str]:
        """Return the names of every relationship table (one per relation type)."""
        rows = self._execute("CALL show_tables() RETURN name, type")
        return sorted(name for name, kind in rows if kind == "REL")

    # Reading

    def list_scenarios(self) -> list[ScenarioSummary]:
        """Return every loaded scenario, ordered by id."""
        with self._lock:
            heads = self._execute(
                "MATCH (s:Scenario) RETURN s.id, s.title, s.description, s.date ORDER BY s.id"
            )
            actors = dict(self._execute("MATCH (a:Actor) RETURN a.scenario, count(*)"))
            rels = dict(self._execute("MATCH ()-[r]->() RETURN r.scenario, count(*)"))
        return [
            ScenarioSummary(sid, title, desc, date, actors.get(sid, 0), rels.get(sid, 0))
            for sid, title, desc, date in heads
        ]

    def has_scenario(self, scenario_id: str) -> bool:
        """Return True if a scenario with this id is loaded."""
        with self._lock:
            rows = self._execute(
                "MATCH (s:Scenario) WHERE s.id = $id RETURN count(*)", {"id": scenario_id}
            )
        return bool(rows[0][0])

    def scenario(self, scenario_id: str) -> Scenario:
        """Return a loaded scenario exactly as it was loaded; raise NotFound if absent."""
        with self._lock:
            head = self._execute(
                "MATCH (s:Scenario) WHERE s.id = $id RETURN s.id, s.title, s.description, "
                "s.date, s.vocabulary",
                {"id": scenario_id},
            )
            if not head:
                raise _missing(scenario_id)
            sources = self._read_sources(scenario_id)
            actors = self._read_actors(scenario_id)
            relations = self._read_relations(scenario_id)
        sid, title, description, date, vocabulary = head[0]
        return Scenario(
            ScenarioInfo(sid, title, description, date),
            sources=sources,
            vocabulary=_vocabulary_from_json(vocabulary),
            actors=actors,
            relations=relations,
        )

    def _read_sources(self, scenario_id: str) -> tuple[Source, ...]:
        columns = self._columns(READ_QUERIES["Source"], {"id": scenario_id})
        return read_items(Source, _SOURCE_NAMES, columns)

    def _read_actors(self, scenario_id: str) -> tuple[Actor, ...]:
        columns = self._columns(READ_QUERIES["Actor"], {"id": scenario_id})
        return read_items(Actor, _ACTOR_NAMES, columns)

    def _read_relations(self, scenario_id: str) -> tuple[Relation, ...]:
        columns = self._columns(READ_QUERIES["Relation"], {"id": scenario_id})
        return read_items(Relation, ["source", "target", "type", *_RELATION_NAMES], columns)

    # Writing

    def load(self, scenarios: Sequence[Scenario], *, progress: Progress | None = None) -> None:
        """Load each scenario in one transaction, replacing one with the same id.

        Every scenario is checked before anything is written; loading stops at the first
        failure, which leaves that scenario (and those after it) as they were.

        Raises
        ------
        GraphError
            If a scenario repeats an id, names an unknown actor or an invalid relation type,
            or the database refuses the data.
        """
        check_scenarios(scenarios)
        with self._new_generation():
            for scenario in scenarios:
                self._load_one(scenario)
                if progress is not None:
                    progress(len(scenario.relations))

    def _load_one(self, scenario: Scenario) -> None:
        frames = table_frames(scenario, uuid.uuid4().hex[:12])
        with self._lock:
            self._check_writable()
            for rel_type in frames["relations"]:
                self._create_rel_table(rel_type)
            self._in_transaction(lambda: self._replace(scenario.id, frames), scenario.id)

    def _check_writable(self) -> None:
        if self._broken:
            raise StoreUnavailable(
                f"the embedded database refuses writes after a failed COPY: {self._broken}",
                hint="Restart govgraph: LadybugDB 0.22 cannot write safely after a failed COPY.",
            )

    def _in_transaction(self, work: Any, scenario_id: str) -> None:
        """Run ``work`` inside BEGIN ... COMMIT; roll back and raise GraphError on failure."""
        self._execute("BEGIN TRANSACTION")
        self._copied = False
        self._pool.invalidate()
        try:
            work()
            self._execute("COMMIT")
        except Exception as exc:
            self._rollback()
            if self._copied:
                # LadybugDB 0.22 does not undo a COPY cleanly: rolled-back rows resurface.
                self._broken = self._broken or f"writing '{scenario_id}' failed after a COPY"
            raise GraphError(
                f"writing scenario '{scenario_id}' failed; it is unchanged: {exc}",
                code="store-write-failed",
                hint="Validate the scenario (govgraph validate) and try again.",
            ) from exc

    def _rollback(self) -> None:
        # A failed COPY has already ended the transaction; then there is nothing to undo.
        try:
            self._execute("ROLLBACK")
        except RuntimeError:
            pass

    def _replace(self, scenario_id: str, frames: dict[str, Any]) -> None:
        self._delete_rows(scenario_id)
        for table in ("Scenario", "Source", "Actor"):
            self._copy(table, frames[table])
        for rel_type, frame in frames["relations"].items():
            self._copy(rel_type, frame)

    def _copy(self, table: str, frame: pa.Table) -> None:
        if not len(frame):
            return
        self._copied = True
        self._conn.execute(f"COPY {table} FROM frame", {"frame": frame})

    def _delete_rows(self, scenario_id: str) -> None:
        params = {"id": scenario_id}
        self._execute("MATCH (a:Actor) WHERE a.scenario = $id DETACH DELETE a", params)
        self._execute("MATCH (s:Source) WHERE s.scenario = $id DELETE s", params)
        self._execute("MATCH (s:Scenario) WHERE s.id = $id DELETE s", params)

    def delete(self, scenario_id: str) -> None:
        """Remove a scenario with its actors, relations and sources; raise NotFound if absent."""
        with self._lock:
            if not self.has_scenario(scenario_id):
                raise _missing(scenario_id)
            self._check_writable()
            with self._new_generation():
                self._in_transaction(lambda: self._delete_rows(scenario_id), scenario_id)

    # Queries

    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        row_limit: int = DEFAULT_ROW_LIMIT,
    ) -> QueryResult:
        """Run one guarded read-only statement of the common Cypher subset in a worker
        process on a snapshot of the store (:mod:`graph.storage.query_worker`).

        Raises
        ------
        QueryRejected
            For writes, procedures, several statements, a syntax error or a query over the
            limits of :mod:`graph.storage.query_limits`.
        UnsupportedQuery
            For a construct LadybugDB would answer differently from Neo4j.
        QueryCrashed
            When the query made the engine fail (the worker is replaced).
        QueryTimeout
            When the statement runs past ``timeout`` seconds (the worker is stopped).
        QueryBusy
            When as many queries as the store allows are running.
        """
        check_text(cypher)  # before anything reads a hostile text
        call = procedure_call(cypher, params)
        if call is not None:
            return call.answer(self.query, params, timeout=timeout, row_limit=row_limit)
        return self._pool.query(cypher, params, timeout=timeout, row_limit=row_limit)

    def snapshot(self, folder: str) -> None:
        """Write a copy of the database into ``folder`` for read-only query workers.

        A folder store is checkpointed and its file copied (milliseconds); an in-memory
        store is exported and imported into a new database there.
        """
        target = os.path.join(folder, DB_FILE)
        with self._lock:
            if self.folder:
                self._execute("CHECKPOINT")
                shutil.copyfile(self.folder.db_file, target)
                return
            exported = os.path.join(folder, "export")
            self._execute(f"EXPORT DATABASE '{_quoted(exported)}' (format='parquet')")
        copy = open_database(target)
        try:
            ladybug.Connection(copy).execute(f"IMPORT DATABASE '{_quoted(exported)}'")
        finally:
            copy.close()
            shutil.rmtree(exported, ignore_errors=True)

    def close(self) -> None:
        """Stop the query workers and close the database."""
        self._pool.close()
        with self._lock:
            self._conn.close()
            self._db.close()
            if self.folder:
                self.folder.close()

    def ping(self) -> None:
        """Raise StoreUnavailable when the database no longer answers."""
        try:
            with self._lock:
                self._execute("RETURN 1")
        except RuntimeError as exc:
            raise StoreUnavailable(
                f"the embedded database does not answer: {exc}",
                hint="Restart govgraph; run it with GOVGRAPH_DEBUG=1 to see the cause.",
            ) from exc


def open_read_only(folder: str) -> Any:
    """Open the database a :meth:`EmbeddedStore.snapshot` wrote into ``folder``, read-only."""
    return open_database(os.path.join(folder, DB_FILE), read_only=True)


#: The largest database file LadybugDB may grow to. Its buffer manager reserves this much
#: address space for every open database (8 TiB by default), and a process has 128 TiB, so
#: the default allows about fifteen databases open at once: a server with its query
#: workers' snapshots, or a process that opens stores one after another and leaves some to
#: the garbage collector, ran out ("Mmap ... failed"). 1 TiB is still a thousand times the
#: size of a million relations. LadybugDB requires a power of two.
MAX_DB_BYTES = 1 << 40


def open_database(path: str | None, *, read_only: bool = False) -> Any:
    """Open a LadybugDB database at ``path`` (in memory for None), reserving MAX_DB_BYTES."""
    if path is None:
        return ladybug.Database(max_db_size=MAX_DB_BYTES)
    return ladybug.Database(path, read_only=read_only, max_db_size=MAX_DB_BYTES)


class QueryAbandoned(Exception):
    """The engine did not stop a query at its deadline; the process must end to free it."""

    def __init__(self, error: QueryTimeout) -> None:
        super().__init__(error.message)
        self.error = error


def run_query(
    conn: Any,
    cypher: str,
    params: Mapping[str, Any] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT_S,
    row_limit: int = DEFAULT_ROW_LIMIT,
) -> QueryResult:
    """Guard and run one statement on the LadybugDB connection ``conn`` in this process (a
    query worker calls this, reusing one connection so that a repeated statement is not
    prepared again).

    The guard's own time counts against ``timeout``.

    Raises
    ------
    QueryRejected, UnsupportedQuery, QueryTimeout
        As :meth:`EmbeddedStore.query`.
    QueryAbandoned
        When the engine ignored the interrupt for a second past the deadline.
    """
    started = time.monotonic()
    statement = checked_statement(cypher)
    check_parameters(cypher, dict(params or {}))
    left = timeout - (time.monotonic() - started)
    if left <= 0:
        raise _timeout(timeout)
    conn.set_query_timeout(max(1, int(left * 1000)))
    try:
        columns, rows, truncated = _run_watched(conn, statement, params, left, row_limit, timeout)
    except QuerySyntaxError as error:
        raise _located(conn.database, cypher, error) from error
    return QueryResult(columns, convert_rows(conn, rows), truncated)


def _located(db: Any, cypher: str, error: QuerySyntaxError) -> QuerySyntaxError:
    """Parse the statement as the user wrote it (the store ran a rewritten one) so that the
    error's position is theirs; keep the first error if that text parses."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # prepare() alone parses
        prepared = ladybug.Connection(db).prepare(cypher)
    message = "" if prepared.is_success() else str(prepared.get_error_message())
    return from_ladybug(message, cypher) if message.startswith("Parser exception") else error


def _run_watched(
    conn: Any,
    statement: str,
    params: Mapping[str, Any] | None,
    left: float,
    row_limit: int,
    timeout: float,
) -> tuple[list[str], list[list[Any]], bool]:
    """Run in a thread; interrupt at the deadline and give up one second later."""
    outcome: dict[str, Any] = {}
    worker = threading.Thread(
        target=_fetch, args=(conn, statement, dict(params or {}), row_limit, outcome)
    )
    worker.daemon = True
    worker.start()
    worker.join(left)
    deadline_grace = 1.0
    while worker.is_alive() and deadline_grace > 0:
        conn.interrupt()  # repeated: an interrupt before the first pipeline step is lost
        worker.join(0.05)
        deadline_grace -= 0.05
    if worker.is_alive():
        raise QueryAbandoned(_timeout(timeout))
    return _outcome(outcome, timeout)


def _quoted(path: str) -> str:
    """Return a path for a single-quoted Cypher string literal."""
    return path.replace("\\", "\\\\").replace("'", "\\'")


def _fetch(
    conn: Any, statement: str, params: dict[str, Any], row_limit: int, outcome: dict[str, Any]
) -> None:
    """Run a statement and fetch at most ``row_limit + 1`` rows into ``outcome``."""
    try:
        result = conn.execute(statement, params)
        rows: list[list[Any]] = []
        while len(rows) <= row_limit and result.has_next():
            rows.append(list(result.get_next()))
        outcome["columns"] = list(result.get_column_names())
        outcome["rows"] = rows[:row_limit]
        outcome["truncated"] = len(rows) > row_limit
    except Exception as exc:  # noqa: BLE001 - passed to the waiting thread
        outcome["error"] = exc


def _outcome(outcome: dict[str, Any], timeout: float) -> tuple[list[str], list[list[Any]], bool]:
    error = outcome.get("error")
    if error is None:
        return outcome["columns"], outcome["rows"], outcome["truncated"]
    message = str(error).strip()
    if "interrupted" in message.lower() or "timeout" in message.lower():
        raise _timeout(timeout) from error
    missing = _MISSING_FUNCTION.match(message)
    if missing:
        raise UnsupportedQuery(
            f"{missing.group(1).lower()}() is not supported by the embedded store ({message})",
            hint="LadybugDB lacks this function; see docs/cypher.md for the common subset.",
        ) from error
    if message.startswith("Parser exception"):
        raise QuerySyntaxError(without_rules(message)) from error
    unbound = _NOT_IN_SCOPE.match(message)
    if unbound:
        raise QueryRejected(
            f"Variable `{unbound.group(1)}` not defined",
            hint="Bind it in a MATCH, UNWIND or WITH first (WITH keeps only what it names).",
        ) from error
    if message.startswith("Binder exception"):
        # Neo4j binds more (missing properties are null, strings add to numbers).
        raise UnsupportedQuery(message, hint="See docs/cypher.md for the common subset.") from error
    raise QueryRejected(message, hint="Check the statement against docs/cypher.md.")


_NOT_IN_SCOPE = re.compile(r"^Binder exception: Variable (\w+) is not in scope")
_MISSING_FUNCTION = re.compile(r"^Catalog exception: function (\w+) does not exist")


def _timeout(timeout: float) -> QueryTimeout:
    return QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")


def _missing(scenario_id: str) -> NotFound:
    return NotFound(
        f"scenario '{scenario_id}' is not loaded",
        hint="GET /api/scenarios (or govgraph import) lists and loads scenarios.",
    )


def _returns(var: str, names: Sequence[str]) -> str:
    return ", ".join(f"{var}.{name}" for name in names)


_SOURCE_NAMES = [f.name for f in fields(Source)]
_ACTOR_NAMES = [f.name for f in fields(Actor)]
_RELATION_NAMES = [name for name, _ in _RELATION_COLUMNS if name not in ("scenario", "ord")]
#: What reading a scenario back (``$id``) runs, in the order of the model's fields.
READ_QUERIES = {
    "Source": f"MATCH (s:Source) WHERE s.scenario = $id RETURN {_returns('s', _SOURCE_NAMES)} "
    "ORDER BY s.ord",
    "Actor": f"MATCH (a:Actor) WHERE a.scenario = $id RETURN {_returns('a', _ACTOR_NAMES)} "
    "ORDER BY a.ord",
    "Relation": "MATCH (a:Actor)-[r]->(b:Actor) WHERE r.scenario = $id "
    f"RETURN a.id, b.id, label(r), {_returns('r', _RELATION_NAMES)} ORDER BY r.ord",
}


# Checks before any write


def _vocabulary_from_json(text: str | None) -> Vocabulary:
    """Rebuild the declared vocabulary stored as JSON on the Scenario node.

    Examples
    --------
    >>> v = _vocabulary_from_json('{"kinds": ["x"]}')
    >>> v.declared_kinds, v == Vocabulary.with_declared(kinds=["x"])
    (('x',), True)
    """
    data = json.loads(text or "{}")
    types = [
        RelationType(
            t["type"], t["mode"], t["control"], t["voice"], bool(t["accountability"]), core=False
        )
        for t in data.get("relation_types", [])
    ]
    return Vocabulary.with_declared(kinds=data.get("kinds", []), relation_types=types)


# The common Cypher subset: refuse what LadybugDB would answer differently from Neo4j

#: Node labels of the embedded schema; Neo4j's kind labels (``:Ministry``) do not exist here.
SCHEMA_LABELS = frozenset({"Actor", "Source", "Scenario"})

#: Functions LadybugDB lacks or answers differently, with what to write instead.
UNSUPPORTED_FUNCTIONS: dict[str, str] = {
    "LABELS": "LadybugDB gives one label; use n.kind (actors) or the label in the MATCH",
    "LABEL": "label() is LadybugDB's own; use type(r) for relationships",
    "ID": "internal ids differ between stores; use n.id",
    "ELEMENTID": "internal ids differ between stores; use n.id",
    "KEYS": "the stores keep different hidden keys; RETURN the properties you need",
    "PROPERTIES": "the stores keep different hidden keys; RETURN the node or its properties",
}

#: Subquery expressions refused when followed by ``{``.
UNSUPPORTED_SUBQUERIES = frozenset({"EXISTS", "COUNT", "COLLECT"})


@functools.lru_cache(maxsize=1024)
def checked_statement(cypher: str) -> str:
    """:func:`check_subset`, done once per query text (a console repeats its queries)."""
    return check_subset(cypher)


def check_subset(cypher: str) -> str:
    """Return the statement LadybugDB should run, or refuse it.

    The shared guard runs first; then every construct outside the common subset is refused
    with :class:`UnsupportedQuery` naming it, and ``type(r)`` becomes ``label(r)``.

    Examples
    --------
    >>> check_subset("MATCH (a:Actor)-[r]->() RETURN type(r) // comment")
    'MATCH (a:Actor)-[r]->() RETURN label(r) AS `type(r)`'
    >>> check_subset("MATCH (a:Actor:Ministry) RETURN a")
    Traceback (most recent call last):
    ...
    graph.errors.UnsupportedQuery: the label :Ministry is not supported by the embedded store
    """
    statement = guard(cypher)
    _refuse_ladybug_shortest(lexemes(statement))
    statement = translate_shortest_paths(statement)
    code = lexemes(statement)
    inside = _innermost_brackets(code)
    for i in range(len(code)):
        _check_lexeme(code, i, inside[i])
    refuse_unsupported_syntax(statement)
    refuse_shadowing_order(statement)
    refuse_long_pattern_predicates(statement)
    refuse_large_ranges(statement)
    # Columns are named from the statement as written, before it is rewritten for LadybugDB.
    return to_ladybug(_with_aliases(_words_marked(lexemes(statement, spaces=True))))


def _check_lexeme(code: list[Lexeme], i: int, inside: str) -> None:
    lx, before, after = code[i], _text(code, i - 1), _text(code, i + 1)
    word = lx.text.upper() if lx.kind == "word" else ""
    if word and before not in (".", "$", ":") and after == "(" and word in UNSUPPORTED_FUNCTIONS:
        _refuse(f"{lx.text}()", UNSUPPORTED_FUNCTIONS[word])
    if word in UNSUPPORTED_SUBQUERIES and after == "{" and before != ".":
        _refuse(f"{word} {{...}}", "use OPTIONAL MATCH ... WITH count(...) instead")
    if word == "CALL" and before not in (".", "$", ":"):
        _refuse("CALL { ... } (a subquery)", "write the subquery's clauses in the statement itself")
    if lx.text == ":" and i > 0 and inside == "(" and _is_name(code, i + 1):
        _check_label(code[i + 1])


def _refuse_ladybug_shortest(code: list[Lexeme]) -> None:
    """Refuse LadybugDB's own ``* SHORTEST`` as written: Neo4j reads it differently."""
    for i, lx in enumerate(code):
        if lx.kind == "word" and lx.text.upper() == "SHORTEST" and _text(code, i - 1) != ".":
            _refuse("SHORTEST", "write Neo4j's shortestPath((a)-[*..n]->(b)), which both run")


def _text(code: list[Lexeme], i: int) -> str:
    return code[i].text if 0 <= i < len(code) else ""


def _is_name(code: list[Lexeme], i: int) -> bool:
    return i < len(code) and code[i].kind in ("word", "name")


def _innermost_brackets(code: list[Lexeme]) -> list[str]:
    """Return, for each lexeme, the innermost bracket open before it ("" at the top level).

    One pass over the statement: a ``:`` inside ``(`` starts a node label (not a map key or
    a relationship type). Scanning back from every ``:`` instead was quadratic.

    Examples
    --------
    >>> _innermost_brackets(lexemes("(a:X {k: [1]})"))
    ['', '(', '(', '(', '(', '{', '{', '{', '[', '[', '{', '(']
    """
    opened: list[str] = []
    inside: list[str] = []
    for lx in code:
        inside.append(opened[-1] if opened else "")
        if lx.kind == "other" and lx.text in "([{":
            opened.append(lx.text)
        elif lx.kind == "other" and lx.text in ")]}" and opened:
            opened.pop()
    return inside


def _check_label(lx: Lexeme) -> None:
    label = lx.text.strip("`")
    if label not in SCHEMA_LABELS:
        kind = re.sub(r"(?<!^)(?=[A-Z])", "_", label).lower()
        raise UnsupportedQuery(
            f"the label :{label} is not supported by the embedded store",
            hint=f"Nodes are :Actor, :Source or :Scenario; write (n:Actor {{kind: '{kind}'}}).",
        )


def _refuse(construct: str, instead: str) -> None:
    raise UnsupportedQuery(
        f"{construct} is not supported by the embedded store",
        hint=f"{instead[0].upper()}{instead[1:]}; see docs/cypher.md.",
    )


def _words_marked(all_lexemes: list[Lexeme]) -> list[Lexeme]:
    """Mark ``type`` words that call the function (followed by ``(``, not a property)."""
    code = [i for i, lx in enumerate(all_lexemes) if lx.kind != "space"]
    marked = list(all_lexemes)
    for pos, i in enumerate(code):
        lx = all_lexemes[i]
        before = all_lexemes[code[pos - 1]].text if pos > 0 else ""
        after = all_lexemes[code[pos + 1]].text if pos + 1 < len(code) else ""
        if lx.kind == "word" and lx.text.upper() == "TYPE" and after == "(" and before != ".":
            marked[i] = Lexeme("type-call", lx.text)
    return marked


def _rewrite(lx: Lexeme) -> str:
    return "label" if lx.kind == "type-call" else lx.text


_ITEM_END = frozenset({"ORDER", "SKIP", "LIMIT", "UNION"})


def _with_aliases(all_lexemes: list[Lexeme]) -> str:
    """Return the statement with every unnamed RETURN item named by its text, as Neo4j names
    columns (LadybugDB would call ``count(*)`` ``COUNT_STAR()``).

    Examples
    --------
    >>> _with_aliases(lexemes("RETURN count(*), a.id AS x ORDER BY x", spaces=True))
    'RETURN count(*) AS `count(*)`, a.id AS x ORDER BY x'
    """
    out: list[str] = []
    item: list[Lexeme] = []
    depth, in_return = 0, False
    for lx in all_lexemes:
        word = lx.text.upper() if lx.kind == "word" else ""
        at_top = depth == 0 and lx.kind != "string"
        if at_top and in_return and (lx.text == "," or word in _ITEM_END):
            out.append(_aliased(item) + lx.text)
            item, in_return = [], word not in _ITEM_END
            continue
        depth += depth_change(lx)
        if in_return:
            item.append(lx)
        else:
            out.append(_rewrite(lx))
        if at_top and word == "RETURN":
            in_return = True
    return "".join(out) + (_aliased(item) if in_return else "")


def _aliased(item: list[Lexeme]) -> str:
    """Return one RETURN item, with ``AS `text``` added when it has no name."""
    text = "".join(_rewrite(lx) for lx in item)
    words = [lx.text.upper() for lx in item if lx.kind == "word"]
    original = "".join(lx.text for lx in item).strip()
    if words and words[0] == "DISTINCT":
        original = original[len("DISTINCT") :].strip()
    if not original or original == "*" or "AS" in top_words(item):
        return text
    trailing = text[len(text.rstrip()) :]
    name = original.replace("`", "``")
    return f"{text.rstrip()} AS `{name}`{trailing}"


# Query values in the shared JSON shape


def convert_rows(conn: Any, rows: list[list[Any]]) -> list[list[Any]]:
    """Return rows with nodes, relationships and paths in the ``query --json`` shape.

    Relationship ends are LadybugDB internal ids; they are mapped to actor ids with one
    lookup of every end that is not already in the result.
    """
    ends: dict[int, Any] = {}
    if not any(isinstance(v, dict | list) for row in rows for v in row):
        return [[_value(v, ends) for v in row] for row in rows]  # plain values: nothing to map
    _collect_nodes(rows, ends)
    wanted = _collect_ends(rows) - set(ends)
    if wanted:
        found = conn.execute(
            "MATCH (a:Actor) WHERE offset(id(a)) IN $o RETURN offset(id(a)), a.id",
            {"o": sorted(wanted)},
        )
        ends.update({offset: actor_id for offset, actor_id in found.get_all()})
    return [[_value(v, ends) for v in row] for row in rows]


def _walk(value: Any) -> Any:
    """Yield every dict inside a value (depth first)."""
    if isinstance(value, dict):
        yield value
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)


def _collect_nodes(rows: list[list[Any]], ends: dict[int, Any]) -> None:
    for d in _walk(rows):
        if "_LABEL" in d and "_SRC" not in d and d.get("_LABEL") == "Actor" and "_ID" in d:
            ends[d["_ID"]["offset"]] = d.get("id")


def _collect_ends(rows: list[list[Any]]) -> set[int]:
    return {d[k]["offset"] for d in _walk(rows) if "_SRC" in d for k in ("_SRC", "_DST")}


def _value(value: Any, ends: dict[int, Any]) -> Any:
    if isinstance(value, Decimal):
        # sum() of integers is INT128, which the driver gives as a Decimal; Neo4j gives an int.
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return _dict_value(value, ends)
    if isinstance(value, list):
        return [_value(v, ends) for v in value]
    return scalar_value(value)


def _dict_value(value: dict[str, Any], ends: dict[int, Any]) -> Any:
    if "_NODES" in value and "_RELS" in value:
        return _path_value(value, ends)
    if "_SRC" in value:
        src, dst = ends.get(value["_SRC"]["offset"]), ends.get(value["_DST"]["offset"])
        return relationship_value(value, str(value["_LABEL"]), src, dst)
    if "_LABEL" in value and "_ID" in value:
        return node_value(value, [str(value["_LABEL"])])
    return {str(k): _value(v, ends) for k, v in value.items()}


def _path_value(value: dict[str, Any], ends: dict[int, Any]) -> list[Any]:
    """A path alternates node, relationship, node; a variable-length relationship variable
    (which LadybugDB returns with its inner nodes only) is a list of relationships, as in Neo4j.
    """
    nodes = [_value(n, ends) for n in value["_NODES"]]
    rels = [_value(r, ends) for r in value["_RELS"]]
    if len(nodes) != len(rels) + 1:
        return rels
    path: list[Any] = [nodes[0]]
    for rel, node in zip(rels, nodes[1:], strict=True):
        path += [rel, node]
    return path
