"""The app's one long-lived store, opened at start-up and closed at shutdown.

``init_app(app)`` opens the store the settings name, checks that it answers (so a bad URL
fails at boot, not on the first page), fills an embedded store with the configured or
bundled scenarios, and keeps it in ``app.extensions``. ``get_store()`` returns it during a
request. The store is wrapped in :class:`CachedStore`, which reuses scenarios and derived
views (graph JSON, layout, analysis) until a write through it, or their time, runs out.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any

from flask import Flask, current_app

from app.child import release_after_children
from app.memory import freed_at_once, release_memory, trim_memory
from app.sizing import estimate_bytes
from graph.errors import QueryBusy
from graph.model import Scenario
from graph.storage import GraphStore, ScenarioSummary, open_store
from graph.storage.base import DEFAULT_ROW_LIMIT, DEFAULT_TIMEOUT_S, Progress, QueryResult

__all__ = [
    "init_app",
    "close_app",
    "get_store",
    "CachedStore",
    "StillComputing",
    "open_configured",
    "EXTENSION",
]

EXTENSION = "govgraph.store"
#: Where the app keeps the finalizer that closes its store (once, whoever calls it first).
CLOSER = "govgraph.store.close"
#: How often /healthz really asks the store whether it is alive, in seconds.
PING_INTERVAL = 2.0
#: Values of at least this many bytes (estimated) dropped from the cache have their memory
#: released at once (:func:`app.memory.release_memory`), not at the next full collection.
RELEASE_BYTES = 8 * 2**20


class CachedStore(GraphStore):
    """A store plus a cache of what is derived from it, invalidated by writes made through it.

    Cached values are shared between requests: callers must treat them as read-only. A
    computation that overlaps a write is not cached (a generation counter tells).
    """

    def __init__(
        self,
        inner: GraphStore,
        *,
        ttl: float = 300.0,
        entries: int = 256,
        queries: int = 2,
        max_bytes: int = 512 * 2**20,
    ) -> None:
        self.inner = inner
        self.queries = queries
        self._query_slots = threading.BoundedSemaphore(queries)
        self.kind = inner.kind
        self.ttl = ttl
        self.entries = entries
        self.max_bytes = max_bytes
        self._cache: OrderedDict[Hashable, tuple[float, Any, int]] = OrderedDict()
        self._bytes = 0
        self._flights: dict[Hashable, _Flight] = {}
        self._generation = 0
        self._lock = threading.Lock()
        self._pinged = 0.0
        #: Held by a write from its checks to its end, so two uploads of one id cannot race.
        self.write_lock = threading.Lock()

    # The cache.

    @property
    def generation(self) -> int:
        """How many writes (loads, deletes) went through this store: part of a cache key
        whose computation must not be shared across a write."""
        return self._generation

    @property
    def cached_bytes(self) -> int:
        """The estimated memory the cached values hold (never above ``max_bytes``)."""
        return self._bytes

    def cached(
        self, key: Hashable, compute: Callable[[], Any], *, wait: float | None = None
    ) -> Any:
        """Return the value cached under ``key``, computing and keeping it when absent or old.

        One computation per key at a time: a request that finds the same key being computed
        waits for that result instead of computing it again. With ``wait`` the computation
        runs in a thread of its own and the caller waits at most ``wait`` seconds for it,
        then gets :class:`StillComputing` (ask again later: the same computation answers).
        """
        now = time.monotonic()
        with self._lock:
            expired = self._expire(now)
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
            else:
                flight = self._flights.get(key)
                leader = flight is None
                if flight is None:
                    flight = self._flights[key] = _Flight(self._generation)
        self._released(expired)
        if hit is not None:
            return hit[1]
        if leader and wait is None:
            self._lead(key, now, flight, compute)
        elif leader:
            threading.Thread(target=self._lead, args=(key, now, flight, compute), daemon=True,
                             name=f"govgraph-compute-{key!r:.60}").start()  # fmt: skip
        if wait is not None and not flight.done.wait(wait):
            raise StillComputing(time.monotonic() - flight.started)
        return flight.result()

    def _lead(self, key: Hashable, now: float, flight: _Flight, compute: Callable[[], Any]) -> None:
        """Compute for everyone waiting on ``flight``; keep the value unless it failed."""
        try:
            flight.value = compute()
        except BaseException as exc:  # noqa: BLE001 - handed to every waiting request
            flight.error = exc
        finally:
            with self._lock:
                self._flights.pop(key, None)
        if flight.error is None:
            self._keep(key, now, flight)
        flight.done.set()

    def _keep(self, key: Hashable, now: float, flight: _Flight) -> None:
        """Cache a computed value unless a write overlapped it or it alone exceeds the limit."""
        size = estimate_bytes(flight.value)
        dropped = []
        with self._lock:
            if flight.generation != self._generation or size > self.max_bytes:
                return
            old = self._cache.pop(key, None)
            if old is not None:
                dropped.append(old)
                self._bytes -= old[2]
            self._cache[key] = (now, flight.value, size)
            self._bytes += size
            while self._cache and (len(self._cache) > self.entries or self._bytes > self.max_bytes):
                dropped.append(self._cache.popitem(last=False)[1])
                self._bytes -= dropped[-1][2]
        del old
        self._released(dropped)

    def _expire(self, now: float) -> list[tuple[float, Any, int]]:
        """Drop values older than the TTL, so they free their memory (lock held); return the
        entries dropped."""
        stale = [k for k, (at, _, _) in self._cache.items() if now - at >= self.ttl]
        dropped = [self._cache.pop(key) for key in stale]
        self._bytes -= sum(size for _, _, size in dropped)
        return dropped

    @staticmethod
    def _released(dropped: list[tuple[float, Any, int]]) -> None:
        """Free the memory of large dropped entries now (call without the lock held, with
        the caller's last references to them: the list is emptied).

        A dropped graph is cyclic garbage a large heap's rare full collections would keep for
        long. Most is freed by breaking its cycles (:func:`app.memory.freed_at_once`); only
        what survives that is collected, as a full collection holds the interpreter for
        most of a second. While a child runs with the heap frozen, the thaw collects instead.
        """
        size = sum(size for _, _, size in dropped)
        values = [value for _, value, _ in dropped]
        dropped.clear()
        if freed_at_once(values):
            if size >= RELEASE_BYTES:
                trim_memory()
        elif size >= RELEASE_BYTES and not release_after_children():
            release_memory()

    def peek(self, key: Hashable) -> Any:
        """Return the value cached under ``key`` if there is a fresh one, else None."""
        with self._lock:
            hit = self._cache.get(key)
        return hit[1] if hit is not None and time.monotonic() - hit[0] < self.ttl else None

    def invalidate(self) -> None:
        """Forget every cached value (after any write: lists, comparisons and views change)."""
        with self._lock:
            self._generation += 1
            dropped = list(self._cache.values())
            self._cache.clear()
            self._bytes = 0
        self._released(dropped)

    # The protocol, reading through the cache.

    def list_scenarios(self) -> list[ScenarioSummary]:
        """Return every loaded scenario (cached)."""
        return list(self.cached(("list",), self.inner.list_scenarios))

    def scenario_ids(self) -> list[str]:
        """Return the ids of every loaded scenario (cached)."""
        return [s.id for s in self.list_scenarios()]

    def scenario(self, scenario_id: str) -> Scenario:
        """Return a loaded scenario (cached; scenarios are immutable)."""
        return self.cached(("scenario", scenario_id), lambda: self.inner.scenario(scenario_id))

    def load(self, scenarios: Sequence[Scenario], *, progress: Progress | None = None) -> None:
        """Load scenarios into the store, then forget what was derived from the old ones."""
        try:
            self.inner.load(scenarios, progress=progress)
        finally:
            self.invalidate()

    def delete(self, scenario_id: str) -> None:
        """Delete a scenario, then forget what was derived from it."""
        try:
            self.inner.delete(scenario_id)
        finally:
            self.invalidate()

    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        row_limit: int = DEFAULT_ROW_LIMIT,
    ) -> QueryResult:
        """Run a guarded read-only query on the store (never cached); at most ``queries`` run
        at once, and one more raises QueryBusy at once rather than wait for a slot."""
        if not self._query_slots.acquire(blocking=False):
            raise QueryBusy(
                f"{self.queries} console queries are running; at most {self.queries} run at once"
            )
        try:
            return self.inner.query(cypher, params, timeout=timeout, row_limit=row_limit)
        finally:
            self._query_slots.release()

    def ping(self) -> None:
        """Check the store answers; a success is trusted for PING_INTERVAL seconds."""
        if time.monotonic() - self._pinged < PING_INTERVAL:
            return
        self.inner.ping()
        self._pinged = time.monotonic()

    def close(self) -> None:
        """Close the store underneath."""
        self.inner.close()


class StillComputing(Exception):
    """The value is being computed and was not ready within the wait; ask again later."""

    def __init__(self, elapsed: float) -> None:
        super().__init__(f"still computing after {elapsed:.1f} s")
        self.elapsed = elapsed


class _Flight:
    """One computation in progress; the requests that wait for it share its result."""

    def __init__(self, generation: int) -> None:
        self.generation = generation
        self.started = time.monotonic()
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None

    def result(self) -> Any:
        self.done.wait()
        if self.error is not None:
            raise self.error
        return self.value


def open_configured(config: Mapping[str, Any]) -> GraphStore:
    """Open and fill the store the config names (DESIGN section 6, "Which data").

    ``DATA_SOURCE`` (set by ``govgraph serve``) wins; otherwise ``DATA`` means the embedded
    store with exactly those files, ``NEO4J_URI`` the Neo4j store, and neither the bundled
    scenarios in the embedded store (in memory, or in ``DB`` when that holds nothing yet).

    Raises
    ------
    graph.errors.StoreUnavailable
        When the store cannot be reached.
    graph.errors.ValidationFailed
        When a configured data file is invalid; nothing is served then.
    """
    from app.datasource import DataSource, open_data

    source = config.get("DATA_SOURCE") or DataSource(
        tuple(config.get("DATA") or ()), config.get("NEO4J_URI"), config.get("DB")
    )
    if not source.uses_neo4j:
        workers, memory = config.get("QUERY_WORKERS"), config.get("QUERY_MEMORY_MB")
        options = {"query_workers": workers, "query_memory_mb": memory}
        return open_data(source, **{k: int(v) for k, v in options.items() if v})
    return open_store(
        source.neo4j,
        user=config.get("NEO4J_USER"),
        password=config.get("NEO4J_PASSWORD"),
        database=config.get("NEO4J_DATABASE"),
    )


def init_app(app: Flask, store: GraphStore | None = None) -> None:
    """Open the store (or adopt ``store``), check it answers, and attach it to ``app``.

    The store is closed by :func:`close_app`, or when the app is garbage-collected or the
    process exits.
    """
    store = store if store is not None else open_configured(app.config)
    try:
        store.ping()
    except Exception:
        store.close()
        raise
    ttl, entries = app.config["CACHE_SECONDS"], app.config["CACHE_ENTRIES"]
    queries = int(app.config["QUERY_WORKERS"])
    limit = int(float(app.config["CACHE_MB"]) * 2**20)
    app.extensions[EXTENSION] = CachedStore(
        store, ttl=ttl, entries=entries, queries=queries, max_bytes=limit
    )
    app.extensions[CLOSER] = weakref.finalize(app, store.close)


def close_app(app: Flask) -> None:
    """Close ``app``'s store now rather than when the app is collected: an embedded database
    holds its file lock and its reserved address space until then."""
    closer = app.extensions.get(CLOSER)
    if closer is not None:
        closer()


def get_store() -> CachedStore:
    """Return the current app's store (inside a request or app context)."""
    store: CachedStore = current_app.extensions[EXTENSION]
    return store


def summaries(store: GraphStore, ids: Iterable[str] | None = None) -> list[ScenarioSummary]:
    """Return the summaries of ``ids`` (all when None), in store order."""
    wanted = None if ids is None else set(ids)
    return [s for s in store.list_scenarios() if wanted is None or s.id in wanted]
