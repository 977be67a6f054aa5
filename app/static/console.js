/* The Cypher console, for Neo4j Browser habits: an editor with colours, completion and a
   history (cypher-editor.js), Ctrl/Cmd+Enter to run, `:param name => value` and a parameters
   box, saved queries, results as a table and as a graph in the explorer's style with the
   explorer's side panel (console-results.js), exports as CSV and JSON. An error replaces the
   previous result; a syntax error shows its line with a caret and puts the cursor there. */
(function () {
  "use strict";
  const { el, getJSON, postJSON, errorBox, download, externalLink, fmt, explorerUrl } = window.GG;
  const { visNode, visEdge, networkOptions, shapeIcon, lineIcon } = window.GraphStyle;
  const R = window.ConsoleResults;

  const CONTROL = "STEERS|TARGETS|FUNDS|MONITORS|CHAIRS|COORDINATES";
  const EXAMPLES = [
    ["Labels and types (schema)", "CALL db.schema.visualization()"],
    ["Shortest path to residents", "MATCH (a:Actor {scenario: $scenario, kind: 'ministry'}), (b:Actor {scenario: $scenario, kind: 'resident_group'})\nMATCH p = shortestPath((a)-[*..6]->(b))\nRETURN p\nLIMIT 10"],
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
  const SAVED_KEY = "govgraph.console.saved";

  const textarea = document.getElementById("cypher");
  const gutter = document.getElementById("gutter");
  const paramsBox = document.getElementById("params");
  const errorArea = document.getElementById("query-error");
  const tablePane = document.getElementById("pane-table");
  const graphPane = document.getElementById("pane-graph");
  const networkBox = document.getElementById("result-network");
  const panel = document.getElementById("result-panel");
  const meta = document.getElementById("result-meta");
  const tokenBox = document.getElementById("console-token");
  const TOKEN_KEY = "govgraph.console.token";

  /* The admin token, when this server asks for one: remembered for this tab only. */
  if (tokenBox) {
    tokenBox.value = sessionStorage.getItem(TOKEN_KEY) || "";
    tokenBox.addEventListener("input", () => sessionStorage.setItem(TOKEN_KEY, tokenBox.value.trim()));
  }
  function tokenHeaders() {
    const token = tokenBox ? tokenBox.value.trim() : "";
    return token ? { Authorization: "Bearer " + token } : {};
  }
  let network = null;
  let graphData = null;
  let lastResult = null;

  const editor = new window.CypherEditor(textarea, {
    onRun: () => run(),
    onChange: () => updateGutter(),
    onScroll: (top) => { gutter.scrollTop = top; },
  });

  function updateGutter() {
    const lines = textarea.value.split("\n").length;
    gutter.textContent = Array.from({ length: lines }, (_, i) => i + 1).join("\n");
    gutter.scrollTop = textarea.scrollTop;
  }

  // ---- examples, scenarios and names for completion -----------------------------------------

  async function fillExamples() {
    const select = document.getElementById("examples");
    EXAMPLES.forEach(([title], i) => select.appendChild(el("option", { value: String(i) }, title)));
    select.addEventListener("change", () => {
      if (select.value === "") return;
      editor.value = EXAMPLES[Number(select.value)][1];
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

  /* Labels, relationship types and property keys from the store's own procedures. */
  async function loadNames() {
    const names = [];
    for (const proc of ["db.labels()", "db.relationshipTypes()", "db.propertyKeys()"]) {
      try { (await postJSON("/api/query", { cypher: "CALL " + proc }, tokenHeaders())).rows.forEach((r) => names.push(String(r[0]))); } catch (e) { /* offline */ }
    }
    editor.setNames(names);
  }

  function currentParams() {
    try { return JSON.parse(paramsBox.value || "{}"); } catch (e) { return {}; }
  }

  function writeParams(params) { paramsBox.value = JSON.stringify(params, null, 0); }

  function setScenario(id) {
    if (!id) return;
    writeParams(Object.assign(currentParams(), { scenario: id }));
  }

  // ---- :param and :params, as in Neo4j Browser ------------------------------------------------

  /* Read a value written after "=>": JSON, or a single-quoted string as Cypher writes it. */
  function paramValue(text) {
    const t = text.trim();
    try { return JSON.parse(t); } catch (e) { /* not JSON */ }
    const quoted = /^'((?:[^'\\]|\\.)*)'$/.exec(t);
    if (quoted) return quoted[1].replace(/\\'/g, "'");
    try { return JSON.parse(t.replace(/'((?:[^'\\]|\\.)*)'/g, (m, s) => JSON.stringify(s)).replace(/([{,]\s*)([A-Za-z_]\w*)\s*:/g, '$1"$2":')); } catch (e) { /* not a literal */ }
    throw new Error("the value is not JSON or a Cypher literal");
  }

  function command(text) {
    const line = text.trim();
    let m = /^:params?\s*$/i.exec(line);
    if (m) return notice("Parameters: " + JSON.stringify(currentParams()));
    if (/^:params\s+clear$/i.test(line)) { writeParams({}); return notice("Parameters cleared."); }
    m = /^:params\s+(\{[\s\S]*\})$/i.exec(line);
    if (m) { writeParams(paramValue(m[1])); return notice("Parameters set: " + paramsBox.value); }
    m = /^:param\s+`?([A-Za-z_][\w ]*?)`?\s*(?:=>|:)\s*([\s\S]+)$/i.exec(line);
    if (m) {
      const params = currentParams();
      params[m[1]] = paramValue(m[2]);
      writeParams(params);
      return notice("$" + m[1] + " = " + JSON.stringify(params[m[1]]));
    }
    throw new Error("unknown command " + line.split(/\s/)[0]);
  }

  function notice(text) {
    errorArea.replaceChildren(el("div", { class: "notice", id: "command-result" }, text));
  }

  // ---- running ------------------------------------------------------------------------------

  async function run() {
    const text = editor.value;
    errorArea.replaceChildren();
    if (text.trim().startsWith(":")) {
      editor.remember(text);
      try { return command(text); } catch (e) {
        return showError({ code: "bad-command", message: e.message, hint: "Write :param name => value (JSON or 'text'), :params, :params {...} or :params clear." });
      }
    }
    let params;
    try {
      params = JSON.parse(paramsBox.value.trim() || "{}");
      if (typeof params !== "object" || params === null || Array.isArray(params)) throw new Error("parameters must be a JSON object");
    } catch (e) {
      return showError({ code: "bad-parameters", message: e.message, hint: 'Write them as JSON, e.g. {"scenario": "nplv-2022"}, or use :param name => value.' });
    }
    editor.remember(text);
    lastResult = null;
    meta.textContent = "Running…";
    const started = performance.now();
    try {
      lastResult = await postJSON("/api/query", { cypher: text, params }, tokenHeaders());
    } catch (err) {
      return showError(err);
    }
    renderMeta(lastResult, performance.now() - started);
    renderTable(lastResult);
    setExports(true);
    if (!graphPane.hidden) renderGraph(lastResult);
    else graphData = null;
  }

  /* An error replaces the previous result (rows, graph and counts), so no stale rows remain
     under it; a syntax error shows the line with a caret and moves the cursor there. */
  function showError(err) {
    lastResult = null;
    meta.textContent = "";
    setExports(false);
    tablePane.dataset.rows = "";
    tablePane.replaceChildren(el("p", { class: "muted", id: "no-result" }, "No result: the query failed."));
    clearGraph();
    const shown = { code: err.code, message: err.message, hint: err.position ? "" : err.hint, problems: err.problems };
    const box = errorBox(shown);
    if (err.position) box.appendChild(caretBlock(err.position));
    errorArea.replaceChildren(box);
    if (err.position) placeCursor(err.position.offset);
  }

  function caretBlock(pos) {
    const line = textarea.value.split("\n")[pos.line - 1] || "";
    return el("div", { class: "caret-block" },
      el("div", { class: "hint" }, "Line " + pos.line + ", column " + pos.column + ":"),
      el("pre", { class: "error-caret", dataset: { line: pos.line, column: pos.column } },
        el("span", { class: "caret-line" }, line), "\n",
        el("span", { class: "caret-mark" }, " ".repeat(Math.max(0, pos.column - 1)) + "^")));
  }

  function placeCursor(offset) {
    textarea.focus();
    textarea.setSelectionRange(offset, Math.min(textarea.value.length, offset + 1));
  }

  function renderMeta(result, ms) {
    meta.textContent = result.rows.length + " row(s) · " + Math.round(result.elapsed_ms ?? ms) + " ms · " + (result.store || "store");
    if (result.truncated) errorArea.replaceChildren(el("div", { class: "notice", id: "truncated" }, "The result was truncated to " + result.rows.length + " rows; add LIMIT or narrow the query."));
  }

  function renderTable(result) {
    tablePane.dataset.rows = String(result.rows.length);
    if (!result.rows.length) return tablePane.replaceChildren(el("p", { class: "muted", id: "no-rows" }, "No rows."));
    tablePane.replaceChildren(el("table", { class: "data results", id: "results" },
      el("thead", {}, el("tr", {}, el("th", { class: "num" }, "#"), result.columns.map((c) => el("th", {}, c)))),
      el("tbody", {}, result.rows.map((row, i) => el("tr", {}, el("td", { class: "num muted" }, String(i + 1)), row.map((v) => el("td", {}, R.cell(v))))))));
  }

  // ---- the result graph and its side panel ----------------------------------------------------

  function clearGraph() {
    graphData = null;
    if (network) network.setData({ nodes: [], edges: [] });
    networkBox.dataset.nodeCount = "0";
    networkBox.dataset.edgeCount = "0";
    showPanelHint();
  }

  function renderGraph(result) {
    const { nodes, rels } = R.collect(result);
    graphData = { nodes, rels };
    const visNodes = [...nodes.entries()].map(([key, n]) => {
      const v = visNode({ id: key, kind: R.kindOf(n), name: R.caption(n), confidence: n.confidence });
      delete v.x; delete v.y;
      v.title = undefined;
      return v;
    });
    const visEdges = [...rels.entries()].map(([key, r]) => Object.assign(visEdge({ id: key, from: R.endKey(r, r._from), to: R.endKey(r, r._to),
      mode: R.modeOf(r._type), confidence: r.confidence, formal: r.formal }), { label: r.scenario === undefined ? r._type : undefined, title: undefined }));
    networkBox.dataset.nodeCount = String(visNodes.length);
    networkBox.dataset.edgeCount = String(visEdges.length);
    const data = { nodes: new vis.DataSet(visNodes), edges: new vis.DataSet(visEdges) };
    const kinds = [...nodes.values()].map(R.kindOf);
    // Longer springs than vis-network's default keep the captions of a small result apart.
    const options = Object.assign(networkOptions(kinds), {
      layout: { improvedLayout: visNodes.length < 150 },
      physics: { stabilization: { iterations: 300 }, barnesHut: { springLength: visNodes.length < 80 ? 160 : 95, gravitationalConstant: -4000 } },
      interaction: { hover: true } });
    options.nodes = Object.assign(options.nodes, { font: { size: 12, strokeWidth: 3, strokeColor: "#fff" } });
    options.edges = Object.assign(options.edges, { font: { size: 10, align: "middle" } });
    if (network) { network.setOptions({ groups: options.groups }); network.setData(data); } else {
      network = new vis.Network(networkBox, data, options);
      // vis fits the nodes, not their captions: leave a margin so edge captions stay whole.
      network.on("stabilizationIterationsDone", () => {
        network.fit({ animation: false });
        network.moveTo({ scale: network.getScale() * 0.85 });
      });
      network.on("click", (params) => {
        if (params.nodes.length) showNode(params.nodes[0]);
        else if (params.edges.length) showRel(params.edges[0]);
        else showPanelHint();
      });
    }
    window.govgraph.network = network;
    showPanelHint();
  }

  function showPanelHint() {
    panel.replaceChildren(el("div", { class: "panel-empty" }, el("h3", {}, "Details"),
      el("p", {}, "Click a node or a relationship for its properties, sources and relations.")));
  }

  function row(label, value) {
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return null;
    const shown = value instanceof Node ? value : Array.isArray(value) ? value.join(", ") : typeof value === "object" ? JSON.stringify(value) : String(value);
    return [el("dt", {}, label), el("dd", {}, shown)];
  }

  function kindHead(kind, confidence) {
    return el("div", { class: "panel-kind" }, shapeIcon(kind), " " + String(kind).replace(/_/g, " "),
      confidence && confidence !== "confirmed" ? el("span", { class: "badge tentative" }, confidence) : null);
  }

  /* An actor gets the explorer's panel (from the same API); other nodes their properties. */
  async function showNode(key) {
    const n = graphData && graphData.nodes.get(key);
    if (!n) return showPanelHint();
    const kind = R.kindOf(n);
    if (kind !== "source" && kind !== "scenario" && n.scenario && !n._partial) return showActor(n);
    const props = Object.entries(n).filter(([k]) => !k.startsWith("_"));
    panel.replaceChildren(el("div", { class: "panel-body", dataset: { node: key } }, kindHead(kind, n.confidence),
      el("h2", {}, R.caption(n)), el("code", { class: "actor-id" }, (n._labels || []).join(":")),
      n.url ? el("p", {}, externalLink(n.url, n.url)) : null,
      el("dl", { class: "props" }, props.map(([k, v]) => row(k, v)))));
  }

  async function showActor(n) {
    panel.replaceChildren(el("p", { class: "muted" }, "Loading " + n.id + "…"));
    let data;
    try {
      data = await getJSON("/api/scenarios/" + encodeURIComponent(n.scenario) + "/actors/" + encodeURIComponent(n.id));
    } catch (err) {
      return panel.replaceChildren(errorBox(err));
    }
    const a = data.actor;
    panel.replaceChildren(el("div", { class: "panel-body", dataset: { actor: a.id } },
      kindHead(a.kind, a.confidence),
      el("h2", { class: "actor-name" }, a.name || a.id),
      el("code", { class: "actor-id" }, a.id),
      a.description ? el("p", { class: "description" }, a.description) : null,
      el("dl", { class: "props" },
        row("Scenario", n.scenario), row("Level", a.level), row("Steering layer", a.layer), row("Sector", a.sector),
        row("Accountability load", a.accountability_load), row("Betweenness", a.betweenness === undefined ? null : fmt(a.betweenness)),
        row("Since", a.since), row("Until", a.until), row("Tags", a.tags), row("Note", a.note)),
      el("p", {}, el("a", { href: explorerUrl(n.scenario, { select: a.id }), class: "actor-link" }, "Open in the explorer")),
      el("h4", {}, "Sources"), sourceList(data.sources),
      relationList("Outgoing", data.out, "out"), relationList("Incoming", data.in, "in")));
  }

  function sourceList(sources) {
    if (!sources || !sources.length) return el("p", { class: "muted" }, "No sources cited.");
    return el("ul", { class: "sources" }, sources.map((s) => el("li", {},
      s.url ? externalLink(s.url, s.title || s.id) : el("span", {}, s.title || s.id),
      s.published ? el("span", { class: "muted" }, " · " + s.published) : null)));
  }

  function relationList(title, relations, direction) {
    if (!relations || !relations.length) return null;
    return [el("h4", {}, title + " (" + relations.length + ")"), el("ul", { class: "relations" }, relations.map((r) =>
      el("li", { class: r.confidence && r.confidence !== "confirmed" ? "tentative" : null },
        el("span", { class: "rtype mode-" + (r.mode || "other") }, r.type), " ",
        direction === "out" ? "→ " + r.to : "← " + r.from)))];
  }

  function showRel(key) {
    const r = graphData && graphData.rels.get(key);
    if (!r) return showPanelHint();
    const props = Object.entries(r).filter(([k]) => !k.startsWith("_"));
    panel.replaceChildren(el("div", { class: "panel-body", dataset: { edge: key } },
      el("div", { class: "panel-kind" }, lineIcon(R.modeOf(r._type)), " " + R.modeOf(r._type)),
      el("h2", {}, r._type), el("p", { class: "edge-ends" }, r._from + " → " + r._to),
      el("dl", { class: "props" }, props.map(([k, v]) => row(k, v)))));
  }

  function showTab(name) {
    document.querySelectorAll("[data-tab]").forEach((b) => b.classList.toggle("active", b.dataset.tab === name));
    tablePane.hidden = name !== "table";
    graphPane.hidden = name !== "graph";
    if (name === "graph" && lastResult && !graphData) renderGraph(lastResult);
  }

  // ---- export and saved queries -------------------------------------------------------------

  function setExports(enabled) {
    document.querySelectorAll("[data-export]").forEach((b) => { b.disabled = !enabled; });
  }

  function exportResult(format) {
    if (!lastResult) return;
    const text = format === "csv" ? R.toCSV(lastResult) : R.toJSON(lastResult);
    const type = format === "csv" ? "text/csv;charset=utf-8" : "application/json";
    download(new Blob([text], { type }), "query-result." + format);
  }

  function savedQueries() {
    try {
      const list = JSON.parse(localStorage.getItem(SAVED_KEY) || "[]");
      return Array.isArray(list) ? list.filter((q) => q && typeof q.name === "string" && typeof q.cypher === "string") : [];
    } catch (e) {
      return [];
    }
  }

  function storeSaved(list) {
    try { localStorage.setItem(SAVED_KEY, JSON.stringify(list)); } catch (e) { /* private mode */ }
    fillSaved();
  }

  function fillSaved(selected) {
    const select = document.getElementById("saved");
    select.replaceChildren(el("option", { value: "" }, "saved queries…"),
      ...savedQueries().map((q) => el("option", { value: q.name, selected: q.name === selected }, q.name)));
  }

  function saveQuery() {
    const nameBox = document.getElementById("save-name");
    const name = nameBox.value.trim();
    if (!name) { nameBox.focus(); return notice("Give the query a name to save it."); }
    storeSaved([...savedQueries().filter((q) => q.name !== name), { name, cypher: editor.value }]);
    fillSaved(name);
    notice("Saved as “" + name + "”.");
  }

  function bindSaved() {
    const select = document.getElementById("saved");
    select.addEventListener("change", () => {
      const q = savedQueries().find((x) => x.name === select.value);
      if (q) { editor.value = q.cypher; document.getElementById("save-name").value = q.name; }
    });
    document.getElementById("save").addEventListener("click", saveQuery);
    document.getElementById("delete-saved").addEventListener("click", () => {
      if (select.value) storeSaved(savedQueries().filter((q) => q.name !== select.value));
    });
    fillSaved();
  }

  paramsBox.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { e.preventDefault(); run(); }
  });
  document.getElementById("run").addEventListener("click", run);
  document.querySelectorAll("[data-tab]").forEach((b) => b.addEventListener("click", () => showTab(b.dataset.tab)));
  document.querySelectorAll("[data-export]").forEach((b) => b.addEventListener("click", () => exportResult(b.dataset.export)));
  window.govgraph = { run, editor, get result() { return lastResult; }, network: null, csv: () => lastResult && R.toCSV(lastResult) };
  setExports(false);
  bindSaved();
  updateGutter();
  showPanelHint();
  fillExamples();
  loadNames();
})();
