"""Findings: plain sentences whose numbers are the ``analyze --json`` figures.

The scenarios are built here (not only the bundled ones), written to files and analysed
through the command line, as an outside check would; every number a finding quotes is looked
up at its path in that JSON, and its confirmed-facts figure in ``--confirmed-only --json``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from app.cli import cli
from graph.analysis.findings import FINDING_ANALYSES, findings, resolve
from graph.analysis.report import analyze
from graph.analysis.wording import percent


def programme(voice: bool = True) -> dict[str, Any]:
    """A small programme: a ministry steering an office that funds two towns' areas, with
    residents and youth workers; some facts inferred; voice relations only when ``voice``."""
    actors = [
        ("min", "Ministry of the Interior", "ministry"),
        ("office", "Programme office", "programme_office"),
        ("town", "Town council", "municipality"),
        ("city", "City council", "municipality"),
        ("north", "North district", "focus_area"),
        ("south", "South district", "focus_area"),
        ("fund", "Area fund", "instrument"),
        ("youth", "Youth workers", "professional_group"),
        ("nurses", "District nurses", "professional_group"),
        ("res", "Residents of North", "resident_group"),
        ("table", "Round table", "consultation_body"),
        ("lone", "Advisory council", "advisory_body"),
    ]
    relations = [
        ("min", "office", "STEERS", {}),
        ("office", "town", "FUNDS", {}),
        ("office", "city", "FUNDS", {"confidence": "inferred"}),
        ("town", "north", "STEERS", {}),
        ("city", "south", "STEERS", {}),
        ("fund", "north", "TARGETS", {}),
        ("fund", "south", "TARGETS", {"confidence": "uncertain"}),
        ("office", "fund", "STEERS", {}),
        ("north", "youth", "TARGETS", {}),
        ("youth", "town", "REPORTS_TO", {}),
        ("youth", "fund", "REPORTS_TO", {"confidence": "inferred"}),
        ("nurses", "city", "REPORTS_TO", {}),
    ]
    if voice:
        relations += [
            ("res", "table", "PARTICIPATES_IN", {}),
            ("table", "town", "ADVISES", {"confidence": "inferred"}),
            ("res", "city", "PARTICIPATES_IN", {"formal": True}),
            ("youth", "office", "ADVISES", {}),
        ]
    return {
        "govgraph": 1,
        "scenario": {"id": "built-here" if voice else "no-voice", "title": "Built in the test"},
        "actors": [
            {"id": i, "name": n, "kind": k, **({"confidence": "inferred"} if i == "table" else {})}
            for i, n, k in actors
        ],
        "relations": [{"from": a, "to": b, "type": t, **extra} for a, b, t, extra in relations],
    }


def cli_json(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, [*args, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("findings") / "built.yaml"
    path.write_text(yaml.safe_dump(programme()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def analysed(built: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    everything = cli_json("analyze", "--data", str(built))
    confirmed = cli_json("analyze", "--data", str(built), "--confirmed-only")
    return everything, confirmed


def quoted(value: Any) -> list[str]:
    """The ways a sentence may quote a number: as an integer, a percentage or 2 decimals."""
    if isinstance(value, int):
        return [str(value)]
    return [percent(value), f"{value:.2f}", percent(1 - value)]


def test_every_number_of_every_finding_is_the_analyze_json_figure(analysed):
    everything, _ = analysed
    found = everything["findings"]
    assert {f["analysis"] for f in found} >= set(FINDING_ANALYSES)
    for finding in found:
        for number in finding["numbers"]:
            expected = resolve(everything, number["path"], number["count"])
            assert number["value"] == expected, (finding["id"], number)
            assert expected is not None, (finding["id"], number)
        figure = finding["figure"]
        assert figure["value"] == resolve(everything, figure["path"], figure["count"])


def test_sentences_quote_the_numbers_they_list(analysed):
    everything, _ = analysed
    assert_quoted(everything["findings"])


@pytest.mark.parametrize("scenario", ["nplv-2022", "wijkaanpak-manifest", "nprz"])
def test_bundled_sentences_quote_the_numbers_they_list(scenario):
    from graph.datasets import bundled_paths
    from graph.formats import load_paths
    from graph.network import to_networkx

    loaded = {s.id: s for s in load_paths(bundled_paths())}
    G = to_networkx(loaded[scenario])
    assert_quoted(findings(G, analyze(G, scenario_id=scenario)))


def assert_quoted(found: list[dict[str, Any]]) -> None:
    for finding in found:
        text = finding["text"]
        for number in finding["numbers"]:
            value = number["value"]
            if isinstance(value, int) and value == 0:
                continue  # a zero may be said as "none" or "no"
            assert any(q in text for q in quoted(value)), (text, number)


def test_confirmed_figures_equal_the_confirmed_only_analysis(analysed):
    everything, confirmed = analysed
    for finding in everything["findings"]:
        figure = finding["figure"]
        expected = resolve(confirmed, figure["path"], figure["count"])
        assert finding["confirmed"]["value"] == expected, finding["id"]
        assert finding["rests_on_inferred"] == (figure["value"] != expected)
        if finding["rests_on_inferred"]:
            assert finding["confidence_text"].startswith("Rests on inferred facts")
            assert finding["confirmed"]["text"] in finding["confidence_text"]


def test_the_voice_finding_reads_as_a_sentence_with_the_figures(analysed):
    everything, _ = analysed
    voice = next(f for f in everything["findings"] if f["id"] == "voice_reach.resident_group")
    reach = everything["voice_reach"]["resident_group"]
    formal = everything["decisive_voice_reach"]["resident_group"]
    assert voice["text"] == (
        f"Residents' voice reaches {len(reach['reached'])} of {reach['deciders']} deciders "
        f"({percent(reach['share'])}), {len(formal['reached'])} "
        f"({percent(formal['share'])}) through a formal channel."
    )
    assert voice["rests_on_inferred"] is True  # the round table is inferred
    assert voice["link"]["url"] == "/scenarios/built-here?hl=voice"


def test_frontline_accountability_names_the_heaviest_groups(analysed):
    everything, _ = analysed
    load = everything["accountability_load"]
    finding = next(f for f in everything["findings"] if f["id"] == "accountability_load.frontline")
    assert load["youth"] > load["nurses"]
    assert finding["text"].startswith(f"Youth workers account to {load['youth']} controllers")
    assert finding["link"]["view"]["focus"] == "youth"


def test_links_carry_the_as_of_and_confirmed_presets(built):
    result = cli_json("analyze", "--data", str(built), "--as-of", "2024-01-01", "--confirmed-only")
    for finding in result["findings"]:
        assert finding["link"]["view"]["as_of"] == "2024-01-01"
        assert finding["link"]["view"]["confirmed_only"] == "1"
        assert finding["link"]["url"].startswith("/scenarios/built-here?")
        assert finding["confidence_text"] == "Counted on confirmed facts only."


def test_a_structure_without_voice_relations_says_so(tmp_path):
    path = tmp_path / "no-voice.yaml"
    path.write_text(yaml.safe_dump(programme(voice=False)), encoding="utf-8")
    result = cli_json("analyze", "--data", str(path))
    texts = [f["text"] for f in result["findings"]]
    assert texts[0] == (
        "The structure has no voice relations: neither residents nor professionals reach "
        "a decider, formally or otherwise."
    )
    assert not any(re.search(r"\b(None|null|nan)\b", t) for t in texts)
    done = CliRunner().invoke(cli, ["analyze", "--data", str(path)], catch_exceptions=False)
    assert done.exit_code == 0 and "has no voice relations" in done.stdout


def test_the_api_answers_the_same_findings(built):
    from app import create_app

    client = create_app({"TESTING": True, "DATA": [str(built)]}).test_client()
    answer = client.get("/api/scenarios/built-here/analysis").get_json()
    assert answer["findings"] == cli_json("analyze", "--data", str(built))["findings"]
    for key in ("layers", "steering_depth", "voice_reach", "accountability_load", "hierarchy"):
        assert key in answer  # the existing keys stay


def test_compare_metrics_leave_findings_and_profiles_out(built):
    result = cli_json("compare", "--data", str(built), "built-here", "built-here")
    assert not any(name.startswith(("findings", "layer_sizes", "steering_chain_patterns"))
                   for name in result["metrics"])  # fmt: skip


ACTOR_KINDS = ["ministry", "municipality", "resident_group", "professional_group", "focus_area",
               "instrument", "consultation_body"]  # fmt: skip
TYPES = ["STEERS", "FUNDS", "REPORTS_TO", "PARTICIPATES_IN", "ADVISES", "TARGETS", "MONITORS"]


@st.composite
def random_graphs(draw: Any) -> nx.MultiDiGraph:
    n = draw(st.integers(0, 9))
    G = nx.MultiDiGraph(scenario={"id": "random"})
    for i in range(n):
        G.add_node(f"a{i}", kind=draw(st.sampled_from(ACTOR_KINDS)), name=f"Actor {i}",
                   confidence=draw(st.sampled_from(["confirmed", "inferred"])))  # fmt: skip
    for _ in range(draw(st.integers(0, 14)) if n else 0):
        u, v = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        confidence = draw(st.sampled_from(["confirmed", "uncertain"]))
        G.add_edge(f"a{u}", f"a{v}", type=draw(st.sampled_from(TYPES)),
                   formal=draw(st.booleans()), confidence=confidence)  # fmt: skip
    return G


@settings(max_examples=60, deadline=None)
@given(random_graphs())
def test_any_structure_gets_sentences_without_null(G):
    analysis = analyze(G)
    found = findings(G, analysis)
    assert found, "every structure gets at least one finding"
    for finding in found:
        assert not re.search(r"\b(None|null|nan)\b", finding["text"] + finding["confidence_text"])
        for number in finding["numbers"]:
            assert number["value"] == resolve(analysis, number["path"], number["count"])
        json.dumps(finding, allow_nan=False)
