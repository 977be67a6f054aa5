"""The governance model: scenarios of actors, relations and sources (DESIGN section 3).

Dates are kept as the ISO text the author wrote (``2022``, ``2022-07`` or ``2022-07-04``) so
every format round-trips them unchanged; :mod:`graph.network` interprets them as periods.
"""

from __future__ import annotations

import json
import weakref
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from itertools import repeat
from typing import Any

from graph.vocabulary import Vocabulary

__all__ = [
    "Source",
    "ScenarioInfo",
    "Actor",
    "Relation",
    "Scenario",
    "ACTOR_FIELDS",
    "RELATION_FIELDS",
    "SOURCE_FIELDS",
    "SCENARIO_FIELDS",
    "LIST_FIELDS",
    "MAPPING_FIELDS",
    "derive_relation_ids",
    "attributes_dict",
    "attributes_text",
    "instances",
]


@dataclass(frozen=True)
class Source:
    """A cited source: a page, a document, an article."""

    id: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    publisher: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ScenarioInfo:
    """The scenario header: one version of a governance structure."""

    id: str
    title: str
    description: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class Actor:
    """An actor: a body, a group, an area, an instrument, a document or a person."""

    id: str
    name: str
    kind: str
    level: str | None = None
    sector: tuple[str, ...] = ()
    description: str | None = None
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    confidence: str = "confirmed"
    note: str | None = None
    #: Attributes a foreign file gave beyond govgraph's fields, as JSON object text with
    #: sorted keys (see :func:`attributes_dict`); kept as text so every store holds it alike.
    attributes: str | None = None


@dataclass(frozen=True)
class Relation:
    """A typed, directed relation ``source -type-> target`` with its id."""

    id: str
    source: str
    target: str
    type: str
    sources: tuple[str, ...] = ()
    note: str | None = None
    weight: float = 1.0
    formal: bool = False
    amount_eur: float | None = None
    since: str | None = None
    until: str | None = None
    confidence: str = "confirmed"
    tags: tuple[str, ...] = ()
    attributes: str | None = None


def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


#: Interchange field names, in the order writers emit them.
ACTOR_FIELDS: tuple[str, ...] = _names(Actor)
RELATION_FIELDS: tuple[str, ...] = ("id", "from", "to") + _names(Relation)[3:]
SOURCE_FIELDS: tuple[str, ...] = _names(Source)
SCENARIO_FIELDS: tuple[str, ...] = _names(ScenarioInfo)
#: Fields that are lists in every store (a single string is read as a one-element list).
LIST_FIELDS: frozenset[str] = frozenset({"sector", "sources", "tags"})
#: Fields that hold a mapping in YAML and JSON and JSON object text in every other format.
MAPPING_FIELDS: frozenset[str] = frozenset({"attributes"})


@dataclass(frozen=True)
class Scenario:
    """One scenario: header, sources, declared vocabulary, actors and relations.

    Examples
    --------
    >>> s = Scenario(
    ...     ScenarioInfo("demo", "Demo"),
    ...     actors=(Actor("a", "A", "ministry"), Actor("b", "B", "municipality")),
    ...     relations=(Relation("a:STEERS:b", "a", "b", "STEERS"),),
    ... )
    >>> s.to_dict()["relations"]
    [{'id': 'a:STEERS:b', 'from': 'a', 'to': 'b', 'type': 'STEERS'}]
    >>> from graph.validation import validate_document  # untrusted documents go through it
    >>> validate_document(s.to_dict()) == s
    True
    """

    info: ScenarioInfo
    sources: tuple[Source, ...] = ()
    vocabulary: Vocabulary = field(default_factory=Vocabulary.with_declared)
    actors: tuple[Actor, ...] = ()
    relations: tuple[Relation, ...] = ()

    @property
    def id(self) -> str:
        """The scenario id."""
        return self.info.id

    def actor_map(self) -> dict[str, Actor]:
        """Return actors by id."""
        return {a.id: a for a in self.actors}

    def source_map(self) -> dict[str, Source]:
        """Return sources by id."""
        return {s.id: s for s in self.sources}

    def to_dict(self) -> dict[str, Any]:
        """Return the interchange document (defaults left out, lists as lists)."""
        doc: dict[str, Any] = {"govgraph": 1, "scenario": _compact(self.info)}
        if self.sources:
            doc["sources"] = [_compact(s) for s in self.sources]
        vocabulary = self.vocabulary.to_dict()
        if vocabulary:
            doc["vocabulary"] = vocabulary
        doc["actors"] = [_compact(a) for a in self.actors]
        doc["relations"] = [relation_to_dict(r) for r in self.relations]
        return doc


def relation_to_dict(relation: Relation) -> dict[str, Any]:
    """Return a relation in interchange form (``from``/``to`` keys, defaults left out)."""
    data = _compact(relation)
    data = {"id": data.pop("id"), "from": data.pop("source"), "to": data.pop("target"), **data}
    return data


_DEFAULTS = {"confidence": "confirmed", "weight": 1.0, "formal": False}


def attributes_text(values: dict[str, Any] | None) -> str | None:
    """Return foreign attributes as canonical JSON text (sorted keys), None when empty.

    Examples
    --------
    >>> attributes_text({"b": 1, "a": "x"})
    '{"a": "x", "b": 1}'
    >>> attributes_dict(attributes_text({"a": True}))
    {'a': True}
    """
    if not values:
        return None
    return json.dumps(values, sort_keys=True, ensure_ascii=False)


def attributes_dict(text: str | None) -> dict[str, Any]:
    """Return the foreign attributes an actor or relation keeps (empty when none)."""
    return json.loads(text) if text else {}


def _compact(obj: Any) -> dict[str, Any]:
    """Return a dataclass as a dict without empty values and defaults, tuples as lists."""
    data: dict[str, Any] = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if value is None or value == () or _DEFAULTS.get(f.name, object()) == value:
            continue
        if f.name == "attributes":
            value = attributes_dict(value)  # a mapping in the interchange document
        data[f.name] = list(value) if isinstance(value, tuple) else value
    return data


def derive_relation_ids(relations: Iterable[dict[str, Any]]) -> list[str]:
    """Return each relation's id: its own, or ``<from>:<TYPE>:<to>`` with ``:2``... for repeats.

    Examples
    --------
    >>> rows = [{"from": "a", "to": "b", "type": "FUNDS"}, {"id": "x", "from": "a", "to": "b"},
    ...         {"from": "a", "to": "b", "type": "FUNDS"}]
    >>> derive_relation_ids(rows)
    ['a:FUNDS:b', 'x', 'a:FUNDS:b:2']
    """
    seen: dict[str, int] = {}
    ids = []
    for row in relations:
        if row.get("id"):
            ids.append(str(row["id"]))
            continue
        base = f"{row.get('from')}:{row.get('type')}:{row.get('to')}"
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}:{seen[base]}")
    return ids


def instances(cls: type[Any], columns: Mapping[str, Sequence[Any]]) -> list[Any]:
    """Return ``cls(**row)`` for each row of ``columns`` (one list per field, all fields).

    For clean values only (validated, or read back from a store): a frozen dataclass's
    ``__init__`` sets each field through ``object.__setattr__``, which for the hundreds of
    thousands of relations of a large scenario was the slowest step of reading it; here each
    instance's ``__dict__`` is filled in one go. The instances are equal to, hash and pickle
    like those built the usual way.

    Examples
    --------
    >>> instances(Source, {"id": ["a"], "title": ["A"], "url": [None], "published": [None],
    ...                    "publisher": [None], "note": [None]}) == [Source("a", "A")]
    True
    """
    names = tuple(f.name for f in fields(cls))
    rows = zip(*(columns[name] for name in names), strict=True)
    values = list(map(dict, map(zip, repeat(names), rows)))
    built = list(map(object.__new__, repeat(cls, len(values))))
    deque(map(object.__setattr__, built, repeat("__dict__"), values), maxlen=0)
    return built


# Scenarios known to hold together: ids distinct, every relation's ends among its actors,
# relation types well named. The validator checks all of it, so a store need not check a
# validated scenario again before writing it (at a million relations that took most of a
# second). Kept by identity: a scenario is immutable and any change makes a new object,
# which is not marked.
_CONSISTENT: dict[int, weakref.ref[Scenario]] = {}


def mark_consistent(scenario: Scenario) -> Scenario:
    """Record that ``scenario`` was checked whole (by the validator); return it.

    Examples
    --------
    >>> s = Scenario(ScenarioInfo("demo", "Demo"))
    >>> is_consistent(s), is_consistent(mark_consistent(s))
    (False, True)
    >>> from dataclasses import replace
    >>> is_consistent(replace(s, actors=(Actor("a", "A", "ministry"),)))
    False
    """
    key = id(scenario)

    def forget(_gone: weakref.ref[Scenario]) -> None:  # the id may be reused once it is gone
        _CONSISTENT.pop(key, None)

    _CONSISTENT[key] = weakref.ref(scenario, forget)
    return scenario


def is_consistent(scenario: Scenario) -> bool:
    """Return True if this very object was marked by :func:`mark_consistent`."""
    known = _CONSISTENT.get(id(scenario))
    return known is not None and known() is scenario
