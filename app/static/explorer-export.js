/* The PNG export: the view drawn again at a chosen size, with its labels and bands, under a
   title and a line that says what is shown (grouping, as-of date, filters), above a legend of
   the kinds and relation modes in view. The network is drawn by a second, hidden explorer
   view of the chosen size, so labels are placed for that size, not scaled from the screen. */
(function () {
  "use strict";
  const { kindStyle, modeStyle } = window.GraphStyle;
  const FONT = window.ExplorerMap.FONT;
  const HEAD = 70, PAD = 20;

  /* Draw ``view``'s data at ``width`` x ``height`` pixels; resolves to the composed canvas. */
  async function renderPng(view, info, width, height) {
    const legend = legendLayout(info.kinds || [], info.modes || [], width - 2 * PAD);
    const netHeight = Math.max(200, height - HEAD - legend.height - 34);
    const host = document.createElement("div");
    host.style.cssText = "position:fixed;left:-30000px;top:0;width:" + width + "px;height:" + netHeight + "px;";
    document.body.appendChild(host);
    try {
      const drawn = new Promise((resolve) => { host.addEventListener("govgraph-drawn", resolve, { once: true }); });
      const copy = new window.ExplorerView(host, { onReady: () => host.dispatchEvent(new Event("govgraph-drawn")), onSelect: () => {} });
      copy.setData(view.data, { layout: view.layout === "force" ? "layers" : view.layout, physics: false, camera: null });
      await drawn;
      copy.network.redraw();
      const out = document.createElement("canvas");
      out.width = width;
      out.height = height;
      const ctx = out.getContext("2d");
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, width, height);
      drawHead(ctx, info, width);
      ctx.drawImage(host.querySelector("canvas"), 0, HEAD, width, netHeight);
      ctx.strokeStyle = "#d5dde7";
      ctx.strokeRect(0.5, HEAD + 0.5, width - 1, netHeight - 1);
      drawLegend(ctx, legend, PAD, HEAD + netHeight + 10);
      ctx.font = "11px " + FONT;
      ctx.fillStyle = "#7b8794";
      ctx.textAlign = "right";
      ctx.textBaseline = "bottom";
      ctx.fillText(info.footer || "govgraph", width - PAD, height - 6);
      copy.network.destroy();
      return out;
    } finally {
      host.remove();
    }
  }

  function drawHead(ctx, info, width) {
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
    ctx.fillStyle = "#102a43";
    ctx.font = "700 22px " + FONT;
    ctx.fillText(window.ExplorerMap.ellipsis(ctx, info.title, width - 2 * PAD), PAD, 14);
    ctx.fillStyle = "#52606d";
    ctx.font = "13px " + FONT;
    ctx.fillText(window.ExplorerMap.ellipsis(ctx, info.subtitle, width - 2 * PAD), PAD, 44);
  }

  /* Rows of legend entries (symbol or line, then the name) that fit ``width``. */
  function legendLayout(kinds, modes, width) {
    const ctx = document.createElement("canvas").getContext("2d");
    ctx.font = "12px " + FONT;
    const entries = [{ title: "Actors" }, ...kinds.map((k) => ({ kind: k, text: k.replace(/_/g, " ") })),
      { title: "Relations" }, ...modes.map((m) => ({ mode: m, text: m }))];
    const rows = [[]];
    let x = 0;
    for (const e of entries) {
      const w = e.title ? 78 : (e.mode ? 36 : 20) + ctx.measureText(e.text).width + 16;
      if (e.title === "Relations" || (x + w > width && rows[rows.length - 1].length)) { rows.push([]); x = 0; }
      rows[rows.length - 1].push(Object.assign({ x, w }, e));
      x += w;
    }
    return { rows, height: rows.length * 20 + 8 };
  }

  function drawLegend(ctx, legend, left, top) {
    ctx.textBaseline = "middle";
    ctx.textAlign = "left";
    legend.rows.forEach((row, i) => {
      const y = top + i * 20 + 10;
      for (const e of row) {
        const x = left + e.x;
        if (e.title) {
          ctx.font = "700 11px " + FONT;
          ctx.fillStyle = "#52606d";
          ctx.fillText(e.title.toUpperCase(), x, y);
          continue;
        }
        if (e.kind) symbol(ctx, kindStyle(e.kind), x + 7, y, 6);
        else line(ctx, modeStyle(e.mode), x, y);
        ctx.font = "12px " + FONT;
        ctx.fillStyle = "#1f2933";
        ctx.fillText(e.text, x + (e.mode ? 36 : 20), y);
      }
    });
  }

  function symbol(ctx, style, x, y, r) {
    ctx.fillStyle = style.colour;
    ctx.strokeStyle = "rgba(0,0,0,0.35)";
    ctx.lineWidth = 1;
    ctx.beginPath();
    const poly = (points) => points.forEach(([dx, dy], i) => (i ? ctx.lineTo(x + dx * r, y + dy * r) : ctx.moveTo(x + dx * r, y + dy * r)));
    const star = [];
    for (let i = 0; i < 10; i++) {
      const a = -Math.PI / 2 + i * Math.PI / 5, k = i % 2 ? 0.45 : 1;
      star.push([Math.cos(a) * k, Math.sin(a) * k]);
    }
    const shapes = {
      square: () => ctx.rect(x - r, y - r, 2 * r, 2 * r),
      diamond: () => poly([[0, -1.2], [1.2, 0], [0, 1.2], [-1.2, 0]]),
      triangle: () => poly([[0, -1.15], [1.1, 0.85], [-1.1, 0.85]]),
      triangleDown: () => poly([[-1.1, -0.85], [1.1, -0.85], [0, 1.15]]),
      hexagon: () => poly([[-0.5, -0.9], [0.5, -0.9], [1, 0], [0.5, 0.9], [-0.5, 0.9], [-1, 0]]),
      star: () => poly(star.map(([a, b]) => [a * 1.3, b * 1.3])),
    };
    (shapes[style.shape] || (() => ctx.arc(x, y, r, 0, 2 * Math.PI)))();
    ctx.closePath();
    ctx.fill();
    ctx.stroke();
  }

  function line(ctx, style, x, y) {
    ctx.strokeStyle = style.colour;
    ctx.lineWidth = style.width;
    ctx.setLineDash(style.dashes || []);
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + 26, y);
    ctx.stroke();
    ctx.setLineDash([]);
    if (style.arrows) {
      ctx.fillStyle = style.colour;
      ctx.beginPath();
      ctx.moveTo(x + 31, y);
      ctx.lineTo(x + 24, y - 4);
      ctx.lineTo(x + 24, y + 4);
      ctx.closePath();
      ctx.fill();
    }
  }

  window.ExplorerExport = { renderPng };
})();
