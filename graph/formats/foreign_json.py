"""JSON graphs of other tools: networkx node-link, graphology (Gephi Lite, sigma), Cytoscape.

A ``.json`` file with a ``govgraph`` key is an interchange document (:mod:`yamljson`); one
without it that holds ``nodes`` (and ``links`` or ``edges``), at the top or one level down,
is read as a foreign graph (:mod:`graph.formats.foreign`):

- node-link (``networkx.node_link_data``): ``{"nodes": [{"id": ..., ...}], "links": [{"source":
  ..., "target": ..., ...}]}`` (``edges`` instead of ``links`` too);
- graphology (Gephi Lite, sigma.js): ``{"attributes": {...}, "options": {...}, "nodes":
  [{"key": ..., "attributes": {...}}], "edges": [{"key": ..., "source": ..., "target": ...,
  "attributes": {...}, "undirected": bool}]}``;
- Cytoscape.js: ``{"elements": {"nodes": [{"data": {...}}], "edges": [{"data": {...}}]}}``.
"""

from __future__ import annotations

import json
from typing import Any

from graph.errors import Problem, ValidationFailed
from graph.formats.foreign import ForeignEdge, ForeignGraph, ForeignNode
from graph.formats.yamljson import decode, read_json
from graph.model import Scenario

__all__ = ["read_any_json_bytes", "foreign_graph_data"]

_LABELS = ("label", "name", "Label", "Name", "title")


def foreign_graph_data(data: Any) -> dict[str, Any] | None:
    """Return the part of parsed JSON that holds a foreign graph's nodes, or None.

    Examples
    --------
    >>> foreign_graph_data({"nodes": [{"id": 1}], "links": []}) is not None
    True
    >>> foreign_graph_data({"govgraph": 1, "actors": []}) is None
    True
    """
    if not isinstance(data, dict) or "govgraph" in data:
        return None
    candidates = [data, *(v for v in data.values() if isinstance(v, dict))]
    for candidate in candidates:
        if isinstance(candidate.get("nodes"), list):
            return candidate
        for inner in candidate.values():
            if isinstance(inner, dict) and isinstance(inner.get("nodes"), list):
                return inner
    return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _item(raw: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return an item's own keys and its attributes (graphology's and Cytoscape's nested)."""
    if not isinstance(raw, dict):
        return {"id": raw}, {}
    own = dict(raw)
    nested = own.pop("attributes", None)
    data = own.pop("data", None)
    attrs = {**(nested if isinstance(nested, dict) else {}),
             **(data if isinstance(data, dict) else {})}  # fmt: skip
    for key in ("id", "key", "source", "target", "undirected"):
        if key in attrs and key not in own:
            own[key] = attrs.pop(key)
    for key in list(own):
        if key not in ("id", "key", "source", "target", "undirected"):
            attrs.setdefault(key, own.pop(key))
    return own, attrs


def _node(raw: Any, index: int) -> ForeignNode:
    own, attrs = _item(raw)
    key = own.get("id", own.get("key", index))
    label_key = next((k for k in _LABELS if not _blank(attrs.get(k))), None)
    label = str(attrs.pop(label_key)) if label_key else None
    return ForeignNode(_text(key), label, attrs)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _edge(raw: Any, directed: bool) -> ForeignEdge | None:
    own, attrs = _item(raw)
    if "source" not in own or "target" not in own:
        return None
    key = own.get("key", own.get("id"))
    undirected = bool(own.get("undirected", not directed))
    return ForeignEdge(_text(own["source"]), _text(own["target"]),
                       None if key is None else _text(key), attrs, {}, undirected)  # fmt: skip


def _directed(graph: dict[str, Any]) -> bool:
    options = graph.get("options")
    options = options if isinstance(options, dict) else {}
    if options.get("type") == "undirected" or graph.get("directed") is False:
        return False
    return True


def _title(graph: dict[str, Any]) -> str | None:
    for holder in (graph.get("attributes"), graph.get("graph"), graph.get("data")):
        if isinstance(holder, dict):
            for key in ("title", "name", "label"):
                if isinstance(holder.get(key), str) and holder[key].strip():
                    return str(holder[key]).strip()
    return None


def read_foreign_json(graph: dict[str, Any], file: str) -> Scenario:
    """Return the scenario of a foreign JSON graph (node-link, graphology or Cytoscape)."""
    fmt = "graphology JSON" if "options" in graph or "attributes" in graph else "node-link JSON"
    result = ForeignGraph(file, fmt, title=_title(graph))
    result.nodes = [_node(n, i) for i, n in enumerate(graph["nodes"])]
    raw_edges = graph.get("links", graph.get("edges", []))
    directed = _directed(graph)
    edges = [_edge(e, directed) for e in (raw_edges if isinstance(raw_edges, list) else [])]
    skipped = sum(1 for e in edges if e is None)
    if skipped:
        result.problems.append(
            Problem("missing-field", f"{skipped} edges have no 'source' or 'target'",
                    "Give every edge a 'source' and a 'target' node id.", file=file)
        )  # fmt: skip
    result.edges = [e for e in edges if e is not None]
    return result.scenario()


def read_any_json_bytes(data: bytes, file: str) -> list[Scenario]:
    """Return the scenario of a JSON file: an interchange document or a foreign graph.

    Raises
    ------
    ValidationFailed
        With every located problem.
    """
    text = decode(data, file)
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        parsed = None  # the interchange reader reports the syntax error with its line
    graph = foreign_graph_data(parsed)
    if graph is None:
        return [read_json(text, file)]
    try:
        return [read_foreign_json(graph, file)]
    except RecursionError:
        raise ValidationFailed(
            [
                Problem(
                    "syntax-error", "the JSON is nested too deeply", "Simplify the file.", file=file
                )
            ]
        ) from None
