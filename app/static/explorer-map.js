/* The explorer's map: the layered layout fitted to the canvas, band titles in a gutter at the
   left, and actor labels placed by importance so that no two ever overlap.

   Positions from the server give each band's order (crossing-reduced); here each band is
   wrapped into as many sub-rows as the canvas shape asks for, in world units sized for a
   label (so at zoom 1 every label has room). Labels are drawn at a fixed screen size: zoomed
   out, the most important actors of each stretch keep theirs and the rest are hidden; zooming
   in gives room to more, until every actor has one. */
(function () {
  "use strict";

  // World units between neighbours in one sub-row: a label's width plus a gap.
  const SLOT = 136;
  // World units between the sub-rows of one band: a node and two lines of label.
  const SUBROW = 66;
  // World units from the last sub-row of one band to the first of the next.
  const GAP = 96;
  // Screen pixels at the left of the canvas kept for the band titles.
  const GUTTER = 184;
  const MARGIN = 10;
  // The most a fitted view zooms in: small structures are not blown up.
  const MAX_FIT_SCALE = 1.25;
  const LABEL = { size: 12, line: 14, maxWidth: 124, widths: [124, 88, 64], groupWidths: [156, 124, 100, 76], maxLines: 2, pad: 3, gap: 3 };
  const FONT = "Inter, system-ui, sans-serif";
  const FONT_NORMAL = LABEL.size + "px " + FONT, FONT_BOLD = "600 " + FONT_NORMAL;
  // Work budget per frame: enough for every actor of a bundled scenario, bounded for 20k.
  const MAX_TRIES = 3000;
  const MAX_LABELS = 600;
  // The fewest letters of a name a shortened label keeps (else it is not drawn at all).
  const MIN_KEPT = 4;
  const CELL = 64;

  const NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];

  /* What a band means, in words: "Layer 4 — four steps of control below the top (42)". */
  function bandTitle(band) {
    if (band.isolated) return { head: "No control relation (" + band.count + ")", meaning: "may still have voice or other relations", full: "No control relation; may still have voice or other relations (" + band.count + ")" };
    const layer = band.layer;
    const meaning = layer === 0 ? "steered by no one in this model"
      : (NUMBERS[layer] || String(layer)) + (layer === 1 ? " step" : " steps") + " of control below the top";
    return { head: "Layer " + layer + " (" + band.count + ")", meaning, full: "Layer " + layer + " — " + meaning + " (" + band.count + ")" };
  }

  function bandKey(n) { return n.isolated ? "isolated" : Number(n.layer) || 0; }

  /* Place ``nodes`` ({id, layer, isolated, x, y} with the server's order) in bands fitted to a
     canvas of ``size`` ({width, height}); returns {positions: Map id -> {x, y}, bands}. */
  function reflow(nodes, size, opts) {
    const o = Object.assign({ slot: SLOT, subrow: SUBROW, gap: GAP }, opts || {});
    const rows = new Map();
    for (const n of nodes) {
      const key = bandKey(n);
      if (!rows.has(key)) rows.set(key, []);
      rows.get(key).push(n);
    }
    const keys = [...rows.keys()].sort((a, b) => (a === "isolated") - (b === "isolated") || a - b);
    // ``order`` (set by the overview) keeps the members of an opened group together.
    const key = (n) => n.order || [n.x, n.y];
    keys.forEach((k) => rows.get(k).sort((a, b) => {
      const ka = key(a), kb = key(b);
      return (ka[0] - kb[0]) || (ka[1] - kb[1]) || (a.id < b.id ? -1 : 1);
    }));
    const sizes = keys.map((k) => rows.get(k).length);
    const columns = columnsFor(sizes, size, o);
    const positions = new Map(), bands = [];
    let top = 0;
    keys.forEach((key) => {
      const row = rows.get(key), sub = Math.ceil(row.length / columns), step = o.slot / sub, middle = (row.length - 1) / 2;
      if (key === "isolated" && bands.length) top += o.gap / 2;
      row.forEach((n, i) => positions.set(n.id, { x: (i - middle) * step, y: top + (i % sub) * o.subrow }));
      const band = { key, layer: key === "isolated" ? 0 : key, isolated: key === "isolated", count: row.reduce((s, n) => s + (n.count || 1), 0), top, bottom: top + (sub - 1) * o.subrow };
      Object.assign(band, { title: bandTitle(band) });
      bands.push(band);
      top = band.bottom + o.gap;
    });
    stretch(positions, size);
    return { positions, bands, gap: o.gap, columns };
  }

  // Screen pixels kept around the fitted picture for the labels of its outer actors.
  const MARGIN_X = 64, MARGIN_TOP = 20, MARGIN_BOTTOM = 3 * 14 + 14;

  /* The scale at which a picture of ``w`` x ``h`` world units (node centres) fits the canvas. */
  function fitScale(w, h, size) {
    const width = Math.max(50, size.width - GUTTER - 2 * MARGIN - 2 * MARGIN_X);
    const height = Math.max(50, size.height - 2 * MARGIN - MARGIN_TOP - MARGIN_BOTTOM);
    return Math.max(0.01, Math.min(MAX_FIT_SCALE, width / Math.max(w, 1), height / Math.max(h, 1)));
  }

  function heightOf(sizes, o, columns) {
    return sizes.reduce((sum, n) => sum + (Math.ceil(n / columns) - 1) * o.subrow, 0) + o.gap * (sizes.length - 1) + 40;
  }

  /* Columns per sub-row: the number that lets the fitted picture be drawn largest (a wide
     canvas gets long rows, a tall one more sub-rows), but never fewer than fit the canvas width
     at zoom 1, so a structure with room to spare is not wrapped. */
  function columnsFor(sizes, size, o) {
    const widest = Math.max(1, ...sizes);
    const roomy = Math.min(widest, Math.max(1, Math.floor((size.width - GUTTER - 2 * MARGIN_X) / o.slot)));
    const scale = (c) => fitScale((c - 1) * o.slot + 40, heightOf(sizes, o, c), size);
    let best = 1;
    // Every column count is tried: a cheap sum per count, a few thousand counts at most.
    for (let c = 2; c <= widest; c++) if (scale(c) > scale(best) + 1e-9) best = c;
    return Math.max(best, roomy);
  }

  /* A picture bounded by the canvas height is stretched sideways to the whole width (at most
     three times, so a handful of actors is not scattered): more room between neighbours. */
  function stretch(positions, size) {
    const points = [...positions.values()];
    if (points.length < 2) return;
    const xs = points.map((p) => p.x), ys = points.map((p) => p.y);
    const spanX = Math.max(...xs) - Math.min(...xs), spanY = Math.max(...ys) - Math.min(...ys);
    const scale = fitScale(spanX + 28, spanY + 28, size);
    const want = (size.width - GUTTER - 2 * MARGIN - 2 * MARGIN_X) / scale - 28;
    if (spanX <= 0 || want <= spanX) return;
    const factor = Math.min(3, want / spanX);
    points.forEach((p) => { p.x *= factor; });
  }

  /* The camera that shows every node, right of the gutter, as large as fits (at most 1.25). */
  function fitCamera(points, size, nodeRadius) {
    if (!points.length) return { x: 0, y: 0, scale: 1 };
    let left = Infinity, right = -Infinity, top = Infinity, bottom = -Infinity;
    for (const p of points) {
      left = Math.min(left, p.x); right = Math.max(right, p.x);
      top = Math.min(top, p.y); bottom = Math.max(bottom, p.y);
    }
    const r = nodeRadius || 14;
    const scale = fitScale(right - left + 2 * r, bottom - top + 2 * r, size);
    // vis-network's camera position is the world point shown at the centre of the canvas:
    // the picture's centre, moved for the gutter and for the label room below the last row.
    const shiftX = (GUTTER / 2) / scale, shiftY = ((MARGIN_BOTTOM - MARGIN_TOP) / 2) / scale;
    return { x: (left + right) / 2 - shiftX, y: (top + bottom) / 2 + shiftY, scale };
  }

  // ---- text -----------------------------------------------------------------------------

  // Widths by font, then by text: one canvas measurement per string and font.
  const widths = new Map();

  /* ``font`` is ctx's current font when the caller knows it (reading ctx.font is slow). */
  function measure(ctx, text, font) {
    font = font || ctx.font;
    let byText = widths.get(font);
    if (byText === undefined) { byText = new Map(); widths.set(font, byText); }
    let w = byText.get(text);
    if (w === undefined) { w = ctx.measureText(text).width; byText.set(text, w); }
    return w;
  }

  /* Break ``text`` into at most ``maxLines`` lines of at most ``maxWidth`` pixels; the last
     line ends in an ellipsis when the text does not fit. */
  function wrap(ctx, text, maxWidth, maxLines, font) {
    const words = String(text).split(/\s+/).filter(Boolean);
    const lines = [];
    let i = 0;
    while (i < words.length && lines.length < maxLines) {
      let line = words[i++];
      while (i < words.length && measure(ctx, line + " " + words[i], font) <= maxWidth) line += " " + words[i++];
      lines.push(line);
    }
    if (i < words.length) lines[lines.length - 1] += " " + words.slice(i).join(" ");
    return lines.map((l) => ellipsis(ctx, l, maxWidth, font));
  }

  function ellipsis(ctx, text, maxWidth, font) {
    if (measure(ctx, text, font) <= maxWidth) return text;
    let low = 0, high = text.length;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (measure(ctx, text.slice(0, middle).trimEnd() + "…", font) <= maxWidth) low = middle; else high = middle - 1;
    }
    return text.slice(0, low).trimEnd() + "…";
  }

  // ---- collision grid ---------------------------------------------------------------------

  class Grid {
    constructor() { this.cells = new Map(); }
    keys(b) {
      const out = [];
      for (let i = Math.floor(b.left / CELL); i <= Math.floor(b.right / CELL); i++)
        for (let j = Math.floor(b.top / CELL); j <= Math.floor(b.bottom / CELL); j++) out.push(i * 100003 + j);
      return out;
    }
    add(b) {
      for (const k of this.keys(b)) {
        if (!this.cells.has(k)) this.cells.set(k, []);
        this.cells.get(k).push(b);
      }
    }
    hits(b, except, landmark) {
      for (const k of this.keys(b)) {
        for (const o of this.cells.get(k) || []) {
          if (o.owner !== undefined && (o.owner === except || (landmark && o.minor))) continue;
          if (o.left < b.right && b.left < o.right && o.top < b.bottom && b.top < o.bottom) return true;
        }
      }
      return false;
    }
  }

  /* Where a label may go around its node, in order of preference: below or above in up to two
     lines, below or above in one, then the same narrower (cut with an ellipsis), then right or
     left. The wrapped lines and their widths depend on the text alone, so they are worked out
     once per text and font (``shapes``); only the boxes move with the node. */
  const shapes = new Map();

  function shapesFor(ctx, text, bold, font) {
    const key = (bold ? "b" : "n") + text;
    let found = shapes.get(key);
    if (found) return found;
    found = [];
    const seen = new Set();
    const add = (lines, side) => {
      const id = side + "\u0000" + lines.join("\u0001");
      if (seen.has(id) || stub(lines)) return;
      seen.add(id);
      found.push({ lines, side, width: Math.max(...lines.map((l) => measure(ctx, l, font))) });
    };
    for (const width of bold ? LABEL.groupWidths : LABEL.widths) {
      // Group labels ("20 × focus area") are short words: they may take a third line.
      const full = wrap(ctx, text, width, bold ? LABEL.maxLines + 1 : LABEL.maxLines, font);
      const one = [ellipsis(ctx, full.join(" "), width, font)];
      if (full.length > 1) { add(full, "below"); add(full, "above"); }
      add(one, "below");
      add(one, "above");
    }
    const one = [ellipsis(ctx, text, LABEL.maxWidth, font)];
    add(one, "right");
    add(one, "left");
    shapes.set(key, found);
    return found;
  }

  /* A label cut so short that it no longer says anything ("18 × doc…", "Ge…"): fewer than
     four letters of the name (after a group's count) are left before the ellipsis. */
  function stub(lines) {
    const text = lines.join(" ");
    return text.endsWith("…") && text.slice(0, -1).replace(/^\d+ × /, "").trim().length < MIN_KEPT;
  }

  /* The label ``shape`` put beside node ``n`` (screen pixels): its anchor and its box. */
  function placeShape(n, shape) {
    const lines = shape.lines, half = shape.width / 2;
    let x = n.x, y;
    if (shape.side === "below") y = n.y + n.r + LABEL.gap;
    else if (shape.side === "above") y = n.y - n.r - LABEL.gap - lines.length * LABEL.line;
    else {
      y = n.y - LABEL.line / 2;
      x = shape.side === "right" ? n.x + n.r + LABEL.gap + half : n.x - n.r - LABEL.gap - half;
    }
    return {
      lines, x, y,
      box: { left: x - half - LABEL.pad, right: x + half + LABEL.pad, top: y - 1, bottom: y + lines.length * LABEL.line + 1 },
    };
  }

  /* Whether any label could fit beside ``n``: each placement's box contains the thin box at
     the middle of its side (below, above, right or left of the node). */
  function roomBeside(grid, n, id) {
    const pad = LABEL.pad, line = LABEL.line;
    const below = n.y + n.r + LABEL.gap, above = n.y - n.r - LABEL.gap - line, middle = n.y - line / 2;
    const right = n.x + n.r + LABEL.gap, left = n.x - n.r - LABEL.gap;
    const cores = [
      { left: n.x - pad, right: n.x + pad, top: below - 1, bottom: below + line + 1 },
      { left: n.x - pad, right: n.x + pad, top: above - 1, bottom: above + line + 1 },
      { left: right - pad, right: right + pad, top: middle - 1, bottom: middle + line + 1 },
      { left: left - pad, right: left + pad, top: middle - 1, bottom: middle + line + 1 },
    ];
    return cores.some((b) => !grid.hits(b, id, n.landmark));
  }

  /* Label the nodes in ``order`` (most important first) where there is room, and draw them on
     ``ctx`` in screen pixels. ``nodeAt(id)`` gives {x, y, r, text, bold} in screen pixels or
     null; ``obstacles`` are boxes no label may cover (nodes carry their ``owner`` id, which
     their own label may touch). The labels of landmarks (``n.landmark``: the few most
     important actors) may cover the symbols of minor nodes (``minor`` obstacles), so the
     actors that matter most keep their names even in a crowded band. Returns the labels drawn: [{id, lines, left, top, width, height}]. */
  function drawLabels(ctx, order, obstacles, nodeAt, area) {
    const grid = new Grid();
    obstacles.forEach((b) => grid.add(b));
    const placed = [];
    let tries = 0, currentFont = null;
    for (const id of order) {
      if (tries >= MAX_TRIES || placed.length >= MAX_LABELS) break;
      const n = nodeAt(id);
      if (!n || !n.text || n.x < area.left || n.x > area.right || n.y < area.top || n.y > area.bottom) continue;
      tries++;
      const font = n.bold ? FONT_BOLD : FONT_NORMAL;
      if (font !== currentFont) { ctx.font = font; currentFont = font; }
      // Every label box beside a node covers one of four small boxes at its sides: when all
      // four are taken, no label fits, and its text need not be measured.
      if (!roomBeside(grid, n, id)) continue;
      for (const shape of shapesFor(ctx, n.text, n.bold, font)) {
        const v = placeShape(n, shape), box = v.box;
        if (box.left < area.left || box.right > area.right || box.top < area.top || box.bottom > area.bottom) continue;
        if (grid.hits(box, id, n.landmark)) continue;
        grid.add(box);
        placed.push({ id, font, lines: v.lines, x: v.x, y: v.y, left: box.left, top: box.top, width: box.right - box.left, height: box.bottom - box.top });
        break;
      }
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    for (const p of placed) {
      ctx.font = p.font;
      p.lines.forEach((line, i) => {
        ctx.lineWidth = 3;
        ctx.strokeStyle = "rgba(255,255,255,0.92)";
        ctx.strokeText(line, p.x, p.y + i * LABEL.line);
        ctx.fillStyle = "#1f2933";
        ctx.fillText(line, p.x, p.y + i * LABEL.line);
      });
    }
    return placed;
  }

  // ---- bands ------------------------------------------------------------------------------

  /* Alternating band backgrounds across the view, in world units (drawn before the network). */
  function drawBandBackgrounds(ctx, info, tl, br, scale) {
    const half = info.gap / 2;
    info.bands.forEach((band, i) => {
      const top = band.top - half, height = band.bottom - band.top + info.gap;
      ctx.fillStyle = band.isolated ? "#fdf8f1" : i % 2 ? "#ffffff" : "#f3f6fa";
      ctx.fillRect(tl.x, top, br.x - tl.x, height);
      if (band.isolated) {
        ctx.strokeStyle = "#d9a65b";
        ctx.setLineDash([8 / scale, 6 / scale]);
        ctx.lineWidth = 1.2 / scale;
        ctx.beginPath();
        ctx.moveTo(tl.x, top);
        ctx.lineTo(br.x, top);
        ctx.stroke();
        ctx.setLineDash([]);
      }
    });
  }

  /* The gutter: each band's title at the left, wrapped into the lines its height allows.
     ``toY`` maps a world y to screen pixels; returns the gutter box (an obstacle for labels). */
  function drawGutter(ctx, info, toY, height) {
    const half = info.gap / 2;
    ctx.fillStyle = "rgba(255,255,255,0.94)";
    ctx.fillRect(0, 0, GUTTER, height);
    ctx.strokeStyle = "#d5dde7";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(GUTTER - 0.5, 0);
    ctx.lineTo(GUTTER - 0.5, height);
    ctx.stroke();
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
    const drawn = [];
    info.bands.forEach((band, i) => {
      const top = toY(band.top - half), bottom = toY(band.bottom + half);
      if (bottom < 0 || top > height) return;
      if (i) {
        ctx.strokeStyle = band.isolated ? "#d9a65b" : "#e1e7ef";
        ctx.beginPath();
        ctx.moveTo(0, Math.round(top) + 0.5);
        ctx.lineTo(GUTTER, Math.round(top) + 0.5);
        ctx.stroke();
      }
      const room = Math.floor((Math.min(bottom, height) - Math.max(top, 0) - 8) / 14);
      if (room < 1) return;
      let y = Math.max(top, 0) + 5;
      ctx.font = "700 12px " + FONT;
      ctx.fillStyle = band.isolated ? "#8a5a12" : "#243b53";
      const head = ellipsis(ctx, band.title.head, GUTTER - 20);
      ctx.fillText(head, 10, y);
      const lines = [head];
      ctx.font = "10.5px " + FONT;
      ctx.fillStyle = "#52606d";
      for (const line of wrap(ctx, band.title.meaning, GUTTER - 16, Math.min(3, room - 1))) {
        y += 14;
        ctx.fillText(line, 10, y);
        lines.push(line);
      }
      drawn.push({ key: band.key, title: band.title.full, lines });
    });
    return drawn;
  }

  // ---- the overview ------------------------------------------------------------------------

  function groupId(n) {
    return (n.isolated ? "isolated" : "layer-" + n.layer) + ":" + n.kind;
  }

  /* The overview of a /graph answer: one node per kind within a band ("20 × focus area"),
     except the groups in ``open``, whose members are shown in their place. Relations become
     one edge per pair of shown nodes and mode, weighted by how many they stand for; relations
     between two shown actors stay themselves. */
  function overview(graph, open) {
    const unitOf = new Map(), groups = new Map(), members = new Map();
    for (const n of graph.nodes) {
      const gid = groupId(n);
      if (!members.has(gid)) members.set(gid, []);
      members.get(gid).push(n);
    }
    const nodes = [];
    for (const [gid, list] of members) {
      const x = list.reduce((sum, n) => sum + n.x, 0) / list.length;
      if (open.has(gid) || list.length === 1) {
        list.forEach((n) => { unitOf.set(n.id, n.id); nodes.push(Object.assign({}, n, { order: [x, n.x], inGroup: list.length > 1 ? gid : undefined })); });
        continue;
      }
      const first = list[0];
      const group = {
        id: gid, kind: first.kind, name: first.kind, layer: first.layer, isolated: first.isolated, overview: true,
        count: list.length, members: list.map((n) => n.id), x, y: Math.min(...list.map((n) => n.y)), order: [x, x],
        accountability_load: Math.max(...list.map((n) => n.accountability_load || 0)),
      };
      groups.set(gid, group);
      list.forEach((n) => unitOf.set(n.id, gid));
      nodes.push(group);
    }
    return { nodes, edges: overviewEdges(graph.edges, unitOf, groups) };
  }

  function overviewEdges(edges, unitOf, groups) {
    const out = [], counted = new Map();
    for (const e of edges) {
      const a = unitOf.get(e.from), b = unitOf.get(e.to);
      if (a === undefined || b === undefined || a === b) continue;
      if (!groups.has(a) && !groups.has(b)) { out.push(e); continue; }
      const key = a + "->" + b + ":" + e.mode;
      if (!counted.has(key)) counted.set(key, { id: key, from: a, to: b, mode: e.mode, control: e.control, count: 0, types: new Set() });
      const entry = counted.get(key);
      entry.count += 1;
      entry.types.add(e.type);
    }
    for (const e of counted.values()) out.push(Object.assign(e, { types: [...e.types].sort() }));
    return out;
  }

  /* In a narrow window the filters and the details open over the network: the toolbar's
     toggles open and close them, and the details open by themselves when they show something. */
  function bindPanelToggles() {
    const workspace = document.querySelector(".workspace"), panel = document.getElementById("panel");
    if (!workspace || !panel) return;
    const buttons = [...document.querySelectorAll("[data-toggles]")];
    const sync = () => buttons.forEach((b) => b.setAttribute("aria-pressed", String(workspace.classList.contains(b.dataset.toggles))));
    buttons.forEach((b) => b.addEventListener("click", () => {
      const other = b.dataset.toggles === "show-panel" ? "show-filters" : "show-panel";
      workspace.classList.remove(other);
      workspace.classList.toggle(b.dataset.toggles);
      sync();
    }));
    new MutationObserver(() => {
      if (panel.querySelector(".panel-body")) { workspace.classList.remove("show-filters"); workspace.classList.add("show-panel"); sync(); }
    }).observe(panel, { childList: true });
  }

  bindPanelToggles();

  window.ExplorerMap = { ellipsis, overview, groupId, reflow, fitCamera, drawLabels, drawBandBackgrounds, drawGutter, bandTitle, wrap, GUTTER, LABEL, FONT, SLOT, SUBROW, GAP };
})();
