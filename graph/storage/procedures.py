"""The schema procedures Neo4j Browser users call, answered alike by both stores.

``CALL db.labels()``, ``db.relationshipTypes()``, ``db.propertyKeys()`` and
``db.schema.visualization()`` are answered here from each store's data through the common
Cypher subset, so the embedded store and Neo4j give the same rows: a Neo4j database keeps
tokens of deleted data (``db.propertyKeys()`` lists them) and the embedded store has tables
instead of labels. A procedure is called at the start of a statement, optionally with
``YIELD`` (``AS``, ``WHERE``) and further clauses; those run on the store itself over the
procedure's rows (``UNWIND $rows ...``), so ``RETURN``, ``ORDER BY`` and aggregates behave as
in any query. Every other procedure is refused by the guard with one message
(:data:`graph.storage.cypher_guard.READ_ONLY_PROCEDURES` is the one allowlist).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from graph.errors import QueryRejected
from graph.model import Actor, Relation, ScenarioInfo, Source
from graph.storage.base import QueryResult
from graph.storage.cypher_guard import (
    PROCEDURE_NAMES,
    READ_ONLY_PROCEDURES,
    Lexeme,
    check_parameters,
    guard,
    lexemes,
)
from graph.vocabulary import kind_label

__all__ = ["PROCEDURES", "ProcedureCall", "procedure_call", "Procedure"]

Run = Callable[[str], list[list[Any]]]
QueryFunction = Callable[..., QueryResult]

#: Parameter that carries a procedure's rows into the clauses after it.
ROWS_PARAM = "__gg_rows"
_KEEP = "__gg_keep"
_ROW = "__gg_row"
#: Clause words that end a YIELD list or its WHERE.
_CLAUSES = frozenset(
    {"MATCH", "OPTIONAL", "WITH", "RETURN", "UNWIND", "UNION", "CALL", "ORDER", "SKIP", "LIMIT"}
)
#: Most rows a procedure reads from the store per internal query.
_READ_LIMIT = 1_000_000


@dataclass(frozen=True)
class Procedure:
    """One schema procedure: its name as Neo4j spells it, its output columns and its rows."""

    name: str
    columns: tuple[str, ...]
    rows: Callable[[Run], list[list[Any]]]
    #: A row of the right shape that the store can type when there are no rows.
    placeholder: tuple[Any, ...]


def _labels(run: Run) -> list[list[Any]]:
    return [[label] for label in _label_names(run)]


def _label_names(run: Run) -> list[str]:
    kinds = [row[0] for row in run("MATCH (a:Actor) RETURN DISTINCT a.kind") if row[0]]
    labels = {kind_label(kind) for kind in kinds} | ({"Actor"} if kinds else set())
    for label in ("Source", "Scenario"):
        if run(f"MATCH (n:{label}) RETURN count(*)")[0][0]:
            labels.add(label)
    return sorted(labels)


def _types(run: Run) -> list[str]:
    return sorted(row[0] for row in run("MATCH ()-[r]->() RETURN DISTINCT type(r)"))


def _relationship_types(run: Run) -> list[list[Any]]:
    return [[rel_type] for rel_type in _types(run)]


#: Property names each element may carry in both stores (the mapping of docs/cypher.md).
_KEYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("(n:Actor)", ("uid", "scenario", *(f.name for f in fields(Actor)), "ord")),
    ("(n:Source)", ("uid", "scenario", *(f.name for f in fields(Source)), "ord")),
    ("(n:Scenario)", (*(f.name for f in fields(ScenarioInfo)), "vocabulary")),
    (
        "()-[n]->()",
        (
            "scenario",
            *(f.name for f in fields(Relation) if f.name not in ("source", "target", "type")),
            "ord",
        ),
    ),
)


def _property_keys(run: Run) -> list[list[Any]]:
    """Keys that hold a value somewhere (Neo4j stores no nulls; both count non-null values)."""
    used: set[str] = set()
    for pattern, keys in _KEYS:
        counts = ", ".join(f"count(n.{key})" for key in keys)
        row = run(f"MATCH {pattern} RETURN {counts}")[0]
        used |= {key for key, n in zip(keys, row, strict=True) if n}
    return [[key] for key in sorted(used)]


def _schema_visualization(run: Run) -> list[list[Any]]:
    """One node per label; a relationship per type between Actors and per kinds it links."""
    nodes = [{"id": label, "name": label, "_labels": [label]} for label in _label_names(run)]
    links = run("MATCH (a:Actor)-[r]->(b:Actor) RETURN DISTINCT a.kind, type(r), b.kind")
    triples = {(kind_label(a), t, kind_label(b)) for a, t, b in links}
    triples |= {("Actor", t, "Actor") for _, t, _ in links}
    rels = [{"_type": t, "_from": a, "_to": b} for a, t, b in sorted(triples)]
    return [[nodes, rels]]


_NODE = {"id": "", "name": "", "_labels": [""]}
_REL = {"_type": "", "_from": "", "_to": ""}

#: The one allowlist's procedures, by lower-case name.
PROCEDURES: dict[str, Procedure] = {
    p.name.lower(): p
    for p in (
        Procedure("db.labels", ("label",), _labels, ("",)),
        Procedure("db.relationshipTypes", ("relationshipType",), _relationship_types, ("",)),
        Procedure("db.propertyKeys", ("propertyKey",), _property_keys, ("",)),
        Procedure(
            "db.schema.visualization",
            ("nodes", "relationships"),
            _schema_visualization,
            ([_NODE], [_REL]),
        ),
    )
}
assert set(PROCEDURES) == READ_ONLY_PROCEDURES
assert tuple(p.name for p in PROCEDURES.values()) == PROCEDURE_NAMES


@dataclass(frozen=True)
class ProcedureCall:
    """A statement that starts with an allowlisted procedure call.

    ``yields`` are (output column, alias) pairs; ``where`` and ``rest`` the text of the
    ``YIELD ... WHERE`` condition and of the clauses after it (empty when absent).
    """

    procedure: Procedure
    yields: tuple[tuple[str, str], ...]
    where: str = ""
    rest: str = ""

    def answer(
        self,
        query: QueryFunction,
        params: Mapping[str, Any] | None,
        *,
        timeout: float,
        row_limit: int,
    ) -> QueryResult:
        """Compute the procedure's rows with ``query`` and return them (through any clauses)."""
        rows = self.procedure.rows(
            lambda cypher: query(cypher, {}, timeout=timeout, row_limit=_READ_LIMIT).rows
        )
        if not self.where and not self.rest and self._plain():
            shown = [list(row) for row in rows]
            return QueryResult(list(self.procedure.columns), shown[:row_limit],
                               len(shown) > row_limit)  # fmt: skip
        args = {**(params or {}), ROWS_PARAM: self._parameter_rows(rows)}
        return query(self.statement(), args, timeout=timeout, row_limit=row_limit)

    def _plain(self) -> bool:
        return [alias for _, alias in self.yields] == list(self.procedure.columns)

    def _parameter_rows(self, rows: list[list[Any]]) -> list[dict[str, Any]]:
        columns = self.procedure.columns
        found = [{**dict(zip(columns, row, strict=True)), _KEEP: True} for row in rows]
        placeholder = {**dict(zip(columns, self.procedure.placeholder, strict=True)), _KEEP: False}
        return found or [placeholder]

    def statement(self) -> str:
        """Return the statement that runs the clauses after the call over its rows."""
        items = ", ".join(f"{_ROW}.{column} AS {_quoted(alias)}" for column, alias in self.yields)
        aliases = ", ".join(_quoted(alias) for _, alias in self.yields)
        named = ", ".join(f"{_quoted(alias)} AS {_quoted(alias)}" for _, alias in self.yields)
        where = f" WHERE {self.where}" if self.where else ""
        # LadybugDB cannot filter on a field of a map variable, so the flag becomes a column.
        return (
            f"UNWIND ${ROWS_PARAM} AS {_ROW} WITH {items}, {_ROW}.{_KEEP} AS {_KEEP} "
            f"WHERE {_KEEP} WITH {aliases}{where} {self.rest or 'RETURN ' + named}"
        )


def _quoted(name: str) -> str:
    return name if name.isidentifier() else "`" + name.replace("`", "``") + "`"


def procedure_call(cypher: str, params: Mapping[str, Any] | None = None) -> ProcedureCall | None:
    """Return the procedure call a statement starts with, or None for any other statement.

    The shared guard runs first, so a procedure outside the allowlist is refused with its
    one message; a procedure called anywhere but at the start is refused too.

    Raises
    ------
    QueryRejected
        For a procedure call elsewhere than at the start, with arguments, without ``YIELD``
        before further clauses, or yielding a column the procedure does not have.

    Examples
    --------
    >>> call = procedure_call("CALL db.labels() YIELD label AS l WHERE l <> 'Actor' RETURN l")
    >>> call.procedure.name, call.yields, call.where, call.rest
    ('db.labels', (('label', 'l'),), "l <> 'Actor'", 'RETURN l')
    >>> procedure_call("MATCH (a:Actor) RETURN a") is None
    True
    """
    lexed, code_at = _guarded_lexemes(cypher)
    items, code = list(lexed), list(code_at)
    if not code or _word(items[code[0]]) != "CALL" or _is_subquery(items, code, 0):
        return None
    check_parameters(cypher, params or {})
    return _parse_call(items, code)


@functools.lru_cache(maxsize=1024)
def _guarded_lexemes(cypher: str) -> tuple[tuple[Lexeme, ...], tuple[int, ...]]:
    """The guard and the lexing of a statement, done once per text (a console repeats its
    queries); returns the lexemes and the positions of those that are not spaces."""
    items = lexemes(guard(cypher), spaces=True)
    code = [i for i, lx in enumerate(items) if lx.kind != "space"]
    _refuse_inner_calls(items, code)
    return tuple(items), tuple(code)


def _word(lx: Lexeme) -> str:
    return lx.text.upper() if lx.kind == "word" else ""


def _is_subquery(items: list[Lexeme], code: list[int], at: int) -> bool:
    return at + 1 < len(code) and items[code[at + 1]].text in ("{", "(")


def _refuse_inner_calls(items: list[Lexeme], code: list[int]) -> None:
    for pos in range(1, len(code)):
        lx, before = items[code[pos]], items[code[pos - 1]].text
        if (
            _word(lx) == "CALL"
            and before not in (".", "$", ":")
            and not _is_subquery(items, code, pos)
        ):
            raise QueryRejected(
                "a procedure can only be called at the start of a statement",
                hint="Start with CALL db.labels() YIELD label, then MATCH, WITH or RETURN.",
            )


def _parse_call(items: list[Lexeme], code: list[int]) -> ProcedureCall:
    pos, name = _name(items, code, 1)
    procedure = PROCEDURES[name.lower()]
    pos = _skip_arguments(items, code, pos, procedure)
    if pos >= len(code):
        return ProcedureCall(procedure, tuple((c, c) for c in procedure.columns))
    if _word(items[code[pos]]) != "YIELD":
        raise QueryRejected(
            f"{procedure.name}() needs YIELD before the clauses that follow it",
            hint=f"Write CALL {procedure.name}() YIELD {', '.join(procedure.columns)} ...",
        )
    yields, pos = _yield_items(items, code, pos + 1, procedure)
    where, pos = _where(items, code, pos)
    rest = _text(items, code[pos], len(items)) if pos < len(code) else ""
    return ProcedureCall(procedure, yields, where, rest)


def _name(items: list[Lexeme], code: list[int], pos: int) -> tuple[int, str]:
    parts: list[str] = []
    while pos < len(code) and items[code[pos]].kind in ("word", "name"):
        parts.append(items[code[pos]].text.strip("`"))
        if pos + 1 < len(code) and items[code[pos + 1]].text == ".":
            pos += 2
        else:
            pos += 1
            break
    return pos, ".".join(parts)


def _skip_arguments(items: list[Lexeme], code: list[int], pos: int, procedure: Procedure) -> int:
    if pos < len(code) and items[code[pos]].text == "(":
        if pos + 1 >= len(code) or items[code[pos + 1]].text != ")":
            raise QueryRejected(
                f"{procedure.name}() takes no arguments",
                hint=f"Write CALL {procedure.name}().",
            )
        return pos + 2
    return pos


def _yield_items(
    items: list[Lexeme], code: list[int], pos: int, procedure: Procedure
) -> tuple[tuple[tuple[str, str], ...], int]:
    if pos < len(code) and items[code[pos]].text == "*":
        return tuple((c, c) for c in procedure.columns), pos + 1
    found: list[tuple[str, str]] = []
    while pos < len(code):
        column = items[code[pos]].text.strip("`")
        if column not in procedure.columns:
            raise QueryRejected(
                f"{procedure.name}() has no output '{column}'",
                hint=f"It yields {', '.join(procedure.columns)}.",
            )
        alias, pos = column, pos + 1
        if pos + 1 < len(code) and _word(items[code[pos]]) == "AS":
            alias, pos = items[code[pos + 1]].text.strip("`"), pos + 2
        found.append((column, alias))
        if pos < len(code) and items[code[pos]].text == ",":
            pos += 1
            continue
        break
    return tuple(found), pos


def _where(items: list[Lexeme], code: list[int], pos: int) -> tuple[str, int]:
    if pos >= len(code) or _word(items[code[pos]]) != "WHERE":
        return "", pos
    start, depth, end = pos + 1, 0, pos + 1
    while end < len(code):
        lx = items[code[end]]
        if depth == 0 and _word(lx) in _CLAUSES:
            break
        depth += 1 if lx.text in ("(", "[", "{") else -1 if lx.text in (")", "]", "}") else 0
        end += 1
    stop = code[end] if end < len(code) else len(items)
    return _text(items, code[start], stop).strip(), end


def _text(items: Sequence[Lexeme], start: int, stop: int) -> str:
    return "".join(lx.text for lx in items[start:stop]).strip()
