"""Benchmark: how long a command and the server take to start on the bundled scenarios.

Measured in one run, interleaved so the machine's drifting load falls on every figure alike,
best of ``--runs`` each:

1. ``govgraph analyze --scenario nplv-2022 --json``, end to end (a new process: interpreter,
   imports, reading the bundled scenarios from the cache, the analysis, the JSON output);
2. the same analysis in process (``graph.analysis.report.analyze`` plus the findings, on the
   graph the command analyses, in a warm process): the baseline the target is a ratio to;
3. the floor of any new process that runs it: the interpreter importing the modules the
   command needs (click, networkx, numpy, the analyses), doing nothing else;
4. the same command with the scenario cache off (``GOVGRAPH_CACHE_DIR=off``): every bundled
   file parsed and validated afresh;
5. ``govgraph serve --port 0`` from starting the process to the first page (``GET /``)
   answered 200.

Run from the repository root::

    python scripts/bench_startup.py            # 5 runs each
    python scripts/bench_startup.py --runs 9
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMAND = [sys.executable, "-m", "app.cli", "analyze", "--scenario", "nplv-2022", "--json"]
IMPORTS = "import app.cli, app.commands, graph.analysis.report, graph.analysis.findings"
IN_PROCESS = """
import time
from app.datasource import DataSource, open_data
from graph.analysis.findings import with_findings
from graph.analysis.report import analyze
G = open_data(DataSource()).graph("nplv-2022")
best = float("inf")
for _ in range(5):
    start = time.perf_counter()
    with_findings(G, analyze(G, scenario_id="nplv-2022"), as_of=None, confirmed_only=False)
    best = min(best, time.perf_counter() - start)
print(best)
"""


def _env(**more: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **more}
    return env


def wall(argv: list[str], **env: str) -> float:
    """Return the wall time of running ``argv`` to its end (output discarded)."""
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, env=_env(**env), check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def in_process() -> float:
    out = subprocess.run([sys.executable, "-c", IN_PROCESS], cwd=ROOT, env=_env(),
                         check=True, capture_output=True, text=True)  # fmt: skip
    return float(out.stdout.strip())


def serve_first_page() -> float:
    """Start ``govgraph serve --port 0``; return seconds until ``GET /`` answers 200."""
    start = time.perf_counter()
    argv = [sys.executable, "-m", "app.cli", "serve", "--port", "0"]
    server = subprocess.Popen(argv, cwd=ROOT, env=_env(), stderr=subprocess.PIPE, text=True)
    try:
        assert server.stderr is not None
        line = server.stderr.readline()
        port = re.search(r":(\d+)/", line)
        if not port:
            raise RuntimeError(f"serve did not announce a port: {line!r}")
        with urllib.request.urlopen(f"http://127.0.0.1:{port.group(1)}/", timeout=60) as page:
            assert page.status == 200
        return time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    wall(COMMAND)  # fills the scenario cache, as the first command after installing does
    figures: dict[str, list[float]] = {}
    for _ in range(args.runs):
        figures.setdefault("cli", []).append(wall(COMMAND))
        figures.setdefault("analysis", []).append(in_process())
        figures.setdefault("floor", []).append(wall([sys.executable, "-c", IMPORTS]))
        figures.setdefault("uncached", []).append(wall(COMMAND, GOVGRAPH_CACHE_DIR="off"))
        figures.setdefault("serve", []).append(serve_first_page())
    best = {name: min(times) for name, times in figures.items()}
    base = best["analysis"]
    rows = [
        ("`analyze --scenario nplv-2022 --json`, end to end", best["cli"]),
        ("the same analysis in process (baseline)", base),
        ("new process importing what the command needs (floor)", best["floor"]),
        ("the command with the scenario cache off", best["uncached"]),
        ("`serve` to first page", best["serve"]),
    ]
    print(f"best of {args.runs} runs")
    print("| measure | seconds | / baseline |")
    print("|---|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.3f} | {seconds / base:.1f}x |")
    above = best["cli"] - best["floor"]
    print(f"command above the floor: {above:.3f} s ({above / base:.1f}x the baseline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
