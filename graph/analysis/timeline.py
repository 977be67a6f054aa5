"""A scenario over time: its stops (the days it changes) and the key measures on each.

Every row is :func:`graph.analysis.report.analyze` of the scenario as of that day, read
through :func:`graph.network.to_networkx` (the one time filter), so a row equals
``govgraph analyze --as-of DAY`` by construction. The stops are the days on which a fact
begins or ends (:func:`graph.network.change_days`) plus the scenario's own date; with a
``step`` they are instead the last day of every month, quarter or year from the first change
to the last.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from typing import Any

from graph.analysis.report import analyze
from graph.model import Scenario
from graph.network import change_days, in_force, resolve_as_of, to_networkx

__all__ = ["MEASURES", "STEPS", "stops", "figures", "over_time"]

#: The measures followed over time: key, name, and the path of the value in ``analyze``.
MEASURES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("steering_depth", "Steering depth", ("steering_depth",)),
    ("control_arcs", "Control arcs", ("counts", "control_arcs")),
    ("deciders", "Deciders", ("counts", "deciders")),
    ("resident_voice_reach", "Residents' voice reach", ("voice_reach", "resident_group", "share")),
    (
        "resident_decisive_reach",
        "Residents' decisive voice reach",
        ("decisive_voice_reach", "resident_group", "share"),
    ),
    (
        "professional_voice_reach",
        "Professionals' voice reach",
        ("voice_reach", "professional_group", "share"),
    ),
    (
        "professional_decisive_reach",
        "Professionals' decisive voice reach",
        ("decisive_voice_reach", "professional_group", "share"),
    ),
    (
        "frontline_load",
        "Accountability load of frontline groups (mean)",
        ("accountability_by_kind", "professional_group", "mean"),
    ),
)
#: The regular steps ``over_time`` takes besides the change days.
STEPS = ("month", "quarter", "year")


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _regular(first: dt.date, last: dt.date, step: str) -> Iterator[dt.date]:
    months = {"month": 1, "quarter": 3, "year": 12}[step]
    year, month = first.year, first.month
    if step == "quarter":
        month = (month - 1) // 3 * 3 + 3
    elif step == "year":
        month = 12
    while True:
        day = _last_day(year, month)
        yield day
        if day >= last:
            return
        month += months
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1


def stops(
    scenario: Scenario, *, step: str | None = None, confirmed_only: bool = False
) -> list[dt.date]:
    """Return the days a timeline of the scenario stops at, sorted.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    step : {None, "month", "quarter", "year"}
        None: every change day and the scenario's own date. Otherwise the last day of each
        period from the first change day to the last.
    confirmed_only : bool
        Only changes of confirmed facts count.

    Raises
    ------
    ValueError
        If ``step`` is not one of :data:`STEPS`.

    Examples
    --------
    >>> from graph.model import Actor, ScenarioInfo
    >>> s = Scenario(ScenarioInfo("d", "D", date="2022-07"),
    ...     actors=(Actor("a", "A", "ministry", since="2022-05-10", until="2022-09"),))
    >>> [d.isoformat() for d in stops(s)]
    ['2022-05-10', '2022-07-31', '2022-10-01']
    >>> [d.isoformat() for d in stops(s, step="quarter")]
    ['2022-06-30', '2022-09-30', '2022-12-31']
    """
    if step is not None and step not in STEPS:
        raise ValueError(f"step must be one of {', '.join(STEPS)}, not {step!r}")
    days = change_days(scenario, confirmed_only=confirmed_only)
    own = resolve_as_of(None, scenario.info.date)
    if step is None:
        return sorted(set(days) | ({own} if own else set()))
    if not days:
        return [own] if own else []
    return list(_regular(days[0], days[-1], step))


def _value(analysis: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = analysis
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def figures(analysis: dict[str, Any]) -> dict[str, Any]:
    """Return the :data:`MEASURES` of one ``analyze`` result (None where undefined).

    Examples
    --------
    >>> figures({"steering_depth": 2, "counts": {"control_arcs": 3}})["control_arcs"]
    3
    """
    return {key: _value(analysis, path) for key, _, path in MEASURES}


def over_time(
    scenario: Scenario,
    *,
    step: str | None = None,
    confirmed_only: bool = False,
    changes: bool = False,
) -> dict[str, Any]:
    """Return the key measures of the scenario at each stop, with what changed there.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    step : {None, "month", "quarter", "year"}
        See :func:`stops`.
    confirmed_only : bool
        Leave out inferred and uncertain facts.
    changes : bool
        Also list, per stop, the actor and relation ids that enter and leave there (the first
        stop lists all in force), so a client can replay the timeline on one layout.

    Returns
    -------
    dict
        ``scenario``, ``date`` (its own), ``step``, ``measures`` (key and name) and ``rows``:
        one per stop with ``date``, the measures, ``actors`` and ``relations`` (counts in
        force) and the first longest ``chain``.
    """
    rows, before = [], (set[str](), set[str]())
    for day in stops(scenario, step=step, confirmed_only=confirmed_only):
        G = to_networkx(scenario, as_of=day, confirmed_only=confirmed_only)
        analysis = analyze(G, scenario_id=scenario.id)
        row = {"date": day.isoformat(), **figures(analysis)}
        chains = analysis["steering_chains"]
        row.update(actors=G.number_of_nodes(), relations=G.number_of_edges())
        row["chain"] = chains[0] if chains else []
        if changes:
            now = _ids_in_force(scenario, day, confirmed_only)
            row["enter"] = {"actors": sorted(now[0] - before[0]),
                            "relations": sorted(now[1] - before[1])}  # fmt: skip
            row["leave"] = {"actors": sorted(before[0] - now[0]),
                            "relations": sorted(before[1] - now[1])}  # fmt: skip
            before = now
        rows.append(row)
    return {
        "scenario": scenario.id,
        "date": scenario.info.date,
        "step": step,
        "measures": [{"key": key, "name": name} for key, name, _ in MEASURES],
        "rows": rows,
    }


def _ids_in_force(scenario: Scenario, day: dt.date, confirmed_only: bool):
    cut = in_force(scenario, as_of=day, confirmed_only=confirmed_only)
    return {a.id for a in cut.actors}, {r.id for r in cut.relations}
