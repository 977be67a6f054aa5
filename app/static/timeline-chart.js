/* The dashboard's "over time" section: the key measures at every day the scenario changes, as
   one small line chart per measure on a shared row of stops (GET .../timeline, the same rows
   as `govgraph analyze --over-time`). A line marks the day the dashboard shows; clicking a
   stop shows the dashboard as of that day, and "All time" / "Its date" are one click each. */
(function () {
  "use strict";
  const { el, getJSON, errorBox } = window.GG;
  const box = document.getElementById("over-time");
  if (!box) return;
  const SVG = "http://www.w3.org/2000/svg";
  const params = new URLSearchParams(window.location.search);
  const W = 640, H = 46, PAD = 6;

  function svg(name, attrs, ...children) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    for (const c of children.flat()) if (c) node.append(c);
    return node;
  }

  function lastDay(date) {
    if (!date) return null;
    const p = date.split("-").map(Number);
    if (p.length === 3) return date;
    const d = p.length === 2 ? new Date(Date.UTC(p[0], p[1], 0)) : new Date(Date.UTC(p[0], 11, 31));
    return d.toISOString().slice(0, 10);
  }

  function text(v, key) {
    if (v === null || v === undefined) return "–";
    if (key.includes("reach")) return Math.round(v * 100) + " %";
    return Number.isInteger(v) ? String(v) : v.toFixed(2);
  }

  function url(asOf) {
    const q = new URLSearchParams(params);
    if (asOf === null) q.delete("as_of"); else q.set("as_of", asOf);
    return window.location.pathname + (q.toString() ? "?" + q : "") + "#over-time";
  }

  /* The stop a day falls in: the last stop on or before it (-1 before the first). */
  function stopOf(rows, day) {
    let found = -1;
    rows.forEach((r, i) => { if (r.date <= day) found = i; });
    return found;
  }

  function chart(rows, m, current) {
    const values = rows.map((r) => r[m.key]);
    const known = values.filter((v) => v !== null && v !== undefined);
    const max = Math.max(...known, m.key.includes("reach") ? 1 : 1), min = Math.min(0, ...known);
    const x = (i) => PAD + (rows.length > 1 ? (i / (rows.length - 1)) * (W - 2 * PAD) : (W - 2 * PAD) / 2);
    const y = (v) => H - PAD - ((v - min) / (max - min || 1)) * (H - 2 * PAD);
    let d = "";
    values.forEach((v, i) => {
      if (v === null || v === undefined) return;
      // a step line: the value holds until the next stop
      d += (d ? " H" + x(i).toFixed(1) + " V" : "M" + x(i).toFixed(1) + " ") + y(v).toFixed(1);
    });
    if (d && rows.length > 1) d += " H" + x(rows.length - 1).toFixed(1);
    const points = values.map((v, i) => v === null || v === undefined ? null :
      svg("a", { href: url(rows[i].date) }, svg("circle", { cx: x(i), cy: y(v), r: i === current ? 4 : 2.5, class: i === current ? "now" : "stop" },
        svg("title", {}, rows[i].date + ": " + text(v, m.key)))));
    return svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "ot-line", role: "img", "aria-label": m.name + " over time", preserveAspectRatio: "none" },
      current >= 0 ? svg("line", { x1: x(current), x2: x(current), y1: 0, y2: H, class: "ot-now" }) : null,
      svg("path", { d, class: "ot-path" }), points);
  }

  function axis(rows) {
    const seen = new Set(), gap = Math.max(1, Math.ceil(rows.length / 8));
    let last = -gap;
    return el("div", { class: "ot-axis", "aria-hidden": "true" }, rows.map((r, i) => {
      const year = r.date.slice(0, 4);
      if (seen.has(year) || i - last < gap) return null;
      seen.add(year);
      last = i;
      const left = rows.length > 1 ? (i / (rows.length - 1)) * 100 : 50;
      const tick = el("span", {}, year);
      tick.style.left = left + "%";  // through the CSSOM: the page's policy forbids style attributes
      return tick;
    }).filter(Boolean));
  }

  function render(t) {
    const rows = t.rows;
    const asked = params.get("as_of");
    const day = asked === "all" ? null : asked ? lastDay(asked) : lastDay(t.date);
    const current = day ? stopOf(rows, day) : -1;
    const shownAs = day ? "as of " + day + (asked ? "" : " (the scenario's own date)") : "all time, every fact whatever its dates";
    box.replaceChildren(
      el("h2", {}, "Over time"),
      el("p", { class: "explain" }, "The key measures at each of the " + rows.length + " days on which the structure changes (a fact begins or ends). ",
        "The line marks what this dashboard shows: ", el("strong", { id: "over-time-shown" }, shownAs), ". Stops are evenly spaced, whatever the time between them; hover a point for its date and value, click it to see the dashboard on that day."),
      el("p", { class: "ot-controls" },
        el("a", { class: "button", id: "over-time-own", href: url(null) }, "Its date" + (t.date ? " (" + t.date + ")" : "")),
        " ", el("a", { class: "button", id: "over-time-all", href: url("all") }, "All time"),
        " ", el("a", { class: "button", href: "/scenarios/" + encodeURIComponent(t.scenario) + "?frame=all" + (day ? "&as_of=" + day : "") }, "Step through it in the explorer")),
      el("div", { class: "ot-grid" }, t.measures.map((m) => {
        const now = current >= 0 ? rows[current][m.key] : null;
        return el("div", { class: "ot-row", dataset: { measure: m.key } },
          el("div", { class: "ot-name" }, m.name),
          chart(rows, m, current),
          el("div", { class: "ot-value" }, current >= 0 ? text(now, m.key) : ""));
      }), el("div", { class: "ot-row" }, el("div"), axis(rows), el("div"))));
    box.dataset.ready = "1";
  }

  async function load() {
    const q = params.get("confirmed_only") ? "?confirmed_only=1" : "";
    try {
      render(await getJSON(box.dataset.timelineUrl + q));
    } catch (err) {
      box.replaceChildren(el("h2", {}, "Over time"), errorBox(err));
      box.dataset.ready = "error";
    }
  }

  load();
})();
