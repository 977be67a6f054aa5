"""The OpenAPI document is valid, covers every route, and the answers match its schemas."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from app.openapi import API_PATHS, openapi_path


@pytest.fixture
def spec(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_document_is_valid_openapi_3_1(spec):
    assert spec["openapi"].startswith("3.1")
    validate(spec)


def test_every_route_of_the_app_is_described(app, spec):
    for rule in app.url_map.iter_rules():
        path = openapi_path(rule.rule)
        assert path in spec["paths"], f"{rule.rule} is not in /openapi.json"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in spec["paths"][path], f"{method} {rule.rule} undocumented"


def test_every_api_endpoint_is_described_by_hand(app):
    api_rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith(("api.", "mapping."))]
    assert api_rules
    for rule in api_rules:
        assert rule.endpoint in API_PATHS, f"{rule.endpoint} needs an entry in API_PATHS"
        path, method, _ = API_PATHS[rule.endpoint]
        assert path == openapi_path(rule.rule) and method.upper() in rule.methods


def test_path_parameters_are_declared(spec):
    for path, operations in spec["paths"].items():
        names = {part[1:-1] for part in path.split("/") if part.startswith("{")}
        for operation in operations.values():
            declared = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
            assert declared == names, path


def test_every_operation_documents_the_error_shape(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            default = operation["responses"]["default"]["content"]["application/json"]
            assert default["schema"] == {"$ref": "#/components/schemas/Error"}, (path, method)


def test_filter_parameters_are_documented(spec):
    graph = spec["paths"]["/api/scenarios/{scenario_id}/graph"]["get"]
    names = {p["name"] for p in graph["parameters"]}
    expected = {"as_of", "confirmed_only", "kinds", "types", "levels", "modes", "confidence",
                "sector", "layer_min", "layer_max", "q", "focus", "depth", "aggregate"}  # fmt: skip
    assert expected <= names


def _check(spec, schema_name, instance):
    schema = {"components": spec["components"], "$ref": f"#/components/schemas/{schema_name}"}
    errors = list(Draft202012Validator(schema).iter_errors(instance))
    assert not errors, [e.message for e in errors]


@pytest.mark.parametrize(
    ("url", "schema"),
    [
        ("/healthz", "Health"),
        ("/api/scenarios", "ScenarioList"),
        ("/api/scenarios/web-tiny", "ScenarioDetail"),
        ("/api/scenarios/web-tiny/graph", "GraphView"),
        ("/api/scenarios/web-tiny/graph?aggregate=1", "GraphView"),
        ("/api/scenarios/web-tiny/actors/city", "ActorDetail"),
        ("/api/scenarios/web-tiny/chain/area", "Chains"),
        ("/api/scenarios/web-tiny/voice-paths", "VoicePaths"),
        ("/api/scenarios/web-tiny/path?from=res&to=min", "Path"),
        ("/api/scenarios/web-tiny/analysis", "Analysis"),
        ("/api/compare?a=web-tiny&b=web-tiny", "Comparison"),
        ("/api/scenarios/nope", "Error"),
    ],
)
def test_answers_match_their_schemas(client, spec, url, schema):
    _check(spec, schema, client.get(url).get_json())


def test_query_answer_and_error_match_their_schemas(client, spec):
    ok = client.post("/api/query", json={"cypher": "MATCH (a:Actor) RETURN a LIMIT 2"})
    _check(spec, "QueryResult", ok.get_json())
    refused = client.post("/api/query", json={"cypher": "MATCH (a) SET a.x = 1"})
    _check(spec, "Error", refused.get_json())


def test_schema_check_catches_a_wrong_answer(spec):
    with pytest.raises(AssertionError):
        _check(spec, "Health", {"ok": True, "store": "sqlite", "scenarios": "1"})
