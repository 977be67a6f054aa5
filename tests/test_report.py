"""``govgraph report``: one self-contained HTML file that opens offline, and its PDF.

The scenario is built here (with sources); the HTML is opened in real Chromium with every
request outside the file refused, and the PDF is read back with ``pdftotext``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import missing_part
from test_findings import programme

from app.chromium import CHROMIUM
from app.cli import cli

SOURCES = [
    {
        "id": "letter",
        "title": "Letter to parliament on the area programme",
        "url": "https://example.org/letter",
        "published": "2022-07",
    },
    {"id": "oped", "title": "Op-ed: residents have no say", "url": "https://example.org/oped"},
]


def sourced(voice: bool = True, scenario_id: str | None = None) -> dict[str, Any]:
    doc = programme(voice)
    doc["sources"] = SOURCES
    for i, actor in enumerate(doc["actors"]):
        actor["sources"] = ["letter"] if i % 2 else ["oped"]
    doc["relations"][0]["sources"] = ["letter"]
    if scenario_id:
        doc["scenario"]["id"] = scenario_id
    return doc


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report-data")
    (folder / "a.yaml").write_text(yaml.safe_dump(sourced()), encoding="utf-8")
    (folder / "b.yaml").write_text(yaml.safe_dump(sourced(False, "plain")), encoding="utf-8")
    return folder


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def analysis(data: Path, scenario: str) -> dict[str, Any]:
    done = run("analyze", "--data", str(data), "--scenario", scenario, "--json")
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def html_report(data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    done = run("report", "--data", str(data), "--scenario", "built-here", "-o", str(out))
    assert done.exit_code == 0, done.output
    return out


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_html_holds_findings_charts_map_sources_and_method(html_report, data):
    html = html_report.read_text(encoding="utf-8")
    for finding in analysis(data, "built-here")["findings"]:
        assert flat(finding["text"]).replace("'", "&#39;") in flat(html)
    for source in SOURCES:
        assert source["title"] in html and f'href="{source["url"]}"' in html
    assert '<section id="method">' in html and "Decisive voice reach" in html
    assert html.count('<svg class="chart"') >= 3 and '<svg class="map"' in html
    assert "What rests on inferred facts" in html


def test_the_html_refers_to_no_outside_asset(html_report):
    html = html_report.read_text(encoding="utf-8")
    assert not re.search(r"<(script|img|link|iframe)\b", html, re.IGNORECASE)
    assert not re.search(r"\bsrc\s*=|url\((?!#)", html, re.IGNORECASE)  # url(#arrow) is inside
    # Every href is a link to a cited source, never an asset.
    assert set(re.findall(r'href="([^"]+)"', html)) <= {s["url"] for s in SOURCES}


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        missing_part(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    from app.chromium import launch

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.mark.browser
def test_the_html_opens_in_chromium_with_the_network_blocked(html_report, browser):
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    asked: list[str] = []

    def refuse(route: Any) -> None:
        if route.request.url == html_report.as_uri():
            route.continue_()
        else:
            asked.append(route.request.url)
            route.abort()

    page.route("**/*", refuse)
    page.goto(html_report.as_uri())
    assert asked == []
    assert page.locator("ol.findings li").count() >= 5
    assert page.locator("svg.map").bounding_box()["height"] > 100
    width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width[0] <= width[1], "the report scrolls sideways"
    context.close()


@pytest.mark.browser
def test_the_pdf_text_holds_findings_sources_and_method(data, tmp_path):
    if shutil.which("pdftotext") is None:
        missing_part("pdftotext not installed (Debian poppler-utils)")
    if not Path(CHROMIUM).exists():
        missing_part(f"Chromium not found at {CHROMIUM}")
    out = tmp_path / "deep" / "report.pdf"
    done = run("report", "--data", str(data), "--scenario", "built-here", "-o", str(out))
    assert done.exit_code == 0, done.output
    assert out.read_bytes().startswith(b"%PDF-")
    text = flat(
        subprocess.run(
            ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout
    )
    plain = flat(
        subprocess.run(
            ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout
    )
    for finding in analysis(data, "built-here")["findings"][:4]:
        assert flat(finding["text"]) in plain or flat(finding["text"]) in text
    for source in SOURCES:
        assert source["title"] in plain
    assert "Method" in plain and "Decisive voice reach" in plain and "Voice reach" in plain


def test_a_comparison_report_opens_on_the_measures(data, tmp_path):
    out = tmp_path / "cmp.html"
    done = run(
        "report",
        "--data",
        str(data),
        "--scenario",
        "built-here",
        "--compare",
        "plain",
        "-o",
        str(out),
    )
    assert done.exit_code == 0, done.output
    html = out.read_text(encoding="utf-8")
    compared = json.loads(
        run("compare", "--data", str(data), "built-here", "plain", "--json").stdout
    )
    assert html.index('id="measures"') < html.index('id="findings-1"')
    for row in compared["summary"]:
        assert (
            row["name"].replace("'", "&#39;") in html
            and row["direction"].replace("'", "&#39;") in html
        )
    assert html.count('<svg class="map"') == 2


def test_a_report_with_a_wrong_suffix_is_refused(data, tmp_path):
    done = CliRunner().invoke(
        cli,
        ["report", "--data", str(data), "--scenario", "built-here", "-o", str(tmp_path / "r.docx")],
    )
    assert done.exit_code == 2
    assert "must end in .html or .pdf" in done.output


def test_the_report_routes_answer_files(data):
    from app import create_app

    client = create_app({"TESTING": True, "DATA": [str(data)]}).test_client()
    page = client.get("/scenarios/built-here/analysis?as_of=2024-01-01")
    assert b'id="download-report"' in page.data
    href = re.search(
        rb'id="download-report" href="([^"]+)"|href="([^"]+)" id="download-report"', page.data
    )
    link = (href.group(1) or href.group(2)).decode().replace("&amp;", "&")
    assert "as_of=2024-01-01" in link
    answer = client.get(link)
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    assert 'filename="govgraph-built-here.html"' in answer.headers["Content-Disposition"]
    assert b"as of 2024-01-01" in answer.data
    both = client.get("/compare/report?a=built-here&b=plain")
    assert both.status_code == 200 and b'id="measures"' in both.data
    bad = client.get(
        "/scenarios/built-here/report?format=doc", headers={"Accept": "application/json"}
    )
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "bad-request"
    assert client.get("/scenarios/nope/report").status_code == 404


def test_a_pdf_without_chromium_is_a_clear_error(data, tmp_path, monkeypatch):
    monkeypatch.setenv("GOVGRAPH_CHROMIUM", str(tmp_path / "no-chromium"))
    done = CliRunner().invoke(
        cli,
        ["report", "--data", str(data), "--scenario", "built-here", "-o", str(tmp_path / "r.pdf")],
    )
    assert (
        done.exit_code == 1
        and "chromium-missing" in done.output
        and "GOVGRAPH_CHROMIUM" in done.output
    )
    from app import create_app

    client = create_app({"TESTING": True, "DATA": [str(data)]}).test_client()
    answer = client.get(
        "/scenarios/built-here/report?format=pdf", headers={"Accept": "application/json"}
    )
    assert answer.status_code == 503 and answer.get_json()["error"]["code"] == "chromium-missing"


def test_one_scenario_reported_against_itself_at_two_dates(tmp_path):
    doc = sourced()
    doc["relations"].append({"from": "min", "to": "city", "type": "STEERS", "since": "2024-01"})
    path = tmp_path / "dated.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    out = tmp_path / "dated.html"
    done = run(
        "report",
        "--data",
        str(path),
        "--scenario",
        "built-here",
        "--as-of",
        "2023-06-01",
        "--compare",
        "built-here@2024-06-01",
        "-o",
        str(out),
    )
    assert done.exit_code == 0, done.output
    html = out.read_text(encoding="utf-8")
    compared = json.loads(
        run(
            "compare",
            "--data",
            str(path),
            "built-here@2023-06-01",
            "built-here@2024-06-01",
            "--json",
        ).stdout
    )
    assert compared["relations"]["added"] == ["min:STEERS:city"]
    row = next(r for r in compared["summary"] if r["metric"] == "counts.control_arcs")
    assert row["delta_text"] == "+1" and row["direction"] in html
    from app import create_app

    client = create_app({"TESTING": True, "DATA": [str(path)]}).test_client()
    page = client.get("/compare?a=built-here&b=built-here&as_of_a=2023-06-01&as_of_b=2024-06-01")
    link = re.search(rb'id="download-report" href="([^"]+)"', page.data).group(1).decode()
    answer = client.get(link.replace("&amp;", "&"))
    assert answer.status_code == 200 and b"+1" in answer.data


def test_the_map_draws_each_kind_in_the_explorers_colour():
    from app.report_svg import structure_map
    from graph.analysis.wording import kind_noun
    from graph.style import kind_style

    kinds = {"min": "ministry", "prog": "programme", "area": "focus_area", "x": "water_board"}
    layers = {"min": 0, "prog": 1, "area": 2, "x": 0}
    svg = structure_map(layers, ["x"], kinds, [("min", "prog"), ("prog", "area")], title="t")
    legend = dict(
        (noun, fill)
        for fill, noun in re.findall(
            r'fill="([^"]+)"/><text [^>]*fill="#52606d">([^<]+)</text>', svg
        )
    )
    # One colour table for the explorer, the notebook and the report (a declared kind too).
    assert legend == {kind_noun(k): kind_style(k).colour for k in kinds.values()}
