"""Every setting of the web app in one table: it feeds the app config, the CLI and the README.

A setting has a config key (``app.config[name]``), the environment variable that sets it, a
default and one line of help. :func:`from_environ` reads the variables; :func:`markdown_table`
renders the table for the README, so the documentation cannot drift from the code.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Setting", "SETTINGS", "defaults", "from_environ", "markdown_table", "setting"]


def _paths(text: str) -> list[str]:
    """Read a list of paths separated like PATH (``:`` on POSIX, ``;`` on Windows)."""
    return [p for p in text.split(os.pathsep) if p.strip()]


def _flag(text: str) -> bool:
    return text.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Setting:
    """One setting: config key, environment variable, default, help and a parser for text."""

    name: str
    env: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str
    secret: bool = False

    def shown_default(self) -> str:
        """The default as the README shows it."""
        if self.default in (None, [], ""):
            return "(unset)"
        return str(self.default)


SETTINGS: tuple[Setting, ...] = (
    Setting("DB", "GOVGRAPH_DB", None,
            "Folder of the embedded store; in memory when unset."),
    Setting("DATA", "GOVGRAPH_DATA", [],
            f"Scenario files or folders to load instead of the bundled ones "
            f"(separated by `{os.pathsep}`); always means the embedded store.", _paths),
    Setting("NEO4J_URI", "NEO4J_URI", None,
            "Use the Neo4j store at this bolt:// or neo4j:// URI instead of the embedded one."),
    Setting("NEO4J_USER", "NEO4J_USER", None, "Neo4j user name."),
    Setting("NEO4J_PASSWORD", "NEO4J_PASSWORD", None, "Neo4j password.", secret=True),
    Setting("NEO4J_DATABASE", "NEO4J_DATABASE", None,
            "Neo4j database name; the server's default database when unset."),
    Setting("ADMIN_TOKEN", "GOVGRAPH_ADMIN_TOKEN", None,
            "Token that allows uploads, replacements and deletions on a server that is not "
            "bound to loopback (`Authorization: Bearer <token>` or form field `token`).",
            secret=True),
    Setting("LOOPBACK_ONLY", "GOVGRAPH_LOOPBACK_ONLY", True,
            "Whether the server is bound to loopback only (`govgraph serve` sets it from "
            "`--host`); writes are open without a token only then.", _flag),
    Setting("CONSOLE_NEEDS_TOKEN", "GOVGRAPH_CONSOLE_NEEDS_TOKEN", False,
            "Whether console queries (`POST /api/query`) need the admin token on a server not "
            "bound to loopback; they are read-only but cost CPU.", _flag),
    Setting("QUERY_TIMEOUT", "GOVGRAPH_QUERY_TIMEOUT", 5.0,
            "Seconds before a console query is stopped.", float),
    Setting("QUERY_ROW_LIMIT", "GOVGRAPH_QUERY_ROW_LIMIT", 1000,
            "Most rows a console query returns (the answer says `truncated`).", int),
    Setting("QUERY_WORKERS", "GOVGRAPH_QUERY_WORKERS", 2,
            "Console queries that run at once; one more is answered 429 at once. On the "
            "embedded store each runs in its own worker process, killed at the timeout.", int),
    Setting("QUERY_MEMORY_MB", "GOVGRAPH_QUERY_MEMORY_MB", 2048,
            "Memory in megabytes an embedded-store query worker may use before its query is "
            "stopped.", int),
    Setting("MAX_UPLOAD_MB", "GOVGRAPH_MAX_UPLOAD_MB", 20.0,
            "Largest request body (an upload) in megabytes; larger ones get 413.", float),
    Setting("CACHE_SECONDS", "GOVGRAPH_CACHE_SECONDS", 300.0,
            "Seconds a derived view (graph, layout, analysis, export file) is reused; local writes "
            "invalidate it at once.", float),
    Setting("CACHE_ENTRIES", "GOVGRAPH_CACHE_ENTRIES", 256,
            "Most derived views kept in memory.", int),
    Setting("PROGRESS_AFTER", "GOVGRAPH_PROGRESS_AFTER", 1.0,
            "Seconds an analysis request waits for its result before answering 202 with a "
            "URL to ask again (the browser shows a progress bar meanwhile).", float),
    Setting("CACHE_MB", "GOVGRAPH_CACHE_MB", 512.0,
            "Most memory, in megabytes (estimated), that the derived views kept hold; the "
            "least recently used go first, and expired ones are freed.", float),
    Setting("SCENARIO_CACHE_DIR", "GOVGRAPH_CACHE_DIR", None,
            "Folder where validated scenario files are kept, keyed by their content, so each "
            "is parsed once (the bundled ones and files over 256 kB), and `analyze --json` "
            "answers, printed again without computing for the same files, options and code; "
            "`$XDG_CACHE_HOME/govgraph` or `~/.cache/govgraph` when unset, `off` for none."),
)  # fmt: skip


def setting(name: str) -> Setting:
    """Return the setting with config key ``name``; raise KeyError if there is none."""
    for item in SETTINGS:
        if item.name == name:
            return item
    raise KeyError(name)


def defaults() -> dict[str, Any]:
    """Return every setting's default, keyed by config name (lists copied)."""
    return {s.name: list(s.default) if isinstance(s.default, list) else s.default for s in SETTINGS}


def from_environ(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return the settings whose environment variable is set (and not empty), parsed.

    Raises
    ------
    ValueError
        If a value cannot be parsed (say ``GOVGRAPH_QUERY_TIMEOUT=soon``); the message names it.
    """
    environ = os.environ if environ is None else environ
    found = {}
    for item in SETTINGS:
        text = environ.get(item.env, "")
        if text.strip():
            found[item.name] = _parse(item, text)
    return found


def _parse(item: Setting, text: str) -> Any:
    try:
        return item.parse(text)
    except ValueError:
        raise ValueError(f"{item.env}={text!r} is not valid: {item.help}") from None


def markdown_table() -> str:
    """Return the settings as a markdown table (variable, default, meaning) for the README."""
    lines = ["| Variable | Default | Meaning |", "|---|---|---|"]
    for item in SETTINGS:
        lines.append(f"| `{item.env}` | {item.shown_default()} | {item.help} |")
    return "\n".join(lines) + "\n"
