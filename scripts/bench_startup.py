"""Benchmark: how long a command and the server take to start on the bundled scenarios.

Measured in one run, interleaved so the machine's drifting load falls on every figure alike,
best of ``--runs`` each, with a cache folder of its own (a temporary ``GOVGRAPH_CACHE_DIR``):

1. ``govgraph analyze --scenario nplv-2022 --json``, end to end, warm: the same question was
   answered before, so the analysis cache (``graph/result_cache.py``) has the answer;
2. the same command cold: the analysis cache holds no answer (its entries are removed before
   each run), so the command reads the bundled scenarios from the scenario cache, imports
   networkx and the analyses, computes and prints (and keeps the answer);
3. the same analysis in process (``graph.analysis.report.analyze`` plus the findings, on the
   graph the command analyses, in a warm process): the baseline the target is a ratio to;
4. the bare interpreter with the same site-packages (``python -c pass``): the floor no command
   can go below; the target is read as (end to end - this floor) / the baseline;
5. a new process importing what the cold command needs (click, networkx, igraph, the
   analyses), doing nothing else;
6. the command with every cache off (``GOVGRAPH_CACHE_DIR=off``): every bundled file parsed
   and validated afresh, the analysis computed;
7. ``govgraph serve --port 0`` from starting the process to the first page (``GET /``)
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
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMAND = [sys.executable, "-m", "app.cli", "analyze", "--scenario", "nplv-2022", "--json"]
#: Runs the command and writes the modules it ended with to the file named by argv[1].
LIST_MODULES = """
import atexit, runpy, sys
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write("\\n".join(sys.modules)))  # in import order
sys.argv = ["govgraph", *sys.argv[2:]]
runpy.run_module("app.cli", run_name="__main__")
"""
BARE = [sys.executable, "-c", "pass"]
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


#: The benchmark's own cache folder (set in main), so the user's cache is neither used nor
#: disturbed.
CACHE: dict[str, str] = {}


def _env(**more: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **CACHE, **more}
    return env


def forget_answers() -> None:
    """Remove the analysis cache's entries (the scenario cache stays): the next run computes."""
    for entry in Path(CACHE["GOVGRAPH_CACHE_DIR"]).glob("*.analysis"):
        entry.unlink()


def wall(argv: list[str], **env: str) -> float:
    """Return the wall time of running ``argv`` to its end (output discarded)."""
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, env=_env(**env), check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


#: Imports each module named (one that cannot be imported on its own is passed over).
IMPORT_EACH = """
import importlib
for name in {names!r}:
    try:
        importlib.import_module(name)
    except Exception:
        pass
"""


def import_floor_command() -> list[str]:
    """Return a command importing every module the cold command ends with, and nothing else."""
    forget_answers()
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as listing:
        argv = [sys.executable, "-c", LIST_MODULES, listing.name, *COMMAND[3:]]
        subprocess.run(argv, cwd=ROOT, env=_env(), check=True, stdout=subprocess.DEVNULL)
        names = [n for n in listing.read().split() if n != "__main__"]
    return [sys.executable, "-c", IMPORT_EACH.format(names=names)]


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
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="govgraph-bench-cache-") as folder:
        CACHE["GOVGRAPH_CACHE_DIR"] = folder
        wall(COMMAND)  # fills the caches, as the first command after installing does
        best = measure(args.runs, import_floor_command())
    print(f"best of {args.runs} runs; 1-minute load average {load_before:.2f} before, "
          f"{os.getloadavg()[0]:.2f} after")  # fmt: skip
    report(best)
    return 0


def measure(runs: int, imports: list[str]) -> dict[str, float]:
    """Return the best time of each figure over ``runs`` interleaved rounds, and as
    ``cold above imports`` the median over the rounds of the cold command less the import
    floor of the same round."""
    figures: dict[str, list[float]] = {}
    for _ in range(runs):
        figures.setdefault("bare", []).append(wall(BARE))
        figures.setdefault("warm", []).append(wall(COMMAND))
        figures.setdefault("analysis", []).append(in_process())
        forget_answers()
        figures.setdefault("cold", []).append(wall(COMMAND))
        figures.setdefault("imports", []).append(wall(imports))
        figures.setdefault("uncached", []).append(wall(COMMAND, GOVGRAPH_CACHE_DIR="off"))
        figures.setdefault("serve", []).append(serve_first_page())
    best = {name: min(times) for name, times in figures.items()}
    above = sorted(c - i for c, i in zip(figures["cold"], figures["imports"], strict=True))
    best["cold above imports"] = above[len(above) // 2]
    return best


def report(best: dict[str, float]) -> None:
    """Print the table and the target's ratios."""
    base, bare = best["analysis"], best["bare"]
    rows = [
        ("`analyze --scenario nplv-2022 --json`, end to end, answer cached (warm)", "warm"),
        ("the same, analysis computed (cold: analysis cache empty)", "cold"),
        ("the same analysis in process (baseline)", "analysis"),
        ("bare interpreter, same site-packages: `python -c pass` (floor)", "bare"),
        ("new process importing every module the cold command ends with", "imports"),
        ("the command with every cache off (`GOVGRAPH_CACHE_DIR=off`)", "uncached"),
        ("`serve --port 0` to first page", "serve"),
    ]
    print("| measure | seconds | / baseline | above the floor / baseline |")
    print("|---|---|---|---|")
    for name, key in rows:
        seconds = best[key]
        above = "" if key in ("analysis", "bare") else f"{(seconds - bare) / base:.1f}x"
        print(f"| {name} | {seconds:.3f} | {seconds / base:.1f}x | {above} |")
    for key in ("warm", "cold"):
        ratio = (best[key] - bare) / base
        verdict = "met" if ratio <= 5 else "not met"
        print(f"{key}: (end to end - bare interpreter) / in process = {ratio:.1f}x "
              f"(target 5x: {verdict}); literally end to end / in process = "
              f"{best[key] / base:.1f}x")  # fmt: skip
    above = best["cold above imports"]
    verdict = "met" if above / base <= 5 else "not met"
    print(
        f"cold above its imports: (end to end - import floor, median of the rounds) / in "
        f"process = {above:.3f} s / {base:.3f} s = {above / base:.1f}x (target 5x: {verdict})"
    )
    print(f"serve to first page: {best['serve']:.3f} s (target 2 s)")


if __name__ == "__main__":
    sys.exit(main())
