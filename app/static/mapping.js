/* Mapping step: one select per foreign node type and relation type, filled with the API's
   suggestions; Preview shows the mapped scenario's counts, notice and problems; Save loads it;
   the downloads give the mapping file and the mapped scenario as YAML. */
(function () {
  "use strict";
  const { el, getJSON, postJSON, parseResponse, errorBox, download, fmt } = window.GG;
  const form = document.getElementById("mapping-form");
  const scenario = form.dataset.scenario;
  const api = "/api/scenarios/" + encodeURIComponent(scenario) + "/mapping";
  const vocabulary = JSON.parse(document.getElementById("vocabulary").textContent);
  const preview = document.getElementById("preview");
  let attributes = { kinds: null, types: null };

  function select(options, chosen, current, label) {
    const s = el("select", { "aria-label": label });
    s.appendChild(el("option", { value: "" }, "keep (" + current + ")"));
    options.forEach((o) => s.appendChild(el("option", { value: o }, o)));
    s.value = chosen || "";
    return s;
  }

  function rows(tbody, values, options, what) {
    tbody.replaceChildren(...values.map((v) => {
      const tr = el("tr", { dataset: { value: v.value } },
        el("td", {}, el("code", {}, v.value)),
        el("td", { class: "num" }, String(v.count)),
        el("td", {}, select(options, v.suggested, v.current, what + " for " + v.value)));
      if (v.suggested && v.suggested !== v.current) tr.classList.add("suggested");
      return tr;
    }));
  }

  function table(id) {
    const values = {};
    document.querySelectorAll("#" + id + " tbody tr").forEach((tr) => {
      const chosen = tr.querySelector("select").value;
      if (chosen) values[tr.dataset.value] = chosen;
    });
    return values;
  }

  function mapping() {
    const head = { id: document.getElementById("new-id").value.trim() };
    const title = document.getElementById("new-title").value.trim();
    if (title) head.title = title;
    return {
      govgraph_mapping: 1,
      scenario: head,
      kinds: { attribute: attributes.kinds, values: table("kind-table") },
      relation_types: { attribute: attributes.types, values: table("type-table") },
    };
  }

  function counts(title, map) {
    return el("div", { class: "count-list" }, el("h3", {}, title),
      el("ul", {}, Object.entries(map).map(([k, n]) => el("li", {}, el("code", {}, k), " ", String(n)))));
  }

  function showPreview(data) {
    if (!data.ok) {
      const box = errorBox({ code: "invalid-mapping", message: "The mapped scenario is not valid.", problems: data.problems });
      box.id = "preview-errors";
      return preview.replaceChildren(box);
    }
    const c = data.counts;
    const verdict = data.notice
      ? el("div", { class: "notice-banner", id: "preview-notice" }, data.notice)
      : el("div", { class: "success-box", id: "preview-ok" }, "Valid. Every actor has a kind and every relation a type with governance meaning.");
    preview.replaceChildren(verdict,
      el("p", { id: "preview-summary" }, c.actors + " actors, " + c.relations + " relations, steering depth " + fmt(data.steering_depth) + "."),
      el("div", { class: "mapping-grid" }, counts("Kinds", c.kinds), counts("Relation types", c.types)));
  }

  async function run(action) {
    try {
      if (action === "preview") return showPreview(await postJSON(api + "/preview", { mapping: mapping() }));
      if (action === "save") {
        const replace = document.getElementById("replace").checked ? "?replace=1" : "";
        const data = await postJSON(api + replace, { mapping: mapping() });
        preview.replaceChildren(el("div", { class: "success-box", id: "save-ok" }, "Saved as ", el("a", { href: data.links.explorer }, data.scenarios[0]), ". Opening the explorer…"));
        return window.location.assign(data.links.explorer);
      }
      const response = await fetch(api + "/download?what=" + action, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ mapping: mapping() }),
      });
      if (!response.ok) await parseResponse(response);
      const name = (response.headers.get("Content-Disposition") || "").split('filename="')[1] || "mapping.yaml";
      download(await response.blob(), name.replace(/"$/, ""));
    } catch (err) {
      const box = errorBox(err);
      box.id = "preview-errors";
      preview.replaceChildren(box);
    }
  }

  async function start() {
    try {
      const data = await getJSON(api);
      attributes = { kinds: data.kinds.attribute, types: data.relation_types.attribute };
      document.getElementById("kind-attribute").textContent = data.kinds.attribute ? "(column " + data.kinds.attribute + ")" : "(the file has none)";
      document.getElementById("type-attribute").textContent = data.relation_types.attribute ? "(column " + data.relation_types.attribute + ")" : "(the file has none)";
      rows(document.querySelector("#kind-table tbody"), data.kinds.values, vocabulary.kinds, "Kind");
      rows(document.querySelector("#type-table tbody"), data.relation_types.values, vocabulary.types, "Relation type");
      document.getElementById("new-id").value = data.mapping.scenario.id;
      document.getElementById("new-title").value = data.mapping.scenario.title || "";
      const attrs = data.attributes;
      document.getElementById("attributes").replaceChildren(
        counts("On actors", attrs.actors), counts("On relations", attrs.relations));
      await run("preview");
    } catch (err) {
      preview.replaceChildren(errorBox(err));
    }
  }

  document.getElementById("preview-button").addEventListener("click", () => run("preview"));
  document.getElementById("download-mapping").addEventListener("click", () => run("mapping"));
  document.getElementById("download-scenario").addEventListener("click", () => run("scenario"));
  form.addEventListener("submit", (e) => { e.preventDefault(); run("save"); });
  form.addEventListener("change", (e) => { if (e.target.tagName === "SELECT") run("preview"); });
  start();
})();
