"""The parts every finding is made of: a context, a figure, and the finding itself.

See :mod:`graph.analysis.findings` for what a finding holds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import networkx as nx

from graph.analysis.wording import decimal, percent

__all__ = ["Analysis", "Path", "Context", "Figure", "make_finding", "resolve", "explorer_url"]

Path = tuple[str, ...]
Analysis = Mapping[str, Any]


def resolve(analysis: Analysis, path: Sequence[str], count: bool = False) -> Any:
    """Return the value at ``path`` in an ``analyze`` object (its size when ``count``), or None.

    Examples
    --------
    >>> a = {"voice_reach": {"resident_group": {"reached": {"x": 1, "y": 2}, "share": 0.5}}}
    >>> resolve(a, ["voice_reach", "resident_group", "reached"], count=True)
    2
    >>> resolve(a, ["voice_reach", "resident_group", "share"]), resolve(a, ["nope", "x"])
    (0.5, None)
    >>> resolve({"patterns": [{"count": 20}]}, ["patterns", "0", "count"])
    20
    """
    value: Any = analysis
    for key in path:
        if isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]  # a position in a list, such as a chain pattern
        elif isinstance(value, Mapping) and key in value:
            value = value[key]
        else:
            return None
    return len(value) if count and value is not None else value


def explorer_url(scenario: str | None, view: Mapping[str, str]) -> str:
    """Return the explorer address of a scenario with its URL state (see ``explorer.js``).

    Examples
    --------
    >>> explorer_url("nplv-2022", {"hl": "voice", "as_of": "2023-01-01"})
    '/scenarios/nplv-2022?hl=voice&as_of=2023-01-01'
    """
    query = urlencode({k: v for k, v in view.items() if v not in (None, "")}, safe=",:")
    base = f"/scenarios/{quote(scenario or '', safe='')}"
    return f"{base}?{query}" if query else base


@dataclass(frozen=True)
class Context:
    """What every finding is made from: the graph, both analyses and the link presets."""

    G: nx.MultiDiGraph
    all: Analysis
    confirmed: Analysis
    scenario: str | None
    preset: Mapping[str, str]
    confirmed_view: bool

    def name(self, actor: str) -> str:
        data = self.G.nodes[actor] if actor in self.G else {}
        return str(data.get("name") or actor)

    def kind(self, actor: str) -> str:
        return str(self.G.nodes[actor].get("kind", "other")) if actor in self.G else "other"

    def link(self, label: str, **view: str) -> dict[str, Any]:
        state = {**self.preset, **view}
        return {"label": label, "view": state, "url": explorer_url(self.scenario, state)}

    def types_with(self, flow: str) -> str:
        """Return the relation types present whose ``flow`` (control, accountability) is set."""
        vocabulary = self.G.graph.get("vocabulary")
        present = sorted({str(d.get("type")) for _, _, d in self.G.edges(data=True)})
        if vocabulary is None:
            return ",".join(present)
        kept = []
        for name in present:
            rt = vocabulary.relation_type(name) if vocabulary.has_type(name) else None
            if rt is not None and (
                rt.accountability if flow == "accountability" else rt.control != "none"
            ):
                kept.append(name)
        return ",".join(kept)


@dataclass(frozen=True)
class Figure:
    """The number a finding is about: where it sits and how to say it for either analysis."""

    path: Path
    say: Callable[[Analysis], str]
    count: bool = False
    #: What the short figure counts, shown under it ("layers", "of deciders reached").
    unit: str = ""

    def short(self, value: Any) -> str:
        """Return the figure alone, as a dashboard tile shows it: 23 %, 0.10, 6."""
        if value is None:
            return "–"
        if isinstance(value, bool) or isinstance(value, int):
            return str(int(value))
        if self.path[-1] in ("share", "cross_sector_share") or self.path[0] == "centrality":
            return percent(value)
        return decimal(value)


def make_finding(
    c: Context,
    key: str,
    analysis: str,
    text: str,
    figure: Figure,
    numbers: Sequence[tuple[Path, bool]],
    link: dict[str, Any],
) -> dict[str, Any]:
    value = resolve(c.all, figure.path, figure.count)
    confirmed = resolve(c.confirmed, figure.path, figure.count)
    inferred = value != confirmed
    return {
        "id": key,
        "analysis": analysis,
        "text": text,
        "figure": {
            "short": figure.short(value),
            "unit": figure.unit,
            "path": list(figure.path),
            "count": figure.count,
            "value": value,
            "text": figure.say(c.all),
        },
        "confirmed": {"value": confirmed, "text": figure.say(c.confirmed)},
        "rests_on_inferred": inferred,
        "confidence_text": _confidence_text(c, inferred, figure.say(c.confirmed)),
        "numbers": [  # an undefined value is never quoted, so it is not listed
            {"path": list(path), "count": count, "value": number}
            for path, count in numbers
            if (number := resolve(c.all, path, count)) is not None
        ],
        "link": link,
    }


def _confidence_text(c: Context, inferred: bool, confirmed_text: str) -> str:
    if c.confirmed_view:
        return "Counted on confirmed facts only."
    if inferred:
        return f"Rests on inferred facts: on confirmed facts only, {confirmed_text}."
    return "The same on confirmed facts only."
