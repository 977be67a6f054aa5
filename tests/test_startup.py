"""Start-up: scenario files read once (a cache keyed by content) and a database opened only
when a query or a write needs it; the view cache: single-flight, bounded by bytes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.datasource import DataSource, open_data
from app.store import CachedStore
from graph.datasets import bundled_paths
from graph.errors import NotFound, ValidationFailed
from graph.formats import cache as scenario_cache
from graph.formats import load_paths, read_path
from graph.storage.embedded import EmbeddedStore
from graph.storage.lazy import LazyStore

DATA = Path(__file__).parent / "data"


def test_bundled_scenarios_are_read_once_then_come_from_the_cache(cache_dir: Path) -> None:
    first = load_paths(bundled_paths())
    entries = sorted(cache_dir.glob("*.pickle"))
    assert len(entries) == len(bundled_paths())
    assert load_paths(bundled_paths()) == first
    assert sorted(cache_dir.glob("*.pickle")) == entries


def test_a_changed_file_is_read_afresh_never_stale(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scenario_cache, "MIN_BYTES", 0)
    path = tmp_path / "s.yaml"
    text = (DATA / "web-tiny.yaml").read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    before = read_path(path)[0]
    path.write_text(text.replace("title: ", "title: Changed ", 1), encoding="utf-8")
    after = read_path(path)[0]
    assert after.info.title.startswith("Changed") and not before.info.title.startswith("Changed")
    assert len(list(cache_dir.glob("*.pickle"))) == 2


def test_an_invalid_file_is_never_cached(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scenario_cache, "MIN_BYTES", 0)
    for _ in range(2):
        with pytest.raises(ValidationFailed):
            read_path(DATA / "three-problems.yaml")
    assert not list(cache_dir.glob("*.pickle"))


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVGRAPH_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert load_paths(bundled_paths())
    assert not list(tmp_path.rglob("*.pickle"))


def test_an_unwritable_cache_folder_only_costs_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("GOVGRAPH_CACHE_DIR", str(blocker / "cache"))
    assert [s.id for s in load_paths(bundled_paths())] == [
        "nplv-2022",
        "nprz",
        "wijkaanpak-manifest",
    ]


def test_in_memory_data_is_served_without_opening_the_database() -> None:
    store = open_data(DataSource())
    try:
        assert isinstance(store, LazyStore)
        ids = [s.id for s in store.list_scenarios()]
        assert ids == ["nplv-2022", "nprz", "wijkaanpak-manifest"]
        assert store.graph("nprz").number_of_nodes() > 0
        assert not store.is_open
    finally:
        store.close()


def test_the_lazy_store_answers_as_the_embedded_store_does() -> None:
    scenarios = load_paths(bundled_paths())
    lazy, embedded = LazyStore(scenarios, EmbeddedStore), EmbeddedStore()
    embedded.load(scenarios)
    try:
        assert lazy.list_scenarios() == embedded.list_scenarios()
        assert lazy.scenario("nplv-2022") == embedded.scenario("nplv-2022")
        with pytest.raises(NotFound) as lazy_missing:
            lazy.scenario("nope")
        with pytest.raises(NotFound) as embedded_missing:
            embedded.scenario("nope")
        assert str(lazy_missing.value) == str(embedded_missing.value)
        cypher = "MATCH (a:Actor {scenario: 'nprz'})-[r]->(b:Actor) RETURN count(r)"
        assert lazy.query(cypher).rows == embedded.query(cypher).rows
        assert lazy.is_open
        assert lazy.list_scenarios() == embedded.list_scenarios()
        lazy.delete("nprz")
        assert "nprz" not in lazy.scenario_ids()
    finally:
        lazy.close()
        embedded.close()


# The view cache: one computation per key, bounded by bytes, expired values freed.


def _cached_store(**limits: float) -> CachedStore:
    return CachedStore(LazyStore([], EmbeddedStore), **limits)  # type: ignore[arg-type]


def test_concurrent_requests_for_one_view_share_one_computation() -> None:
    store = _cached_store()
    calls, release = [], threading.Event()

    def compute() -> bytes:
        calls.append(1)
        release.wait(10)
        return b"answer"

    with ThreadPoolExecutor(4) as pool:
        answers = [pool.submit(store.cached, ("analysis", "x"), compute) for _ in range(4)]
        while not calls:
            time.sleep(0.01)
        time.sleep(0.1)  # the other three are waiting by now, not computing
        release.set()
        assert [a.result() for a in answers] == [b"answer"] * 4
    assert len(calls) == 1


def test_a_failed_computation_is_reported_to_every_waiting_request() -> None:
    store = _cached_store()

    def compute() -> bytes:
        raise NotFound("gone")

    for _ in range(2):
        with pytest.raises(NotFound):
            store.cached(("x",), compute)


def test_the_view_cache_never_holds_more_than_its_byte_limit() -> None:
    store = _cached_store(max_bytes=100_000)
    for i in range(20):
        store.cached(("view", i), lambda: b"x" * 30_000)
        assert store.cached_bytes <= 100_000
    assert store.peek(("view", 19)) is not None and store.peek(("view", 0)) is None
    store.cached(("huge",), lambda: b"x" * 200_000)
    assert store.peek(("huge",)) is None and store.cached_bytes <= 100_000


def test_expired_views_free_their_memory() -> None:
    store = _cached_store(ttl=0.05)
    store.cached(("old",), lambda: b"x" * 50_000)
    assert store.cached_bytes >= 50_000
    time.sleep(0.1)
    store.cached(("new",), lambda: b"y")
    assert store.cached_bytes < 1_000


def test_a_graph_dropped_from_the_cache_is_freed_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A networkx graph refers to itself: dropped, it is garbage only a full collection frees,
    rare on a large heap (here, none run automatically)."""
    import gc
    import weakref

    import networkx as nx

    from app import store as store_module

    monkeypatch.setattr(store_module, "RELEASE_BYTES", 1)
    store = _cached_store(max_bytes=10**9, entries=1)
    G = nx.MultiDiGraph([("a", "b")])
    assert G.edges  # a view that refers back to the graph
    dropped = weakref.ref(G)
    store.cached(("base", 1), [G].pop)
    del G
    gc.disable()
    try:
        store.cached(("base", 2), lambda: nx.MultiDiGraph([("c", "d")]))
        assert dropped() is None
    finally:
        gc.enable()


def test_a_dropped_view_and_its_graph_are_freed_without_a_full_collection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A full collection holds every request for most of a second on a large heap: a
    dropped base view's graph is freed by breaking its cycles instead."""
    import gc
    import weakref

    from app import graphview as views
    from app import store as store_module
    from graph.network import to_networkx

    monkeypatch.setattr(store_module, "RELEASE_BYTES", 1)
    store = _cached_store(max_bytes=10**9, entries=1)
    base = views.layered(to_networkx(load_paths(bundled_paths())[0]))
    assert base.G.edges and base.G.nodes and base.G.adj  # its views refer back to it
    dropped = weakref.ref(base.G), weakref.ref(base)
    store.cached(("base", 1), [base].pop)
    del base
    collections: list[int] = []

    def record(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.disable()
    gc.callbacks.append(record)
    try:
        store.cached(("base", 2), lambda: b"another view")
        assert [ref() for ref in dropped] == [None, None]
        assert 2 not in collections
    finally:
        gc.callbacks.remove(record)
        gc.enable()


def test_the_graph_answer_is_cached_once_as_its_json_body() -> None:
    from app import create_app
    from app.store import get_store

    app = create_app({"TESTING": True, "DATA": [str(DATA / "web-tiny.yaml")]})
    assert app.test_client().get("/api/scenarios/web-tiny/graph").status_code == 200
    with app.app_context():
        kinds = [key[0] for key in get_store()._cache]
    assert "json" in kinds and "graph" not in kinds


def test_a_slow_analysis_answers_202_then_the_result_computed_once() -> None:
    from app import create_app

    app = create_app({"TESTING": True, "DATA": [str(DATA / "web-tiny.yaml")], "PROGRESS_AFTER": 0})
    client = app.test_client()
    first = client.get("/api/scenarios/web-tiny/analysis?confirmed_only=true")
    assert first.status_code == 202 and first.json["status"] == "computing"
    assert first.headers["Location"] == first.json["poll"]
    answer = first
    for _ in range(600):
        answer = client.get(first.json["poll"])
        if answer.status_code != 202:
            break
        time.sleep(0.1)
    assert answer.status_code == 200
    app.config["PROGRESS_AFTER"] = 600
    waited = client.get("/api/scenarios/web-tiny/analysis?confirmed_only=true")
    assert waited.json == answer.json and answer.json["counts"]["actors"] > 0


def test_an_analysis_computed_in_a_child_process_equals_one_computed_in_process() -> None:
    from app.child import in_child
    from graph.analysis.report import analyze
    from graph.network import to_networkx

    G = to_networkx(load_paths(bundled_paths())[0])
    assert in_child(analyze, G) == analyze(G)
    with pytest.raises(NotFound):
        in_child(_not_found)


def _not_found() -> None:
    raise NotFound("no such actor")


# What the server itself does while a child computes: as little as possible.


def test_the_heap_is_frozen_while_a_child_computes_and_thawed_after() -> None:
    import gc
    import os

    from app.child import frozen_children, in_child

    go_on_r, go_on_w = os.pipe()
    answers: list[int] = []
    worker = threading.Thread(target=lambda: answers.append(in_child(_frozen_after, go_on_r)))
    worker.start()
    try:
        deadline = time.monotonic() + 120
        while frozen_children() == 0:
            assert time.monotonic() < deadline, "the child never started"
            time.sleep(0.01)
        # The parent's collector leaves the inherited objects alone while the child lives.
        assert gc.get_freeze_count() > 0
    finally:
        os.write(go_on_w, b"x")
        worker.join(120)
        os.close(go_on_r)
        os.close(go_on_w)
    assert answers and answers[0] > 0  # nor does the child's collector walk them
    assert frozen_children() == 0 and gc.get_freeze_count() == 0


def _while_a_child_is_frozen(during: Callable[[], object]) -> list[int]:
    """Run ``during`` while a child computes with the heap frozen (the collector off, so
    only explicit collections run); return the generations of the collections made from
    then until the child has ended and the heap is thawed."""
    import gc
    import os

    from app.child import frozen_children, in_child

    collected: list[int] = []

    def record(phase: str, info: dict) -> None:
        if phase == "start":
            collected.append(info["generation"])

    go_on_r, go_on_w = os.pipe()
    worker = threading.Thread(target=in_child, args=(_frozen_after, go_on_r))
    gc.disable()
    try:
        worker.start()
        deadline = time.monotonic() + 120
        while frozen_children() == 0:
            assert time.monotonic() < deadline, "the child never started"
            time.sleep(0.01)
        try:
            during()
        finally:
            gc.callbacks.append(record)
            os.write(go_on_w, b"x")  # the child ends whatever happened
            worker.join(120)
        assert frozen_children() == 0
    finally:
        if record in gc.callbacks:
            gc.callbacks.remove(record)
        gc.enable()
        os.close(go_on_r)
        os.close(go_on_w)
    return collected


def test_what_the_cache_dropped_while_the_heap_was_frozen_is_freed_when_the_child_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Frozen objects are not collected, and once thawed they wait for a full collection."""
    import weakref

    from app import store as store_module

    monkeypatch.setattr(store_module, "RELEASE_BYTES", 1)
    store = _cached_store(max_bytes=10**9, entries=1)
    value = _Cyclic()  # freed only by the collector
    dropped = weakref.ref(value)
    store.cached(("view", 1), [value].pop)
    del value

    def drop() -> None:  # garbage now, in the frozen heap
        store.cached(("view", 2), lambda: b"another view")
        assert dropped() is not None

    assert 2 in _while_a_child_is_frozen(drop)
    assert dropped() is None


def test_a_child_that_ends_with_nothing_dropped_makes_no_full_collection() -> None:
    """A full collection of a large heap is a pause of the whole server: only worth it when
    something large waits to be freed."""
    assert 2 not in _while_a_child_is_frozen(lambda: None)


class _Cyclic:
    """A value that refers to itself, other than a graph (whose cycles the cache breaks)."""

    def __init__(self) -> None:
        self.me = self


def _frozen_after(go_on: int) -> int:
    import gc
    import os

    os.read(go_on, 1)
    return gc.get_freeze_count()


def test_a_child_computes_at_a_lower_priority_than_the_server() -> None:
    import os

    from app.child import CHILD_NICENESS, in_child

    assert in_child(os.nice, 0) == min(19, os.nice(0) + CHILD_NICENESS)


def test_the_server_neither_filters_nor_encodes_an_analysis_itself() -> None:
    """The child filters the scenario, analyses and encodes with the app's encoder; the
    result equals the analysis of the filtered graph computed here."""
    from app import create_app
    from app import graphview as views
    from app.store import get_store

    app = create_app({"TESTING": True})
    as_of = "2023-01-01"
    with app.app_context():
        store = get_store()
        filters = views.Filters(as_of)
        body = app.test_client().get(f"/api/scenarios/nplv-2022/analysis?as_of={as_of}")
        assert body.status_code == 200
        assert store.peek(("base", "nplv-2022", filters)) is None  # not built by the server
        result = views.analysis_result(store, "nplv-2022", filters)
        assert body.get_data() == result.json == (app.json.dumps(result.value) + "\n").encode()
        confirmed_only = views.Filters(as_of, confirmed_only=True)
        G = store.graph("nplv-2022", as_of=as_of)
        Gc = store.graph("nplv-2022", as_of=as_of, confirmed_only=True)
        confirmed = views._analysis(Gc, "nplv-2022", None, confirmed_only)
        assert result.value == views._analysis(G, "nplv-2022", confirmed, filters)
        assert views.analysis_json(store, "nplv-2022", confirmed_only) == confirmed
