"""Every error in one shape (DESIGN section 7): JSON for the API, a short HTML page otherwise.

``graph.errors`` are translated here and nowhere else. JSON is chosen for ``/api/`` paths,
``.json`` paths, ``/openapi.json``, ``/healthz`` and requests that prefer JSON; a browser gets
an HTML page with the same message. Nothing ever shows a traceback.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify, render_template, request
from jinja2 import TemplateNotFound
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from app.chromium import PrintUnavailable
from graph.errors import (
    GraphError,
    NotFound,
    QueryBusy,
    QueryRejected,
    QueryTimeout,
    StoreUnavailable,
    ValidationFailed,
)

__all__ = [
    "register_error_handlers",
    "error_response",
    "BadRequest",
    "Conflict",
    "Unauthorized",
    "Forbidden",
    "wants_json",
    "printable",
]


class BadRequest(GraphError):
    """A request parameter is missing or malformed; raise it with a hint saying what to send."""

    code = "bad-request"
    #: Only a fallback: every raise names what to send instead.
    hint = "GET /openapi.json lists each endpoint's parameters and the values they take."


class Conflict(GraphError):
    """The request would overwrite something without saying so (``replace=1``)."""

    code = "scenario-exists"
    hint = "Send replace=1 to replace the loaded scenario."


class Unauthorized(GraphError):
    """A write came without the admin token, or with a wrong one."""

    code = "unauthorized"
    hint = "Send the admin token as 'Authorization: Bearer <token>' or as form field 'token'."


class Forbidden(GraphError):
    """A write that no token can allow (from another site, or with no token configured)."""

    code = "forbidden"


#: Most specific first: UnsupportedQuery is a QueryRejected and shares its status.
STATUS: tuple[tuple[type[GraphError], int], ...] = (
    (NotFound, 404),
    (ValidationFailed, 400),
    (QueryRejected, 400),
    (BadRequest, 400),
    (Unauthorized, 401),
    (Forbidden, 403),
    (Conflict, 409),
    (QueryTimeout, 504),
    (QueryBusy, 429),
    (StoreUnavailable, 503),
    (PrintUnavailable, 503),
)

#: Stable codes and hints for HTTP errors raised by Flask itself.
HTTP_CODES: dict[int, tuple[str, str]] = {
    400: ("bad-request", "Check the request's parameters and body."),
    404: ("not-found", "GET /openapi.json lists every endpoint."),
    405: ("method-not-allowed", "GET /openapi.json lists the methods each endpoint takes."),
    413: ("too-large", "Upload a smaller file or raise GOVGRAPH_MAX_UPLOAD_MB."),
    500: ("internal-error", "This is a bug; the server log has the details."),
}


def status_of(error: GraphError) -> int:
    """Return the HTTP status for one of our errors (500 for an unexpected kind)."""
    for cls, status in STATUS:
        if isinstance(error, cls):
            return status
    return 500


def wants_json() -> bool:
    """Return True if the current request should get JSON rather than HTML."""
    path = request.path
    if path.startswith("/api/") or path.endswith(".json") or path == "/healthz":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > 0


def error_body(
    status: int,
    code: str,
    message: str,
    hint: str = "",
    errors: list[dict[str, Any]] | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the one error shape: ``{"ok": false, "status", "error": {...}, "errors": [...]}``.

    Messages and located problems may quote the input; text that cannot be encoded (a lone
    surrogate from a JSON ``\\ud800`` escape) is replaced, so the error itself can be sent.
    """
    return printable(
        {
            "ok": False,
            "status": status,
            "error": {"code": code, "message": message, "hint": hint, **(details or {})},
            "errors": errors or [],
        }
    )


def printable(value: Any) -> Any:
    """Return ``value`` with every string made encodable as UTF-8 (lone surrogates become U+FFFD).

    Examples
    --------
    >>> printable({"message": "bad \\ud800", "value": ["\\ud83d\\ude00"]})
    {'message': 'bad \ufffd', 'value': ['😀']}
    """
    if isinstance(value, str):
        # Through UTF-16 so a surrogate pair written as two escapes stays one character.
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, dict):
        return {printable(k): printable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [printable(v) for v in value]
    return value


def error_response(
    status: int,
    code: str,
    message: str,
    hint: str = "",
    errors: list[dict[str, Any]] | None = None,
    details: dict[str, Any] | None = None,
) -> Response:
    """Return the error as JSON or as an HTML page, whichever the request wants."""
    body = error_body(status, code, message, hint, errors, details)
    if wants_json():
        response = jsonify(body)
    else:
        response = Response(_html(body), mimetype="text/html")
    response.status_code = status
    return response


def _html(body: dict[str, Any]) -> str:
    """Render the pages' error template when it exists, else a minimal escaped page."""
    try:
        return render_template("error.html", **body)
    except TemplateNotFound:
        error = body["error"]
        return (
            f"<!doctype html><html lang=en><meta charset=utf-8>"
            f"<title>{body['status']} {escape(error['code'])}</title>"
            f"<h1>{body['status']}: {escape(error['message'])}</h1>"
            f'<p>{escape(error["hint"])}</p><p><a href="/">govgraph home</a></p></html>'
        )


def handle_graph_error(error: GraphError) -> Response:
    """Translate one of our errors; a bad upload lists its located problems in ``errors``."""
    problems = [p.to_dict() for p in getattr(error, "problems", [])]
    # A syntax error says where: {"line", "column", "offset"} in the query as sent.
    position = getattr(error, "position", None)
    details = {"position": position} if position else None
    response = error_response(
        status_of(error), error.code, error.message, error.hint, problems, details
    )
    if isinstance(error, QueryBusy):
        response.headers["Retry-After"] = "1"
    return response


def handle_http_error(error: HTTPException) -> Response:
    """Give Flask's own errors (404, 405, 413, ...) the one shape, keeping their headers."""
    status = error.code or 500
    code, hint = HTTP_CODES.get(status, (_slug(error.name), HTTP_CODES[404][1]))
    response = error_response(status, code, error.description or error.name, hint)
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_unexpected(error: Exception) -> Response:
    """Log an unexpected failure and answer 500 without a traceback."""
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    code, hint = HTTP_CODES[500]
    return error_response(500, code, "The server failed to answer this request.", hint)


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-").replace("'", "")


def register_error_handlers(app: Flask) -> None:
    """Install the handlers: ours, Flask's HTTP errors, then anything else."""
    app.register_error_handler(GraphError, handle_graph_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
