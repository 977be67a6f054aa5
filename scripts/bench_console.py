"""Benchmark: a guarded console query on the embedded store against a raw LadybugDB connection.

Loads the seeded synthetic scenario of ``scripts/bench_import.py`` (100,000 relations by
default) into an in-memory :class:`EmbeddedStore`, then runs one 2-hop query from the actor
with the most outgoing relations, alternating between:

- **guarded**: ``store.query(cypher, params)`` as the console and ``govgraph query`` run it
  (the guard and the subset checks, parameters checked, a watched worker with a deadline,
  a reused connection, values converted to the shared JSON shape);
- **raw**: the same statement as the store rewrites it, on a LadybugDB connection opened
  once, ``execute(...).get_all()``.

Prints the median and best of ``--runs`` each and the ratio of the medians, and the same for
``RETURN 1`` (no data read: what is left is the round trip to the worker and the guard, the
floor under any guarded query).

Run from the repository root::

    python scripts/bench_console.py                     # 100k relations, 50 runs
    python scripts/bench_console.py --relations 10000 --runs 200
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import ladybug  # noqa: E402
from bench_import import synthetic  # noqa: E402

from graph.storage.embedded import EmbeddedStore, check_subset  # noqa: E402

QUERY = (
    "MATCH (a:Actor {scenario: $s, id: $id})-[r]->(b:Actor)-[q]->(c:Actor) "
    "RETURN b.id, c.id, c.kind ORDER BY b.id, c.id LIMIT 200"
)

LABELS = {
    "guarded": "guarded `store.query`",
    "raw": "raw LadybugDB connection",
    "guarded RETURN 1": "guarded `RETURN 1`",
    "raw RETURN 1": "raw `RETURN 1`",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--relations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)
    scenario = synthetic(args.relations // 3, args.relations, seed=7)
    store = EmbeddedStore()
    store.load([scenario])
    hub = Counter(r.source for r in scenario.relations).most_common(1)[0][0]
    params = {"s": scenario.id, "id": hub}
    raw = ladybug.Connection(store._db)
    statement = check_subset(QUERY)
    rows = store.query(QUERY, params).rows
    assert [list(r) for r in raw.execute(statement, params).get_all()] == rows
    timed = {
        "guarded": lambda: store.query(QUERY, params),
        "raw": lambda: raw.execute(statement, params).get_all(),
        "guarded RETURN 1": lambda: store.query("RETURN 1"),
        "raw RETURN 1": lambda: raw.execute("RETURN 1").get_all(),
    }
    times: dict[str, list[float]] = {name: [] for name in timed}
    for _ in range(args.runs):  # alternated, so load on the machine falls on each alike
        for name, run in timed.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    g, p = statistics.median(times["guarded"]), statistics.median(times["raw"])
    print(f"{args.relations:,} relations, 2 hops from {hub} ({len(rows)} rows), {args.runs} runs")
    print("| query | median | best |")
    print("|---|---|---|")
    for name, label in LABELS.items():
        ms = [t * 1000 for t in times[name]]
        print(f"| {label} | {statistics.median(ms):.2f} ms | {min(ms):.2f} ms |")
    print(f"guarded / raw (medians): {g / p:.2f}x")
    floor = statistics.median(times["guarded RETURN 1"]) - statistics.median(times["raw RETURN 1"])
    print(f"round trip to the worker and guard (RETURN 1, guarded - raw): {floor * 1000:.2f} ms")
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
