"""Heavy computations in a child process, so the server's request threads never wait for them.

Python runs one thread at a time per process: while a 100k-relation analysis computed in a
request thread, every other request (``/healthz`` included) queued behind it for the
interpreter. :func:`in_child` forks the server, runs the function in the child on the data
the parent already holds (nothing to send: the child has a copy-on-write view of it) and
sends back only the result. The parent thread waits on a pipe, holding no lock.

The function must not take locks other threads may hold at the moment of the fork (the
store's cache lock, for one): give it the data it needs, computed beforehand. Where the
platform cannot fork, the function runs in the calling thread.
"""

from __future__ import annotations

import multiprocessing
import os
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from graph.errors import GraphError

__all__ = ["in_child", "CAN_FORK"]

T = TypeVar("T")

CAN_FORK = "fork" in multiprocessing.get_all_start_methods()


def in_child(function: Callable[..., T], *args: Any) -> T:
    """Return ``function(*args)`` computed in a forked child process.

    Raises
    ------
    Exception
        What ``function`` raised (when it can be pickled), or a GraphError when the child
        ended without an answer.
    """
    if not CAN_FORK:
        return function(*args)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_run, args=(send, function, args), daemon=True)
    with warnings.catch_warnings():
        # Python 3.12 warns of fork in a threaded process; the child takes no lock (above).
        warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
        child.start()
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
    if kind == "error":
        raise value
    result: T = value
    return result


def _run(send: Any, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """In the child: answer once, then leave at once (no exit handlers: the parent's store,
    workers and files are the parent's to close)."""
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
