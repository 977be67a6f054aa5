"""Exports are written in a child process, once per key, and served again from the cache."""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import yaml

import app.exports
from app import create_app
from app import graphview as views
from app.child import in_child
from app.store import get_store
from tests.conftest import WEB_SCENARIO

EXPORT = "/api/scenarios/web-tiny/export"


class Computations:
    """The export computations started (one child each), by format; ``gate`` holds them
    back until it is set."""

    def __init__(self) -> None:
        self.formats: list[str] = []
        self.gate = threading.Event()
        self.gate.set()

    def counted(self, function: Any, *args: Any) -> Any:
        self.formats.append(args[4])
        self.gate.wait(30)
        return in_child(function, *args)


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> Computations:
    computations = Computations()
    monkeypatch.setattr(app.exports, "in_child", computations.counted)
    return computations


def _app(**config: Any) -> Any:
    return create_app({"TESTING": True, "DATA": [WEB_SCENARIO], **config})


@pytest.mark.parametrize("fmt", ["yaml", "json", "graphml", "gexf", "csv", "html"])
def test_a_repeated_export_is_the_same_file_computed_once(fmt: str, computed: Computations) -> None:
    client = _app().test_client()
    query = f"?format={fmt}&as_of=2023-06&kinds=ministry,municipality,programme_office"
    first, again = client.get(EXPORT + query), client.get(EXPORT + query)
    assert first.status_code == again.status_code == 200
    assert again.get_data() == first.get_data() and len(first.get_data()) > 100
    assert again.headers == first.headers
    assert first.headers["X-Govgraph-Actors"] == "3 of 8"
    assert computed.formats == [fmt]
    client.get(EXPORT + query + "&confirmed_only=1")  # other filters: another file
    assert computed.formats == [fmt, fmt]


@pytest.mark.parametrize("fmt", ["yaml", "json", "graphml"])
def test_the_file_from_the_child_is_the_one_written_in_process(fmt: str) -> None:
    application = _app()
    query = f"?format={fmt}&as_of=2023-06&types=STEERS,FUNDS"
    body = application.test_client().get(EXPORT + query).get_data()
    with application.test_request_context(EXPORT + query):
        filters = views.Filters(as_of="2023-06", types=("STEERS", "FUNDS"))
        cut = views.filtered_scenario(get_store(), "web-tiny", filters)
    assert body == app.exports.written(cut, fmt)


def test_four_identical_export_requests_at_once_compute_once(computed: Computations) -> None:
    application = _app()
    computed.gate.clear()

    def download() -> bytes:
        response = application.test_client().get(EXPORT + "?format=graphml")
        assert response.status_code == 200
        return response.get_data()

    with ThreadPoolExecutor(4) as pool:
        answers = [pool.submit(download) for _ in range(4)]
        while not computed.formats:
            time.sleep(0.01)
        time.sleep(0.2)  # the other three are waiting by now, not computing
        computed.gate.set()
        bodies = [a.result() for a in answers]
    assert computed.formats == ["graphml"]
    assert bodies[0].startswith(b"<?xml") and bodies == [bodies[0]] * 4


def test_the_export_of_a_changed_scenario_is_fresh(computed: Computations) -> None:
    client = _app().test_client()
    old = client.get(EXPORT + "?format=yaml&as_of=all")
    assert yaml.safe_load(old.get_data())["scenario"]["title"].startswith("Tiny")
    document = yaml.safe_load(old.get_data())
    document["scenario"]["title"] = "Renamed"
    document["actors"] = [a for a in document["actors"] if a["id"] != "prof"]
    document["relations"] = [r for r in document["relations"] if "prof" not in (r["from"], r["to"])]
    upload = client.post("/api/scenarios?filename=t.yaml&replace=1", data=yaml.safe_dump(document))
    assert upload.status_code == 201, upload.get_data(as_text=True)
    new = client.get(EXPORT + "?format=yaml&as_of=all")
    assert yaml.safe_load(new.get_data())["scenario"]["title"] == "Renamed"
    assert new.headers["X-Govgraph-Actors"] == f"{len(document['actors'])} of 7"
    assert computed.formats == ["yaml", "yaml"]
    assert client.delete("/api/scenarios/web-tiny").status_code == 200
    gone = client.get(EXPORT + "?format=yaml&as_of=all")
    assert gone.status_code == 404 and gone.json["error"]["code"] == "not-found"


def test_a_request_after_a_write_never_gets_the_file_begun_before_it(
    computed: Computations,
) -> None:
    """An export in progress when a write lands is neither shared with a later request nor
    kept: its key holds the store's generation."""
    application = _app()
    client = application.test_client()
    computed.gate.clear()
    with ThreadPoolExecutor(1) as pool:
        before = pool.submit(lambda: application.test_client().get(EXPORT + "?format=json"))
        while not computed.formats:
            time.sleep(0.01)
        document = yaml.safe_load(read_path_text())
        document["scenario"]["title"] = "After the write"
        posted = client.post("/api/scenarios?filename=t.yaml&replace=1",
                             data=yaml.safe_dump(document))  # fmt: skip
        assert posted.status_code == 201
        computed.gate.set()
        after = client.get(EXPORT + "?format=json")
        assert before.result().json["scenario"]["title"].startswith("Tiny")
    assert after.json["scenario"]["title"] == "After the write"
    assert client.get(EXPORT + "?format=json").get_data() == after.get_data()
    assert computed.formats == ["json", "json"]


def read_path_text() -> str:
    with open(WEB_SCENARIO, encoding="utf-8") as file:
        return file.read()


def test_a_file_larger_than_the_cache_is_served_but_not_kept(computed: Computations) -> None:
    client = _app(CACHE_MB=0.001).test_client()  # 1 kB: less than the file
    first, again = (client.get(EXPORT + "?format=yaml") for _ in range(2))
    assert len(first.get_data()) > 1024 and again.get_data() == first.get_data()
    assert computed.formats == ["yaml", "yaml"]


@pytest.mark.parametrize(
    ("query", "status", "code", "children"),
    [
        ("?format=pdf", 400, "bad-request", 0),  # refused before any child starts
        ("?format=yaml&as_of=yesterday", 400, "bad-request", 0),
        ("?format=graphml&kinds=ministery", 400, "unknown-kind", 2),  # found in the child
        ("?format=html&types=STEER", 400, "unknown-type", 2),
        ("?format=html&as_of=all&frame=some", 400, "bad-request", 0),
    ],
)
def test_bad_export_requests_answer_json_and_the_server_stays_up(
    query: str, status: int, code: str, children: int, computed: Computations
) -> None:
    client = _app().test_client()
    for _ in range(2):  # an error is never cached: asked again, it is found again
        answer = client.get(EXPORT + query)
        assert answer.status_code == status and answer.json["ok"] is False
        assert answer.json["error"]["code"] == code and answer.json["error"]["hint"]
    assert len(computed.formats) == children
    assert client.get("/healthz").json["ok"] is True
    assert client.get(EXPORT + "?format=yaml").status_code == 200


def test_an_export_whose_process_dies_is_a_json_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setattr(app.exports, "written", lambda *args: os._exit(1))
    client = _app().test_client()
    answer = client.get(EXPORT + "?format=yaml")
    assert answer.status_code == 500 and answer.json["error"]["code"] == "computation-failed"
    monkeypatch.undo()
    assert client.get(EXPORT + "?format=yaml").status_code == 200
    assert client.get("/healthz").json["ok"] is True


def test_where_the_platform_cannot_fork_the_export_is_written_inline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Inline, the export must leave the server's own store and templates as they were."""
    import app.child
    from app.store import EXTENSION

    application = _app()
    client = application.test_client()
    forked = client.get(EXPORT + "?format=html&as_of=all").get_data()
    monkeypatch.setattr(app.child, "CAN_FORK", False)
    store = application.extensions[EXTENSION]
    store.invalidate()
    inline = client.get(EXPORT + "?format=html&as_of=all").get_data()
    assert application.extensions[EXTENSION] is store
    assert application.jinja_env.cache is not None and not isinstance(
        application.jinja_env.cache, dict
    )
    strip = re.compile(rb"govgraph [^,<]*, \d{4}-\d\d-\d\d \d\d:\d\d UTC")  # when it was made
    assert strip.sub(b"", inline) == strip.sub(b"", forked) and b"web-tiny" in inline
