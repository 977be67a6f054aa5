"""Findings: the analyses of one scenario said in plain sentences, each with its figure.

Every sentence is generated from the numbers of :func:`graph.analysis.report.analyze`, never
written per scenario. Each finding carries

- ``text``: the sentence, e.g. "Residents' voice reaches 21 of 93 deciders (23 %), none
  through a formal channel.";
- ``figure``: the one number it is about (``value``, ``text`` and the ``path`` of that
  value in the ``analyze`` object) and ``confirmed``: the same figure on confirmed facts only;
- ``rests_on_inferred``: True when the figure changes once inferred and uncertain facts are
  dropped, with ``confidence_text`` saying so in words;
- ``numbers``: every number the sentence quotes, each with its path in the ``analyze`` object
  (``count: true`` when the number is the size of a list or map there), so a reader or a
  test can check it;
- ``link``: the explorer view that shows it (its URL state: filters, highlight, as-of).

A path is a list of keys, because actor ids may contain dots. Undefined values (no deciders,
an empty graph) are written as words ("no deciders"), never as ``null``.
"""

from collections.abc import Iterator, Mapping
from typing import Any

import networkx as nx

from graph.analysis import finding_people as people
from graph.analysis import finding_structure as structure
from graph.analysis.finding_base import Analysis, Context, explorer_url, resolve

__all__ = [
    "findings",
    "with_findings",
    "confirmed_graph",
    "resolve",
    "explorer_url",
    "FINDING_ANALYSES",
]

#: The analyses of DESIGN section 5 that the findings cover, in the order they are reported.
FINDING_ANALYSES: tuple[str, ...] = (
    "voice_reach",
    "decisive_voice_reach",
    "accountability_load",
    "layers",
    "steering_chains",
    "fragmentation",
    "centrality",
    "hierarchy",
)


def confirmed_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Return the graph with inferred and uncertain actors and relations left out.

    The same as :func:`graph.network.to_networkx` with ``confirmed_only=True`` on the
    scenario the graph came from: a relation stays only when both its ends stay.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("a", {}), ("b", {"confidence": "inferred"}), ("c", {})])
    >>> _ = G.add_edge("a", "b", type="STEERS")
    >>> _ = G.add_edge("a", "c", type="STEERS", confidence="uncertain")
    >>> H = confirmed_graph(G)
    >>> sorted(H.nodes), H.number_of_edges()
    (['a', 'c'], 0)
    """
    H = nx.MultiDiGraph(**G.graph)
    H.add_nodes_from((n, d) for n, d in G.nodes(data=True) if _is_confirmed(d))
    H.add_edges_from(
        (u, v, k, d)
        for u, v, k, d in G.edges(keys=True, data=True)
        if u in H and v in H and _is_confirmed(d)
    )
    return H


def _is_confirmed(data: Mapping[str, Any]) -> bool:
    return (data.get("confidence") or "confirmed") == "confirmed"


def _all(c: Context) -> Iterator[dict[str, Any] | None]:
    if not resolve(c.all, ("counts", "voice_arcs")):
        yield people.no_voice(c)
    else:
        yield people.voice(c, "resident_group")
        yield people.decisive(c)
    yield people.accountability(c, frontline=True)
    yield structure.depth(c)
    yield structure.chains(c)
    if resolve(c.all, ("counts", "voice_arcs")) and resolve(c.all, ("counts", "deciders")):
        yield people.voice(c, "professional_group")  # without deciders, residents' says it
    yield people.accountability(c, frontline=False)
    yield structure.focus_areas(c)
    yield structure.professionals(c)
    yield structure.centrality(c)
    yield structure.hierarchy(c)
    yield structure.tops(c)
    yield structure.layer_profile(c)
    yield structure.cross_sector(c)


def findings(
    G: nx.MultiDiGraph,
    analysis: Analysis,
    *,
    confirmed: Analysis | None = None,
    as_of: str | None = None,
    confirmed_only: bool = False,
) -> list[dict[str, Any]]:
    """Return the findings of one analysed scenario as plain sentences with their figures.

    Parameters
    ----------
    G : MultiDiGraph
        The scenario graph the analysis was computed on (names and kinds come from it).
    analysis : dict
        Its :func:`~graph.analysis.report.analyze` result.
    confirmed : dict, optional
        The analysis of the same scenario on confirmed facts only; computed from ``G`` with
        :func:`confirmed_graph` when not given.
    as_of : str, optional
        The as-of date the graph was cut at; every link opens the explorer at that date.
    confirmed_only : bool
        Whether ``G`` holds confirmed facts only; links then open the explorer likewise.

    Returns
    -------
    list of dict
        One finding per analysis result, the most telling first (see the module text).

    Examples
    --------
    >>> from graph.analysis.report import analyze
    >>> G = nx.MultiDiGraph(scenario={"id": "demo"})
    >>> G.add_nodes_from([("min", {"kind": "ministry", "name": "Ministry"}),
    ...                   ("res", {"kind": "resident_group", "name": "Residents"}),
    ...                   ("city", {"kind": "municipality", "confidence": "inferred"})])
    >>> _ = G.add_edge("min", "city", type="STEERS")
    >>> _ = G.add_edge("res", "min", type="PARTICIPATES_IN")
    >>> first = findings(G, analyze(G))[0]
    >>> first["text"]
    "Residents' voice reaches 1 of 1 deciders (100 %), none through a formal channel."
    >>> first["rests_on_inferred"], first["confidence_text"]
    (True, 'Rests on inferred facts: on confirmed facts only, no deciders.')
    >>> first["link"]["url"]
    '/scenarios/demo?hl=voice'
    """
    if confirmed is None:
        from graph.analysis.report import analyze  # report never imports findings

        confirmed = analysis if confirmed_only else analyze(confirmed_graph(G))
    preset = {
        k: v
        for k, v in (("as_of", as_of), ("confirmed_only", "1" if confirmed_only else None))
        if v
    }
    scenario = analysis.get("scenario") or (G.graph.get("scenario") or {}).get("id")
    c = Context(G, analysis, confirmed, scenario, preset, confirmed_only)
    return [f for f in _all(c) if f is not None]


def with_findings(
    G: nx.MultiDiGraph,
    analysis: Analysis,
    *,
    confirmed: Analysis | None = None,
    as_of: str | None = None,
    confirmed_only: bool = False,
) -> dict[str, Any]:
    """Return the analysis with its ``findings`` list added right after ``scenario``.

    Examples
    --------
    >>> from graph.analysis.report import analyze
    >>> G = nx.MultiDiGraph(scenario={"id": "empty"})
    >>> result = with_findings(G, analyze(G))
    >>> list(result)[:2], [f["text"] for f in result["findings"]][:1]
    (['scenario', 'findings'], ['The structure has no voice relations: neither \
residents nor professionals reach a decider, formally or otherwise.'])
    """
    found = findings(G, analysis, confirmed=confirmed, as_of=as_of, confirmed_only=confirmed_only)
    rest = {k: v for k, v in analysis.items() if k not in ("scenario", "findings")}
    return {"scenario": analysis.get("scenario"), "findings": found, **rest}
