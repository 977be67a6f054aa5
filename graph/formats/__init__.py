"""Readers and writers of the interchange format (DESIGN section 3).

Every reader validates fully before returning: a path that fails gives
:class:`graph.errors.ValidationFailed` with every located problem and loads nothing.

Examples
--------
>>> import tempfile
>>> from graph.model import Actor, Scenario, ScenarioInfo
>>> s = Scenario(ScenarioInfo("demo", "Demo"), actors=(Actor("a", "A", "ministry"),))
>>> folder = Path(tempfile.mkdtemp())
>>> write_scenario(s, "json", folder / "demo.json")
>>> read_path(folder / "demo.json") == [s]
True
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from graph.errors import Problem, ValidationFailed
from graph.formats.cache import cached_shelf
from graph.formats.shelf import Shelf, ShelvedFile
from graph.model import Scenario

__all__ = [
    "FORMATS",
    "POSITIONED_FORMATS",
    "SUFFIXES",
    "read_path",
    "read_bytes",
    "read_uploads",
    "load_paths",
    "open_paths",
    "write_scenario",
]

#: Export formats, as ``govgraph export --format`` names them.
FORMATS: tuple[str, ...] = (
    "yaml", "json", "csv", "xlsx", "graphml", "gexf", "cypher", "kumu",
)  # fmt: skip

#: File suffix -> "module:function" reading ``(data: bytes, file: str) -> list[Scenario]``.
_READERS: dict[str, str] = {
    ".yaml": "yamljson:read_yaml_bytes",
    ".yml": "yamljson:read_yaml_bytes",
    ".json": "foreign_json:read_any_json_bytes",
    ".xlsx": "foreign_tables:read_any_xlsx_bytes",
    ".csv": "foreign_tables:read_csv_bytes",
    ".zip": "csvfolder:read_zip_bytes",
    ".graphml": "graphml:read_graphml_bytes",
    ".gexf": "gexf:read_gexf_bytes",
}
SUFFIXES: tuple[str, ...] = tuple(_READERS)

#: Format -> "module:function" writing ``(scenario, path)``.
_WRITERS: dict[str, str] = {
    "yaml": "yamljson:write_yaml",
    "json": "yamljson:write_json",
    "csv": "csvfolder:write_csv_folder",
    "xlsx": "xlsx:write_xlsx",
    "graphml": "graphml:write_graphml",
    "gexf": "gexf:write_gexf",
    "cypher": "cypher:write_cypher",
    "kumu": "kumu:write_kumu",
}

#: Formats that can carry a layout (node positions).
POSITIONED_FORMATS: frozenset[str] = frozenset({"gexf"})


def _function(spec: str) -> Callable[..., object]:
    module, name = spec.split(":")
    function: Callable[..., object] = getattr(
        importlib.import_module(f"graph.formats.{module}"), name
    )
    return function


def _problem(code: str, message: str, hint: str, file: str, value: object = None) -> Problem:
    return Problem(code, message, hint, file=file, value=value)


def _is_csv_folder(path: Path) -> bool:
    return path.is_dir() and (path / "actors.csv").is_file()


def _read_file(path: Path) -> ShelvedFile:
    reader = _READERS.get(path.suffix.lower())
    file = str(path)
    if reader is None:
        hint = f"Use one of: {', '.join(SUFFIXES)}, or a folder of CSV files."
        raise ValidationFailed(
            [_problem("unsupported-format", "unknown file type", hint, file, path.suffix)]
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationFailed([_problem("unreadable-file", f"cannot read the file: "
                                         f"{exc.strerror}", "Check the path and permissions.",
                                         file)]) from None  # fmt: skip

    def read() -> list[Scenario]:
        scenarios = _function(reader)(data, file)
        assert isinstance(scenarios, list)
        return scenarios

    return cached_shelf(data, path.suffix, read, file=file, always=_is_bundled(path))


def _is_bundled(path: Path) -> bool:
    from graph import datasets

    return path.resolve().parent == Path(datasets.__file__).resolve().parent


def _members(folder: Path) -> list[Path]:
    """Return the scenario files and CSV folders inside a folder of interchange files."""
    found = []
    for child in sorted(folder.iterdir()):
        if child.is_file() and child.suffix.lower() in SUFFIXES or _is_csv_folder(child):
            found.append(child)
    return found


def _read_csv_folder(path: Path) -> ShelvedFile:
    reader = _function("csvfolder:read_csv_folder")
    return ShelvedFile.read(str(path), reader(path))  # type: ignore[arg-type]


def _read_any(path: Path) -> list[ShelvedFile]:
    if not path.exists():
        raise ValidationFailed(
            [_problem("file-not-found", "no such file or folder", "Check the path.", str(path))]
        )
    if _is_csv_folder(path):
        return [_read_csv_folder(path)]
    if path.is_dir():
        return _read_folder(path)
    return [_read_file(path)]


def _read_folder(folder: Path) -> list[ShelvedFile]:
    members = _members(folder)
    if not members:
        hint = f"Put files ending in {', '.join(SUFFIXES)} (or a CSV folder) in it."
        raise ValidationFailed(
            [_problem("no-scenarios", "the folder holds no scenario files", hint, str(folder))]
        )
    return _collect(members)


def _read_csv_files(paths: Sequence[Path]) -> list[ShelvedFile]:
    """Read CSV files named together (not a folder) as the tables of one scenario."""
    files = []
    for path in paths:
        if not path.is_file():
            return _read_any(path)  # reports the missing file
        files.append((path.read_bytes(), str(path)))
    reader = _function("foreign_tables:read_csv_files")
    return [ShelvedFile.read(str(paths[0]), [reader(files)])]  # type: ignore[list-item]


def _collect(paths: Sequence[Path]) -> list[ShelvedFile]:
    """Read every path, gathering all problems (and duplicate scenario ids) before failing.

    CSV files named together are the tables of one scenario (nodes and edges). A file read
    before comes from the cache as its headers alone (see :mod:`graph.formats.shelf`).
    """
    shelved: list[ShelvedFile] = []
    problems: list[Problem] = []
    csv_files = [p for p in paths if p.suffix.lower() == ".csv"]
    groups = [[p] for p in paths if p.suffix.lower() != ".csv"] + ([csv_files] if csv_files else [])
    for group in groups:
        try:
            shelved.extend(_read_any(group[0]) if len(group) == 1 else _read_csv_files(group))
        except ValidationFailed as exc:
            problems.extend(exc.problems)
    problems.extend(_duplicates(shelved))
    if problems:
        raise ValidationFailed(problems)
    return shelved


def _duplicates(shelved: Sequence[ShelvedFile]) -> list[Problem]:
    first: dict[str, str] = {}
    problems = []
    for file, header in ((f.file, h) for f in shelved for h in f.headers):
        if header.id in first:
            message = f"scenario id '{header.id}' is also used by {first[header.id]}"
            hint = "Each scenario needs its own id; change 'scenario.id' in one of the files."
            problems.append(_problem("duplicate-scenario", message, hint, file, header.id))
        else:
            first[header.id] = file
    return problems


def _scenarios(shelved: Sequence[ShelvedFile]) -> list[Scenario]:
    return [s for f in shelved for s in f.scenarios().values()]


def read_path(path: str | Path) -> list[Scenario]:
    """Return the scenarios in a file, a CSV folder, a zipped CSV folder or a folder of files.

    Raises
    ------
    ValidationFailed
        With every problem of every file; nothing is returned then.
    """
    return _scenarios(_collect([Path(path)]))


def load_paths(paths: Sequence[str | Path]) -> list[Scenario]:
    """Return the scenarios of all paths, validating every one before returning anything.

    Raises
    ------
    ValidationFailed
        With every problem of every path, including ``duplicate-scenario`` when two files
        share a scenario id.
    """
    return _scenarios(_collect([Path(p) for p in paths]))


def open_paths(paths: Sequence[str | Path]) -> Shelf:
    """Return the scenarios of all paths as a :class:`Shelf`: validated like
    :func:`load_paths`, but a file read before gives only its scenarios' headers now, and its
    scenarios when one of them is first asked for.

    Raises
    ------
    ValidationFailed
        As :func:`load_paths`.
    """
    return Shelf(_collect([Path(p) for p in paths]))


def read_bytes(data: bytes, filename: str) -> list[Scenario]:
    """Return the scenarios in an uploaded file (yaml, yml, json, xlsx, zip, graphml, gexf).

    Raises
    ------
    ValidationFailed
        With every located problem (places name ``filename``).
    """
    reader = _READERS.get(Path(filename).suffix.lower())
    if reader is None:
        hint = f"Upload a file ending in one of: {', '.join(SUFFIXES)}."
        raise ValidationFailed(
            [
                _problem(
                    "unsupported-format", "unknown file type", hint, filename, Path(filename).suffix
                )
            ]
        )
    scenarios = _function(reader)(data, filename)
    assert isinstance(scenarios, list)
    return scenarios


def read_uploads(files: Sequence[tuple[bytes, str]]) -> list[Scenario]:
    """Return the scenarios of files uploaded together: each file on its own, except CSV
    files, which together are the tables of one scenario (nodes and edges).

    Raises
    ------
    ValidationFailed
        With every located problem of every file.
    """
    csv_files = [(d, n) for d, n in files if Path(n).suffix.lower() == ".csv"]
    scenarios: list[Scenario] = []
    problems: list[Problem] = []
    others = [(d, n) for d, n in files if Path(n).suffix.lower() != ".csv"]
    for data, name in others:
        try:
            scenarios.extend(read_bytes(data, name))
        except ValidationFailed as exc:
            problems.extend(exc.problems)
    if csv_files:
        try:
            scenarios.append(_function("foreign_tables:read_csv_files")(csv_files))  # type: ignore[arg-type]
        except ValidationFailed as exc:
            problems.extend(exc.problems)
    if problems:
        raise ValidationFailed(problems)
    return scenarios


def write_scenario(
    scenario: Scenario,
    fmt: str,
    path: str | Path,
    *,
    positions: Mapping[str, tuple[float, float]] | None = None,
) -> None:
    """Write a scenario in one of :data:`FORMATS` (``csv`` writes a folder).

    ``positions`` (actor id -> x, y) is a layout for the formats that carry one (GEXF);
    the others leave it out.

    Raises
    ------
    ValueError
        If ``fmt`` is not one of :data:`FORMATS`.
    """
    if fmt not in _WRITERS:
        raise ValueError(f"unknown format '{fmt}'; use one of: {', '.join(FORMATS)}")
    target = Path(path)
    if target.parent != target:
        target.parent.mkdir(parents=True, exist_ok=True)
    writer = _function(_WRITERS[fmt])
    if positions is not None and fmt in POSITIONED_FORMATS:
        writer(scenario, target, positions)
    else:
        writer(scenario, target)
