"""The OpenAPI 3.1 document at ``/openapi.json``: every endpoint, parameter and schema.

The JSON API is described by hand below (:data:`API_PATHS`); the HTML pages and static files
are added from the app's URL map, so the document covers every route the app serves.
"""

from __future__ import annotations

import importlib.metadata
import re
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify

from app.api import EXPORT_FORMATS, EXPORT_TYPES
from app.graphview import FLAGS
from graph.vocabulary import CONFIDENCES, CORE_KINDS, CORE_RELATION_TYPES, LEVELS, MODES

__all__ = ["bp", "document", "API_PATHS", "openapi_path"]

bp = Blueprint("openapi", __name__)

JSON = "application/json"


def ref(name: str) -> dict[str, str]:
    """Return a reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


def _nullable(schema_type: str) -> dict[str, Any]:
    return {"type": [schema_type, "null"]}


STR, INT, NUM = {"type": "string"}, {"type": "integer"}, {"type": "number"}
BOOL = {"type": "boolean"}
STRS = {"type": "array", "items": STR}
IDS_BY_STR = {"type": "object", "additionalProperties": STRS}
#: The day a dated answer shows (ISO date), or null for all time.
DAY = {
    "type": ["string", "null"],
    "format": "date",
    "description": "the day shown (ISO), null for all time",
}

SCHEMAS: dict[str, Any] = {
    "Problem": _obj(["code", "message", "where"], code=STR, message=STR, hint=STR, file=STR,
                    line=INT, sheet=STR, row=INT, value={}, where=STR),
    "Error": _obj(["ok", "status", "error", "errors"], ok={"const": False}, status=INT,
                  error=_obj(["code", "message", "hint"], code=STR, message=STR, hint=STR,
                             position=_obj(["line", "column", "offset"], line=INT, column=INT,
                                           offset=INT)),
                  errors={"type": "array", "items": ref("Problem")}),
    "Health": _obj(["ok", "store", "scenarios"], ok=BOOL,
                   store={"enum": ["embedded", "neo4j"]}, scenarios=INT),
    "ScenarioHeader": _obj(["id", "title"], id=STR, title=STR, description=_nullable("string"),
                           date=_nullable("string")),
    "Links": {"type": "object", "additionalProperties": STR},
    "ScenarioSummary": _obj(["id", "title", "actors", "relations", "links"], id=STR, title=STR,
                            description=_nullable("string"), date=_nullable("string"),
                            actors=INT, relations=INT, links=ref("Links")),
    "ScenarioList": _obj(["scenarios"], scenarios={"type": "array",
                                                   "items": ref("ScenarioSummary")}),
    "ScenarioDetail": _obj(["scenario", "sources", "vocabulary", "counts"],
                           scenario=ref("ScenarioHeader"),
                           sources={"type": "array", "items": {"type": "object"}},
                           vocabulary={"type": "object"}, counts={"type": "object"},
                           links=ref("Links"), notice={
                               **_nullable("string"), "description": "Set when the steering "
                               "analyses need a mapping (GET .../mapping)."}),
    "Node": _obj(["id", "label", "name", "kind", "layer", "isolated", "x", "y",
                  "accountability_load"], id=STR, label=STR, name=STR, kind=STR,
                 level=_nullable("string"), sector=STRS, confidence={"enum": list(CONFIDENCES)},
                 layer=INT, isolated=BOOL, x=NUM, y=NUM, description=_nullable("string"),
                 sources=STRS, tags=STRS, since=_nullable("string"), until=_nullable("string"),
                 note=_nullable("string"), accountability_load=INT,
                 count={**INT, "description": "aggregated view: actors in the group"},
                 members={**STRS, "description": "aggregated view: the first member ids"}),
    "Edge": _obj(["id", "from", "to", "mode", "control"], id=STR, **{"from": STR}, to=STR,
                 type=STR, mode=STR, control={"enum": ["forward", "reverse", "none"]},
                 voice={"enum": ["forward", "reverse", "none"]}, accountability=BOOL,
                 confidence={"enum": list(CONFIDENCES)}, formal=BOOL, weight=NUM,
                 amount_eur=_nullable("number"), note=_nullable("string"), sources=STRS,
                 since=_nullable("string"), until=_nullable("string"), tags=STRS,
                 count={**INT, "description": "aggregated view: relations between the groups"},
                 types={**STRS, "description": "aggregated view: their types"}),
    "GraphView": _obj(["scenario", "nodes", "edges", "layers", "legend", "filters", "total"],
                      scenario=ref("ScenarioHeader"),
                      nodes={"type": "array", "items": ref("Node")},
                      edges={"type": "array", "items": ref("Edge")},
                      layers=_obj(["depth", "sizes", "isolated"], depth=INT, isolated=INT,
                                  sizes={"type": "object", "additionalProperties": INT}),
                      legend=_obj(["kinds", "modes"], kinds=STRS, modes=STRS),
                      filters={"type": "object"}, as_of=DAY,
                      total=_obj(["nodes", "edges"], nodes=INT, edges=INT),
                      facets={"type": "object", "description": "per filter (kinds, levels, "
                              "confidence, modes, types): every value of the scenario with its "
                              "count in this view and in all (`total`)",
                              "additionalProperties": {"type": "array", "items": _obj(
                                  ["value", "count", "total"], value=STR, count=INT,
                                  total=INT)}}),
    "Step": _obj(["from", "to", "types", "relations"], **{"from": STR}, to=STR,
                 types={**STRS, "description": "relation types carrying the step"},
                 relations={**STRS, "description": "their relation ids"},
                 reversed={**STRS, "description": "ids of those that run from `to` to "
                           "`from` (read against their direction)"},
                 via={"type": "array", "items": _obj(["id", "type", "reversed"], id=STR,
                                                      type=STR, reversed=BOOL)},
                 modes={**STRS, "description": "their modes (path answers)"}),
    "ControlChain": {**_obj(["path", "length", "steps"], path=STRS, length=INT,
                            steps={"type": "array", "items": ref("Step")}),
                     "description": "A chain of control from the top down, step by step."},
    "Distance": _obj(["layer", "longest", "from_top"], layer={**INT, "description":
                     "steering layer: the longest chain of control above the actor"},
                     longest={"anyOf": [ref("ControlChain"), {"type": "null"}],
                              "description": "a longest chain (null at the top)"},
                     from_top={"anyOf": [ref("ControlChain"), {"type": "null"}],
                               "description": "the shortest chain of control from any top "
                               "actor (null when control never reaches it)"},
                     reference=STR,
                     from_reference={"anyOf": [ref("ControlChain"), {"type": "null"}],
                                     "description": "with ?reference: the shortest chain of "
                                     "control from that actor (null when none runs)"}),
    "ActorDetail": _obj(["actor", "out", "in", "sources", "chains", "distance"],
                        distance=ref("Distance"),
                        actor={"allOf": [ref("Node"), _obj(["betweenness"],
                                                           betweenness={
                            **_nullable("number"), "description": "null for a scenario of more "
                            "than 2,000 actors until its analysis has been computed"})]},
                        out={"type": "array", "items": ref("Edge")},
                        sources={"type": "array", "items": {"type": "object"}},
                        chains={"type": "array", "items": STRS}, as_of=DAY,
                        **{"in": {"type": "array", "items": ref("Edge")}}),
    "Chains": _obj(["actor", "chains", "length"], actor=STR, as_of=DAY,
                   chains={"type": "array", "items": STRS},
                   length={**INT, "description": "control steps in the longest chain"}),
    "VoicePaths": _obj(["kind", "paths", "share", "deciders", "reached"], kind=STR,
                       formal_only=BOOL, paths=IDS_BY_STR, share=_nullable("number"), as_of=DAY,
                       deciders=INT, actors=INT,
                       reached={"type": "object", "additionalProperties": INT}),
    "Path": _obj(["from", "to", "path", "edges", "steps", "modes", "follow"], **{"from": STR},
                 to=STR, directed=BOOL, follow={"enum": ["any", "control"]}, as_of=DAY,
                 path={"type": ["array", "null"], "items": STR}, edges=STRS,
                 steps={"type": "array", "items": ref("Step")},
                 modes={**STRS, "description": "the relation modes the path followed"},
                 filters={"type": "object"}),
    "Finding": {**_obj(["id", "analysis", "text", "figure", "confirmed", "rests_on_inferred",
                        "confidence_text", "numbers", "link"],
                       id=STR, analysis=STR,
                       text={**STR, "description": "the finding as one plain sentence"},
                       figure=_obj(["path", "count", "value", "text"], path=STRS, count=BOOL,
                                   value={}, text=STR),
                       confirmed=_obj(["value", "text"], value={}, text=STR),
                       rests_on_inferred={**BOOL, "description":
                                          "the figure changes on confirmed facts only"},
                       confidence_text=STR,
                       numbers={"type": "array", "items": _obj(
                           ["path", "count", "value"], path=STRS, count=BOOL, value={})},
                       link=_obj(["label", "view", "url"], label=STR, url=STR,
                                 view={"type": "object", "additionalProperties": STR})),
                "description": "A finding: a sentence made from the analysis numbers; every "
                               "number it quotes sits at its `path` in the Analysis object."},
    "Metrics": _obj(["metrics", "notes"], metrics=_obj(
        ["layer", "accountability_load", "betweenness", "voice_reach"],
        layer={"type": "object", "additionalProperties": INT},
        accountability_load={"type": "object", "additionalProperties": INT},
        betweenness={"type": ["object", "null"], "additionalProperties": NUM},
        voice_reach={"type": ["object", "null"], "additionalProperties": INT,
                     "description": "deciders an actor's voice reaches, itself not counted"}),
        notes={"type": "object", "additionalProperties": STR,
               "description": "why a metric is null"}, filters={"type": "object"}),
    "Analysis": {**_obj(["scenario", "findings", "layers", "isolated", "steering_depth",
                         "steering_chains", "voice_reach", "decisive_voice_reach",
                         "accountability_load", "fragmentation", "hierarchy", "centrality"],
                        findings={"type": "array", "items": ref("Finding")},
                        layers={"type": "object", "additionalProperties": INT},
                        isolated=STRS, steering_depth=INT, as_of=DAY,
                        steering_chains={"type": "array", "items": STRS},
                        accountability_load={"type": "object", "additionalProperties": INT},
                        hierarchy={"type": "object",
                                   "additionalProperties": _nullable("number")}),
                 "description": "The `govgraph analyze --json` object (DESIGN section 6)."},
    "Comparison": _obj(["a", "b", "actors", "relations", "metrics", "summary", "actor_groups",
                        "relation_groups", "positions"], a=STR, b=STR,
                       as_of=_obj(["a", "b"], a=DAY, b=DAY),
                       actors={"type": "object"}, relations={"type": "object"},
                       metrics={"type": "object"},
                       summary={"type": "array", "description": "the main measures with human "
                                "names, A, B, the change and what it means", "items": _obj(
                                    ["metric", "name", "a", "b", "delta", "a_text", "b_text",
                                     "delta_text", "direction"], metric=STR, name=STR,
                                    a={}, b={}, delta={}, a_text=STR, b_text=STR,
                                    delta_text=STR, direction=STR)},
                       actor_groups={"type": "array", "description": "actors added, removed "
                                     "and changed, by kind and steering layer",
                                     "items": _obj(["change", "kind", "layer", "count", "text",
                                                    "ids"], change=STR, kind=STR, layer=INT,
                                                   count=INT, text=STR, ids=STRS)},
                       relation_groups={"type": "array", "description": "relations added, "
                                        "removed and changed, by type",
                                        "items": _obj(["change", "type", "count", "text", "ids"],
                                                      change=STR, type=STR, count=INT, text=STR,
                                                      ids=STRS)},
                       positions={"type": "object", "additionalProperties":
                                  _obj(["x", "y"], x=NUM, y=NUM)}),
    "Timeline": _obj(["scenario", "date", "step", "measures", "rows"], scenario=STR,
                     date=_nullable("string"), step=_nullable("string"),
                     measures={"type": "array", "items": _obj(["key", "name"], key=STR,
                                                               name=STR)},
                     rows={"type": "array", "items": _obj(
                         ["date", "actors", "relations", "chain"], date=STR, actors=INT,
                         relations=INT, chain=STRS,
                         enter={"type": "object"}, leave={"type": "object"})}),
    "QueryRequest": _obj(["cypher"], cypher={**STR, "minLength": 1}, params={
        "type": ["object", "null"], "description": "Values of the $parameters; null means none."}),
    "QueryResult": _obj(["columns", "rows", "truncated", "elapsed_ms", "store"], columns=STRS,
                        rows={"type": "array", "items": {"type": "array"}}, truncated=BOOL,
                        elapsed_ms=NUM, store={"enum": ["embedded", "neo4j"]}),
    "Uploaded": _obj(["ok", "scenarios", "links"], ok={"const": True}, scenarios=STRS,
                     links=ref("Links"), notice={
                         **_nullable("string"), "description": "Set when the first scenario "
                         "needs a mapping to governance meaning (a foreign file); "
                         "links.mapping then names its mapping page."},
                     notices={"type": "object", "additionalProperties": STR,
                              "description": "Scenario id -> notice, for each that has one."}),
    "MappingDocument": {"type": "object", "required": ["govgraph_mapping"],
                        "description": "A mapping file's document (docs/format.md).",
                        "properties": {"govgraph_mapping": {"const": 1},
                                       "scenario": {"type": ["object", "null"]},
                                       "kinds": {"type": ["object", "null"]},
                                       "relation_types": {"type": ["object", "null"]}}},
    "MappingSuggestions": _obj(["scenario", "kinds", "relation_types", "attributes", "mapping"],
                               scenario=STR, notice=_nullable("string"),
                               kinds={"type": "object"}, relation_types={"type": "object"},
                               attributes={"type": "object"}, mapping=ref("MappingDocument"),
                               links={"type": "object"}),
    "MappingPreview": _obj(["ok", "problems", "mapping_yaml"], ok=BOOL,
                           problems={"type": "array", "items": {"type": "object"}},
                           mapping_yaml=STR, scenario={"type": "object"},
                           notice=_nullable("string"), counts={"type": "object"},
                           steering_depth=INT),
    "Deleted": _obj(["ok"], ok={"const": True}, deleted=STR),
}  # fmt: skip


def _param(name: str, where: str, schema: dict[str, Any], text: str, **extra: Any):
    return {"name": name, "in": where, "schema": schema, "description": text, **extra}


def _query(name: str, schema: dict[str, Any], text: str, required: bool = False, **extra: Any):
    return _param(name, "query", schema, text, required=required, **extra)


LIST = {"type": "string", "description": "comma-separated list"}
#: A flag parameter: exactly these values (app.graphview.FLAGS), anything else is a 400.
FLAG = {"type": "string", "enum": list(FLAGS)}
#: A non-empty id (an empty one is a 400; an unknown one a 404).
ID = {"type": "string", "minLength": 1}
YEAR = "(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})"
AS_OF = {
    "anyOf": [
        {"type": "string", "pattern": f"^{YEAR}(-(0[1-9]|1[0-2]))?$"},
        {"type": "string", "format": "date"},
        {"type": "string", "enum": ["all"]},
    ],
    "description": "YYYY, YYYY-MM or YYYY-MM-DD (a real calendar date; a year or month "
    "means its last day), or `all` for every fact whatever its dates",
}
#: How every view reads ``as_of`` (docs/format.md, "Dates and the default moment").
AS_OF_TEXT = (
    "Show the scenario as it stood on this day: keep the actors and relations whose "
    "`since`/`until` contain it (`since` from the first day of its period, `until` to the "
    "last). A year or month means its last day (`2022-07` is 31 July 2022). Left out, the "
    "scenario's own `date` applies (all time when it has none); `all` keeps every fact. "
    "Answers carry `as_of`: the day shown, or null for all time."
)
#: One side of a comparison: a scenario id, or ``id@date`` for the scenario on that date.
_MONTH_DAY = "((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)"
SIDE = {
    "anyOf": [
        {"type": "string", "pattern": "^[^@]+$"},
        {"type": "string", "pattern": f"^[^@]+@(all|{YEAR}(-(0[1-9]|1[0-2]))?)$"},
        {"type": "string", "pattern": f"^[^@]+@{YEAR}-{_MONTH_DAY}$"},
    ],
    "description": "a scenario id, or `id@date` (a date as in `as_of`, or `all`)",
}


def known_list(values: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """Return the schema of a comma-separated list of known values (spaces and empty items
    allowed, as :func:`app.graphview.Filters.from_args` reads it)."""
    item = f" *({'|'.join(values)})? *"
    return {**LIST, "pattern": f"^{item}(,{item})*$"}


#: Kinds and relation types: the core ones (the schema), or ones the scenario declares.
DECLARED = (
    "The core vocabulary, or a term the scenario declares (its `vocabulary` in GET "
    "/api/scenarios/{scenario_id}); any other value is a 400 `unknown-%s` naming the closest "
    "valid one. A valid kind or type without actors or relations gives an empty answer."
)


SCENARIO = _param(
    "scenario_id",
    "path",
    STR,
    "Scenario id.",
    required=True,
    examples={"bundled": {"value": "nplv-2022"}},
)
ACTOR = _param(
    "actor_id", "path", STR, "Actor id.", required=True, examples={"bundled": {"value": "min-bzk"}}
)
BASE_FILTERS = [
    _query("as_of", AS_OF, AS_OF_TEXT),
    _query("confirmed_only", FLAG, "Leave out inferred and uncertain facts."),
]
VIEW_FILTERS = BASE_FILTERS + [
    _query("kinds", known_list(CORE_KINDS), f"Actor kinds to keep. {DECLARED % 'kind'}"),
    _query("types", known_list(tuple(CORE_RELATION_TYPES)),
           f"Relation types to keep. {DECLARED % 'type'}"),
    _query("levels", known_list(LEVELS), f"Levels to keep: {', '.join(LEVELS)}."),
    _query("modes", known_list(MODES), f"Relation modes to keep: {', '.join(MODES)}."),
    _query("confidence", known_list(CONFIDENCES),
           f"Confidences to keep: {', '.join(CONFIDENCES)}."),
    _query("sector", STR, "Keep actors in this sector."),
    _query("layer_min", INT, "Lowest steering layer to keep."),
    _query("layer_max", INT, "Deepest steering layer to keep."),
    _query("q", STR, "Text searched in actor id, name and description."),
    _query("focus", STR, "Keep only actors within `depth` hops of this actor."),
    _query("depth", {**INT, "minimum": 0, "maximum": 10, "default": 1}, "Hops around `focus`."),
    _query("frame", {"enum": ["all"]}, "`all`: place the actors (and give their layers) as on "
           "the all-time graph, so a timeline stepping through dates never moves an actor."),
]  # fmt: skip


def _error(text: str) -> dict[str, Any]:
    return {"description": text, "content": {JSON: {"schema": ref("Error")}}}


def _ok(schema: str, text: str = "OK") -> dict[str, Any]:
    return {"description": text, "content": {JSON: {"schema": ref(schema)}}}


def _op(summary: str, ok: dict[str, Any], *errors: int, params=(), **extra: Any):
    responses = {"200": ok} if "201" not in extra.get("responses", {}) else {}
    responses.update(extra.pop("responses", {}))
    responses.update({str(code): _error(ERROR_TEXT[code]) for code in errors})
    responses["default"] = _error("Any other error, in the one error shape.")
    return {"summary": summary, "parameters": list(params), "responses": responses, **extra}


REPORT_FILE = {
    "description": "The report as an attachment: self-contained HTML (opens "
    "offline) or a PDF printed by headless Chromium.",
    "content": {
        "text/html": {"schema": {"type": "string"}},
        "application/pdf": {"schema": {"type": "string", "format": "binary"}},
    },
}
REPORT_PARAMS = [
    _query("format", {"enum": ["html", "pdf"], "default": "html"}, "html or pdf."),
    *BASE_FILTERS,
    _query("as_of_a", AS_OF, "A's date, when it differs from B's (beats as_of)."),
    _query("as_of_b", AS_OF, "B's date, so a scenario can be set against itself (beats as_of)."),
]


ERROR_TEXT = {
    400: "Bad parameters (a kind or relation type outside the scenario's vocabulary is "
    "`unknown-kind` or `unknown-type`), bad input (with located problems) or a refused query.",
    401: "The admin token is missing or wrong.",
    403: "Writes are refused: the request comes from another page (an Origin other than "
    "this server's, `Origin: null`, or `Sec-Fetch-Site` other than `same-origin` or `none`), "
    "or no admin token is configured.",
    404: "Not loaded or not found.",
    409: "A scenario with this id is already loaded (send replace=1).",
    413: "The upload is larger than GOVGRAPH_MAX_UPLOAD_MB.",
    429: "As many console queries as GOVGRAPH_QUERY_WORKERS allows are running "
    "(`query-busy`); try again after `Retry-After` seconds.",
    503: "The store is unavailable.",
    504: "The query ran past GOVGRAPH_QUERY_TIMEOUT and was stopped.",
}
WRITE_AUTH = [{}, {"adminToken": []}]
UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {"schema": _obj(["file"], file={"type": "string",
                                "contentMediaType": "application/octet-stream"},
                                replace=FLAG, token=STR)},
        "application/octet-stream": {"schema": {"type": "string",
                                                "contentMediaType": "application/octet-stream"}},
    },
}  # fmt: skip


MAPPING_BODY = {
    "required": True,
    "content": {JSON: {"schema": _obj(["mapping"], mapping=ref("MappingDocument"))}},
}  # fmt: skip


def _export_schema(media: str) -> dict[str, Any]:
    # A client may parse a JSON or YAML export: it holds one scenario document (an object).
    return {"type": "object"} if media in (JSON, "application/yaml") else {"type": "string"}


EXPORT_OK = {
    "description": "The file (csv: a zipped folder of CSV files; html: the offline explorer).",
    "content": {media: {"schema": _export_schema(media)} for media, _ in EXPORT_TYPES.values()},
}

#: (path, method) -> operation, by Flask endpoint name; tests check it covers the blueprint.
API_PATHS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "api.health": ("/healthz", "get", _op("Store health and scenario count.", _ok("Health"),
                                          503)),
    "api.list_scenarios": ("/api/scenarios", "get", _op("List loaded scenarios.",
                                                        _ok("ScenarioList"), 503)),
    "api.upload": ("/api/scenarios", "post", _op(
        "Upload a scenario file (YAML, JSON, XLSX, zipped CSV folder, GraphML, GEXF), or a "
        "graph from another tool (yEd, Gephi, Kumu, networkx, APOC; CSV files sent together "
        "in several 'file' fields are one scenario's node and edge tables).",
        {}, 400, 401, 403, 409, 413, 503,
        params=[_query("filename", STR, "File name of a raw-body upload (its suffix names the "
                       "format).", example="scenario.yaml"), _query("replace", FLAG,
                                           "Replace a loaded scenario with the same id.")],
        requestBody=UPLOAD_BODY, security=WRITE_AUTH,
        responses={"201": _ok("Uploaded", "Loaded.")})),
    "mapping.show_mapping": ("/api/scenarios/{scenario_id}/mapping", "get", _op(
        "The scenario's own node and relation types (foreign files) with counts and "
        "suggested kinds and relation types, and the suggested mapping.",
        _ok("MappingSuggestions"), 404, params=[SCENARIO])),
    "mapping.preview": ("/api/scenarios/{scenario_id}/mapping/preview", "post", _op(
        "Apply a mapping without saving: counts, notice, steering depth, or the problems.",
        _ok("MappingPreview"), 400, 404, params=[SCENARIO], requestBody=MAPPING_BODY)),
    "mapping.save": ("/api/scenarios/{scenario_id}/mapping", "post", _op(
        "Save the mapped scenario under the mapping's scenario id.", {}, 400, 401, 403, 404,
        409, params=[SCENARIO, _query("replace", FLAG, "Replace a loaded scenario with the "
                                      "same id.")], requestBody=MAPPING_BODY,
        security=WRITE_AUTH, responses={"201": _ok("Uploaded", "Saved.")})),
    "mapping.download": ("/api/scenarios/{scenario_id}/mapping/download", "post", _op(
        "The mapping file, or the mapped scenario as govgraph YAML.",
        {"description": "A YAML document (a mapping file or a scenario).", "content": {
            "application/yaml": {"schema": {"type": "object"}}}},
        400, 404, params=[SCENARIO, _query(
            "what", {"enum": ["mapping", "scenario"], "default": "mapping"},
            "The mapping file or the mapped scenario.")], requestBody=MAPPING_BODY)),
    "api.show_scenario": ("/api/scenarios/{scenario_id}", "get", _op(
        "One scenario's header, sources, vocabulary and counts.", _ok("ScenarioDetail"), 404,
        params=[SCENARIO])),
    "api.delete": ("/api/scenarios/{scenario_id}", "delete", _op(
        "Remove a loaded scenario.", _ok("Deleted"), 401, 403, 404, params=[SCENARIO],
        security=WRITE_AUTH)),
    "api.show_graph": ("/api/scenarios/{scenario_id}/graph", "get", _op(
        "Nodes with steering layer and layered position, edges, legend; view filters apply.",
        _ok("GraphView"), 400, 404, params=[SCENARIO, *VIEW_FILTERS, _query(
            "aggregate", FLAG, "Group actors by (layer, kind).")])),
    "api.show_actor": ("/api/scenarios/{scenario_id}/actors/{actor_id}", "get", _op(
        "One actor with relations, sources, layer, load, betweenness and chains.",
        _ok("ActorDetail"), 400, 404, params=[SCENARIO, ACTOR, *BASE_FILTERS, _query(
            "reference", STR, "Also measure the shortest chain of control from this actor "
            "(empty: none).",
            example="min-bzk")])),
    "api.show_chain": ("/api/scenarios/{scenario_id}/chain/{actor_id}", "get", _op(
        "Longest control chains ending at an actor.", _ok("Chains"), 400, 404,
        params=[SCENARIO, ACTOR, *BASE_FILTERS])),
    "api.show_voice_paths": ("/api/scenarios/{scenario_id}/voice-paths", "get", _op(
        "Deciders reached by an actor kind through voice relations, with paths.",
        _ok("VoicePaths"), 400, 404, params=[SCENARIO, *BASE_FILTERS,
            _query("kind", {"enum": list(CORE_KINDS), "default": "resident_group"},
                   f"Actor kind followed. {DECLARED % 'kind'}"),
            _query("formal_only", FLAG, "Only relations marked formal.")])),
    "api.show_path": ("/api/scenarios/{scenario_id}/path", "get", _op(
        "A shortest path between two actors.", _ok("Path"), 400, 404, params=[SCENARIO,
            _query("from", ID, "Start actor id.", True, example="min-bzk"),
            _query("to", ID, "End actor id.", True, example="bewoners-arnhem-oost"),
            _query("directed", FLAG, "Follow relation direction."),
            _query("follow", {"enum": ["any", "control"], "default": "any"},
                   "`any` relation, or `control` as it flows (from the controller down)."),
            *BASE_FILTERS])),
    "api.show_metrics": ("/api/scenarios/{scenario_id}/metrics", "get", _op(
        "Per-actor metrics the explorer sizes and colours by.", _ok("Metrics"), 400, 404,
        params=[SCENARIO, *BASE_FILTERS])),
    "api.show_analysis": ("/api/scenarios/{scenario_id}/analysis", "get", _op(
        "Every steering metric (the analyze --json object). An analysis not ready within a "
        "second answers 202 and goes on computing: ask the `poll` URL again.", _ok("Analysis"),
        400, 404, params=[SCENARIO, *BASE_FILTERS], responses={"202": {
            "description": "Still computing: ask `poll` again (also in Location).",
            "content": {JSON: {"schema": _obj(["status", "poll", "elapsed_s"],
                status={"enum": ["computing"]}, poll=STR, elapsed_s={"type": "number"})}}}})),
    "api.export": ("/api/scenarios/{scenario_id}/export", "get", _op(
        "Download a scenario, cut to the view filters. Like every view it shows the "
        "scenario's own date unless `as_of` says otherwise: send `as_of=all` for every fact "
        "(a lossless copy). Headers X-Govgraph-As-Of (the day, or `all`), X-Govgraph-Actors "
        "and X-Govgraph-Relations (`kept of total`) say what was cut; a file cut to an "
        "explicit date carries that date as its scenario `date`. `format=html` is the "
        "explorer itself as one self-contained file that opens offline (from disk, nothing "
        "fetched): the same map, bands, labels, legend, details panel and search, holding "
        "the view of these filters; the explorer's view keys (`layout`, `aggregate`, `open`, "
        "`select`, `size`, `colour`, ...) set where it opens. The file is written in a "
        "child process, so the server answers other requests meanwhile; identical requests "
        "at once share one writing, and the file is kept in the view cache (until a write, "
        "or GOVGRAPH_CACHE_SECONDS) unless it alone exceeds GOVGRAPH_CACHE_MB.",
        EXPORT_OK, 400, 404,
        params=[SCENARIO, _query("format", {"enum": list(EXPORT_FORMATS), "default": "yaml"},
                                 "Interchange format, or html for the offline explorer."),
                *VIEW_FILTERS])),
    "api.show_timeline": ("/api/scenarios/{scenario_id}/timeline", "get", _op(
        "The scenario over time: steering depth, control arcs, deciders, voice and decisive "
        "voice reach and the frontline groups' accountability load at every day it changes "
        "(each row equals the analysis as of its `date`), with the first longest chain and, "
        "without `step`, the actor and relation ids entering and leaving at each stop.",
        _ok("Timeline"), 400, 404, params=[SCENARIO,
            _query("step", {"enum": ["month", "quarter", "year"]}, "Instead of the change "
                   "days, the last day of every month, quarter or year."),
            _query("confirmed_only", FLAG, "Leave out inferred and uncertain facts.")])),
    "api.compare": ("/api/compare", "get", _op(
        "Compare two scenarios, or one scenario at two dates (`a=nplv-2022@2022-07-04&"
        "b=nplv-2022@2025-01-01`): the compare --json object with shared positions.",
        _ok("Comparison"), 400, 404, params=[
            _query("a", SIDE, "First scenario id, or `id@date` (a date as in `as_of`, or "
                   "`all`).", True, example="nplv-2022@2022-07-04"),
            _query("b", SIDE, "Second scenario id, or `id@date`.", True,
                   example="nplv-2022@2025-01-01"),
            _query("as_of_a", AS_OF, "The first side's date when `a` has no `@date`."),
            _query("as_of_b", AS_OF, "The second side's date when `b` has no `@date`."),
            *BASE_FILTERS])),
    "api.query": ("/api/query", "post", _op(
        "Run one read-only Cypher statement (time- and row-limited).", _ok("QueryResult"),
        400, 429, 503, 504, requestBody={"required": True, "content": {
            JSON: {"schema": ref("QueryRequest")}}})),
    "pages.scenario_report": ("/scenarios/{scenario_id}/report", "get", _op(
        "The report to cite, as one file: findings, map, charts, tables, sources, method.",
        REPORT_FILE, 400, 404, 503, params=[SCENARIO, *REPORT_PARAMS, _query(
            "compare", ID, "A second scenario to compare with (B).")])),
    "pages.compare_report": ("/compare/report", "get", _op(
        "The report on the comparison of two scenarios, as one file.",
        REPORT_FILE, 400, 404, 503, params=[
            _query("a", ID, "First scenario id.", True, example="nplv-2022"),
            _query("b", ID, "Second scenario id.", True, example="wijkaanpak-manifest"),
            *REPORT_PARAMS])),
    "openapi.document_json": ("/openapi.json", "get", _op(
        "This document.", {"description": "The OpenAPI 3.1 document.",
                           "content": {JSON: {"schema": {"type": "object"}}}})),
}  # fmt: skip


def openapi_path(rule: str) -> str:
    """Return a Flask rule as an OpenAPI path: ``/a/<path:x>`` becomes ``/a/{x}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


#: Routes that serve files (scripts, styles, images): any media type.
FILE_ENDPOINTS = frozenset({"static", "pages.vendor"})


def _generated(app: Flask, endpoint: str, rule_text: str) -> dict[str, Any]:
    """Describe a page or static route from its view's docstring."""
    doc = (app.view_functions[endpoint].__doc__ or endpoint).strip().splitlines()[0]
    names = re.findall(r"{([^}]+)}", openapi_path(rule_text))
    params = [_param(n, "path", STR, n.replace("_", " ") + ".", required=True) for n in names]
    if endpoint in FILE_ENDPOINTS:
        media, schema = "*/*", {}
    elif rule_text.endswith(".json"):
        media, schema = JSON, {"type": "object"}
    else:
        media, schema = "text/html", {"type": "string"}
    responses = {
        "200": {"description": "OK", "content": {media: {"schema": schema}}},
        "404": _error_page("Not found."),
        "default": _error_page("Any other error, in the one error shape."),
    }
    return {"summary": doc, "parameters": params, "responses": responses, "tags": ["pages"]}


def _error_page(text: str) -> dict[str, Any]:
    """An error of a page: an HTML page for a browser, the one JSON shape for a JSON client."""
    html = {"schema": {"type": "string"}}
    return {"description": text, "content": {**_error(text)["content"], "text/html": html}}


def document(app: Flask) -> dict[str, Any]:
    """Return the OpenAPI document for ``app``: the API by hand, its other routes generated."""
    paths: dict[str, dict[str, Any]] = {}
    for path, method, operation in API_PATHS.values():
        paths.setdefault(path, {})[method] = {**operation, "tags": ["api"]}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in API_PATHS:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            entry = paths.setdefault(openapi_path(rule.rule), {})
            entry.setdefault(method.lower(), _generated(app, rule.endpoint, rule.rule))
    return {
        "openapi": "3.1.0",
        "info": {"title": "govgraph", "version": _version(),
                 "description": "Governance structure graph explorer: JSON API. Every error "
                                "has the `Error` shape."},
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": SCHEMAS, "securitySchemes": {
            "adminToken": {"type": "http", "scheme": "bearer",
                           "description": "GOVGRAPH_ADMIN_TOKEN; writes need it unless the "
                                          "server is bound to loopback."}}},
    }  # fmt: skip


def _version() -> str:
    try:
        return importlib.metadata.version("govgraph")
    except importlib.metadata.PackageNotFoundError:
        return "0"


@bp.get("/openapi.json")
def document_json() -> Any:
    """The OpenAPI 3.1 document describing every endpoint (built once per app)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if "govgraph.openapi" not in app.extensions:
        app.extensions["govgraph.openapi"] = document(app)
    return jsonify(app.extensions["govgraph.openapi"])
