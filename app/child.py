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
store's cache lock, for one): give it the data it needs, computed beforehand. Where the
platform cannot fork, the function runs in the calling thread.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import threading
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from app.memory import release_memory
from app.sizing import estimate_bytes
from graph.errors import GraphError

__all__ = ["in_child", "in_a_child", "CAN_FORK", "CHILD_NICENESS", "Encoded", "frozen_children"]

T = TypeVar("T")

CAN_FORK = "fork" in multiprocessing.get_all_start_methods()
#: How much lower the child's scheduling priority is than the server's (``nice``).
CHILD_NICENESS = 10

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
                child.start()
        except BaseException:
            _children -= 1
            if _children == 0:
                gc.unfreeze()
            raise


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
