"""A scenario the validator built is not checked again by the store before writing (that
check took most of a second at a million relations); one built or changed in code is."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from graph.datasets import bundled_paths
from graph.errors import GraphError
from graph.formats import load_paths
from graph.model import Relation, is_consistent
from graph.storage import integrity
from graph.storage.embedded import EmbeddedStore

DATA = Path(__file__).parent / "data"
FILES = [*bundled_paths(), DATA / "sample.yaml", DATA / "web-tiny.yaml", DATA / "sample-csv"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_what_the_validator_builds_holds_together_as_the_store_checks_it(
    path: Path, cache_dir: Path
) -> None:
    for reading in ("first", "from the cache"):
        for scenario in load_paths([path]):
            assert is_consistent(scenario), reading
            integrity._check_scenario(scenario)  # the store's own check finds nothing


def test_a_validated_scenario_is_written_without_the_store_checking_it_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked: list[str] = []
    monkeypatch.setattr(integrity, "_check_scenario", lambda s: checked.append(s.id))
    scenario = load_paths([DATA / "web-tiny.yaml"])[0]
    store = EmbeddedStore()
    try:
        store.load([scenario])
        assert checked == []
        store.load([replace(scenario, relations=scenario.relations[:-1])])
        assert checked == [scenario.id]  # changed in code: checked
    finally:
        store.close()


def test_a_scenario_changed_in_code_is_still_refused_when_it_does_not_hold_together() -> None:
    scenario = load_paths([DATA / "web-tiny.yaml"])[0]
    first = scenario.relations[0]
    broken = replace(
        scenario, relations=(*scenario.relations, replace(first, id="x", target="nobody"))
    )
    assert isinstance(broken.relations[-1], Relation) and not is_consistent(broken)
    store = EmbeddedStore()
    try:
        with pytest.raises(GraphError, match="unknown actor 'nobody'"):
            store.load([broken])
        assert store.list_scenarios() == []
    finally:
        store.close()
