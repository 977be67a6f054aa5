"""The dashboard shows a progress bar while the server is still computing an analysis (202),
then the analysis itself, in real headless Chromium."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import missing_part

from scripts.chromium import CHROMIUM, launch

pytestmark = pytest.mark.browser

TINY = Path(__file__).parent / "data" / "web-tiny.yaml"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The app on waitress, answering every uncached analysis 202 first."""
    import socket

    import waitress

    from app import create_app

    app = create_app({"DATA": [str(TINY)], "PROGRESS_AFTER": 0})
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    httpd = waitress.create_server(app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=httpd.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        httpd.close()
        thread.join(timeout=5)


def test_dashboard_shows_a_progress_bar_then_the_analysis(server: str, tmp_path: Path) -> None:
    if not os.path.exists(CHROMIUM):
        missing_part(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{server}/scenarios/web-tiny/analysis")
            bar = page.wait_for_selector("#gg-progress progress", timeout=30_000)
            assert bar is not None
            assert "Computing the analysis" in page.inner_text("#gg-progress")
            page.screenshot(path=str(tmp_path / "progress.png"))
            page.wait_for_selector('#dashboard[data-ready="1"]', timeout=120_000)
            assert page.query_selector("#gg-progress") is None
            assert page.locator("#findings .finding").count() >= 1
            assert errors == []
        finally:
            browser.close()
