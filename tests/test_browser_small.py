"""The explorer in a small window (1024x768) and in dark mode, in real headless Chromium.

What an analyst sees: a toolbar of one row, with the scenario's title in full, that leaves the
network most of the window, every toolbar control reachable from the keyboard, a highlighted
path not hidden under the details panel that opens over the network, and the kinds' symbols
visible on the dark chrome.
"""

from __future__ import annotations

import pytest
from browser_support import recording_page
from test_browser_map import SIZES, server  # noqa: F401 - the app with the bundled scenarios

pytestmark = pytest.mark.browser

LAYERS = "/scenarios/nplv-2022?aggregate=0"
#: The path finder following control from the ministry down to residents, as of the launch.
PATH = "/scenarios/nplv-2022?aggregate=0&as_of=2022-07-04&hl=path:min-bzk,bewoners-arnhem-oost,c"


@pytest.fixture(params=SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def page(browser, request):
    with recording_page(browser, request.param) as pg:
        yield pg


def open_view(page, server: str, path: str) -> None:  # noqa: F811
    page.goto(server + path)
    page.wait_for_selector('#network[data-ready="1"]', timeout=30000)


def rect(page, selector: str) -> dict:
    return page.evaluate(
        "(s) => { const b = document.querySelector(s).getBoundingClientRect();"
        " return { left: b.left, top: b.top, right: b.right, bottom: b.bottom,"
        " height: b.height }; }",
        selector,
    )


@pytest.mark.parametrize("path", [LAYERS, "/scenarios/nplv-2022"], ids=["layers", "overview"])
def test_toolbar_is_one_row_and_leaves_the_network_the_window(page, server, path):  # noqa: F811
    open_view(page, server, path)
    tops = page.evaluate(
        """() => [...document.querySelector('.toolbar').children]
             .filter((c) => c.offsetParent !== null && c.getBoundingClientRect().height > 0)
             .map((c) => { const b = c.getBoundingClientRect();
                           return [c.id || c.className, b.top + b.height / 2]; })"""
    )
    middles = [m for _, m in tops]
    assert max(middles) - min(middles) < 12, tops
    window_height = page.viewport_size["height"]
    network = rect(page, "#network")
    assert network["height"] >= 0.7 * window_height, network
    # Which scenario this is comes first: the counts beside the title give way before it.
    cut = page.evaluate("(h => h.scrollWidth - h.clientWidth)(document.querySelector('h1'))")
    assert cut <= 0, page.inner_text("#scenario-title")


def test_every_toolbar_control_is_reachable_from_the_keyboard(page, server):  # noqa: F811
    open_view(page, server, LAYERS)
    page.focus("#layout-force")
    reached = []
    for _ in range(25):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                "(e => e.id || (e.closest('[id]') || {}).id || e.tagName)(document.activeElement)"
            )
        )
    controls = ["view-menu", "as-of", "timeline-toggle", "search", "voice-button", "fit-button"]
    for control in [*controls, "export-menu"]:
        assert control in reached, (control, reached)
    # The View menu opens from the keyboard, and its switches are the next stops.
    page.focus("#view-menu > summary")
    page.keyboard.press("Enter")
    assert page.evaluate("document.getElementById('view-menu').open") is True
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "physics"
    page.keyboard.press("Space")
    page.wait_for_function("() => new URLSearchParams(location.search).get('physics') === '1'")
    assert page.evaluate("document.getElementById('view-menu').classList.contains('active')")


def test_a_highlighted_path_is_not_under_the_details_panel(page, server):  # noqa: F811
    open_view(page, server, PATH)
    page.wait_for_selector("#panel .panel-body[data-path]")
    page.wait_for_timeout(300)
    ends = page.evaluate(
        """() => {
          const net = window.govgraph.network, ids = [...window.govgraph.view.highlighted.nodes];
          const box = document.getElementById('network').getBoundingClientRect();
          return ids.map((id) => { const p = net.canvasToDOM(net.getPositions([id])[id]);
                                   return [id, box.left + p.x, box.top + p.y]; });
        }"""
    )
    assert len(ends) >= 3
    network, panel = rect(page, "#network"), rect(page, "#panel")
    position = page.evaluate("getComputedStyle(document.getElementById('panel')).position")
    covering = position == "absolute"
    for actor, x, y in ends:
        assert network["left"] + 184 <= x <= network["right"], (actor, x, network)
        assert network["top"] <= y <= network["bottom"], (actor, y, network)
        if covering:
            assert x < panel["left"] - 10, (actor, x, panel)


def luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_dark_kinds_stay_visible_in_dark_mode(browser, server):  # noqa: F811
    context = browser.new_context(viewport={"width": 1024, "height": 768}, color_scheme="dark")
    page = context.new_page()
    try:
        open_view(page, server, LAYERS)
        icons = page.evaluate(
            """() => [...document.querySelectorAll('#legend li')].map((li) => {
                 const shape = li.querySelector('svg > *');
                 let el = li.querySelector('svg'), ground = 'rgba(0, 0, 0, 0)';
                 while (el && /rgba\\(0, 0, 0, 0\\)|transparent/.test(ground)) {
                   ground = getComputedStyle(el).backgroundColor; el = el.parentElement;
                 }
                 return [li.innerText.trim(), getComputedStyle(shape).fill !== 'none'
                   ? getComputedStyle(shape).fill : getComputedStyle(shape).stroke, ground];
               })"""
        )
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
        rgb = {name: (parse(fill), parse(ground)) for name, fill, ground in icons}
        for name in ["cabinet", "ministry", "parliament", "control"]:
            fill, ground = rgb[name]
            assert contrast(fill, ground) >= 3, (name, fill, ground)
    finally:
        context.close()


def parse(colour: str) -> tuple[float, float, float]:
    parts = colour[colour.index("(") + 1 : colour.index(")")].split(",")
    r, g, b = (float(p) for p in parts[:3])
    return (r, g, b)
