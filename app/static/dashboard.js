/* The analysis dashboard: the findings first (plain sentences from the analysis JSON, each
   linking to the explorer view that shows it), then key figures with what they mean, charts
   and the tables behind them. Filters (as of, confirmed only) live in the URL. */
(function () {
  "use strict";
  const { el, getJSON, errorBox, fmt, explorerUrl } = window.GG;
  const { hbars, legend, pct } = window.Charts;

  const root = document.getElementById("dashboard");
  const scenario = root.dataset.scenario;
  const params = new URLSearchParams(window.location.search);
  const filters = new URLSearchParams();
  ["as_of", "confirmed_only"].forEach((k) => params.get(k) && filters.set(k, params.get(k)));
  let names = new Map();
  /* Findings shown before the fold; the rest open with one click. */
  const FIRST_FINDINGS = 6;

  function name(id) {
    return (names.get(id) || {}).name || id;
  }

  function kindWords(kind) {
    return String(kind || "other").replace(/_/g, " ");
  }

  function actor(id, text) {
    const query = Object.assign(Object.fromEntries(filters), { select: id });
    return el("a", { href: explorerUrl(scenario, query), class: "actor-link", dataset: { actor: id } }, text || name(id));
  }

  function explorer(extra) {
    return explorerUrl(scenario, Object.assign(Object.fromEntries(filters), extra));
  }

  function box(id, title, explain, ...content) {
    return el("section", { class: "box", id: id }, el("h2", {}, title), explain ? el("p", { class: "explain" }, explain) : null, ...content);
  }

  function table(headers, rows, numeric, cls) {
    return el("div", { class: "scroll" }, el("table", { class: "data " + (cls || "") },
      el("thead", {}, el("tr", {}, headers.map((h, i) => el("th", { class: numeric && numeric.includes(i) ? "num" : null }, h)))),
      el("tbody", {}, rows.map((r) => el("tr", {}, r.map((c, i) => el("td", { class: numeric && numeric.includes(i) ? "num" : null }, c)))))));
  }

  /* A long table: the first rows shown, all of them behind a disclosure. */
  function foldedTable(headers, rows, numeric, shown) {
    if (rows.length <= shown + 2) return table(headers, rows, numeric);
    return el("div", {}, table(headers, rows.slice(0, shown), numeric),
      el("details", { class: "more" }, el("summary", {}, "All " + rows.length + " rows"), table(headers, rows, numeric)));
  }

  // ---- findings --------------------------------------------------------------------------

  function finding(f) {
    const inferred = f.rests_on_inferred;
    return el("li", { class: "finding", dataset: { finding: f.id, analysis: f.analysis } },
      el("div", { class: "figure" + (inferred ? " inferred" : ""), title: f.figure.text },
        el("span", { class: "figure-value" }, window.GG.keepFigures(f.figure.short)), el("span", { class: "figure-unit" }, f.figure.unit)),
      el("div", { class: "finding-body" },
        el("p", { class: "sentence" }, window.GG.keepFigures(f.text)),
        el("p", { class: "finding-meta" },
          el("span", { class: inferred ? "conf inferred" : "conf" }, f.confidence_text), " ",
          el("a", { class: "finding-link", href: f.link.url }, f.link.label + " →"))));
  }

  function findingsBox(a) {
    const list = a.findings || [];
    return el("section", { id: "findings", class: "findings", "aria-label": "Findings" },
      el("h2", {}, "Findings"),
      list.length ? el("ol", { class: "finding-list" }, list.slice(0, FIRST_FINDINGS).map(finding)) : el("p", { class: "muted" }, "No findings: the structure is empty."),
      list.length > FIRST_FINDINGS ? el("details", { class: "more-findings", id: "more-findings" },
        el("summary", {}, (list.length - FIRST_FINDINGS) + " more findings: " + [...new Set(list.slice(FIRST_FINDINGS).map((f) => f.analysis.replace(/_/g, " ")))].join(", ")),
        el("ol", { class: "finding-list", start: FIRST_FINDINGS + 1 }, list.slice(FIRST_FINDINGS).map(finding))) : null);
  }

  // ---- key figures -----------------------------------------------------------------------

  function tile(id, value, label, explain) {
    return el("div", { class: "stat", dataset: { metric: id } },
      el("div", { class: "value" }, value), el("div", { class: "label" }, label), el("div", { class: "stat-explain" }, explain));
  }

  function tiles(a) {
    const c = a.counts || {};
    const residents = (a.voice_reach || {}).resident_group || {};
    const decisive = (a.decisive_voice_reach || {}).resident_group || {};
    const load = a.accountability_summary || {};
    return el("div", { class: "stats", id: "kpis" },
      tile("steering_depth", fmt(a.steering_depth), "steering depth", "layers of control from the top to the deepest actor"),
      tile("deciders", fmt(c.deciders), "deciders", "actors that control at least one other (of " + fmt(c.actors) + " actors)"),
      tile("voice_reach", pct(residents.share), "residents' voice reach", "share of deciders residents reach by any voice relation"),
      tile("decisive_voice_reach", pct(decisive.share), "decisive voice reach", "the same through formal voice relations only"),
      tile("accountability_max", fmt(load.max), "heaviest accountability", "most controllers one actor must account to"),
      tile("chains", fmt(a.steering_chain_count), "longest chains", "top-to-bottom control paths of full depth"),
      tile("isolated", fmt((a.isolated || []).length), "outside control", "actors with no control relation at all"));
  }

  // ---- charts ----------------------------------------------------------------------------

  function layerBox(a) {
    const sizes = a.layer_sizes || {};
    const isolated = a.isolated || [];
    const items = Object.keys(sizes).map(Number).sort((x, y) => x - y).map((layer) => ({
      label: layer === 0 ? "layer 0 (top)" : "layer " + layer, value: sizes[layer], href: explorer({ layer_min: layer, layer_max: layer }),
    }));
    if (isolated.length) items.push({ label: "no control relation", value: isolated.length, cls: "muted-bar" });
    return box("layer-sizes", "Layer profile", "Actors per steering layer: layer n is n control steps below the top. Click a bar to see that layer in the explorer.",
      items.length ? hbars(items, { label: "actors per steering layer", format: (v) => v + " actors" }) : el("p", { class: "muted" }, "No actors."));
  }

  function voiceBox(a) {
    const kinds = [["resident_group", "residents"], ["professional_group", "professionals"]];
    const items = [];
    for (const [kind, who] of kinds) {
      const any = (a.voice_reach || {})[kind] || {};
      const formal = (a.decisive_voice_reach || {})[kind] || {};
      if (!any.actors) continue;
      items.push({ label: who + " · any voice", value: any.share, cls: "voice", href: explorer({ hl: kind === "resident_group" ? "voice" : "voice:" + kind }),
        title: Object.keys(any.reached || {}).length + " of " + any.deciders + " deciders" });
      items.push({ label: who + " · formal voice", value: formal.share, cls: "formal", href: explorer({ hl: "decisive:" + kind }),
        title: Object.keys(formal.reached || {}).length + " of " + formal.deciders + " deciders" });
    }
    const rows = [];
    for (const [kind, who] of kinds) {
      const voice = ((a.voice_reach || {})[kind] || {}).reached || {};
      const decisive = ((a.decisive_voice_reach || {})[kind] || {}).reached || {};
      for (const id of new Set([...Object.keys(voice), ...Object.keys(decisive)])) rows.push([who, actor(id), fmt(voice[id]), fmt(decisive[id])]);
    }
    const chart = items.length
      ? [hbars(items, { max: 1, format: pct, label: "voice reach shares" }), legend([["voice", "any voice relation"], ["formal", "formal (decisive) only"]])]
      : el("p", { class: "muted" }, "Neither residents nor professionals are modelled.");
    return box("voice-reach", "Voice reach", "Share of the " + fmt(((a.counts || {}).deciders)) + " deciders that residents and professionals reach through voice relations.",
      chart,
      rows.length ? el("details", { class: "more" }, el("summary", {}, "The " + rows.length + " deciders reached, with hops"),
        table(["from", "decider reached", "hops (any)", "hops (formal)"], rows, [2, 3])) : el("p", { class: "muted" }, "No decider is reached by voice."));
  }

  function accountabilityBox(a) {
    const kindOf = (id) => (names.get(id) || {}).kind;
    const top = Object.entries(a.accountability_load || {}).filter((e) => e[1] > 0).sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, 12);
    const byKind = Object.entries(a.accountability_by_kind || {}).filter(([, v]) => v.max > 0).sort((x, y) => y[1].mean - x[1].mean);
    return box("accountability", "Accountability load", "How many distinct actors each actor must account to (it reports to them, or they monitor or fund it).",
      top.length ? hbars(top.map(([id, v]) => ({ label: name(id), title: id + " · " + kindWords(kindOf(id)), value: v,
        href: explorer({ focus: id, depth: 1, select: id }), cls: kindOf(id) === "professional_group" || kindOf(id) === "resident_group" ? "frontline" : "" })),
      { label: "accountability load, heaviest first", format: (v) => v + (v === 1 ? " controller" : " controllers"), labelWidth: 230 })
        : el("p", { class: "muted" }, "No actor must account to anyone."),
      top.some(([id]) => ["professional_group", "resident_group"].includes(kindOf(id))) ? legend([["frontline", "residents and frontline professionals"], ["", "other actors"]]) : null,
      byKind.length ? el("details", { class: "more" }, el("summary", {}, "By kind"),
        table(["kind", "actors", "mean", "max"], byKind.map(([kind, v]) => [kindWords(kind), fmt(v.actors), fmt(v.mean, 2), fmt(v.max)]), [1, 2, 3])) : null);
  }

  // ---- chains, centrality, fragmentation, hierarchy -------------------------------------

  function pattern(p, i) {
    const chains = p.chains || [];
    return el("details", { class: "pattern", dataset: { pattern: String(i), count: String(p.count) }, open: i === 0 && p.count === 1 },
      el("summary", {}, el("span", { class: "kinds" }, p.kinds.map((k, j) => [j ? el("span", { class: "arrow" }, " → ") : null, el("span", { class: "kind-chip" }, kindWords(k))])),
        el("span", { class: "times" }, "× " + p.count)),
      el("ol", { class: "chains" }, chains.map((c) => el("li", {}, c.map((id, j) => [j ? " → " : "", actor(id)])))));
  }

  function chainsBox(a) {
    const patterns = a.steering_chain_patterns || [];
    const listed = patterns.reduce((n, p) => n + p.count, 0);
    return box("chains", "Steering chains by pattern", "The longest control paths from the top layer to the deepest actors, grouped by the kinds of actor they pass. Open a pattern to see its chains.",
      patterns.length ? patterns.map(pattern) : el("p", { class: "muted" }, "No control relations, so no steering chains."),
      a.steering_chain_count > listed ? el("p", { class: "muted" }, "The first " + listed + " of " + a.steering_chain_count + " chains are grouped here.") : null);
  }

  function centralityBox(a) {
    const c = a.centrality || {};
    const ranked = Object.entries(c.betweenness || {}).filter((e) => e[1] > 0).sort((x, y) => y[1] - x[1]).slice(0, 10);
    const rows = ranked.map(([id, v], i) => [String(i + 1), actor(id), pct(v)]);
    return box("centrality", "Who sits between (betweenness)", "Share of the shortest control paths between other actors that pass through each actor" + (c.sampled ? " (estimated from " + c.k + " sampled actors)." : "."),
      rows.length ? table(["rank", "actor", "share of control paths"], rows, [0, 2], "ranks") : el("p", { class: "muted" }, "No actor lies between two others on a control path."));
  }

  function fragmentationBox(a) {
    const f = a.fragmentation || {};
    const part = (key) => Object.entries(f[key] || {}).sort((x, y) => y[1].controllers - x[1].controllers || y[1].instruments - x[1].instruments)
      .map(([id, v]) => [actor(id), fmt(v.controllers), fmt(v.instruments)]);
    const areas = part("focus_area"), groups = part("professional_group");
    return box("fragmentation", "Fragmentation", "Distinct controllers, and instruments among them, aimed straight at each focus area and professional group.",
      el("p", {}, el("strong", {}, pct(f.cross_sector_share)), " of all relations join two actors whose sectors do not overlap."),
      groups.length ? [el("h4", {}, "Professional groups"), foldedTable(["professional group", "controllers", "instruments"], groups, [1, 2], 6)] : null,
      areas.length ? [el("h4", {}, "Focus areas"), foldedTable(["focus area", "controllers", "instruments"], areas, [1, 2], 5)] : null);
  }

  const MEASURES = [
    ["hierarchy", "Krackhardt hierarchy", "1 = no actor is controlled, even indirectly, by one it controls"],
    ["flow_hierarchy", "flow hierarchy", "share of control arcs outside any loop of control"],
    ["efficiency", "efficiency", "1 = no redundant control lines within a connected part"],
    ["lub", "least upper boundedness", "share of actor pairs that answer to a common top"],
    ["connectedness", "connectedness", "share of actor pairs joined by control at all"],
  ];

  function hierarchyBox(a) {
    const h = a.hierarchy || {};
    return box("hierarchy", "Hierarchy of the control graph", a.hierarchy_note || "Krackhardt's measures as R's sna computes them, and networkx's flow hierarchy; each from 0 to 1.",
      hbars(MEASURES.map(([k, label, what]) => ({ label: label, title: what, value: h[k] })), { max: 1, format: (v) => fmt(v, 2), label: "hierarchy measures", labelWidth: 190 }),
      el("dl", { class: "measures" }, MEASURES.map(([, label, what]) => [el("dt", {}, label), el("dd", {}, what)])));
  }

  function render(a) {
    root.replaceChildren(findingsBox(a), tiles(a), el("div", { class: "grid-2" },
      layerBox(a), voiceBox(a), accountabilityBox(a), chainsBox(a), centralityBox(a), fragmentationBox(a), hierarchyBox(a)));
    root.dataset.ready = "1";
  }

  function bindControls() {
    const confirmed = document.getElementById("confirmed-only");
    const asOf = document.getElementById("as-of");
    confirmed.checked = filters.get("confirmed_only") === "1";
    asOf.value = filters.get("as_of") || "";
    // The date is typed as YYYY-MM-DD whatever the browser's locale; a malformed one is named
    // beside the field and changes nothing.
    const apply = () => {
      const text = asOf.value.trim(), date = window.GG.isoDate(text);
      const error = document.getElementById("as-of-error");
      error.hidden = !text || !!date;
      error.textContent = error.hidden ? "" : "“" + text + "” is not a date: write YYYY-MM-DD, e.g. 2022-07-01.";
      asOf.classList.toggle("invalid", !error.hidden);
      if (!error.hidden) return;
      const next = new URLSearchParams();
      if (confirmed.checked) next.set("confirmed_only", "1");
      if (date) next.set("as_of", date);
      if (next.toString() !== filters.toString()) window.location.search = next.toString();
    };
    document.getElementById("dash-controls").addEventListener("change", apply);
    document.getElementById("dash-controls").addEventListener("submit", (e) => { e.preventDefault(); apply(); });
    document.getElementById("open-explorer").href = explorer({});
    const twin = document.getElementById("json-twin");
    if (twin) twin.href = root.dataset.analysisUrl + (filters.toString() ? "?" + filters : "");
  }

  async function load() {
    const query = filters.toString() ? "?" + filters : "";
    try {
      const [analysis, graph] = await Promise.all([getJSON(root.dataset.analysisUrl + query), getJSON(root.dataset.graphUrl + query)]);
      names = new Map(graph.nodes.map((n) => [n.id, n]));
      // An empty date field means the scenario's own date: show which day that is.
      document.getElementById("as-of").placeholder = graph.as_of || "all time";
      render(analysis);
    } catch (err) {
      root.replaceChildren(errorBox(err));
    }
  }

  bindControls();
  load();
})();
