"""The mapping step: suggestions, applying a mapping, the API, --map on the command line, and
the browser page, which must give the same scenario as --map with the mapping it downloads."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from browser_support import recording_page, serving
from conftest import WEB_SCENARIO
from foreign_files import kumu_workbook

from graph.errors import ValidationFailed
from graph.formats import read_path
from graph.formats.foreign import mapping_notice
from graph.mapping import apply_mapping, parse_mapping, read_mapping, suggest, suggest_type

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def kumu(tmp_path: Path) -> Path:
    return kumu_workbook(tmp_path).paths[0]


def test_suggestions_name_the_files_types_with_counts(kumu: Path) -> None:
    found = suggest(read_path(kumu)[0])
    assert found["kinds"]["attribute"] == "Type"
    kinds = {v["value"]: v for v in found["kinds"]["values"]}
    assert kinds["Ministry"]["suggested"] == "ministry" and kinds["Ministry"]["count"] == 1
    assert kinds["Citizens"] == {"value": "Citizens", "count": 1, "current": "other",
                                 "suggested": "resident_group"}  # fmt: skip
    types = {v["value"]: v["suggested"] for v in found["relation_types"]["values"]}
    assert types["funds"] == "FUNDS" and types["gives advice"] == "ADVISES"
    assert found["attributes"]["actors"]["Influence"] == 3


def test_similar_words_are_suggested() -> None:
    assert [suggest_type(t) for t in ("finances", "accounts to", "Manages")] == [
        "FUNDS", "REPORTS_TO", "STEERS",
    ]  # fmt: skip


def test_applying_the_suggestion_gives_meaning_and_keeps_attributes(kumu: Path) -> None:
    scenario = read_path(kumu)[0]
    assert mapping_notice(scenario) is not None
    mapped = apply_mapping(scenario, parse_mapping(suggest(scenario)["mapping"]))
    assert mapping_notice(mapped) is None
    assert mapped.actor_map()["residents-council"].kind == "resident_group"
    assert [r.type for r in mapped.relations][3] == "ADVISES"
    assert mapped.relations[3].id == "residents-council:ADVISES:rotterdam"
    assert mapped.actors[0].attributes == scenario.actors[0].attributes
    assert mapped.vocabulary.declared_types == ()  # no foreign type is left


def test_a_mapping_to_an_unknown_kind_is_refused_with_the_choices() -> None:
    text = "govgraph_mapping: 1\nkinds: {values: {Ministry: minstry}}\n"
    with pytest.raises(ValidationFailed) as info:
        read_mapping(text, "map.yaml")
    (problem,) = info.value.problems
    assert problem.code == "bad-mapping" and "ministry" in problem.hint


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(ROOT), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=300)  # fmt: skip


def _write_suggested(kumu: Path, target: Path) -> Path:
    doc = suggest(read_path(kumu)[0])["mapping"]
    target.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return target


def test_validate_and_export_reuse_a_mapping(kumu: Path, tmp_path: Path) -> None:
    mapping = _write_suggested(kumu, tmp_path / "map.yaml")
    done = _cli("validate", str(kumu), "--map", str(mapping))
    assert done.returncode == 0 and "need a mapping" not in done.stderr
    out = tmp_path / "out.yaml"
    done = _cli("export", "--data", str(kumu), "--map", str(mapping), "--format", "yaml",
                "-o", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    kinds = {a["name"]: a["kind"] for a in yaml.safe_load(out.read_text())["actors"]}
    assert kinds["Youth workers"] == "professional_group"


def test_a_bad_mapping_file_exits_2(kumu: Path, tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("kinds: [1, 2]\n")
    done = _cli("validate", str(kumu), "--map", str(tmp_path / "bad.yaml"))
    assert done.returncode == 2 and "bad-mapping" in done.stderr
    assert "Traceback" not in done.stderr


def test_upload_answers_with_the_notice_and_the_mapping_page(client, kumu: Path) -> None:
    data = {"file": (io.BytesIO(kumu.read_bytes()), "kumu.xlsx")}
    body = client.post("/api/scenarios", data=data, content_type="multipart/form-data").json
    assert "need a mapping" in body["notice"]
    assert body["links"]["mapping"] == "/scenarios/kumu/mapping"
    assert client.get("/api/scenarios/kumu").json["notice"] == body["notice"]
    page = client.get("/scenarios/kumu").get_data(as_text=True)
    assert 'id="mapping-notice"' in page and "/scenarios/kumu/mapping" in page
    found = client.get("/api/scenarios/kumu/mapping").json
    preview = client.post("/api/scenarios/kumu/mapping/preview",
                          json={"mapping": found["mapping"]}).json  # fmt: skip
    assert preview["ok"] and preview["notice"] is None and preview["steering_depth"] == 2
    broken = {**found["mapping"], "relation_types": {"values": {"funds": "gives money"}}}
    answer = client.post("/api/scenarios/kumu/mapping/preview", json={"mapping": broken}).json
    assert not answer["ok"] and answer["problems"][0]["code"] == "bad-name"
    wrong = {**found["mapping"], "kinds": {"values": {"Ministry": "minstry"}}}
    refused = client.post("/api/scenarios/kumu/mapping/preview", json={"mapping": wrong})
    assert refused.status_code == 400 and refused.json["errors"][0]["code"] == "bad-mapping"


def test_csv_pair_uploads_as_one_scenario(client, tmp_path: Path) -> None:
    nodes = b"Id,Label\n1,Alpha\n2,Beta\n"
    edges = b"Source,Target\n1,2\n"
    data = {"file": [(io.BytesIO(nodes), "nodes.csv"), (io.BytesIO(edges), "edges.csv")]}
    body = client.post("/api/scenarios", data=data, content_type="multipart/form-data").json
    assert body["scenarios"] == ["edges"]
    names = [a["name"] for a in client.get("/api/scenarios/edges/graph").json["nodes"]]
    assert sorted(names) == ["Alpha", "Beta"]


# --- the page, in a real browser ----------------------------------------------------------


@pytest.fixture
def server() -> Iterator[str]:
    with serving(DATA=[WEB_SCENARIO]) as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize("size", [(1440, 900), (1024, 768)])
def test_page_and_map_option_give_the_same_scenario(
    browser, server: str, kumu: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    with recording_page(browser, size) as page:
        page.goto(server + "/upload")
        page.set_input_files("#file", str(kumu))
        page.click("#upload-button")
        page.wait_for_selector("#preview-summary", timeout=30_000)  # the mapping page
        assert page.url.endswith("/scenarios/kumu/mapping")
        # a choice the suggestions did not make: the youth workers implement for Rotterdam
        page.select_option('#type-table tr[data-value="works for"] select', "IMPLEMENTS")
        page.wait_for_function("document.getElementById('preview-summary')")
        assert page.locator("#preview-ok").is_visible()
        row = page.locator('#kind-table tr[data-value="Citizens"]').bounding_box()
        assert row is not None and row["x"] + row["width"] <= size[0]  # the table fits
        with page.expect_download() as info:
            page.click("#download-mapping")
        mapping = tmp_path / "downloaded.yaml"
        info.value.save_as(mapping)
        page.click("#save-button")
        page.wait_for_url("**/scenarios/kumu-mapped", timeout=30_000)
    saved = yaml.safe_load(_get(server, "/api/scenarios/kumu-mapped/export?format=yaml"))
    out = tmp_path / "cli.yaml"
    done = _cli("export", "--data", str(kumu), "--map", str(mapping), "--format", "yaml",
                "-o", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    from_cli = yaml.safe_load(out.read_text())
    assert from_cli == saved
    types = {(r["from"], r["to"]): r["type"] for r in saved["relations"]}
    assert types[("youth-workers", "rotterdam")] == "IMPLEMENTS"


def _get(server: str, path: str) -> str:
    import urllib.request

    with urllib.request.urlopen(server + path) as response:
        return response.read().decode()
