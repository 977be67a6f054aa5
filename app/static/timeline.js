/* The explorer's timeline: a slider over the days on which the scenario changes (every since
   and until, and its own date), with step and play. Each stop shows the scenario as of that
   day through the explorer's own as_of, so the panel, chains and paths follow it; frame=all
   places every actor as on the all-time graph, so actors appear and leave in their bands and
   nothing else moves. The bar also says what the stop changed and the longest steering chain
   then; "All time" and "Its date" are one click each. */
(function () {
  "use strict";
  const { el, getJSON } = window.GG;
  const container = document.getElementById("network");
  const bar = document.getElementById("timeline");
  if (!container || !bar || !window.govgraph) return;
  const app = window.govgraph;
  const apiBase = container.dataset.apiBase;
  const PLAY_MS = 1600;

  let timeline = null;   // the /timeline answer
  let names = new Map(); // actor id -> name, from the all-time graph
  let frame = null;      // actor id -> all-time node: where every actor sits on the timeline
  let playing = null;

  const slider = document.getElementById("timeline-slider");
  const label = document.getElementById("timeline-date");
  const change = document.getElementById("timeline-change");
  const chain = document.getElementById("timeline-chain");
  const playButton = document.getElementById("timeline-play");

  function stops() { return (timeline && timeline.rows) || []; }

  /* The stop a day falls in: the last stop on or before it. */
  function stopIndex(day) {
    const rows = stops();
    let found = 0;
    rows.forEach((r, i) => { if (r.date <= day) found = i; });
    return found;
  }

  function ownDay() {
    const d = timeline && timeline.date;
    if (!d) return null;
    const parts = d.split("-").map(Number);
    if (parts.length === 3) return d;
    const last = parts.length === 2 ? new Date(Date.UTC(parts[0], parts[1], 0)) : new Date(Date.UTC(parts[0], 11, 31));
    return last.toISOString().slice(0, 10);
  }

  /* The day the explorer shows now: its as_of, or the scenario's own date by default. */
  function shownDay() {
    const asOf = app.state.as_of;
    if (asOf === "all") return null;
    return asOf ? asOf : ownDay();
  }

  function camera() {
    const net = app.view.network;
    const p = net.getViewPosition();
    return [p.x, p.y, net.getScale()].map((v, i) => Number(v).toFixed(i === 2 ? 3 : 0)).join(",");
  }

  /* Show the scenario as of one stop, keeping every actor in place and the camera still. */
  function goTo(index) {
    const rows = stops();
    if (!rows.length) return;
    const i = Math.max(0, Math.min(rows.length - 1, index));
    slider.value = String(i);
    render(i);
    app.setState({ as_of: rows[i].date, frame: "all", view: camera() }, true);
  }

  function render(i) {
    const rows = stops();
    const row = rows[i];
    if (!row) return;
    bar.dataset.date = row.date;
    bar.dataset.stop = String(i);
    label.textContent = row.date + (row.date === ownDay() ? " (its date)" : "");
    const enter = row.enter || { actors: [], relations: [] }, leave = row.leave || { actors: [], relations: [] };
    const parts = [];
    if (i === 0) parts.push(row.actors + " actors, " + row.relations + " relations in force");
    else {
      if (enter.actors.length) parts.push("+" + enter.actors.length + " actor" + (enter.actors.length === 1 ? "" : "s") + " (" + enter.actors.slice(0, 3).map(nameOf).join(", ") + (enter.actors.length > 3 ? ", …" : "") + ")");
      if (leave.actors.length) parts.push("−" + leave.actors.length + " actor" + (leave.actors.length === 1 ? "" : "s") + " (" + leave.actors.slice(0, 3).map(nameOf).join(", ") + (leave.actors.length > 3 ? ", …" : "") + ")");
      if (enter.relations.length) parts.push("+" + enter.relations.length + " relation" + (enter.relations.length === 1 ? "" : "s"));
      if (leave.relations.length) parts.push("−" + leave.relations.length + " relation" + (leave.relations.length === 1 ? "" : "s"));
    }
    change.textContent = "Stop " + (i + 1) + " of " + rows.length + ": " + (parts.join(", ") || "no change");
    chain.replaceChildren(
      el("span", { class: "muted" }, "Longest steering chain (depth " + row.steering_depth + "): "),
      row.chain.length ? row.chain.map(nameOf).join(" → ") : "none");
    chain.dataset.chain = row.chain.join(",");
    chain.title = row.chain.map(nameOf).join(" → ");  // the whole chain when the bar cuts it
    document.getElementById("timeline-prev").disabled = i === 0;
    document.getElementById("timeline-next").disabled = i === rows.length - 1;
  }

  function nameOf(id) { return names.get(id) || id; }

  function waitReady() {
    return new Promise((resolve) => {
      const check = () => (container.dataset.ready === "1" ? resolve() : setTimeout(check, 100));
      setTimeout(check, 50);
    });
  }

  async function play() {
    if (playing) return stop();
    playing = true;
    playButton.textContent = "Pause";
    playButton.setAttribute("aria-pressed", "true");
    let i = Number(slider.value);
    if (i >= stops().length - 1) i = -1;
    while (playing && i < stops().length - 1) {
      goTo(++i);
      await waitReady();
      await new Promise((r) => setTimeout(r, PLAY_MS));
    }
    stop();
  }

  function stop() {
    playing = null;
    playButton.textContent = "Play";
    playButton.setAttribute("aria-pressed", "false");
  }

  function allTime() {
    stop();
    app.setState({ as_of: "all", frame: null, view: camera() }, true);
    bar.dataset.date = "all";
    label.textContent = "all time";
    change.textContent = "Every fact, whatever its dates";
    chain.replaceChildren();
  }

  function itsDate() {
    stop();
    const i = stopIndex(ownDay() || "");
    slider.value = String(i);
    render(i);
    app.setState({ as_of: null, frame: "all", view: camera() }, true);
  }

  async function open() {
    bar.hidden = false;
    document.getElementById("timeline-toggle").setAttribute("aria-pressed", "true");
    if (!timeline) {
      change.textContent = "Loading the timeline…";
      const q = app.state.confirmed_only ? "?confirmed_only=1" : "";
      try {
        const [t, whole] = await Promise.all([getJSON(apiBase + "/timeline" + q), getJSON(apiBase + "/graph?as_of=all")]);
        timeline = t;
        names = new Map(whole.nodes.map((n) => [n.id, n.name || n.id]));
        frame = new Map(whole.nodes.map((n) => [n.id, n]));
      } catch (err) {
        change.textContent = "The timeline could not be loaded: " + (err.message || err);
        return;
      }
      slider.max = String(Math.max(0, stops().length - 1));
      renderTicks();
    }
    app.view.frame = frame;
    const day = shownDay();
    if (day === null) { allTime(); return; }
    const i = stopIndex(day);
    slider.value = String(i);
    render(i);
    // Actors, not groups, placed on the all-time frame from now on: groups would change size
    // between dates, actors only appear and leave.
    const overview = app.state.aggregate === "1";
    app.setState({ frame: "all", aggregate: overview ? "0" : app.state.aggregate, view: overview ? null : camera() }, true);
  }

  /* Year marks under the slider, so a stop can be found by its year. */
  function renderTicks() {
    const rows = stops(), box = document.getElementById("timeline-ticks");
    const seen = new Set(), gap = Math.max(1, Math.ceil(rows.length / 7));
    let last = -gap;
    box.replaceChildren(...rows.map((r, i) => {
      const year = r.date.slice(0, 4);
      if (seen.has(year) || i - last < gap) return null;  // year marks never crowd each other
      seen.add(year);
      last = i;
      const left = rows.length > 1 ? (i / (rows.length - 1)) * 100 : 0;
      const tick = el("span", { class: "tick" }, year);
      tick.style.left = left + "%";  // through the CSSOM: the page's policy forbids style attributes
      return tick;
    }).filter(Boolean));
  }

  function close() {
    stop();
    bar.hidden = true;
    document.getElementById("timeline-toggle").setAttribute("aria-pressed", "false");
    app.view.frame = null;
    app.setState({ frame: null }, true);
  }

  document.getElementById("timeline-toggle").addEventListener("click", () => (bar.hidden ? open() : close()));
  slider.addEventListener("input", () => { stop(); render(Number(slider.value)); });
  slider.addEventListener("change", () => goTo(Number(slider.value)));
  document.getElementById("timeline-prev").addEventListener("click", () => { stop(); goTo(Number(slider.value) - 1); });
  document.getElementById("timeline-next").addEventListener("click", () => { stop(); goTo(Number(slider.value) + 1); });
  playButton.addEventListener("click", play);
  document.getElementById("timeline-all").addEventListener("click", allTime);
  document.getElementById("timeline-own").addEventListener("click", itsDate);
  window.govgraphTimeline = { open, goTo, allTime, itsDate, get rows() { return stops(); } };
  if (app.state.frame === "all") open();
})();
