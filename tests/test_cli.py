"""The command line contract of DESIGN section 6: data selection, outputs, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
import yaml
from click.testing import CliRunner

from app.cli import cli
from app.commands import parse_params
from graph.datasets import bundled_paths

TINY = {
    "govgraph": 1,
    "scenario": {"id": "tiny", "title": "Tiny"},
    "sources": [{"id": "s1", "title": "S", "url": "https://example.org/s"}],
    "actors": [
        {"id": "min", "name": "Ministry", "kind": "ministry", "sources": ["s1"]},
        {"id": "office", "name": "Office", "kind": "programme_office", "sources": ["s1"]},
        {"id": "res", "name": "Residents", "kind": "resident_group", "sources": ["s1"]},
        {"id": "lonely", "name": "Lonely", "kind": "other"},
    ],
    "relations": [
        {"from": "min", "to": "office", "type": "STEERS", "sources": ["s1"]},
        {"from": "office", "to": "res", "type": "TARGETS", "sources": ["s1"]},
        {"from": "res", "to": "office", "type": "PARTICIPATES_IN", "confidence": "inferred"},
    ],
}


def write(tmp_path: Path, doc: dict, name: str = "tiny.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str):
    return runner.invoke(cli, list(args), catch_exceptions=False)


def test_validate_accepts_the_bundled_scenarios(runner):
    result = run(runner, "validate", *map(str, bundled_paths()))
    assert result.exit_code == 0, result.output
    assert "nplv-2022" in result.output


def test_validate_reports_every_problem_with_place_and_exits_2(runner, tmp_path):
    doc = json.loads(json.dumps(TINY))
    doc["actors"][1]["kind"] = "ministery"
    doc["relations"][0]["to"] = "nowhere"
    result = run(runner, "validate", str(write(tmp_path, doc)))
    assert result.exit_code == 2
    assert "ministery" in result.output and "nowhere" in result.output
    assert "tiny.yaml:" in result.output
    assert "Traceback" not in result.output


def test_validate_json_lists_located_errors(runner, tmp_path):
    doc = json.loads(json.dumps(TINY))
    doc["actors"].append(dict(doc["actors"][0]))
    result = run(runner, "validate", "--json", str(write(tmp_path, doc)))
    assert result.exit_code == 2
    payload = json.loads(result.stdout)
    assert payload["ok"] is False
    assert any(e["code"] == "duplicate-id" and e.get("line") for e in payload["errors"])


def test_two_files_with_one_scenario_id_exit_2(runner, tmp_path):
    a, b = write(tmp_path, TINY, "a.yaml"), write(tmp_path, TINY, "b.yaml")
    result = run(runner, "analyze", "--data", str(a), "--data", str(b), "--json")
    assert result.exit_code == 2
    assert "a.yaml" in result.output and "b.yaml" in result.output


def test_analyze_json_has_the_contract_keys(runner, tmp_path):
    result = run(
        runner, "analyze", "--data", str(write(tmp_path, TINY)), "--scenario", "tiny", "--json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["scenario"] == "tiny"
    assert data["layers"] == {"min": 0, "office": 1, "res": 2, "lonely": 0}
    assert data["isolated"] == ["lonely"]
    assert data["steering_depth"] == 2
    assert ["min", "office", "res"] in data["steering_chains"]
    assert data["voice_reach"]["resident_group"]["reached"] == {"office": 1}


def test_analyze_text_shows_betweenness_from_the_json(runner, tmp_path):
    path = str(write(tmp_path, TINY))
    data = json.loads(run(runner, "analyze", "--data", path, "--json").stdout)
    text = run(runner, "analyze", "--data", path).stdout
    section = text.split("Betweenness on the control graph")[1]
    assert "exact" in section.splitlines()[0]
    top, value = max(data["centrality"]["betweenness"].items(), key=lambda kv: kv[1])
    first_row = section.splitlines()[4].split()
    assert first_row[0] == top and float(first_row[1]) == pytest.approx(value, abs=1e-3)


def test_analyze_confirmed_only_drops_inferred_voice(runner, tmp_path):
    path = str(write(tmp_path, TINY))
    result = run(runner, "analyze", "--data", path, "--confirmed-only", "--json")
    data = json.loads(result.stdout)
    assert data["voice_reach"]["resident_group"]["reached"] == {}


def test_analyze_without_scenario_among_several_exits_2(runner):
    result = run(runner, "analyze", "--json")
    assert result.exit_code == 2
    assert "--scenario" in result.output


def test_unknown_scenario_exits_2_naming_the_loaded_ones(runner):
    result = run(runner, "analyze", "--scenario", "nope")
    assert result.exit_code == 2
    assert "nplv-2022" in result.output


def test_bad_as_of_is_a_usage_error(runner):
    result = run(runner, "analyze", "--scenario", "nprz", "--as-of", "July")
    assert result.exit_code == 2


def test_compare_json_shape(runner):
    result = run(runner, "compare", "nplv-2022", "wijkaanpak-manifest", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["a"], data["b"]) == ("nplv-2022", "wijkaanpak-manifest")
    for part in ("actors", "relations"):
        assert set(data[part]) >= {"added", "removed", "changed"}
    depth = data["metrics"]["steering_depth"]
    assert depth["delta"] == depth["b"] - depth["a"]


def test_query_json_shape_and_params(runner, tmp_path):
    path = str(write(tmp_path, TINY))
    cypher = "MATCH (a:Actor {kind: $kind}) RETURN a.id AS id ORDER BY id"
    result = run(runner, "query", "--data", path, cypher, "--param", "kind=ministry", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"columns": ["id"], "rows": [["min"]], "truncated": False}


def test_query_refuses_writes_with_exit_2(runner, tmp_path):
    path = str(write(tmp_path, TINY))
    result = run(runner, "query", "--data", path, "MATCH (a:Actor) DETACH DELETE a")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_param_values_are_json_when_they_parse():
    assert parse_params(("n=3", "b=true", 'l=["a"]', "t=hello")) == {
        "n": 3,
        "b": True,
        "l": ["a"],
        "t": "hello",
    }


@pytest.mark.parametrize("fmt", ["yaml", "json", "csv", "xlsx", "graphml", "gexf"])
def test_export_reads_back_the_same_scenario(runner, tmp_path, fmt):
    from graph.formats import read_path

    src = write(tmp_path, TINY)
    out = tmp_path / f"out.{fmt}"
    result = run(runner, "export", "--data", str(src), "--format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    (back,) = read_path(out)
    (orig,) = read_path(src)
    assert back == orig


def test_export_gexf_carries_the_layered_layout(runner, tmp_path):
    out = tmp_path / "tiny.gexf"
    result = run(runner, "export", "--data", str(write(tmp_path, TINY)), "--format", "gexf",
                 "-o", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    G = nx.read_gexf(out)
    layers = json.loads(
        run(runner, "analyze", "--data", str(tmp_path / "tiny.yaml"), "--json").stdout
    )["layers"]
    height = {n: G.nodes[n]["viz"]["position"]["y"] for n in G}
    placed = [n for n in layers if n != "lonely"]  # the isolated actor has its own band
    # Gephi's y axis points up: a deeper steering layer is lower.
    assert sorted(placed, key=lambda n: -height[n]) == sorted(placed, key=lambda n: layers[n])


def test_export_cypher_writes_statements(runner, tmp_path):
    out = tmp_path / "nprz.cypher"
    result = run(runner, "export", "--scenario", "nprz", "--format", "cypher", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert ":Actor" in text and "nprz" in text


def test_import_into_a_db_folder_persists_and_replaces(runner, tmp_path):
    db = str(tmp_path / "db")
    path = write(tmp_path, TINY)
    assert run(runner, "import", "--db", db, str(path)).exit_code == 0
    changed = json.loads(json.dumps(TINY))
    changed["actors"][0]["name"] = "Renamed ministry"
    assert (
        run(runner, "import", "--db", db, str(write(tmp_path, changed, "v2.yaml"))).exit_code == 0
    )
    result = run(
        runner, "query", "--db", db, "MATCH (a:Actor) RETURN a.name ORDER BY a.name", "--json"
    )
    names = [row[0] for row in json.loads(result.stdout)["rows"]]
    assert "Renamed ministry" in names and "Ministry" not in names


def test_import_needs_a_lasting_store(runner, tmp_path):
    result = run(runner, "import", str(write(tmp_path, TINY)))
    assert result.exit_code == 2


def test_failed_import_leaves_the_db_unchanged(runner, tmp_path):
    db = str(tmp_path / "db")
    assert run(runner, "import", "--db", db, str(write(tmp_path, TINY))).exit_code == 0
    bad = json.loads(json.dumps(TINY))
    bad["actors"][0]["name"] = "Changed"
    bad["relations"].append({"from": "min", "to": "ghost", "type": "STEERS"})
    assert run(runner, "import", "--db", db, str(write(tmp_path, bad, "bad.yaml"))).exit_code == 2
    result = run(runner, "query", "--db", db, "MATCH (a:Actor {id: 'min'}) RETURN a.name", "--json")
    assert json.loads(result.stdout)["rows"] == [["Ministry"]]


def test_help_lists_every_command(runner):
    result = run(runner, "--help")
    for command in (
        "serve",
        "validate",
        "import",
        "analyze",
        "compare",
        "query",
        "export",
        "neo4j",
    ):
        assert command in result.output


# Option ranges, binding, output paths, store precedence and the neo4j subcommands.


@pytest.mark.parametrize(
    "args",
    [
        # --get answers one request without listening, so the range check alone decides.
        ["serve", "--port", "99999", "--get", "/healthz"],
        ["serve", "--port", "-1", "--get", "/healthz"],
        ["neo4j", "start", "--port", "70000"],
        ["neo4j", "status", "--port", "0"],
        ["neo4j", "stop", "--port", "65536"],
    ],
    ids=" ".join,
)
def test_ports_out_of_range_exit_2(runner, args):
    result = run(runner, *args)
    assert result.exit_code == 2
    assert "--port" in result.output and "65535" in result.output


@pytest.fixture
def busy_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_serve_on_a_port_in_use_says_so_without_announcing(runner, tmp_path, busy_port):
    path = str(write(tmp_path, TINY))
    result = run(runner, "serve", "--data", path, "--port", str(busy_port))
    assert result.exit_code == 1
    assert f"port {busy_port} on 127.0.0.1 is already in use" in result.output
    assert "Pick another --port" in result.output
    assert "http://" not in result.output and "unexpected" not in result.output


@pytest.mark.parametrize("host", ["nosuch.invalid", "192.0.2.1"])
def test_serve_on_a_host_it_cannot_bind_exits_2(runner, tmp_path, host):
    result = run(runner, "serve", "--data", str(write(tmp_path, TINY)), "--host", host)
    assert result.exit_code == 2
    assert f"--host '{host}'" in result.output
    assert "127.0.0.1" in result.output and "0.0.0.0" in result.output
    assert "http://" not in result.output and "unexpected" not in result.output


def test_serve_announces_the_port_it_really_listens_on(tmp_path):
    import re
    import subprocess
    import sys
    import urllib.request

    args = [sys.executable, "-m", "app", "serve", "--data", str(write(tmp_path, TINY))]
    proc = subprocess.Popen([*args, "--port", "0"], stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", line).group(1))
        assert port > 0
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/scenarios", timeout=10) as r:
            assert "tiny" in r.read().decode()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stderr.close()


@pytest.mark.parametrize(
    ("fmt", "make", "name"),
    [
        ("csv", lambda p: p.write_text("x"), "taken.txt"),
        ("yaml", lambda p: p.mkdir(), "folder"),
        (
            "yaml",
            lambda p: p.parent.mkdir() or p.parent.rmdir() or p.parent.write_text("x"),
            "f/x.yaml",
        ),
    ],
    ids=["csv-onto-a-file", "yaml-onto-a-folder", "yaml-under-a-file"],
)
def test_export_to_an_unusable_path_exits_2_naming_it(runner, tmp_path, fmt, make, name):
    out = tmp_path / name
    make(out)
    result = run(runner, "export", "--scenario", "nprz", "--format", fmt, "-o", str(out))
    assert result.exit_code == 2, result.output
    assert str(out) in result.output and "-o" in result.output
    assert "unexpected" not in result.output


def test_export_to_a_place_nobody_can_write_exits_2(runner):
    result = run(runner, "export", "--scenario", "nprz", "--format", "yaml", "-o", "/proc/x.yaml")
    assert result.exit_code == 2, result.output
    assert "/proc/x.yaml" in result.output and "Hint:" in result.output
    assert "unexpected" not in result.output


@pytest.mark.parametrize(
    "option", [["--timeout", "-1"], ["--timeout", "0"], ["--limit", "0"], ["--limit", "-3"]]
)
def test_query_limits_out_of_range_exit_2(runner, tmp_path, option):
    path = str(write(tmp_path, TINY))
    result = run(runner, "query", "--data", path, "MATCH (a:Actor) RETURN a.id", *option)
    assert result.exit_code == 2
    assert option[0] in result.output


def test_query_limit_caps_the_rows(runner, tmp_path):
    path = str(write(tmp_path, TINY))
    result = run(runner, "query", "--data", path, "MATCH (a:Actor) RETURN a.id", "--limit", "1")
    payload = json.loads(run(runner, "query", "--data", path, "MATCH (a:Actor) RETURN a.id",
                             "--limit", "1", "--json").stdout)  # fmt: skip
    assert result.exit_code == 0
    assert len(payload["rows"]) == 1 and payload["truncated"] is True


UNREACHABLE_NEO4J = {"NEO4J_URI": "bolt://127.0.0.1:1"}


def test_db_on_the_command_line_beats_neo4j_uri_in_the_environment(tmp_path):
    db = str(tmp_path / "db")
    runner = CliRunner(env=UNREACHABLE_NEO4J)
    assert run(runner, "import", "--db", db, str(write(tmp_path, TINY))).exit_code == 0
    result = run(runner, "query", "--db", db, "MATCH (a:Actor {id: 'min'}) RETURN a.name", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rows"] == [["Ministry"]]


def test_neo4j_uri_in_the_environment_is_used_without_db(tmp_path):
    result = run(CliRunner(env=UNREACHABLE_NEO4J), "query", "RETURN 1")
    assert result.exit_code == 1
    assert "127.0.0.1:1" in result.output


@pytest.mark.parametrize("command", ["query", "import"])
def test_neo4j_and_db_together_are_a_usage_error(runner, tmp_path, command):
    args = ["RETURN 1"] if command == "query" else [str(write(tmp_path, TINY))]
    result = run(runner, command, "--neo4j", "bolt://127.0.0.1:1", "--db", str(tmp_path), *args)
    assert result.exit_code == 2
    assert "--neo4j" in result.output and "--db" in result.output


def test_unreachable_neo4j_hint_speaks_of_neo4j(runner):
    result = run(runner, "query", "--neo4j", "bolt://127.0.0.1:1", "RETURN 1")
    assert result.exit_code == 1
    hint = result.output.split("Hint:", 1)[1]
    assert "NEO4J_URI" in hint and "--db" not in hint


def test_unusable_db_folder_hint_speaks_of_the_folder(runner, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run(runner, "query", "--db", str(blocker / "db"), "RETURN 1")
    assert result.exit_code == 1
    hint = result.output.split("Hint:", 1)[1]
    assert "--db folder" in hint and "NEO4J" not in hint


@pytest.fixture
def fake_launcher(tmp_path):
    """A process that passes for the launcher, and its state file on port 7777."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "Launcher"])
    state = {"uri": "bolt://127.0.0.1:7777", "pid": proc.pid, "dir": str(tmp_path), "port": 7777}
    (tmp_path / "neo4j-server.json").write_text(json.dumps(state))
    yield proc
    proc.kill()
    proc.wait()


def test_neo4j_status_with_port_checks_the_port(runner, tmp_path, fake_launcher):
    ok = run(runner, "neo4j", "status", "--dir", str(tmp_path), "--port", "7777", "--json")
    assert ok.exit_code == 0
    assert json.loads(ok.stdout)["uri"] == "bolt://127.0.0.1:7777"
    other = run(runner, "neo4j", "status", "--dir", str(tmp_path), "--port", "7778", "--json")
    assert other.exit_code == 1
    assert json.loads(other.stdout)["running"] is False


def test_neo4j_stop_with_another_port_stops_nothing(runner, tmp_path, fake_launcher):
    result = run(runner, "neo4j", "stop", "--dir", str(tmp_path), "--port", "7778")
    assert result.exit_code == 1
    assert "7777" in result.output and fake_launcher.poll() is None
    assert run(runner, "neo4j", "stop", "--dir", str(tmp_path), "--port", "7777").exit_code == 0
    assert fake_launcher.wait(timeout=10) is not None


def test_neo4j_status_json_when_not_running(runner, tmp_path):
    result = run(runner, "neo4j", "status", "--dir", str(tmp_path), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "running": False,
        "uri": None,
        "pid": None,
        "dir": str(tmp_path.resolve()),
    }


def test_python_m_app_cli_runs_the_command_line():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    assert "query" in done.stdout and "serve" in done.stdout


def test_query_text_output_counts_one_row_and_caps_wide_cells(runner, tmp_path):
    path = str(write(tmp_path, TINY))
    result = run(runner, "query", "--data", path, "MATCH (a:Actor {id: 'min'}) RETURN a, a.id")
    assert result.exit_code == 0, result.output
    assert "(1 row)" in result.stderr
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= 100
    assert "…" in lines[2] and lines[2].rstrip().endswith("min")


@pytest.mark.parametrize(
    ("variable", "value", "option"),
    [("GOVGRAPH_QUERY_TIMEOUT", "soon", "--timeout"), ("GOVGRAPH_QUERY_ROW_LIMIT", "0", "--limit")],
)
def test_query_limits_from_the_environment_are_checked_too(tmp_path, variable, value, option):
    path = str(write(tmp_path, TINY))
    result = run(CliRunner(env={variable: value}), "query", "--data", path, "RETURN 1")
    assert result.exit_code == 2
    assert option in result.output and "unexpected" not in result.output


def test_query_row_limit_from_the_environment_applies(tmp_path):
    path = str(write(tmp_path, TINY))
    runner = CliRunner(env={"GOVGRAPH_QUERY_ROW_LIMIT": "2"})
    result = run(runner, "query", "--data", path, "MATCH (a:Actor) RETURN a.id", "--json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["rows"]) == 2
