"""A scenario as a folder of CSV files, or a .zip of one (DESIGN section 3).

``actors.csv`` and ``relations.csv`` are required; ``scenario.csv`` (one row),
``sources.csv`` and ``vocabulary.csv`` are optional. Without ``scenario.csv`` the scenario id
and title are the folder's name. The delimiter is ``,``; a header written with ``;`` (as
spreadsheet programs do in some locales) is recognised.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from graph.errors import Problem, ValidationFailed
from graph.formats.archive import check_unzipped_size
from graph.formats.tabular import (
    TABLES,
    Table,
    neutralise,
    restored_cells,
    scenario_tables,
    tables_to_scenario,
)
from graph.formats.yamljson import decode
from graph.model import Scenario
from graph.validation import ID_PATTERN

__all__ = [
    "read_csv_folder", "read_zip_bytes", "write_csv_folder", "parse_csv", "folder_id",
    "read_csv_tables",
]  # fmt: skip

REQUIRED_FILES = ("actors", "relations")


def folder_id(name: str) -> str:
    """Return a scenario id made from a folder or file name.

    Examples
    --------
    >>> folder_id("NPLV 2022.zip")
    'nplv-2022'
    """
    stem = PurePosixPath(name).name
    stem = stem[: -len(PurePosixPath(stem).suffix)] if PurePosixPath(stem).suffix else stem
    slug = "".join(c if c.isalnum() and c.isascii() else "-" for c in stem.lower()).strip("-")
    slug = "-".join(part for part in slug.split("-") if part)
    return slug if ID_PATTERN.fullmatch(slug) else "scenario"


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    return ";" if ";" in first and "," not in first else ","


def parse_csv(text: str, name: str, file: str) -> Table:
    """Return one CSV text as a table (the header is row 1; blank rows are skipped).

    Raises
    ------
    ValidationFailed
        With a ``syntax-error`` problem when the CSV cannot be parsed.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        hint = "Check the quotes on this row: a quoted cell must end with a quote."
        problem = Problem(
            "syntax-error", f"CSV syntax error: {exc}", hint, file=file, row=reader.line_num
        )
        raise ValidationFailed([problem]) from None
    header = [h.strip() for h in rows[0][1]] if rows else []
    body = [(n, restored_cells(r)) for n, r in rows[1:] if any(c.strip() for c in r)]
    return Table(name, header, body, file)


def _tables(files: Mapping[str, tuple[bytes, str]]) -> dict[str, Table]:
    """Parse each known table (name -> (bytes, file name)), gathering every problem."""
    tables: dict[str, Table] = {}
    problems: list[Problem] = []
    for name, (data, file) in files.items():
        try:
            tables[name] = parse_csv(decode(data, file), name, file)
        except ValidationFailed as exc:
            problems.extend(exc.problems)
    if problems:
        raise ValidationFailed(problems)
    return tables


def _missing(found: Mapping[str, Any], where: str) -> list[Problem]:
    return [
        Problem("missing-file", f"the folder has no {name}.csv",
                f"Add {name}.csv (its header row at least).", file=where, value=f"{name}.csv")
        for name in REQUIRED_FILES
        if name not in found
    ]  # fmt: skip


def _read(files: Mapping[str, tuple[bytes, str]], where: str, default_id: str) -> Scenario:
    problems = _missing(files, where)
    if problems:
        raise ValidationFailed(problems)
    tables = _tables(files)
    return tables_to_scenario(tables, default_id=default_id, default_file=where)


def read_csv_folder(folder: Path) -> list[Scenario]:
    """Return the scenario in a folder of CSV files.

    Raises
    ------
    ValidationFailed
        With every problem, each naming its CSV file and row.
    """
    files: dict[str, tuple[bytes, str]] = {}
    for name in TABLES:
        path = folder / f"{name}.csv"
        if path.is_file():
            files[name] = (path.read_bytes(), str(path))
    return [_read(files, str(folder), folder_id(folder.name))]


def _zip_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Return table name -> member name for the CSV folder inside a zip (at any depth)."""
    names = [n for n in archive.namelist() if not n.endswith("/") and "__MACOSX" not in n]
    actors = sorted((n for n in names if PurePosixPath(n).name == "actors.csv"), key=len)
    base = PurePosixPath(actors[0]).parent if actors else PurePosixPath("")
    wanted = {str(base / f"{t}.csv") if str(base) != "." else f"{t}.csv": t for t in TABLES}
    return {wanted[n]: n for n in names if n in wanted}


def read_zip_bytes(data: bytes, file: str) -> list[Scenario]:
    """Return the scenario in a zipped CSV folder.

    Raises
    ------
    ValidationFailed
        With every problem (files named ``archive.zip/actors.csv``), or ``unreadable-file``
        when the bytes are not a zip archive.
    """
    check_unzipped_size(data, file)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            files = {t: (archive.read(m), f"{file}/{m}") for t, m in _zip_members(archive).items()}
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError) as exc:
        problem = Problem(
            "unreadable-file",
            f"not a readable zip archive ({exc})",
            "Zip the CSV folder again (plain zip, no password).",
            file=file,
        )
        raise ValidationFailed([problem]) from None
    return [_read(files, file, folder_id(file))]


def write_csv_folder(scenario: Scenario, folder: Path) -> None:
    """Write a scenario as a folder of the five CSV files (UTF-8, header row first)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in scenario_tables(scenario).items():
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows([[_text(cell) for cell in row] for row in rows])


def _text(value: Any) -> str:
    """A cell as CSV text; text values neutralised so no spreadsheet runs them as formulas."""
    if isinstance(value, str):
        return neutralise(value)
    return _plain(value)


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def read_csv_tables(files: Mapping[str, tuple[bytes, str]], where: str) -> Scenario:
    """Return the scenario of govgraph's CSV tables given as files (table name -> (bytes,
    file name)), e.g. ``actors.csv`` and ``relations.csv`` uploaded together."""
    known = {name: files[name] for name in TABLES if name in files}
    return _read(known, where, folder_id(PurePosixPath(where).parent.name or where))
