"""The scenario list in real headless Chromium, on the bundled scenarios: each card states its
first findings in words on the first screen, cuts its description to a few lines (whole on
request), and asks nothing of a scenario too large to analyse for a glance.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from browser_support import api, recording_page
from test_browser_map import SIZES, server  # noqa: F401 - the app with the bundled scenarios

pytestmark = pytest.mark.browser

CARD = ".scenario-card"


@pytest.fixture(params=SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def page(browser: Any, request: Any) -> Any:
    with recording_page(browser, request.param) as pg:
        yield pg


def open_list(page: Any, server: str) -> None:  # noqa: F811
    page.goto(server + "/")
    page.wait_for_selector('#scenario-list[data-ready="1"]', timeout=30_000)


def inside_window(page: Any, locator: Any) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        bool(box)
        and box["y"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and (box["x"] >= 0 and box["x"] + box["width"] <= size["width"])
    )


def test_each_card_states_its_first_findings(page: Any, server: str) -> None:  # noqa: F811
    open_list(page, server)
    scenarios = api(server, "/api/scenarios")["scenarios"]
    assert page.locator(CARD).count() == len(scenarios) >= 3
    for s in scenarios:
        card = page.locator(f'{CARD}[data-scenario="{s["id"]}"]')
        findings = api(server, s["links"]["analysis"])["findings"]
        shown = card.locator(".card-finding")
        assert shown.count() == 2
        for i in range(2):
            assert shown.nth(i).locator("span").inner_text() == findings[i]["text"]
            assert (
                shown.nth(i).locator(".card-figure").inner_text() == findings[i]["figure"]["short"]
            )
        assert f"All {len(findings)} findings" in card.locator(".card-findings .more").inner_text()
    # The first row of cards, its findings and its ways into the map are on the first screen.
    cards = [page.locator(CARD).nth(i) for i in range(len(scenarios))]
    top = cards[0].bounding_box()["y"]
    first_row = [card for card in cards if card.bounding_box()["y"] == top]
    assert len(first_row) >= (3 if page.viewport_size["width"] >= 1440 else 2)
    for card in first_row:
        assert inside_window(page, card.locator(".card-finding").nth(1))
        assert inside_window(page, card.locator("a", has_text="Explore"))


def test_a_description_is_cut_to_a_few_lines_and_shown_whole_on_request(
    page: Any,
    server: str,  # noqa: F811
) -> None:
    open_list(page, server)
    card = page.locator(f'{CARD}[data-scenario="nplv-2022"]')
    description = card.locator(".description")
    line = float(description.evaluate("e => parseFloat(getComputedStyle(e.firstChild).lineHeight)"))
    assert description.bounding_box()["height"] <= 3.5 * line
    listed = {s["id"]: s for s in api(server, "/api/scenarios")["scenarios"]}
    last = listed["nplv-2022"]["description"].split("\n\n")[-1].strip()
    assert not card.get_by_text(last[:60]).is_visible()
    card.get_by_role("button", name="More about this scenario").click()
    assert card.get_by_text(last[:60]).is_visible()
    assert description.bounding_box()["height"] > 10 * line
    card.get_by_role("button", name="Less").click()
    assert description.bounding_box()["height"] <= 3.5 * line


def test_a_large_or_busy_scenario_keeps_only_the_link_to_its_analysis(
    browser: Any,
    server: str,  # noqa: F811
) -> None:
    """Over the size a glance may cost, a card asks for no analysis; one still computing
    (202) does not wait for it."""
    with recording_page(browser) as page:
        asked: list[str] = []
        page.on("request", lambda r: asked.append(r.url) if r.url.endswith("/analysis") else None)

        def larger(route: Any) -> None:
            answer = route.fetch()
            body = answer.json()
            for s in body["scenarios"]:
                if s["id"] == "nprz":
                    s["relations"] = 1_000_000
            route.fulfill(response=answer, body=json.dumps(body))

        def busy(route: Any) -> None:
            poll = {"status": "computing", "elapsed_s": 1.0, "poll": route.request.url}
            route.fulfill(status=202, content_type="application/json", body=json.dumps(poll))

        page.route("**/api/scenarios", larger)
        page.route("**/api/scenarios/wijkaanpak-manifest/analysis", busy)
        open_list(page, server)
        for scenario in ("nprz", "wijkaanpak-manifest"):
            card = page.locator(f'{CARD}[data-scenario="{scenario}"]')
            assert card.locator(".card-finding").count() == 0
            link = card.locator(".card-findings a")
            assert link.inner_text() == "Its findings are on the analysis page →"
            assert link.get_attribute("href") == f"/scenarios/{scenario}/analysis"
        assert "1,000,000 relations" in page.locator(f'{CARD}[data-scenario="nprz"]').inner_text()
        assert not any("/nprz/" in url for url in asked)
        assert any("/nplv-2022/" in url for url in asked)
