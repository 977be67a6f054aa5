"""The offline explorer: ``export --format html`` is the explorer itself as one file.

The browser tests open an exported file as ``file://`` in real headless Chromium with every
other request aborted (and recorded: none may be attempted), and check what the live
explorer's tests check — labels drawn without overlap (from the canvas's own ``fillText``
and text metrics, as in test_browser_map), captions that say what each band means, the
legend, search as you type, and the details panel with the actor's layer.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_browser_map import RECORD_TEXT, check_labels, drawn_texts

from app.cli import cli
from app.offline import inline_assets

SCENARIOS = ["nplv-2022", "nprz"]
SIZES = [(1440, 900), (1024, 768)]
#: Controls of the live explorer that need the server: not shown in the file.
SERVER_ONLY = ("#as-of", "#timeline-toggle", "#path-button", "#filter-kinds", "#copy-link")
DATA_BLOCK = re.compile(
    r'<script type="application/json" id="govgraph-offline">(.*?)</script>', re.S
)
#: Any element that makes a browser fetch something by its address.
FETCHING = re.compile(r"<(?:script|link|img|iframe|source|embed)\b[^>]*\b(?:src|href)=\"([^\"]*)\"")


def embedded(html: str) -> dict:
    """The data block of an offline file."""
    match = DATA_BLOCK.search(html)
    assert match, "the file holds no data block"
    return json.loads(match.group(1))


def assert_self_contained(html: str) -> None:
    """Nothing in the file is fetched: no script or style by address, nothing over http(s)."""
    assert "<script src=" not in html and 'rel="stylesheet"' not in html
    assert [url for url in FETCHING.findall(html) if not url.startswith("data:")] == []
    assert "window.GGOffline" in html and "vis.Network" in html  # our scripts and vis-network


# ---- the file itself, from the API and the command line ------------------------------------


def test_api_export_html_is_the_offline_explorer(client):
    response = client.get("/api/scenarios/web-tiny/export?format=html&select=min&layout=force")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "filename=web-tiny.html" in response.headers["Content-Disposition"]
    html = response.get_data(as_text=True)
    assert_self_contained(html)
    data = embedded(html)
    graph = client.get("/api/scenarios/web-tiny/graph").get_json()
    assert data["graph"]["nodes"] == graph["nodes"] and data["graph"]["edges"] == graph["edges"]
    assert set(data["actors"]) == {n["id"] for n in graph["nodes"]}
    # It opens as the view it was exported from.
    assert data["state"] == {"select": "min", "layout": "force"}
    assert response.headers["X-Govgraph-As-Of"] == (graph["as_of"] or "all")


def test_api_export_html_holds_the_filtered_view_and_says_so(client):
    query = "as_of=all&confirmed_only=1&kinds=ministry,municipality"
    html = client.get(f"/api/scenarios/web-tiny/export?format=html&{query}").get_data(as_text=True)
    data = embedded(html)
    graph = client.get(f"/api/scenarios/web-tiny/graph?{query}").get_json()
    assert [n["id"] for n in data["graph"]["nodes"]] == [n["id"] for n in graph["nodes"]]
    assert data["fixed"] == {
        "as_of": "all",
        "confirmed_only": "1",
        "kinds": "ministry,municipality",
    }
    assert "all dates · confirmed facts only · filters: kinds ministry, municipality" in html


def test_cli_export_html_writes_the_offline_explorer(tmp_path):
    out = tmp_path / "new" / "nprz.html"
    moment = ["--scenario", "nprz", "--as-of", "2023-01-01", "--confirmed-only"]
    args = ["export", "--scenario", "nprz", "--format", "html", "-o", str(out)]
    result = CliRunner().invoke(cli, [*args, *moment[2:]])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert_self_contained(html)
    data = embedded(html)
    assert data["scenario_id"] == "nprz"
    assert data["fixed"] == {"as_of": "2023-01-01", "confirmed_only": "1"}
    analysis = json.loads(CliRunner().invoke(cli, ["analyze", *moment, "--json"]).stdout)
    assert {n["id"]: n["layer"] for n in data["graph"]["nodes"]} == analysis["layers"]
    assert "as of 2023-01-01 · confirmed facts only · no filters" in html


def test_a_page_referring_to_another_file_is_refused():
    with pytest.raises(LookupError):
        inline_assets('<script src="https://cdn.example.org/vis.js"></script>')


# ---- the file in Chromium, opened from disk with the network cut off -----------------------


@pytest.fixture(scope="module")
def bundled():
    """A test client of the app on the bundled scenarios."""
    from app import create_app

    return create_app({"TESTING": True}).test_client()


@pytest.fixture(scope="module")
def exported(bundled, tmp_path_factory):
    """Export a scenario (with extra query parameters) as an offline file; returns its path."""
    folder = tmp_path_factory.mktemp("offline")
    made: dict[str, Path] = {}

    def export(scenario: str, query: str = "", tag: str = "") -> Path:
        key = scenario + query + tag
        if key not in made:
            response = bundled.get(f"/api/scenarios/{scenario}/export?format=html{query}")
            assert response.status_code == 200, response.get_data(as_text=True)[:400]
            made[key] = folder / f"{scenario}-{len(made)}.html"
            made[key].write_bytes(response.get_data())
        return made[key]

    return export


@pytest.fixture(params=SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def page(browser, request):
    """A page that records canvas texts and every request; only file:// ones go through."""
    context = browser.new_context(viewport={"width": request.param[0], "height": request.param[1]})
    context.add_init_script(RECORD_TEXT)
    requested: list[str] = []

    def route(r):
        requested.append(r.request.url)
        r.continue_() if r.request.url.startswith("file:") else r.abort()

    context.route("**/*", route)
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    assert pg.errors == []
    assert requested and [url for url in requested if not url.startswith("file:")] == []
    context.close()


def open_file(page, path: Path) -> None:
    page.goto(path.as_uri())
    page.wait_for_selector('#network[data-ready="1"]', timeout=60000)


def api(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_json()


@pytest.mark.browser
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_offline_file_draws_the_labelled_map_with_bands_and_legend(page, exported, bundled,
                                                                    scenario):  # fmt: skip
    open_file(page, exported(scenario))
    graph = api(bundled, f"/api/scenarios/{scenario}/graph")
    report = check_labels(page)  # no two drawn texts overlap; each label beside its node
    assert report["labels"], "no label at fit zoom"
    assert report["order"][0] in {label["id"] for label in report["labels"]}
    sizes = graph["layers"]["sizes"]
    titles = [b["title"] for b in page.evaluate("window.govgraph.view.drawnBands")]
    assert titles[0] == f"Layer 0 — steered by no one in this model ({sizes['0']})"
    deepest = max(sizes, key=int)
    assert any(t.startswith(f"Layer {deepest} — ") for t in titles)
    assert f"Layer 0 ({sizes['0']})" in {t["text"] for t in drawn_texts(page)}
    # The legend is open and names every kind in view.
    assert page.is_visible("#legend")
    assert page.evaluate("document.getElementById('legend-box').open")
    legend = page.inner_text("#legend")
    assert all(kind.replace("_", " ") in legend for kind in graph["legend"]["kinds"])
    # Title, date and what needs the server: said, with no dead controls.
    assert page.inner_text("#scenario-title") == graph["scenario"]["title"]
    assert (graph["as_of"] or "all time") in page.inner_text("#offline-date")
    for server_only in SERVER_ONLY:
        assert not page.is_visible(server_only), server_only


@pytest.mark.browser
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_offline_search_as_you_type_opens_the_actor_with_its_layer(page, exported, bundled,
                                                                   scenario):  # fmt: skip
    open_file(page, exported(scenario))
    nodes = api(bundled, f"/api/scenarios/{scenario}/graph")["nodes"]
    names = [n["name"] for n in nodes]
    # The deepest actor with a name of its own.
    actor = max((n for n in nodes if not n["isolated"] and names.count(n["name"]) == 1),
                key=lambda n: (n["layer"], n["id"]))  # fmt: skip
    page.click("#search")
    page.keyboard.type(actor["name"][:-2])
    page.wait_for_selector(f'.suggest li[data-actor="{actor["id"]}"]')
    page.keyboard.type(actor["name"][-2:])
    page.wait_for_selector(f'.suggest li.active[data-actor="{actor["id"]}"]')
    page.keyboard.press("Enter")
    page.wait_for_selector(f'.panel-body[data-actor="{actor["id"]}"]')
    layer = api(bundled, f"/api/scenarios/{scenario}/actors/{actor['id']}")["actor"]["layer"]
    assert page.inner_text(".actor-name") == actor["name"]
    assert f"Layer {layer} — " in page.inner_text("#distance")
    assert page.evaluate("window.govgraph.state.select") == actor["id"]
    # The panel offers nothing that needs the server.
    actions = page.inner_text("#panel .actions")
    assert "Steering chain" in actions and "Path from here" not in actions


@pytest.mark.browser
def test_a_copy_too_large_for_every_actors_details_still_opens_them(page, exported, bundled,
                                                                     monkeypatch):  # fmt: skip
    import app.offline
    from app.store import EXTENSION

    monkeypatch.setattr(app.offline, "DETAILS_LIMIT", 5)
    bundled.application.extensions[EXTENSION].invalidate()  # the copy with all details is cached
    path = exported("nprz", tag="without details")
    assert embedded(path.read_text(encoding="utf-8"))["actors"] == {}
    open_file(page, path)
    assert "more than 5 actors" in page.text_content("#offline-no-details")  # in the sidebar
    actor = max(api(bundled, "/api/scenarios/nprz/graph")["nodes"], key=lambda n: n["layer"])
    page.evaluate("(id) => window.govgraph.setState({select: id}, true)", actor["id"])
    page.wait_for_selector(f'.panel-body[data-actor="{actor["id"]}"]')
    assert f"Layer {actor['layer']} — " in page.inner_text("#distance")
    relations = api(bundled, f"/api/scenarios/nprz/actors/{actor['id']}")
    assert page.locator("#panel ul.relations li").count() == len(relations["out"]) + len(
        relations["in"]
    )
    assert "Steering chain" not in page.inner_text("#panel .actions")
