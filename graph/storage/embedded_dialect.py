"""Neo4j Cypher into LadybugDB Cypher where the two answer differently (docs/cypher.md).

LadybugDB 0.22 parses most of Neo4j's read Cypher but answers some of it differently:

- Neo4j never matches one relationship twice within one ``MATCH`` (relationship isomorphism);
  LadybugDB does, in fixed-length and variable-length patterns alike. Each ``MATCH`` is given
  conditions that keep its relationships distinct (relationships without a name get one).
- ``substring`` counts from 1 in LadybugDB and from 0 in Neo4j; ``split`` is ``string_split``.
- List indexes count from 1 in LadybugDB; list comprehensions, pattern comprehensions and map
  projections do not bind or parse; ``ORDER BY`` after an alias that shadows a variable sorts
  by the variable. These are refused with :class:`UnsupportedQuery` naming the construct.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.errors import UnsupportedQuery
from graph.storage.cypher_guard import Lexeme, lexemes

__all__ = [
    "RANGE_LIMIT",
    "refuse_large_ranges",
    "to_ladybug",
    "refuse_unsupported_syntax",
    "refuse_shadowing_order",
    "refuse_long_pattern_predicates",
    "depth_change",
    "top_words",
]

#: Words that start a clause at the top level of a statement.
_CLAUSES = frozenset({"MATCH", "OPTIONAL", "WITH", "RETURN", "UNWIND", "UNION", "CALL"})
_CLAUSE_TAIL = frozenset({"ORDER", "SKIP", "LIMIT"})
#: Words after which ``[`` starts a list literal, not an index.
_BEFORE_LIST = frozenset(
    {"RETURN", "WITH", "IN", "AND", "OR", "XOR", "NOT", "WHEN", "THEN", "ELSE", "UNWIND",
     "WHERE", "BY", "DISTINCT", "CASE", "CONTAINS", "STARTS", "ENDS", "IS", "SKIP", "LIMIT"}
)  # fmt: skip
_NAME_PREFIX = "__gg_r"


def _refuse(construct: str, instead: str) -> None:
    raise UnsupportedQuery(
        f"{construct} is not supported by the embedded store",
        hint=f"{instead}; see docs/cypher.md.",
    )


def _code(items: list[Lexeme]) -> list[int]:
    return [i for i, lx in enumerate(items) if lx.kind != "space"]


def _word(lx: Lexeme) -> str:
    return lx.text.upper() if lx.kind == "word" else ""


# Refusals that need no rewriting

#: The most items ``range()`` may make: LadybugDB builds the whole list in memory before a
#: query can be interrupted (300 million items took 4 GB), so a console query could
#: exhaust the server; Neo4j streams ranges lazily.
RANGE_LIMIT = 1_000_000
_RANGE_CALL = re.compile(r"\brange\s*\(", re.IGNORECASE)
_RANGE_ARGS = re.compile(r"\s*(-?\d+)\s*,\s*(-?\d+)\s*(?:,\s*(-?\d+)\s*)?")


def refuse_large_ranges(statement: str) -> None:
    """Raise UnsupportedQuery for ``range()`` unless its bounds are literal and it is small.

    Examples
    --------
    >>> refuse_large_ranges("UNWIND range(1, 10) AS x RETURN x")
    >>> refuse_large_ranges("UNWIND range(1, 10^8) AS x RETURN x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    graph.errors.UnsupportedQuery: range() of more than 1,000,000 items is not supported ...
    """
    text = "".join(
        "''" if lx.kind == "string" else lx.text for lx in lexemes(statement, spaces=True)
    )
    for call in _RANGE_CALL.finditer(text):
        args = _RANGE_ARGS.match(text, call.end())
        closed = args is not None and text[args.end() : args.end() + 1] == ")"
        if not closed or _range_size(*args.groups()) > RANGE_LIMIT:  # type: ignore[union-attr]
            _refuse(
                f"range() of more than {RANGE_LIMIT:,} items",
                "Give range() literal integer bounds spanning at most that many items",
            )


def _range_size(start: str, end: str, step: str | None) -> int:
    by = int(step or 1)
    if by == 0:  # an endless range
        return RANGE_LIMIT + 1
    return max(0, (int(end) - int(start)) // by + 1)


def refuse_unsupported_syntax(statement: str) -> None:
    """Raise UnsupportedQuery for list indexes, comprehensions and map projections.

    Examples
    --------
    >>> refuse_unsupported_syntax("MATCH (a:Actor {id: 'x'}) RETURN [1, 2], a.tags")
    >>> refuse_unsupported_syntax("MATCH (a:Actor) RETURN a.tags[0]")
    Traceback (most recent call last):
    ...
    graph.errors.UnsupportedQuery: list indexing and slicing (x[i]) is not supported by the \
embedded store
    """
    code = lexemes(statement)
    opened: list[str] = []
    for i, lx in enumerate(code):
        before = code[i - 1] if i else None
        after = code[i + 1 : i + 3]
        if lx.kind == "other" and lx.text == "[":
            _check_bracket(before, after)
        if lx.kind == "other" and lx.text == "{" and before is not None:
            _check_brace(before, after, opened)
        if lx.kind == "other" and lx.text in "([{":
            opened.append(lx.text)
        elif lx.kind == "other" and lx.text in ")]}" and opened:
            opened.pop()


def _check_bracket(before: Lexeme | None, after: list[Lexeme]) -> None:
    if before is not None and _is_value_end(before):
        _refuse("list indexing and slicing (x[i])", "Return the list and pick items outside")
    if after and after[0].text == "(":
        _refuse("a pattern comprehension [(a)-->(b) | ...]", "Write an OPTIONAL MATCH")
    if len(after) == 2 and after[0].kind in ("word", "name") and _word(after[1]) == "IN":
        _refuse("a list comprehension [x IN list | ...]", "Return the list, nodes(p) or the path")


def _is_value_end(lx: Lexeme) -> bool:
    """Return True if ``lx`` can end a value, so that a following ``[`` indexes it."""
    if lx.kind == "other":
        return lx.text in (")", "]", "}")
    if lx.kind == "word":
        return lx.text.upper() not in _BEFORE_LIST
    return lx.kind in ("name", "string")


def _check_brace(before: Lexeme, after: list[Lexeme], opened: list[str]) -> None:
    if before.kind not in ("word", "name"):
        return
    projects = bool(after) and after[0].text in (".", "*")
    if projects or (opened[-1:] != ["("] and _word(before) not in _BEFORE_LIST):
        _refuse("a map projection (n {.id, ...})", "Return the properties as columns or a map")


def refuse_long_pattern_predicates(statement: str) -> None:
    """Raise UnsupportedQuery for a pattern in WHERE with two or more relationships.

    Such a pattern cannot be given the conditions that keep its relationships distinct.

    Examples
    --------
    >>> refuse_long_pattern_predicates("MATCH (a:Actor) WHERE NOT (a)-->() RETURN a")
    >>> refuse_long_pattern_predicates("MATCH (a:Actor) WHERE (a)-->()<--() RETURN a")
    Traceback (most recent call last):
    ...
    graph.errors.UnsupportedQuery: a pattern predicate with two or more relationships is not \
supported by the embedded store
    """
    for clause in _clauses(lexemes(statement)):
        where = top_where(clause)
        if where is None:
            continue
        region = clause[where:]
        for i, lx in enumerate(region):
            if lx.text == "(" and i and region[i - 1].text in ("-", ">"):
                after = _next_text(region, _matching(region, i))
                if after in ("-", "<"):
                    _refuse(
                        "a pattern predicate with two or more relationships",
                        "MATCH the pattern (or OPTIONAL MATCH it and count) instead",
                    )


def refuse_shadowing_order(statement: str) -> None:
    """Raise UnsupportedQuery for ORDER BY after an alias that names a bound variable.

    LadybugDB sorts by the variable (or refuses to sort a node), Neo4j by the alias.

    Examples
    --------
    >>> refuse_shadowing_order("MATCH (a:Actor) RETURN a.id AS id ORDER BY id")
    >>> refuse_shadowing_order("MATCH (a:Actor) RETURN a.id AS a ORDER BY a")
    Traceback (most recent call last):
    ...
    graph.errors.UnsupportedQuery: ORDER BY after an alias that shadows the variable 'a' is \
not supported by the embedded store
    """
    bound: set[str] = set()
    for clause in _clauses(lexemes(statement)):
        words = [_word(lx) for lx in clause[:2]]
        if "MATCH" in words:
            bound |= _pattern_variables(clause)
            continue
        aliases = _aliases(clause)
        if "ORDER" in top_words(clause):
            for alias, expression in aliases:
                if alias in bound and expression != alias:
                    _refuse(
                        f"ORDER BY after an alias that shadows the variable '{alias}'",
                        "Choose an alias that is not the name of a variable",
                    )
        bound |= {alias for alias, _ in aliases}


def _pattern_variables(clause: list[Lexeme]) -> set[str]:
    names = set()
    for i, lx in enumerate(clause[1:], start=1):
        before = clause[i - 1].text
        is_var = before in ("(", "[") or (_next_text(clause, i) == "=" and before != "<")
        if lx.kind in ("word", "name") and is_var and _word(lx) != "WHERE":
            names.add(lx.text.strip("`"))
    return names


def _next_text(items: list[Lexeme], i: int) -> str:
    return items[i + 1].text if i + 1 < len(items) else ""


def top_words(items: list[Lexeme]) -> list[str]:
    """Return the upper-cased words outside any brackets, in order."""
    depth, words = 0, []
    for lx in items:
        if depth == 0 and lx.kind == "word":
            words.append(lx.text.upper())
        depth += depth_change(lx)
    return words


def _aliases(clause: list[Lexeme]) -> list[tuple[str, str]]:
    """Return (alias, expression text) for every ``expression AS alias`` at the top level."""
    found: list[tuple[str, str]] = []
    depth, start = 0, 1
    for i, lx in enumerate(clause):
        if depth == 0 and _word(lx) == "AS" and i + 1 < len(clause):
            expression = "".join(x.text for x in clause[start:i] if _word(x) != "DISTINCT")
            found.append((clause[i + 1].text.strip("`"), expression.strip("`")))
        if depth == 0 and lx.text == ",":
            start = i + 1
        depth += depth_change(lx)
    return found


# Rewrites


def to_ladybug(statement: str) -> str:
    """Return the statement with distinct relationships per MATCH and Neo4j's string functions.

    Examples
    --------
    >>> to_ladybug("MATCH (a)-[:X]->(b)<-[:X]-(c) RETURN substring(a.id, 0, 2)")
    'MATCH (a)-[__gg_r1:X]->(b)<-[__gg_r2:X]-(c) WHERE __gg_r1 <> __gg_r2 \
RETURN substring(a.id, (0) + 1, 2)'
    """
    items = lexemes(statement, spaces=True)
    items = _distinct_relationships(items)
    return "".join(lx.text for lx in _string_functions(items))


@dataclass
class _Rel:
    """One relationship pattern in a MATCH: its name, types and whether it has a length."""

    name: str
    types: set[str] = field(default_factory=set)
    variable: bool = False


def _distinct_relationships(items: list[Lexeme]) -> list[Lexeme]:
    out: list[Lexeme] = []
    counter = [0]
    for clause in _clauses(items):
        out += _clause_with_conditions(clause, counter)
    return out


def _clauses(items: list[Lexeme]) -> list[list[Lexeme]]:
    """Split a statement into clauses at top-level clause words (``STARTS WITH`` is not one)."""
    clauses: list[list[Lexeme]] = [[]]
    depth, last = 0, ""
    for lx in items:
        word = _word(lx)
        starts = depth == 0 and word in _CLAUSES and last not in ("STARTS", "ENDS", "OPTIONAL")
        if starts and clauses[-1]:
            clauses.append([])
        clauses[-1].append(lx)
        depth += depth_change(lx)
        if lx.kind != "space":
            last = word
    return clauses


def depth_change(lx: Lexeme) -> int:
    """Return +1 for an opening bracket, -1 for a closing one, else 0."""
    if lx.kind != "other":
        return 0
    return 1 if lx.text in "([{" else -1 if lx.text in ")]}" else 0


def _clause_with_conditions(clause: list[Lexeme], counter: list[int]) -> list[Lexeme]:
    code = _code(clause)
    words = [_word(clause[i]) for i in code[:2]]
    if "MATCH" not in words:
        return clause
    rels: list[_Rel] = []
    named = _name_relationships(clause, rels, counter)
    conditions = _conditions(rels)
    return _with_where(named, conditions) if conditions else named


def _name_relationships(clause: list[Lexeme], rels: list[_Rel], counter: list[int]) -> list[Lexeme]:
    """Return the clause with every relationship pattern named; fill ``rels``."""
    out: list[Lexeme] = []
    depth, i, prev = 0, 0, ""
    while i < len(clause):
        lx = clause[i]
        if depth == 0 and _word(lx) == "WHERE":
            return out + clause[i:]
        if depth == 0 and lx.text == "[" and prev == "-":
            end = _matching(clause, i)
            out += _named_bracket(clause[i : end + 1], rels, counter)
            i, prev = end + 1, "]"
            continue
        if depth == 0 and lx.text == "-" and _next_code(clause, i) == "-":
            out += [lx, Lexeme("other", f"[{_fresh(counter, rels)}]")]
            i, prev = i + 1, "-"
            continue
        out.append(lx)
        depth += depth_change(lx)
        prev = lx.text if lx.kind != "space" else prev
        i += 1
    return out


def _next_code(items: list[Lexeme], i: int) -> str:
    # Indexes, not a slice: copying the rest of the statement at every lexeme was quadratic.
    for j in range(i + 1, len(items)):
        if items[j].kind != "space":
            return items[j].text
    return ""


def _matching(items: list[Lexeme], start: int) -> int:
    depth = 0
    for j in range(start, len(items)):
        depth += depth_change(items[j])
        if depth == 0:
            return j
    return len(items) - 1


def _fresh(counter: list[int], rels: list[_Rel]) -> str:
    counter[0] += 1
    name = f"{_NAME_PREFIX}{counter[0]}"
    rels.append(_Rel(name))
    return name


def _named_bracket(bracket: list[Lexeme], rels: list[_Rel], counter: list[int]) -> list[Lexeme]:
    """Return ``[ ... ]`` with a name (given one if it has none); record it in ``rels``."""
    inner = [lx for lx in bracket[1:-1] if lx.kind != "space"]
    has_name = bool(inner) and inner[0].kind in ("word", "name")
    if has_name:
        rels.append(_Rel(inner[0].text))
        named = bracket
    else:
        named = [bracket[0], Lexeme("word", _fresh(counter, rels)), *bracket[1:]]
    rel = rels[-1]
    rel.variable = any(lx.text == "*" for lx in inner)
    rel.types = _types(inner[1:] if has_name else inner)
    return named


def _types(inner: list[Lexeme]) -> set[str]:
    types: set[str] = set()
    for i, lx in enumerate(inner):
        if lx.kind in ("word", "name") and i > 0 and inner[i - 1].text in (":", "|"):
            types.add(lx.text.strip("`"))
        if lx.text in ("*", "{"):
            break
    return types


def _conditions(rels: list[_Rel]) -> list[str]:
    """Return the conditions that keep the relationships of one MATCH distinct."""
    conditions = [f"is_trail({r.name})" for r in rels if r.variable]
    for i, first in enumerate(rels):
        for second in rels[i + 1 :]:
            if first.name == second.name or not _may_share(first, second):
                continue
            conditions.append(_distinct(first, second))
    return conditions


def _may_share(first: _Rel, second: _Rel) -> bool:
    return not first.types or not second.types or bool(first.types & second.types)


def _distinct(first: _Rel, second: _Rel) -> str:
    if first.variable and second.variable:
        _refuse(
            "two variable-length relationships in one MATCH",
            "Use one variable-length relationship per MATCH, or bound the other one",
        )
    if first.variable or second.variable:
        fixed, walk = (second, first) if first.variable else (first, second)
        return f"NOT {fixed.name} IN rels({walk.name})"
    return f"{first.name} <> {second.name}"


def _with_where(clause: list[Lexeme], conditions: list[str]) -> list[Lexeme]:
    """Add the conditions to the clause's WHERE (or a new one) before the clause ends."""
    joined = " AND ".join(conditions)
    end = len(clause)
    while end > 0 and clause[end - 1].kind == "space":
        end -= 1
    tail = clause[end:]
    where = top_where(clause[:end])
    if where is None:
        return [*clause[:end], Lexeme("other", f" WHERE {joined}"), *tail]
    head, rest = clause[: where + 1], clause[where + 1 : end]
    return [*head, Lexeme("other", f" {joined} AND ("), *rest, Lexeme("other", ")"), *tail]


def top_where(clause: list[Lexeme]) -> int | None:
    """Return the index of the clause's own WHERE (not one inside brackets), or None."""
    depth = 0
    for i, lx in enumerate(clause):
        if depth == 0 and _word(lx) == "WHERE":
            return i
        depth += depth_change(lx)
    return None


def _string_functions(items: list[Lexeme]) -> list[Lexeme]:
    """Rewrite ``substring`` (0-based in Neo4j), ``split`` and ``sum`` (0 over no values) for
    LadybugDB; refuse ``reverse`` of a list (LadybugDB would reverse its text)."""
    out: list[Lexeme] = []
    i = 0
    while i < len(items):
        lx = items[i]
        word = _word(lx)
        called = _next_code(items, i) == "(" and (not out or _last_code(out) not in (".", "$"))
        if called and word == "SPLIT":
            out.append(Lexeme("word", "string_split"))
        elif called and word == "SUM":
            # Neo4j sums no values to 0, LadybugDB to null.
            start = next(j for j in range(i + 1, len(items)) if items[j].text == "(")
            end = _matching(items, start)
            inner = "".join(x.text for x in _string_functions(items[start + 1 : end]))
            out.append(Lexeme("other", f"coalesce({lx.text}({inner}), 0)"))
            i = end + 1
            continue
        elif called and word == "REVERSE" and _is_list(items[i + 1 :]):
            _refuse(
                "reverse() of a list",
                "LadybugDB's reverse() reverses text only; reverse the list in the client",
            )
        elif called and word == "SUBSTRING":
            start = next(j for j in range(i + 1, len(items)) if items[j].text == "(")
            end = _matching(items, start)
            out += [lx, Lexeme("other", _substring_args(items[start + 1 : end]))]
            i = end + 1
            continue
        else:
            out.append(lx)
        i += 1
    return out


_LIST_CALLS = frozenset({"COLLECT", "NODES", "RELATIONSHIPS", "RANGE", "SPLIT", "KEYS", "LABELS"})
_LIST_PROPERTIES = frozenset({"sector", "sources", "tags"})


def _is_list(after: list[Lexeme]) -> bool:
    """Return True if the argument after ``(`` is plainly a list (a literal, a list function
    or one of the list properties)."""
    code = [lx for lx in after if lx.kind != "space"][1:5]
    if not code:
        return False
    if code[0].text == "[" or (
        _word(code[0]) in _LIST_CALLS and len(code) > 1 and code[1].text == "("
    ):
        return True
    return len(code) > 2 and code[1].text == "." and code[2].text in _LIST_PROPERTIES


def _last_code(items: list[Lexeme]) -> str:
    for lx in reversed(items):
        if lx.kind != "space":
            return lx.text
    return ""


def _substring_args(args: list[Lexeme]) -> str:
    parts: list[list[Lexeme]] = [[]]
    depth = 0
    for lx in args:
        if depth == 0 and lx.text == ",":
            parts.append([])
            continue
        depth += depth_change(lx)
        parts[-1].append(lx)
    text = ["".join(lx.text for lx in _string_functions(p)).strip() for p in parts]
    if len(text) == 2:
        text.append(f"size({text[0]})")
    if len(text) != 3:
        return "(" + ", ".join(text) + ")"
    return f"({text[0]}, ({text[1]}) + 1, {text[2]})"
