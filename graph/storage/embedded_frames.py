"""The embedded store's tables as columns: Arrow tables for ``COPY`` and scenarios read back.

Both directions work a column at a time, never a Python dict per row. Writing, each field of
every item is gathered with one ``attrgetter`` pass and handed to ``pyarrow.array`` with the
column's Arrow type, so the values are converted in C; LadybugDB reads Arrow tables directly
(its ``COPY`` from a pandas frame of Python objects converted each value again, holding the
interpreter lock). Relations become one table in file order, from which each type's rows
are taken (a stable numpy sort of their type codes). Reading, a query's
result is fetched as Arrow (row by row took ten times longer) and each column becomes a
Python list in one call.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import fields
from itertools import chain
from operator import attrgetter
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graph.model import Actor, Relation, Scenario, Source, instances
from graph.vocabulary import Vocabulary

__all__ = [
    "uid", "UID_SEP", "LIST", "SCENARIO_COLUMNS", "SOURCE_COLUMNS", "ACTOR_COLUMNS",
    "RELATION_COLUMNS", "frames", "vocabulary_json", "read_items",
]  # fmt: skip

UID_SEP = "\x1f"
LIST = "STRING[]"

SCENARIO_COLUMNS = (
    ("uid", "STRING"),
    ("id", "STRING"),
    ("title", "STRING"),
    ("description", "STRING"),
    ("date", "STRING"),
    ("vocabulary", "STRING"),
)
SOURCE_COLUMNS = (
    ("uid", "STRING"),
    ("scenario", "STRING"),
    *((f.name, "STRING") for f in fields(Source)),
    ("ord", "INT64"),
)
_ACTOR_TYPES = {"sector": LIST, "sources": LIST, "tags": LIST}
ACTOR_COLUMNS = (
    ("uid", "STRING"),
    ("scenario", "STRING"),
    *((f.name, _ACTOR_TYPES.get(f.name, "STRING")) for f in fields(Actor)),
    ("ord", "INT64"),
)
_RELATION_TYPES = {
    "sources": LIST,
    "tags": LIST,
    "weight": "DOUBLE",
    "formal": "BOOL",
    "amount_eur": "DOUBLE",
}
#: Relationship properties (the endpoints and the type are the edge itself).
RELATION_COLUMNS = (
    ("scenario", "STRING"),
    *(
        (f.name, _RELATION_TYPES.get(f.name, "STRING"))
        for f in fields(Relation)
        if f.name not in ("source", "target", "type")
    ),
    ("ord", "INT64"),
)


def uid(scenario_id: str, load: str, item_id: str = "") -> str:
    """Return a primary key: scenario, load token and id joined by U+001F.

    Every load writes new keys: LadybugDB 0.22 corrupts its key index when a transaction
    that deleted a key and wrote it again is rolled back.

    Examples
    --------
    >>> uid("s", "1f", "a").split("\\x1f")
    ['s', '1f', 'a']
    """
    return (
        UID_SEP.join((scenario_id, load, item_id)) if item_id else f"{scenario_id}{UID_SEP}{load}"
    )


# Writing: one Arrow table per table.

_ARROW_TYPES = {
    "STRING": pa.string(),
    LIST: pa.list_(pa.string()),
    "DOUBLE": pa.float64(),
    "INT64": pa.int64(),
    "BOOL": pa.bool_(),
}
_PYTHON_TYPES = {"STRING": str, "DOUBLE": float, "INT64": int, "BOOL": bool}


def _column(values: list[Any], kind: str) -> pa.Array:
    """``values`` as an Arrow array LadybugDB reads as ``kind``.

    Clean values (what validation gives) convert in C; anything else is first made the
    column's Python type, as a store of that type would hold it (an int in a text field
    becomes its text, an int weight a float).
    """
    arrow_type = _ARROW_TYPES[kind]
    # An unused optional field: nothing to convert (counted only when it may be one).
    if not values or (values[0] is None and values.count(None) == len(values)):
        return pa.nulls(len(values), arrow_type)
    try:
        return pa.array(values, arrow_type)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    if kind == LIST:
        lists = list(map(list, values))
        if not set(map(type, chain.from_iterable(lists))) <= {str}:
            lists = [[str(v) for v in items] for items in lists]
        return pa.array(lists, arrow_type)
    wanted = _PYTHON_TYPES[kind]
    return pa.array([None if v is None else wanted(v) for v in values], arrow_type)


def _table(
    items: Sequence[Any],
    columns: Sequence[tuple[str, str]],
    given: dict[str, pa.Array],
) -> pa.Table:
    """Every column of a node or relationship table: ``given`` ones, the rest from ``items``."""
    arrays = [
        given[name] if name in given else _column(list(map(attrgetter(name), items)), kind)
        for name, kind in columns
    ]
    return pa.Table.from_arrays(arrays, names=[name for name, _ in columns])


def _node_table(
    items: Sequence[Any], columns: Sequence[tuple[str, str]], scenario_id: str, load: str
) -> pa.Table:
    ids = _column(list(map(attrgetter("id"), items)), "STRING")
    given = {
        "uid": _keys(uid(scenario_id, load, "_")[:-1], ids),
        "scenario": pa.repeat(scenario_id, len(items)),
        "id": ids,
        "ord": pa.array(np.arange(len(items), dtype=np.int64)),
    }
    return _table(items, columns, given)


def _keys(prefix: str, ids: pa.Array) -> pa.Array:
    """Primary keys (or relationship ends): ``prefix`` + id, joined in Arrow."""
    return pc.binary_join_element_wise(prefix, ids, "")


def frames(scenario: Scenario, load: str) -> dict[str, Any]:
    """Return one Arrow table per table (relations: one per type, endpoints first)."""
    sid = scenario.id
    info = scenario.info
    head = [uid(sid, load), sid, info.title, info.description, info.date,
            vocabulary_json(scenario.vocabulary)]  # fmt: skip
    cells = zip(head, SCENARIO_COLUMNS, strict=True)
    return {
        "Scenario": pa.Table.from_arrays(
            [_column([value], kind) for value, (_, kind) in cells],
            names=[name for name, _ in SCENARIO_COLUMNS],
        ),
        "Source": _node_table(scenario.sources, SOURCE_COLUMNS, sid, load),
        "Actor": _node_table(scenario.actors, ACTOR_COLUMNS, sid, load),
        "relations": _relation_tables(scenario, load),
    }


def _relation_tables(scenario: Scenario, load: str) -> dict[str, pa.Table]:
    """One table per relation type, in the order the types first occur.

    Every column is gathered in file order, the order the relations lie in memory (in type
    order the same gathering took four times longer at a million relations); the ends'
    keys are joined and the types coded in Arrow, and each type's rows are then taken out
    of the whole.
    """
    relations = scenario.relations
    count = len(relations)
    prefix = uid(scenario.id, load, "_")[:-1]

    def ends(end: str) -> pa.Array:
        return _keys(prefix, _column(list(map(attrgetter(end), relations)), "STRING"))

    given = {
        "from": ends("source"),
        "to": ends("target"),
        "scenario": pa.repeat(scenario.id, count),
        "ord": pa.array(np.arange(count, dtype=np.int64)),
    }
    whole = _table(relations, [("from", "STRING"), ("to", "STRING"), *RELATION_COLUMNS], given)
    types = _column(list(map(attrgetter("type"), relations)), "STRING").dictionary_encode()
    codes = types.indices.to_numpy()
    order = np.argsort(codes, kind="stable")  # each type's relations together, in file order
    bounds = np.concatenate(([0], np.cumsum(np.bincount(codes, minlength=len(types.dictionary)))))
    return {
        str(name): whole.take(order[bounds[i] : bounds[i + 1]])
        for i, name in enumerate(types.dictionary.to_pylist())
    }


def vocabulary_json(vocabulary: Vocabulary) -> str:
    """The declared vocabulary as the JSON kept on the Scenario node."""
    return json.dumps(vocabulary.to_dict(), sort_keys=True)


# Reading back: items built a column at a time from the columns of a query's result.


def read_items(
    cls: type[Any], names: Sequence[str], columns: Sequence[list[Any]]
) -> tuple[Any, ...]:
    """Return ``cls(**dict(zip(names, row)))`` for every row of ``columns``, lists as tuples.

    Examples
    --------
    >>> read_items(Source, ["id", "title", "url", "published", "publisher", "note"],
    ...            [["s"], ["S"], [None], [None], [None], [None]])
    (Source(id='s', title='S', url=None, published=None, publisher=None, note=None),)
    """
    named = dict(zip(names, columns, strict=True))
    for name, values in named.items():
        types = set(map(type, values))
        if types == {list}:
            named[name] = list(map(tuple, values))
        elif list in types:
            named[name] = [tuple(v) if type(v) is list else v for v in values]
    return tuple(instances(cls, named))
