"""Inline SVG for the report: horizontal bar charts and a labelled map of the structure.

Everything is returned as SVG markup with every text escaped, so it can be put into the
report page as is; nothing refers to a file or an address, so the report works offline.
The bar chart mirrors ``static/charts.js``; the map draws the structure as the explorer's
overview does: one box per kind in each steering layer, control relations between boxes.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from graph.analysis.wording import kind_noun
from graph.style import kind_style

__all__ = ["Bar", "hbars", "structure_map", "kind_colour"]


def kind_colour(kind: str) -> str:
    """The colour the explorer gives a kind (graph.style, the table graphstyle.js shares)."""
    return kind_style(kind).colour


BAR_COLOURS = {
    "": "#2f6fb5",
    "voice": "#2a9d8f",
    "formal": "#1d4e89",
    "frontline": "#c2185b",
    "muted": "#b8c2cc",
    "side-a": "#6d597a",
    "side-b": "#2a9d8f",
}
FONT = "font-family:Inter,'Segoe UI',system-ui,Arial,sans-serif"


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value (None draws no bar) and colour class."""

    label: str
    value: float | None
    cls: str = ""


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def hbars(
    bars: Sequence[Bar],
    *,
    title: str,
    fmt: Callable[[float], str] = str,
    maximum: float | None = None,
    width: int = 640,
    label_width: int = 220,
    row: int = 22,
) -> str:
    """Return a horizontal bar chart as SVG markup, one labelled bar per item."""
    top = maximum or max([b.value or 0 for b in bars] + [1e-9])
    plot = width - label_width - 110
    height = max(row, len(bars) * row) + 4
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} '
        f'{height}" width="{width}" height="{height}" style="{FONT};font-size:12px">'
    ]
    for i, bar in enumerate(bars):
        y = i * row + 2
        length = 0.0 if bar.value is None else max(1.0, bar.value / top * plot)
        value = "–" if bar.value is None else fmt(bar.value)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + row * 0.68:.1f}" text-anchor="end" '
            f'fill="#52606d">{escape(_clip(bar.label, label_width // 7))}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 7}" rx="2" '
            f'fill="{BAR_COLOURS.get(bar.cls, BAR_COLOURS[""])}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + row * 0.68:.1f}" '
            f'fill="#1f2933">{escape(value)}</text>'
        )
    parts.append(
        f'<line x1="{label_width}" x2="{label_width}" y1="0" y2="{height}" stroke="#c9d2dc"/></svg>'
    )
    return "".join(parts)


# ---- the structure map ---------------------------------------------------------------------

BOX_H, ROW_H, GUTTER, GAP, CHAR_W, MAP_WIDTH = 34, 78, 120, 10, 7.2, 940


@dataclass
class _Box:
    row: str
    kind: str
    count: int
    x: float = 0.0
    y: float = 0.0
    w: float = 0.0

    @property
    def text(self) -> str:
        return f"{self.count} {kind_noun(self.kind, plural=self.count != 1)}"


def _rows(layers: Mapping[str, int], isolated: set[str], kinds: Mapping[str, str]):
    counts: Counter[tuple[str, str]] = Counter()
    for actor, layer in layers.items():
        counts[("isolated" if actor in isolated else str(layer), kinds.get(actor, "other"))] += 1
    order = sorted({r for r, _ in counts if r != "isolated"}, key=int)
    if any(r == "isolated" for r, _ in counts):
        order.append("isolated")
    return order, counts


def _place(order: list[str], counts: Counter[tuple[str, str]]) -> tuple[dict, list[float]]:
    """Place each row's boxes left to right, wrapping within :data:`MAP_WIDTH`; return the
    boxes and the top of each row (plus the bottom of the last)."""
    boxes: dict[tuple[str, str], _Box] = {}
    tops = [20.0]
    for name in order:
        x, y = GUTTER, tops[-1]
        for (row, kind), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][1])):
            if row != name:
                continue
            box = _Box(row, kind, n)
            box.w = len(box.text) * CHAR_W + 18
            if x + box.w > MAP_WIDTH and x > GUTTER:
                x, y = GUTTER, y + BOX_H + GAP
            box.x, box.y = x, y
            boxes[(row, kind)] = box
            x += box.w + GAP
        tops.append(y + ROW_H)
    return boxes, tops


def _arcs(
    boxes: Mapping[tuple[str, str], _Box],
    group_of: Mapping[str, tuple[str, str]],
    arcs: Sequence[tuple[str, str]],
) -> list[str]:
    weights: Counter[tuple[tuple[str, str], tuple[str, str]]] = Counter()
    for u, v in arcs:
        if u in group_of and v in group_of and group_of[u] != group_of[v]:
            weights[(group_of[u], group_of[v])] += 1
    lines = []
    for (gu, gv), n in sorted(weights.items(), key=lambda kv: kv[1]):
        a, b = boxes[gu], boxes[gv]
        x1, y1 = a.x + a.w / 2, a.y + BOX_H
        x2, y2 = b.x + b.w / 2, b.y
        if b.y <= a.y:  # an arc upwards or within a row leaves from the box's side
            y1, y2 = a.y + BOX_H / 2, b.y + BOX_H / 2
        lines.append(
            f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" stroke="#1d3557" '
            f'stroke-opacity="0.35" stroke-width="{1 + math.log2(n):.1f}" marker-end="url(#arrow)">'
            f"<title>{n} control relation{'s' if n != 1 else ''}</title></line>"
        )
    return lines


def structure_map(
    layers: Mapping[str, int],
    isolated: Sequence[str],
    kinds: Mapping[str, str],
    control_arcs: Sequence[tuple[str, str]],
    *,
    title: str,
) -> str:
    """Return the structure as SVG: a row per steering layer, a labelled box per kind in it,
    and lines for the control relations between boxes (thicker for more), with a legend."""
    order, counts = _rows(layers, set(isolated), kinds)
    boxes, tops = _place(order, counts)
    alone = set(isolated)
    group_of = {
        a: ("isolated" if a in alone else str(layers[a]), kinds.get(a, "other")) for a in layers
    }
    legend_kinds = sorted({k for _, k in counts})
    legend_y = tops[-1] + 10
    width = MAP_WIDTH + 20
    height = legend_y + 26 + 22 * math.ceil(len(legend_kinds) / 4) + 10
    parts = [
        f'<svg class="map" role="img" aria-label="{escape(title)}" viewBox="0 0 {width:.0f} '
        f'{height:.0f}" width="{width:.0f}" height="{height:.0f}" style="{FONT};font-size:12px">'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
        'markerHeight="8" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        '<path d="M0,0L10,5L0,10z" '
        'fill="#1d3557" fill-opacity="0.6"/></marker></defs>'
    ]
    for i, name in enumerate(order):
        top, bottom = tops[i], tops[i + 1]
        label = (
            "no control"
            if name == "isolated"
            else ("layer 0 (top)" if name == "0" else f"layer {name}")
        )
        parts.append(
            f'<rect x="0" y="{top - 8:.0f}" width="{width:.0f}" height="{bottom - top - 12:.0f}" '
            f'fill="{"#f5f7fa" if i % 2 else "#ffffff"}"/>'
            f'<text x="8" y="{top + BOX_H / 2 + 4:.0f}" fill="#52606d" font-weight="600">'
            f"{escape(label)}</text>"
        )
    parts += _arcs(boxes, group_of, control_arcs)
    for box in boxes.values():
        colour = kind_colour(box.kind)
        parts.append(
            f'<rect x="{box.x:.0f}" y="{box.y:.0f}" width="{box.w:.0f}" height="{BOX_H}" rx="6" '
            f'fill="#ffffff" stroke="{colour}" stroke-width="2.5"/>'
            f'<rect x="{box.x:.0f}" y="{box.y:.0f}" width="8" height="{BOX_H}" rx="3" '
            f'fill="{colour}"/>'
            f'<text x="{box.x + 14:.0f}" y="{box.y + BOX_H / 2 + 4:.0f}" fill="#1f2933">'
            f"{escape(box.text)}</text>"
        )
    parts.append(_legend(legend_kinds, legend_y))
    parts.append("</svg>")
    return "".join(parts)


def _legend(kinds: Sequence[str], y: float) -> str:
    items = [
        f'<line x1="8" y1="{y + 6}" x2="40" y2="{y + 6}" stroke="#1d3557" stroke-width="2" '
        f'stroke-opacity="0.5" marker-end="url(#arrow)"/><text x="48" y="{y + 10}" '
        f'fill="#52606d">control relations between the groups (thicker: more of them)</text>'
    ]
    for i, kind in enumerate(kinds):
        x, yy = 8 + (i % 4) * 200, y + 26 + (i // 4) * 22
        items.append(
            f'<rect x="{x}" y="{yy}" width="12" height="12" rx="2" '
            f'fill="{kind_colour(kind)}"/><text x="{x + 18}" y="{yy + 10}" '
            f'fill="#52606d">{escape(kind_noun(kind))}</text>'
        )
    return "".join(items)


def control_arcs_of(G: Any) -> list[tuple[str, str]]:
    """Return the control arcs of a scenario graph (controller, controlled)."""
    from graph.analysis.flows import flows

    return list(flows(G).control_arcs())
