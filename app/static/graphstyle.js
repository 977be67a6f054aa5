/* Visual vocabulary shared by the explorer, compare and console networks:
   colour and shape by actor kind, line style by relation mode, fading by confidence.
   Everything here returns plain vis-network option objects; nothing touches the DOM
   except the legend builder, which only creates elements and text nodes. */
(function () {
  "use strict";

  // kind -> [shape, colour]. Every kind of the bundled scenarios differs from every other in
  // shape or in a clearly different colour; kinds that are easily confused in a governance
  // chart (ministry, parliament, cabinet; municipality, mayor) differ in shape.
  const KINDS = {
    cabinet: ["star", "#0b3954"],
    programme: ["star", "#7b2cbf"],
    ministry: ["square", "#1d4e89"],
    municipality: ["square", "#c0392b"],
    monitoring_system: ["square", "#7d5a8c"],
    document: ["square", "#aab4c0"],
    parliament: ["triangle", "#283593"],
    instrument: ["triangle", "#c48b9f"],
    advisory_body: ["triangle", "#2a9d8f"],
    interdepartmental_group: ["hexagon", "#6b8fd4"],
    consultation_body: ["hexagon", "#0f8b8d"],
    programme_office: ["hexagon", "#9d4edd"],
    civil_society_platform: ["hexagon", "#8ab17d"],
    focus_area: ["triangleDown", "#f4a261"],
    neighbourhood: ["triangleDown", "#e9c46a"],
    knowledge_institution: ["triangleDown", "#5c7aa6"],
    mayor: ["dot", "#e8871e"],
    resident_group: ["dot", "#2e8b57"],
    professional_group: ["dot", "#9ccc3c"],
    person: ["dot", "#8d6e63"],
    other: ["dot", "#c7c7c7"],
    housing_corporation: ["diamond", "#795548"],
    police: ["diamond", "#37474f"],
    school: ["diamond", "#ff8f00"],
    care_provider: ["diamond", "#d81b60"],
    welfare_organisation: ["diamond", "#ab47bc"],
    private_partner: ["diamond", "#00838f"],
    // Not actors: the nodes a scenario's sources and its head become in a query result.
    source: ["box", "#e9d8a6"],
    scenario: ["ellipse", "#a8c5e6"],
  };

  // mode -> [colour, dashes, width, arrows]
  const MODES = {
    control: ["#1d3557", false, 2.2, "to"],
    resource: ["#2a9d8f", false, 2, "to"],
    accountability: ["#e76f51", [8, 5], 2, "to"],
    coordination: ["#457b9d", [4, 4], 1.6, "to"],
    membership: ["#8d99ae", [2, 4], 1.4, "to"],
    voice: ["#c2185b", false, 1.8, "to"],
    collaboration: ["#6a994e", [10, 4, 2, 4], 1.6, ""],
    intervention: ["#7b2cbf", false, 1.6, "to"],
    structure: ["#9aa3b0", [1, 3], 1, "to"],
    discourse: ["#9c6644", [6, 3, 1, 3], 1.2, "to"],
  };

  const CONFIDENCE_OPACITY = { confirmed: 1, inferred: 0.55, uncertain: 0.35 };

  function hashColour(text) {
    let h = 0;
    for (const ch of String(text)) h = (h * 31 + ch.charCodeAt(0)) % 360;
    return "hsl(" + h + ",45%,55%)";
  }

  function kindStyle(kind) {
    const entry = KINDS[kind];
    if (!entry) return { shape: "dot", colour: hashColour(kind) };
    return { shape: entry[0], colour: entry[1] };
  }

  function modeStyle(mode) {
    const entry = MODES[mode] || ["#8a8f98", false, 1.2, "to"];
    return { colour: entry[0], dashes: entry[1], width: entry[2], arrows: entry[3] };
  }

  function isTentative(confidence) {
    return confidence === "inferred" || confidence === "uncertain";
  }

  /* A vis node for an actor (or a group in the aggregated view); label is plain text.
     Shape and colour come from the kind's vis group (see groupOptions): per-node options are
     what makes vis-network slow to build thousands of nodes, so only exceptions are set here. */
  function visNode(n) {
    const tentative = isTentative(n.confidence);
    const node = {
      id: n.id,
      group: n.kind,
      label: n.count ? String(n.label || n.kind) : String(n.label || n.name || n.id),
    };
    if (n.count) node.size = Math.min(60, 10 + 4 * Math.sqrt(n.count));
    else if (n.accountability_load) node.size = 13 + Math.min(10, 2 * n.accountability_load);
    if (tentative) {
      node.opacity = CONFIDENCE_OPACITY[n.confidence];
      node.borderWidth = 2;
      node.shapeProperties = { borderDashes: [4, 3] };
      // A node's own colour replaces its group's whole colour: keep the kind's background.
      const colour = kindStyle(n.kind).colour;
      node.color = { background: colour, border: "#555", highlight: { background: colour, border: "#111" }, hover: { background: colour, border: "#111" } };
    }
    if (n.x !== undefined && n.x !== null) { node.x = n.x; node.y = n.y; }
    return node;
  }

  /* The vis group of each kind: shape and colours. */
  function groupOptions(kinds) {
    const groups = {};
    for (const kind of new Set([...Object.keys(KINDS), ...(kinds || [])])) {
      const k = kindStyle(kind);
      groups[kind] = { shape: k.shape, color: { background: k.colour, border: shade(k.colour), highlight: { background: k.colour, border: "#111" }, hover: { background: k.colour, border: "#111" } } };
    }
    return groups;
  }

  /* Options every network shares: groups per kind, arrows on by default (off for symmetric modes). */
  function networkOptions(kinds) {
    return {
      groups: groupOptions(kinds),
      nodes: { shape: "dot", size: 13, borderWidth: 1.5, opacity: 1 },
      edges: { arrows: { to: { enabled: true, scaleFactor: 0.6 } }, smooth: false },
    };
  }

  /* A vis edge for a relation; inferred/uncertain ones faded, formal ones heavier. */
  function visEdge(e) {
    const m = modeStyle(e.mode);
    const opacity = CONFIDENCE_OPACITY[e.confidence] || 1;
    const width = m.width * (e.formal ? 1.5 : 1) * (e.count ? Math.min(4, 1 + Math.log10(e.count)) : 1);
    const edge = {
      id: e.id, from: e.from, to: e.to,
      color: { color: m.colour, highlight: "#111", hover: m.colour, opacity: opacity },
      width: width,
    };
    const dashes = isTentative(e.confidence) && !m.dashes ? [3, 3] : m.dashes;
    if (dashes) edge.dashes = dashes;
    if (!m.arrows) edge.arrows = { to: { enabled: false } };
    if (e.count && e.count > 1) edge.label = String(e.count);
    return edge;
  }

  function shade(hex) {
    if (!/^#[0-9a-f]{6}$/i.test(hex)) return "#444";
    const v = parseInt(hex.slice(1), 16);
    const f = (c) => Math.max(0, Math.round(c * 0.7));
    return "#" + ((f(v >> 16) << 16) | (f((v >> 8) & 255) << 8) | f(v & 255)).toString(16).padStart(6, "0");
  }

  const SVG = "http://www.w3.org/2000/svg";

  function svgEl(name, attrs) {
    const el = document.createElementNS(SVG, name);
    for (const key in attrs) el.setAttribute(key, String(attrs[key]));
    return el;
  }

  function shapeIcon(kind) {
    const k = kindStyle(kind);
    const svg = svgEl("svg", { width: 16, height: 16, viewBox: "0 0 16 16", "aria-hidden": "true", class: "kind-icon" });
    const paint = { fill: k.colour, stroke: shade(k.colour), "stroke-width": 1 };
    const shapes = {
      square: () => svgEl("rect", Object.assign({ x: 2.5, y: 2.5, width: 11, height: 11 }, paint)),
      dot: () => svgEl("circle", Object.assign({ cx: 8, cy: 8, r: 6 }, paint)),
      diamond: () => svgEl("polygon", Object.assign({ points: "8,1 15,8 8,15 1,8" }, paint)),
      triangle: () => svgEl("polygon", Object.assign({ points: "8,1.5 15,14 1,14" }, paint)),
      triangleDown: () => svgEl("polygon", Object.assign({ points: "1,2 15,2 8,14.5" }, paint)),
      hexagon: () => svgEl("polygon", Object.assign({ points: "4.5,2 11.5,2 15,8 11.5,14 4.5,14 1,8" }, paint)),
      star: () => svgEl("polygon", Object.assign({ points: "8,1 10,6 15,6 11,9.5 12.5,15 8,11.5 3.5,15 5,9.5 1,6 6,6" }, paint)),
      box: () => svgEl("rect", Object.assign({ x: 1.5, y: 4, width: 13, height: 8, rx: 1.5 }, paint)),
      ellipse: () => svgEl("ellipse", Object.assign({ cx: 8, cy: 8, rx: 7, ry: 4.5 }, paint)),
    };
    svg.appendChild((shapes[k.shape] || shapes.dot)());
    return svg;
  }

  function lineIcon(mode, opacity) {
    const m = modeStyle(mode);
    const svg = svgEl("svg", { width: 34, height: 12, viewBox: "0 0 34 12", "aria-hidden": "true", class: "mode-icon" });
    const attrs = { x1: 1, y1: 6, x2: 27, y2: 6, stroke: m.colour, "stroke-width": m.width, "stroke-opacity": opacity || 1 };
    if (m.dashes) attrs["stroke-dasharray"] = m.dashes.join(",");
    svg.appendChild(svgEl("line", attrs));
    if (m.arrows) svg.appendChild(svgEl("polygon", { points: "26,2 33,6 26,10", fill: m.colour, "fill-opacity": opacity || 1 }));
    return svg;
  }

  function legendRow(icon, text) {
    const row = document.createElement("li");
    row.appendChild(icon);
    const span = document.createElement("span");
    span.textContent = text;
    row.appendChild(span);
    return row;
  }

  /* Fill a legend container with the kinds and modes present, plus the confidence key. */
  function buildLegend(container, kinds, modes) {
    container.replaceChildren();
    const sections = [
      ["Actors", (kinds || []).map((k) => legendRow(shapeIcon(k), k.replace(/_/g, " ")))],
      ["Relations", (modes || []).map((m) => legendRow(lineIcon(m), m))],
      ["Confidence", [
        legendRow(lineIcon("control", 1), "confirmed"),
        legendRow(lineIcon("control", 0.55), "inferred (faded, dashed border)"),
        legendRow(lineIcon("control", 0.35), "uncertain"),
      ]],
    ];
    for (const [title, rows] of sections) {
      if (!rows.length) continue;
      const h = document.createElement("h4");
      h.textContent = title;
      const ul = document.createElement("ul");
      rows.forEach((r) => ul.appendChild(r));
      container.append(h, ul);
    }
  }

  window.GraphStyle = { kindStyle, modeStyle, visNode, visEdge, groupOptions, networkOptions, buildLegend, shapeIcon, lineIcon, isTentative, KINDS, MODES };
})();
