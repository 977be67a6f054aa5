"""The dashboard shows a progress bar while the server is still computing an analysis (202),
then the analysis itself, in real headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import recording_page, serving
from conftest import WEB_SCENARIO

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The app on waitress, answering every uncached analysis 202 first."""
    with serving(DATA=[WEB_SCENARIO], PROGRESS_AFTER=0) as url:
        yield url


def test_dashboard_shows_a_progress_bar_then_the_analysis(browser, server, tmp_path: Path) -> None:
    with recording_page(browser) as page:
        page.goto(f"{server}/scenarios/web-tiny/analysis")
        bar = page.wait_for_selector("#gg-progress progress", timeout=30_000)
        assert bar is not None
        assert "Computing the analysis" in page.inner_text("#gg-progress")
        page.screenshot(path=str(tmp_path / "progress.png"))
        page.wait_for_selector('#dashboard[data-ready="1"]', timeout=120_000)
        assert page.query_selector("#gg-progress") is None
        assert page.locator("#findings .finding").count() >= 1
