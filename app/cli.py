"""The ``govgraph`` command line: a thin click group over the ``graph`` functions (DESIGN §6).

The group and what the commands share live in :mod:`app.cli_support`; the group imports a
command's module (which registers the command on it) only when that command is asked for.
A plain ``analyze --json`` answered before is printed before any of it is imported
(:mod:`app.cached_answer`).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

from app.cached_answer import early_answer

if TYPE_CHECKING:
    from app.cli_support import cli


def main(argv: list[str] | None = None) -> None:
    """Run the command line; usage errors exit 2, unexpected failures exit 1 without a traceback."""
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        text = early_answer(args)
        if text is not None:
            sys.stdout.write(text + "\n")  # what click.echo writes to a UTF-8 stdout
            sys.stdout.flush()
            return
        from app.cli_support import cli

        cli.main(args=args, prog_name="govgraph", standalone_mode=True)
    except (KeyboardInterrupt, BrokenPipeError):
        from app.cli_support import EXIT_RUNTIME

        sys.exit(EXIT_RUNTIME)
    except Exception as exc:  # noqa: BLE001 - the user sees a message, never a traceback
        if os.environ.get("GOVGRAPH_DEBUG"):
            raise
        import click

        click.echo(f"Error: unexpected failure: {type(exc).__name__}: {exc}", err=True)
        click.echo("Hint: run again with GOVGRAPH_DEBUG=1 to see the traceback.", err=True)
        from app.cli_support import EXIT_RUNTIME

        sys.exit(EXIT_RUNTIME)


def __getattr__(name: str) -> Any:
    if name == "cli":  # the click group, imported when asked for
        from app.cli_support import cli

        return cli
    raise AttributeError(f"module 'app.cli' has no attribute '{name}'")


__all__ = ["cli", "main"]


if __name__ == "__main__":
    main()
