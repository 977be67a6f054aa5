"""Graphs written by other tools (yEd, Gephi, Kumu, networkx, Neo4j APOC): read what is there.

A foreign reader collects nodes and edges with their raw ids, labels and attributes as a
:class:`ForeignGraph`; :meth:`ForeignGraph.scenario` turns that into a govgraph scenario:

- ids that are valid actor ids are kept; others become a slug of the original, made unique
  (``-2``, ``-3`` ... in file order) with the original kept as the attribute ``foreign_id``;
- names come from the label (``label``, ``Label``, ``name``, ``Name``, yEd's node label);
- an actor's kind comes from its ``kind``/``type``/``category``/``labels`` attribute when
  that names a govgraph kind (``Ministry`` is ``ministry``), else it is ``other``;
- a relation's type comes from its ``type``/``label``/``kind`` attribute: a core type when the
  name matches one (``funds`` is ``FUNDS``), else a declared type of that name with no control,
  voice or accountability; an edge with no type is ``RELATED_TO``, declared the same way;
- weights from 0 to 1 are the relation's ``weight``; when any weight of the file lies
  outside 0..1 every weight is kept unchanged as the attribute ``foreign_weight`` instead;
- every other attribute is kept in ``attributes``, under its own name.

:func:`mapping_notice` says when a scenario needs a mapping to governance meaning
(:mod:`graph.mapping`) before the steering analyses say anything.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from graph.errors import Problem, ValidationFailed
from graph.formats.csvfolder import folder_id
from graph.formats.locations import Place, locator
from graph.formats.meaning import mapping_notice
from graph.model import Scenario
from graph.validation import ID_PATTERN, RELATION_ID_PATTERN, validate_document
from graph.vocabulary import CORE_KINDS, CORE_RELATION_TYPES, LEVELS

__all__ = [
    "ForeignNode",
    "ForeignEdge",
    "ForeignGraph",
    "UNTYPED",
    "FOREIGN_MODE",
    "KIND_ATTRIBUTES",
    "TYPE_ATTRIBUTES",
    "kind_of",
    "type_name",
    "core_type",
    "mapping_notice",
    "slug",
]

#: The declared type of an edge that names no type.
UNTYPED = "RELATED_TO"
#: The mode of a declared foreign type: a structural tie that carries no control or voice.
FOREIGN_MODE = "structure"

#: Attribute names (compared case-insensitively) that may hold an actor's kind, best first.
KIND_ATTRIBUTES: tuple[str, ...] = (
    "kind", "type", "element type", "category", "labels", "group", "class",
)  # fmt: skip
#: Attribute names that may hold a relation's type, best first.
TYPE_ATTRIBUTES: tuple[str, ...] = (
    "type", "connection type", "relation", "relationship", "kind", "label", "predicate",
)  # fmt: skip
_NAME_ATTRIBUTES = ("label", "name", "title")
_TAG_ATTRIBUTES = ("tags", "tag")
#: Values of a ``type`` column that say how an edge is drawn, not what it means (Gephi CSV).
_DIRECTIONS = frozenset({"directed", "undirected", "mutual", "mixed"})


@dataclass
class ForeignNode:
    """A node as a foreign file gives it: raw id, label, attributes and place."""

    key: str
    label: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    place: Place = field(default_factory=dict)


@dataclass
class ForeignEdge:
    """An edge as a foreign file gives it (``undirected`` when the file says so)."""

    source: str
    target: str
    key: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    place: Place = field(default_factory=dict)
    undirected: bool = False


def slug(text: str) -> str:
    """Return ``text`` as an actor id, or '' when nothing usable is left.

    Examples
    --------
    >>> slug("Medici"), slug("Ministerie van BZK"), slug("Élysée 2"), slug("!!")
    ('medici', 'ministerie-van-bzk', 'elysee-2', '')
    """
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9_.-]+", "-", ascii_text.lower()).strip("-_.")
    return out if out and ID_PATTERN.fullmatch(out) else ""


def _snake(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", slug(text).replace("-", "_")).strip("_")


def kind_of(value: Any) -> str | None:
    """Return the govgraph kind a foreign kind value names exactly, or None.

    Examples
    --------
    >>> kind_of("Ministry"), kind_of(":Person:Node"), kind_of("Programme office"), kind_of("x")
    ('ministry', 'person', 'programme_office', None)
    """
    for part in _parts(value):
        if _snake(part) in CORE_KINDS:
            return _snake(part)
    return None


def _parts(value: Any) -> list[str]:
    """Return the names a kind value holds (APOC's ``:A:B`` labels, Kumu's ``a|b``)."""
    if not isinstance(value, str):
        return [] if value is None else [str(value)]
    return [p.strip() for p in re.split(r"[:|]", value) if p.strip()]


def type_name(value: Any) -> str:
    """Return a foreign relation type value as an UPPER_SNAKE type name.

    Examples
    --------
    >>> type_name("funds"), type_name("works with"), type_name("2nd"), type_name("")
    ('FUNDS', 'WORKS_WITH', 'T_2ND', 'RELATED_TO')
    """
    name = _snake(str(value) if value is not None else "").upper()
    if not name:
        return UNTYPED
    return name if name[0].isalpha() else f"T_{name}"


def core_type(value: Any) -> str | None:
    """Return the core relation type a foreign value names exactly, or None."""
    name = type_name(value)
    return name if name in CORE_RELATION_TYPES else None


def _find(attrs: dict[str, Any], names: Iterable[str]) -> str | None:
    """Return the first attribute key whose lower-case form is one of ``names``."""
    lowered = {k.strip().lower(): k for k in attrs}
    for name in names:
        if name in lowered and not _blank(attrs[lowered[name]]):
            return lowered[name]
    return None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


@dataclass
class ForeignGraph:
    """Nodes and edges of a foreign file, turned into a scenario by :meth:`scenario`.

    ``by_label``: edges name their ends by label as well as by id (Kumu's connections).

    Examples
    --------
    >>> g = ForeignGraph("florentine.json", "node-link JSON")
    >>> g.nodes = [ForeignNode("Medici"), ForeignNode("Strozzi", attrs={"type": "Ministry"})]
    >>> g.edges = [ForeignEdge("Medici", "Strozzi", attrs={"weight": 3})]
    >>> s = g.scenario()
    >>> [(a.id, a.name, a.kind) for a in s.actors]
    [('medici', 'Medici', 'other'), ('strozzi', 'Strozzi', 'ministry')]
    >>> s.relations[0].type, s.relations[0].attributes
    ('RELATED_TO', '{"foreign_weight": 3}')
    """

    file: str
    format: str
    title: str | None = None
    nodes: list[ForeignNode] = field(default_factory=list)
    edges: list[ForeignEdge] = field(default_factory=list)
    by_label: bool = False
    problems: list[Problem] = field(default_factory=list)
    _shared_keys: set[str | None] = field(default_factory=set, repr=False)

    def scenario(self) -> Scenario:
        """Return the scenario, or raise ValidationFailed with every located problem."""
        places: dict[tuple[Any, ...], Place] = {(): {}}
        ids = self._node_ids(self._with_implicit_nodes())
        actors = [self._actor(n, ids[i], places, i) for i, n in enumerate(self.nodes)]
        rescale = self._weights_out_of_range()
        ends = self._ends(ids)
        keys = Counter(e.key for e in self.edges)
        self._shared_keys = {k for k, n in keys.items() if n > 1}  # e.g. networkx multigraph keys
        relations = [self._relation(e, ends, places, i, rescale) for i, e in enumerate(self.edges)]
        doc = {
            "govgraph": 1,
            "scenario": self._info(),
            "vocabulary": _declared(relations),
            "actors": actors,
            "relations": relations,
        }
        try:
            scenario = validate_document(doc, file=self.file, locate=locator(places))
        except ValidationFailed as exc:
            raise ValidationFailed(self.problems + exc.problems) from None
        if self.problems:
            raise ValidationFailed(self.problems)
        return scenario

    def _info(self) -> dict[str, Any]:
        name = PurePosixPath(self.file).name
        return {
            "id": folder_id(self.file),
            "title": self.title or PurePosixPath(self.file).stem,
            "description": f"Opened from {name} ({self.format}).",
        }

    # --- nodes ---------------------------------------------------------------------------

    def _with_implicit_nodes(self) -> list[str]:
        """Add a node for each edge end that names none (as Kumu and networkx do)."""
        known = {n.key for n in self.nodes}
        labels = {(n.label or "").casefold() for n in self.nodes} if self.by_label else set()
        for edge in self.edges:
            for end in (edge.source, edge.target):
                if end not in known and end.casefold() not in labels:
                    self.nodes.append(ForeignNode(end, end, place=edge.place))
                    known.add(end)
        return [n.key for n in self.nodes]

    def _node_ids(self, keys: list[str]) -> list[str]:
        """Return one valid, unique id per node: its own when valid, else a stable slug."""
        taken = {k for k in keys if ID_PATTERN.fullmatch(k)}
        seen: set[str] = set()
        ids = []
        for i, key in enumerate(keys):
            if ID_PATTERN.fullmatch(key) and key not in seen:
                ids.append(key)
            else:
                ids.append(_unique(slug(key) or f"n{i}", taken | seen))
            seen.add(ids[-1])
        return ids

    def _actor(self, node: ForeignNode, ident: str, places: dict, i: int) -> dict[str, Any]:
        attrs = dict(node.attrs)
        places[("actors", i)] = node.place
        name = node.label
        name_key = _find(attrs, _NAME_ATTRIBUTES)
        if _blank(name) and name_key is not None:
            name = str(attrs.pop(name_key))
        kind_key = _find(attrs, KIND_ATTRIBUTES)
        record: dict[str, Any] = {
            "id": ident,
            "name": str(name).strip() if not _blank(name) else node.key,
            "kind": (kind_of(attrs[kind_key]) if kind_key else None) or "other",
        }
        _take_common(record, attrs)
        level = _find(attrs, ("level",))
        if level is not None and str(attrs[level]).strip().lower() in LEVELS:
            record["level"] = str(attrs.pop(level)).strip().lower()
        if ident != node.key and node.key != record["name"]:
            attrs["foreign_id"] = node.key  # an id made from the label needs no reminder
        record["attributes"] = attrs
        return record

    # --- edges ---------------------------------------------------------------------------

    def _weights_out_of_range(self) -> bool:
        for edge in self.edges:
            key = _find(edge.attrs, ("weight",))
            number = _number(edge.attrs[key]) if key else None
            if key and (number is None or not 0.0 <= number <= 1.0):
                return True
        return False

    def _ends(self, ids: list[str]) -> dict[str, str]:
        """Return what an edge end may say -> actor id: a raw id, or (casefolded) a label."""
        ends: dict[str, str] = {}
        if self.by_label:  # the first element with a label wins, as in Kumu
            for node, ident in zip(reversed(self.nodes), reversed(ids), strict=True):
                ends[(node.label or "").casefold()] = ident
        ends.update({n.key: ident for n, ident in zip(self.nodes, ids, strict=True)})
        return ends

    def _relation(
        self, edge: ForeignEdge, ends: dict[str, str], places: dict, i: int, keep_weights: bool
    ) -> dict[str, Any]:
        attrs = dict(edge.attrs)
        places[("relations", i)] = edge.place
        record: dict[str, Any] = {
            "from": ends.get(edge.source, ends.get(edge.source.casefold(), edge.source)),
            "to": ends.get(edge.target, ends.get(edge.target.casefold(), edge.target)),
            "type": _edge_type(attrs),
        }
        unique = edge.key not in self._shared_keys
        if edge.key is not None and unique and RELATION_ID_PATTERN.fullmatch(edge.key):
            record["id"] = edge.key
        elif edge.key is not None:
            attrs["foreign_id"] = edge.key
        _take_common(record, attrs)
        weight = _find(attrs, ("weight",))
        if weight is not None and not keep_weights:
            record["weight"] = _number(attrs.pop(weight))
        elif weight is not None:
            value = attrs.pop(weight)
            number = _number(value)  # numeric text becomes a number; numbers stay as given
            attrs["foreign_weight"] = (
                value if number is None or not isinstance(value, str) else number
            )
        if edge.undirected:
            attrs["undirected"] = True
        record["attributes"] = attrs
        return record


def _unique(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _take_common(record: dict[str, Any], attrs: dict[str, Any]) -> None:
    """Move a description (a relation's note) and tags into govgraph's own fields."""
    description = _find(attrs, ("description",))
    if description is not None:
        record["note" if "from" in record else "description"] = str(attrs.pop(description))
    tags = _find(attrs, _TAG_ATTRIBUTES)
    if tags is not None:
        value = attrs.pop(tags)
        items = value if isinstance(value, list) else re.split(r"[|;]", str(value))
        record["tags"] = [str(t).strip() for t in items if str(t).strip()]


def _edge_type(attrs: dict[str, Any]) -> str:
    for name in TYPE_ATTRIBUTES:
        key = _find(attrs, (name,))
        if key is not None and str(attrs[key]).strip().lower() not in _DIRECTIONS:
            return type_name(attrs[key])
    return UNTYPED


def _declared(relations: list[dict[str, Any]]) -> dict[str, Any]:
    """Declare every non-core type the relations use, with no control, voice or accountability."""
    names = sorted({r["type"] for r in relations if r["type"] not in CORE_RELATION_TYPES})
    types = [{"type": n, "mode": FOREIGN_MODE, "control": "none", "voice": "none",
              "accountability": False} for n in names]  # fmt: skip
    return {"relation_types": types} if types else {}
