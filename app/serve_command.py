"""``govgraph serve``: the web app on waitress, or one response printed with ``--get``."""

from __future__ import annotations

import errno
import socket
from typing import Any

import click

from app.cli_support import BadInput, cli, data_options, translate_errors
from app.datasource import DataSource
from graph.errors import GraphError

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@cli.command()
@data_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option(
    "--port",
    default=5000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--threads", default=8, show_default=True, type=click.IntRange(min=1), help="Worker threads."
)
@click.option(
    "--get",
    "get_path",
    metavar="PATH",
    help="Print the response to one GET request (e.g. /api/scenarios) and exit.",
)
@translate_errors
def serve(source: DataSource, host: str, port: int, threads: int, get_path: str | None) -> None:
    """Serve the explorer and JSON API on a production WSGI server (waitress).

    Writes (upload, replace, delete) are open when bound to loopback and need
    GOVGRAPH_ADMIN_TOKEN otherwise.
    """
    from app import create_app
    from app.memory import limit_arenas

    limit_arenas()  # before the request threads start: each would keep an arena of its own
    app = create_app({"DATA_SOURCE": source, "LOOPBACK_ONLY": host in LOOPBACK_HOSTS})
    if get_path:
        _print_one(app, get_path)
        return
    server = _bind(app, host, port, threads)
    # Announced only once bound, with the port really in use (``--port 0`` picks one).
    shown = f"http://{_display(host)}:{server.effective_port}/"
    click.echo(f"govgraph on {shown} ({source.describe()})", err=True)
    server.run()


def _bind(app: object, host: str, port: int, threads: int) -> Any:
    """Return a waitress server listening on ``host:port``, or fail with what to pass instead."""
    import waitress

    sock = _bound_socket(host, port)
    try:
        return waitress.create_server(app, sockets=[sock], threads=threads, ident="govgraph")
    except Exception:
        sock.close()
        raise


def _bound_socket(host: str, port: int) -> socket.socket:
    """Bind here rather than in waitress, which leaves its socket open when binding fails."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (OSError, UnicodeError):
        raise _bad_host(host, "cannot be resolved") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as waitress does
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise _bind_error(exc, host, port) from None
    return sock


def _bad_host(host: str, why: str) -> BadInput:
    return BadInput(
        f"--host '{host}' {why}",
        hint="Pass an address of this machine: 127.0.0.1 (this machine only, the default), "
        "0.0.0.0 (every interface) or ::1.",
    )


def _bind_error(exc: OSError, host: str, port: int) -> GraphError:
    if exc.errno == errno.EADDRINUSE:
        return GraphError(
            f"port {port} on {host} is already in use",
            hint="Pick another --port (0 picks a free one), or stop the program using it.",
            code="port-in-use",
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return _bad_host(host, "is not an address of this machine, so it cannot be bound")
    return GraphError(
        f"cannot listen on {host}:{port}: {exc.strerror or exc}",
        hint="Pick another --port (ports below 1024 need privileges), or another --host.",
        code="bind-failed",
    )


def _print_one(app: object, path: str) -> None:
    client = app.test_client()  # type: ignore[attr-defined]
    response = client.get(path)
    click.echo(response.get_data(as_text=True))
    if response.status_code >= 400:
        raise SystemExit(1 if response.status_code >= 500 else 2)


def _display(host: str) -> str:
    return f"[{host}]" if ":" in host else host
