/* The explorer's network: vis-network with server positions, layer bands drawn on the canvas,
   highlighting, expand/collapse and exports. Built for size: physics off, straight edges,
   edges hidden while dragging or zooming, tooltips built only for the node under the pointer. */
(function () {
  "use strict";
  const { el } = window.GG;
  const { visNode, visEdge, kindStyle, networkOptions } = window.GraphStyle;

  const BASE_OPTIONS = {
    autoResize: true,
    layout: { improvedLayout: false, hierarchical: false },
    physics: {
      enabled: false,
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -60, springLength: 110, avoidOverlap: 0.4 },
      stabilization: { enabled: true, iterations: 250, updateInterval: 50, fit: true },
    },
    nodes: {
      font: { size: 13, face: "Inter, system-ui, sans-serif", color: "#1f2933", strokeWidth: 3, strokeColor: "#ffffff" },
      scaling: { label: { enabled: false, drawThreshold: 7 } },
    },
    edges: {
      smooth: false,
      selectionWidth: 1.5,
      hoverWidth: 0.5,
      font: { size: 10, align: "middle", color: "#52606d", strokeWidth: 3 },
      arrowStrikethrough: false,
    },
    interaction: {
      hover: true, hideEdgesOnDrag: true, hideEdgesOnZoom: true, tooltipDelay: 250,
      multiselect: false, keyboard: false, navigationButtons: false, zoomView: true,
    },
  };
  // Above this many nodes the hover effect (one redraw per hovered node) is not worth it.
  const HOVER_LIMIT = 4000;
  // Below this zoom arrowheads are specks, yet filling them dominates the drawing time
  // (measured: 2.5 s of 2.7 s for 7,500 edges), so they are drawn only when zoomed in.
  // The cost is per arrowhead, not per pixel, so big graphs get them only when zoomed far in.
  const ARROW_SCALE = 0.3;
  const ARROW_EDGE_LIMIT = 3000;
  const ARROW_SCALE_BIG = 1.5;

  class ExplorerView {
    constructor(container, callbacks) {
      this.container = container;
      this.callbacks = callbacks || {};
      this.nodes = new vis.DataSet();
      this.edges = new vis.DataSet();
      this.raw = { nodes: new Map(), edges: new Map() };
      this.pairs = new Map();
      this.expansions = new Map();
      this.bands = null;
      this.highlighted = null;
      this.layout = "layers";
      this.network = new vis.Network(container, { nodes: this.nodes, edges: this.edges }, BASE_OPTIONS);
      this.arrows = true;
      this.network.on("beforeDrawing", (ctx) => this.drawBackground(ctx));
      this.network.on("click", (params) => this.onClick(params));
      this.network.on("hoverNode", (params) => this.showTooltip(params));
      this.network.on("blurNode", () => this.hideTooltip());
      this.network.on("dragStart", () => this.hideTooltip());
      this.network.on("zoom", () => { this.updateArrows(); this.cameraChanged(); });
      this.network.on("dragEnd", () => this.cameraChanged());
      this.network.on("stabilizationIterationsDone", () => this.stabilised());
    }

    /* Replace the whole graph with a /graph answer; calls onReady after the first drawing. */
    setData(data, opts) {
      this.layout = opts.layout;
      this.physics = opts.physics;
      this.raw = { nodes: new Map(), edges: new Map() };
      this.expansions = new Map();
      this.highlighted = null;
      const nodes = data.nodes.map((n) => this.prepareNode(n));
      const edges = data.edges.map((e) => this.prepareEdge(e));
      this.bands = opts.layout === "layers" ? computeBands(data.nodes) : null;
      this.indexPairs();
      this.nodes = new vis.DataSet(nodes);
      this.edges = new vis.DataSet(edges);
      this.network.setOptions(Object.assign(networkOptions(data.legend && data.legend.kinds), {
        physics: { enabled: opts.layout === "force" || opts.physics },
        interaction: { hover: nodes.length <= HOVER_LIMIT },
      }));
      this.arrows = true;
      this.network.once("afterDrawing", () => this.callbacks.onReady && this.callbacks.onReady());
      this.network.setData({ nodes: this.nodes, edges: this.edges });
      if (opts.camera) this.network.moveTo({ position: { x: opts.camera.x, y: opts.camera.y }, scale: opts.camera.scale, animation: false });
      else this.network.fit({ animation: false });
      this.updateArrows();
    }

    updateArrows() {
      const limit = this.edges.length > ARROW_EDGE_LIMIT ? ARROW_SCALE_BIG : ARROW_SCALE;
      const wanted = this.network.getScale() >= limit;
      if (wanted === this.arrows) return;
      this.arrows = wanted;
      this.network.setOptions({ edges: { arrows: { to: { enabled: wanted, scaleFactor: 0.6 } } } });
    }

    prepareNode(n) {
      this.raw.nodes.set(n.id, n);
      const node = visNode(n);
      if (this.layout === "force") { delete node.x; delete node.y; }
      else if (node.x !== undefined) node.fixed = { x: false, y: true };
      return node;
    }

    prepareEdge(e) {
      this.raw.edges.set(e.id, e);
      return visEdge(e);
    }

    indexPairs() {
      this.pairs = new Map();
      for (const e of this.raw.edges.values()) {
        for (const key of [e.from + "\u0000" + e.to, e.to + "\u0000" + e.from]) {
          if (!this.pairs.has(key)) this.pairs.set(key, []);
          this.pairs.get(key).push(e.id);
        }
      }
    }

    /* Edge ids joining consecutive ids of a path (either direction). */
    edgesAlong(path) {
      const found = [];
      for (let i = 1; i < path.length; i++) found.push(...(this.pairs.get(path[i - 1] + "\u0000" + path[i]) || []));
      return found;
    }

    setPhysics(on) {
      this.physics = on;
      this.network.setOptions({ physics: { enabled: on || this.layout === "force" && !this.settled } });
      if (on) this.network.startSimulation();
    }

    stabilised() {
      this.settled = true;
      if (!this.physics) this.network.setOptions({ physics: { enabled: false } });
    }

    /* Add the neighbours of ``id`` (a /graph answer focused on it); returns how many were new. */
    expand(id, data) {
      const added = { nodes: new Set(), edges: new Set() };
      const anchor = this.network.getPositions([id])[id] || { x: 0, y: 0 };
      const newNodes = data.nodes.filter((n) => !this.raw.nodes.has(n.id)).map((n, i) => {
        added.nodes.add(n.id);
        const node = this.prepareNode(n);
        if (node.x === undefined) { node.x = anchor.x + 80 * Math.cos(i); node.y = anchor.y + 80 * Math.sin(i); }
        return node;
      });
      const known = (e) => this.raw.nodes.has(e.from) && this.raw.nodes.has(e.to);
      const newEdges = data.edges.filter((e) => !this.raw.edges.has(e.id) && known(e)).map((e) => {
        added.edges.add(e.id);
        return this.prepareEdge(e);
      });
      this.nodes.add(newNodes);
      this.edges.add(newEdges);
      this.expansions.set(id, added);
      this.indexPairs();
      return added.nodes.size;
    }

    /* Remove what expanding ``id`` added; returns how many nodes went away. */
    collapse(id) {
      const added = this.expansions.get(id);
      if (!added) return 0;
      this.expansions.delete(id);
      const edgeIds = new Set(added.edges);
      for (const e of this.raw.edges.values()) if (added.nodes.has(e.from) || added.nodes.has(e.to)) edgeIds.add(e.id);
      this.edges.remove([...edgeIds]);
      this.nodes.remove([...added.nodes]);
      edgeIds.forEach((eid) => this.raw.edges.delete(eid));
      added.nodes.forEach((nid) => this.raw.nodes.delete(nid));
      this.indexPairs();
      return added.nodes.size;
    }

    /* Dim everything but the given nodes and edges. */
    highlight(nodeIds, edgeIds) {
      const keepNodes = new Set(nodeIds), keepEdges = new Set(edgeIds);
      this.highlighted = { nodes: keepNodes, edges: keepEdges };
      this.nodes.update(this.nodes.getIds().map((id) => ({ id, opacity: keepNodes.has(id) ? 1 : 0.12, borderWidth: keepNodes.has(id) ? 3 : 1 })));
      this.edges.update(this.edges.get().map((e) => {
        const raw = this.raw.edges.get(e.id);
        const base = visEdge(raw);
        const on = keepEdges.has(e.id);
        return { id: e.id, width: on ? base.width * 2.2 : base.width, color: Object.assign({}, base.color, { opacity: on ? 1 : 0.06 }) };
      }));
    }

    clearHighlight() {
      if (!this.highlighted) return;
      this.highlighted = null;
      this.nodes.update([...this.raw.nodes.values()].map((n) => {
        const base = visNode(n);
        return { id: n.id, opacity: base.opacity === undefined ? 1 : base.opacity, borderWidth: base.borderWidth === undefined ? 1.5 : base.borderWidth };
      }));
      this.edges.update([...this.raw.edges.values()].map(visEdge).map((e) => ({ id: e.id, width: e.width, color: e.color })));
    }

    select(kind, id) {
      if (kind === "node" && this.nodes.get(id)) this.network.selectNodes([id]);
      else if (kind === "edge" && this.edges.get(id)) this.network.selectEdges([id]);
    }

    focusOn(id) {
      if (this.nodes.get(id)) this.network.focus(id, { scale: Math.max(this.network.getScale(), 0.9), animation: false });
    }

    camera() {
      const p = this.network.getViewPosition();
      return { x: p.x, y: p.y, scale: this.network.getScale() };
    }

    cameraChanged() {
      clearTimeout(this.cameraTimer);
      this.cameraTimer = setTimeout(() => this.callbacks.onCamera && this.callbacks.onCamera(this.camera()), 250);
    }

    onClick(params) {
      this.hideTooltip();
      if (params.nodes.length) this.callbacks.onSelect("node", params.nodes[0]);
      else if (params.edges.length) this.callbacks.onSelect("edge", params.edges[0]);
      else this.callbacks.onSelect(null, null);
    }

    /* A tooltip for the node under the pointer, built now and only as text. */
    showTooltip(params) {
      const n = this.raw.nodes.get(params.node);
      const tip = document.getElementById("tooltip");
      if (!n || !tip) return;
      tip.replaceChildren(
        el("strong", {}, n.count ? n.kind + " × " + n.count : n.name || n.label || n.id),
        el("div", { class: "muted" }, (n.kind || "").replace(/_/g, " "), n.layer !== undefined ? " · layer " + n.layer : "",
          n.isolated ? " · isolated" : "", n.confidence && n.confidence !== "confirmed" ? " · " + n.confidence : ""));
      const p = params.pointer && params.pointer.DOM ? params.pointer.DOM : { x: 0, y: 0 };
      tip.style.left = p.x + 14 + "px";
      tip.style.top = p.y + 14 + "px";
      tip.hidden = false;
    }

    hideTooltip() {
      const tip = document.getElementById("tooltip");
      if (tip) tip.hidden = true;
    }

    /* White background (so PNG exports are opaque) and the layer bands with their labels. */
    drawBackground(ctx) {
      const w = this.container.clientWidth, h = this.container.clientHeight;
      const tl = this.network.DOMtoCanvas({ x: 0, y: 0 });
      const br = this.network.DOMtoCanvas({ x: w, y: h });
      ctx.save();
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(tl.x, tl.y, br.x - tl.x, br.y - tl.y);
      if (this.bands) drawBands(ctx, this.bands, tl, br, this.network.getScale());
      ctx.restore();
    }

    pngDataUrl() {
      return this.container.querySelector("canvas").toDataURL("image/png");
    }

    /* The current view as vis data with current positions, for the offline HTML export. */
    snapshot() {
      const positions = this.network.getPositions();
      const nodes = this.nodes.get().map((n) => {
        const raw = this.raw.nodes.get(n.id) || {};
        return Object.assign({}, n, positions[n.id] || {}, { fixed: false, info: [raw.kind, raw.layer !== undefined ? "layer " + raw.layer : ""].filter(Boolean).join(" · ") });
      });
      return { nodes, edges: this.edges.get() };
    }
  }

  /* Bands from server positions: one per layer row, and the isolated band apart. */
  function computeBands(nodes) {
    const rows = new Map();
    let isolatedY = null, minX = Infinity, maxX = -Infinity;
    for (const n of nodes) {
      if (n.x === undefined || n.x === null) return null;
      minX = Math.min(minX, n.x); maxX = Math.max(maxX, n.x);
      if (n.isolated) { isolatedY = isolatedY === null ? n.y : Math.max(isolatedY, n.y); continue; }
      if (n.layer !== undefined && !rows.has(n.layer)) rows.set(n.layer, n.y);
    }
    const ys = [...rows.values(), isolatedY].filter((y) => y !== null).sort((a, b) => a - b);
    let step = 150;
    for (let i = 1; i < ys.length; i++) if (ys[i] - ys[i - 1] > 1) step = Math.min(step, ys[i] - ys[i - 1]);
    const bands = [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([layer, y]) => ({ label: "layer " + layer, y, isolated: false }));
    if (isolatedY !== null) bands.push({ label: "isolated", y: isolatedY, isolated: true });
    return { bands, step, minX, maxX };
  }

  function drawBands(ctx, info, tl, br, scale) {
    const half = info.step / 2;
    info.bands.forEach((band, i) => {
      ctx.fillStyle = band.isolated ? "#fdf6ec" : i % 2 ? "#ffffff" : "#f3f6fa";
      ctx.fillRect(tl.x, band.y - half, br.x - tl.x, info.step);
      if (band.isolated) {
        ctx.strokeStyle = "#d9a65b";
        ctx.setLineDash([8 / scale, 6 / scale]);
        ctx.lineWidth = 1.2 / scale;
        ctx.beginPath();
        ctx.moveTo(tl.x, band.y - half);
        ctx.lineTo(br.x, band.y - half);
        ctx.stroke();
        ctx.setLineDash([]);
      }
      ctx.fillStyle = band.isolated ? "#a86b1d" : "#7b8794";
      ctx.font = "600 " + 12 / scale + "px Inter, system-ui, sans-serif";
      ctx.textBaseline = "top";
      ctx.fillText(band.label.toUpperCase(), tl.x + 10 / scale, band.y - half + 6 / scale);
    });
  }

  window.ExplorerView = ExplorerView;
  window.ExplorerView.kindStyle = kindStyle;
})();
