"""Layered layout: each steering layer is a band, ordered to cross as few edges as it can.

Within a layer actors are ordered by a few barycentre sweeps (Sugiyama's heuristic): each
actor moves to the mean x of its neighbours in the layers already placed, first top-down, then
bottom-up. One sweep is linear in nodes plus edges apart from sorting each layer, so 20,000
actors lay out well under a second.

A layer wider than the picture wants is wrapped into sub-rows within its band, staggered like
bricks: the i-th actor of the order goes to sub-row ``i % k`` and x keeps rising along the
order, so the crossing reduction survives the wrapping and neighbours in one sub-row stay
``COL`` apart. The number of columns is chosen so the whole picture is about ``ASPECT`` times
as wide as it is high; a layer that fits is one row at ``y = layer * ROW`` when no layer above
it wraps. Isolated actors (no control arc at all) get their own band below the deepest layer,
one empty row apart, never mixed into layer 0.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, NamedTuple

import networkx as nx

from graph.analysis.flows import Flows, flows
from graph.analysis.layers import condense

__all__ = [
    "ROW",
    "COL",
    "SUB",
    "ASPECT",
    "layered_layout",
    "scenario_layout",
    "columns_for",
    "crossings",
    "Positions",
]

#: Distance from the last sub-row of one layer to the first sub-row of the next.
ROW = 150.0
#: Distance between neighbours in one (sub-)row: room for a label.
COL = 110.0
#: Distance between the sub-rows of one wrapped layer: room for a node and its label.
SUB = 60.0
#: Width over height the wrapping aims for: about the shape of the explorer's canvas.
ASPECT = 1.3
#: Layers up to this many actors are never wrapped.
MIN_COLUMNS = 12
SWEEPS = 4

Positions = dict[str, tuple[float, float]]


def layered_layout(
    layers: Mapping[str, int],
    isolated: Collection[str],
    edges: Iterable[tuple[str, str]],
    *,
    key: Callable[[str], Any] = str,
    sweeps: int = SWEEPS,
) -> Positions:
    """Return ``{node: (x, y)}``: a band per layer for placed actors, a band for isolated ones.

    ``key`` gives the starting order within a layer (and the order of the isolated band);
    edges with an end outside ``layers`` are ignored.
    """
    isolated_set = set(isolated)
    rows = _rows(layers, isolated_set, key)
    lonely = sorted(isolated_set & set(layers), key=key)
    columns = columns_for([len(row) for row in rows], len(lonely))
    neighbours = _neighbours(edges, layers, isolated_set)
    x = _place(rows, columns)
    for sweep in range(sweeps):
        order = range(1, len(rows)) if sweep % 2 == 0 else range(len(rows) - 2, -1, -1)
        for r in order:
            rows[r] = _barycentre_order(rows[r], neighbours, layers, x, downward=sweep % 2 == 0)
            x.update(_row_x(rows[r], columns))
    positions: Positions = {}
    top = 0.0
    for row in rows:
        positions.update(_wrapped(row, columns, top))
        top += _height(len(row), columns) + ROW
    positions.update(_wrapped(lonely, columns, top + ROW if rows else ROW))
    return positions


class ScenarioLayout(NamedTuple):
    """The steering layers of a scenario graph and the explorer's positions for them."""

    layers: dict[str, int]
    isolated: frozenset[str]
    positions: Positions


def scenario_layout(G: nx.MultiDiGraph, *, flow: Flows | None = None) -> ScenarioLayout:
    """Return the layers, isolated actors and layered positions the explorer shows.

    Within a layer actors start in (kind, id) order before the crossing reduction, so actors
    of one kind sit together.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("m", {"kind": "ministry"}), ("o", {"kind": "programme_office"})])
    >>> _ = G.add_edge("m", "o", type="STEERS")
    >>> scenario_layout(G).layers, scenario_layout(G).positions["o"][1] > 0
    ({'m': 0, 'o': 1}, True)
    """
    cond = condense(G, flow=flow or flows(G))
    layers, isolated = cond.layers(), frozenset(cond.isolated)
    kinds = {n: str(d.get("kind", "")) for n, d in G.nodes(data=True)}
    positions = layered_layout(
        layers, isolated, ((u, v) for u, v in G.edges()), key=lambda n: (kinds[n], n)
    )
    return ScenarioLayout(layers, isolated, positions)


def columns_for(sizes: list[int], isolated: int = 0) -> int:
    """Return how many actors one sub-row holds so the picture is about ``ASPECT`` wide.

    ``sizes`` are the actors per layer, ``isolated`` the actors of the isolated band. The
    width grows and the height shrinks with the columns, so a bisection finds the fewest
    columns whose picture is at least ``ASPECT`` times as wide as it is high.

    Examples
    --------
    >>> columns_for([1, 3, 5])
    12
    >>> columns_for([5000]) < 5000
    True
    """
    widest = max([*sizes, isolated, MIN_COLUMNS])
    low, high = MIN_COLUMNS, widest
    while low < high:
        middle = (low + high) // 2
        if _aspect(sizes, isolated, middle) >= ASPECT:
            high = middle
        else:
            low = middle + 1
    return low


def _aspect(sizes: list[int], isolated: int, columns: int) -> float:
    bands = [n for n in sizes if n] + ([isolated] if isolated else [])
    height = sum(_height(n, columns) for n in bands) + ROW * len(bands)
    return columns * COL / max(height, ROW)


def _height(count: int, columns: int) -> float:
    """Height of a layer's sub-rows, from the first to the last."""
    return (math.ceil(count / columns) - 1) * SUB if count else 0.0


def _rows(layers: Mapping[str, int], isolated: set[str], key: Callable[[str], Any]):
    depth = max((layer for n, layer in layers.items() if n not in isolated), default=-1)
    rows: list[list[str]] = [[] for _ in range(depth + 1)]
    for node, layer in layers.items():
        if node not in isolated:
            rows[layer].append(node)
    return [sorted(row, key=key) for row in rows]


def _neighbours(edges, layers, isolated) -> dict[str, list[str]]:
    """Undirected adjacency between placed actors in different layers."""
    adjacency: dict[str, list[str]] = defaultdict(list)
    for u, v in edges:
        if u in layers and v in layers and u not in isolated and v not in isolated:
            if layers[u] != layers[v]:
                adjacency[u].append(v)
                adjacency[v].append(u)
    return adjacency


def _row_x(row: list[str], columns: int) -> dict[str, float]:
    """x along a layer's order: ``COL`` apart, or ``COL / k`` when wrapped into k sub-rows."""
    step = COL / math.ceil(len(row) / columns) if row else COL
    middle = (len(row) - 1) / 2
    return {node: (i - middle) * step for i, node in enumerate(row)}


def _wrapped(row: list[str], columns: int, top: float) -> Positions:
    """Positions of one layer (or the isolated band) whose first sub-row is at ``top``."""
    if not row:
        return {}
    subrows = math.ceil(len(row) / columns)
    return {
        n: (x, top + (i % subrows) * SUB) for i, (n, x) in enumerate(_row_x(row, columns).items())
    }


def _place(rows: list[list[str]], columns: int) -> dict[str, float]:
    x: dict[str, float] = {}
    for row in rows:
        x.update(_row_x(row, columns))
    return x


def _barycentre_order(row, neighbours, layers, x, *, downward: bool) -> list[str]:
    """Order a layer by the mean x of each actor's neighbours above (or below) it."""
    keys = {}
    for node in row:
        layer = layers[node]
        near = [x[m] for m in neighbours.get(node, ()) if (layers[m] < layer) == downward]
        keys[node] = sum(near) / len(near) if near else x[node]
    # Ties keep the current order, so a sweep never shuffles actors it knows nothing about.
    return sorted(row, key=lambda n: (keys[n], x[n]))


def crossings(
    positions: Mapping[str, tuple[float, float]],
    edges: Iterable[tuple[str, str]],
    layers: Mapping[str, int] | None = None,
) -> int:
    """Return how many pairs of edges between the same two adjacent rows cross.

    Rows are the y values, or the layers when ``layers`` is given (so the sub-rows of a
    wrapped layer count as one row, ordered by x). Quadratic per pair of rows: meant for
    checks and small graphs, not for the request path.
    """
    row_of = layers if layers is not None else {n: p[1] / ROW for n, p in positions.items()}
    between: dict[tuple[float, float], list[tuple[float, float]]] = defaultdict(list)
    for u, v in edges:
        (xu, ru), (xv, rv) = (positions[u][0], row_of[u]), (positions[v][0], row_of[v])
        if ru > rv:
            (xu, ru), (xv, rv) = (xv, rv), (xu, ru)
        if math.isclose(rv - ru, 1):
            between[(ru, rv)].append((xu, xv))
    count = 0
    for segments in between.values():
        for i, (a1, b1) in enumerate(segments):
            count += sum(1 for a2, b2 in segments[i + 1 :] if (a1 - a2) * (b1 - b2) < 0)
    return count
