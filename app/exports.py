"""Exports written outside the server's interpreter, once per key, and kept in the view cache.

Writing a 100k-relation scenario as GraphML, or building the offline explorer (seconds even
for nplv-2022), held the interpreter in the request thread: every other request, /healthz
included, waited for it, and two identical downloads wrote the file twice. Now
:func:`export_file` writes it in a child process (:func:`app.child.in_child`), one
computation per key however many ask at once, and keeps the bytes in the store's cache
(bounded by bytes like every cached view: a file larger than the whole limit is served, not
kept), so a repeated download comes from memory.

The child must take no lock another server thread may hold at the moment of the fork (the
store's cache lock, a connection, the template cache). So what it reads is fetched
beforehand — the scenario, its summary and the base view if one is already built — and the
child works on a store of its own (:class:`_Snapshot` behind a fresh :class:`CachedStore`)
and, for the offline page, a template cache of its own.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from app import graphview as views
from app.child import in_a_child, in_child
from app.offline import offline_html, opening_state
from app.store import EXTENSION, CachedStore
from graph.errors import NotFound
from graph.formats import FORMATS, POSITIONED_FORMATS, write_scenario
from graph.model import Scenario
from graph.network import ALL_TIME, resolve_as_of
from graph.storage.base import (
    DEFAULT_ROW_LIMIT,
    DEFAULT_TIMEOUT_S,
    GraphStore,
    Progress,
    QueryResult,
    ScenarioSummary,
)

__all__ = ["ExportFile", "export_file", "export_key", "written", "EXPORT_TYPES", "EXPORT_FORMATS"]

#: Media type and file suffix of each export format (csv is a zipped folder).
EXPORT_TYPES: dict[str, tuple[str, str]] = {
    "yaml": ("application/yaml", ".yaml"),
    "json": ("application/json", ".json"),
    "csv": ("application/zip", ".zip"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "graphml": ("application/graphml+xml", ".graphml"),
    "gexf": ("application/gexf+xml", ".gexf"),
    "cypher": ("text/plain", ".cypher"),
    "kumu": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "-kumu.xlsx"),
    "html": ("text/html", ".html"),
}
#: What the export endpoint writes: the interchange formats and the offline explorer (html).
EXPORT_FORMATS: tuple[str, ...] = (*FORMATS, "html")


class ExportFile:
    """The bytes of one export and the ``X-Govgraph-*`` headers that say what it holds."""

    def __init__(self, data: bytes, headers: dict[str, str]) -> None:
        self.data = data
        self.headers = headers

    def __sizeof__(self) -> int:  # what the cache's byte limit counts
        return object.__sizeof__(self) + len(self.data) + sum(map(len, self.headers.values()))


def export_key(
    store: CachedStore, scenario_id: str, fmt: str, args: Mapping[str, str]
) -> tuple[Any, ...]:
    """The cache key of an export: everything its bytes depend on.

    The store's generation is part of it, so a request made after an upload or a delete
    never joins (or is answered by) a computation begun on the data before it.
    """
    filters = views.Filters.from_args(args)
    opening = tuple(sorted(opening_state(args).items())) if fmt == "html" else ()
    return ("export", scenario_id, fmt, filters, opening, store.generation)


def export_file(
    store: CachedStore, scenario_id: str, fmt: str, args: Mapping[str, str]
) -> ExportFile:
    """Return (cached) the export of a scenario in ``fmt`` after the view filters in ``args``.

    Raises BadRequest for a malformed filter and NotFound for an unknown scenario before any
    child is started; an unknown kind or type comes back from the child as the same error.
    """
    key = export_key(store, scenario_id, fmt, args)
    filters: views.Filters = key[3]

    def compute() -> ExportFile:
        scenario = store.scenario(scenario_id)  # NotFound here, in the request
        summary = next((s for s in store.list_scenarios() if s.id == scenario_id), None)
        if summary is None:  # deleted since the line above
            raise NotFound(f"scenario '{scenario_id}' is not loaded")
        known = store.peek(("base", scenario_id, filters.base()))
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        plain = dict(args)
        return in_child(_export_in_child, app, scenario, summary, known, fmt, filters, plain)

    result: ExportFile = store.cached(key, compute)
    return result


def _export_in_child(
    app: Flask,
    scenario: Scenario,
    summary: ScenarioSummary,
    known: views.Base | None,
    fmt: str,
    filters: views.Filters,
    args: dict[str, str],
) -> ExportFile:
    """In the child: cut the scenario to the filters and write it (or the offline page)."""
    own = CachedStore(_Snapshot(scenario, summary))
    if known is not None:  # the layout the server already made: the file shows the same
        own.cached(("base", scenario.id, filters.base()), lambda: known)
    cut = views.filtered_scenario(own, scenario.id, filters)
    if fmt == "html":
        if in_a_child():  # this process's copies of the app: the server's are untouched
            app.extensions[EXTENSION] = own  # what the page code reads through get_store()
            app.jinja_env.cache = {}  # the server's template cache has a lock; this has none
        data = offline_html(own, scenario.id, args).encode()
    else:
        positions = None
        if fmt in POSITIONED_FORMATS:  # the explorer's layout: Gephi shows the steering bands
            positions = views.base_view(own, scenario.id, filters).positions
        data = written(cut, fmt, positions)
    return ExportFile(data, _headers(scenario, cut, filters))


def _headers(full: Scenario, cut: Scenario, filters: views.Filters) -> dict[str, str]:
    """Say which moment an export shows and how much of the scenario it holds, so a dated
    default never drops facts unnoticed (``as_of=all`` exports every fact)."""
    day = resolve_as_of(filters.as_of, full.info.date)
    return {
        "X-Govgraph-As-Of": day.isoformat() if day else ALL_TIME,
        "X-Govgraph-Actors": f"{len(cut.actors)} of {len(full.actors)}",
        "X-Govgraph-Relations": f"{len(cut.relations)} of {len(full.relations)}",
    }


def written(scenario: Scenario, fmt: str, positions: Any = None) -> bytes:
    """Write a scenario to a temporary place and return its bytes (a CSV folder zipped)."""
    suffix = EXPORT_TYPES[fmt][1]
    with tempfile.TemporaryDirectory(prefix="govgraph-export-") as folder:
        target = Path(folder) / (scenario.id if fmt == "csv" else f"{scenario.id}{suffix}")
        write_scenario(scenario, fmt, target, positions=positions)
        if fmt != "csv":
            return target.read_bytes()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for member in sorted(target.iterdir()):
                archive.write(member, f"{scenario.id}/{member.name}")
        return buffer.getvalue()


class _Snapshot(GraphStore):
    """The one scenario an export reads, held in memory: a store with no lock or connection
    shared with the server, for use in the child."""

    kind = "snapshot"

    def __init__(self, scenario: Scenario, summary: ScenarioSummary) -> None:
        self._scenario = scenario
        self._summary = summary

    def list_scenarios(self) -> list[ScenarioSummary]:
        return [self._summary]

    def scenario(self, scenario_id: str) -> Scenario:
        return self._scenario  # only ever asked for the scenario being exported

    def load(self, scenarios: Sequence[Scenario], *, progress: Progress | None = None) -> None:
        raise NotImplementedError("an export's snapshot is read-only")

    def delete(self, scenario_id: str) -> None:
        raise NotImplementedError("an export's snapshot is read-only")

    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        row_limit: int = DEFAULT_ROW_LIMIT,
    ) -> QueryResult:
        raise NotImplementedError("an export's snapshot answers no queries")
