"""What the browser tests share: the app served on a free loopback port, pages that record
script errors (none may be left when a test ends), and the served API's JSON.

The Chromium itself is the ``browser`` fixture of ``conftest.py``.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from graph.model import Scenario

__all__ = [
    "govgraph_app",
    "served",
    "serving",
    "recording_page",
    "api",
    "screen_point",
    "click_node",
]


def govgraph_app(scenarios: Iterable[Scenario] | None = None, **config: Any) -> Any:
    """The app on the bundled scenarios (or ``config``'s data), or on an embedded store that
    holds ``scenarios``."""
    from app import create_app
    from graph.storage import open_store

    if scenarios is not None:
        store = open_store(None)
        store.load(list(scenarios))
        config["STORE"] = store
    return create_app(config)


@contextmanager
def served(app: Any) -> Iterator[str]:
    """Serve a WSGI app with waitress on a free loopback port, in a thread; yield its URL."""
    import waitress

    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    stopping = threading.Event()

    def run() -> None:
        try:
            server.run()
        except (OSError, ValueError):
            # Closing the socket under the loop's select() ends it with EBADF: that is the
            # stop asked for, not a failure (on a busy machine the race is often won).
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stopping.set()
        server.close()
        thread.join(timeout=5)


@contextmanager
def serving(scenarios: Iterable[Scenario] | None = None, **config: Any) -> Iterator[str]:
    """:func:`served` of :func:`govgraph_app`: the usual module-scoped server of a test. Its
    store is closed when the test is done with it."""
    from app.store import close_app

    app = govgraph_app(scenarios, **config)
    try:
        with served(app) as url:
            yield url
    finally:
        close_app(app)


@contextmanager
def recording_page(
    browser: Any, size: tuple[int, int] = (1440, 900), *, init_script: str | None = None
) -> Iterator[Any]:
    """A page in a fresh context of ``size`` that records script errors in ``page.errors``;
    it must end without any."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    try:
        yield page
        assert page.errors == []
    finally:
        context.close()


def api(server: str, path: str) -> Any:
    """The JSON the served app answers for ``path`` (with its query)."""
    with urllib.request.urlopen(server + path) as response:
        return json.load(response)


def screen_point(page: Any, node_id: str) -> tuple[float, float]:
    """Where vis-network drew a node, in page coordinates."""
    x, y = page.evaluate(
        """(id) => {
          const net = window.govgraph.network;
          const p = net.canvasToDOM(net.getPositions([id])[id]);
          const box = document.getElementById('network').getBoundingClientRect();
          return [box.left + p.x, box.top + p.y];
        }""",
        node_id,
    )
    return x, y


def click_node(page: Any, node_id: str) -> None:
    """Click the node where vis-network drew it."""
    page.mouse.click(*screen_point(page, node_id))
