"""The API fuzzed from its own OpenAPI document: no 5xx, and every answer as documented.

A bounded, deterministic schemathesis run over every operation of ``/openapi.json`` (API,
pages and static files): its examples, its boundary cases (empty, too long, wrong type,
missing) and generated requests, valid and invalid. Every response is checked for server
errors, documented status codes, media types, schemas and headers, and that invalid input is
refused and valid input accepted. Each app is fresh and serves temporary copies of the
bundled scenarios (which the document's examples name) and the small web-tiny one. Writes
run on an app of their own, so a fuzzed DELETE cannot take the data from under the reads,
and an app not bound to loopback must refuse every write, even from a loopback client.
After the run come the findings of the first fuzzing, pinned as plain requests.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from schemathesis.checks import positive_data_acceptance

from app import create_app
from graph.datasets import bundled_paths

TINY = Path(__file__).parent / "data" / "web-tiny.yaml"
#: Generated cases per operation (besides examples and boundary cases): the run stays < 60 s.
EXAMPLES = 8
CONFIG = {
    "seed": 20220704,
    "suppress-health-check": ["all"],
    "generation": {
        "mode": "all",
        "max-examples": EXAMPLES,
        "deterministic": True,
        "database": "none",
        "no-shrink": True,
    },
    "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}},
}
#: Operations that refuse well-formed input for its meaning (a Cypher syntax error, bytes
#: that are no scenario file, a mapping whose result is no valid scenario) with a documented
#: 400: "valid data is accepted" cannot hold.
MEANING_CHECKED = {
    "POST /api/query", "POST /api/scenarios", "POST /api/scenarios/{scenario_id}/mapping",
    "POST /api/scenarios/{scenario_id}/mapping/preview",
    "POST /api/scenarios/{scenario_id}/mapping/download",
}  # fmt: skip


def fresh_app(*paths: Path, **config):
    """A new app serving temporary copies of scenario files (read only while it starts)."""
    with tempfile.TemporaryDirectory(prefix="govgraph-fuzz-") as folder:
        files = [shutil.copy(path, folder) for path in paths]
        return create_app({"TESTING": True, "DATA": files, **config})


def from_loopback(app):
    """The app as a client on this machine reaches it: werkzeug's bare client, which
    schemathesis uses, sends no address, and writes are open only to a loopback one."""

    def wsgi(environ, start_response):
        environ.setdefault("REMOTE_ADDR", "127.0.0.1")
        return app(environ, start_response)

    return wsgi


def fuzzed(app, **only):
    """The app's own OpenAPI document as schemathesis reads it, cut to some operations."""
    config = schemathesis.Config.from_dict(CONFIG)
    schema = schemathesis.openapi.from_wsgi("/openapi.json", from_loopback(app), config=config)
    return schema.include(**only)


def call_and_check(case):
    """Send one case and run every check that applies to its operation."""
    skipped = [positive_data_acceptance] if case.operation.label in MEANING_CHECKED else []
    return case.call_and_validate(excluded_checks=skipped)


# Built while the module is collected: the document names the operations to test.
WRITES = ["POST /api/scenarios", "DELETE /api/scenarios/{scenario_id}"]
# The report routes print PDFs with Chromium (seconds each); tests/test_report.py checks them.
REPORTS = ["GET /scenarios/{scenario_id}/report", "GET /compare/report"]
reads = fuzzed(fresh_app(*bundled_paths(), TINY), method=["GET", "POST"]).exclude(
    name=WRITES + REPORTS
)
writes = fuzzed(fresh_app(TINY), name=WRITES)
remote_writes = fuzzed(fresh_app(TINY, LOOPBACK_ONLY=False), name=WRITES)


@pytest.mark.slow
@reads.parametrize()
def test_reads_answer_as_documented(case):
    call_and_check(case)


@pytest.mark.slow
@writes.parametrize()
def test_writes_answer_as_documented(case):
    call_and_check(case)


@pytest.mark.slow
@remote_writes.parametrize()
def test_writes_off_loopback_are_refused_as_documented(case):
    response = call_and_check(case)
    if case.method in ("POST", "PUT", "PATCH", "DELETE"):  # not the probes OPTIONS, TRACE, ...
        assert response.status_code in (403, 405), response.text


# The findings of the first fuzzing runs.


@pytest.fixture(scope="module")
def tiny():
    return fresh_app(TINY).test_client()


def _error(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    body = json.loads(response.get_data(as_text=True))
    assert body["ok"] is False and body["status"] == status
    return body


@pytest.mark.parametrize(
    "query",
    [
        "as_of=99999999999999999999",  # was a 500 (the year overflowed a C long)
        "as_of=1-2-3-4",  # was read as 0001-02-03
        "as_of=2022-02-30",
        "as_of=0000",
        "as_of=",
        "as_of=%202022",
        "confirmed_only=yes",
        "aggregate=",
        "layer_min=1_0",
        "depth=%D9%A3",  # an Arabic-Indic digit, which int() reads as 3
        "modes=control,%09voice",
    ],
)
def test_parameters_outside_the_document_are_400(tiny, query):
    _error(tiny.get(f"/api/scenarios/web-tiny/graph?{query}"), 400)


@pytest.mark.parametrize(
    "query", ["as_of=2022", "as_of=2022-07", "as_of=2024-02-29", "aggregate=true", "modes=,voice, "]
)
def test_parameters_the_document_allows_are_accepted(tiny, query):
    assert tiny.get(f"/api/scenarios/web-tiny/graph?{query}").status_code == 200


def test_query_params_must_be_an_object_or_null(tiny):
    for params in ([], 0, "x", [["id", "min"]]):
        _error(tiny.post("/api/query", json={"cypher": "RETURN 1 AS x", "params": params}), 400)
    ok = tiny.post("/api/query", json={"cypher": "RETURN 1 AS x", "params": None})
    assert ok.status_code == 200 and ok.get_json()["rows"] == [[1]]


def test_query_answer_with_infinity_is_strict_json(tiny):
    response = tiny.post("/api/query", json={"cypher": "RETURN 1e400 AS big, -1e400 AS small"})
    assert response.status_code == 200

    def refuse(token):
        raise AssertionError(f"{token} is not JSON")

    body = json.loads(response.get_data(as_text=True), parse_constant=refuse)
    assert body["rows"] == [["Infinity", "-Infinity"]]


LONE = '{"govgraph": 1, "scenario": {"id": "lone", "title": "T", "description": "\\udc00"}, '
LONE += '"actors": [{"id": "a", "name": "A", "kind": "ministry", "tags": ["\\ud800"]}], '
LONE += '"relations": []}'


def test_upload_with_lone_surrogates_is_a_located_400_and_loads_nothing():
    client = fresh_app(TINY).test_client()  # the embedded store crashed the process on these
    body = _error(client.post("/api/scenarios?filename=lone.json", data=LONE.encode()), 400)
    assert len(body["errors"]) == 2 and all(p.get("line") for p in body["errors"])
    assert {p["code"] for p in body["errors"]} == {"bad-text"}
    assert client.get("/healthz").get_json()["scenarios"] == 1


def test_error_quoting_a_lone_surrogate_can_be_sent(tiny):
    bad_kind = LONE.replace('"ministry"', '"x\\ud800"').encode()
    body = _error(tiny.post("/api/scenarios?filename=k.json", data=bad_kind), 400)
    assert "x\ufffd" in json.dumps(body, ensure_ascii=False)  # was an HTML 500
    query = tiny.post(
        "/api/query", data=b'{"cypher": "RETURN \'\\ud800\'"}', content_type="application/json"
    )
    assert "lone surrogate" in _error(query, 400)["error"]["message"]


@pytest.mark.parametrize("header", [{"Origin": "http://[::1"}, {"Host": "[::1"}])
def test_write_with_an_unparsable_header_is_refused(tiny, header):
    upload = {"file": (io.BytesIO(TINY.read_bytes()), "web-tiny.yaml")}
    _error(tiny.post("/api/scenarios?replace=1", data=upload, headers=header), 403)
