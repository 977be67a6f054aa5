"""Neo4j's ``shortestPath()`` and ``allShortestPaths()`` in LadybugDB's own form.

``MATCH p = shortestPath((a)-[:STEERS|FUNDS*..5]->(b))`` becomes
``MATCH p = (a)-[:STEERS|FUNDS* SHORTEST 1..5]->(b)``, and ``allShortestPaths`` becomes
``ALL SHORTEST``: one (any) shortest path per pair of ends, or every shortest path, with the
same direction, relationship types and length bounds. Forms whose meaning would change are
refused by name, with the rewrite that both stores answer alike:

- a ``WHERE`` that reads the path or its relationships: Neo4j filters while it searches,
  LadybugDB would filter the one path it found;
- a property map on the relationship, other relationship patterns or a second shortest path in
  the same ``MATCH``, the function anywhere but in a ``MATCH`` pattern;
- a minimum length other than 1 and an upper bound above LadybugDB's 30 (an unbounded
  search is bounded at 30 there; docs/cypher.md says so).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.errors import UnsupportedQuery
from graph.storage.cypher_guard import Lexeme, lexemes
from graph.storage.embedded_dialect import depth_change, top_where

__all__ = ["translate_shortest_paths", "MAX_LENGTH", "FUNCTIONS"]

#: LadybugDB's largest upper bound of a recursive relationship.
MAX_LENGTH = 30
#: The Neo4j functions, upper-cased, and the LadybugDB selector each becomes.
FUNCTIONS = {"SHORTESTPATH": "SHORTEST", "ALLSHORTESTPATHS": "ALL SHORTEST"}
_WHERE_HINT = (
    "Neo4j filters while it searches, LadybugDB the path it found; MATCH a bounded "
    "variable-length path, filter it and ORDER BY length(p) LIMIT 1"
)
_BRACKET = re.compile(
    r"^\s*(?P<var>`(?:[^`]|``)+`|[A-Za-z_]\w*)?\s*"
    r"(?P<types>:[^*{]*?)?\s*"
    r"(?:(?P<star>\*)\s*(?P<min>\d+)?\s*(?P<range>\.\.)?\s*(?P<max>\d+)?)?\s*"
    r"(?P<props>\{.*\})?\s*$",
    re.DOTALL,
)
_CLAUSE_WORDS = frozenset({"MATCH", "OPTIONAL", "WITH", "RETURN", "UNWIND", "UNION", "CALL"})


def _refuse(construct: str, instead: str) -> None:
    raise UnsupportedQuery(
        f"{construct} is not supported by the embedded store",
        hint=f"{instead}; see docs/cypher.md.",
    )


def _word(lx: Lexeme) -> str:
    return lx.text.upper() if lx.kind == "word" else ""


def translate_shortest_paths(statement: str) -> str:
    """Return the statement with every shortest-path function in LadybugDB's form.

    Raises
    ------
    UnsupportedQuery
        For a form whose meaning LadybugDB's shortest paths would change.

    Examples
    --------
    >>> translate_shortest_paths(
    ...     "MATCH p = shortestPath((a:Actor {id: 'x'})-[:STEERS|FUNDS*..4]->(b)) RETURN p")
    "MATCH p = (a:Actor {id: 'x'})-[:STEERS|FUNDS* SHORTEST 1..4]->(b) RETURN p"
    >>> translate_shortest_paths("MATCH p = allShortestPaths((a)-[r*]-(b)) RETURN r")
    'MATCH p = (a)-[r* ALL SHORTEST 1..30]-(b) RETURN r'
    """
    items = lexemes(statement, spaces=True)
    if not any(_word(lx) in FUNCTIONS for lx in items):
        return statement
    return "".join(lx.text for clause in _clauses(items) for lx in _translate_clause(clause))


def _clauses(items: list[Lexeme]) -> list[list[Lexeme]]:
    clauses: list[list[Lexeme]] = [[]]
    depth, last = 0, ""
    for lx in items:
        word = _word(lx)
        if depth == 0 and word in _CLAUSE_WORDS and last not in ("STARTS", "ENDS", "OPTIONAL"):
            if clauses[-1]:
                clauses.append([])
        clauses[-1].append(lx)
        depth += depth_change(lx)
        if lx.kind != "space":
            last = word
    return clauses


def _code(items: list[Lexeme]) -> list[int]:
    return [i for i, lx in enumerate(items) if lx.kind != "space"]


def _translate_clause(clause: list[Lexeme]) -> list[Lexeme]:
    calls = [i for i, lx in enumerate(clause) if _word(lx) in FUNCTIONS]
    if not calls:
        return clause
    code = _code(clause)
    is_match = "MATCH" in [_word(clause[i]) for i in code[:2]]
    where = top_where(clause)
    if not is_match or any(_depth_at(clause, i) != 0 or (where is not None and i > where)
                           for i in calls):  # fmt: skip
        _refuse(
            f"{clause[calls[0]].text}() outside a MATCH pattern",
            "Write MATCH p = shortestPath((a)-[*..5]-(b)) and use p",
        )
    if len(calls) > 1:
        _refuse("two shortest paths in one MATCH", "Give each shortest path a MATCH of its own")
    return _rewrite_call(clause, calls[0], where)


def _depth_at(items: list[Lexeme], stop: int) -> int:
    return sum(depth_change(lx) for lx in items[:stop])


def _matching(items: list[Lexeme], start: int) -> int:
    depth = 0
    for j in range(start, len(items)):
        depth += depth_change(items[j])
        if depth == 0:
            return j
    return len(items) - 1


@dataclass
class _Pattern:
    """The one relationship of a shortest path: where it sits and what it becomes."""

    variable: str
    text: str


def _rewrite_call(clause: list[Lexeme], call: int, where: int | None) -> list[Lexeme]:
    name = clause[call].text
    selector = FUNCTIONS[name.upper()]
    opening = next(j for j in range(call + 1, len(clause)) if clause[j].kind != "space")
    if clause[opening].text != "(":
        return clause  # not a call: LadybugDB reports the name
    closing = _matching(clause, opening)
    pattern = _pattern(clause[opening + 1 : closing], name, selector)
    outside = clause[:call] + clause[closing + 1 : where if where is not None else len(clause)]
    if _has_relationship(outside):
        _refuse(
            f"{name}() beside other relationship patterns in one MATCH",
            "MATCH those first, then MATCH p = shortestPath(...) in a clause of its own",
        )
    path = _path_variable(clause, call)
    if where is not None:
        _check_where(clause[where:], {v for v in (path, pattern.variable) if v}, name)
    return [*clause[:call], Lexeme("other", pattern.text), *clause[closing + 1 :]]


def _has_relationship(items: list[Lexeme]) -> bool:
    code = [lx.text for lx in items if lx.kind != "space"]
    return any(a in ("-", "<") and b in ("-", "[") for a, b in zip(code, code[1:], strict=False))


def _path_variable(clause: list[Lexeme], call: int) -> str:
    before = [lx for lx in clause[:call] if lx.kind != "space"]
    if len(before) >= 2 and before[-1].text == "=" and before[-2].kind in ("word", "name"):
        return before[-2].text.strip("`")
    return ""


def _check_where(region: list[Lexeme], variables: set[str], name: str) -> None:
    code = [lx for lx in region if lx.kind != "space"]
    for i, lx in enumerate(code):
        used = lx.kind in ("word", "name") and lx.text.strip("`") in variables
        if used and (i == 0 or code[i - 1].text not in (".", "$", ":")):
            _refuse(f"a WHERE on the path of {name}()", _WHERE_HINT)


def _pattern(inner: list[Lexeme], name: str, selector: str) -> _Pattern:
    """Return ``(a)-[... * SHORTEST 1..n]->(b)`` for the function's one-relationship pattern."""
    code = _code(inner)
    if not code or inner[code[0]].text != "(":
        _refuse(f"{name}() without a node pattern", "Write shortestPath((a)-[*]-(b))")
    left_end = _matching(inner, code[0])
    right_start = next((i for i in code if i > left_end and inner[i].text == "("), None)
    if right_start is None or _matching(inner, right_start) != code[-1]:
        _refuse(f"{name}() over more than one relationship", "Give it one relationship")
    assert right_start is not None
    arrow = inner[left_end + 1 : right_start]
    if sum(1 for lx in arrow if lx.text == "[") > 1 or any(lx.text == "(" for lx in arrow):
        _refuse(f"{name}() over more than one relationship", "Give it one relationship")
    variable, relationship = _relationship(arrow, name, selector)
    head = "".join(lx.text for lx in inner[: left_end + 1])
    tail = "".join(lx.text for lx in inner[right_start:])
    return _Pattern(variable, head + relationship + tail)


def _relationship(arrow: list[Lexeme], name: str, selector: str) -> tuple[str, str]:
    texts = "".join(lx.text for lx in arrow).strip()
    start, end = texts.find("["), texts.rfind("]")
    body = texts[start + 1 : end] if start >= 0 else ""
    left = "<-" if texts.startswith("<") else "-"
    right = "->" if texts.endswith(">") else "-"
    parts = _BRACKET.match(body)
    if parts is None:
        _refuse(f"this relationship pattern in {name}()", "Write -[:TYPE*1..n]-> or -[*]-")
    assert parts is not None
    if parts.group("props"):
        _refuse(f"a property map on the relationship of {name}()", _WHERE_HINT)
    low, high = _bounds(parts, name)
    variable = (parts.group("var") or "").strip("`")
    types = _types(parts.group("types") or "")
    rel = f"[{parts.group('var') or ''}{types}* {selector} {low}..{high}]"
    return variable, f"{left.strip()}{rel}{right.strip()}"


def _types(text: str) -> str:
    names = [t.strip().lstrip(":").strip() for t in text.split("|")]
    return ":" + "|".join(names) if text.strip() else ""


def _bounds(parts: re.Match[str], name: str) -> tuple[int, int]:
    if not parts.group("star"):
        return 1, 1  # a fixed single relationship
    low_text, high_text = parts.group("min"), parts.group("max")
    if low_text is not None and not parts.group("range"):
        high_text = low_text  # *3 means exactly three
    low = int(low_text) if low_text is not None else 1
    if low == 0:
        _refuse(
            f"{name}() with a minimum length of 0",
            "Start at 1 (*1..n); a path from a node to itself has no relationship to follow",
        )
    if low > 1:
        _refuse(
            f"{name}() with a minimum length above 1",
            "Neo4j allows 0 or 1 only; MATCH a bounded variable-length path and ORDER BY "
            "length(p) for longer minimums",
        )
    high = int(high_text) if high_text is not None else MAX_LENGTH
    if high > MAX_LENGTH:
        _refuse(
            f"{name}() longer than {MAX_LENGTH} relationships",
            f"Give an upper bound of at most {MAX_LENGTH} (*..{MAX_LENGTH})",
        )
    return low, high
