"""What every ``govgraph`` command shares: the click group, the data options, error translation
and output helpers. The command modules import this and register on the group; the group
imports a command's module only when that command runs (or ``--help`` lists them all), so a
command pays only for what it needs.

Exit codes: 0 ok, 1 runtime failure (store unreachable, timeout), 2 bad input or usage.
Machine-readable output (``--json``) goes to stdout; messages and progress go to stderr.
"""

from __future__ import annotations

import functools
import gc
import importlib
import json
from collections.abc import Callable
from typing import Any

import click

from app.datasource import DataSource
from graph.errors import GraphError, NotFound, QueryRejected, ValidationFailed

EXIT_RUNTIME, EXIT_INPUT = 1, 2


class BadInput(GraphError):
    """An option's value cannot be used as given (a host that does not resolve, an -o path)."""

    code = "bad-input"


#: Errors caused by what the user gave (exit 2); every other GraphError is a runtime failure.
INPUT_ERRORS = (ValidationFailed, NotFound, QueryRejected, BadInput)


class GovgraphError(click.ClickException):
    """A GraphError shown as ``Error: message`` plus its hint and problems, with its exit code."""

    def __init__(self, error: GraphError) -> None:
        super().__init__(error.message)
        self.error = error
        self.exit_code = EXIT_INPUT if isinstance(error, INPUT_ERRORS) else EXIT_RUNTIME

    def show(self, file: Any = None) -> None:
        for problem in getattr(self.error, "problems", []):
            click.echo(f"  {problem}", err=True)
        click.echo(f"Error: [{self.error.code}] {self.error.message}", err=True)
        if self.error.hint:
            click.echo(f"Hint: {self.error.hint}", err=True)


def translate_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the project's errors into clean messages and exit codes; never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GraphError as exc:
            raise GovgraphError(exc) from None

    return wrapper


#: ``--map MAP.yaml``: a mapping of a foreign file's node and relation types to govgraph's.
map_option = click.option(
    "--map",
    "mapping",
    metavar="MAP.yaml",
    type=click.Path(exists=True, dir_okay=False),
    help="Mapping of the files' own node and relation types to kinds and relation types "
    "(docs/format.md, 'Mapping file'); made on the scenario's mapping page.",
)


def data_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--data``, ``--neo4j`` and ``--db`` and pass one ``source`` argument instead."""

    @click.option(
        "--data",
        "data",
        multiple=True,
        envvar="GOVGRAPH_DATA",
        type=click.Path(exists=True),
        help="Scenario file or folder to load instead of the bundled ones (repeatable). "
        "Env: GOVGRAPH_DATA (paths separated by ':').",
    )
    @click.option(
        "--neo4j",
        "neo4j",
        envvar="NEO4J_URI",
        metavar="URI",
        help="Use the Neo4j store at URI (bolt:// or neo4j://). Env: NEO4J_URI.",
    )
    @click.option(
        "--db",
        "db",
        envvar="GOVGRAPH_DB",
        metavar="PATH",
        type=click.Path(),
        help="Keep the embedded store in this folder instead of memory. Env: GOVGRAPH_DB.",
    )
    @map_option
    @functools.wraps(func)
    def wrapper(
        data: tuple[str, ...], neo4j: str | None, db: str | None, mapping: str | None, **kwargs: Any
    ) -> Any:
        data, neo4j, db = command_line_first(data=data, neo4j=neo4j, db=db)
        if mapping and not data:
            raise click.UsageError("--map applies to files given with --data")
        return func(source=DataSource(tuple(data), neo4j, db, mapping=mapping), **kwargs)

    return wrapper


def command_line_first(**values: Any) -> tuple[Any, ...]:
    """Return the store options with the environment's dropped where the command line chose
    another store: ``--data`` or ``--db`` there beats ``NEO4J_URI``, and ``--neo4j`` there beats
    ``GOVGRAPH_DB`` and ``GOVGRAPH_DATA``. ``--neo4j`` with ``--db`` is a usage error."""
    given = {name for name in values if _from_command_line(name)}
    if {"neo4j", "db"} <= given:
        raise click.UsageError("give either --neo4j URI or --db PATH, not both")
    if given & {"data", "db"}:
        values["neo4j"] = None
    elif "neo4j" in given:
        values = {k: (v if k == "neo4j" else _empty(v)) for k, v in values.items()}
    return tuple(values.values())


def _from_command_line(name: str) -> bool:
    source = click.get_current_context().get_parameter_source(name)
    return source is click.core.ParameterSource.COMMANDLINE


def _empty(value: Any) -> Any:
    return () if isinstance(value, tuple) else None


def scenario_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--scenario``; it may be left out when exactly one scenario is loaded."""
    return click.option(
        "--scenario",
        "scenario_id",
        metavar="ID",
        help="Scenario id; optional when exactly one is loaded.",
    )(func)


json_option = click.option(
    "--json", "as_json", is_flag=True, help="Machine-readable output on stdout."
)


def pick_scenario(store: Any, scenario_id: str | None) -> str:
    """Return the scenario to work on, or fail with the ids to choose from."""
    ids = store.scenario_ids()
    if scenario_id:
        if scenario_id not in ids:
            raise NotFound(
                f"scenario '{scenario_id}' is not loaded",
                hint=f"Loaded scenarios: {', '.join(ids) or 'none'}.",
            )
        return scenario_id
    if len(ids) == 1:
        return ids[0]
    raise NotFound(
        "several scenarios are loaded; choose one with --scenario ID",
        hint=f"Loaded scenarios: {', '.join(ids) or 'none'}.",
        code="scenario-required",
    )


def json_text(data: Any) -> str:
    """Return ``data`` as the JSON text ``--json`` prints (never NaN)."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False, indent=2, default=str)


def emit_json(data: Any) -> None:
    """Print ``data`` as JSON on stdout (never NaN)."""
    click.echo(json_text(data))


def as_of_value(value: str | None, hint: str = "--as-of") -> str | None:
    """Check an --as-of value: ``all`` or an ISO year, year-month or date."""
    if value is None:
        return value
    from graph.dates import ALL_TIME, parse_as_of  # only when a date is given

    if value == ALL_TIME:
        return value
    try:
        parse_as_of(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=hint) from None
    return value


def compare_side(spec: str, as_of: str | None) -> tuple[str, str | None]:
    """Return one side of ``compare``: ``ID`` or ``ID@DATE`` (its own DATE beats --as-of)."""
    scenario_id, sep, moment = spec.partition("@")
    if sep:
        return scenario_id, as_of_value(moment.strip(), hint=spec)
    return scenario_id, as_of


as_of_option = click.option(
    "--as-of",
    metavar="DATE",
    callback=lambda ctx, param, value: as_of_value(value),
    help="Show the scenario as it stood on DATE (ISO YYYY, YYYY-MM or YYYY-MM-DD; a year or "
    "month means its last day), or 'all' for every fact whatever its dates. By default the "
    "scenario's own date (all time when it has none).",
)


class opened_store:
    """Open the chosen data for one command and close it afterwards."""

    def __init__(self, source: DataSource) -> None:
        self.source = source
        #: The notices opening the data said on stderr.
        self.said: list[str] = []

    def __enter__(self) -> Any:
        from app.datasource import open_data

        # What the command imported lives as long as it runs: the collector need not walk
        # it again. A full collection amid reading the data walked every imported module (a
        # quarter of a cold `analyze --json`). Thawed when the command is done, as a process
        # that runs commands in turn (a test run) would otherwise never collect what was
        # garbage at the freeze.
        gc.freeze()
        try:
            self.store = open_data(self.source, self.said)
        except BaseException:
            gc.unfreeze()
            raise
        return self.store

    def __exit__(self, kind: object, error: BaseException | None, trace: object) -> None:
        from app.datasource import fit_hint

        gc.unfreeze()
        self.store.close()
        neo4j = self.source.neo4j if self.source.uses_neo4j else None
        fit_hint(error, neo4j, self.source.db)


#: The module of each command, imported when the command is looked up (it registers on
#: :data:`cli`); the light ones keep ``analyze --json`` from importing what it does not use.
COMMAND_MODULES: dict[str, str] = {
    "analyze": "app.analyze_command",
    "compare": "app.commands",
    "doctor": "app.doctor_command",
    "export": "app.commands",
    "import": "app.commands",
    "neo4j": "app.neo4j_command",
    "query": "app.commands",
    "report": "app.report_command",
    "serve": "app.serve_command",
    "validate": "app.commands",
}


class LazyGroup(click.Group):
    """A click group whose commands are imported from :data:`COMMAND_MODULES` on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMAND_MODULES))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            importlib.import_module(COMMAND_MODULES[cmd_name])
        return super().get_command(ctx, cmd_name)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(package_name="govgraph")
def cli() -> None:
    """govgraph: who steers whom in public programmes.

    Stores governance structures as a property graph (embedded LadybugDB by default, or
    Neo4j), analyses the layers of top-down steering and the reach of residents' voice,
    and serves an interactive explorer in the browser.
    """
