"""The common case of validation at the speed of the parser (DESIGN section 3).

:func:`fast_scenario` accepts a parsed document only when every actor and relation is in the
plain form writers and most authors use (text as non-blank strings, numbers as numbers, lists
of clean strings, known kinds and types, existing references, unique ids) and then builds the
same :class:`graph.model.Scenario` that :func:`graph.validation.validate_document` builds. At
anything else, valid or not, it gives up (returns None), and the full validator decides and
reports every problem with its place. So it never reports a problem itself, and line numbers
are only looked up when a problem must be reported.

The small sections (scenario, sources, vocabulary) go through the full validator's own
functions; actors and relations, the bulk of a large file, are checked here with one dict
lookup and one type test per field.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import fields
from itertools import repeat
from typing import Any

from graph.dates import period
from graph.model import (
    Actor,
    Relation,
    Scenario,
    ScenarioInfo,
    Source,
    derive_relation_ids,
    instances,
    mark_consistent,
)
from graph.validation_rules import (
    _BAD,
    ACTOR_SPEC,
    DATE_PATTERN,
    RELATION_SPEC,
    SCENARIO_SPEC,
    SOURCE_SPEC,
    TOP_LEVEL_FIELDS,
    _check_ids,
    _check_text,
    _Checker,
    _record,
    _records,
    _vocabulary,
)
from graph.vocabulary import CONFIDENCES, LEVELS, Vocabulary

__all__ = ["fast_scenario"]


class _Unusual(Exception):
    """Something the fast path does not decide; the full validator will."""


def fast_scenario(doc: Any) -> Scenario | None:
    """Return the scenario of a plainly written valid document, or None to ask the full
    validator (which also reports problems).

    Examples
    --------
    >>> doc = {"govgraph": 1, "scenario": {"id": "s", "title": "S"},
    ...        "actors": [{"id": "a", "name": "A", "kind": "ministry"}],
    ...        "relations": [{"from": "a", "to": "a", "type": "STEERS", "weight": 1}]}
    >>> fast_scenario(doc).relations[0].id
    'a:STEERS:a'
    >>> fast_scenario({**doc, "actors": [{"id": "a", "name": "A", "kind": "minstry"}]}) is None
    True
    """
    try:
        return _scenario(doc)
    except (_Unusual, TypeError):  # TypeError: an unhashable value where text belongs
        return None


def _scenario(doc: Any) -> Scenario:
    if type(doc) is not dict or not doc.keys() <= _TOP or doc.get("govgraph", 0) != 1:
        raise _Unusual
    if type(doc["govgraph"]) is not int:
        raise _Unusual
    ck = _Checker(None, None)
    small = {k: doc[k] for k in ("scenario", "sources", "vocabulary") if k in doc}
    _check_text(ck, small, ())
    info = _small_record(ck, doc.get("scenario"), SCENARIO_SPEC, ("id", "title"))
    sources = _records(ck, doc, "sources", SOURCE_SPEC, ("id",))
    source_ids = _check_ids(ck, "sources", ((i, r.get("id")) for i, r in sources), "source")
    vocab = _vocabulary(ck, doc)
    if ck.problems or _has_bad(info) or any(_has_bad(rec) for _, rec in sources):
        raise _Unusual
    actors = _actors(_list(doc.get("actors")), vocab, frozenset(source_ids))
    relations = _relations(_list(doc.get("relations")), vocab, actors, frozenset(source_ids))
    scenario = Scenario(
        ScenarioInfo(**info),
        sources=tuple(Source(**rec) for _, rec in sources),
        vocabulary=vocab,
        actors=tuple(actors.values()),
        relations=relations,
    )
    return mark_consistent(scenario)


_TOP = frozenset(TOP_LEVEL_FIELDS)


def _small_record(ck: _Checker, data: Any, spec: dict, required: tuple) -> dict[str, Any]:
    if type(data) is not dict:
        raise _Unusual
    rec = _record(ck, ("scenario",), data, spec, required)
    if rec is None:
        raise _Unusual
    return rec


def _has_bad(rec: dict[str, Any]) -> bool:
    return any(v is _BAD for v in rec.values())


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if type(value) is not list:
        raise _Unusual
    return value


# --- columns: each field of every record at once ----------------------------------------
#
# Checking column by column keeps the per-record Python work to one dict lookup per field:
# types are checked on the set of types in a column, and values on the set of distinct values
# (dates, weights, confidences and the like take few), with C-level set operations.


_NONE = type(None)
_TEXT_TYPES = frozenset({str, int, _NONE})
_NUMBER_TYPES = frozenset({float, int, _NONE})


def _column(items: list[dict[str, Any]], key: str, present: set[str]) -> list[Any]:
    """Every record's value of ``key`` (None when absent), by C-level iteration."""
    if key not in present:
        return [None] * len(items)
    return list(map(dict.get, items, repeat(key)))


def _texts(col: list[Any], required: bool = False) -> list[Any]:
    """Non-blank Unicode strings (whole numbers become their text); None stays absent."""
    types = set(map(type, col))
    if not types <= _TEXT_TYPES or (required and _NONE in types):
        raise _Unusual
    if int in types:
        col = [str(v) if type(v) is int else v for v in col]
    present = [v for v in col if v is not None] if _NONE in types else col
    _check_strings(present)
    return col


def _check_strings(values: list[str]) -> None:
    if not all(values) or any(map(str.isspace, values)):
        raise _Unusual  # blank text means absent: the full validator handles that
    joined = "".join(values)
    if not joined.isascii():
        try:
            joined.encode("utf-8")  # a lone surrogate (from a \ud800 escape) is not text
        except UnicodeEncodeError:
            raise _Unusual from None


def _choices(allowed: tuple[str, ...], default: str | None) -> Callable[[list[Any]], list[Any]]:
    valid = frozenset(allowed) | {None}

    def convert(col: list[Any]) -> list[Any]:
        distinct = set(col)
        if not distinct <= valid or not set(map(type, distinct)) <= {str, _NONE}:
            raise _Unusual
        return [default if v is None else v for v in col] if None in distinct else col

    return convert


_GOOD_DATES: set[str] = set()


def _date(value: Any) -> str:
    text = value.isoformat() if type(value) is dt.date else str(value)
    if text in _GOOD_DATES:
        return text
    if not DATE_PATTERN.fullmatch(text):
        raise _Unusual
    try:
        period(text)
    except ValueError:
        raise _Unusual from None
    if len(_GOOD_DATES) < 100_000:
        _GOOD_DATES.add(text)
    return text


def _dates(col: list[Any]) -> list[Any]:
    if not set(map(type, col)) <= {str, int, dt.date, _NONE}:
        raise _Unusual
    converted: dict[Any, str | None] = {v: _date(v) for v in set(col) if v is not None}
    converted[None] = None
    return [converted[v] for v in col]


def _weights(col: list[Any]) -> list[Any]:
    if not set(map(type, col)) <= _NUMBER_TYPES:
        raise _Unusual
    if not all(0.0 <= v <= 1.0 for v in set(col) if v is not None):
        raise _Unusual
    return [1.0 if v is None else float(v) for v in col]


def _booleans(col: list[Any]) -> list[Any]:
    types = set(map(type, col))
    if not types <= {bool, _NONE}:
        raise _Unusual
    return [False if v is None else v for v in col] if _NONE in types else col


def _amounts(col: list[Any]) -> list[Any]:
    if not set(map(type, col)) <= _NUMBER_TYPES:
        raise _Unusual
    try:
        col = [None if v is None else float(v) for v in col]
    except OverflowError:
        raise _Unusual from None
    if not all(math.isfinite(v) for v in set(col) if v is not None):
        raise _Unusual
    return col


def _lists(col: list[Any]) -> list[tuple[str, ...]]:
    """Lists of clean strings as tuples (a single string is a one-item list)."""
    out = [() if v is None else tuple(v) if type(v) is list else (v,) for v in col]
    flat = [item for items in out for item in items]
    if not set(map(type, flat)) <= {str}:
        raise _Unusual
    _check_strings(flat)
    if any(item != item.strip() for item in set(flat)):
        raise _Unusual
    return out


def _absent(col: list[Any]) -> list[Any]:
    """Foreign attributes (a mapping) are rare in govgraph's own files: the full validator
    converts them."""
    if any(v is not None for v in col):
        raise _Unusual
    return col


_CONVERT: dict[str, Callable[[list[Any]], list[Any]]] = {
    "name": _texts, "kind": _texts, "level": _choices(LEVELS, None), "sector": _lists,
    "description": _texts, "sources": _lists, "tags": _lists, "since": _dates,
    "until": _dates, "confidence": _choices(CONFIDENCES, "confirmed"), "note": _texts,
    "type": _texts, "weight": _weights, "formal": _booleans, "amount_eur": _amounts,
    "attributes": _absent,
}  # fmt: skip
_ACTOR_KEYS = frozenset(ACTOR_SPEC)
_RELATION_KEYS = frozenset(RELATION_SPEC)
_ACTOR_NAMES = tuple(f.name for f in fields(Actor))
_RELATION_NAMES = tuple(f.name for f in fields(Relation))
_ID_LINES = re.compile(r"(?:[a-z0-9][a-z0-9_.-]*\n)*")
_RELATION_ID_LINES = re.compile(r"(?:[A-Za-z0-9][A-Za-z0-9_.:-]*\n)*")


def _records_of(items: list[Any], keys: frozenset[str]) -> set[str]:
    """Check every item is a mapping of known fields; return the fields that occur."""
    present: set[str] = set().union(*items) if set(map(type, items)) <= {dict} else {""}
    if not keys.issuperset(present):
        raise _Unusual
    return present


def _all_match(pattern: re.Pattern[str], ids: list[str]) -> bool:
    return not ids or pattern.fullmatch("\n".join(ids) + "\n") is not None


def _check_sources(refs: list[tuple[str, ...]], source_ids: frozenset[str]) -> None:
    if not source_ids.issuperset(item for items in refs for item in items):
        raise _Unusual


def _check_periods(since: list[Any], until: list[Any]) -> None:
    for start, end in {(s, u) for s, u in zip(since, until, strict=True) if s and u}:
        if period(end)[1] < period(start)[0]:
            raise _Unusual


def _actors(items: list[Any], vocab: Vocabulary, source_ids: frozenset[str]) -> dict[str, Actor]:
    present = _records_of(items, _ACTOR_KEYS)
    ids = _texts(_column(items, "id", present), required=True)
    if len(set(ids)) != len(ids) or not _all_match(_ID_LINES, ids):
        raise _Unusual
    columns = {"id": ids}
    for name in _ACTOR_NAMES[1:]:
        columns[name] = _CONVERT[name](_column(items, name, present))
    if None in columns["name"] or not set(columns["kind"]) <= set(vocab.kinds):
        raise _Unusual
    _check_sources(columns["sources"], source_ids)
    _check_periods(columns["since"], columns["until"])
    return dict(zip(ids, instances(Actor, columns), strict=True))


def _relations(
    items: list[Any], vocab: Vocabulary, actors: dict[str, Actor], source_ids: frozenset[str]
) -> tuple[Relation, ...]:
    present = _records_of(items, _RELATION_KEYS)
    columns = {"source": _column(items, "from", present), "target": _column(items, "to", present)}
    if not actors.keys() >= set(columns["source"]) | set(columns["target"]):
        raise _Unusual  # also rules out absent or non-text ends: every actor id is clean text
    for name in _RELATION_NAMES[3:]:
        columns[name] = _CONVERT[name](_column(items, name, present))
    if not set(columns["type"]) <= vocab.relation_types.keys():
        raise _Unusual
    _check_sources(columns["sources"], source_ids)
    _check_periods(columns["since"], columns["until"])
    columns["id"] = _relation_ids(_texts(_column(items, "id", present)), columns)
    return tuple(instances(Relation, columns))


def _relation_ids(own: list[Any], columns: dict[str, list[Any]]) -> list[str]:
    """Each relation's own id, or ``<from>:<TYPE>:<to>`` numbered for repeats as
    :func:`graph.model.derive_relation_ids` numbers them; all distinct."""
    given = [v for v in own if v is not None]
    if not _all_match(_RELATION_ID_LINES, given):
        raise _Unusual
    if len(given) == len(own):
        if len(set(given)) != len(given):
            raise _Unusual
        return given
    ends = list(zip(columns["source"], columns["type"], columns["target"], strict=True))
    derived = [f"{a}:{t}:{b}" for a, t, b in ends]
    if given or len(set(derived)) != len(derived):
        rows = [
            {"id": i, "from": a, "type": t, "to": b} for i, (a, t, b) in zip(own, ends, strict=True)
        ]
        derived = derive_relation_ids(rows)
    if len(set(derived)) != len(derived):
        raise _Unusual
    return derived
