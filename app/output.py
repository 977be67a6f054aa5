"""Readable terminal output for the CLI: aligned tables, on stdout."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import click

from graph.model import Scenario

#: Widest cell in a text table; longer text (a node's properties) ends in an ellipsis.
MAX_CELL = 72


def scenario_size(scenario: Scenario) -> dict[str, Any]:
    """Return a scenario's id and counts, for ``--json`` output."""
    return {"id": scenario.id, "actors": len(scenario.actors), "relations": len(scenario.relations)}


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Return rows as a plain aligned text table; a cell longer than ``MAX_CELL`` is cut short.

    >>> print(table(["a", "bb"], [[1, "x"], [22, None]]))
    a   bb
    --  --
    1   x
    22  –
    >>> print(table(["long"], [["x" * 100]]).splitlines()[2])  # doctest: +ELLIPSIS
    xxxxxxxx...xxx…
    """
    cells = [[_shorten(_cell(v)) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = [headers, ["-" * w for w in widths], *cells]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in lines
    )


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def section(title: str) -> None:
    """Print a section heading."""
    click.echo(f"\n{title}\n{'=' * len(title)}")


def print_rows(result: Any) -> None:
    """Print a query result as a table, with a note when it was truncated."""
    click.echo(table(result.columns, result.rows))
    count = len(result.rows)
    shown = f"{count} row{'' if count == 1 else 's'}"
    click.echo(f"({shown}{', truncated' if result.truncated else ''})", err=True)


def print_analysis(result: dict[str, Any]) -> None:
    """Print the analysis of one scenario as readable tables."""
    click.echo(f"Scenario {result['scenario']}: steering depth {result['steering_depth']}")
    _print_findings(result.get("findings") or [])
    layer_sizes = Counter(result["layers"].values())
    section("Steering layers")
    click.echo(table(["layer", "actors"], sorted(layer_sizes.items())))
    click.echo(f"isolated (no control relation): {len(result['isolated'])}")
    section("Longest steering chains")
    for chain in result["steering_chains"][:10]:
        click.echo("  " + " -> ".join(chain))
    _print_voice(result)
    section("Accountability load (top 10)")
    top = sorted(result["accountability_load"].items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    click.echo(table(["actor", "controllers it accounts to"], top))
    _print_fragmentation(result["fragmentation"])
    section("Hierarchy of the control graph")
    click.echo(table(["measure", "value"], result["hierarchy"].items()))
    _print_betweenness(result["centrality"])


def _print_findings(findings: list[dict[str, Any]]) -> None:
    """Print each finding as a sentence, its confirmed-facts figure and its explorer link."""
    if not findings:
        return
    section("Findings")
    for finding in findings:
        click.echo(f"- {finding['text']}")
        click.echo(f"  {finding['confidence_text']} Explorer: {finding['link']['url']}")


def _print_betweenness(centrality: dict[str, Any]) -> None:
    how = f"sampled, k={centrality['k']}" if centrality["sampled"] else "exact"
    section(f"Betweenness on the control graph (top 10, normalised, {how})")
    top = sorted(centrality["betweenness"].items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    click.echo(table(["actor", "betweenness"], top))


def _print_voice(result: dict[str, Any]) -> None:
    section("Voice reach (share of deciders reached)")
    rows = []
    for kind in ("resident_group", "professional_group"):
        any_voice = result["voice_reach"][kind]
        formal = result["decisive_voice_reach"][kind]
        rows.append(
            [
                kind,
                any_voice["deciders"],
                len(any_voice["reached"]),
                any_voice["share"],
                len(formal["reached"]),
                formal["share"],
            ]
        )
    click.echo(
        table(["kind", "deciders", "reached", "share", "formal reached", "formal share"], rows)
    )


def _print_fragmentation(frag: dict[str, Any]) -> None:
    section("Fragmentation")
    for group in ("focus_area", "professional_group"):
        rows = [[k, v["instruments"], v["controllers"]] for k, v in sorted(frag[group].items())]
        click.echo(table([group, "instruments", "controllers"], rows))
        click.echo()
    click.echo(f"cross-sector share of relations: {_cell(frag['cross_sector_share'])}")


def print_comparison(result: dict[str, Any]) -> None:
    """Print a comparison: what was added, removed and changed, and the metric deltas."""
    click.echo(f"Comparing {result['a']} (a) with {result['b']} (b)")
    if result.get("summary"):
        section("Measures (what each change means)")
        rows = [
            [r["name"], r["a_text"], r["b_text"], r["delta_text"], r["direction"]]
            for r in result["summary"]
        ]
        click.echo(table(["measure", "a", "b", "change", "meaning"], rows))
    if result.get("actor_groups") or result.get("relation_groups"):
        section("What changed, by kind and layer")
        for group in result.get("actor_groups", []) + result.get("relation_groups", []):
            click.echo(f"  {group['text']}")
    for part in ("actors", "relations"):
        section(part.capitalize())
        for change in ("added", "removed", "changed"):
            ids = result[part][change]
            click.echo(
                f"{change} ({len(ids)}): {', '.join(map(str, ids[:20]))}"
                + (" ..." if len(ids) > 20 else "")
            )
    section("Metrics")
    rows = [[name, m["a"], m["b"], m["delta"]] for name, m in result["metrics"].items()]
    click.echo(table(["metric", "a", "b", "delta"], rows))


def print_over_time(result: dict[str, Any]) -> None:
    """Print the key measures at each stop of a scenario's timeline, one row per date."""
    measures = result["measures"]
    click.echo(
        f"Scenario {result['scenario']} over time (its own date: {result['date'] or 'none'})"
    )
    for i, m in enumerate(measures, 1):
        click.echo(f"  m{i}: {m['name']}")
    header = ["date", "actors", "relations"] + [f"m{i}" for i in range(1, len(measures) + 1)]
    rows = [
        [r["date"], r["actors"], r["relations"], *(_cell(r[m["key"]]) for m in measures)]
        for r in result["rows"]
    ]
    click.echo(table(header, rows))


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)
