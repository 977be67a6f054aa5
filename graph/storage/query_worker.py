"""Console queries on the embedded store run in worker processes, never in the caller's.

LadybugDB runs in process: a hostile query (a list nested 3,000 deep) crashed the whole
server, and a runaway one kept a core busy after its deadline. So each console query goes
to a worker process holding its own read-only copy of the database:

- The copy (a *snapshot*) is a database folder the store writes on demand
  (:meth:`graph.storage.embedded.EmbeddedStore.snapshot`) after any write, and every
  worker opens read-only; a write to the store only marks it stale.
- A worker keeps the snapshot open and one connection to it between queries, so a
  repeated statement is planned once (see :class:`_Reader`).
- A worker that does not answer by the deadline (plus a grace second), grows past the
  memory bound, or dies is killed and replaced on the next query, so a timed-out query
  stops using CPU and memory at once, and a crash costs one query, not the server.
- At most ``workers`` queries run at once; one more raises :class:`QueryBusy` at once.

Workers start from a fork server that has the store's modules imported, so a new worker
is ready in milliseconds rather than the second a fresh interpreter takes.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import graph.errors as errors
from graph.errors import GraphError, QueryBusy, QueryCrashed, QueryRejected, QueryTimeout
from graph.storage.base import QueryResult
from graph.storage.query_limits import check_text

__all__ = ["QueryPool", "GRACE_S", "DEFAULT_WORKERS", "DEFAULT_MEMORY_MB"]

#: Seconds an idle worker waits for a query before it ends itself.
IDLE_EXIT_S = 60.0
#: Seconds a worker may overrun the deadline (its own interrupt) before it is killed.
GRACE_S = 1.0
#: Queries that may run at once.
DEFAULT_WORKERS = 2
#: Resident memory a worker may reach before its query is stopped, in megabytes.
DEFAULT_MEMORY_MB = 2048
_POLL_S = 0.05
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

_context: Any = None
_context_lock = threading.Lock()


def _mp_context() -> Any:
    """Return the fork-server context, with the store's modules preloaded (once per process)."""
    global _context
    with _context_lock:
        if _context is None:
            _context = multiprocessing.get_context("forkserver")
            _context.set_forkserver_preload(["graph.storage.embedded"])
        return _context


@dataclass
class _Worker:
    process: Any
    conn: Connection
    idle_since: float = 0.0

    def is_fresh(self) -> bool:
        """True while it is alive and far from ending itself for being idle."""
        idle = time.monotonic() - self.idle_since
        return self.process.is_alive() and idle < IDLE_EXIT_S / 2


class QueryPool:
    """Worker processes answering guarded read-only queries on a snapshot of a store.

    Parameters
    ----------
    snapshot : callable
        Called with an empty folder; writes there a database the workers open read-only.
    workers : int
        Most queries running at once (and most worker processes kept).
    memory_mb : int
        Resident memory at which a worker's query is stopped and the worker killed.
    """

    def __init__(
        self,
        snapshot: Callable[[str], None],
        *,
        workers: int = DEFAULT_WORKERS,
        memory_mb: int = DEFAULT_MEMORY_MB,
    ) -> None:
        self._snapshot = snapshot
        self.workers = workers
        self.memory_mb = memory_mb
        self._lock = threading.Lock()
        self._snapshot_lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._busy: set[int | None] = set()
        self._running = 0
        self._stale = True
        self._folder: str | None = None
        self._closed = False

    def invalidate(self) -> None:
        """Mark the snapshot stale: the next query copies the store again."""
        self._stale = True

    def query(
        self, cypher: str, params: Mapping[str, Any] | None, *, timeout: float, row_limit: int
    ) -> QueryResult:
        """Run one guarded read-only statement in a worker; see the module for the bounds.

        Raises
        ------
        QueryRejected, UnsupportedQuery
            As the store's guard decides (the guard runs in the worker, inside the deadline).
        QueryCrashed
            When the query made the engine fail; the worker is replaced.
        QueryTimeout
            When the worker did not answer by the deadline; it is killed.
        QueryBusy
            When ``workers`` queries are already running.
        """
        check_text(cypher)  # before the text is copied to a worker
        self._reserve()
        worker: _Worker | None = None
        try:
            folder = self._current_folder()
            worker = self._take()
            self._busy.add(worker.process.pid)
            worker.conn.send((folder, cypher, dict(params or {}), timeout, row_limit))
            reply = self._wait(worker, timeout)
        except BaseException:
            if worker is not None:
                self._busy.discard(worker.process.pid)
                _stop(worker)  # it may be mid-query: never hand it to the next caller
                worker = None
            raise
        finally:
            self._release(worker)
        return _result(reply)  # a refusal raised here leaves the worker in service

    # Slots and workers.

    def _reserve(self) -> None:
        with self._lock:
            if self._running >= self.workers:
                raise QueryBusy(
                    f"{self._running} console queries are running; at most {self.workers} "
                    "run at once"
                )
            self._running += 1

    def _release(self, worker: _Worker | None) -> None:
        with self._lock:
            self._running -= 1
            self._busy.discard(worker.process.pid if worker else None)
            if worker is not None and not self._closed and worker.process.is_alive():
                worker.idle_since = time.monotonic()
                self._idle.append(worker)
                return
        if worker is not None:
            _stop(worker)

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.is_fresh():
                    return worker
                _stop(worker)
        return _start()

    def _wait(self, worker: _Worker, timeout: float) -> Any:
        """Return the worker's reply; kill it past the deadline, the memory bound or a crash."""
        deadline = time.monotonic() + timeout + GRACE_S
        while not worker.conn.poll(_POLL_S):
            if not worker.process.is_alive():
                raise _crashed(worker.process.exitcode)
            if _rss_mb(worker.process.pid) > self.memory_mb:
                raise QueryRejected(
                    f"the query used more than {self.memory_mb} MB of memory and was stopped",
                    hint="Narrow the query (add a LIMIT, anchor the MATCH on an id).",
                    code="query-too-large",
                )
            if time.monotonic() > deadline:
                raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")
        try:
            return worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(1.0)
            raise _crashed(worker.process.exitcode) from None

    # The snapshot the workers read.

    def _current_folder(self) -> str:
        with self._snapshot_lock:
            if self._stale or self._folder is None:
                self._stale = False  # a write during the copy marks it stale again
                folder = tempfile.mkdtemp(prefix="govgraph-snapshot-")
                try:
                    self._snapshot(folder)
                except BaseException:
                    self._stale = True
                    shutil.rmtree(folder, ignore_errors=True)
                    raise
                # Workers still reading the old copy keep their open files (POSIX unlink).
                old, self._folder = self._folder, folder
                if old:
                    shutil.rmtree(old, ignore_errors=True)
            return self._folder

    def worker_pids(self, *, busy: bool = False) -> list[int]:
        """Return the process ids of the idle workers, or of those running a query."""
        with self._lock:
            if busy:
                return [pid for pid in self._busy if pid is not None]
            return [w.process.pid for w in self._idle if w.process.is_alive()]

    def close(self) -> None:
        """Stop every worker and remove the snapshot."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            _stop(worker)
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


#: Seconds a new worker may take to start (import the engine) before it counts as failed.
START_TIMEOUT_S = 120.0


def _start() -> _Worker:
    """Start a worker and wait until it is ready, so its start-up is not part of a deadline."""
    context = _mp_context()
    parent, child = context.Pipe()
    process = context.Process(target=_serve, args=(child,), daemon=True, name="govgraph-query")
    process.start()
    child.close()
    worker = _Worker(process, parent)
    try:
        if parent.poll(START_TIMEOUT_S) and parent.recv() == "ready":
            return worker
    except (EOFError, OSError):
        pass
    _stop(worker)
    raise errors.StoreUnavailable(
        f"a query worker process did not start (exit {process.exitcode})",
        hint="Run again with GOVGRAPH_DEBUG=1; the worker's error is on stderr.",
    )


def _stop(worker: _Worker) -> None:
    """Kill a worker now (it may be stuck inside the engine) and reap it."""
    if worker.process.is_alive():
        worker.process.kill()
    worker.process.join(5.0)
    worker.conn.close()


def _rss_mb(pid: int | None) -> float:
    """Return a process's resident memory in megabytes (0 where /proc is missing)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def _crashed(exitcode: int | None) -> QueryCrashed:
    how = f"signal {-exitcode}" if exitcode is not None and exitcode < 0 else f"exit {exitcode}"
    name = ""
    if exitcode is not None and exitcode < 0:
        try:
            name = f" ({signal.Signals(-exitcode).name})"
        except ValueError:
            name = ""
    return QueryCrashed(f"the query made the query engine fail ({how}{name}) and was stopped")


def _result(reply: Any) -> QueryResult:
    if reply[0] == "ok":
        _, columns, rows, truncated = reply
        return QueryResult(columns, rows, truncated)
    _, name, message, hint, code, position = reply
    cls = getattr(errors, name, None)
    if not (isinstance(cls, type) and issubclass(cls, GraphError)):
        cls = QueryRejected
    error = cls.__new__(cls)  # subclasses' own __init__ differ; set the shared fields
    GraphError.__init__(error, message, hint=hint, code=code)
    if position is not None:
        error.position = position  # type: ignore[attr-defined]
    raise error


# The worker process.


def _serve(conn: Connection) -> None:
    """Answer queries from ``conn`` until the caller goes away (or the engine hangs)."""
    from graph.storage.embedded import QueryAbandoned, run_query

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the caller, which stops us
    conn.send("ready")
    reader: _Reader | None = None
    while True:
        try:
            if not conn.poll(IDLE_EXIT_S):
                return  # idle: give the memory back; the pool starts another when needed
            folder, cypher, params, timeout, row_limit = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if reader is None or reader.folder != folder:
                reader = _Reader(folder, reader)
            session = reader.connection(cypher)
            result = run_query(session, cypher, params, timeout=timeout, row_limit=row_limit)
            conn.send(("ok", result.columns, result.rows, result.truncated))
        except QueryAbandoned as exc:
            conn.send(_error_reply(exc.error))
            os._exit(0)  # the engine would not stop: end the process, freeing its core
        except QueryTimeout as exc:
            reader.discard()  # type: ignore[union-attr] # an interrupt may outlive its query
            conn.send(_error_reply(exc))
        except GraphError as exc:
            conn.send(_error_reply(exc))
        except Exception as exc:  # noqa: BLE001 - reported to the caller as a refusal
            if reader is not None:
                reader.discard()
            conn.send(
                ("error", "QueryRejected", str(exc), QueryRejected.hint, "query-rejected", None)
            )


#: Distinct statements one worker connection prepares before it is replaced: LadybugDB keeps
#: every statement a connection has prepared, so a connection kept for ever would only grow.
STATEMENTS_PER_CONNECTION = 128


class _Reader:
    """The snapshot a worker reads, and one connection to it kept from query to query.

    A connection prepares each statement once and keeps the plan, so a console repeating a
    query (or the same query with other parameters) skips parsing and planning, most of a
    short query's time. The connection is replaced after a query that timed out (its
    interrupt may outlive it) and after :data:`STATEMENTS_PER_CONNECTION` distinct statements;
    the database is reopened only when the store wrote a new snapshot.
    """

    def __init__(self, folder: str, previous: _Reader | None = None) -> None:
        from graph.storage.embedded import open_read_only

        if previous is not None:
            previous.close()
        self.folder = folder
        self.db = open_read_only(folder)
        self._session: Any = None
        self._statements: set[str] = set()

    def connection(self, cypher: str) -> Any:
        """Return the kept connection (a new one when there is none or it is full)."""
        import ladybug

        full = len(self._statements) >= STATEMENTS_PER_CONNECTION
        if self._session is None or (full and cypher not in self._statements):
            self.discard()
            self._session = ladybug.Connection(self.db)
        self._statements.add(cypher)
        return self._session

    def discard(self) -> None:
        """Close the kept connection; the next query opens another."""
        if self._session is not None:
            self._session.close()
        self._session = None
        self._statements.clear()

    def close(self) -> None:
        """Close the connection and the snapshot database."""
        self.discard()
        self.db.close()


def _error_reply(exc: GraphError) -> tuple[str, str, str, str, str, Any]:
    position = getattr(exc, "position", None)
    return ("error", type(exc).__name__, exc.message, exc.hint, exc.code, position)
