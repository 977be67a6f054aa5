/* Console results in the explorer's terms: table cells with names and kind symbols, paths
   written with their direction ((a)-[:STEERS]->(b)), the result graph's nodes and edges in
   graphstyle's colours and shapes, and exports as CSV (formula-safe) and JSON. */
(function () {
  "use strict";
  const { el } = window.GG;
  const { shapeIcon, KINDS } = window.GraphStyle;

  const TYPE_MODES = { STEERS: "control", MONITORS: "control", CHAIRS: "control", IMPLEMENTS: "control", FUNDS: "resource",
    REPORTS_TO: "accountability", COORDINATES: "coordination", MEMBER_OF: "membership", PARTICIPATES_IN: "voice",
    ADVISES: "voice", REPRESENTS: "voice", COLLABORATES_WITH: "collaboration", TARGETS: "intervention",
    LOCATED_IN: "structure", AUTHORED: "discourse", CRITICISES: "discourse", SUPPORTS: "discourse" };

  function isNode(v) { return v && typeof v === "object" && !Array.isArray(v) && Array.isArray(v._labels); }
  function isRel(v) { return v && typeof v === "object" && !Array.isArray(v) && typeof v._type === "string"; }
  function isPath(v) { return Array.isArray(v) && v.length >= 3 && v.length % 2 === 1 && v.every((x, i) => (i % 2 ? isRel(x) : isNode(x))); }
  function modeOf(type) { return TYPE_MODES[type] || "other"; }

  /* The explorer's kind for any node: an actor's kind, "source", "scenario", or the kind a
     schema label names (db.schema.visualization). */
  function kindOf(n) {
    const labels = n._labels || [];
    if (labels.includes("Actor") && n.kind) return n.kind;
    if (labels.includes("Source")) return "source";
    if (labels.includes("Scenario")) return "scenario";
    const snake = String(labels[0] || "").replace(/(?!^)([A-Z])/g, "_$1").toLowerCase();
    return KINDS[snake] ? snake : "other";
  }

  function isSchemaNode(n) { return n._labels.length === 1 && n.name === n._labels[0] && n.id === n._labels[0] && !n.scenario; }

  /* A node's key in the result graph: actor and source ids repeat across scenarios. */
  function nodeKey(n) {
    const labels = n._labels;
    if (isSchemaNode(n)) return "label:" + n.id;
    if (labels.includes("Scenario")) return "scenario:" + n.id;
    if (labels.includes("Source")) return "source:" + n.scenario + "/" + n.id;
    return "actor:" + (n.scenario || "") + "/" + n.id;
  }

  function endKey(r, end) { return r.scenario === undefined ? "label:" + end : "actor:" + r.scenario + "/" + end; }
  function relKey(r) { return "rel:" + (r.scenario || "") + "/" + (r.id || r._from + ":" + r._type + ":" + r._to); }

  function caption(n) { return String(n.name || n.title || n.id || (n._labels || []).join(":")); }

  // ---- table cells --------------------------------------------------------------------

  function nodeChip(n) {
    const kind = kindOf(n);
    return el("span", { class: "cell-node", title: (n._labels || []).join(":") + (n.id ? " " + n.id : ""), dataset: { kind: kind } },
      shapeIcon(kind), caption(n));
  }

  function relText(r, forward) {
    return el("span", { class: "cell-rel mode-" + modeOf(r._type) }, forward ? "-[:" + r._type + "]->" : "<-[:" + r._type + "]-");
  }

  /* (a)-[:STEERS]->(b)<-[:FUNDS]-(c): each step's arrow follows the relationship's own way. */
  function pathCell(path) {
    const parts = [nodeChip(path[0])];
    for (let i = 1; i < path.length; i += 2) {
      const rel = path[i], before = path[i - 1];
      parts.push(relText(rel, rel._from === before.id), nodeChip(path[i + 1]));
    }
    return el("span", { class: "cell-path" }, parts);
  }

  /* A relationship alone shows its ends: (from)-[:TYPE]->(to). */
  function relCell(r) {
    return el("span", { class: "cell-path" }, el("span", { class: "cell-end" }, "(" + r._from + ")"), relText(r, true),
      el("span", { class: "cell-end" }, "(" + r._to + ")"));
  }

  function cell(value) {
    if (value === null || value === undefined) return el("span", { class: "muted" }, "null");
    if (isNode(value)) return nodeChip(value);
    if (isRel(value)) return relCell(value);
    if (isPath(value)) return pathCell(value);
    if (Array.isArray(value) && value.some((v) => isNode(v) || isRel(v))) return el("span", { class: "cell-list" }, value.map(cell));
    if (typeof value === "object") return el("span", { class: "cell-json" }, JSON.stringify(value));
    return el("span", {}, String(value));
  }

  // ---- the result graph -----------------------------------------------------------------

  /* Every node and relationship anywhere in the rows, keyed for the graph. */
  function collect(result) {
    const nodes = new Map(), rels = new Map();
    const visit = (v) => {
      if (isNode(v)) nodes.set(nodeKey(v), v);
      else if (isRel(v)) rels.set(relKey(v), v);
      else if (Array.isArray(v)) v.forEach(visit);
    };
    result.rows.forEach((row) => row.forEach(visit));
    for (const r of rels.values()) {
      for (const end of [r._from, r._to]) {
        const key = endKey(r, end);
        if (!nodes.has(key)) nodes.set(key, { id: end, name: end, scenario: r.scenario, _labels: ["Actor"], kind: "other", _partial: true });
      }
    }
    return { nodes, rels };
  }

  // ---- export ---------------------------------------------------------------------------

  /* Text a spreadsheet will not run: =, +, -, @, tab and carriage return start formulas. */
  function formulaSafe(text) { return /^[=+\-@\t\r]/.test(text) ? "'" + text : text; }

  function csvText(value) {
    if (value === null || value === undefined) return "";
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  }

  function csvCell(value) {
    const text = formulaSafe(csvText(value));
    return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function toCSV(result) {
    const lines = [result.columns.map(csvCell).join(",")];
    for (const row of result.rows) lines.push(row.map(csvCell).join(","));
    return lines.join("\r\n") + "\r\n";
  }

  function toJSON(result) {
    return JSON.stringify({ columns: result.columns, rows: result.rows, truncated: !!result.truncated }, null, 2);
  }

  window.ConsoleResults = { cell, collect, kindOf, nodeKey, endKey, relKey, caption, modeOf, isNode, isRel, isPath, toCSV, toJSON, formulaSafe };
})();
