"""What GraphML and GEXF share: safe XML parsing and turning nodes and edges into a document.

Both formats carry actors as nodes and relations as edges with every field as an attribute,
and the scenario header, sources and vocabulary at graph level. A file without the govgraph
header (written by another tool) is read as a foreign graph (:mod:`graph.formats.foreign`):
the scenario id and title come from the file name, names from the labels, kinds and types
from the file's own attributes where they name govgraph's, and every other attribute is kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from graph.errors import Problem, ValidationFailed
from graph.formats.foreign import ForeignEdge, ForeignGraph, ForeignNode
from graph.formats.locations import Place, locator
from graph.formats.tabular import join_list, split_list
from graph.model import ACTOR_FIELDS, LIST_FIELDS, RELATION_FIELDS, Scenario
from graph.validation import validate_document

__all__ = [
    "parse_xml",
    "Entry",
    "GraphDocument",
    "header_values",
    "cell",
    "FOREIGN_KIND",
    "edge_kinds",
]

FOREIGN_KIND = "other"


def parse_xml(data: bytes, file: str) -> Any:
    """Return the root element of XML bytes, refusing entities and network access.

    Raises
    ------
    ValidationFailed
        With a ``syntax-error`` problem and its line when the XML is not well formed.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        problem = Problem(
            "syntax-error",
            f"XML syntax error: {exc.msg}",
            "Check that every tag is closed and attributes are quoted.",
            file=file,
            line=exc.lineno or None,
        )
        raise ValidationFailed([problem]) from None
    except ValueError as exc:
        problem = Problem(
            "syntax-error",
            f"XML could not be read: {exc}",
            "Check that the file is XML text.",
            file=file,
        )
        raise ValidationFailed([problem]) from None
    _refuse_entities(root, file)
    return root


def _refuse_entities(root: Any, file: str) -> None:
    """Refuse entity references: they are never expanded (XXE), and the text around one
    would otherwise be read without it, a silent loss."""
    entities = list(root.iter(etree.Entity))
    if not entities:
        return
    problems = [
        Problem(
            "unexpanded-entity",
            f"the entity reference {entity.text} is not expanded, so the text it is in "
            "would be incomplete",
            "Write the text itself, or a character reference such as &#233;, instead of "
            "a DOCTYPE entity.",
            file=file,
            line=entity.sourceline,
            value=entity.text,
        )
        for entity in entities
    ]
    raise ValidationFailed(problems)


def cell(name: str, value: Any) -> str:
    """Return a field value as attribute text (lists joined with ``;``)."""
    if isinstance(value, list):
        return join_list(value)
    if isinstance(value, dict):  # foreign attributes
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def edge_kinds(relations: list[dict[str, Any]]) -> list[str]:
    """Return each relation's edge kind for Gephi: its type, ``TYPE:2``... for a repeat of one
    type between the same two actors.

    Gephi's importer (0.10) merges edges with the same ends and the same kind into one (its
    default merge strategy sums them), so parallel relations need kinds of their own.

    Examples
    --------
    >>> edge_kinds([{"from": "a", "to": "b", "type": "FUNDS"}, {"from": "a", "to": "b",
    ...             "type": "STEERS"}, {"from": "a", "to": "b", "type": "FUNDS"}])
    ['FUNDS', 'STEERS', 'FUNDS:2']
    """
    seen: dict[tuple[str, str, str], int] = {}
    kinds = []
    for rel in relations:
        key = (rel["from"], rel["to"], rel["type"])
        seen[key] = seen.get(key, 0) + 1
        kinds.append(rel["type"] if seen[key] == 1 else f"{rel['type']}:{seen[key]}")
    return kinds


def header_values(doc: dict[str, Any]) -> dict[str, str]:
    """Return the graph-level attributes of an interchange document, as text."""
    info = doc["scenario"]
    values = {"govgraph": "1"}
    values.update({f"scenario_{k}": str(v) for k, v in info.items()})
    if doc.get("sources"):
        values["sources"] = json.dumps(doc["sources"], ensure_ascii=False)
    if doc.get("vocabulary"):
        values["vocabulary"] = json.dumps(doc["vocabulary"], ensure_ascii=False)
    return values


@dataclass
class Entry:
    """A node or edge as read: its line, its fields and the line of each field."""

    line: int | None
    fields: dict[str, Any]
    lines: dict[str, int | None] = field(default_factory=dict)
    undirected: bool = False


@dataclass
class GraphDocument:
    """Collects the header, nodes and edges of one file and validates them as a document."""

    file: str
    header: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    nodes: list[Entry] = field(default_factory=list)
    edges: list[Entry] = field(default_factory=list)
    graph_line: int | None = None
    problems: list[Problem] = field(default_factory=list)
    format: str = "GraphML"
    title: str | None = None
    #: Declared attribute types ("node"/"edge", name) -> GraphML or GEXF type, for foreign
    #: files: their numbers and booleans are kept as numbers and booleans.
    types: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def is_govgraph(self) -> bool:
        return "govgraph" in self.header

    def scenario(self) -> Scenario:
        """Return the validated scenario, or raise ValidationFailed with every problem."""
        if not self.is_govgraph:
            return self._foreign().scenario()
        places: dict[tuple[Any, ...], Place] = {(): {"line": self.graph_line}}
        doc = self._header(places)
        doc["actors"] = self._entries("actors", self.nodes, ACTOR_FIELDS, places)
        doc["relations"] = self._entries("relations", self.edges, RELATION_FIELDS, places)
        try:
            scenario = validate_document(doc, file=self.file, locate=locator(places))
        except ValidationFailed as exc:
            raise ValidationFailed(self.problems + exc.problems) from None
        if self.problems:
            raise ValidationFailed(self.problems)
        return scenario

    def _foreign(self) -> ForeignGraph:
        graph = ForeignGraph(self.file, self.format, title=self.title, problems=self.problems)
        for entry in self.nodes:
            attrs = self._typed("node", entry.fields)
            key, label = attrs.pop("id", None), attrs.pop("name", None)
            node = ForeignNode(str(key or f"n{len(graph.nodes)}"), label, attrs)
            node.place = {"line": entry.line}
            graph.nodes.append(node)
        for entry in self.edges:
            attrs = self._typed("edge", entry.fields)
            key, source, target = attrs.pop("id", None), attrs.pop("from", ""), attrs.pop("to", "")
            place = {"line": entry.line}
            graph.edges.append(
                ForeignEdge(str(source), str(target), key, attrs, place, entry.undirected)
            )
        return graph

    def _typed(self, scope: str, fields: dict[str, Any]) -> dict[str, Any]:
        return {k: _typed(v, self.types.get((scope, k), "string")) for k, v in fields.items()}

    def _header(self, places: dict[tuple[Any, ...], Place]) -> dict[str, Any]:
        doc: dict[str, Any] = {"govgraph": _version(self.header["govgraph"][0]), "scenario": {}}
        places[("govgraph",)] = places[("scenario",)] = {"line": self.header["govgraph"][1]}
        for name, (text, line) in self.header.items():
            if name.startswith("scenario_"):
                doc["scenario"][name[len("scenario_") :]] = text
                places[("scenario", name[len("scenario_") :])] = {"line": line}
            elif name in ("sources", "vocabulary"):
                doc[name] = self._json(name, text, line)
                places[(name,)] = {"line": line}
        return doc

    def _json(self, name: str, text: str, line: int | None) -> Any:
        try:
            return json.loads(text)
        except (ValueError, RecursionError) as exc:
            self.problems.append(
                Problem(
                    "syntax-error",
                    f"the '{name}' attribute is not JSON: {exc}",
                    f"Write '{name}' as JSON text.",
                    file=self.file,
                    line=line,
                    value=text[:200],
                )
            )
            return None

    def _entries(
        self, section: str, entries: list[Entry], names: tuple[str, ...], places: dict
    ) -> list[dict[str, Any]]:
        records = []
        for i, entry in enumerate(entries):
            places[(section, i)] = {"line": entry.line}
            for name, line in entry.lines.items():
                places[(section, i, name)] = {"line": line}
            records.append(self._record(section, entry.fields, names))
        return records

    def _record(self, section: str, fields: dict[str, Any], names: tuple[str, ...]) -> dict:
        return {
            k: split_list(v) if k in LIST_FIELDS and isinstance(v, str) else v
            for k, v in fields.items()
        }


def _typed(value: Any, kind: str) -> Any:
    """Return an attribute's text as its declared type (left as text when it does not parse).

    Examples
    --------
    >>> _typed("3", "int"), _typed("0.5", "double"), _typed("True", "boolean"), _typed("x", "int")
    (3, 0.5, True, 'x')
    """
    if not isinstance(value, str):
        return value
    try:
        if kind in ("int", "long", "integer"):
            return int(value.strip())
        if kind in ("float", "double"):
            return float(value.strip())
    except ValueError:
        return value
    if kind == "boolean" and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value


def _version(text: str) -> Any:
    return int(text) if text.strip().isdigit() else text
