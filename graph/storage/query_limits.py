"""Bounds on a console query's size, checked before any engine sees it (docs/cypher.md).

LadybugDB 0.22 hangs on a list literal nested 500 deep and crashed the whole process on
one nested 3,000 deep; Neo4j's parser is recursive too. A query's text, its bracket nesting
and its list literals, and the nesting and size of its parameter values are therefore
bounded here, in one linear pass each, and a query over a bound is refused with
:class:`QueryRejected` naming the bound.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.errors import QueryRejected

__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_NESTING",
    "MAX_LIST_ITEMS",
    "MAX_PARAM_DEPTH",
    "MAX_PARAM_VALUES",
    "check_text",
    "check_structure",
    "check_param_values",
]

#: Most characters in a query's text.
MAX_QUERY_CHARS = 100_000
#: Deepest nesting of brackets ``( [ {`` in a query (LadybugDB hangs at 500, crashed at 3,000).
MAX_NESTING = 64
#: Most items in one list literal ``[a, b, ...]`` of a query.
MAX_LIST_ITEMS = 10_000
#: Deepest nesting of lists and maps in a parameter value.
MAX_PARAM_DEPTH = 32
#: Most values (scalars, list items, map entries) in all parameters together.
MAX_PARAM_VALUES = 100_000

_HINT = "Send a shorter query; docs/cypher.md lists the console's limits."


def check_text(text: str) -> None:
    """Raise :class:`QueryRejected` if the query's text is longer than ``MAX_QUERY_CHARS``.

    Examples
    --------
    >>> check_text("RETURN 1")
    >>> check_text(" " * 100_001)
    Traceback (most recent call last):
    ...
    graph.errors.QueryRejected: the query is 100,001 characters long; at most 100,000 are allowed
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryRejected(
            f"the query is {len(text):,} characters long; at most {MAX_QUERY_CHARS:,} are allowed",
            hint="Pass large values as parameters ($name), or " + _HINT[0].lower() + _HINT[1:],
        )


def check_structure(symbols: list[str]) -> None:
    """Raise :class:`QueryRejected` for brackets nested too deep or a list literal too long.

    ``symbols`` are the query's brackets and commas outside strings and comments, in order
    (the guard lexes the query once and passes them).

    Examples
    --------
    >>> check_structure(list("([{}])"))
    >>> check_structure(["["] * 65)
    Traceback (most recent call last):
    ...
    graph.errors.QueryRejected: the query nests brackets more than 64 deep; ...
    """
    opened: list[str] = []
    items: list[int] = []
    for symbol in symbols:
        if symbol in "([{":
            opened.append(symbol)
            items.append(1)
            if len(opened) > MAX_NESTING:
                raise QueryRejected(
                    f"the query nests brackets more than {MAX_NESTING} deep; "
                    f"at most {MAX_NESTING} levels are allowed",
                    hint=_HINT,
                )
        elif symbol in ")]}" and opened:
            opened.pop()
            items.pop()
        elif symbol == "," and opened:
            items[-1] += 1
            if opened[-1] == "[" and items[-1] > MAX_LIST_ITEMS:
                raise QueryRejected(
                    f"a list literal in the query has more than {MAX_LIST_ITEMS:,} items",
                    hint="Pass a long list as a parameter ($name), or send a shorter query.",
                )


def check_param_values(params: Mapping[str, Any]) -> None:
    """Raise :class:`QueryRejected` if parameter values nest too deep or hold too many values.

    The walk keeps its own stack, so a value nested thousands deep is measured without
    recursion.

    Examples
    --------
    >>> check_param_values({"ids": ["a", "b"], "m": {"k": 1}})
    >>> deep: list = []
    >>> for _ in range(40):
    ...     deep = [deep]
    >>> check_param_values({"x": deep})
    Traceback (most recent call last):
    ...
    graph.errors.QueryRejected: parameter $x nests lists and maps more than 32 deep
    """
    count = 0
    for name, value in params.items():
        stack: list[tuple[Any, int]] = [(value, 1)]
        while stack:
            item, depth = stack.pop()
            count += 1
            if depth > MAX_PARAM_DEPTH:
                raise QueryRejected(
                    f"parameter ${name} nests lists and maps more than {MAX_PARAM_DEPTH} deep",
                    hint="Send flatter parameter values.",
                )
            if count > MAX_PARAM_VALUES:
                raise QueryRejected(
                    f"the parameters hold more than {MAX_PARAM_VALUES:,} values",
                    hint="Send fewer parameter values.",
                )
            children = item.values() if isinstance(item, Mapping) else item
            if isinstance(item, Mapping | list | tuple):
                stack.extend((child, depth + 1) for child in children)
