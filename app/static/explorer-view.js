/* The explorer's network: vis-network with server positions, layer bands drawn on the canvas,
   highlighting, expand/collapse and exports. Built for size: physics off, straight edges,
   edges hidden while dragging or zooming, tooltips built only for the node under the pointer. */
(function () {
  "use strict";
  const { el } = window.GG;
  const { visNode, kindStyle, networkOptions } = window.GraphStyle;
  const Map_ = window.ExplorerMap;

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
      shapeProperties: { interpolation: false },
    },
    edges: {
      smooth: false,
      selectionWidth: 1.5,
      hoverWidth: 0,
      font: { size: 10, align: "middle", color: "#52606d", strokeWidth: 3 },
      arrowStrikethrough: false,
    },
    // vis-network's own hover redraws the whole network for every node the pointer crosses;
    // the tooltip is found with getNodeAt instead, and a click selects the node alone.
    interaction: {
      hover: false, hoverConnectedEdges: false, selectConnectedEdges: false,
      hideEdgesOnDrag: true, hideEdgesOnZoom: true,
      multiselect: false, keyboard: false, navigationButtons: false, zoomView: true,
    },
  };
  // Below this zoom edges are drawn in one stroke per style (no dashes, no arrowheads):
  // dashes and arrowheads are specks there, yet drawing them one by one took 2.5 s of 2.7 s
  // for 7,500 edges. Above it vis-network draws each edge in view, with its arrowhead.
  const DETAIL_SCALE = 0.45;
  // Thinnest line on screen in the fast drawing, in pixels: thinner lines vanish.
  const MIN_LINE_PX = 0.6;
  // Arrowheads in the fast drawing only from this zoom on: below it they are under 2 pixels.
  const FAST_ARROW_SCALE = 0.2;
  const FADE_SCALE = 0.3;
  // Networks with up to this many edges are always drawn by vis-network, edge by edge; the
  // same for nodes.
  const FEW_EDGES = 800;
  const FEW_NODES = 800;
  // Groups of the overview are bigger than actors: their slots and rows are wider.
  const GROUP_LAYOUT = { slot: 170, subrow: 96, gap: 120 };
  // Hover dims all but an actor's neighbours up to this many drawn actors: above it, redrawing
  // every node's opacity on each hover would make the pointer lag.
  const HOVER_MAX = 4000;
  const DIM_NODE = 0.15, DIM_EDGE = 0.07;
  const EDGE_ALPHA = 0.6;
  // Up to this many actors, labels are placed in every frame, also while moving.
  const LABELS_WHILE_MOVING = 3000;

  class ExplorerView {
    constructor(container, callbacks) {
      this.container = container;
      this.callbacks = callbacks || {};
      this.nodes = new vis.DataSet();
      this.edges = new vis.DataSet();
      this.raw = { nodes: new Map(), edges: new Map() };
      this.index = null;
      this.expansions = new Map();
      this.bands = null;
      this.highlighted = null;
      this.layout = "layers";
      this.labelOrder = [];
      this.drawnLabels = [];
      this.drawnBands = [];
      this.network = new vis.Network(container, { nodes: this.nodes, edges: this.edges }, BASE_OPTIONS);
      this.viewport = null;
      installEdgeRenderer(this);
      this.network.on("beforeDrawing", (ctx) => this.drawBackground(ctx));
      this.network.on("afterDrawing", (ctx) => this.drawOverlay(ctx));
      this.network.on("click", (params) => this.onClick(params));
      this.network.on("dragStart", () => this.hideTooltip());
      this.network.on("zoom", () => { this.hideTooltip(); this.cameraChanged(); });
      this.network.on("dragEnd", (params) => { this.pin(params.nodes || []); this.cameraChanged(); });
      // While a large network is dragged or zoomed its labels wait until it rests (as its
      // edges do): placing them for every frame would make the motion lag.
      this.network.on("dragStart", () => { this.moving = true; });
      this.network.on("dragEnd", () => this.rest());
      this.network.on("zoom", () => { this.moving = true; clearTimeout(this.restTimer); this.restTimer = setTimeout(() => this.rest(), 150); });
      this.network.on("doubleClick", (params) => {
        if (params.nodes.length && this.callbacks.onExpand) this.callbacks.onExpand(params.nodes[0]);
      });
      this.network.on("stabilizationIterationsDone", () => this.stabilised());
      container.addEventListener("pointermove", (event) => this.pointerMoved(event));
      container.addEventListener("pointerleave", () => { this.hideTooltip(); this.hoverNeighbours(undefined); });
    }

    /* Replace the whole graph with a /graph answer; calls onReady after the first drawing. */
    setData(data, opts) {
      this.layout = opts.layout;
      this.physics = opts.physics;
      this.data = data;
      this.raw = { nodes: new Map(), edges: new Map() };
      this.expansions = new Map();
      this.highlighted = null;
      this.hovering = null;
      this.hoverFor = undefined;
      this.pinned = new Set();
      const source = opts.layout === "layers" ? this.mapNodes(data.nodes) : data.nodes;
      const nodes = source.map((n) => this.prepareNode(n));
      const edges = data.edges.map((e) => this.prepareEdge(e));
      this.labelOrder = labelOrder(source, data.edges);
      this.indexPairs();
      this.nodes = new vis.DataSet(nodes);
      this.edges = new vis.DataSet(edges);
      const options = networkOptions(data.legend && data.legend.kinds);
      // Rows stay rows: actors may be dragged sideways only. One option for all nodes, as
      // per-node options are what makes vis-network slow to build thousands of nodes.
      options.nodes.fixed = opts.layout === "layers" ? { x: false, y: true } : false;
      this.network.setOptions(Object.assign(options, { physics: { enabled: opts.layout === "force" || opts.physics } }));
      this.network.once("afterDrawing", () => this.callbacks.onReady && this.callbacks.onReady());
      this.network.setData({ nodes: this.nodes, edges: this.edges });
      if (opts.camera) this.network.moveTo({ position: { x: opts.camera.x, y: opts.camera.y }, scale: opts.camera.scale, animation: false });
      else this.fit();
    }

    /* Server positions re-wrapped into bands fitted to the canvas (see explorer-map.js). */
    mapNodes(nodes) {
      const grouped = nodes.some((n) => n.count);
      if (nodes.some((n) => n.x === undefined || n.x === null)) { this.bands = null; return nodes; }
      // The timeline sets ``frame`` to the all-time actors: bands and places come from them, so
      // stepping through dates shows actors appear and leave while the others stay put.
      const framed = !grouped && this.frame && nodes.every((n) => this.frame.has(n.id));
      const frame = framed ? [...this.frame.values()] : nodes;
      const map = Map_.reflow(frame, framed ? this.frameSize() : this.size(), grouped ? GROUP_LAYOUT : {});
      this.bands = { bands: map.bands, gap: map.gap };
      const placed = nodes.map((n) => Object.assign({}, n, map.positions.get(n.id)));
      this.frames = openedFrames(placed);
      return placed;
    }

    /* The share of the actors in view that get a label: how readable the view is. Runs the
       label placement on a scratch canvas, so it can be asked before the first drawing. */
    labelCoverage() {
      const scratch = document.createElement("canvas").getContext("2d");
      this.drawOverlay(scratch);
      return this.drawnLabels.length / Math.max(1, this.onScreen);
    }

    size() {
      return { width: this.container.clientWidth || 800, height: this.container.clientHeight || 600 };
    }

    /* The canvas size the frame was first laid out for: the timeline's text may take another
       line at some dates, and a canvas a few pixels shorter would stretch every place anew. */
    frameSize() {
      if (this.sizedFrame !== this.frame) {
        this.sizedFrame = this.frame;
        this.sizeOfFrame = this.size();
      }
      return this.sizeOfFrame;
    }

    /* Fit the whole picture: right of the band titles in the layered view, with a margin. */
    fit() {
      if (!this.bands) {
        this.network.fit({ animation: false });
        this.network.moveTo({ scale: this.network.getScale() * 0.94, animation: false });
        return;
      }
      const positions = Object.values(this.network.getPositions());
      const camera = Map_.fitCamera(positions, this.size(), 16);
      this.network.moveTo({ position: { x: camera.x, y: camera.y }, scale: camera.scale, animation: false });
    }

    /* Whether edges are drawn one by one (with dashes and arrowheads) at the current zoom. */
    detailed() {
      return this.network.getScale() >= DETAIL_SCALE || this.edges.length <= FEW_EDGES;
    }

    prepareNode(n) {
      this.raw.nodes.set(n.id, n);
      const node = visNode(n);
      // Labels are drawn by drawOverlay, placed so that none overlaps another.
      delete node.label;
      if (this.layout === "force") { delete node.x; delete node.y; }
      return node;
    }

    prepareEdge(e) {
      this.raw.edges.set(e.id, e);
      return visEdge(e);
    }

    /* The edge index (pairs of actors, edges at each actor) is built when first asked for:
       at 20,000 actors building it took a tenth of a second before the first picture. */
    indexPairs() {
      this.index = null;
    }

    edgeIndex() {
      if (this.index) return this.index;
      const pairs = new Map(), incident = new Map();
      for (const e of this.raw.edges.values()) {
        for (const end of [e.from, e.to]) {
          if (!incident.has(end)) incident.set(end, []);
          incident.get(end).push(e);
        }
        for (const key of [e.from + "\u0000" + e.to, e.to + "\u0000" + e.from]) {
          if (!pairs.has(key)) pairs.set(key, []);
          pairs.get(key).push(e.id);
        }
      }
      this.index = { pairs, incident };
      return this.index;
    }

    /* Edge ids joining consecutive ids of a path (either direction). */
    edgesAlong(path) {
      const found = [];
      for (let i = 1; i < path.length; i++) found.push(...(this.edgeIndex().pairs.get(path[i - 1] + "\u0000" + path[i]) || []));
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
        // Server positions are not those of the fitted bands: new actors ring the anchor.
        if (this.bands) { delete node.x; delete node.y; }
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
      const p = params.pointer && params.pointer.DOM;
      const caption = p && (this.captions || []).find((c) => p.x >= c.box.left && p.x <= c.box.right && p.y >= c.box.top && p.y <= c.box.bottom);
      if (caption && this.callbacks.onCollapseGroup) return this.callbacks.onCollapseGroup(caption.id);
      if (params.nodes.length) this.callbacks.onSelect("node", params.nodes[0]);
      else if (params.edges.length) this.callbacks.onSelect("edge", params.edges[0]);
      else this.callbacks.onSelect(null, null);
    }

    /* The tooltip follows the pointer, looked up once per frame at most. */
    pointerMoved(event) {
      if (event.buttons) return;
      const box = this.container.getBoundingClientRect();
      this.pointer = { x: event.clientX - box.left, y: event.clientY - box.top };
      if (this.tooltipFrame) return;
      this.tooltipFrame = requestAnimationFrame(() => {
        this.tooltipFrame = null;
        const id = this.network.getNodeAt(this.pointer);
        this.hoverNeighbours(id);
        if (id === undefined) return this.hideTooltip();
        if (id !== this.tooltipFor) this.showTooltip(id);
        this.placeTooltip();
      });
    }

    /* A tooltip for the node under the pointer, built now and only as text. */
    showTooltip(id) {
      const n = this.raw.nodes.get(id);
      const tip = document.getElementById("tooltip");
      if (!n || !tip) return;
      this.tooltipFor = id;
      tip.replaceChildren(
        el("strong", {}, n.count ? n.kind + " × " + n.count : n.name || n.label || n.id),
        el("div", { class: "muted" }, (n.kind || "").replace(/_/g, " "), n.layer !== undefined ? " · layer " + n.layer : "",
          n.isolated ? " · isolated" : "", n.confidence && n.confidence !== "confirmed" ? " · " + n.confidence : ""));
      tip.hidden = false;
    }

    placeTooltip() {
      const tip = document.getElementById("tooltip");
      if (!tip || tip.hidden) return;
      tip.style.left = this.pointer.x + 14 + "px";
      tip.style.top = this.pointer.y + 14 + "px";
    }

    hideTooltip() {
      this.tooltipFor = null;
      const tip = document.getElementById("tooltip");
      if (tip) tip.hidden = true;
    }

    /* White background (so PNG exports are opaque) and the layer bands with their labels. */
    drawBackground(ctx) {
      const w = this.container.clientWidth, h = this.container.clientHeight;
      const tl = this.network.DOMtoCanvas({ x: 0, y: 0 });
      const br = this.network.DOMtoCanvas({ x: w, y: h });
      this.viewport = { left: tl.x, top: tl.y, right: br.x, bottom: br.y };
      this.frameEdges = null;
      ctx.save();
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(tl.x, tl.y, br.x - tl.x, br.y - tl.y);
      if (this.bands) Map_.drawBandBackgrounds(ctx, this.bands, tl, br, this.network.getScale());
      drawFrames(ctx, this.frames || [], this.network.getScale());
      ctx.restore();
    }

    rest() {
      if (!this.moving) return;
      this.moving = false;
      if (this.nodes.length > LABELS_WHILE_MOVING) this.network.redraw();
    }

    /* Band titles and actor labels on top of the network, in screen pixels. */
    drawOverlay(ctx) {
      const net = this.network, scale = net.getScale(), origin = net.canvasToDOM({ x: 0, y: 0 });
      const { width, height } = this.size();
      const ratio = (net.canvas && net.canvas.pixelRatio) || window.devicePixelRatio || 1;
      ctx.save();
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      const obstacles = [];
      let left = 0;
      this.drawnBands = [];
      if (this.bands) {
        this.drawnBands = Map_.drawGutter(ctx, this.bands, (y) => y * scale + origin.y, height);
        left = Map_.GUTTER;
      }
      // While a highlight or a hover dims the rest, only the lit actors are labelled.
      const lit = this.highlighted || this.hovering;
      const body = net.body.nodes, selected = new Set(net.getSelectedNodes()), keep = lit && lit.nodes;
      const landmarks = new Set(this.labelIds().slice(0, landmarkCount(this.labelIds().length)));
      this.captions = (this.frames || []).map((f) => frameCaption(ctx, f, scale, origin, left));
      this.captions.forEach((c) => obstacles.push(c.box));
      // Groups of the overview are landmarks too: the overview is read by its group labels.
      for (const id of this.labelIds()) if (this.raw.nodes.get(id) && this.raw.nodes.get(id).count) landmarks.add(id);
      for (const id of this.labelIds()) {
        const node = body[id];
        if (!node) continue;
        const x = node.x * scale + origin.x, y = node.y * scale + origin.y, r = Math.max(3, (node.options.size || 13) * scale);
        if (x < -r || x > width + r || y < -r || y > height + r) continue;
        obstacles.push({ owner: id, minor: !landmarks.has(id), left: x - r, right: x + r, top: y - r, bottom: y + r });
      }
      this.onScreen = obstacles.filter((o) => o.owner !== undefined).length;
      // Selected, hovered and highlighted actors (a path, a chain) are labelled first.
      const first = [...new Set([...selected, ...(this.hovering ? [this.hovering.id] : []), ...(this.highlighted ? this.highlighted.nodes : [])])];
      const firstSet = new Set(first);
      const still = !this.moving || this.nodes.length <= LABELS_WHILE_MOVING;
      const order = !still ? [] : first.length ? [...first, ...this.labelIds().filter((id) => !firstSet.has(id))] : this.labelIds();
      this.drawnLabels = Map_.drawLabels(ctx, order, obstacles, (id) => {
        const node = body[id], raw = this.raw.nodes.get(id);
        if (!node || !raw || (keep && !keep.has(id))) return null;
        const r = Math.max(3, (node.options.size || 13) * scale);
        return { x: node.x * scale + origin.x, y: node.y * scale + origin.y, r, text: labelText(raw), bold: !!raw.count, landmark: landmarks.has(id) || firstSet.has(id) };
      }, { left, top: 0, right: width, bottom: height });
      ctx.restore();
    }

    /* Hovering an actor lights it and its neighbours and dims the rest, as Kumu and Bloom do;
       a highlight (chain, path, voice) set from the panel takes precedence. */
    hoverNeighbours(id) {
      if (id === this.hoverFor) return;
      this.hoverFor = id;
      if (this.highlighted || this.nodes.length > HOVER_MAX) return;
      if (id === undefined || id === null || !this.raw.nodes.has(id)) return this.undim();
      const near = new Set([id]), edges = new Set();
      for (const e of this.edgeIndex().incident.get(id) || []) { near.add(e.from); near.add(e.to); edges.add(e.id); }
      this.dim(near, edges);
      this.hovering = { id, nodes: near, edges };
    }

    dim(nodes, edges) {
      this.nodes.update([...this.raw.nodes.values()].map((n) => {
        const base = visNode(n);
        return { id: n.id, opacity: nodes.has(n.id) ? (base.opacity === undefined ? 1 : base.opacity) : DIM_NODE };
      }));
      this.edges.update([...this.raw.edges.values()].map((e) => {
        const base = visEdge(e);
        return { id: e.id, color: Object.assign({}, base.color, { opacity: edges.has(e.id) ? base.color.opacity : DIM_EDGE }) };
      }));
    }

    undim() {
      if (!this.hovering) return;
      this.hovering = null;
      this.nodes.update([...this.raw.nodes.values()].map((n) => {
        const base = visNode(n);
        return { id: n.id, opacity: base.opacity === undefined ? 1 : base.opacity };
      }));
      this.edges.update([...this.raw.edges.values()].map(visEdge).map((e) => ({ id: e.id, color: e.color })));
    }

    /* Dragged actors stay where they are put, also when physics runs; unpin() frees them. */
    pin(ids) {
      const moved = ids.filter((id) => this.raw.nodes.has(id));
      if (!moved.length) return;
      moved.forEach((id) => this.pinned.add(id));
      this.nodes.update(moved.map((id) => ({ id, fixed: { x: true, y: true } })));
      if (this.callbacks.onPin) this.callbacks.onPin(moved);
    }

    unpin(id) {
      this.pinned.delete(id);
      this.nodes.update([{ id, fixed: this.layout === "layers" ? { x: false, y: true } : false }]);
    }

    /* Visible feedback after an expansion: the new actors flash as selected for a moment. */
    pulse(id, added) {
      if (!added.length) return;
      this.network.selectNodes([id, ...added.filter((n) => this.nodes.get(n))]);
      clearTimeout(this.pulseTimer);
      this.pulseTimer = setTimeout(() => this.network.selectNodes(this.nodes.get(id) ? [id] : []), 1800);
    }

    /* Size and/or colour actors by a metric (actor id -> number); null restores the kind's
       style. Returns the range used, for the legend. */
    styleByMetric(size, colour) {
      this.metricStyle = { size, colour };
      const scale = (values) => {
        const known = Object.values(values || {}).filter((v) => typeof v === "number");
        return { min: Math.min(...known, 0), max: Math.max(...known, 0) };
      };
      const sizeRange = size ? scale(size) : null, colourRange = colour ? scale(colour) : null;
      this.nodes.update([...this.raw.nodes.values()].filter((n) => !n.count).map((n) => {
        const base = visNode(n), update = { id: n.id };
        update.size = size ? metricSize(size[n.id], sizeRange) : base.size === undefined ? 13 : base.size;
        if (colour) {
          const c = rampColour(colour[n.id], colourRange);
          update.color = { background: c, border: "#33415c", highlight: { background: c, border: "#111" }, hover: { background: c, border: "#111" } };
        } else {
          update.color = base.color || groupColour(this.network, n.kind);
        }
        return update;
      }));
      return { size: sizeRange, colour: colourRange };
    }

    /* Fit the given actors in view (a neighbourhood), leaving a margin. */
    fitNodes(ids) {
      const drawn = ids.filter((id) => this.nodes.get(id));
      if (!drawn.length) return;
      this.network.fit({ nodes: drawn, animation: false });
      this.network.moveTo({ scale: this.network.getScale() * 0.9, animation: false });
    }

    /* Bring the actors ``ids`` into ``area`` (DOM pixels of the canvas a person can see, e.g.
       beside an open panel, right of the band titles), with room for their labels: nothing
       moves when they are all there already; otherwise they are centred in it, zoomed out as
       far as needed, never in. Returns whether the camera moved. */
    showInside(ids, area) {
      const points = Object.values(this.network.getPositions(ids.filter((id) => this.nodes.get(id))));
      if (!points.length) return false;
      const room = Object.assign({}, area, { left: Math.max(area.left, this.bands ? Map_.GUTTER : 0) });
      const margin = 48;
      const seen = (p) => {
        const d = this.network.canvasToDOM(p);
        return d.x >= room.left + margin && d.x <= room.right - margin && d.y >= room.top + margin && d.y <= room.bottom - margin;
      };
      if (points.every(seen)) return false;
      const xs = points.map((p) => p.x), ys = points.map((p) => p.y);
      const left = Math.min(...xs), right = Math.max(...xs), top = Math.min(...ys), bottom = Math.max(...ys);
      const width = Math.max(40, room.right - room.left - 2 * margin), height = Math.max(40, room.bottom - room.top - 2 * margin);
      const scale = Math.min(this.network.getScale(), width / Math.max(1, right - left), height / Math.max(1, bottom - top));
      const size = this.size();
      const cx = (room.left + room.right) / 2, cy = (room.top + room.bottom) / 2;
      const position = { x: (left + right) / 2 - (cx - size.width / 2) / scale, y: (top + bottom) / 2 - (cy - size.height / 2) / scale };
      this.network.moveTo({ position, scale, animation: false });
      this.cameraChanged();
      return true;
    }

    /* Node ids, most important first (see labelOrder); nodes added by expanding come last. */
    labelIds() {
      if (this.labelOrder.length !== this.raw.nodes.size) this.labelOrder = labelOrder([...this.raw.nodes.values()], [...this.raw.edges.values()]);
      return this.labelOrder;
    }

    pngDataUrl() {
      return this.container.querySelector("canvas").toDataURL("image/png");
    }
  }

  /* Replace vis-network's edge drawing (vis-network 9 draws every edge each frame): edges out
     of view are skipped, and big networks zoomed out are drawn in one stroke per style. If the
     renderer is not shaped as expected, vis-network's own drawing stays. */
  function installEdgeRenderer(view) {
    const renderer = view.network.renderer, body = view.network.body;
    if (!renderer || !body || typeof renderer._drawEdges !== "function" || typeof renderer._drawArrows !== "function") return;
    const inView = () => {
      if (!view.frameEdges) view.frameEdges = visibleEdges(body, view.viewport);
      return view.frameEdges;
    };
    renderer._drawEdges = (ctx) => {
      if (view.detailed()) inView().forEach((e) => e.draw(ctx));
      else drawBatched(ctx, inView(), view.network.getScale());
    };
    renderer._drawArrows = (ctx) => {
      if (view.detailed()) inView().forEach((e) => e.drawArrows(ctx));
      view.frameEdges = null;
    };
    installNodeRenderer(view, renderer, body);
    deferPhysicsData(view.network.physics);
  }

  /* vis-network re-indexes every node and edge for its physics on each data change, also with
     physics off (a tenth of the time to build 20,000 actors): here that waits until physics
     is switched on. */
  function deferPhysicsData(physics) {
    if (!physics || typeof physics.updatePhysicsData !== "function" || typeof physics.setOptions !== "function") return;
    const update = physics.updatePhysicsData.bind(physics), setOptions = physics.setOptions.bind(physics);
    let stale = false;
    physics.updatePhysicsData = () => {
      if (physics.options && physics.options.enabled === false) { stale = true; return; }
      stale = false;
      update();
    };
    physics.setOptions = (options) => {
      setOptions(options);
      if (stale && physics.options.enabled !== false) physics.updatePhysicsData();
    };
  }

  /* Many actors zoomed out are drawn in one path per style (explorer-nodes.js); zoomed in, or
     for a smaller network, vis-network draws each node itself. */
  function installNodeRenderer(view, renderer, body) {
    if (typeof renderer._drawNodes !== "function" || !window.ExplorerNodes) return;
    const own = renderer._drawNodes.bind(renderer);
    renderer._drawNodes = (ctx, alwaysShow) => {
      const scale = view.network.getScale();
      if (alwaysShow || body.nodeIndices.length <= FEW_NODES || scale >= DETAIL_SCALE) return own(ctx, alwaysShow);
      const canvas = view.network.canvas, pad = 20;
      const tl = canvas.DOMtoCanvas({ x: -pad, y: -pad });
      const br = canvas.DOMtoCanvas({ x: canvas.frame.canvas.clientWidth + pad, y: canvas.frame.canvas.clientHeight + pad });
      const area = { left: tl.x, top: tl.y, right: br.x, bottom: br.y };
      const later = window.ExplorerNodes.drawBatched(ctx, body, area, scale).map((node) => node.draw(ctx).drawExternalLabel).filter(Boolean);
      return { drawExternalLabels: () => later.forEach((draw) => draw()) };
    };
  }

  function visibleEdges(body, area) {
    const found = [];
    for (const id of body.edgeIndices) {
      const e = body.edges[id];
      if (e.connected !== true || e.options.hidden || !e.from || !e.to) continue;
      if (area) {
        const pad = 40;
        if (Math.max(e.from.x, e.to.x) < area.left - pad || Math.min(e.from.x, e.to.x) > area.right + pad) continue;
        if (Math.max(e.from.y, e.to.y) < area.top - pad || Math.min(e.from.y, e.to.y) > area.bottom + pad) continue;
      }
      found.push(e);
    }
    return found;
  }

  /* One path per colour, opacity, width and dash pattern; arrowheads as one fill per colour. */
  function drawBatched(ctx, edges, scale) {
    // Zoomed far out thousands of edges would bury the actors: they are drawn lighter there.
    const fade = scale < FADE_SCALE ? 0.45 : 1;
    const styles = new Map();
    for (const e of edges) {
      if (e.from === e.to) continue;
      const o = e.options, colour = e.selected ? o.color.highlight || "#111" : o.color.color;
      const width = Math.max(o.width + (e.selected ? 1.5 : 0), MIN_LINE_PX / scale);
      const dashes = Array.isArray(o.dashes) ? o.dashes : o.dashes ? [5, 5] : null;
      const key = colour + "|" + o.color.opacity + "|" + width + "|" + dashes;
      if (!styles.has(key)) styles.set(key, { colour, opacity: o.color.opacity, width, dashes, edges: [] });
      styles.get(key).edges.push(e);
    }
    ctx.save();
    for (const style of styles.values()) {
      ctx.globalAlpha = (style.opacity === undefined ? 1 : style.opacity) * fade;
      ctx.strokeStyle = style.colour;
      ctx.fillStyle = style.colour;
      ctx.lineWidth = style.width;
      ctx.setLineDash(style.dashes || []);
      ctx.beginPath();
      for (const e of style.edges) { ctx.moveTo(e.from.x, e.from.y); ctx.lineTo(e.to.x, e.to.y); }
      ctx.stroke();
      if (scale >= FAST_ARROW_SCALE) fillArrowheads(ctx, style);
    }
    ctx.restore();
  }

  function fillArrowheads(ctx, style) {
    const length = 9 + 3 * style.width;
    ctx.beginPath();
    for (const e of style.edges) {
      const arrow = e.options.arrows && e.options.arrows.to;
      if (!arrow || !arrow.enabled) continue;
      const dx = e.to.x - e.from.x, dy = e.to.y - e.from.y, d = Math.hypot(dx, dy);
      const gap = (e.to.options.size || 13) + 2;
      if (d <= gap + length) continue;
      const ux = dx / d, uy = dy / d;
      const tipX = e.to.x - ux * gap, tipY = e.to.y - uy * gap;
      const baseX = tipX - ux * length, baseY = tipY - uy * length, half = length * 0.4;
      ctx.moveTo(tipX, tipY);
      ctx.lineTo(baseX - uy * half, baseY + ux * half);
      ctx.lineTo(baseX + uy * half, baseY - ux * half);
      ctx.closePath();
    }
    ctx.fill();
  }

  /* The box around the members of each opened group of the overview, in world units. */
  function openedFrames(nodes) {
    const frames = new Map();
    for (const n of nodes) {
      if (!n.inGroup) continue;
      const f = frames.get(n.inGroup) || { id: n.inGroup, kind: n.kind, count: 0, left: n.x, right: n.x, top: n.y, bottom: n.y };
      f.count += 1;
      f.left = Math.min(f.left, n.x); f.right = Math.max(f.right, n.x);
      f.top = Math.min(f.top, n.y); f.bottom = Math.max(f.bottom, n.y);
      frames.set(n.inGroup, f);
    }
    return [...frames.values()];
  }

  const FRAME_PAD = 40;

  function drawFrames(ctx, frames, scale) {
    for (const f of frames) {
      ctx.fillStyle = "rgba(29, 78, 137, 0.05)";
      ctx.strokeStyle = "#7c9cc4";
      ctx.lineWidth = 1.2 / scale;
      ctx.setLineDash([6 / scale, 4 / scale]);
      const left = f.left - FRAME_PAD * 1.5, top = f.top - FRAME_PAD;
      ctx.fillRect(left, top, f.right - f.left + FRAME_PAD * 3, f.bottom - f.top + FRAME_PAD * 2.2);
      ctx.strokeRect(left, top, f.right - f.left + FRAME_PAD * 3, f.bottom - f.top + FRAME_PAD * 2.2);
      ctx.setLineDash([]);
    }
  }

  /* The caption of an opened group, at its frame's top left corner: a click on it closes the
     group again. Drawn in screen pixels; returns its box (a label may not cover it). */
  function frameCaption(ctx, f, scale, origin, gutter) {
    const text = f.count + " × " + String(f.kind).replace(/_/g, " ") + " ▴ collapse";
    ctx.font = "600 11px " + Map_.FONT;
    const width = ctx.measureText(text).width + 12;
    const x = Math.max(gutter + 4, (f.left - FRAME_PAD * 1.5) * scale + origin.x + 2), y = (f.top - FRAME_PAD) * scale + origin.y + 2;
    ctx.fillStyle = "#ffffff";
    ctx.strokeStyle = "#7c9cc4";
    ctx.lineWidth = 1;
    ctx.fillRect(x, y, width, 18);
    ctx.strokeRect(x, y, width, 18);
    ctx.fillStyle = "#1d4e89";
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    ctx.fillText(text, x + 6, y + 9.5);
    return { id: f.id, text, box: { left: x, top: y, right: x + width, bottom: y + 18 } };
  }

  /* A relation's vis edge, drawn lighter than the actors it joins so that labels and arrows
     stay legible (a selected edge is drawn in full, in vis-network's highlight colour), and
     without a text label: only the overlay draws text, where it cannot overlap. */
  function visEdge(e) {
    const edge = window.GraphStyle.visEdge(e);
    delete edge.label;
    edge.color.opacity = (edge.color.opacity === undefined ? 1 : edge.color.opacity) * EDGE_ALPHA;
    return edge;
  }

  /* How many of the most important actors are landmarks, whose labels may cover minor nodes:
     one in twelve, at most 24. */
  function landmarkCount(total) {
    return Math.min(24, Math.ceil(total / 12));
  }

  /* The text a node's label shows: a group says how many of which kind. */
  function labelText(n) {
    if (n.count) return n.count + " × " + String(n.kind || "").replace(/_/g, " ");
    return n.name || n.label || n.id;
  }

  /* Ids by importance for labelling: groups by size; actors by their relations plus how close
     they are to the top layer (isolated actors count half), ties by name. */
  function labelOrder(nodes, edges) {
    const degree = new Map();
    for (const e of edges) {
      const w = e.count || 1;
      degree.set(e.from, (degree.get(e.from) || 0) + w);
      degree.set(e.to, (degree.get(e.to) || 0) + w);
    }
    const deepest = Math.max(0, ...nodes.map((n) => Number(n.layer) || 0));
    const score = (n) => {
      if (n.count) return 1e6 + n.count;
      const d = degree.get(n.id) || 0;
      return n.isolated ? d / 2 : d + (deepest - (Number(n.layer) || 0));
    };
    return nodes.map((n) => [score(n), labelText(n), n.id]).sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).map((t) => t[2]);
  }

  /* Area grows with the value: radius from 7 to 30 pixels between the smallest and largest. */
  function metricSize(value, range) {
    if (typeof value !== "number" || range.max <= range.min) return 10;
    return 7 + 23 * Math.sqrt((value - range.min) / (range.max - range.min));
  }

  // A sequential ramp (light yellow to dark blue, after ColorBrewer YlGnBu): readable on the
  // light map, and ordered so a darker actor always means a larger value.
  const RAMP = ["#ffffd9", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"];

  function rampColour(value, range) {
    if (typeof value !== "number") return "#d9d9d9";
    const t = range.max > range.min ? (value - range.min) / (range.max - range.min) : 0;
    return RAMP[Math.min(RAMP.length - 1, Math.round(t * (RAMP.length - 1)))];
  }

  /* The kind's own colours back (its vis group's), for a node that had a metric colour. */
  function groupColour(network, kind) {
    const groups = network.groups && network.groups.groups;
    return (groups && groups[kind] && groups[kind].color) || undefined;
  }

  window.ExplorerView = ExplorerView;
  window.ExplorerView.RAMP = RAMP;
  window.ExplorerView.kindStyle = kindStyle;
})();
