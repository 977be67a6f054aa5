"""A mapping from a foreign graph's own node types and relation types to governance meaning.

A foreign file (:mod:`graph.formats.foreign`) keeps its node types and relation types in
``attributes``; govgraph's steering analyses need kinds and relation types with control,
voice and accountability. A mapping is a small YAML file that says, per foreign value,
which kind or relation type it means::

    govgraph_mapping: 1
    scenario: {id: my-programme, title: My programme}   # optional: the result's id and title
    kinds:
      attribute: Type              # the actor attribute whose values are mapped
      values: {Ministry: ministry, Citizens: resident_group}
    relation_types:
      attribute: Type              # the relation attribute whose values are mapped
      values: {gives advice: ADVISES, works for: IMPLEMENTS}

A value that is not listed keeps the kind or type it was read with. Relation type keys may
also name the type itself (``RELATED_TO: COLLABORATES_WITH`` maps edges without a type).
:func:`suggest` proposes a mapping by similarity; :func:`apply_mapping` applies one and
validates the result; :func:`read_mapping` reads and checks a mapping file.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from graph.errors import Problem, ValidationFailed
from graph.formats.foreign import (
    KIND_ATTRIBUTES,
    TYPE_ATTRIBUTES,
    core_type,
    kind_of,
    type_name,
)
from graph.model import Scenario, attributes_dict
from graph.validation import ID_PATTERN, validate_document
from graph.vocabulary import CORE_KINDS, CORE_RELATION_TYPES

__all__ = [
    "TypeMapping",
    "suggest",
    "apply_mapping",
    "read_mapping",
    "parse_mapping",
    "mapping_yaml",
    "kind_attribute",
    "type_attribute",
]

#: Words that name a kind or relation type in other words (lower case, singular).
KIND_WORDS: dict[str, str] = {
    "government": "cabinet", "department": "ministry", "council": "municipality",
    "city": "municipality", "town": "municipality", "gemeente": "municipality",
    "municipal": "municipality", "resident": "resident_group", "citizen": "resident_group",
    "community": "resident_group", "inhabitant": "resident_group", "bewoner": "resident_group",
    "professional": "professional_group", "worker": "professional_group",
    "ngo": "civil_society_platform", "charity": "welfare_organisation",
    "company": "private_partner", "business": "private_partner", "firm": "private_partner",
    "university": "knowledge_institution", "research": "knowledge_institution",
    "fund": "instrument", "subsidy": "instrument", "budget": "instrument",
    "committee": "consultation_body", "board": "consultation_body", "forum": "consultation_body",
    "office": "programme_office", "bureau": "programme_office", "area": "focus_area",
    "district": "focus_area", "neighbourhood": "neighbourhood", "neighborhood": "neighbourhood",
    "people": "person", "individual": "person", "report": "document", "policy": "document",
}  # fmt: skip
TYPE_WORDS: dict[str, str] = {
    "fund": "FUNDS", "finance": "FUNDS", "pay": "FUNDS", "subsidise": "FUNDS",
    "subsidize": "FUNDS", "grant": "FUNDS", "steer": "STEERS", "direct": "STEERS",
    "control": "STEERS", "manage": "STEERS", "command": "STEERS", "lead": "STEERS",
    "monitor": "MONITORS", "evaluate": "MONITORS", "audit": "MONITORS",
    "supervise": "MONITORS", "report": "REPORTS_TO", "account": "REPORTS_TO",
    "implement": "IMPLEMENTS", "execute": "IMPLEMENTS", "coordinate": "COORDINATES",
    "chair": "CHAIRS", "member": "MEMBER_OF", "belong": "MEMBER_OF",
    "participate": "PARTICIPATES_IN", "advise": "ADVISES", "advice": "ADVISES",
    "consult": "ADVISES", "represent": "REPRESENTS", "collaborate": "COLLABORATES_WITH",
    "cooperate": "COLLABORATES_WITH", "partner": "COLLABORATES_WITH", "work": "COLLABORATES_WITH",
    "target": "TARGETS", "locate": "LOCATED_IN", "author": "AUTHORED", "write": "AUTHORED",
    "criticise": "CRITICISES", "criticize": "CRITICISES", "support": "SUPPORTS",
}  # fmt: skip


@dataclass(frozen=True)
class TypeMapping:
    """A parsed mapping: attribute names and value -> kind / relation type tables."""

    kind_attribute: str | None = None
    kinds: dict[str, str] = field(default_factory=dict)
    type_attribute: str | None = None
    types: dict[str, str] = field(default_factory=dict)
    scenario_id: str | None = None
    title: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the mapping file's document."""
        doc: dict[str, Any] = {"govgraph_mapping": 1}
        head = {k: v for k, v in (("id", self.scenario_id), ("title", self.title)) if v}
        if head:
            doc["scenario"] = head
        doc["kinds"] = {"attribute": self.kind_attribute, "values": dict(self.kinds)}
        doc["relation_types"] = {"attribute": self.type_attribute, "values": dict(self.types)}
        return doc


def _first(records: list[dict[str, Any]], names: tuple[str, ...]) -> str | None:
    """Return the attribute (its own spelling) that the most records hold, by name priority."""
    counts: Counter[str] = Counter(k for rec in records for k in rec)
    lowered = {k.lower(): k for k, _ in counts.most_common()}
    return next((lowered[n] for n in names if n in lowered), None)


def kind_attribute(scenario: Scenario) -> str | None:
    """Return the actor attribute that holds the foreign kinds (``Type``, ``labels`` ...)."""
    return _first([attributes_dict(a.attributes) for a in scenario.actors], KIND_ATTRIBUTES)


def type_attribute(scenario: Scenario) -> str | None:
    """Return the relation attribute that holds the foreign relation types."""
    return _first([attributes_dict(r.attributes) for r in scenario.relations], TYPE_ATTRIBUTES)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _words(text: str) -> list[str]:
    words = re.findall(r"[a-z]+", text.lower())
    return [w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words]


def suggest_kind(value: str) -> str | None:
    """Return the kind a foreign kind value most likely means, or None.

    Examples
    --------
    >>> suggest_kind("Ministry"), suggest_kind("Local councils"), suggest_kind("Ministery")
    ('ministry', 'municipality', 'ministry')
    >>> suggest_kind("Spaceship") is None
    True
    """
    exact = kind_of(value)
    if exact:
        return exact
    for word in _words(value):
        if word in KIND_WORDS:
            return KIND_WORDS[word]
        if word in CORE_KINDS:
            return word
    snake = "_".join(_words(value))
    near = difflib.get_close_matches(snake, CORE_KINDS, n=1, cutoff=0.75)
    return near[0] if near and near[0] != "other" else None


def suggest_type(value: str) -> str | None:
    """Return the relation type a foreign type value most likely means, or None.

    Examples
    --------
    >>> suggest_type("funds"), suggest_type("gives advice"), suggest_type("Reports")
    ('FUNDS', 'ADVISES', 'REPORTS_TO')
    """
    exact = core_type(value)
    if exact:
        return exact
    for word in _words(value):
        for stem in (word, word.rstrip("e"), word[:-2] if word.endswith("ed") else word):
            if stem in TYPE_WORDS:
                return TYPE_WORDS[stem]
    near = difflib.get_close_matches(type_name(value), list(CORE_RELATION_TYPES), n=1, cutoff=0.75)
    return near[0] if near else None


def suggest(scenario: Scenario) -> dict[str, Any]:
    """Return the scenario's foreign node and relation types, with counts and suggestions.

    The result has ``kinds`` and ``relation_types``, each ``{"attribute": name or None,
    "values": [{"value", "count", "current", "suggested"}]}``, ``attributes`` (actor and
    relation attribute names with how many carry each) and ``mapping``, the suggested
    mapping's document.
    """
    k_attr, t_attr = kind_attribute(scenario), type_attribute(scenario)
    kinds = _values(
        [(attributes_dict(a.attributes).get(k_attr) if k_attr else None, a.kind)
         for a in scenario.actors], suggest_kind,
    )  # fmt: skip
    types = _values(
        [(attributes_dict(r.attributes).get(t_attr) if t_attr else None, r.type)
         for r in scenario.relations], suggest_type,
    )  # fmt: skip
    mapping = TypeMapping(
        k_attr, {v["value"]: v["suggested"] for v in kinds if v["suggested"]},
        t_attr, {v["value"]: v["suggested"] for v in types if v["suggested"]},
    )  # fmt: skip
    return {
        "kinds": {"attribute": k_attr, "values": kinds},
        "relation_types": {"attribute": t_attr, "values": types},
        "attributes": {
            "actors": _attribute_counts(a.attributes for a in scenario.actors),
            "relations": _attribute_counts(r.attributes for r in scenario.relations),
        },
        "mapping": mapping.to_dict(),
    }


def _values(pairs: list[tuple[Any, str]], guess: Any) -> list[dict[str, Any]]:
    """Group (foreign value, current name) pairs; a missing foreign value is the name."""
    counts: Counter[tuple[str, str]] = Counter(
        (_text(value) if value is not None else current, current) for value, current in pairs
    )
    rows = []
    for (value, current), count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        suggested = current if current not in ("other", "RELATED_TO") and (
            current in CORE_KINDS or current in CORE_RELATION_TYPES) else guess(value)  # fmt: skip
        rows.append({"value": value, "count": count, "current": current, "suggested": suggested})
    return rows


def _attribute_counts(texts: Any) -> dict[str, int]:
    counts: Counter[str] = Counter(k for text in texts for k in attributes_dict(text))
    return dict(counts.most_common())


# --- reading and applying ----------------------------------------------------------------------


def _problem(message: str, hint: str, file: str | None, value: Any = None) -> Problem:
    return Problem("bad-mapping", message, hint, file=file, value=value)


def parse_mapping(doc: Any, file: str | None = None) -> TypeMapping:
    """Return the mapping a parsed document describes, or raise ValidationFailed.

    Examples
    --------
    >>> m = parse_mapping({"govgraph_mapping": 1, "kinds": {"values": {"Min": "ministry"}}})
    >>> m.kinds
    {'Min': 'ministry'}
    """
    problems: list[Problem] = []
    version = doc.get("govgraph_mapping") if isinstance(doc, Mapping) else None
    if not isinstance(doc, Mapping) or type(version) is not int or version != 1:
        hint = "Start the mapping file with 'govgraph_mapping: 1'."
        raise ValidationFailed([_problem("not a govgraph mapping", hint, file)])
    unknown = set(doc) - {"govgraph_mapping", "scenario", "kinds", "relation_types"}
    for key in sorted(map(str, unknown)):
        hint = "Sections: scenario, kinds, relation_types."
        problems.append(_problem(f"unknown section '{key}'", hint, file, key))
    k_attr, kinds = _section(doc.get("kinds"), "kinds", file, problems)
    t_attr, types = _section(doc.get("relation_types"), "relation_types", file, problems)
    for value, kind in kinds.items():
        if kind not in CORE_KINDS:
            hint = f"Use one of: {', '.join(CORE_KINDS)}."
            problems.append(_problem(f"'{value}' maps to '{kind}', not a kind", hint, file, kind))
    head: Mapping[str, Any] = doc["scenario"] if isinstance(doc.get("scenario"), Mapping) else {}
    if doc.get("scenario") is not None and not isinstance(doc["scenario"], Mapping):
        hint = "Write 'scenario: {id: ..., title: ...}' (or leave it out)."
        problems.append(_problem("'scenario' must be a mapping", hint, file))
    sid = head.get("id")
    if sid is not None and not (isinstance(sid, str) and ID_PATTERN.fullmatch(sid)):
        problems.append(_problem("scenario.id is not a valid id",
                                 "Use [a-z0-9][a-z0-9_.-]*.", file, sid))  # fmt: skip
    if problems:
        raise ValidationFailed(problems)
    title = head.get("title")
    return TypeMapping(k_attr, kinds, t_attr, types, sid, str(title) if title else None)


def _section(
    data: Any, name: str, file: str | None, problems: list[Problem]
) -> tuple[str | None, dict[str, str]]:
    if data is None:
        return None, {}
    values = data.get("values") if isinstance(data, Mapping) else None
    if not isinstance(data, Mapping) or not isinstance(values, Mapping | None):
        hint = f"Write '{name}: {{attribute: Type, values: {{foreign value: govgraph name}}}}'."
        problems.append(_problem(f"'{name}' must be a mapping with 'values'", hint, file))
        return None, {}
    attribute = data.get("attribute")
    table = {_text(k): _text(v) for k, v in (values or {}).items() if v is not None}
    return (_text(attribute) if attribute else None), table


def read_mapping(text: str, file: str | None = None) -> TypeMapping:
    """Return the mapping in YAML text, or raise ValidationFailed (code ``bad-mapping``)."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        problem = _problem(f"the mapping is not YAML: {exc}", "Check indentation and colons.", file)
        raise ValidationFailed([problem]) from None
    return parse_mapping(doc, file)


def mapping_yaml(mapping: TypeMapping) -> str:
    """Return the mapping as the YAML text of a mapping file."""
    header = "# govgraph mapping: foreign node and relation types -> governance meaning\n"
    return header + yaml.safe_dump(mapping.to_dict(), sort_keys=False, allow_unicode=True)


def apply_mapping(scenario: Scenario, mapping: TypeMapping, *, file: str | None = None) -> Scenario:
    """Return the scenario with the mapping's kinds and relation types applied, validated.

    Relation types no longer used are no longer declared. The foreign attributes stay.

    Raises
    ------
    ValidationFailed
        When the mapped document is not valid (e.g. a relation type that does not exist).

    Examples
    --------
    >>> from graph.formats.foreign import ForeignEdge, ForeignGraph, ForeignNode
    >>> g = ForeignGraph("g.json", "node-link JSON")
    >>> g.nodes = [ForeignNode("a", "A", {"type": "Dept"}), ForeignNode("b", "B")]
    >>> g.edges = [ForeignEdge("a", "b", attrs={"type": "pays"})]
    >>> m = TypeMapping("type", {"Dept": "ministry"}, "type", {"pays": "FUNDS"})
    >>> s = apply_mapping(g.scenario(), m)
    >>> [a.kind for a in s.actors], [r.type for r in s.relations], s.vocabulary.declared_types
    (['ministry', 'other'], ['FUNDS'], ())
    """
    doc = scenario.to_dict()
    k_attr = mapping.kind_attribute or kind_attribute(scenario)
    t_attr = mapping.type_attribute or type_attribute(scenario)
    for actor in doc["actors"]:
        value = actor.get("attributes", {}).get(k_attr) if k_attr else None
        if value is not None and _text(value) in mapping.kinds:
            actor["kind"] = mapping.kinds[_text(value)]
    for rel, old in zip(doc["relations"], scenario.relations, strict=True):
        base = f"{old.source}:{old.type}:{old.target}"
        if old.id == base or old.id.startswith(base + ":"):
            del rel["id"]  # an id govgraph derived is derived again, from the new type
        value = rel.get("attributes", {}).get(t_attr) if t_attr else None
        key = _text(value) if value is not None else rel["type"]
        new = mapping.types.get(key, mapping.types.get(rel["type"]))
        if new is not None:
            rel["type"] = new
    _prune_types(doc)
    if mapping.scenario_id:
        doc["scenario"]["id"] = mapping.scenario_id
    if mapping.title:
        doc["scenario"]["title"] = mapping.title
    return validate_document(doc, file=file)


def _prune_types(doc: dict[str, Any]) -> None:
    used = {rel["type"] for rel in doc["relations"]}
    vocabulary = doc.get("vocabulary", {})
    declared = [t for t in vocabulary.get("relation_types", []) if t["type"] in used]
    for rel_type in sorted(used - set(CORE_RELATION_TYPES) - {t["type"] for t in declared}):
        declared.append({"type": rel_type, "mode": "structure", "control": "none",
                         "voice": "none", "accountability": False})  # fmt: skip
    if declared:
        vocabulary["relation_types"] = declared
    else:
        vocabulary.pop("relation_types", None)
    if vocabulary:
        doc["vocabulary"] = vocabulary
    else:
        doc.pop("vocabulary", None)
