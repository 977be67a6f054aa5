"""As-of everywhere: every endpoint and command leaves out exactly what is not in force on a
day, and a scenario with a ``date`` opens as of that date (``all`` gives every fact).

The scenario is built here with dated actors and relations in every written form (year,
month, day); what is in force is decided by :func:`in_force_ids`, a plain re-statement of
the documented rule (``since`` from the first day of its period, ``until`` to the last day
of its; a year or month as the moment means its last day), not by the code under test.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import json
import random
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from app import create_app
from app.cli import cli

SCENARIO_DATE = "2022-07"
DATE_FORMS = [None, "2021", "2022-03", "2022-07", "2022-07-04", "2022-07-31", "2023-06", "2024"]
UNTIL_FORMS = [None, "2022-06", "2022-07-15", "2023", "2023-06-30", "2024-03"]
KINDS = ["ministry", "programme_office", "municipality", "focus_area", "resident_group",
         "professional_group", "ministry", "municipality", "resident_group", "focus_area",
         "professional_group", "ministry"]  # fmt: skip
TYPES = ["STEERS", "STEERS", "FUNDS", "REPORTS_TO", "MONITORS", "PARTICIPATES_IN", "ADVISES"]


def _first(text: str) -> dt.date:
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def _last(text: str) -> dt.date:
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        return dt.date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return dt.date(*parts)


def _dates(rng: random.Random) -> dict[str, str]:
    since, until = rng.choice(DATE_FORMS), rng.choice(UNTIL_FORMS)
    if since and until and _last(until) < _first(since):
        until = None
    return {k: v for k, v in (("since", since), ("until", until)) if v}


def dated_scenario(seed: int = 7) -> dict:
    """A scenario of twelve actors and thirty relations, most of them dated."""
    rng = random.Random(seed)
    actors = [
        {"id": f"a{i}", "name": f"Actor {i}", "kind": kind, **(_dates(rng) if i % 3 else {})}
        for i, kind in enumerate(KINDS)
    ]
    relations = []
    for i in range(30):
        u, v = rng.sample(range(len(actors)), 2)
        relations.append({"id": f"r{i}", "from": f"a{u}", "to": f"a{v}",
                          "type": rng.choice(TYPES), "formal": rng.random() < 0.5,
                          **_dates(rng)})  # fmt: skip
    return {
        "govgraph": 1,
        "scenario": {"id": "dated", "title": "Dated", "date": SCENARIO_DATE},
        "actors": actors,
        "relations": relations,
    }


def _in_force(item: dict, day: dt.date | None) -> bool:
    if day is None:
        return True
    if item.get("since") and _first(item["since"]) > day:
        return False
    return not (item.get("until") and _last(item["until"]) < day)


def in_force_ids(doc: dict, moment: str) -> tuple[set[str], set[str]]:
    """Return the actor and relation ids in force at a moment (``all``: every one)."""
    day = None if moment == "all" else _last(moment)
    actors = {a["id"] for a in doc["actors"] if _in_force(a, day)}
    relations = {
        r["id"]
        for r in doc["relations"]
        if _in_force(r, day) and r["from"] in actors and r["to"] in actors
    }
    return actors, relations


DOC = dated_scenario()
#: The sampled moments: around every change, the scenario's own date, and all time.
MOMENTS = ["2021-12-31", "2022-06-30", "2022-07-03", "2022-07-04", "2022-07-16", "2022-07",
           "2023", "2023-07-01", "2024-03-31", "2024-04-01", "2024", "all"]  # fmt: skip


@pytest.fixture(scope="module")
def data_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("dated") / "dated.yaml"
    path.write_text(yaml.safe_dump(DOC, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def client(data_file):
    return create_app({"TESTING": True, "DATA": [str(data_file)]}).test_client()


def _get(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, (url, response.get_data(as_text=True))
    return response.get_json()


def test_the_sample_really_changes_over_time():
    sizes = {in_force_ids(DOC, m)[0].__len__() for m in MOMENTS}
    rels = {len(in_force_ids(DOC, m)[1]) for m in MOMENTS}
    assert len(sizes) >= 3 and len(rels) >= 4


@pytest.mark.parametrize("moment", MOMENTS)
def test_graph_search_focus_and_aggregate_leave_out_what_is_not_in_force(client, moment):
    actors, relations = in_force_ids(DOC, moment)
    base = f"/api/scenarios/dated/graph?as_of={moment}"
    body = _get(client, base)
    assert {n["id"] for n in body["nodes"]} == actors
    assert {e["id"] for e in body["edges"]} == relations
    found = _get(client, base + "&q=actor 1")
    assert {n["id"] for n in found["nodes"]} == {a for a in actors if a.startswith("a1")}
    grouped = _get(client, base + "&aggregate=1")
    assert sum(n["count"] for n in grouped["nodes"]) == len(actors)
    for actor in sorted(actors)[:3]:
        near = _get(client, base + f"&focus={actor}&depth=2")
        assert {n["id"] for n in near["nodes"]} <= actors
    for actor in sorted({a["id"] for a in DOC["actors"]} - actors)[:2]:
        assert client.get(base + f"&focus={actor}").status_code == 404


@pytest.mark.parametrize("moment", MOMENTS)
def test_actor_chain_path_and_voice_leave_out_what_is_not_in_force(client, moment):
    actors, relations = in_force_ids(DOC, moment)
    q = f"as_of={moment}"
    for actor in (a["id"] for a in DOC["actors"]):
        response = client.get(f"/api/scenarios/dated/actors/{actor}?{q}")
        if actor not in actors:
            assert response.status_code == 404
            assert client.get(f"/api/scenarios/dated/chain/{actor}?{q}").status_code == 404
            continue
        body = response.get_json()
        touching = {r["id"] for r in DOC["relations"] if actor in (r["from"], r["to"])}
        assert {r["id"] for r in body["out"] + body["in"]} == touching & relations
        assert {x for chain in body["chains"] for x in chain} <= actors
        chains = _get(client, f"/api/scenarios/dated/chain/{actor}?{q}")["chains"]
        assert {x for chain in chains for x in chain} <= actors
    for kind in ("resident_group", "professional_group"):
        voice = _get(client, f"/api/scenarios/dated/voice-paths?kind={kind}&{q}")
        assert {x for path in voice["paths"].values() for x in path} <= actors
    ends = sorted(actors)
    path = _get(client, f"/api/scenarios/dated/path?from={ends[0]}&to={ends[-1]}&{q}")
    assert set(path["path"] or []) <= actors and set(path["edges"]) <= relations


@pytest.mark.parametrize("moment", MOMENTS)
def test_analysis_export_and_compare_leave_out_what_is_not_in_force(client, moment):
    actors, relations = in_force_ids(DOC, moment)
    analysis = _get(client, f"/api/scenarios/dated/analysis?as_of={moment}")
    assert set(analysis["layers"]) == actors
    assert analysis["counts"]["relations"] == len(relations)
    response = client.get(f"/api/scenarios/dated/export?format=json&as_of={moment}")
    exported = json.loads(response.data)
    assert {a["id"] for a in exported["actors"]} == actors
    assert {r["id"] for r in exported["relations"]} == relations
    assert response.headers["X-Govgraph-Actors"] == f"{len(actors)} of {len(DOC['actors'])}"
    compared = _get(client, f"/api/compare?a=dated@{moment}&b=dated@all")
    all_actors, all_relations = in_force_ids(DOC, "all")
    assert set(compared["actors"]["added"]) == all_actors - actors
    assert set(compared["relations"]["added"]) == all_relations - relations
    assert compared["actors"]["removed"] == compared["relations"]["removed"] == []


def test_the_default_view_is_the_view_as_of_the_scenario_date(client):
    for path in ("graph", "analysis", "actors/a0", "chain/a0", "voice-paths",
                 "path?from=a0&to=a3&"):  # fmt: skip
        sep = "&" if "?" in path else "?"
        default = _get(client, f"/api/scenarios/dated/{path}")
        dated = _get(client, f"/api/scenarios/dated/{path}{sep}as_of={SCENARIO_DATE}")
        default.pop("filters", None), dated.pop("filters", None)
        # findings link to the explorer with the moment asked for; their texts must agree
        texts = [[f["text"] for f in d.pop("findings", [])] for d in (default, dated)]
        assert default == dated and texts[0] == texts[1], path
        assert default["as_of"] == "2022-07-31"
    assert _get(client, "/api/scenarios/dated/graph?as_of=all")["as_of"] is None
    plain = client.get("/api/scenarios/dated/export?format=json")
    dated = client.get(f"/api/scenarios/dated/export?format=json&as_of={SCENARIO_DATE}")
    assert json.loads(plain.data) == json.loads(dated.data)
    assert plain.headers["X-Govgraph-As-Of"] == "2022-07-31"
    compared = _get(client, "/api/compare?a=dated&b=dated")
    assert compared["as_of"] == {"a": "2022-07-31", "b": "2022-07-31"}
    assert compared["actors"]["added"] == compared["relations"]["added"] == []


def test_as_of_all_and_bad_moments(client):
    actors, relations = in_force_ids(DOC, "all")
    body = _get(client, "/api/scenarios/dated/graph?as_of=all")
    assert {n["id"] for n in body["nodes"]} == actors and len(body["edges"]) == len(relations)
    for url in ("/api/scenarios/dated/graph?as_of=always", "/api/compare?a=dated@July&b=dated"):
        response = client.get(url)
        assert response.status_code == 400 and "all" in response.get_json()["error"]["hint"]


# The command line: the same moments through analyze, export and compare.


def _cli(*args: str) -> str:
    """Run a command; return its stdout (messages go to stderr)."""
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("moment", ["2022-07-03", "2022-07", "2023-07-01", "2024-04-01", "all"])
def test_cli_analyze_export_and_compare_leave_out_what_is_not_in_force(data_file, tmp_path, moment):
    actors, relations = in_force_ids(DOC, moment)
    data = ["--data", str(data_file)]
    analysis = json.loads(_cli("analyze", *data, "--as-of", moment, "--json"))
    assert set(analysis["layers"]) == actors
    out = tmp_path / "out.json"
    _cli("export", *data, "--format", "json", "-o", str(out), "--as-of", moment)
    exported = json.loads(out.read_text())
    assert {a["id"] for a in exported["actors"]} == actors
    assert {r["id"] for r in exported["relations"]} == relations
    compared = json.loads(_cli("compare", *data, f"dated@{moment}", "dated@all", "--json"))
    assert set(compared["actors"]["added"]) == in_force_ids(DOC, "all")[0] - actors


def test_cli_default_is_the_scenario_date_and_export_says_what_it_left_out(data_file, tmp_path):
    data = ["--data", str(data_file)]
    default = json.loads(_cli("analyze", *data, "--json"))
    dated = json.loads(_cli("analyze", *data, "--as-of", SCENARIO_DATE, "--json"))
    texts = [[f["text"] for f in d.pop("findings", [])] for d in (default, dated)]
    assert default == dated and texts[0] == texts[1] and default["as_of"] == "2022-07-31"
    result = CliRunner().invoke(cli, ["export", *data, "--format", "yaml", "-o",
                                      str(tmp_path / "d.yaml")])  # fmt: skip
    actors, relations = in_force_ids(DOC, SCENARIO_DATE)
    left = (len(DOC["actors"]) - len(actors), len(DOC["relations"]) - len(relations))
    assert f"left out {left[0]} actors and {left[1]} relations" in result.output
    assert "--as-of all" in result.output
    whole = CliRunner().invoke(cli, ["export", *data, "--format", "yaml", "-o",
                                     str(tmp_path / "all.yaml"), "--as-of", "all"])  # fmt: skip
    assert whole.exit_code == 0 and "all time" in whole.output
    assert len(yaml.safe_load((tmp_path / "all.yaml").read_text())["relations"]) == 30


def test_cli_bad_moment_exits_2(data_file):
    for args in (["analyze", "--as-of", "soon"], ["compare", "dated@2022-13", "dated"]):
        result = CliRunner().invoke(cli, [*args, "--data", str(data_file)])
        assert result.exit_code == 2, result.output


def test_csv_export_zip_is_cut_too(client):
    actors, _ = in_force_ids(DOC, "2024")
    data = client.get("/api/scenarios/dated/export?format=csv&as_of=2024").data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        rows = archive.read("dated/actors.csv").decode().splitlines()
    assert {row.split(",")[0] for row in rows[1:]} == actors


# Over time: every row equals the analysis as of its date (the same figures, one filter).


def _figures_of(analysis: dict) -> dict:
    from graph.analysis.timeline import figures

    return figures(analysis)


@pytest.mark.parametrize("step", [None, "quarter"])
def test_cli_over_time_rows_equal_analyze_as_of_each_date(data_file, step):
    data = ["--data", str(data_file)]
    args = ["analyze", *data, "--over-time", "--json"] + (["--step", step] if step else [])
    result = json.loads(_cli(*args))
    assert len(result["rows"]) >= 4
    for row in result["rows"]:
        single = json.loads(_cli("analyze", *data, "--as-of", row["date"], "--json"))
        assert {k: row[k] for k in _figures_of(single)} == _figures_of(single), row["date"]
        assert row["actors"] == len(single["layers"])
        assert row["actors"] == len(in_force_ids(DOC, row["date"])[0])


def test_over_time_stops_are_the_change_days_and_the_scenario_date(data_file):
    result = json.loads(_cli("analyze", "--data", str(data_file), "--over-time", "--json"))
    dates = [row["date"] for row in result["rows"]]
    assert "2022-07-31" in dates and dates == sorted(dates)
    # between two stops nothing changes: the day before each stop is as the stop before it
    for before, stop in zip(dates, dates[1:], strict=False):
        eve = (dt.date.fromisoformat(stop) - dt.timedelta(days=1)).isoformat()
        assert in_force_ids(DOC, eve) == in_force_ids(DOC, before), (before, stop)


def test_api_timeline_rows_equal_the_analysis_and_replay_to_each_view(client):
    body = _get(client, "/api/scenarios/dated/timeline")
    assert [m["key"] for m in body["measures"]][:3] == ["steering_depth", "control_arcs",
                                                        "deciders"]  # fmt: skip
    actors: set[str] = set()
    relations: set[str] = set()
    for row in body["rows"]:
        analysis = _get(client, f"/api/scenarios/dated/analysis?as_of={row['date']}")
        assert {k: row[k] for k in _figures_of(analysis)} == _figures_of(analysis)
        actors = (actors | set(row["enter"]["actors"])) - set(row["leave"]["actors"])
        relations = (relations | set(row["enter"]["relations"])) - set(row["leave"]["relations"])
        assert (actors, relations) == in_force_ids(DOC, row["date"]), row["date"]
    quarters = _get(client, "/api/scenarios/dated/timeline?step=quarter")["rows"]
    assert all(r["date"][5:] in ("03-31", "06-30", "09-30", "12-31") for r in quarters)
    assert client.get("/api/scenarios/dated/timeline?step=week").status_code == 400


def test_compare_page_takes_a_scenario_at_two_dates(client):
    page = client.get("/compare?a=dated@2022-07-04&b=dated@all")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-a="dated"' in html and 'data-as-of-a="2022-07-04"' in html
    assert 'data-as-of-b="all"' in html
    assert client.get("/compare?a=nobody@2022&b=dated").status_code == 404


def test_cli_export_and_compare_default_equal_their_view_as_of_the_date(data_file, tmp_path):
    data = ["--data", str(data_file)]
    plain, dated = tmp_path / "plain.json", tmp_path / "dated.json"
    _cli("export", *data, "--format", "json", "-o", str(plain))
    _cli("export", *data, "--format", "json", "-o", str(dated), "--as-of", SCENARIO_DATE)
    assert json.loads(plain.read_text()) == json.loads(dated.read_text())
    default = json.loads(_cli("compare", *data, "dated", "dated@all", "--json"))
    explicit = json.loads(_cli("compare", *data, f"dated@{SCENARIO_DATE}", "dated@all", "--json"))
    assert default == explicit and default["as_of"] == {"a": "2022-07-31", "b": None}
