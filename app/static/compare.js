/* Compare two structures: first the measures (human names, A, B, the change and what it
   means, as graph/analysis/measures.py declares it), then the layer profiles and voice reach
   side by side, the structural differences grouped by kind and layer (raw ids folded away),
   and two labelled views on shared positions with linked pan and zoom.
   Each side is a (scenario, as_of) pair, so one scenario can be set against itself. */
(function () {
  "use strict";
  const { el, getJSON, errorBox, fmt, explorerUrl } = window.GG;
  const { visNode, visEdge, networkOptions } = window.GraphStyle;
  const { hbars, legend, pct } = window.Charts;

  const root = document.getElementById("compare");
  const panel = document.getElementById("diff-panel");
  const params = new URLSearchParams(window.location.search);
  const sides = {
    a: { id: root.dataset.a, as_of: root.dataset.asOfA || params.get("as_of") || "" },
    b: { id: root.dataset.b, as_of: root.dataset.asOfB || params.get("as_of") || "" },
  };
  const DIFF = { added: "#2e7d32", removed: "#c0392b", changed: "#e0a800" };
  const OPTIONS = {
    layout: { improvedLayout: false }, physics: false,
    edges: { smooth: false }, nodes: { font: { size: 0 } },
    interaction: { hover: false, hideEdgesOnDrag: true, hideEdgesOnZoom: true },
  };
  const LABEL_PX = 12;
  const GROUPS_SHOWN = 12;
  const networks = {};
  let syncing = false;

  function sideQuery(side, extra) {
    const q = new URLSearchParams(extra || {});
    if (side.as_of) q.set("as_of", side.as_of);
    if (params.get("confirmed_only")) q.set("confirmed_only", params.get("confirmed_only"));
    return q;
  }

  function sideName(side, graph) {
    const title = ((graph || {}).scenario || {}).title || side.id;
    /* The day the side shows as the API chose it (the scenario's own date by default). */
    const day = graph && "as_of" in graph ? graph.as_of : side.as_of;
    return title + (day ? " (as of " + day + ")" : " (all dates)");
  }

  async function fillSelects() {
    let list = [];
    try { list = (await getJSON("/api/scenarios")).scenarios || []; } catch (e) { return; }
    for (const [id, chosen] of [["select-a", sides.a.id], ["select-b", sides.b.id]]) {
      const select = document.getElementById(id);
      select.replaceChildren(el("option", { value: "" }, "choose…"),
        ...list.map((s) => el("option", { value: s.id, selected: s.id === chosen }, s.title ? s.title + " (" + s.id + ")" : s.id)));
    }
  }

  // ---- the measures --------------------------------------------------------------------

  function summaryTable(rows) {
    return el("table", { class: "data measures-table", id: "measures" },
      el("thead", {}, el("tr", {}, el("th", {}, "measure"), el("th", { class: "num" }, "A"), el("th", { class: "num" }, "B"),
        el("th", { class: "num" }, "Δ"), el("th", {}, "what the change means"))),
      el("tbody", {}, rows.map((r) => el("tr", { dataset: { metric: r.metric }, class: r.delta ? "moved" : "still" },
        el("td", { class: "metric-name" }, r.name), el("td", { class: "num" }, r.a_text), el("td", { class: "num" }, r.b_text),
        el("td", { class: "num delta" }, r.delta_text), el("td", { class: "direction" }, r.direction)))));
  }

  function renderSummary(result, ga, gb) {
    document.getElementById("summary-title").textContent = "From A, " + sideName(sides.a, ga) + ", to B, " + sideName(sides.b, gb);
    document.getElementById("summary-body").replaceWith(summaryTable(result.summary || []));
  }

  // ---- charts --------------------------------------------------------------------------

  function profileItems(analysis, max) {
    const sizes = analysis.layer_sizes || {};
    const items = Object.keys(sizes).map(Number).sort((x, y) => x - y).map((l) => ({ label: l === 0 ? "layer 0 (top)" : "layer " + l, value: sizes[l] }));
    items.push({ label: "no control relation", value: (analysis.isolated || []).length, cls: "muted-bar" });
    return hbars(items, { max: max, label: "actors per steering layer", format: (v) => String(v), width: 300, labelWidth: 130, rowHeight: 20 });
  }

  function renderCharts(aa, ab) {
    const biggest = (an) => Math.max((an.isolated || []).length, ...Object.values(an.layer_sizes || { 0: 0 }));
    const max = Math.max(1, biggest(aa), biggest(ab));
    const voice = [];
    for (const [kind, who] of [["resident_group", "residents"], ["professional_group", "professionals"]]) {
      for (const [key, how] of [["voice_reach", "any voice"], ["decisive_voice_reach", "formal voice"]]) {
        voice.push({ label: who + " · " + how + " · A", value: ((aa[key] || {})[kind] || {}).share, cls: "side-a" });
        voice.push({ label: who + " · " + how + " · B", value: ((ab[key] || {})[kind] || {}).share, cls: "side-b" });
      }
    }
    document.getElementById("compare-charts").replaceChildren(
      el("section", { class: "box", id: "profiles" }, el("h2", {}, "Layer profiles"),
        el("p", { class: "explain" }, "Actors per steering layer, on one scale: layer n is n control steps below the top."),
        el("div", { class: "pair" }, el("div", {}, el("h4", {}, "A"), profileItems(aa, max)), el("div", {}, el("h4", {}, "B"), profileItems(ab, max)))),
      el("section", { class: "box", id: "voice-compare" }, el("h2", {}, "Voice reach"),
        el("p", { class: "explain" }, "Share of deciders that residents and professionals reach through voice relations, and through formal ones only."),
        hbars(voice, { max: 1, format: pct, label: "voice reach, A against B", labelWidth: 230, rowHeight: 20 }),
        legend([["side-a", "A"], ["side-b", "B"]])));
  }

  // ---- structural differences ----------------------------------------------------------

  function groupList(groups, id) {
    if (!groups.length) return el("p", { class: "muted" }, "No differences.");
    const item = (g) => el("li", { class: g.change, dataset: { change: g.change, count: String(g.count) } }, window.GG.keepFigures(g.text));
    const rest = groups.slice(GROUPS_SHOWN);
    return el("div", {}, el("ul", { class: "groups", id: id }, groups.slice(0, GROUPS_SHOWN).map(item)),
      rest.length ? el("details", { class: "more" }, el("summary", {}, rest.length + " smaller groups (" + rest.reduce((n, g) => n + g.count, 0) + ")"),
        el("ul", { class: "groups" }, rest.map(item))) : null);
  }

  function diffList(title, diff, kind) {
    const items = [];
    for (const status of ["added", "removed", "changed"]) {
      for (const id of diff[status] || []) {
        const fields = (diff.changed_fields || {})[id];
        const side = status === "removed" ? sides.a : sides.b;
        const label = kind === "actor" ? el("a", { href: explorerUrl(side.id, sideQuery(side, { select: id })) }, id) : el("code", {}, id);
        items.push(el("li", { class: status, dataset: { status, id } }, status + ": ", label, fields ? " (" + fields.join(", ") + ")" : ""));
      }
    }
    return [el("h4", {}, title + " (" + items.length + ")"), items.length ? el("ul", { class: "diff" }, items) : el("p", { class: "muted" }, "No differences.")];
  }

  function renderStructure(result) {
    const n = (d) => d.added.length + d.removed.length + d.changed.length;
    document.getElementById("structure").replaceChildren(
      el("h2", {}, "What changed in the structure"),
      el("p", { class: "explain" }, n(result.actors) + " actors and " + n(result.relations) + " relations differ. Actors are grouped by kind and by their steering layer (in A for removed ones, in B otherwise); relations by type."),
      el("div", { class: "pair" },
        el("div", {}, el("h4", {}, "Actors"), groupList(result.actor_groups || [], "actor-groups")),
        el("div", {}, el("h4", {}, "Relations"), groupList(result.relation_groups || [], "relation-groups"))),
      el("details", { class: "more", id: "raw-ids" }, el("summary", {}, "Every id that differs"),
        el("div", { class: "pair" }, el("div", {}, diffList("Actors", result.actors, "actor")), el("div", {}, diffList("Relations", result.relations, "relation")))),
      el("details", { class: "more", id: "all-metrics" }, el("summary", {}, "Every metric, by its name in compare --json"), metricsTable(result.metrics)));
    document.getElementById("compare-summary").textContent = n(result.actors) + " actor and " + n(result.relations) + " relation differences";
  }

  function metricsTable(metrics) {
    const entries = Object.entries(metrics || {});
    const moved = entries.filter(([, m]) => m.delta !== 0 && !(m.delta === null && m.a === m.b));
    return el("table", { class: "data metrics", id: "metric-deltas" },
      el("thead", {}, el("tr", {}, el("th", {}, "metric"), el("th", { class: "num" }, "A"), el("th", { class: "num" }, "B"), el("th", { class: "num" }, "Δ"))),
      el("tbody", {}, moved.map(([name, m]) => el("tr", { dataset: { metric: name } }, el("td", { class: "metric-name" }, name),
        el("td", { class: "num" }, fmt(m.a)), el("td", { class: "num" }, fmt(m.b)), el("td", { class: "num" }, typeof m.delta === "number" && m.delta > 0 ? "+" + fmt(m.delta) : fmt(m.delta))))));
  }

  // ---- the two views -------------------------------------------------------------------

  function statusOf(diff, id) {
    if (diff.added.includes(id)) return "added";
    if (diff.removed.includes(id)) return "removed";
    if (diff.changed.includes(id)) return "changed";
    return "same";
  }

  function diffNode(n, status, positions) {
    const node = visNode(n);
    const p = positions[n.id];
    if (p) { node.x = p.x; node.y = p.y; }
    node.label = undefined; // labels are placed by drawLabels, so they never overlap
    if (status === "same") node.opacity = Math.min(node.opacity === undefined ? 1 : node.opacity, 0.5);
    else { node.borderWidth = 4; node.color = Object.assign({}, node.color, { border: DIFF[status] }); node.size = (node.size || 14) + 4; }
    return node;
  }

  function diffEdge(e, status) {
    const edge = visEdge(e);
    edge.label = undefined;
    // Only relations that exist on one side are coloured; changed ones (a note, a source)
    // stay faded, or they would drown the picture.
    if (status === "same" || status === "changed") edge.color = Object.assign({}, edge.color, { opacity: 0.2 });
    else { edge.color = { color: DIFF[status], opacity: 0.55 }; edge.width = (edge.width || 1) * 1.3; }
    return edge;
  }

  /* Names drawn on the canvas, most connected actors first, skipping any that would overlap. */
  function drawLabels(network, ctx, order, names) {
    const scale = network.getScale();
    const size = LABEL_PX / scale;
    ctx.font = "600 " + size + "px Inter, system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineWidth = 3 / scale;
    ctx.strokeStyle = "rgba(255,255,255,0.95)";
    ctx.fillStyle = "#1f2933";
    const taken = [];
    const positions = network.getPositions(order.slice(0, 400));
    for (const id of order.slice(0, 400)) {
      const p = positions[id];
      if (!p) continue;
      const text = names.get(id).length > 28 ? names.get(id).slice(0, 27) + "…" : names.get(id);
      const w = ctx.measureText(text).width, box = [p.x - w / 2 - 2 / scale, p.y + 12 / scale, w + 4 / scale, size * 1.2];
      if (taken.some((t) => box[0] < t[0] + t[2] && t[0] < box[0] + box[2] && box[1] < t[1] + t[3] && t[1] < box[1] + box[3])) continue;
      taken.push(box);
      ctx.strokeText(text, p.x, box[1]);
      ctx.fillText(text, p.x, box[1]);
    }
  }

  function drawSide(key, graph, result) {
    const diffStatus = (id) => statusOf(result.actors, id);
    const nodes = graph.nodes.map((n) => diffNode(n, diffStatus(n.id), result.positions || {}));
    const edges = graph.edges.map((e) => diffEdge(e, statusOf(result.relations, e.id)));
    const degree = new Map(graph.nodes.map((n) => [n.id, 0]));
    graph.edges.forEach((e) => { degree.set(e.from, (degree.get(e.from) || 0) + 1); degree.set(e.to, (degree.get(e.to) || 0) + 1); });
    // Changed actors first, then by connections: the labels tell what differs.
    const order = graph.nodes.map((n) => n.id).sort((x, y) => (diffStatus(y) !== "same") - (diffStatus(x) !== "same") || degree.get(y) - degree.get(x));
    const names = new Map(graph.nodes.map((n) => [n.id, n.name || n.id]));
    const container = document.getElementById("network-" + key);
    const options = Object.assign(networkOptions(graph.legend && graph.legend.kinds), OPTIONS);
    options.edges = Object.assign({}, networkOptions().edges, OPTIONS.edges);
    options.nodes = Object.assign({}, networkOptions().nodes, OPTIONS.nodes);
    const network = new vis.Network(container, { nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges) }, options);
    network.on("afterDrawing", (ctx) => drawLabels(network, ctx, order, names));
    container.dataset.nodeCount = String(nodes.length);
    container.dataset.highlighted = String(nodes.filter((n) => n.borderWidth === 4).length);
    networks[key] = network;
    network.on("zoom", () => sync(key));
    network.on("dragging", () => sync(key));
    network.on("dragEnd", () => sync(key));
    network.on("click", (p) => p.nodes.length && window.open(explorerUrl(sides[key].id, sideQuery(sides[key], { select: p.nodes[0] })), "_self"));
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

  async function load() {
    if (!sides.a.id || !sides.b.id) return;
    try {
      const compareQuery = new URLSearchParams({ a: sides.a.id, b: sides.b.id });
      for (const k of ["as_of", "confirmed_only"]) if (params.get(k)) compareQuery.set(k, params.get(k));
      if (sides.a.as_of) compareQuery.set("as_of_a", sides.a.as_of);
      if (sides.b.as_of) compareQuery.set("as_of_b", sides.b.as_of);
      const api = (side, what) => "/api/scenarios/" + encodeURIComponent(side.id) + "/" + what + "?" + sideQuery(side);
      const [result, ga, gb, aa, ab] = await Promise.all([
        getJSON("/api/compare?" + compareQuery), getJSON(api(sides.a, "graph")), getJSON(api(sides.b, "graph")),
        getJSON(api(sides.a, "analysis")), getJSON(api(sides.b, "analysis")),
      ]);
      document.getElementById("title-a").textContent = "A · " + sideName(sides.a, ga);
      document.getElementById("title-b").textContent = "B · " + sideName(sides.b, gb);
      renderSummary(result, ga, gb);
      renderCharts(aa, ab);
      renderStructure(result);
      drawSide("a", ga, result);
      drawSide("b", gb, result);
      networks.b.once("afterDrawing", () => { sync("a"); root.dataset.ready = "1"; });
      networks.a.fit({ animation: false });
    } catch (err) {
      panel.replaceChildren(errorBox(err));
      root.dataset.ready = "error";
    }
  }

  window.govgraph = { networks, sides };
  fillSelects();
  load();
})();
