"""The timeline in real Chromium: stepping nplv-2022 from its launch to 2025 shows the
Ministerie van VRO appear in July 2024 and the longest steering chain change with it, while
no actor moves; the dashboard draws the measures over time.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import recording_page, serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving() as url:  # the bundled scenarios
        yield url


@pytest.fixture
def page(browser):
    with recording_page(browser) as pg:
        yield pg


def wait_ready(page) -> None:
    page.wait_for_selector('#network[data-ready="1"]', timeout=30000)


def shown(page) -> dict:
    """The stop the bar shows, the actor ids drawn, where two stable actors sit, the chain."""
    return page.evaluate(
        """() => {
          const g = window.govgraph, pos = g.network.getPositions(['nplv', 'min-bzk']);
          return {date: document.getElementById('timeline').dataset.date,
                  nodes: g.view.nodes.getIds(), positions: pos,
                  chain: document.getElementById('timeline-chain').dataset.chain.split(','),
                  text: document.getElementById('timeline-chain').textContent,
                  asOf: g.state.as_of || null};
        }"""
    )


def test_stepping_from_the_launch_to_2025_shows_vro_appear_and_the_chains_change(server, page):
    page.goto(f"{server}/scenarios/nplv-2022?aggregate=0")
    wait_ready(page)
    assert "min-vro" not in page.evaluate("window.govgraph.view.nodes.getIds()")
    page.click("#timeline-toggle")
    page.wait_for_function("() => document.getElementById('timeline').dataset.date")
    wait_ready(page)
    assert shown(page)["date"] == "2022-07-31"  # the scenario's own date: its default view
    while shown(page)["date"] > "2022-07-04":
        page.click("#timeline-prev")
        wait_ready(page)
    seen = []
    while shown(page)["date"] < "2025-01-01":
        now = shown(page)
        assert now["asOf"] == now["date"]  # the explorer itself shows the stop's date
        seen.append(now)
        page.click("#timeline-next")
        page.wait_for_function(
            f"document.getElementById('timeline').dataset.date > '{now['date']}'"
        )
        wait_ready(page)
    seen.append(shown(page))
    assert seen[0]["date"] == "2022-07-04" and seen[-1]["date"] == "2025-01-01"
    for stop in seen:
        has_vro = "min-vro" in stop["nodes"]
        assert has_vro == (stop["date"] >= "2024-07-02"), stop["date"]
        assert ("min-vro" in stop["chain"]) == (stop["date"] >= "2024-07-02"), stop["date"]
    assert "Ministerie van Volkshuisvesting" in seen[-1]["text"]
    assert "Ministerie van Volkshuisvesting" not in seen[0]["text"]
    # actors appear and leave in their bands: the ones present never move
    first = seen[0]["positions"]
    moved = [(s["date"], s["positions"]) for s in seen if s["positions"] != first]
    assert not moved, moved


def test_all_time_and_its_date_are_one_click(server, page):
    page.goto(f"{server}/scenarios/nplv-2022")  # opens as the overview of groups
    wait_ready(page)
    wait_ready(page)
    page.click("#timeline-toggle")
    page.wait_for_function("() => document.getElementById('timeline').dataset.date")
    wait_ready(page)
    assert page.evaluate("window.govgraph.state.aggregate") == "0"  # the timeline shows actors
    page.click("#timeline-all")
    page.wait_for_function("() => window.govgraph.view.nodes.getIds().includes('min-vro')")
    wait_ready(page)
    assert page.evaluate("window.govgraph.state.as_of") == "all"
    page.click("#timeline-own")
    page.wait_for_function("() => !window.govgraph.view.nodes.getIds().includes('min-vro')")
    assert page.evaluate("document.getElementById('timeline').dataset.date") == "2022-07-31"
