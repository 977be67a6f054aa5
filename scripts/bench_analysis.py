"""Time every steering analysis on seeded synthetic scenarios of growing size.

Usage::

    python scripts/bench_analysis.py                      # 1k, 10k, 100k, 1M relations
    python scripts/bench_analysis.py --sizes 1000 10000   # a subset

Each synthetic scenario has about one actor per three relations, in tiers from the cabinet
down to residents: control relations (STEERS, FUNDS, MONITORS, TARGETS, COORDINATES, CHAIRS,
REPORTS_TO, IMPLEMENTS) mostly run one or two tiers down, 2% of them anywhere (so there are
cycles), voice relations (PARTICIPATES_IN, ADVISES, MEMBER_OF, REPRESENTS) run upwards, and
the rest are collaboration, structure and discourse. The graph has the attributes the
analyses read (kind, sector, type, formal), as :func:`graph.network.to_networkx` gives them.
Prints seconds per analysis (best of three for steps under half a second) and the growth
ratio against the previous size (left out when either time is under a millisecond).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from typing import Any

import networkx as nx

from graph.analysis.accountability import accountability_load
from graph.analysis.flows import flows
from graph.analysis.fragmentation import fragmentation
from graph.analysis.hierarchy import (
    BETWEENNESS_EXACT_LIMIT,
    betweenness,
    flow_hierarchy,
    krackhardt_measures,
)
from graph.analysis.layers import condense
from graph.analysis.report import analyze
from graph.analysis.voice import voice_reach_by_kind

TIERS: list[list[str]] = [
    ["cabinet", "ministry", "parliament"],
    ["programme", "interdepartmental_group", "programme_office", "advisory_body"],
    ["municipality", "mayor", "instrument", "monitoring_system", "consultation_body"],
    ["focus_area", "housing_corporation", "police", "school", "welfare_organisation"],
    ["professional_group", "neighbourhood", "care_provider"],
    ["resident_group"],
]
TIER_SHARE = [0.01, 0.04, 0.15, 0.25, 0.25, 0.30]
SECTORS = ["governance", "safety", "housing", "care", "education", "work", "finance"]
DOWN = ["STEERS", "FUNDS", "MONITORS", "TARGETS", "COORDINATES", "CHAIRS"]
UP = ["REPORTS_TO", "IMPLEMENTS"]
VOICE = ["PARTICIPATES_IN", "ADVISES", "MEMBER_OF"]
OTHER = ["COLLABORATES_WITH", "LOCATED_IN", "SUPPORTS", "CRITICISES"]


def synthetic(relations: int, seed: int = 7) -> nx.MultiDiGraph:
    """Return a seeded synthetic scenario graph with about ``relations`` relations."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph(scenario={"id": f"synthetic-{relations}"})
    tiers: list[list[str]] = [[] for _ in TIERS]
    for i in range(max(relations // 3, 12)):
        t = rng.choices(range(len(TIERS)), TIER_SHARE)[0]
        actor = f"a{i}"
        tiers[t].append(actor)
        sectors = rng.sample(SECTORS, rng.choice([0, 1, 1, 2]))
        G.add_node(actor, kind=rng.choice(TIERS[t]), sector=sectors)
    tiers = [tier or [f"a{t}"] for t, tier in enumerate(tiers)]
    for r in range(relations):
        u, v, kind = _relation(rng, tiers)
        G.add_edge(u, v, key=f"r{r}", type=kind, formal=rng.random() < 0.3)
    return G


def _relation(rng: random.Random, tiers: list[list[str]]) -> tuple[str, str, str]:
    roll = rng.random()
    t = rng.randrange(len(tiers) - 1)
    high, low = rng.choice(tiers[t]), rng.choice(tiers[min(t + rng.choice([1, 1, 2]), 5)])
    if roll < 0.02:
        everyone = rng.choice(tiers), rng.choice(tiers)
        return rng.choice(everyone[0]), rng.choice(everyone[1]), rng.choice(DOWN)
    if roll < 0.45:
        return high, low, rng.choice(DOWN)
    if roll < 0.55:
        return low, high, rng.choice(UP)
    if roll < 0.80:
        return low, high, rng.choice(VOICE)
    if roll < 0.85:
        return high, low, "REPRESENTS"
    return high, low, rng.choice(OTHER)


def timed(fn: Callable[[], Any]) -> float:
    """Return the best of three runs for steps under half a second, else one run."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
        if best >= 0.5:
            break
    return best


def bench(relations: int, krackhardt_limit: int, exact_limit: int) -> dict[str, float | None]:
    G = synthetic(relations)
    f = flows(G)
    n = G.number_of_nodes()
    index = {a: i for i, a in enumerate(f.actors)}
    arcs = [(index[u], index[v]) for u, v in f.control_arcs()]
    cond = condense(G, flow=f)
    steps: dict[str, Callable[[], Any]] = {
        "flows": lambda: flows(G),
        "layers": lambda: condense(G, flow=f).layers(),
        "chains": lambda: (cond.chains(cond.deepest(), 100), cond.chain_count(cond.deepest())),
        "voice reach": lambda: voice_reach_by_kind(G, flow=f),
        "decisive voice": lambda: voice_reach_by_kind(G, formal_only=True, flow=f),
        "accountability": lambda: accountability_load(G, flow=f),
        "fragmentation": lambda: fragmentation(G, flow=f),
        "conn+efficiency": lambda: krackhardt_measures(n, arcs, max_actors=0),
        "flow hierarchy": lambda: flow_hierarchy(G, flow=f),
    }
    result: dict[str, float | None] = {name: timed(step) for name, step in steps.items()}
    result["hierarchy+lub"] = (
        timed(lambda: krackhardt_measures(n, arcs, max_actors=None))
        if n <= krackhardt_limit
        else None
    )
    result["betweenness exact"] = (
        timed(lambda: betweenness(G, exact_limit=n, flow=f)) if n <= exact_limit else None
    )
    result["betweenness k=256"] = (
        timed(lambda: betweenness(G, exact_limit=0, flow=f))
        if n > 256 and relations <= 100_000
        else None
    )
    result["analyze (all)"] = timed(lambda: analyze(G)) if relations <= 100_000 else None
    return {"actors": n, **result}


def versus_networkx(relations: int, plain_limit: int) -> None:
    """Time the whole ``analyze`` against the same analyses in plain networkx
    (:func:`graph.analysis.reference.reference_analyze`) on the same graph, check both give
    the same result (betweenness to 1e-12), then time each kernel of ``analyze``."""
    from graph.analysis.reference import differences, reference_analyze

    G = synthetic(relations)
    start = time.perf_counter()
    ours = analyze(G)
    fast = time.perf_counter() - start
    print(f"{relations:>9,} relations: analyze {fast:8.2f} s", end="", flush=True)
    if relations > plain_limit:
        print(f"   plain networkx not run (above --plain-limit {plain_limit:,})")
    else:
        start = time.perf_counter()
        theirs = reference_analyze(G)
        slow = time.perf_counter() - start
        differ = differences(ours, theirs)
        same = "yes" if not differ else "NO: " + ", ".join(differ)
        print(f"   plain networkx {slow:8.2f} s   {slow / fast:5.1f}x faster   same result: {same}")
    breakdown(G)


def breakdown(G: nx.MultiDiGraph) -> None:
    """Print the seconds of each kernel of ``analyze`` and the engine floors beside them."""
    from graph.analysis import report

    def step(name: str, fn: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        result = fn()
        print(f"    {name:<48} {time.perf_counter() - start:7.2f} s", flush=True)
        return result

    start = time.perf_counter()
    f = step("flows: one pass over the relations -> numbered arcs", lambda: flows(G))
    step("control graph handed to igraph", lambda: f.control_igraph)
    step("strong components (igraph)", lambda: f.strong_membership)
    step("counts", lambda: report._counts(G, f))
    step("layers, chains, chain count (numpy)", lambda: report._steering(G, f, 100))
    step("voice reach, both kinds (numpy BFS)", lambda: voice_reach_by_kind(G, flow=f))
    step("decisive voice reach", lambda: voice_reach_by_kind(G, formal_only=True, flow=f))
    step("accountability load and by kind", lambda: report._accountability(G, f))
    step("fragmentation incl. cross-sector share", lambda: fragmentation(G, flow=f))
    step("Krackhardt measures + flow hierarchy", lambda: report.hierarchy(G, flow=f))
    step("betweenness (k = 256 above 2,000 actors)", lambda: betweenness(G, flow=f))
    print(f"    {'sum of the steps':<48} {time.perf_counter() - start:7.2f} s")
    print("    floors in the same run:")
    step("  Python loop reading each relation's type", lambda: _read_types(G))
    sources = random.Random(0).sample(range(f.n), min(256, f.n))
    step("  igraph's betweenness call alone, 256 sources", lambda: _raw_betweenness(f, sources))


def _read_types(G: nx.MultiDiGraph) -> int:
    return sum(1 for _u, _v, kind in G.edges(data="type") if kind)


def _raw_betweenness(f: Any, sources: list[int]) -> Any:
    return f.control_igraph.betweenness(directed=True, sources=sources)


def bench_bundled() -> None:
    """Print the time of the whole ``analyze`` on each bundled scenario (target: < 0.2 s)."""
    from graph.datasets import bundled_paths
    from graph.formats import load_paths
    from graph.network import to_networkx

    print("whole analyze on the bundled scenarios (best of three)")
    for scenario in load_paths(bundled_paths()):
        G = to_networkx(scenario)
        seconds = timed(lambda G=G: analyze(G))
        print(f"  {scenario.id:<22} {len(G):>5} actors  {seconds:7.3f} s")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000, 1_000_000])
    parser.add_argument("--krackhardt-limit", type=int, default=40_000, help="most actors timed")
    parser.add_argument("--exact-limit", type=int, default=4_000, help="most actors for exact")
    parser.add_argument(
        "--versus",
        type=int,
        nargs="*",
        metavar="RELATIONS",
        help="only time the whole analyze against plain networkx at these sizes",
    )
    parser.add_argument(
        "--plain-limit",
        type=int,
        default=100_000,
        help="largest size at which plain networkx is run with --versus",
    )
    args = parser.parse_args()
    if args.versus:
        for size in args.versus:
            versus_networkx(size, args.plain_limit)
        return
    bench_bundled()
    print(f"betweenness is exact up to {BETWEENNESS_EXACT_LIMIT} actors in analyze")
    previous: dict[str, float | None] = {}
    for size in args.sizes:
        row = bench(size, args.krackhardt_limit, args.exact_limit)
        print(f"\n{size:>9,} relations, {row.pop('actors'):,} actors")
        for name, seconds in row.items():
            before = previous.get(name)
            measurable = seconds and before and min(seconds, before) >= 0.001
            ratio = f"x{seconds / before:5.1f}" if measurable else ""
            shown = f"{seconds:9.3f} s" if seconds is not None else "  skipped"
            print(f"  {name:<18} {shown}  {ratio}")
        previous = row


if __name__ == "__main__":
    main()
