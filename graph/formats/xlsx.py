"""A scenario as one XLSX workbook: the CSV folder's tables as sheets (DESIGN section 3).

Sheets are matched by name, ignoring case and surrounding spaces; ``actors`` and
``relations`` are required. Numbers, booleans and dates may be typed cells or text.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from graph.errors import Problem, ValidationFailed
from graph.formats.archive import check_unzipped_size
from graph.formats.csvfolder import REQUIRED_FILES, folder_id
from graph.formats.tabular import (
    TABLES,
    Table,
    neutralise,
    restored_cells,
    scenario_tables,
    tables_to_scenario,
)
from graph.model import Scenario
from graph.validation import closest

__all__ = ["read_xlsx_bytes", "write_xlsx", "open_workbook", "sheet_table"]


def write_xlsx(scenario: Scenario, path: Path) -> None:
    """Write a scenario as a workbook with one sheet per table."""
    book = Workbook()
    book.remove(book.active)
    for name, (header, rows) in scenario_tables(scenario).items():
        sheet = book.create_sheet(name)
        sheet.append(list(header))
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                _write_cell(sheet.cell(row=r, column=c), value)
    book.save(path)


def _write_cell(cell: Any, value: Any) -> None:
    if isinstance(value, float) and float(f"{value:.15g}") != value:
        value = repr(value)  # Excel keeps 15 digits; text keeps the exact number
    if isinstance(value, str):
        value = neutralise(value)  # safe also when the sheet is saved as CSV elsewhere
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # text starting with '=' stays text, not a formula


def _open(data: bytes, file: str) -> Any:
    check_unzipped_size(data, file)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        hint = "Save the workbook again as .xlsx (Excel Workbook)."
        problem = Problem(
            "unreadable-file", f"not a readable xlsx workbook ({exc})", hint, file=file
        )
        raise ValidationFailed([problem]) from None


#: Most rows and cells read from one workbook, and most characters of text in its cells:
#: far above any governance scenario, low enough that a hostile workbook (a zip bomb under
#: the unpacked-size limit) is refused in bounded time and memory. See docs/format.md.
MAX_ROWS = 1_048_576
MAX_CELLS = 5_000_000
MAX_TEXT_CHARS = 64_000_000


class _Budget:
    """What is left of the limits while the sheets of one workbook are read."""

    def __init__(self, file: str) -> None:
        self.file, self.cells, self.chars = file, MAX_CELLS, MAX_TEXT_CHARS

    def check_dimensions(self, sheet: Any) -> None:
        """Refuse a sheet whose declared size alone is over the limits, before reading it."""
        try:
            rows, columns = int(sheet.max_row or 0), int(sheet.max_column or 0)
        except (TypeError, ValueError):
            return  # no <dimension>: the limits are checked while reading
        if rows > MAX_ROWS or rows * columns > self.cells:
            self.refuse(sheet, f"declares {rows:,} rows of {columns:,} columns")

    def spend(self, sheet: Any, row: tuple[Any, ...], number: int) -> None:
        self.cells -= len(row)
        self.chars -= sum(len(c) for c in row if isinstance(c, str))
        if number > MAX_ROWS or self.cells < 0 or self.chars < 0:
            self.refuse(sheet, f"holds more than the limits allow by row {number:,}")

    def refuse(self, sheet: Any, what: str) -> None:
        problem = Problem(
            "workbook-too-large",
            f"sheet '{sheet.title}' {what} (at most {MAX_ROWS:,} rows, {MAX_CELLS:,} cells "
            f"and {MAX_TEXT_CHARS:,} characters of text in a workbook)",
            "Split the scenario, or load it as a CSV folder or YAML from the command line.",
            file=self.file,
            sheet=sheet.title,
        )
        raise ValidationFailed([problem])


def _table(sheet: Any, name: str, file: str, budget: _Budget | None = None) -> Table:
    budget = budget or _Budget(file)
    budget.check_dimensions(sheet)
    rows = []
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        budget.spend(sheet, row, number)
        rows.append(list(row))
    header = [str(h).strip() if h is not None else "" for h in rows[0]] if rows else []
    while header and header[-1] == "":
        header.pop()
    numbered = enumerate(rows[1:], start=2)
    body = [(n, restored_cells(r)) for n, r in numbered if any(_filled(c) for c in r)]
    return Table(name, header, body, file, sheet=sheet.title)


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _sheets(book: Any, file: str) -> tuple[dict[str, Table], list[Problem]]:
    tables: dict[str, Table] = {}
    problems = []
    budget = _Budget(file)
    for sheet in book.worksheets:
        name = sheet.title.strip().lower()
        if name in TABLES:
            tables[name] = _table(sheet, name, file, budget)
            continue
        near = closest(name, TABLES)
        hint = f"Did you mean '{near}'? " if near else ""
        problems.append(
            Problem(
                "unknown-sheet",
                f"unknown sheet '{sheet.title}'",
                hint + f"Sheets are: {', '.join(TABLES)}.",
                file=file,
                sheet=sheet.title,
                value=sheet.title,
            )
        )
    for name in REQUIRED_FILES:
        if name not in tables:
            problems.append(
                Problem(
                    "missing-sheet",
                    f"the workbook has no '{name}' sheet",
                    f"Add a sheet called '{name}'.",
                    file=file,
                    value=name,
                )
            )
    return tables, problems


def read_xlsx_bytes(data: bytes, file: str) -> list[Scenario]:
    """Return the scenario in an xlsx workbook's bytes.

    Raises
    ------
    ValidationFailed
        With every problem, each naming its sheet and row.
    """
    book = _open(data, file)
    try:
        tables, problems = _sheets(book, file)
    finally:
        book.close()
    try:
        scenario = tables_to_scenario(tables, default_id=folder_id(file), default_file=file)
    except ValidationFailed as exc:
        raise ValidationFailed(problems + exc.problems) from None
    if problems:
        raise ValidationFailed(problems)
    return [scenario]


def open_workbook(data: bytes, file: str) -> Any:
    """Return the open workbook of xlsx bytes (read-only; close it), or raise ValidationFailed
    with ``unreadable-file``."""
    return _open(data, file)


def sheet_table(sheet: Any, name: str, file: str) -> Table:
    """Return one sheet as a table named ``name`` (header in row 1, blank rows skipped)."""
    return _table(sheet, name, file)
