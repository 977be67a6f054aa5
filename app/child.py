"""Heavy computations in a child process, so the server's request threads never wait for them.

Python runs one thread at a time per process: while a 100k-relation analysis computed in a
request thread, every other request (``/healthz`` included) queued behind it for the
interpreter. :func:`in_child` forks the server, runs the function in the child on the data
the parent already holds (nothing to send: the child has a copy-on-write view of it) and
sends back only the result. The parent thread waits on a pipe, holding no lock.

What the parent still does is kept small, since any of it holds the interpreter:

- The heap is frozen (``gc.freeze()``) from just before the fork until the last child ends,
  so neither process's garbage collector walks the inherited objects: in the child that
  would copy every page of the parent's heap, in the parent it is a pause of a second or
  more on a large heap with the child still running.
  Thawing collects the whole heap only when something large was dropped meanwhile
  (:func:`release_after_children`): a full collection of a large heap is itself a pause
  (0.3 s for a 100k-relation scenario and its graph on an idle machine).
- The child runs at a lower priority (:data:`CHILD_NICENESS`), so on a busy machine the
  server keeps a core for its requests.
- A large result is best sent as :class:`Encoded`: the child encodes the JSON body and the
  pickle, the parent serves the body as it came and unpickles only when a view needs the
  object (a 100k analysis took seconds to encode in the parent, all that time holding the
  interpreter).

The function must not take locks other threads may hold at the moment of the fork (the
store's cache lock, for one): give it the data it needs, computed beforehand. One such lock
is hidden: on Python 3.11 every ``functools.cached_property`` (networkx's ``G.adj``,
``G.edges``, ...) holds one lock for all instances while it computes, so a fork while a
request thread first touched ``G.edges`` of any graph left the child waiting on it forever.
The child gives those properties fresh locks before it computes. Another is a module a
request thread is importing for the first time: the child would wait for that import to
finish, in a thread it does not have, so the fork waits (up to :data:`IMPORT_WAIT_S`) until no
other thread is inside an import. And the parent gives up on a child that has used no
processor time for :data:`STUCK_AFTER_S` seconds (some other lock held at the fork), with an
error that says to try again. Where the platform cannot fork, the function runs in the
calling thread.
"""

from __future__ import annotations

import _imp
import gc
import importlib._bootstrap
import multiprocessing
import os
import pickle
import sys
import threading
import time
import warnings
from collections.abc import Callable
from functools import cached_property
from typing import Any, TypeVar

from app.memory import release_memory
from app.sizing import estimate_bytes
from graph.errors import GraphError

__all__ = ["in_child", "in_a_child", "CAN_FORK", "CHILD_NICENESS", "Encoded", "frozen_children"]

T = TypeVar("T")

CAN_FORK = "fork" in multiprocessing.get_all_start_methods()
#: How much lower the child's scheduling priority is than the server's (``nice``).
CHILD_NICENESS = 10
#: A child that used no processor time for this long is waiting on a lock it inherited held
#: (a computing child, even at its low priority, gets some of a core every few seconds).
STUCK_AFTER_S = 20.0
#: How often the parent looks whether a silent child still computes.
_CHECK_EVERY_S = 1.0
#: How long a fork waits for other threads' imports to finish before it forks anyway.
IMPORT_WAIT_S = 5.0

_freeze_lock = threading.Lock()
_children = 0
#: Something large was dropped while the heap was frozen: the thaw is to collect it.
_dropped_while_frozen = False
#: True in a child: work it asks to run in a child runs in it, since forking again gains
#: nothing and the copied ``_freeze_lock`` may have been held by a thread that is not here.
_in_a_child = False


def in_child(function: Callable[..., T], *args: Any) -> T:
    """Return ``function(*args)`` computed in a forked child process.

    Raises
    ------
    Exception
        What ``function`` raised (when it can be pickled), or a GraphError when the child
        ended without an answer.
    """
    if not CAN_FORK or _in_a_child:
        return function(*args)
    context = multiprocessing.get_context("fork")
    _cached_properties()  # listed here, so the child only renews their locks
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_run, args=(send, function, args), daemon=True)
    try:
        _started_frozen(child)
    except BaseException:
        receive.close()
        raise
    finally:
        send.close()
    try:
        _wait_for_answer(receive, child)
        kind, value = receive.recv()
    except EOFError:
        raise GraphError(
            "the computation's process ended without an answer",
            code="computation-failed",
            hint="Try again; if it keeps failing the server may lack memory.",
        ) from None
    finally:
        receive.close()
        child.join()
        _thaw()
    if kind == "error":
        raise value
    result: T = value
    return result


def _wait_for_answer(receive: Any, child: Any) -> None:
    """Return once the child's answer (or its end) is in the pipe; kill a child that has used
    no processor time for STUCK_AFTER_S seconds and raise a GraphError."""
    used, since = _processor_time(child.pid), time.monotonic()
    while not receive.poll(_CHECK_EVERY_S):
        now_used = _processor_time(child.pid)
        if now_used is None or now_used != used:
            used, since = now_used, time.monotonic()
        elif time.monotonic() - since >= STUCK_AFTER_S:
            child.kill()
            raise GraphError(
                f"the computation stopped: its process used no processor time for "
                f"{STUCK_AFTER_S:g} s",
                code="computation-failed",
                hint="Try again; the next attempt starts a new process.",
            )


def _processor_time(pid: int | None) -> int | None:
    """The processor time (clock ticks, user and system) process ``pid`` has used, or None
    where /proc does not tell (then a child is never judged stuck)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[11]) + int(fields[12])  # utime and stime: fields 14 and 15 of stat


#: The cached properties of the loaded classes, and how many modules were loaded when they
#: were listed (a new module may bring new classes).
_properties: tuple[int, list[cached_property[Any]]] = (-1, [])


def _cached_properties() -> list[cached_property[Any]]:
    """Every ``functools.cached_property`` of the loaded classes that has a lock (Python
    3.11): listed in the parent, so a child only gives each a fresh lock."""
    global _properties
    if sys.version_info >= (3, 12):
        return []
    modules = len(sys.modules)
    if _properties[0] != modules:
        found, seen, stack = [], set(), [object]
        while stack:
            for cls in type.__subclasses__(stack.pop()):
                if cls not in seen:
                    seen.add(cls)
                    stack.append(cls)
                    found += [v for v in vars(cls).values() if isinstance(v, cached_property)]
        _properties = (modules, [p for p in found if hasattr(p, "lock")])
    return _properties[1]


def _unlock_cached_properties() -> None:
    """In the child: a fresh lock for each cached property, whose parent lock a thread that
    does not exist here may have held at the fork."""
    for prop in _properties[1]:
        prop.lock = threading.RLock()  # type: ignore[attr-defined]


def in_a_child() -> bool:
    """Return True in a child started by :func:`in_child` (False where it ran inline)."""
    return _in_a_child


def frozen_children() -> int:
    """Return how many children are running with the parent's heap frozen."""
    return _children


def _started_frozen(child: Any) -> None:
    """Freeze the heap (unless a running child has) and start ``child``."""
    global _children
    with _freeze_lock:
        if _children == 0:
            gc.freeze()
        _children += 1
        try:
            with warnings.catch_warnings():
                # Python 3.12 warns of fork in a threaded process; the child takes no lock.
                warnings.filterwarnings(
                    "ignore", "This process .* is multi-threaded", DeprecationWarning
                )
                _between_imports(child.start)
        except BaseException:
            _children -= 1
            if _children == 0:
                gc.unfreeze()
            raise


def _between_imports(fork: Callable[[], None]) -> None:
    """Call ``fork`` while no other thread is inside an import. Holding the interpreter's
    import lock stops a new import from starting; one under way is let finish first (up to
    IMPORT_WAIT_S), since its module would stay half made in the child."""
    deadline = time.monotonic() + IMPORT_WAIT_S
    while True:
        _imp.acquire_lock()
        try:
            if not _importing_elsewhere() or time.monotonic() > deadline:
                fork()
                return
        finally:
            _imp.release_lock()
        time.sleep(0.002)


def _importing_elsewhere() -> bool:
    """Whether a thread other than this one holds a module's import lock (importlib's own
    bookkeeping; where a Python keeps none, nothing is seen as under way)."""
    locks = getattr(importlib._bootstrap, "_module_locks", {})
    me = threading.get_ident()
    for ref in list(locks.values()):
        lock = ref()
        if lock is not None and getattr(lock, "count", 0) and getattr(lock, "owner", me) != me:
            return True
    return False


def release_after_children() -> bool:
    """Say that something large was just dropped; return True when children are running, so
    its memory is released when the last one ends (frozen, the collector cannot see it),
    False when the caller is to release it now (:func:`app.memory.release_memory`)."""
    global _dropped_while_frozen
    with _freeze_lock:
        if _children:
            _dropped_while_frozen = True
        return _children > 0


def _thaw() -> None:
    """Let the garbage collector see the heap again once the last child has ended, and free
    what large value was dropped meanwhile (unfrozen, it would wait for a rare full
    collection). With nothing dropped, no full collection: it would be a pause for nothing."""
    global _children, _dropped_while_frozen
    collect = False
    with _freeze_lock:
        _children -= 1
        if _children == 0:
            gc.unfreeze()
            collect, _dropped_while_frozen = _dropped_while_frozen, False
    if collect:
        release_memory()


def _run(send: Any, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """In the child: answer once, then leave at once (no exit handlers: the parent's store,
    workers and files are the parent's to close)."""
    global _in_a_child
    _in_a_child = True
    _unlock_cached_properties()
    try:
        _imp.release_lock()  # the fork was made holding it (:func:`_between_imports`)
    except RuntimeError:  # not held here
        pass
    try:
        os.nice(CHILD_NICENESS)
    except OSError:  # not allowed here: compute at the server's priority
        pass
    try:
        reply: tuple[str, Any] = ("ok", function(*args))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        reply = ("error", exc)
    try:
        send.send(reply)
    except Exception as exc:  # noqa: BLE001 - an unpicklable error: send what it said
        send.send(("error", GraphError(str(exc), code="computation-failed")))
    finally:
        send.close()
        os._exit(0)


class Encoded:
    """A value as a JSON body (``json``, served as it is) and a pickle (``value``, unpickled
    on first use, once), made where the value was computed.

    Its size (``sys.getsizeof``, which the view cache bounds) counts both encodings and the
    value as it will be once unpickled.

    Examples
    --------
    >>> import json, sys
    >>> encoded = Encoded({"layers": {"a": 0}, "chain": ("a", "b")}, json.dumps)
    >>> encoded.json, encoded.value["chain"]
    (b'{"layers": {"a": 0}, "chain": ["a", "b"]}\\n', ('a', 'b'))
    >>> sys.getsizeof(encoded) > len(encoded.json) + len(encoded.pickled)
    True
    """

    def __init__(self, value: Any, dumps: Callable[[Any], str]) -> None:
        self.json = (dumps(value) + "\n").encode()
        self.pickled = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        self.value_bytes = estimate_bytes(value)
        self._value: Any = None
        self._lock = threading.Lock()

    @property
    def value(self) -> Any:
        """The value itself (shared: treat it as read-only)."""
        with self._lock:
            if self._value is None:
                self._value = pickle.loads(self.pickled)
            return self._value

    def __sizeof__(self) -> int:
        return object.__sizeof__(self) + len(self.json) + len(self.pickled) + self.value_bytes

    def __getstate__(self) -> dict[str, Any]:
        return {"json": self.json, "pickled": self.pickled, "value_bytes": self.value_bytes}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._value = None
        self._lock = threading.Lock()
