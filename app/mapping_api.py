"""The mapping step: a foreign scenario's own node and relation types -> governance meaning.

``GET /api/scenarios/<id>/mapping`` lists the scenario's foreign types with suggestions;
``POST .../mapping/preview`` applies a mapping and answers with the result's counts, notice,
validation problems and steering depth; ``POST .../mapping`` saves the result as a scenario;
``POST .../mapping/download?what=mapping|scenario`` answers with the mapping file or the
mapped scenario as govgraph YAML. The page ``/scenarios/<id>/mapping`` uses all four.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, jsonify, request

from app import graphview as views
from app.api import require_write
from app.errors import BadRequest, Conflict
from app.store import get_store
from graph.errors import ValidationFailed
from graph.formats import write_scenario
from graph.formats.foreign import mapping_notice
from graph.mapping import TypeMapping, apply_mapping, mapping_yaml, parse_mapping, suggest
from graph.model import Scenario
from graph.network import to_networkx

__all__ = ["bp", "notice_of"]

bp = Blueprint("mapping", __name__)


def notice_of(scenario_id: str) -> str | None:
    """Return the loaded scenario's mapping notice (cached until the next write)."""
    store = get_store()
    notice: str | None = store.cached(
        ("notice", scenario_id), lambda: mapping_notice(store.scenario(scenario_id))
    )
    return notice


@bp.get("/api/scenarios/<scenario_id>/mapping")
def show_mapping(scenario_id: str) -> Any:
    """The scenario's foreign node and relation types with counts and suggested meanings."""
    scenario = get_store().scenario(scenario_id)
    found = suggest(scenario)
    found["mapping"].setdefault("scenario", _default_head(scenario))
    return {"scenario": scenario_id, "notice": mapping_notice(scenario), **found,
            "links": {**views.scenario_links(scenario_id),
                      "page": f"/scenarios/{scenario_id}/mapping"}}  # fmt: skip


def _default_head(scenario: Scenario) -> dict[str, str]:
    return {"id": f"{scenario.id}-mapped"[:100], "title": f"{scenario.info.title} (mapped)"}


def _posted_mapping() -> TypeMapping:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("mapping"), dict):
        raise BadRequest("send JSON {\"mapping\": {...}}",
                         hint="The mapping document as GET .../mapping gives it.")  # fmt: skip
    return parse_mapping(body["mapping"], "mapping")


def _mapped(scenario_id: str) -> tuple[TypeMapping, Scenario]:
    rules = _posted_mapping()
    return rules, apply_mapping(get_store().scenario(scenario_id), rules, file="mapping")


@bp.post("/api/scenarios/<scenario_id>/mapping/preview")
def preview(scenario_id: str) -> Any:
    """The mapped scenario's counts, notice, steering depth and validation, nothing saved."""
    rules = _posted_mapping()
    try:
        result = apply_mapping(get_store().scenario(scenario_id), rules, file="mapping")
    except ValidationFailed as exc:
        return {"ok": False, "problems": [p.to_dict() for p in exc.problems],
                "mapping_yaml": mapping_yaml(rules)}  # fmt: skip
    return {"ok": True, "problems": [], **summary(result), "mapping_yaml": mapping_yaml(rules)}


def summary(scenario: Scenario) -> dict[str, Any]:
    """Return what a preview shows: counts by kind and type, notice and steering depth."""
    from graph.analysis.layers import steering_depth

    return {
        "scenario": {"id": scenario.id, "title": scenario.info.title},
        "notice": mapping_notice(scenario),
        "counts": {
            "actors": len(scenario.actors),
            "relations": len(scenario.relations),
            "kinds": dict(Counter(a.kind for a in scenario.actors).most_common()),
            "types": dict(Counter(r.type for r in scenario.relations).most_common()),
        },
        "steering_depth": steering_depth(to_networkx(scenario)),
    }


@bp.post("/api/scenarios/<scenario_id>/mapping")
def save(scenario_id: str) -> Any:
    """Save the mapped scenario under the mapping's scenario id; 409 when that id is loaded
    unless ``replace=1``."""
    require_write()
    _, result = _mapped(scenario_id)
    store = get_store()
    with store.write_lock:
        if store.has_scenario(result.id) and not views.parse_flag(request.args, "replace"):
            raise Conflict(f"scenario already loaded: {result.id}")
        store.load([result])
    response = jsonify({"ok": True, "scenarios": [result.id],
                        "links": views.scenario_links(result.id)})  # fmt: skip
    response.status_code = 201
    response.headers["Location"] = f"/api/scenarios/{result.id}"
    return response


@bp.post("/api/scenarios/<scenario_id>/mapping/download")
def download(scenario_id: str) -> Response:
    """The mapping file (``what=mapping``) or the mapped scenario as YAML (``what=scenario``)."""
    what = request.args.get("what", "mapping")
    if what not in ("mapping", "scenario"):
        raise BadRequest(f"unknown download '{what}'", hint="Use what=mapping or what=scenario.")
    rules, result = _mapped(scenario_id)
    if what == "mapping":
        name = f"{scenario_id}-mapping.yaml"
        text = mapping_yaml(rules)
    else:
        name = f"{result.id}.yaml"
        with tempfile.TemporaryDirectory(prefix="govgraph-map-") as folder:
            write_scenario(result, "yaml", Path(folder) / name)
            text = (Path(folder) / name).read_text(encoding="utf-8")
    response = Response(text, mimetype="application/yaml")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
