"""The fast path of validation builds exactly what the full checks build, or defers to them."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.datasets import bundled_paths
from graph.errors import ValidationFailed
from graph.formats import read_path
from graph.formats.yamljson import read_json
from graph.validation import validate_document
from graph.validation_fast import fast_scenario

DATA = Path(__file__).parent / "data"
SCRIPTS = Path(__file__).parents[1] / "scripts"


def _documents() -> list[Path]:
    return [*bundled_paths(), *sorted(p for p in DATA.glob("*.yaml") if "syntax" not in p.name)]


@pytest.mark.parametrize("path", _documents(), ids=lambda p: p.name)
def test_fast_path_builds_what_the_full_checks_build(path: Path) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        full = validate_document(doc, fast=False)
    except ValidationFailed:
        assert fast_scenario(doc) is None
        return
    quick = fast_scenario(doc)
    assert quick is not None, "a plainly written valid file should take the fast path"
    assert quick == full and [hash(r) for r in quick.relations] == [hash(r) for r in full.relations]


def test_fast_path_takes_a_large_synthetic_file(tmp_path: Path) -> None:
    sys.path.insert(0, str(SCRIPTS))
    from bench_import import synthetic

    scenario = synthetic(300, 3000, seed=3)
    doc = scenario.to_dict()
    assert fast_scenario(copy.deepcopy(doc)) == scenario
    path = tmp_path / "big.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert read_path(path) == [scenario]


def test_a_repeated_json_key_is_still_reported() -> None:
    text = (
        '{"govgraph": 1, "scenario": {"id": "s", "title": "S"},\n'
        ' "actors": [{"id": "a", "name": "A", "kind": "ministry",\n  "kind": "ministry"}]}'
    )
    with pytest.raises(ValidationFailed) as caught:
        read_json(text, "x.json")
    assert [(p.code, p.line) for p in caught.value.problems] == [("duplicate-key", 3)]


# Values that are awkward for one or another field: each should either take the fast path
# with the same result as the full checks, or be left to the full checks.
AWKWARD = st.sampled_from(
    [None, "", "  ", " x", "x ", "a", "b", "A", "2022", "2022-13", "2022-02-30", "2021-05",
     2022, 0, 1, 0.5, 1.5, -1, True, False, float("nan"), 1e400, 10**400, [], ["a"], ["a", ""],
     [" a"], ["\ud800"], "\ud800", {"x": 1}, "ministry", "minstry", "STEERS", "steers",
     "confirmed", "inferred", "national", "src", "nope", "x:STEERS:y", "Bad Id", "true"]
)  # fmt: skip
ACTOR_KEYS = ["id", "name", "kind", "level", "sector", "sources", "tags", "since", "until",
              "confidence", "note", "label"]  # fmt: skip
RELATION_KEYS = ["id", "from", "to", "type", "weight", "formal", "amount_eur", "since",
                 "until", "sources", "confidence", "tags", "note", "target"]  # fmt: skip


def _base() -> dict:
    return {
        "govgraph": 1,
        "scenario": {"id": "s", "title": "S"},
        "sources": [{"id": "src"}],
        "actors": [
            {"id": "a", "name": "A", "kind": "ministry"},
            {"id": "b", "name": "B", "kind": "municipality", "since": "2021"},
        ],
        "relations": [{"from": "a", "to": "b", "type": "STEERS"}],
    }


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    changes=st.lists(
        st.tuples(
            st.sampled_from(["actors", "relations"]),
            st.integers(0, 2),
            st.sampled_from(sorted(set(ACTOR_KEYS + RELATION_KEYS))),
            AWKWARD,
        ),
        max_size=4,
    )
)
def test_fast_path_agrees_with_the_full_checks(changes: list) -> None:
    doc = _base()
    for section, index, key, value in changes:
        items = doc[section]
        if index >= len(items):
            items.append(dict(items[-1]))
            index = len(items) - 1
        items[index][key] = copy.deepcopy(value)
    quick = fast_scenario(copy.deepcopy(doc))
    try:
        full = validate_document(copy.deepcopy(doc), fast=False)
    except ValidationFailed:
        assert quick is None
        return
    assert quick is None or quick == full


def _imported(module: str) -> set[str]:
    """Every module ``module``'s source imports, at the top or inside a function."""
    import ast
    import importlib.util

    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_validators_share_their_checks_without_an_import_circle() -> None:
    assert "graph.validation_rules" in _imported("graph.validation")
    assert "graph.validation_fast" in _imported("graph.validation")
    assert "graph.validation_rules" in _imported("graph.validation_fast")
    for module in ("graph.validation_fast", "graph.validation_rules"):
        assert "graph.validation" not in _imported(module)
    assert not {"graph.validation", "graph.validation_fast"} & _imported("graph.validation_rules")
