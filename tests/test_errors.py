"""Every error has the one shape: JSON for the API, an HTML page for a browser, no traceback."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from app import create_app
from app.errors import BadRequest, Conflict, Forbidden, Unauthorized, status_of
from graph import errors as ge
from graph.formats import load_paths
from graph.storage import GraphStore, open_store

TINY = Path(__file__).parent / "data" / "web-tiny.yaml"


def assert_error_shape(response, status: int, code: str | None = None) -> dict[str, Any]:
    """Check the one error shape of DESIGN section 7 and return the body."""
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"ok", "status", "error", "errors"}
    assert body["ok"] is False and body["status"] == status
    assert set(body["error"]) == {"code", "message", "hint"}
    assert all(isinstance(body["error"][k], str) for k in ("code", "message", "hint"))
    assert isinstance(body["errors"], list)
    if code is not None:
        assert body["error"]["code"] == code
    assert "Traceback" not in response.get_data(as_text=True)
    return body


class SwitchableStore(GraphStore):
    """A real embedded store that can be switched off, as a Neo4j server can go away."""

    def __init__(self, inner: GraphStore) -> None:
        self.inner, self.kind, self.down = inner, inner.kind, False

    def _check(self) -> None:
        if self.down:
            raise ge.StoreUnavailable("the store stopped answering")

    def list_scenarios(self):
        self._check()
        return self.inner.list_scenarios()

    def load(self, scenarios: Sequence, *, progress=None) -> None:
        self._check()
        self.inner.load(scenarios, progress=progress)

    def scenario(self, scenario_id: str):
        self._check()
        return self.inner.scenario(scenario_id)

    def delete(self, scenario_id: str) -> None:
        self._check()
        self.inner.delete(scenario_id)

    def query(self, cypher: str, params: Mapping | None = None, **limits: Any):
        self._check()
        return self.inner.query(cypher, params, **limits)

    def ping(self) -> None:
        self._check()
        self.inner.ping()

    def close(self) -> None:
        self.inner.close()


@pytest.fixture
def switchable():
    inner = open_store(None)
    inner.load(load_paths([TINY]))
    return SwitchableStore(inner)


def test_unknown_api_path_is_json_404(client):
    assert_error_shape(client.get("/api/no-such-thing"), 404, "not-found")


def test_unknown_scenario_and_actor_are_json_404(client):
    body = assert_error_shape(client.get("/api/scenarios/nope/graph"), 404, "not-found")
    assert "nope" in body["error"]["message"]
    assert_error_shape(client.get("/api/scenarios/web-tiny/actors/nobody"), 404, "not-found")
    assert_error_shape(client.get("/api/scenarios/web-tiny/graph?focus=nobody"), 404)
    assert_error_shape(client.get("/api/compare?a=web-tiny&b=nope"), 404)


def test_wrong_method_is_json_405_with_allow(client):
    response = client.post("/healthz")
    assert_error_shape(response, 405, "method-not-allowed")
    assert "GET" in response.headers["Allow"]
    assert_error_shape(client.put("/api/scenarios"), 405)


@pytest.mark.parametrize(
    "url",
    [
        "/api/scenarios/web-tiny/graph?as_of=yesterday",
        "/api/scenarios/web-tiny/graph?confirmed_only=maybe",
        "/api/scenarios/web-tiny/graph?layer_min=two",
        "/api/scenarios/web-tiny/graph?depth=99",
        "/api/scenarios/web-tiny/graph?confidence=certain",
        "/api/scenarios/web-tiny/path?from=min",
        "/api/scenarios/web-tiny/export?format=pdf",
        "/api/compare?a=web-tiny",
    ],
)
def test_bad_parameters_are_json_400(client, url):
    body = assert_error_shape(client.get(url), 400, "bad-request")
    assert body["error"]["message"]


def test_malformed_json_body_is_400(client):
    response = client.post("/api/query", data="{not json", content_type="application/json")
    assert_error_shape(response, 400, "bad-request")


def test_too_large_upload_is_json_413():
    app = create_app({"TESTING": True, "DATA": [str(TINY)], "MAX_UPLOAD_MB": 0.001})
    client = app.test_client()
    big = {"file": (io.BytesIO(b"#" * 5000), "big.yaml")}
    assert_error_shape(client.post("/api/scenarios", data=big), 413, "too-large")
    raw = client.post("/api/scenarios?filename=big.yaml", data=b"#" * 5000)
    assert_error_shape(raw, 413, "too-large")
    assert client.get("/healthz").get_json()["scenarios"] == 1


def test_conflict_is_409(client):
    data = {"file": (io.BytesIO(TINY.read_bytes()), "web-tiny.yaml")}
    assert_error_shape(client.post("/api/scenarios", data=data), 409, "scenario-exists")


def test_store_unavailable_is_503(switchable):
    client = create_app({"TESTING": True, "STORE": switchable}).test_client()
    assert client.get("/healthz").status_code == 200
    switchable.down = True
    client.application.extensions["govgraph.store"].invalidate()
    body = assert_error_shape(client.get("/healthz"), 503, "store-unavailable")
    assert "NEO4J_URI" in body["error"]["hint"]
    assert_error_shape(client.get("/api/scenarios"), 503, "store-unavailable")
    query = client.post("/api/query", json={"cypher": "MATCH (a:Actor) RETURN a.id"})
    assert_error_shape(query, 503, "store-unavailable")


def test_store_down_at_boot_fails_the_boot(switchable):
    switchable.down = True
    with pytest.raises(ge.StoreUnavailable):
        create_app({"TESTING": True, "STORE": switchable})


def test_query_timeout_is_504():
    app = create_app({"TESTING": True, "DATA": [str(TINY)], "QUERY_TIMEOUT": 0.2})
    # Streams rows rather than building a huge list, so it stays small in memory.
    cypher = "UNWIND range(1, 30000) AS x UNWIND range(1, 30000) AS y WITH x * y AS z "
    slow = {"cypher": cypher + "WHERE z % 7 = 3 RETURN sum(z)"}
    body = assert_error_shape(app.test_client().post("/api/query", json=slow), 504)
    assert body["error"]["code"] == "query-timeout"


def test_unexpected_failure_is_500_without_details():
    app = create_app({"TESTING": True, "DATA": [str(TINY)]})

    @app.get("/api/explode")
    def explode():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/api/explode")
    assert_error_shape(response, 500, "internal-error")
    assert "secret internal detail" not in response.get_data(as_text=True)


def test_browser_gets_an_html_error_page(client):
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404 and response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert "404" in text and "Traceback" not in text


def test_html_error_page_escapes_the_message(client):
    response = client.get("/api/x", headers={"Accept": "text/html"})
    assert response.mimetype == "application/json"  # /api/ is always JSON
    page = client.get("/<script>alert(1)</script>", headers={"Accept": "text/html"})
    assert "<script>alert(1)</script>" not in page.get_data(as_text=True)


def test_json_is_chosen_by_suffix_or_accept(client):
    assert_error_shape(client.get("/nothing.json"), 404)
    assert_error_shape(client.get("/nothing", headers={"Accept": "application/json"}), 404)


def test_errors_carry_security_headers(client):
    response = client.get("/api/nope")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (ge.NotFound("x"), 404),
        (ge.ValidationFailed([]), 400),
        (ge.QueryRejected("x"), 400),
        (ge.UnsupportedQuery("x"), 400),
        (BadRequest("x"), 400),
        (Unauthorized("x"), 401),
        (Forbidden("x"), 403),
        (Conflict("x"), 409),
        (ge.QueryTimeout("x"), 504),
        (ge.StoreUnavailable("x"), 503),
        (ge.GraphError("x"), 500),
    ],
)
def test_status_of_each_error(error, status):
    assert status_of(error) == status
