"""A ``--db`` folder that survives a crash at any moment: every write makes a new generation.

LadybugDB 0.22 lost every scenario of a folder in five of six ``kill -9`` during an import.
So a folder store never writes to the database it serves from. A write copies the current
database into a new generation folder, writes there, checkpoints and flushes it to disk, and
only then switches the one-line pointer file ``CURRENT`` with an atomic rename. A crash
before the rename leaves the old generation whole (the unfinished one is removed at the next
open); a crash after it, the new one.

Layout::

    DIR/CURRENT              the name of the generation in use, e.g. "gen-000007"
    DIR/gen-000007/govgraph.lbug
    DIR/.govgraph.lock       held (flock) by the one process that has the folder open

A folder written by an older govgraph (``DIR/govgraph.lbug``, no ``CURRENT``) is served as it
is and moves into a generation at its first write.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import StoreUnavailable

__all__ = ["StoreFolder", "FolderReport", "inspect_folder", "POINTER", "DB_FILE"]

DB_FILE = "govgraph.lbug"
POINTER = "CURRENT"
LOCK = ".govgraph.lock"
_GENERATION = re.compile(r"^gen-(\d{6,})$")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _generation_number(name: str | None) -> int:
    found = _GENERATION.match(name or "")
    return int(found.group(1)) if found else 0


@dataclass
class StoreFolder:
    """The generations of one ``--db`` folder, locked for this process while it is open.

    ``created`` is True when the folder did not exist or was empty: only then may govgraph
    fill it with the bundled scenarios without being asked.
    """

    path: Path
    created: bool = False
    generation: str | None = None
    _lock_fd: int | None = field(default=None, repr=False)

    @classmethod
    def open(cls, path: str) -> StoreFolder:
        """Create or open the folder, take its lock and drop unfinished generations.

        Raises
        ------
        StoreUnavailable
            When the folder cannot be created, or another process has it open.
        """
        folder = Path(path)
        try:
            existed = folder.is_dir() and any(folder.iterdir())
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailable(
                f"cannot create the database folder '{path}': {exc}",
                hint="Check that the --db folder (GOVGRAPH_DB) can be created and written.",
            ) from exc
        store = cls(folder, created=not existed)
        store._lock()
        store.generation = store._read_pointer()
        store._drop_unfinished()
        return store

    @property
    def is_pristine(self) -> bool:
        """True when no write has followed the schema: the folder never held a scenario."""
        return self.created or _generation_number(self.generation) == 1

    @property
    def db_file(self) -> str:
        """The database file of the generation in use (the folder's own for an old layout)."""
        if self.generation is None:
            return str(self.path / DB_FILE)
        return str(self.path / self.generation / DB_FILE)

    def _lock(self) -> None:
        fd = os.open(self.path / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise StoreUnavailable(
                f"the store folder '{self.path}' is in use by another govgraph process",
                hint="Stop the other govgraph (serve, import) using this --db folder first.",
            ) from None
        self._lock_fd = fd

    def _read_pointer(self) -> str | None:
        try:
            name = (self.path / POINTER).read_text().strip()
        except FileNotFoundError:
            return None  # a new folder, or one written by an older govgraph
        if not _GENERATION.match(name) or not (self.path / name / DB_FILE).exists():
            raise StoreUnavailable(
                f"the store folder '{self.path}' names generation '{name}' in {POINTER}, "
                "which is missing",
                hint=f"Run `govgraph doctor --db {self.path}` to see what the folder holds.",
            )
        return name

    def _drop_unfinished(self) -> None:
        """Remove generation folders other than the current one (left by a crash)."""
        for child in self.path.iterdir():
            if _GENERATION.match(child.name) and child.name != self.generation:
                shutil.rmtree(child, ignore_errors=True)

    def begin(self) -> str:
        """Copy the current database into a new generation folder; return its database file.

        The caller has checkpointed the current database, so its one file is complete.
        """
        name = f"gen-{_generation_number(self.generation) + 1:06d}"
        target = self.path / name
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        if os.path.exists(self.db_file):
            shutil.copyfile(self.db_file, target / DB_FILE)
        return str(target / DB_FILE)

    def commit(self, db_file: str) -> None:
        """Make the generation holding ``db_file`` the current one, durably and atomically,
        then remove the one before it."""
        new = Path(db_file).parent
        for item in new.iterdir():
            _fsync(item)
        _fsync(new)
        pointer = self.path / (POINTER + ".tmp")
        with open(pointer, "w") as out:
            out.write(new.name + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(pointer, self.path / POINTER)
        _fsync(self.path)
        old, self.generation = self.generation, new.name
        if old is None:
            for leftover in self.path.glob(DB_FILE + "*"):
                leftover.unlink()
        else:
            shutil.rmtree(self.path / old, ignore_errors=True)

    def abort(self, db_file: str) -> None:
        """Remove an unfinished generation."""
        shutil.rmtree(Path(db_file).parent, ignore_errors=True)

    def close(self) -> None:
        """Release the folder's lock."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


@dataclass
class FolderReport:
    """What a ``--db`` folder holds, for ``govgraph doctor``."""

    path: str
    layout: str  # generations, single-file (older govgraph), empty, missing or unknown
    generation: str | None = None
    db_file: str | None = None
    leftovers: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def inspect_folder(path: str) -> FolderReport:
    """Describe a ``--db`` folder without changing it.

    Examples
    --------
    >>> inspect_folder("/nonexistent/govgraph").layout
    'missing'
    """
    folder = Path(path)
    if not folder.is_dir():
        return FolderReport(path, "missing")
    names = sorted(p.name for p in folder.iterdir() if p.name != LOCK)
    generations = [n for n in names if _GENERATION.match(n)]
    report = FolderReport(path, "empty" if not names else "unknown")
    if POINTER in names:
        report.layout = "generations"
        report.generation = (folder / POINTER).read_text().strip()
        report.db_file = str(folder / report.generation / DB_FILE)
        if not os.path.exists(report.db_file):
            report.problems.append(f"{POINTER} names '{report.generation}', which is missing")
    elif DB_FILE in names:
        report.layout, report.db_file = "single-file", str(folder / DB_FILE)
    elif names:
        report.problems.append(
            "the folder holds files but no govgraph database: " + ", ".join(names[:10])
        )
    report.leftovers = [g for g in generations if g != report.generation]
    if report.leftovers:
        report.problems.append(
            "unfinished generations from an interrupted write (removed at the next open): "
            + ", ".join(report.leftovers)
        )
    return report
