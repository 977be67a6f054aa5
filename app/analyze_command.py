"""``govgraph analyze``: every steering metric of one scenario, with the findings first.

``analyze --json`` on data read from files answers from the analysis cache
(:mod:`graph.result_cache`) when the same files, options, code and libraries were analysed
before: the text it printed then, byte for byte, without importing networkx (in its plain
form even before click is imported: :mod:`app.cached_answer`). Everything else (a miss, the
text table, ``--over-time``, Neo4j or a ``--db`` folder) computes.
"""

from __future__ import annotations

from typing import Any

import click

from app.cached_answer import analysis_key
from app.cli_support import (
    as_of_option,
    cli,
    data_options,
    emit_json,
    json_option,
    json_text,
    opened_store,
    pick_scenario,
    scenario_option,
    translate_errors,
)
from app.datasource import DataSource
from graph.result_cache import cached_result, keep_result


@cli.command()
@data_options
@scenario_option
@as_of_option
@click.option("--confirmed-only", is_flag=True, help="Leave out inferred and uncertain facts.")
@click.option(
    "--over-time",
    is_flag=True,
    help="The key measures at every day the scenario changes (each equals analyze --as-of "
    "that day), as a table or with --json as {measures, rows}.",
)
@click.option(
    "--step",
    type=click.Choice(["month", "quarter", "year"]),
    help="With --over-time: the last day of every month, quarter or year from the first "
    "change to the last, instead of the change days.",
)
@json_option
@translate_errors
def analyze(
    source: DataSource,
    scenario_id: str | None,
    as_of: str | None,
    confirmed_only: bool,
    over_time: bool,
    step: str | None,
    as_json: bool,
) -> None:
    """Every steering metric of one scenario: layers, chains, voice reach, accountability
    load, fragmentation, hierarchy, centrality; first the findings in plain sentences, each
    with its figure on confirmed facts only and a link to the explorer view that shows it.

    With --over-time: steering depth, control arcs, deciders, voice and decisive voice
    reach and the frontline groups' accountability load at each day the scenario changes.

    With --json, an answer computed before for the same files, options and code is printed
    from the cache folder (GOVGRAPH_CACHE_DIR; 'off' turns it off)."""
    if step and not over_time:
        raise click.UsageError("--step needs --over-time")
    if over_time and as_of:
        raise click.UsageError("--over-time shows every date; leave out --as-of")
    if over_time:
        return _over_time(source, scenario_id, step, confirmed_only, as_json)
    key = _key(source, scenario_id, as_of, confirmed_only) if as_json else None
    text = cached_result(key)
    if text is not None:
        click.echo(text)
        return
    result, quiet = _compute(source, scenario_id, as_of, confirmed_only)
    if not as_json:
        from app import output

        return output.print_analysis(result)
    text = json_text(result)
    click.echo(text)
    if quiet:  # an answer that said nothing on stderr is repeated exactly from the cache
        keep_result(key, text)


def _key(
    source: DataSource, scenario_id: str | None, as_of: str | None, confirmed_only: bool
) -> str | None:
    """Return the cache key of this analysis, or None when its data is not read from files."""
    files = source.input_files()
    if files is None:
        return None
    return analysis_key(files, data_given=bool(source.data), scenario_id=scenario_id,
                        as_of=as_of, confirmed_only=confirmed_only)  # fmt: skip


def _compute(
    source: DataSource, scenario_id: str | None, as_of: str | None, confirmed_only: bool
) -> tuple[dict[str, Any], bool]:
    """Return the analysis with its findings, and whether opening the data said nothing."""
    from graph.analysis.findings import with_findings
    from graph.analysis.report import analyze as run_analysis

    opened = opened_store(source)
    with opened as store:
        sid = pick_scenario(store, scenario_id)
        G = store.graph(sid, as_of=as_of, confirmed_only=confirmed_only)
        result = run_analysis(G, scenario_id=sid)
    return with_findings(G, result, as_of=as_of, confirmed_only=confirmed_only), not opened.said


def _over_time(
    source: DataSource, scenario_id: str | None, step: str | None, confirmed_only: bool,
    as_json: bool,
) -> None:  # fmt: skip
    """Print the key measures at each stop of the scenario's timeline."""
    from app import output
    from graph.analysis.timeline import over_time

    with opened_store(source) as store:
        scenario = store.scenario(pick_scenario(store, scenario_id))
    result = over_time(scenario, step=step, confirmed_only=confirmed_only)
    emit_json(result) if as_json else output.print_over_time(result)
