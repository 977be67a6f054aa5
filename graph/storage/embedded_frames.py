"""The embedded store's tables as columns: data frames for ``COPY`` and scenarios read back.

Both directions work a column at a time (one ``attrgetter`` pass per field, one C-level
transpose of the rows read), never a Python dict per row: at a million relations the per-row
frames took several times longer than LadybugDB's own ``COPY`` and twice the memory.
Columns are ``object`` series holding the model's own values (LadybugDB misreads Python ints
in a DOUBLE column, so numbers are made floats first).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import fields
from itertools import chain
from operator import attrgetter
from typing import Any

import pandas as pd

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


# Writing: one data frame per table.

_NONE = type(None)


def _values(items: Sequence[Any], name: str, kind: str) -> list[Any]:
    """One field of every item, in the Python type LadybugDB reads as ``kind``."""
    values = list(map(attrgetter(name), items))
    types = set(map(type, values))
    if kind == LIST:
        lists = list(map(list, values))
        if set(map(type, chain.from_iterable(lists))) <= {str}:
            return lists
        return [[str(v) for v in items] for items in lists]
    wanted = {"STRING": str, "DOUBLE": float, "INT64": int, "BOOL": bool}[kind]
    if types <= {wanted, _NONE}:
        return values
    return [None if v is None else wanted(v) for v in values]


def _frame(columns: Sequence[tuple[str, str]], data: dict[str, list[Any]]) -> pd.DataFrame:
    return pd.DataFrame(
        {name: pd.Series(data[name], dtype=object) for name, _ in columns},
        columns=[name for name, _ in columns],
    )


def _table(
    items: Sequence[Any], columns: Sequence[tuple[str, str]], scenario_id: str, load: str
) -> dict[str, list[Any]]:
    """Every column of a node or relationship table, keys and order included."""
    prefix = uid(scenario_id, load, "_")[:-1]
    data: dict[str, list[Any]] = {"scenario": [scenario_id] * len(items)}
    data["ord"] = list(range(len(items)))
    for name, kind in columns:
        if name not in data and name not in ("uid", "from", "to"):
            data[name] = _values(items, name, kind)
    if any(name == "uid" for name, _ in columns):
        data["uid"] = [prefix + ident for ident in data["id"]]
    return data


def frames(scenario: Scenario, load: str) -> dict[str, Any]:
    """Return one DataFrame per table (relations: one per type, endpoints first)."""
    sid = scenario.id
    info = scenario.info
    head: dict[str, list[Any]] = {"uid": [uid(sid, load)], "id": [sid], "title": [info.title],
            "description": [info.description], "date": [info.date],
            "vocabulary": [vocabulary_json(scenario.vocabulary)]}  # fmt: skip
    return {
        "Scenario": _frame(SCENARIO_COLUMNS, head),
        "Source": _frame(SOURCE_COLUMNS, _table(scenario.sources, SOURCE_COLUMNS, sid, load)),
        "Actor": _frame(ACTOR_COLUMNS, _table(scenario.actors, ACTOR_COLUMNS, sid, load)),
        "relations": _relation_frames(scenario, load),
    }


def _relation_frames(scenario: Scenario, load: str) -> dict[str, pd.DataFrame]:
    relations = scenario.relations
    columns = [("from", "STRING"), ("to", "STRING"), *RELATION_COLUMNS]
    data = _table(relations, columns, scenario.id, load)
    prefix = uid(scenario.id, load, "_")[:-1]
    data["from"] = [prefix + end for end in map(attrgetter("source"), relations)]
    data["to"] = [prefix + end for end in map(attrgetter("target"), relations)]
    whole = _frame(columns, data)
    types = pd.Series(list(map(attrgetter("type"), relations)), dtype=object)
    return {
        str(rel_type): part.reset_index(drop=True)
        for rel_type, part in whole.groupby(types, sort=False)
    }


def vocabulary_json(vocabulary: Vocabulary) -> str:
    """The declared vocabulary as the JSON kept on the Scenario node."""
    return json.dumps(vocabulary.to_dict(), sort_keys=True)


# Reading back: rows transposed to columns, items built a column at a time.


def read_items(cls: type[Any], names: Sequence[str], rows: list[list[Any]]) -> tuple[Any, ...]:
    """Return ``cls(**dict(zip(names, row)))`` for every row, list values as tuples.

    Examples
    --------
    >>> read_items(Source, ["id", "title", "url", "published", "publisher", "note"],
    ...            [["s", "S", None, None, None, None]])
    (Source(id='s', title='S', url=None, published=None, publisher=None, note=None),)
    """
    if not rows:
        return ()
    columns = dict(zip(names, map(list, zip(*rows, strict=True)), strict=True))
    for name, values in columns.items():
        if list in set(map(type, values)):
            columns[name] = [tuple(v) if type(v) is list else v for v in values]
    return tuple(instances(cls, columns))
