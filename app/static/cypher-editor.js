/* A small Cypher editor over a plain textarea: syntax colours drawn by a <pre> behind the
   transparent text, keyword and name completion, a history kept in localStorage (Up at the
   first line, Down at the last), and Ctrl/Cmd+Enter to run. No third-party code. */
(function () {
  "use strict";
  const { el } = window.GG;

  const KEYWORDS = ["MATCH", "OPTIONAL MATCH", "WHERE", "WITH", "UNWIND", "RETURN", "ORDER BY", "SKIP", "LIMIT",
    "UNION", "UNION ALL", "DISTINCT", "AS", "AND", "OR", "XOR", "NOT", "IN", "IS NULL", "IS NOT NULL", "CASE", "WHEN",
    "THEN", "ELSE", "END", "STARTS WITH", "ENDS WITH", "CONTAINS", "ASC", "DESC", "TRUE", "FALSE", "NULL", "CALL", "YIELD"];
  const FUNCTIONS = ["count", "collect", "sum", "avg", "min", "max", "size", "length", "nodes", "relationships", "type",
    "coalesce", "toLower", "toUpper", "substring", "split", "left", "right", "replace", "trim", "abs", "round",
    "shortestPath", "allShortestPaths", "exists", "range"];
  const PROCEDURES = ["db.labels()", "db.relationshipTypes()", "db.propertyKeys()", "db.schema.visualization()"];
  const WORDS = new Set(KEYWORDS.flatMap((k) => k.split(" ")));
  const FUNCTION_WORDS = new Set(FUNCTIONS.map((f) => f.toLowerCase()));
  const TOKEN = /(\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$))|('(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?)|(`[^`]*`?)|(\$[A-Za-z_][A-Za-z0-9_]*)|(\b\d+(?:\.\d+)?\b)|([A-Za-z_][A-Za-z0-9_]*)|(\s+)|([\s\S])/g;
  const HISTORY_KEY = "govgraph.console.history";
  const HISTORY_MAX = 100;

  /* Highlighted pieces of a query as [css class or "", text] pairs. */
  function highlight(text) {
    const parts = [];
    let m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      const [all, comment, string, name, param, number, word] = m;
      let cls = "";
      if (comment) cls = "tok-comment";
      else if (string) cls = "tok-string";
      else if (name) cls = "tok-name";
      else if (param) cls = "tok-param";
      else if (number) cls = "tok-number";
      else if (word) cls = classOfWord(word, text, m.index);
      parts.push([cls, all]);
    }
    return parts;
  }

  function classOfWord(word, text, at) {
    const before = text.slice(0, at).replace(/\s+$/, "").slice(-1);
    const after = text.slice(at + word.length).replace(/^\s+/, "").charAt(0);
    if (before === ":") return "tok-label";
    if (before === ".") return "tok-prop";
    const keyword = WORDS.has(word.toUpperCase());
    if (after === "(" && before !== "(" && (!keyword || FUNCTION_WORDS.has(word.toLowerCase()))) return "tok-function";
    if (keyword) return "tok-keyword";
    return "tok-var";
  }

  class CypherEditor {
    constructor(textarea, options) {
      this.area = textarea;
      this.options = options || {};
      this.names = [];
      this.history = loadHistory();
      this.historyAt = this.history.length;
      this.draft = "";
      this.build();
      this.bind();
      this.refresh();
    }

    build() {
      this.shade = el("pre", { class: "code-shade", "aria-hidden": "true" });
      this.area.classList.add("code-input");
      this.area.parentNode.insertBefore(this.shade, this.area);
      this.menu = el("ul", { class: "completions", role: "listbox", id: "completions", hidden: true });
      this.area.parentNode.appendChild(this.menu);
    }

    bind() {
      this.area.addEventListener("input", () => { this.refresh(); this.complete(); });
      this.area.addEventListener("scroll", () => this.syncScroll());
      this.area.addEventListener("keydown", (e) => this.onKey(e));
      this.area.addEventListener("blur", () => setTimeout(() => this.closeMenu(), 150));
    }

    get value() { return this.area.value; }
    set value(text) { this.area.value = text; this.refresh(); }

    /* Names the store knows (labels, types, property keys) offered after keywords. */
    setNames(names) { this.names = [...new Set(names)].sort(); }

    refresh() {
      const pieces = highlight(this.area.value).map(([cls, text]) => (cls ? el("span", { class: cls }, text) : text));
      this.shade.replaceChildren(...pieces, "\n");
      this.syncScroll();
      if (this.options.onChange) this.options.onChange(this.area.value);
    }

    syncScroll() {
      this.shade.scrollTop = this.area.scrollTop;
      this.shade.scrollLeft = this.area.scrollLeft;
      if (this.options.onScroll) this.options.onScroll(this.area.scrollTop);
    }

    onKey(e) {
      if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
        e.preventDefault();
        this.closeMenu();
        if (this.options.onRun) this.options.onRun();
        return;
      }
      if (!this.menu.hidden && this.menuKey(e)) return;
      if (e.key === "ArrowUp" && !e.shiftKey && this.onFirstLine()) { e.preventDefault(); this.walk(-1); }
      else if (e.key === "ArrowDown" && !e.shiftKey && this.onLastLine()) { e.preventDefault(); this.walk(1); }
    }

    onFirstLine() { return !this.area.value.slice(0, this.area.selectionStart).includes("\n"); }
    onLastLine() { return !this.area.value.slice(this.area.selectionEnd).includes("\n"); }

    /* Step through the history; past the newest entry comes back what was being written. */
    walk(step) {
      if (!this.history.length) return;
      if (this.historyAt === this.history.length) this.draft = this.area.value;
      let at = Math.max(0, Math.min(this.history.length, this.historyAt + step));
      // The query just run is still in the editor: Up goes to the one before it.
      if (step < 0 && at === this.history.length - 1 && this.history[at] === this.draft.trim() && at > 0) at -= 1;
      if (at === this.historyAt) return;
      this.historyAt = at;
      this.value = at === this.history.length ? this.draft : this.history[at];
      const end = step < 0 ? this.area.value.indexOf("\n") : this.area.value.length;
      const caret = end < 0 ? this.area.value.length : end;
      this.area.setSelectionRange(caret, caret);
    }

    /* Remember a query that was run (not twice in a row). */
    remember(text) {
      const query = text.trim();
      if (!query) return;
      if (this.history[this.history.length - 1] !== query) this.history.push(query);
      this.history = this.history.slice(-HISTORY_MAX);
      this.historyAt = this.history.length;
      try { localStorage.setItem(HISTORY_KEY, JSON.stringify(this.history)); } catch (e) { /* private mode */ }
    }

    // ---- completion -----------------------------------------------------------------------

    currentWord() {
      const upto = this.area.value.slice(0, this.area.selectionStart);
      const m = /([A-Za-z_][A-Za-z0-9_.]*)$/.exec(upto);
      return m ? { text: m[1], start: upto.length - m[1].length } : null;
    }

    complete() {
      const word = this.currentWord();
      if (!word || word.text.length < 2) return this.closeMenu();
      const prefix = word.text.toLowerCase();
      const pool = [...KEYWORDS, ...FUNCTIONS.map((f) => f + "()"), ...PROCEDURES, ...this.names];
      const found = [...new Set(pool)].filter((c) => c.toLowerCase().startsWith(prefix) && c.toLowerCase() !== prefix).slice(0, 8);
      if (!found.length) return this.closeMenu();
      this.choices = found;
      this.choice = 0;
      this.wordStart = word.start;
      this.menu.replaceChildren(...found.map((c, i) => el("li", { role: "option", class: i === 0 ? "active" : null,
        dataset: { value: c }, onmousedown: (ev) => { ev.preventDefault(); this.accept(i); } }, c)));
      this.placeMenu();
      this.menu.hidden = false;
    }

    placeMenu() {
      const before = this.area.value.slice(0, this.area.selectionStart).split("\n");
      const style = getComputedStyle(this.area);
      const lineHeight = parseFloat(style.lineHeight) || 18;
      const charWidth = parseFloat(style.fontSize) * 0.6;
      const top = before.length * lineHeight - this.area.scrollTop + parseFloat(style.paddingTop) + 2;
      const left = Math.min(before[before.length - 1].length * charWidth + parseFloat(style.paddingLeft), this.area.clientWidth - 160);
      this.menu.style.top = top + "px";
      this.menu.style.left = Math.max(0, left) + this.area.offsetLeft + "px";
    }

    menuKey(e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        this.choice = (this.choice + (e.key === "ArrowDown" ? 1 : -1) + this.choices.length) % this.choices.length;
        [...this.menu.children].forEach((li, i) => li.classList.toggle("active", i === this.choice));
        return true;
      }
      if (e.key === "Tab" || e.key === "Enter") { e.preventDefault(); this.accept(this.choice); return true; }
      if (e.key === "Escape") { e.preventDefault(); this.closeMenu(); return true; }
      return false;
    }

    accept(i) {
      const text = this.choices[i];
      const value = this.area.value;
      const end = this.area.selectionStart;
      const inserted = text.endsWith("()") ? text : text + " ";
      this.area.value = value.slice(0, this.wordStart) + inserted + value.slice(end);
      const caret = this.wordStart + (text.endsWith("()") ? inserted.length - 1 : inserted.length);
      this.area.setSelectionRange(caret, caret);
      this.closeMenu();
      this.refresh();
      this.area.focus();
    }

    closeMenu() { this.menu.hidden = true; }
  }

  function loadHistory() {
    try {
      const list = JSON.parse(localStorage.getItem(HISTORY_KEY) || "[]");
      return Array.isArray(list) ? list.filter((q) => typeof q === "string") : [];
    } catch (e) {
      return [];
    }
  }

  window.CypherEditor = CypherEditor;
  window.CypherEditor.highlight = highlight;
})();
