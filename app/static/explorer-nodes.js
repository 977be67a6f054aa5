/* Drawing thousands of actors at once. vis-network draws each node on its own (a save,
   a fill, a stroke and a restore): at 20,000 actors that took two of the four seconds to
   the first picture. Zoomed out, where a symbol is a few pixels wide, the actors are drawn
   here instead in one path per style (colour, border, opacity and line width), with
   vis-network's own symbol outlines. Selected and hovered actors, and every actor when the
   view is zoomed in, are still drawn by vis-network, on top. */
(function () {
  "use strict";

  const SQRT3_6 = Math.sqrt(3) / 6;
  // Chromium's path filling slows down with the square of a path's length: paths are cut
  // into pieces of this many symbols (20,000 dots in one path took 20 s, in pieces 0.2 s).
  const CHUNK = 250;
  // A symbol smaller than this on screen (radius in pixels) cannot show its shape: it is
  // drawn as a square of the same area, which costs a tenth of the star or circle.
  const TINY_PX = 2.5;
  const SAME_AREA = Math.sqrt(Math.PI) / 2;

  /* The outline of each symbol, as vis-network 9 draws it, added to the current path. */
  const OUTLINES = {
    dot(ctx, x, y, r) { ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, 2 * Math.PI); ctx.closePath(); },
    square(ctx, x, y, r) { ctx.rect(x - r, y - r, 2 * r, 2 * r); },
    diamond(ctx, x, y, r) {
      ctx.moveTo(x, y + r); ctx.lineTo(x + r, y); ctx.lineTo(x, y - r); ctx.lineTo(x - r, y); ctx.closePath();
    },
    hexagon(ctx, x, y, r) {
      ctx.moveTo(x + r, y);
      for (let i = 1; i < 6; i++) ctx.lineTo(x + r * Math.cos((Math.PI / 3) * i), y + r * Math.sin((Math.PI / 3) * i));
      ctx.closePath();
    },
    star(ctx, x, y, r) {
      r *= 0.82;
      y += 0.1 * r;
      ctx.moveTo(x, y - 1.3 * r);
      for (let i = 1; i < 10; i++) {
        const d = i % 2 === 0 ? 1.3 * r : 0.5 * r;
        ctx.lineTo(x + d * Math.sin((i * Math.PI) / 5), y - d * Math.cos((i * Math.PI) / 5));
      }
      ctx.closePath();
    },
    triangle(ctx, x, y, r) { triangle(ctx, x, y, r, 1); },
    triangleDown(ctx, x, y, r) { triangle(ctx, x, y, r, -1); },
  };

  function triangle(ctx, x, y, r, up) {
    r *= 1.15;
    y += up * 0.275 * r;
    const s = 2 * r, inner = SQRT3_6 * s, tip = Math.sqrt(s * s - r * r) - inner;
    ctx.moveTo(x, y - up * tip);
    ctx.lineTo(x + r, y + up * inner);
    ctx.lineTo(x - r, y + up * inner);
    ctx.closePath();
  }

  /* Draw the nodes of ``body`` that vis-network would draw, batched by style; returns the
     nodes left for vis-network to draw (selected, hovered, or of a shape not known here).
     ``area`` is the visible part of the world, with a margin. Every node's bounding box is
     brought up to date, as vis-network does, so clicks and hover still find it. */
  function drawBatched(ctx, body, area, scale) {
    const styles = new Map(), own = [];
    const nodes = body.nodes, ids = body.nodeIndices;
    for (let i = 0; i < ids.length; i++) {
      const node = nodes[ids[i]];
      const o = node.options, outline = OUTLINES[o.shape];
      if (node.hover || node.selected || !outline || o.hidden) { if (!o.hidden) own.push(node); continue; }
      // What vis-network's own drawing sets: the size and corner a click is matched against.
      const shape = node.shape;
      shape.resize(ctx, node.selected, node.hover);
      shape.left = node.x - shape.width / 2;
      shape.top = node.y - shape.height / 2;
      node.updateBoundingBox(ctx);
      const b = node.shape.boundingBox;
      if (b.right < area.left || b.left > area.right || b.bottom < area.top || b.top > area.bottom) continue;
      // vis-network strokes the border in screen pixels, never wider than the symbol.
      const line = Math.min(2 * o.size, o.borderWidth / scale);
      const colour = o.color, opacity = o.opacity === undefined ? 1 : o.opacity;
      const key = colour.background + "|" + colour.border + "|" + opacity + "|" + line;
      let style = styles.get(key);
      if (!style) { style = { fill: colour.background, stroke: colour.border, opacity, line, nodes: [] }; styles.set(key, style); }
      style.nodes.push(node);
    }
    ctx.save();
    for (const style of styles.values()) {
      ctx.globalAlpha = style.opacity;
      ctx.fillStyle = style.fill;
      ctx.lineWidth = style.line;
      ctx.strokeStyle = style.stroke;
      for (let start = 0; start < style.nodes.length; start += CHUNK) {
        ctx.beginPath();
        for (const node of style.nodes.slice(start, start + CHUNK)) {
          const r = node.options.size, tiny = r * scale < TINY_PX;
          (tiny ? OUTLINES.square : OUTLINES[node.options.shape])(ctx, node.x, node.y, tiny ? r * SAME_AREA : r);
        }
        ctx.fill();
        if (style.line > 0) ctx.stroke();
      }
    }
    ctx.restore();
    return own;
  }

  window.ExplorerNodes = { drawBatched, OUTLINES };
})();
