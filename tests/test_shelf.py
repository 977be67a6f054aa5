"""Reading only the scenarios asked for: a file read before gives its scenarios' headers from
the cache folder, and its facts only when one of its scenarios is asked for; what comes out
equals a fresh reading, and every check a fresh reading makes still holds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import graph.formats.cache
from app.cli import cli
from app.datasource import DataSource, open_data
from graph.datasets import bundled_paths
from graph.errors import ValidationFailed
from graph.formats import load_paths, open_paths
from graph.formats.shelf import Header
from graph.storage.lazy import LazyStore
from tests.foreign_files import florentine_graphml


def fresh_scenarios(paths: list[Path], monkeypatch: pytest.MonkeyPatch) -> dict:
    with monkeypatch.context() as off:
        off.setenv("GOVGRAPH_CACHE_DIR", "off")
        return {s.id: s for s in load_paths(paths)}


def test_a_file_read_before_gives_its_headers_and_reads_facts_only_when_asked(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = open_paths(bundled_paths())
    assert first.files_read() == 3  # nothing in the cache yet: every file read and checked
    shelf = open_paths(bundled_paths())
    assert shelf.files_read() == 0
    expected = fresh_scenarios(bundled_paths(), monkeypatch)
    assert shelf.ids() == list(expected)
    assert shelf.headers() == [Header.of(s) for s in expected.values()]
    assert shelf.scenario("nprz") == expected["nprz"]
    assert shelf.files_read() == 1
    assert shelf.scenarios() == list(expected.values())
    assert shelf.files_read() == 3


def test_the_store_lists_every_scenario_and_reads_only_the_one_shown(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_paths(bundled_paths())  # fills the cache
    store = open_data(DataSource())
    assert isinstance(store, LazyStore)
    with monkeypatch.context() as off:
        off.setenv("GOVGRAPH_CACHE_DIR", "off")
        eager = LazyStore(load_paths(bundled_paths()), lambda: None)  # type: ignore[arg-type,return-value]
    assert store.list_scenarios() == eager.list_scenarios()
    assert sorted(store.graph("nplv-2022").edges(keys=True)) == sorted(
        eager.graph("nplv-2022").edges(keys=True)
    )
    shelf = store._held()
    assert shelf is not None and shelf.files_read() == 1
    assert store.query("MATCH (s:Scenario) RETURN count(s)").rows == [[3]]  # the database: all
    store.close()


def test_a_cache_entry_that_vanishes_before_its_facts_are_read_is_read_afresh(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_paths(bundled_paths())
    shelf = open_paths(bundled_paths())
    shutil.rmtree(cache_dir)
    assert shelf.scenario("nplv-2022") == fresh_scenarios(bundled_paths(), monkeypatch)["nplv-2022"]


def test_a_damaged_cache_entry_is_read_afresh(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_paths(bundled_paths())
    for entry in cache_dir.glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    shelf = open_paths(bundled_paths())
    assert shelf.files_read() == 3
    assert shelf.scenarios() == list(fresh_scenarios(bundled_paths(), monkeypatch).values())


def test_two_cached_files_with_one_scenario_id_are_still_refused(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(graph.formats.cache, "MIN_BYTES", 0)  # keep the copy in the cache too
    nprz = next(p for p in bundled_paths() if p.name == "nprz.yaml")
    copy = tmp_path / "copy.yaml"
    shutil.copy(nprz, copy)
    open_paths([copy])
    open_paths([nprz])
    with pytest.raises(ValidationFailed) as caught:
        open_paths([nprz, copy])
    assert [p.code for p in caught.value.problems] == ["duplicate-scenario"]
    assert caught.value.problems[0].file == str(copy)


def test_a_foreign_file_read_from_the_cache_still_says_it_needs_a_mapping(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(graph.formats.cache, "MIN_BYTES", 0)
    foreign = florentine_graphml(tmp_path).paths[0]
    said = []
    for _ in range(2):
        result = CliRunner().invoke(cli, ["analyze", "--data", str(foreign), "--json"])
        assert result.exit_code == 0, result.output
        said.append([line for line in result.stderr.splitlines() if line.startswith("notice:")])
    assert list(cache_dir.glob("*.pickle")), "the foreign file was kept in the cache"
    assert said[0] and said[0] == said[1]


class _Cyclic:
    def __init__(self) -> None:
        self.me = self


@pytest.mark.parametrize("data", [[], ["--data", "missing.yaml"]], ids=["read", "refused"])
def test_a_command_run_in_process_leaves_the_collector_as_it_found_it(
    cache_dir: Path, data: list[str]
) -> None:
    """A command freezes what it imported while it runs; left frozen, a process that runs
    commands in turn would never collect what was garbage then (unclosed stores kept their
    address space until none was left)."""
    import gc
    import weakref

    garbage = _Cyclic()
    watched = weakref.ref(garbage)
    del garbage
    gc.disable()
    try:
        result = CliRunner().invoke(cli, ["analyze", "--scenario", "nprz", *data, "--json"])
        assert result.exit_code == (2 if data else 0), result.output
        assert gc.get_freeze_count() == 0
        gc.collect()
        assert watched() is None
    finally:
        gc.enable()
