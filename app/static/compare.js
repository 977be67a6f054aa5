/* Compare two scenarios: two synchronised vis-network views on shared positions, the added,
   removed and changed actors and relations highlighted, and the metric deltas. */
(function () {
  "use strict";
  const { el, getJSON, errorBox, fmt, explorerUrl } = window.GG;
  const { visNode, visEdge, networkOptions } = window.GraphStyle;

  const root = document.getElementById("compare");
  const panel = document.getElementById("diff-panel");
  const a = root.dataset.a, b = root.dataset.b;
  const DIFF = { added: "#2e7d32", removed: "#c0392b", changed: "#e0a800" };
  const OPTIONS = {
    layout: { improvedLayout: false }, physics: false,
    edges: { smooth: false }, nodes: { font: { size: 12, strokeWidth: 3, strokeColor: "#fff" } },
    interaction: { hover: false, hideEdgesOnDrag: true, hideEdgesOnZoom: true },
  };
  const networks = {};
  let syncing = false;

  async function fillSelects() {
    let list = [];
    try { list = (await getJSON("/api/scenarios")).scenarios || []; } catch (e) { return; }
    for (const [id, chosen] of [["select-a", a], ["select-b", b]]) {
      const select = document.getElementById(id);
      select.replaceChildren(el("option", { value: "" }, "choose…"),
        ...list.map((s) => el("option", { value: s.id, selected: s.id === chosen }, s.title ? s.title + " (" + s.id + ")" : s.id)));
    }
  }

  function statusOf(diff, id) {
    if (diff.added.includes(id)) return "added";
    if (diff.removed.includes(id)) return "removed";
    if (diff.changed.includes(id)) return "changed";
    return "same";
  }

  /* A node styled by the diff: coloured ring for added/removed/changed, faded when unchanged. */
  function diffNode(n, status, positions) {
    const node = visNode(n);
    const p = positions[n.id];
    if (p) { node.x = p.x; node.y = p.y; }
    if (status === "same") node.opacity = Math.min(node.opacity === undefined ? 1 : node.opacity, 0.45);
    else { node.borderWidth = 4; node.color = Object.assign({}, node.color, { border: DIFF[status] }); node.size = (node.size || 14) + 4; }
    return node;
  }

  function diffEdge(e, status) {
    const edge = visEdge(e);
    if (status === "same") edge.color = Object.assign({}, edge.color, { opacity: 0.3 });
    else { edge.color = { color: DIFF[status], opacity: 1 }; edge.width = (edge.width || 1) * 2; }
    return edge;
  }

  function drawSide(side, graph, result) {
    const showOnly = side === "a" ? ["removed", "changed", "same"] : ["added", "changed", "same"];
    const nodes = graph.nodes.map((n) => diffNode(n, statusOf(result.actors, n.id), result.positions || {}));
    const edges = graph.edges.map((e) => diffEdge(e, statusOf(result.relations, e.id)));
    const container = document.getElementById("network-" + side);
    const options = Object.assign(networkOptions(graph.legend && graph.legend.kinds), OPTIONS);
    options.edges = Object.assign({}, networkOptions().edges, OPTIONS.edges);
    const network = new vis.Network(container, { nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges) }, options);
    container.dataset.nodeCount = String(nodes.length);
    container.dataset.highlighted = String(nodes.filter((n) => n.borderWidth === 4).length);
    container.dataset.statuses = showOnly.join(",");
    networks[side] = network;
    network.on("zoom", () => sync(side));
    network.on("dragging", () => sync(side));
    network.on("dragEnd", () => sync(side));
    network.on("click", (p) => p.nodes.length && window.open(explorerUrl(side === "a" ? a : b, { select: p.nodes[0] }), "_self"));
  }

  /* Pan and zoom the other view to the same place. */
  function sync(from) {
    if (syncing) return;
    const other = networks[from === "a" ? "b" : "a"];
    if (!other) return;
    syncing = true;
    other.moveTo({ position: networks[from].getViewPosition(), scale: networks[from].getScale(), animation: false });
    syncing = false;
  }

  function diffList(title, diff, scenarioFor, kind) {
    const items = [];
    for (const status of ["added", "removed", "changed"]) {
      for (const id of diff[status] || []) {
        const fields = (diff.changed_fields || {})[id];
        const scenarioId = status === "removed" ? a : scenarioFor;
        const label = kind === "actor" ? el("a", { href: explorerUrl(scenarioId, { select: id }) }, id) : el("code", {}, id);
        items.push(el("li", { class: status, dataset: { status, id } }, status + ": ", label, fields ? " (" + fields.join(", ") + ")" : ""));
      }
    }
    return [el("h3", {}, title + " (" + items.length + ")"), items.length ? el("ul", { class: "diff" }, items) : el("p", { class: "muted" }, "No differences.")];
  }

  function metricRow(name, m) {
    const cls = typeof m.delta === "number" && m.delta !== 0 ? (m.delta > 0 ? "num delta-up" : "num delta-down") : "num";
    return el("tr", { dataset: { metric: name } }, el("td", { class: "metric-name" }, name.replace(/\./g, ".\u200b")),
      el("td", { class: "num" }, fmt(m.a)), el("td", { class: "num" }, fmt(m.b)),
      el("td", { class: cls }, typeof m.delta === "number" && m.delta > 0 ? "+" + fmt(m.delta) : fmt(m.delta)));
  }

  function metricTable(id, entries) {
    return el("table", { class: "data metrics", id: id },
      el("thead", {}, el("tr", {}, el("th", {}, "metric"), el("th", { class: "num" }, "A"), el("th", { class: "num" }, "B"), el("th", { class: "num" }, "Δ"))),
      el("tbody", {}, entries.map(([name, m]) => metricRow(name, m))));
  }

  /* Metrics that differ first; the unchanged ones folded away below. */
  function metricsTable(metrics) {
    const entries = Object.entries(metrics || {});
    const moved = entries.filter(([, m]) => m.delta !== 0 && !(m.delta === null && m.a === m.b));
    const same = entries.filter((e) => !moved.includes(e));
    return el("div", {}, metricTable("metric-deltas", moved),
      same.length ? el("details", { class: "unchanged" }, el("summary", {}, same.length + " unchanged metrics"), metricTable("metric-same", same)) : null);
  }

  function renderPanel(result) {
    panel.replaceChildren(
      el("p", {}, el("a", { href: explorerUrl(a) }, a), " → ", el("a", { href: explorerUrl(b) }, b)),
      ...diffList("Actors", result.actors, b, "actor"), ...diffList("Relations", result.relations, b, "relation"),
      el("h3", {}, "Metrics"), metricsTable(result.metrics));
    const n = (d) => d.added.length + d.removed.length + d.changed.length;
    document.getElementById("compare-summary").textContent = n(result.actors) + " actor and " + n(result.relations) + " relation differences";
  }

  async function load() {
    if (!a || !b) return;
    try {
      const [result, ga, gb] = await Promise.all([
        getJSON("/api/compare?" + new URLSearchParams({ a, b })),
        getJSON("/api/scenarios/" + encodeURIComponent(a) + "/graph"),
        getJSON("/api/scenarios/" + encodeURIComponent(b) + "/graph"),
      ]);
      document.getElementById("title-a").textContent = "A · " + ((ga.scenario || {}).title || a);
      document.getElementById("title-b").textContent = "B · " + ((gb.scenario || {}).title || b);
      drawSide("a", ga, result);
      drawSide("b", gb, result);
      networks.b.once("afterDrawing", () => { sync("a"); root.dataset.ready = "1"; });
      networks.a.fit({ animation: false });
      renderPanel(result);
    } catch (err) {
      panel.replaceChildren(errorBox(err));
    }
  }

  window.govgraph = { networks };
  fillSelects();
  load();
})();
