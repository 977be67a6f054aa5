"""Analysis results kept by content, so an unchanged question is answered without computing.

``govgraph analyze --json`` on files it has analysed before prints the text it printed then.
An entry is named by a SHA-256 over everything the text depends on:

- the bytes of every input file (every file under a folder given as input) and its path;
- the options (scenario, as-of moment, confirmed only, output form);
- the code: every module of the ``graph`` package and the calling command's own modules;
- the Python version and the installed distributions (names and versions, which covers the
  graph and parsing libraries).

So an entry can never be stale: changing a byte of an input, an option, the code or a library
version gives another key, and the old entry is simply never read again (the least recently
used go first beyond :data:`MAX_ENTRIES`). Only answers that were computed without an error
are kept. ``GOVGRAPH_CACHE_DIR=off`` turns the cache off (:mod:`graph.cachefolder`).

This module imports only the standard library: a cached answer costs the interpreter, the
hashing and one file read, and never imports networkx.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path

from graph.cachefolder import cache_folder, write_entry

__all__ = ["result_key", "cached_result", "keep_result", "MAX_ENTRIES"]

#: The most results kept; beyond it the least recently used are removed.
MAX_ENTRIES = 256
#: Changes when the layout of the key or of an entry changes.
_FORMAT = b"govgraph-analysis-1"
_SUFFIX = ".analysis"
_PACKAGE = Path(__file__).resolve().parent


def result_key(
    inputs: Sequence[str | os.PathLike[str]],
    options: Mapping[str, object],
    code: Iterable[str | os.PathLike[str]] = (),
) -> str | None:
    """Return the key of the answer for ``inputs`` with ``options``, computed by the ``graph``
    package and the modules ``code``; None when an input cannot be read (the computation then
    reports the problem, and nothing is kept).

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "s.yaml"
    >>> _ = path.write_text("govgraph: 1")
    >>> a = result_key([path], {"as_of": None})
    >>> a == result_key([path], {"as_of": None}), a == result_key([path], {"as_of": "all"})
    (True, False)
    >>> _ = path.write_text("govgraph: 1 ")
    >>> a == result_key([path], {"as_of": None})
    False
    """
    digest = hashlib.sha256(_FORMAT)
    digest.update(_environment(tuple(str(Path(c).resolve()) for c in code)))
    digest.update(json.dumps(options, sort_keys=True, default=str).encode())
    try:
        for path in inputs:
            for file in _files(Path(path)):
                digest.update(b"\0" + os.fsencode(file) + b"\0")
                digest.update(hashlib.sha256(file.read_bytes()).digest())
    except OSError:
        return None
    return digest.hexdigest()


def cached_result(key: str | None) -> str | None:
    """Return the text kept under ``key``, or None (no entry, no key, or the cache off)."""
    folder = cache_folder()
    if key is None or folder is None:
        return None
    entry = folder / f"{key}{_SUFFIX}"
    try:
        text = entry.read_bytes().decode("utf-8")
        os.utime(entry)  # recently used: kept longest
    except (OSError, UnicodeDecodeError):
        return None
    return text


def keep_result(key: str | None, text: str) -> None:
    """Keep ``text`` under ``key`` (nothing when there is no key or the cache is off)."""
    folder = cache_folder()
    if key is None or folder is None:
        return
    data = text.encode("utf-8")
    write_entry(folder / f"{key}{_SUFFIX}", lambda out: out.write(data), keep=MAX_ENTRIES)


def _files(path: Path) -> list[Path]:
    """Return ``path``, or every file under it (sorted) when it is a folder."""
    if not path.is_dir():
        return [path.resolve()]
    found: list[Path] = []
    for folder, folders, names in os.walk(path):
        folders.sort()
        found.extend(Path(folder, name).resolve() for name in sorted(names))
    return found


@cache
def _environment(code: tuple[str, ...]) -> bytes:
    """A digest of the code that computes an answer and of the interpreter and libraries."""
    digest = hashlib.sha256(sys.version.encode())
    modules = sorted(_PACKAGE.rglob("*.py"))
    for path in [*modules, *map(Path, code)]:
        digest.update(os.fsencode(path) + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"-")
    for name in _distributions():
        digest.update(name.encode() + b"\0")
    return digest.digest()


def _distributions() -> list[str]:
    """Return the installed distributions' metadata folder names (``networkx-3.4.2.dist-info``)
    on ``sys.path``, sorted: a folder listing, far cheaper than ``importlib.metadata``."""
    names: set[str] = set()
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as listing:
                names.update(
                    item.name for item in listing if item.name.endswith((".dist-info", ".egg-info"))
                )
        except OSError:
            continue
    return sorted(names)
