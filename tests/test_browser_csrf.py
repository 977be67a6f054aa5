"""CSRF in real Chromium: a page on another local origin posts a form that a 307 redirect
carries to govgraph's upload. Chromium then sends ``Origin: null`` with
``Sec-Fetch-Site: same-site``; the write must be refused and nothing changed.
"""

from __future__ import annotations

import html
import http.server
import json
import os
import threading
import urllib.request
from collections.abc import Iterator

import pytest
from conftest import WEB_SCENARIO, missing_part

from scripts.chromium import CHROMIUM, launch

pytestmark = pytest.mark.browser

#: A text/plain form posts ``name=value``; split so that the body is a valid scenario file
#: replacing ``web-tiny`` with an empty one titled HIJACKED.
FIELD_NAME = (
    "govgraph: 1\nactors: []\nrelations: []\n"
    "scenario: {id: web-tiny, title: HIJACKED, description: '"
)
FIELD_VALUE = "'}"


def serve(handler: type[http.server.BaseHTTPRequestHandler] | None, app=None) -> tuple[str, object]:
    """Serve a WSGI app (waitress) or a plain handler on a free loopback port in a thread."""
    if app is not None:
        import waitress

        server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
        port, run, stop = server.effective_port, server.run, server.close
    else:
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        port, run = httpd.server_address[1], httpd.serve_forever

        def stop() -> None:
            httpd.shutdown()
            httpd.server_close()

    threading.Thread(target=run, daemon=True).start()
    return f"http://127.0.0.1:{port}", stop


@pytest.fixture(scope="module")
def govgraph() -> Iterator[str]:
    from app import create_app

    url, stop = serve(None, create_app({"DATA": [WEB_SCENARIO]}))
    yield url
    stop()  # type: ignore[operator]


def attacker_for(target: str) -> type[http.server.BaseHTTPRequestHandler]:
    """A site on another port: its page posts a form to itself, answered with a 307 to
    govgraph's upload (which keeps the method and the body)."""
    form = html.escape(FIELD_NAME, quote=True).replace("\n", "&#10;")
    page = (
        "<!doctype html><form id=f method=post action=/submit enctype=text/plain>"
        f'<textarea name="{form}">{html.escape(FIELD_VALUE)}</textarea></form>'
        "<script>document.getElementById('f').submit()</script>"
    ).encode()

    class Attacker(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server interface
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page)

        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(307)
            self.send_header("Location", f"{target}/api/scenarios?filename=x.yaml&replace=1")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    return Attacker


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        missing_part(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        try:
            b = launch(p)
        except Exception as exc:  # noqa: BLE001 - any launch failure is reported the same way
            missing_part(f"Chromium did not start: {exc}")
        yield b
        b.close()


def scenario_title(govgraph: str) -> str:
    with urllib.request.urlopen(f"{govgraph}/api/scenarios/web-tiny", timeout=60) as response:
        return json.loads(response.read())["scenario"]["title"]


def test_a_form_redirected_307_from_another_port_cannot_replace_a_scenario(browser, govgraph):
    before = scenario_title(govgraph)
    attacker, stop = serve(attacker_for(govgraph))
    try:
        page = browser.new_page()
        with page.expect_response(lambda r: "/api/scenarios" in r.url) as answer:
            page.goto(attacker)
        response = answer.value
        text = response.text()
        page.close()
    finally:
        stop()  # type: ignore[operator]
    assert response.status == 403, text
    # The refused request is the attack's shape: the browser said it came from nowhere.
    assert "Origin: null" in json.loads(text)["error"]["message"]
    assert scenario_title(govgraph) == before != "HIJACKED"


def test_the_upload_page_itself_still_uploads(browser, govgraph, tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("govgraph: 1\nscenario: {id: mine, title: Mine}\nactors: []\n")
    page = browser.new_page()
    page.goto(f"{govgraph}/upload")
    page.set_input_files("#file", str(path))
    with page.expect_response(lambda r: "/api/scenarios" in r.url) as answer:
        page.click("#upload-form button[type=submit]")
    assert answer.value.status == 201
    page.close()
