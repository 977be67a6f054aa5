"""A structure of a few thousand actors in real headless Chromium.

Zoomed out, so many actors are drawn in one path per style (app/static/explorer-nodes.js)
instead of one by one: this checks that what a person sees and can do is unchanged: each
actor drawn in its kind's colour where vis-network places it, every one of them answering a
click, and the labels still never overlapping.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import recording_page, serving
from test_browser_map import RECORD_TEXT, drawn_texts, overlaps

from scripts.bench_explorer import synthetic

pytestmark = pytest.mark.browser

ACTORS = 3000


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The app serving a synthetic structure of ``ACTORS`` actors (the benchmark's)."""
    with serving([synthetic(ACTORS)]) as url:
        yield url


@pytest.fixture
def page(browser):
    with recording_page(browser, init_script=RECORD_TEXT) as pg:
        yield pg


#: Every actor on screen: where vis-network has it, what getNodeAt finds there, the pixel
#: drawn at its centre and its kind's fill and border colour.
ON_SCREEN = """() => {
  const net = window.govgraph.network, body = net.body;
  const canvas = document.querySelector('#network canvas'), ctx = canvas.getContext('2d');
  const ratio = canvas.width / canvas.clientWidth;
  const box = document.getElementById('network').getBoundingClientRect();
  const out = [];
  for (const id of body.nodeIndices) {
    const node = body.nodes[id], p = net.canvasToDOM({ x: node.x, y: node.y });
    if (p.x < 200 || p.y < 10 || p.x > box.width - 10 || p.y > box.height - 10) continue;
    const px = ctx.getImageData(Math.round(p.x * ratio), Math.round(p.y * ratio), 1, 1).data;
    out.push({ id, x: p.x, y: p.y, found: net.getNodeAt(p), pixel: [px[0], px[1], px[2]],
               fill: node.options.color.background, border: node.options.color.border });
  }
  return out;
}"""


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def distance(a, b) -> float:
    return sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5


def test_many_actors_zoomed_out_are_drawn_clickable_and_labelled(page, server):
    page.goto(f"{server}/scenarios/synthetic-{ACTORS}?aggregate=0")
    page.wait_for_selector('#network[data-ready="1"]', timeout=60000)
    # The batched drawing is what is being tested: many actors, zoomed out.
    assert page.evaluate("window.govgraph.view.nodes.length") == ACTORS
    assert page.evaluate("window.govgraph.network.getScale()") < 0.45
    actors = page.evaluate(ON_SCREEN)
    assert len(actors) > 0.9 * ACTORS
    # Each actor answers where it is drawn (small symbols overlap: then a neighbour answers).
    assert all(a["found"] is not None for a in actors)
    assert sum(a["found"] == a["id"] for a in actors) > 0.8 * len(actors)
    # The pixel at an actor's centre has its kind's colour (fill or border), not the ground.
    coloured = [
        a
        for a in actors
        if min(distance(a["pixel"], rgb(a["fill"])), distance(a["pixel"], rgb(a["border"]))) < 60
    ]
    assert len(coloured) > 0.8 * len(actors)
    texts = drawn_texts(page)
    assert len(texts) >= 8
    assert overlaps(texts) == []
    # A click on an actor opens its panel.
    target = next(a for a in actors if a["found"] == a["id"])
    left, top = page.evaluate(
        "(() => { const b = document.getElementById('network').getBoundingClientRect();"
        " return [b.left, b.top]; })()"
    )
    page.mouse.click(left + target["x"], top + target["y"])
    page.wait_for_selector(f'#panel .panel-body[data-actor="{target["id"]}"]', timeout=30000)
