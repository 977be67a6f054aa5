/* Upload: post the file to the API; on success open the new scenario in the explorer, on
   failure list every located validation problem. */
(function () {
  "use strict";
  const { el, errorBox, parseResponse } = window.GG;
  const form = document.getElementById("upload-form");
  const input = document.getElementById("file");
  const result = document.getElementById("upload-result");
  const zone = document.getElementById("dropzone");

  async function upload(event) {
    event.preventDefault();
    if (!input.files.length) return result.replaceChildren(errorBox({ code: "no-file", message: "Choose a file first." }));
    const body = new FormData();
    Array.from(input.files).forEach((f) => body.append("file", f));
    const token = document.getElementById("token").value.trim();
    const headers = { Accept: "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    const replace = document.getElementById("replace").checked ? "?replace=1" : "";
    result.replaceChildren(el("p", { class: "muted" }, "Validating " + Array.from(input.files).map((f) => f.name).join(", ") + "…"));
    try {
      const data = await parseResponse(await fetch(form.action + replace, { method: "POST", body, headers }));
      const links = data.links || {};
      const target = links.mapping || links.explorer || "/scenarios/" + encodeURIComponent(data.scenarios[0]);
      const next = links.mapping ? ". It needs a mapping to governance meaning: opening the mapping page…" : ". Opening the explorer…";
      result.replaceChildren(el("div", { class: "success-box", id: "upload-ok" }, "Loaded ", (data.scenarios || []).join(", "), next));
      window.location.assign(target);
    } catch (err) {
      const box = errorBox(err);
      box.id = "upload-errors";
      result.replaceChildren(box);
    }
  }

  form.addEventListener("submit", upload);
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    if (e.dataTransfer.files.length) input.files = e.dataTransfer.files;
  });
})();
