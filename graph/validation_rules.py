"""The checks behind :func:`graph.validation.validate_document`: field converters, the
record specs, the problem collector and the section checks (DESIGN section 3).

Both validators build on them: the full one (:mod:`graph.validation`), which reports every
problem, and the fast one for plainly written documents (:mod:`graph.validation_fast`). They
live here so that neither of those imports the other's internals back.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
import reprlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.dates import period
from graph.errors import Problem
from graph.model import (
    ACTOR_FIELDS,
    RELATION_FIELDS,
    SCENARIO_FIELDS,
    SOURCE_FIELDS,
    Actor,
    Relation,
    Scenario,
    ScenarioInfo,
    Source,
    attributes_text,
    derive_relation_ids,
)
from graph.vocabulary import CONFIDENCES, FLOWS, LEVELS, MODES, RelationType, Vocabulary

Path = tuple[Any, ...]
Locate = Callable[[Path], dict[str, Any]]

SUPPORTED_VERSIONS: tuple[int, ...] = (1,)
TOP_LEVEL_FIELDS: tuple[str, ...] = (
    "govgraph",
    "scenario",
    "sources",
    "vocabulary",
    "actors",
    "relations",
)
VOCABULARY_FIELDS: tuple[str, ...] = ("kinds", "relation_types")
TYPE_FIELDS: tuple[str, ...] = ("type", "mode", "control", "voice", "accountability")

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_.-]*")
#: Explicit relation ids may also hold ':' and capitals, as derived ids do (``a:STEERS:b``).
RELATION_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")
KIND_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
TYPE_PATTERN = re.compile(r"[A-Z][A-Z0-9_]*")
DATE_PATTERN = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")

#: Names people often write for a field, mapped to the field they mean.
ALIASES: dict[str, str] = {"target": "to", "label": "name"}

_BAD = object()  # marks a value that failed conversion (a problem was reported)
_short = reprlib.Repr()
_short.maxstring = 120
_short.maxother = 120


def closest(name: object, valid: Iterable[str]) -> str | None:
    """Return the valid name closest to ``name``, or None when nothing is close.

    Examples
    --------
    >>> closest("knid", ["kind", "name", "level"])
    'kind'
    >>> closest("zzz", ["kind"]) is None
    True
    """
    text = str(name)
    if len(text) > 64:  # no name is that long; matching would cost O(length²) per candidate
        return None
    matches = difflib.get_close_matches(text, list(valid), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _culprit(value: Any) -> Any:
    """Return a JSON-safe, bounded form of a culprit value."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return value if len(value) <= 200 else value[:200] + "..."
    if isinstance(value, dt.date):
        return value.isoformat()
    return _short.repr(value)


@dataclass
class _Checker:
    """Collects problems while converting one document."""

    file: str | None
    locate: Locate | None
    problems: list[Problem] = field(default_factory=list)

    def report(self, code: str, path: Path, message: str, hint: str, value: Any = None) -> None:
        place = self._place(path)
        self.problems.append(Problem(code, message, hint, value=_culprit(value), **place))

    def _place(self, path: Path) -> dict[str, Any]:
        place: dict[str, Any] = {"file": self.file}
        if self.locate is not None:
            try:
                place.update(self.locate(path) or {})
            except Exception:  # noqa: BLE001 - a failing locator must not hide the problem
                pass
        allowed = ("file", "line", "sheet", "row")
        return {k: v for k, v in place.items() if k in allowed}


# --- scalar converters: each returns the clean value or _BAD after reporting -------------


def _text(ck: _Checker, path: Path, value: Any) -> Any:
    """Text: strings as they are, whole numbers and dates as their text; blank means absent."""
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    ck.report("wrong-type", path, f"'{_name(path)}' must be text", "Quote the value.", value)
    return _BAD


def _name(path: Path) -> str:
    return str(path[-1]) if path and not isinstance(path[-1], int) else ".".join(map(str, path))


def _id(ck: _Checker, path: Path, value: Any) -> Any:
    text = _text(ck, path, value)
    if text is _BAD or text is None:
        return text
    if not ID_PATTERN.fullmatch(text):
        hint = "Use lower-case letters, digits, '_', '.' or '-', starting with a letter or digit"
        suggestion = _slug(text)
        hint += f", e.g. '{suggestion}'." if suggestion else "."
        ck.report(
            "bad-id", path, f"id '{text}' is not of the form [a-z0-9][a-z0-9_.-]*", hint, value
        )
        return _BAD
    return text


def _slug(text: str) -> str:
    """Return ``text`` turned into a valid id, or '' when nothing usable is left."""
    slug = re.sub(r"[^a-z0-9_.-]+", "-", text.lower()).strip("-_.")
    return slug if slug and ID_PATTERN.fullmatch(slug) else ""


def _relation_id(ck: _Checker, path: Path, value: Any) -> Any:
    text = _text(ck, path, value)
    if text is _BAD or text is None or RELATION_ID_PATTERN.fullmatch(text):
        return text
    hint = "Use letters, digits, '_', '.', ':' or '-', starting with a letter or digit."
    ck.report("bad-id", path, f"relation id '{text}' has characters not allowed", hint, value)
    return _BAD


def _date(ck: _Checker, path: Path, value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()  # spreadsheets give midnight datetimes for date cells
    text = None if isinstance(value, dt.datetime) else _quiet_text(value)
    if text == "":
        return None
    if text is not None and DATE_PATTERN.fullmatch(text) and _is_real_date(text):
        return text
    hint = "Write an ISO date: YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2022-07)."
    ck.report("bad-date", path, f"'{_name(path)}' is not an ISO date", hint, value)
    return _BAD


def _quiet_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return None


def _is_real_date(text: str) -> bool:
    try:
        period(text)
    except ValueError:
        return False
    return True


def _number(value: Any) -> float | None:
    """Return ``value`` as a finite float (numbers and numeric text), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer beyond any float
        return None
    return number if math.isfinite(number) else None


def _weight(ck: _Checker, path: Path, value: Any) -> Any:
    number = _number(value)
    if number is not None and 0.0 <= number <= 1.0:
        return number
    hint = "Give a number from 0 to 1 (1 is the default, the strongest)."
    ck.report("bad-weight", path, "'weight' must be a number from 0 to 1", hint, value)
    return _BAD


def _amount(ck: _Checker, path: Path, value: Any) -> Any:
    if isinstance(value, str) and value.strip() == "":
        return None
    number = _number(value)
    if number is not None:
        return number
    hint = "Give a plain number of euros without currency sign or separators, e.g. 256000000."
    ck.report("bad-number", path, f"'{_name(path)}' must be a number", hint, value)
    return _BAD


_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


def _boolean(ck: _Checker, path: Path, value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    hint = "Write true or false."
    ck.report("bad-boolean", path, f"'{_name(path)}' must be true or false", hint, value)
    return _BAD


def _choice(code: str, choices: tuple[str, ...], what: str) -> Callable[..., Any]:
    def convert(ck: _Checker, path: Path, value: Any) -> Any:
        if isinstance(value, str) and value in choices:
            return value
        near = closest(value, choices) if isinstance(value, str) else None
        hint = f"Did you mean '{near}'? " if near else ""
        hint += f"Use one of: {', '.join(choices)}."
        ck.report(code, path, f"'{value}' is not a known {what}", hint, value)
        return _BAD

    return convert


def _string_list(item: Callable[..., Any]) -> Callable[..., Any]:
    """Return a converter for a list field whose items ``item`` converts; a string is one item."""

    def convert(ck: _Checker, path: Path, value: Any) -> Any:
        if value is None:
            return ()
        if not isinstance(value, list | tuple):
            value = [value]
        out = [item(ck, path + (i,), v) for i, v in enumerate(value)]
        if any(v is _BAD for v in out):
            return _BAD
        return tuple(v for v in out if v is not None)

    return convert


def _item(ck: _Checker, path: Path, value: Any) -> Any:
    """A list item: text without surrounding white space ('' is dropped)."""
    text = _text(ck, path, value)
    return text.strip() or None if isinstance(text, str) else text


def _attributes(ck: _Checker, path: Path, value: Any) -> Any:
    """Foreign attributes: a mapping (YAML, JSON) or its JSON text (other formats)."""
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            pass
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, Mapping) and all(isinstance(k, str) for k in value):
        return attributes_text({k: _plain(v) for k, v in value.items() if v is not None})
    hint = "Write 'attributes' as a mapping of names to values (JSON object text in tables)."
    ck.report("wrong-type", path, "'attributes' must be a mapping", hint, value)
    return _BAD


def _plain(value: Any) -> Any:
    """Return an attribute value as JSON keeps it: scalars as they are, the rest as text."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, default=str)


_level = _choice("unknown-level", LEVELS, "level")
_confidence = _choice("bad-confidence", CONFIDENCES, "confidence")
_mode = _choice("bad-mode", MODES, "relation mode")
_flow = _choice("bad-flow", FLOWS, "flow (control or voice)")

Converter = Callable[[_Checker, Path, Any], Any]

ACTOR_SPEC: dict[str, Converter] = {
    "id": _id, "name": _text, "kind": _text, "level": _level,
    "sector": _string_list(_item), "description": _text, "sources": _string_list(_item),
    "tags": _string_list(_item), "since": _date, "until": _date, "confidence": _confidence,
    "note": _text, "attributes": _attributes,
}  # fmt: skip
RELATION_SPEC: dict[str, Converter] = {
    "id": _relation_id, "from": _text, "to": _text, "type": _text,
    "sources": _string_list(_item), "note": _text, "weight": _weight, "formal": _boolean,
    "amount_eur": _amount, "since": _date, "until": _date, "confidence": _confidence,
    "tags": _string_list(_item), "attributes": _attributes,
}  # fmt: skip
SOURCE_SPEC: dict[str, Converter] = {
    "id": _id, "title": _text, "url": _text, "published": _date, "publisher": _text,
    "note": _text,
}  # fmt: skip
SCENARIO_SPEC: dict[str, Converter] = {
    "id": _id, "title": _text, "description": _text, "date": _date,
}  # fmt: skip
TYPE_SPEC: dict[str, Converter] = {
    "type": _text, "mode": _mode, "control": _flow, "voice": _flow,
    "accountability": _boolean,
}  # fmt: skip

assert tuple(ACTOR_SPEC) == ACTOR_FIELDS and tuple(RELATION_SPEC) == RELATION_FIELDS
assert tuple(SOURCE_SPEC) == SOURCE_FIELDS and tuple(SCENARIO_SPEC) == SCENARIO_FIELDS


# --- records and sections ------------------------------------------------------------------


def _record(
    ck: _Checker, path: Path, data: Any, spec: Mapping[str, Converter], required: Iterable[str]
) -> dict[str, Any] | None:
    """Convert one mapping field by field; return None when it is not a mapping at all."""
    if not isinstance(data, Mapping):
        what = path[0] if len(path) > 1 else _name(path)
        ck.report(
            "wrong-type",
            path,
            f"each entry of '{what}' must be a mapping of fields",
            "Write the entry as 'field: value' pairs.",
            data,
        )
        return None
    _unknown_fields(ck, path, data, spec)
    out = {k: spec[k](ck, path + (k,), v) for k, v in data.items() if k in spec and v is not None}
    for name in required:
        if out.get(name) is None:
            what = _owner(path)
            ck.report(
                "missing-field",
                path,
                f"{what} has no '{name}'",
                f"Every {what} needs a non-empty '{name}'.",
                data.get(name),
            )
    return out


def _owner(path: Path) -> str:
    names = {"actors": "actor", "relations": "relation", "sources": "source"}
    if path and path[0] == "vocabulary":
        return "declared relation type"
    return names.get(str(path[0]), str(path[0])) if path else "document"


def _unknown_fields(ck: _Checker, path: Path, data: Mapping[Any, Any], spec: Iterable[str]) -> None:
    valid = list(spec)
    for key in data:
        if key in valid:
            continue
        near = ALIASES.get(str(key)) if ALIASES.get(str(key)) in valid else closest(key, valid)
        hint = f"Did you mean '{near}'? " if near else ""
        hint += f"Valid fields: {', '.join(valid)}."
        ck.report("unknown-field", path + (key,), f"unknown field '{key}'", hint, key)


def _section(ck: _Checker, doc: Mapping[str, Any], name: str) -> list[Any]:
    """Return a top-level list section (missing means empty)."""
    value = doc.get(name)
    if value is None:
        return []
    if isinstance(value, list):
        return value
    ck.report(
        "wrong-type",
        (name,),
        f"'{name}' must be a list",
        f"Write each entry of '{name}' on its own line starting with '- '.",
        value,
    )
    return []


def _version(ck: _Checker, doc: Mapping[str, Any]) -> None:
    if "govgraph" not in doc:
        ck.report(
            "missing-version",
            (),
            "the document has no 'govgraph' format version",
            "Add 'govgraph: 1' as the first line.",
        )
    elif doc["govgraph"] not in SUPPORTED_VERSIONS or isinstance(doc["govgraph"], bool):
        ck.report(
            "unknown-version",
            ("govgraph",),
            "unknown interchange format version",
            "This version of govgraph reads format version 1: write 'govgraph: 1'.",
            doc["govgraph"],
        )


def _scenario_info(ck: _Checker, doc: Mapping[str, Any]) -> dict[str, Any]:
    if doc.get("scenario") is None:
        ck.report(
            "missing-field",
            (),
            "the document has no 'scenario'",
            "Add 'scenario: {id: my-scenario, title: ...}'.",
        )
        return {}
    return _record(ck, ("scenario",), doc["scenario"], SCENARIO_SPEC, ("id", "title")) or {}


def _records(
    ck: _Checker, doc: Mapping[str, Any], name: str, spec: Mapping[str, Converter], req: tuple
) -> list[tuple[int, dict[str, Any]]]:
    """Convert each entry of a list section; return (index, fields) for the mappings."""
    items = [
        (i, _record(ck, (name, i), item, spec, req))
        for i, item in enumerate(_section(ck, doc, name))
    ]
    return [(i, rec) for i, rec in items if rec is not None]


def _vocabulary(ck: _Checker, doc: Mapping[str, Any]) -> Vocabulary:
    data = doc.get("vocabulary")
    if data is None:
        return Vocabulary.with_declared()
    if not isinstance(data, Mapping):
        ck.report(
            "wrong-type",
            ("vocabulary",),
            "'vocabulary' must be a mapping",
            "Write 'vocabulary: {kinds: [...], relation_types: [...]}'.",
            data,
        )
        return Vocabulary.with_declared()
    _unknown_fields(ck, ("vocabulary",), data, VOCABULARY_FIELDS)
    return Vocabulary.with_declared(_declared_kinds(ck, data), _declared_types(ck, data))


def _declared_kinds(ck: _Checker, data: Mapping[str, Any]) -> list[str]:
    raw = _string_list(_item)(ck, ("vocabulary", "kinds"), data.get("kinds"))
    kinds: list[str] = []
    for i, kind in enumerate(() if raw is _BAD else raw):
        path = ("vocabulary", "kinds", i)
        if not KIND_PATTERN.fullmatch(kind):
            ck.report(
                "bad-name",
                path,
                f"kind '{kind}' is not snake_case",
                "Write kinds in snake_case, e.g. 'district_council'.",
                kind,
            )
        elif kind in kinds:
            ck.report(
                "duplicate-id",
                path,
                f"kind '{kind}' is declared twice",
                "Declare each kind once.",
                kind,
            )
        else:
            kinds.append(kind)
    return kinds


def _declared_types(ck: _Checker, data: Mapping[str, Any]) -> list[RelationType]:
    path = ("vocabulary", "relation_types")
    raw = data.get("relation_types")
    if raw is not None and not isinstance(raw, list):
        ck.report(
            "wrong-type",
            path,
            "'relation_types' must be a list",
            "Write one '- {type: ..., mode: ...}' entry per type.",
            raw,
        )
        return []
    types: dict[str, RelationType] = {}
    for i, item in enumerate(raw or []):
        rec = _record(ck, path + (i,), item, TYPE_SPEC, ("type", "mode"))
        if rec is not None and _type_name_ok(ck, path + (i, "type"), rec.get("type"), types):
            types[rec["type"]] = _relation_type(rec)
    return list(types.values())


def _type_name_ok(ck: _Checker, path: Path, name: Any, seen: Mapping[str, Any]) -> bool:
    if not isinstance(name, str):
        return False
    if not TYPE_PATTERN.fullmatch(name):
        ck.report(
            "bad-name",
            path,
            f"relation type '{name}' is not UPPER_SNAKE",
            "Write relation types in UPPER_SNAKE, e.g. 'ALLOCATES'.",
            name,
        )
        return False
    if name in seen or Vocabulary.with_declared().has_type(name):
        ck.report(
            "duplicate-type",
            path,
            f"relation type '{name}' is already defined",
            "Core types cannot be redefined and each type is declared once; pick another name.",
            name,
        )
        return False
    return True


def _relation_type(rec: Mapping[str, Any]) -> RelationType:
    return RelationType(
        rec["type"],
        rec.get("mode", "control") if rec.get("mode") is not _BAD else "control",
        _ok(rec.get("control"), "none"),
        _ok(rec.get("voice"), "none"),
        bool(_ok(rec.get("accountability"), False)),
        core=False,
    )


def _ok(value: Any, default: Any) -> Any:
    return default if value is None or value is _BAD else value


def _check_ids(ck: _Checker, section: str, ids: Iterable[tuple[int, Any]], what: str) -> set[str]:
    """Report duplicate ids in one section; return the set of ids."""
    seen: dict[str, int] = {}
    for i, ident in ids:
        if not isinstance(ident, str):
            continue
        if ident in seen:
            ck.report(
                "duplicate-id",
                (section, i, "id"),
                f"{what} id '{ident}' is used twice",
                f"Ids are unique per scenario; {_where(ck, (section, seen[ident]))} "
                "already has it. Rename one.",
                ident,
            )
        else:
            seen[ident] = i
    return set(seen)


def _where(ck: _Checker, path: Path) -> str:
    place = ck._place(path)
    if "line" in place:
        return f"line {place['line']}"
    if "row" in place:
        return f"row {place['row']}"
    return f"entry {path[1] + 1} of '{path[0]}'"


def _check_refs(ck: _Checker, path: Path, refs: Any, known: set[str], what: str) -> None:
    if not isinstance(refs, tuple):
        return
    for j, ref in enumerate(refs):
        if ref not in known:
            near = closest(ref, known)
            hint = f"Did you mean '{near}'? " if near else ""
            hint += f"Add it to '{what}s' or fix the reference."
            code = "unknown-source" if what == "source" else "unknown-actor"
            ck.report(code, path + (j,), f"{what} '{ref}' is not defined", hint, ref)


def _check_actor(ck: _Checker, i: int, rec: dict[str, Any], vocab: Vocabulary, srcs: set) -> None:
    kind = rec.get("kind")
    if isinstance(kind, str) and not vocab.has_kind(kind):
        near = closest(kind, vocab.kinds)
        hint = f"Did you mean '{near}'? " if near else ""
        hint += "Use a core kind or declare it under 'vocabulary: {kinds: [...]}'."
        ck.report("unknown-kind", ("actors", i, "kind"), f"unknown actor kind '{kind}'", hint, kind)
    _check_refs(ck, ("actors", i, "sources"), rec.get("sources"), srcs, "source")
    _check_period(ck, ("actors", i), rec)


def _check_period(ck: _Checker, path: Path, rec: Mapping[str, Any]) -> None:
    since, until = rec.get("since"), rec.get("until")
    if isinstance(since, str) and isinstance(until, str) and period(until)[1] < period(since)[0]:
        ck.report(
            "bad-period",
            path + ("until",),
            f"'until' ({until}) is before 'since' ({since})",
            "Swap the dates or correct one of them.",
            until,
        )


def _check_relation(
    ck: _Checker, i: int, rec: dict[str, Any], vocab: Vocabulary, actors: set, srcs: set
) -> None:
    for end in ("from", "to"):
        if isinstance(rec.get(end), str):
            _check_refs(ck, ("relations", i, end), (rec[end],), actors, "actor")
    rtype = rec.get("type")
    if isinstance(rtype, str) and not vocab.has_type(rtype):
        near = closest(rtype, vocab.relation_types) or closest(rtype.upper(), vocab.relation_types)
        hint = f"Did you mean '{near}'? " if near else ""
        hint += "Use a core type or declare it under 'vocabulary: {relation_types: [...]}'."
        ck.report(
            "unknown-relation-type",
            ("relations", i, "type"),
            f"unknown relation type '{rtype}'",
            hint,
            rtype,
        )
    _check_refs(ck, ("relations", i, "sources"), rec.get("sources"), srcs, "source")
    _check_period(ck, ("relations", i), rec)


def _relation_ids(recs: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, str]]:
    rows = [{**rec, "id": rec.get("id") if isinstance(rec.get("id"), str) else None}
            for _, rec in recs]  # fmt: skip
    return [(i, rid) for (i, _), rid in zip(recs, derive_relation_ids(rows), strict=True)]


# --- building --------------------------------------------------------------------------------


def _build(info: dict, sources: list, vocab: Vocabulary, actors: list, rels: list) -> Scenario:
    return Scenario(
        ScenarioInfo(**info),
        sources=tuple(Source(**rec) for _, rec in sources),
        vocabulary=vocab,
        actors=tuple(Actor(**rec) for _, rec in actors),
        relations=tuple(_relation(rid, rec) for rid, rec in rels),
    )


def _relation(rid: str, rec: dict[str, Any]) -> Relation:
    fields_ = {k: v for k, v in rec.items() if k not in ("id", "from", "to")}
    return Relation(rid, rec["from"], rec["to"], **fields_)


def _check_text(ck: _Checker, value: Any, path: tuple[Any, ...]) -> None:
    """Report strings that are not Unicode text: a lone surrogate, which a JSON or YAML escape
    such as ``\\ud800`` can write; no store can keep one (LadybugDB crashes on it)."""
    if len(path) > 6:  # deeper than any field; also ends recursive YAML aliases
        return
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            ck.report(
                "bad-text",
                path,
                "this text holds a lone surrogate (\\ud800-\\udfff), which is not a character",
                "Remove the escape, or write the character it was meant to be.",
                value.encode("utf-8", "backslashreplace").decode("ascii"),
            )
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _check_text(ck, key, path)
            _check_text(ck, item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_text(ck, item, (*path, i))
