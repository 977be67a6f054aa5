"""The offline explorer: the live explorer page as one self-contained HTML file.

The file is the explorer's own template, styles and scripts (vis-network read from the
installed pyvis package, as ``/-/vendor`` serves it) put inline, plus every answer its
scripts would fetch — the graph, the scenario's sources, each actor's details (layer,
chains, distance from the top), the metrics for sizing and colouring, the voice paths — as
one JSON block. ``offline-data.js`` answers the scripts' requests from that block, so the
file opens from disk with the network cut off. What only a server can compute (another
date or filter, the path finder, a reference actor, the Cypher console, uploads) is hidden
and the page says so. ``govgraph export --format html``, the export endpoint and the
explorer's "Offline HTML" all call :func:`offline_html`.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import render_template

from app import graphview as views
from app.pages import VENDOR_FILES, find_summary, vis_folder
from app.store import CachedStore
from graph.network import ALL_TIME

__all__ = [
    "offline_html",
    "export_html",
    "offline_data",
    "inline_assets",
    "script_json",
    "STATE_KEYS",
]

STATIC = Path(__file__).resolve().parent / "static"
#: Explorer URL keys a file may open with besides its fixed filters: the view the user had.
STATE_KEYS = (
    "q", "focus", "depth", "aggregate", "layout", "physics", "select", "edge", "expand",
    "hl", "size", "colour", "open",
)  # fmt: skip
#: The kinds whose voice paths the file holds (the explorer's voice highlights).
VOICE_KINDS = ("resident_group", "professional_group")
#: Above this many actors the file holds no per-actor answers (each costs a pass over the
#: whole control graph): the panel is made from the graph, without chains and distances.
DETAILS_LIMIT = 2000
#: Above this, the explorer would ask the server for groups; the file always has every actor.
NO_SERVER_GROUPS = 10**9
#: A script or style of our own or vendor's, as the pages refer to them.
ASSET = re.compile(
    r'<script src="(?P<js>/(?:static|-/vendor)/[^"?]+)(?:\?[^"]*)?"></script>'
    r'|<link rel="stylesheet" href="(?P<css>/(?:static|-/vendor)/[^"?]+)(?:\?[^"]*)?">'
)

END_SCRIPT = re.compile("</script", re.IGNORECASE)
END_STYLE = re.compile("</style", re.IGNORECASE)


def offline_html(store: CachedStore, scenario_id: str, args: Mapping[str, str]) -> str:
    """Return the explorer of one scenario as one self-contained HTML file.

    ``args`` are the explorer's URL parameters: the filters (as_of, confirmed_only, kinds,
    ...) fix what the file holds; the view keys of :data:`STATE_KEYS` are where it opens.
    Needs a request context (the page is the app's own template). Raises BadRequest for a
    malformed filter and NotFound for an unknown scenario, as the graph endpoint does.
    """
    filters = views.Filters.from_args(args)
    data = offline_data(store, scenario_id, filters, args)
    page = render_template(
        "explorer.html",
        offline=True,
        offline_json=script_json(data),
        offline_note=describe(data["graph"], filters),
        offline_details=data["details"],
        details_limit=DETAILS_LIMIT,
        offline_as_of=(data["graph"]["as_of"] or "all time")
        + (", confirmed facts only" if filters.confirmed_only else ""),
        made=made_line(),
        notice=None,
        scenario=find_summary(scenario_id),
        scenario_id=scenario_id,
        json_url=None,
        aggregate_above=NO_SERVER_GROUPS,
    )
    return inline_assets(page)


def export_html(store: Any, scenario_id: str, args: Mapping[str, str]) -> str:
    """Return the offline explorer of a scenario in an open store, outside a web request
    (``govgraph export --format html``): the page is rendered by an app serving ``store``."""
    from app import create_app
    from app.store import get_store

    app = create_app({"STORE": _Lent(store)})
    with app.test_request_context():
        return offline_html(get_store(), scenario_id, args)


class _Lent:
    """A store lent to an app for one page: whoever opened it closes it, not the app."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def close(self) -> None:
        """Leave the store open for its owner."""


def offline_data(
    store: CachedStore, scenario_id: str, filters: views.Filters, args: Mapping[str, str]
) -> dict[str, Any]:
    """Return every answer the explorer's scripts ask for, for the view ``filters`` give.

    Actor answers name their relations, sources and (when it is the same) their own node
    by reference to the graph and the scenario's sources: each is in the file once.
    """
    graph = views.graph_json(store, scenario_id, filters)
    base = filters.base()
    nodes = {n["id"]: n for n in graph["nodes"]}
    edges = {e["id"]: e for e in graph["edges"]}
    actors, relations = {}, {}
    detailed = len(nodes) <= DETAILS_LIMIT
    for aid, answer in views.actor_answers(
        store, scenario_id, nodes if detailed else (), base
    ).items():
        for rel in answer["out"] + answer["in"]:
            if edges.get(rel["id"]) != rel:
                relations[rel["id"]] = rel
        actors[aid] = _by_reference(answer, nodes[aid])
    voice = {
        f"{kind}:{int(formal)}": views.voice_paths_json(store, scenario_id, kind, formal, base)
        for kind in VOICE_KINDS
        for formal in (False, True)
    }
    return {
        "scenario_id": scenario_id,
        "fixed": fixed_state(graph, filters),
        "state": opening_state(args),
        "graph": graph,
        "scenario": views.scenario_json(store, scenario_id),
        "relations": relations,  # those of the actors' answers that the graph leaves out
        "actors": actors,
        "details": detailed,
        "metrics": views.metrics_json(store, scenario_id, base),
        "voice": voice,
    }


def _by_reference(answer: Mapping[str, Any], node: Mapping[str, Any]) -> dict[str, Any]:
    """An actor's answer with relations and sources as ids (``offline-data.js`` fills them
    in again), and its node left out when the graph's is the same."""
    actor = dict(answer["actor"])
    betweenness = actor.pop("betweenness", None)
    return {
        **answer,
        "actor": {"betweenness": betweenness} if actor == node else answer["actor"],
        "node": actor == node,
        "out": [r["id"] for r in answer["out"]],
        "in": [r["id"] for r in answer["in"]],
        "sources": [s["id"] for s in answer["sources"]],
    }


def fixed_state(graph: Mapping[str, Any], filters: views.Filters) -> dict[str, str]:
    """The explorer state the file cannot change: its date, confirmed-only and filters."""
    state = {"as_of": graph["as_of"] or ALL_TIME}
    if filters.confirmed_only:
        state["confirmed_only"] = "1"
    for name in views.LIST_FILTERS:
        if getattr(filters, name):
            state[name] = ",".join(getattr(filters, name))
    for name in ("sector", "layer_min", "layer_max"):
        if getattr(filters, name) is not None:
            state[name] = str(getattr(filters, name))
    return state


def opening_state(args: Mapping[str, str]) -> dict[str, str]:
    """The view the file opens with: the explorer's own, less what needs the server."""
    state = {k: str(args[k]) for k in STATE_KEYS if args.get(k)}
    if state.get("hl", "").startswith("path:"):  # the path finder needs the server
        del state["hl"]
    return state


def describe(graph: Mapping[str, Any], filters: views.Filters) -> str:
    """The view in words: its date, which facts and which filters (shown in the file)."""
    parts = [f"as of {graph['as_of']}" if graph["as_of"] else "all dates"]
    parts.append("confirmed facts only" if filters.confirmed_only else "all facts")
    names = {"kinds": "kinds", "levels": "levels", "modes": "modes", "types": "types",
             "confidence": "confidence", "sector": "sector", "layer_min": "from layer",
             "layer_max": "to layer", "q": "search", "focus": "around"}  # fmt: skip
    chosen = []
    for key, name in names.items():
        value = getattr(filters, key)
        if value not in (None, ()):
            chosen.append(f"{name} {', '.join(value) if isinstance(value, tuple) else value}")
    parts.append("filters: " + "; ".join(chosen) if chosen else "no filters")
    return " · ".join(parts)


def made_line() -> str:
    """Which govgraph made the file, and when (UTC, to the minute)."""
    try:
        version = importlib.metadata.version("govgraph")
    except importlib.metadata.PackageNotFoundError:
        version = "(development)"
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"govgraph {version}, {now}"


def script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``<``, ``>``, ``&`` or line
    separators left raw, so no text in the data can end the element or start a comment.

    Examples
    --------
    >>> script_json({"name": "</script><!--\\u2028"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003c!--\\\\u2028"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):  # fmt: skip
        text = text.replace(raw, escaped)
    return text


def inline_assets(page: str) -> str:
    """Put every script and style the page refers to inline; raise if one is left out.

    Raises
    ------
    LookupError
        When the page refers to a script or style that is not ours or vis-network's.
    """

    def inline(match: re.Match[str]) -> str:
        if match["js"]:
            return "<script>" + END_SCRIPT.sub("<\\\\/script", _asset(match["js"])) + "</script>"
        return "<style>" + END_STYLE.sub("<\\\\/style", _asset(match["css"])) + "</style>"

    page = ASSET.sub(inline, page)
    left = re.findall(r'<script[^>]*\ssrc=|<link[^>]*rel="stylesheet"', page)
    if left:
        raise LookupError(f"the offline page still refers to {len(left)} file(s): {left[:3]}")
    return page


def _asset(url: str) -> str:
    """The text of ``/static/NAME`` or ``/-/vendor/NAME`` from this package or pyvis."""
    if url.startswith("/-/vendor/"):
        return (vis_folder() / VENDOR_FILES[url.removeprefix("/-/vendor/")]).read_text("utf-8")
    path = (STATIC / url.removeprefix("/static/")).resolve()
    if STATIC not in path.parents:
        raise LookupError(f"{url} is not a file of the app's static folder")
    return path.read_text("utf-8")
