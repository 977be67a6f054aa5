"""``govgraph report``: the findings, map, charts, tables, sources and method as one file."""

from __future__ import annotations

from pathlib import Path

import click

from app.cli_support import (
    BadInput,
    as_of_value,
    cli,
    compare_side,
    data_options,
    opened_store,
    pick_scenario,
    scenario_option,
    translate_errors,
)
from app.datasource import DataSource


@cli.command()
@data_options
@scenario_option
@click.option(
    "--compare",
    "compare_id",
    metavar="ID[@DATE]",
    help="Compare with this scenario (B), as of DATE when given: the same id at another date "
    "sets a scenario against itself.",
)
@click.option(
    "--as-of",
    metavar="DATE",
    help="Report the scenarios as they stood on DATE (ISO; a year or month means its last day), "
    "or 'all' for every fact; by default each scenario's own date.",
)
@click.option("--confirmed-only", is_flag=True, help="Leave out inferred and uncertain facts.")
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(dir_okay=False),
    help="FILE.html (self-contained, opens offline) or FILE.pdf (printed by headless Chromium).",
)
@translate_errors
def report(
    source: DataSource,
    scenario_id: str | None,
    compare_id: str | None,
    as_of: str | None,
    confirmed_only: bool,
    out: str,
) -> None:
    """Write a report to cite: the findings in plain sentences, a labelled map of the
    structure, charts, tables, every source with its link, what rests on inferred facts and
    a short method section; with --compare, the measures of A against B come first."""
    from app.report import report_html

    path = _output(out)
    other_id, other_as_of = compare_side(compare_id, as_of) if compare_id else (None, None)
    with opened_store(source) as store:
        sid = pick_scenario(store, scenario_id)
        other = pick_scenario(store, other_id) if other_id else None
        html = report_html(
            store,
            sid,
            compare_id=other,
            as_of=as_of_value(as_of),
            compare_as_of=other_as_of,
            confirmed_only=confirmed_only,
        )
    _write(html, path)
    click.echo(f"wrote the report on {sid}{f' and {other}' if other else ''} to {path}", err=True)


def _output(out: str) -> Path:
    """Check the -o path: .html or .pdf, in a folder that exists or can be made."""
    path = Path(out)
    if path.suffix.lower() not in (".html", ".pdf"):
        raise BadInput(
            f"-o '{out}' must end in .html or .pdf",
            hint="Give -o report.html (opens offline in any browser) or -o report.pdf.",
        )
    return path


def _write(html: str, path: Path) -> None:
    from app.chromium import print_pdf

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix.lower() == ".pdf":
            print_pdf(html, path)
        else:
            path.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise BadInput(
            f"cannot write the report -o '{path}': {exc.strerror or exc}",
            hint="Give -o a path in a folder you can write to.",
        ) from None
