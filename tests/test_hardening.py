"""Attacks on a running govgraph: each hole once found is a regression test here.

Crash-shaped attacks run against a real ``govgraph serve`` or ``govgraph query`` in a
subprocess, so a crash shows as a dead process instead of taking pytest down with it.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.datasets import bundled_paths
from graph.errors import QueryBusy, QueryCrashed, QueryRejected, QueryTimeout
from graph.formats import load_paths
from graph.storage.embedded import EmbeddedStore
from graph.storage.query_limits import MAX_NESTING, MAX_QUERY_CHARS

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "data" / "web-tiny.yaml"
DEEP = "RETURN " + "[" * 3000 + "1" + "]" * 3000
RUNAWAY = (
    "UNWIND range(1, 1000000) AS x UNWIND range(1, 1000000) AS y "
    "WITH x + y AS z WHERE z = 0 RETURN count(*)"
)


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=ROOT,
    )


#: The process id of each server the fixture started, by its URL.
SERVER_PIDS: dict[str, int] = {}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A real ``govgraph serve`` on a free port, one console query at a time."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GOVGRAPH_QUERY_WORKERS": "1"}
    args = [sys.executable, "-m", "app.cli", "serve", "--port", "0", "--data", str(TINY)]
    proc = subprocess.Popen(args, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert proc.stderr is not None
    try:
        line = proc.stderr.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert found, line
        url = f"http://127.0.0.1:{found.group(1)}"
        SERVER_PIDS[url] = proc.pid
        yield url
        assert proc.poll() is None, "the server died"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stderr.close()


def post(url: str, body: bytes | str, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    data = body.encode() if isinstance(body, str) else body
    request = urllib.request.Request(url, data=data, method="POST")
    request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def get_status(url: str) -> int:
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.status


# 1. Queries cannot take the process down.


def test_deeply_nested_query_is_refused_and_the_server_stays_up(server):
    status, body = post(f"{server}/api/query", json.dumps({"cypher": DEEP}))
    assert status == 400
    assert body["error"]["code"] == "query-rejected"
    assert f"at most {MAX_NESTING}" in body["error"]["message"]
    assert get_status(f"{server}/healthz") == 200


def test_deeply_nested_query_on_the_command_line_exits_2():
    done = cli("query", DEEP, "--data", str(TINY))
    assert done.returncode == 2, done.stderr
    assert f"nests brackets more than {MAX_NESTING} deep" in done.stderr


def test_padded_query_is_answered_not_timed_out(server):
    """The guard is linear: 90,000 spaces used to take minutes (quadratic) outside the timeout."""
    status, body = post(f"{server}/api/query", json.dumps({"cypher": " " * 90_000 + "RETURN 1"}))
    assert (status, body["rows"]) == (200, [[1]])


def test_query_longer_than_the_limit_is_refused(server):
    status, body = post(f"{server}/api/query", json.dumps({"cypher": " " * 200_000 + "RETURN 1"}))
    assert status == 400
    assert f"at most {MAX_QUERY_CHARS:,}" in body["error"]["message"]


def test_params_nested_5000_deep_are_a_400(server):
    body = '{"cypher": "RETURN $x", "params": {"x": ' + "[" * 5000 + "]" * 5000 + "}}"
    status, answer = post(f"{server}/api/query", body)
    assert status == 400
    assert answer["ok"] is False and answer["error"]["code"] == "bad-request"
    body = '{"cypher": "RETURN $x", "params": {"x": ' + "[" * 900 + "]" * 900 + "}}"
    status, answer = post(f"{server}/api/query", body)
    assert (status, answer["error"]["code"]) == (400, "query-rejected")


def test_runaway_queries_past_the_cap_get_429_and_the_server_keeps_answering(server):
    results: list[int] = []

    def run() -> None:
        results.append(post(f"{server}/api/query", json.dumps({"cypher": RUNAWAY}))[0])

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 429 in results  # one worker: the others were turned away at once
    assert set(results) <= {429, 504}
    assert get_status(f"{server}/api/scenarios") == 200
    status, body = post(f"{server}/api/query", json.dumps({"cypher": "RETURN 1 AS one"}))
    assert (status, body["rows"]) == (200, [[1]])


@pytest.fixture
def bundled_store() -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(query_workers=1)
    store.load(load_paths(bundled_paths()))
    yield store
    store.close()


def test_engine_crash_costs_one_query_not_the_process(bundled_store):
    """A real SIGSEGV in the worker running a query: the caller gets an error and goes on."""
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            bundled_store.query(RUNAWAY, timeout=120)
        except (QueryCrashed, QueryTimeout) as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    pids = _wait_for(lambda: bundled_store._pool.worker_pids(busy=True))
    os.kill(pids[0], signal.SIGSEGV)
    thread.join(60)
    assert outcome and isinstance(outcome[0], QueryCrashed)
    assert "SIGSEGV" in outcome[0].message
    assert bundled_store.query("MATCH (a:Actor) RETURN count(*) AS n").rows[0][0] > 0


def test_a_second_query_while_the_only_worker_is_busy_is_refused_at_once(bundled_store):
    thread = threading.Thread(target=lambda: _quietly(bundled_store, RUNAWAY))
    thread.start()
    _wait_for(lambda: bundled_store._pool.worker_pids(busy=True))
    with pytest.raises(QueryBusy):
        bundled_store.query("RETURN 1")
    thread.join(60)


def test_a_write_is_seen_by_the_next_query(bundled_store):
    before = bundled_store.query("MATCH (s:Scenario) RETURN count(*)").rows[0][0]
    bundled_store.delete("nprz")
    assert bundled_store.query("MATCH (s:Scenario) RETURN count(*)").rows[0][0] == before - 1


def test_refusals_keep_the_worker(bundled_store):
    bundled_store.query("RETURN 1")
    pids = bundled_store._pool.worker_pids()
    with pytest.raises(QueryRejected):
        bundled_store.query("MATCH (n) DELETE n")
    assert bundled_store._pool.worker_pids() == pids


def test_a_worker_keeps_one_connection_until_it_has_prepared_its_share(bundled_store, tmp_path):
    """Kept between queries (a repeated statement is planned once), replaced when full."""
    from graph.storage.embedded import run_query
    from graph.storage.query_worker import STATEMENTS_PER_CONNECTION, _Reader

    bundled_store.snapshot(str(tmp_path))
    reader = _Reader(str(tmp_path))
    try:
        count = "MATCH (a:Actor) RETURN count(*)"
        first = reader.connection(count)
        assert reader.connection("RETURN 1") is first and reader.connection(count) is first
        for i in range(STATEMENTS_PER_CONNECTION - 2):  # up to its share
            assert reader.connection(f"RETURN {i} AS n") is first
        assert reader.connection(count) is first  # a statement it has prepared
        fresh = reader.connection("RETURN 'one more'")
        assert fresh is not first
        assert run_query(fresh, count).rows == bundled_store.query(count).rows
        reader.discard()
        assert reader.connection(count) is not fresh
    finally:
        reader.close()


def test_a_timed_out_query_leaves_the_next_one_answered(bundled_store):
    with pytest.raises(QueryTimeout):
        bundled_store.query(RUNAWAY, timeout=1)
    assert bundled_store.query("RETURN 1 AS one").rows == [[1]]


def _quietly(store: EmbeddedStore, cypher: str) -> None:
    try:
        store.query(cypher, timeout=2)
    except QueryTimeout:
        pass


def _wait_for(probe, within: float = 120.0):
    deadline = time.monotonic() + within
    while not (found := probe()):
        assert time.monotonic() < deadline, "never happened"
        time.sleep(0.05)
    return found


# 6. Malformed bodies and files.


@pytest.mark.parametrize(
    ("name", "body"),
    [
        (
            "x.graphml",
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">'
            '<node id="a"><data key="name">N&xxe;N</data></node></graph></graphml>',
        ),
        (
            "x.gexf",
            '<gexf xmlns="http://gexf.net/1.3" version="1.3"><meta><description>N&xxe;N'
            '</description></meta><graph><nodes><node id="a" label="A"/></nodes></graph></gexf>',
        ),
    ],
)
def test_unexpanded_entities_are_reported_not_dropped(name, body):
    from graph.errors import ValidationFailed
    from graph.formats import read_bytes

    data = f'<?xml version="1.0"?><!DOCTYPE g [<!ENTITY xxe "X">]>{body}'.encode()
    with pytest.raises(ValidationFailed) as caught:
        read_bytes(data, name)
    assert [(p.code, p.value) for p in caught.value.problems] == [("unexpanded-entity", "&xxe;")]


# 4. Hostile files in bounded time and memory.

#: The stated bound (docs/format.md): reading any file under the upload limit stays below it.
MEMORY_BOUND_MB = 1024


def make_zip_bomb(path: Path, rows: int = 20_000, width: int = 10_000) -> Path:
    """A valid workbook of about 1 MB whose actors sheet unpacks to about 400 MB."""
    import io
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "actors"
    book.active.append(["id", "name", "kind"])
    book.create_sheet("relations").append(["from", "to", "type"])
    plain = io.BytesIO()
    book.save(plain)
    long = b"x" * width
    head = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    cell = b'<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>'
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info, src.read(info))
                continue
            with out.open(info.filename, "w", force_zip64=True) as member:
                member.write(head)
                for n in range(1, rows + 1):
                    cells = [b"a%d" % n, long, long] if n > 1 else [b"id", b"name", b"kind"]
                    columns = zip([b"A", b"B", b"C"], cells, strict=True)
                    row = b"".join(cell % (c, n, v) for c, v in columns)
                    member.write(b'<row r="%d">%s</row>' % (n, row))
                member.write(b"</sheetData></worksheet>")
    return path


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory) -> Path:
    return make_zip_bomb(tmp_path_factory.mktemp("bomb") / "bomb.xlsx")


def test_zip_bomb_is_refused_by_validate_in_bounded_memory(zip_bomb):
    import zipfile

    assert zip_bomb.stat().st_size < 2 * 2**20
    with zipfile.ZipFile(zip_bomb) as archive:
        assert sum(i.file_size for i in archive.infolist()) > 300 * 2**20
    # Measured in a wrapper process: its children's peak is only this validate's.
    measure = (
        "import resource, subprocess, sys; "
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
        "print(done.stderr)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-m", "app.cli", "validate", str(zip_bomb)]
    done = subprocess.run(
        [sys.executable, "-c", measure, *args], capture_output=True, text=True, env=env, timeout=600
    )
    code, peak_kb = done.stdout.split("\n", 1)[0].split()
    assert int(code) == 2, done.stdout
    assert "workbook-too-large" in done.stdout
    assert int(peak_kb) / 1024 < MEMORY_BOUND_MB


def test_zip_bomb_upload_is_a_400_in_bounded_memory(server, zip_bomb):
    request = urllib.request.Request(
        f"{server}/api/scenarios?filename=bomb.xlsx", data=zip_bomb.read_bytes(), method="POST"
    )
    try:
        urllib.request.urlopen(request, timeout=600)
        raise AssertionError("the bomb was accepted")
    except urllib.error.HTTPError as error:
        status, body = error.code, json.loads(error.read())
    assert status == 400
    assert [p["code"] for p in body["errors"]] == ["workbook-too-large"]
    assert _peak_mb(_server_pid(server)) < MEMORY_BOUND_MB
    assert get_status(f"{server}/healthz") == 200


def test_problems_are_capped_and_values_shortened(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "actors"
    book.active.append(["id", "name", "kind"])
    for i in range(500):
        book.active.append([f"a{i}", "n", "k" * 1000])
    book.create_sheet("relations").append(["from", "to", "type"])
    book.save(tmp_path / "many.xlsx")
    done = cli("validate", str(tmp_path / "many.xlsx"), "--json")
    assert done.returncode == 2
    errors = json.loads(done.stdout)["errors"]
    assert len(errors) == 101 and errors[-1]["code"] == "more-problems"
    assert errors[-1]["value"] == 400
    assert all(len(json.dumps(e)) < 2000 for e in errors)


def _server_pid(server: str) -> int:
    return SERVER_PIDS[server]


def _peak_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]
