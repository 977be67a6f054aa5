"""An in-memory embedded store that is filled only when something needs the database.

Commands and the app read scenarios, graphs and analyses through :meth:`GraphStore.scenario`,
which needs no database: the scenarios as read from their files are the answer (the embedded
store gives back exactly what it was given). Only a Cypher query or a write needs LadybugDB;
then the store is opened and every scenario is loaded into it once, and from then on every
call goes to it. So ``govgraph analyze --scenario nplv-2022`` starts in a fraction of a second
and a server shows its first page without waiting for a database load.

Given a :class:`graph.formats.shelf.Shelf`, it reads even the scenarios themselves only when
one is asked for: listing needs only their headers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from graph.errors import NotFound
from graph.formats.shelf import Header, Shelf
from graph.model import Scenario
from graph.storage.base import (
    DEFAULT_ROW_LIMIT,
    DEFAULT_TIMEOUT_S,
    GraphStore,
    Progress,
    QueryResult,
    ScenarioSummary,
)
from graph.storage.integrity import check_scenarios

__all__ = ["LazyStore"]


class LazyStore(GraphStore):
    """Scenarios held as read, put into the store ``open_inner`` opens at the first query or write.

    Parameters
    ----------
    scenarios : sequence of Scenario, or Shelf
        The validated scenarios to serve (ids distinct); a shelf's are read when first asked
        for, and checked then.
    open_inner : callable
        Opens the empty store (an in-memory :class:`EmbeddedStore`) when it is first needed.

    Examples
    --------
    >>> from graph.model import Actor, ScenarioInfo
    >>> from graph.storage.embedded import EmbeddedStore
    >>> s = Scenario(ScenarioInfo("demo", "Demo"), actors=(Actor("a", "A", "ministry"),))
    >>> store = LazyStore([s], EmbeddedStore)
    >>> store.scenario("demo") is s, store.is_open
    (True, False)
    >>> store.query("MATCH (a:Actor) RETURN a.name").rows, store.is_open
    ([['A']], True)
    >>> store.close()
    """

    kind = "embedded"

    def __init__(self, scenarios: Sequence[Scenario] | Shelf, open_inner: Callable[[], GraphStore]):
        if not isinstance(scenarios, Shelf):
            check_scenarios(scenarios)
            scenarios = Shelf.of(scenarios)
            self._checked = set(scenarios.ids())
        else:
            self._checked = set()
        self._scenarios: Shelf | None = scenarios
        self._open_inner = open_inner
        self._inner: GraphStore | None = None
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        """True once the database underneath has been opened and filled."""
        return self._inner is not None

    def _store(self) -> GraphStore:
        """Open the database and load every scenario into it (once)."""
        with self._lock:
            if self._inner is None:
                inner = self._open_inner()
                try:
                    inner.load(self._scenarios.scenarios() if self._scenarios else [])
                except Exception:
                    inner.close()
                    raise
                self._inner, self._scenarios = inner, None
            return self._inner

    def _held(self) -> Shelf | None:
        with self._lock:
            return self._scenarios

    def _checked_scenario(self, held: Shelf, scenario_id: str) -> Scenario:
        """Return a held scenario, checked the first time it is read from its shelf."""
        scenario = held.scenario(scenario_id)
        if scenario_id not in self._checked:
            check_scenarios([scenario])
            self._checked.add(scenario_id)
        return scenario

    # Reading: from the scenarios held, until the database is open.

    def list_scenarios(self) -> list[ScenarioSummary]:
        """Return every loaded scenario, ordered by id."""
        held = self._held()
        if held is None:
            return self._store().list_scenarios()
        return sorted((_summary(h) for h in held.headers()), key=lambda s: s.id)

    def scenario(self, scenario_id: str) -> Scenario:
        """Return a loaded scenario exactly as it was loaded; raise NotFound if absent."""
        held = self._held()
        if held is None:
            return self._store().scenario(scenario_id)
        if scenario_id not in held:
            raise NotFound(
                f"scenario '{scenario_id}' is not loaded",
                hint="GET /api/scenarios (or govgraph import) lists and loads scenarios.",
            )
        return self._checked_scenario(held, scenario_id)

    def has_scenario(self, scenario_id: str) -> bool:
        """Return True if a scenario with this id is loaded."""
        held = self._held()
        return scenario_id in held if held is not None else self._store().has_scenario(scenario_id)

    # Writing and querying: in the database.

    def load(self, scenarios: Sequence[Scenario], *, progress: Progress | None = None) -> None:
        """Load scenarios into the database (opened and filled first if need be)."""
        self._store().load(scenarios, progress=progress)

    def delete(self, scenario_id: str) -> None:
        """Remove a scenario from the database (opened and filled first if need be)."""
        self._store().delete(scenario_id)

    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        row_limit: int = DEFAULT_ROW_LIMIT,
    ) -> QueryResult:
        """Run a guarded read-only query on the database (opened and filled first if need be)."""
        return self._store().query(cypher, params, timeout=timeout, row_limit=row_limit)

    def ping(self) -> None:
        """Check the database answers, once it is open (until then there is nothing to fail)."""
        if self._inner is not None:
            self._inner.ping()

    def close(self) -> None:
        """Close the database, if it was opened."""
        with self._lock:
            inner, self._inner = self._inner, None
        if inner is not None:
            inner.close()


def _summary(header: Header) -> ScenarioSummary:
    return ScenarioSummary(
        header.id, header.title, header.description, header.date, header.actors,
        header.relations,
    )  # fmt: skip
