"""CSRF in real Chromium: a page on another local origin posts a form that a 307 redirect
carries to govgraph's upload. Chromium then sends ``Origin: null`` with
``Sec-Fetch-Site: same-site``; the write must be refused and nothing changed.
"""

from __future__ import annotations

import html
import http.server
import json
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from browser_support import serving
from conftest import WEB_SCENARIO

pytestmark = pytest.mark.browser

#: A text/plain form posts ``name=value``; split so that the body is a valid scenario file
#: replacing ``web-tiny`` with an empty one titled HIJACKED.
FIELD_NAME = (
    "govgraph: 1\nactors: []\nrelations: []\n"
    "scenario: {id: web-tiny, title: HIJACKED, description: '"
)
FIELD_VALUE = "'}"


@contextmanager
def attacking(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve a plain handler (the other site) on a free loopback port, in a thread."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def govgraph() -> Iterator[str]:
    with serving(DATA=[WEB_SCENARIO]) as url:
        yield url


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


def scenario_title(govgraph: str) -> str:
    with urllib.request.urlopen(f"{govgraph}/api/scenarios/web-tiny", timeout=60) as response:
        return json.loads(response.read())["scenario"]["title"]


def test_a_form_redirected_307_from_another_port_cannot_replace_a_scenario(browser, govgraph):
    before = scenario_title(govgraph)
    with attacking(attacker_for(govgraph)) as attacker:
        page = browser.new_page()
        with page.expect_response(lambda r: "/api/scenarios" in r.url) as answer:
            page.goto(attacker)
        response = answer.value
        text = response.text()
        page.close()
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
