"""Layered layout: each steering layer is a row, ordered to cross as few edges as it can.

Rows are placed at ``y = layer * ROW``; within a row actors are ordered by a few barycentre
sweeps (Sugiyama's heuristic): each actor moves to the mean x of its neighbours in the rows
already placed, first top-down, then bottom-up. One sweep is linear in nodes plus edges apart
from sorting each row, so 20,000 actors lay out well under a second. Isolated actors (no
control arc at all) get their own band below the deepest row, never mixed into layer 0.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping

__all__ = ["ROW", "COL", "layered_layout", "crossings", "Positions"]

ROW = 150.0
COL = 110.0
SWEEPS = 4

Positions = dict[str, tuple[float, float]]


def layered_layout(
    layers: Mapping[str, int],
    isolated: Collection[str],
    edges: Iterable[tuple[str, str]],
    *,
    key: Callable[[str], object] = str,
    sweeps: int = SWEEPS,
) -> Positions:
    """Return ``{node: (x, y)}``: layered rows for placed actors, a band for isolated ones.

    ``key`` gives the starting order within a row (and the order of the isolated band);
    edges with an end outside ``layers`` are ignored.
    """
    isolated_set = set(isolated)
    rows = _rows(layers, isolated_set, key)
    neighbours = _neighbours(edges, layers, isolated_set)
    x = _place(rows)
    for sweep in range(sweeps):
        order = range(1, len(rows)) if sweep % 2 == 0 else range(len(rows) - 2, -1, -1)
        for r in order:
            rows[r] = _barycentre_order(rows[r], neighbours, layers, x, downward=sweep % 2 == 0)
            x.update(_row_x(rows[r]))
    positions = {n: (x[n], layers[n] * ROW) for row in rows for n in row}
    widest = max((len(row) for row in rows), default=0)
    positions.update(_band(sorted(isolated_set & set(layers), key=key), len(rows), widest))
    return positions


def _rows(layers: Mapping[str, int], isolated: set[str], key: Callable[[str], object]):
    depth = max((layer for n, layer in layers.items() if n not in isolated), default=-1)
    rows: list[list[str]] = [[] for _ in range(depth + 1)]
    for node, layer in layers.items():
        if node not in isolated:
            rows[layer].append(node)
    return [sorted(row, key=key) for row in rows]


def _neighbours(edges, layers, isolated) -> dict[str, list[str]]:
    """Undirected adjacency between placed actors in different rows."""
    adjacency: dict[str, list[str]] = defaultdict(list)
    for u, v in edges:
        if u in layers and v in layers and u not in isolated and v not in isolated:
            if layers[u] != layers[v]:
                adjacency[u].append(v)
                adjacency[v].append(u)
    return adjacency


def _row_x(row: list[str]) -> dict[str, float]:
    middle = (len(row) - 1) / 2
    return {node: (i - middle) * COL for i, node in enumerate(row)}


def _place(rows: list[list[str]]) -> dict[str, float]:
    x: dict[str, float] = {}
    for row in rows:
        x.update(_row_x(row))
    return x


def _barycentre_order(row, neighbours, layers, x, *, downward: bool) -> list[str]:
    """Order a row by the mean x of each actor's neighbours above (or below) it."""
    keys = {}
    for node in row:
        layer = layers[node]
        near = [x[m] for m in neighbours.get(node, ()) if (layers[m] < layer) == downward]
        keys[node] = sum(near) / len(near) if near else x[node]
    # Ties keep the current order, so a sweep never shuffles actors it knows nothing about.
    return sorted(row, key=lambda n: (keys[n], x[n]))


def _band(nodes: list[str], depth_rows: int, widest: int) -> Positions:
    """Place isolated actors in rows below the deepest layer, one empty row apart."""
    if not nodes:
        return {}
    width = max(widest, 12, math.ceil(math.sqrt(len(nodes))))
    positions: Positions = {}
    for start in range(0, len(nodes), width):
        chunk = nodes[start : start + width]
        y = (depth_rows + 1 + start // width) * ROW
        positions.update({n: (px, y) for n, px in _row_x(chunk).items()})
    return positions


def crossings(positions: Mapping[str, tuple[float, float]], edges: Iterable[tuple[str, str]]):
    """Return how many pairs of edges between the same two adjacent rows cross.

    Quadratic per pair of rows: meant for checks and small graphs, not for the request path.
    """
    between: dict[tuple[float, float], list[tuple[float, float]]] = defaultdict(list)
    for u, v in edges:
        (xu, yu), (xv, yv) = positions[u], positions[v]
        if yu > yv:
            (xu, yu), (xv, yv) = (xv, yv), (xu, yu)
        if math.isclose(yv - yu, ROW):
            between[(yu, yv)].append((xu, xv))
    count = 0
    for segments in between.values():
        for i, (a1, b1) in enumerate(segments):
            count += sum(1 for a2, b2 in segments[i + 1 :] if (a1 - a2) * (b1 - b2) < 0)
    return count
