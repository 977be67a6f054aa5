"""The ``govgraph`` subcommands; each is a few lines over ``graph`` and ``app`` functions."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from app import output
from app.cli_support import (
    BadInput,
    GovgraphError,
    as_of_option,
    as_of_value,
    cli,
    command_line_first,
    compare_side,
    data_options,
    emit_json,
    json_option,
    map_option,
    opened_store,
    pick_scenario,
    scenario_option,
    translate_errors,
)
from app.datasource import DataSource, announce_notices, hint_for_store, load_mapped
from graph.dates import ALL_TIME, resolve_as_of
from graph.errors import GraphError, ValidationFailed
from graph.formats import FORMATS, POSITIONED_FORMATS, write_scenario
from graph.network import in_force, to_networkx

#: What ``export`` writes: the interchange formats and the offline explorer (html).
EXPORT_FORMATS = (*FORMATS, "html")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@map_option
@json_option
@translate_errors
def validate(paths: tuple[str, ...], mapping: str | None, as_json: bool) -> None:
    """Check scenario files (YAML, JSON, CSV folder, XLSX, GraphML, GEXF).

    Exits 0 when every file is valid, 2 with every problem listed (file and line, or sheet
    and row, a stable code and a hint) when not.
    """
    try:
        scenarios = load_mapped(paths, mapping)
    except ValidationFailed as exc:
        if as_json:
            emit_json({"ok": False, "errors": [p.to_dict() for p in exc.problems]})
        raise
    announce_notices(scenarios)
    if as_json:
        emit_json({"ok": True, "scenarios": [output.scenario_size(s) for s in scenarios]})
        return
    for s in scenarios:
        click.echo(f"ok  {s.id}: {len(s.actors)} actors, {len(s.relations)} relations")


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--neo4j", envvar="NEO4J_URI", metavar="URI", help="Neo4j URI. Env: NEO4J_URI.")
@click.option(
    "--db",
    envvar="GOVGRAPH_DB",
    metavar="PATH",
    type=click.Path(),
    help="Embedded store folder. Env: GOVGRAPH_DB.",
)
@map_option
@json_option
@translate_errors
def import_(
    paths: tuple[str, ...], neo4j: str | None, db: str | None, mapping: str | None, as_json: bool
) -> None:
    """Validate all PATHS, then load each scenario in one transaction, replacing one with the
    same id. Needs a lasting store: --neo4j URI or --db PATH."""
    neo4j, db = command_line_first(neo4j=neo4j, db=db)
    if not neo4j and not db:
        raise click.UsageError("import needs a lasting store: give --neo4j URI or --db PATH")
    scenarios = load_mapped(paths, mapping)
    announce_notices(scenarios)
    with hint_for_store(neo4j, db):
        _import(scenarios, neo4j or db)
    if as_json:
        emit_json({"ok": True, "scenarios": [output.scenario_size(s) for s in scenarios]})
    else:
        for s in scenarios:
            click.echo(f"imported {s.id}: {len(s.actors)} actors, {len(s.relations)} relations")


@cli.command()
@data_options
@click.argument("a")
@click.argument("b")
@click.option(
    "--as-of",
    metavar="DATE",
    callback=lambda ctx, param, value: as_of_value(value),
    help="Compare both as they stood on DATE (ISO; a year or month means its last day), or "
    "'all' for all time; by default each scenario's own date. A side written ID@DATE keeps "
    "its own DATE.",
)
@click.option("--confirmed-only", is_flag=True, help="Leave out inferred and uncertain facts.")
@json_option
@translate_errors
def compare(
    source: DataSource, a: str, b: str, as_of: str | None, confirmed_only: bool, as_json: bool
) -> None:
    """Compare two loaded scenarios, or one scenario at two dates (A and B as ID or ID@DATE,
    e.g. nplv-2022@2022-07-04 nplv-2022@2025-01-01): actors and relations added, removed
    and changed, and every metric side by side with its delta."""
    from graph.analysis.compare import compare as run_compare

    sides = [compare_side(spec, as_of) for spec in (a, b)]
    with opened_store(source) as store:
        graphs = [
            store.graph(pick_scenario(store, sid), as_of=moment, confirmed_only=confirmed_only)
            for sid, moment in sides
        ]
        result = run_compare(graphs[0], graphs[1], a_id=sides[0][0], b_id=sides[1][0])
    emit_json(result) if as_json else output.print_comparison(result)


@cli.command()
@data_options
@click.argument("cypher")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="K=V",
    help="Query parameter; V is read as JSON when it parses, else as text.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=5.0,
    show_default=True,
    envvar="GOVGRAPH_QUERY_TIMEOUT",
    help="Seconds before the query is stopped (more than 0). Env: GOVGRAPH_QUERY_TIMEOUT.",
)
@click.option(
    "--limit",
    "row_limit",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    envvar="GOVGRAPH_QUERY_ROW_LIMIT",
    help="Most rows returned (at least 1). Env: GOVGRAPH_QUERY_ROW_LIMIT.",
)
@json_option
@translate_errors
def query(
    source: DataSource,
    cypher: str,
    params: tuple[str, ...],
    timeout: float,
    row_limit: int,
    as_json: bool,
) -> None:
    """Run one read-only Cypher statement on the chosen store."""
    with opened_store(source) as store:
        result = store.query(cypher, parse_params(params), timeout=timeout, row_limit=row_limit)
    emit_json(result.to_dict()) if as_json else output.print_rows(result)


@cli.command()
@data_options
@scenario_option
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(EXPORT_FORMATS),
    help="Output format; html is the explorer as one file that opens offline.",
)
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(),
    help="File to write (csv: a folder); missing parent folders are created.",
)
@as_of_option
@click.option("--confirmed-only", is_flag=True, help="Leave out inferred and uncertain facts.")
@translate_errors
def export(
    source: DataSource,
    scenario_id: str | None,
    fmt: str,
    out: str,
    as_of: str | None,
    confirmed_only: bool,
) -> None:
    """Write one scenario as yaml, json, csv (a folder), xlsx, graphml, gexf, cypher, kumu
    (a workbook of Kumu's Elements and Connections sheets) or html: the explorer itself as
    one self-contained file that opens offline, from disk (the map with its bands, labels and
    legend, the details panel and search; other dates, filters and the path finder need
    `govgraph serve`).

    Like every view, the export shows the scenario as of its own date when it has one; give
    --as-of all to write every fact (for a lossless copy). What was left out is said on
    stderr. A scenario cut to an explicit --as-of DATE is written with DATE as its date.
    An existing file (csv: files in the folder) is overwritten.
    """
    _check_output(Path(out), fmt)
    with opened_store(source) as store:
        sid = pick_scenario(store, scenario_id)
        full = store.scenario(sid)
        page = _offline_page(store, sid, as_of, confirmed_only) if fmt == "html" else None
    scenario = in_force(full, as_of=as_of, confirmed_only=confirmed_only)
    if as_of not in (None, ALL_TIME):
        scenario = replace(scenario, info=replace(scenario.info, date=as_of))
    positions = _layout(scenario) if fmt in POSITIONED_FORMATS else None
    try:
        if page is not None:
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            Path(out).write_text(page, encoding="utf-8")
        else:
            write_scenario(scenario, fmt, Path(out), positions=positions)
    except OSError as exc:
        raise _unwritable(out, fmt, exc) from None
    click.echo(f"wrote {scenario.id} as {fmt} to {out}", err=True)
    click.echo(_export_note(full, scenario, as_of), err=True)


def _offline_page(store: Any, scenario_id: str, as_of: str | None, confirmed_only: bool) -> str:
    """The offline explorer of the scenario as of ``as_of`` (the web app's own page)."""
    from app.offline import export_html  # Flask: only imported when html is asked for

    args = {"as_of": as_of or "", "confirmed_only": "1" if confirmed_only else "0"}
    return export_html(store, scenario_id, {k: v for k, v in args.items() if v})


def _export_note(full: Any, written: Any, as_of: str | None) -> str:
    """Say which moment an export shows and what it left out (never a silent cut)."""
    day = resolve_as_of(as_of, full.info.date)
    if day is None:
        return f"all time: {len(written.actors)} actors, {len(written.relations)} relations"
    actors = len(full.actors) - len(written.actors)
    relations = len(full.relations) - len(written.relations)
    why = " (the scenario's own date)" if as_of is None else ""
    note = f"as of {day.isoformat()}{why}: left out {actors} actors and {relations} relations"
    return (
        note
        + " not in force then"
        + ("; --as-of all writes every fact" if actors or relations else "")
    )


def _layout(scenario: Any) -> Any:
    """Return the explorer's layered layout of the scenario (GEXF carries it to Gephi)."""
    from app.graphview import layered  # the web views' module: only imported when needed

    return layered(to_networkx(scenario, as_of=ALL_TIME)).positions


def _check_output(out: Path, fmt: str) -> None:
    """Refuse an -o path of the wrong kind before any work is done."""
    if fmt == "csv" and out.exists() and not out.is_dir():
        raise BadInput(
            f"-o '{out}' is a file, but csv writes a folder of files",
            hint="Give -o a folder path (new or existing), or pick another --format.",
        )
    if fmt != "csv" and out.is_dir():
        raise BadInput(
            f"-o '{out}' is a folder, but {fmt} writes one file",
            hint=f"Give -o a file path, such as {out / ('scenario.' + fmt)}.",
        )


def _unwritable(out: str, fmt: str, exc: OSError) -> BadInput:
    what = "folder" if fmt == "csv" else "file"
    where = f" ('{exc.filename}')" if exc.filename and str(exc.filename) != out else ""
    return BadInput(
        f"cannot write the {fmt} {what} -o '{out}': {exc.strerror or exc}{where}",
        hint="Give -o a path in a folder you can write to; a parent that exists "
        "must be a folder, not a file.",
    )


def _import(scenarios: list[Any], target: str) -> None:
    """Load ``scenarios`` into the store at ``target`` with a progress bar on stderr."""
    from graph.storage import open_store

    store = open_store(target)
    try:
        store.ping()
        total = sum(len(s.actors) + len(s.relations) for s in scenarios)
        with click.progressbar(length=total, label="Importing", file=sys.stderr) as bar:
            store.load(scenarios, progress=bar.update)
    finally:
        store.close()


def parse_params(pairs: tuple[str, ...]) -> dict[str, Any]:
    """Parse ``k=v`` pairs; ``v`` is JSON when it parses (``3``, ``true``, ``["a"]``), else text."""
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"'{pair}' is not k=v", param_hint="--param")
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
        except RecursionError:
            raise click.BadParameter(
                f"the value of '{key}' nests lists or objects too deep", param_hint="--param"
            ) from None
    return params


__all__ = ["GovgraphError", "GraphError", "parse_params"]
