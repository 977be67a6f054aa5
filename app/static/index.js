/* The scenario list: one card per loaded scenario that says what it finds before what it is:
   its first findings in words, a short description (the rest on request), and its explorer,
   dashboard and JSON. */
(function () {
  "use strict";
  const { el, getJSON, errorBox } = window.GG;
  const list = document.getElementById("scenario-list");
  /* A card asks for the findings of a scenario up to this size: a larger one's analysis may
     take seconds to compute, which a visit to the list is not to start. */
  const FINDINGS_UP_TO_RELATIONS = 20000;
  /* The findings a card states; the dashboard has them all. */
  const FINDINGS_SHOWN = 2;
  /* The cards' findings still on their way; the list is marked ready when none is left. */
  const pending = [];

  function card(s) {
    const paragraphs = String(s.description || "").split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
    const findings = el("ul", { class: "card-findings", "aria-label": "Findings" });
    const node = el("article", { class: "card scenario-card", dataset: { scenario: s.id } },
      el("h3", {}, el("a", { href: s.links.explorer }, s.title || s.id)),
      el("p", { class: "meta" }, el("code", {}, s.id), s.date ? " · " + s.date : "",
        " · " + count(s.actors) + " actors · " + count(s.relations) + " relations",
        el("span", { class: "muted", title: "Every fact of the scenario, whatever its date; a view shows those of one date" }, " (all dates)")),
      findings,
      description(paragraphs),
      el("p", { class: "links" },
        el("a", { class: "button small primary", href: s.links.explorer }, "Explore"),
        el("a", { class: "button small", href: s.links.dashboard }, "Analysis"),
        el("a", { class: "button small", href: s.links.graph, type: "application/json" }, "JSON")));
    if (s.relations <= FINDINGS_UP_TO_RELATIONS) pending.push(showFindings(findings, s));
    else findings.replaceChildren(more(s, "Its findings are on the analysis page →"));
    return node;
  }

  function count(n) {
    return Number(n).toLocaleString("en");
  }

  /* The first paragraph, cut to a few lines; a button shows the whole text. */
  function description(paragraphs) {
    if (!paragraphs.length) return null;
    const box = el("div", { class: "description clamped" }, paragraphs.map((p) => el("p", {}, p)));
    const toggle = el("button", { type: "button", class: "linklike more-toggle", "aria-expanded": "false" }, "More about this scenario");
    toggle.addEventListener("click", () => {
      const open = box.classList.toggle("clamped") === false;
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = open ? "Less" : "More about this scenario";
    });
    return el("div", { class: "description-box" }, box, toggle);
  }

  function more(s, label) {
    return el("li", { class: "more" }, el("a", { href: s.links.dashboard }, label));
  }

  /* Without waiting for a computation: a scenario still being analysed (202) or one that
     fails keeps only the link to its analysis page. */
  async function showFindings(host, s) {
    host.replaceChildren(el("li", { class: "muted" }, "Reading its findings…"));
    try {
      const response = await fetch(s.links.analysis, { headers: { Accept: "application/json" } });
      if (response.status !== 200) throw new Error("not ready");
      const analysis = await response.json();
      const found = (analysis.findings || []).slice(0, FINDINGS_SHOWN);
      host.replaceChildren(...found.map((f) => el("li", { class: "card-finding" },
        el("strong", { class: "card-figure" + (f.rests_on_inferred ? " inferred" : ""), title: f.rests_on_inferred ? f.confidence_text : null },
          f.figure && f.figure.short ? f.figure.short : ""),
        el("span", {}, f.text))),
        more(s, (analysis.findings || []).length > FINDINGS_SHOWN ? "All " + analysis.findings.length + " findings →" : "The analysis →"));
    } catch (err) {
      host.replaceChildren(more(s, "Its findings are on the analysis page →"));
    }
  }

  getJSON(list.dataset.source).then((data) => {
    const scenarios = data.scenarios || [];
    list.replaceChildren(...(scenarios.length ? scenarios.map(card) : [el("p", { class: "muted" }, "No scenarios are loaded yet.")]));
    list.dataset.count = String(scenarios.length);
    return Promise.all(pending);
  }).catch((err) => list.replaceChildren(errorBox(err)))
    .finally(() => { list.dataset.ready = "1"; });
})();
