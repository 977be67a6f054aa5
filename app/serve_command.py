"""``govgraph serve``: the web app on waitress, or one response printed with ``--get``."""

from __future__ import annotations

import click

from app.cli import cli, data_options, translate_errors
from app.datasource import DataSource

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@cli.command()
@data_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=int, help="Worker threads.")
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

    app = create_app({"DATA_SOURCE": source, "LOOPBACK_ONLY": host in LOOPBACK_HOSTS})
    if get_path:
        _print_one(app, get_path)
        return
    import waitress

    click.echo(f"govgraph on http://{_display(host)}:{port}/ ({source.describe()})", err=True)
    waitress.serve(app, host=host, port=port, threads=threads, ident="govgraph")


def _print_one(app: object, path: str) -> None:
    client = app.test_client()  # type: ignore[attr-defined]
    response = client.get(path)
    click.echo(response.get_data(as_text=True))
    if response.status_code >= 400:
        raise SystemExit(1 if response.status_code >= 500 else 2)


def _display(host: str) -> str:
    return f"[{host}]" if ":" in host else host
