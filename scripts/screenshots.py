"""Screenshots of the main pages on the bundled scenarios, for the docs.

Serves the app (bundled scenarios, embedded store) on a free port and saves the explorer,
the dashboard, the compare page and the Cypher console into ``docs/screenshots/``::

    PYTHONPATH=. python scripts/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import socket
import threading
from pathlib import Path

from scripts.chromium import launch

#: The two window sizes every page must work at.
LARGE, SMALL = (1440, 900), (1024, 768)
#: An actor's distance below the top, measured also from the ministry, as of the launch.
DISTANCE = (
    "/scenarios/nplv-2022?aggregate=0&as_of=2022-07-04&select=bewoners-arnhem-oost&ref=min-bzk"
)
#: The path finder following control from the ministry down to residents.
PATH = "/scenarios/nplv-2022?aggregate=0&as_of=2022-07-04&hl=path:min-bzk,bewoners-arnhem-oost,c"
#: A path that names an offline file to export (scenario?view) instead of a page.
OFFLINE = "offline:"
#: (file name, path, selector that says the page is drawn, optional action[, window size])
SHOTS = [
    *[
        (f"index{suffix}.png", "/", '#scenario-list[data-ready="1"]', None, size)
        for suffix, size in (("", LARGE), ("-1024", SMALL))
    ],
    # The explorer's map: the overview nplv-2022 opens as, every actor in its layer, and the
    # neighbourhood of the ministry, at both window sizes.
    *[
        (f"explorer{what}{suffix}.png", path, '#network[data-ready="1"]', None, size)
        for what, path in [
            ("", "/scenarios/nplv-2022"),
            ("-layers", "/scenarios/nplv-2022?aggregate=0"),
            ("-focus", "/scenarios/nplv-2022?aggregate=0&focus=min-bzk&depth=1&select=min-bzk"),
            ("-nprz", "/scenarios/nprz"),
            ("-wijkaanpak", "/scenarios/wijkaanpak-manifest"),
            ("-wijkaanpak-layers", "/scenarios/wijkaanpak-manifest?aggregate=0"),
        ]
        for suffix, size in (("", LARGE), ("-1024", SMALL))
    ],
    # Export → Offline HTML while the server writes it: the bar says what and how long.
    *[
        (
            f"explorer-export{suffix}.png",
            "/scenarios/nplv-2022",
            '#network[data-ready="1"]',
            "export",
            size,
        )
        for suffix, size in (("", LARGE), ("-1024", SMALL))
    ],
    (
        "explorer-selected.png",
        "/scenarios/nplv-2022?hl=voice",
        '#network[data-ready="1"]',
        "select",
    ),
    ("dashboard.png", "/scenarios/nplv-2022/analysis", '#dashboard[data-ready="1"]', None),
    (
        "dashboard-1024.png",
        "/scenarios/nplv-2022/analysis",
        '#dashboard[data-ready="1"]',
        None,
        SMALL,
    ),
    (
        "dashboard-charts.png",
        "/scenarios/nplv-2022/analysis",
        '#dashboard[data-ready="1"]',
        "charts",
    ),
    (
        "explorer-timeline.png",
        "/scenarios/nplv-2022?aggregate=0",
        '#network[data-ready="1"]',
        "timeline",
    ),
    (
        "explorer-timeline-1024.png",
        "/scenarios/nplv-2022?aggregate=0",
        '#network[data-ready="1"]',
        "timeline",
        SMALL,
    ),
    (
        "dashboard-over-time.png",
        "/scenarios/nplv-2022/analysis",
        '#over-time[data-ready="1"]',
        "over-time",
    ),
    (
        "dashboard-over-time-1024.png",
        "/scenarios/nplv-2022/analysis",
        '#over-time[data-ready="1"]',
        "over-time",
        SMALL,
    ),
    (
        "compare-dates.png",
        "/compare?a=nplv-2022@2022-07-04&b=nplv-2022@2025-01-01",
        '#compare[data-ready="1"]',
        None,
    ),
    (
        "compare-dates-1024.png",
        "/compare?a=nplv-2022@2022-07-04&b=nplv-2022@2025-01-01",
        '#compare[data-ready="1"]',
        None,
        SMALL,
    ),
    ("compare.png", "/compare?a=nplv-2022&b=wijkaanpak-manifest", '#compare[data-ready="1"]', None),
    (
        "compare-1024.png",
        "/compare?a=nplv-2022&b=wijkaanpak-manifest",
        '#compare[data-ready="1"]',
        None,
        SMALL,
    ),
    (
        "compare-views.png",
        "/compare?a=nplv-2022&b=wijkaanpak-manifest",
        '#compare[data-ready="1"]',
        "views",
    ),
    *[
        (f"explorer-{what}{suffix}.png", path, ready, action, size)
        for what, path, ready, action in [
            ("distance", DISTANCE, "#distance", None),
            ("path", PATH, '[data-chain="path"]', None),
            ("search", "/scenarios/nplv-2022?aggregate=0", '#network[data-ready="1"]', "search"),
            ("dark", DISTANCE, "#distance", "dark"),
        ]
        for suffix, size in (("", LARGE), ("-1024", SMALL))
    ],
    # The offline explorer (export --format html) opened from disk, the network cut off.
    *[
        (f"offline{what}{suffix}.png", OFFLINE + path, ready, None, size)
        for what, path, ready in [
            ("", "nplv-2022", '#network[data-ready="1"]'),
            ("-layers", "nplv-2022?aggregate=0&select=bewoners-arnhem-oost", "#distance"),
        ]
        for suffix, size in (("", LARGE), ("-1024", SMALL))
    ],
    ("console.png", "/console", "#cypher", "query"),
    ("console-table.png", "/console", "#cypher", "table"),
    ("console-table-1024.png", "/console", "#cypher", "table", SMALL),
    ("console-graph-1024.png", "/console", "#cypher", "query", SMALL),
    ("console-error.png", "/console", "#cypher", "error"),
    ("console-error-1024.png", "/console", "#cypher", "error", SMALL),
    ("upload.png", "/upload", "#upload-form", None),
    ("mapping.png", "/upload", "#upload-form", "kumu"),
    ("mapping-1024.png", "/upload", "#upload-form", "kumu", SMALL),
    ("mapping-explorer.png", "/upload", "#upload-form", "kumu-explorer"),
]

#: A path query (table shows directions) and a query with a syntax error (line 3).
PATHS = (
    "MATCH (a:Actor {scenario: $scenario, id: 'min-bzk'}), (b:Actor {scenario: $scenario})\n"
    "WHERE b.kind = 'resident_group'\nMATCH p = shortestPath((a)-[*..4]-(b))\n"
    "RETURN b.name AS residents, length(p) AS steps, p ORDER BY steps, residents LIMIT 20"
)
BROKEN = "MATCH (a:Actor {scenario: $scenario})\nWHERE a.kind = 'ministry'\nRETRUN a.name"


def serve() -> tuple[str, object]:
    import waitress

    from app import create_app

    app = create_app()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = waitress.create_server(app, host="127.0.0.1", port=port, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    return f"http://127.0.0.1:{port}", server


def kumu_workbook(folder: Path) -> Path:
    """A small Kumu workbook (Elements, Connections) as an analyst would bring it."""
    from openpyxl import Workbook

    book = Workbook()
    elements = book.active
    elements.title = "Elements"
    elements.append(["Label", "Type", "Description", "Tags"])
    for row in (
        ("Ministerie van BZK", "Ministry", "Coordinating ministry", "national"),
        ("Programmabureau NPLV", "Programme Office", None, "national"),
        ("SPUK Kansrijke Wijk", "Fund", "Specific grant to municipalities", None),
        ("Gemeente Rotterdam", "Municipality", None, "local"),
        ("Wijkteam Feijenoord", "Professionals", None, "local"),
        ("Bewonersraad Feijenoord", "Citizens", None, "local"),
        ("Focusgebied Rotterdam-Zuid", "Area", None, "local"),
    ):
        elements.append(list(row))
    connections = book.create_sheet("Connections")
    connections.append(["From", "To", "Type"])
    for row in (
        ("Ministerie van BZK", "Programmabureau NPLV", "steers"),
        ("Ministerie van BZK", "SPUK Kansrijke Wijk", "finances"),
        ("SPUK Kansrijke Wijk", "Gemeente Rotterdam", "pays"),
        ("Gemeente Rotterdam", "Ministerie van BZK", "accounts to"),
        ("Gemeente Rotterdam", "Wijkteam Feijenoord", "manages"),
        ("Wijkteam Feijenoord", "Focusgebied Rotterdam-Zuid", "works in"),
        ("Bewonersraad Feijenoord", "Gemeente Rotterdam", "gives advice"),
        ("Programmabureau NPLV", "Focusgebied Rotterdam-Zuid", "supports"),
    ):
        connections.append(list(row))
    path = folder / "wijkaanpak-kumu.xlsx"
    book.save(path)
    return path


def act(page, action: str | None) -> None:
    """Bring the page into the state worth showing."""
    if action in ("kumu", "kumu-explorer"):
        import tempfile

        page.set_input_files("#file", str(kumu_workbook(Path(tempfile.mkdtemp()))))
        page.check("#replace")
        page.click("#upload-button")
        page.wait_for_selector("#preview-summary", timeout=60_000)
        if action == "kumu-explorer":
            page.goto(page.url.rsplit("/", 1)[0])
            page.wait_for_selector('#network[data-ready="1"]', timeout=60_000)
    if action == "select":
        actor = page.evaluate("window.govgraph.view.nodes.getIds().find(id => id.includes('bzk'))")
        actor = actor or page.evaluate("window.govgraph.view.nodes.getIds()[0]")
        page.evaluate("(id) => window.govgraph.view.callbacks.onSelect('node', id)", actor)
        page.wait_for_selector("#panel .panel-body h2")
    elif action == "export":  # the answer is held back, so the bar stays for the shot
        page.route("**/export?*", lambda route: None)
        page.click("#export-menu summary")
        page.click('[data-export-format="html"]')
        page.wait_for_selector("#downloads .job-progress")
        page.wait_for_timeout(1500)
    elif action == "search":
        page.click("#search")
        page.keyboard.type("arnh")
        page.wait_for_selector("ul.suggest li")
    elif action == "dark":
        page.emulate_media(color_scheme="dark")
    elif action == "charts":
        page.evaluate("document.getElementById('layer-sizes').scrollIntoView()")
    elif action == "timeline":  # the timeline stepped to 2025: the separate VRO ministry is in
        page.click("#timeline-toggle")
        page.wait_for_function("() => document.getElementById('timeline').dataset.date")
        index = page.evaluate("window.govgraphTimeline.rows.findIndex(r => r.date >= '2025-01-01')")
        page.evaluate("(i) => window.govgraphTimeline.goTo(i)", index)
        page.wait_for_function("() => document.getElementById('timeline').dataset.date >= '2025'")
        page.wait_for_selector('#network[data-ready="1"]')
    elif action == "over-time":
        page.wait_for_selector('#dashboard[data-ready="1"]')
        page.evaluate("document.getElementById('over-time').scrollIntoView()")
    elif action == "views":
        page.evaluate("document.getElementById('views').scrollIntoView()")
    elif action == "query":
        page.select_option("#examples", label="Who steers residents")
        page.click("#run")
        page.wait_for_selector("#results, #no-rows, #query-error .error-box")
        page.click("#tab-graph")
        page.wait_for_function("() => window.govgraph.network")
        key = page.evaluate("window.govgraph.network.body.data.nodes.getIds()[0]")
        page.evaluate("(k) => window.govgraph.network.emit('click', {nodes: [k], edges: []})", key)
        page.wait_for_selector("#result-panel .panel-body h2")
    elif action in ("table", "error"):
        page.evaluate("(q) => { window.govgraph.editor.value = q; }", PATHS)
        page.click("#run")
        page.wait_for_selector("#results")
        if action == "error":
            page.evaluate("(q) => { window.govgraph.editor.value = q; }", BROKEN)
            page.click("#run")
            page.wait_for_selector("#query-error .error-caret")
    page.wait_for_timeout(1500)


def offline_file(base: str, view: str) -> str:
    """Export ``scenario?view keys`` as the offline explorer; return its file:// address."""
    import tempfile
    import urllib.request

    scenario, _, query = view.partition("?")
    url = f"{base}/api/scenarios/{scenario}/export?format=html" + (f"&{query}" if query else "")
    path = Path(tempfile.mkdtemp()) / f"{scenario}.html"
    with urllib.request.urlopen(url) as response:
        path.write_bytes(response.read())
    return path.as_uri()


def cut_off(page) -> None:
    """Abort every request but those for files: the page must work with no network."""
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--only", help="take only the shots whose file name contains this")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    base, server = serve()
    try:
        with sync_playwright() as p:
            browser = launch(p)
            for name, path, ready, action, *size in SHOTS:
                if args.only and args.only not in name:
                    continue
                width, height = size[0] if size else LARGE
                page = browser.new_page(viewport={"width": width, "height": height})
                if path.startswith(OFFLINE):
                    cut_off(page)
                    page.goto(offline_file(base, path.removeprefix(OFFLINE)))
                else:
                    page.goto(base + path)
                page.wait_for_selector(ready, timeout=60_000)
                act(page, action)
                page.screenshot(path=str(out / name))
                print(out / name)
                page.close()
            browser.close()
    finally:
        server.close()


if __name__ == "__main__":
    main()
