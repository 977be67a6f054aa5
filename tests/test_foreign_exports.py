"""Exports other tools read whole: Gephi's own importer (the Gephi Toolkit jar, default
settings), networkx and igraph read every actor and relation of nplv-2022, with their names
and attribute columns; Kumu's workbook has Kumu's sheets and columns."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from conftest import missing_part
from openpyxl import load_workbook

from app.commands import _layout
from graph.formats import read_path, write_scenario
from graph.formats.kumu import CONNECTION_COLUMNS, ELEMENT_COLUMNS
from graph.formats.xmlgraph import edge_kinds
from graph.model import Scenario

ROOT = Path(__file__).resolve().parent.parent
GEPHI = ROOT / "scripts/gephi"
GEPHI_JAR = GEPHI / "lib/gephi-toolkit-0.10.1-all.jar"


@pytest.fixture(scope="module")
def nplv() -> Scenario:
    (scenario,) = read_path(ROOT / "graph/datasets/nplv-2022.yaml")
    return scenario


@pytest.fixture(scope="module")
def exports(nplv: Scenario, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """nplv-2022 written as `govgraph export` writes it (GEXF with the explorer's layout)."""
    folder = tmp_path_factory.mktemp("exports")
    paths = {}
    for fmt, suffix in (("gexf", ".gexf"), ("graphml", ".graphml"), ("kumu", ".xlsx")):
        positions = _layout(nplv) if fmt == "gexf" else None
        paths[fmt] = folder / f"nplv-2022{suffix}"
        write_scenario(nplv, fmt, paths[fmt], positions=positions)
    return paths


def test_nplv_has_parallel_relations(nplv: Scenario) -> None:
    pairs = Counter((r.source, r.target) for r in nplv.relations)
    assert sum(n - 1 for n in pairs.values()) == 31  # what Gephi used to fold into one


@pytest.fixture(scope="module")
def gephi_reads(exports: dict[str, Path]) -> dict[str, dict]:
    """What Gephi's importer (default settings) makes of each export, one JSON line each."""
    java = shutil.which("java")
    if java is None or not GEPHI_JAR.is_file():
        missing_part("java and scripts/gephi/lib (mvn -f scripts/gephi/pom.xml "
                     "dependency:copy-dependencies)")  # fmt: skip
    files = [str(exports["gexf"]), str(exports["graphml"])]
    done = subprocess.run(
        [str(java), "-cp", str(GEPHI_JAR), str(GEPHI / "ReadGraph.java"), *files],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return {Path(d["file"]).suffix[1:]: d for d in lines}


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_gephi_reads_every_actor_and_relation(
    fmt: str, nplv: Scenario, gephi_reads: dict[str, dict]
) -> None:
    seen = gephi_reads[fmt]
    assert seen["nodes"] == len(nplv.actors)
    assert seen["edges"] == len(nplv.relations)  # no parallel relation merged away
    assert sorted(seen["labels"]) == sorted(a.name for a in nplv.actors)
    kinds = edge_kinds([{"from": r.source, "to": r.target, "type": r.type}
                        for r in nplv.relations])  # fmt: skip
    assert Counter(seen["edge_types"]) == Counter(kinds)
    for column in ("kind", "level", "sector", "sources", "confidence"):
        assert column in seen["node_columns"]
    for column in ("type", "sources", "formal", "amount_eur", "confidence"):
        assert column in seen["edge_columns"]


def test_networkx_reads_the_graphml_whole(nplv: Scenario, exports: dict[str, Path]) -> None:
    G = nx.read_graphml(exports["graphml"], force_multigraph=True)
    assert G.number_of_nodes() == len(nplv.actors)
    assert G.number_of_edges() == len(nplv.relations)
    names = {a.id: a.name for a in nplv.actors}
    assert all(G.nodes[n]["label"] == names[n] for n in G)
    assert Counter(d["type"] for _, _, d in G.edges(data=True)) == Counter(
        r.type for r in nplv.relations
    )


def test_igraph_reads_the_graphml_whole(nplv: Scenario, exports: dict[str, Path]) -> None:
    import igraph

    g = igraph.Graph.Read_GraphML(str(exports["graphml"]))
    assert (g.vcount(), g.ecount()) == (len(nplv.actors), len(nplv.relations))
    assert sorted(g.vs["label"]) == sorted(a.name for a in nplv.actors)
    assert {"kind", "level", "sources"} <= set(g.vs.attributes())
    assert {"type", "formal", "amount_eur"} <= set(g.es.attributes())


def test_graphml_carries_yed_node_labels(nplv: Scenario, exports: dict[str, Path]) -> None:
    from lxml import etree

    root = etree.parse(str(exports["graphml"])).getroot()
    y = {"y": "http://www.yworks.com/xml/graphml"}
    keys = root.findall("{http://graphml.graphdrawing.org/xmlns}key")
    assert any(k.get("yfiles.type") == "nodegraphics" for k in keys)
    labels = [e.text for e in root.iterfind(".//y:ShapeNode/y:NodeLabel", y)]
    assert sorted(labels) == sorted(a.name for a in nplv.actors)


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_exports_still_round_trip(fmt: str, nplv: Scenario, exports: dict[str, Path]) -> None:
    assert read_path(exports[fmt]) == [nplv]


def test_kumu_workbook_has_kumus_sheets_and_columns(
    nplv: Scenario, exports: dict[str, Path]
) -> None:
    book = load_workbook(exports["kumu"], read_only=True)
    assert book.sheetnames == ["Elements", "Connections"]
    elements = list(book["Elements"].iter_rows(values_only=True))
    connections = list(book["Connections"].iter_rows(values_only=True))
    assert elements[0] == ELEMENT_COLUMNS and connections[0] == CONNECTION_COLUMNS
    assert [row[0] for row in elements[1:]] == [a.name for a in nplv.actors]
    names = {a.id: a.name for a in nplv.actors}
    assert [(row[0], row[1], row[2]) for row in connections[1:]] == [
        (names[r.source], names[r.target], r.type) for r in nplv.relations
    ]
    book.close()


def test_kumu_workbook_reads_back_as_the_same_structure(
    nplv: Scenario, exports: dict[str, Path]
) -> None:
    (back,) = read_path(exports["kumu"])
    assert [(a.name, a.kind) for a in back.actors] == [(a.name, a.kind) for a in nplv.actors]
    ids = {a.id: a.name for a in nplv.actors}
    back_ids = {a.id: a.name for a in back.actors}
    assert [(back_ids[r.source], back_ids[r.target], r.type) for r in back.relations] == [
        (ids[r.source], ids[r.target], r.type) for r in nplv.relations
    ]
