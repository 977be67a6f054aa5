"""Giving memory back: cyclic garbage collected and freed heap returned to the system.

Two things kept a server's resident memory well above what its view cache holds:

- A networkx graph refers to itself (its cached node and edge views hold the graph), so a
  view dropped from the cache is garbage only the cyclic collector frees, and on a large
  heap its full collections are rare (and none run while the heap is frozen for a child,
  see :mod:`app.child`). :func:`release_memory` collects at once.
- glibc's ``malloc`` gives each thread that allocates its own arena (up to eight per core)
  and keeps freed memory in it: each request thread that built a large view kept its own
  hundred megabytes. :func:`limit_arenas` caps the arenas and :func:`release_memory` hands
  free pages back (``malloc_trim``).

Elsewhere than glibc these are no-ops, bar the collection.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import weakref
from typing import Any

__all__ = ["limit_arenas", "release_memory", "trim_memory", "freed_at_once", "ARENAS"]

#: malloc arenas the server's threads share (glibc's default is eight per core).
ARENAS = 2
#: ``mallopt``'s parameter number for the arena cap (glibc's malloc.h).
_M_ARENA_MAX = -8


def _libc() -> Any:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


_LIBC = _libc()


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Cap the malloc arenas threads created from now on share; return whether it applied."""
    return _LIBC is not None and bool(_LIBC.mallopt(_M_ARENA_MAX, arenas))


def release_memory() -> None:
    """Collect cyclic garbage now and return the heap's free pages to the system.

    A full collection of a large heap holds the interpreter for a fraction of a second:
    call it after dropping something large, not per request.
    """
    gc.collect()
    trim_memory()


#: The views networkx caches in a graph's own ``__dict__``, each holding the graph.
_GRAPH_VIEWS = ("adj", "succ", "pred", "nodes", "edges", "in_edges", "out_edges", "degree",
                "in_degree", "out_degree")  # fmt: skip
#: Values that hold no reference to anything that could lead back to them.
_ACYCLIC = (bytes, str, int, float, type(None))


def freed_at_once(values: list[Any]) -> bool:
    """Let go of ``values`` (the caller's last references: the list is emptied) and return
    True if reference counting freed every one, so no full collection is needed for them.

    A full collection of a large heap holds the interpreter for most of a second. What a
    dropped view keeps alive by a cycle is its networkx graph, which refers to itself only
    through the views it caches in its own ``__dict__`` (``G.edges``, ``G.nodes``, ...):
    dropping those (networkx makes them again when asked) lets reference counting free it.
    A value that still lives (another thread may be using it) or cannot be watched (no
    weak references) is left to the collector: False.
    """
    watched = []
    unknown = False
    while values:
        value = values.pop()
        for graph in _graphs_in(value):
            for name in _GRAPH_VIEWS:
                vars(graph).pop(name, None)
        try:
            watched.append(weakref.ref(value))
        except TypeError:
            unknown = unknown or not isinstance(value, _ACYCLIC)
        del value
    return not unknown and all(ref() is None for ref in watched)


def _graphs_in(value: Any) -> list[Any]:
    """The networkx graphs ``value`` is or holds as an attribute (a view and its graph)."""
    import networkx as nx

    if isinstance(value, nx.Graph):
        return [value]
    members = getattr(value, "__dict__", {}).values()
    return [member for member in members if isinstance(member, nx.Graph)]


def trim_memory() -> None:
    """Hand free heap pages back to the system (no collection)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
