"""Graphs written by other tools open whole: every node and edge, names kept, attributes kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from foreign_files import MAKERS, Made, apoc_graphml, kumu_workbook, yed_graphml
from openpyxl import Workbook

from graph.formats import load_paths, read_path, read_uploads, write_scenario
from graph.formats.foreign import mapping_notice
from graph.model import attributes_dict
from graph.validation import ID_PATTERN

ROOT = Path(__file__).resolve().parent.parent


def _one(made: Made):
    (scenario,) = load_paths(list(made.paths))
    return scenario


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_every_foreign_file_opens_whole(name: str, tmp_path: Path) -> None:
    made = MAKERS[name](tmp_path)
    scenario = _one(made)
    assert {a.name for a in scenario.actors} == made.names
    assert len(scenario.relations) == made.edges
    assert all(ID_PATTERN.fullmatch(a.id) for a in scenario.actors)


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_foreign_file_round_trips_through_govgraph_yaml(name: str, tmp_path: Path) -> None:
    scenario = _one(MAKERS[name](tmp_path))
    for fmt in ("yaml", "xlsx", "graphml"):
        write_scenario(scenario, fmt, tmp_path / f"out.{fmt}")
        assert read_path(tmp_path / f"out.{fmt}") == [scenario]


def test_capitalised_ids_become_stable_slugs_with_the_original_kept(tmp_path: Path) -> None:
    scenario = _one(MAKERS["multigraph-node-link"](tmp_path))
    ministry = scenario.actor_map()["ministry-a"]
    assert (ministry.name, ministry.kind) == ("Ministry of Affairs", "ministry")
    assert attributes_dict(ministry.attributes)["foreign_id"] == "Ministry A"
    assert [r.type for r in scenario.relations] == ["FUNDS", "STEERS", "REPORTS_TO"]
    # one weight lies outside 0..1: every weight is kept as given, under foreign_weight
    weights = [attributes_dict(r.attributes).get("foreign_weight") for r in scenario.relations]
    assert weights == [250, 3, None] and {r.weight for r in scenario.relations} == {1.0}
    assert _one(MAKERS["multigraph-node-link"](tmp_path)) == scenario  # stable


def test_weights_from_zero_to_one_are_the_relation_weight(tmp_path: Path) -> None:
    (tmp_path / "w.csv").write_text("From,To,Weight\na,b,0.25\nb,c,1\n")
    (scenario,) = read_path(tmp_path / "w.csv")
    assert [r.weight for r in scenario.relations] == [0.25, 1.0]
    assert all(r.attributes is None for r in scenario.relations)


def test_gexf_weights_above_one_open(tmp_path: Path) -> None:
    scenario = _one(MAKERS["lesmis-gexf"](tmp_path))
    weights = [attributes_dict(r.attributes)["foreign_weight"] for r in scenario.relations]
    assert max(weights) == 31.0 and all(attributes_dict(r.attributes)["undirected"]
                                        for r in scenario.relations)  # fmt: skip


def test_yed_names_come_from_node_labels_and_the_name_key(tmp_path: Path) -> None:
    scenario = _one(yed_graphml(tmp_path))
    assert [(a.id, a.name) for a in scenario.actors] == [
        ("n0", "Ministerie van BZK"), ("n1", "Programmabureau"), ("n2", "Gemeente Rotterdam"),
    ]  # fmt: skip
    assert scenario.actors[2].description == "only a description"
    assert [r.type for r in scenario.relations] == ["STEERS", "RELATED_TO", "RELATED_TO"]
    assert attributes_dict(scenario.relations[0].attributes) == {"Relation": "Steers",
                                                                  "label": "stuurt"}  # fmt: skip


def test_apoc_labels_and_types(tmp_path: Path) -> None:
    scenario = _one(apoc_graphml(tmp_path))
    kinds = [(a.name, a.kind) for a in scenario.actors]
    assert kinds == [("Ada", "person"), ("Treasury", "ministry")]
    assert attributes_dict(scenario.actors[0].attributes) == {"born": 1815, "labels": ":Person"}
    assert [r.type for r in scenario.relations] == ["ADVISES", "PAYS"]
    assert scenario.vocabulary.relation_type("PAYS").control == "none"
    assert "PAYS" in (mapping_notice(scenario) or "")


def test_kumu_connections_name_elements_by_label(tmp_path: Path) -> None:
    scenario = _one(kumu_workbook(tmp_path))
    kinds = {a.name: a.kind for a in scenario.actors}
    assert kinds["Ministry of the Interior"] == "ministry"
    assert kinds["Programme office"] == "programme_office"
    assert kinds["Residents' council"] == "other"  # 'Citizens' names no govgraph kind
    minister = scenario.actors[0]
    assert minister.tags == ("gov", "national") and minister.description == "The ministry"
    assert attributes_dict(minister.attributes) == {"Influence": 5, "Type": "Ministry"}
    by_type = [r.type for r in scenario.relations]
    assert by_type[:3] == ["STEERS", "FUNDS", "MONITORS"]
    assert {"GIVES_ADVICE", "WORKS_FOR", "REPORTS"} <= set(by_type)


def test_csv_pair_uploaded_together_is_one_scenario(tmp_path: Path) -> None:
    made = MAKERS["kumu-csv"](tmp_path)
    (scenario,) = read_uploads([(p.read_bytes(), p.name) for p in made.paths])
    assert {a.name for a in scenario.actors} == made.names
    assert scenario.relations[0].type == "FUNDS" and scenario.id == "connections"


def test_govgraph_csv_pair_uploaded_together(tmp_path: Path, sample_folder: Path) -> None:
    files = [(p.read_bytes(), p.name) for p in sorted(sample_folder.iterdir())]
    (scenario,) = read_uploads(files)
    assert scenario.actors and scenario.relations


@pytest.fixture
def sample_folder(tmp_path: Path) -> Path:
    (scenario,) = read_path(ROOT / "graph/datasets/nprz.yaml")
    write_scenario(scenario, "csv", tmp_path / "folder")
    return tmp_path / "folder"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=300)  # fmt: skip


@pytest.mark.parametrize("name", ["yed", "kumu-xlsx", "graphology", "gephi-csv", "lesmis-gexf"])
def test_cli_exports_every_foreign_file_as_json(name: str, tmp_path: Path) -> None:
    made = MAKERS[name](tmp_path)
    data = [arg for p in made.paths for arg in ("--data", str(p))]
    done = _cli("export", *data, "--format", "json", "-o", str(tmp_path / "out.json"))
    assert done.returncode == 0, done.stderr
    doc = json.loads((tmp_path / "out.json").read_text())
    assert {a["name"] for a in doc["actors"]} == made.names
    assert len(doc["relations"]) == made.edges
    assert "need a mapping" in done.stderr


def test_corrupt_workbook_is_a_clear_error(tmp_path: Path) -> None:
    kumu_workbook(tmp_path)
    data = (tmp_path / "kumu.xlsx").read_bytes()
    (tmp_path / "broken.xlsx").write_bytes(data[: len(data) // 2])
    done = _cli("validate", str(tmp_path / "broken.xlsx"))
    assert done.returncode == 2
    assert "unreadable-file" in done.stderr and "Traceback" not in done.stderr


def test_workbook_without_node_or_edge_sheets_says_what_to_add(tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["something", "else"])
    book.save(tmp_path / "odd.xlsx")
    done = _cli("validate", str(tmp_path / "odd.xlsx"))
    assert done.returncode == 2 and "missing-sheet" in done.stderr


def test_yed_group_members_are_actors_too(tmp_path: Path) -> None:
    """yEd keeps a group's members in a graph nested in the group node."""
    text = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:y="http://www.yworks.com/xml/graphml">
  <key for="node" id="d6" yfiles.type="nodegraphics"/>
  <graph edgedefault="directed" id="G">
    <node id="n0" yfiles.foldertype="group">
      <data key="d6"><y:ProxyAutoBoundsNode><y:Realizers active="0"><y:GroupNode>
        <y:NodeLabel>Alliantie-overleg</y:NodeLabel></y:GroupNode></y:Realizers>
      </y:ProxyAutoBoundsNode></data>
      <graph edgedefault="directed" id="n0:">
        <node id="n0::n0"><data key="d6"><y:ShapeNode><y:NodeLabel>Gemeente Arnhem</y:NodeLabel></y:ShapeNode></data></node>
        <node id="n0::n1"><data key="d6"><y:ShapeNode><y:NodeLabel>Gemeente Zwolle</y:NodeLabel></y:ShapeNode></data></node>
        <edge id="n0::e0" source="n0::n0" target="n0::n1"/>
      </graph>
    </node>
    <node id="n1"><data key="d6"><y:ShapeNode><y:NodeLabel>BZK</y:NodeLabel></y:ShapeNode></data></node>
    <edge id="e0" source="n1" target="n0::n0"/>
  </graph>
</graphml>
"""  # noqa: E501
    (tmp_path / "groups.graphml").write_text(text)
    (scenario,) = read_path(tmp_path / "groups.graphml")
    assert sorted(a.name for a in scenario.actors) == [
        "Alliantie-overleg", "BZK", "Gemeente Arnhem", "Gemeente Zwolle",
    ]  # fmt: skip
    assert len(scenario.relations) == 2


def test_graphml_key_defaults_fill_elements_without_data(tmp_path: Path) -> None:
    """A key's <default> is the value of every node (edge) it applies to that has no <data>
    for it; <data> wins, and a key for "all" applies to nodes and edges alike."""
    text = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="r" for="node" attr.name="region" attr.type="string"><default>Noord</default></key>
  <key id="w" for="edge" attr.name="strength" attr.type="double"><default>0.5</default></key>
  <key id="a" for="all" attr.name="document" attr.type="string"><default>kamerbrief</default></key>
  <key id="x" for="node" attr.name="note" attr.type="string"/>
  <graph edgedefault="directed">
    <node id="n0"><data key="r">Zuid</data></node>
    <node id="n1"/>
    <edge source="n0" target="n1"/>
    <edge source="n1" target="n0"><data key="w">0.9</data><data key="a">convenant</data></edge>
  </graph>
</graphml>
"""
    (tmp_path / "defaults.graphml").write_text(text)
    (scenario,) = read_path(tmp_path / "defaults.graphml")
    actors = {a.id: json.loads(a.attributes) for a in scenario.actors}
    assert actors["n0"] == {"region": "Zuid", "document": "kamerbrief"}
    assert actors["n1"] == {"region": "Noord", "document": "kamerbrief"}
    edges = sorted(
        (json.loads(r.attributes)["strength"], json.loads(r.attributes)["document"])
        for r in scenario.relations
    )
    assert edges == [(0.5, "kamerbrief"), (0.9, "convenant")]
