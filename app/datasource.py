"""Which data a command or the app works on (DESIGN section 6, "Which data").

``--data`` always means the embedded store, filled with exactly those scenarios; ``--neo4j``
(or ``NEO4J_URI``) selects a Neo4j store; with neither, the bundled scenarios are loaded into
the embedded store (in memory, or in the ``--db`` folder when it holds nothing yet).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

from graph.datasets import bundled_paths
from graph.errors import Problem, StoreUnavailable, ValidationFailed

if TYPE_CHECKING:  # the readers and stores are imported when data is opened, not at start
    from graph.formats.shelf import Header
    from graph.model import Scenario
    from graph.storage import GraphStore


@dataclass(frozen=True)
class DataSource:
    """The chosen data: explicit files, a Neo4j URI, an embedded folder, or the bundled set."""

    data: tuple[str, ...] = ()
    neo4j: str | None = None
    db: str | None = None
    extra: dict[str, str | None] = field(default_factory=dict)
    mapping: str | None = None

    @property
    def uses_neo4j(self) -> bool:
        """True when the Neo4j store is selected (an explicit --data wins over it)."""
        return bool(self.neo4j) and not self.data

    def describe(self) -> str:
        """Say in a few words which store and data are in use."""
        if self.uses_neo4j:
            return f"Neo4j at {self.neo4j}"
        where = f"folder {self.db}" if self.db else "memory"
        what = ", ".join(self.data) if self.data else "bundled scenarios"
        return f"embedded store in {where} with {what}"

    def input_files(self) -> list[Path] | None:
        """Return the files (or folders) the data is read from, or None when it is not read
        from files alone (a Neo4j store, a --db folder): what a cached answer is keyed by."""
        if self.uses_neo4j or self.db or self.extra:
            return None
        files = [Path(p) for p in self.data] if self.data else bundled_paths()
        return files + ([Path(self.mapping)] if self.mapping else [])


def open_data(source: DataSource, said: list[str] | None = None, **embedded: int) -> GraphStore:
    """Open the store for ``source`` and load its scenarios; validation happens before writing.

    In memory, a file read before gives only its scenarios' headers until one of its
    scenarios is asked for (:func:`graph.formats.open_paths`). The notices said on stderr
    are added to ``said``. ``embedded`` options (``query_workers``, ``query_memory_mb``) go to
    an embedded store.

    Raises
    ------
    graph.errors.ValidationFailed
        When a data file is invalid, or two files share a scenario id; nothing is loaded.
    graph.errors.StoreUnavailable
        When the store cannot be reached or opened.
    """
    from graph.formats import open_paths
    from graph.storage import open_store
    from graph.storage.lazy import LazyStore

    if source.uses_neo4j:
        with hint_for_store(source.neo4j, None):
            store = open_store(source.neo4j)
            try:
                store.ping()
            except Exception:
                store.close()  # the driver would warn when collected unclosed
                raise
        return store
    said = [] if said is None else said
    if not source.db:
        # In memory: serve the scenarios as read; the database is filled at the first query.
        if source.data and source.mapping:
            mapped = load_mapped(source.data, source.mapping)
            said.extend(announce_notices(mapped))
            return LazyStore(mapped, lambda: open_store(None, **embedded))
        shelf = open_paths(source.data or bundled_paths())
        said.extend(announce_notices(shelf.headers()))
        return LazyStore(shelf, lambda: open_store(None, **embedded))
    scenarios = load_mapped(source.data, source.mapping) if source.data else None
    said.extend(announce_notices(scenarios or []))
    with hint_for_store(None, source.db):
        store = open_store(source.db, **embedded)
        try:
            _fill(store, scenarios)
        except Exception:
            store.close()
            raise
    return store


def load_mapped(paths: Sequence[str], mapping: str | None) -> list[Scenario]:
    """Return the scenarios of ``paths``, each with the mapping file ``mapping`` applied.

    Raises
    ------
    graph.errors.ValidationFailed
        When a file or the mapping is invalid, or the mapped scenario is; nothing is loaded.
    """
    from graph.formats import load_paths

    scenarios = load_paths(paths)
    if mapping is None:
        return scenarios
    from graph.mapping import apply_mapping, read_mapping

    try:
        text = Path(mapping).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = Problem("unreadable-file", f"cannot read the mapping: {exc}",
                          "Check the --map path.", file=mapping)  # fmt: skip
        raise ValidationFailed([problem]) from None
    rules = read_mapping(text, mapping)
    return [apply_mapping(s, rules, file=mapping) for s in scenarios]


def announce_notices(scenarios: Sequence[Scenario | Header]) -> list[str]:
    """Say on stderr which scenarios need a mapping to governance meaning (foreign files);
    return the lines said."""
    lines = notices(scenarios)
    for line in lines:
        click.echo(line, err=True)
    return lines


def notices(scenarios: Sequence[Scenario | Header]) -> list[str]:
    """Return the notice lines :func:`announce_notices` prints for ``scenarios`` (read, or
    known by their headers)."""
    from graph.formats.shelf import Header

    headers = [s if isinstance(s, Header) else Header.of(s) for s in scenarios]
    return [f"notice: {h.id}: {h.notice} {MAPPING_ADVICE}" for h in headers if h.notice]


#: How to give a foreign scenario its governance meaning, said after each notice.
MAPPING_ADVICE = (
    "Map it in the browser (the scenario's 'Map to governance meaning' page) "
    "or with --map MAP.yaml (see docs/format.md)."
)


def store_hint(neo4j: str | None, db: str | None) -> str:
    """Return how to fix an unavailable store, for the store that was chosen.

    >>> store_hint(None, "/tmp/db")
    "Check that the --db folder '/tmp/db' can be created and written (GOVGRAPH_DB)."
    """
    if neo4j:
        return (
            f"Check that Neo4j runs at {neo4j} (--neo4j or NEO4J_URI) and that NEO4J_USER and "
            "NEO4J_PASSWORD are right; `govgraph neo4j start` runs a local one."
        )
    if db:
        return f"Check that the --db folder '{db}' can be created and written (GOVGRAPH_DB)."
    return "The in-memory embedded store failed; run again with GOVGRAPH_DEBUG=1 for details."


@contextmanager
def hint_for_store(neo4j: str | None, db: str | None) -> Iterator[None]:
    """Give a StoreUnavailable raised inside, which has only the generic hint, the store's own."""
    try:
        yield
    except StoreUnavailable as exc:
        fit_hint(exc, neo4j, db)
        raise


def fit_hint(error: BaseException | None, neo4j: str | None, db: str | None) -> None:
    """Replace the generic hint of a StoreUnavailable with the one for the chosen store."""
    if isinstance(error, StoreUnavailable) and "hint" not in vars(error):
        error.hint = store_hint(neo4j, db)


def _fill(store: GraphStore, scenarios: Sequence | None) -> None:
    """Load the given scenarios; fill with the bundled ones only a folder govgraph has just
    created. A folder that holds nothing now but held scenarios before is left empty, and
    said so: refilling it would hide that its data is gone."""
    if scenarios is not None:
        store.load(scenarios)
    elif store.list_scenarios():
        return
    elif getattr(store, "created", True):
        from graph.formats import load_paths

        store.load(load_paths(bundled_paths()))
    else:
        where = getattr(store, "path", "")
        click.echo(
            f"notice: the store folder '{where}' holds no scenarios; it held some before, so "
            f"it is not filled with the bundled ones. See `govgraph doctor --db {where}`; "
            "load files with `govgraph import FILE --db FOLDER`.",
            err=True,
        )
