/* The explorer page: the view state lives in the URL (filters, focus, selection, layout, physics,
   highlight, camera), so reloading or sharing a link reproduces the view. */
(function () {
  "use strict";
  const { el, getJSON, errorBox, externalLink, download, fmt } = window.GG;
  const { shapeIcon, buildLegend } = window.GraphStyle;

  const container = document.getElementById("network");
  const scenario = container.dataset.scenario;
  const apiBase = container.dataset.apiBase;
  const aggregateAbove = Number(container.dataset.aggregateAbove || 5000);
  const totalActors = Number(container.dataset.actors || 0);
  const statusBox = document.getElementById("status");
  const panel = document.getElementById("panel");

  const FILTER_KEYS = ["as_of", "confirmed_only", "kinds", "levels", "modes", "types", "confidence", "sector", "layer_min", "layer_max", "q", "focus", "depth", "aggregate"];
  const UI_KEYS = ["layout", "physics", "select", "edge", "expand", "hl", "view"];
  const LEVELS = ["national", "regional", "municipal", "district", "neighbourhood"];
  const CONFIDENCES = ["confirmed", "inferred", "uncertain"];
  const seen = { kinds: new Set(), modes: new Set(), types: new Set() };

  let state = readUrl();
  let graph = null;
  let scenarioInfo = null;
  const view = new window.ExplorerView(container, {
    onReady: markReady,
    onSelect: (kind, id) => select(kind, id),
    onCamera: (cam) => { state.view = [cam.x, cam.y, cam.scale].map((v) => Number(v).toFixed(v === cam.scale ? 3 : 0)).join(","); writeUrl(); },
  });
  window.govgraph = { view, network: view.network, get state() { return Object.assign({}, state); }, reload: load };

  // ---- URL state -----------------------------------------------------------------------

  function readUrl() {
    const params = new URLSearchParams(window.location.search);
    const s = {};
    for (const key of FILTER_KEYS.concat(UI_KEYS)) if (params.get(key)) s[key] = params.get(key);
    return s;
  }

  function writeUrl() {
    const params = new URLSearchParams();
    for (const key of FILTER_KEYS.concat(UI_KEYS)) if (state[key]) params.set(key, state[key]);
    const query = params.toString();
    history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    updateLinks();
  }

  function filterQuery(extra) {
    const params = new URLSearchParams();
    for (const key of FILTER_KEYS) if (state[key]) params.set(key, state[key]);
    for (const [k, v] of Object.entries(extra || {})) if (v === null) params.delete(k); else params.set(k, v);
    return params.toString();
  }

  function setState(changes, reload) {
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === undefined || v === "" || v === false) delete state[k];
      else state[k] = String(v);
    }
    writeUrl();
    if (reload) load();
  }

  // ---- loading and drawing -------------------------------------------------------------

  function wantsAggregate() {
    if (state.aggregate !== undefined) return state.aggregate === "1";
    return totalActors > aggregateAbove && !state.focus && !state.q;
  }

  async function load() {
    container.dataset.ready = "0";
    showStatus("Loading…");
    const query = filterQuery({ aggregate: wantsAggregate() ? "1" : null });
    performance.mark("govgraph:fetch");
    try {
      graph = await getJSON(container.dataset.graphUrl + (query ? "?" + query : ""));
    } catch (err) {
      showStatus(errorBox(err));
      return;
    }
    performance.mark("govgraph:fetched");
    graph.aggregated = wantsAggregate();
    draw();
    performance.mark("govgraph:built");
  }

  function draw() {
    const camera = state.view ? parseCamera(state.view) : null;
    const layout = state.layout === "force" ? "force" : "layers";
    view.setData(graph, { layout, physics: state.physics === "1", camera: camera || null });
    container.dataset.nodeCount = String(graph.nodes.length);
    container.dataset.edgeCount = String(graph.edges.length);
    container.dataset.aggregated = graph.aggregated ? "1" : "0";
    rememberVocabulary();
    renderCounts();
    buildLegend(document.getElementById("legend"), (graph.legend || {}).kinds, (graph.legend || {}).modes);
    renderFilters();
    fillDatalist();
    syncControls();
    restoreExtras(camera);
  }

  async function restoreExtras(camera) {
    for (const id of (state.expand || "").split(",").filter(Boolean)) await expand(id, true);
    if (state.hl) await applyHighlight(state.hl);
    if (state.select) { view.select("node", state.select); if (!camera) view.focusOn(state.select); showActor(state.select); }
    else if (state.edge) { view.select("edge", state.edge); showEdge(state.edge); }
  }

  /* Ready once the first drawing is on screen: the task after the next frame's paint. */
  function markReady() {
    hideStatus();
    requestAnimationFrame(() => setTimeout(() => {
      performance.mark("govgraph:ready");
      window.govgraphReady = performance.now();
      container.dataset.ready = "1";
    }, 0));
  }

  function parseCamera(text) {
    const [x, y, scale] = text.split(",").map(Number);
    return [x, y, scale].every(Number.isFinite) && scale > 0 ? { x, y, scale } : null;
  }

  function rememberVocabulary() {
    (graph.legend && graph.legend.kinds || []).forEach((k) => seen.kinds.add(k));
    (graph.legend && graph.legend.modes || []).forEach((m) => seen.modes.add(m));
    graph.nodes.forEach((n) => n.kind && seen.kinds.add(n.kind));
    graph.edges.forEach((e) => { if (e.type) seen.types.add(e.type); if (e.mode) seen.modes.add(e.mode); });
  }

  function renderCounts() {
    const total = graph.total || {};
    const what = graph.aggregated ? " groups" : " actors";
    const filtered = total.nodes !== undefined && (graph.aggregated || total.nodes !== graph.nodes.length || total.edges !== graph.edges.length);
    document.getElementById("counts").textContent = graph.nodes.length + what + " · " + graph.edges.length + " relations" +
      (filtered ? " (of " + total.nodes + " actors, " + total.edges + " relations)" : "");
    if (graph.scenario && graph.scenario.title) {
      document.getElementById("scenario-title").textContent = graph.scenario.title;
      document.title = graph.scenario.title + " · explorer · govgraph";
    }
  }

  function showStatus(content) {
    statusBox.hidden = false;
    statusBox.replaceChildren(content instanceof Node ? content : document.createTextNode(content));
  }

  function hideStatus() { statusBox.hidden = true; }

  // ---- filters and toolbar -------------------------------------------------------------

  function checklist(id, key, values) {
    const chosen = new Set((state[key] || "").split(",").filter(Boolean));
    const all = [...new Set([...values, ...chosen])].sort();
    document.getElementById(id).replaceChildren(...all.map((value) =>
      el("label", { class: "check" },
        el("input", { type: "checkbox", value: value, checked: chosen.has(value), dataset: { key } }),
        key === "kinds" ? shapeIcon(value) : null,
        " " + value.replace(/_/g, " "))));
  }

  function renderFilters() {
    checklist("filter-kinds", "kinds", seen.kinds);
    checklist("filter-levels", "levels", LEVELS);
    checklist("filter-modes", "modes", seen.modes);
    checklist("filter-types", "types", seen.types);
    checklist("filter-confidence", "confidence", CONFIDENCES);
  }

  function fillDatalist() {
    const list = document.getElementById("actor-ids");
    if (graph.aggregated) return list.replaceChildren();
    list.replaceChildren(...graph.nodes.slice(0, 2000).map((n) => el("option", { value: n.id }, n.name || n.id)));
  }

  function syncControls() {
    document.getElementById("layout-layers").classList.toggle("active", state.layout !== "force");
    document.getElementById("layout-force").classList.toggle("active", state.layout === "force");
    document.getElementById("physics").checked = state.physics === "1";
    document.getElementById("aggregate").checked = wantsAggregate();
    document.getElementById("confirmed-only").checked = state.confirmed_only === "1";
    document.getElementById("as-of").value = /^\d{4}-\d{2}-\d{2}$/.test(state.as_of || "") ? state.as_of : "";
    document.getElementById("search").value = state.q || "";
    document.getElementById("layer-min").value = state.layer_min || "";
    document.getElementById("layer-max").value = state.layer_max || "";
    document.getElementById("sector").value = state.sector || "";
    document.getElementById("focus").value = state.focus || "";
    document.getElementById("depth").value = state.depth || "1";
  }

  function updateLinks() {
    const query = filterQuery({ aggregate: null });
    document.querySelectorAll("[data-export-format]").forEach((a) => {
      a.href = apiBase + "/export?" + new URLSearchParams(Object.assign(Object.fromEntries(new URLSearchParams(query)), { format: a.dataset.exportFormat })).toString();
      a.setAttribute("download", "");
    });
    const twin = document.getElementById("json-twin");
    if (twin) twin.href = container.dataset.graphUrl + (filterQuery() ? "?" + filterQuery() : "");
    const dash = document.getElementById("dashboard-link");
    const dashQuery = new URLSearchParams();
    ["as_of", "confirmed_only"].forEach((k) => state[k] && dashQuery.set(k, state[k]));
    if (dash) dash.href = "/scenarios/" + encodeURIComponent(scenario) + "/analysis" + (dashQuery.toString() ? "?" + dashQuery : "");
  }

  function bindControls() {
    const on = (id, event, fn) => document.getElementById(id).addEventListener(event, fn);
    document.querySelectorAll("[data-layout]").forEach((b) => b.addEventListener("click", () => {
      setState({ layout: b.dataset.layout === "force" ? "force" : null, view: null }, false);
      draw();
    }));
    on("physics", "change", (e) => { setState({ physics: e.target.checked ? "1" : null }); view.setPhysics(e.target.checked); });
    on("aggregate", "change", (e) => setState({ aggregate: e.target.checked ? "1" : "0", select: null, edge: null, expand: null, hl: null, view: null }, true));
    on("confirmed-only", "change", (e) => setState({ confirmed_only: e.target.checked ? "1" : null }, true));
    on("as-of", "change", (e) => setState({ as_of: e.target.value || null }, true));
    on("search-form", "submit", (e) => { e.preventDefault(); setState({ q: document.getElementById("search").value.trim(), view: null }, true); });
    on("search", "search", (e) => { if (!e.target.value && state.q) setState({ q: null, view: null }, true); });
    on("filter-form", "change", onFilterChange);
    on("reset-filters", "click", () => {
      ["kinds", "levels", "modes", "types", "confidence", "sector", "layer_min", "layer_max", "q", "focus", "depth", "expand", "hl", "view"].forEach((k) => delete state[k]);
      setState({}, true);
    });
    on("fit-button", "click", () => { view.fit(); setState({ view: null }); });
    on("copy-link", "click", copyLink);
    on("voice-button", "click", () => toggleHighlight("voice"));
    on("path-button", "click", findPath);
    on("clear-highlight", "click", () => { setState({ hl: null }); view.clearHighlight(); document.getElementById("path-result").textContent = ""; });
    document.querySelectorAll("[data-export]").forEach((b) => b.addEventListener("click", () => exportView(b.dataset.export)));
  }

  function onFilterChange(event) {
    const target = event.target;
    if (target.dataset.key) {
      const key = target.dataset.key;
      const values = [...document.querySelectorAll('input[data-key="' + key + '"]:checked')].map((i) => i.value);
      return setState({ [key]: values.join(","), view: null }, true);
    }
    const fields = { "layer-min": "layer_min", "layer-max": "layer_max", sector: "sector", focus: "focus", depth: "depth" };
    if (fields[target.id]) setState({ [fields[target.id]]: target.value.trim(), view: null }, true);
  }

  async function copyLink() {
    const button = document.getElementById("copy-link");
    try {
      await navigator.clipboard.writeText(window.location.href);
      button.textContent = "Link copied";
    } catch (e) {
      window.prompt("Copy this link", window.location.href);
    }
    setTimeout(() => { button.textContent = "Copy link"; }, 1500);
  }

  // ---- selection and the side panel ----------------------------------------------------

  function select(kind, id) {
    if (kind === "node") {
      const raw = view.raw.nodes.get(id);
      if (raw && raw.count) return showGroup(raw);
      setState({ select: id, edge: null });
      return showActor(id);
    }
    if (kind === "edge") { setState({ edge: id, select: null }); return showEdge(id); }
    setState({ select: null, edge: null });
    showEmpty();
  }

  function showEmpty() {
    panel.replaceChildren(el("div", { class: "panel-empty" }, el("h3", {}, "Details"),
      el("p", { class: "muted" }, "Click an actor or a relation to see its properties, sources, relations, layer and metrics.")));
  }

  function nameOf(id) {
    const n = view.raw.nodes.get(id);
    return n ? n.name || n.label || id : id;
  }

  function actorButton(id) {
    return el("button", { type: "button", class: "linklike", dataset: { actor: id }, onclick: () => { view.select("node", id); view.focusOn(id); select("node", id); } }, nameOf(id));
  }

  function row(label, value) {
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return null;
    const shown = value instanceof Node ? value : Array.isArray(value) ? value.join(", ") : String(value);
    return [el("dt", {}, label), el("dd", {}, shown)];
  }

  function sourceList(sources) {
    if (!sources || !sources.length) return el("p", { class: "muted" }, "No sources cited.");
    return el("ul", { class: "sources" }, sources.map((s) => el("li", {},
      s.url ? externalLink(s.url, s.title || s.id) : el("span", {}, s.title || s.id),
      s.published ? el("span", { class: "muted" }, " · " + s.published) : null)));
  }

  function relationList(title, relations, direction) {
    if (!relations || !relations.length) return null;
    return [el("h4", {}, title + " (" + relations.length + ")"), el("ul", { class: "relations" }, relations.map((r) => {
      const other = direction === "out" ? r.to : r.from;
      return el("li", { class: r.confidence && r.confidence !== "confirmed" ? "tentative" : null },
        el("span", { class: "rtype mode-" + (r.mode || "other") }, r.type), " ",
        direction === "out" ? "→ " : "← ", actorButton(other),
        r.confidence && r.confidence !== "confirmed" ? el("span", { class: "badge tentative" }, r.confidence) : null);
    }))];
  }

  async function showActor(id) {
    panel.replaceChildren(el("p", { class: "muted" }, "Loading " + id + "…"));
    let data;
    try {
      data = await getJSON(apiBase + "/actors/" + encodeURIComponent(id));
    } catch (err) {
      return panel.replaceChildren(errorBox(err));
    }
    if (state.select !== id) return;
    const a = data.actor;
    panel.replaceChildren(el("div", { class: "panel-body", dataset: { actor: a.id } },
      el("div", { class: "panel-kind" }, shapeIcon(a.kind), " " + String(a.kind).replace(/_/g, " "),
        a.confidence && a.confidence !== "confirmed" ? el("span", { class: "badge tentative" }, a.confidence) : null),
      el("h2", { class: "actor-name" }, a.name || a.id),
      el("code", { class: "actor-id" }, a.id),
      a.description ? el("p", { class: "description" }, a.description) : null,
      el("dl", { class: "props" },
        row("Layer", a.layer), row("Isolated", a.isolated ? "yes (no control relation)" : null), row("Level", a.level), row("Sector", a.sector),
        row("Accountability load", a.accountability_load), row("Betweenness", a.betweenness === undefined ? null : fmt(a.betweenness)),
        row("Since", a.since), row("Until", a.until), row("Tags", a.tags), row("Note", a.note)),
      actorActions(a.id),
      el("h4", {}, "Sources"), sourceList(data.sources),
      relationList("Outgoing", data.out, "out"), relationList("Incoming", data.in, "in"),
      chainList(data.chains)));
  }

  function actorActions(id) {
    const expanded = view.expansions.has(id);
    return el("div", { class: "actions" },
      el("button", { type: "button", onclick: () => setState({ focus: id, depth: state.depth || "1", view: null }, true) }, "Focus neighbourhood"),
      el("button", { type: "button", id: "expand-button", onclick: () => (expanded ? collapse(id) : expand(id)) }, expanded ? "Collapse" : "Expand"),
      el("button", { type: "button", id: "chain-button", onclick: () => toggleHighlight("chain:" + id) }, "Steering chain"),
      el("button", { type: "button", onclick: () => { document.getElementById("path-from").value = id; } }, "Path from here"),
      el("button", { type: "button", onclick: () => { document.getElementById("path-to").value = id; } }, "Path to here"));
  }

  function chainList(chains) {
    if (!chains || !chains.length) return null;
    return [el("h4", {}, "Steering chains to this actor"), el("ol", { class: "chains" }, chains.slice(0, 10).map((c) =>
      el("li", {}, c.map((id, i) => [i ? " → " : "", actorButton(id)]))))];
  }

  async function sourcesById() {
    if (!scenarioInfo) {
      try { scenarioInfo = await getJSON(apiBase); } catch (e) { scenarioInfo = { sources: [] }; }
    }
    return new Map((scenarioInfo.sources || []).map((s) => [s.id, s]));
  }

  async function showEdge(id) {
    const e = view.raw.edges.get(id);
    if (!e) return showEmpty();
    if (e.count) return panel.replaceChildren(el("div", { class: "panel-body" }, el("h2", {}, e.count + " relations"),
      el("p", {}, nameOf(e.from) + " → " + nameOf(e.to))));
    const known = await sourcesById();
    const sources = (e.sources || []).map((sid) => known.get(sid) || { id: sid, title: sid });
    panel.replaceChildren(el("div", { class: "panel-body", dataset: { edge: e.id } },
      el("div", { class: "panel-kind" }, window.GraphStyle.lineIcon(e.mode), " " + (e.mode || "relation"),
        e.confidence && e.confidence !== "confirmed" ? el("span", { class: "badge tentative" }, e.confidence) : null),
      el("h2", {}, e.type),
      el("p", { class: "edge-ends" }, actorButton(e.from), " → ", actorButton(e.to)),
      el("code", { class: "actor-id" }, e.id),
      el("dl", { class: "props" },
        row("Control", e.control), row("Voice", e.voice), row("Accountability", e.accountability ? "yes" : "no"),
        row("Formal", e.formal ? "yes (carries a right)" : "no"), row("Weight", e.weight), row("Amount (EUR)", e.amount_eur),
        row("Confidence", e.confidence), row("Since", e.since), row("Until", e.until), row("Note", e.note)),
      el("h4", {}, "Sources"), sourceList(sources)));
  }

  function showGroup(g) {
    panel.replaceChildren(el("div", { class: "panel-body group" },
      el("div", { class: "panel-kind" }, shapeIcon(g.kind), " " + String(g.kind).replace(/_/g, " ")),
      el("h2", {}, g.count + " actors"), row("Layer", g.layer) && el("p", {}, g.isolated ? "isolated" : "layer " + g.layer),
      el("div", { class: "actions" }, el("button", { type: "button", id: "drill-down", onclick: () => drillDown(g) }, "Show these actors")),
      el("h4", {}, "Members"), el("ul", { class: "members" }, (g.members || []).map((m) => el("li", {},
        el("a", { href: "?" + new URLSearchParams({ aggregate: "0", focus: m }) }, m)))),
      g.members && g.count > g.members.length ? el("p", { class: "muted" }, "and " + (g.count - g.members.length) + " more") : null));
  }

  function drillDown(g) {
    const changes = { aggregate: "0", kinds: g.kind, view: null };
    if (g.layer !== undefined && g.layer !== null && !g.isolated) Object.assign(changes, { layer_min: g.layer, layer_max: g.layer });
    setState(changes, true);
  }

  // ---- expand, highlight, path ---------------------------------------------------------

  async function expand(id, restoring) {
    const query = new URLSearchParams({ focus: id, depth: "1" });
    ["as_of", "confirmed_only"].forEach((k) => state[k] && query.set(k, state[k]));
    try {
      const data = await getJSON(container.dataset.graphUrl + "?" + query);
      view.expand(id, data);
    } catch (err) {
      return showStatus(errorBox(err));
    }
    if (!restoring) setState({ expand: addTo(state.expand, id) });
    container.dataset.nodeCount = String(view.nodes.length);
    if (state.select === id) showActor(id);
  }

  function collapse(id) {
    view.collapse(id);
    setState({ expand: (state.expand || "").split(",").filter((x) => x && x !== id).join(",") });
    container.dataset.nodeCount = String(view.nodes.length);
    if (state.select === id) showActor(id);
  }

  function addTo(list, id) {
    const items = (list || "").split(",").filter(Boolean);
    if (!items.includes(id)) items.push(id);
    return items.join(",");
  }

  function toggleHighlight(what) {
    if (state.hl === what) { setState({ hl: null }); return view.clearHighlight(); }
    setState({ hl: what });
    applyHighlight(what);
  }

  async function applyHighlight(what) {
    const result = document.getElementById("path-result");
    try {
      // voice (residents), voice:<kind>, decisive:<kind> (formal voice relations only)
      const voice = /^(voice|decisive)(?::([a-z0-9_]+))?$/.exec(what);
      if (voice) {
        const query = new URLSearchParams({ kind: voice[2] || "resident_group" });
        if (voice[1] === "decisive") query.set("formal_only", "1");
        return highlightVoice(await getJSON(apiBase + "/voice-paths?" + query + asOfQuery()), result, voice[1] === "decisive");
      }
      if (what.startsWith("chain:")) return highlightChains(await getJSON(apiBase + "/chain/" + encodeURIComponent(what.slice(6)) + "?" + asOfQuery().slice(1)), result);
      if (what.startsWith("path:")) {
        const [from, to, directed] = what.slice(5).split(",");
        return highlightPath(await getJSON(apiBase + "/path?" + new URLSearchParams({ from, to, directed: directed === "d" ? "1" : "0" }) + asOfQuery()), result);
      }
    } catch (err) {
      result.replaceChildren(errorBox(err));
    }
  }

  function asOfQuery() {
    const q = new URLSearchParams();
    ["as_of", "confirmed_only"].forEach((k) => state[k] && q.set(k, state[k]));
    return q.toString() ? "&" + q : "";
  }

  function highlightChains(data, result) {
    const chains = data.chains || [];
    const nodes = new Set(chains.flat());
    view.highlight(nodes, chains.flatMap((c) => view.edgesAlong(c)));
    result.textContent = chains.length ? chains.length + " steering chain(s) of length " + data.length + " to " + nameOf(data.actor) : "No steering chain reaches " + nameOf(data.actor) + ".";
  }

  function highlightVoice(data, result, formal) {
    const paths = Object.values(data.paths || {});
    const nodes = new Set(paths.flat());
    view.highlight(nodes, paths.flatMap((p) => view.edgesAlong(p)));
    const share = data.share === null || data.share === undefined ? "—" : Math.round(data.share * 100) + "%";
    const who = data.kind && data.kind !== "resident_group" ? data.kind.replace(/_/g, " ") + "s'" : "Residents'";
    result.textContent = who + (formal ? " formal (decisive) voice" : " voice") + " reaches " + paths.length + " of " + (data.deciders ?? "?") + " deciders (" + share + ").";
  }

  function highlightPath(data, result) {
    if (!data.path) { view.clearHighlight(); result.textContent = "No path between " + nameOf(data.from) + " and " + nameOf(data.to) + "."; return; }
    view.highlight(new Set(data.path), data.edges && data.edges.length ? data.edges : view.edgesAlong(data.path));
    result.textContent = "Path of " + (data.path.length - 1) + " step(s): " + data.path.map(nameOf).join(" → ");
  }

  function findPath() {
    const from = document.getElementById("path-from").value.trim();
    const to = document.getElementById("path-to").value.trim();
    if (!from || !to) { document.getElementById("path-result").textContent = "Choose two actors."; return; }
    const what = "path:" + from + "," + to + (document.getElementById("path-directed").checked ? ",d" : "");
    setState({ hl: what });
    applyHighlight(what);
  }

  // ---- exports -------------------------------------------------------------------------

  function fileBase() {
    return (scenario + (state.q ? "-search" : "") + (state.focus ? "-" + state.focus : "")).replace(/[^a-z0-9._-]+/gi, "_");
  }

  async function exportView(kind) {
    document.getElementById("export-menu").open = false;
    if (kind === "png") {
      const canvas = container.querySelector("canvas");
      return canvas.toBlob((blob) => download(blob, fileBase() + ".png"), "image/png");
    }
    if (kind === "html") return download(new Blob([await window.OfflineExport.build(view.snapshot(), graph.scenario || { id: scenario })], { type: "text/html" }), fileBase() + ".html");
  }

  bindControls();
  writeUrl();
  load();
})();
