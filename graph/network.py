"""A scenario as a networkx graph, with the filters every analysis and view shares.

The graph is a :class:`networkx.MultiDiGraph`: nodes are actor ids with the actor's fields as
attributes (lists as lists), edges are keyed by relation id and carry the relation's fields.
``G.graph`` holds ``scenario`` (header dict), ``sources`` (id -> dict) and ``vocabulary`` (a
:class:`graph.vocabulary.Vocabulary`), so analyses never need to know which store produced it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, fields
from typing import Any

import networkx as nx

from graph.model import Actor, Relation, Scenario

__all__ = ["to_networkx", "is_current", "period", "parse_as_of"]


def period(text: str) -> tuple[dt.date, dt.date]:
    """Return the first and last day covered by an ISO year, year-month or date.

    Examples
    --------
    >>> period("2022-02")
    (datetime.date(2022, 2, 1), datetime.date(2022, 2, 28))
    >>> period("2023")
    (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))
    """
    parts = [int(p) for p in str(text).split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        last = calendar.monthrange(parts[0], parts[1])[1]
        return dt.date(parts[0], parts[1], 1), dt.date(parts[0], parts[1], last)
    day = dt.date(parts[0], parts[1], parts[2])
    return day, day


def parse_as_of(value: str | dt.date | None) -> dt.date | None:
    """Return an ``as_of`` value as a date (a year or month means its first day).

    Raises
    ------
    ValueError
        If the text is not an ISO year, year-month or date.

    Examples
    --------
    >>> parse_as_of("2023-06")
    datetime.date(2023, 6, 1)
    """
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return period(value)[0]
    except (ValueError, TypeError) as exc:
        raise ValueError(f"'{value}' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)") from exc


def is_current(item: Actor | Relation, as_of: dt.date | None) -> bool:
    """Return True if ``item``'s ``since``/``until`` period contains ``as_of`` (or no date given).

    Examples
    --------
    >>> a = Actor("x", "X", "ministry", since="2022-05", until="2024")
    >>> [is_current(a, parse_as_of(d)) for d in ("2022-04", "2022-05-31", "2024-12-31", "2025")]
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


_FIELD_NAMES: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in fields(cls)) for cls in (Actor, Relation)
}


def _attrs(item: Actor | Relation) -> dict[str, Any]:
    # Not dataclasses.asdict: its deep copy made this the slowest step for large scenarios.
    values = (getattr(item, name) for name in _FIELD_NAMES[type(item)])
    return {
        name: list(value) if isinstance(value, tuple) else value
        for name, value in zip(_FIELD_NAMES[type(item)], values, strict=True)
    }


def to_networkx(
    scenario: Scenario,
    *,
    as_of: str | dt.date | None = None,
    confirmed_only: bool = False,
    kinds: Iterable[str] | None = None,
    types: Iterable[str] | None = None,
) -> nx.MultiDiGraph:
    """Return ``scenario`` as a MultiDiGraph, keeping only what the filters let through.

    A relation is kept only when both its ends are kept.

    Parameters
    ----------
    scenario : Scenario
        The scenario to convert.
    as_of : str or date, optional
        Keep actors and relations whose ``since``/``until`` contain this date.
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
    day = parse_as_of(as_of)
    kind_set, type_set = _as_set(kinds), _as_set(types)
    G = nx.MultiDiGraph(
        scenario=asdict(scenario.info),
        sources={s.id: asdict(s) for s in scenario.sources},
        vocabulary=scenario.vocabulary,
    )
    for actor in scenario.actors:
        if _keep(actor, day, confirmed_only) and (kind_set is None or actor.kind in kind_set):
            G.add_node(actor.id, **_attrs(actor))
    for rel in scenario.relations:
        if not (_keep(rel, day, confirmed_only) and (type_set is None or rel.type in type_set)):
            continue
        if rel.source in G and rel.target in G:
            G.add_edge(rel.source, rel.target, key=rel.id, **_attrs(rel))
    return G


def _as_set(values: Iterable[str] | None) -> set[str] | None:
    return None if values is None else set(values)
