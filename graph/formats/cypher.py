"""A Cypher script that loads a scenario into Neo4j with the DESIGN section 4 mapping.

``(:Scenario {id, title, description, date, vocabulary})`` (vocabulary as JSON text when
declared), ``(:Source {scenario, id, ...})``, ``(:Actor:<KindInPascalCase> {scenario, id,
...})`` and relationships of each relation's type with its properties plus ``scenario``.
The script first removes a scenario with the same id, then ``MERGE``s everything on
``(scenario, id)``, so running it twice gives the same graph. Values are written as escaped
literals; labels and types come from the validated vocabulary only.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from pathlib import Path
from typing import Any

from graph.model import Actor, Relation, Scenario
from graph.vocabulary import kind_label

__all__ = ["literal", "cypher_script", "write_cypher"]

_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def literal(value: Any) -> str:
    """Return a Python value as a Cypher literal.

    Examples
    --------
    >>> literal("it's")
    "'it\\\\'s'"
    >>> literal([1.5e20, True, None])
    '[1.5e20, true, null]'
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} has no Cypher literal")
        return repr(value).replace("e+", "e")  # Cypher exponents take no '+'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    return "'" + "".join(_ESCAPES.get(c, c) for c in str(value)) + "'"


def _map(values: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in values.items() if v is not None) + "}"


def _key(scenario_id: str, item_id: str) -> str:
    return _map({"scenario": scenario_id, "id": item_id})


def _actor(sid: str, actor: Actor) -> str:
    props = {k: v for k, v in asdict(actor).items() if k != "id"}
    label = kind_label(actor.kind)
    return f"MERGE (n:Actor {_key(sid, actor.id)}) SET n:`{label}` SET n += {_map(props)};"


def _relation(sid: str, rel: Relation) -> str:
    props = {k: v for k, v in asdict(rel).items() if k not in ("id", "source", "target", "type")}
    ends = f"MATCH (a:Actor {_key(sid, rel.source)}), (b:Actor {_key(sid, rel.target)}) "
    return ends + f"MERGE (a)-[r:`{rel.type}` {_key(sid, rel.id)}]->(b) SET r += {_map(props)};"


def _header(scenario: Scenario) -> list[str]:
    sid = literal(scenario.id)
    info = {k: v for k, v in asdict(scenario.info).items() if k != "id"}
    vocabulary = scenario.vocabulary.to_dict()
    if vocabulary:
        info["vocabulary"] = json.dumps(vocabulary, ensure_ascii=False)
    return [
        "CREATE CONSTRAINT actor_key IF NOT EXISTS "
        "FOR (n:Actor) REQUIRE (n.scenario, n.id) IS UNIQUE;",
        f"MATCH (n:Actor {{scenario: {sid}}}) DETACH DELETE n;",
        f"MATCH (n:Source {{scenario: {sid}}}) DETACH DELETE n;",
        f"MATCH (n:Scenario {{id: {sid}}}) DETACH DELETE n;",
        f"CREATE (:Scenario {_map({'id': scenario.id, **info})});",
    ]


def cypher_script(scenario: Scenario) -> str:
    """Return the Cypher script that (re)loads ``scenario``, one statement per line."""
    lines = [f"// govgraph scenario {scenario.id}: replaces any scenario with this id"]
    lines += _header(scenario)
    for source in scenario.sources:
        props = {k: v for k, v in asdict(source).items() if k != "id"}
        lines.append(f"MERGE (n:Source {_key(scenario.id, source.id)}) SET n += {_map(props)};")
    lines += [_actor(scenario.id, a) for a in scenario.actors]
    lines += [_relation(scenario.id, r) for r in scenario.relations]
    return "\n".join(lines) + "\n"


def write_cypher(scenario: Scenario, path: Path) -> None:
    """Write the Cypher script of a scenario to a file."""
    path.write_text(cypher_script(scenario), encoding="utf-8")
