"""The findings in real Chromium: on the dashboard's first screen, each link opening the
explorer view it names, the steering chains grouped by pattern, and the comparison summary.

The scenarios are built here: a programme with three focus areas steered alike (one chain
pattern "× 3"), and a variant that gives residents a formal say.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator

import pytest
from browser_support import api, recording_page, serving

from graph.model import Scenario
from graph.validation import validate_document

pytestmark = pytest.mark.browser

SIZES = [(1440, 900), (1024, 768)]


def fan_scenario(scenario_id: str = "fan", formal: bool = False) -> Scenario:
    """A ministry over a programme over three alliances, each over its focus area."""
    actors = [
        ("house", "House of Representatives", "parliament"),
        ("min", "Ministry of the Interior", "ministry"),
        ("prog", "Liveability programme", "programme"),
        ("youth", "Youth workers", "professional_group"),
        ("res", "Residents", "resident_group"),
    ]
    relations = [("house", "min", "STEERS", {}), ("min", "prog", "STEERS", {})]
    for area in ("north", "south", "west"):
        actors += [
            (f"table-{area}", f"Alliance table {area}", "consultation_body"),
            (f"fa-{area}", f"Focus area {area}", "focus_area"),
        ]
        relations += [
            ("prog", f"table-{area}", "STEERS", {}),
            (f"table-{area}", f"fa-{area}", "STEERS", {"confidence": "inferred"}),
        ]
    relations += [
        ("prog", "youth", "TARGETS", {}),
        ("youth", "prog", "REPORTS_TO", {}),
        ("youth", "min", "REPORTS_TO", {"confidence": "inferred"}),
        ("res", "table-north", "PARTICIPATES_IN", {"formal": formal}),
    ]
    return validate_document(
        {
            "govgraph": 1,
            "scenario": {"id": scenario_id, "title": f"Fan {scenario_id}", "date": "2022-07"},
            "sources": [
                {"id": "letter", "title": "Programme letter", "url": "https://example.org/l"}
            ],
            "actors": [
                {"id": i, "name": n, "kind": k, "sources": ["letter"]} for i, n, k in actors
            ],
            "relations": [
                {"from": a, "to": b, "type": t, "sources": ["letter"], **extra}
                for a, b, t, extra in relations
            ],
        }
    )


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving([fan_scenario(), fan_scenario("fan-formal", formal=True)]) as url:
        yield url


@pytest.fixture
def page(browser, request):
    """A page that records script errors, at 1440x900 or the size a test asks for."""
    with recording_page(browser, getattr(request, "param", (1440, 900))) as pg:
        yield pg


def on_first_screen(page, selector: str) -> list[dict]:
    """The boxes of the matching elements that lie wholly inside the window."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    boxes = [
        page.locator(selector).nth(i).bounding_box() for i in range(page.locator(selector).count())
    ]
    return [b for b in boxes if b and b["y"] >= 0 and b["y"] + b["height"] <= height
            and b["x"] >= 0 and b["x"] + b["width"] <= width]  # fmt: skip


@pytest.mark.parametrize("page", SIZES, indirect=True, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_dashboard_opens_with_three_finding_sentences(page, server):
    page.goto(f"{server}/scenarios/fan/analysis")
    page.wait_for_selector('#dashboard[data-ready="1"]')
    analysis = api(server, "/api/scenarios/fan/analysis")
    shown = page.locator("#findings .finding .sentence").all_inner_texts()
    # Figures are kept on one line with their unit: a no-break space before "%" and "×".
    assert not any(re.search(r"\d (%|×)", text) for text in shown)
    assert any("\N{NO-BREAK SPACE}%" in text for text in shown)
    as_words = [text.replace("\N{NO-BREAK SPACE}", " ") for text in shown[:3]]
    assert as_words == [f["text"] for f in analysis["findings"][:3]]
    assert len(on_first_screen(page, "#findings .finding .sentence")) >= 3
    no_overflow = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    assert page.evaluate(no_overflow), "the dashboard scrolls sideways"


def test_the_dashboards_empty_date_field_names_the_day_shown(page, server):
    page.goto(f"{server}/scenarios/fan/analysis")
    page.wait_for_selector('#dashboard[data-ready="1"]')
    shown = api(server, "/api/scenarios/fan/graph")["as_of"]
    assert shown and page.locator("#as-of").get_attribute("placeholder") == shown
    page.goto(f"{server}/scenarios/fan/analysis?as_of=2023-01-01")
    page.wait_for_selector('#dashboard[data-ready="1"]')
    assert page.locator("#as-of").input_value() == "2023-01-01"


def test_every_finding_link_opens_the_explorer_view_it_names(page, server):
    page.goto(f"{server}/scenarios/fan/analysis?as_of=2023-01-01")
    page.wait_for_selector('#dashboard[data-ready="1"]')
    page.click("#more-findings summary")
    links = page.eval_on_selector_all(
        "#findings a.finding-link", "els => els.map(a => [a.closest('li').dataset.finding, a.href])"
    )
    findings = api(server, "/api/scenarios/fan/analysis?as_of=2023-01-01")["findings"]
    assert [key for key, _ in links] == [f["id"] for f in findings]
    for (key, href), finding in zip(links, findings, strict=True):
        view = finding["link"]["view"]
        assert view["as_of"] == "2023-01-01", key
        page.goto(href)
        page.wait_for_selector('#network[data-ready="1"]')
        state = page.evaluate("window.govgraph.state")
        assert {k: state.get(k) for k in view} == view, key
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.url).query))
        assert {k: query.get(k) for k in view} == view, key
        if "hl" in view:
            page.wait_for_function(
                "() => document.getElementById('path-result').textContent.length > 0"
            )
        if "select" in view:
            page.wait_for_selector(f'.panel-body[data-actor="{view["select"]}"]')
        if "kinds" in view:
            kind_of = {n["id"]: n["kind"] for n in api(server, "/api/scenarios/fan/graph")["nodes"]}
            shown = page.evaluate("window.govgraph.view.nodes.getIds()")
            assert shown and {kind_of[i] for i in shown} <= set(view["kinds"].split(",")), key


def test_chains_are_grouped_by_pattern_and_a_pattern_expands(page, server):
    page.goto(f"{server}/scenarios/fan/analysis")
    page.wait_for_selector('#dashboard[data-ready="1"]')
    patterns = api(server, "/api/scenarios/fan/analysis")["steering_chain_patterns"]
    assert [p["count"] for p in patterns] == [3]
    summary = page.locator('#chains details.pattern[data-pattern="0"] summary')
    assert "× 3" in summary.inner_text()
    assert "parliament → ministry → programme → consultation body → focus area" in (
        summary.inner_text().replace("\n", " ").replace("  ", " ")
    )
    chains = page.locator('#chains details.pattern[data-pattern="0"] ol.chains li')
    assert not chains.first.is_visible()
    summary.click()
    assert chains.count() == 3 and chains.first.is_visible()
    assert "Focus area north" in chains.first.inner_text()


@pytest.mark.parametrize("page", SIZES, indirect=True, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_comparison_opens_on_the_measures_table(page, server):
    page.goto(f"{server}/compare?a=fan&b=fan-formal")
    page.wait_for_selector('#compare[data-ready="1"]')
    summary = api(server, "/api/compare?a=fan&b=fan-formal")["summary"]
    rows = page.locator("#measures tbody tr")
    assert rows.count() == len(summary) >= 10
    first = [r for r in summary if r["metric"] == "decisive_voice_reach.resident_group.share"][0]
    row = page.locator('#measures tr[data-metric="decisive_voice_reach.resident_group.share"]')
    cells = row.locator("td").all_inner_texts()
    assert cells == [first["name"], first["a_text"], first["b_text"], first["delta_text"],
                     first["direction"]]  # fmt: skip
    assert first["direction"] == "more decisive say for residents"
    assert len(on_first_screen(page, "#measures tbody tr")) >= 10
    # Two labelled views side by side that do not cover each other.
    a, b = (page.locator(f"#network-{s}").bounding_box() for s in "ab")
    assert a["width"] > 200 and b["width"] > 200
    assert a["x"] + a["width"] <= b["x"] or a["y"] + a["height"] <= b["y"]
    assert page.inner_text("#title-a").startswith("A · Fan fan")  # then the day shown
    assert page.inner_text("#title-b").startswith("B · Fan fan-formal")
    no_overflow = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    assert page.evaluate(no_overflow), "the comparison scrolls sideways"


def test_the_structural_diff_is_grouped_with_ids_behind_a_disclosure(page, server):
    page.goto(f"{server}/compare?a=fan&b=fan-formal")
    page.wait_for_selector('#compare[data-ready="1"]')
    groups = api(server, "/api/compare?a=fan&b=fan-formal")["relation_groups"]
    assert page.locator("#relation-groups li").all_inner_texts() == [g["text"] for g in groups][:12]
    assert groups[0]["text"] == "1 PARTICIPATES_IN relation changed"
    raw = page.locator("#raw-ids ul.diff li").first
    assert not raw.is_visible()
    page.click("#raw-ids summary")
    assert raw.is_visible() and raw.get_attribute("data-id") == "res:PARTICIPATES_IN:table-north"
