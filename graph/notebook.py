"""The explorer's map in a Jupyter notebook: a scenario as a pyvis ``Network``.

:func:`scenario_network` lays a scenario out as the explorer does (steering layers as bands,
:func:`graph.layout.scenario_layout`), draws every actor with the explorer's symbol and colour
(:mod:`graph.style`) and every relation with its mode's line, and turns physics off so the
bands stay put. The page it writes works offline: vis-network is put inline from the pyvis
package, and nothing is loaded from a CDN (pyvis's own page template loads Bootstrap from
one, so a small template of our own is used).

Every text is data, never markup: tooltips are plain text (pyvis 0.3.2 would show a title as
HTML once any title holds "href"; this page never does), labels are drawn on the canvas, and
the data put into the page's script is escaped so a name holding ``</script>`` stays a name.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx
from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader
from pyvis.network import Network

from graph.analysis.accountability import accountability_load
from graph.analysis.flows import flows
from graph.layout import scenario_layout
from graph.model import Scenario
from graph.network import to_networkx
from graph.style import CONFIDENCE_OPACITY, kind_style, mode_style, shade

__all__ = ["scenario_network", "MapNetwork"]

TEMPLATE_NAME = "govgraph-map.html"
#: The page: vis-network inline from pyvis's package, the data as escaped JSON, no CDN.
TEMPLATE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{ heading|e }}</title>
<style>{% include 'lib/vis-9.1.2/vis-network.css' %}</style>
<script>{% include 'lib/vis-9.1.2/vis-network.min.js' %}</script>
<style>
body { margin: 0; font: 13px Inter, system-ui, sans-serif; color: #1f2933; }
h1 { font-size: 16px; margin: 8px 12px; }
#mynetwork { width: {{ width|e }}; height: {{ height|e }}; background: {{ bgcolor|e }};
  border-top: 1px solid #dde3ea; }
</style></head>
<body>
{% if heading %}<h1>{{ heading|e }}</h1>{% endif %}
<div id="mynetwork"></div>
<script>
  var nodes = new vis.DataSet({{ nodes|script_json }});
  var edges = new vis.DataSet({{ edges|script_json }});
  var options = {{ options|script_text }};
  var network = new vis.Network(document.getElementById("mynetwork"),
                                {nodes: nodes, edges: edges}, options);
  window.govgraphNetwork = network;
</script>
</body></html>
"""

#: Explorer defaults: the size of a node, and how load makes it bigger.
NODE_SIZE = 13
#: Labels wrap within this width (world units), less than the layout's column spacing.
LABEL_WIDTH = 100
#: Labels longer than this many characters are cut with an ellipsis, so two lines hold them.
LABEL_CHARS = 34
#: World units left of the leftmost actor where the band captions sit.
CAPTION_OFFSET = 260
NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _script_text(text: str) -> str:
    """Make JSON text safe inside a <script> element (``</script>``, ``<!--`` cannot occur)."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class MapNetwork(Network):
    """A pyvis ``Network`` whose page is govgraph's offline template (everything else is
    pyvis: ``show``, ``write_html``, ``generate_html`` and the notebook display)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("cdn_resources", "in_line")
        super().__init__(*args, **kwargs)
        environment = Environment(
            loader=ChoiceLoader(
                [DictLoader({TEMPLATE_NAME: TEMPLATE}), FileSystemLoader(self.template_dir)]
            )
        )
        environment.filters["script_json"] = lambda value: _script_text(_json(value))
        environment.filters["script_text"] = _script_text
        self.templateEnv = environment
        self.path = TEMPLATE_NAME
        self.template = environment.get_template(TEMPLATE_NAME)

    def prep_notebook(self, custom_template: bool = False, custom_template_path=None) -> None:
        """Keep govgraph's template in a notebook too (pyvis would load its own)."""
        if getattr(self, "path", None) == TEMPLATE_NAME:
            self.template = self.templateEnv.get_template(TEMPLATE_NAME)
        else:
            super().prep_notebook(custom_template, custom_template_path)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def scenario_network(
    scenario: Scenario,
    *,
    as_of: str | None = None,
    confirmed_only: bool = False,
    kinds: Iterable[str] | None = None,
    types: Iterable[str] | None = None,
    height: str = "760px",
    width: str = "100%",
    notebook: bool = False,
    captions: bool = True,
) -> MapNetwork:
    """Return a scenario as a pyvis Network drawn like the explorer's layered map.

    Parameters
    ----------
    scenario : Scenario
        The scenario (from :func:`graph.formats.read_path`, a store, ...).
    as_of : str, optional
        Keep actors and relations valid on this date (YYYY, YYYY-MM or YYYY-MM-DD).
    confirmed_only : bool
        Leave out inferred and uncertain facts.
    kinds, types : iterable of str, optional
        Show only these actor kinds and relation types. As in the explorer, layers and
        positions are those of the whole scenario (after ``as_of``/``confirmed_only``), so a
        filtered map keeps every actor where it was.
    height, width : str
        The canvas size (CSS).
    notebook : bool
        Passed to pyvis: prepare for display in Jupyter (``net.show("map.html")``).
    captions : bool
        Write each band's meaning at its left ("Layer 2 — two steps of control below the top").

    Returns
    -------
    MapNetwork
        A pyvis Network with physics off and fixed positions; its page needs no network.

    Examples
    --------
    >>> from graph.model import Actor, Relation, ScenarioInfo
    >>> s = Scenario(ScenarioInfo("d", "Demo"),
    ...     actors=(Actor("m", "Ministry", "ministry"), Actor("o", "Office", "programme_office")),
    ...     relations=(Relation("r", "m", "o", "STEERS"),))
    >>> net = scenario_network(s, captions=False)
    >>> [(n["id"], n["shape"], n["y"]) for n in net.nodes]
    [('m', 'square', 0.0), ('o', 'hexagon', 150.0)]
    """
    G = to_networkx(scenario, as_of=as_of, confirmed_only=confirmed_only)
    f = flows(G)
    layout = scenario_layout(G, flow=f)
    load = accountability_load(G, flow=f)
    kind_set, type_set = _as_set(kinds), _as_set(types)
    net = MapNetwork(
        height=height, width=width, directed=True, notebook=notebook, heading=_heading(scenario)
    )
    shown = [n for n, d in G.nodes(data=True) if kind_set is None or d["kind"] in kind_set]
    for node in shown:
        net.add_node(node, **actor_node(G, node, layout, load.get(node, 0)))
    kept = set(shown)
    vocabulary = G.graph["vocabulary"]
    for u, v, data in G.edges(data=True):
        if u in kept and v in kept and (type_set is None or data["type"] in type_set):
            net.add_edge(u, v, **relation_edge(data, vocabulary.relation_type(data["type"]).mode))
    if captions:
        for caption in band_captions(layout, kept):
            net.add_node(caption.pop("id"), **caption)
    net.options = copy.deepcopy(OPTIONS)  # a dict: pyvis's set_options() strips spaces
    return net


OPTIONS: dict[str, Any] = {
    "physics": {"enabled": False},
    "layout": {"improvedLayout": False, "hierarchical": False},
    "interaction": {"hover": True, "tooltipDelay": 150},
    "nodes": {
        "borderWidth": 1.5,
        "font": {"size": 13, "face": "Inter, system-ui, sans-serif", "color": "#1f2933",
                 "strokeWidth": 3, "strokeColor": "#ffffff"},
    },
    "edges": {"smooth": False, "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}}},
}  # fmt: skip


def actor_node(G: nx.MultiDiGraph, node: str, layout: Any, load: int) -> dict[str, Any]:
    """Return one actor as pyvis node options, as the explorer's ``visNode`` draws it."""
    data = G.nodes[node]
    style = kind_style(str(data["kind"]))
    x, y = layout.positions[node]
    options: dict[str, Any] = {
        "label": short_label(str(data["name"])),
        "shape": style.shape,
        "color": _colours(style.colour, shade(style.colour)),
        "x": x,
        "y": y,
        "physics": False,
        "size": NODE_SIZE + min(10, 2 * load) if load else NODE_SIZE,
        "title": _tooltip(data, layout, node),
        "widthConstraint": {"maximum": LABEL_WIDTH},
    }
    if data.get("confidence") in ("inferred", "uncertain"):
        options["opacity"] = CONFIDENCE_OPACITY[data["confidence"]]
        options["borderWidth"] = 2
        options["shapeProperties"] = {"borderDashes": [4, 3]}
        options["color"] = _colours(style.colour, "#555")
    return options


def short_label(name: str, limit: int = LABEL_CHARS) -> str:
    """Return a name cut to ``limit`` characters with an ellipsis (the tooltip has it whole).

    Examples
    --------
    >>> short_label("Ministerie van Binnenlandse Zaken en Koninkrijksrelaties (BZK)")
    'Ministerie van Binnenlandse Zaken…'
    """
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def _colours(background: str, border: str) -> dict[str, Any]:
    return {
        "background": background,
        "border": border,
        "highlight": {"background": background, "border": "#111"},
        "hover": {"background": background, "border": "#111"},
    }


def _tooltip(data: dict[str, Any], layout: Any, node: str) -> str:
    band = "no control relation" if node in layout.isolated else f"layer {layout.layers[node]}"
    parts = [str(data["name"]), f"{str(data['kind']).replace('_', ' ')} · {band}"]
    if data.get("confidence") not in (None, "confirmed"):
        parts.append(str(data["confidence"]))
    return "\n".join(parts)


def relation_edge(data: dict[str, Any], mode: str) -> dict[str, Any]:
    """Return one relation as pyvis edge options, as the explorer's ``visEdge`` draws it."""
    style = mode_style(mode)
    opacity = CONFIDENCE_OPACITY.get(str(data.get("confidence")), 1.0)
    tentative = data.get("confidence") in ("inferred", "uncertain")
    options: dict[str, Any] = {
        "id": str(data["id"]),
        "color": {"color": style.colour, "highlight": "#111", "hover": style.colour,
                  "opacity": opacity},
        "width": style.width * (1.5 if data.get("formal") else 1),
        "title": f"{data['type']} ({mode})",
    }  # fmt: skip
    dashes = [3, 3] if tentative and not style.dashes else style.dashes
    if dashes:
        options["dashes"] = list(dashes)
    if not style.arrows:
        options["arrows"] = {"to": {"enabled": False}}
    return options


def band_captions(layout: Any, shown: set[str]) -> list[dict[str, Any]]:
    """Return a text node at the left of each band saying what the band means."""
    bands: dict[object, list[float]] = {}
    for node in shown:
        key = "isolated" if node in layout.isolated else layout.layers[node]
        bands.setdefault(key, []).append(layout.positions[node][1])
    if not bands:
        return []
    left = min(layout.positions[n][0] for n in shown) - CAPTION_OFFSET
    return [
        {
            "id": f"band:{key}",
            "label": _band_text(key, len(ys)),
            "shape": "text",
            "x": left,
            "y": min(ys),
            "physics": False,
            "font": {"size": 14, "color": "#52606d", "align": "left"},
            "widthConstraint": {"maximum": 220},
        }
        for key, ys in bands.items()
    ]


def _band_text(key: object, count: int) -> str:
    if key == "isolated":
        return f"No control relation ({count}): may still have voice or other relations"
    layer = int(str(key))
    if layer == 0:
        return f"Layer 0 ({count}): steered by no one in this model"
    steps = NUMBERS[layer] if layer < len(NUMBERS) else str(layer)
    unit = "step" if layer == 1 else "steps"
    return f"Layer {layer} ({count}): {steps} {unit} of control below the top"


def _heading(scenario: Scenario) -> str:
    return scenario.info.title or scenario.id


def _as_set(values: Iterable[str] | None) -> set[str] | None:
    return None if values is None else set(values)


def write_map(scenario: Scenario, path: str | Path, **options: Any) -> Path:
    """Write the map of a scenario to one offline HTML file; return its path."""
    target = Path(path)
    net = scenario_network(scenario, **options)
    target.write_text(net.generate_html(name=str(target)), encoding="utf-8")
    return target
