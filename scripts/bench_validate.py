"""Benchmark: reading and validating a large scenario file against the parser alone.

Writes the seeded synthetic scenario of ``scripts/bench_import.py`` (100,000 relations and
33,333 actors by default) as JSON and as YAML, then measures in one process, alternating so
the machine's drifting load falls on both:

- ``json.load`` of the JSON file (the floor: parsing alone) against ``graph.formats.read_path``
  of it (what ``govgraph validate`` and every import do: parse, check every field, build the
  scenario, with line numbers and repeated keys found only if a problem must be reported);
- PyYAML's C loader (``yaml.load(..., Loader=yaml.CSafeLoader)``) of the YAML file against
  ``read_path`` of it.

Each figure is the best of ``--runs`` (YAML: ``--yaml-runs``); the ratio is read / parser.

Run from the repository root::

    python scripts/bench_validate.py                   # 100k relations, JSON and YAML
    python scripts/bench_validate.py --relations 10000 --runs 5
    python scripts/bench_validate.py --no-yaml         # JSON only (YAML takes minutes)
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml  # noqa: E402
from bench_import import synthetic  # noqa: E402

from graph.formats import read_path, write_scenario  # noqa: E402


def best(work: Callable[[], Any], runs: int) -> float:
    """Return the fastest of ``runs`` timings of ``work``, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def json_parse(path: Path) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def yaml_parse(path: Path) -> Any:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=yaml.CSafeLoader)


def compare(name: str, floor: Callable[[], Any], ours: Callable[[], Any], runs: int) -> None:
    """Time the parser and the reader in alternation; print both and the ratio."""
    floors, reads = [], []
    for _ in range(runs):
        floors.append(best(floor, 1))
        reads.append(best(ours, 1))
    parse, read = min(floors), min(reads)
    print(f"| {name} | {parse:.2f} s | {read:.2f} s | {read / parse:.2f}x |", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--relations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of each JSON timing")
    parser.add_argument("--yaml-runs", type=int, default=1, help="runs of each YAML timing")
    parser.add_argument("--no-yaml", action="store_true", help="skip the YAML comparison")
    args = parser.parse_args(argv)
    scenario = synthetic(args.relations // 3, args.relations, seed=7)
    folder = Path(tempfile.mkdtemp(prefix="govgraph-bench-validate-"))
    json_file, yaml_file = folder / "bench.json", folder / "bench.yaml"
    write_scenario(scenario, "json", json_file)
    assert read_path(json_file) == [scenario]
    print(f"{len(scenario.actors):,} actors, {len(scenario.relations):,} relations")
    print("| file | parser alone | read_path (parse + validate + build) | ratio |")
    print("|---|---|---|---|")
    size = json_file.stat().st_size / 1e6
    compare(f"JSON, {size:.0f} MB (json.load)", lambda: json_parse(json_file),
            lambda: read_path(json_file), args.runs)  # fmt: skip
    if not args.no_yaml:
        write_scenario(scenario, "yaml", yaml_file)
        size = yaml_file.stat().st_size / 1e6
        compare(f"YAML, {size:.0f} MB (CSafeLoader)", lambda: yaml_parse(yaml_file),
                lambda: read_path(yaml_file), args.yaml_runs)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
