"""Scenario files read once: validated scenarios kept in a user cache folder, keyed by content.

Every command used to parse and validate the bundled scenarios at each start (most of a
``govgraph analyze``). A file whose scenarios were read and found valid is kept as a pickle
named by the hash of its bytes, its suffix and the code that reads and checks it; the next
read of the same bytes unpickles only the headers of its scenarios, and the scenarios when
one is asked for (:mod:`graph.formats.shelf`). It can never be stale: changing one byte of the file,
or of the reader and validator modules, changes the key. Only valid results are kept, so
problems are always found and reported afresh.

The folder is :func:`graph.cachefolder.cache_folder` (``GOVGRAPH_CACHE_DIR``;
``GOVGRAPH_CACHE_DIR=off`` turns the cache off). A folder that cannot be written only costs
the speed-up. Files under :data:`MIN_BYTES` are not kept (they read in
milliseconds) unless they are bundled; at most :data:`MAX_ENTRIES` files are kept (the least
recently used go first).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import IO

from graph.cachefolder import cache_folder, write_entry
from graph.formats.shelf import Header, ShelvedFile
from graph.model import Scenario, mark_consistent

__all__ = ["cache_folder", "cached_read", "cached_shelf", "MIN_BYTES", "MAX_ENTRIES"]

#: Smaller files are read afresh each time (unless bundled): caching would not pay.
MIN_BYTES = 256 * 1024
#: The most files kept; beyond it the least recently read are removed.
MAX_ENTRIES = 64

#: Modules whose code decides what a file reads as: any change to them makes a new key.
_READER_MODULES = (
    "model.py", "validation.py", "validation_rules.py", "validation_fast.py", "vocabulary.py",
    "network.py", "dates.py",
    "formats/__init__.py", "formats/yamljson.py", "formats/tabular.py", "formats/csvfolder.py",
    "formats/xlsx.py", "formats/graphml.py", "formats/gexf.py", "formats/xmlgraph.py",
    "formats/cache.py", "formats/shelf.py", "formats/meaning.py",
)  # fmt: skip


@cache
def _code_fingerprint() -> bytes:
    """A digest of the reading and validating code (and the Python version pickles for)."""
    digest = hashlib.sha256(sys.version.encode())
    package = Path(__file__).resolve().parents[1]
    for name in _READER_MODULES:
        path = package / name
        digest.update(name.encode() + (path.read_bytes() if path.is_file() else b"-"))
    return digest.digest()


def _key(data: bytes, suffix: str) -> str:
    digest = hashlib.sha256(_code_fingerprint())
    digest.update(suffix.lower().encode() + b"\0" + data)
    return digest.hexdigest()


def cached_read(
    data: bytes, suffix: str, read: Callable[[], list[Scenario]], *, always: bool = False
) -> list[Scenario]:
    """Return ``read()`` for a file of bytes ``data``, from the cache when these bytes (with
    this suffix and this code) were read before.

    ``read`` raises :class:`graph.errors.ValidationFailed` for an invalid file, which is
    never cached. ``always`` keeps small files too (the bundled scenarios).

    Examples
    --------
    >>> calls = []
    >>> def read():
    ...     calls.append(1)
    ...     return []
    >>> import tempfile; os.environ["GOVGRAPH_CACHE_DIR"] = tempfile.mkdtemp()
    >>> [cached_read(b"x", ".json", read, always=True) for _ in range(2)]
    [[], []]
    >>> len(calls)
    1
    >>> del os.environ["GOVGRAPH_CACHE_DIR"]
    """
    return list(cached_shelf(data, suffix, read, always=always).scenarios().values())


def cached_shelf(
    data: bytes, suffix: str, read: Callable[[], list[Scenario]], *, file: str = "",
    always: bool = False,
) -> ShelvedFile:  # fmt: skip
    """Return the file of bytes ``data`` shelved: when these bytes were read before, only its
    scenarios' headers are read from the cache now, and the scenarios when first asked for;
    otherwise ``read()`` runs now (and its valid result is kept).

    ``read`` raises :class:`graph.errors.ValidationFailed` for an invalid file, which is
    never cached. ``always`` keeps small files too (the bundled scenarios).
    """
    folder = cache_folder()
    if folder is None or (len(data) < MIN_BYTES and not always):
        return ShelvedFile.read(file, read())
    entry = folder / f"{_key(data, suffix)}.pickle"
    headers = _load_headers(entry)
    if headers is not None:
        return ShelvedFile(file, headers, lambda: _scenarios_of(entry, read))
    scenarios = read()
    shelved = ShelvedFile.read(file, scenarios)
    _store(entry, shelved.headers, scenarios)
    return shelved


# An entry holds two pickles, one after the other: the headers, then the scenarios; so the
# headers are read without the facts.


def _load_headers(entry: Path) -> list[Header] | None:
    try:
        with open(entry, "rb") as handle:
            found = pickle.load(handle)
        os.utime(entry)  # recently used: kept longest
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    ok = isinstance(found, list) and all(isinstance(h, Header) for h in found)
    return found if ok else None


def _scenarios_of(entry: Path, read: Callable[[], list[Scenario]]) -> list[Scenario]:
    # Should the entry vanish before its scenarios are read, the file is read afresh.
    found = _load_scenarios(entry)
    return read() if found is None else found


def _load_scenarios(entry: Path) -> list[Scenario] | None:
    try:
        with open(entry, "rb") as handle:
            pickle.load(handle)
            found = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    ok = isinstance(found, list) and all(isinstance(s, Scenario) for s in found)
    # Only validated scenarios are kept, under a key that covers the validating code.
    return [mark_consistent(s) for s in found] if ok else None


def _store(entry: Path, headers: Sequence[Header], scenarios: list[Scenario]) -> None:
    def write(out: IO[bytes]) -> None:
        pickle.dump(list(headers), out, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(scenarios, out, protocol=pickle.HIGHEST_PROTOCOL)

    write_entry(entry, write, keep=MAX_ENTRIES)
