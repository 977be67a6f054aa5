"""The HTML pages, checked with CSS selectors: shells, JSON twins, vendor files, no inline code."""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest

from app.pages import VENDOR_FILES, vis_folder

APP_DIR = Path(__file__).resolve().parent.parent / "app"
PAGES = [
    "/",
    "/scenarios/web-tiny",
    "/scenarios/web-tiny/analysis",
    "/compare?a=web-tiny&b=web-tiny",
    "/console",
    "/upload",
    "/-/versions",
]
#: The only absolute URL our own static files may contain: the SVG namespace.
ALLOWED_URLS = {"http://www.w3.org/2000/svg"}
#: Ways to put text into a page as HTML; our scripts use text nodes only.
HTML_SINKS = re.compile(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write")


@pytest.fixture(scope="module")
def app():
    """One app for the module: these tests only read (the conftest ``app`` is per test)."""
    from app import create_app

    tiny = Path(__file__).parent / "data" / "web-tiny.yaml"
    return create_app({"TESTING": True, "DATA": [str(tiny)]})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def page(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "text/html"
    return lxml.html.fromstring(response.data)


def one(doc, selector: str):
    found = doc.cssselect(selector)
    assert len(found) == 1, f"{selector}: {len(found)} matches"
    return found[0]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_links_its_json_twin(client, url):
    doc = page(client, url)
    twin = one(doc, "a.json-twin")
    alternate = one(doc, 'link[rel="alternate"][type="application/json"]')
    assert twin.get("href") == alternate.get("href")
    answer = client.get(twin.get("href"))
    assert answer.status_code == 200
    assert answer.is_json


@pytest.mark.parametrize("url", PAGES)
def test_pages_have_no_inline_scripts_styles_or_external_assets(client, url):
    doc = page(client, url)
    scripts = doc.cssselect("script")
    assert scripts, "every page loads its script"
    for script in scripts:
        assert script.get("src", "").startswith("/"), "a script without a local src"
        assert not (script.text or "").strip()
    assert not doc.cssselect("[style]"), "style attributes are blocked by the CSP"
    assert not doc.cssselect("style")
    for node in doc.cssselect("link[href], img[src]"):
        target = node.get("href") or node.get("src")
        assert target.startswith("/") or target.startswith("data:"), target
    assert not [k for el in doc.iter() for k in el.attrib if k.startswith("on")]


def test_explorer_shell_names_its_data(client):
    doc = page(client, "/scenarios/web-tiny")
    net = one(doc, "#network")
    assert net.get("data-scenario") == "web-tiny"
    assert net.get("data-graph-url") == "/api/scenarios/web-tiny/graph"
    graph = client.get(net.get("data-graph-url")).get_json()
    assert int(net.get("data-actors")) == graph["total"]["nodes"]
    sources = [s.get("src") for s in doc.cssselect("script")]
    assert "/-/vendor/vis-network.min.js" in sources
    assert any(s.endswith("/explorer.js") for s in sources)
    assert one(doc, 'link[href="/-/vendor/vis-network.min.css"]') is not None
    for control in ("#filter-form", "#panel", "#legend", "#search", "#as-of", "#confirmed-only"):
        one(doc, control)


def test_explorer_title_is_escaped_text(client):
    doc = page(client, "/scenarios/web-tiny")
    title = one(doc, "#scenario-title")
    assert title.text_content() == 'Tiny <b>programme</b> & "friends"'
    assert not title.cssselect("b")


def test_explorer_json_twin_carries_view_filters_only(client):
    doc = page(
        client, "/scenarios/web-tiny?kinds=ministry&confirmed_only=1&select=min&layout=force"
    )
    query = parse_qs(urlsplit(one(doc, "a.json-twin").get("href")).query)
    assert query == {"kinds": ["ministry"], "confirmed_only": ["1"]}


@pytest.mark.parametrize(
    "url",
    [
        "/scenarios/nope",
        "/scenarios/nope/analysis",
        "/compare?a=web-tiny&b=nope",
        "/compare?a=nope&b=web-tiny",
        "/compare?a=nope",
    ],
)
def test_unknown_scenario_pages_are_the_same_404_page(client, url):
    response = client.get(url)
    assert response.status_code == 404 and response.mimetype == "text/html"
    reference = client.get("/scenarios/nope")
    doc, expected = lxml.html.fromstring(response.data), lxml.html.fromstring(reference.data)
    assert doc.findtext(".//title") == expected.findtext(".//title")
    assert "'nope'" in doc.text_content()


def test_dashboard_shell(client):
    doc = page(client, "/scenarios/web-tiny/analysis")
    dash = one(doc, "#dashboard")
    assert dash.get("data-analysis-url") == "/api/scenarios/web-tiny/analysis"
    assert one(doc, "#explorer-link").get("href") == "/scenarios/web-tiny"


def test_compare_twin_only_with_two_scenarios(client):
    assert not page(client, "/compare").cssselect("a.json-twin")
    doc = page(client, "/compare?a=web-tiny&b=web-tiny")
    assert one(doc, "#compare").get("data-a") == "web-tiny"
    assert len(doc.cssselect("#network-a, #network-b")) == 2


def test_console_and_upload_forms(client):
    doc = page(client, "/console")
    one(doc, "textarea#cypher")
    one(doc, "textarea#params")
    form = one(page(client, "/upload"), "form#upload-form")
    assert form.get("action") == "/api/scenarios"
    assert form.get("enctype") == "multipart/form-data"
    assert form.cssselect('input[type="file"][name="file"]')


def test_index_lists_from_the_api(client):
    doc = page(client, "/")
    assert one(doc, "#scenario-list").get("data-source") == "/api/scenarios"
    hrefs = {a.get("href") for a in doc.cssselect("a")}
    assert {"/upload", "/console", "/compare", "/-/versions"} <= hrefs


def test_versions_page_and_json_agree(client):
    data = client.get("/-/versions.json").get_json()
    assert data["vis-network"] == vis_folder().name.removeprefix("vis-")
    assert data["pyvis"] == importlib.metadata.version("pyvis")
    assert data["flask"] == importlib.metadata.version("flask")
    rows = page(client, "/-/versions").cssselect("tr[data-name]")
    shown = {r.get("data-name"): r.cssselect("td")[1].text_content() for r in rows}
    assert shown["ladybug"] == data["ladybug"]
    assert set(shown) == set(data)


@pytest.mark.parametrize("name", sorted(VENDOR_FILES))
def test_vendor_files_come_from_the_pyvis_package(client, name):
    response = client.get(f"/-/vendor/{name}")
    try:
        assert response.status_code == 200
        assert response.data == (vis_folder() / VENDOR_FILES[name]).read_bytes()
        assert response.mimetype in {"text/javascript", "application/javascript", "text/css"}
    finally:
        response.close()


@pytest.mark.parametrize("name", ["vis-network.js", "../pages.py", "%2e%2e/pages.py", "x.css"])
def test_vendor_route_serves_nothing_else(client, name):
    assert client.get(f"/-/vendor/{name}").status_code == 404


def test_vis_network_is_not_copied_into_the_repository():
    names = {p.name for p in APP_DIR.rglob("*")}
    assert "vis-network.min.js" not in names
    assert "vis-network.css" not in names


def test_own_static_files_have_no_external_urls_or_html_injection():
    files = sorted((APP_DIR / "static").glob("*.*"))
    files += sorted((APP_DIR / "templates").glob("*.html"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        urls = set(re.findall(r"https?://[^\s\"'<>)]+", text))
        assert urls <= ALLOWED_URLS, f"{path.name}: {urls - ALLOWED_URLS}"
        if path.suffix == ".js":
            assert not HTML_SINKS.search(text), path.name
            assert "eval(" not in text


def test_pages_send_the_content_security_policy(client):
    policy = client.get("/scenarios/web-tiny").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy


def test_serving_vis_network_leaves_the_recursion_limit_alone():
    """Locating vis-network in pyvis must not import pyvis, whose import raises the
    interpreter's recursion limit for the whole server."""
    import subprocess
    import sys

    code = (
        "import sys; from app.pages import vis_folder; before = sys.getrecursionlimit(); "
        "folder = vis_folder(); "
        "print((folder / 'vis-network.min.js').is_file(), before == sys.getrecursionlimit(), "
        "'pyvis' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "True", "False"]
