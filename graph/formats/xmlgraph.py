"""What GraphML and GEXF share: safe XML parsing and turning nodes and edges into a document.

Both formats carry actors as nodes and relations as edges with every field as an attribute,
and the scenario header, sources and vocabulary at graph level. A file without the govgraph
header (written by another tool) is read leniently: the scenario id and title come from the
file name, a node without ``kind`` is an ``other`` actor named by its label, an edge without
``type`` is ``COLLABORATES_WITH`` and attributes govgraph does not know are ignored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from lxml import etree

from graph.errors import Problem, ValidationFailed
from graph.formats.csvfolder import folder_id
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
    "FOREIGN_TYPE",
]

FOREIGN_KIND = "other"
FOREIGN_TYPE = "COLLABORATES_WITH"


def parse_xml(data: bytes, file: str) -> Any:
    """Return the root element of XML bytes, refusing entities and network access.

    Raises
    ------
    ValidationFailed
        With a ``syntax-error`` problem and its line when the XML is not well formed.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser=parser)
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


def cell(name: str, value: Any) -> str:
    """Return a field value as attribute text (lists joined with ``;``)."""
    if isinstance(value, list):
        return join_list(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


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


@dataclass
class GraphDocument:
    """Collects the header, nodes and edges of one file and validates them as a document."""

    file: str
    header: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    nodes: list[Entry] = field(default_factory=list)
    edges: list[Entry] = field(default_factory=list)
    graph_line: int | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def is_govgraph(self) -> bool:
        return "govgraph" in self.header

    def scenario(self) -> Scenario:
        """Return the validated scenario, or raise ValidationFailed with every problem."""
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

    def _header(self, places: dict[tuple[Any, ...], Place]) -> dict[str, Any]:
        if not self.is_govgraph:
            stem = PurePosixPath(self.file).stem
            return {"govgraph": 1, "scenario": {"id": folder_id(self.file), "title": stem}}
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
        label = fields.get("label")
        record = {
            k: split_list(v) if k in LIST_FIELDS and isinstance(v, str) else v
            for k, v in fields.items()
            if self.is_govgraph or k in names
        }
        if not self.is_govgraph and section == "actors":
            record.setdefault("kind", FOREIGN_KIND)
            record.setdefault("name", label or record.get("id"))
        if not self.is_govgraph and section == "relations":
            record.setdefault("type", FOREIGN_TYPE)
        return record


def _version(text: str) -> Any:
    return int(text) if text.strip().isdigit() else text
