"""Benchmark: loading scenarios into the embedded store against LadybugDB's own COPY.

For each size (100,000 and 1,000,000 relations by default, one actor per three relations;
the seeded generator of ``scripts/bench_import.py``), measured in one process, alternating so
the machine's drifting load falls on both, best of ``--runs``:

- **floor**: the store's Arrow tables already built (the form LadybugDB reads fastest: a
  pandas frame of Python objects took longer to ``COPY``), a fresh in-memory database with
  the store's schema, then only ``BEGIN TRANSACTION``, one ``COPY <table> FROM frame`` per
  table and ``COMMIT`` (what LadybugDB itself needs);
- **store**: ``EmbeddedStore().load([scenario])`` of the scenario as a file gives it (read
  and validated, as ``govgraph import`` loads it): the tables built column by column, the
  same COPYs in one transaction;
- **built in code**: the same load of the same scenario made in code, not validated, which
  the store checks before writing (ids distinct, ends known, type names);
- **read back**: ``store.scenario(id)`` (every actor and relation as model objects) against
  the floor of running the same three queries and fetching their values into Python;
- **memory**: the peak resident memory the load adds to the process (the peak is reset
  through ``/proc/self/clear_refs`` before it), next to the scenario's own size.

Run from the repository root::

    python scripts/bench_embedded.py                      # 100k and 1M relations
    python scripts/bench_embedded.py --sizes 100000 --runs 3
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_import import synthetic  # noqa: E402

from graph.model import Scenario, is_consistent  # noqa: E402
from graph.storage.embedded import READ_QUERIES, EmbeddedStore  # noqa: E402
from graph.storage.embedded_frames import frames  # noqa: E402
from graph.validation import validate_document  # noqa: E402


def _resident_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def floor_copy(scenario: Scenario) -> float:
    """Seconds LadybugDB takes to COPY the ready frames of ``scenario`` in one transaction."""
    ready = frames(scenario, uuid.uuid4().hex[:12])
    store = EmbeddedStore()
    try:
        for rel_type in ready["relations"]:
            store._create_rel_table(rel_type)
        conn = store._conn
        start = time.perf_counter()
        conn.execute("BEGIN TRANSACTION")
        # LadybugDB finds the frame by its local variable name, as the store's _copy does.
        for table in ("Scenario", "Source", "Actor"):
            frame = ready[table]
            if len(frame):
                conn.execute(f"COPY {table} FROM frame", {"frame": frame})
        for rel_type, frame in ready["relations"].items():
            conn.execute(f"COPY {rel_type} FROM frame", {"frame": frame})
        conn.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        store.close()


def store_load(scenario: Scenario) -> tuple[float, float, float, float]:
    """Seconds of ``EmbeddedStore.load``, MB of peak memory it added, and the read back
    against fetching the same rows raw."""
    store = EmbeddedStore()
    try:
        gc.collect()
        before = _resident_mb("VmRSS")
        _reset_peak()
        start = time.perf_counter()
        store.load([scenario])
        seconds = time.perf_counter() - start
        added = _resident_mb("VmHWM") - before
        start = time.perf_counter()
        back = store.scenario(scenario.id)
        read = time.perf_counter() - start
        assert back == scenario
        return seconds, added, read, raw_rows(store, scenario.id)
    finally:
        store.close()


def raw_rows(store: EmbeddedStore, scenario_id: str) -> float:
    """Seconds to run the store's three read queries and fetch their values into Python by
    LadybugDB's fastest route (Arrow, then a list per column; ``get_all`` row by row took
    several times longer), no model object built."""
    start = time.perf_counter()
    for query in READ_QUERIES.values():
        table = store._conn.execute(query, {"id": scenario_id}).get_as_arrow()
        [column.to_pylist() for column in table.columns]
    return time.perf_counter() - start


def measure(relations: int, runs: int) -> dict[str, Any]:
    built = synthetic(relations // 3, relations, seed=7)
    scenario = validate_document(built.to_dict())  # as read from a file
    assert scenario == built and is_consistent(scenario) and not is_consistent(built)
    gc.collect()
    floors, loads, added, reads, raws, in_code = [], [], [], [], [], []
    for _ in range(runs):
        floors.append(floor_copy(scenario))
        seconds, mb, read, raw = store_load(scenario)
        loads.append(seconds)
        added.append(mb)
        reads.append(read)
        raws.append(raw)
        in_code.append(store_load(built)[0])
    return {"relations": relations, "floor": min(floors), "load": min(loads),
            "added": min(added), "read": min(reads), "raw": min(raws),
            "in code": min(in_code)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    print(
        "| relations | COPY of ready frames (floor) | EmbeddedStore.load | load / floor "
        "| peak memory added | read back | raw rows (floor) | read / floor "
        "| built in code (checked by the store) / floor |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes:
        f = measure(size, args.runs)
        print(f"| {size:,} | {f['floor']:.2f} s | {f['load']:.2f} s | "
              f"{f['load'] / f['floor']:.2f}x | {f['added']:.0f} MB | {f['read']:.2f} s | "
              f"{f['raw']:.2f} s | {f['read'] / f['raw']:.2f}x | {f['in code']:.2f} s, "
              f"{f['in code'] / f['floor']:.2f}x |", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
