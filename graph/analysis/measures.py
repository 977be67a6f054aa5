"""The measures a comparison reports first: human names, and what a rise means.

Each measure is declared once, here: its path in the ``compare --json`` metrics, the name a
reader knows it by, how its values are written, and what more (or less) of it means for the
structure, e.g. "more residents' say" or "more layers of control". The comparison page, the
command line and the report all read this table, so a direction is never guessed from the
sign of a delta.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graph.analysis.wording import count_noun, decimal, percent, plural

__all__ = ["Measure", "MEASURES", "summary", "diff_groups", "relation_groups"]


@dataclass(frozen=True)
class Measure:
    """One measure of the comparison summary."""

    metric: str
    name: str
    more: str
    less: str
    style: str = "count"  # count | share | decimal

    def say(self, value: Any) -> str:
        """Return a value as the summary writes it."""
        if value is None:
            return "undefined"
        if self.style == "share":
            return percent(value)
        if self.style == "decimal":
            return decimal(value)
        return str(value)

    def say_delta(self, delta: Any, a: Any = None, b: Any = None) -> str:
        """Return a change with its sign: +3, −0.10, +33 points; '±0' when unchanged.

        Given the two values, the change is the difference of the figures shown for them, so
        a reader who subtracts "24 %" from "56 %" finds the "+32 points" written beside them
        (the unrounded change is 31.5). Where both round to the same figure the change is
        written with one more decimal, never as none.

        Examples
        --------
        >>> share = Measure("m", "share", "more", "less", "share")
        >>> share.say_delta(0.315, 0.241, 0.556), share.say_delta(0.315)
        ('+32 points', '+32 points')
        >>> share.say_delta(0.003, 0.241, 0.244), share.say_delta(-0.063, 0.063, 0.0)
        ('+0.3 points', '−6.3 points')
        >>> mean = Measure("m", "mean", "more", "less", "decimal")
        >>> mean.say_delta(0.052, 0.354, 0.406), mean.say_delta(0.003, 0.351, 0.354)
        ('+0.06', '+0.003')
        """
        if delta is None:
            return "–"
        if not delta:
            return "±0"
        sign = "+" if delta > 0 else "−"
        if self.style == "count":
            return f"{sign}{abs(delta)}"
        shown = self._shown_difference(a, b)
        if self.style == "share":
            return f"{sign}{_points(abs(shown) if shown else abs(delta) * 100, bool(shown))} points"
        if shown:
            return f"{sign}{decimal(abs(shown))}"
        return f"{sign}{abs(delta):.3f}"

    def _shown_difference(self, a: Any, b: Any) -> float:
        """B's figure minus A's, as :meth:`say` writes them (0.0 when either is missing)."""
        if a is None or b is None:
            return 0.0
        shown_a, shown_b = (float(self.say(v).rstrip(" %")) for v in (a, b))
        return round(shown_b - shown_a, 6)

    def direction(self, delta: Any) -> str:
        """Return what the change means, by the measure's declared meaning."""
        if delta is None:
            return "not comparable"
        if not delta:
            return "no change"
        return self.more if delta > 0 else self.less


def _points(points: float, shown: bool) -> str:
    """Percentage points as written: whole unless a decimal is needed (below 10, or where the
    figures shown differ by one), and never written as zero."""
    if shown:
        return str(round(points)) if round(points, 1) == round(points) else f"{points:.1f}"
    if points >= 10 or round(points, 1) == round(points) != 0:
        return str(round(points))
    return f"{points:.1f}" if points >= 0.05 else f"{points:.2f}"


#: The summary's measures, in the order a reader asks about them.
MEASURES: tuple[Measure, ...] = (
    Measure("decisive_voice_reach.resident_group.share", "Residents' decisive voice reach",
            "more decisive say for residents", "less decisive say for residents", "share"),
    Measure("voice_reach.resident_group.share", "Residents' voice reach",
            "more residents' say", "less residents' say", "share"),
    Measure("voice_reach.professional_group.share", "Professionals' voice reach",
            "more say for professionals", "less say for professionals", "share"),
    Measure("decisive_voice_reach.professional_group.share", "Professionals' decisive voice reach",
            "more decisive say for professionals", "less decisive say for professionals", "share"),
    Measure("steering_depth", "Steering depth (layers of control)",
            "more layers of control", "fewer layers of control"),
    Measure("counts.control_arcs", "Relations carrying control", "more top-down control",
            "less top-down control"),
    Measure("counts.deciders", "Deciders (actors that control another)",
            "more actors who decide", "fewer actors who decide"),
    Measure("steering_chain_count", "Longest steering chains", "more full-depth chains of command",
            "fewer full-depth chains of command"),
    Measure("accountability_summary.max", "Heaviest accountability load",
            "someone accounts to more controllers", "no one accounts to as many controllers"),
    Measure("accountability_summary.mean", "Mean accountability load",
            "more accounting per actor", "less accounting per actor", "decimal"),
    Measure("counts.formal_voice_arcs", "Formal voice relations", "more formal channels of say",
            "fewer formal channels of say"),
    Measure("counts.voice_arcs", "Voice relations", "more channels of say",
            "fewer channels of say"),
    Measure("fragmentation.cross_sector_share", "Relations across sectors",
            "more ties across sectors", "fewer ties across sectors", "share"),
    Measure("hierarchy.hierarchy", "Krackhardt hierarchy", "control runs more one way",
            "more mutual control", "decimal"),
    Measure("hierarchy.lub", "Least upper boundedness", "more pairs under one common top",
            "fewer pairs under one common top", "decimal"),
    Measure("hierarchy.connectedness", "Connectedness of control", "more actors tied by control",
            "fewer actors tied by control", "decimal"),
    Measure("isolated", "Actors outside any control relation", "more actors outside control",
            "fewer actors outside control"),
    Measure("counts.actors", "Actors", "more actors", "fewer actors"),
    Measure("counts.relations", "Relations", "more relations", "fewer relations"),
)  # fmt: skip


def summary(metrics: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Return the summary rows of a comparison's ``metrics``: name, A, B, Δ and meaning.

    Examples
    --------
    >>> rows = summary({"steering_depth": {"a": 6, "b": 4, "delta": -2}})
    >>> row = rows[0]
    >>> row["name"], row["a_text"], row["b_text"], row["delta_text"], row["direction"]
    ('Steering depth (layers of control)', '6', '4', '−2', 'fewer layers of control')
    """
    rows = []
    for m in MEASURES:
        values = metrics.get(m.metric)
        if values is None:
            continue
        a, b, delta = values.get("a"), values.get("b"), values.get("delta")
        rows.append(
            {
                "metric": m.metric,
                "name": m.name,
                "a": a,
                "b": b,
                "delta": delta,
                "a_text": m.say(a),
                "b_text": m.say(b),
                "delta_text": m.say_delta(delta, a, b),
                "direction": m.direction(delta),
            }
        )
    return rows


def _kind_layer(data: Mapping[str, Any], layers: Mapping[str, int], actor: str) -> tuple[str, int]:
    return str(data.get("kind") or "other"), int(layers.get(actor, 0))


def diff_groups(
    nodes_a: Mapping[str, Mapping[str, Any]],
    nodes_b: Mapping[str, Mapping[str, Any]],
    diff: Mapping[str, Any],
    layers_a: Mapping[str, int],
    layers_b: Mapping[str, int],
) -> list[dict[str, Any]]:
    """Return the actors added, removed and changed, grouped by kind and steering layer.

    Removed actors are placed by their layer in A, added and changed ones by their layer in
    B; the largest groups first.

    Examples
    --------
    >>> a = {"t1": {"kind": "consultation_body"}, "t2": {"kind": "consultation_body"}}
    >>> b = {"n1": {"kind": "neighbourhood"}}
    >>> d = {"added": ["n1"], "removed": ["t1", "t2"], "changed": []}
    >>> [g["text"] for g in diff_groups(a, b, d, {"t1": 4, "t2": 4}, {"n1": 3})]
    ['−2 consultation bodies in layer 4', '+1 neighbourhood in layer 3']
    """
    groups: Counter[tuple[str, str, int]] = Counter()
    members: dict[tuple[str, str, int], list[str]] = {}
    for change, nodes, layers in (
        ("removed", nodes_a, layers_a),
        ("added", nodes_b, layers_b),
        ("changed", nodes_b, layers_b),
    ):
        for actor in diff.get(change, ()):
            key = (change, *_kind_layer(nodes.get(actor, {}), layers, actor))
            groups[key] += 1
            members.setdefault(key, []).append(actor)
    sign = {"added": "+", "removed": "−"}
    return [
        {
            "change": change,
            "kind": kind,
            "layer": layer,
            "count": n,
            "text": (
                f"{count_noun(n, kind)} changed in layer {layer}"
                if change == "changed"
                else f"{sign[change]}{count_noun(n, kind)} in layer {layer}"
            ),
            "ids": members[(change, kind, layer)],
        }
        for (change, kind, layer), n in sorted(groups.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def relation_groups(
    relations_a: Mapping[str, Mapping[str, Any]],
    relations_b: Mapping[str, Mapping[str, Any]],
    diff: Mapping[str, Any],
) -> list[dict[str, Any]]:
    """Return the relations added, removed and changed, grouped by type.

    Examples
    --------
    >>> a = {"r1": {"type": "STEERS"}, "r2": {"type": "STEERS"}}
    >>> [g["text"] for g in relation_groups(a, {}, {"removed": ["r1", "r2"]})]
    ['−2 STEERS relations']
    """
    groups: dict[tuple[str, str], list[str]] = {}
    for change, relations in (("removed", relations_a), ("added", relations_b),
                              ("changed", relations_b)):  # fmt: skip
        for rid in diff.get(change, ()):
            kind = str(relations.get(rid, {}).get("type") or "?")
            groups.setdefault((change, kind), []).append(rid)
    sign = {"added": "+", "removed": "−"}
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [
        {
            "change": change,
            "type": kind,
            "count": len(ids),
            "text": (
                f"{plural(len(ids), kind + ' relation')} changed"
                if change == "changed"
                else f"{sign[change]}{plural(len(ids), kind + ' relation')}"
            ),
            "ids": ids,
        }
        for (change, kind), ids in ordered
    ]
