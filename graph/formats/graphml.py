"""GraphML: actors as nodes, relations as edges, the scenario as graph data (DESIGN section 3).

Every attribute is declared as a ``<key>`` with ``attr.name`` and ``attr.type`` so yEd, Gephi
and networkx read it. Graph-level keys: ``govgraph``, ``scenario_id``, ``scenario_title``,
``scenario_description``, ``scenario_date``, and ``sources`` and ``vocabulary`` as JSON text.
Edges carry the relation id as their ``id`` and, as the XML attribute ``label``, their type
(``TYPE:2``... for a repeat between the same two actors): Gephi takes it as the edge kind and
merges only edges of one kind, so parallel relations survive its import. Nodes also carry a
``label`` (the actor's name), the attribute Gephi shows as a node's label, and yEd's
``<y:NodeLabel>`` (edges: ``<y:EdgeLabel>`` with the type), which yEd shows; reading takes
``label`` as the name of a node without ``name``, as GEXF's node label is read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from graph.formats.xmlgraph import (
    Entry,
    GraphDocument,
    cell,
    edge_kinds,
    header_values,
    parse_xml,
)
from graph.formats.yamljson import document
from graph.model import ACTOR_FIELDS, RELATION_FIELDS, SCENARIO_FIELDS, Scenario

__all__ = ["read_graphml_bytes", "write_graphml", "NS"]

NS = "http://graphml.graphdrawing.org/xmlns"
_Q = f"{{{NS}}}"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_SCHEMA = f"{NS} http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"

_NUMBERS = {"weight": "double", "amount_eur": "double", "govgraph": "int"}
GRAPH_KEYS = (
    ("govgraph",)
    + tuple(f"scenario_{f}" for f in SCENARIO_FIELDS)
    + (
        "sources",
        "vocabulary",
    )
)
NODE_KEYS = ("label", *ACTOR_FIELDS[1:])
EDGE_KEYS = RELATION_FIELDS[3:]
_PREFIX = {"graph": "g", "node": "n", "edge": "e"}


def _attr_type(name: str) -> str:
    return "boolean" if name == "formal" else _NUMBERS.get(name, "string")


def _keys(root: Any) -> None:
    for scope, names in (("graph", GRAPH_KEYS), ("node", NODE_KEYS), ("edge", EDGE_KEYS)):
        for name in names:
            etree.SubElement(
                root,
                _Q + "key",
                id=f"{_PREFIX[scope]}_{name}",
                attrib={"for": scope, "attr.name": name, "attr.type": _attr_type(name)},
            )


def _data(parent: Any, scope: str, values: dict[str, Any]) -> None:
    for name, value in values.items():
        data = etree.SubElement(parent, _Q + "data", key=f"{_PREFIX[scope]}_{name}")
        data.text = cell(name, value)


#: yEd's namespace; yEd shows a node's name only from its ``<y:NodeLabel>``.
YED_NS = "http://www.yworks.com/xml/graphml"
_YED_KEYS = {"node": "y_nodegraphics", "edge": "y_edgegraphics"}


def _yed_label(element: Any, tag: str, text: str) -> None:
    """Add yEd's graphics with a label: a node box wide enough for its name, or an edge's."""
    scope = "node" if tag == "NodeLabel" else "edge"
    data = etree.SubElement(element, _Q + "data", key=_YED_KEYS[scope])
    if scope == "node":
        shape = etree.SubElement(data, f"{{{YED_NS}}}ShapeNode")
        width = str(float(max(30, min(400, 7 * len(text) + 16))))
        etree.SubElement(shape, f"{{{YED_NS}}}Geometry", height="30.0", width=width)
    else:
        shape = etree.SubElement(data, f"{{{YED_NS}}}PolyLineEdge")
    etree.SubElement(shape, f"{{{YED_NS}}}{tag}").text = text


def write_graphml(scenario: Scenario, path: Path) -> None:
    """Write a scenario as GraphML (directed; parallel edges keep their own ids)."""
    doc = document(scenario)
    root = etree.Element(_Q + "graphml", nsmap={None: NS, "xsi": _XSI, "y": YED_NS})
    root.set(f"{{{_XSI}}}schemaLocation", _SCHEMA)
    _keys(root)
    for scope, kind in (("node", "nodegraphics"), ("edge", "edgegraphics")):
        etree.SubElement(
            root, _Q + "key", id=_YED_KEYS[scope], attrib={"for": scope, "yfiles.type": kind}
        )
    graph = etree.SubElement(root, _Q + "graph", id=scenario.id, edgedefault="directed")
    _data(graph, "graph", header_values(doc))
    for actor in doc["actors"]:
        node = etree.SubElement(graph, _Q + "node", id=actor["id"])
        _data(
            node, "node", {"label": actor["name"], **{k: v for k, v in actor.items() if k != "id"}}
        )
        _yed_label(node, "NodeLabel", actor["name"])
    for rel, kind in zip(doc["relations"], edge_kinds(doc["relations"]), strict=True):
        # Gephi takes an edge's 'label' attribute as its kind and keeps kinds apart
        own = {"id": rel["id"], "source": rel["from"], "target": rel["to"], "label": kind}
        edge = etree.SubElement(graph, _Q + "edge", attrib=own)
        values = {k: v for k, v in rel.items() if k not in ("id", "from", "to")}
        _data(edge, "edge", {"weight": 1.0, **values})  # Gephi reads 'weight' on every edge
        _yed_label(edge, "EdgeLabel", rel["type"])
    etree.ElementTree(root).write(
        str(path), xml_declaration=True, encoding="UTF-8", pretty_print=True
    )


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


#: yEd keeps a node's (edge's) visible label in a graphics key: ``<y:NodeLabel>`` text.
_YED_GRAPHICS = {"nodegraphics": "NodeLabel", "edgegraphics": "EdgeLabel"}


def _key_names(root: Any) -> dict[str, str]:
    """Return key id -> attribute name; yEd's graphics keys (no ``attr.name``) -> ``label``."""
    names = {}
    for k in root:
        if _local(k.tag) != "key" or not k.get("id"):
            continue
        if k.get("attr.name"):
            names[k.get("id")] = k.get("attr.name")
        elif k.get("yfiles.type") in _YED_GRAPHICS:
            names[k.get("id")] = _YED_GRAPHICS[k.get("yfiles.type")]
    return names


def _defaults(root: Any) -> dict[str, list[tuple[str, str, int]]]:
    """Return scope ('node', 'edge') -> (attribute name, default text, line) for every key
    with a ``<default>``: GraphML gives that value to each element the key applies to that
    has no ``<data>`` of its own for it (a key ``for="all"`` applies to both)."""
    found: dict[str, list[tuple[str, str, int]]] = {"node": [], "edge": []}
    for k in root:
        if _local(k.tag) != "key" or not k.get("attr.name"):
            continue
        default = next((d for d in k if _local(d.tag) == "default"), None)
        if default is None:
            continue
        scope = k.get("for", "all")
        for target in ("node", "edge"):
            if scope in (target, "all"):
                found[target].append((k.get("attr.name"), default.text or "", default.sourceline))
    return found


def _apply_defaults(entry: Entry, defaults: list[tuple[str, str, int]]) -> Entry:
    for name, text, line in defaults:
        if name not in entry.fields:
            entry.fields[name] = text
            entry.lines[name] = line
    return entry


def _text(data: Any, name: str) -> str | None:
    """Return a data element's text; for a yEd graphics key, its first non-empty label."""
    if name not in _YED_GRAPHICS.values():
        return data.text or ""
    for label in data.iter(f"{{*}}{name}"):
        if (label.text or "").strip():
            return str(label.text).strip()
    return None


def _entry(element: Any, keys: dict[str, str], own: dict[str, Any]) -> Entry:
    entry = Entry(element.sourceline, {k: v for k, v in own.items() if v is not None})
    for data in element:
        name = keys.get(data.get("key")) if _local(data.tag) == "data" else None
        text = _text(data, name) if name is not None else None
        if name in _YED_GRAPHICS.values():
            name = "label"
            if text is None or "label" in entry.fields:
                continue  # an attribute called label wins over the drawn one
        if name is not None:
            entry.fields[name] = text
            entry.lines[name] = data.sourceline
    return entry


def _node(element: Any, keys: dict[str, str]) -> Entry:
    entry = _entry(element, keys, {"id": element.get("id")})
    label = entry.fields.pop("label", None)
    if label is not None and "name" not in entry.fields:
        entry.fields["name"] = label
        entry.lines["name"] = entry.lines["label"]
    return entry


def _elements(graph: Any) -> list[Any]:
    """Return the graph's own children, then the nodes and edges of nested graphs (yEd keeps
    a group's members in a ``<graph>`` inside the group node)."""
    if graph is None:
        return []
    own = list(graph)
    nested = [e for g in graph.iterdescendants(f"{{{NS}}}graph", "graph") for e in g
              if _local(e.tag) in ("node", "edge")]  # fmt: skip
    return own + nested


def _undirected(graph: Any, edge: Any) -> bool:
    directed = edge.get("directed") or ("false" if graph.get("edgedefault") == "undirected" else "")
    return directed.strip().lower() == "false"


def read_graphml_bytes(data: bytes, file: str) -> list[Scenario]:
    """Return the scenario in a GraphML file's bytes (the first graph).

    Raises
    ------
    ValidationFailed
        With every problem and its line.
    """
    root = parse_xml(data, file)
    keys = _key_names(root)
    defaults = _defaults(root)
    graph = next((g for g in root if _local(g.tag) == "graph"), None)
    result = GraphDocument(file, graph_line=(graph if graph is not None else root).sourceline)
    result.types = {
        (k.get("for", ""), k.get("attr.name")): k.get("attr.type", "string")
        for k in root
        if _local(k.tag) == "key" and k.get("attr.name")
    }
    for element in _elements(graph):
        tag = _local(element.tag)
        if tag == "data" and keys.get(element.get("key")):
            result.header[keys[element.get("key")]] = (element.text or "", element.sourceline)
        elif tag == "node":
            result.nodes.append(_apply_defaults(_node(element, keys), defaults["node"]))
        elif tag == "edge":
            own = {"id": element.get("id"), "from": element.get("source"),
                   "to": element.get("target")}  # fmt: skip
            result.edges.append(_apply_defaults(_entry(element, keys, own), defaults["edge"]))
            result.edges[-1].undirected = _undirected(graph, element)
    if result.is_govgraph:  # yEd's edge label repeats the type
        for entry in result.edges:
            entry.fields.pop("label", None)
    return [result.scenario()]
