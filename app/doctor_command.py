"""``govgraph doctor --db DIR``: what an embedded store folder holds, and what is wrong with it."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import click

from app.cli_support import cli, emit_json, json_option, translate_errors
from graph.storage.generations import FolderReport, inspect_folder


@cli.command()
@click.option(
    "--db",
    envvar="GOVGRAPH_DB",
    metavar="PATH",
    required=True,
    type=click.Path(),
    help="Embedded store folder to inspect. Env: GOVGRAPH_DB.",
)
@json_option
@translate_errors
def doctor(db: str, as_json: bool) -> None:
    """Report what an embedded store folder holds: its layout and generation, each scenario
    with its actors and relations, and any problem (a missing or unreadable database,
    unfinished generations left by an interrupted write). Nothing is changed.

    Exits 0 when the folder is sound (or missing or empty), 1 when a problem was found.
    """
    report = inspect_folder(db)
    scenarios = _scenarios(report)
    if as_json:
        emit_json({**asdict(report), "scenarios": scenarios, "ok": not report.problems})
    else:
        _print(report, scenarios)
    if report.problems:
        raise SystemExit(1)


def _scenarios(report: FolderReport) -> list[dict[str, Any]]:
    """Read each scenario's size from the folder's database, opened read-only."""
    if not report.db_file or report.problems and report.layout != "generations":
        return []
    import ladybug

    from graph.storage.embedded import open_database

    try:
        db = open_database(report.db_file, read_only=True)
    except Exception as exc:  # noqa: BLE001 - reported, never raised
        report.problems.append(f"the database cannot be opened read-only: {exc}")
        return []
    try:
        conn = ladybug.Connection(db)
        heads = conn.execute("MATCH (s:Scenario) RETURN s.id, s.title ORDER BY s.id").get_all()
        actors = dict(conn.execute("MATCH (a:Actor) RETURN a.scenario, count(*)").get_all())
        rels = dict(conn.execute("MATCH ()-[r]->() RETURN r.scenario, count(*)").get_all())
    except Exception as exc:  # noqa: BLE001
        report.problems.append(f"the database cannot be read: {exc}")
        return []
    finally:
        db.close()
    return [
        {"id": sid, "title": title, "actors": actors.get(sid, 0), "relations": rels.get(sid, 0)}
        for sid, title in heads
    ]


def _print(report: FolderReport, scenarios: list[dict[str, Any]]) -> None:
    click.echo(f"folder:     {report.path}")
    where = f" (current: {report.generation})" if report.generation else ""
    click.echo(f"layout:     {report.layout}{where}")
    if report.db_file:
        click.echo(f"database:   {report.db_file}")
    click.echo(f"scenarios:  {len(scenarios)}")
    for s in scenarios:
        click.echo(f"  {s['id']}: {s['actors']} actors, {s['relations']} relations")
    click.echo("problems:   " + ("none" if not report.problems else ""))
    for problem in report.problems:
        click.echo(f"  - {problem}")
