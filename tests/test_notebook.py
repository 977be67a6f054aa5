"""The explorer's map as a pyvis Network (graph.notebook): same positions and styles as the
explorer, texts escaped, and a page that works with the network cut off."""

from __future__ import annotations

import re

import pytest
from test_browser import PAYLOAD, hostile_scenario

from graph.datasets import bundled_paths
from graph.formats import read_path
from graph.model import Scenario
from graph.notebook import scenario_network
from graph.style import KINDS, MODES, kind_style, mode_style
from graph.validation import validate_document

#: A name that would end the page's script if put into it raw, and a title pyvis would take
#: for HTML ("href").
BREAKOUT = '</script><script>window.__pwned=9</script><a href="javascript:alert(1)">x</a>'


def bundled(scenario_id: str) -> Scenario:
    for path in bundled_paths():
        for scenario in read_path(path):
            if scenario.id == scenario_id:
                return scenario
    raise LookupError(scenario_id)


def hostile() -> Scenario:
    doc = hostile_scenario().to_dict()
    doc["actors"][0]["name"] = "Cabinet " + BREAKOUT
    doc["scenario"]["title"] = "Hostile " + BREAKOUT
    return validate_document(doc)


@pytest.fixture(scope="module")
def client():
    from app import create_app

    return create_app({"TESTING": True}).test_client()


@pytest.mark.parametrize(
    "query",
    [{"as_of": "2022-07-04"}, {"as_of": "2022-07-04", "kinds": "ministry,municipality"}, {}],
)
def test_positions_and_layers_are_the_explorers(client, query):
    graph = client.get("/api/scenarios/nplv-2022/graph", query_string=query).get_json()
    kinds = query.get("kinds")
    net = scenario_network(
        bundled("nplv-2022"),
        as_of=query.get("as_of"),
        kinds=kinds.split(",") if kinds else None,
        captions=False,
    )
    drawn = {n["id"]: (n["x"], n["y"]) for n in net.nodes}
    assert drawn == {n["id"]: (n["x"], n["y"]) for n in graph["nodes"]}
    assert {e["id"] for e in net.edges} == {e["id"] for e in graph["edges"]}
    assert net.options["physics"]["enabled"] is False
    assert all(n["physics"] is False for n in net.nodes)


def test_band_captions_say_what_each_band_means():
    net = scenario_network(bundled("nprz"))
    captions = [n["label"] for n in net.nodes if str(n["id"]).startswith("band:")]
    assert any(c.startswith("Layer 0 (") and "steered by no one" in c for c in captions)
    assert any("No control relation" in c for c in captions)


def test_symbols_and_colours_are_the_explorers(browser):
    """graph.style against app/static/graphstyle.js, evaluated in Chromium."""
    from pathlib import Path

    page = browser.new_page()
    script = Path(__file__).parent.parent / "app" / "static" / "graphstyle.js"
    page.set_content("<html><body></body></html>")
    page.add_script_tag(content=script.read_text(encoding="utf-8"))
    kinds = [*KINDS, "water_board"]  # a declared kind gets a colour from its name
    explorer = page.evaluate(
        """(kinds) => { const groups = window.GraphStyle.groupOptions(kinds);
           return kinds.map(k => [groups[k].shape, groups[k].color.background,
                                  groups[k].color.border]); }""",
        kinds,
    )
    net = scenario_network(bundled("nplv-2022"), captions=False)
    for kind, (shape, background, border) in zip(kinds, explorer, strict=True):
        style = kind_style(kind)
        assert (style.shape, style.colour) == (shape, background), kind
        confirmed = [n for n in net.nodes if n.get("opacity") is None]
        for node in confirmed:
            if node["shape"] == shape and node["color"]["background"] == background:
                assert node["color"]["border"] == border
    for mode in [*MODES, "unheard_of"]:
        js = page.evaluate("(m) => window.GraphStyle.modeStyle(m)", mode)
        py = mode_style(mode)
        assert (py.colour, list(py.dashes or []) or False, py.width, py.arrows) == (
            js["colour"],
            js["dashes"],
            js["width"],
            js["arrows"] == "to",
        ), mode
    page.close()


def test_the_page_needs_no_network_and_keeps_texts_as_text(browser, tmp_path):
    net = scenario_network(hostile(), captions=True)
    html = net.generate_html()
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.I)
    assert not re.search(r"<link[^>]*href\s*=\s*[\"']?https?:", html, re.I)
    assert "window.__pwned=9</script>" not in html
    assert any("href" in n["title"] for n in net.nodes)  # the case pyvis renders as HTML
    page_file = tmp_path / "map.html"
    page_file.write_text(html, encoding="utf-8")
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    requests, dialogs, errors = [], [], []
    page.route("http*://**", lambda route: (requests.append(route.request.url), route.abort()))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri())
    page.wait_for_function("() => window.govgraphNetwork !== undefined")
    count = page.evaluate("window.govgraphNetwork.body.data.nodes.length")
    assert count == len(net.nodes)
    assert page.inner_text("h1") == "Hostile " + BREAKOUT
    label = page.evaluate("window.govgraphNetwork.body.data.nodes.get('cab').label")
    assert label.startswith("Cabinet </script>")
    # Hovering shows the tooltip as text: the payload is visible, not run.
    pos = page.evaluate(
        """() => { const n = window.govgraphNetwork;
                   return n.canvasToDOM(n.getPositions(['res']).res); }"""
    )
    box = page.locator("#mynetwork").bounding_box()
    page.mouse.move(box["x"] + pos["x"], box["y"] + pos["y"])
    page.wait_for_selector("div.vis-tooltip", state="visible")
    assert PAYLOAD in page.inner_text("div.vis-tooltip")
    assert page.evaluate("window.__pwned") is None
    assert (requests, dialogs, errors) == ([], [], [])
    context.close()


def test_the_readme_example_runs(tmp_path, monkeypatch):
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The same map in a notebook", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    html = (tmp_path / "nplv-2022.html").read_text(encoding="utf-8")
    assert "Ministerie van Binnenlandse Zaken" in html
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.I)
