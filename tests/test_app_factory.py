"""The application factory: settings order, store attachment, blueprints, headers."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app import SECURITY_HEADERS, create_app, settings
from app.store import CachedStore, close_app, get_store
from graph.errors import StoreUnavailable, ValidationFailed
from graph.formats import load_paths
from graph.storage import open_store

TINY = Path(__file__).parent / "data" / "web-tiny.yaml"
ROOT = Path(__file__).resolve().parent.parent


def test_defaults_apply_without_environment(app):
    assert app.config["QUERY_TIMEOUT"] == 5.0
    assert app.config["QUERY_ROW_LIMIT"] == 1000
    assert app.config["LOOPBACK_ONLY"] is True
    assert app.config["MAX_CONTENT_LENGTH"] == int(app.config["MAX_UPLOAD_MB"] * 1024 * 1024)


def test_environment_then_test_config(monkeypatch):
    monkeypatch.setenv("GOVGRAPH_QUERY_ROW_LIMIT", "7")
    monkeypatch.setenv("GOVGRAPH_QUERY_TIMEOUT", "2.5")
    monkeypatch.setenv("GOVGRAPH_MAX_UPLOAD_MB", "1")
    app = create_app({"TESTING": True, "DATA": [str(TINY)], "QUERY_TIMEOUT": 9.0})
    assert app.config["QUERY_ROW_LIMIT"] == 7  # from the environment
    assert app.config["QUERY_TIMEOUT"] == 9.0  # the test mapping wins
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024


def test_data_paths_come_from_the_environment(monkeypatch, tmp_path):
    second = tmp_path / "second.yaml"
    second.write_text(TINY.read_text().replace("id: web-tiny", "id: second"))
    monkeypatch.setenv("GOVGRAPH_DATA", f"{TINY}{settings.os.pathsep}{second}")
    client = create_app({"TESTING": True}).test_client()
    ids = [s["id"] for s in client.get("/api/scenarios").get_json()["scenarios"]]
    assert ids == ["second", "web-tiny"]


def test_a_bad_environment_value_names_its_variable(monkeypatch):
    monkeypatch.setenv("GOVGRAPH_QUERY_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="GOVGRAPH_QUERY_TIMEOUT"):
        create_app({"TESTING": True, "DATA": [str(TINY)]})


def test_flags_read_from_text():
    assert settings.from_environ({"GOVGRAPH_LOOPBACK_ONLY": "0"}) == {"LOOPBACK_ONLY": False}
    assert settings.from_environ({"GOVGRAPH_LOOPBACK_ONLY": "yes"}) == {"LOOPBACK_ONLY": True}
    assert settings.from_environ({"GOVGRAPH_DB": "  "}) == {}


def test_importing_the_app_connects_nothing():
    code = (
        "import sys, app, app.api, app.store, app.openapi; "
        "print(any(m.startswith(('ladybug', 'neo4j', 'graph.storage.embedded')) "
        "for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_invalid_data_fails_at_boot(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("govgraph: 1\nscenario: {id: bad}\nactors: [{id: a}]\n")
    with pytest.raises(ValidationFailed) as caught:
        create_app({"TESTING": True, "DATA": [str(bad)]})
    assert caught.value.problems


def test_unreachable_neo4j_fails_at_boot():
    with pytest.raises(StoreUnavailable):
        create_app({"TESTING": True, "NEO4J_URI": "bolt://127.0.0.1:9"})


def _app_counting_closes() -> tuple[Any, Any, list[bool]]:
    """An app on an embedded store holding web-tiny, the store, and its list of closes."""
    inner = open_store(None)
    inner.load(load_paths([TINY]))
    closed: list[bool] = []
    original_close = inner.close
    inner.close = lambda: (closed.append(True), original_close())  # type: ignore[method-assign]
    return create_app({"TESTING": True, "STORE": inner}), inner, closed


def test_the_store_lives_in_extensions_and_closes_with_the_app():
    app, inner, closed = _app_counting_closes()
    with app.app_context():
        store = get_store()
        assert isinstance(store, CachedStore) and store.inner is inner
        assert store.scenario_ids() == ["web-tiny"]
    del app, store
    gc.collect()
    assert closed == [True]


def test_close_app_closes_the_store_once_at_once():
    app, _, closed = _app_counting_closes()
    close_app(app)
    assert closed == [True]  # without waiting for the app to be collected
    close_app(app)
    del app
    gc.collect()
    assert closed == [True]  # and never twice


def test_cache_is_invalidated_by_writes(app):
    with app.app_context():
        store = get_store()
        first = store.scenario("web-tiny")
        assert store.scenario("web-tiny") is first  # served from the cache
        store.delete("web-tiny")
        assert store.list_scenarios() == []


def test_security_headers_on_every_response(client):
    for response in (client.get("/healthz"), client.get("/api/nope"), client.get("/openapi.json")):
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value
    policy = SECURITY_HEADERS["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_pages_blueprint_is_registered(app):
    assert "pages" in app.blueprints


def test_settings_table_feeds_the_readme_table():
    table = settings.markdown_table()
    for item in settings.SETTINGS:
        assert f"`{item.env}`" in table
    for name in ("GOVGRAPH_DB", "GOVGRAPH_DATA", "NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD",
                 "NEO4J_DATABASE", "GOVGRAPH_ADMIN_TOKEN", "GOVGRAPH_QUERY_TIMEOUT",
                 "GOVGRAPH_QUERY_ROW_LIMIT", "GOVGRAPH_MAX_UPLOAD_MB"):  # fmt: skip
        assert f"`{name}`" in table
    assert table.count("\n") == len(settings.SETTINGS) + 2


def test_every_setting_has_a_config_default(app):
    for item in settings.SETTINGS:
        assert item.name in app.config
