/* Interaction helpers of the explorer: a suggestion list under a text field (search, path
   finder, reference actor), actor matching, and the ISO date check. All text goes into the
   page as text nodes (see common.js), never as HTML. */
(function () {
  "use strict";
  const { el, isoDate } = window.GG;
  let serial = 0;

  /* Rank actors for a typed text: name prefix, then a word of the name, then anywhere in
     name, id or kind. Returns at most ``limit`` actors. */
  function rankActors(actors, text, limit) {
    const needle = text.trim().toLowerCase();
    if (!needle) return [];
    const scored = [];
    for (const a of actors) {
      const name = String(a.name || a.id).toLowerCase(), id = String(a.id).toLowerCase();
      const kind = String(a.kind || "").replace(/_/g, " ").toLowerCase();
      let score = -1;
      if (name.startsWith(needle) || id === needle) score = 0;
      else if (name.split(/[\s\-'(]+/).some((w) => w.startsWith(needle))) score = 1;
      else if (name.includes(needle)) score = 2;
      else if (id.includes(needle)) score = 3;
      else if (kind.includes(needle)) score = 4;
      if (score >= 0) scored.push([score, name.length, name, a]);
    }
    scored.sort((x, y) => x[0] - y[0] || x[1] - y[1] || (x[2] < y[2] ? -1 : 1));
    return scored.slice(0, limit || 12).map((s) => s[3]);
  }

  /* The actor an input names: exact id, then exact name (any case), else null. */
  function resolveActor(actors, text) {
    const t = text.trim();
    if (!t) return null;
    const lower = t.toLowerCase();
    return actors.find((a) => a.id === t) || actors.find((a) => String(a.name || "").toLowerCase() === lower) || null;
  }

  /* A suggestion list for a text input (an ARIA combobox). ``source(text)`` returns actors
     (or a promise of them); ``onPick(actor)`` runs on Enter or a click; ``fallback(text)``,
     when given, is offered as a last row ("Filter the view by …") and runs on Enter when no
     row is active. */
  class Suggest {
    constructor(input, opts) {
      this.input = input;
      this.opts = opts;
      this.items = [];
      this.active = -1;
      this.list = el("ul", { class: "suggest", role: "listbox", id: "suggest-" + (++serial), hidden: true });
      input.insertAdjacentElement("afterend", this.list);
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-expanded", "false");
      input.setAttribute("aria-controls", this.list.id);
      input.setAttribute("autocomplete", "off");
      input.addEventListener("input", () => { delete input.dataset.id; this.update(); });
      input.addEventListener("focus", () => { if (input.value.trim()) this.update(); });
      input.addEventListener("keydown", (e) => this.key(e));
      input.addEventListener("blur", () => setTimeout(() => this.close(), 150));
    }

    async update() {
      const text = this.input.value;
      const found = text.trim() ? await this.opts.source(text) : [];
      if (text !== this.input.value) return; // a newer keystroke won
      this.items = found.map((a) => ({ actor: a }));
      if (this.opts.fallback && text.trim()) this.items.push({ text: text.trim() });
      this.active = this.items.length && this.items[0].actor ? 0 : -1;
      this.render();
    }

    render() {
      const rows = this.items.map((item, i) => {
        const a = item.actor;
        const body = a
          ? [window.GraphStyle.shapeIcon(a.kind), el("span", { class: "s-name" }, a.name || a.id),
             el("span", { class: "s-meta" }, String(a.kind || "").replace(/_/g, " ") + " · " + a.id)]
          : [el("span", { class: "s-name s-filter" }, this.opts.fallbackLabel(item.text))];
        return el("li", {
          role: "option", id: this.list.id + "-" + i, class: i === this.active ? "active" : null,
          "aria-selected": i === this.active ? "true" : "false", dataset: { index: String(i), actor: a ? a.id : "" },
          onmousedown: (e) => { e.preventDefault(); this.pick(i); },
        }, body);
      });
      this.list.replaceChildren(...rows);
      if (!rows.length && this.input.value.trim()) this.list.appendChild(el("li", { class: "s-none" }, "No actor matches."));
      this.list.hidden = !this.list.children.length;
      this.keepInWindow();
      this.input.setAttribute("aria-expanded", this.list.hidden ? "false" : "true");
      if (this.active >= 0) this.input.setAttribute("aria-activedescendant", this.list.id + "-" + this.active);
      else this.input.removeAttribute("aria-activedescendant");
    }

    /* Open the list towards the side of the window with room (a field near the right edge
       opens it leftwards). */
    keepInWindow() {
      if (this.list.hidden) return;
      this.list.style.left = "0";
      this.list.style.right = "auto";
      if (this.list.getBoundingClientRect().right > window.innerWidth - 4) {
        this.list.style.left = "auto";
        this.list.style.right = "0";
      }
    }

    key(e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (this.list.hidden) return this.update();
        const n = this.items.length;
        if (n) this.active = (this.active + (e.key === "ArrowDown" ? 1 : n - 1) + (this.active < 0 && e.key === "ArrowUp" ? 1 : 0)) % n;
        this.render();
      } else if (e.key === "Enter") {
        e.preventDefault();
        if (this.active >= 0) this.pick(this.active);
        else if (this.opts.fallback && this.input.value.trim()) { this.close(); this.opts.fallback(this.input.value.trim()); }
        else if (this.opts.onEnter) this.opts.onEnter(this.input.value);
      } else if (e.key === "Escape") {
        this.close();
      }
    }

    pick(i) {
      const item = this.items[i];
      this.close();
      if (!item) return;
      if (item.actor) {
        this.input.value = this.opts.keepText ? item.actor.name || item.actor.id : "";
        this.input.dataset.id = item.actor.id;
        this.opts.onPick(item.actor);
      } else {
        this.opts.fallback(item.text);
      }
    }

    close() {
      this.list.hidden = true;
      this.active = -1;
      this.input.setAttribute("aria-expanded", "false");
      this.input.removeAttribute("aria-activedescendant");
    }
  }

  window.ExplorerTools = { Suggest, rankActors, resolveActor, isoDate };
})();
