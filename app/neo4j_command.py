"""``govgraph neo4j start|stop|status``: the local Neo4j for tests and trying the Neo4j store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from app.cli_support import cli, emit_json, json_option, translate_errors
from graph.errors import GraphError


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
@click.option(
    "--port", type=click.IntRange(1, 65535), default=None, help="Bolt port (default: a free one)."
)
@dir_option
@json_option
@translate_errors
def start(port: int | None, directory: str | None, as_json: bool) -> None:
    """Start Neo4j in the background; print its bolt:// URI once it accepts connections."""
    from app import neo4j_server

    info = neo4j_server.start(port=port, directory=directory)
    _show(info, as_json)


port_check_option = click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Only the Neo4j of the folder that listens on this Bolt port; one on another port "
    "counts as not running.",
)


@neo4j.command()
@port_check_option
@dir_option
@translate_errors
def stop(port: int | None, directory: str | None) -> None:
    """Stop the Neo4j started in the folder (with --port: only if it is on that port)."""
    from app import neo4j_server

    info = neo4j_server.status(directory=directory)
    if info is not None and not _on_port(info, port):
        raise GraphError(
            f"Neo4j in {info.dir} runs at {info.uri}, not on port {port}; nothing was stopped",
            hint="Leave out --port to stop it, or give the --dir of the Neo4j on that port.",
            code="neo4j-other-port",
        )
    stopped = neo4j_server.stop(directory=directory)
    click.echo("stopped" if stopped else "not running", err=True)


@neo4j.command()
@port_check_option
@dir_option
@json_option
@translate_errors
def status(port: int | None, directory: str | None, as_json: bool) -> None:
    """Exit 0 and print the URI when Neo4j is running (with --port: on that port), exit 1 when
    not; --json then prints {"running": false, ...}."""
    from app import neo4j_server

    info = neo4j_server.status(directory=directory)
    if info is None or not _on_port(info, port):
        elsewhere = f" on port {port} (it runs at {info.uri})" if info else ""
        click.echo(f"not running{elsewhere}", err=True)
        if as_json:
            emit_json({"running": False, "uri": None, "pid": None, "dir": _folder(directory)})
        raise SystemExit(1)
    _show(info, as_json)


def _on_port(info: Any, port: int | None) -> bool:
    return port is None or info.uri.endswith(f":{port}")


def _folder(directory: str | None) -> str:
    from app import neo4j_server

    return str(
        Path(directory).expanduser().resolve() if directory else neo4j_server.default_directory()
    )


def _show(info: Any, as_json: bool) -> None:
    if as_json:
        emit_json({"running": True, "uri": info.uri, "pid": info.pid, "dir": str(info.dir)})
    else:
        click.echo(info.uri)
