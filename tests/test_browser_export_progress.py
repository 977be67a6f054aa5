"""The explorer's Export menu downloads through the page, in real headless Chromium: a bar says
what is being written while the server writes it, the file is saved under the server's name
with the API's bytes, and an error answer is shown on the page instead of being saved.

The server is made slow deterministically: its export waits for the test to let it go."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from browser_support import recording_page, serving
from conftest import WEB_SCENARIO
from playwright.sync_api import expect

import app.api as app_api

pytestmark = pytest.mark.browser

BAR = "#downloads .job-progress"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving(DATA=[WEB_SCENARIO]) as url:
        yield url


class Gate:
    """Holds every export in the served app until :meth:`open`; counts the exports asked."""

    def __init__(self) -> None:
        self.released = threading.Event()
        self.asked: list[str] = []

    def open(self) -> None:
        self.released.set()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    held = Gate()
    real = app_api.export_file

    def held_export(store: Any, scenario_id: str, fmt: str, args: Any) -> Any:
        held.asked.append(fmt)
        held.released.wait(120)
        return real(store, scenario_id, fmt, args)

    monkeypatch.setattr(app_api, "export_file", held_export)
    yield held
    held.open()


def open_explorer(page: Any, server: str) -> None:
    page.goto(f"{server}/scenarios/web-tiny")
    page.wait_for_selector('#network[data-ready="1"]', timeout=60_000)


def choose_export(page: Any, fmt: str) -> None:
    page.click("#export-menu summary")
    page.click(f'[data-export-format="{fmt}"]')


def server_download(href: str) -> tuple[bytes, str | None]:
    """The bytes and the download name the API answers for ``href``."""
    with urllib.request.urlopen(href) as response:
        message = Message()
        message["content-disposition"] = response.headers["Content-Disposition"]
        return response.read(), message.get_filename()


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_bar_says_what_is_written_and_leaves_menu_and_legend_clear(
    browser: Any, server: str, gate: Gate, tmp_path: Path
) -> None:
    with recording_page(browser, (1024, 768)) as page:
        open_explorer(page, server)
        with page.expect_download(timeout=120_000) as saved:
            choose_export(page, "html")
            bar = page.wait_for_selector(BAR, state="visible", timeout=30_000)
            assert "Writing the offline HTML" in bar.inner_text()
            # the seconds so far say it is still working
            expect(page.locator(BAR)).to_have_text(re.compile(r" [0-9]+ s$"), timeout=10_000)
            box = bar.bounding_box()
            assert box is not None
            for other in ("#export-menu summary", ".toolbar", "#legend-box"):
                other_box = page.locator(other).bounding_box()
                assert other_box is not None
                assert not overlaps(box, other_box), f"the bar covers {other}"
            assert (
                box["y"] + box["height"] <= 768
                and box["x"] >= 0
                and box["x"] + box["width"] <= 1024
            )
            page.screenshot(path=str(tmp_path / "export-progress.png"))
            page.click("#export-menu summary")  # opened again, the menu lies over the bar
            for item in page.locator("#export-menu .menu-items > *").all():
                at = item.bounding_box()
                assert at is not None
                centre = {"x": at["x"] + at["width"] / 2, "y": at["y"] + at["height"] / 2}
                hit = page.evaluate(
                    "(p) => document.elementFromPoint(p.x, p.y).closest('.menu-items') !== null",
                    centre,
                )
                assert hit, f"the bar covers {item.inner_text()!r} in the Export menu"
            page.click("#export-menu summary")
            gate.open()
        assert saved.value.suggested_filename.endswith(".html")
        page.wait_for_selector(BAR, state="detached", timeout=30_000)


def test_saved_file_is_the_api_download_and_a_second_click_waits(
    browser: Any, server: str, gate: Gate, tmp_path: Path
) -> None:
    with recording_page(browser) as page:
        open_explorer(page, server)
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url) if "/export?" in r.url else None)
        href = page.get_attribute('[data-export-format="graphml"]', "href")
        assert href and "format=graphml" in href
        with page.expect_download(timeout=120_000) as saved:
            choose_export(page, "graphml")
            bar = page.wait_for_selector(BAR, state="visible", timeout=30_000)
            assert "Writing GraphML" in bar.inner_text()
            choose_export(page, "graphml")  # again, while the first is written
            assert page.locator(BAR).count() == 1
            gate.open()
        page.wait_for_selector(BAR, state="detached", timeout=30_000)
        path = tmp_path / "saved"
        saved.value.save_as(path)
        assert gate.asked == ["graphml"]  # the second click asked for nothing
        assert len(requests) == 1
        data, name = server_download(server + href)
        assert name and saved.value.suggested_filename == name
        assert path.read_bytes() == data


def test_a_click_after_the_view_changed_saves_only_the_new_view(
    browser: Any, server: str, gate: Gate, tmp_path: Path
) -> None:
    with recording_page(browser) as page:
        open_explorer(page, server)
        downloads: list[Any] = []
        page.on("download", lambda d: downloads.append(d))
        first = page.get_attribute('[data-export-format="graphml"]', "href")
        choose_export(page, "graphml")
        page.wait_for_selector(BAR, state="visible", timeout=30_000)
        page.fill("#layer-max", "1")
        page.dispatch_event("#layer-max", "change")  # as leaving the field does
        page.wait_for_function(
            "first => document.querySelector('[data-export-format=graphml]')"
            ".getAttribute('href') !== first",
            arg=first,
            timeout=30_000,
        )
        second = page.get_attribute('[data-export-format="graphml"]', "href")
        assert second and first and "layer_max=1" in second and second != first
        with page.expect_download(timeout=120_000) as saved:
            choose_export(page, "graphml")  # the view changed: this one is wanted
            assert page.locator(BAR).count() == 1
            gate.open()
        page.wait_for_selector(BAR, state="detached", timeout=30_000)
        page.wait_for_timeout(500)  # the first file, had it been saved, would be announced
        assert gate.asked == ["graphml", "graphml"]
        assert len(downloads) == 1
        path = tmp_path / "saved"
        saved.value.save_as(path)
        assert path.read_bytes() == server_download(server + second)[0]
        assert path.read_bytes() != server_download(server + first)[0]


def test_an_error_answer_is_shown_and_nothing_is_saved(browser: Any, tmp_path: Path) -> None:
    with serving(DATA=[WEB_SCENARIO]) as server, recording_page(browser) as page:
        open_explorer(page, server)
        downloads: list[Any] = []
        page.on("download", lambda d: downloads.append(d))
        delete = urllib.request.Request(f"{server}/api/scenarios/web-tiny", method="DELETE")
        urllib.request.urlopen(delete).close()  # gone while the explorer is open
        choose_export(page, "csv")
        error = page.wait_for_selector("#status .error-box", state="visible", timeout=30_000)
        href = page.get_attribute('[data-export-format="csv"]', "href")
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(server + str(href))
        said = json.load(answer.value)["error"]
        assert "CSV (zip) export failed" in error.inner_text()  # says which download failed
        assert said["message"] in error.inner_text()
        assert said["hint"] and said["hint"] in error.inner_text()
        assert page.locator(BAR).count() == 0
        page.wait_for_timeout(500)  # a file, had one been saved, would be announced by now
        assert downloads == []
