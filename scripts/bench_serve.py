"""Benchmark: a server that never stalls, on a large scenario.

Writes the seeded synthetic scenario of ``scripts/bench_import.py`` (100,000 relations by
default) as JSON, starts ``govgraph serve --data FILE --port 0`` (with ``GOVGRAPH_CACHE_MB``
from ``--cache-mb`` and ``GOVGRAPH_PROGRESS_AFTER`` high, so an analysis request waits for
its answer), and measures in one run:

1. ``/healthz`` p50/p99 idle, then while an uncached analysis computes (requests back to back
   on one keep-alive connection until the analysis answers);
2. the wall time of four concurrent requests for the same uncached analysis against one
   request alone for another uncached one (single-flight: the four share one computation);
3. the server's resident memory after each of 20 distinct as-of views of the graph, against
   its memory before them and the cache's byte limit;
4. ``/healthz`` p50/p99 idle, then while a large export (``--export-format``, every fact) is
   written, and the same download asked again (served from the cache).

Run from the repository root::

    python scripts/bench_serve.py                        # 100k relations
    python scripts/bench_serve.py --relations 20000 --cache-mb 64
    python scripts/bench_serve.py --only memory          # part 3 alone
    python scripts/bench_serve.py --only export          # part 4 alone
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_import import synthetic  # noqa: E402

from graph.formats import write_scenario  # noqa: E402


def get(port: int, path: str, conn: http.client.HTTPConnection | None = None) -> int:
    own = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
    own.request("GET", path)
    response = own.getresponse()
    response.read()
    if conn is None:
        own.close()
    return response.status


def healthz_latencies(
    port: int, stop: threading.Event | None, count: int = 1000, starts: list[float] | None = None
) -> list[float]:
    """Time ``/healthz`` back to back (5 ms apart): ``count`` times, or until ``stop`` is set;
    the start of each goes to ``starts`` when given."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times: list[float] = []
    while (stop is None and len(times) < count) or (stop is not None and not stop.is_set()):
        start = time.perf_counter()
        get(port, "/healthz", conn)
        times.append(time.perf_counter() - start)
        if starts is not None:
            starts.append(start)
        time.sleep(0.005)
    conn.close()
    return times


def p(times: list[float], q: float) -> float:
    return sorted(times)[min(len(times) - 1, int(q * len(times)))] * 1000


def rss_mb(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmRSS:\s+(\d+)", text)
    return int(found.group(1)) / 1024 if found else float("nan")


def during_request(port: int, path: str) -> tuple[list[float], float]:
    """Time ``/healthz`` from the request for ``path`` to its answer; print the slowest five
    with when they started (seconds into the request)."""
    stop, took, began = threading.Event(), [0.0], time.perf_counter()

    def ask() -> None:
        get(port, path)
        took[0] = time.perf_counter() - began
        stop.set()

    worker = threading.Thread(target=ask)
    worker.start()
    starts: list[float] = []
    times = healthz_latencies(port, stop, starts=starts)
    worker.join()
    slowest = sorted(zip(times, starts, strict=True), reverse=True)[:5]
    print("slowest /healthz while it computes: "
          + ", ".join(f"{t * 1000:.0f} ms at {at - began:.1f} s" for t, at in slowest))  # fmt: skip
    return times, took[0]


def healthz_table(idle: list[float], busy: list[float], what: str) -> None:
    print("| /healthz | p50 | p99 | requests |")
    print("|---|---|---|---|")
    print(f"| idle | {p(idle, 0.5):.1f} ms | {p(idle, 0.99):.1f} ms | {len(idle)} |")
    print(f"| {what} | {p(busy, 0.5):.1f} ms | {p(busy, 0.99):.1f} ms | {len(busy)} |")
    print(f"p99 busy / idle: {p(busy, 0.99) / p(idle, 0.99):.2f}x; median idle "
          f"{statistics.median(idle) * 1000:.1f} ms")  # fmt: skip


def concurrent(port: int, path: str, clients: int) -> float:
    start = time.perf_counter()
    threads = [threading.Thread(target=get, args=(port, path)) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def serving(port: int, base: str, relations: int) -> None:
    """Print /healthz idle and while an analysis computes, and the four-at-once ratio."""
    idle = healthz_latencies(port, None)
    busy, took = during_request(port, base + "/analysis?as_of=2023-06")
    print(f"{relations:,} relations; the analysis took {took:.1f} s")
    healthz_table(idle, busy, "while an analysis computes")
    four = concurrent(port, base + "/analysis?as_of=2023-07", 4)
    one = concurrent(port, base + "/analysis?as_of=2023-08", 1)
    print(f"same uncached analysis asked 4x at once: {four:.1f} s; one alone: {one:.1f} s; "
          f"ratio {four / one:.2f}x")  # fmt: skip


def exporting(port: int, base: str, relations: int, fmt: str) -> None:
    """Print /healthz idle and while a large export is written, and the repeated download."""
    path = f"{base}/export?format={fmt}&as_of=all"
    idle = healthz_latencies(port, None)
    busy, took = during_request(port, path)
    start = time.perf_counter()
    status = get(port, path)
    again = time.perf_counter() - start
    assert status == 200, f"the export answered {status}"
    print(f"{relations:,} relations; the {fmt} export took {took:.1f} s, "
          f"asked again {again * 1000:.0f} ms")  # fmt: skip
    healthz_table(idle, busy, f"while a {fmt} export is written")


def views_memory(pid: int, port: int, base: str, cache_mb: float) -> None:
    """Print the server's memory before and at most during 20 distinct as-of views."""
    before = rss_mb(pid)
    peak = before
    for month in range(20):
        year, m = divmod(month, 12)
        get(port, f"{base}/graph?as_of={2021 + year}-{m + 1:02d}")
        peak = max(peak, rss_mb(pid))
    print(f"memory: {before:.0f} MB before 20 as-of views, at most {peak:.0f} MB during "
          f"(+{peak - before:.0f} MB), cache limit {cache_mb:.0f} MB")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--relations", type=int, default=100_000)
    parser.add_argument("--cache-mb", type=float, default=256.0)
    parser.add_argument("--only", choices=("memory", "export"), help="run only this part "
                        "(memory: the 20 as-of views, on a server that has computed no "
                        "analysis; export: /healthz while a large export is written)")  # fmt: skip
    parser.add_argument("--export-format", default="graphml",
                        help="the format of part 4's export (default graphml)")  # fmt: skip
    args = parser.parse_args(argv)
    scenario = synthetic(args.relations // 3, args.relations, seed=7)
    data = Path(tempfile.mkdtemp(prefix="govgraph-bench-serve-")) / "bench.json"
    write_scenario(scenario, "json", data)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GOVGRAPH_CACHE_MB": str(args.cache_mb),
           "GOVGRAPH_PROGRESS_AFTER": "3600"}  # fmt: skip
    argv_ = [sys.executable, "-m", "app.cli", "serve", "--port", "0", "--data", str(data)]
    server = subprocess.Popen(argv_, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stderr is not None
        port = int(re.search(r":(\d+)/", server.stderr.readline()).group(1))  # type: ignore[union-attr]
        base = "/api/scenarios/bench"
        get(port, base + "/graph")  # the base view, as a first visit leaves it
        if args.only is None:
            serving(port, base, args.relations)
        if args.only in (None, "memory"):
            views_memory(server.pid, port, base, args.cache_mb)
        if args.only in (None, "export"):
            exporting(port, base, args.relations, args.export_format)
    finally:
        server.terminate()
        server.wait(timeout=60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
