"""Query values in the one JSON shape both stores print (DESIGN section 6, ``query --json``).

A node is its properties plus ``_labels``; a relationship its properties plus ``_type``,
``_from`` and ``_to`` (actor ids); a path a list of those; numbers stay numbers, dates become
ISO text. Properties that are null are left out, as Neo4j never stores them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

from graph.vocabulary import kind_label

__all__ = ["node_value", "relationship_value", "scalar_value", "INTERNAL_PROPERTIES"]

#: Store-internal bookkeeping never shown to users (the embedded store's primary key, and
#: ``ord``, the position of an actor, relation or source in its scenario, kept by both stores).
INTERNAL_PROPERTIES = frozenset({"uid", "ord", "_ID", "_LABEL", "_SRC", "_DST"})


def _props(props: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: scalar_value(v)
        for k, v in sorted(props.items())
        if k not in INTERNAL_PROPERTIES and v is not None
    }


def node_value(props: Mapping[str, Any], labels: Iterable[str]) -> dict[str, Any]:
    """Return a node as its properties plus sorted ``_labels``.

    An ``Actor`` always carries its kind label too, so both stores print the same labels.

    Examples
    --------
    >>> node_value({"id": "a", "kind": "ministry", "level": None, "uid": "s/a"}, ["Actor"])
    {'id': 'a', 'kind': 'ministry', '_labels': ['Actor', 'Ministry']}
    """
    label_set = set(labels)
    if "Actor" in label_set and props.get("kind"):
        label_set.add(kind_label(str(props["kind"])))
    return {**_props(props), "_labels": sorted(label_set)}


def relationship_value(
    props: Mapping[str, Any], rel_type: str, from_id: Any, to_id: Any
) -> dict[str, Any]:
    """Return a relationship as its properties plus ``_type``, ``_from`` and ``_to``.

    Examples
    --------
    >>> relationship_value({"id": "r", "weight": 1.0}, "FUNDS", "a", "b")
    {'id': 'r', 'weight': 1.0, '_type': 'FUNDS', '_from': 'a', '_to': 'b'}
    """
    return {**_props(props), "_type": rel_type, "_from": from_id, "_to": to_id}


def scalar_value(value: Any) -> Any:
    """Return a plain value JSON-ready: dates as ISO text, NaN as None, tuples as lists.

    Examples
    --------
    >>> scalar_value(dt.date(2022, 7, 4)), scalar_value(float("nan")), scalar_value((1, 2))
    ('2022-07-04', None, [1, 2])
    """
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): scalar_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scalar_value(v) for v in value]
    if hasattr(value, "iso_format"):  # neo4j.time types
        return value.iso_format()
    return str(value)
