"""The ``govgraph`` command line: a thin click group over the ``graph`` functions (DESIGN §6).

The group and what the commands share live in :mod:`app.cli_support`; the group imports a
command's module (which registers the command on it) only when that command is asked for.
"""

from __future__ import annotations

import os
import sys

import click

from app.cli_support import EXIT_RUNTIME, cli


def main(argv: list[str] | None = None) -> None:
    """Run the command line; usage errors exit 2, unexpected failures exit 1 without a traceback."""
    try:
        cli.main(args=argv, prog_name="govgraph", standalone_mode=True)
    except (KeyboardInterrupt, BrokenPipeError):
        sys.exit(EXIT_RUNTIME)
    except Exception as exc:  # noqa: BLE001 - the user sees a message, never a traceback
        if os.environ.get("GOVGRAPH_DEBUG"):
            raise
        click.echo(f"Error: unexpected failure: {type(exc).__name__}: {exc}", err=True)
        click.echo("Hint: run again with GOVGRAPH_DEBUG=1 to see the traceback.", err=True)
        sys.exit(EXIT_RUNTIME)


__all__ = ["cli", "main"]


if __name__ == "__main__":
    main()
