"""One exception tree for govgraph; the app and the CLI translate it at their edges."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = [
    "GraphError",
    "Problem",
    "shorten",
    "ValidationFailed",
    "NotFound",
    "QueryRejected",
    "UnsupportedQuery",
    "QuerySyntaxError",
    "QueryTimeout",
    "StoreUnavailable",
    "QueryCrashed",
    "QueryBusy",
]


#: Longest culprit value and message a problem keeps; the rest is cut with a count.
MAX_VALUE_CHARS = 120
MAX_MESSAGE_CHARS = 400
#: Most problems one error lists; the rest are counted in one last problem.
MAX_PROBLEMS = 100
MORE_PROBLEMS = "more-problems"


def shorten(text: str, limit: int) -> str:
    """Return ``text`` cut to about ``limit`` characters, saying how long it was.

    Examples
    --------
    >>> shorten("x" * 500, 20)
    'xxxxxxxxxxxxxxxxxxxx… (500 characters)'
    >>> shorten("short", 20)
    'short'
    """
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file.

    Parameters
    ----------
    code : str
        Stable, kebab-case code, e.g. ``duplicate-id``.
    message : str
        What is wrong, in one sentence.
    hint : str
        How to fix it.
    file : str or None
        The file (or folder member) the problem is in.
    line : int or None
        1-based line in a YAML or JSON file.
    sheet : str or None
        Sheet (xlsx) or table name (csv file) of a spreadsheet.
    row : int or None
        1-based row in a spreadsheet, counting the header as row 1.
    value : Any
        The culprit value, when there is one.

    Examples
    --------
    >>> p = Problem("duplicate-id", "actor id a is used twice", file="x.yaml", line=7)
    >>> p.where()
    'x.yaml:7'
    """

    code: str
    message: str
    hint: str = ""
    file: str | None = None
    line: int | None = None
    sheet: str | None = None
    row: int | None = None
    value: Any = None

    def __post_init__(self) -> None:
        # A hostile file repeats a long value in every problem; keep messages short.
        object.__setattr__(self, "message", shorten(self.message, MAX_MESSAGE_CHARS))
        if isinstance(self.value, str):
            object.__setattr__(self, "value", shorten(self.value, MAX_VALUE_CHARS))

    def where(self) -> str:
        """Return the place as ``file:line`` or ``file[sheet]:row``."""
        place = self.file or "<input>"
        if self.sheet:
            place += f"[{self.sheet}]"
        if self.line is not None:
            place += f":{self.line}"
        elif self.row is not None:
            place += f":row {self.row}"
        return place

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (the place included)."""
        data = {k: v for k, v in asdict(self).items() if v is not None}
        data["where"] = self.where()
        return data

    def __str__(self) -> str:
        shown = f" (value: {self.value!r})" if self.value is not None else ""
        hint = f" Hint: {self.hint}" if self.hint else ""
        return f"{self.where()}: [{self.code}] {self.message}{shown}.{hint}"


class GraphError(Exception):
    """Base class of every error govgraph raises on purpose."""

    code = "graph-error"
    hint = ""

    def __init__(self, message: str, *, hint: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint
        if code is not None:
            self.code = code


class ValidationFailed(GraphError):
    """Input did not validate; ``problems`` lists every located problem at once."""

    code = "validation-failed"
    hint = "Fix every listed problem and try again; nothing was loaded."

    def __init__(self, problems: list[Problem], message: str | None = None) -> None:
        # Problems of an error raised again with more: its count of unlisted ones carries over.
        unlisted = sum(p.value for p in problems if p.code == MORE_PROBLEMS)
        listed = [p for p in problems if p.code != MORE_PROBLEMS]
        count = len(listed) + unlisted
        #: Every problem found, also those past the ones listed.
        self.count = count
        self.problems = listed[:MAX_PROBLEMS]
        if count > len(self.problems):
            hidden = count - len(self.problems)
            self.problems.append(
                Problem(
                    MORE_PROBLEMS,
                    f"{hidden:,} more problems are not listed",
                    "Fix the listed ones first; the rest are often the same mistake repeated.",
                    file=self.problems[-1].file if self.problems else None,
                    value=hidden,
                )
            )
        super().__init__(
            message or f"{count:,} problem{'s' if count != 1 else ''} found in the input"
        )


class NotFound(GraphError):
    """A scenario, actor or relation does not exist."""

    code = "not-found"


class QueryRejected(GraphError):
    """A query was refused: a write, a procedure, several statements, a syntax error."""

    code = "query-rejected"
    hint = "Only one read-only statement is allowed (MATCH ... RETURN)."


class QuerySyntaxError(QueryRejected):
    """A query is not valid Cypher; ``position`` (line, column, offset) says where, if known."""

    code = "syntax-error"
    hint = "Check the statement's syntax."

    def __init__(
        self, message: str, *, hint: str | None = None, position: dict[str, int] | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.position = position


class UnsupportedQuery(QueryRejected):
    """The embedded store cannot answer this construct the way Neo4j would."""

    code = "unsupported-construct"
    hint = "See docs/cypher.md for the Cypher subset both stores answer alike."


class QueryTimeout(GraphError):
    """A query ran past its deadline and was stopped."""

    code = "query-timeout"
    hint = "Narrow the query (add a LIMIT, anchor the MATCH on an id) or raise the timeout."


class StoreUnavailable(GraphError):
    """The store could not be reached or opened."""

    code = "store-unavailable"
    hint = "Check NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD, or that the --db folder is writable."


class QueryCrashed(QueryRejected):
    """A query made the query engine fail (it ran in a worker process, which was replaced)."""

    code = "query-crashed"
    hint = (
        "The query was stopped and nothing else was affected; simplify it (fewer nested "
        "expressions, smaller lists) and try again."
    )


class QueryBusy(GraphError):
    """As many console queries as allowed are running; this one was not started."""

    code = "query-busy"
    hint = "Try again in a moment; GOVGRAPH_QUERY_WORKERS sets how many queries run at once."
