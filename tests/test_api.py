"""The JSON API: every endpoint by keys and types, uploads, writes and their guards."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree

from app import create_app
from graph.formats import read_bytes, read_path, write_scenario
from graph.layout import ROW
from graph.storage import open_store

DATA = Path(__file__).parent / "data"
TINY = DATA / "web-tiny.yaml"
ALL_IDS = {"min", "office", "city", "area", "youth", "res", "doc", "prof"}
READ_URLS = (
    "/api/scenarios",
    "/api/scenarios/web-tiny/graph?aggregate=1",
    "/healthz",
    "/api/scenarios/web-tiny/analysis",
    "/api/compare?a=web-tiny&b=web-tiny",
)
HOSTILE_NAME = "Residents <script>alert('x')</script> \u202e & \"quotes\" {{ 7*7 }}"


@pytest.fixture(scope="module")
def ro_client():
    """A client for read-only tests, shared by the module (reads never change the store)."""
    return create_app({"TESTING": True, "DATA": [str(TINY)]}).test_client()


def _json(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def _doc(**changes):
    doc = yaml.safe_load(TINY.read_text())
    doc["scenario"].update(changes)
    return doc


def _yaml_file(doc, name="upload.yaml"):
    return {"file": (io.BytesIO(yaml.safe_dump(doc).encode()), name)}


# Reading.


def test_healthz(ro_client):
    body = _json(ro_client.get("/healthz"))
    assert body == {"ok": True, "store": "embedded", "scenarios": 1}


def test_scenario_list(ro_client):
    (item,) = _json(ro_client.get("/api/scenarios"))["scenarios"]
    assert item["id"] == "web-tiny" and item["actors"] == 8 and item["relations"] == 8
    assert item["links"]["explorer"] == "/scenarios/web-tiny"
    assert item["links"]["graph"] == "/api/scenarios/web-tiny/graph"
    assert isinstance(item["date"], str)


def test_scenario_detail(ro_client):
    body = _json(ro_client.get("/api/scenarios/web-tiny"))
    assert body["scenario"]["id"] == "web-tiny"
    assert body["sources"][0]["id"] == "src-1"
    assert body["counts"]["actors"] == 8 and body["counts"]["types"]["STEERS"] == 2
    assert isinstance(body["vocabulary"], dict)


def test_graph_nodes_edges_and_layers(ro_client):
    body = _json(ro_client.get("/api/scenarios/web-tiny/graph"))
    nodes = {n["id"]: n for n in body["nodes"]}
    assert set(nodes) == ALL_IDS
    chain = ("min", "office", "city", "area", "youth")
    assert [nodes[n]["layer"] for n in chain] == [0, 1, 2, 3, 4]
    assert {n for n, d in nodes.items() if d["isolated"]} == {"res", "doc", "prof"}
    for node in nodes.values():
        assert isinstance(node["x"], float) and isinstance(node["y"], float)
        assert isinstance(node["sector"], list) and isinstance(node["accountability_load"], int)
        assert node["label"] == node["name"]
        if not node["isolated"]:
            assert node["y"] == node["layer"] * ROW
        else:
            assert node["y"] > 4 * ROW
    # The city reports to the office and is funded by it: one actor it accounts to.
    assert nodes["city"]["accountability_load"] == 1 and nodes["office"]["accountability_load"] == 0
    edges = {e["id"]: e for e in body["edges"]}
    funds = edges["office:FUNDS:city"]
    assert (funds["from"], funds["to"], funds["mode"], funds["control"]) == (
        "office", "city", "resource", "forward")  # fmt: skip
    assert funds["accountability"] is True and funds["amount_eur"] == 1_000_000
    assert edges["city:REPORTS_TO:office"]["control"] == "reverse"
    assert body["layers"] == {"depth": 4, "sizes": {str(i): 1 for i in range(5)}, "isolated": 3}
    assert body["total"] == {"nodes": 8, "edges": 8}
    assert "control" in body["legend"]["modes"] and "ministry" in body["legend"]["kinds"]
    assert body["scenario"]["id"] == "web-tiny"


def test_view_filters_keep_layers_and_positions(ro_client):
    full = _json(ro_client.get("/api/scenarios/web-tiny/graph"))
    cut = _json(ro_client.get("/api/scenarios/web-tiny/graph?kinds=municipality,focus_area"))
    assert {n["id"] for n in cut["nodes"]} == {"city", "area"}
    placed = {n["id"]: (n["layer"], n["x"], n["y"]) for n in full["nodes"]}
    assert all(placed[n["id"]] == (n["layer"], n["x"], n["y"]) for n in cut["nodes"])
    assert [e["id"] for e in cut["edges"]] == ["city:STEERS:area"]
    assert cut["filters"]["kinds"] == ["focus_area", "municipality"]
    assert cut["total"] == full["total"] and cut["layers"] == full["layers"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("layer_min=2&layer_max=3", {"city", "area"}),
        ("q=focus", {"area"}),
        ("focus=city&depth=1", {"city", "office", "area", "res"}),
        ("confidence=inferred", {"area"}),
        ("sector=HOUSING", {"city"}),
        ("levels=national", {"min", "office"}),
        ("as_of=2022-08", {"min", "office", "city", "area", "res", "doc", "prof"}),
    ],
)
def test_node_filters(ro_client, query, expected):
    body = _json(ro_client.get(f"/api/scenarios/web-tiny/graph?{query}"))
    assert {n["id"] for n in body["nodes"]} == expected


def test_edge_filters(ro_client):
    modes = _json(ro_client.get("/api/scenarios/web-tiny/graph?modes=control,accountability"))
    assert {e["type"] for e in modes["edges"]} == {"STEERS", "REPORTS_TO"}
    types = _json(ro_client.get("/api/scenarios/web-tiny/graph?types=FUNDS"))
    assert [e["id"] for e in types["edges"]] == ["office:FUNDS:city"]
    assert len(types["nodes"]) == 8  # relation filters keep every actor


def test_confirmed_only_recomputes_layers(ro_client):
    body = _json(ro_client.get("/api/scenarios/web-tiny/graph?confirmed_only=1"))
    nodes = {n["id"]: n for n in body["nodes"]}
    assert "area" not in nodes and "youth" in nodes
    assert nodes["youth"]["isolated"] is True and body["layers"]["depth"] == 2


def test_aggregated_view(ro_client):
    body = _json(ro_client.get("/api/scenarios/web-tiny/graph?aggregate=1"))
    groups = {n["id"]: n for n in body["nodes"]}
    assert sum(g["count"] for g in groups.values()) == 8
    assert groups["layer-2:municipality"]["members"] == ["city"]
    assert groups["isolated:resident_group"]["isolated"] is True
    steer = [e for e in body["edges"] if e["from"] == "layer-2:municipality"]
    assert steer and all(isinstance(e["count"], int) for e in steer)


def test_actor_detail(ro_client):
    body = _json(ro_client.get("/api/scenarios/web-tiny/actors/city"))
    actor = body["actor"]
    assert actor["id"] == "city" and actor["layer"] == 2 and actor["accountability_load"] == 1
    assert isinstance(actor["betweenness"], float)
    assert {r["id"] for r in body["out"]} == {"city:STEERS:area", "city:REPORTS_TO:office"}
    assert {r["from"] for r in body["in"]} == {"office", "res"}
    assert body["chains"] == [["min", "office", "city"]]
    cited = _json(ro_client.get("/api/scenarios/web-tiny/actors/min"))["sources"]
    assert [s["id"] for s in cited] == ["src-1"]


def test_chain(ro_client):
    body = _json(ro_client.get("/api/scenarios/web-tiny/chain/youth"))
    assert body == {"actor": "youth", "chains": [["min", "office", "city", "area", "youth"]],
                    "length": 4, "as_of": "2024-01-31"}  # fmt: skip


def test_voice_paths(ro_client):
    body = _json(ro_client.get("/api/scenarios/web-tiny/voice-paths?kind=resident_group"))
    assert body["kind"] == "resident_group" and body["paths"] == {"city": ["res", "city"]}
    assert body["reached"] == {"city": 1} and body["deciders"] == 4
    assert body["share"] == pytest.approx(0.25)
    formal = _json(ro_client.get("/api/scenarios/web-tiny/voice-paths?formal_only=1"))
    assert formal["reached"] == {"city": 1} and formal["formal_only"] is True


def test_path(ro_client):
    body = _json(ro_client.get("/api/scenarios/web-tiny/path?from=res&to=area"))
    assert body["path"] == ["res", "city", "area"]
    assert body["edges"] == ["res:PARTICIPATES_IN:city", "city:STEERS:area"]
    directed = _json(ro_client.get("/api/scenarios/web-tiny/path?from=area&to=min&directed=1"))
    assert directed["path"] is None and directed["edges"] == []


def test_analysis(ro_client):
    body = _json(ro_client.get("/api/scenarios/web-tiny/analysis"))
    assert body["steering_depth"] == 4 and body["layers"]["youth"] == 4
    assert sorted(body["isolated"]) == ["doc", "prof", "res"]
    assert body["voice_reach"]["resident_group"]["reached"] == {"city": 1}
    for key in ("accountability_load", "fragmentation", "hierarchy", "centrality"):
        assert isinstance(body[key], dict)


def test_compare_same_scenario_has_no_differences(ro_client):
    body = _json(ro_client.get("/api/compare?a=web-tiny&b=web-tiny"))
    assert body["a"] == body["b"] == "web-tiny"
    assert body["actors"]["added"] == body["relations"]["removed"] == []
    assert body["metrics"]["steering_depth"] == {"a": 4, "b": 4, "delta": 0}
    assert set(body["positions"]) == ALL_IDS
    assert body["positions"]["city"]["y"] == 2 * ROW


@pytest.mark.parametrize("fmt", ["yaml", "json", "xlsx", "csv", "graphml", "gexf"])
def test_export_round_trips(ro_client, fmt):
    response = ro_client.get(f"/api/scenarios/web-tiny/export?format={fmt}")
    assert response.status_code == 200
    suffix = {"csv": ".zip", "yaml": ".yaml"}.get(fmt, f".{fmt}")
    assert f"filename=web-tiny{suffix}" in response.headers["Content-Disposition"]
    (scenario,) = read_bytes(response.get_data(), f"web-tiny{suffix}")
    assert scenario == read_path(TINY)[0]


def test_gexf_export_carries_the_explorer_layout(ro_client):
    # Gephi's y axis points up: the explorer's y is negated so layer 0 stays on top.
    nodes = _json(ro_client.get("/api/scenarios/web-tiny/graph"))["nodes"]
    data = ro_client.get("/api/scenarios/web-tiny/export?format=gexf").get_data()
    root = etree.fromstring(data)
    viz = "{http://gexf.net/1.3/viz}position"
    found = {n.get("id"): n.find(viz) for n in root.iter("{http://gexf.net/1.3}node")}
    assert set(found) == {n["id"] for n in nodes}
    for node in nodes:
        position = found[node["id"]]
        assert float(position.get("x")) == node["x"] and float(position.get("y")) == -node["y"]


def test_export_cypher_and_filtered_export(ro_client):
    cypher = ro_client.get("/api/scenarios/web-tiny/export?format=cypher")
    assert cypher.status_code == 200 and b"MERGE" in cypher.get_data().upper()
    kinds = "ministry,programme_office"
    cut = ro_client.get(f"/api/scenarios/web-tiny/export?format=json&kinds={kinds}")
    (scenario,) = read_bytes(cut.get_data(), "cut.json")
    assert {a.id for a in scenario.actors} == {"min", "office"}
    assert [r.id for r in scenario.relations] == ["min:STEERS:office"]


def test_hostile_strings_come_back_intact_as_json_text(ro_client):
    body = _json(ro_client.get("/api/scenarios/web-tiny/graph"))
    res = next(n for n in body["nodes"] if n["id"] == "res")
    assert res["name"] == HOSTILE_NAME
    assert res["description"] == "<img src=x onerror=alert(1)> ' OR 1=1 --"
    assert body["scenario"]["title"] == 'Tiny <b>programme</b> & "friends"'
    note = next(e for e in body["edges"] if e["type"] == "SUPPORTS")["note"]
    assert note == "<b>bold</b> claim"
    detail = _json(ro_client.get("/api/scenarios/web-tiny"))
    assert detail["sources"][0]["url"] == "https://example.org/op-ed?a=1&b=<2>"


def test_gets_change_nothing(ro_client):
    before = ro_client.get("/api/scenarios/web-tiny/export?format=json").get_data()
    for url in READ_URLS:
        assert ro_client.get(url).status_code == 200
    assert ro_client.get("/api/scenarios/web-tiny/export?format=json").get_data() == before


# The Cypher console.


def test_query_returns_the_query_json_shape(ro_client):
    body = _json(ro_client.post("/api/query", json={
        "cypher": "MATCH (a:Actor) WHERE a.id = $id RETURN a.id AS id, a.kind AS kind",
        "params": {"id": "city"}}))  # fmt: skip
    assert body["columns"] == ["id", "kind"] and body["rows"] == [["city", "municipality"]]
    assert body["truncated"] is False and body["store"] == "embedded"
    assert isinstance(body["elapsed_ms"], float)


def test_query_row_limit_comes_from_the_settings():
    app = create_app({"TESTING": True, "DATA": [str(TINY)], "QUERY_ROW_LIMIT": 3})
    query = {"cypher": "MATCH (a:Actor) RETURN a.id"}
    body = _json(app.test_client().post("/api/query", json=query))
    assert len(body["rows"]) == 3 and body["truncated"] is True


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"cypher": "MATCH (a) DETACH DELETE a"}, "query-rejected"),
        ({"cypher": "CREATE (:Actor {id: 'x'})"}, "query-rejected"),
        ({"cypher": "MATCH (a:Actor) RETURN a", "params": [1]}, "bad-request"),
        ({"query": "MATCH (a) RETURN a"}, "bad-request"),
    ],
)
def test_query_refusals(ro_client, payload, code):
    body = _json(ro_client.post("/api/query", json=payload), 400)
    assert body["error"]["code"] == code and body["ok"] is False


def test_syntax_error_says_where(ro_client):
    cypher = "MATCH (a:Actor)\nRETRUN a.id"
    body = _json(ro_client.post("/api/query", json={"cypher": cypher}), 400)
    error = body["error"]
    assert error["code"] == "syntax-error"
    assert error["position"] == {"line": 2, "column": 1, "offset": 16}
    assert "'RETRUN'" in error["message"] and "did you mean RETURN?" in error["message"]


def test_query_refusal_leaves_data_alone(ro_client):
    ro_client.post("/api/query", json={"cypher": "MATCH (a) DETACH DELETE a"})
    assert _json(ro_client.get("/api/scenarios"))["scenarios"][0]["actors"] == 8


# Every refusal says what to send instead.

#: Each 400 the parameters can give, with a word its hint must name.
BAD_PARAMETERS = [
    ("/api/scenarios/web-tiny/graph?layer_min=abc", "layer_min="),
    ("/api/scenarios/web-tiny/graph?layer_max=1.5", "layer_max="),
    ("/api/scenarios/web-tiny/graph?focus=min&depth=-3", "depth=0"),
    ("/api/scenarios/web-tiny/graph?depth=11", "depth=0"),
    ("/api/scenarios/web-tiny/graph?aggregate=yes", "1 or 0"),
    ("/api/scenarios/web-tiny/graph?as_of=July", "YYYY"),
    ("/api/scenarios/web-tiny/graph?modes=steer", "control"),
    ("/api/scenarios/web-tiny/graph?confidence=sure", "confirmed"),
    ("/api/scenarios/web-tiny/export?format=pdf", "yaml"),
    ("/api/compare", "b="),
    ("/api/compare?a=web-tiny", "b="),
    ("/api/compare?b=web-tiny", "a="),
    ("/api/scenarios/web-tiny/path?from=min", "to="),
    ("/api/scenarios/web-tiny/path?to=min", "from="),
]


@pytest.mark.parametrize(("url", "named"), BAD_PARAMETERS)
def test_every_bad_parameter_gets_a_hint_saying_what_to_send(ro_client, url, named):
    error = _json(ro_client.get(url), 400)["error"]
    assert error["code"] == "bad-request"
    assert named in error["hint"], error


@pytest.mark.parametrize(
    "payload",
    [
        b'{"query": "RETURN 1"}',
        b'{"cypher": "RETURN 1", "params": [1]}',
        b'{"cypher": "RETURN \'\\ud800\'"}',
    ],
)
def test_every_refused_query_request_gets_a_hint(ro_client, payload):
    response = ro_client.post("/api/query", data=payload, content_type="application/json")
    assert _json(response, 400)["error"]["hint"].strip()


# Filter values outside the scenario's vocabulary.


@pytest.mark.parametrize(
    ("url", "code", "value", "near"),
    [
        ("/api/scenarios/web-tiny/graph?kinds=minestry", "unknown-kind", "minestry", "ministry"),
        ("/api/scenarios/web-tiny/graph?kinds=ministry,Person", "unknown-kind", "Person", "person"),
        ("/api/scenarios/web-tiny/graph?types=STEER", "unknown-type", "STEER", "STEERS"),
        ("/api/scenarios/web-tiny/export?types=reports_to", "unknown-type", "reports_to", None),
        ("/api/scenarios/web-tiny/voice-paths?kind=resident", "unknown-kind", "resident", None),
        ("/api/scenarios/web-tiny/voice-paths?kind=foo", "unknown-kind", "foo", None),
        ("/api/scenarios/web-tiny/graph?levels=nationl", "bad-request", "nationl", "national"),
    ],
)
def test_unknown_filter_values_are_400_with_the_closest_valid_one(
    ro_client, url, code, value, near
):
    error = _json(ro_client.get(url), 400)["error"]
    assert error["code"] == code
    assert value in error["message"]
    if near:
        assert error["hint"].startswith(f"Did you mean '{near}'?"), error["hint"]
    assert "Use " in error["hint"]


def test_a_valid_kind_or_type_without_members_is_an_empty_view(ro_client):
    graph = _json(ro_client.get("/api/scenarios/web-tiny/graph?kinds=cabinet&types=FUNDS"))
    assert graph["nodes"] == [] and graph["edges"] == []
    voice = _json(ro_client.get("/api/scenarios/web-tiny/voice-paths?kind=cabinet"))
    assert voice["actors"] == 0 and voice["reached"] == {}


def test_declared_kinds_and_types_are_valid_filters(client):
    doc = _doc(id="declared")
    doc["vocabulary"] = {
        "kinds": ["district_council"],
        "relation_types": [{"type": "ALLOCATES", "mode": "resource", "control": "forward"}],
    }
    doc["actors"].append({"id": "dc", "name": "District council", "kind": "district_council"})
    doc["relations"].append({"from": "city", "to": "dc", "type": "ALLOCATES"})
    _json(client.post("/api/scenarios", data=_yaml_file(doc)), 201)
    url = "/api/scenarios/declared/graph?kinds=district_council,municipality&types=ALLOCATES"
    graph = _json(client.get(url))
    assert {n["id"] for n in graph["nodes"]} == {"dc", "city"}
    assert [e["type"] for e in graph["edges"]] == ["ALLOCATES"]
    refused = client.get("/api/scenarios/web-tiny/graph?kinds=district_council")
    assert _json(refused, 400)["error"]["code"] == "unknown-kind"


def test_the_document_lists_the_vocabulary_filters_and_their_400(ro_client):
    import re

    spec = _json(ro_client.get("/openapi.json"))
    graph = spec["paths"]["/api/scenarios/{scenario_id}/graph"]["get"]
    params = {p["name"]: p for p in graph["parameters"]}
    for name, good, bad in [
        ("kinds", "ministry, cabinet", "minestry"),
        ("types", "STEERS", "STEER"),
    ]:
        pattern = re.compile(params[name]["schema"]["pattern"])
        assert pattern.search(good) and not pattern.search(bad)
        assert f"unknown-{name[:-1]}" in params[name]["description"]
    assert "unknown-kind" in graph["responses"]["400"]["description"]
    voice = spec["paths"]["/api/scenarios/{scenario_id}/voice-paths"]["get"]
    (kind,) = [p for p in voice["parameters"] if p["name"] == "kind"]
    assert "ministry" in kind["schema"]["enum"] and "foo" not in kind["schema"]["enum"]


# Uploads, replacement and deletion.


def test_upload_yaml_then_read_it(client):
    response = client.post("/api/scenarios", data=_yaml_file(_doc(id="second")))
    body = _json(response, 201)
    assert body == {"ok": True, "scenarios": ["second"], "links": body["links"],
                    "notice": None, "notices": {}}  # fmt: skip
    assert body["links"]["explorer"] == "/scenarios/second"
    assert response.headers["Location"] == "/api/scenarios/second"
    ids = [s["id"] for s in _json(client.get("/api/scenarios"))["scenarios"]]
    assert ids == ["second", "web-tiny"]
    assert _json(client.get("/healthz"))["scenarios"] == 2


def test_upload_raw_json_body(client):
    data = json.dumps(_doc(id="raw")).encode()
    body = _json(client.post("/api/scenarios?filename=raw.json", data=data,
                             content_type="application/octet-stream"), 201)  # fmt: skip
    assert body["scenarios"] == ["raw"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_upload_spreadsheets(client, tmp_path, fmt):
    (scenario,) = read_path(TINY)
    scenario = type(scenario)(**{**vars(scenario), "info": type(scenario.info)("sheet", "Sheet")})
    target = tmp_path / ("sheet.xlsx" if fmt == "xlsx" else "sheet")
    write_scenario(scenario, fmt, target)
    if fmt == "csv":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for member in target.iterdir():
                archive.write(member, f"sheet/{member.name}")
        payload, name = buffer.getvalue(), "sheet.zip"
    else:
        payload, name = target.read_bytes(), "sheet.xlsx"
    body = _json(client.post("/api/scenarios", data={"file": (io.BytesIO(payload), name)}), 201)
    assert body["scenarios"] == ["sheet"]
    graph = _json(client.get("/api/scenarios/sheet/graph"))
    assert graph["total"] == {"nodes": 8, "edges": 8}


def test_bad_upload_lists_every_located_problem_and_loads_nothing(client):
    doc = _doc(id="broken")
    doc["actors"][0]["kind"] = "ministryy"
    doc["relations"].append({"from": "min", "to": "nobody", "type": "STEERS"})
    body = _json(client.post("/api/scenarios", data=_yaml_file(doc, "broken.yaml")), 400)
    assert body["error"]["code"] == "validation-failed" and len(body["errors"]) >= 2
    for problem in body["errors"]:
        assert problem["file"] == "broken.yaml" and isinstance(problem["line"], int)
        assert problem["code"] and problem["message"] and problem["where"]
    assert [s["id"] for s in _json(client.get("/api/scenarios"))["scenarios"]] == ["web-tiny"]


def test_unknown_file_type_is_a_located_problem(client):
    data = {"file": (io.BytesIO(b"hello"), "notes.txt")}
    body = _json(client.post("/api/scenarios", data=data), 400)
    assert body["errors"][0]["code"] == "unsupported-format"


def test_upload_without_a_file_is_a_bad_request(client):
    form = client.post("/api/scenarios", data={"x": "1"})
    assert _json(form, 400)["error"]["code"] == "bad-request"
    raw = client.post("/api/scenarios", data=b"x", content_type="application/octet-stream")
    assert _json(raw, 400)["error"]["code"] == "bad-request"


def test_existing_id_conflicts_unless_replace(client):
    doc = _doc(title="Replaced title")
    body = _json(client.post("/api/scenarios", data=_yaml_file(doc)), 409)
    assert body["error"]["code"] == "scenario-exists"
    assert _json(client.get("/api/scenarios/web-tiny"))["scenario"]["title"] != "Replaced title"
    client.get("/api/scenarios/web-tiny/graph")  # cache the old view
    doc["actors"] = doc["actors"][:2]
    doc["relations"] = doc["relations"][:1]
    _json(client.post("/api/scenarios", data={**_yaml_file(doc), "replace": "1"}), 201)
    assert _json(client.get("/api/scenarios/web-tiny"))["scenario"]["title"] == "Replaced title"
    assert _json(client.get("/api/scenarios/web-tiny/graph"))["total"] == {"nodes": 2, "edges": 1}


def test_failed_replacement_keeps_the_old_scenario(client):
    doc = _doc(title="Never loaded")
    doc["relations"].append({"from": "min", "to": "ghost", "type": "STEERS"})
    response = client.post("/api/scenarios", data={**_yaml_file(doc), "replace": "1"})
    assert _json(response, 400)["errors"]
    detail = _json(client.get("/api/scenarios/web-tiny"))
    assert detail["scenario"]["title"] != "Never loaded" and detail["counts"]["relations"] == 8


def test_delete(client):
    assert _json(client.delete("/api/scenarios/web-tiny")) == {"ok": True, "deleted": "web-tiny"}
    assert _json(client.get("/api/scenarios")) == {"scenarios": []}
    assert _json(client.get("/api/scenarios/web-tiny/graph"), 404)["error"]["code"] == "not-found"
    assert _json(client.delete("/api/scenarios/web-tiny"), 404)["ok"] is False


# Who may write.


@pytest.fixture
def public_app():
    """An app as if bound to a public interface, with an admin token."""
    config = {"TESTING": True, "DATA": [str(TINY)], "LOOPBACK_ONLY": False, "ADMIN_TOKEN": "s3cret"}
    return create_app(config)


def test_public_server_needs_the_token(public_app):
    client = public_app.test_client()
    body = _json(client.delete("/api/scenarios/web-tiny"), 401)
    assert body["error"]["code"] == "unauthorized"
    wrong = client.delete("/api/scenarios/web-tiny", headers={"Authorization": "Bearer nope"})
    assert _json(wrong, 401)["ok"] is False
    upload = client.post("/api/scenarios", data=_yaml_file(_doc(id="x")))
    assert upload.status_code == 401
    assert [s["id"] for s in _json(client.get("/api/scenarios"))["scenarios"]] == ["web-tiny"]


def test_public_server_accepts_bearer_header_and_form_token(public_app):
    client = public_app.test_client()
    form = {**_yaml_file(_doc(id="by-form")), "token": "s3cret"}
    assert _json(client.post("/api/scenarios", data=form), 201)["scenarios"] == ["by-form"]
    header = {"Authorization": "Bearer s3cret"}
    assert _json(client.delete("/api/scenarios/by-form", headers=header))["ok"] is True


def test_public_server_without_token_refuses_writes():
    app = create_app({"TESTING": True, "DATA": [str(TINY)], "LOOPBACK_ONLY": False})
    body = _json(app.test_client().delete("/api/scenarios/web-tiny"), 403)
    assert "GOVGRAPH_ADMIN_TOKEN" in body["error"]["hint"]


def test_public_server_still_serves_reads(public_app):
    assert _json(public_app.test_client().get("/api/scenarios"))["scenarios"]


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"environ_base": {"REMOTE_ADDR": "192.0.2.10"}},  # a remote client
        {"headers": {"Host": "evil.example"}},  # DNS rebinding onto loopback
    ],
)
def test_loopback_server_needs_a_loopback_client(client, request_kwargs):
    assert client.delete("/api/scenarios/web-tiny", **request_kwargs).status_code == 403
    assert _json(client.get("/healthz"))["scenarios"] == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        # A form posted from another port of this host and redirected here with 307.
        {"Origin": "null", "Sec-Fetch-Site": "same-site"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "http://localhost:1"},  # another port
    ],
)
def test_cross_site_writes_are_refused_even_with_the_token(public_app, headers):
    client = public_app.test_client()
    headers = {**headers, "Authorization": "Bearer s3cret"}
    body = _json(client.delete("/api/scenarios/web-tiny", headers=headers), 403)
    assert body["error"]["code"] == "forbidden"


def test_same_origin_write_is_allowed(client):
    headers = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    assert client.delete("/api/scenarios/web-tiny", headers=headers).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "null", "Sec-Fetch-Site": "same-site"},
        {"Origin": "http://127.0.0.1:9"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
@pytest.mark.parametrize(
    "write",
    [
        lambda c, h: c.delete("/api/scenarios/web-tiny", headers=h),
        lambda c, h: c.post(
            "/api/scenarios?filename=x.yaml&replace=1",
            data=b"govgraph: 1\nscenario: {id: web-tiny, title: HIJACKED}\n",
            headers=h,
        ),
    ],
)
def test_loopback_writes_from_another_page_are_refused(client, headers, write):
    body = _json(write(client, headers), 403)
    assert body["error"]["code"] == "forbidden"
    assert _json(client.get("/api/scenarios/web-tiny"))["scenario"]["title"] != "HIJACKED"


@pytest.mark.neo4j
def test_neo4j_store_serves_the_same_answers(ro_client, neo4j_uri):
    store = open_store(neo4j_uri)
    for scenario_id in store.scenario_ids():
        store.delete(scenario_id)
    store.load(read_path(TINY))
    try:
        client = create_app({"TESTING": True, "STORE": store}).test_client()
        assert _json(client.get("/healthz"))["store"] == "neo4j"
        for url in (*READ_URLS[:2], "/api/scenarios/web-tiny/actors/city"):
            assert _json(client.get(url)) == _json(ro_client.get(url)), url
        query = {
            "cypher": "MATCH (a:Actor {id: $id}) RETURN a.name AS name",
            "params": {"id": "res"},
        }
        body = _json(client.post("/api/query", json=query))
        assert body["rows"] == [[HOSTILE_NAME]] and body["store"] == "neo4j"
    finally:
        store.delete("web-tiny")
        store.close()


def test_betweenness_of_a_large_scenario_waits_for_its_analysis(client, monkeypatch):
    monkeypatch.setattr("app.graphview.BETWEENNESS_ON_DEMAND", 3)
    assert _json(client.get("/api/scenarios/web-tiny/actors/city"))["actor"]["betweenness"] is None
    analysis = _json(client.get("/api/scenarios/web-tiny/analysis"))
    actor = _json(client.get("/api/scenarios/web-tiny/actors/city"))["actor"]
    assert actor["betweenness"] == analysis["centrality"]["betweenness"]["city"]


def test_a_load_failing_halfway_puts_back_what_was_there():
    import dataclasses

    from app.api import _load_atomically
    from graph.errors import StoreUnavailable

    store = open_store(None)
    (original,) = read_path(TINY)
    store.load([original])
    inner_load = store.load
    failures = []

    def load_first_then_fail(scenarios, **kwargs):
        if not failures:
            failures.append(True)
            inner_load(scenarios[:1], **kwargs)
            raise StoreUnavailable("connection lost after the first scenario")
        inner_load(scenarios, **kwargs)

    store.load = load_first_then_fail  # type: ignore[method-assign]
    changed = dataclasses.replace(original, info=dataclasses.replace(original.info, title="New"))
    extra = dataclasses.replace(original, info=dataclasses.replace(original.info, id="extra"))
    with pytest.raises(StoreUnavailable):
        _load_atomically(store, [changed, extra])
    assert store.scenario_ids() == ["web-tiny"]
    assert store.scenario("web-tiny") == original
    store.close()


def test_console_can_require_the_admin_token_on_a_public_server():
    config = {
        "TESTING": True,
        "DATA": [str(TINY)],
        "LOOPBACK_ONLY": False,
        "ADMIN_TOKEN": "s3cret",
        "CONSOLE_NEEDS_TOKEN": True,
    }
    client = create_app(config).test_client()
    query = {"cypher": "RETURN 1 AS one"}
    body = _json(client.post("/api/query", json=query), 401)
    assert "console queries" in body["error"]["message"]
    allowed = client.post("/api/query", json=query, headers={"Authorization": "Bearer s3cret"})
    assert _json(allowed)["rows"] == [[1]]


def test_console_is_open_without_the_setting_on_a_public_server(public_app):
    body = _json(public_app.test_client().post("/api/query", json={"cypher": "RETURN 1 AS one"}))
    assert body["rows"] == [[1]]
