/* The analysis dashboard: every metric of the analyses as tables and small SVG charts, each
   actor linking into the explorer. Filters (as of, confirmed only) live in the URL. */
(function () {
  "use strict";
  const { el, getJSON, errorBox, fmt, explorerUrl } = window.GG;
  const { hbars } = window.Charts;

  const root = document.getElementById("dashboard");
  const scenario = root.dataset.scenario;
  const params = new URLSearchParams(window.location.search);
  const filters = new URLSearchParams();
  ["as_of", "confirmed_only"].forEach((k) => params.get(k) && filters.set(k, params.get(k)));
  let names = new Map();

  function name(id) {
    return (names.get(id) || {}).name || id;
  }

  function actor(id, text) {
    const query = Object.assign(Object.fromEntries(filters), { select: id });
    return el("a", { href: explorerUrl(scenario, query), class: "actor-link", dataset: { actor: id } }, text || name(id));
  }

  function explorer(extra) {
    return explorerUrl(scenario, Object.assign(Object.fromEntries(filters), extra));
  }

  function pct(v) {
    return v === null || v === undefined ? "—" : Math.round(v * 1000) / 10 + "%";
  }

  function box(id, title, explain, ...content) {
    return el("section", { class: "box", id: id }, el("h2", {}, title), explain ? el("p", { class: "explain" }, explain) : null, ...content);
  }

  function table(headers, rows, numeric) {
    return el("div", { class: "scroll" }, el("table", { class: "data" },
      el("thead", {}, el("tr", {}, headers.map((h, i) => el("th", { class: numeric && numeric.includes(i) ? "num" : null }, h)))),
      el("tbody", {}, rows.map((r) => el("tr", {}, r.map((c, i) => el("td", { class: numeric && numeric.includes(i) ? "num" : null }, c)))))));
  }

  function stat(label, value, id) {
    return el("div", { class: "stat", dataset: { metric: id } }, el("div", { class: "value" }, value), el("div", { class: "label" }, label));
  }

  function stats(a) {
    const c = a.counts || {};
    const residents = (a.voice_reach || {}).resident_group || {};
    const decisive = (a.decisive_voice_reach || {}).resident_group || {};
    return el("div", { class: "stats" },
      stat("actors", fmt(c.actors), "actors"), stat("relations", fmt(c.relations), "relations"),
      stat("steering depth", fmt(a.steering_depth), "steering_depth"), stat("isolated actors", fmt((a.isolated || []).length), "isolated"),
      stat("deciders", fmt(c.deciders), "deciders"), stat("steering chains", fmt(a.steering_chain_count ?? (a.steering_chains || []).length), "chains"),
      stat("residents' voice reach", pct(residents.share), "voice_reach"), stat("decisive voice reach", pct(decisive.share), "decisive_voice_reach"),
      stat("hierarchy (Krackhardt)", fmt((a.hierarchy || {}).hierarchy), "hierarchy"));
  }

  function layerBox(a) {
    const sizes = new Map();
    const isolated = new Set(a.isolated || []);
    for (const [id, layer] of Object.entries(a.layers || {})) if (!isolated.has(id)) sizes.set(layer, (sizes.get(layer) || 0) + 1);
    const items = [...sizes.entries()].sort((x, y) => x[0] - y[0]).map(([layer, n]) => ({ label: "layer " + layer, value: n, href: explorer({ layer_min: layer, layer_max: layer }) }));
    if (isolated.size) items.push({ label: "isolated", value: isolated.size, cls: "alt" });
    return box("layer-sizes", "Steering layers", "Actors per layer: the length of the longest control path ending at them. Isolated actors have no control relation at all.",
      hbars(items, { label: "actors per steering layer" }),
      isolated.size ? el("p", { class: "muted" }, "Isolated: ", [...isolated].map((id, i) => [i ? ", " : "", actor(id)])) : null);
  }

  function accountabilityBox(a) {
    const byKind = Object.entries(a.accountability_by_kind || {}).sort((x, y) => y[1].mean - x[1].mean);
    const top = Object.entries(a.accountability_load || {}).filter((e) => e[1] > 0).sort((x, y) => y[1] - x[1]).slice(0, 15);
    return box("accountability", "Accountability load", "Distinct actors an actor must account to (reports to, is monitored or funded by). Mean per kind; top actors below.",
      hbars(byKind.map(([kind, v]) => ({ label: kind.replace(/_/g, " "), value: v.mean, href: explorer({ kinds: kind }) })), { format: (v) => fmt(v, 2), label: "mean accountability load by kind" }),
      table(["kind", "actors", "mean", "max"], byKind.map(([kind, v]) => [kind, fmt(v.actors), fmt(v.mean, 2), fmt(v.max)]), [1, 2, 3]),
      el("h4", {}, "Most accountable actors"),
      top.length ? table(["actor", "load"], top.map(([id, load]) => [actor(id), String(load)]), [1]) : el("p", { class: "muted" }, "No actor carries accountability."));
  }

  function voiceBox(a) {
    const kinds = ["resident_group", "professional_group"];
    const items = [];
    for (const kind of kinds) {
      items.push({ label: kind.replace(/_/g, " ") + " · voice", value: ((a.voice_reach || {})[kind] || {}).share, cls: "alt" });
      items.push({ label: kind.replace(/_/g, " ") + " · decisive", value: ((a.decisive_voice_reach || {})[kind] || {}).share, cls: "third" });
    }
    const rows = [];
    for (const kind of kinds) {
      const voice = ((a.voice_reach || {})[kind] || {}).reached || {};
      const decisive = ((a.decisive_voice_reach || {})[kind] || {}).reached || {};
      for (const id of new Set([...Object.keys(voice), ...Object.keys(decisive)])) {
        rows.push([kind.replace(/_/g, " "), actor(id), fmt(voice[id]), fmt(decisive[id])]);
      }
    }
    return box("voice-reach", "Voice reach", "Share of deciders (actors with outgoing control) that residents and professionals reach through voice relations; decisive voice counts formal relations only.",
      hbars(items, { max: 1, format: pct, label: "voice reach shares" }),
      el("p", {}, el("a", { href: explorer({ hl: "voice" }) }, "Show residents' voice paths in the explorer")),
      rows.length ? table(["from", "decider reached", "hops (voice)", "hops (decisive)"], rows, [2, 3]) : el("p", { class: "muted" }, "No decider is reached."));
  }

  function hierarchyBox(a) {
    const h = a.hierarchy || {};
    const keys = ["connectedness", "hierarchy", "efficiency", "lub", "flow_hierarchy"];
    return box("hierarchy", "Hierarchy of the control graph", a.hierarchy_note || "Krackhardt's measures (as R's sna computes them) and networkx's flow hierarchy, 0 to 1.",
      hbars(keys.map((k) => ({ label: k.replace(/_/g, " "), value: h[k] })), { max: 1, format: (v) => fmt(v, 3), label: "hierarchy measures" }));
  }

  function centralityBox(a) {
    const c = a.centrality || {};
    const top = Object.entries(c.betweenness || {}).sort((x, y) => y[1] - x[1]).slice(0, 15);
    return box("centrality", "Betweenness centrality (control graph)", c.sampled ? "Sampled with k = " + c.k + " pivots." : "Exact, normalised.",
      hbars(top.map(([id, v]) => ({ label: name(id), title: id, value: v, href: explorer({ select: id }) })), { format: (v) => fmt(v, 3), label: "top betweenness" }),
      table(["actor", "betweenness"], top.map(([id, v]) => [actor(id), fmt(v, 4)]), [1]));
  }

  function fragmentationBox(a) {
    const f = a.fragmentation || {};
    const part = (key) => Object.entries(f[key] || {}).sort((x, y) => y[1].controllers + y[1].instruments - x[1].controllers - x[1].instruments)
      .map(([id, v]) => [actor(id), fmt(v.instruments), fmt(v.controllers)]);
    return box("fragmentation", "Fragmentation", "Distinct instruments and controllers aimed straight at each focus area and professional group.",
      el("p", {}, "Cross-sector relations: ", el("strong", {}, pct(f.cross_sector_share))),
      el("h4", {}, "Focus areas"), table(["focus area", "instruments", "controllers"], part("focus_area"), [1, 2]),
      el("h4", {}, "Professional groups"), table(["professional group", "instruments", "controllers"], part("professional_group"), [1, 2]));
  }

  function chainsBox(a) {
    const chains = (a.steering_chains || []).slice(0, 25);
    return box("chains", "Steering chains", "The longest control paths from the top layer to the deepest actors.",
      chains.length ? el("ol", { class: "chains" }, chains.map((c) => el("li", {}, c.map((id, i) => [i ? " → " : "", actor(id)])))) : el("p", { class: "muted" }, "No control relations."),
      a.steering_chains_truncated || (a.steering_chains || []).length > 25 ? el("p", { class: "muted" }, "More chains exist; see the JSON.") : null);
  }

  function render(a) {
    root.replaceChildren(stats(a), el("div", { class: "grid-2" },
      layerBox(a), hierarchyBox(a), voiceBox(a), accountabilityBox(a), centralityBox(a), fragmentationBox(a), chainsBox(a)));
    root.dataset.ready = "1";
  }

  function bindControls() {
    const confirmed = document.getElementById("confirmed-only");
    const asOf = document.getElementById("as-of");
    confirmed.checked = filters.get("confirmed_only") === "1";
    asOf.value = /^\d{4}-\d{2}-\d{2}$/.test(filters.get("as_of") || "") ? filters.get("as_of") : "";
    document.getElementById("dash-controls").addEventListener("change", () => {
      const next = new URLSearchParams();
      if (confirmed.checked) next.set("confirmed_only", "1");
      if (asOf.value) next.set("as_of", asOf.value);
      window.location.search = next.toString();
    });
    document.getElementById("open-explorer").href = explorer({});
    const twin = document.getElementById("json-twin");
    if (twin) twin.href = root.dataset.analysisUrl + (filters.toString() ? "?" + filters : "");
  }

  async function load() {
    const query = filters.toString() ? "?" + filters : "";
    try {
      const [analysis, graph] = await Promise.all([getJSON(root.dataset.analysisUrl + query), getJSON(root.dataset.graphUrl + query)]);
      names = new Map(graph.nodes.map((n) => [n.id, n]));
      render(analysis);
    } catch (err) {
      root.replaceChildren(errorBox(err));
    }
  }

  bindControls();
  load();
})();
