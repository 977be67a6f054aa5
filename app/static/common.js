/* Small helpers every page uses. Data is only ever put into the page as text
   (text nodes, textContent, attribute values), never parsed as HTML. */
(function () {
  "use strict";

  /* Create an element; string children become text nodes, null/false children are skipped. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
      else if (key === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /* Return the URL when it is http(s), else null: sources never get javascript: or data: links. */
  function safeHref(url) {
    if (typeof url !== "string") return null;
    try {
      const parsed = new URL(url, window.location.href);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  /* An external link that opens in a new tab without giving it our window. */
  function externalLink(url, text) {
    const href = safeHref(url);
    if (!href) return el("span", { class: "unlinked" }, text || url || "");
    return el("a", { href: href, target: "_blank", rel: "noopener noreferrer", class: "external" }, text || href);
  }

  class ApiError extends Error {
    constructor(status, body) {
      const error = (body && body.error) || {};
      super(error.message || "HTTP " + status);
      this.status = status;
      this.code = error.code || "http-" + status;
      this.hint = error.hint || "";
      this.problems = (body && body.errors) || [];
      this.position = error.position || null;
    }
  }

  async function parseResponse(response) {
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      body = null;
    }
    if (!response.ok) throw new ApiError(response.status, body);
    return body;
  }

  /* The bar shown while the server reports work still computing (202 with a poll URL), or
     while a download is written: ``id`` names it, ``host`` holds it (else the top of main). */
  function progressBar(id, host, label) {
    let bar = document.getElementById(id || "gg-progress");
    if (!bar) {
      bar = el("div", { id: id || "gg-progress", class: "job-progress", role: "status" },
        el("progress", { "aria-label": label || "Computing" }),
        el("span", { class: "job-progress-text" }, (label || "Computing") + "…"));
      if (host) host.appendChild(bar);
      else (document.querySelector("main") || document.body).prepend(bar);
    }
    return bar;
  }

  /* The file name a Content-Disposition header gives (RFC 6266: filename* before filename). */
  function dispositionName(header) {
    const text = header || "";
    const star = /filename\*\s*=\s*[^']*'[^']*'([^;]+)/i.exec(text);
    if (star) {
      try { return decodeURIComponent(star[1].trim()); } catch (e) { /* fall back to filename= */ }
    }
    const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(text);
    return plain ? (plain[2] !== undefined ? plain[2] : plain[1].trim()) : null;
  }

  /* The download of each kind on its way: its URL and the means to abandon it. */
  const writing = new Map();

  /* Download ``url`` through fetch so that the page can say something is happening: a bar
     ("Writing <what>… 3 s") in ``host`` while the server writes the file, then the file saved
     under the server's name. Resolves false when the same file is still on its way (a second
     click starts nothing) or when a newer click of the same ``kind`` for another URL (the view
     changed meanwhile) abandons it: only the file of the view now shown is saved. An error
     answer throws an ApiError and saves nothing. */
  async function downloadWithProgress(url, what, host, kind) {
    const running = writing.get(kind);
    if (running && running.url === url) return false;
    if (running) running.controller.abort();
    const job = { url, controller: new AbortController() };
    writing.set(kind, job);
    const label = "Writing " + what;
    const bar = progressBar("gg-download-" + kind, host, label);
    const text = bar.querySelector(".job-progress-text");
    text.textContent = label + "…";
    const started = Date.now();
    const tick = setInterval(() => {
      if (writing.get(kind) === job) text.textContent = label + "… " + Math.round((Date.now() - started) / 1000) + " s";
    }, 1000);
    try {
      const response = await fetch(url, { signal: job.controller.signal });
      if (!response.ok) await parseResponse(response); // throws the answer's ApiError
      const blob = await response.blob();
      download(blob, dispositionName(response.headers.get("Content-Disposition")) || "download");
      return true;
    } catch (err) {
      if (job.controller.signal.aborted) return false; // a newer click took its place
      throw err;
    } finally {
      clearInterval(tick);
      if (writing.get(kind) === job) {
        bar.remove();
        writing.delete(kind);
      }
    }
  }

  /* GET JSON; while the server answers 202 (still computing), show a progress bar with the
     seconds so far and ask its poll URL again every second. */
  async function getJSON(url) {
    // The offline explorer (one file opened from disk) answers from the data it holds.
    if (window.GGOffline) return window.GGOffline.answer(url);
    const headers = { Accept: "application/json" };
    let response = await fetch(url, { headers });
    let bar = null;
    while (response.status === 202) {
      const body = await response.json();
      bar = bar || progressBar();
      bar.querySelector(".job-progress-text").textContent =
        "Computing the analysis… " + Math.round(body.elapsed_s || 0) + " s";
      await new Promise((resolve) => setTimeout(resolve, 1000));
      response = await fetch(body.poll || url, { headers });
    }
    if (bar) bar.remove();
    return parseResponse(response);
  }

  async function postJSON(url, data, extraHeaders) {
    return parseResponse(await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", ...(extraHeaders || {}) },
      body: JSON.stringify(data),
    }));
  }

  /* A sentence whose figures never wrap apart from their unit ("23 %" stays on one line). */
  function keepFigures(text) {
    return String(text).replace(/(\d) (%|×)/g, "$1\u00a0$2");
  }

  /* A located problem (validation) as one line of text. */
  function problemText(p) {
    if (typeof p === "string") return p;
    const where = p.where || [p.file, p.line || p.row].filter(Boolean).join(":");
    const parts = [where, p.code ? "[" + p.code + "]" : "", p.message || ""];
    if (p.value !== undefined && p.value !== null) parts.push("(value: " + JSON.stringify(p.value) + ")");
    if (p.hint) parts.push("Hint: " + p.hint);
    return parts.filter(Boolean).join(" ");
  }

  /* An error box for an ApiError or any Error; all text. */
  function errorBox(err) {
    const box = el("div", { class: "error-box", role: "alert", dataset: { code: err.code || "error" } },
      el("strong", {}, err.code ? err.code + ": " : "Error: "),
      el("span", { class: "error-message" }, err.message || String(err)));
    if (err.hint) box.appendChild(el("div", { class: "hint" }, err.hint));
    if (err.problems && err.problems.length) {
      box.appendChild(el("ul", { class: "problems" }, err.problems.map((p) => el("li", {}, problemText(p)))));
    }
    return box;
  }

  function download(blob, filename) {
    const a = el("a", { href: URL.createObjectURL(blob), download: filename });
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function explorerUrl(scenario, params) {
    const query = new URLSearchParams(params || {}).toString();
    return "/scenarios/" + encodeURIComponent(scenario) + (query ? "?" + query : "");
  }

  function actorLink(scenario, actorId, text) {
    return el("a", { href: explorerUrl(scenario, { select: actorId }), class: "actor-link" }, text || actorId);
  }

  function fmt(value, digits) {
    if (value === null || value === undefined) return "—";
    if (typeof value === "number") {
      return Number.isInteger(value) ? String(value) : value.toFixed(digits === undefined ? 3 : digits);
    }
    return String(value);
  }

  /* An as-of date as the API takes it: YYYY, YYYY-MM or YYYY-MM-DD naming a real day (or
     the word "all"); null for anything else. Typed as text, so no browser locale applies. */
  function isoDate(text) {
    const t = String(text || "").trim();
    if (t === "all") return t;
    const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(t);
    if (!m) return null;
    const year = Number(m[1]), month = m[2] ? Number(m[2]) : 1, day = m[3] ? Number(m[3]) : 1;
    const date = new Date(Date.UTC(year, month - 1, day));
    const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
    return real && year >= 1000 ? t : null;
  }

  window.GG = { el, keepFigures, safeHref, externalLink, getJSON, postJSON, parseResponse, downloadWithProgress, dispositionName, ApiError, errorBox, problemText, download, explorerUrl, actorLink, fmt, isoDate };
})();
