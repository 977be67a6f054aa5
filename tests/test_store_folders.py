"""Embedded store folders survive kill -9 at any moment and are never refilled silently."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from app.datasource import DataSource, open_data
from graph.errors import StoreUnavailable
from graph.formats import load_paths
from graph.storage.embedded import EmbeddedStore
from graph.storage.generations import POINTER

ROOT = Path(__file__).resolve().parent.parent
NPRZ = ROOT / "graph" / "datasets" / "nprz.yaml"


def govgraph(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def doctor(folder: Path) -> dict:
    proc = govgraph("doctor", "--db", str(folder), "--json")
    out, err = proc.communicate(timeout=300)
    assert proc.returncode in (0, 1), err
    return json.loads(out)


def bigger_nprz(tmp_path: Path, extra: int) -> Path:
    """nprz with ``extra`` more actors and relations: a replace that takes a while to write."""
    doc = yaml.safe_load(NPRZ.read_text())
    first = doc["actors"][0]["id"]
    for i in range(extra):
        doc["actors"].append({"id": f"extra-{i}", "name": f"Extra {i}", "kind": "other"})
        doc["relations"].append({"from": first, "to": f"extra-{i}", "type": "STEERS"})
    path = tmp_path / "nprz-big.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    return path


def test_kill_9_during_repeated_imports_never_loses_the_scenario(tmp_path):
    folder = tmp_path / "db"
    small = govgraph("import", str(NPRZ), "--db", str(folder))
    _, err = small.communicate(timeout=300)
    assert small.returncode == 0, err
    sizes = {doctor(folder)["scenarios"][0]["actors"]}
    big = bigger_nprz(tmp_path, 3000)
    rng = random.Random(16)
    for attempt in range(6):
        source = big if attempt % 2 == 0 else NPRZ
        proc = govgraph("import", str(source), "--db", str(folder))
        time.sleep(rng.uniform(0.5, 6.0))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        report = doctor(folder)
        ids = [s["id"] for s in report["scenarios"]]
        assert ids == ["nprz"], (attempt, report)
        actors = report["scenarios"][0]["actors"]
        sizes.add(actors)
        assert actors in (28, 28 + 3000), (attempt, report)  # whole, old or new
    # The next open drops what an interrupted write left behind.
    EmbeddedStore(str(folder)).close()
    assert doctor(folder)["problems"] == []


def test_a_failed_write_leaves_the_folder_on_the_old_generation(tmp_path):
    folder = tmp_path / "db"
    store = EmbeddedStore(str(folder))
    store.load(load_paths([str(NPRZ)]))
    before = (folder / POINTER).read_text()

    class Boom(Exception):
        pass

    with pytest.raises(Boom), store._new_generation():
        store._execute("MATCH (s:Scenario) DELETE s")
        raise Boom
    assert (folder / POINTER).read_text() == before
    assert store.scenario_ids() == ["nprz"]
    store.close()
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith("gen-")) == [before.strip()]


def test_a_folder_that_held_scenarios_is_not_refilled(tmp_path, capsys):
    folder = tmp_path / "db"
    store = EmbeddedStore(str(folder))
    store.load(load_paths([str(NPRZ)]))
    store.delete("nprz")
    store.close()
    reopened = open_data(DataSource(db=str(folder)))
    try:
        assert reopened.scenario_ids() == []
    finally:
        reopened.close()
    assert "holds no scenarios" in capsys.readouterr().err


def test_a_new_folder_is_filled_with_the_bundled_scenarios(tmp_path):
    store = open_data(DataSource(db=str(tmp_path / "new")))
    try:
        assert "nplv-2022" in store.scenario_ids()
    finally:
        store.close()


def test_a_folder_in_use_is_refused_clearly(tmp_path):
    first = EmbeddedStore(str(tmp_path / "db"))
    try:
        with pytest.raises(StoreUnavailable, match="in use by another govgraph process"):
            EmbeddedStore(str(tmp_path / "db"))
    finally:
        first.close()


def test_doctor_reports_a_folder_that_is_not_a_store(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    report = doctor(tmp_path)
    assert report["layout"] == "unknown" and report["ok"] is False
    assert "no govgraph database" in report["problems"][0]
