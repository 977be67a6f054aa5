"""The report to cite: one self-contained HTML file (or its PDF) about one scenario, or two.

It holds the findings, a labelled map of the structure, the charts, the tables, every source
with its link, what rests on inferred facts, and a short method section. Styles and charts
are inline (SVG), nothing is fetched, so the file opens offline and prints as it shows.
``govgraph report`` and the report routes of the web app both call :func:`report_html`.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
from markupsafe import Markup

from app.report_svg import Bar, control_arcs_of, hbars, structure_map
from graph.analysis.compare import compare
from graph.analysis.findings import with_findings
from graph.analysis.report import analyze
from graph.analysis.wording import kind_noun, percent
from graph.model import Scenario

__all__ = ["Side", "report_html", "report_name", "FORMATS"]

#: The file types a report is written as.
FORMATS = ("html", "pdf")
TEMPLATES = Path(__file__).resolve().parent / "templates"
#: The most inferred or uncertain facts the appendix lists one by one (the rest are counted).
MAX_LISTED_FACTS = 2000


@dataclass
class Side:
    """One scenario as the report shows it: the source data, the graph and its analysis."""

    scenario: Scenario
    G: nx.MultiDiGraph
    analysis: dict[str, Any]
    as_of: str | None
    confirmed_only: bool

    @property
    def title(self) -> str:
        return self.scenario.info.title or self.scenario.id

    def name(self, actor: str) -> str:
        return str(self.G.nodes[actor].get("name") or actor) if actor in self.G else actor


def load_side(store: Any, scenario_id: str, as_of: str | None, confirmed_only: bool) -> Side:
    """Return one scenario analysed as the report needs it (findings included)."""
    scenario = store.scenario(scenario_id)
    G = store.graph(scenario_id, as_of=as_of, confirmed_only=confirmed_only)
    result = analyze(G, scenario_id=scenario_id)
    analysis = with_findings(G, result, as_of=as_of, confirmed_only=confirmed_only)
    return Side(scenario, G, analysis, as_of, confirmed_only)


# ---- what the template shows ------------------------------------------------------------------


def _charts(side: Side) -> dict[str, Markup]:
    a = side.analysis
    sizes = {int(k): v for k, v in (a.get("layer_sizes") or {}).items()}
    layers = [Bar("layer 0 (top)" if k == 0 else f"layer {k}", v) for k, v in sorted(sizes.items())]
    layers.append(Bar("no control relation", len(a.get("isolated") or ()), "muted"))
    voice = []
    for kind, who in (("resident_group", "residents"), ("professional_group", "professionals")):
        voice.append(Bar(f"{who} · any voice", a["voice_reach"][kind]["share"], "voice"))
        voice.append(
            Bar(f"{who} · formal voice", a["decisive_voice_reach"][kind]["share"], "formal")
        )
    loads = sorted(
        ((n, k) for k, n in a["accountability_load"].items() if n), key=lambda x: (-x[0], x[1])
    )
    frontline = ("professional_group", "resident_group")
    load_bars = [
        Bar(side.name(k), n, "frontline" if side.G.nodes[k].get("kind") in frontline else "")
        for n, k in loads[:12]
    ]
    return {
        "layers": Markup(
            hbars(layers, title="actors per steering layer", fmt=lambda v: f"{v:g} actors")
        ),
        "voice": Markup(hbars(voice, title="voice reach", fmt=percent, maximum=1)),
        "load": Markup(
            hbars(
                load_bars,
                title="accountability load",
                fmt=lambda v: f"{v:g} controllers",
                label_width=260,
            )
        )
        if load_bars
        else None,
    }


def _map(side: Side) -> Markup:
    kinds = {n: str(d.get("kind") or "other") for n, d in side.G.nodes(data=True)}
    svg = structure_map(
        side.analysis["layers"],
        side.analysis["isolated"],
        kinds,
        control_arcs_of(side.G),
        title=f"The structure of {side.title}",
    )
    return Markup(svg)


def _tentative(side: Side) -> dict[str, Any]:
    """The inferred and uncertain facts of the (filtered) scenario, with their notes."""
    actors = [
        {
            "id": n,
            "name": d.get("name") or n,
            "what": kind_noun(str(d.get("kind"))),
            "confidence": d.get("confidence"),
            "note": d.get("note") or d.get("description") or "",
            "sources": d.get("sources") or [],
        }
        for n, d in side.G.nodes(data=True)
        if (d.get("confidence") or "confirmed") != "confirmed"
    ]
    relations = [
        {
            "id": d.get("id") or k,
            "name": f"{side.name(u)} → {side.name(v)}",
            "what": d.get("type"),
            "confidence": d.get("confidence"),
            "note": d.get("note") or "",
            "sources": d.get("sources") or [],
        }
        for u, v, k, d in side.G.edges(keys=True, data=True)
        if (d.get("confidence") or "confirmed") != "confirmed"
    ]
    listed = (actors + relations)[:MAX_LISTED_FACTS]
    return {
        "actors": actors,
        "relations": relations,
        "by_type": Counter(r["what"] for r in relations).most_common(),
        "listed": listed,
        "unlisted": len(actors) + len(relations) - len(listed),
    }


def _sources(side: Side) -> list[dict[str, Any]]:
    cited: Counter[str] = Counter()
    for _, d in side.G.nodes(data=True):
        cited.update(d.get("sources") or [])
    for _, _, d in side.G.edges(data=True):
        cited.update(d.get("sources") or [])
    return [
        {
            "id": s.id,
            "title": s.title or s.id,
            "url": _http(s.url),
            "published": s.published,
            "cited": cited[s.id],
        }
        for s in side.scenario.sources
    ]


def _http(url: str | None) -> str | None:
    return url if url and url.lower().startswith(("http://", "https://")) else None


def _view(side: Side) -> dict[str, Any]:
    a = side.analysis
    patterns = a.get("steering_chain_patterns") or []
    ranked = sorted(a["centrality"]["betweenness"].items(), key=lambda kv: (-kv[1], kv[0]))
    return {
        "side": side,
        "info": side.scenario.info,
        "findings": a["findings"],
        "charts": _charts(side),
        "map": _map(side),
        "patterns": [
            {
                "kinds": " → ".join(kind_noun(k) for k in p["kinds"]),
                "count": p["count"],
                "example": " → ".join(side.name(x) for x in p["chains"][0]),
            }
            for p in patterns
        ],
        "central": [
            (i + 1, side.name(k), percent(v)) for i, (k, v) in enumerate(ranked[:10]) if v > 0
        ],
        "tentative": _tentative(side),
        "sources": _sources(side),
    }


def _filters_text(sides: list[Side], confirmed_only: bool) -> str:
    # The day each graph shows (its scenario's own date by default), as the one filter chose it.
    days = sorted({side.G.graph.get("as_of") or "all dates" for side in sides})
    parts = [" / ".join(d if d == "all dates" else f"as of {d}" for d in days)]
    parts.append("confirmed facts only" if confirmed_only else "all facts (inferred ones marked)")
    return ", ".join(parts)


def report_html(
    store: Any,
    scenario_id: str,
    *,
    compare_id: str | None = None,
    as_of: str | None = None,
    compare_as_of: str | None = None,
    confirmed_only: bool = False,
) -> str:
    """Return the report on one scenario (and its comparison with another) as one HTML page.

    ``compare_as_of`` is B's date when it differs from A's ``as_of``, so one scenario can be
    set against itself at two dates. Raises NotFound (through the store) when a scenario id
    is not loaded.
    """
    a = load_side(store, scenario_id, as_of, confirmed_only)
    b_as_of = compare_as_of if compare_as_of is not None else as_of
    b = load_side(store, compare_id, b_as_of, confirmed_only) if compare_id else None
    comparison = (
        compare(
            a.G,
            b.G,
            a_id=scenario_id,
            b_id=compare_id,
            analysis_a=a.analysis,
            analysis_b=b.analysis,
        )
        if b
        else None
    )
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    env.filters["figures"] = keep_figures
    return env.get_template("report.html").render(
        views=[_view(a)] + ([_view(b)] if b else []),
        comparison=comparison,
        filters=_filters_text([a] + ([b] if b else []), confirmed_only),
        made=dt.date.today().isoformat(),
        version=_version(),
    )


def keep_figures(text: str) -> str:
    r"""Return a sentence whose figures never wrap apart from their unit ("23 %" on one line).

    >>> keep_figures("21 of 93 deciders (23 %), 2 × more")
    '21 of 93 deciders (23\xa0%), 2\xa0× more'
    """
    return re.sub(r"(\d) (%|×)", "\\1\N{NO-BREAK SPACE}\\2", text)


def _version() -> str:
    try:
        return importlib.metadata.version("govgraph")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a source checkout
        return "source"


def report_name(scenario_id: str, compare_id: str | None, fmt: str) -> str:
    """Return the file name a downloaded report gets."""
    stem = f"govgraph-{scenario_id}" + (f"-vs-{compare_id}" if compare_id else "")
    return f"{stem}.{fmt}"
