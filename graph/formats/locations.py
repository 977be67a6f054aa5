"""Where things are in a file: maps from a document path to a line, sheet or row.

Validation speaks in document paths such as ``("actors", 3, "kind")``; the readers keep a
map from those paths to places so every problem can name its line (YAML, JSON) or its sheet
and row (spreadsheets). A path that is not in the map falls back to its nearest ancestor.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Mapping
from typing import Any

import yaml

__all__ = ["Place", "locator", "yaml_lines", "json_lines", "MAP_DEPTH"]

Path = tuple[Any, ...]
Place = dict[str, Any]

#: Paths deeper than this are never needed (``vocabulary.relation_types.0.mode`` is 4 deep).
MAP_DEPTH = 5


def locator(places: Mapping[Path, Place]) -> Callable[[Path], Place]:
    """Return a function giving the place of a path, or of its nearest mapped ancestor.

    Examples
    --------
    >>> locate = locator({(): {"line": 1}, ("actors", 0): {"line": 4}})
    >>> locate(("actors", 0, "kind")), locate(("relations",))
    ({'line': 4}, {'line': 1})
    """

    def locate(path: Path) -> Place:
        for end in range(len(path), -1, -1):
            place = places.get(tuple(path[:end]))
            if place is not None:
                return dict(place)
        return {}

    return locate


def yaml_lines(node: yaml.Node | None) -> dict[Path, Place]:
    """Return the 1-based line of every key and list item of a composed YAML document.

    Examples
    --------
    >>> node = yaml.compose("actors:\\n  - id: a\\n    kind: x\\n", Loader=yaml.SafeLoader)
    >>> yaml_lines(node)[("actors", 0, "kind")]
    {'line': 3}
    """
    places: dict[Path, Place] = {}
    if node is not None:
        places[()] = {"line": 1}  # what the whole document lacks belongs at its top
        _walk_yaml(node, (), places)
    return places


def _walk_yaml(node: yaml.Node, path: Path, places: dict[Path, Place]) -> None:
    if len(path) >= MAP_DEPTH:  # also ends recursive aliases
        return
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = path + (_key(key),)
            places.setdefault(child, {"line": key.start_mark.line + 1})
            _walk_yaml(value, child, places)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            places[path + (i,)] = {"line": item.start_mark.line + 1}
            _walk_yaml(item, path + (i,), places)


def _key(node: yaml.Node) -> Any:
    """Return a mapping key as the loader gives it (plain integers become ints)."""
    value = node.value if isinstance(node, yaml.ScalarNode) else None
    if node.tag == "tag:yaml.org,2002:int" and isinstance(value, str) and value.isdigit():
        return int(value)
    return value


class _JsonLines:
    """Walks valid JSON text, noting the line where each key and list item starts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        self.decoder = json.JSONDecoder()
        self.places: dict[Path, Place] = {}
        self.duplicates: list[tuple[str, int]] = []

    def line(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos)

    def skip(self, pos: int) -> int:
        while pos < len(self.text) and self.text[pos] in " \t\r\n":
            pos += 1
        return pos

    def value(self, pos: int, path: Path) -> int:
        """Walk the value at ``pos``; return the position after it."""
        pos = self.skip(pos)
        char = self.text[pos] if pos < len(self.text) else ""
        if len(path) < MAP_DEPTH and char == "{":
            return self.obj(pos + 1, path)
        if len(path) < MAP_DEPTH and char == "[":
            return self.array(pos + 1, path)
        return self.decoder.raw_decode(self.text, pos)[1]

    def obj(self, pos: int, path: Path) -> int:
        pos = self.skip(pos)
        while self.text[pos] != "}":
            key, end = json.decoder.scanstring(self.text, pos + 1)  # type: ignore[attr-defined]
            if path + (key,) in self.places:
                self.duplicates.append((key, self.line(pos)))
            self.places.setdefault(path + (key,), {"line": self.line(pos)})
            pos = self.skip(self.value(self.skip(end) + 1, path + (key,)))
            pos = self.skip(pos + 1) if self.text[pos] == "," else pos
        return pos + 1

    def array(self, pos: int, path: Path) -> int:
        pos, i = self.skip(pos), 0
        while self.text[pos] != "]":
            self.places[path + (i,)] = {"line": self.line(pos)}
            pos = self.skip(self.value(pos, path + (i,)))
            pos = self.skip(pos + 1) if self.text[pos] == "," else pos
            i += 1
        return pos + 1


def json_duplicate_keys(text: str) -> list[tuple[str, int]]:
    """Return ``(key, line)`` for every key repeated within one object of valid JSON text.

    Examples
    --------
    >>> json_duplicate_keys('{"a": [{"id": 1},\\n {"id": 2,\\n  "id": 3}]}')
    [('id', 3)]
    """
    walker = _JsonLines(text)
    walker.value(walker.skip(0), ())
    return walker.duplicates


def json_lines(text: str) -> dict[Path, Place]:
    """Return the 1-based line of every key and list item of valid JSON text.

    Examples
    --------
    >>> text = '{"actors": [\\n  {"id": "a",\\n   "kind": "x"}]}'
    >>> places = json_lines(text)
    >>> places[("actors", 0)], places[("actors", 0, "kind")]
    ({'line': 2}, {'line': 3})
    """
    walker = _JsonLines(text)
    start = walker.skip(0)
    walker.places[()] = {"line": walker.line(start)}
    walker.value(start, ())
    return walker.places
