"""GEXF 1.3: actors as nodes, relations as edges, the scenario in ``<meta>`` (DESIGN section 3).

Node and edge attributes are declared in ``<attributes>`` (GEXF has no graph-level
attributes, so the graph level lives in ``<meta>``): ``<title>`` and ``<description>`` hold
the scenario's title and description as Gephi shows them, and ``<keywords>`` holds the other
graph-level attributes (``govgraph``, ``scenario_id``, ``scenario_date``, ``sources``,
``vocabulary``) as one JSON object. A node's ``label`` is the actor's name; an edge's ``id``
is the relation id, its ``label`` the relation type and ``weight`` the relation's weight; its
``kind`` is the type too, ``TYPE:2``... for a repeat between the same two actors, because
Gephi merges edges of the same kind between the same nodes (:func:`xmlgraph.edge_kinds`).
Given a layout, each node also gets a ``viz:position`` (y negated: Gephi's y axis points up,
so the top steering layer stays on top); reading ignores it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lxml import etree

from graph.errors import Problem
from graph.formats.xmlgraph import (
    Entry,
    GraphDocument,
    cell,
    edge_kinds,
    header_values,
    parse_xml,
)
from graph.formats.yamljson import document
from graph.model import ACTOR_FIELDS, RELATION_FIELDS, Scenario

__all__ = ["read_gexf_bytes", "write_gexf", "NS"]

NS = "http://gexf.net/1.3"
_Q = f"{{{NS}}}"
VIZ_NS = "http://gexf.net/1.3/viz"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_SCHEMA = f"{NS} http://gexf.net/1.3/gexf.xsd"
_TYPES = {"weight": "double", "amount_eur": "double", "formal": "boolean"}
NODE_ATTRIBUTES = tuple(f for f in ACTOR_FIELDS if f not in ("id", "name"))
EDGE_ATTRIBUTES = tuple(f for f in RELATION_FIELDS if f not in ("id", "from", "to", "weight"))
_JSON = ("sources", "vocabulary")
_META_TEXT = {"title": "scenario_title", "description": "scenario_description"}


def _declare(graph: Any, scope: str, names: tuple[str, ...]) -> None:
    attributes = etree.SubElement(graph, _Q + "attributes", attrib={"class": scope})
    for name in names:
        etree.SubElement(
            attributes, _Q + "attribute", id=name, title=name, type=_TYPES.get(name, "string")
        )


def _values(element: Any, values: dict[str, Any]) -> None:
    if values:
        holder = etree.SubElement(element, _Q + "attvalues")
        for name, value in values.items():
            etree.SubElement(
                holder, _Q + "attvalue", attrib={"for": name, "value": cell(name, value)}
            )


def _meta(root: Any, doc: dict[str, Any]) -> None:
    header = header_values(doc)
    meta = etree.SubElement(root, _Q + "meta")
    etree.SubElement(meta, _Q + "creator").text = "govgraph"
    for tag, name in _META_TEXT.items():
        if name in header:
            etree.SubElement(meta, _Q + tag).text = header.pop(name)
    structured = {k: json.loads(v) if k in _JSON else v for k, v in header.items()}
    structured["govgraph"] = 1
    etree.SubElement(meta, _Q + "keywords").text = json.dumps(structured, ensure_ascii=False)


def write_gexf(
    scenario: Scenario, path: Path, positions: Mapping[str, tuple[float, float]] | None = None
) -> None:
    """Write a scenario as a GEXF 1.3 file (directed, static), with node positions if given."""
    doc = document(scenario)
    nsmap: dict[str | None, str] = {None: NS, "xsi": _XSI}
    if positions:
        nsmap["viz"] = VIZ_NS
    root = etree.Element(_Q + "gexf", nsmap=nsmap, version="1.3")
    root.set(f"{{{_XSI}}}schemaLocation", _SCHEMA)
    _meta(root, doc)
    graph = etree.SubElement(root, _Q + "graph", defaultedgetype="directed", mode="static")
    _declare(graph, "node", NODE_ATTRIBUTES)
    _declare(graph, "edge", EDGE_ATTRIBUTES)
    nodes = etree.SubElement(graph, _Q + "nodes")
    for actor in doc["actors"]:
        node = etree.SubElement(nodes, _Q + "node", id=actor["id"], label=actor["name"])
        _values(node, {k: v for k, v in actor.items() if k not in ("id", "name")})
        if positions and actor["id"] in positions:
            x, y = positions[actor["id"]]
            etree.SubElement(node, f"{{{VIZ_NS}}}position", x=repr(x), y=repr(-y), z="0.0")
    edges = etree.SubElement(graph, _Q + "edges")
    for rel, kind in zip(doc["relations"], edge_kinds(doc["relations"]), strict=True):
        edge = etree.SubElement(
            edges,
            _Q + "edge",
            id=rel["id"],
            source=rel["from"],
            target=rel["to"],
            kind=kind,  # Gephi keeps edges of different kinds apart
            label=rel["type"],
            weight=repr(float(rel.get("weight", 1.0))),
        )
        _values(edge, {k: v for k, v in rel.items() if k not in ("id", "from", "to", "weight")})
    etree.ElementTree(root).write(
        str(path), xml_declaration=True, encoding="UTF-8", pretty_print=True
    )


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child(element: Any, name: str) -> Any:
    return (
        next((c for c in element if _local(c.tag) == name), None) if element is not None else None
    )


def _items(graph: Any, holder: str, tag: str) -> list[Any]:
    """Return the nodes (edges) of the graph, with those nested in a node (hierarchical
    GEXF keeps a node's children in a ``<nodes>`` inside it)."""
    parent = _child(graph, holder)
    return [c for c in parent.iter() if _local(c.tag) == tag] if parent is not None else []


def _attribute_titles(graph: Any) -> dict[tuple[str, str], str]:
    """Return (class, attribute id) -> attribute title for the declared attributes."""
    titles = {}
    for block in graph:
        if _local(block.tag) == "attributes":
            for attr in block:
                if _local(attr.tag) == "attribute" and attr.get("id") is not None:
                    titles[(block.get("class", ""), attr.get("id"))] = attr.get(
                        "title"
                    ) or attr.get("id")
    return titles


def _attribute_types(graph: Any) -> dict[tuple[str, str], str]:
    """Return (class, attribute title) -> declared type, with the edge weight a double."""
    types = {("edge", "weight"): "double"}
    for block in graph:
        if _local(block.tag) == "attributes":
            for attr in block:
                if _local(attr.tag) == "attribute":
                    title = attr.get("title") or attr.get("id") or ""
                    types[(block.get("class", ""), title)] = attr.get("type", "string")
    return types


def _entry(element: Any, scope: str, titles: dict, own: dict[str, Any]) -> Entry:
    entry = Entry(element.sourceline, {k: v for k, v in own.items() if v is not None})
    for value in _child(element, "attvalues") if _child(element, "attvalues") is not None else []:
        name = titles.get((scope, value.get("for")), value.get("for"))
        if _local(value.tag) == "attvalue" and name is not None:
            entry.fields[name] = value.get("value", "")
            entry.lines[name] = value.sourceline
    return entry


def _header(result: GraphDocument, meta: Any) -> None:
    keywords = _child(meta, "keywords")
    if keywords is None or not (keywords.text or "").lstrip().startswith("{"):
        return  # not written by govgraph: read leniently
    try:
        values = json.loads(keywords.text)
    except (ValueError, RecursionError) as exc:
        result.problems.append(
            Problem(
                "syntax-error",
                f"<keywords> is not JSON: {exc}",
                "Write the graph-level attributes as one JSON object.",
                file=result.file,
                line=keywords.sourceline,
            )
        )
        return
    text = {k: json.dumps(v) if isinstance(v, list | dict) else str(v)
            for k, v in (values.items() if isinstance(values, dict) else [])}  # fmt: skip
    result.header = {k: (v, keywords.sourceline) for k, v in text.items()}
    for tag, name in _META_TEXT.items():
        element = _child(meta, tag)
        if element is not None and element.text:
            result.header[name] = (element.text, element.sourceline)


def _node(element: Any, titles: dict) -> Entry:
    own = {"id": element.get("id"), "label": element.get("label")}
    entry = _entry(element, "node", titles, own)
    if "label" in entry.fields and "name" not in entry.fields:
        entry.fields["name"] = entry.fields.pop("label")
    return entry


def _edge(element: Any, titles: dict) -> Entry:
    own = {"id": element.get("id"), "from": element.get("source"), "to": element.get("target"),
           "weight": element.get("weight"), "kind": element.get("kind")}  # fmt: skip
    entry = _entry(element, "edge", titles, own)
    if "type" not in entry.fields and element.get("label"):
        entry.fields["type"] = element.get("label")
    return entry


def read_gexf_bytes(data: bytes, file: str) -> list[Scenario]:
    """Return the scenario in a GEXF file's bytes (1.2 and 1.3 alike).

    Raises
    ------
    ValidationFailed
        With every problem and its line.
    """
    root = parse_xml(data, file)
    graph = _child(root, "graph")
    result = GraphDocument(file, graph_line=(graph if graph is not None else root).sourceline)
    _header(result, _child(root, "meta"))
    titles = _attribute_titles(graph) if graph is not None else {}
    result.nodes = [_node(e, titles) for e in _items(graph, "nodes", "node")]
    result.edges = [_edge(e, titles) for e in _items(graph, "edges", "edge")]
    _foreign_details(result, root, graph)
    return [result.scenario()]


def _foreign_details(result: GraphDocument, root: Any, graph: Any) -> None:
    """Name the format, take the title from ``<meta>`` and mark undirected edges."""
    result.format = "GEXF"
    result.types = _attribute_types(graph) if graph is not None else {}
    if result.is_govgraph:  # the edge kind repeats the type, for Gephi (see write_gexf)
        for entry in result.edges:
            entry.fields.pop("kind", None)
        return
    title = _child(_child(root, "meta"), "title")
    result.title = title.text.strip() if title is not None and (title.text or "").strip() else None
    default = graph.get("defaultedgetype", "") if graph is not None else ""
    for entry, element in zip(result.edges, _items(graph, "edges", "edge"), strict=True):
        entry.undirected = (element.get("type") or default).strip().lower() == "undirected"
