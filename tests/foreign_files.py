"""Foreign graph files, made here: with networkx's writers, openpyxl, or written out in our
own words after each tool's documented format. Each maker returns the path and what the
file holds (node names and the number of edges), so tests compare against the file itself."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from openpyxl import Workbook


@dataclass(frozen=True)
class Made:
    """A foreign file (or files given together) and what it holds."""

    paths: tuple[Path, ...]
    names: frozenset[str]
    edges: int


def _graph_names(G: nx.Graph, attr: str | None = None) -> frozenset[str]:
    return frozenset(str(G.nodes[n].get(attr, n)) if attr else str(n) for n in G)


def florentine_graphml(folder: Path) -> Made:
    G = nx.florentine_families_graph()
    nx.write_graphml(G, folder / "florentine.graphml")
    return Made((folder / "florentine.graphml",), _graph_names(G), G.number_of_edges())


def les_miserables_gexf(folder: Path) -> Made:
    """Weighted (1..31) and undirected, as Gephi's sample."""
    G = nx.les_miserables_graph()
    nx.write_gexf(G, folder / "lesmis.gexf")
    return Made((folder / "lesmis.gexf",), _graph_names(G), G.number_of_edges())


def karate_node_link(folder: Path) -> Made:
    G = nx.karate_club_graph()
    data = nx.node_link_data(G, edges="links")
    (folder / "karate.json").write_text(json.dumps(data))
    return Made((folder / "karate.json",), _graph_names(G), G.number_of_edges())


def multigraph_node_link(folder: Path) -> Made:
    """A directed multigraph with capitalised ids and parallel typed edges."""
    G = nx.MultiDiGraph()
    G.add_node("Ministry A", label="Ministry of Affairs", kind="Ministry")
    G.add_node("Town", label="Town of B")
    G.add_edge("Ministry A", "Town", type="funds", weight=250)
    G.add_edge("Ministry A", "Town", type="steers", weight=3)
    G.add_edge("Town", "Ministry A", type="reports to")
    data = nx.node_link_data(G, edges="edges")
    (folder / "multi.json").write_text(json.dumps(data))
    names = frozenset({"Ministry of Affairs", "Town of B"})
    return Made((folder / "multi.json",), names, 3)


def graphology_json(folder: Path) -> Made:
    """graphology's serialisation, as Gephi Lite and sigma.js save a graph."""
    data = {
        "attributes": {"name": "Gephi Lite sample"},
        "options": {"type": "mixed", "multi": True, "allowSelfLoops": True},
        "nodes": [
            {"key": "N-1", "attributes": {"label": "Agency One", "x": 1.5, "y": -2, "size": 8}},
            {"key": "N-2", "attributes": {"label": "Council", "color": "#336699"}},
            {"key": "N-3", "attributes": {"label": "Residents' panel"}},
        ],
        "edges": [
            {"key": "E1", "source": "N-1", "target": "N-2", "attributes": {"weight": 12}},
            {"source": "N-3", "target": "N-2", "undirected": True, "attributes": {"label": "x"}},
            {"key": "E3", "source": "N-1", "target": "N-2", "attributes": {"weight": 0.5}},
        ],
    }
    (folder / "lite.json").write_text(json.dumps(data))
    names = frozenset({"Agency One", "Council", "Residents' panel"})
    return Made((folder / "lite.json",), names, 3)


#: yEd 3.x writes labels in ``<y:NodeLabel>`` under a ``nodegraphics`` key and often a
#: ``Name`` attribute; ids are n0, n1 ... and edges e0, e1 ...
YED_GRAPHML = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns"
    xmlns:y="http://www.yworks.com/xml/graphml" xmlns:yed="http://www.yworks.com/xml/yed/3">
  <key for="node" id="d4" attr.name="Name" attr.type="string"/>
  <key for="node" id="d5" attr.name="description" attr.type="string"/>
  <key for="node" id="d6" yfiles.type="nodegraphics"/>
  <key for="edge" id="d9" attr.name="Relation" attr.type="string"/>
  <key for="edge" id="d10" yfiles.type="edgegraphics"/>
  <graph edgedefault="directed" id="G">
    <node id="n0">
      <data key="d4">Ministerie van BZK</data>
      <data key="d6"><y:ShapeNode><y:Geometry height="30.0" width="30.0" x="0" y="0"/>
        <y:NodeLabel alignment="center" autoSizePolicy="content">Ministerie van BZK</y:NodeLabel>
      </y:ShapeNode></data>
    </node>
    <node id="n1">
      <data key="d6"><y:ShapeNode><y:NodeLabel>Programmabureau</y:NodeLabel></y:ShapeNode></data>
    </node>
    <node id="n2">
      <data key="d5">only a description</data>
      <data key="d6"><y:GenericNode><y:NodeLabel/><y:NodeLabel>Gemeente Rotterdam</y:NodeLabel>
      </y:GenericNode></data>
    </node>
    <edge id="e0" source="n0" target="n1">
      <data key="d9">Steers</data>
      <data key="d10"><y:PolyLineEdge><y:EdgeLabel>stuurt</y:EdgeLabel></y:PolyLineEdge></data>
    </edge>
    <edge id="e1" source="n1" target="n2"/>
    <edge id="e2" source="n1" target="n2"/>
  </graph>
</graphml>
"""


def yed_graphml(folder: Path) -> Made:
    (folder / "yed.graphml").write_text(YED_GRAPHML)
    names = frozenset({"Ministerie van BZK", "Programmabureau", "Gemeente Rotterdam"})
    return Made((folder / "yed.graphml",), names, 3)


#: Neo4j APOC's ``apoc.export.graphml.all`` (with ``useTypes``): node labels in ``labels``,
#: the relationship type in ``label`` and, for Gephi, ``TYPE``.
APOC_GRAPHML = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<key id="labels" for="node" attr.name="labels" attr.type="string"/>
<key id="name" for="node" attr.name="name" attr.type="string"/>
<key id="born" for="node" attr.name="born" attr.type="long"/>
<key id="label" for="edge" attr.name="label" attr.type="string"/>
<key id="TYPE" for="edge" attr.name="TYPE" attr.type="string"/>
<key id="since" for="edge" attr.name="since" attr.type="long"/>
<graph id="G" edgedefault="directed">
<node id="n0" labels=":Person"><data key="labels">:Person</data><data key="name">Ada</data><data key="born">1815</data></node>
<node id="n1" labels=":Organisation:Ministry"><data key="labels">:Organisation:Ministry</data><data key="name">Treasury</data></node>
<edge id="e0" source="n0" target="n1" label="ADVISES"><data key="label">ADVISES</data><data key="TYPE">ADVISES</data><data key="since">1840</data></edge>
<edge id="e1" source="n1" target="n0" label="PAYS"><data key="label">PAYS</data><data key="TYPE">PAYS</data></edge>
</graph>
</graphml>
"""  # noqa: E501


def apoc_graphml(folder: Path) -> Made:
    (folder / "apoc.graphml").write_text(APOC_GRAPHML)
    return Made((folder / "apoc.graphml",), frozenset({"Ada", "Treasury"}), 2)


def kumu_workbook(folder: Path) -> Made:
    """Kumu's Elements and Connections sheets; connections name elements by label."""
    book = Workbook()
    elements = book.active
    elements.title = "Elements"
    elements.append(["Label", "Type", "Description", "Tags", "Influence"])
    elements.append(["Ministry of the Interior", "Ministry", "The ministry", "gov | national", 5])
    elements.append(["Programme office", "Programme Office", None, None, 3])
    elements.append(["Rotterdam", "Municipality", None, "local", None])
    elements.append(["Residents' council", "Citizens", None, None, 1])
    elements.append(["Youth workers", "Professionals", None, None, None])
    connections = book.create_sheet("Connections")
    connections.append(["From", "To", "Type", "Direction", "Strength"])
    connections.append(["Ministry of the Interior", "Programme office", "steers", "directed", 4])
    connections.append(["Ministry of the Interior", "Rotterdam", "funds", "directed", 2])
    connections.append(["Ministry of the Interior", "Rotterdam", "Monitors", "directed", None])
    connections.append(["Residents' council", "Rotterdam", "gives advice", None, None])
    connections.append(["Youth workers", "Rotterdam", "works for", None, None])
    connections.append(["Rotterdam", "Programme office", "reports", None, None])
    book.save(folder / "kumu.xlsx")
    names = frozenset(
        {"Ministry of the Interior", "Programme office", "Rotterdam", "Residents' council",
         "Youth workers"}
    )  # fmt: skip
    return Made((folder / "kumu.xlsx",), names, 6)


def kumu_csv_pair(folder: Path) -> Made:
    (folder / "elements.csv").write_text(
        "Label,Type,Description,Tags\nAlpha Ministry,Ministry,First,a|b\nBeta Town,Municipality,,\n"
    )
    (folder / "connections.csv").write_text("From,To,Type\nAlpha Ministry,Beta Town,funds\n")
    names = frozenset({"Alpha Ministry", "Beta Town"})
    return Made((folder / "elements.csv", folder / "connections.csv"), names, 1)


def gephi_csv_pair(folder: Path) -> Made:
    """Gephi's data laboratory export: Id/Label nodes; Source/Target/Type/Weight edges."""
    (folder / "nodes.csv").write_text("Id,Label,group\n1,Napoleon,1\n2,Myriel,1\n3,Cosette,5\n")
    (folder / "edges.csv").write_text(
        "Source,Target,Type,Id,Weight\n1,2,Undirected,0,1.0\n3,2,Undirected,1,8.0\n"
    )
    names = frozenset({"Napoleon", "Myriel", "Cosette"})
    return Made((folder / "nodes.csv", folder / "edges.csv"), names, 2)


def single_edge_csv(folder: Path) -> Made:
    text = "source,target,weight\nAnna,Bob,2\nBob,Carla,1\nAnna,Carla,3\n"
    (folder / "ties.csv").write_text(text)
    return Made((folder / "ties.csv",), frozenset({"Anna", "Bob", "Carla"}), 3)


MAKERS: dict[str, Callable[[Path], Made]] = {
    "florentine-graphml": florentine_graphml,
    "lesmis-gexf": les_miserables_gexf,
    "karate-node-link": karate_node_link,
    "multigraph-node-link": multigraph_node_link,
    "graphology": graphology_json,
    "yed": yed_graphml,
    "apoc": apoc_graphml,
    "kumu-xlsx": kumu_workbook,
    "kumu-csv": kumu_csv_pair,
    "gephi-csv": gephi_csv_pair,
    "edge-csv": single_edge_csv,
}
