"""YAML and JSON: one schema, the interchange document itself (DESIGN section 3)."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from graph.errors import Problem, ValidationFailed
from graph.formats.locations import json_duplicate_keys, json_lines, locator, yaml_lines
from graph.model import Scenario
from graph.validation import validate_document
from graph.validation_fast import fast_scenario

__all__ = [
    "decode", "read_yaml", "read_json", "read_yaml_bytes", "read_json_bytes",
    "write_yaml", "write_json", "document",
]  # fmt: skip


def decode(data: bytes, file: str) -> str:
    """Return UTF-8 bytes as text (a byte-order mark is dropped).

    Raises
    ------
    ValidationFailed
        With a ``bad-encoding`` problem when the bytes are not UTF-8.

    Examples
    --------
    >>> decode(b"\\xef\\xbb\\xbfgovgraph: 1", "x.yaml")
    'govgraph: 1'
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problem = Problem(
            "bad-encoding",
            "the file is not UTF-8 text",
            "Save the file as UTF-8 (the default of most editors).",
            file=file,
            line=line,
            value=repr(data[exc.start : exc.start + 8]),
        )
        raise ValidationFailed([problem]) from None


def _syntax(file: str, line: int | None, detail: str, hint: str) -> ValidationFailed:
    return ValidationFailed([Problem("syntax-error", detail, hint, file=file, line=line)])


#: libyaml's parser where PyYAML was built with it (7x faster than the pure-Python one).
_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a document is parsed and built.

    Parsing allocates millions of objects that form no cycles; the collector would scan them
    over and over as they accumulate (a third of the time of reading a large file).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _RepeatNoticingLoader(_YAML_LOADER):  # type: ignore[valid-type,misc]
    """The safe loader, noting whether any mapping repeats a key (the last would win)."""

    repeated = False

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [key.value for key, _ in node.value if isinstance(key, yaml.ScalarNode)]
        if len(set(keys)) != len(keys):
            self.repeated = True
        return super().construct_mapping(node, deep)


def _fast_yaml(text: str) -> Scenario | None:
    """Return the scenario of a plainly written, valid YAML text; None for anything else."""
    loader = _RepeatNoticingLoader(text)
    try:
        with gc_paused():
            data = loader.get_single_data()
            return None if loader.repeated else fast_scenario(data)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError):
        return None  # the full path reports it with its line
    finally:
        loader.dispose()


def _parse_yaml(text: str, file: str) -> tuple[Any, yaml.Node | None]:
    loader = None
    try:
        loader = _YAML_LOADER(text)
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        detail = f"YAML syntax error: {exc.problem or exc.context}"
        hint = "Check indentation, colons and quotes on this line or the one before."
        raise _syntax(file, line, detail, hint) from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        detail = f"YAML could not be read: {type(exc).__name__}"
        raise _syntax(file, None, detail, "Check that the file is YAML text.") from None
    finally:
        if loader is not None:
            loader.dispose()


def read_yaml(text: str, file: str) -> Scenario:
    """Return the scenario in YAML text, or raise ValidationFailed with lines.

    Examples
    --------
    >>> text = "govgraph: 1\\nscenario: {id: s, title: S}\\n"
    >>> text += "actors:\\n  - {id: a, name: A, kind: x}\\n"
    >>> try:
    ...     read_yaml(text, "s.yaml")
    ... except ValidationFailed as exc:
    ...     print(exc.problems[0].code, exc.problems[0].line)
    unknown-kind 4
    """
    fast = _fast_yaml(text)
    if fast is not None:
        return fast
    data, node = _parse_yaml(text, file)
    duplicates = [_duplicate_key(file, key, line) for key, line in yaml_duplicate_keys(node)]
    return _validated(data, file, locator(yaml_lines(node)), duplicates)


def _validated(data: Any, file: str, locate: Any, duplicates: list[Problem]) -> Scenario:
    """Validate; report repeated keys (which the parser silently drops) with the rest."""
    try:
        scenario = validate_document(data, file=file, locate=locate)
    except ValidationFailed as exc:
        raise ValidationFailed(duplicates + exc.problems) from None
    if duplicates:
        raise ValidationFailed(duplicates)
    return scenario


def _duplicate_key(file: str, key: str, line: int | None) -> Problem:
    return Problem(
        "duplicate-key",
        f"the key '{key}' appears twice in one mapping; only the last one would count",
        "Keep one of the two (or merge their values).",
        file=file,
        line=line,
        value=key,
    )


def yaml_duplicate_keys(node: yaml.Node | None) -> list[tuple[str, int]]:
    """Return ``(key, line)`` for every key repeated within one YAML mapping.

    Examples
    --------
    >>> yaml_duplicate_keys(yaml.compose("a: 1\\nb: {c: 1, c: 2}\\na: 3\\n"))
    [('c', 2), ('a', 3)]
    """
    found: list[tuple[str, int]] = []
    stack, seen_nodes = [node] if node is not None else [], 0
    while stack and seen_nodes < 1_000_000:  # aliases can make the walk endless
        current, seen_nodes = stack.pop(), seen_nodes + 1
        if isinstance(current, yaml.MappingNode):
            keys: set[object] = set()
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode) and key.value in keys:
                    found.append((key.value, key.start_mark.line + 1))
                keys.add(key.value if isinstance(key, yaml.ScalarNode) else id(key))
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return sorted(found, key=lambda item: item[1])


def _fast_json(text: str) -> Scenario | None:
    """Return the scenario of a plainly written, valid JSON text; None for anything else.

    Objects are parsed as tuples of pairs so that a repeated key (which ``json.loads`` would
    silently drop) shows as a mapping shorter than its pairs.
    """
    try:
        with gc_paused():
            doc = _mappings(json.loads(text, object_pairs_hook=tuple))
            return None if doc is None else fast_scenario(doc)
    except (RecursionError, ValueError):
        return None  # the full path reports it with its line


_SMALL_SECTIONS = ("scenario", "sources", "vocabulary")


def _mappings(pairs: Any) -> dict[str, Any] | None:
    """Return the document with its objects as dicts, or None when a key repeats or the
    layout is not the usual one (the full path then decides)."""
    top = _mapping(pairs)
    if top is None:
        return None
    for name in _SMALL_SECTIONS:
        if name in top:
            top[name] = _deep(top[name])
    for name in ("actors", "relations"):
        items = top.get(name)
        if isinstance(items, list) and all(type(item) is tuple for item in items):
            records = list(map(dict, items))
            if list(map(len, records)) != list(map(len, items)):
                return None
            top[name] = records
    return top


def _mapping(pairs: Any) -> dict[str, Any] | None:
    if type(pairs) is not tuple:
        return None
    mapping = dict(pairs)
    return mapping if len(mapping) == len(pairs) else None


def _deep(value: Any) -> Any:
    if type(value) is tuple:
        mapping = _mapping(value)
        if mapping is None:
            raise ValueError("a key is repeated")
        return {k: _deep(v) for k, v in mapping.items()}
    if type(value) is list:
        return [_deep(v) for v in value]
    return value


def read_json(text: str, file: str) -> Scenario:
    """Return the scenario in JSON text, or raise ValidationFailed with lines."""
    fast = _fast_json(text)
    if fast is not None:
        return fast
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        hint = "Check commas, brackets and double quotes near this place."
        raise _syntax(file, exc.lineno, f"JSON syntax error: {exc.msg}", hint) from None
    except (RecursionError, ValueError) as exc:
        raise _syntax(file, None, f"JSON could not be read: {exc}", "Simplify the file.") from None
    places = json_lines(text) if isinstance(data, dict) else {}
    found = json_duplicate_keys(text) if isinstance(data, dict) else []
    duplicates = [_duplicate_key(file, key, line) for key, line in found]
    return _validated(data, file, locator(places), duplicates)


def _plain_number(value: Any) -> Any:
    """Write whole euro amounts without a trailing '.0' (read back as the same float)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def document(scenario: Scenario) -> dict[str, Any]:
    """Return the interchange document of a scenario, amounts written plainly."""
    doc = scenario.to_dict()
    for rel in doc["relations"]:
        if "amount_eur" in rel:
            rel["amount_eur"] = _plain_number(rel["amount_eur"])
    return doc


def write_yaml(scenario: Scenario, path: Path) -> None:
    """Write a scenario as a YAML file."""
    text = yaml.safe_dump(document(scenario), sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")


def write_json(scenario: Scenario, path: Path) -> None:
    """Write a scenario as a JSON file."""
    text = json.dumps(document(scenario), indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def read_yaml_bytes(data: bytes, file: str) -> list[Scenario]:
    """Return the one scenario of a YAML file's bytes."""
    return [read_yaml(decode(data, file), file)]


def read_json_bytes(data: bytes, file: str) -> list[Scenario]:
    """Return the one scenario of a JSON file's bytes."""
    return [read_json(decode(data, file), file)]
