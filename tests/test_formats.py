"""Readers and writers: every format round-trips a scenario without loss."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl import load_workbook

from graph.errors import ValidationFailed
from graph.formats import FORMATS, read_bytes, read_path, write_scenario
from graph.formats.cypher import cypher_script
from graph.model import Scenario, ScenarioInfo
from graph.validation import validate_document
from graph.vocabulary import CONFIDENCES, CORE_KINDS, CORE_RELATION_TYPES, FLOWS, LEVELS, MODES

DATA = Path(__file__).parent / "data"
FILE_NAMES = {"yaml": "s.yaml", "json": "s.json", "csv": "s-folder", "xlsx": "s.xlsx",
              "graphml": "s.graphml", "gexf": "s.gexf"}  # fmt: skip

# --- a strategy for valid scenarios ------------------------------------------------------

ids = st.from_regex(r"[a-z0-9][a-z0-9_.-]{0,6}", fullmatch=True)
visible = st.characters(categories=("L", "N", "P", "S"))
#: Starts that a spreadsheet would run as a formula, and the quote that neutralises them.
formula_starts = st.sampled_from(["", "", "=", "+", "-", "@", "'", "''", "'="])
texts = st.tuples(
    formula_starts,
    visible,
    st.text(st.characters(categories=("L", "N", "P", "S", "Zs"), include_characters="\n")),
).map("".join)
items = texts.map(str.strip)
dates = st.dates(min_value=dt.date(1000, 1, 1)).flatmap(
    lambda d: st.sampled_from([d.isoformat(), d.isoformat()[:7], d.isoformat()[:4]])
)
amounts = st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**12), 10**12)


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


@st.composite
def _common(draw: st.DrawFn, source_ids: list[str]) -> dict[str, Any]:
    since, until = sorted([draw(dates), draw(dates)])
    return {
        "sources": draw(st.lists(st.sampled_from(source_ids), max_size=2)) if source_ids else None,
        "tags": draw(_optional(st.lists(items, max_size=3))),
        "since": since if draw(st.booleans()) else None,
        "until": until if draw(st.booleans()) else None,
        "confidence": draw(_optional(st.sampled_from(CONFIDENCES))),
        "note": draw(_optional(texts)),
    }


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """Draw a valid interchange document and return the scenario it describes."""
    source_ids = draw(st.lists(ids, max_size=3, unique=True))
    kinds = draw(st.lists(st.from_regex(r"x[a-z_]{0,6}", fullmatch=True), max_size=2, unique=True))
    type_names = draw(st.lists(st.from_regex(r"X[A-Z_]{0,6}", fullmatch=True), max_size=2,
                               unique=True))  # fmt: skip
    actor_ids = draw(st.lists(ids, min_size=1, max_size=5, unique=True))
    doc: dict[str, Any] = {
        "govgraph": 1,
        "scenario": {"id": draw(ids), "title": draw(texts), "description": draw(_optional(texts)),
                     "date": draw(_optional(dates))},
        "sources": [{"id": s, "title": draw(_optional(texts)), "url": draw(_optional(texts)),
                     "published": draw(_optional(dates))} for s in source_ids],
        "vocabulary": {"kinds": kinds, "relation_types": [
            {"type": t, "mode": draw(st.sampled_from(MODES)),
             "control": draw(st.sampled_from(FLOWS)), "voice": draw(st.sampled_from(FLOWS)),
             "accountability": draw(st.booleans())}
            for t in type_names]},
        "actors": [{"id": a, "name": draw(texts),
                    "kind": draw(st.sampled_from(CORE_KINDS + tuple(kinds))),
                    "level": draw(_optional(st.sampled_from(LEVELS))),
                    "sector": draw(_optional(st.lists(items, max_size=3) | items)),
                    "description": draw(_optional(texts)), **draw(_common(source_ids))}
                   for a in actor_ids],
    }  # fmt: skip
    doc["relations"] = [
        {"id": draw(st.sampled_from([None, f"r{i}", f"R:{i}"])),
         "from": draw(st.sampled_from(actor_ids)), "to": draw(st.sampled_from(actor_ids)),
         "type": draw(st.sampled_from(tuple(CORE_RELATION_TYPES) + tuple(type_names))),
         "weight": draw(_optional(st.floats(0, 1))), "formal": draw(_optional(st.booleans())),
         "amount_eur": draw(_optional(amounts)), **draw(_common(source_ids))}
        for i in range(draw(st.integers(0, 6)))
    ]  # fmt: skip
    return validate_document(doc)


def _round_trip(scenario: Scenario, fmt: str) -> list[Scenario]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / FILE_NAMES[fmt]
        write_scenario(scenario, fmt, path)
        return read_path(path)


@pytest.mark.parametrize("fmt", list(FILE_NAMES))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios())
def test_every_format_round_trips_without_loss(fmt: str, scenario: Scenario) -> None:
    assert _round_trip(scenario, fmt) == [scenario]


def test_formats_tuple_names_every_writer() -> None:
    assert FORMATS == ("yaml", "json", "csv", "xlsx", "graphml", "gexf", "cypher", "kumu")


@pytest.fixture
def sample() -> Scenario:
    return read_path(DATA / "sample.yaml")[0]


def test_sample_round_trips_keep_relation_ids(sample: Scenario) -> None:
    for fmt in FILE_NAMES:
        (back,) = _round_trip(sample, fmt)
        assert [r.id for r in back.relations] == [r.id for r in sample.relations], fmt
        assert back == sample, fmt


def test_graphml_declares_typed_keys_and_networkx_reads_it(sample: Scenario, tmp_path: Path):
    write_scenario(sample, "graphml", tmp_path / "s.graphml")
    G = nx.read_graphml(tmp_path / "s.graphml", force_multigraph=True)
    assert G.graph["scenario_id"] == "sample" and G.graph["govgraph"] == 1
    assert G.nodes["min-bzk"]["kind"] == "ministry"
    edge = next(d for _, _, k, d in G.edges(keys=True, data=True) if k == "bzk-allocates")
    assert edge["amount_eur"] == 256e6 and edge["weight"] == 0.5


def test_graphml_nodes_carry_the_label_gephi_shows(sample: Scenario, tmp_path: Path) -> None:
    write_scenario(sample, "graphml", tmp_path / "s.graphml")
    G = nx.read_graphml(tmp_path / "s.graphml", force_multigraph=True)
    assert all(G.nodes[a.id]["label"] == a.name for a in sample.actors)
    assert read_path(tmp_path / "s.graphml")[0] == sample  # the label is not an extra field


def test_gexf_is_1_3_with_declared_attributes(sample: Scenario, tmp_path: Path) -> None:
    write_scenario(sample, "gexf", tmp_path / "s.gexf")
    root = etree.parse(str(tmp_path / "s.gexf")).getroot()
    assert root.tag == "{http://gexf.net/1.3}gexf" and root.get("version") == "1.3"
    declared = {a.get("id") for a in root.iter("{http://gexf.net/1.3}attribute")}
    used = {v.get("for") for v in root.iter("{http://gexf.net/1.3}attvalue")}
    assert used <= declared
    G = nx.read_gexf(tmp_path / "s.gexf")
    assert G.nodes["council"]["label"] == "District council"


def test_gexf_positions_are_written_for_gephi_and_ignored_on_reading(
    sample: Scenario, tmp_path: Path
) -> None:
    positions = {a.id: (10.0 * i, 150.0 * (i % 3)) for i, a in enumerate(sample.actors)}
    write_scenario(sample, "gexf", tmp_path / "s.gexf", positions=positions)
    G = nx.read_gexf(tmp_path / "s.gexf")
    for actor_id, (x, y) in positions.items():
        assert G.nodes[actor_id]["viz"]["position"] == {"x": x, "y": -y, "z": 0.0}
    assert read_path(tmp_path / "s.gexf")[0] == sample
    write_scenario(sample, "graphml", tmp_path / "s.graphml", positions=positions)
    assert read_path(tmp_path / "s.graphml")[0] == sample  # no layout in GraphML: left out


def test_foreign_graphml_loads_leniently(tmp_path: Path) -> None:
    G = nx.DiGraph()
    G.add_node("alpha", label="Alpha", size=3)
    G.add_edge("alpha", "beta")
    nx.write_graphml(G, tmp_path / "Other Tool.graphml")
    (scenario,) = read_path(tmp_path / "Other Tool.graphml")
    assert scenario.id == "other-tool"
    assert [(a.id, a.name, a.kind) for a in scenario.actors] == [
        ("alpha", "Alpha", "other"),
        ("beta", "beta", "other"),
    ]
    assert scenario.relations[0].type == "RELATED_TO"  # declared, without control or voice
    assert scenario.actors[0].attributes == '{"size": 3}'


def test_foreign_gexf_loads_leniently(tmp_path: Path) -> None:
    G = nx.DiGraph()
    G.add_edge("a", "b", weight=0.5)
    nx.write_gexf(G, tmp_path / "g.gexf")
    (scenario,) = read_path(tmp_path / "g.gexf")
    assert scenario.relations[0].weight == 0.5 and scenario.actors[0].kind == "other"


def test_graphml_problem_has_its_line(sample: Scenario, tmp_path: Path) -> None:
    write_scenario(sample, "graphml", tmp_path / "s.graphml")
    text = (tmp_path / "s.graphml").read_text().replace(">ministry<", ">minstry<")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if ">minstry<" in t)
    with pytest.raises(ValidationFailed) as info:
        read_bytes(text.encode(), "s.graphml")
    (problem,) = info.value.problems
    assert (problem.code, problem.line, problem.value) == ("unknown-kind", line, "minstry")


def test_xlsx_problem_names_sheet_and_row(sample: Scenario, tmp_path: Path) -> None:
    write_scenario(sample, "xlsx", tmp_path / "s.xlsx")
    book = load_workbook(tmp_path / "s.xlsx")
    book["relations"]["D3"] = "FUND"
    book["actors"]["A1"] = "ident"
    book.save(tmp_path / "s.xlsx")
    with pytest.raises(ValidationFailed) as info:
        read_path(tmp_path / "s.xlsx")
    found = {(p.code, p.sheet, p.row, p.value) for p in info.value.problems}
    assert ("unknown-relation-type", "relations", 3, "FUND") in found
    assert ("unknown-column", "actors", 1, "ident") in found
    assert ("missing-column", "actors", 1, "id") in found


def test_csv_sample_folder_and_zip(tmp_path: Path) -> None:
    (scenario,) = read_path(DATA / "sample-csv")
    assert scenario.info.description == "Steering, in two layers"
    assert scenario.actor_map()["min-bzk"].sector == ("governance", "housing")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("scenario.csv", "actors.csv", "relations.csv"):
            archive.write(DATA / "sample-csv" / name, f"sample-csv/{name}")
    assert read_bytes(buffer.getvalue(), "upload.zip") == [scenario]


def test_csv_without_scenario_file_takes_the_folder_name(tmp_path: Path) -> None:
    folder = tmp_path / "My Case"
    folder.mkdir()
    (folder / "actors.csv").write_text("id,name,kind\na,A,ministry\n")
    (folder / "relations.csv").write_text("from,to,type\n")
    assert read_path(folder)[0].info.id == "my-case"


def test_csv_syntax_error_and_missing_file(tmp_path: Path) -> None:
    (tmp_path / "actors.csv").write_text('id,name,kind\na,"A,ministry\n')
    with pytest.raises(ValidationFailed) as info:
        read_path(tmp_path)
    assert [p.code for p in info.value.problems] == ["missing-file"]
    (tmp_path / "relations.csv").write_text("from,to,type\n")
    with pytest.raises(ValidationFailed) as info:
        read_path(tmp_path)
    assert [p.code for p in info.value.problems] == ["syntax-error"]


def test_folder_of_files_reads_each(sample: Scenario, tmp_path: Path) -> None:
    write_scenario(sample, "yaml", tmp_path / "a.yaml")
    other = Scenario(ScenarioInfo("other", "Other"), actors=sample.actors[1:2])
    write_scenario(other, "csv", tmp_path / "b")
    assert read_path(tmp_path) == [sample, other]


def test_cypher_script_uses_the_neo4j_mapping(sample: Scenario) -> None:
    script = cypher_script(sample)
    assert "MERGE (n:Actor {scenario: 'sample', id: 'min-bzk'}) SET n:`Ministry`" in script
    assert "[r:`ALLOCATES` {scenario: 'sample', id: 'bzk-allocates'}]" in script
    assert "amount_eur: 256000000.0" in script and "sector: ['governance']" in script
    assert "CREATE (:Scenario {id: 'sample', title: 'A small sample'" in script
    assert "MERGE (n:Source {scenario: 'sample', id: 'kleinhans-2022'})" in script


def test_unknown_format_and_suffix(sample: Scenario, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_scenario(sample, "dot", tmp_path / "x.dot")
    with pytest.raises(ValidationFailed) as info:
        read_bytes(b"x", "x.txt")
    assert info.value.problems[0].code == "unsupported-format"


def test_archives_that_unpack_too_large_are_refused_before_unpacking(monkeypatch, tmp_path):
    from graph.formats import archive

    (scenario,) = read_path(DATA / "sample.yaml")
    folder = tmp_path / "csv"
    write_scenario(scenario, "csv", folder)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for member in folder.iterdir():
            z.write(member, member.name)
    assert read_bytes(buffer.getvalue(), "ok.zip")[0] == scenario
    monkeypatch.setattr(archive, "MAX_UNZIPPED_BYTES", 100)
    with pytest.raises(ValidationFailed) as caught:
        read_bytes(buffer.getvalue(), "bomb.zip")
    assert [p.code for p in caught.value.problems] == ["archive-too-large"]


FORMULAS = ['=HYPERLINK("http://evil.example","x")', "@SUM(A1)", "+1+1", "-1+2", "'quoted"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_spreadsheet_exports_neutralise_formulas_and_read_back_exactly(fmt, tmp_path):
    import csv

    from openpyxl import load_workbook

    actors = [{"id": f"a{i}", "name": name, "kind": "ministry"} for i, name in enumerate(FORMULAS)]
    scenario = validate_document(
        {"govgraph": 1, "scenario": {"id": "f", "title": "=1+1"}, "actors": actors}
    )
    path = tmp_path / FILE_NAMES[fmt]
    write_scenario(scenario, fmt, path)
    if fmt == "csv":
        with open(path / "actors.csv", newline="", encoding="utf-8") as handle:
            cells = [row[1] for row in csv.reader(handle)][1:]
    else:
        cells = [row[1] for row in load_workbook(path)["actors"].iter_rows(values_only=True)][1:]
    assert cells == ["'" + name for name in FORMULAS]  # a spreadsheet shows text, runs nothing
    assert read_path(path) == [scenario]
