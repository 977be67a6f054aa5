/* The explorer page: the view state lives in the URL (filters, focus, selection, layout, physics,
   highlight, camera), so reloading or sharing a link reproduces the view. */
(function () {
  "use strict";
  const { el, getJSON, errorBox, externalLink, download, downloadWithProgress, fmt } = window.GG;
  const { shapeIcon, buildLegend } = window.GraphStyle;
  const { Suggest, rankActors, resolveActor } = window.ExplorerTools;
  const { isoDate } = window.GG;

  const container = document.getElementById("network");
  const scenario = container.dataset.scenario;
  const apiBase = container.dataset.apiBase;
  const aggregateAbove = Number(container.dataset.aggregateAbove || 5000);
  const totalActors = Number(container.dataset.actors || 0);
  const statusBox = document.getElementById("status");
  const panel = document.getElementById("panel");

  const FILTER_KEYS = ["as_of", "frame", "confirmed_only", "kinds", "levels", "modes", "types", "confidence", "sector", "layer_min", "layer_max", "q", "focus", "depth", "aggregate"];
  const UI_KEYS = ["layout", "physics", "select", "edge", "expand", "hl", "ref", "size", "colour", "view", "open"];
  const METRIC_NAMES = { layer: "layer", accountability_load: "accountability load", betweenness: "betweenness", voice_reach: "voice reach" };
  // The filters that change the scenario itself: every JSON endpoint the page calls gets them.
  const BASE_KEYS = ["as_of", "confirmed_only"];
  const LEVELS = ["national", "regional", "municipal", "district", "neighbourhood"];
  const CONFIDENCES = ["confirmed", "inferred", "uncertain"];
  const seen = { kinds: new Set(), modes: new Set(), types: new Set() };

  // The offline explorer (one file opened from disk) holds one date and set of filters.
  const OFFLINE = window.GGOffline || null;
  let state = OFFLINE ? OFFLINE.initialState(readUrl()) : readUrl();
  let graph = null;
  let shown = null;
  let scenarioInfo = null;
  const view = new window.ExplorerView(container, {
    onReady: markReady,
    onSelect: (kind, id) => select(kind, id),
    onExpand: (id) => expandWithFeedback(id),
    onCollapseGroup: (id) => toggleGroup(id),
    onCamera: (cam) => { state.view = [cam.x, cam.y, cam.scale].map((v) => Number(v).toFixed(v === cam.scale ? 3 : 0)).join(","); writeUrl(); },
  });
  window.govgraph = { view, network: view.network, get state() { return Object.assign({}, state); }, reload: load, setState: (changes, reload) => setState(changes, reload) };

  // ---- URL state -----------------------------------------------------------------------

  function readUrl() {
    const params = new URLSearchParams(window.location.search);
    const s = {};
    for (const key of FILTER_KEYS.concat(UI_KEYS)) if (params.get(key)) s[key] = params.get(key);
    return OFFLINE ? Object.assign(s, OFFLINE.fixed) : s;
  }

  /* Put the state in the URL. A view change (filters, selection, layout, highlight) is a new
     history entry, so Back and Forward step through views; camera moves only replace it. */
  function writeUrl(push) {
    const params = new URLSearchParams();
    for (const key of FILTER_KEYS.concat(UI_KEYS)) if (state[key]) params.set(key, state[key]);
    const query = params.toString();
    const url = window.location.pathname + (query ? "?" + query : "");
    try {
      if (push && url !== window.location.pathname + window.location.search) history.pushState(null, "", url);
      else history.replaceState(null, "", url);
    } catch (e) { /* a file opened from disk may keep its address: the view still changes */ }
    updateLinks();
  }

  /* The as-of date and confirmed-only switch as a query string: one place, so the panel,
     chain, path finder, voice paths, expansion and dashboard link can never drift apart. */
  function baseQuery(extra) {
    const q = new URLSearchParams();
    BASE_KEYS.forEach((k) => state[k] && q.set(k, state[k]));
    for (const [k, v] of Object.entries(extra || {})) if (v !== null && v !== undefined && v !== "") q.set(k, v);
    return q.toString();
  }

  function withBase(url, extra) {
    const q = baseQuery(extra);
    return url + (q ? (url.includes("?") ? "&" : "?") + q : "");
  }

  window.addEventListener("popstate", () => {
    const before = state;
    state = readUrl();
    const same = (keys) => keys.every((k) => (before[k] || "") === (state[k] || ""));
    updateLinks();
    if (!same(FILTER_KEYS) || !same(["layout", "expand"])) return load();
    syncControls();
    if (!same(["hl"])) { view.clearHighlight(); document.getElementById("path-result").textContent = ""; if (state.hl) applyHighlight(state.hl); }
    if (state.select) { view.select("node", state.select); view.focusOn(state.select); showActor(state.select); }
    else if (state.edge) { view.select("edge", state.edge); showEdge(state.edge); }
    else { view.network.unselectAll(); showEmpty(); }
  });

  function filterQuery(extra) {
    const params = new URLSearchParams();
    for (const key of FILTER_KEYS) if (state[key]) params.set(key, state[key]);
    for (const [k, v] of Object.entries(extra || {})) if (v === null) params.delete(k); else params.set(k, v);
    return params.toString();
  }

  function setState(changes, reload) {
    const keys = Object.keys(changes);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === undefined || v === "" || v === false) delete state[k];
      else state[k] = String(v);
    }
    writeUrl(keys.some((k) => k !== "view" && k !== "physics"));
    if (reload) load();
  }

  // ---- loading and drawing -------------------------------------------------------------

  /* Whether the server sends groups instead of actors: only above aggregateAbove actors, too
     many to send one by one. Below that the overview is built here from the full answer. */
  function wantsAggregate() {
    if (totalActors <= aggregateAbove) return false;
    if (state.aggregate !== undefined) return state.aggregate === "1";
    return !state.focus && !state.q;
  }

  // Without an explicit choice, a scenario opens as the overview when its full view, fitted,
  // labels fewer than this share of its actors. Measured at 1440x900 and 1024x768 (legend
  // open): nplv-2022 22-28%, wijkaanpak-manifest 41-42%, nprz and a 16-actor file 100%.
  const OVERVIEW_BELOW = 0.5;

  function wantsOverview() {
    return !graph.aggregated && state.aggregate === "1";
  }

  function openGroups() {
    return new Set((state.open || "").split(",").filter(Boolean));
  }

  /* What is drawn: the answer itself, or its overview with the opened groups shown. */
  function shownGraph() {
    if (!wantsOverview()) return graph;
    return Object.assign({}, graph, window.ExplorerMap.overview(graph, openGroups()), { overview: true });
  }

  /* Open a group of the overview in place, or close it again. */
  function toggleGroup(id) {
    const open = openGroups();
    if (open.has(id)) open.delete(id); else open.add(id);
    setState({ open: [...open].join(","), select: null, edge: null, view: null });
    draw();
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
    const options = { layout, physics: state.physics === "1", camera: camera || null };
    // The legend first: it takes its height from the canvas, which the layout is fitted to.
    buildLegend(document.getElementById("legend"), (graph.legend || {}).kinds, (graph.legend || {}).modes);
    shown = shownGraph();
    view.setData(shown, options);
    if (state.aggregate === undefined && !graph.aggregated && !camera && layout === "layers" && !state.focus && !state.q &&
        view.labelCoverage() < OVERVIEW_BELOW) {
      setState({ aggregate: "1" });
      shown = shownGraph();
      view.setData(shown, options);
    }
    container.dataset.nodeCount = String(shown.nodes.length);
    container.dataset.edgeCount = String(shown.edges.length);
    container.dataset.aggregated = graph.aggregated || shown.overview ? "1" : "0";
    rememberVocabulary();
    renderCounts();
    renderFilters();
    fillDatalist();
    syncControls();
    restoreExtras(camera);
  }

  async function restoreExtras(camera) {
    for (const id of (state.expand || "").split(",").filter(Boolean)) await expand(id, true);
    await applyMetrics();
    if (state.hl) await applyHighlight(state.hl);
    // A focused view fits the whole neighbourhood; otherwise a selection is centred.
    if (state.focus && !camera) view.fit();
    if (state.select) { view.select("node", state.select); if (!camera && !state.focus) view.focusOn(state.select); showActor(state.select); }
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
    const grouped = graph.aggregated || shown.overview;
    const what = grouped ? " groups" : " actors";
    const filtered = total.nodes !== undefined && (grouped || total.nodes !== graph.nodes.length || total.edges !== graph.edges.length);
    const counts = document.getElementById("counts");
    counts.textContent = shown.nodes.length + what + " · " + shown.edges.length + (grouped ? " links" : " relations") +
      (filtered ? " (of " + total.nodes + " actors, " + total.edges + " relations)" : "");
    // A narrow toolbar cuts the counts short: the tooltip has them in full.
    counts.title = counts.textContent;
    if (graph.scenario && graph.scenario.title) {
      document.getElementById("scenario-title").textContent = graph.scenario.title;
      document.getElementById("scenario-title").title = graph.scenario.title;
      document.title = graph.scenario.title + " · explorer · govgraph";
    }
  }

  function showStatus(content) {
    statusBox.hidden = false;
    statusBox.replaceChildren(content instanceof Node ? content : document.createTextNode(content));
  }

  function hideStatus() { statusBox.hidden = true; }

  // ---- filters and toolbar -------------------------------------------------------------

  /* One filter's values with their counts in the view; a value the view leaves out stays
     listed, greyed with 0, so the filter can be widened again. */
  function checklist(id, key, values, facet) {
    const chosen = new Set((state[key] || "").split(",").filter(Boolean));
    const counts = new Map((facet || []).map((f) => [f.value, f]));
    const all = facet ? [...facet.map((f) => f.value), ...[...chosen].filter((v) => !counts.has(v))] : [...new Set([...values, ...chosen])].sort();
    document.getElementById(id).replaceChildren(...all.map((value) => {
      const f = counts.get(value);
      return el("label", { class: "check" + (f && !f.count ? " zero" : ""), title: f ? f.count + " in this view, " + f.total + " in the scenario" : null },
        el("input", { type: "checkbox", value: value, checked: chosen.has(value), dataset: { key } }),
        key === "kinds" ? shapeIcon(value) : null,
        " " + value.replace(/_/g, " "),
        f ? el("span", { class: "count" }, String(f.count)) : null);
    }));
  }

  function renderFilters() {
    const facets = graph.facets || {};
    checklist("filter-kinds", "kinds", seen.kinds, facets.kinds);
    checklist("filter-levels", "levels", LEVELS, facets.levels);
    checklist("filter-modes", "modes", seen.modes, facets.modes);
    checklist("filter-types", "types", seen.types, facets.types);
    checklist("filter-confidence", "confidence", CONFIDENCES, facets.confidence);
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
    document.getElementById("aggregate").checked = graph ? !!(graph.aggregated || wantsOverview()) : wantsAggregate();
    document.getElementById("confirmed-only").checked = state.confirmed_only === "1";
    markViewMenu();
    document.getElementById("as-of").value = state.as_of || "";
    // Left empty, the field says which day the view shows: the scenario's own date, or all time.
    document.getElementById("as-of").placeholder = graph && graph.as_of ? graph.as_of : "all time";
    document.getElementById("size-by").value = METRIC_NAMES[state.size] ? state.size : "";
    document.getElementById("colour-by").value = METRIC_NAMES[state.colour] ? state.colour : "";
    showDateError(null);
    document.getElementById("search").value = state.q || "";
    document.getElementById("layer-min").value = state.layer_min || "";
    document.getElementById("layer-max").value = state.layer_max || "";
    document.getElementById("sector").value = state.sector || "";
    document.getElementById("focus").value = state.focus || "";
    document.getElementById("depth").value = state.depth || "1";
  }

  /* The View menu is marked while any of its switches is on, so a closed menu hides nothing. */
  function markViewMenu() {
    const menu = document.getElementById("view-menu");
    menu.classList.toggle("active", [...menu.querySelectorAll("input[type=checkbox]")].some((box) => box.checked));
  }

  function updateLinks() {
    const query = filterQuery({ aggregate: null });
    document.querySelectorAll("[data-export-format]").forEach((a) => {
      // The offline HTML opens as this view: the view keys go with the filters.
      const view = a.dataset.exportFormat === "html" ? viewKeys() : {};
      a.href = apiBase + "/export?" + new URLSearchParams(Object.assign(Object.fromEntries(new URLSearchParams(query)), view, { format: a.dataset.exportFormat })).toString();
      a.setAttribute("download", "");
    });
    const twin = document.getElementById("json-twin");
    if (twin) twin.href = container.dataset.graphUrl + (filterQuery() ? "?" + filterQuery() : "");
    const dash = document.getElementById("dashboard-link");
    if (dash) dash.href = withBase("/scenarios/" + encodeURIComponent(scenario) + "/analysis");
  }

  /* The view keys of the state (layout, grouping, selection, highlight, size, colour). */
  function viewKeys() {
    const keys = ["aggregate", "layout", "physics", "select", "edge", "expand", "hl", "size", "colour", "open"];
    return Object.fromEntries(keys.filter((k) => state[k]).map((k) => [k, state[k]]));
  }

  function bindControls() {
    const on = (id, event, fn) => document.getElementById(id).addEventListener(event, fn);
    document.querySelectorAll("[data-layout]").forEach((b) => b.addEventListener("click", () => {
      setState({ layout: b.dataset.layout === "force" ? "force" : null, view: null }, false);
      draw();
    }));
    on("view-menu", "change", markViewMenu);
    on("physics", "change", (e) => { setState({ physics: e.target.checked ? "1" : null }); view.setPhysics(e.target.checked); });
    on("aggregate", "change", (e) => setState({ aggregate: e.target.checked ? "1" : "0", open: null, select: null, edge: null, expand: null, hl: null, view: null }, true));
    on("confirmed-only", "change", (e) => setState({ confirmed_only: e.target.checked ? "1" : null }, true));
    on("as-of", "change", (e) => changeDate(e.target.value));
    on("as-of", "keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); changeDate(e.target.value); } });
    on("search-form", "submit", (e) => e.preventDefault());
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
    bindSuggestions();
    bindKeys();
    on("size-by", "change", (e) => { setState({ size: e.target.value || null }); applyMetrics(); });
    on("colour-by", "change", (e) => { setState({ colour: e.target.value || null }); applyMetrics(); });
    document.querySelectorAll("[data-export]").forEach((b) => b.addEventListener("click", () => exportView(b.dataset.export)));
    document.querySelectorAll("[data-export-format]").forEach((a) => a.addEventListener("click", (e) => {
      // Only a plain left click: a middle click, a modified click or "copy link" keep the link.
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || window.GGOffline) return;
      e.preventDefault();
      exportFile(a);
    }));
  }

  /* The as-of field takes YYYY-MM-DD (or YYYY-MM, YYYY; empty for all time), whatever the
     browser's locale; a malformed date is named beside the field and changes nothing. */
  function changeDate(text) {
    const t = text.trim();
    if (!t) { showDateError(null); return setState({ as_of: null }, true); }
    const date = isoDate(t);
    if (!date) return showDateError("“" + t + "” is not a date: write YYYY-MM-DD, e.g. 2022-07-01.");
    showDateError(null);
    if (date !== state.as_of) setState({ as_of: date }, true);
  }

  function showDateError(message) {
    const box = document.getElementById("as-of-error");
    const input = document.getElementById("as-of");
    box.hidden = !message;
    box.textContent = message || "";
    input.classList.toggle("invalid", !!message);
    input.setAttribute("aria-invalid", message ? "true" : "false");
  }

  // ---- size and colour by a metric ------------------------------------------------------

  const metricsCache = new Map();

  /* Per-actor metrics for the current as-of date and confirmed-only switch (fetched once). */
  async function metrics() {
    const url = withBase(apiBase + "/metrics");
    if (!metricsCache.has(url)) metricsCache.set(url, getJSON(url).catch((err) => { metricsCache.delete(url); throw err; }));
    return metricsCache.get(url);
  }

  /* Size and colour the actors by the chosen metrics; the legend says what they mean. */
  async function applyMetrics() {
    const box = document.getElementById("metric-legend");
    const size = METRIC_NAMES[state.size] ? state.size : null, colour = METRIC_NAMES[state.colour] ? state.colour : null;
    if (!size && !colour) {
      if (view.metricStyle && (view.metricStyle.size || view.metricStyle.colour)) view.styleByMetric(null, null);
      return box.replaceChildren();
    }
    let data;
    try { data = await metrics(); } catch (err) { return box.replaceChildren(errorBox(err)); }
    const values = (name) => name && data.metrics[name];
    const ranges = view.styleByMetric(values(size), values(colour));
    box.replaceChildren(...[metricLegend("Size", size, ranges.size, data), metricLegend("Colour", colour, ranges.colour, data)].filter(Boolean));
    document.getElementById("legend-box").open = true;
  }

  function metricLegend(title, name, range, data) {
    if (!name) return null;
    if (!data.metrics[name]) return el("p", { class: "metric-note" }, title + " by " + METRIC_NAMES[name] + ": " + (data.notes[name] || "not available") + ".");
    const low = fmt(range.min), high = fmt(range.max);
    const key = title === "Size"
      ? [el("span", { class: "dot small" }), " " + low + " … ", el("span", { class: "dot large" }), " " + high]
      : [low + " ", el("span", { class: "ramp", style: "background: linear-gradient(90deg, " + window.ExplorerView.RAMP.join(", ") + ")" }), " " + high];
    return el("div", { class: "metric-key", dataset: { metric: name } }, el("strong", {}, title + ": " + METRIC_NAMES[name] + " "), key);
  }

  // ---- search, suggestions and the keyboard --------------------------------------------

  /* The actors the page knows: the current view, or (aggregated) the server's search. */
  async function actorsFor(text) {
    if (graph && !graph.aggregated) return rankActors(graph.nodes, text, 12);
    const found = await getJSON(withBase(container.dataset.graphUrl, { q: text.trim() })).catch(() => ({ nodes: [] }));
    return rankActors(found.nodes, text, 12).length ? rankActors(found.nodes, text, 12) : found.nodes.slice(0, 12);
  }

  function knownActors() {
    return graph && !graph.aggregated ? graph.nodes : [];
  }

  function bindSuggestions() {
    const search = document.getElementById("search");
    new Suggest(search, {
      source: actorsFor,
      onPick: (a) => openActor(a.id),
      fallback: (text) => setState({ q: text, view: null }, true),
      fallbackLabel: (text) => "Show only actors matching “" + text + "”",
    });
    for (const id of ["path-from", "path-to"]) {
      new Suggest(document.getElementById(id), { source: actorsFor, onPick: () => {}, keepText: true, onEnter: findPath });
    }
  }

  /* Select an actor, centre it and open its panel (search, keyboard, links in the panel). */
  function openActor(id) {
    if (!view.nodes.get(id)) {
      // Not drawn (filtered out or grouped): show it in its neighbourhood.
      return setState({ aggregate: graph && graph.aggregated ? "0" : state.aggregate, focus: id, select: id, edge: null, view: null }, true);
    }
    view.select("node", id);
    view.focusOn(id);
    select("node", id);
  }

  /* The drawn actors in reading order: band by band, left to right. */
  function readingOrder() {
    const positions = view.network.getPositions();
    return [...view.raw.nodes.values()].filter((n) => !n.count && positions[n.id])
      .sort((a, b) => positions[a.id].y - positions[b.id].y || positions[a.id].x - positions[b.id].x).map((n) => n.id);
  }

  function step(delta) {
    const order = readingOrder();
    if (!order.length) return;
    const at = order.indexOf(state.select);
    openActor(order[at < 0 ? (delta > 0 ? 0 : order.length - 1) : (at + delta + order.length) % order.length]);
  }

  /* Keys: "/" search, "n"/"p" (or "]"/"[") next and previous actor, "." the panel, Escape
     clears the selection. Keys typed into a field are left alone. */
  function bindKeys() {
    document.addEventListener("keydown", (e) => {
      const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName) || e.target.isContentEditable;
      if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "/") { e.preventDefault(); document.getElementById("search").focus(); }
      else if (e.key === "n" || e.key === "]") { e.preventDefault(); step(1); }
      else if (e.key === "p" || e.key === "[") { e.preventDefault(); step(-1); }
      else if (e.key === ".") { e.preventDefault(); panel.focus(); }
      else if (e.key === "Escape" && (state.select || state.edge)) { view.network.unselectAll(); select(null, null); }
    });
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
      if (raw && raw.overview) return toggleGroup(id);
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
    const n = view.raw.nodes.get(id) || (OFFLINE && OFFLINE.node(id));
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
      data = await getJSON(withBase(apiBase + "/actors/" + encodeURIComponent(id), { reference: !OFFLINE && state.ref && state.ref !== id ? state.ref : null }));
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
      filterNote(),
      distanceBlock(a, data.distance || {}),
      el("dl", { class: "props" },
        row("Level", a.level), row("Sector", a.sector),
        row("Accountability load", a.accountability_load), row("Betweenness", a.betweenness === undefined ? null : fmt(a.betweenness)),
        row("Since", a.since), row("Until", a.until), row("Tags", a.tags), row("Note", a.note)),
      actorActions(a.id),
      el("h4", {}, "Sources"), sourceList(data.sources),
      relationList("Outgoing", data.out, "out"), relationList("Incoming", data.in, "in"),
      chainList(data.chains)));
    bindReference();
  }

  /* Which moment and facts the panel describes, when not all of them. */
  function filterNote() {
    const parts = [];
    if (state.as_of) parts.push("as of " + state.as_of);
    if (state.confirmed_only) parts.push("confirmed facts only");
    return parts.length ? el("p", { class: "filter-note" }, "Read " + parts.join(", ") + ".") : null;
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  /* One account of distance, in words: the layer (the longest chain above, shown), the
     shortest chain from a top actor and, with a reference actor, the shortest from it. */
  function distanceBlock(a, d) {
    const items = [];
    if (a.isolated) {
      items.push(el("p", {}, el("strong", {}, "No control relation. "),
        "In this model no one steers this actor and it steers no one; it may still have voice or other relations."));
    } else if (!a.layer) {
      items.push(el("p", {}, el("strong", {}, "Layer 0 — at the top. "), "Steered by no one in this model."));
    } else {
      items.push(el("p", {}, el("strong", {}, "Layer " + a.layer + " — "),
        "the longest chain of control above it has " + plural(a.layer, "step") + ":"), chainSteps(d.longest, "longest"));
    }
    if (!a.isolated && a.layer && d.from_top) {
      const same = d.from_top.length === a.layer;
      items.push(el("p", {}, el("strong", {}, "Shortest from the top: " + plural(d.from_top.length, "step")),
        same ? " — no shorter chain of control reaches it." : " — fewer steps than its layer, along:"), same ? null : chainSteps(d.from_top, "from-top"));
    }
    items.push(referenceBlock(a, d));
    return el("section", { class: "distance", id: "distance", "aria-label": "Distance from the top" }, el("h4", {}, "Distance from the top"), items);
  }

  function referenceBlock(a, d) {
    if (OFFLINE) return null;
    const input = el("input", { type: "text", id: "reference", placeholder: "e.g. a ministry", value: state.ref ? nameOf(state.ref) : "", "aria-label": "Measure from actor" });
    const field = el("div", { class: "suggest-wrap reference" }, el("label", { for: "reference" }, "Measure from"), input);
    if (!state.ref || state.ref === a.id) return field;
    const chain = d.from_reference;
    const result = chain
      ? [el("p", {}, el("strong", {}, plural(chain.length, "step") + " of control"), " from " + nameOf(state.ref) + ":"), chainSteps(chain, "from-reference")]
      : el("p", { class: "muted" }, "No chain of control runs from " + nameOf(state.ref) + " down to this actor. The path finder can look along any relation.");
    return [field, el("div", { id: "reference-result" }, result)];
  }

  function bindReference() {
    const input = document.getElementById("reference");
    if (!input) return;
    new Suggest(input, {
      source: actorsFor, keepText: true,
      onPick: (ref) => { setState({ ref: ref.id }); if (state.select) showActor(state.select); },
      onEnter: (text) => { const found = resolveActor(knownActors(), text); setState({ ref: found ? found.id : null }); if (state.select) showActor(state.select); },
    });
  }

  /* A chain top-down, one actor a line, each step naming its relations: "↓ STEERS" for a
     relation from the actor above, "↑ REPORTS_TO" for one from the actor below (read against
     its direction, as control flows down). "Show on map" highlights it. */
  function chainSteps(chain, name) {
    if (!chain || !chain.path) return null;
    const items = [el("li", { class: "chain-actor" }, actorButton(chain.path[0]))];
    for (const s of chain.steps || []) {
      items.push(el("li", { class: "chain-step" }, stepText(s)), el("li", { class: "chain-actor" }, actorButton(s.to)));
    }
    const show = el("button", { type: "button", class: "small", onclick: () => showChain(chain) }, "Show on map");
    return el("div", { class: "chain-steps", dataset: { chain: name } }, el("ol", { class: "chain-list" }, items), show);
  }

  function stepText(step) {
    const via = step.via || step.types.map((type) => ({ type, reversed: false }));
    if (!via.length) return el("span", { class: "step-type" }, "↓ same group (mutual control)");
    const down = [...new Set(via.filter((v) => !v.reversed).map((v) => v.type))];
    const up = [...new Set(via.filter((v) => v.reversed).map((v) => v.type))];
    return el("span", { class: "step-type" },
      down.length ? "↓ " + down.join(", ") : null, down.length && up.length ? "  " : null,
      up.length ? el("span", { title: nameOf(step.to) + " " + up.join(", ") + " " + nameOf(step.from) }, "↑ " + up.join(", ")) : null);
  }

  function showChain(chain) {
    const edges = (chain.steps || []).flatMap((s) => s.relations);
    view.highlight(new Set(chain.path), edges.length ? edges : view.edgesAlong(chain.path));
  }

  function actorActions(id) {
    const expanded = view.expansions.has(id);
    return el("div", { class: "actions" },
      el("button", { type: "button", onclick: () => setState({ focus: id, depth: state.depth || "1", view: null }, true) }, "Focus neighbourhood"),
      el("button", { type: "button", id: "expand-button", title: "Add its neighbours to the view (or double-click it)", onclick: () => (expanded ? collapse(id) : expandWithFeedback(id)) }, expanded ? "Collapse" : "Expand"),
      OFFLINE && !OFFLINE.details ? null : el("button", { type: "button", id: "chain-button", onclick: () => toggleHighlight("chain:" + id) }, "Steering chain"),
      view.pinned.has(id) ? el("button", { type: "button", onclick: () => { view.unpin(id); showActor(id); } }, "Unpin") : null,
      // Measuring from another actor and the path finder are computed by the server.
      OFFLINE ? null : el("button", { type: "button", id: "reference-button", onclick: () => { setState({ ref: id }); showActor(id); } }, "Measure others from here"),
      OFFLINE ? null : el("button", { type: "button", onclick: () => setPathEnd("path-from", id) }, "Path from here"),
      OFFLINE ? null : el("button", { type: "button", onclick: () => setPathEnd("path-to", id) }, "Path to here"));
  }

  function setPathEnd(field, id) {
    const input = document.getElementById(field);
    input.value = nameOf(id);
    input.dataset.id = id;
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

  /* Add an actor's neighbours to the view; returns how many actors were new (null on error). */
  async function expand(id, restoring) {
    let added;
    try {
      added = view.expand(id, await getJSON(withBase(container.dataset.graphUrl, { focus: id, depth: "1" })));
    } catch (err) {
      showStatus(errorBox(err));
      return null;
    }
    if (!restoring) setState({ expand: addTo(state.expand, id) });
    container.dataset.nodeCount = String(view.nodes.length);
    if (state.select === id) showActor(id);
    return added;
  }

  /* Double-click or the panel's Expand: add the neighbours and say what happened. */
  async function expandWithFeedback(id) {
    const raw = view.raw.nodes.get(id);
    if (!raw || raw.count) return;
    if (view.expansions.has(id)) return flash("The neighbours of " + nameOf(id) + " are already shown.");
    flash("Adding the neighbours of " + nameOf(id) + "…");
    const added = await expand(id);
    if (added === null) return;
    view.pulse(id, [...(view.expansions.get(id) || { nodes: [] }).nodes]);
    flash(added ? "Added " + plural(added, "neighbour") + " of " + nameOf(id) + " (Collapse in its panel)." : "All neighbours of " + nameOf(id) + " were already shown.");
  }

  let flashTimer = null;
  function flash(message) {
    showStatus(message);
    statusBox.dataset.flash = message;
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => { if (statusBox.dataset.flash === message) hideStatus(); }, 3500);
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
        const query = { kind: voice[2] || "resident_group", formal_only: voice[1] === "decisive" ? "1" : null };
        return highlightVoice(await getJSON(withBase(apiBase + "/voice-paths", query)), result, voice[1] === "decisive");
      }
      if (what.startsWith("chain:")) return highlightChains(await getJSON(withBase(apiBase + "/chain/" + encodeURIComponent(what.slice(6)))), result);
      if (what.startsWith("path:")) {
        const [from, to, how] = what.slice(5).split(",");
        restorePathFields(from, to, how);
        const query = { from, to, directed: how === "d" ? "1" : "0", follow: how === "c" ? "control" : "any" };
        return highlightPath(await getJSON(withBase(apiBase + "/path", query)), result);
      }
    } catch (err) {
      result.replaceChildren(errorBox(err));
    }
  }

  function highlightChains(data, result) {
    const chains = data.chains || [];
    const nodes = new Set(chains.flat());
    view.highlight(nodes, chains.flatMap((c) => view.edgesAlong(c)));
    showBesidePanels(nodes);
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

  const FOLLOWED = { any: "any relation, either way", d: "any relation, in its direction", control: "control, from the controller down" };

  /* The path in words: how many steps, which modes, and each step's relation types. */
  function highlightPath(data, result) {
    const how = data.follow === "control" ? FOLLOWED.control : data.directed ? FOLLOWED.d : FOLLOWED.any;
    if (!data.path) {
      view.clearHighlight();
      result.replaceChildren("No path from " + nameOf(data.from) + " to " + nameOf(data.to) + " following " + how + ".");
      return;
    }
    const edges = (data.steps || []).flatMap((s) => s.relations);
    view.highlight(new Set(data.path), edges.length ? edges : view.edgesAlong(data.path));
    const modes = data.modes && data.modes.length ? data.modes.join(" and ") : "no relation";
    const summary = plural(data.path.length - 1, "step") + " following " + modes + " relations";
    result.replaceChildren(el("span", { class: "path-summary" }, summary + " (searched: " + how + ")."));
    // The answer reads in the details panel, where there is room for every step.
    setState({ select: null, edge: null });
    panel.replaceChildren(el("div", { class: "panel-body", dataset: { path: data.from + ">" + data.to } },
      el("div", { class: "panel-kind" }, "Path"),
      el("h2", {}, nameOf(data.from) + " → " + nameOf(data.to)),
      filterNote(),
      el("p", { class: "path-summary" }, el("strong", {}, summary + "."), " Searched " + how + "."),
      chainSteps({ path: data.path, steps: data.steps || [] }, "path")));
    showBesidePanels(data.path);
  }

  /* Bring a highlighted path or chain into the part of the network that is not covered: in a
     narrow window the details (and filters) open over the network, and the end of a path must
     not lie under them. Waits a frame, for the panel to open. */
  function showBesidePanels(ids) {
    requestAnimationFrame(() => {
      const box = container.getBoundingClientRect();
      const area = { left: 0, right: box.width, top: 0, bottom: box.height };
      for (const side of [document.getElementById("filters"), panel]) {
        if (!side || getComputedStyle(side).position !== "absolute") continue;
        const r = side.getBoundingClientRect();
        if (!r.width || !r.height) continue;
        if (r.left <= box.left + 1) area.left = Math.max(area.left, r.right - box.left);
        else area.right = Math.min(area.right, r.left - box.left);
      }
      view.showInside([...ids], area);
    });
  }

  function restorePathFields(from, to, how) {
    [["path-from", from], ["path-to", to]].forEach(([field, id]) => {
      const input = document.getElementById(field);
      if (input.dataset.id === id) return;
      input.value = nameOf(id);
      input.dataset.id = id;
    });
    document.getElementById("path-follow").value = how === "d" || how === "c" ? how : "";
  }

  function findPath() {
    const result = document.getElementById("path-result");
    const ends = ["path-from", "path-to"].map((id) => {
      const input = document.getElementById(id);
      return input.dataset.id || (resolveActor(knownActors(), input.value) || {}).id || input.value.trim();
    });
    // A new search never leaves the previous answer lit.
    view.clearHighlight();
    result.textContent = "";
    if (!ends[0] || !ends[1]) { result.textContent = "Choose two actors (type a name and pick it)."; return; }
    const how = document.getElementById("path-follow").value;
    const what = "path:" + ends[0] + "," + ends[1] + (how ? "," + how : "");
    setState({ hl: what });
    applyHighlight(what);
  }

  // ---- exports -------------------------------------------------------------------------

  /* What the view shows, in words: grouping, date, confidence and every filter. */
  function describeView() {
    const grouped = graph.aggregated || (shown && shown.overview);
    const parts = [grouped ? "Overview: actors grouped by kind within each steering layer" : state.layout === "force" ? "Every actor (force layout)" : "Every actor in its steering layer"];
    parts.push(state.as_of ? "as of " + state.as_of : "all dates");
    if (state.confirmed_only) parts.push("confirmed facts only");
    const names = { kinds: "kinds", levels: "levels", modes: "modes", types: "types", confidence: "confidence", sector: "sector", layer_min: "from layer", layer_max: "to layer", q: "search", focus: "around", depth: "depth" };
    const filters = Object.keys(names).filter((k) => state[k] && !(k === "depth" && !state.focus)).map((k) => names[k] + " " + String(state[k]).replace(/,/g, ", "));
    parts.push(filters.length ? "filters: " + filters.join("; ") : "no filters");
    return parts.join(" · ");
  }

  /* A file name that names the view: scenario, grouping, date, filters and size. */
  function pngName(width, height) {
    const grouped = graph.aggregated || (shown && shown.overview);
    const filtered = ["kinds", "levels", "modes", "types", "confidence", "sector", "layer_min", "layer_max", "q"].some((k) => state[k]);
    const parts = [scenario, grouped ? "overview" : state.layout === "force" ? "force" : "layers"];
    if (state.focus) parts.push("around-" + state.focus);
    if (state.as_of) parts.push("as-of-" + state.as_of);
    if (state.confirmed_only) parts.push("confirmed");
    if (filtered) parts.push("filtered");
    parts.push(width + "x" + height);
    return parts.join("-").replace(/[^a-z0-9._-]+/gi, "_") + ".png";
  }

  async function exportPng(width, height) {
    const canvas = await window.ExplorerExport.renderPng(view, {
      title: (graph.scenario && graph.scenario.title) || scenario,
      subtitle: describeView(),
      kinds: (graph.legend || {}).kinds, modes: (graph.legend || {}).modes,
      footer: "govgraph · " + scenario + " · " + window.location.href,
    }, width, height);
    return { canvas, name: pngName(width, height) };
  }
  window.govgraph.exportPng = exportPng;

  async function exportView(kind) {
    document.getElementById("export-menu").open = false;
    if (kind === "png") {
      const [width, height] = document.getElementById("png-size").value.split("x").map(Number);
      showStatus("Drawing the image…");
      const { canvas, name } = await exportPng(width, height);
      hideStatus();
      return canvas.toBlob((blob) => download(blob, name), "image/png");
    }
  }

  /* An export written by the server (seconds for a large one): a bar says what is being
     written until the file is saved; an error answer is shown, not saved as a file. */
  async function exportFile(link) {
    document.getElementById("export-menu").open = false;
    const format = link.dataset.exportFormat;
    const what = format === "html" ? "the offline HTML" : link.textContent.trim();
    try {
      await downloadWithProgress(link.href, what, document.getElementById("downloads"), format);
    } catch (err) {
      err.message = link.textContent.trim() + " export failed: " + err.message;
      showStatus(errorBox(err));
    }
  }

  bindControls();
  writeUrl();
  load();
})();
