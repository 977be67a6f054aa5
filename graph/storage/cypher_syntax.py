"""Syntax errors people can act on: where (line, column, offset), what was found, what Cypher
expects there, in Cypher's words.

Neo4j's own messages already say this; they are only re-anchored to the text the user wrote
(the store parses ``EXPLAIN`` plus the statement). LadybugDB names its grammar's rules
("expected rule oC_SingleQuery"), so for the embedded store the expectation is derived here
from the words before the error: an open bracket, an operator that needs an operand, a clause
word that needs its continuation, or a misspelt keyword.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from graph.errors import QuerySyntaxError

__all__ = ["Position", "position_at", "from_ladybug", "from_neo4j", "excerpt", "without_rules"]


@dataclass(frozen=True)
class Position:
    """A place in a query: 1-based line and column, 0-based character offset."""

    line: int
    column: int
    offset: int

    def to_dict(self) -> dict[str, int]:
        return {"line": self.line, "column": self.column, "offset": self.offset}


def position_at(text: str, line: int, column: int) -> Position:
    """Return the position of 1-based ``line`` and ``column`` in ``text`` (clamped to it).

    Examples
    --------
    >>> position_at("MATCH (n)\\nRETRUN n", 2, 1)
    Position(line=2, column=1, offset=10)
    """
    lines = text.split("\n")
    line = min(max(line, 1), len(lines))
    column = min(max(column, 1), len(lines[line - 1]) + 1)
    offset = sum(len(x) + 1 for x in lines[: line - 1]) + column - 1
    return Position(line, column, offset)


def excerpt(text: str, position: Position) -> str:
    """Return the line of ``position`` with a caret under its column.

    Examples
    --------
    >>> print(excerpt("MATCH (n) RETRUN n", Position(1, 11, 10)))
    MATCH (n) RETRUN n
              ^
    """
    line = text.split("\n")[position.line - 1]
    return f"{line}\n{' ' * (position.column - 1)}^"


# Neo4j

_NEO4J_PLACE = re.compile(r"\s*\(line (\d+), column (\d+) \(offset: (\d+)\)\)")


def from_neo4j(message: str, text: str, *, lines_before: int = 0) -> QuerySyntaxError:
    """Return Neo4j's syntax error with its position in ``text``.

    ``lines_before`` is the number of lines the store put before the text (``EXPLAIN``).

    Examples
    --------
    >>> e = from_neo4j("Invalid input 'x': expected ')' (line 2, column 3 (offset: 10))\\n\\"..\\"",
    ...                "(bx\\ny", lines_before=1)
    >>> e.message, e.position
    ("Invalid input 'x': expected ')'", {'line': 1, 'column': 3, 'offset': 2})
    """
    first = message.strip().split("\n")[0]
    place = _NEO4J_PLACE.search(first)
    if place is None:
        return QuerySyntaxError(first)
    line, column = int(place.group(1)) - lines_before, int(place.group(2))
    position = position_at(text, line, column)
    return _error(first[: place.start()] + first[place.end() :], text, position)


def _error(message: str, text: str, position: Position) -> QuerySyntaxError:
    return QuerySyntaxError(
        message.strip(),
        hint=f"Fix the query at line {position.line}, column {position.column}:\n"
        + excerpt(text, position),
        position=position.to_dict(),
    )


# LadybugDB

_LADYBUG_PLACE = re.compile(r"\(line: (\d+), offset: (\d+)\)")
_EXPECTING = re.compile(r"expecting \{?([^}(]*)\}?")
_TOKEN = re.compile(
    r"""(?P<comment>//[^\n]*|/\*.*?(?:\*/|$))"""
    r"""|(?P<string>'(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?)"""
    r"|(?P<name>`(?:[^`]|``)*`?)"
    r"|(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<space>\s+)"
    r"|(?P<op><>|<=|>=|=~|->|<-|\.\.|.)",
    re.DOTALL,
)

#: Words a read statement is made of, for "did you mean" and for the expecting lists.
KEYWORDS = (
    "MATCH", "OPTIONAL", "WHERE", "WITH", "UNWIND", "RETURN", "ORDER", "BY", "SKIP", "LIMIT",
    "UNION", "ALL", "AS", "DISTINCT", "AND", "OR", "XOR", "NOT", "IN", "IS", "NULL", "CASE",
    "WHEN", "THEN", "ELSE", "END", "STARTS", "ENDS", "CONTAINS", "ASC", "DESC", "TRUE",
    "FALSE", "CALL", "YIELD", "COUNT", "EXISTS",
)  # fmt: skip
_CLAUSES = "MATCH, OPTIONAL MATCH, WHERE, WITH, UNWIND, RETURN, ORDER BY, SKIP, LIMIT or UNION"
_EXPRESSION = "an expression (a value, a variable, a $parameter or a function call)"
_AFTER_WORD = {
    "ORDER": "'BY'",
    "OPTIONAL": "'MATCH'",
    "STARTS": "'WITH'",
    "ENDS": "'WITH'",
    "IS": "'NULL' or 'NOT NULL'",
    "AS": "a name for the value",
    "SKIP": "a number or a $parameter",
    "LIMIT": "a number or a $parameter",
    "MATCH": "a pattern such as (a:Actor)",
    "RETURN": _EXPRESSION + " or '*'",
    "WITH": _EXPRESSION + " or '*'",
    "UNWIND": "a list " + _EXPRESSION[3:],
    "YIELD": "an output name of the procedure, or '*'",
}
_NEEDS_OPERAND = {"WHERE", "AND", "OR", "XOR", "NOT", "IN", "BY", "WHEN", "THEN", "ELSE",
                  "DISTINCT", "CASE", "CONTAINS"}  # fmt: skip
_AFTER_SYMBOL = {
    ".": "a property name",
    "$": "a parameter name",
    ":": "a label or relationship type",
    "|": "a relationship type",
    "(": "a node pattern, an expression or ')'",
    "[": "a list item, a relationship pattern or ']'",
    "{": "a key: value pair or '}'",
    ",": "another item (an expression or a pattern)",
    "..": "a number",
}
_OPERATORS = {"+", "-", "*", "/", "%", "^", "=", "<>", "<", ">", "<=", ">=", "=~"}
_CLOSERS = {"(": ")", "[": "]", "{": "}"}


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int


def _tokens(text: str) -> list[_Token]:
    return [
        _Token(m.lastgroup or "op", m.group(), m.start())
        for m in _TOKEN.finditer(text)
        if m.lastgroup not in ("space", "comment")
    ]


def from_ladybug(message: str, text: str) -> QuerySyntaxError:
    """Return a LadybugDB parser error in Cypher's words, positioned in ``text``.

    Examples
    --------
    >>> e = from_ladybug(
    ...     "Parser exception: Invalid input <MATCH (n) RETRUN>: expected rule oC_SingleQuery "
    ...     "(line: 1, offset: 10)", "MATCH (n) RETRUN n")
    >>> e.message
    "Invalid input 'RETRUN': expected MATCH, OPTIONAL MATCH, WHERE, WITH, UNWIND, RETURN, \
ORDER BY, SKIP, LIMIT or UNION (did you mean RETURN?)"
    >>> e.position
    {'line': 1, 'column': 11, 'offset': 10}
    """
    place = _LADYBUG_PLACE.search(message)
    if place is None:
        return QuerySyntaxError(without_rules(message))
    position = position_at(text, int(place.group(1)), int(place.group(2)) + 1)
    tokens = _tokens(text)
    before = [t for t in tokens if t.start < position.offset]
    found = next((t for t in tokens if t.start >= position.offset), None)
    if found is not None and found.start > position.offset and before:
        # The offset fell inside a token: that token is the one found.
        if before[-1].start + len(before[-1].text) > position.offset:
            found, before = before[-1], before[:-1]
    expected = _expected(before, found, text, message)
    if found is None:
        return _error(f"The query ends too early: {expected}", text, position)
    shown = found.text if found.kind == "string" else f"'{found.text}'"
    return _error(f"Invalid input {shown}: {expected}", text, position)


def without_rules(message: str) -> str:
    """Return the first line of a LadybugDB parser message without its grammar rule names.

    Examples
    --------
    >>> without_rules("Parser exception: Invalid input <RETURN>: expected rule oC_Query (x)")
    'Invalid input <RETURN>: the query is not valid Cypher here (x)'
    """
    text = message.removeprefix("Parser exception: ").split("\n")[0]
    return re.sub(r"expected rule \w+", "the query is not valid Cypher here", text)


def _expected(before: list[_Token], found: _Token | None, text: str, message: str) -> str:
    """Return what Cypher expects at ``found``, given the tokens ``before`` it."""
    if found is not None and found.kind == "string" and not _closed(found.text):
        return f"expected a closing {found.text[0]} (the string is never closed)"
    if found is not None and found.kind == "name" and not found.text.endswith("`"):
        return "expected a closing ` (the name is never closed)"
    if not before:
        return "expected a clause: MATCH, OPTIONAL MATCH, UNWIND, WITH, RETURN or CALL" + _mean(
            found
        )
    prev = before[-1]
    word = prev.text.upper() if prev.kind == "word" else ""
    if found is not None and found.text == ":" and _in_where(before) and prev.kind == "word":
        return (
            "a label predicate in WHERE (n:Label) is not supported by the embedded store; "
            "put the label in the MATCH pattern, e.g. MATCH (n:Actor)"
        )
    if word in _AFTER_WORD:
        return "expected " + _AFTER_WORD[word]
    if word in _NEEDS_OPERAND or prev.text in _OPERATORS:
        return "expected " + _EXPRESSION
    if prev.kind == "op" and prev.text in _AFTER_SYMBOL:
        return "expected " + _AFTER_SYMBOL[prev.text]
    open_bracket = _innermost_open(before)
    arrow = found is not None and found.text in ("->", "<-", "-") and open_bracket is not None
    if arrow or (
        open_bracket is not None and (found is None or found.kind == "word" or _is_closer(found))
    ):
        assert open_bracket is not None
        line, column = _line_column(text, open_bracket.start)
        closer = _CLOSERS[open_bracket.text]
        return (
            f"expected '{closer}' to close the '{open_bracket.text}' at line {line}, "
            f"column {column}"
        )
    if found is None:
        return "expected more, such as a RETURN clause"
    if found.kind == "word":
        return "expected " + _CLAUSES + _mean(found)
    return "expected " + _listed(message)


def _closed(text: str) -> bool:
    return len(text) >= 2 and text[-1] == text[0] and not text.endswith("\\" + text[0])


def _in_where(before: list[_Token]) -> bool:
    for token in reversed(before):
        word = token.text.upper() if token.kind == "word" else ""
        if word == "WHERE":
            return True
        if word in ("MATCH", "WITH", "RETURN", "UNWIND"):
            return False
    return False


def _innermost_open(before: list[_Token]) -> _Token | None:
    stack: list[_Token] = []
    for token in before:
        if token.kind != "op":
            continue
        if token.text in _CLOSERS:
            stack.append(token)
        elif token.text in _CLOSERS.values() and stack:
            stack.pop()
    return stack[-1] if stack else None


def _is_closer(token: _Token) -> bool:
    return token.kind == "op" and token.text in _CLOSERS.values()


def _line_column(text: str, offset: int) -> tuple[int, int]:
    head = text[:offset]
    return head.count("\n") + 1, offset - (head.rfind("\n") + 1) + 1


def _mean(found: _Token | None) -> str:
    if found is None or found.kind != "word":
        return ""
    close = difflib.get_close_matches(found.text.upper(), KEYWORDS, n=1, cutoff=0.7)
    return f" (did you mean {close[0]}?)" if close and close[0] != found.text.upper() else ""


def _listed(message: str) -> str:
    """Return LadybugDB's expecting set limited to Cypher's read words and symbols."""
    match = _EXPECTING.search(message)
    if match is None:
        return "a valid continuation of the query"
    items = [item.strip().strip("'") for item in match.group(1).split(",")]
    shown = [f"'{i}'" for i in items if i in KEYWORDS or (len(i) == 1 and not i.isalnum())]
    if not shown:
        return "a valid continuation of the query"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
