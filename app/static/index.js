/* The scenario list: one card per loaded scenario with its explorer, dashboard and JSON. */
(function () {
  "use strict";
  const { el, getJSON, errorBox } = window.GG;
  const list = document.getElementById("scenario-list");

  function card(s) {
    const id = encodeURIComponent(s.id);
    return el("article", { class: "card scenario-card", dataset: { scenario: s.id } },
      el("h3", {}, el("a", { href: "/scenarios/" + id }, s.title || s.id)),
      el("p", { class: "meta" }, el("code", {}, s.id), s.date ? " · " + s.date : "",
        " · " + s.actors + " actors · " + s.relations + " relations"),
      s.description ? el("p", { class: "description" }, s.description) : null,
      el("p", { class: "links" },
        el("a", { class: "button small primary", href: "/scenarios/" + id }, "Explore"),
        el("a", { class: "button small", href: "/scenarios/" + id + "/analysis" }, "Analysis"),
        el("a", { class: "button small", href: "/api/scenarios/" + id + "/graph", type: "application/json" }, "JSON")));
  }

  getJSON(list.dataset.source).then((data) => {
    const scenarios = data.scenarios || [];
    list.replaceChildren(...(scenarios.length ? scenarios.map(card) : [el("p", { class: "muted" }, "No scenarios are loaded yet.")]));
    list.dataset.count = String(scenarios.length);
  }).catch((err) => list.replaceChildren(errorBox(err)));
})();
