"""Shared fixtures: stores (embedded and a real Neo4j), scenarios, the app and its client.

Neo4j and Chromium tests skip loudly on a laptop that lacks Java or Chromium; under CI
(``CI`` set) a missing part fails the run instead, as the README's test command installs both.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.storage import GraphStore, open_store

IN_CI = bool(os.environ.get("CI"))


# Tests read analyses as they are; the 202-and-poll answer for slow ones is tested on its own
# (tests/test_startup.py), so a loaded test machine does not turn a 200 into a 202.
os.environ.setdefault("GOVGRAPH_PROGRESS_AFTER", "600")


def missing_part(reason: str) -> None:
    """Fail under CI, skip loudly elsewhere."""
    if IN_CI:
        pytest.fail(f"required test dependency missing in CI: {reason}")
    pytest.skip(f"SKIPPED (not in CI): {reason}")


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    """A real Neo4j started by the project's launcher for this test session."""
    uri = os.environ.get("GOVGRAPH_TEST_NEO4J_URI")
    if uri:  # an already running launcher instance (scripts/test.sh starts one)
        yield uri
        return
    try:
        from app import neo4j_server
    except ImportError as exc:  # pragma: no cover - only before the launcher exists
        missing_part(f"Neo4j launcher not importable: {exc}")
    folder = tempfile.mkdtemp(prefix="govgraph-neo4j-test-")
    try:
        info = neo4j_server.start(directory=folder)
    except Exception as exc:  # noqa: BLE001 - any failure to start is reported the same way
        missing_part(f"Neo4j could not start: {exc}")
    try:
        yield info.uri
    finally:
        neo4j_server.stop(directory=folder)


def _clear(store: GraphStore) -> None:
    for scenario_id in store.scenario_ids():
        store.delete(scenario_id)


@pytest.fixture(params=["embedded", "neo4j"])
def store(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """An empty store of each kind; a Neo4j store is emptied again afterwards."""
    if request.param == "embedded":
        s = open_store(None)
    else:
        s = open_store(request.getfixturevalue("neo4j_uri"))
        _clear(s)
    try:
        yield s
    finally:
        if request.param == "neo4j":
            _clear(s)
        s.close()


@pytest.fixture(scope="module")
def browser():
    """A real headless Chromium (scripts/chromium.py), one per test module: a module that
    prints a PDF starts its own Playwright, which may not run beside another."""
    from scripts.chromium import CHROMIUM, launch

    if not os.path.exists(CHROMIUM):
        missing_part(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        try:
            b = launch(p)
        except Exception as exc:  # noqa: BLE001 - any launch failure is reported the same way
            missing_part(f"Chromium did not start: {exc}")
        yield b
        b.close()


WEB_SCENARIO = os.path.join(os.path.dirname(__file__), "data", "web-tiny.yaml")


@pytest.fixture
def app():
    """The web app on an embedded store holding the small ``web-tiny`` scenario."""
    from app import create_app

    return create_app({"TESTING": True, "DATA": [WEB_SCENARIO]})


@pytest.fixture
def client(app):
    """A test client of :func:`app` (it counts as a loopback client)."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A click runner for the app's CLI commands."""
    return app.test_cli_runner()


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scenario and analysis cache folder of the test's own (``GOVGRAPH_CACHE_DIR``)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("GOVGRAPH_CACHE_DIR", str(folder))
    return folder
