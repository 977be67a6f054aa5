"""The pages in real headless Chromium against a real server (waitress on a free port).

The scenario here is hostile on purpose: names, descriptions, notes and source titles carry
``<script>`` and ``<img onerror>`` payloads that would set ``window.__pwned`` or open a dialog
if any page put data into the DOM as HTML.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator

import pytest
from browser_support import api, click_node, recording_page, serving

from graph.model import Scenario
from graph.validation import validate_document

pytestmark = pytest.mark.browser

PAYLOAD = "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2;alert('x')\">"


def hostile_scenario(scenario_id: str = "hostile", drop: str | None = None) -> Scenario:
    """A small governance structure whose texts are HTML and script payloads."""
    actors = [
        ("cab", "Cabinet", "cabinet", "national"),
        ("min", "Ministry " + PAYLOAD, "ministry", "national"),
        ("office", "Programme office", "programme_office", "national"),
        ("city", "City", "municipality", "municipal"),
        ("area", "Focus area North", "focus_area", "district"),
        ("res", "Residents " + PAYLOAD, "resident_group", "neighbourhood"),
        ("youth", "Youth workers", "professional_group", "district"),
        ("lone", "Advisory council", "advisory_body", "national"),
    ]
    relations = [
        ("cab", "min", "STEERS"),
        ("min", "office", "STEERS"),
        ("office", "city", "FUNDS"),
        ("city", "office", "REPORTS_TO"),
        ("city", "area", "TARGETS"),
        ("area", "youth", "STEERS"),
        ("res", "city", "PARTICIPATES_IN"),
        ("youth", "res", "COLLABORATES_WITH"),
    ]
    doc = {
        "govgraph": 1,
        "scenario": {"id": scenario_id, "title": "Hostile " + PAYLOAD, "description": PAYLOAD},
        "sources": [
            {"id": "good", "title": "Programme letter", "url": "https://example.org/letter"},
            {"id": "bad", "title": "Trap " + PAYLOAD, "url": "javascript:window.__pwned=3"},
        ],
        "actors": [
            {
                "id": i,
                "name": n,
                "kind": k,
                "level": lv,
                "description": PAYLOAD,
                "sources": ["good", "bad"],
            }
            for i, n, k, lv in actors
            if i != drop
        ],
        "relations": [
            {"from": a, "to": b, "type": t, "note": PAYLOAD, "sources": ["good"]}
            for a, b, t in relations
            if drop not in (a, b)
        ],
    }
    doc["actors"][2]["confidence"] = "inferred"
    return validate_document(doc)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The app on waitress in a thread: the hostile scenario and a variant without 'lone'."""
    with serving([hostile_scenario(), hostile_scenario("hostile-b", drop="lone")]) as url:
        yield url


@pytest.fixture
def page(browser):
    """A fresh page that records dialogs and script errors; it must end without any."""
    with recording_page(browser, (1400, 900)) as pg:
        pg.dialogs = []
        pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
        yield pg
        assert pg.dialogs == [], "a payload opened a dialog"
        assert pg.evaluate("window.__pwned") is None


def open_explorer(page, server: str, query: str = "") -> None:
    page.goto(f"{server}/scenarios/hostile{query}")
    page.wait_for_selector('#network[data-ready="1"]', timeout=60000)


def node_count(page) -> int:
    return page.evaluate("window.govgraph.view.nodes.length")


def test_explorer_draws_every_node_of_the_api(page, server):
    open_explorer(page, server)
    graph = api(server, "/api/scenarios/hostile/graph")
    assert node_count(page) == len(graph["nodes"]) == 8
    assert page.get_attribute("#network", "data-node-count") == "8"
    assert page.evaluate("window.govgraph.view.edges.length") == len(graph["edges"])
    assert page.evaluate("typeof window.govgraphReady") == "number"
    # The legend is docked under the network, open: it never covers an actor.
    assert page.evaluate("document.getElementById('legend-box').open") is True
    legend = page.inner_text("#legend")
    assert "ministry" in legend and "control" in legend
    network = page.locator("#network").bounding_box()
    docked = page.locator("#legend-box").bounding_box()
    assert network["y"] + network["height"] <= docked["y"] + 1


def test_a_kind_filter_reduces_the_nodes_and_lands_in_the_url(page, server):
    open_explorer(page, server)
    page.check('input[data-key="kinds"][value="ministry"]')
    page.wait_for_function("() => window.govgraph.view.nodes.length < 8")
    page.wait_for_selector('#network[data-ready="1"]')
    expected = api(server, "/api/scenarios/hostile/graph?kinds=ministry")
    assert node_count(page) == len(expected["nodes"]) == 1
    assert "kinds=ministry" in page.url


def test_clicking_a_node_shows_sources_with_safe_links(page, server):
    open_explorer(page, server)
    click_node(page, "min")
    page.wait_for_selector('.panel-body[data-actor="min"]')
    assert page.inner_text(".actor-name") == "Ministry " + PAYLOAD
    assert PAYLOAD in page.inner_text(".panel-body .description")
    links = page.query_selector_all("ul.sources a")
    assert [a.get_attribute("href") for a in links] == ["https://example.org/letter"]
    assert links[0].get_attribute("rel") == "noopener noreferrer"
    assert "Trap " + PAYLOAD in page.inner_text("ul.sources")
    assert "select=min" in page.url


def test_clicking_a_relation_shows_it(page, server):
    open_explorer(page, server, "?edge=cab:STEERS:min")
    page.wait_for_selector('.panel-body[data-edge="cab:STEERS:min"]')
    assert "STEERS" in page.inner_text("#panel")
    assert PAYLOAD in page.inner_text("#panel")


def test_url_state_round_trips_through_a_reload(page, server):
    query = "?confidence=confirmed&layout=force&select=city&hl=chain:youth"
    open_explorer(page, server, query)
    page.wait_for_selector('.panel-body[data-actor="city"]')
    before = node_count(page)
    page.reload()
    page.wait_for_selector('#network[data-ready="1"]')
    page.wait_for_selector('.panel-body[data-actor="city"]')
    assert (
        node_count(page)
        == before
        == len(api(server, "/api/scenarios/hostile/graph?confidence=confirmed")["nodes"])
    )
    assert page.is_checked('input[data-key="confidence"][value="confirmed"]')
    assert "active" in page.get_attribute("#layout-force", "class")
    assert "steering chain" in page.inner_text("#path-result")
    for part in ("confidence=confirmed", "layout=force", "select=city"):
        assert part in page.url


def test_voice_paths_and_path_finder_highlight(page, server):
    open_explorer(page, server)
    page.click("#voice-button")
    page.wait_for_function("() => document.getElementById('path-result').textContent.length > 0")
    voice = api(server, "/api/scenarios/hostile/voice-paths?kind=resident_group")
    assert f"reaches {len(voice['paths'])} of {voice['deciders']}" in page.inner_text(
        "#path-result"
    )
    page.fill("#path-from", "res")
    page.fill("#path-to", "cab")
    page.click("#path-button")
    page.wait_for_function(
        "() => / steps? following /.test(document.getElementById('path-result').textContent)"
    )
    assert "hl=path" in page.url


def test_expand_and_collapse_a_focused_view(page, server):
    open_explorer(page, server, "?focus=cab&depth=1")
    first = node_count(page)
    assert first == len(api(server, "/api/scenarios/hostile/graph?focus=cab&depth=1")["nodes"])
    click_node(page, "min")
    page.click("#expand-button")
    page.wait_for_function(f"() => window.govgraph.view.nodes.length > {first}")
    assert "expand=min" in page.url
    page.click("#expand-button")
    page.wait_for_function(f"() => window.govgraph.view.nodes.length === {first}")


def test_exports_png_and_a_safe_offline_explorer(page, server, browser, tmp_path):
    open_explorer(page, server, "?select=min")
    page.wait_for_selector('.panel-body[data-actor="min"]')
    assert page.evaluate("window.govgraph.view.pngDataUrl()").startswith("data:image/png;base64,")
    href = page.get_attribute('a[data-export-format="graphml"]', "href")
    assert href.startswith("/api/scenarios/hostile/export?") and "format=graphml" in href
    # The offline HTML is the explorer as one file, opening where the view was.
    href = page.get_attribute('a[data-export-format="html"]', "href")
    assert "format=html" in href and "select=min" in href
    path = tmp_path / "hostile.html"
    with urllib.request.urlopen(server + href) as response:
        path.write_bytes(response.read())
    offline = browser.new_context().new_page()
    offline.dialogs, offline.errors = [], []
    offline.on("dialog", lambda d: (offline.dialogs.append(d.message), d.dismiss()))
    offline.on("pageerror", lambda e: offline.errors.append(str(e)))
    offline.goto(path.as_uri())
    offline.wait_for_selector('.panel-body[data-actor="min"]', timeout=60000)
    # Every payload stays text: in the panel, the title and the sources.
    assert offline.inner_text(".actor-name") == "Ministry " + PAYLOAD
    assert offline.inner_text("#scenario-title") == "Hostile " + PAYLOAD
    assert "Trap " + PAYLOAD in offline.inner_text("ul.sources")
    assert offline.evaluate("window.govgraph.view.nodes.length") == 8
    assert offline.evaluate("window.__pwned") is None
    assert offline.dialogs == [] and offline.errors == []
    offline.context.close()


def test_dashboard_shows_metrics_linking_into_the_explorer(page, server):
    page.goto(f"{server}/scenarios/hostile/analysis")
    page.wait_for_selector('#dashboard[data-ready="1"]')
    analysis = api(server, "/api/scenarios/hostile/analysis")
    depth = page.inner_text('.stat[data-metric="steering_depth"] .value')
    assert depth == str(analysis["steering_depth"])
    charts = ("#layer-sizes svg", "#hierarchy svg", "#voice-reach svg", "#accountability svg")
    for section in charts:
        assert page.query_selector(section)
    ranks = page.locator("#centrality table.ranks tbody tr")
    assert ranks.count() and ranks.first.inner_text().startswith("1")
    share = page.inner_text("#centrality tbody td:nth-child(3)")
    assert re.fullmatch(r"\d+(\.\d)? %", share), share  # a share, not a 0.0004-style value
    hrefs = [a.get_attribute("href") for a in page.query_selector_all("#chains a.actor-link")]
    assert hrefs and all("select=" in h for h in hrefs)
    assert page.locator("#findings .finding").count() >= 3
    assert PAYLOAD in page.inner_text("#dashboard")


def test_console_returns_rows_as_a_table_and_a_network(page, server):
    page.goto(f"{server}/console")
    page.fill("#params", '{"scenario": "hostile"}')
    page.click("#run")
    page.wait_for_selector("#results")
    rows = page.query_selector_all("#results tbody tr")
    assert len(rows) == 8
    assert PAYLOAD in page.inner_text("#results")
    page.click("#tab-graph")
    ends = {
        end
        for a, r, b in page.evaluate("window.govgraph.result.rows")
        for end in (a["id"], b["id"])
    }
    assert len(ends) == 7  # every actor but the one without relations
    page.wait_for_function(
        "() => document.getElementById('result-network').dataset.nodeCount === '7'"
    )
    page.fill("#cypher", "MATCH (a:Actor) DETACH DELETE a")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector('.error-box[data-code="query-rejected"]')


def test_console_asks_for_the_admin_token_when_the_server_needs_it(page):
    config = {"LOOPBACK_ONLY": False, "ADMIN_TOKEN": "s3cret", "CONSOLE_NEEDS_TOKEN": True}
    with serving([hostile_scenario()], **config) as public:
        page.goto(f"{public}/console")
        page.fill("#params", '{"scenario": "hostile"}')
        page.click("#run")
        page.wait_for_selector('.error-box[data-code="unauthorized"]')
        page.fill("#console-token", "s3cret")
        page.click("#run")
        page.wait_for_selector("#results tbody tr")
        assert len(page.query_selector_all("#results tbody tr")) == 8
        page.reload()  # kept for this tab
        assert page.input_value("#console-token") == "s3cret"


def test_console_shows_no_token_field_on_a_loopback_server(page, server):
    page.goto(f"{server}/console")
    page.wait_for_selector("#run")
    assert page.locator("#console-token").count() == 0


def run_console(page, cypher: str) -> None:
    """Type a query into the console's editor and run it with Ctrl+Enter."""
    page.fill("#cypher", cypher)
    page.focus("#cypher")
    page.keyboard.press("Control+Enter")


def test_console_syntax_error_marks_the_column_and_clears_old_rows(page, server):
    page.goto(f"{server}/console")
    page.fill("#params", '{"scenario": "hostile"}')
    run_console(page, "MATCH (a:Actor {scenario: $scenario}) RETURN a.id")
    page.wait_for_selector("#results tbody tr")
    page.click("#tab-graph")
    page.click("#tab-table")
    broken = "MATCH (a:Actor {scenario: $scenario})\n  WHERE a.kind <> 'x'\n  RETRUN a.id"
    run_console(page, broken)
    caret = page.wait_for_selector("#query-error .error-caret")
    assert (caret.get_attribute("data-line"), caret.get_attribute("data-column")) == ("3", "3")
    line, marks = caret.inner_text().split("\n")
    assert line == "  RETRUN a.id"
    assert marks.index("^") == line.index("RETRUN")
    message = page.inner_text("#query-error .error-message")
    assert "'RETRUN'" in message and "oC_" not in message
    assert page.query_selector("#results") is None
    assert page.evaluate("window.govgraph.result") is None
    assert page.get_attribute("#result-network", "data-node-count") == "0"
    assert page.inner_text("#result-meta") == ""
    selected = page.evaluate("[document.activeElement.id, document.activeElement.selectionStart]")
    assert selected == ["cypher", broken.index("RETRUN")]


def test_console_history_walks_with_up_and_down_and_survives_a_reload(page, server):
    page.goto(f"{server}/console")
    page.evaluate("localStorage.removeItem('govgraph.console.history')")
    page.reload()
    page.fill("#params", '{"scenario": "hostile"}')
    first, second = "MATCH (a:Actor) RETURN count(*) AS n", "RETURN 1 AS one"
    run_console(page, first)
    page.wait_for_selector("#results")
    run_console(page, second)
    page.wait_for_function(
        "() => document.querySelector('#results th:nth-child(2)').textContent === 'one'"
    )
    assert page.inner_text("#results tbody td:nth-child(2)") == "1"
    page.focus("#cypher")
    page.keyboard.press("Control+Home")
    page.keyboard.press("ArrowUp")
    assert page.input_value("#cypher") == first
    page.keyboard.press("ArrowDown")
    assert page.input_value("#cypher") == second
    page.reload()
    page.focus("#cypher")
    page.keyboard.press("Control+Home")
    page.keyboard.press("ArrowUp")
    assert page.input_value("#cypher") == second
    stored = json.loads(page.evaluate("localStorage.getItem('govgraph.console.history')"))
    assert stored[-2:] == [first, second]


def drawn_styles_match(page, cypher: str) -> set[str]:
    """Run ``cypher`` and check every drawn node against graphstyle; return the kinds seen."""
    page.click("#tab-table")
    run_console(page, cypher)
    page.wait_for_function(
        "() => window.govgraph.result || document.querySelector('#query-error .error-box')",
        timeout=60_000,
    )
    assert page.evaluate("window.govgraph.result"), page.inner_text("#query-error")
    expected: dict[str, str] = {}
    for row in page.evaluate("window.govgraph.result.rows"):
        for n in (v for v in row if "_labels" in v):
            labels = n["_labels"]
            kind = (
                "scenario"
                if "Scenario" in labels
                else "source"
                if "Source" in labels
                else n["kind"]
            )
            expected[n.get("name") or n.get("title") or n["id"]] = kind
    page.click("#tab-graph")
    page.wait_for_function(
        "(n) => document.getElementById('result-network').dataset.nodeCount === String(n)",
        arg=len(expected),
    )
    drawn = page.evaluate(
        """() => Object.values(window.govgraph.network.body.nodes)
             .filter((n) => n.options.label !== undefined)
             .map((n) => [n.options.label, n.options.group, n.options.shape,
                          n.options.color.background])"""
    )
    assert len(drawn) == len(expected)
    for label, group, shape, colour in drawn:
        style = page.evaluate("(k) => window.GraphStyle.kindStyle(k)", expected[label])
        assert group == expected[label]
        assert (shape, colour) == (style["shape"], style["colour"]), label
    return set(expected.values())


def test_console_result_graph_uses_the_explorers_style(page, server):
    page.goto(f"{server}/console")
    page.fill("#params", '{"scenario": "hostile"}')
    kinds = drawn_styles_match(
        page, "MATCH (a:Actor {scenario: $scenario})-[r]->(b) RETURN a, r, b"
    )
    assert {"ministry", "resident_group", "focus_area"} <= kinds
    key = page.evaluate(
        "window.govgraph.network.body.data.nodes.get({filter: (n) => n.group === 'ministry'})[0].id"
    )
    page.evaluate("(k) => window.govgraph.network.emit('click', {nodes: [k], edges: []})", key)
    page.wait_for_selector("#result-panel .panel-body[data-actor='min'] h2")
    assert "Programme letter" in page.inner_text("#result-panel")
    others = "MATCH (a:Scenario {id: $scenario}), (b:Source {scenario: $scenario}) RETURN a, b"
    assert drawn_styles_match(page, others) == {"scenario", "source"}
    shapes = page.evaluate(
        "['scenario', 'source'].map((k) => window.GraphStyle.kindStyle(k).shape)"
    )
    assert shapes == ["ellipse", "box"]


def test_console_paths_show_direction_and_exports_are_formula_safe(page, server):
    page.goto(f"{server}/console")
    page.fill("#params", '{"scenario": "hostile"}')
    run_console(
        page,
        "MATCH p = (a:Actor {scenario: $scenario, id: 'office'})<-[:STEERS]-(m)<-[:STEERS]-(c) "
        "RETURN p, '=1+1' AS f, '@x' AS g, 'plain' AS h",
    )
    page.wait_for_selector("#results .cell-path")
    arrows = page.eval_on_selector_all(
        "#results .cell-path .cell-rel", "els => els.map(e => e.textContent)"
    )
    assert arrows == ["<-[:STEERS]-", "<-[:STEERS]-"]
    csv = page.evaluate("window.govgraph.csv()")
    header, row = csv.strip().split("\r\n")
    assert header == "p,f,g,h" and row.endswith(",'=1+1,'@x,plain")
    with page.expect_download() as info:
        page.click("#export-json")
    with open(info.value.path(), encoding="utf-8") as exported:
        assert json.load(exported)["columns"] == ["p", "f", "g", "h"]


def test_console_params_command_and_saved_queries(page, server):
    page.goto(f"{server}/console")
    page.evaluate("localStorage.removeItem('govgraph.console.saved')")
    run_console(page, ":param who => 'min'")
    page.wait_for_selector("#command-result")
    assert json.loads(page.input_value("#params"))["who"] == "min"
    run_console(page, "MATCH (a:Actor {id: $who}) RETURN a.kind AS kind")
    page.wait_for_selector("#results")
    assert page.inner_text("#results tbody td:nth-child(2)") == "ministry"
    page.fill("#save-name", "the ministry")
    page.click("#save")
    page.fill("#cypher", "RETURN 2")
    page.reload()
    page.select_option("#saved", "the ministry")
    assert page.input_value("#cypher") == "MATCH (a:Actor {id: $who}) RETURN a.kind AS kind"


def test_compare_shows_the_differences(page, server):
    page.goto(f"{server}/compare?a=hostile&b=hostile-b")
    page.wait_for_selector('#compare[data-ready="1"]')
    removed = [li.get_attribute("data-id") for li in page.query_selector_all("ul.diff li.removed")]
    assert "lone" in removed
    assert page.query_selector('#metric-deltas tr[data-metric="counts.actors"]')
    assert page.get_attribute("#network-a", "data-node-count") == "8"
    assert page.get_attribute("#network-b", "data-node-count") == "7"
    page.mouse.move(300, 400)
    page.mouse.wheel(0, -300)
    page.wait_for_timeout(300)
    scales = page.evaluate(
        "[window.govgraph.networks.a.getScale(), window.govgraph.networks.b.getScale()]"
    )
    assert scales[0] == pytest.approx(scales[1])


def test_upload_lists_located_errors_then_opens_a_good_file(page, server, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("govgraph: 1\nscenario: {id: Bad Id}\nactors:\n  - {id: a, kind: nope}\n")
    page.goto(f"{server}/upload")
    page.set_input_files("#file", str(bad))
    page.click("#upload-button")
    page.wait_for_selector("#upload-errors ul.problems li")
    assert "bad.yaml" in page.inner_text("#upload-errors")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(hostile_scenario("uploaded").to_dict()))
    page.set_input_files("#file", str(good))
    page.click("#upload-button")
    page.wait_for_url("**/scenarios/uploaded")
    page.wait_for_selector('#network[data-ready="1"]')
    assert node_count(page) == 8


def test_index_lists_scenarios_as_text(page, server):
    page.goto(server + "/")
    page.wait_for_selector(".scenario-card")
    assert "Hostile " + PAYLOAD in page.inner_text("#scenario-list")
