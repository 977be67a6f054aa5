"""A Neo4j outage is answered with a JSON 503 at once, and the app recovers without a restart.

Uses the project's real launcher: start Neo4j, stop it under a running app, ask, start it
again on the same port, ask again.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from test_neo4j_server import _free_port, _needs_launcher

from app import create_app, neo4j_server
from graph.storage import open_store
from graph.storage.neo4j import DOWN_MEMO_S

pytestmark = pytest.mark.neo4j

QUERY = {"cypher": "RETURN 1 AS one"}


def test_outage_is_a_quick_503_and_recovery_needs_no_restart(tmp_path: Path) -> None:
    _needs_launcher()
    port = _free_port()
    info = neo4j_server.start(port=port, directory=tmp_path)
    try:
        config = {"TESTING": True, "STORE": open_store(info.uri), "QUERY_TIMEOUT": 120}
        client = create_app(config).test_client()  # a cold Neo4j on a busy machine is slow
        answer = client.post("/api/query", json=QUERY).get_json()
        assert answer.get("rows") == [[1]], answer
        neo4j_server.stop(directory=tmp_path)

        started = time.monotonic()
        first = client.post("/api/query", json=QUERY)
        waited = time.monotonic() - started
        assert first.status_code == 503 and first.is_json
        assert first.get_json()["error"]["code"] == "store-unavailable"
        assert waited < 30  # bounded by the driver's timeouts, not by the OS's TCP timeout

        # Within the memo the answer comes without trying Neo4j: no network wait at all.
        started = time.monotonic()
        again = client.post("/api/query", json=QUERY)
        assert again.status_code == 503 and again.get_json()["ok"] is False
        assert time.monotonic() - started < DOWN_MEMO_S

        _start_again(port, tmp_path)
        deadline = time.monotonic() + 120
        while client.post("/api/query", json=QUERY).status_code != 200:
            assert time.monotonic() < deadline, "the app did not recover after Neo4j came back"
            time.sleep(0.5)
        assert client.get("/healthz").status_code == 200
    finally:
        neo4j_server.stop(directory=tmp_path)


def _start_again(port: int, folder: Path) -> None:
    """Start Neo4j on the same port once the stopped one has let go of it."""
    deadline = time.monotonic() + 120
    while True:
        try:
            neo4j_server.start(port=port, directory=folder)
            return
        except neo4j_server.LauncherError:
            assert time.monotonic() < deadline, "the port never became free again"
            time.sleep(1)
