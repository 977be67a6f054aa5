"""Validation of interchange documents: every problem at once, each with its place (DESIGN 3).

:func:`validate_document` turns a parsed document (the dict a YAML or JSON file gives, or
the one a spreadsheet reader assembles) into a :class:`graph.model.Scenario`, or raises
:class:`graph.errors.ValidationFailed` listing every problem. Nothing is half-built: the
scenario exists only when the whole document is clean. The codes are stable; docs/format.md
lists them with their meaning.

The checks themselves are in :mod:`graph.validation_rules`, shared with the fast path for
plainly written documents (:mod:`graph.validation_fast`), which is tried first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.errors import Problem, ValidationFailed
from graph.model import (
    Scenario,
    mark_consistent,
)
from graph.validation_fast import fast_scenario
from graph.validation_rules import (
    _BAD,
    ACTOR_SPEC,
    ID_PATTERN,
    RELATION_ID_PATTERN,
    RELATION_SPEC,
    SOURCE_SPEC,
    SUPPORTED_VERSIONS,
    TOP_LEVEL_FIELDS,
    TYPE_FIELDS,
    Locate,
    _build,
    _check_actor,
    _check_ids,
    _check_relation,
    _check_text,
    _Checker,
    _records,
    _relation_ids,
    _scenario_info,
    _unknown_fields,
    _version,
    _vocabulary,
    closest,
)

__all__ = [
    "validate_document",
    "SUPPORTED_VERSIONS",
    "TOP_LEVEL_FIELDS",
    "ID_PATTERN",
    "RELATION_ID_PATTERN",
    "closest",
    "TYPE_FIELDS",
]


def validate_document(
    doc: dict[str, Any],
    *,
    file: str | None = None,
    locate: Locate | None = None,
    fast: bool = True,
) -> Scenario:
    """Return the scenario a parsed interchange document describes, or report every problem.

    Parameters
    ----------
    doc : dict
        The parsed document (``govgraph``, ``scenario``, ``sources``, ``vocabulary``,
        ``actors``, ``relations``).
    file : str, optional
        The file name to put in each problem.
    locate : callable, optional
        Maps a path such as ``("actors", 3, "kind")`` to a place dict such as ``{"line": 12}``
        or ``{"sheet": "actors", "row": 5}``. It is only called when a problem is reported.
    fast : bool
        Try :func:`graph.validation_fast.fast_scenario` first (the same result for the plain
        valid documents it accepts); False runs the full checks on every field.

    Returns
    -------
    Scenario
        The scenario, built only when the whole document is valid.

    Raises
    ------
    ValidationFailed
        With every problem found, each with its code, place, culprit value and hint.

    Examples
    --------
    >>> doc = {"govgraph": 1, "scenario": {"id": "demo", "title": "Demo"},
    ...        "actors": [{"id": "a", "name": "A", "kind": "ministry"}],
    ...        "relations": [{"from": "a", "to": "a", "type": "STEERS"}]}
    >>> validate_document(doc).relations[0].id
    'a:STEERS:a'
    >>> doc["actors"][0]["kind"] = "minstry"
    >>> try:
    ...     validate_document(doc, file="demo.yaml", locate=lambda path: {"line": 3})
    ... except ValidationFailed as exc:
    ...     print(exc.problems[0])
    demo.yaml:3: [unknown-kind] unknown actor kind 'minstry' (value: 'minstry'). Hint: Did you mean 'ministry'? Use a core kind or declare it under 'vocabulary: {kinds: [...]}'.
    """  # noqa: E501
    quick = fast_scenario(doc) if fast else None
    if quick is not None:
        return quick
    ck = _Checker(file, locate)
    if not isinstance(doc, Mapping):
        ck.report(
            "wrong-type",
            (),
            "the document must be a mapping of sections",
            "Start the file with 'govgraph: 1' and 'scenario: {...}'.",
            doc,
        )
        raise ValidationFailed(ck.problems)
    _check_text(ck, doc, ())
    scenario = _check_document(ck, doc)
    if ck.problems or scenario is None:
        raise ValidationFailed(sorted(ck.problems, key=_order))
    return mark_consistent(scenario)


def _order(problem: Problem) -> tuple[str, str, int]:
    return (problem.file or "", problem.sheet or "", problem.line or problem.row or 0)


def _raw_ids(doc: Mapping[str, Any], actors: list[tuple[int, dict[str, Any]]]) -> set[str]:
    return {str(doc["actors"][i].get("id")) for i, rec in actors if rec.get("id") is _BAD}


def _check_document(ck: _Checker, doc: Mapping[str, Any]) -> Scenario | None:
    _version(ck, doc)
    _unknown_fields(ck, (), doc, TOP_LEVEL_FIELDS)
    info = _scenario_info(ck, doc)
    sources = _records(ck, doc, "sources", SOURCE_SPEC, ("id",))
    source_ids = _check_ids(ck, "sources", ((i, r.get("id")) for i, r in sources), "source")
    vocab = _vocabulary(ck, doc)
    actors = _records(ck, doc, "actors", ACTOR_SPEC, ("id", "name", "kind"))
    actor_ids = _check_ids(ck, "actors", ((i, r.get("id")) for i, r in actors), "actor")
    actor_ids |= _raw_ids(doc, actors)  # a malformed id is still the one relations mean
    for i, rec in actors:
        _check_actor(ck, i, rec, vocab, source_ids)
    rels = _records(ck, doc, "relations", RELATION_SPEC, ("from", "to", "type"))
    rel_ids = _relation_ids(rels)
    _check_ids(ck, "relations", rel_ids, "relation")
    for i, rec in rels:
        _check_relation(ck, i, rec, vocab, actor_ids, source_ids)
    if ck.problems:
        return None
    ordered = [(rid, rec) for (_, rid), (_, rec) in zip(rel_ids, rels, strict=True)]
    return _build(info, sources, vocab, actors, ordered)
