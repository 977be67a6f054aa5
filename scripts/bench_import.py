"""Benchmark: importing a governance graph into Neo4j, batched versus one statement per relation.

Generates a seeded synthetic scenario (10,000 actors and 100,000 relations by default, with
realistic kinds, levels and relation types), starts a fresh Neo4j with the project's launcher
(or uses ``--uri``), warms it up with ``--warm-ups`` imports of the same size (3), and
measures:

1. the store's batched import (``Neo4jStore.load``: one transaction, ``UNWIND`` batches),
   into an empty database and as a replace of the same scenario (medians of ``--repeat``);
2. on a sample of relations, one parameterised ``MERGE`` statement per relation, all in one
   transaction;
3. on the same sample, one auto-committed statement per relation;
4. the engine floor: with the server idle, ``scripts/neo4j/ImportFloor.java`` writes the same
   scenario (the same labels, types and stored properties) through Neo4j's Java Core API in
   its own JVM, in one transaction per import, with the launcher's Java, heap and settings:
   as many untimed imports as the server had, then the median of ``--repeat`` timed ones.
   The batched import's share of it says how close the store comes to what Neo4j itself
   can do; both are measured in the same run because this machine's speed drifts from
   minute to minute. On two cores both still speed up over their first three or four
   imports (the JIT compiler), so a single warm-up understates them. ``--no-floor`` skips
   it; with ``--uri`` it runs here if Java and the jars in ``scripts/neo4j/lib`` are
   present. ``--bare-floor`` runs it once more with relationships that carry only
   ``scenario`` and ``id``, to show what the relation properties cost.

Run from the repository root::

    python scripts/bench_import.py                # 10k actors, 100k relations, sample 2,000
    python scripts/bench_import.py --uri bolt://127.0.0.1:7687 --actors 1000 --relations 5000
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.model import Actor, Relation, Scenario, ScenarioInfo  # noqa: E402
from graph.storage.neo4j import (  # noqa: E402
    _ACTOR_KEYS,
    _RELATION_KEYS,
    _UID_SEP,
    SCHEMA_STATEMENTS,
    Neo4jStore,
    _column,
    _label,
    _scenario_props,
)

# Kind: (weight, level). Many small actors at the street, few bodies at the top.
KINDS: dict[str, tuple[int, str | None]] = {
    "cabinet": (1, "national"),
    "ministry": (3, "national"),
    "parliament": (1, "national"),
    "interdepartmental_group": (2, "national"),
    "advisory_body": (2, "national"),
    "programme": (4, None),
    "programme_office": (4, "municipal"),
    "consultation_body": (6, None),
    "municipality": (8, "municipal"),
    "mayor": (4, "municipal"),
    "focus_area": (8, "district"),
    "neighbourhood": (10, "neighbourhood"),
    "resident_group": (12, "neighbourhood"),
    "professional_group": (10, "district"),
    "housing_corporation": (4, None),
    "police": (2, None),
    "school": (5, None),
    "care_provider": (5, None),
    "welfare_organisation": (5, None),
    "instrument": (6, None),
    "monitoring_system": (2, None),
    "document": (3, None),
}
TYPES: dict[str, int] = {
    "STEERS": 12, "FUNDS": 8, "MONITORS": 6, "REPORTS_TO": 8, "IMPLEMENTS": 6,
    "COORDINATES": 6, "CHAIRS": 2, "MEMBER_OF": 10, "PARTICIPATES_IN": 10, "ADVISES": 8,
    "REPRESENTS": 4, "COLLABORATES_WITH": 8, "TARGETS": 6, "LOCATED_IN": 4, "AUTHORED": 1,
    "CRITICISES": 1, "SUPPORTS": 1,
}  # fmt: skip
SECTORS = ("governance", "safety", "care", "housing", "education", "youth", "work")


def synthetic(actors: int, relations: int, seed: int, scenario_id: str = "bench") -> Scenario:
    """Return a seeded synthetic governance scenario of the given size."""
    rng = random.Random(seed)
    kinds = rng.choices(list(KINDS), weights=[w for w, _ in KINDS.values()], k=actors)
    people = tuple(_actor(rng, i, kind) for i, kind in enumerate(kinds))
    types = rng.choices(list(TYPES), weights=list(TYPES.values()), k=relations)
    # Preferential ends: a few top bodies steer many, as in a real programme.
    weights = [1 + 30 * (KINDS[a.kind][1] == "national") for a in people]
    # Cumulative weights built once (random.choices would rebuild them for every relation,
    # making the generator quadratic); the same draws, so the same scenario for a seed.
    cumulative = list(itertools.accumulate(weights))
    rels = tuple(_relation(rng, i, people, cumulative, t) for i, t in enumerate(types))
    return Scenario(ScenarioInfo(scenario_id, "Synthetic benchmark"), actors=people, relations=rels)


def _actor(rng: random.Random, i: int, kind: str) -> Actor:
    return Actor(
        id=f"{kind[:4]}-{i:06d}",
        name=f"{kind.replace('_', ' ').title()} {i}",
        kind=kind,
        level=KINDS[kind][1],
        sector=tuple(rng.sample(SECTORS, rng.randint(0, 2))),
        tags=("bench",) if rng.random() < 0.3 else (),
        since=rng.choice((None, "2020", "2022-07")),
        confidence=rng.choice(("confirmed",) * 8 + ("inferred", "uncertain")),
    )


def _relation(
    rng: random.Random, i: int, people: tuple[Actor, ...], cumulative: list[int], rel_type: str
) -> Relation:
    a = rng.choices(people, cum_weights=cumulative)[0]
    b = people[rng.randrange(len(people))]
    while b.id == a.id:
        b = people[rng.randrange(len(people))]
    return Relation(
        f"r{i:07d}", a.id, b.id, rel_type,
        weight=rng.choice((1.0, 0.5, 0.8)),
        formal=rng.random() < 0.3,
        amount_eur=float(rng.randrange(10_000, 10_000_000)) if rel_type == "FUNDS" else None,
        since=rng.choice((None, "2022", "2023-01")),
    )  # fmt: skip


def timed(work: Callable[[], Any]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def batched(store: Neo4jStore, scenario: Scenario) -> float:
    """Seconds for the store's own import of the whole scenario."""
    return timed(lambda: store.load([scenario]))


#: One relation per statement, as driver code commonly writes it: both ends found through
#: the ``(scenario, id)`` uniqueness index, then a ``MERGE`` on the relation's key.
SINGLE = (
    "MATCH (a:Actor {{scenario: $s, id: $source}}) USING INDEX a:Actor(scenario, id) "
    "MATCH (b:Actor {{scenario: $s, id: $target}}) USING INDEX b:Actor(scenario, id) "
    "MERGE (a)-[r:`{type}` {{scenario: $s, id: $id}}]->(b) SET r += $props"
)


def per_statement(driver: Any, scenario: Scenario, *, one_transaction: bool) -> float:
    """Seconds to write the scenario's relations one parameterised MERGE statement each.

    The actors are already in place (loaded by the store), so only relations are timed.
    """
    statements = [(SINGLE.format(type=rel.type), _single_params(i, rel))
                  for i, rel in enumerate(scenario.relations)]  # fmt: skip
    params = {"s": scenario.id}
    with driver.session() as session:
        if one_transaction:
            return timed(lambda: _in_one_transaction(session, statements, params))
        return timed(lambda: _auto_commit(session, statements, params))


def _single_params(i: int, rel: Relation) -> dict[str, Any]:
    """The statement's parameters: ends, id and the stored (non-null) properties."""
    props = {key: list(value) if isinstance(value, tuple) else value
             for key, value in vars(rel).items()
             if key not in ("id", "source", "target", "type") and value is not None}  # fmt: skip
    return {"source": rel.source, "target": rel.target, "id": rel.id, "props": {**props, "ord": i}}


def _in_one_transaction(session: Any, statements: list[Any], params: dict[str, Any]) -> None:
    with session.begin_transaction() as tx:
        for cypher, row in statements:
            tx.run(cypher, {**params, **row}).consume()
        tx.commit()


def _auto_commit(session: Any, statements: list[Any], params: dict[str, Any]) -> None:
    for cypher, row in statements:
        session.run(cypher, {**params, **row}).consume()


def sample_of(scenario: Scenario, size: int, scenario_id: str) -> Scenario:
    """A scenario holding the first ``size`` relations and the actors they connect."""
    rels = scenario.relations[:size]
    used = {r.source for r in rels} | {r.target for r in rels}
    actors = tuple(a for a in scenario.actors if a.id in used)
    return Scenario(ScenarioInfo(scenario_id, "Sample"), actors=actors, relations=rels)


def run(uri: str, scenario: Scenario, args: argparse.Namespace) -> dict[str, float]:
    import neo4j

    store = Neo4jStore(uri, batch_size=args.batch_size)
    driver = neo4j.GraphDatabase.driver(uri, notifications_min_severity="OFF")
    try:
        store.ensure_schema()
        warm_up(store, scenario, args.warm_ups)
        figures = batched_medians(store, scenario, args.repeat)
        for name, one_tx in (("one_tx", True), ("auto_commit", False)):
            sample = sample_of(scenario, args.sample, f"sample-{name}")
            store.load([Scenario(sample.info, actors=sample.actors)])
            figures[name] = len(sample.relations) / per_statement(
                driver, sample, one_transaction=one_tx
            )
            store.delete(sample.id)
    finally:
        driver.close()
        store.close()
    return figures


def warm_up(store: Neo4jStore, scenario: Scenario, times: int) -> None:
    """Import and delete the scenario under another id: plans cached, the JIT compiled.

    A server that has run for a while is warm; a first import into a fresh JVM runs
    interpreted code for seconds and would measure the start-up instead of the import.
    """
    warm = Scenario(ScenarioInfo("warm-up", "Warm-up"), actors=scenario.actors,
                    relations=scenario.relations)  # fmt: skip
    for _ in range(times):
        store.load([warm])
        store.delete(warm.id)


def batched_medians(store: Neo4jStore, scenario: Scenario, repeat: int) -> dict[str, float]:
    """Median rates of ``repeat`` first imports (each deleted after its replace) and replaces."""
    first, again = [], []
    for _ in range(max(1, repeat)):
        first.append(len(scenario.relations) / batched(store, scenario))
        again.append(len(scenario.relations) / batched(store, scenario))
        store.delete(scenario.id)
    return {"batched": statistics.median(first), "replace": statistics.median(again)}


# The engine floor: the same scenario written by Neo4j's Java Core API in process.


#: The relation columns the store writes besides ``scenario``; ``--bare-floor`` keeps only ``id``.
RELATION_COLUMNS: tuple[str, ...] = ("id", *_RELATION_KEYS)


def floor_input(
    scenario: Scenario, relation_keys: tuple[str, ...] = RELATION_COLUMNS
) -> dict[str, Any]:
    """Return the input of ``ImportFloor.java``: the schema and the scenario in columns.

    Every property is the one ``Neo4jStore`` stores, converted by the store's own
    ``_column`` from its key lists; a null stores nothing. ``constants`` are set on every
    item first, so properties come in the store's order: scenario, id, then its keys.
    """
    return {
        "schema": list(SCHEMA_STATEMENTS),
        "scenario": {"label": "Scenario", "props": _scenario_props(scenario)},
        "actors": _floor_actors(scenario),
        "relations": _floor_relations(scenario, relation_keys),
    }


def _floor_actors(scenario: Scenario) -> dict[str, Any]:
    actors = scenario.actors
    kinds = {kind: i for i, kind in enumerate(dict.fromkeys(a.kind for a in actors))}
    uids = [f"{scenario.id}{_UID_SEP}{a.id}" for a in actors]
    return {
        "labels": [["Actor", _label(kind)] for kind in kinds],
        "label": [kinds[a.kind] for a in actors],
        "constants": {"scenario": scenario.id},
        "columns": _columns(actors, ("id", *_ACTOR_KEYS), uid=uids, ord=list(range(len(actors)))),
    }


def _floor_relations(scenario: Scenario, keys: tuple[str, ...]) -> dict[str, Any]:
    rels = scenario.relations
    position = {actor.id: i for i, actor in enumerate(scenario.actors)}
    types = {rel_type: i for i, rel_type in enumerate(dict.fromkeys(r.type for r in rels))}
    return {
        "types": list(types),
        "type": [types[r.type] for r in rels],
        "source": [position[r.source] for r in rels],
        "target": [position[r.target] for r in rels],
        "constants": {"scenario": scenario.id},
        "columns": _columns(rels, keys, ord=list(range(len(rels)))),
    }


def _columns(items: tuple[Any, ...], keys: tuple[str, ...], **given: list[Any]) -> dict[str, Any]:
    """Return one list per key: ``given`` ones as they are, fields as the store converts them."""
    return {key: given[key] if key in given else _column(key, [getattr(i, key) for i in items])
            for key in keys}  # fmt: skip


def engine_floor(
    scenario: Scenario,
    folder: Path,
    repeat: int,
    warm_ups: int = 1,
    relation_keys: tuple[str, ...] = RELATION_COLUMNS,
) -> dict[str, list[float]]:
    """Run ``scripts/neo4j/ImportFloor.java`` on the scenario in ``folder``; return its runs.

    It runs with the launcher's Java, heap and JVM options; the result holds one entry per
    timed run in ``rates`` (relations/s), ``write_s`` and ``commit_s``. Raises
    ``LauncherError`` when Java or the Neo4j jars are missing, RuntimeError when it fails.
    """
    from app import neo4j_server

    java, home = neo4j_server._java(), neo4j_server.launcher_directory()
    neo4j_server._check_jars(home)
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "scenario.json"
    text = json.dumps(floor_input(scenario, relation_keys), separators=(",", ":"))
    data.write_text(text, encoding="utf-8")
    command = [java, *neo4j_server._heap(), *neo4j_server.JVM_OPTIONS,
               "-cp", str(home / "lib" / "*"), str(home / "ImportFloor.java"),
               str(data), str(folder / "db"), str(max(1, repeat)),
               str(max(0, warm_ups))]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"ImportFloor.java failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def add_floor(
    figures: dict[str, float], scenario: Scenario, folder: Path, args: argparse.Namespace
) -> None:
    """Add the floor's median rate to ``figures``, its runs to stderr; then remove ``folder``.

    With ``--bare-floor`` the floor runs a second time with relationships that carry only
    ``scenario`` and ``id``: the difference is what the relation properties cost Neo4j.
    """
    runs = {"floor": RELATION_COLUMNS, **({"floor_bare": ("id",)} if args.bare_floor else {})}
    try:
        for name, keys in runs.items():
            found = engine_floor(scenario, folder / name, args.repeat, args.warm_ups, keys)
            figures[name] = statistics.median(found["rates"])
            _print_runs(name, found)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _print_runs(name: str, runs: dict[str, list[float]]) -> None:
    for rate, write, commit in zip(runs["rates"], runs["write_s"], runs["commit_s"], strict=True):
        print(f"engine {name} run: {rate:,.0f} relations/s (write {write:.2f} s, "
              f"commit {commit:.2f} s)", file=sys.stderr)  # fmt: skip


#: Room for the longest label, so every figure lines up.
LABEL_WIDTH = 52


def report(figures: dict[str, float], args: argparse.Namespace) -> None:
    print(f"scenario: {args.actors} actors, {args.relations} relations (seed {args.seed}); "
          f"batch size {args.batch_size}; per-statement sample {args.sample}; "
          f"medians of {args.repeat} batched runs")  # fmt: skip
    lines = [
        ("batched import (store.load, one tx)", figures["batched"]),
        ("batched replace of the same scenario", figures["replace"]),
        ("one MERGE per relation, one tx", figures["one_tx"]),
        ("one auto-committed MERGE per relation", figures["auto_commit"]),
    ]
    if "floor" in figures:
        lines.append(("Neo4j Java API in process, one tx (engine floor)", figures["floor"]))
    if "floor_bare" in figures:
        lines.append(("engine floor, relations with scenario and id only", figures["floor_bare"]))
    for label, rate in lines:
        print(f"{label + ':':<{LABEL_WIDTH}}{rate:>10,.0f} relations/s")
    ratios = (
        ("batched / per statement in one tx:", figures["batched"] / figures["one_tx"]),
        ("batched / auto-committed:", figures["batched"] / figures["auto_commit"]),
    )
    for label, ratio in ratios:
        print(f"{label:<{LABEL_WIDTH}}{ratio:>10.1f}x")
    if "floor" in figures:  # below 1, so two decimals
        ratio = figures["batched"] / figures["floor"]
        print(f"{'batched / engine floor:':<{LABEL_WIDTH}}{ratio:>10.2f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", help="use this Neo4j instead of starting a fresh one")
    parser.add_argument("--actors", type=int, default=10_000)
    parser.add_argument("--relations", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="batched runs; medians reported")
    parser.add_argument(
        "--no-floor", action="store_true", help="skip the engine floor (ImportFloor.java)"
    )
    parser.add_argument("--bare-floor", action="store_true",
                        help="also the floor with relations of scenario and id only")  # fmt: skip
    parser.add_argument("--warm-ups", type=int, default=3,
                        help="untimed imports first (server and floor)")  # fmt: skip
    args = parser.parse_args(argv)
    scenario = synthetic(args.actors, args.relations, args.seed)
    if args.uri:
        report(measure(args.uri, scenario, args), args)
        return 0
    from app import neo4j_server

    folder = Path(tempfile.mkdtemp(prefix="govgraph-bench-neo4j-"))
    info = neo4j_server.start(directory=folder)
    print(f"started Neo4j at {info.uri} in {folder}", file=sys.stderr)
    try:
        report(measure(info.uri, scenario, args, folder=folder), args)
    finally:
        neo4j_server.stop(directory=folder)
    return 0


def measure(
    uri: str,
    scenario: Scenario,
    args: argparse.Namespace,
    folder: Path | None = None,
) -> dict[str, float]:
    """The store's figures, then the engine floor while the server is idle (unless skipped).

    The floor's scratch folder goes under ``folder`` (the local server's), else under the
    system's temporary folder: with a server elsewhere (no ``folder``) the floor runs here
    only if Java and the Neo4j jars are present.
    """
    figures = run(uri, scenario, args)
    if args.no_floor:
        return figures
    from app.neo4j_server import LauncherError

    scratch = Path(tempfile.mkdtemp(prefix="floor-", dir=folder))
    try:
        add_floor(figures, scenario, scratch, args)
    except LauncherError as exc:  # no Java or jars here
        if folder is not None:
            raise
        print(f"engine floor skipped: {exc}", file=sys.stderr)
    return figures


if __name__ == "__main__":
    raise SystemExit(main())
