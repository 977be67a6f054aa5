/* The Cypher console: an editor with line numbers, examples, JSON parameters, and results as a
   table and as a network of the nodes and relationships they contain. Errors are shown with
   their code (syntax, unsupported construct, refused write, timeout). */
(function () {
  "use strict";
  const { el, getJSON, postJSON, errorBox } = window.GG;
  const { visNode, visEdge, networkOptions } = window.GraphStyle;

  const CONTROL = "STEERS|TARGETS|FUNDS|MONITORS|CHAIRS|COORDINATES";
  const EXAMPLES = [
    ["Who steers residents", "MATCH (a:Actor {scenario: $scenario})-[r:" + CONTROL + "]->(b:Actor {scenario: $scenario})\nWHERE b.kind = 'resident_group'\nRETURN a, r, b\nLIMIT 100"],
    ["Chains of length 3", "MATCH p = (a:Actor {scenario: $scenario})-[:STEERS|TARGETS|FUNDS*3..3]->(b:Actor)\nRETURN p\nLIMIT 25"],
    ["Voice of residents", "MATCH (r:Actor {scenario: $scenario})-[v:PARTICIPATES_IN|ADVISES|MEMBER_OF]->(b:Actor)\nWHERE r.kind = 'resident_group'\nRETURN r, v, b\nLIMIT 100"],
    ["Who accounts to whom", "MATCH (a:Actor {scenario: $scenario})-[r:REPORTS_TO]->(b:Actor)\nRETURN a, r, b\nLIMIT 100"],
    ["Money flows", "MATCH (a:Actor {scenario: $scenario})-[f:FUNDS]->(b:Actor)\nRETURN a.name AS funder, f.amount_eur AS amount_eur, b.name AS funded\nORDER BY amount_eur DESC\nLIMIT 50"],
    ["Actors per kind", "MATCH (a:Actor {scenario: $scenario})\nRETURN a.kind AS kind, count(*) AS actors\nORDER BY actors DESC"],
    ["Inferred and uncertain facts", "MATCH (a:Actor {scenario: $scenario})-[r]->(b:Actor)\nWHERE r.confidence <> 'confirmed'\nRETURN a, r, b\nLIMIT 100"],
    ["Everything (first 200)", "MATCH (a:Actor {scenario: $scenario})-[r]->(b:Actor)\nRETURN a, r, b\nLIMIT 200"],
  ];
  const BUNDLED = ["nplv-2022", "wijkaanpak-manifest", "nprz"];

  const editor = document.getElementById("cypher");
  const gutter = document.getElementById("gutter");
  const paramsBox = document.getElementById("params");
  const errorArea = document.getElementById("query-error");
  const tablePane = document.getElementById("pane-table");
  const graphPane = document.getElementById("pane-graph");
  const networkBox = document.getElementById("result-network");
  let network = null;
  let lastResult = null;

  function updateGutter() {
    const lines = editor.value.split("\n").length;
    gutter.textContent = Array.from({ length: lines }, (_, i) => i + 1).join("\n");
    gutter.scrollTop = editor.scrollTop;
  }

  async function fillExamples() {
    const select = document.getElementById("examples");
    EXAMPLES.forEach(([title], i) => select.appendChild(el("option", { value: String(i) }, title)));
    select.addEventListener("change", () => {
      if (select.value === "") return;
      editor.value = EXAMPLES[Number(select.value)][1];
      updateGutter();
      setScenario(document.getElementById("example-scenario").value);
    });
    let loaded = [];
    try { loaded = ((await getJSON("/api/scenarios")).scenarios || []).map((s) => s.id); } catch (e) { loaded = []; }
    const ids = [...new Set([...BUNDLED.filter((id) => loaded.includes(id)), ...loaded])];
    const scenarioSelect = document.getElementById("example-scenario");
    scenarioSelect.replaceChildren(...(ids.length ? ids : BUNDLED).map((id) => el("option", { value: id }, id)));
    scenarioSelect.addEventListener("change", () => setScenario(scenarioSelect.value));
    const current = currentParams().scenario;
    if (ids.length && !ids.includes(current)) setScenario(ids[0]);
    else if (current) scenarioSelect.value = current;
  }

  function currentParams() {
    try { return JSON.parse(paramsBox.value || "{}"); } catch (e) { return {}; }
  }

  function setScenario(id) {
    if (!id) return;
    paramsBox.value = JSON.stringify(Object.assign(currentParams(), { scenario: id }));
  }

  // ---- running --------------------------------------------------------------------------

  async function run() {
    errorArea.replaceChildren();
    let params;
    try {
      params = JSON.parse(paramsBox.value.trim() || "{}");
      if (typeof params !== "object" || params === null || Array.isArray(params)) throw new Error("parameters must be a JSON object");
    } catch (e) {
      return errorArea.replaceChildren(errorBox({ code: "bad-parameters", message: e.message, hint: 'Write them as JSON, e.g. {"scenario": "nplv-2022"}.' }));
    }
    document.getElementById("result-meta").textContent = "Running…";
    const started = performance.now();
    try {
      lastResult = await postJSON("/api/query", { cypher: editor.value, params });
    } catch (err) {
      return showError(err);
    }
    renderMeta(lastResult, performance.now() - started);
    renderTable(lastResult);
    if (!graphPane.hidden) renderGraph(lastResult);
  }

  /* An error replaces the previous result (rows, graph and counts), so no stale rows remain
     under it; a syntax error shows the line with a caret and moves the cursor there. */
  function showError(err) {
    lastResult = null;
    document.getElementById("result-meta").textContent = "";
    tablePane.dataset.rows = "";
    tablePane.replaceChildren(el("p", { class: "muted", id: "no-result" }, "No result: the query failed."));
    if (network) network.setData({ nodes: [], edges: [] });
    networkBox.dataset.nodeCount = "0";
    networkBox.dataset.edgeCount = "0";
    const box = errorBox(Object.assign({}, err, { message: err.message, hint: err.position ? "" : err.hint }));
    if (err.position) box.appendChild(caretBlock(err.position));
    errorArea.replaceChildren(box);
    if (err.position) placeCursor(err.position.offset);
  }

  function caretBlock(pos) {
    const line = editor.value.split("\n")[pos.line - 1] || "";
    return el("div", { class: "caret-block" },
      el("div", { class: "hint" }, "Line " + pos.line + ", column " + pos.column + ":"),
      el("pre", { class: "error-caret", dataset: { line: pos.line, column: pos.column } },
        el("span", { class: "caret-line" }, line), "\n",
        el("span", { class: "caret-mark" }, " ".repeat(Math.max(0, pos.column - 1)) + "^")));
  }

  function placeCursor(offset) {
    editor.focus();
    editor.setSelectionRange(offset, Math.min(editor.value.length, offset + 1));
  }

  function renderMeta(result, ms) {
    const meta = document.getElementById("result-meta");
    meta.textContent = result.rows.length + " row(s) · " + Math.round(result.elapsed_ms ?? ms) + " ms · " + (result.store || "store");
    if (result.truncated) errorArea.replaceChildren(el("div", { class: "notice", id: "truncated" }, "The result was truncated to " + result.rows.length + " rows; add LIMIT or narrow the query."));
  }

  function isNode(v) { return v && typeof v === "object" && !Array.isArray(v) && Array.isArray(v._labels); }
  function isRel(v) { return v && typeof v === "object" && !Array.isArray(v) && typeof v._type === "string"; }

  function cell(value) {
    if (value === null || value === undefined) return el("span", { class: "muted" }, "null");
    if (isNode(value)) return el("span", { class: "cell-node", title: value.id || "" }, value.name || value.id || value._labels.join(":"));
    if (isRel(value)) return el("span", { class: "cell-rel" }, "[:" + value._type + "]");
    if (Array.isArray(value) && value.some((v) => isNode(v) || isRel(v))) return el("span", {}, value.map(cell));
    if (typeof value === "object") return el("span", { class: "cell-json" }, JSON.stringify(value));
    return el("span", {}, String(value));
  }

  function renderTable(result) {
    tablePane.dataset.rows = String(result.rows.length);
    if (!result.rows.length) return tablePane.replaceChildren(el("p", { class: "muted", id: "no-rows" }, "No rows."));
    tablePane.replaceChildren(el("table", { class: "data results", id: "results" },
      el("thead", {}, el("tr", {}, el("th", { class: "num" }, "#"), result.columns.map((c) => el("th", {}, c)))),
      el("tbody", {}, result.rows.map((row, i) => el("tr", {}, el("td", { class: "num muted" }, String(i + 1)), row.map((v) => el("td", {}, cell(v))))))));
  }

  /* Every node and relationship anywhere in the rows (paths and lists included). */
  function collect(result) {
    const nodes = new Map(), rels = new Map();
    const visit = (v) => {
      if (isNode(v)) nodes.set(v.id, v);
      else if (isRel(v)) rels.set(v.id || v._from + ":" + v._type + ":" + v._to, v);
      else if (Array.isArray(v)) v.forEach(visit);
    };
    result.rows.forEach((row) => row.forEach(visit));
    for (const r of rels.values()) for (const end of [r._from, r._to]) if (!nodes.has(end)) nodes.set(end, { id: end, name: end, kind: "other" });
    return { nodes, rels };
  }

  function renderGraph(result) {
    const { nodes, rels } = collect(result);
    const visNodes = [...nodes.values()].map((n) => { const v = visNode(n); delete v.x; delete v.y; return v; });
    const visEdges = [...rels.entries()].map(([id, r]) => visEdge({ id, from: r._from, to: r._to, mode: modeOf(r._type), confidence: r.confidence, formal: r.formal }))
      .map((e) => Object.assign(e, { label: undefined, title: undefined }));
    networkBox.dataset.nodeCount = String(visNodes.length);
    networkBox.dataset.edgeCount = String(visEdges.length);
    const data = { nodes: new vis.DataSet(visNodes), edges: new vis.DataSet(visEdges) };
    const options = Object.assign(networkOptions([...nodes.values()].map((n) => n.kind)), {
      layout: { improvedLayout: visNodes.length < 150 }, physics: { stabilization: { iterations: 200 } }, interaction: { hover: false } });
    options.nodes = Object.assign(options.nodes, { font: { size: 12, strokeWidth: 3, strokeColor: "#fff" } });
    if (network) { network.setOptions({ groups: options.groups }); network.setData(data); } else network = new vis.Network(networkBox, data, options);
    window.govgraph.network = network;
  }

  const TYPE_MODES = { STEERS: "control", MONITORS: "control", CHAIRS: "control", IMPLEMENTS: "control", FUNDS: "resource", REPORTS_TO: "accountability",
    COORDINATES: "coordination", MEMBER_OF: "membership", PARTICIPATES_IN: "voice", ADVISES: "voice", REPRESENTS: "voice",
    COLLABORATES_WITH: "collaboration", TARGETS: "intervention", LOCATED_IN: "structure", AUTHORED: "discourse", CRITICISES: "discourse", SUPPORTS: "discourse" };
  function modeOf(type) { return TYPE_MODES[type] || "other"; }

  function showTab(name) {
    document.querySelectorAll("[data-tab]").forEach((b) => b.classList.toggle("active", b.dataset.tab === name));
    tablePane.hidden = name !== "table";
    graphPane.hidden = name !== "graph";
    if (name === "graph" && lastResult) renderGraph(lastResult);
  }

  editor.addEventListener("input", updateGutter);
  editor.addEventListener("scroll", () => { gutter.scrollTop = editor.scrollTop; });
  editor.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { e.preventDefault(); run(); }
  });
  paramsBox.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { e.preventDefault(); run(); }
  });
  document.getElementById("run").addEventListener("click", run);
  document.querySelectorAll("[data-tab]").forEach((b) => b.addEventListener("click", () => showTab(b.dataset.tab)));
  window.govgraph = { run, get result() { return lastResult; }, network: null };
  updateGutter();
  fillExamples();
})();
