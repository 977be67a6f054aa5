"""Explorer speed in a real browser: navigation to a drawn, clickable network.

Generates seeded synthetic scenarios (1k, 5k, 20k actors by default), serves them with the
app on waitress on a free port, and drives headless Chromium with Playwright. For each size
and view (node by node with labels on, and the overview: actors grouped by kind within each
layer, built in the browser up to 5,000 actors and by the server above) it reports:

- ``data in`` and ``built``: milliseconds from navigation start until the graph JSON is parsed
  and until the vis-network data sets and options are built (``performance.mark``);
- ``ready``: milliseconds from navigation start until the first drawing of the data is on
  screen (``window.govgraphReady``: the task after the frame that follows the first
  ``afterDrawing``, so the canvas has been painted) -- from then on a click selects a node;
- ``fit zoom``: the scale vis-network fits the whole picture at;
- ``labels``: how many actor or group labels are drawn at that zoom (none overlapping);
- ``click``: milliseconds from the pointer going down on the node nearest the middle of the
  canvas until the side panel names that actor and the next frame has been painted, once at
  the fitted zoom and once zoomed in to scale 1 (node by node only: a click on a group of the
  overview opens it in place);
- the number of nodes and edges drawn.

Each page is loaded once to warm the server's view cache, then measured ``--runs`` times
(the median is printed). Usage::

    python scripts/bench_explorer.py [--sizes 1000 5000 20000] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import threading
import time
from typing import Any

from graph.model import Scenario
from graph.validation import validate_document
from scripts.chromium import launch

#: Kinds from the top of government down, with the share of actors each tier gets.
TIERS = [
    (["cabinet", "ministry"], 0.01),
    (["interdepartmental_group", "programme", "programme_office"], 0.04),
    (["municipality", "consultation_body", "instrument"], 0.15),
    (["focus_area", "housing_corporation", "welfare_organisation", "school"], 0.30),
    (["professional_group", "resident_group", "neighbourhood"], 0.50),
]
DOWN = ["STEERS", "FUNDS", "TARGETS", "MONITORS", "COORDINATES"]
UP = ["REPORTS_TO", "PARTICIPATES_IN", "ADVISES"]


def synthetic(actors: int, seed: int = 7) -> Scenario:
    """Return a layered governance structure of ``actors`` actors and about 1.5 relations each."""
    return validate_document(synthetic_document(actors, seed))


def synthetic_document(actors: int, seed: int = 7) -> dict[str, Any]:
    """The govgraph document of :func:`synthetic` (as a file would hold it)."""
    rng = random.Random(seed)
    tiers: list[list[str]] = []
    records = []
    for t, (kinds, share) in enumerate(TIERS):
        ids = [f"t{t}-{i}" for i in range(max(1, int(actors * share)))]
        tiers.append(ids)
        records += [
            {"id": i, "name": f"{rng.choice(kinds)} {i}", "kind": rng.choice(kinds)} for i in ids
        ]
    relations = [_relation(rng, tiers) for _ in range(int(len(records) * 1.5))]
    return {
        "govgraph": 1,
        "scenario": {"id": f"synthetic-{actors}", "title": f"Synthetic structure, {actors} actors"},
        "actors": records,
        "relations": [dict(r, id=f"r{n}") for n, r in enumerate(relations)],
    }


def _relation(rng: random.Random, tiers: list[list[str]]) -> dict[str, Any]:
    upper = rng.randrange(len(tiers) - 1)
    lower = rng.randrange(upper + 1, len(tiers))
    top, bottom = rng.choice(tiers[upper]), rng.choice(tiers[lower])
    if rng.random() < 0.75:
        return {"from": top, "to": bottom, "type": rng.choice(DOWN)}
    return {"from": bottom, "to": top, "type": rng.choice(UP)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(scenarios: list[Scenario]) -> tuple[str, Any]:
    """Start the app on waitress in a thread; return its base URL and the server."""
    import waitress

    from app import create_app
    from graph.storage import open_store

    store = open_store(None)
    store.load(scenarios)
    app = create_app({"STORE": store})
    port = free_port()
    server = waitress.create_server(app, host="127.0.0.1", port=port, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    return f"http://127.0.0.1:{port}", server


#: In the page: the unselected node nearest the middle of the canvas and where it is on screen.
PICK_NODE = """(zoom) => {
  const net = window.govgraph.network, view = window.govgraph.view;
  const box = document.getElementById('network').getBoundingClientRect();
  const middle = net.DOMtoCanvas({ x: box.width / 2, y: box.height / 2 });
  const positions = net.getPositions();
  let best = null, bestDistance = Infinity;
  const selected = net.getSelectedNodes()[0];
  for (const id of view.nodes.getIds()) {
    if (id === selected) continue;
    const p = positions[id], d = Math.hypot(p.x - middle.x, p.y - middle.y);
    if (d < bestDistance) { best = id; bestDistance = d; }
  }
  if (zoom) net.moveTo({ position: positions[best], scale: zoom, animation: false });
  const p = net.canvasToDOM(positions[best]);
  return [best, box.left + p.x, box.top + p.y, net.getScale()];
}"""
#: In the page: time from the pointer going down to the panel naming the actor, painted.
WATCH_PANEL = """(id) => {
  window.benchClick = undefined;
  const container = document.getElementById('network'), panel = document.getElementById('panel');
  let down = null;
  const onDown = (e) => { down = e.timeStamp; };
  container.addEventListener('pointerdown', onDown, { capture: true, once: true });
  const observer = new MutationObserver(() => {
    const body = panel.querySelector('.panel-body');
    const group = body && body.classList.contains('group');
    const named = body && body.querySelector('h2') && (body.dataset.actor === id || group);
    if (!named || down === null) return;
    observer.disconnect();
    const done = () => { window.benchClick = performance.now() - down; };
    requestAnimationFrame(() => setTimeout(done, 0));
  });
  observer.observe(panel, { childList: true, subtree: true });
}"""
PHASES = """() => Object.fromEntries(performance.getEntriesByType('mark')
  .filter((m) => m.name.startsWith('govgraph:')).map((m) => [m.name.slice(9), m.startTime]))"""


def measure(page: Any, url: str, clicks: bool = True) -> dict[str, float]:
    """Load ``url``; return ready time, its phases, click-to-panel times and what was drawn."""
    page.goto(url)
    page.wait_for_selector('#network[data-ready="1"]', timeout=120_000)
    result = {
        "ready": page.evaluate("window.govgraphReady"),
        "nodes": page.evaluate("window.govgraph.view.nodes.length"),
        "edges": page.evaluate("window.govgraph.view.edges.length"),
        "labels": page.evaluate("window.govgraph.view.drawnLabels.length"),
        "fit_scale": page.evaluate("window.govgraph.network.getScale()"),
        "click_fit": float("nan"),
        "click": float("nan"),
        **page.evaluate(PHASES),
    }
    if clicks:
        result["click_fit"], result["fit_scale"] = click(page, None)
        result["click"], _ = click(page, 1)
    return result


def click(page: Any, zoom: float | None) -> tuple[float, float]:
    """Click the node nearest the middle (after zooming to ``zoom``); return ms and the scale."""
    node, x, y, scale = page.evaluate(PICK_NODE, zoom)
    page.wait_for_timeout(300)
    page.evaluate(WATCH_PANEL, node)
    page.mouse.click(x, y)
    deadline = time.monotonic() + 120
    # Polled from here: the page's CSP forbids the eval that wait_for_function needs.
    while (elapsed := page.evaluate("window.benchClick")) is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"no panel for {node} within 120 s")
        page.wait_for_timeout(20)
    return elapsed, scale


def bench(base: str, sizes: list[int], runs: int) -> list[dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        for size in sizes:
            for view, flag in (("node by node", "0"), ("overview", "1")):
                url = f"{base}/scenarios/synthetic-{size}?aggregate={flag}"
                measure(page, url, flag == "0")  # warm the server's view cache and the browser's
                results = [measure(page, url, flag == "0") for _ in range(runs)]
                rows.append(summarise(size, view, results))
                print(format_row(rows[-1]), flush=True)
        browser.close()
    return rows


def summarise(size: int, view: str, results: list[dict[str, float]]) -> dict[str, Any]:
    def median(key: str) -> float:
        return statistics.median(r[key] for r in results)

    return {
        "actors": size,
        "view": view,
        "nodes": results[0]["nodes"],
        "edges": results[0]["edges"],
        "fetched_ms": median("fetched"),
        "built_ms": median("built"),
        "ready_ms": median("ready"),
        "fit_scale": results[0]["fit_scale"],
        "labels": results[0]["labels"],
        "click_fit_ms": median("click_fit"),
        "click_ms": median("click"),
    }


def format_row(row: dict[str, Any]) -> str:
    return (
        f"| {row['actors']} | {row['view']} | {row['nodes']} | {row['edges']} "
        f"| {row['fetched_ms']:.0f} | {row['built_ms']:.0f} | {row['ready_ms']:.0f} "
        f"| {row['fit_scale']:.2f} | {row['labels']} | {row['click_fit_ms']:.0f} "
        f"| {row['click_ms']:.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    base, server = serve([synthetic(n) for n in args.sizes])
    print(f"# served {len(args.sizes)} scenarios in {time.perf_counter() - started:.1f} s")
    print(
        "| actors | view | nodes drawn | edges drawn | data in (ms) | built (ms) | ready (ms) "
        "| fit zoom | labels | click at fit (ms) | click at zoom 1 (ms) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    try:
        bench(base, args.sizes, args.runs)
    finally:
        server.close()


if __name__ == "__main__":
    main()
