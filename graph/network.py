"""A scenario as a networkx graph, with the filters every analysis and view shares.

The graph is a :class:`networkx.MultiDiGraph`: nodes are actor ids with the actor's fields as
attributes (lists as lists), edges are keyed by relation id and carry the relation's fields.
``G.graph`` holds ``scenario`` (header dict), ``sources`` (id -> dict) and ``vocabulary`` (a
:class:`graph.vocabulary.Vocabulary`), so analyses never need to know which store produced it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, fields, replace
from typing import Any

import networkx as nx

from graph.dates import ALL_TIME, parse_as_of, period, resolve_as_of
from graph.model import LIST_FIELDS, Actor, Relation, Scenario

__all__ = [
    "to_networkx",
    "in_force",
    "is_current",
    "period",
    "parse_as_of",
    "resolve_as_of",
    "change_days",
    "ALL_TIME",
]


def is_current(item: Actor | Relation, as_of: dt.date | None) -> bool:
    """Return True if ``item``'s ``since``/``until`` period contains ``as_of`` (or no date given).

    ``since`` counts from the first day of its period, ``until`` to the last day of its.

    Examples
    --------
    >>> a = Actor("x", "X", "ministry", since="2022-05", until="2024")
    >>> [is_current(a, parse_as_of(d)) for d in ("2022-04", "2022-05-01", "2024-12-31", "2025")]
    [False, True, True, False]
    """
    if as_of is None:
        return True
    if item.since and period(item.since)[0] > as_of:
        return False
    return not (item.until and period(item.until)[1] < as_of)


def _keep(item: Actor | Relation, as_of: dt.date | None, confirmed_only: bool) -> bool:
    if confirmed_only and item.confidence != "confirmed":
        return False
    return is_current(item, as_of)


#: The fields of each kind of item that hold tuples, which the graph holds as lists.
_LIST_NAMES: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in fields(cls) if f.name in LIST_FIELDS) for cls in (Actor, Relation)
}


def _attrs(item: Actor | Relation) -> dict[str, Any]:
    # Not dataclasses.asdict: its deep copy made this the slowest step for large scenarios.
    # The instance dict holds exactly the fields, in their order (the classes have no slots).
    attrs = dict(vars(item))
    for name in _LIST_NAMES[type(item)]:
        attrs[name] = list(attrs[name])
    return attrs


def in_force(
    scenario: Scenario, *, as_of: str | dt.date | None = None, confirmed_only: bool = False
) -> Scenario:
    """Return the scenario cut to the facts in force on a day: the one time filter.

    Every view, analysis and export reaches the dated facts through this function (the
    graph through :func:`to_networkx`), so none can drift. A relation is kept only when both
    its ends are kept. The header keeps the scenario's own ``date``.

    Parameters
    ----------
    scenario : Scenario
        The scenario to cut.
    as_of : str or date, optional
        The moment (see :func:`resolve_as_of`): by default the scenario's own ``date``,
        ``"all"`` for all time.
    confirmed_only : bool
        Drop inferred and uncertain actors and relations.

    Examples
    --------
    >>> from graph.model import ScenarioInfo
    >>> s = Scenario(ScenarioInfo("d", "D", date="2022-07"),
    ...     actors=(Actor("a", "A", "ministry"), Actor("b", "B", "ministry", since="2024")),
    ...     relations=(Relation("r1", "a", "b", "STEERS"),))
    >>> [len(in_force(s, as_of=v).actors) for v in (None, "2024-01-01", "all")]
    [1, 2, 2]
    >>> len(in_force(s).relations), len(in_force(s, as_of="all").relations)
    (0, 1)
    """
    day = resolve_as_of(as_of, scenario.info.date)
    if day is None and not confirmed_only:
        return scenario
    actors = tuple(a for a in scenario.actors if _keep(a, day, confirmed_only))
    kept = {a.id for a in actors}
    relations = tuple(
        r
        for r in scenario.relations
        if r.source in kept and r.target in kept and _keep(r, day, confirmed_only)
    )
    return replace(scenario, actors=actors, relations=relations)


def to_networkx(
    scenario: Scenario,
    *,
    as_of: str | dt.date | None = None,
    confirmed_only: bool = False,
    kinds: Iterable[str] | None = None,
    types: Iterable[str] | None = None,
) -> nx.MultiDiGraph:
    """Return ``scenario`` as a MultiDiGraph, keeping only what the filters let through.

    A relation is kept only when both its ends are kept. Dates and confidence are applied by
    :func:`in_force`.

    Parameters
    ----------
    scenario : Scenario
        The scenario to convert.
    as_of : str or date, optional
        Keep actors and relations whose ``since``/``until`` contain this day (see
        :func:`resolve_as_of`): by default the scenario's own ``date``, ``"all"`` for all
        time. ``G.graph["as_of"]`` holds the day applied (ISO text) or None.
    confirmed_only : bool
        Drop inferred and uncertain actors and relations.
    kinds, types : iterable of str, optional
        Keep only actors of these kinds and relations of these types.

    Examples
    --------
    >>> from graph.model import ScenarioInfo
    >>> s = Scenario(ScenarioInfo("d", "D"),
    ...     actors=(Actor("a", "A", "ministry"), Actor("b", "B", "municipality")),
    ...     relations=(Relation("r1", "a", "b", "STEERS", confidence="inferred"),))
    >>> to_networkx(s).number_of_edges(), to_networkx(s, confirmed_only=True).number_of_edges()
    (1, 0)
    """
    day = resolve_as_of(as_of, scenario.info.date)
    cut = in_force(
        scenario, as_of=day if day is not None else ALL_TIME, confirmed_only=confirmed_only
    )
    kind_set, type_set = _as_set(kinds), _as_set(types)
    G = nx.MultiDiGraph(
        scenario=asdict(scenario.info),
        sources={s.id: asdict(s) for s in scenario.sources},
        vocabulary=scenario.vocabulary,
        as_of=None if day is None else day.isoformat(),
    )
    for actor in cut.actors:
        if kind_set is None or actor.kind in kind_set:
            G.add_node(actor.id, **_attrs(actor))
    for rel in cut.relations:
        if type_set is not None and rel.type not in type_set:
            continue
        if rel.source in G and rel.target in G:
            G.add_edge(rel.source, rel.target, key=rel.id, **_attrs(rel))
    return G


def _as_set(values: Iterable[str] | None) -> set[str] | None:
    return None if values is None else set(values)


def change_days(scenario: Scenario, *, confirmed_only: bool = False) -> list[dt.date]:
    """Return the days on which something in the scenario begins or ends, sorted.

    A ``since`` begins on the first day of its period; an ``until`` ends after the last day
    of its period, so the change is the next day. Between two change days the scenario
    stands still, so these days are the timeline's stops.

    Examples
    --------
    >>> from graph.model import ScenarioInfo
    >>> s = Scenario(ScenarioInfo("d", "D"),
    ...     actors=(Actor("a", "A", "ministry", since="2024"),),
    ...     relations=(Relation("r", "a", "a", "STEERS", since="2022-07-04", until="2023-06"),))
    >>> [d.isoformat() for d in change_days(s)]
    ['2022-07-04', '2023-07-01', '2024-01-01']
    """
    days: set[dt.date] = set()
    items: list[Actor | Relation] = [*scenario.actors, *scenario.relations]
    for item in items:
        if confirmed_only and item.confidence != "confirmed":
            continue
        if item.since:
            days.add(period(item.since)[0])
        if item.until:
            end = period(item.until)[1]
            if end < dt.date.max:
                days.add(end + dt.timedelta(days=1))
    return sorted(days)
