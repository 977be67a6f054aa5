"""The explorer's map in real headless Chromium: labels, bands, overview and exports.

Labels are checked from what the canvas really drew: an init script records every
``fillText`` on the network's canvas with the box its own text metrics give
(``measureText``), mapped through the context's transform to CSS pixels. No two boxes may
intersect, at the fitted zoom and zoomed in twice, for each bundled scenario and for a
16-actor structure uploaded as a file by the test.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import click_node, recording_page, serving

pytestmark = pytest.mark.browser

BUNDLED = ["nplv-2022", "wijkaanpak-manifest", "nprz"]
SIZES = [(1440, 900), (1024, 768)]

#: Records each text drawn on the network's canvas with its box in CSS pixels.
RECORD_TEXT = """
(() => {
  const P = CanvasRenderingContext2D.prototype, fill = P.fillText;
  window.__texts = null;
  P.fillText = function (text, x, y) {
    if (window.__texts && this.canvas.closest && this.canvas.closest('#network')) {
      const m = this.getTransform(), t = this.measureText(text);
      const ratio = this.canvas.width / this.canvas.clientWidth;
      const left = x - t.actualBoundingBoxLeft, right = x + t.actualBoundingBoxRight;
      const top = y - t.actualBoundingBoxAscent, bottom = y + t.actualBoundingBoxDescent;
      const X = (v) => (m.a * v + m.e) / ratio, Y = (v) => (m.d * v + m.f) / ratio;
      window.__texts.push({ text: String(text), left: X(left), right: X(right),
                            top: Y(top), bottom: Y(bottom) });
    }
    return fill.apply(this, arguments);
  };
})();
"""

ACTORS = [
    ("min", "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties", "ministry"),
    ("tk", "Tweede Kamer der Staten-Generaal", "parliament"),
    ("prog", "Nationaal Programma Leefbaarheid", "programme"),
    ("office", "Programmabureau Leefbaarheid en Veiligheid", "programme_office"),
    ("rdam", "Gemeente Rotterdam", "municipality"),
    ("dh", "Gemeente Den Haag", "municipality"),
    ("ams", "Gemeente Amsterdam", "municipality"),
    ("utr", "Gemeente Utrecht", "municipality"),
    ("zuid", "Rotterdam-Zuid", "focus_area"),
    ("schilder", "Den Haag Schilderswijk", "focus_area"),
    ("nw", "Amsterdam Nieuw-West", "focus_area"),
    ("overvecht", "Utrecht Overvecht", "focus_area"),
    ("youth", "Jongerenwerkers (youth workers)", "professional_group"),
    ("res", "Bewonersraad Rotterdam-Zuid", "resident_group"),
    ("spuk", "Specifieke uitkering leefbaarheid", "instrument"),
    ("scp", "Sociaal en Cultureel Planbureau", "advisory_body"),
]
SIXTEEN = {
    "govgraph": 1,
    "scenario": {"id": "sixteen", "title": "An uploaded programme of sixteen actors"},
    "actors": [{"id": i, "name": n, "kind": k} for i, n, k in ACTORS],
    "relations": [
        {"from": "tk", "to": "min", "type": "MONITORS"},
        {"from": "min", "to": "prog", "type": "STEERS"},
        {"from": "prog", "to": "office", "type": "STEERS"},
        {"from": "min", "to": "spuk", "type": "FUNDS"},
        *[{"from": "spuk", "to": m, "type": "FUNDS"} for m in ("rdam", "dh", "ams", "utr")],
        *[{"from": "office", "to": m, "type": "COORDINATES"} for m in ("rdam", "dh", "ams", "utr")],
        {"from": "rdam", "to": "zuid", "type": "TARGETS"},
        {"from": "dh", "to": "schilder", "type": "TARGETS"},
        {"from": "ams", "to": "nw", "type": "TARGETS"},
        {"from": "utr", "to": "overvecht", "type": "TARGETS"},
        {"from": "zuid", "to": "youth", "type": "STEERS"},
        {"from": "res", "to": "rdam", "type": "PARTICIPATES_IN"},
        {"from": "scp", "to": "min", "type": "ADVISES"},
    ],
}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The app with the bundled scenarios on waitress, plus the 16-actor file uploaded."""
    with serving() as base:
        upload = urllib.request.Request(
            base + "/api/scenarios?filename=sixteen.json",
            data=json.dumps(SIXTEEN).encode(),
            method="POST",
        )
        with urllib.request.urlopen(upload) as response:
            assert response.status == 201
        yield base


@pytest.fixture(params=SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def page(browser, request):
    with recording_page(browser, request.param, init_script=RECORD_TEXT) as pg:
        yield pg


def open_view(page, server: str, scenario: str, query: str = "") -> None:
    page.goto(f"{server}/scenarios/{scenario}{query}")
    page.wait_for_selector('#network[data-ready="1"]', timeout=30000)


def drawn_texts(page) -> list[dict]:
    """Redraw the network while recording, and return every text the canvas drew."""
    return page.evaluate(
        """() => {
          window.__texts = [];
          window.govgraph.network.redraw();
          const texts = window.__texts;
          window.__texts = null;
          return texts;
        }"""
    )


def overlaps(texts: list[dict]) -> list[tuple[str, str]]:
    """Pairs of drawn texts whose boxes intersect (by more than half a pixel)."""
    found = []
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            if (
                min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5
                and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5
            ):
                found.append((a["text"], b["text"]))
    return found


def label_report(page) -> dict:
    """The labels the view says it drew, each with its node's position from the network."""
    return page.evaluate(
        """() => {
          const view = window.govgraph.view, net = view.network;
          const positions = net.getPositions();
          const box = document.querySelector('#network canvas').getBoundingClientRect();
          const left = view.bands ? window.ExplorerMap.GUTTER : 0;
          // Actors well inside the canvas: room for a label on every side.
          const inner = Object.entries(positions).filter(([id, q]) => {
            const p = net.canvasToDOM(q);
            const r = (net.body.nodes[id].options.size || 13) * net.getScale();
            return p.x >= left + 80 + r && p.y >= 50 + r && p.x <= box.width - 80 - r
              && p.y <= box.height - 50 - 2 * r;
          }).map(([id]) => id);
          return {
            inner,
            order: view.labelIds(),
            labels: view.drawnLabels.map((l) => ({ id: l.id, lines: l.lines, left: l.left,
              right: l.left + l.width, top: l.top, bottom: l.top + l.height,
              node: net.canvasToDOM(positions[l.id]),
              radius: (net.body.nodes[l.id].options.size || 13) * net.getScale() })),
          };
        }"""
    )


def share_labelled(report: dict) -> float:
    """The share of the actors well inside the canvas that carry a label."""
    labelled = {label["id"] for label in report["labels"]}
    if not report["inner"]:
        return 1.0
    return len(labelled & set(report["inner"])) / len(report["inner"])


def zoom_by(page, factor: float) -> None:
    page.evaluate(
        """(f) => { const n = window.govgraph.network;
                    n.moveTo({scale: n.getScale() * f, animation: false}); }""",
        factor,
    )


def check_labels(page) -> dict:
    """Assert no drawn texts overlap and every label sits next to its own node."""
    texts = drawn_texts(page)
    assert texts, "nothing was drawn"
    assert overlaps(texts) == []
    report = label_report(page)
    drawn = {t["text"] for t in texts}
    for label in report["labels"]:
        assert set(label["lines"]) <= drawn
        node = label["node"]
        gap_x = max(label["left"] - node["x"], node["x"] - label["right"], 0)
        gap_y = max(label["top"] - node["y"], node["y"] - label["bottom"], 0)
        near = label["radius"] + 8
        assert gap_x < near and gap_y < near, f"label {label['lines']} is far from its node"
    return report


@pytest.mark.parametrize("scenario", [*BUNDLED, "sixteen"])
def test_labels_never_overlap_at_fit_and_zoomed_in(page, server, scenario):
    open_view(page, server, scenario, "?aggregate=0")
    fit = check_labels(page)
    assert fit["labels"], "no actor is labelled at fit zoom"
    # The most important actors (by layer and relations) are labelled at fit zoom.
    labelled = {label["id"] for label in fit["labels"]}
    assert fit["order"][0] in labelled
    shares = [share_labelled(fit)]
    for _ in range(2):
        zoom_by(page, 1.7)
        shares.append(share_labelled(check_labels(page)))
    # Zooming in gives room to more labels, until every actor in view has one.
    assert shares[2] >= shares[0]
    assert shares[2] == 1.0 or shares[2] > shares[0]


@pytest.mark.parametrize("scenario", ["nprz", "sixteen"])
def test_small_structures_are_fully_labelled_at_fit(page, server, scenario):
    open_view(page, server, scenario, "?aggregate=0")
    report = check_labels(page)
    nodes = page.evaluate("window.govgraph.view.nodes.length")
    assert len(report["labels"]) == nodes


def test_bands_say_what_they_mean(page, server):
    open_view(page, server, "nplv-2022", "?aggregate=0")
    layers = json.load(urllib.request.urlopen(f"{server}/api/scenarios/nplv-2022/graph"))["layers"]
    bands = page.evaluate("window.govgraph.view.drawnBands")
    titles = [b["title"] for b in bands]
    assert titles[0] == f"Layer 0 — steered by no one in this model ({layers['sizes']['0']})"
    assert f"Layer 4 — four steps of control below the top ({layers['sizes']['4']})" in titles
    isolated = "No control relation; may still have voice or other relations"
    assert titles[-1] == f"{isolated} ({layers['isolated']})"
    texts = {t["text"] for t in drawn_texts(page)}
    assert f"Layer 4 ({layers['sizes']['4']})" in texts
    # The layered view spans the canvas: its nodes reach from the gutter to the right edge
    spread = page.evaluate(
        """() => {
          const net = window.govgraph.network;
          const xs = Object.values(net.getPositions()).map((p) => net.canvasToDOM(p).x);
          return [Math.min(...xs), Math.max(...xs), document.getElementById('network').clientWidth];
        }"""
    )
    # (less the room kept at each side for the outer actors' labels).
    used = (spread[1] - spread[0]) / (spread[2] - window_gutter(page))
    assert used > 0.7


def window_gutter(page) -> float:
    return page.evaluate("window.ExplorerMap.GUTTER")


def group_counts(server: str, scenario: str) -> dict[str, int]:
    """Actors per (band, kind) from the API's full graph: what the overview's groups count."""
    nodes = json.load(urllib.request.urlopen(f"{server}/api/scenarios/{scenario}/graph"))["nodes"]
    counts: dict[str, int] = {}
    for n in nodes:
        band = "isolated" if n["isolated"] else f"layer-{n['layer']}"
        key = f"{band}:{n['kind']}"
        counts[key] = counts.get(key, 0) + 1
    return counts


def test_nplv_opens_as_a_readable_overview(page, server):
    open_view(page, server, "nplv-2022")
    assert page.get_attribute("#network", "data-aggregated") == "1"
    assert "aggregate=1" in page.url
    counts = group_counts(server, "nplv-2022")
    assert page.evaluate("window.govgraph.view.nodes.length") == len(counts)
    report = check_labels(page)
    labelled = {label["id"]: label["lines"] for label in report["labels"]}
    groups = {gid: n for gid, n in counts.items() if n > 1}
    # Groups of the overview carry their count and kind (cut with an ellipsis at worst; the
    # tooltip has it in full): most of them are labelled at fit, and most of those in full.
    shown = [gid for gid in groups if gid in labelled]
    assert len(shown) >= 0.85 * len(groups)
    full = 0
    for gid in shown:
        kind = gid.split(":")[1].replace("_", " ")
        text = " ".join(labelled[gid])
        n = groups[gid]
        assert text == f"{n} × {kind}" or (text.startswith(f"{n} × {kind[:4]}") and "…" in text)
        full += text == f"{n} × {kind}"
    assert full >= 0.75 * len(groups)
    sizes = page.evaluate(
        "(ids) => ids.map((id) => window.govgraph.network.body.nodes[id].options.size)",
        sorted(groups, key=groups.get),
    )
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]


@pytest.mark.parametrize("scenario", ["nprz", "sixteen"])
def test_readable_scenarios_open_actor_by_actor(page, server, scenario):
    open_view(page, server, scenario)
    assert page.get_attribute("#network", "data-aggregated") == "0"


def test_a_group_opens_in_place_and_closes_again(page, server):
    open_view(page, server, "nplv-2022", "?aggregate=1")
    counts = group_counts(server, "nplv-2022")
    gid = max((g for g in counts if g.startswith("layer-")), key=counts.get)
    before = page.evaluate("window.govgraph.view.nodes.length")
    click_node(page, gid)
    page.wait_for_function(
        f"() => window.govgraph.view.nodes.length === {before + counts[gid] - 1}"
    )
    assert "open=" in page.url and gid in urllib.parse.unquote(page.url)
    check_labels(page)
    caption = page.evaluate("(id) => window.govgraph.view.captions.find((c) => c.id === id)", gid)
    assert caption["text"].startswith(f"{counts[gid]} × ")
    box = page.locator("#network").bounding_box()
    page.mouse.click(
        box["x"] + (caption["box"]["left"] + caption["box"]["right"]) / 2,
        box["y"] + (caption["box"]["top"] + caption["box"]["bottom"]) / 2,
    )
    page.wait_for_function(f"() => window.govgraph.view.nodes.length === {before}")
    assert "open=" not in page.url


def test_every_bundled_kind_has_its_own_symbol(page, server):
    open_view(page, server, "nprz")
    kinds = sorted(
        {n["kind"] for s in BUNDLED for n in api_nodes(server, s)} | {"cabinet", "parliament"}
    )
    styles = page.evaluate("(ks) => ks.map((k) => window.GraphStyle.kindStyle(k))", kinds)
    symbol = {k: (st["shape"], st["colour"]) for k, st in zip(kinds, styles, strict=True)}
    for i, a in enumerate(kinds):
        for b in kinds[i + 1 :]:
            if symbol[a][0] == symbol[b][0]:
                assert colour_distance(symbol[a][1], symbol[b][1]) > 60, (a, b)
    for a, b in [("ministry", "parliament"), ("ministry", "cabinet"), ("mayor", "municipality")]:
        assert symbol[a][0] != symbol[b][0], (a, b)
    # The legend is open from the start and names every kind in view.
    assert page.evaluate("document.getElementById('legend-box').open") is True
    legend = page.inner_text("#legend")
    for kind in {n["kind"] for n in api_nodes(server, "nprz")}:
        assert kind.replace("_", " ") in legend


def api_nodes(server: str, scenario: str) -> list[dict]:
    with urllib.request.urlopen(f"{server}/api/scenarios/{scenario}/graph") as response:
        return json.load(response)["nodes"]


def colour_distance(a: str, b: str) -> float:
    ra, rb = (tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in (a, b))
    return sum((x - y) ** 2 for x, y in zip(ra, rb, strict=True)) ** 0.5


#: Records every text drawn on any canvas while ``window.__allTexts`` is an array.
RECORD_ALL_TEXT = """
(() => {
  const P = CanvasRenderingContext2D.prototype, fill = P.fillText;
  P.fillText = function (text) {
    if (window.__allTexts) window.__allTexts.push({ text: String(text), font: this.font,
      width: this.canvas.width, height: this.canvas.height });
    return fill.apply(this, arguments);
  };
})();
"""


def test_png_export_carries_title_legend_date_and_filters(browser, server):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    context.add_init_script(RECORD_ALL_TEXT)
    page = context.new_page()
    query = "?aggregate=0&as_of=2023-01-01&confidence=confirmed"
    open_view(page, server, "nprz", query)
    page.evaluate("window.__allTexts = []")
    page.click("#export-menu summary")
    page.select_option("#png-size", "1920x1080")
    with page.expect_download() as info:
        page.click('button[data-export="png"]')
    download = info.value
    name = download.suggested_filename
    assert name == "nprz-layers-as-of-2023-01-01-filtered-1920x1080.png"
    png = Path(download.path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == (1920, 1080)
    texts = page.evaluate("window.__allTexts")
    on_export = {t["text"] for t in texts if (t["width"], t["height"]) == (1920, 1080)}
    graph = json.load(urllib.request.urlopen(f"{server}/api/scenarios/nprz/graph{query}"))
    assert graph["scenario"]["title"] in on_export
    subtitle = next(t for t in on_export if t.startswith("Every actor in its steering layer"))
    assert "as of 2023-01-01" in subtitle and "confidence confirmed" in subtitle
    for kind in graph["legend"]["kinds"]:
        assert kind.replace("_", " ") in on_export
    for mode in graph["legend"]["modes"]:
        assert mode in on_export
    # The network inside the export was drawn with its labels and bands.
    drawn = {t["text"] for t in texts}
    assert any(t.startswith("Layer 0 (") for t in drawn)
    assert any(n["name"] in drawn for n in graph["nodes"])
    context.close()
