"""The read-only Cypher guard both stores put in front of the query console (DESIGN section 4).

The guard is lexical: it strips comments (so ``LOAD/**/CSV`` cannot hide a clause), keeps one
statement only, and refuses every clause that writes, administers or reaches outside the
database. Words inside string literals, backquoted names, property accesses (``n.set``),
parameters (``$delete``), labels (``:Create``) and map keys (``{set: 1}``) are not clauses.
The Neo4j store adds ``EXPLAIN`` and checks the query type; the embedded store adds its own
refusals of constructs it would answer differently (:mod:`graph.storage.embedded`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass

from graph.errors import QueryRejected
from graph.storage.query_limits import check_param_values, check_structure, check_text

__all__ = [
    "strip_comments",
    "tokens",
    "check_single_statement",
    "check_read_only",
    "guard",
    "check_parameters",
    "lexemes",
    "Lexeme",
    "READ_ONLY_PROCEDURES",
    "PROCEDURE_NAMES",
    "FORBIDDEN_CLAUSES",
]

#: The schema procedures both stores answer (graph.storage.procedures), as Neo4j spells them.
PROCEDURE_NAMES = (
    "db.labels",
    "db.relationshipTypes",
    "db.propertyKeys",
    "db.schema.visualization",
)

#: The one allowlist: every other ``CALL name`` is refused, on both stores alike.
READ_ONLY_PROCEDURES: frozenset[str] = frozenset(name.lower() for name in PROCEDURE_NAMES)

#: Words that start a writing, administrative or outward-reaching clause, with the reason.
FORBIDDEN_CLAUSES: dict[str, str] = {
    **dict.fromkeys(("CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE"), "writes data"),
    **dict.fromkeys(("DROP", "ALTER", "RENAME", "TRUNCATE"), "changes the schema"),
    **dict.fromkeys(("LOAD", "COPY", "IMPORT", "EXPORT"), "reads or writes files"),
    **dict.fromkeys(("INSTALL", "UNINSTALL", "ATTACH", "USE"), "changes the database setup"),
    **dict.fromkeys(("START", "STOP", "TERMINATE", "ENABLE", "DEALLOCATE"), "administers"),
    **dict.fromkeys(("GRANT", "DENY", "REVOKE", "SHOW"), "administers the server"),
    **dict.fromkeys(("BEGIN", "COMMIT", "ROLLBACK", "CHECKPOINT"), "controls transactions"),
    **dict.fromkeys(("EXPLAIN", "PROFILE"), "is added by the store itself"),
    "FOREACH": "runs updates in a loop",
}

#: Namespaces whose functions may write or reach the server, refused even outside CALL.
FORBIDDEN_NAMESPACES: frozenset[str] = frozenset({"APOC", "DBMS", "GDS"})

_LEXEME = re.compile(
    r"""(?P<string>'(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?)"""
    r"|(?P<name>`(?:[^`]|``)*`?)"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)",
    re.DOTALL,
)


@dataclass(frozen=True)
class Lexeme:
    """One piece of a statement: a string, a backquoted name, a word, a space or a symbol."""

    kind: str  # string, name, word, space or other
    text: str


def _lex(text: str) -> Iterator[Lexeme]:
    for match in _LEXEME.finditer(text):
        kind = match.lastgroup or "other"
        yield Lexeme(kind, match.group())


#: A comment, an unclosed block comment, or a quoted lexeme (kept as it is); one regex pass.
_COMMENT_OR_QUOTED = re.compile(
    r"(?P<line>//[^\n]*)|(?P<block>/\*.*?\*/)|(?P<open>/\*)"
    r"""|(?P<quoted>'(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?|`(?:[^`]|``)*`?)""",
    re.DOTALL,
)


def strip_comments(text: str) -> str:
    """Return ``text`` without ``//`` line and ``/* */`` block comments.

    String literals and backquoted names are kept intact; a block comment becomes one space
    so that words on both sides stay apart. One regular-expression pass: linear in the size
    of the text.

    Raises
    ------
    QueryRejected
        If a block comment is not closed.

    Examples
    --------
    >>> strip_comments("LOAD/**/CSV FROM 'http://x/*y*/' // trailing")
    "LOAD CSV FROM 'http://x/*y*/' "
    """
    return _COMMENT_OR_QUOTED.sub(_comment_replacement, text)


def _comment_replacement(match: re.Match[str]) -> str:
    kind = match.lastgroup
    if kind == "open":
        raise QueryRejected("the query has a block comment that is never closed")
    return {"line": "", "block": " "}.get(kind or "", match.group())


def tokens(text: str) -> list[str]:
    """Return the upper-cased words of ``text`` outside string literals and backquoted names.

    Examples
    --------
    >>> tokens("match (n:Actor {name: 'create'}) return `set`, n.id")
    ['MATCH', 'N', 'ACTOR', 'NAME', 'RETURN', 'N', 'ID']
    """
    return [lx.text.upper() for lx in _lex(strip_comments(text)) if lx.kind == "word"]


def check_single_statement(text: str) -> str:
    """Return the one statement in ``text`` (comments stripped, one trailing ``;`` allowed).

    Raises
    ------
    QueryRejected
        If the text is empty or holds several statements separated by ``;``.

    Examples
    --------
    >>> check_single_statement("MATCH (n) RETURN n; // done")
    'MATCH (n) RETURN n'
    >>> check_single_statement("RETURN ';'")
    "RETURN ';'"
    """
    statements = [s.strip() for s in _split_statements(strip_comments(text))]
    statements = [s for s in statements if s]
    if not statements:
        raise QueryRejected("the query is empty", hint="Write one statement: MATCH ... RETURN ...")
    if len(statements) > 1:
        raise QueryRejected(
            f"the query holds {len(statements)} statements; only one is allowed",
            hint="Remove the ';' between statements and run them one at a time.",
        )
    return statements[0]


def _split_statements(text: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    for lx in _lex(text):
        if lx.kind == "other" and lx.text == ";":
            parts.append("".join(current))
            current = []
        else:
            current.append(lx.text)
    parts.append("".join(current))
    return parts


def lexemes(text: str, *, spaces: bool = False) -> list[Lexeme]:
    """Return the lexemes of ``text`` after stripping comments (spaces only if asked).

    Examples
    --------
    >>> [lx.text for lx in lexemes("RETURN n.x // c")]
    ['RETURN', 'n', '.', 'x']
    """
    return [lx for lx in _lexed(text) if spaces or lx.kind != "space"]


@functools.lru_cache(maxsize=8)
def _lexed(text: str) -> tuple[Lexeme, ...]:
    # The guard and the embedded dialect lex one statement several times; lex it once.
    return tuple(_lex(strip_comments(text)))


def _is_clause_word(code: list[Lexeme], i: int) -> bool:
    """Return True if the word at ``i`` can start a clause (not a property, label or key)."""
    before = code[i - 1].text if i > 0 else ""
    after = code[i + 1].text if i + 1 < len(code) else ""
    return before not in (".", "$", ":") and after != ":"


def check_read_only(text: str, *, allowed_calls: frozenset[str] = READ_ONLY_PROCEDURES) -> None:
    """Raise :class:`QueryRejected` naming the clause if ``text`` may write or administer.

    Parameters
    ----------
    text : str
        One Cypher statement (comments are stripped here again).
    allowed_calls : frozenset of str
        Lower-case procedure names ``CALL`` may name; ``CALL { ... }`` subqueries are checked
        like the rest of the statement.

    Examples
    --------
    >>> check_read_only("MATCH (n:Actor {id: 'set'}) WHERE n.delete IS NULL RETURN n")
    >>> check_read_only("MATCH (n) DETACH DELETE n")
    Traceback (most recent call last):
    ...
    graph.errors.QueryRejected: DETACH is not allowed: the clause writes data
    """
    code = lexemes(text)
    for i, lx in enumerate(code):
        if lx.kind != "word" or not _is_clause_word(code, i):
            continue
        word = lx.text.upper()
        if word in FORBIDDEN_CLAUSES:
            raise QueryRejected(f"{word} is not allowed: the clause {FORBIDDEN_CLAUSES[word]}")
        if word in FORBIDDEN_NAMESPACES and i + 1 < len(code) and code[i + 1].text == ".":
            raise QueryRejected(f"{lx.text}.* procedures and functions are not allowed")
        if word == "CALL":
            _check_call(code, i, allowed_calls)


def _check_call(code: list[Lexeme], i: int, allowed_calls: frozenset[str]) -> None:
    """Allow ``CALL {`` / ``CALL (vars) {`` subqueries and allowlisted procedures only."""
    if i + 1 < len(code) and code[i + 1].text in ("{", "("):
        return
    name = _dotted_name(code, i + 1)
    if name.lower() not in allowed_calls:
        raise QueryRejected(
            f"CALL {name or '...'} is not allowed: only read-only schema procedures may be called",
            hint=f"Allowed procedures: {_shown(allowed_calls) or 'none'}.",
        )


def _shown(allowed_calls: frozenset[str]) -> str:
    names = [n for n in PROCEDURE_NAMES if n.lower() in allowed_calls]
    return ", ".join(n + "()" for n in names + sorted(allowed_calls - READ_ONLY_PROCEDURES))


def _dotted_name(code: list[Lexeme], i: int) -> str:
    parts: list[str] = []
    while i < len(code) and code[i].kind in ("word", "name"):
        parts.append(code[i].text.strip("`"))
        if i + 1 < len(code) and code[i + 1].text == ".":
            i += 2
        else:
            break
    return ".".join(parts)


def guard(text: str, *, allowed_calls: frozenset[str] = READ_ONLY_PROCEDURES) -> str:
    """Return the one read-only statement in ``text``; raise QueryRejected otherwise.

    The query's size, bracket nesting and list literals are bounded first
    (:mod:`graph.storage.query_limits`), so no engine parses a hostile shape.

    Examples
    --------
    >>> guard("MATCH (a:Actor) RETURN a.id LIMIT 3;")
    'MATCH (a:Actor) RETURN a.id LIMIT 3'
    """
    check_text(text)
    check_structure([lx.text for lx in lexemes(text) if lx.kind == "other" and lx.text in _SHAPE])
    statement = check_single_statement(text)
    check_read_only(statement, allowed_calls=allowed_calls)
    return statement


#: The symbols that give a statement its shape: brackets and the commas between items.
_SHAPE = frozenset("()[]{},")


def check_parameters(statement: str, given: Collection[str]) -> None:
    """Raise :class:`QueryRejected` naming each ``$parameter`` the statement uses unset.

    When ``given`` is the mapping of values, their nesting and number are checked too
    (:func:`graph.storage.query_limits.check_param_values`).

    Neo4j refuses such a statement; LadybugDB would read the missing value as null and
    quietly return no rows, so both stores check first and answer alike.

    Examples
    --------
    >>> check_parameters("MATCH (a {id: $id}) WHERE a.note <> '$x' RETURN a", ["id"])
    >>> check_parameters("MATCH (a) WHERE a.scenario = $s AND a.kind = $`the kind` RETURN a", [])
    Traceback (most recent call last):
    ...
    graph.errors.QueryRejected: the statement uses parameters without a value: $s, $`the kind`
    """
    if isinstance(given, Mapping):
        check_param_values(given)
    code = lexemes(statement)
    used = [code[i + 1] for i in range(len(code) - 1) if code[i].text == "$"]
    names = [lx.text.strip("`") for lx in used if lx.kind in ("word", "name")]
    missing = list(dict.fromkeys(name for name in names if name not in given))
    if missing:
        shown = ", ".join(f"${name}" if name.isidentifier() else f"$`{name}`" for name in missing)
        raise QueryRejected(
            f"the statement uses parameters without a value: {shown}",
            hint="Give each a value: --param NAME=VALUE on the command line, "
            '"params": {"NAME": ...} in the API.',
        )
