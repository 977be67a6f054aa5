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
from typing import Any

__all__ = ["limit_arenas", "release_memory", "ARENAS"]

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
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
