"""One account of distance over the API, and every endpoint honouring as_of/confirmed_only alike.

The scenario is made here, unseen by the code: a ministry steers an office that steers a city;
the city targets a focus area directly and also through an agency that exists only from 2024
(``late``), and through a board that is only inferred (``guess``). Before 2024, or on confirmed
facts only, that controller must vanish from every answer that an analyst reads about the area.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from graph.analysis.distance import distance
from graph.analysis.metrics import voice_reach_by_actor
from graph.model import Scenario
from graph.network import to_networkx
from graph.storage import open_store
from graph.validation import validate_document

SCENARIO = "unseen-dates"


def dated_scenario() -> Scenario:
    actors = [
        ("min", "Ministry", "ministry", {}),
        ("office", "Programme office", "programme_office", {}),
        ("city", "City", "municipality", {}),
        ("late", "Agency founded 2024", "programme_office", {"since": "2024-01"}),
        ("guess", "Board (inferred)", "consultation_body", {"confidence": "inferred"}),
        ("area", "Focus area", "focus_area", {}),
        ("res", "Residents", "resident_group", {}),
    ]
    relations = [
        ("min", "office", "STEERS", {}),
        ("office", "city", "STEERS", {}),
        ("city", "late", "STEERS", {}),
        ("late", "area", "STEERS", {}),
        ("city", "guess", "STEERS", {}),
        ("guess", "late", "STEERS", {}),
        ("guess", "area", "MONITORS", {}),
        ("city", "area", "TARGETS", {}),
        ("min", "area", "FUNDS", {"since": "2025-01"}),
        ("res", "city", "PARTICIPATES_IN", {}),
    ]
    return validate_document(
        {
            "govgraph": 1,
            "scenario": {"id": SCENARIO, "title": "Dated structure"},
            "actors": [{"id": i, "name": n, "kind": k, **x} for i, n, k, x in actors],
            "relations": [{"from": a, "to": b, "type": t, **x} for a, b, t, x in relations],
        }
    )


@pytest.fixture(scope="module")
def client():
    from app import create_app

    store = open_store(None)
    store.load([dated_scenario()])
    return create_app({"TESTING": True, "STORE": store}).test_client()


def get(client, path: str, **params: str) -> dict[str, Any]:
    response = client.get(f"/api/scenarios/{SCENARIO}{path}", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def mentioned(answer: Any) -> set[str]:
    """Every string anywhere in a JSON answer (ids, names, types)."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                found.add(str(k))
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(answer)
    return found


#: Each filter and the controller of the focus area it must leave out.
CASES = [({"as_of": "2023-06-30"}, "late"), ({"confirmed_only": "1"}, "guess")]


@pytest.mark.parametrize(("params", "gone"), CASES)
def test_every_endpoint_leaves_out_a_controller_the_filter_removes(client, params, gone):
    answers = {
        "actor": get(client, "/actors/area", reference="min", **params),
        "chain": get(client, "/chain/area", **params),
        "path": get(client, "/path", **{"from": "min", "to": "area", "follow": "control"},
                    **params),
        "path-any": get(client, "/path", **{"from": "city", "to": "area"}, **params),
        "voice": get(client, "/voice-paths", **params),
        "analysis": get(client, "/analysis", **params),
        "metrics": get(client, "/metrics", **params),
        "graph": get(client, "/graph", **params),
    }  # fmt: skip
    for name, answer in answers.items():
        assert gone not in mentioned(answer), f"{name} still mentions {gone!r}"
    # The same question without the filter does mention it: the check above can fail.
    assert gone in mentioned(get(client, "/actors/area", reference="min"))
    assert gone in mentioned(get(client, "/analysis"))
    response = client.get(f"/api/scenarios/{SCENARIO}/actors/{gone}", query_string=params)
    assert response.status_code == 404


def test_the_layer_and_chains_change_with_the_date(client):
    then = get(client, "/actors/area", as_of="2023-06-30")
    now = get(client, "/actors/area")
    assert then["actor"]["layer"] == 4 and now["actor"]["layer"] == 5
    assert then["chains"] == [["min", "office", "city", "guess", "area"]]
    assert then["distance"]["longest"]["path"] == then["chains"][0]
    # The funding that starts in 2025 makes the area one step from the top from then on.
    later = get(client, "/actors/area", as_of="2025-06")["distance"]["from_top"]
    assert later["path"] == ["min", "area"] and later["steps"][0]["types"] == ["FUNDS"]
    assert get(client, "/actors/area", as_of="2024-12")["distance"]["from_top"]["length"] == 3


def test_the_panel_distance_is_the_analysis_twin(client):
    """The actor endpoint's distance is graph.analysis.distance on the same filtered graph."""
    for params in ({}, {"as_of": "2023-06-30"}, {"confirmed_only": "1"}):
        answer = get(client, "/actors/area", reference="office", **params)
        G = to_networkx(
            dated_scenario(),
            as_of=params.get("as_of"),
            confirmed_only=params.get("confirmed_only") == "1",
        )
        assert answer["distance"] == json.loads(json.dumps(distance(G, "area", reference="office")))


def test_distance_names_the_relation_types_of_each_chain(client):
    d = get(client, "/actors/area", reference="office", as_of="2023-06-30")["distance"]
    assert d["layer"] == 4
    assert d["from_top"]["path"] == ["min", "office", "city", "area"]
    assert [s["types"] for s in d["from_top"]["steps"]] == [["STEERS"], ["STEERS"], ["TARGETS"]]
    assert d["from_reference"]["path"] == ["office", "city", "area"]
    now = get(client, "/actors/area", reference="min")["distance"]
    # All time, the longest chain runs through the board and the agency.
    assert now["longest"]["path"] == ["min", "office", "city", "guess", "late", "area"]
    assert now["from_top"]["path"] == ["min", "area"]  # the funding from 2025 counts all time
    assert get(client, "/actors/min", reference="area")["distance"]["from_reference"] is None


def test_path_says_which_modes_it_followed(client):
    ends = {"from": "min", "to": "area", "follow": "control"}
    control = get(client, "/path", as_of="2024-12", **ends)
    assert control["path"] == ["min", "office", "city", "area"]
    assert control["modes"] == ["control", "intervention"]
    assert control["follow"] == "control" and control["directed"] is True
    anyway = get(client, "/path", **{"from": "res", "to": "area"})
    assert anyway["path"] == ["res", "city", "area"]
    assert [s["types"] for s in anyway["steps"]] == [["PARTICIPATES_IN"], ["TARGETS"]]
    assert anyway["modes"] == ["intervention", "voice"]
    upward = get(client, "/path", **{"from": "area", "to": "min", "follow": "control"})
    assert upward["path"] is None and upward["steps"] == []


def test_bad_follow_and_unknown_reference_are_clear_errors(client):
    bad = client.get(f"/api/scenarios/{SCENARIO}/path?from=min&to=area&follow=voice")
    assert bad.status_code == 400 and "follow" in bad.get_json()["error"]["message"]
    missing = client.get(f"/api/scenarios/{SCENARIO}/actors/area?reference=nobody")
    assert missing.status_code == 404 and "nobody" in missing.get_json()["error"]["message"]


def test_openapi_lists_the_distance_parameters(client):
    doc = client.get("/openapi.json").get_json()
    paths = doc["paths"]
    for path, names in [
        (
            "/api/scenarios/{scenario_id}/actors/{actor_id}",
            {"as_of", "confirmed_only", "reference"},
        ),
        ("/api/scenarios/{scenario_id}/chain/{actor_id}", {"as_of", "confirmed_only"}),
        ("/api/scenarios/{scenario_id}/path", {"as_of", "confirmed_only", "follow"}),
        ("/api/scenarios/{scenario_id}/voice-paths", {"as_of", "confirmed_only"}),
        ("/api/scenarios/{scenario_id}/analysis", {"as_of", "confirmed_only"}),
    ]:
        assert names <= {p["name"] for p in paths[path]["get"]["parameters"]}, path


def test_metrics_are_the_analysis_twins_on_the_filtered_graph(client):
    for params in ({}, {"as_of": "2023-06-30"}, {"confirmed_only": "1"}):
        answer = get(client, "/metrics", **params)["metrics"]
        analysis = get(client, "/analysis", **params)
        G = to_networkx(
            dated_scenario(),
            as_of=params.get("as_of"),
            confirmed_only=params.get("confirmed_only") == "1",
        )
        assert answer["voice_reach"] == voice_reach_by_actor(G)
        assert answer["layer"] == analysis["layers"]
        assert answer["betweenness"] == analysis["centrality"]["betweenness"]
    # Residents speak to the city, which steers the office's targets: their voice reaches it.
    assert get(client, "/metrics")["metrics"]["voice_reach"]["res"] == 1
