"""Checks both stores run before writing anything, so no write can fail halfway through.

Validation (:mod:`graph.validation`) already guarantees all of this for data read from files;
these checks guard scenarios built in code, and keep a store's transaction from ever meeting
a duplicate key or a dangling end (which LadybugDB 0.22 cannot roll back cleanly).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from operator import attrgetter

from graph.errors import GraphError
from graph.model import Scenario, is_consistent

__all__ = ["TYPE_NAME", "check_scenarios", "check_type_name"]

#: Relation type names become Neo4j relationship types and LadybugDB table names.
TYPE_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")


def check_scenarios(scenarios: Sequence[Scenario]) -> None:
    """Raise GraphError for anything that would fail halfway through a write.

    Examples
    --------
    >>> from graph.model import Actor, Relation, ScenarioInfo
    >>> s = Scenario(ScenarioInfo("s", "S"), actors=(Actor("a", "A", "ministry"),),
    ...              relations=(Relation("r", "a", "b", "STEERS"),))
    >>> check_scenarios([s])
    Traceback (most recent call last):
    ...
    graph.errors.GraphError: relation 'r' in scenario 's' names unknown actor 'b'
    """
    _check_distinct("scenario", (s.id for s in scenarios), "")
    for scenario in scenarios:
        if not is_consistent(scenario):  # a validated scenario was checked when it was read
            _check_scenario(scenario)


def check_type_name(rel_type: str) -> None:
    """Raise GraphError unless ``rel_type`` is an UPPER_SNAKE relation type name."""
    if not TYPE_NAME.match(rel_type):
        raise GraphError(f"relation type '{rel_type}' is not UPPER_SNAKE", code="bad-type")


def _check_scenario(scenario: Scenario) -> None:
    # Whole columns through sets first (C speed at a million relations); the rows are walked
    # only to name the first offender once a check has failed.
    where = f" in scenario '{scenario.id}'"
    _check_distinct("source", list(map(_ID, scenario.sources)), where)
    actor_ids = list(map(_ID, scenario.actors))
    _check_distinct("actor", actor_ids, where)
    relations = scenario.relations
    _check_distinct("relation", list(map(_ID, relations)), where)
    known = set(actor_ids)
    ends = set(map(_SOURCE, relations))
    ends.update(map(_TARGET, relations))
    if not ends <= known:
        _name_unknown_actor(scenario, known, where)
    for rel_type in set(map(_TYPE, relations)):
        check_type_name(rel_type)


_ID, _SOURCE, _TARGET, _TYPE = map(attrgetter, ("id", "source", "target", "type"))


def _name_unknown_actor(scenario: Scenario, known: set[str], where: str) -> None:
    for rel in scenario.relations:
        if rel.source not in known or rel.target not in known:
            missing = sorted({rel.source, rel.target} - known)[0]
            raise GraphError(
                f"relation '{rel.id}'{where} names unknown actor '{missing}'",
                code="unknown-actor",
            )


def _check_distinct(label: str, ids: Iterable[str], where: str) -> None:
    ids = list(ids)
    if len(set(ids)) == len(ids):
        return
    seen: set[str] = set()
    for item_id in ids:
        if item_id in seen:
            code = "duplicate-scenario" if label == "scenario" else "duplicate-id"
            raise GraphError(f"{label} id '{item_id}' is used twice{where}", code=code)
        seen.add(item_id)
