"""The small storage protocol both stores implement (DESIGN section 4).

A store keeps several scenarios at once, loads and replaces them atomically, gives one back
as a :class:`graph.model.Scenario`, and answers guarded read-only Cypher. Everything the
analyses and views need (a filtered networkx graph, one actor with its relations, a
neighbourhood) is derived here from :meth:`GraphStore.scenario`, so both stores give the
same answers by construction.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.errors import NotFound
from graph.model import Scenario
from graph.network import to_networkx

__all__ = ["GraphStore", "QueryResult", "ScenarioSummary", "Progress", "DEFAULT_ROW_LIMIT"]

#: Called with the number of relations (or actors) just written.
Progress = Callable[[int], None]

DEFAULT_ROW_LIMIT = 1000
DEFAULT_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class ScenarioSummary:
    """A loaded scenario's header and size."""

    id: str
    title: str
    description: str | None
    date: str | None
    actors: int
    relations: int


@dataclass
class QueryResult:
    """The ``query --json`` shape: columns, rows of JSON-ready values, truncated flag."""

    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    truncated: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"columns": [...], "rows": [[...]], "truncated": bool}``."""
        return {"columns": self.columns, "rows": self.rows, "truncated": self.truncated}


class GraphStore(ABC):
    """A store of scenarios; subclasses implement the abstract methods only."""

    #: ``"embedded"`` or ``"neo4j"``; shown in the app and in ``/healthz``.
    kind: str = "abstract"

    @abstractmethod
    def list_scenarios(self) -> list[ScenarioSummary]:
        """Return every loaded scenario, ordered by id."""

    @abstractmethod
    def load(self, scenarios: Sequence[Scenario], *, progress: Progress | None = None) -> None:
        """Load each scenario in one transaction, replacing one with the same id.

        A failure leaves the failing scenario (and every one after it) as it was before.
        """

    @abstractmethod
    def scenario(self, scenario_id: str) -> Scenario:
        """Return a loaded scenario; raise :class:`NotFound` if there is none."""

    @abstractmethod
    def delete(self, scenario_id: str) -> None:
        """Remove a scenario with its actors, relations and sources; raise NotFound if absent."""

    @abstractmethod
    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        row_limit: int = DEFAULT_ROW_LIMIT,
    ) -> QueryResult:
        """Run one guarded read-only statement; raise QueryRejected, UnsupportedQuery or
        QueryTimeout."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections; the default has nothing to release."""

    def ping(self) -> None:  # noqa: B027 - optional hook
        """Raise StoreUnavailable when the store cannot be reached."""

    # Derived views: identical for every store because they are built from scenario().

    def scenario_ids(self) -> list[str]:
        """Return the ids of every loaded scenario."""
        return [s.id for s in self.list_scenarios()]

    def has_scenario(self, scenario_id: str) -> bool:
        """Return True if a scenario with this id is loaded."""
        return scenario_id in self.scenario_ids()

    def graph(
        self,
        scenario_id: str,
        *,
        as_of: str | dt.date | None = None,
        confirmed_only: bool = False,
        kinds: Iterable[str] | None = None,
        types: Iterable[str] | None = None,
    ) -> nx.MultiDiGraph:
        """Return a scenario as a filtered MultiDiGraph (see :func:`graph.network.to_networkx`)."""
        return to_networkx(
            self.scenario(scenario_id),
            as_of=as_of,
            confirmed_only=confirmed_only,
            kinds=kinds,
            types=types,
        )

    def actor(self, scenario_id: str, actor_id: str) -> dict[str, Any]:
        """Return one actor with its relations (both directions) and the sources they cite."""
        G = self.graph(scenario_id)
        if actor_id not in G:
            raise NotFound(
                f"actor '{actor_id}' is not in scenario '{scenario_id}'",
                hint="Actor ids are case-sensitive; GET /api/scenarios/<id>/graph lists them.",
            )
        out_rels = [dict(d) for _, _, d in G.out_edges(actor_id, data=True)]
        in_rels = [dict(d) for _, _, d in G.in_edges(actor_id, data=True)]
        cited = set(G.nodes[actor_id]["sources"])
        for rel in out_rels + in_rels:
            cited.update(rel["sources"])
        sources = [G.graph["sources"][s] for s in sorted(cited) if s in G.graph["sources"]]
        return {
            "actor": dict(G.nodes[actor_id]),
            "out": out_rels,
            "in": in_rels,
            "sources": sources,
        }

    def neighbourhood(self, scenario_id: str, actor_id: str, depth: int = 1) -> nx.MultiDiGraph:
        """Return the subgraph within ``depth`` hops of an actor, ignoring direction."""
        G = self.graph(scenario_id)
        if actor_id not in G:
            raise NotFound(f"actor '{actor_id}' is not in scenario '{scenario_id}'")
        near = nx.single_source_shortest_path_length(G.to_undirected(as_view=True), actor_id, depth)
        return G.subgraph(near).copy()
