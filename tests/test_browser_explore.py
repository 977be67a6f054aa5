"""Exploring in real Chromium: search as you type, hover, expand, focus, Back, the as-of date,
facets, the path finder and the distance account in the actor panel.

The scenario is the dated one of ``test_api_distance``: a ministry steers an office that steers
a city; an agency founded in 2024 and an inferred board lengthen the chain to the focus area.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import api, recording_page, screen_point, serving
from test_api_distance import SCENARIO, dated_scenario

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving([dated_scenario()]) as url:
        yield url


@pytest.fixture
def page(browser):
    with recording_page(browser) as pg:
        yield pg


def open_explorer(page, server: str, query: str = "") -> None:
    page.goto(f"{server}/scenarios/{SCENARIO}{query}")
    page.wait_for_selector('#network[data-ready="1"]', timeout=60000)


def node_count(page) -> int:
    return page.evaluate("window.govgraph.view.nodes.length")


def opacity(page, node_id: str) -> float:
    value = page.evaluate("(id) => window.govgraph.view.nodes.get(id).opacity", node_id)
    return 1.0 if value is None else value


def test_search_as_you_type_then_enter_selects_centres_and_opens(page, server):
    open_explorer(page, server)
    page.click("#search")
    page.keyboard.type("agen")
    page.wait_for_selector("ul.suggest li[data-actor='late']")
    first = page.locator("ul.suggest li").first
    assert "Agency founded 2024" in first.inner_text() and "programme office" in first.inner_text()
    page.keyboard.press("Enter")
    page.wait_for_selector('.panel-body[data-actor="late"]')
    assert page.evaluate("window.govgraph.network.getSelectedNodes()") == ["late"]
    x, y = screen_point(page, "late")
    box = page.locator("#network").bounding_box()
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert abs(x - centre[0]) < 5 and abs(y - centre[1]) < 5
    assert "select=late" in page.url
    # Typing by kind finds actors too, and a click picks one.
    page.fill("#search", "")
    page.click("#search")
    page.keyboard.type("focus area")
    page.click("ul.suggest li[data-actor='area']")
    page.wait_for_selector('.panel-body[data-actor="area"]')


def test_hover_lights_the_neighbours_and_dims_the_rest(page, server):
    open_explorer(page, server)
    x, y = screen_point(page, "city")
    page.mouse.move(x, y)
    page.wait_for_function("() => window.govgraph.view.nodes.get('min').opacity < 0.5")
    neighbours = {"office", "late", "guess", "area", "res"}
    # The neighbours keep their own opacity (the inferred board is faded as ever).
    assert all(opacity(page, n) == 1 for n in neighbours - {"guess"} | {"city"})
    assert opacity(page, "guess") == 0.55
    assert opacity(page, "min") < 0.5
    edges = page.evaluate(
        "window.govgraph.view.edges.get().map(e => [e.from, e.to, e.color.opacity])"
    )
    for a, b, alpha in edges:
        assert (alpha < 0.5) == ("city" not in (a, b)), (a, b, alpha)
    page.mouse.move(5, 5)
    page.wait_for_function("() => (window.govgraph.view.nodes.get('min').opacity ?? 1) === 1")


def test_double_click_expands_with_visible_feedback(page, server):
    open_explorer(page, server, "?focus=min&depth=1&as_of=2023-06-30")
    first = node_count(page)
    assert first == 2  # the ministry and its office
    x, y = screen_point(page, "office")
    page.mouse.dblclick(x, y)
    page.wait_for_function(f"() => window.govgraph.view.nodes.length > {first}")
    page.wait_for_function(
        "() => /Added 1 neighbour/.test(document.getElementById('status').textContent)"
    )
    assert page.is_visible("#status")
    assert "expand=office" in page.url
    assert "city" in page.evaluate("window.govgraph.network.getSelectedNodes()")


def test_focus_fits_the_whole_neighbourhood_in_view(page, server):
    open_explorer(page, server, "?select=city")
    page.wait_for_selector('.panel-body[data-actor="city"]')
    page.fill("#depth", "2")
    page.click("text=Focus neighbourhood")
    page.wait_for_function("() => new URL(location.href).searchParams.get('focus') === 'city'")
    page.wait_for_selector('#network[data-ready="1"]')
    page.wait_for_timeout(300)
    ids = page.evaluate("window.govgraph.view.nodes.getIds()")
    focused = api(server, f"/api/scenarios/{SCENARIO}/graph?focus=city&depth=2")
    assert len(ids) == len(focused["nodes"])
    box = page.locator("#network").bounding_box()
    for node in ids:
        x, y = screen_point(page, node)
        assert box["x"] <= x <= box["x"] + box["width"], node
        assert box["y"] <= y <= box["y"] + box["height"], node


def test_back_undoes_a_filter_and_forward_redoes_it(page, server):
    open_explorer(page, server)
    everyone = node_count(page)
    page.check('input[data-key="kinds"][value="ministry"]')
    page.wait_for_function("() => window.govgraph.view.nodes.length === 1")
    page.go_back()
    page.wait_for_function(f"() => window.govgraph.view.nodes.length === {everyone}")
    assert "kinds" not in page.url and page.url.startswith(server)
    assert not page.is_checked('input[data-key="kinds"][value="ministry"]')
    page.go_forward()
    page.wait_for_function("() => window.govgraph.view.nodes.length === 1")
    assert "kinds=ministry" in page.url


def test_facets_keep_every_value_with_counts(page, server):
    open_explorer(page, server, "?kinds=ministry")
    kinds = page.locator("#filter-kinds label.check")
    assert kinds.count() == len({a.kind for a in dated_scenario().actors})
    city = page.locator("#filter-kinds label.check", has_text="municipality")
    assert "zero" in city.get_attribute("class") and city.locator(".count").inner_text() == "0"
    ministry = page.locator("#filter-kinds label.check", has_text="ministry")
    assert ministry.locator(".count").inner_text() == "1"
    # Widening the filter from the greyed value works.
    city.locator("input").check()
    page.wait_for_function("() => window.govgraph.view.nodes.length === 2")


def test_the_as_of_date_changes_the_panel_layer_and_chain(page, server):
    open_explorer(page, server, "?select=area")
    page.wait_for_selector("#distance")
    assert "Layer 5" in page.inner_text("#distance")
    assert "Agency founded 2024" in page.inner_text("#panel")
    # A locale date is refused with a clear message and changes nothing.
    page.fill("#as-of", "06/30/2023")
    page.press("#as-of", "Enter")
    assert page.is_visible("#as-of-error") and "YYYY-MM-DD" in page.inner_text("#as-of-error")
    assert "as_of" not in page.url
    page.fill("#as-of", "2023-06-30")
    page.press("#as-of", "Enter")
    page.wait_for_function("() => /Layer 4/.test(document.getElementById('panel').textContent)")
    panel = page.inner_text("#panel")
    assert "Agency founded 2024" not in panel and "as of 2023-06-30" in panel
    assert "as_of=2023-06-30" in page.url and not page.is_visible("#as-of-error")
    chain = page.inner_text('[data-chain="longest"]')
    assert "Board (inferred)" in chain and "STEERS" in chain and "MONITORS" in chain


def test_the_panel_measures_from_a_chosen_reference(page, server):
    open_explorer(page, server, "?select=area&as_of=2024-12-31")
    page.wait_for_selector("#distance")
    text = page.inner_text("#distance")
    assert "Shortest from the top: 3 steps" in text and "TARGETS" in text
    page.click("#reference")
    page.keyboard.type("Progr")
    page.wait_for_selector("ul.suggest li[data-actor='office']")
    page.keyboard.press("Enter")
    page.wait_for_selector('[data-chain="from-reference"]')
    chain = page.inner_text('[data-chain="from-reference"]')
    assert chain.startswith("Programme office") and "City" in chain
    assert "2 steps of control" in page.inner_text("#reference-result")
    assert "ref=office" in page.url


def test_path_finder_takes_names_and_says_the_modes(page, server):
    open_explorer(page, server, "?as_of=2023-06-30&hl=voice")
    page.wait_for_function("() => document.getElementById('path-result').textContent.length > 0")
    page.click("#path-from")
    page.keyboard.type("Minis")
    page.wait_for_selector("ul.suggest li[data-actor='min']")
    page.keyboard.press("Enter")
    page.fill("#path-to", "Focus area")
    page.select_option("#path-follow", "c")
    page.click("#path-button")
    page.wait_for_function(
        "() => /following/.test(document.getElementById('path-result').textContent)"
    )
    result = page.inner_text("#path-result")
    assert "3 steps following control and intervention relations" in result
    assert "control, from the controller down" in result
    # The details panel reads the path step by step, naming each relation type.
    page.wait_for_selector('.panel-body[data-path="min>area"] [data-chain="path"]')
    steps = page.inner_text('[data-chain="path"] ol')
    assert steps.index("Ministry") < steps.index("STEERS") < steps.index("TARGETS")
    lit = page.evaluate(
        "window.govgraph.view.nodes.get().filter(n => (n.opacity ?? 1) > 0.5).map(n => n.id)"
    )
    assert sorted(lit) == ["area", "city", "min", "office"]  # the voice highlight is gone


def test_keyboard_reaches_search_actors_and_panel(page, server):
    open_explorer(page, server)
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search"
    page.keyboard.press("Escape")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("n")
    page.wait_for_selector(".panel-body[data-actor]")
    first = page.get_attribute(".panel-body[data-actor]", "data-actor")
    page.keyboard.press("n")
    page.wait_for_function(
        f"() => document.querySelector('.panel-body[data-actor]')?.dataset.actor !== '{first}'"
    )
    page.keyboard.press("p")
    page.wait_for_selector(f'.panel-body[data-actor="{first}"]')
    page.keyboard.press(".")
    assert page.evaluate("document.activeElement.id") == "panel"


def test_size_and_colour_follow_a_metric_and_the_legend_says_so(page, server):
    open_explorer(page, server, "?as_of=2023-06-30")
    page.select_option("#size-by", "layer")
    page.wait_for_selector('#metric-legend [data-metric="layer"]')
    sizes = page.evaluate(
        "Object.fromEntries(window.govgraph.view.nodes.get().map(n => [n.id, n.size]))"
    )
    layers = api(server, f"/api/scenarios/{SCENARIO}/metrics?as_of=2023-06-30")["metrics"]["layer"]
    ordered = sorted(sizes, key=lambda n: layers[n])
    assert [sizes[n] for n in ordered] == sorted(sizes.values())  # deeper is larger
    assert sizes["area"] > sizes["min"]
    assert "Size: layer" in page.inner_text("#metric-legend") and "4" in page.inner_text(
        "#metric-legend"
    )
    assert page.evaluate("document.getElementById('legend-box').open")
    page.select_option("#colour-by", "accountability_load")
    page.wait_for_selector('#metric-legend [data-metric="accountability_load"]')
    colours = page.evaluate(
        "Object.fromEntries(window.govgraph.view.nodes.get().map(n => [n.id, n.color.background]))"
    )
    assert colours["min"] != colours["area"]  # nobody controls the ministry; the area accounts
    assert "size=layer" in page.url and "colour=accountability_load" in page.url
    page.select_option("#size-by", "")
    page.select_option("#colour-by", "")
    page.wait_for_function("() => !document.getElementById('metric-legend').children.length")


def test_a_dragged_actor_stays_pinned(page, server):
    open_explorer(page, server, "?layout=force&physics=1")
    page.wait_for_timeout(500)
    x, y = screen_point(page, "res")
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y + 40, steps=6)
    page.mouse.up()
    page.wait_for_function("() => window.govgraph.view.pinned.has('res')")
    fixed = page.evaluate("window.govgraph.view.nodes.get('res').fixed")
    assert fixed == {"x": True, "y": True}
    before = page.evaluate("window.govgraph.network.getPositions(['res']).res")
    page.wait_for_timeout(800)
    assert page.evaluate("window.govgraph.network.getPositions(['res']).res") == before


def test_the_dashboard_date_is_iso_text_and_follows_into_the_explorer(page, server):
    page.goto(f"{server}/scenarios/{SCENARIO}/analysis")
    page.wait_for_selector('#dashboard[data-ready="1"]')
    assert page.get_attribute("#as-of", "type") == "text"
    page.fill("#as-of", "06/30/2023")
    page.press("#as-of", "Enter")
    assert page.is_visible("#as-of-error") and "YYYY-MM-DD" in page.inner_text("#as-of-error")
    assert "as_of" not in page.url
    page.fill("#as-of", "2023-06-30")
    page.press("#as-of", "Enter")
    page.wait_for_url("**as_of=2023-06-30**")
    page.wait_for_selector('#dashboard[data-ready="1"]')
    assert page.input_value("#as-of") == "2023-06-30"
    # The way back into the explorer keeps the date, and the panel reads it.
    assert "as_of=2023-06-30" in page.get_attribute("#open-explorer", "href")
