"""Tables of other tools: Kumu workbooks and CSV files, Gephi's CSV, any pair of node and edge
tables, or a single table of edges.

A table whose header has ``From``/``To`` (or ``Source``/``Target``) columns, in any case,
holds edges; another with an ``Id``, ``Label`` or ``Name`` column holds nodes. Kumu's
``Elements`` sheet (``Label``, ``Type``, ``Description``, ``Tags``) and ``Connections``
sheet (``From``, ``To``, ``Type``) are such tables; a connection names its elements by label
or by id, and an end that names no element gets one (as Kumu does). A workbook with
``actors`` and ``relations`` sheets, and the CSV pair ``actors.csv`` + ``relations.csv``, are
govgraph's own tables (:mod:`graph.formats.tabular`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any

from graph.errors import Problem, ValidationFailed
from graph.formats.csvfolder import parse_csv, read_csv_tables
from graph.formats.foreign import ForeignEdge, ForeignGraph, ForeignNode
from graph.formats.tabular import Table
from graph.formats.yamljson import decode
from graph.model import Scenario

__all__ = [
    "read_any_xlsx_bytes",
    "read_csv_files",
    "read_csv_bytes",
    "is_edge_table",
    "is_node_table",
]

_EDGE_ENDS = (("from", "to"), ("source", "target"))
_NODE_KEYS = ("id", "label", "name")


def _lower(header: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        found.setdefault(str(name).strip().lower(), i)
    return found


def is_edge_table(table: Table) -> bool:
    """True when the header has a from/to (or source/target) pair of columns."""
    names = _lower(table.header)
    return any(a in names and b in names for a, b in _EDGE_ENDS)


def is_node_table(table: Table) -> bool:
    """True when the header names nodes (an id, label or name column) and no edge ends."""
    return not is_edge_table(table) and any(k in _lower(table.header) for k in _NODE_KEYS)


def _cells(table: Table, row: list[Any]) -> dict[str, Any]:
    return {
        str(name).strip(): value
        for name, value in zip(table.header, row, strict=False)
        if str(name).strip() and not _blank(value)
    }


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _pop(cells: dict[str, Any], names: Sequence[str]) -> Any:
    for key in list(cells):
        if key.lower() in names:
            return cells.pop(key)
    return None


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _nodes(table: Table) -> list[ForeignNode]:
    nodes = []
    for number, row in table.rows:
        cells = _cells(table, row)
        ident, label = _pop(cells, ("id",)), _pop(cells, ("label", "name"))
        key = _text(ident if ident is not None else label if label is not None else number)
        place = table.place(number)
        nodes.append(ForeignNode(key, None if label is None else _text(label), cells, place))
    return nodes


def _edges(table: Table) -> list[ForeignEdge]:
    names = _lower(table.header)
    ends = next((a, b) for a, b in _EDGE_ENDS if a in names and b in names)
    edges = []
    for number, row in table.rows:
        cells = _cells(table, row)
        source, target = _pop(cells, (ends[0],)), _pop(cells, (ends[1],))
        if source is None or target is None:
            continue  # a connection with an end missing is not drawn by Kumu either
        key = _pop(cells, ("id",))
        direction = str(next((v for k, v in cells.items() if k.lower() == "direction"), ""))
        edges.append(
            ForeignEdge(_text(source), _text(target), None if key is None else _text(key),
                        cells, table.place(number), direction.lower() in ("undirected", "mutual"))
        )  # fmt: skip
    return edges


def tables_to_foreign(tables: Sequence[Table], file: str, fmt: str) -> Scenario:
    """Return the scenario of node and edge tables (the first table of each kind counts).

    Raises
    ------
    ValidationFailed
        ``missing-table`` when no table holds nodes or edges, or every located problem.
    """
    node_table = next((t for t in tables if is_node_table(t)), None)
    edge_table = next((t for t in tables if is_edge_table(t)), None)
    if node_table is None and edge_table is None:
        hint = ("Give the nodes an 'Id' or 'Label' column and the edges 'From' and 'To' "
                "(or 'Source' and 'Target') columns.")  # fmt: skip
        raise ValidationFailed([Problem("missing-table", "no table of nodes or edges found",
                                        hint, file=file)])  # fmt: skip
    graph = ForeignGraph(file, fmt, by_label=True)
    graph.nodes = _nodes(node_table) if node_table is not None else []
    graph.edges = _edges(edge_table) if edge_table is not None else []
    return graph.scenario()


# --- workbooks -------------------------------------------------------------------------------


def read_any_xlsx_bytes(data: bytes, file: str) -> list[Scenario]:
    """Return the scenario of a workbook: govgraph's own sheets, or Kumu's (or any node and
    edge sheets).

    Raises
    ------
    ValidationFailed
        ``unreadable-file`` for a workbook that cannot be opened, or every located problem.
    """
    from graph.formats import xlsx

    book = xlsx.open_workbook(data, file)
    try:
        names = {sheet.title.strip().lower() for sheet in book.worksheets}
        if names & {"actors", "relations"}:
            return xlsx.read_xlsx_bytes(data, file)
        tables = [xlsx.sheet_table(s, s.title.strip().lower(), file) for s in book.worksheets]
    finally:
        book.close()
    kumu = {"elements", "connections"} & names
    ordered = sorted(tables, key=lambda t: t.name not in ("elements", "connections"))
    if not any(is_node_table(t) or is_edge_table(t) for t in tables):
        return xlsx.read_xlsx_bytes(data, file)  # govgraph's sheet problems say what to add
    return [tables_to_foreign(ordered, file, "Kumu workbook" if kumu else "workbook")]


# --- CSV files -------------------------------------------------------------------------------


def read_csv_files(files: Sequence[tuple[bytes, str]]) -> Scenario:
    """Return the one scenario of CSV files given together: govgraph's ``actors.csv`` and
    ``relations.csv``, or a node table and an edge table, or a single edge (or node) table.

    The scenario id comes from the edge file's name (``florentine-edges.csv`` gives
    ``florentine-edges``).

    Raises
    ------
    ValidationFailed
        With every located problem.
    """
    stems = {PurePosixPath(name).stem.lower(): (data, name) for data, name in files}
    if {"actors", "relations"} <= set(stems) and len(files) <= 5:
        return read_csv_tables(stems, files[0][1])
    tables = [parse_csv(decode(data, name), PurePosixPath(name).stem, name) for data, name in files]
    edge_file = next((t.file for t in tables if is_edge_table(t)), files[0][1])
    fmt = "CSV files" if len(files) > 1 else "CSV file"
    return tables_to_foreign(tables, edge_file, fmt)


def read_csv_bytes(data: bytes, file: str) -> list[Scenario]:
    """Return the scenario of one CSV file: a table of edges (or of nodes)."""
    return [read_csv_files([(data, file)])]
