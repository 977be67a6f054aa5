"""The JSON API (DESIGN section 7): scenarios, graph views, analyses, uploads and Cypher.

Every view is a thin shell over :mod:`app.graphview` (shared with the pages) or the store;
every failure is a ``graph.errors`` exception that :mod:`app.errors` turns into the one
error shape. Nothing on a GET changes data; writes go through :func:`require_write`.
"""

from __future__ import annotations

import hmac
import io
import ipaddress
import math
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

from flask import Blueprint, Response, current_app, jsonify, request, send_file
from werkzeug.datastructures import FileStorage

from app import graphview as views
from app.errors import BadRequest, Conflict, Forbidden, Unauthorized
from app.exports import EXPORT_FORMATS, EXPORT_TYPES, export_file
from app.store import StillComputing, get_store
from graph.errors import GraphError
from graph.formats import read_uploads
from graph.formats.foreign import mapping_notice
from graph.model import Scenario
from graph.storage.query_limits import check_param_values

__all__ = ["bp", "require_write", "require_token", "json_safe", "EXPORT_TYPES", "EXPORT_FORMATS"]

bp = Blueprint("api", __name__)

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


@bp.get("/healthz")
def health() -> Any:
    """Say whether the store answers and how many scenarios it holds; 503 when it is down."""
    store = get_store()
    store.ping()
    return {"ok": True, "store": store.kind, "scenarios": len(store.list_scenarios())}


def cached_json(key: tuple[Any, ...], compute: Callable[[], Any]) -> Response:
    """Answer with JSON encoded once and kept in the store's cache until the next write."""

    def encode() -> bytes:
        return (current_app.json.dumps(compute()) + "\n").encode()

    body = get_store().cached(("json", *key), encode)
    return current_app.response_class(body, mimetype="application/json")


@bp.get("/api/scenarios")
def list_scenarios() -> Any:
    """List every loaded scenario with its size and links."""
    return cached_json(("scenarios",), lambda: views.scenario_list_json(get_store()))


@bp.get("/api/scenarios/<scenario_id>")
def show_scenario(scenario_id: str) -> Any:
    """One scenario's header, sources, declared vocabulary and counts; 404 if not loaded."""
    return views.scenario_json(get_store(), scenario_id)


@bp.get("/api/scenarios/<scenario_id>/graph")
def show_graph(scenario_id: str) -> Any:
    """The scenario as nodes (with layer and position) and edges, after the view filters."""
    filters = views.Filters.from_args(request.args)
    aggregate = views.parse_flag(request.args, "aggregate")
    return cached_json(
        ("graph", scenario_id, filters, aggregate),
        lambda: views.graph_json(get_store(), scenario_id, filters, aggregate=aggregate),
    )


@bp.get("/api/scenarios/<scenario_id>/actors/<actor_id>")
def show_actor(scenario_id: str, actor_id: str) -> Any:
    """One actor with its relations, cited sources, layer, load, betweenness and chains."""
    filters = views.Filters.from_args(request.args)
    reference = request.args.get("reference", "").strip() or None
    return views.actor_json(get_store(), scenario_id, actor_id, filters, reference)


@bp.get("/api/scenarios/<scenario_id>/chain/<actor_id>")
def show_chain(scenario_id: str, actor_id: str) -> Any:
    """The longest control chains that end at one actor."""
    filters = views.Filters.from_args(request.args)
    return views.chain_json(get_store(), scenario_id, actor_id, filters)


@bp.get("/api/scenarios/<scenario_id>/voice-paths")
def show_voice_paths(scenario_id: str) -> Any:
    """Which deciders the actors of a kind reach through voice relations, with a path to each."""
    filters = views.Filters.from_args(request.args)
    kind = request.args.get("kind", "resident_group").strip() or "resident_group"
    formal_only = views.parse_flag(request.args, "formal_only")
    return views.voice_paths_json(get_store(), scenario_id, kind, formal_only, filters)


@bp.get("/api/scenarios/<scenario_id>/path")
def show_path(scenario_id: str) -> Any:
    """A shortest path between two actors (``directed=1`` follows relation direction,
    ``follow=control`` follows control the way it flows), naming the types and modes followed."""
    filters = views.Filters.from_args(request.args)
    ends = (_required("from"), _required("to"))
    directed = views.parse_flag(request.args, "directed")
    follow = request.args.get("follow", "any")
    if follow not in views.FOLLOW:
        raise BadRequest(
            f"parameter 'follow' must be one of {', '.join(views.FOLLOW)}, not {follow!r}",
            hint="Send follow=any (every relation) or follow=control (control as it flows).",
        )
    return views.path_json(get_store(), scenario_id, ends, directed, filters, follow)


@bp.get("/api/scenarios/<scenario_id>/metrics")
def show_metrics(scenario_id: str) -> Any:
    """Each actor's layer, accountability load, betweenness and voice reach (for sizing)."""
    filters = views.Filters.from_args(request.args).base()
    return views.metrics_json(get_store(), scenario_id, filters)


@bp.get("/api/scenarios/<scenario_id>/analysis")
def show_analysis(scenario_id: str) -> Any:
    """Every metric of DESIGN section 5 (the ``analyze --json`` object).

    An analysis not ready within ``PROGRESS_AFTER`` seconds goes on computing (once, however
    many ask) and the answer is ``202`` with the URL to ask again (``poll``, also in
    ``Location``) and the seconds it has taken so far.
    """
    filters = views.Filters.from_args(request.args).base()
    wait = float(current_app.config["PROGRESS_AFTER"])
    try:
        result = views.analysis_result(get_store(), scenario_id, filters, wait=wait)
    except StillComputing as busy:
        poll = request.full_path.rstrip("?")
        answer = {"status": "computing", "poll": poll, "elapsed_s": round(busy.elapsed, 1)}
        return answer, 202, {"Location": poll, "Retry-After": "1"}
    return current_app.response_class(result.json, mimetype="application/json")


@bp.get("/api/scenarios/<scenario_id>/timeline")
def show_timeline(scenario_id: str) -> Any:
    """The key measures at every day the scenario changes (or every month, quarter or year
    with ``step``), each equal to the analysis as of that day; without ``step`` each row also
    lists the actors and relations that enter and leave there."""
    step = request.args.get("step") or None
    confirmed_only = views.parse_flag(request.args, "confirmed_only")
    return cached_json(
        ("timeline", scenario_id, step, confirmed_only),
        lambda: views.timeline_json(get_store(), scenario_id, step, confirmed_only),
    )


@bp.get("/api/compare")
def compare() -> Any:
    """Two scenarios, or one scenario at two dates (``a=id@date``), compared (the ``compare
    --json`` object) plus shared positions."""
    filters = views.Filters.from_args(request.args)
    store = get_store()
    _required("a"), _required("b")
    a, b = views.compare_sides(request.args, filters)
    for scenario_id, _ in (a, b):
        store.scenario(scenario_id)  # 404 before any work
    return views.compare_json(store, a, b)


@bp.get("/api/scenarios/<scenario_id>/export")
def export(scenario_id: str) -> Any:
    """Download a scenario (cut to the view filters) in one of the interchange formats, or
    as the offline explorer; written in a child process once, then served from the cache."""
    fmt = request.args.get("format", "yaml")
    if fmt not in EXPORT_FORMATS:
        raise BadRequest(
            f"unknown export format '{fmt}'", hint=f"Use one of: {', '.join(EXPORT_FORMATS)}."
        )
    exported = export_file(get_store(), scenario_id, fmt, request.args)
    mimetype, suffix = EXPORT_TYPES[fmt]
    response = send_file(
        io.BytesIO(exported.data),
        mimetype=mimetype,
        as_attachment=True,
        download_name=f"{scenario_id}{suffix}",
    )
    response.headers.update(exported.headers)
    return response


@bp.post("/api/query")
def query() -> Any:
    """Run one read-only Cypher statement, time- and row-limited (the ``query --json`` shape)."""
    if console_asks_for_token():
        require_token("console queries")
    cypher, params = _query_request()
    store = get_store()
    config = current_app.config
    started = time.perf_counter()
    result = store.query(
        cypher,
        params,
        timeout=float(config["QUERY_TIMEOUT"]),
        row_limit=int(config["QUERY_ROW_LIMIT"]),
    )
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    rows = json_safe(result.rows)
    return {**result.to_dict(), "rows": rows, "elapsed_ms": elapsed_ms, "store": store.kind}


def _query_request() -> tuple[str, dict[str, Any]]:
    """Return the statement and parameters of a query request, or raise BadRequest."""
    body = _json_body()
    if not isinstance(body, dict) or not isinstance(body.get("cypher"), str):
        raise BadRequest(
            "send a JSON object with a 'cypher' string (and optional 'params')",
            hint='{"cypher": "MATCH (a:Actor) RETURN a.id LIMIT 5", "params": {}}',
        )
    params = {} if body.get("params") is None else body["params"]
    if not isinstance(params, dict):
        raise BadRequest(
            "'params' must be a JSON object of parameter values (or null)",
            hint='{"cypher": "MATCH (a:Actor {id: $id}) RETURN a", "params": {"id": "min-bzk"}}',
        )
    check_param_values(params)  # bounded before anything walks them recursively
    bad = next(_non_text_places({"cypher": body["cypher"], "params": params}), None)
    if bad is not None:
        raise BadRequest(
            f"{bad} holds a lone surrogate (\\ud800-\\udfff), not text",
            hint="Send text only: a \\ud800-\\udfff escape must be half of a surrogate pair.",
        )
    return body["cypher"], params


def _json_body() -> Any:
    """Return the request's JSON body (None when it is not JSON); raise BadRequest when it
    nests deeper than Python's parser can follow (which raises RecursionError, not a 400)."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        raise BadRequest(
            "the JSON body nests lists or objects too deep to be read",
            hint="Send flatter JSON: parameters may nest at most 32 levels.",
        ) from None


def json_safe(value: Any) -> Any:
    """Return ``value`` with non-finite floats as the strings Cypher prints ("NaN", ...).

    JSON has no NaN or Infinity, and a query such as ``RETURN 1e400`` returns one; written as
    is, the answer would not parse as JSON.

    Examples
    --------
    >>> json_safe([1.5, float("inf"), {"x": [float("nan")]}])
    [1.5, 'Infinity', {'x': ['NaN']}]
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else _NON_FINITE[str(value)]
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    return value


_NON_FINITE = {"inf": "Infinity", "-inf": "-Infinity", "nan": "NaN"}


@bp.post("/api/scenarios")
def upload() -> Any:
    """Validate an uploaded file fully, then load its scenarios; 409 for a loaded id unless
    ``replace=1``. Bad input loads nothing and lists every located problem."""
    require_write()
    scenarios = read_uploads(_uploaded_files())
    replace = views.parse_flag(request.values, "replace")
    store = get_store()
    with store.write_lock:
        _refuse_existing(store, scenarios, replace)
        _load_atomically(store, scenarios)
    ids = [s.id for s in scenarios]
    links = views.scenario_links(ids[0]) if ids else {}
    notices = {s.id: mapping_notice(s) for s in scenarios if mapping_notice(s)}
    if ids and ids[0] in notices:
        links["mapping"] = f"/scenarios/{ids[0]}/mapping"
    body = {"ok": True, "scenarios": ids, "links": links, "notices": notices,
            "notice": notices.get(ids[0]) if ids else None}  # fmt: skip
    response = jsonify(body)
    response.status_code = 201
    if ids:
        response.headers["Location"] = links["self"]
    return response


def _uploaded_files() -> list[tuple[bytes, str]]:
    """Return the uploaded files: every multipart field ``file`` (CSV files sent together are
    one scenario's node and edge tables), or a raw body."""
    if request.mimetype == "multipart/form-data":
        files: list[FileStorage] = [f for f in request.files.getlist("file") if f.filename]
        if not files:
            raise BadRequest("no file in the upload", hint="Send the file as form field 'file'.")
        return [(f.read(), Path(f.filename or "").name) for f in files]
    return [_uploaded()]


def _uploaded() -> tuple[bytes, str]:
    """Return a raw upload's bytes and file name (``?filename=`` names the format)."""
    filename = request.args.get("filename", "").strip()
    if not filename:
        raise BadRequest(
            "a raw upload needs ?filename= (its suffix names the format)",
            hint="For example POST /api/scenarios?filename=nplv.yaml",
        )
    return request.get_data(), Path(filename).name


def _non_text_places(value: Any, place: str = "") -> Iterator[str]:
    """Yield where in an interchange document a string cannot be encoded as UTF-8."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            yield place
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{place}.{key}" if place else str(key)
            yield from _non_text_places(key, inner)
            yield from _non_text_places(item, inner)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _non_text_places(item, f"{place}[{i}]")


def _refuse_existing(store: Any, scenarios: list[Scenario], replace: bool) -> None:
    existing = sorted(set(store.scenario_ids()) & {s.id for s in scenarios})
    if existing and not replace:
        raise Conflict(f"scenario already loaded: {', '.join(existing)}")


def _load_atomically(store: Any, scenarios: list[Scenario]) -> None:
    """Load all scenarios or none: on a failure, put back what was there before."""
    loaded = set(store.scenario_ids())
    before = [store.scenario(s.id) for s in scenarios if s.id in loaded]
    try:
        store.load(scenarios)
    except GraphError:
        _restore(store, scenarios, before)
        raise


def _restore(store: Any, scenarios: list[Scenario], before: list[Scenario]) -> None:
    try:
        for scenario in scenarios:
            if scenario.id in store.scenario_ids():
                store.delete(scenario.id)
        if before:
            store.load(before)
    except GraphError:
        current_app.logger.exception("could not restore scenarios after a failed upload")


@bp.delete("/api/scenarios/<scenario_id>")
def delete(scenario_id: str) -> Any:
    """Remove a loaded scenario; 404 if it is not loaded."""
    require_write()
    store = get_store()
    with store.write_lock:
        store.delete(scenario_id)
    return {"ok": True, "deleted": scenario_id}


# Who may write.


def require_write() -> None:
    """Allow a write from this request, or raise Unauthorized or Forbidden.

    A write from another site is refused outright (a page elsewhere could otherwise post a
    form to a loopback server). Writes are open on a loopback-bound server when the request
    comes from loopback by a loopback name (no DNS rebinding); otherwise the admin token must
    match, compared in constant time.
    """
    _refuse_cross_site()
    require_token("writes")


def require_token(what: str) -> None:
    """Allow the request from loopback on a loopback-bound server, else only with the token."""
    if _is_local_request():
        return
    token = current_app.config.get("ADMIN_TOKEN")
    if not token:
        raise Forbidden(
            f"{what} are disabled: this server is not bound to loopback and has no admin token",
            hint=f"Set GOVGRAPH_ADMIN_TOKEN to allow {what}.",
        )
    given = _given_token()
    if given is None or not hmac.compare_digest(given.encode(), str(token).encode()):
        raise Unauthorized(f"a valid admin token is required for {what}")


#: ``Sec-Fetch-Site`` values of a request made by this server's own pages, or typed by the user.
OWN_FETCH_SITES = frozenset({"same-origin", "none"})


def _refuse_cross_site() -> None:
    """Refuse a write that a browser made for another page than this server's own.

    A browser says where a request comes from: ``Sec-Fetch-Site`` (anything but
    ``same-origin`` or ``none`` is another page, including ``same-site``: another port of
    this host) and ``Origin`` (which must be this server's own). A form posted from
    elsewhere and redirected here with 307 arrives with ``Origin: null``: refused too.
    Command-line clients send neither header and are judged by the token rules alone.
    """
    origin = request.headers.get("Origin")
    site = request.headers.get("Sec-Fetch-Site")
    foreign_site = site is not None and site.strip().lower() not in OWN_FETCH_SITES
    if foreign_site or (origin is not None and not _is_own_origin(origin)):
        raise Forbidden(
            "writes from another site are refused"
            f" (Origin: {origin or '-'}, Sec-Fetch-Site: {site or '-'})",
            hint="Upload from this server's own pages or a command-line client.",
        )


def _is_own_origin(origin: str) -> bool:
    """Return True if ``origin`` names this server's own host and port.

    The scheme is not compared: behind a TLS proxy the page is https and the request http,
    and one port cannot serve both.
    """
    parts = _split(origin.strip())
    return parts.scheme in ("http", "https") and parts.netloc.lower() == request.host.lower()


def console_asks_for_token() -> bool:
    """Whether this request's console queries need the admin token (so the page asks for it)."""
    return bool(current_app.config.get("CONSOLE_NEEDS_TOKEN")) and not _is_local_request()


def _is_local_request() -> bool:
    if not current_app.config.get("LOOPBACK_ONLY"):
        return False
    host = _split(f"//{request.host}").hostname or ""
    return host in LOOPBACK_NAMES and _is_loopback_address(request.remote_addr)


def _split(url: str) -> SplitResult:
    """Split a URL from a request header; one that cannot be split (``http://[::1``) is empty,
    so it matches no host: a write with it is refused, never answered with a 500."""
    try:
        return urlsplit(url)
    except ValueError:
        return urlsplit("")


def _is_loopback_address(address: str | None) -> bool:
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False


def _given_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.form.get("token")


#: What to send instead of a missing required parameter.
REQUIRED_HINTS = {
    "a": "Send two scenario ids, e.g. /api/compare?a=nplv-2022&b=nprz; "
    "GET /api/scenarios lists them.",
    "from": "Send two actor ids, e.g. ?from=min-bzk&to=bewoners-arnhem-oost; "
    "the graph endpoint lists them.",
}
REQUIRED_HINTS["b"] = REQUIRED_HINTS["a"]
REQUIRED_HINTS["to"] = REQUIRED_HINTS["from"]


def _required(name: str) -> str:
    value = request.args.get(name, "")
    if not value:
        raise BadRequest(f"parameter '{name}' is required", hint=REQUIRED_HINTS[name])
    return value
