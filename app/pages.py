"""The HTML pages: scenario list, explorer, dashboard, compare, console, upload, versions.

Every page is a shell that its script fills from the JSON API (the same ``graph`` functions
answer both), and every page links its JSON twin. Scripts and styles come from this app only:
our own files under ``static/`` and vis-network from the installed pyvis package.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import platform
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, jsonify, render_template, request, send_from_directory, url_for

bp = Blueprint("pages", __name__)

#: Vendor files we serve, mapped to their file name inside pyvis's vis-network folder.
VENDOR_FILES = {
    "vis-network.min.js": "vis-network.min.js",
    "vis-network.min.css": "vis-network.css",
}
VIS_VERSION = "9.1.2"
#: Above this many actors the explorer opens the aggregated view (by layer and kind) first.
AGGREGATE_ABOVE = 5000
#: Distributions whose versions /-/versions reports.
DISTRIBUTIONS = ("govgraph", "flask", "werkzeug", "jinja2", "ladybug", "neo4j", "networkx", "pyvis")


def vis_folder() -> Path:
    """Return the folder of the installed pyvis package that holds vis-network.

    The package is located, not imported: importing pyvis raises the interpreter's recursion
    limit for the whole server (pyvis.network calls ``sys.setrecursionlimit(3000)``).
    """
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the pyvis package is not installed; pip install pyvis")
    base = Path(next(iter(spec.submodule_search_locations))).resolve()
    for candidate in (
        base / "lib" / f"vis-{VIS_VERSION}",
        base / "templates" / "lib" / f"vis-{VIS_VERSION}",
    ):
        if (candidate / "vis-network.min.js").is_file():
            return candidate
    raise FileNotFoundError(f"vis-network {VIS_VERSION} not found in the pyvis package at {base}")


@bp.get("/-/vendor/<path:name>")
def vendor(name: str) -> Any:
    """Serve vis-network's script or style from the installed pyvis package; 404 otherwise."""
    if name not in VENDOR_FILES:
        abort(404)
    response = send_from_directory(vis_folder(), VENDOR_FILES[name], max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/")
def list_scenarios() -> str:
    """The scenario list with links to each explorer, dashboard and the upload page."""
    return render_template("index.html", json_url=url_for_api("/api/scenarios"))


def find_summary(scenario_id: str) -> Any:
    """Return the loaded scenario's summary; 404 when no scenario has this id."""
    from app.store import get_store

    for summary in get_store().list_scenarios():
        if summary.id == scenario_id:
            return summary
    abort(404, description=f"no scenario '{scenario_id}' is loaded")


def _notice(scenario_id: str) -> str | None:
    """The scenario's mapping notice, or None (also for an unknown id: the page 404s)."""
    from app.mapping_api import notice_of
    from graph.errors import NotFound

    try:
        return notice_of(scenario_id)
    except NotFound:
        return None


@bp.get("/scenarios/<scenario_id>")
def explore(scenario_id: str) -> str:
    """The explorer of one scenario; its script fetches the graph JSON and draws it.

    Unknown scenario ids get 404.
    """
    return render_template(
        "explorer.html",
        notice=_notice(scenario_id),
        scenario=find_summary(scenario_id),
        scenario_id=scenario_id,
        json_url=url_for_api(f"/api/scenarios/{scenario_id}/graph", request.args),
        aggregate_above=AGGREGATE_ABOVE,
    )


@bp.get("/scenarios/<scenario_id>/analysis")
def analyse(scenario_id: str) -> str:
    """The analysis dashboard of one scenario: every metric as tables and small charts.

    Unknown scenario ids get 404.
    """
    return render_template(
        "analysis.html",
        notice=_notice(scenario_id),
        scenario=find_summary(scenario_id),
        scenario_id=scenario_id,
        report_url=report_url(scenario_id, request.args),
        json_url=url_for_api(f"/api/scenarios/{scenario_id}/analysis", request.args),
    )


@bp.get("/scenarios/<scenario_id>/mapping")
def map_types(scenario_id: str) -> str:
    """The mapping step: the scenario's own node and relation types, each with a chosen
    govgraph kind or relation type, a preview with its validation, and saving the result.

    Unknown scenario ids get 404.
    """
    from graph.vocabulary import CORE_KINDS, CORE_RELATION_TYPES

    return render_template(
        "mapping.html",
        scenario=find_summary(scenario_id),
        scenario_id=scenario_id,
        json_url=url_for_api(f"/api/scenarios/{scenario_id}/mapping"),
        kinds=CORE_KINDS,
        types=CORE_RELATION_TYPES,
    )


@bp.get("/compare")
def compare() -> str:
    """Two scenarios side by side with their differences and metric deltas.

    An unknown scenario id in ``a`` or ``b`` gets 404, as on the other scenario pages.
    """
    from app.graphview import split_moment

    # a side is an id or id@date (one scenario at two dates); its own date beats as_of_a/_b
    (a, moment_a), (b, moment_b) = (split_moment(request.args.get(k, "")) for k in ("a", "b"))
    for scenario_id in (a, b):
        if scenario_id:
            find_summary(scenario_id)
    json_url = url_for_api("/api/compare", request.args) if a and b else None
    return render_template(
        "compare.html",
        a=a,
        b=b,
        as_of=request.args.get("as_of"),
        as_of_a=moment_a or request.args.get("as_of_a") or "",
        as_of_b=moment_b or request.args.get("as_of_b") or "",
        json_url=json_url,
        report_url=report_url(a, _side_dates(request.args, moment_a, moment_b), compare=b)
        if a and b
        else None,
    )


def _side_dates(args: Any, moment_a: str | None, moment_b: str | None) -> dict[str, str]:
    """The page's parameters with each side's own ``@date`` as ``as_of_a``/``as_of_b``."""
    dated = dict(args.items())
    for name, moment in (("as_of_a", moment_a), ("as_of_b", moment_b)):
        if moment:
            dated[name] = moment
    return dated


@bp.get("/scenarios/<scenario_id>/report")
def scenario_report(scenario_id: str) -> Any:
    """The report on one scenario as a file: ``format=html`` (self-contained) or ``pdf``.

    Takes ``as_of``, ``confirmed_only`` and ``compare`` (a second scenario id). Unknown ids
    get 404, a bad format or date 400; a PDF needs Chromium on the server (503 without).
    """
    find_summary(scenario_id)
    other = request.args.get("compare") or None
    if other:
        find_summary(other)
    return _report_file(scenario_id, other)


@bp.get("/compare/report")
def compare_report() -> Any:
    """The report on the comparison of ``a`` with ``b`` as a file (html or pdf)."""
    a, b = request.args.get("a", ""), request.args.get("b", "")
    for scenario_id in (a, b):
        find_summary(scenario_id)
    return _report_file(a, b)


def _report_file(scenario_id: str, other: str | None) -> Any:
    import tempfile

    from flask import Response

    from app.chromium import print_pdf
    from app.errors import BadRequest
    from app.graphview import Filters, parse_flag
    from app.report import FORMATS, report_html, report_name
    from app.store import get_store

    fmt = request.args.get("format", "html")
    if fmt not in FORMATS:
        raise BadRequest(
            f"parameter 'format' must be html or pdf, not {fmt!r}",
            hint="Send format=html (opens offline) or format=pdf.",
        )

    def date(*names: str) -> str | None:  # the first given of these parameters, checked
        for name in names:
            if request.args.get(name):
                return Filters.from_args({"as_of": request.args[name]}).as_of
        return None

    html = report_html(
        get_store(),
        scenario_id,
        compare_id=other,
        as_of=date("as_of_a", "as_of"),
        compare_as_of=date("as_of_b", "as_of"),
        confirmed_only=parse_flag(request.args, "confirmed_only"),
    )
    name = report_name(scenario_id, other, fmt)
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "html":
        return Response(html, mimetype="text/html", headers=headers)
    with tempfile.TemporaryDirectory(prefix="govgraph-report-") as folder:
        pdf = Path(folder) / name
        print_pdf(html, pdf)
        return Response(pdf.read_bytes(), mimetype="application/pdf", headers=headers)


def report_url(scenario_id: str, args: Any = None, **extra: str) -> str:
    """Return the address of a scenario's report carrying the page's as-of and confirmed filters."""
    names = ("as_of", "as_of_a", "as_of_b", "confirmed_only")
    kept = {k: v for k, v in (args or {}).items() if k in names and v}
    return url_for("pages.scenario_report", scenario_id=scenario_id, **kept, **extra)


@bp.get("/console")
def console() -> str:
    """The read-only Cypher console."""
    from app.api import console_asks_for_token

    return render_template(
        "console.html", json_url=url_for_api("/openapi.json"), needs_token=console_asks_for_token()
    )


@bp.get("/upload")
def upload() -> str:
    """The upload form; its script posts the file to the API and shows located errors."""
    return render_template("upload.html", json_url=url_for_api("/api/scenarios"))


@bp.get("/-/versions")
def versions() -> str:
    """Versions of govgraph, its stores' libraries, pyvis and vis-network, Flask and Python."""
    return render_template(
        "versions.html", versions=collect_versions(), json_url=url_for("pages.versions_json")
    )


@bp.get("/-/versions.json")
def versions_json() -> Any:
    """The JSON twin of ``/-/versions``."""
    return jsonify(collect_versions())


def collect_versions() -> dict[str, str | None]:
    """Return ``{name: version}`` for the installed distributions, vis-network and Python."""
    found: dict[str, str | None] = {}
    for name in DISTRIBUTIONS:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = None
    found["vis-network"] = VIS_VERSION
    found["python"] = platform.python_version()
    return found


#: Query parameters the graph and analysis endpoints understand (the view filters).
API_PARAMS = (
    "as_of",
    "confirmed_only",
    "kinds",
    "types",
    "levels",
    "modes",
    "confidence",
    "sector",
    "layer_min",
    "layer_max",
    "q",
    "focus",
    "depth",
    "aggregate",
    "a",
    "b",
    "as_of_a",
    "as_of_b",
)


def url_for_api(path: str, args: Any = None) -> str:
    """Return an API path with the page's view filters carried over from its query string."""
    kept = {k: v for k, v in (args or {}).items() if k in API_PARAMS and v != ""}
    return f"{path}?{urlencode(kept)}" if kept else path
