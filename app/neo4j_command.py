"""``govgraph neo4j start|stop|status``: the local Neo4j for tests and trying the Neo4j store."""

from __future__ import annotations

import click

from app.cli import cli, emit_json, json_option, translate_errors


@cli.group()
def neo4j() -> None:
    """Run a local Neo4j Community (from Maven Central jars) on 127.0.0.1, auth off."""


dir_option = click.option(
    "--dir",
    "directory",
    type=click.Path(),
    metavar="D",
    help="Data folder (default: a per-user data folder).",
)


@neo4j.command()
@click.option("--port", type=int, default=None, help="Bolt port (default: a free one).")
@dir_option
@json_option
@translate_errors
def start(port: int | None, directory: str | None, as_json: bool) -> None:
    """Start Neo4j in the background; print its bolt:// URI once it accepts connections."""
    from app import neo4j_server

    info = neo4j_server.start(port=port, directory=directory)
    _show(info, as_json)


@neo4j.command()
@dir_option
@translate_errors
def stop(directory: str | None) -> None:
    """Stop the Neo4j started in the folder."""
    from app import neo4j_server

    stopped = neo4j_server.stop(directory=directory)
    click.echo("stopped" if stopped else "not running", err=True)


@neo4j.command()
@dir_option
@json_option
@translate_errors
def status(directory: str | None, as_json: bool) -> None:
    """Exit 0 and print the URI when Neo4j is running, exit 1 when not."""
    from app import neo4j_server

    info = neo4j_server.status(directory=directory)
    if info is None:
        click.echo("not running", err=True)
        raise SystemExit(1)
    _show(info, as_json)


def _show(info: object, as_json: bool) -> None:
    if as_json:
        emit_json({"uri": info.uri, "pid": info.pid, "dir": str(info.dir)})  # type: ignore[attr-defined]
    else:
        click.echo(info.uri)  # type: ignore[attr-defined]
