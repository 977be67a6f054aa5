"""The govgraph web app: an application factory that reads like a checklist.

``create_app()`` takes the defaults of :mod:`app.settings`, then the ``GOVGRAPH_*`` (and
``NEO4J_*``) environment variables, then ``test_config``, which wins; then it attaches the
store, the blueprints, the error handlers and the security headers. Nothing connects at
import time. Besides the settings of :mod:`app.settings`, ``test_config`` may carry
``STORE`` (an open :class:`graph.storage.GraphStore` to serve) or ``DATA_SOURCE`` (an
:class:`app.datasource.DataSource`, as ``govgraph serve`` passes).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Flask is imported when an app is made: the command line starts without it
    from flask import Flask, Response

__all__ = ["create_app", "SECURITY_HEADERS"]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'"
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: configure, attach the store, register blueprints and error handlers.

    Raises
    ------
    graph.errors.StoreUnavailable
        When the configured store cannot be reached (a bad URL fails at boot).
    graph.errors.ValidationFailed
        When a configured data file is invalid.
    """
    from flask import Flask

    app = Flask(__name__)
    configure(app, test_config)
    register_store(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_security_headers(app)
    return app


def configure(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    """Defaults, then environment variables, then the test mapping."""
    from app import settings  # imported here: the command line imports this package too

    app.config.from_mapping(settings.defaults())
    app.config.from_mapping(settings.from_environ())
    if test_config:
        app.config.from_mapping(test_config)
    app.config["MAX_CONTENT_LENGTH"] = int(float(app.config["MAX_UPLOAD_MB"]) * 1024 * 1024)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]


def register_store(app: Flask) -> None:
    """Open the store, check it answers, and fill it (see :mod:`app.store`)."""
    from app import store

    store.init_app(app, app.config.get("STORE"))


def register_blueprints(app: Flask) -> None:
    """The JSON API, the OpenAPI document and, when present, the HTML pages."""
    from app import api, mapping_api, openapi

    app.register_blueprint(api.bp)
    app.register_blueprint(mapping_api.bp)
    app.register_blueprint(openapi.bp)
    import importlib.util

    if importlib.util.find_spec("app.pages") is not None:
        from app import pages

        app.register_blueprint(pages.bp)


def register_error_handlers(app: Flask) -> None:
    """Every error in the one JSON shape (or an HTML page for a browser)."""
    from app import errors

    errors.register_error_handlers(app)


def register_security_headers(app: Flask) -> None:
    """A strict Content-Security-Policy and friends on every response."""

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        # One pass over the response's headers instead of a lookup per header (setdefault):
        # this runs on every request and was a fifth of a cached JSON answer's time.
        present = {name.lower() for name in response.headers.keys()}
        missing = [(n, v) for n, v in SECURITY_HEADERS.items() if n.lower() not in present]
        response.headers.extend(missing)
        return response
