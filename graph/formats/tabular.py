"""Tables of a scenario, shared by the CSV folder and the XLSX workbook (DESIGN section 3).

A spreadsheet holds five tables: ``scenario`` (one row), ``sources``, ``vocabulary``,
``actors`` and ``relations``. Columns are the interchange fields; list fields are joined
with ``;`` (a ``;`` or ``\\`` inside an item is escaped with ``\\``). Row numbers count the
header as row 1.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from graph.errors import Problem, ValidationFailed
from graph.formats.locations import Place, locator
from graph.formats.yamljson import document
from graph.model import (
    ACTOR_FIELDS,
    LIST_FIELDS,
    RELATION_FIELDS,
    SCENARIO_FIELDS,
    SOURCE_FIELDS,
    Scenario,
)
from graph.validation import TYPE_FIELDS, closest, validate_document

__all__ = [
    "neutralise",
    "restore",
    "restored_cells",
    "TABLES",
    "COLUMNS",
    "REQUIRED_COLUMNS",
    "Table",
    "join_list",
    "split_list",
    "scenario_tables",
    "tables_to_scenario",
]

VOCABULARY_COLUMNS: tuple[str, ...] = ("section", "name") + TYPE_FIELDS[1:]
#: Table name -> its columns, in the order writers emit them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "scenario": ("govgraph",) + SCENARIO_FIELDS,
    "sources": SOURCE_FIELDS,
    "vocabulary": VOCABULARY_COLUMNS,
    "actors": ACTOR_FIELDS,
    "relations": RELATION_FIELDS,
}
TABLES: tuple[str, ...] = tuple(COLUMNS)
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "scenario": ("id", "title"),
    "sources": ("id",),
    "vocabulary": ("section", "name"),
    "actors": ("id", "name", "kind"),
    "relations": ("from", "to", "type"),
}
SECTIONS = ("kind", "relation_type")


def join_list(items: Iterable[str]) -> str:
    """Return list items as one ``;``-joined text, escaping ``\\`` and ``;``.

    Examples
    --------
    >>> join_list(["a", "b;c"])
    'a;b\\\\;c'
    >>> split_list(join_list(["a", "b;c", "d\\\\"]))
    ['a', 'b;c', 'd\\\\']
    """
    return ";".join(i.replace("\\", "\\\\").replace(";", "\\;") for i in items)


def split_list(text: str) -> list[str]:
    """Return the items of a ``;``-joined text (inverse of :func:`join_list`)."""
    items, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ";":
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return items


#: First characters that make a spreadsheet read a cell as a formula (OWASP's CSV injection
#: list), and the quote that marks a neutralised cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"


def neutralise(text: str) -> str:
    """Return text that a spreadsheet shows as text: a leading ``'`` before a formula start.

    A text that already starts with ``'`` gets one more, so :func:`restore` is its exact
    inverse.

    Examples
    --------
    >>> neutralise("=SUM(A1:A9)"), neutralise("'quoted"), neutralise("Ministry")
    ("'=SUM(A1:A9)", "''quoted", 'Ministry')
    """
    return _QUOTE + text if text.startswith((*FORMULA_STARTS, _QUOTE)) else text


def restore(text: str) -> str:
    """Undo :func:`neutralise`: drop one leading ``'``.

    Examples
    --------
    >>> restore("'=1+1"), restore("''quoted"), restore("plain")
    ('=1+1', "'quoted", 'plain')
    """
    return text[1:] if text.startswith(_QUOTE) else text


def restored_cells(cells: Sequence[Any]) -> list[Any]:
    """Return a row's cells with every text cell restored (numbers and dates as they are)."""
    return [restore(c) if isinstance(c, str) else c for c in cells]


@dataclass
class Table:
    """One table as read: its name, header, data rows (with their row numbers) and file."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[Any]]]
    file: str
    sheet: str | None = None

    def place(self, row: int) -> Place:
        place: Place = {"file": self.file, "row": row}
        if self.sheet:
            place["sheet"] = self.sheet
        return place


# --- writing -------------------------------------------------------------------------------


def _cell(value: Any, name: str) -> Any:
    if name in LIST_FIELDS and isinstance(value, list):
        return join_list(value)
    if isinstance(value, dict):  # foreign attributes: JSON object text in a cell
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _rows(records: Iterable[dict[str, Any]], columns: Sequence[str]) -> list[list[Any]]:
    return [[_cell(rec.get(c), c) for c in columns] for rec in records]


def _vocabulary_rows(doc: dict[str, Any]) -> list[list[Any]]:
    vocabulary = doc.get("vocabulary", {})
    rows: list[list[Any]] = [
        ["kind", k, None, None, None, None] for k in vocabulary.get("kinds", [])
    ]
    for t in vocabulary.get("relation_types", []):
        rows.append(
            ["relation_type", t["type"], t["mode"], t["control"], t["voice"], t["accountability"]]
        )
    return rows


def scenario_tables(scenario: Scenario) -> dict[str, tuple[tuple[str, ...], list[list[Any]]]]:
    """Return each table of a scenario as (header, rows of typed cell values)."""
    doc = document(scenario)
    return {
        "scenario": (COLUMNS["scenario"], _rows([{"govgraph": 1, **doc["scenario"]}],
                                                COLUMNS["scenario"])),
        "sources": (COLUMNS["sources"], _rows(doc.get("sources", []), COLUMNS["sources"])),
        "vocabulary": (VOCABULARY_COLUMNS, _vocabulary_rows(doc)),
        "actors": (ACTOR_FIELDS, _rows(doc["actors"], ACTOR_FIELDS)),
        "relations": (RELATION_FIELDS, _rows(doc["relations"], RELATION_FIELDS)),
    }  # fmt: skip


# --- reading -------------------------------------------------------------------------------


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _header_problems(table: Table) -> list[Problem]:
    problems = []
    valid = COLUMNS[table.name]
    for i, name in enumerate(table.header):
        if name in valid and name in table.header[:i]:
            problems.append(
                _at(
                    table,
                    1,
                    "duplicate-column",
                    f"column '{name}' appears twice",
                    "Keep one column of each name.",
                    name,
                )
            )
        elif name not in valid and not _empty(name):
            near = closest(name, valid)
            hint = f"Did you mean '{near}'? " if near else ""
            problems.append(
                _at(
                    table,
                    1,
                    "unknown-column",
                    f"unknown column '{name}'",
                    hint + f"Valid columns: {', '.join(valid)}.",
                    name,
                )
            )
    for name in REQUIRED_COLUMNS[table.name]:
        if name not in table.header and (table.rows or table.name != "scenario"):
            problems.append(
                _at(
                    table,
                    1,
                    "missing-column",
                    f"the table has no '{name}' column",
                    f"Add a '{name}' column to the header row.",
                    name,
                )
            )
    return problems


def _at(table: Table, row: int, code: str, message: str, hint: str, value: Any) -> Problem:
    return Problem(code, message, hint, value=value, **table.place(row))


def _record(table: Table, cells: Sequence[Any]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for name, value in zip(table.header, cells, strict=False):
        if name not in COLUMNS[table.name] or name in record or _empty(value):
            continue
        if name in LIST_FIELDS:
            value = [i.strip() for i in split_list(str(value))]
        record[name] = value
    return record


def _row_problems(table: Table) -> list[Problem]:
    problems = []
    for row, cells in table.rows:
        if len(cells) > len(table.header) and any(
            not _empty(c) for c in cells[len(table.header) :]
        ):
            problems.append(
                _at(
                    table,
                    row,
                    "extra-cells",
                    "the row has more cells than the header",
                    "Remove the extra cells or add a header for them.",
                    len(cells),
                )
            )
    if table.name == "scenario" and len(table.rows) > 1:
        problems.append(
            _at(
                table,
                table.rows[1][0],
                "extra-rows",
                "the scenario table has more than one row",
                "Keep one scenario row; put others in their own files.",
                None,
            )
        )
    return problems


class _Assembler:
    """Builds the interchange document from tables, noting each entry's place."""

    def __init__(self, tables: dict[str, Table], default_id: str, default_file: str) -> None:
        self.tables = tables
        self.places: dict[tuple[Any, ...], Place] = {(): {"file": default_file}}
        self.problems: list[Problem] = []
        self.doc: dict[str, Any] = {"govgraph": 1}
        self.default_id = default_id

    def run(self) -> dict[str, Any]:
        for table in self.tables.values():
            self.problems += _header_problems(table) + _row_problems(table)
        self.scenario()
        for name in ("sources", "actors", "relations"):
            self.entries(name)
        self.vocabulary()
        return self.doc

    def scenario(self) -> None:
        table = self.tables.get("scenario")
        if table is None or not table.rows:
            self.doc["scenario"] = {"id": self.default_id, "title": self.default_id}
            return
        row, cells = table.rows[0]
        record = _record(table, cells)
        self.places[("scenario",)] = self.places[("govgraph",)] = table.place(row)
        version = record.pop("govgraph", 1)
        self.doc["govgraph"] = int(version) if str(version).strip().isdigit() else version
        self.doc["scenario"] = record

    def entries(self, name: str) -> None:
        table = self.tables.get(name)
        if table is None:
            return
        self.places[(name,)] = table.place(1)
        self.doc[name] = []
        for row, cells in table.rows:
            self.places[(name, len(self.doc[name]))] = table.place(row)
            self.doc[name].append(_record(table, cells))

    def vocabulary(self) -> None:
        table = self.tables.get("vocabulary")
        if table is None or not table.rows:
            return
        kinds: list[Any] = []
        types: list[dict[str, Any]] = []
        self.places[("vocabulary",)] = table.place(1)
        for row, cells in table.rows:
            self._vocabulary_row(table, row, _record(table, cells), kinds, types)
        self.doc["vocabulary"] = {"kinds": kinds, "relation_types": types}

    def _vocabulary_row(self, table: Table, row: int, rec: dict, kinds: list, types: list) -> None:
        section = rec.pop("section", None)
        if section == "kind":
            self.places[("vocabulary", "kinds", len(kinds))] = table.place(row)
            kinds.append(rec.get("name"))
        elif section == "relation_type":
            self.places[("vocabulary", "relation_types", len(types))] = table.place(row)
            types.append({"type": rec.pop("name", None), **rec})
        else:
            near = closest(section, SECTIONS) if isinstance(section, str) else None
            hint = f"Did you mean '{near}'? " if near else ""
            self.problems.append(
                _at(
                    table,
                    row,
                    "unknown-section",
                    "the 'section' must be 'kind' or 'relation_type'",
                    hint + "Write kind or relation_type.",
                    section,
                )
            )


def _drop_column_echoes(problems: list[Problem], tables: Iterable[Table]) -> list[Problem]:
    """Drop per-row 'missing-field' problems already reported as one 'missing-column'."""
    missing = {(p.file, p.sheet, p.value) for p in problems if p.code == "missing-column"}
    return [
        p
        for p in problems
        if not (p.code == "missing-field" and any(
            (p.file, p.sheet, name) in missing for name in _field_named(p.message)))
    ]  # fmt: skip


def _field_named(message: str) -> list[str]:
    return [message.rsplit("'", 2)[1]] if message.count("'") >= 2 else []


def tables_to_scenario(tables: dict[str, Table], *, default_id: str, default_file: str) -> Scenario:
    """Return the scenario that tables describe, or raise ValidationFailed with rows.

    Raises
    ------
    ValidationFailed
        With every problem: column names, extra cells and everything validation finds.
    """
    assembler = _Assembler(tables, default_id, default_file)
    doc = assembler.run()
    locate: Callable[[tuple[Any, ...]], Place] = locator(assembler.places)
    try:
        scenario = validate_document(doc, file=default_file, locate=locate)
    except ValidationFailed as exc:
        problems = _drop_column_echoes(assembler.problems + exc.problems, tables.values())
        raise ValidationFailed(problems) from None
    if assembler.problems:
        raise ValidationFailed(assembler.problems)
    return scenario
