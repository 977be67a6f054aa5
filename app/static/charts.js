/* Small SVG charts drawn with the DOM (no chart library): horizontal bars with optional links,
   a colour legend, and shares written as a reader quotes them ("23 %", "2.2 %"). */
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";

  function svg(name, attrs, text) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function clip(text, n) {
    text = String(text);
    return text.length > n ? text.slice(0, n - 1) + "…" : text;
  }

  /* items: [{label, value, href?, cls?, title?}]; options: {max, format, labelWidth, rowHeight}. */
  function hbars(items, options) {
    const opt = Object.assign({ labelWidth: 170, rowHeight: 22, width: 520, format: (v) => String(v) }, options || {});
    const max = opt.max || Math.max(1e-9, ...items.map((i) => i.value || 0));
    const plot = opt.width - opt.labelWidth - 100; // room for the value after the bar
    const height = Math.max(opt.rowHeight, items.length * opt.rowHeight) + 4;
    const root = svg("svg", { class: "chart hbars", viewBox: "0 0 " + opt.width + " " + height, role: "img", "aria-label": opt.label || "bar chart" });
    items.forEach((item, i) => {
      const y = i * opt.rowHeight + 2;
      const label = svg("text", { x: opt.labelWidth - 8, y: y + opt.rowHeight * 0.68, "text-anchor": "end" }, clip(item.label, Math.floor(opt.labelWidth / 6.4)));
      label.appendChild(svg("title", {}, item.title || item.label));
      const barWidth = item.value === null || item.value === undefined ? 0 : Math.max(1, (item.value / max) * plot);
      const bar = svg("rect", { class: "bar " + (item.cls || ""), x: opt.labelWidth, y: y + 3, width: barWidth, height: opt.rowHeight - 7, rx: 2 });
      const value = svg("text", { x: opt.labelWidth + barWidth + 6, y: y + opt.rowHeight * 0.68 }, item.value === null || item.value === undefined ? "—" : opt.format(item.value));
      if (item.href) {
        const link = svg("a", { href: item.href });
        link.append(label, bar);
        root.append(link, value);
      } else root.append(label, bar, value);
    });
    root.appendChild(svg("line", { class: "axis", x1: opt.labelWidth, x2: opt.labelWidth, y1: 0, y2: height }));
    return root;
  }

  /* A share as the findings write it: whole percent, one decimal below 10 %. */
  function pct(share) {
    if (share === null || share === undefined) return "—";
    const v = share * 100;
    return (v > 0 && v < 10 && Math.round(v * 10) % 10 !== 0 ? v.toFixed(1) : String(Math.round(v))) + " %";
  }

  /* entries: [[bar class, text], ...]; a swatch in the bar's colour before each text. */
  function legend(entries) {
    const box = document.createElement("p");
    box.className = "chart-legend";
    for (const [cls, text] of entries) {
      const item = document.createElement("span");
      const swatch = document.createElement("span");
      swatch.className = "swatch bar " + cls;
      item.append(swatch, document.createTextNode(text));
      box.appendChild(item);
    }
    return box;
  }

  window.Charts = { hbars, legend, pct };
})();
