"""The user cache folder both content-keyed caches share (scenarios read, analyses computed).

The folder is ``GOVGRAPH_CACHE_DIR``, else ``$XDG_CACHE_HOME/govgraph``, else
``~/.cache/govgraph``; ``GOVGRAPH_CACHE_DIR=off`` turns every cache off. A folder that cannot
be written only costs the speed-up. Only the standard library is imported here: the command
line reads a cached answer before it imports anything else.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import IO

__all__ = ["cache_folder", "write_entry", "prune"]


def cache_folder() -> Path | None:
    """Return the cache folder, or None when ``GOVGRAPH_CACHE_DIR=off``."""
    chosen = os.environ.get("GOVGRAPH_CACHE_DIR", "").strip()
    if chosen.lower() in ("off", "0", "none"):
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache"
    return Path(base) / "govgraph"


def write_entry(entry: Path, write: Callable[[IO[bytes]], object], keep: int) -> None:
    """Write ``entry`` atomically with ``write(handle)`` (a reader never sees half a file),
    then keep only the ``keep`` most recently used entries of its suffix; ignore any failure."""
    import tempfile

    temporary = None
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            write(out)
        os.replace(temporary, entry)
        prune(entry.parent, "*" + "".join(entry.suffixes), keep)
    except OSError:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def prune(folder: Path, pattern: str, keep: int) -> None:
    """Remove all but the ``keep`` most recently used files matching ``pattern``."""
    entries = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime)
    for old in entries[: max(len(entries) - keep, 0)]:
        old.unlink(missing_ok=True)
