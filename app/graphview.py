"""The view model the JSON API and the pages share: filters, graph JSON, actor details.

Layers are computed on the scenario after ``as_of``/``confirmed_only`` (the *base* view)
and before the view filters, so filtering a view never renumbers layers or moves actors.
Everything derived is cached in the store wrapper (:class:`app.store.CachedStore`) by
scenario id and filters, and forgotten when a scenario is loaded or deleted. Cached values
are shared between requests and must not be changed by callers.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
from flask import current_app

from app.child import Encoded, in_child
from app.errors import BadRequest
from app.store import CachedStore
from graph.analysis.accountability import accountability_load
from graph.analysis.distance import control_path, control_steps, distance
from graph.analysis.findings import with_findings
from graph.analysis.flows import flows
from graph.analysis.hierarchy import betweenness
from graph.analysis.layers import chain_to
from graph.analysis.report import analyze
from graph.analysis.voice import voice_reach
from graph.errors import NotFound
from graph.formats.foreign import mapping_notice
from graph.layout import COL, Positions, scenario_layout
from graph.model import Scenario
from graph.network import ALL_TIME, in_force, parse_as_of, to_networkx
from graph.validation import closest
from graph.vocabulary import CONFIDENCES, LEVELS, MODES, Vocabulary

__all__ = [
    "Filters",
    "Base",
    "base_view",
    "graph_json",
    "actor_json",
    "actor_answers",
    "chain_json",
    "voice_paths_json",
    "path_json",
    "analysis_json",
    "analysis_result",
    "compare_json",
    "timeline_json",
    "compare_sides",
    "split_moment",
    "scenario_list_json",
    "scenario_json",
    "filtered_scenario",
    "check_vocabulary",
    "refuse_unknown",
]

#: Above this many actors, an actor's betweenness comes only from a computed analysis.
BETWEENNESS_ON_DEMAND = 2000
#: How many member ids an aggregated group lists.
GROUP_MEMBERS = 20
#: The values a flag parameter takes, exactly as the OpenAPI document lists them.
FLAGS = {"1": True, "true": True, "0": False, "false": False}
LIST_FILTERS = ("kinds", "types", "levels", "modes", "confidence")
#: An integer as a query parameter: ASCII digits only (int() would also take "1_0" or "٣").
INTEGER = re.compile(r"-?[0-9]+")
#: The shapes of an ``as_of`` date; :func:`graph.network.parse_as_of` then checks the calendar.
ISO_DATE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")


def parse_flag(args: Mapping[str, str], name: str, default: bool = False) -> bool:
    """Read a boolean query parameter (1/true or 0/false); 400 otherwise.

    Examples
    --------
    >>> parse_flag({"aggregate": "true"}, "aggregate"), parse_flag({}, "aggregate")
    (True, False)
    """
    text = args.get(name)
    if text is None:
        return default
    if text in FLAGS:
        return FLAGS[text]
    raise BadRequest(f"parameter '{name}' must be 1 or 0, not {text!r}", hint="Use 1 or 0.")


def parse_int(args: Mapping[str, str], name: str, default: int | None = None) -> int | None:
    """Read an integer query parameter; 400 when it is present but not one (empty included).

    Examples
    --------
    >>> parse_int({"depth": "-2"}, "depth"), parse_int({}, "depth", 1)
    (-2, 1)
    """
    text = args.get(name)
    if text is None:
        return default
    try:
        if INTEGER.fullmatch(text):
            return int(text)
    except ValueError:  # more digits than Python converts
        pass
    raise BadRequest(
        f"parameter '{name}' must be an integer, not {text!r}",
        hint=f"Send {name} as a whole number written in ASCII digits, e.g. {name}=2.",
    )


def _parse_list(args: Mapping[str, str], name: str) -> tuple[str, ...]:
    # Only spaces are trimmed, as the documented patterns of the checked lists allow.
    return tuple(sorted({v.strip(" ") for v in args.get(name, "").split(",") if v.strip(" ")}))


@dataclass(frozen=True)
class Filters:
    """The filters of a graph view; hashable, so they key the cache."""

    as_of: str | None = None
    confirmed_only: bool = False
    kinds: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    confidence: tuple[str, ...] = ()
    sector: str | None = None
    layer_min: int | None = None
    layer_max: int | None = None
    q: str | None = None
    focus: str | None = None
    depth: int = 1
    #: ``all``: place actors as on the all-time graph (the timeline: nothing jumps between dates).
    frame: str | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        """Read the filters from query parameters; raise BadRequest on a malformed one."""
        as_of = args.get("as_of")
        _check_as_of(as_of)
        lists = {name: _parse_list(args, name) for name in LIST_FILTERS}
        _check_known("confidence", lists["confidence"], CONFIDENCES)
        _check_known("modes", lists["modes"], MODES)
        _check_known("levels", lists["levels"], LEVELS)
        depth = parse_int(args, "depth", 1)
        if depth is None or not 0 <= depth <= 10:
            raise BadRequest(
                f"parameter 'depth' must be between 0 and 10, not {depth}",
                hint="Send depth=0 to depth=10 (hops around focus; 1 when left out).",
            )
        return cls(
            as_of,
            parse_flag(args, "confirmed_only"),
            **lists,
            sector=_text(args, "sector"),
            layer_min=parse_int(args, "layer_min"),
            layer_max=parse_int(args, "layer_max"),
            q=_text(args, "q"),
            focus=_text(args, "focus"),
            depth=depth,
            frame=_frame(args),
        )

    def base(self) -> Filters:
        """Return only the filters that change the scenario itself (as_of, confirmed_only)."""
        return Filters(as_of=self.as_of, confirmed_only=self.confirmed_only)

    def to_dict(self) -> dict[str, Any]:
        """Return the filters as JSON (lists as lists), echoed in every graph answer."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in vars(self).items()}


def _frame(args: Mapping[str, str]) -> str | None:
    frame = args.get("frame") or None
    if frame not in (None, ALL_TIME):
        raise BadRequest(
            f"parameter 'frame' must be 'all', not {frame!r}",
            hint="Send frame=all to place the actors of any date as on the all-time graph.",
        )
    return frame


def _text(args: Mapping[str, str], name: str) -> str | None:
    return args.get(name, "").strip() or None


def _check_as_of(as_of: str | None, name: str = "as_of") -> None:
    """Accept ``all`` or a real calendar date written YYYY, YYYY-MM or YYYY-MM-DD; 400 for
    anything else."""
    if as_of is None or as_of == ALL_TIME:
        return
    try:
        if ISO_DATE.fullmatch(as_of):
            parse_as_of(as_of)
            return
    except ValueError:
        pass
    raise BadRequest(
        f"parameter '{name}' must be a date (YYYY, YYYY-MM or YYYY-MM-DD) or 'all', not {as_of!r}",
        hint="Use YYYY, YYYY-MM or YYYY-MM-DD (a year or month means its last day), or 'all' "
        "for all time; left out, the scenario's own date applies.",
    )


def _check_known(name: str, values: Iterable[str], known: tuple[str, ...]) -> None:
    unknown = sorted(set(values) - set(known))
    if unknown:
        near = closest(unknown[0], known)
        raise BadRequest(
            f"parameter '{name}' has unknown values: {', '.join(unknown)}",
            hint=(f"Did you mean '{near}'? " if near else "") + f"Use any of: {', '.join(known)}.",
        )


#: The parameters naming vocabulary terms: their error code and what their values name.
VOCABULARY_PARAMETERS = {
    "kinds": ("unknown-kind", "actor kind"),
    "kind": ("unknown-kind", "actor kind"),
    "types": ("unknown-type", "relation type"),
}


def check_vocabulary(vocabulary: Vocabulary, filters: Filters) -> None:
    """Refuse a kind or relation type that is neither core nor declared by the scenario (400).

    A known kind that no actor of the scenario has is no error: its view is simply empty.
    """
    refuse_unknown("kinds", filters.kinds, vocabulary.kinds)
    refuse_unknown("types", filters.types, tuple(vocabulary.relation_types))


def refuse_unknown(parameter: str, values: Iterable[str], known: tuple[str, ...]) -> None:
    """Raise BadRequest (``unknown-kind``/``unknown-type``) naming each unknown value and the
    known one closest to the first, as the file validator does."""
    unknown = [v for v in values if v not in known]
    if not unknown:
        return
    code, what = VOCABULARY_PARAMETERS[parameter]
    near = closest(unknown[0], known)
    raise BadRequest(
        f"unknown {what} {', '.join(map(repr, unknown))} in parameter '{parameter}': "
        "neither core nor declared by this scenario",
        hint=(f"Did you mean '{near}'? " if near else "") + f"Use one of: {', '.join(known)}.",
        code=code,
    )


@dataclass(frozen=True)
class Base:
    """A scenario after as_of/confirmed_only, with layers, loads and a layered layout."""

    G: nx.MultiDiGraph
    layers: dict[str, int]
    isolated: frozenset[str]
    depth: int
    load: dict[str, int]
    positions: Positions


def base_view(store: CachedStore, scenario_id: str, filters: Filters) -> Base:
    """Return (cached) the base view of a scenario; raise NotFound if it is not loaded."""
    key = ("base", scenario_id, filters.base())
    return store.cached(key, lambda: _compute_base(store, scenario_id, filters))


def _compute_base(store: CachedStore, scenario_id: str, filters: Filters) -> Base:
    G = store.graph(scenario_id, as_of=filters.as_of, confirmed_only=filters.confirmed_only)
    return layered(G)


def layered(G: nx.MultiDiGraph) -> Base:
    """Return a graph with its steering layers, accountability loads and layered layout."""
    f = flows(G)
    layers, isolated, positions = scenario_layout(G, flow=f)
    depth = max((layers[n] for n in layers if n not in isolated), default=0)
    return Base(G, layers, isolated, depth, accountability_load(G, flow=f), positions)


def framed(dated: Base, frame: Base) -> Base:
    """Return the dated view with the layers and places of ``frame`` (the all-time view, which
    holds every actor of every date), so stepping through dates never moves an actor."""
    kept = set(dated.G)
    return Base(
        dated.G,
        {n: frame.layers[n] for n in kept},
        frame.isolated & kept,
        frame.depth,
        dated.load,
        {n: frame.positions[n] for n in kept},
    )


# Nodes and edges as JSON.


def node_json(base: Base, node: str) -> dict[str, Any]:
    """Return one actor with its layer, position and accountability load."""
    data = base.G.nodes[node]
    x, y = base.positions[node]
    return {
        **data,
        "label": data["name"],
        "layer": base.layers[node],
        "isolated": node in base.isolated,
        "x": x,
        "y": y,
        "accountability_load": base.load.get(node, 0),
    }


def edge_json(G: nx.MultiDiGraph, data: Mapping[str, Any]) -> dict[str, Any]:
    """Return one relation with its type's mode and flows (``from``/``to`` as in the format)."""
    rtype = G.graph["vocabulary"].relation_type(data["type"])
    fields = {k: v for k, v in data.items() if k not in ("source", "target")}
    return {
        **fields,
        "from": data["source"],
        "to": data["target"],
        "mode": rtype.mode,
        "control": rtype.control,
        "voice": rtype.voice,
        "accountability": rtype.accountability,
    }


# The graph view.


def graph_json(
    store: CachedStore, scenario_id: str, filters: Filters, *, aggregate: bool = False
) -> dict[str, Any]:
    """Return the graph answer: nodes, edges, layers, legend, filters and totals.

    Not cached itself: the API keeps its JSON body (a tenth of the size), and the base view
    it is cut from is cached.
    """
    return _graph_json(store, scenario_id, filters, aggregate)


def _graph_json(store, scenario_id, filters, aggregate) -> dict[str, Any]:
    base = base_view(store, scenario_id, filters)
    if filters.frame == ALL_TIME:
        whole = Filters(as_of=ALL_TIME, confirmed_only=filters.confirmed_only)
        base = framed(base, base_view(store, scenario_id, whole))
    check_vocabulary(base.G.graph["vocabulary"], filters)
    kept = select_nodes(base, filters)
    nodes = [node_json(base, n) for n in kept]
    edges = [edge_json(base.G, d) for d in select_edges(base, set(kept), filters)]
    facets = facets_json(base, nodes, edges)
    if aggregate:
        nodes, edges = aggregate_view(nodes, edges)
    return {
        "scenario": base.G.graph["scenario"],
        "as_of": base.G.graph["as_of"],
        "nodes": nodes,
        "edges": edges,
        "layers": layers_json(base),
        "legend": legend_json(nodes, edges),
        "filters": {**filters.to_dict(), "aggregate": aggregate},
        "total": {"nodes": base.G.number_of_nodes(), "edges": base.G.number_of_edges()},
        "facets": facets,
    }


def facets_json(
    base: Base, nodes: list[dict[str, Any]], edges: list[dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """Return, per filter, every value of the scenario with its count in the view and in all.

    Values that the current view leaves out stay listed (count 0), so a filter can always be
    widened again; levels and confidences list their whole vocabulary.
    """
    vocabulary = base.G.graph["vocabulary"]
    all_edges = [
        {"type": d["type"], "mode": vocabulary.relation_type(d["type"]).mode}
        for _, _, d in base.G.edges(data=True)
    ]
    all_nodes = [d for _, d in base.G.nodes(data=True)]
    spec = {
        "kinds": (all_nodes, nodes, "kind", ()),
        "levels": (all_nodes, nodes, "level", LEVELS),
        "confidence": (all_nodes, nodes, "confidence", CONFIDENCES),
        "modes": (all_edges, edges, "mode", ()),
        "types": (all_edges, edges, "type", ()),
    }
    return {name: _facet(*args) for name, args in spec.items()}


def _facet(everything, shown, field: str, vocabulary: tuple[str, ...]) -> list[dict[str, Any]]:
    total = Counter(item.get(field) for item in everything)
    count = Counter(item.get(field) for item in shown)
    values = [v for v in vocabulary] + sorted(str(v) for v in total if v and v not in vocabulary)
    return [{"value": v, "count": count.get(v, 0), "total": total.get(v, 0)} for v in values]


def select_nodes(base: Base, filters: Filters) -> list[str]:
    """Return the actors the view filters keep, in scenario order."""
    near = _focus(base, filters) if filters.focus else None
    return [
        n
        for n, data in base.G.nodes(data=True)
        if (near is None or n in near) and _keeps_node(data, base.layers[n], filters)
    ]


def _focus(base: Base, filters: Filters) -> set[str]:
    if filters.focus not in base.G:
        raise NotFound(
            f"actor '{filters.focus}' is not in this scenario (focus)",
            hint="Actor ids are case-sensitive.",
        )
    undirected = base.G.to_undirected(as_view=True)
    return set(nx.single_source_shortest_path_length(undirected, filters.focus, filters.depth))


def _keeps_node(data: Mapping[str, Any], layer: int, f: Filters) -> bool:
    if (f.kinds and data["kind"] not in f.kinds) or (f.levels and data["level"] not in f.levels):
        return False
    if f.confidence and data["confidence"] not in f.confidence:
        return False
    if f.sector and f.sector.casefold() not in {s.casefold() for s in data["sector"]}:
        return False
    if (f.layer_min is not None and layer < f.layer_min) or (
        f.layer_max is not None and layer > f.layer_max
    ):
        return False
    return not f.q or _matches(data, f.q.casefold())


def _matches(data: Mapping[str, Any], needle: str) -> bool:
    return any(needle in str(data.get(k) or "").casefold() for k in ("id", "name", "description"))


def select_edges(base: Base, kept: set[str], filters: Filters) -> list[Mapping[str, Any]]:
    """Return the relations between kept actors that the type, mode and confidence filters keep."""
    vocabulary = base.G.graph["vocabulary"]
    chosen = []
    for u, v, data in base.G.edges(data=True):
        if u not in kept or v not in kept:
            continue
        if filters.types and data["type"] not in filters.types:
            continue
        if filters.modes and vocabulary.relation_type(data["type"]).mode not in filters.modes:
            continue
        if not filters.confidence or data["confidence"] in filters.confidence:
            chosen.append(data)
    return chosen


def layers_json(base: Base) -> dict[str, Any]:
    """Return the depth, the size of each layer row and the number of isolated actors."""
    sizes = Counter(layer for n, layer in base.layers.items() if n not in base.isolated)
    return {
        "depth": base.depth,
        "sizes": {str(layer): sizes[layer] for layer in sorted(sizes)},
        "isolated": len(base.isolated),
    }


def legend_json(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the kinds and modes present in the view (modes in vocabulary order)."""
    modes = {e["mode"] for e in edges}
    return {
        "kinds": sorted({n["kind"] for n in nodes}),
        "modes": [m for m in MODES if m in modes] + sorted(modes - set(MODES)),
    }


# The aggregated view: one node per (layer, kind), isolated actors in groups of their own.


def aggregate_view(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]):
    """Return group nodes (with ``count`` and the first ``members``) and edges between them."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    group_of: dict[str, str] = {}
    for node in nodes:
        gid = _group_id(node)
        groups[gid].append(node)
        group_of[node["id"]] = gid
    group_nodes = _place_groups([_group_node(gid, members) for gid, members in groups.items()])
    return group_nodes, _group_edges(edges, group_of)


def _group_id(node: Mapping[str, Any]) -> str:
    band = "isolated" if node["isolated"] else f"layer-{node['layer']}"
    return f"{band}:{node['kind']}"


def _group_node(gid: str, members: list[dict[str, Any]]) -> dict[str, Any]:
    first = members[0]
    return {
        "id": gid,
        "label": f"{len(members)} × {first['kind'].replace('_', ' ')}",
        "name": first["kind"],
        "kind": first["kind"],
        "layer": first["layer"],
        "isolated": first["isolated"],
        "count": len(members),
        "members": [m["id"] for m in members[:GROUP_MEMBERS]],
        "x": sum(m["x"] for m in members) / len(members),
        "y": first["y"] if not first["isolated"] else max(m["y"] for m in members),
        "accountability_load": max(m["accountability_load"] for m in members),
    }


def _place_groups(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Spread each row's groups evenly, keeping the order of their members' mean x."""
    rows: dict[float, list[dict[str, Any]]] = defaultdict(list)
    for group in groups:
        rows[group["y"]].append(group)
    for row in rows.values():
        row.sort(key=lambda g: g["x"])
        for i, group in enumerate(row):
            group["x"] = (i - (len(row) - 1) / 2) * COL * 1.5
    return sorted(groups, key=lambda g: (g["y"], g["x"]))


def _group_edges(edges: list[dict[str, Any]], group_of: Mapping[str, str]) -> list[dict[str, Any]]:
    counted: dict[tuple[str, str, str], dict[str, Any]] = {}
    for edge in edges:
        key = (group_of[edge["from"]], group_of[edge["to"]], edge["mode"])
        entry = counted.setdefault(key, {"types": set(), "count": 0, "control": edge["control"]})
        entry["count"] += 1
        entry["types"].add(edge["type"])
    return [
        {
            "id": f"{a}->{b}:{mode}",
            "from": a,
            "to": b,
            "mode": mode,
            "control": e["control"],
            "count": e["count"],
            "types": sorted(e["types"]),
        }
        for (a, b, mode), e in counted.items()
    ]


# One actor, its chains, voice paths and shortest paths.


def actor_json(
    store: CachedStore,
    scenario_id: str,
    actor_id: str,
    filters: Filters,
    reference: str | None = None,
):
    """Return one actor with its relations, cited sources, betweenness, chains and distance.

    ``distance`` says the actor's layer (longest chain of control above it), its shortest
    chain of control from a top actor and, given a ``reference`` actor, from that actor
    (:func:`graph.analysis.distance.distance`). Everything but betweenness is cached per
    actor; betweenness is looked up on each call, as it may become known later (see
    :func:`_betweenness`).
    """
    key = ("actor", scenario_id, actor_id, filters.base(), reference)
    cached = store.cached(
        key, lambda: _actor_json(store, scenario_id, actor_id, filters, reference)
    )
    betweenness = _betweenness(store, scenario_id, filters).get(actor_id)
    return {**cached, "actor": {**cached["actor"], "betweenness": betweenness}}


def actor_answers(
    store: CachedStore, scenario_id: str, actor_ids: Iterable[str], filters: Filters
) -> dict[str, dict[str, Any]]:
    """Return :func:`actor_json` (without a reference actor) for many actors at once, as the
    offline explorer holds them: computed here rather than cached one entry per actor, which
    would push every other view out of the cache."""
    between = _betweenness(store, scenario_id, filters)
    answers = {}
    for actor_id in actor_ids:
        answer = _actor_json(store, scenario_id, actor_id, filters, None)
        answers[actor_id] = {
            **answer,
            "actor": {**answer["actor"], "betweenness": between.get(actor_id)},
        }
    return answers


def _actor_json(store, scenario_id, actor_id, filters, reference) -> dict[str, Any]:
    base = base_view(store, scenario_id, filters)
    _require_actor(base, actor_id, scenario_id)
    if reference is not None:
        _require_actor(base, reference, scenario_id)
    G = base.G
    out_rels = [edge_json(G, d) for _, _, d in G.out_edges(actor_id, data=True)]
    in_rels = [edge_json(G, d) for _, _, d in G.in_edges(actor_id, data=True)]
    return {
        "as_of": G.graph["as_of"],
        "actor": node_json(base, actor_id),
        "out": out_rels,
        "in": in_rels,
        "sources": _cited_sources(G, actor_id, out_rels + in_rels),
        "chains": chain_to(G, actor_id),
        "distance": distance(G, actor_id, reference=reference),
    }


def _betweenness(store: CachedStore, scenario_id: str, filters: Filters) -> dict[str, float]:
    """Return betweenness when it is cheap or already known; empty otherwise.

    Sampled betweenness of a very large scenario takes many seconds, too long for a click on
    an actor, so above :data:`BETWEENNESS_ON_DEMAND` actors it comes only from an analysis
    already computed (``GET .../analysis``).
    """
    known = store.peek(("analysis", scenario_id, filters.base()))
    if known is not None:
        return dict(known.value["centrality"]["betweenness"])
    G = base_view(store, scenario_id, filters).G
    if G.number_of_nodes() > BETWEENNESS_ON_DEMAND:
        return {}
    key = ("betweenness", scenario_id, filters.base())
    return store.cached(key, lambda: betweenness(G)["betweenness"])


def _require_actor(base: Base, actor_id: str, scenario_id: str) -> None:
    if actor_id not in base.G:
        raise NotFound(
            f"actor '{actor_id}' is not in scenario '{scenario_id}'",
            hint="Actor ids are case-sensitive; the graph endpoint lists them.",
        )


def _cited_sources(G: nx.MultiDiGraph, actor_id: str, relations: list[dict[str, Any]]):
    cited = set(G.nodes[actor_id]["sources"])
    for rel in relations:
        cited.update(rel["sources"])
    known = G.graph["sources"]
    return [known[s] for s in sorted(cited) if s in known]


def chain_json(store: CachedStore, scenario_id: str, actor_id: str, filters: Filters):
    """Return the longest control chains ending at an actor; ``length`` counts their steps."""
    base = base_view(store, scenario_id, filters)
    _require_actor(base, actor_id, scenario_id)
    chains = chain_to(base.G, actor_id)
    return {
        "as_of": base.G.graph["as_of"],
        "actor": actor_id,
        "chains": chains,
        "length": max((len(c) - 1 for c in chains), default=0),
    }


def voice_paths_json(
    store: CachedStore, scenario_id: str, kind: str, formal_only: bool, filters: Filters
) -> dict[str, Any]:
    """Return which deciders a kind's actors reach through voice, with one path to each."""
    base = base_view(store, scenario_id, filters)
    refuse_unknown("kind", (kind,), base.G.graph["vocabulary"].kinds)
    reach = voice_reach(base.G, kind, formal_only=formal_only)
    return {"as_of": base.G.graph["as_of"], "kind": kind, "formal_only": formal_only, **reach}


#: What the path finder follows: any relation, or control the way it flows.
FOLLOW = ("any", "control")


def path_json(
    store: CachedStore,
    scenario_id: str,
    ends: tuple[str, str],
    directed: bool,
    filters: Filters,
    follow: str = "any",
) -> dict[str, Any]:
    """Return a shortest path between two actors, with the relation types and modes followed.

    ``follow="control"`` walks the control graph from ``from`` down to ``to`` (the same chain
    the actor panel shows from a reference actor); ``"any"`` takes every relation, in its
    direction when ``directed``. ``path`` is null when none exists.
    """
    base = base_view(store, scenario_id, filters)
    for end in ends:
        _require_actor(base, end, scenario_id)
    if follow == "control":
        path = control_path(base.G, [ends[0]], ends[1])
        steps = control_steps(base.G, path) if path else []
    else:
        path = _any_path(base.G, ends, directed)
        pairs = zip(path, path[1:], strict=False) if path else ()
        steps = [_any_step(base.G, u, v, directed) for u, v in pairs]
    vocabulary = base.G.graph["vocabulary"]
    for step in steps:
        step["modes"] = sorted({vocabulary.relation_type(t).mode for t in step["types"]})
    return {
        "as_of": base.G.graph["as_of"],
        "from": ends[0],
        "to": ends[1],
        "directed": directed or follow == "control",
        "follow": follow,
        "path": path,
        "edges": [step["relations"][0] for step in steps if step["relations"]],
        "steps": steps,
        "modes": sorted({m for step in steps for m in step["modes"]}),
        "filters": filters.base().to_dict(),
    }


def _any_path(G: nx.MultiDiGraph, ends: tuple[str, str], directed: bool) -> list[str] | None:
    graph = G if directed else G.to_undirected(as_view=True)
    try:
        return list(nx.shortest_path(graph, ends[0], ends[1]))
    except nx.NetworkXNoPath:
        return None


def _any_step(G: nx.MultiDiGraph, u: str, v: str, directed: bool) -> dict[str, Any]:
    """One step of a path over any relation: every relation joining u to v that it may use."""
    found = [(str(k), str(d["type"]), False) for k, d in (G.get_edge_data(u, v) or {}).items()]
    if not directed:
        found += [(str(k), str(d["type"]), True) for k, d in (G.get_edge_data(v, u) or {}).items()]
    found.sort()
    return {
        "from": u,
        "to": v,
        "types": sorted({t for _, t, _ in found}),
        "relations": [rid for rid, _, _ in found],
        "reversed": [rid for rid, _, back in found if back],
        "via": [{"id": rid, "type": t, "reversed": back} for rid, t, back in found],
    }


# Per-actor metrics the explorer sizes and colours by.

#: The metrics, in the order the explorer offers them.
METRICS = ("layer", "accountability_load", "betweenness", "voice_reach")


def metrics_json(store: CachedStore, scenario_id: str, filters: Filters) -> dict[str, Any]:
    """Return each actor's layer, accountability load, betweenness and voice reach.

    A metric too costly for the scenario's size is null, with a note saying why. Betweenness
    is looked up on each call, as it may become known later (see :func:`_betweenness`).
    """
    cached = store.cached(
        ("metrics", scenario_id, filters.base()), lambda: _metrics(store, scenario_id, filters)
    )
    between = _betweenness(store, scenario_id, filters) or None
    notes = dict(cached["notes"])
    if between is None:
        notes["betweenness"] = (
            f"above {BETWEENNESS_ON_DEMAND} actors, known once the analysis has been computed"
        )
    return {**cached, "metrics": {**cached["metrics"], "betweenness": between}, "notes": notes}


def _metrics(store: CachedStore, scenario_id: str, filters: Filters) -> dict[str, Any]:
    from graph.analysis.metrics import VOICE_REACH_LIMIT, voice_reach_by_actor

    base = base_view(store, scenario_id, filters)
    reach = voice_reach_by_actor(base.G)
    notes = (
        {}
        if reach is not None
        else {"voice_reach": f"not computed above {VOICE_REACH_LIMIT} actors"}
    )
    return {
        "metrics": {
            "layer": dict(base.layers),
            "accountability_load": {n: base.load.get(n, 0) for n in base.G},
            "voice_reach": reach,
        },
        "notes": notes,
        "filters": filters.base().to_dict(),
    }


# Analyses (the analysis package computes; this only caches and shapes).


def analysis_result(
    store: CachedStore,
    scenario_id: str,
    filters: Filters,
    *,
    wait: float | None = None,
    dumps: Callable[[Any], str] | None = None,
) -> Encoded:
    """Return (cached) the ``analyze --json`` object of a scenario after as_of/confirmed_only,
    with its findings (whose confirmed-facts figures come from the cached confirmed analysis),
    as its JSON body and the object (:class:`app.child.Encoded`).

    It is computed in a child process from the scenario the server holds, filtered there
    too, and encoded there with ``dumps`` (the app's JSON encoder by default): the server's
    request threads keep answering meanwhile. ``wait`` is :meth:`CachedStore.cached`'s.
    """
    encode = dumps or current_app.json.dumps
    base = filters.base()

    def compute() -> Encoded:
        scenario = store.scenario(scenario_id)
        known = store.peek(("base", scenario_id, base))  # a filtered graph already built
        confirmed = None
        if not filters.confirmed_only:
            confirmed_only = Filters(filters.as_of, confirmed_only=True)
            confirmed = analysis_result(store, scenario_id, confirmed_only, dumps=encode)
        G = known.G if known is not None else None
        return in_child(_encoded_analysis, scenario, G, confirmed, base, encode)

    result: Encoded = store.cached(("analysis", scenario_id, base), compute, wait=wait)
    return result


def analysis_json(store: CachedStore, scenario_id: str, filters: Filters) -> dict[str, Any]:
    """Return (cached) the analysis object of :func:`analysis_result`."""
    value: dict[str, Any] = analysis_result(store, scenario_id, filters).value
    return value


def _encoded_analysis(
    scenario: Scenario,
    G: nx.MultiDiGraph | None,
    confirmed: Encoded | None,
    filters: Filters,
    dumps: Callable[[Any], str],
) -> Encoded:
    """In the child: filter the scenario (unless ``G`` is given), analyse and encode."""
    if G is None:
        G = to_networkx(scenario, as_of=filters.as_of, confirmed_only=filters.confirmed_only)
    result = _analysis(G, scenario.info.id, None if confirmed is None else confirmed.value, filters)
    return Encoded(result, dumps)


def _analysis(
    G: nx.MultiDiGraph, scenario_id: str, confirmed: dict[str, Any] | None, filters: Filters
) -> dict[str, Any]:
    """The analysis with its findings (``confirmed``: the confirmed-only analysis, or None
    when this one is it)."""
    result = analyze(G, scenario_id=scenario_id)
    return with_findings(
        G,
        result,
        confirmed=result if confirmed is None else confirmed,
        as_of=filters.as_of,
        confirmed_only=filters.confirmed_only,
    )


#: One side of a comparison: a scenario id and the filters (its moment) it is seen with.
Side = tuple[str, Filters]


def split_moment(spec: str) -> tuple[str, str | None]:
    """Split ``scenario@date`` into the id and the date (None when no ``@`` is given).

    Scenario ids never hold ``@`` (DESIGN section 3), so the split is unambiguous.

    Examples
    --------
    >>> split_moment("nplv-2022@2022-07-04"), split_moment("nprz")
    (('nplv-2022', '2022-07-04'), ('nprz', None))
    """
    scenario_id, sep, moment = spec.partition("@")
    return scenario_id, (moment.strip() or None) if sep else None


def compare_sides(args: Mapping[str, str], filters: Filters) -> tuple[Side, Side]:
    """Read the two sides of ``/api/compare``: ``a``/``b`` (``id`` or ``id@date``), then
    ``as_of_a``/``as_of_b``, then the common ``as_of``; each side's own date by default."""
    sides = []
    for name in ("a", "b"):
        scenario_id, moment = split_moment(args.get(name, ""))
        moment = moment or args.get(f"as_of_{name}") or filters.as_of
        _check_as_of(moment, name if "@" in args.get(name, "") else f"as_of_{name}")
        sides.append((scenario_id, dataclasses.replace(filters.base(), as_of=moment)))
    return sides[0], sides[1]


def compare_json(store: CachedStore, a: Side, b: Side) -> dict[str, Any]:
    """Return the ``compare --json`` object plus positions both views share (cached)."""
    return store.cached(("compare", a, b), lambda: _compare(store, a, b))


def _compare(store: CachedStore, a: Side, b: Side) -> dict[str, Any]:
    from graph.analysis.compare import compare

    Ga, Gb = (base_view(store, sid, f).G for sid, f in (a, b))
    analyses = [analysis_json(store, sid, f) for sid, f in (a, b)]
    result = compare(Ga, Gb, a_id=a[0], b_id=b[0], analysis_a=analyses[0], analysis_b=analyses[1])
    union = layered(nx.compose(Ga, Gb))
    positions = {n: {"x": x, "y": y} for n, (x, y) in union.positions.items()}
    return {**result, "positions": positions}


def timeline_json(
    store: CachedStore, scenario_id: str, step: str | None, confirmed_only: bool
) -> dict[str, Any]:
    """Return (cached) the scenario's timeline: the key measures at each stop and, for the
    change days, the actors and relations that enter and leave there."""
    from graph.analysis.timeline import STEPS, over_time

    if step is not None and step not in STEPS:
        raise BadRequest(
            f"parameter 'step' must be one of {', '.join(STEPS)}, not {step!r}",
            hint="Leave step out for every day the scenario changes.",
        )

    def compute() -> dict[str, Any]:
        scenario = store.scenario(scenario_id)
        return over_time(scenario, step=step, confirmed_only=confirmed_only, changes=not step)

    return store.cached(("timeline", scenario_id, step, confirmed_only), compute)


# Scenario lists and headers.


def scenario_links(scenario_id: str) -> dict[str, str]:
    """Return the page and API addresses of one scenario."""
    api = f"/api/scenarios/{scenario_id}"
    return {
        "explorer": f"/scenarios/{scenario_id}",
        "dashboard": f"/scenarios/{scenario_id}/analysis",
        "self": api,
        "graph": f"{api}/graph",
        "analysis": f"{api}/analysis",
        "export": f"{api}/export",
    }


def scenario_list_json(store: CachedStore) -> dict[str, Any]:
    """Return (cached) every loaded scenario with its size and links."""

    def compute() -> dict[str, Any]:
        items = [
            {**dataclasses.asdict(s), "links": scenario_links(s.id)} for s in store.list_scenarios()
        ]
        return {"scenarios": items}

    return store.cached(("scenario-list",), compute)


def scenario_json(store: CachedStore, scenario_id: str) -> dict[str, Any]:
    """Return a scenario's header, sources, declared vocabulary and counts."""
    scenario = store.scenario(scenario_id)
    return {
        "scenario": dataclasses.asdict(scenario.info),
        "sources": [dataclasses.asdict(s) for s in scenario.sources],
        "vocabulary": scenario.vocabulary.to_dict(),
        "counts": {
            "actors": len(scenario.actors),
            "relations": len(scenario.relations),
            "sources": len(scenario.sources),
            "kinds": dict(Counter(a.kind for a in scenario.actors).most_common()),
            "types": dict(Counter(r.type for r in scenario.relations).most_common()),
        },
        "links": scenario_links(scenario_id),
        "notice": mapping_notice(scenario),  # set when the steering analyses need a mapping
    }


def filtered_scenario(store: CachedStore, scenario_id: str, filters: Filters) -> Scenario:
    """Return the scenario cut down to what a view shows (for export).

    Dates go through :func:`graph.network.in_force` like every view: without ``as_of`` the
    scenario's own date applies, ``as_of=all`` keeps every fact. A scenario cut to an
    explicit date carries that date as its own, so its file opens on the day it shows.
    """
    scenario = store.scenario(scenario_id)
    cut = in_force(scenario, as_of=filters.as_of, confirmed_only=filters.confirmed_only)
    if filters.as_of not in (None, ALL_TIME):
        cut = dataclasses.replace(cut, info=dataclasses.replace(cut.info, date=filters.as_of))
    if filters == Filters(as_of=filters.as_of, confirmed_only=filters.confirmed_only):
        return cut
    base = base_view(store, scenario_id, filters)
    check_vocabulary(base.G.graph["vocabulary"], filters)
    kept = set(select_nodes(base, filters))
    rel_ids = {d["id"] for d in select_edges(base, kept, filters)}
    return dataclasses.replace(
        cut,
        actors=tuple(a for a in cut.actors if a.id in kept),
        relations=tuple(r for r in cut.relations if r.id in rel_ids),
    )
