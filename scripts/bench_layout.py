"""Layered layout engines side by side: govgraph's own against igraph, Graphviz dot and ELK.

Every engine lays out the same graph with the same fixed layers -- the steering layers of
``graph.analysis`` (the isolated band one layer below the deepest) -- and each node's box sized
for its label as the explorer draws it (a 13 px symbol above at most two 12 px lines of at most
124 px). Engines and what keeps their layers fixed:

- ``govgraph``: ``graph.layout.layered_layout`` (barycentre sweeps, crowded layers wrapped);
- ``igraph``: ``Graph.layout_sugiyama(layers=...)`` (C code; a PyPI dependency already);
- ``dot``: Graphviz ``dot`` with one ``rank=same`` subgraph per layer, the layers chained by
  invisible anchor nodes, and every real edge ``constraint=false`` so none moves a rank;
- ``elk``: elkjs's layered algorithm under node (``scripts/elk``), one partition per layer
  (``elk.partitioning``) with every edge pointing down; edges within a layer cannot be given to
  ELK's layering, so it orders without them (they are still drawn and counted).

An engine that is not installed, times out or moves a node off its layer is excluded with the
reason printed. Each engine's x-order within a layer is also drawn as the explorer draws
govgraph's: the page's own ``ExplorerMap.reflow`` in headless Chromium at 1440x900 (band
wrapping fitted to the canvas, label slots), rows ``... -> explorer``. ``govgraph -> explorer``
is checked against ``network.getPositions()`` of the real page.

Figures per graph and row, on straight segments between node centres as the explorer draws
them (one segment per pair of linked actors):

- ``crossings``: pairs of segments that cross (exactly: every pair is tested; segments that
  share an end do not cross);
- ``overlaps``: pairs of node-and-label boxes that overlap, at zoom 1;
- ``edge length``: the segments' total length, and the picture's width x height, in px at zoom 1;
- ``ms``: the engine's time (median of ``--runs`` runs, engines interleaved; one run above
  1,000 actors), with starting its process and reading its answer; igraph's and ELK's own time
  inside their process in brackets, and that time's ratio to govgraph's (dot's includes its
  process start, a few ms).

Usage (graphviz from Debian, elkjs from npm)::

    sudo apt-get install -y graphviz && npm install --prefix scripts/elk
    python scripts/bench_layout.py [--sizes 200 1000 5000] [--runs 3] [--timeout 600]
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.analysis.layers import condense  # noqa: E402
from graph.datasets import bundled_paths  # noqa: E402
from graph.formats import read_path  # noqa: E402
from graph.layout import layered_layout  # noqa: E402
from graph.model import Scenario  # noqa: E402
from graph.network import to_networkx  # noqa: E402

ELK_DIR = Path(__file__).resolve().parent / "elk"
#: A folder with another igraph release (pip install --target DIR igraph==X), or "".
IGRAPH_SITE = ""
Positions = dict[str, tuple[float, float]]

# The explorer's node and label (app/static/explorer-map.js LABEL, graphstyle.js size 13).
RADIUS = 13.0
FONT_PX = 12.0
LINE = 14.0
MAX_WIDTH = 124.0
MAX_LINES = 2
PAD = 3.0
GAP = 3.0
#: Mean advance of a character of 12 px Inter / system-ui, in px (Chromium, over the names of
#: the bundled scenarios' actors: 6.41).
CHAR_PX = 6.4
#: Gap between neighbouring boxes and between layers that every engine is asked for, in px.
NODE_GAP = 12.0
LAYER_GAP = 60.0


# ---- the graphs -------------------------------------------------------------------------------


@dataclass
class Case:
    """One graph with its fixed bands, linked pairs and node boxes."""

    name: str
    scenario_id: str
    bands: dict[str, int]  # actor -> layer; the isolated band is depth + 1
    layers: dict[str, int]
    isolated: frozenset[str]
    kinds: dict[str, str]
    pairs: list[tuple[str, str]]  # distinct linked pairs, each once
    arcs: list[tuple[str, str]]  # every relation, as the server's layout is given them
    boxes: dict[str, tuple[float, float]] = field(default_factory=dict)  # width, height


def case_of(name: str, G: nx.MultiDiGraph) -> Case:
    cond = condense(G)
    layers, isolated = cond.layers(), frozenset(cond.isolated)
    depth = max((layers[n] for n in layers if n not in isolated), default=-1)
    bands = {n: depth + 1 if n in isolated else layers[n] for n in layers}
    pairs = sorted({tuple(sorted((u, v))) for u, v in G.edges() if u != v})
    kinds = {n: str(d.get("kind", "")) for n, d in G.nodes(data=True)}
    boxes = {n: label_box(str(d.get("name") or n)) for n, d in G.nodes(data=True)}
    scenario_id = G.graph["scenario"]["id"]
    arcs = [(u, v) for u, v in G.edges()]
    return Case(name, scenario_id, bands, layers, isolated, kinds, pairs, arcs, boxes)  # type: ignore[arg-type]


def label_box(text: str) -> tuple[float, float]:
    """Width and height of a node's symbol with its label below, as the explorer wraps it."""
    lines: list[float] = []
    words = text.split()
    while words and len(lines) < MAX_LINES:
        line = words.pop(0)
        while words and (len(line) + 1 + len(words[0])) * CHAR_PX <= MAX_WIDTH:
            line += " " + words.pop(0)
        lines.append(min(MAX_WIDTH, len(line) * CHAR_PX))
    if words:
        lines[-1] = MAX_WIDTH  # the rest goes into the last line, cut with an ellipsis
    width = max([2 * RADIUS, *(w + 2 * PAD for w in lines)])
    return width, 2 * RADIUS + GAP + len(lines) * LINE + 1


def box_of(case: Case, node: str, x: float, y: float) -> tuple[float, float, float, float]:
    """The node's box (left, top, right, bottom) when its symbol's centre is at (x, y)."""
    width, height = case.boxes[node]
    return x - width / 2, y - RADIUS, x + width / 2, y - RADIUS + height


def bundled_cases() -> list[Case]:
    cases = []
    for path in bundled_paths():
        for scenario in read_path(path):
            cases.append(case_of(scenario.info.id, to_networkx(scenario)))
    return cases


def synthetic_case(actors: int) -> tuple[Case, Scenario]:
    from scripts.bench_explorer import synthetic

    scenario = synthetic(actors)
    return case_of(f"synthetic {actors}", to_networkx(scenario)), scenario


# ---- the engines ------------------------------------------------------------------------------


class Excluded(Exception):
    """An engine that cannot lay this graph out with its layers fixed: the reason."""


def run_govgraph(case: Case, timeout: float) -> tuple[Positions, float | None]:
    # exactly as graph.layout.scenario_layout calls it for the explorer
    kinds = case.kinds
    positions = layered_layout(case.layers, case.isolated, case.arcs, key=lambda n: (kinds[n], n))
    return positions, None


def run_igraph(case: Case, timeout: float) -> tuple[Positions, float | None]:
    """igraph's Sugiyama in a child process: igraph 1.0.0 was seen to crash on some graphs."""
    nodes = sorted(case.bands, key=lambda n: (case.bands[n], case.kinds[n], n))
    index = {n: i for i, n in enumerate(nodes)}
    # Edges point down the layers; edges within a layer are given too (igraph ignores them).
    edges = [
        (index[u], index[v]) if case.bands[u] <= case.bands[v] else (index[v], index[u])
        for u, v in case.pairs
    ]
    job = {
        "layers": [case.bands[n] for n in nodes],
        "edges": edges,
        "hgap": max(w for w, _ in case.boxes.values()) + NODE_GAP,
        "vgap": max(h for _, h in case.boxes.values()) + LAYER_GAP,
    }
    command = [sys.executable, __file__, "--igraph-worker"]
    answer = _child(command, job, timeout, "igraph", env=_igraph_env())
    xy = answer["xy"]
    return {n: (xy[index[n]][0], xy[index[n]][1]) for n in nodes}, float(answer["ms"])


def igraph_worker() -> None:
    """The child's side of :func:`run_igraph`: a job on stdin, positions and ms on stdout."""
    import igraph

    job = json.load(sys.stdin)
    g = igraph.Graph(n=len(job["layers"]), edges=job["edges"], directed=True)
    started = time.perf_counter()
    layout = g.layout_sugiyama(layers=job["layers"], hgap=job["hgap"], vgap=job["vgap"])
    ms = (time.perf_counter() - started) * 1000
    # The layout's first rows are the real vertices; dummy vertices of long edges follow.
    json.dump({"ms": ms, "xy": [layout[i] for i in range(len(job["layers"]))]}, sys.stdout)


def _child(command: list[str], job: Any, timeout: float, name: str, **kw: Any) -> Any:
    """Run an engine's process on ``job`` (JSON); a crash or a time-out excludes the engine."""
    try:
        done = subprocess.run(
            command, input=json.dumps(job), capture_output=True, text=True, timeout=timeout, **kw
        )
    except subprocess.TimeoutExpired as e:
        raise Excluded(f"{name} gave no layout within {timeout:.0f} s") from e
    if done.returncode < 0:
        raise Excluded(f"{name} {_version(name)} crashed ({signal.Signals(-done.returncode).name})")
    if done.returncode:
        raise Excluded(f"{name} failed: {done.stderr.strip()[-200:]}")
    return json.loads(done.stdout)


def _version(name: str) -> str:
    if name != "igraph":
        return ""
    command = [sys.executable, "-c", "import igraph; print(igraph.__version__)"]
    done = subprocess.run(command, capture_output=True, text=True, env=_igraph_env())
    return done.stdout.strip()


def _igraph_env() -> dict[str, str]:
    """The environment of igraph's child process: ``IGRAPH_SITE`` first on its path."""
    env = dict(os.environ)
    if IGRAPH_SITE:
        env["PYTHONPATH"] = os.pathsep.join([IGRAPH_SITE, env.get("PYTHONPATH", "")])
    return env


def dot_source(case: Case) -> str:
    """The graph in DOT: one rank per band, chained by invisible anchors; edges never rank."""
    inch = 72.0
    out = [
        "digraph G {",
        f"  graph [rankdir=TB, splines=false, nodesep={NODE_GAP / inch:.4f}, "
        f"ranksep={LAYER_GAP / inch:.4f}];",
        '  node [shape=box, fixedsize=true, label=""];',
    ]
    by_band: dict[int, list[str]] = {}
    for node in sorted(case.bands, key=lambda n: (case.kinds[n], n)):
        by_band.setdefault(case.bands[node], []).append(node)
    for band in range(max(by_band, default=-1) + 1):
        members = " ".join(
            f'"n:{n}" [width={case.boxes[n][0] / inch:.4f}, height={case.boxes[n][1] / inch:.4f}];'
            for n in by_band.get(band, [])
        )
        out.append(
            f'  {{ rank=same; "anchor:{band}" [style=invis, width=0.01, height=0.01]; {members} }}'
        )
        if band:
            out.append(f'  "anchor:{band - 1}" -> "anchor:{band}" [style=invis];')
    for u, v in case.pairs:
        if case.bands[u] > case.bands[v]:
            u, v = v, u
        out.append(f'  "n:{u}" -> "n:{v}" [constraint=false];')
    out.append("}")
    return "\n".join(out)


def run_dot(case: Case, timeout: float) -> tuple[Positions, float | None]:
    if shutil.which("dot") is None:
        raise Excluded("Graphviz dot not installed (Debian: apt-get install graphviz)")
    try:
        done = subprocess.run(
            ["dot", "-Tplain"],
            input=dot_source(case),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
    except subprocess.TimeoutExpired as e:
        raise Excluded(f"dot gave no layout within {timeout:.0f} s") from e
    positions: Positions = {}
    for line in done.stdout.splitlines():
        parts = line.split()
        if parts and parts[0] == "node" and parts[1].startswith('"n:'):
            node = parts[1][3:-1]
            # plain output: the centre of a node's box in inches, y upwards
            # (boxes of one rank share their centre: the symbol is drawn there)
            positions[node] = (float(parts[2]) * 72, -float(parts[3]) * 72)
    return positions, None


def run_elk(case: Case, timeout: float) -> tuple[Positions, float | None]:
    node_bin = shutil.which("node")
    if node_bin is None:
        raise Excluded("node not installed")
    if not (ELK_DIR / "node_modules" / "elkjs").is_dir():
        raise Excluded("elkjs not installed (npm install --prefix scripts/elk)")
    graph = {
        "layoutOptions": {
            "elk.algorithm": "layered",
            "elk.direction": "DOWN",
            "elk.partitioning.activate": "true",
            "elk.spacing.nodeNode": str(NODE_GAP),
            "elk.layered.spacing.nodeNodeBetweenLayers": str(LAYER_GAP),
            "elk.edgeRouting": "POLYLINE",
            "elk.randomSeed": "1",
            # one drawing: actors with no edge stay in their partition's layer
            "elk.separateConnectedComponents": "false",
        },
        "children": [
            {
                "id": n,
                "width": case.boxes[n][0],
                "height": case.boxes[n][1],
                "layoutOptions": {"elk.partitioning.partition": str(case.bands[n])},
            }
            for n in sorted(case.bands, key=lambda n: (case.bands[n], case.kinds[n], n))
        ],
        "edges": [
            {"id": f"e{i}", "sources": [u], "targets": [v]}
            for i, (u, v) in enumerate(
                (u, v) if case.bands[u] < case.bands[v] else (v, u)
                for u, v in case.pairs
                if case.bands[u] != case.bands[v]
            )
        ],
    }
    answer = _child([node_bin, str(ELK_DIR / "layout.js")], graph, timeout, "ELK", cwd=ELK_DIR)
    positions = {n: (x + w / 2, y + RADIUS) for n, (x, y, w, h) in answer["nodes"].items()}
    return positions, float(answer["ms"])


ENGINES: dict[str, Callable[[Case, float], tuple[Positions, float | None]]] = {
    "govgraph": run_govgraph,
    "igraph": run_igraph,
    "dot": run_dot,
    "elk": run_elk,
}


def off_layer(case: Case, positions: Positions) -> int:
    """How many actors sit outside their band: bands must follow in layer order, apart.

    A band may take several sub-rows (govgraph wraps crowded layers), but no actor of one
    band may be level with or beyond an actor of the next.
    """
    spans: dict[int, tuple[float, float]] = {}
    for node, (_, y) in positions.items():
        low, high = spans.get(case.bands[node], (y, y))
        spans[case.bands[node]] = (min(low, y), max(high, y))
    order = sorted(spans)
    bad = {b for a, b in zip(order, order[1:], strict=False) if spans[a][1] >= spans[b][0]}
    return sum(1 for n in positions if case.bands[n] in bad)


# ---- the figures ------------------------------------------------------------------------------


def crossings(case: Case, positions: Positions) -> int:
    """Pairs of straight segments (between node centres) that cross; shared ends never do."""
    ids = {n: i for i, n in enumerate(positions)}
    ends = np.array([(ids[u], ids[v]) for u, v in case.pairs], dtype=np.int64)
    if len(ends) < 2:
        return 0
    xy = np.array(list(positions.values()), dtype=np.float64)
    p, q = xy[ends[:, 0]], xy[ends[:, 1]]
    total = 0
    chunk = max(1, 2_000_000 // len(ends))
    for start in range(0, len(ends), chunk):
        stop = min(len(ends), start + chunk)
        a, b = p[start:stop, None, :], q[start:stop, None, :]
        c, d = p[None, :, :], q[None, :, :]
        d1, d2 = _orient(a, b, c), _orient(a, b, d)
        d3, d4 = _orient(c, d, a), _orient(c, d, b)
        crossing = (d1 * d2 < 0) & (d3 * d4 < 0)
        e = ends[start:stop, None, :]
        shared = (e[..., 0] == ends[None, :, 0]) | (e[..., 0] == ends[None, :, 1])
        shared |= (e[..., 1] == ends[None, :, 0]) | (e[..., 1] == ends[None, :, 1])
        later = np.arange(start, stop)[:, None] < np.arange(len(ends))[None, :]
        total += int(np.count_nonzero(crossing & ~shared & later))
    return total


def _orient(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Sign of the turn a -> b -> c, with a tolerance for points on the line."""
    value = (b[..., 0] - a[..., 0]) * (c[..., 1] - a[..., 1]) - (b[..., 1] - a[..., 1]) * (
        c[..., 0] - a[..., 0]
    )
    return np.where(np.abs(value) < 1e-6, 0.0, np.sign(value))


def overlaps(case: Case, positions: Positions) -> int:
    """Pairs of node-and-label boxes that overlap, found through a grid of 128 px cells."""
    cell = 128.0
    grid: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
    count = 0
    for node, (x, y) in positions.items():
        box = box_of(case, node, x, y)
        keys = [
            (i, j)
            for i in range(int(box[0] // cell), int(box[2] // cell) + 1)
            for j in range(int(box[1] // cell), int(box[3] // cell) + 1)
        ]
        seen: set[int] = set()
        for k in keys:
            for other in grid.get(k, ()):
                if id(other) in seen:
                    continue
                seen.add(id(other))
                if (
                    other[0] < box[2]
                    and box[0] < other[2]
                    and other[1] < box[3]
                    and box[1] < other[3]
                ):
                    count += 1
        for k in keys:
            grid.setdefault(k, []).append(box)
    return count


def figures(case: Case, positions: Positions) -> dict[str, float]:
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    length = sum(math.dist(positions[u], positions[v]) for u, v in case.pairs)
    return {
        "crossings": crossings(case, positions),
        "overlaps": overlaps(case, positions),
        "length": length,
        "width": max(xs) - min(xs) if xs else 0.0,
        "height": max(ys) - min(ys) if ys else 0.0,
    }


# ---- the explorer's drawing -------------------------------------------------------------------

REFLOW = """([nodes, size]) => {
  const map = window.ExplorerMap.reflow(nodes, size);
  return Object.fromEntries([...map.positions].map(([id, p]) => [id, [p.x, p.y]]));
}"""
SHOWN = """() => {
  const view = window.govgraph.view;
  return [view.size(), Object.fromEntries(Object.entries(window.govgraph.network.getPositions())
    .map(([id, p]) => [id, [p.x, p.y]])), view.drawnLabels.length];
}"""


class Explorer:
    """The real explorer page in headless Chromium, serving the cases' scenarios."""

    def __init__(self, scenarios: list[Scenario], viewport: tuple[int, int]) -> None:
        from playwright.sync_api import sync_playwright

        from scripts.bench_explorer import serve
        from scripts.chromium import launch

        logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # busy-queue notes

        self.base, self.server = serve(scenarios)
        self.playwright = sync_playwright().start()
        self.browser = launch(self.playwright)
        width, height = viewport
        self.page = self.browser.new_page(viewport={"width": width, "height": height})

    def open(self, case: Case) -> tuple[dict[str, Any], Positions, int]:
        """Open the full (node by node) view; return the canvas size, positions and labels."""
        self.page.goto(f"{self.base}/scenarios/{case.scenario_id}?aggregate=0")
        self.page.wait_for_selector('#network[data-ready="1"]', timeout=300_000)
        size, shown, labels = self.page.evaluate(SHOWN)
        return size, {n: (p[0], p[1]) for n, p in shown.items()}, labels

    def reflow(self, case: Case, positions: Positions, size: dict[str, Any]) -> Positions:
        """The explorer's own band wrapping applied to the x-order of ``positions``."""
        nodes = [
            {
                "id": n,
                "layer": case.layers[n],
                "isolated": n in case.isolated,
                "x": positions[n][0],
                "y": case.bands[n] * 1000.0,
            }
            for n in positions
        ]
        placed = self.page.evaluate(REFLOW, [nodes, size])
        return {n: (p[0], p[1]) for n, p in placed.items()}

    def close(self) -> None:
        self.browser.close()
        self.playwright.stop()
        self.server.close()


# ---- the run ----------------------------------------------------------------------------------


def lay_out(case: Case, runs: int, timeout: float, gave_up: dict[str, Excluded]) -> dict[str, Any]:
    """Run every engine ``runs`` times, interleaved; return positions and times per engine.

    ``gave_up`` holds the engines that ran out of time on a smaller graph: they are not run
    again (and engines that run out of time here are added to it).
    """
    results: dict[str, Any] = {
        name: Excluded(f"{reason}; not run on larger graphs") for name, reason in gave_up.items()
    }
    times: dict[str, list[float]] = {name: [] for name in ENGINES}
    inner: dict[str, list[float]] = {name: [] for name in ENGINES}
    for _ in range(runs):
        for name, engine in ENGINES.items():
            if isinstance(results.get(name), Excluded):
                continue
            started = time.perf_counter()
            try:
                positions, engine_ms = engine(case, timeout)
            except Excluded as reason:
                results[name] = reason
                if "within" in str(reason):
                    gave_up[name] = Excluded(f"{reason} on {len(case.bands)} actors")
                continue
            times[name].append((time.perf_counter() - started) * 1000)
            if engine_ms is not None:
                inner[name].append(engine_ms)
            results[name] = positions
    for name, positions in list(results.items()):
        if isinstance(positions, Excluded):
            continue
        missing = set(case.bands) - set(positions)
        moved = off_layer(case, positions) if not missing else len(missing)
        if moved:
            results[name] = Excluded(f"{moved} of {len(case.bands)} actors not on their layer")
    return {
        "positions": results,
        "ms": {k: statistics.median(v) for k, v in times.items() if v},
        "inner_ms": {k: statistics.median(v) for k, v in inner.items() if v},
    }


def report(case: Case, laid: dict[str, Any], explorer: Explorer | None) -> list[str]:
    rows = []
    base_ms = laid["ms"].get("govgraph")
    shown: Positions | None = None
    size: dict[str, Any] | None = None
    labels = None
    if explorer is not None:
        size, shown, labels = explorer.open(case)
    for name in ENGINES:
        positions = laid["positions"].get(name)
        if isinstance(positions, Excluded) or positions is None:
            rows.append(f"| {case.name} | {name} | excluded: {positions} | | | | | |")
            continue
        ms, own = laid["ms"][name], laid["inner_ms"].get(name)
        timing = _ms(ms) + (f" ({_ms(own)})" if own is not None else "")
        ratio = f"{(own if own is not None else ms) / base_ms:.1f}x" if base_ms else ""
        rows.append(_row(case.name, name, figures(case, positions), timing, ratio))
        if explorer is None or size is None:
            continue
        drawn = explorer.reflow(case, positions, size)
        note = ""
        if name == "govgraph" and shown is not None:
            common = set(shown) & set(drawn)
            gap = max((math.dist(shown[n], drawn[n]) for n in common), default=0.0)
            note = f" (= the page's getPositions() within {gap:.2g} px; {labels} labels at fit)"
            if set(shown) != set(drawn):
                note += f" [the page shows {len(shown)} of {len(drawn)} actors]"
        rows.append(_row(case.name, f"{name} -> explorer{note}", figures(case, drawn), "", ""))
    return rows


def _ms(ms: float) -> str:
    return f"{ms:.1f}" if ms < 10 else f"{ms:,.0f}"


def _row(graph: str, engine: str, f: dict[str, float], ms: str, ratio: str) -> str:
    return (
        f"| {graph} | {engine} | {f['crossings']:,} | {f['overlaps']:,} "
        f"| {f['length'] / 1000:,.0f}k | {f['width']:,.0f} x {f['height']:,.0f} | {ms} | {ratio} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[200, 1000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per engine run")
    parser.add_argument("--no-browser", action="store_true", help="skip the explorer's drawing")
    parser.add_argument(
        "--engines", nargs="+", choices=list(ENGINES), default=list(ENGINES), help="engines to run"
    )
    parser.add_argument(
        "--igraph-site", default="", help="folder of another igraph release to run instead"
    )
    parser.add_argument("--igraph-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    global IGRAPH_SITE
    IGRAPH_SITE = args.igraph_site
    for name in set(ENGINES) - set(args.engines):
        del ENGINES[name]
    if args.igraph_worker:
        igraph_worker()
        return 0

    cases = bundled_cases()
    scenarios = [s for p in bundled_paths() for s in read_path(p)]
    for size in args.sizes:
        case, scenario = synthetic_case(size)
        cases.append(case)
        scenarios.append(scenario)
    explorer = None if args.no_browser else Explorer(scenarios, (1440, 900))
    print(
        f"# load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
        f"crossings and overlaps on straight edges at zoom 1; ms: median of {args.runs}"
    )
    print(
        "| graph | engine | crossings | label overlaps | edge length (px) "
        "| width x height (px) | ms | vs govgraph |"
    )
    print("|---|---|---|---|---|---|---|---|")
    gave_up: dict[str, Excluded] = {}
    try:
        for case in cases:
            print(
                f"# {case.name}: {len(case.bands)} actors, {len(case.pairs)} linked pairs, "
                f"{max(case.bands.values(), default=0) + 1} bands",
                flush=True,
            )
            runs = args.runs if len(case.bands) <= 1000 else 1
            for row in report(case, lay_out(case, runs, args.timeout, gave_up), explorer):
                print(row, flush=True)
    finally:
        if explorer is not None:
            explorer.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
