/* The data source of the offline explorer (one HTML file opened from disk): the answers the
   explorer would fetch from the JSON API, made by the server when the file was exported and
   kept in the page's "govgraph-offline" block. GG.getJSON asks here instead of the network.
   Only what the file holds is answered; anything else (another date, the path finder) is an
   error that says it needs the govgraph server. */
(function () {
  "use strict";
  const block = document.getElementById("govgraph-offline");
  if (!block) return;
  const data = JSON.parse(block.textContent);
  const api = "/api/scenarios/" + encodeURIComponent(data.scenario_id);
  // Actor answers refer to the graph's nodes and relations and the scenario's sources.
  const nodes = new Map(data.graph.nodes.map((n) => [n.id, n]));
  const edges = new Map(data.graph.edges.map((e) => [e.id, e]));
  const sources = new Map(data.scenario.sources.map((s) => [s.id, s]));

  function fail(status, code, message) {
    const body = { error: { code, message, hint: "Open this scenario in govgraph (govgraph serve) for this." } };
    return new window.GG.ApiError(status, body);
  }

  /* The answer for one API address, as the server gave it; throws an ApiError otherwise. */
  function answer(url) {
    const [path, query] = String(url).split("?");
    const params = new URLSearchParams(query || "");
    if (path === api) return data.scenario;
    if (path === api + "/graph") return graphFor(params);
    if (path === api + "/metrics") return data.metrics;
    if (path.startsWith(api + "/actors/")) return actor(decodeURIComponent(path.slice(api.length + 8)), params);
    if (path.startsWith(api + "/chain/")) return chain(decodeURIComponent(path.slice(api.length + 7)));
    if (path === api + "/voice-paths") return voice(params);
    throw fail(501, "needs-server", "This offline copy cannot answer that: it needs the govgraph server.");
  }

  function actor(id, params) {
    const found = data.actors[id] || (!data.details && nodes.has(id) && sketch(id));
    if (!found) throw fail(404, "not-in-copy", "Actor '" + id + "' is not in this offline copy.");
    if (params.get("reference")) throw fail(501, "needs-server", "Measuring from another actor needs the govgraph server.");
    const relation = (rid) => data.relations[rid] || edges.get(rid);
    const source = (sid) => sources.get(sid) || { id: sid, title: sid };
    const own = found.node ? Object.assign({}, nodes.get(id), found.actor) : found.actor;
    return Object.assign({}, found, { actor: own, out: found.out.map(relation), in: found.in.map(relation), sources: found.sources.map(source) });
  }

  /* An actor's answer made from the graph alone, for a copy too large to hold every
     actor's details: its node, relations and sources; no chains, no distances. */
  function sketch(id) {
    const node = nodes.get(id);
    return {
      as_of: data.graph.as_of, actor: node, node: false, chains: [], distance: { layer: node.layer },
      out: data.graph.edges.filter((e) => e.from === id).map((e) => e.id),
      in: data.graph.edges.filter((e) => e.to === id).map((e) => e.id),
      sources: node.sources || [],
    };
  }

  function chain(id) {
    if (!data.details) throw fail(501, "needs-server", "The steering chains of a scenario this large need the govgraph server.");
    const found = data.actors[id];
    if (!found) throw fail(404, "not-in-copy", "Actor '" + id + "' is not in this offline copy.");
    const chains = found.chains || [];
    return { as_of: found.as_of, actor: id, chains, length: Math.max(0, ...chains.map((c) => c.length - 1)) };
  }

  function voice(params) {
    const key = (params.get("kind") || "resident_group") + ":" + (params.get("formal_only") === "1" ? 1 : 0);
    if (!data.voice[key]) throw fail(501, "needs-server", "Voice paths of this kind need the govgraph server.");
    return data.voice[key];
  }

  /* The graph the file holds, narrowed as the server would by a search (q) or a focus with
     its depth: the view's filters themselves are fixed when the file is made. */
  function graphFor(params) {
    const graph = data.graph;
    let keep = null;
    const q = (params.get("q") || "").trim().toLowerCase();
    if (q) keep = new Set(graph.nodes.filter((n) => ["id", "name", "description"].some((k) => String(n[k] || "").toLowerCase().includes(q))).map((n) => n.id));
    const focus = params.get("focus");
    if (focus) {
      if (!graph.nodes.some((n) => n.id === focus)) throw fail(404, "not-in-copy", "Actor '" + focus + "' is not in this offline copy.");
      const near = around(graph.edges, focus, Number(params.get("depth") || 1));
      keep = keep ? new Set([...keep].filter((id) => near.has(id))) : near;
    }
    if (!keep) return graph;
    const nodes = graph.nodes.filter((n) => keep.has(n.id));
    const edges = graph.edges.filter((e) => keep.has(e.from) && keep.has(e.to));
    const modes = new Set(edges.map((e) => e.mode));
    const legend = { kinds: [...new Set(nodes.map((n) => n.kind))].sort(), modes: graph.legend.modes.filter((m) => modes.has(m)) };
    return Object.assign({}, graph, { nodes, edges, legend });
  }

  /* Actors within ``depth`` relations of ``start``, whichever way the relations run. */
  function around(edges, start, depth) {
    const next = new Map();
    for (const e of edges) {
      if (!next.has(e.from)) next.set(e.from, []);
      if (!next.has(e.to)) next.set(e.to, []);
      next.get(e.from).push(e.to);
      next.get(e.to).push(e.from);
    }
    const seen = new Set([start]);
    let ring = [start];
    for (let d = 0; d < depth; d++) {
      ring = ring.flatMap((id) => next.get(id) || []).filter((id) => !seen.has(id) && seen.add(id));
    }
    return seen;
  }

  /* Where the file opens: the view it was exported from (unless its own address says
     otherwise), always with the date and filters it holds. */
  function initialState(fromUrl) {
    const opening = window.location.search ? {} : data.state;
    return Object.assign({}, opening, fromUrl, data.fixed);
  }

  /* An actor the file holds, also when the view does not draw it (for its name). */
  function node(id) { return nodes.get(id) || null; }

  window.GGOffline = { answer, initialState, node, fixed: data.fixed, details: data.details, data };
})();
