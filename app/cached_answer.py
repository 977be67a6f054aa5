"""An ``analyze --json`` asked before is answered before the command line itself is imported.

The analysis cache (:mod:`graph.result_cache`) keeps the text a successful ``analyze
--json`` printed, under a key of its files, options, code and libraries. When the command
line has exactly the plain form ``analyze [--scenario ID] [--as-of DATE] [--confirmed-only]
[--data PATH]... --json`` (in any order, each option once but ``--data``) and no environment
variable chooses other data, :func:`early_answer` computes the same key the command computes
and returns the kept text, so the answer costs the interpreter, the hashing and one file
read, without importing click or networkx. Anything else, or no kept text, returns None and
click parses, checks and runs the command as always; a text is only ever kept by a run of
that command with the same options, so both paths print the same bytes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from graph.datasets import bundled_paths
from graph.result_cache import cached_result, result_key

__all__ = ["analysis_key", "early_answer", "CODE"]

#: The modules besides the ``graph`` package whose code shapes the printed answer: a change
#: to any of them gives another key.
CODE = [Path(__file__).with_name(name) for name in ("cached_answer.py", "analyze_command.py",
                                                    "cli_support.py", "datasource.py")]  # fmt: skip

#: Environment variables that choose the data (DESIGN section 6): with any of them set, the
#: command line decides which data is meant.
DATA_VARIABLES = ("GOVGRAPH_DATA", "NEO4J_URI", "GOVGRAPH_DB")

_VALUED = ("--scenario", "--as-of")
_FLAGS = ("--json", "--confirmed-only")


def analysis_key(
    files: Sequence[Path],
    *,
    data_given: bool,
    scenario_id: str | None,
    as_of: str | None,
    confirmed_only: bool,
) -> str | None:
    """Return the cache key of ``analyze --json`` on ``files`` with these options (None when a
    file cannot be read)."""
    options = {"command": "analyze --json", "scenario": scenario_id, "as_of": as_of,
               "confirmed_only": confirmed_only, "data": data_given}  # fmt: skip
    return result_key(files, options, code=CODE)


def early_answer(argv: Sequence[str]) -> str | None:
    """Return the kept answer to the command line ``argv`` (without the program name), or
    None when it is not a plain ``analyze --json`` or nothing is kept for it.

    Examples
    --------
    >>> early_answer(["analyze", "--scenario=nplv-2022", "--json"]) is None  # not plain
    True
    >>> early_answer(["analyze", "--scenario", "nplv-2022"]) is None  # no --json
    True
    """
    if any(os.environ.get(name) for name in DATA_VARIABLES):
        return None
    if (sys.stdout.encoding or "").lower().replace("-", "") != "utf8":
        return None  # click would adapt the text to the stream; let it
    plain = _plain_options(argv)
    if plain is None:
        return None
    data, values, flags = plain
    files = [Path(path) for path in data] if data else bundled_paths()
    key = analysis_key(
        files,
        data_given=bool(data),
        scenario_id=values.get("--scenario"),
        as_of=values.get("--as-of"),
        confirmed_only="--confirmed-only" in flags,
    )
    return cached_result(key)


def _plain_options(argv: Sequence[str]) -> tuple[list[str], dict[str, str], set[str]] | None:
    """Split ``analyze ... --json`` into its --data paths, valued options and flags; None for
    any other form (an unknown or repeated option, ``--opt=value``, no ``--json``)."""
    if not argv or argv[0] != "analyze":
        return None
    data: list[str] = []
    values: dict[str, str] = {}
    flags: set[str] = set()
    rest = list(argv[1:])
    while rest:
        token = rest.pop(0)
        if token in _FLAGS and token not in flags:
            flags.add(token)
        elif token in _VALUED and token not in values and rest:
            values[token] = rest.pop(0)
        elif token == "--data" and rest:
            data.append(rest.pop(0))
        else:
            return None
    return (data, values, flags) if "--json" in flags else None
