/* Keyboard triage on listings, when the focus is not in a text field:
 *   j / k   next / previous paper (scrolled into view, its badge focused and ringed)
 *   s       save or unsave it          t   its tags / note menu      c   copy its BibTeX
 *   o       open it (a new tab)        h   hide / show the papers already seen or saved
 *   ?       show these keys            Escape closes what is open
 * Only a person's keys act: a page script can dispatch keydown events at will, but they are not
 * isTrusted. Keys with Ctrl, Alt or Meta are the browser's and the page's.
 *
 * Hiding is the one thing here a page can see: while papers are hidden, the page can tell which
 * of its cards are (so which papers are seen or saved). It is the user's choice, remembered per
 * site in the extension's storage, and off until they press h. */
"use strict";

(() => {
  const PS = PaperShelf;
  const HIDE_STORE = "hideSeen"; // {hostname: true}
  let current = null; // the record in focus
  let hiding = false;
  const hidden = new Map(); // element -> its inline display before we hid it
  let help = null;

  const KEYS = [
    ["j", "next paper"], ["k", "previous paper"], ["s", "save or unsave it"], ["t", "tags, note, to read"],
    ["c", "copy its BibTeX"], ["o", "open it in a new tab"], ["u", "undo (while the confirmation shows)"],
    ["h", "hide or show papers seen or saved"],
    ["?", "show these keys"], ["Esc", "close"],
  ];

  function inTextField() {
    let el = document.activeElement;
    // Our own shadow roots handle their keys themselves (the badge's host passes them here).
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return false;
    if (el.isContentEditable) return true;
    const tag = el.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag === "INPUT") return !["checkbox", "radio", "button", "submit", "reset", "range", "color", "file", "image"].includes(el.type);
    return false;
  }

  /** The badged papers in document order, one per paper (the first card of each), not hidden. */
  function papers() {
    const seen = new Set();
    const list = [];
    const records = [...PS.records.values()].filter((r) => r.badge && r.badge.host.isConnected);
    records.sort((a, b) => (a.badge.host.compareDocumentPosition(b.badge.host) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
    for (const r of records) {
      if (seen.has(r.id) || (hiding && isDone(r))) continue;
      seen.add(r.id);
      list.push(r);
    }
    return list;
  }

  function isDone(record) {
    return record.state === "saved" || record.state === "seen";
  }

  function mark(record) {
    if (current && current.badge) current.badge.wrap.classList.remove("current");
    current = record;
    if (!record) return;
    record.badge.wrap.classList.add("current");
    record.badge.button.focus({ preventScroll: true });
    (record.el || record.badge.host).scrollIntoView({ block: "center", behavior: "instant" });
  }

  function move(step) {
    const list = papers();
    if (!list.length) return;
    const at = current ? list.indexOf(current) : -1;
    let next;
    if (at < 0) next = step > 0 ? list[0] : list[list.length - 1];
    else next = list[Math.max(0, Math.min(list.length - 1, at + step))];
    mark(next);
  }

  function openPaper(record) {
    const url = PaperShelfKeys.isArxivId(record.id)
      ? (location.hostname.endsWith("huggingface.co") ? `https://huggingface.co/papers/${record.id}` : `https://arxiv.org/abs/${record.id}`)
      : record.titleEl && record.titleEl.href;
    // Only http(s): a title link is the page's to set (a javascript: link must not run).
    if (url && /^https?:\/\//.test(url)) window.open(url, "_blank", "noopener");
  }

  /** The elements of a card (arXiv: the <dt> and its <dd>). */
  function cardParts(record) {
    const parts = [record.el];
    const next = record.el.nextElementSibling;
    if (record.el.tagName === "DT" && next && next.tagName === "DD") parts.push(next);
    return parts;
  }

  function applyHiding() {
    for (const [el, display] of hidden) {
      if (display) el.style.display = display;
      else el.style.removeProperty("display");
    }
    hidden.clear();
    if (!hiding) return;
    for (const record of PS.records.values()) {
      if (!isDone(record) || !record.el || record.el === record.titleEl) continue; // never a page's own heading
      for (const el of cardParts(record)) {
        hidden.set(el, el.style.display);
        el.style.setProperty("display", "none", "important");
      }
    }
    if (current && isDone(current)) mark(null);
  }

  async function setHiding(on, { remember = true } = {}) {
    hiding = on;
    applyHiding();
    if (!remember) return;
    try {
      const stored = (await PS.ext.storage.local.get({ [HIDE_STORE]: {} }))[HIDE_STORE] || {};
      if (on) stored[location.hostname] = true;
      else delete stored[location.hostname];
      await PS.ext.storage.local.set({ [HIDE_STORE]: stored });
    } catch (_) { /* not remembered: it still applies to this page */ }
  }

  function showHelp() {
    if (help && help.host.isConnected) {
      help.host.remove();
      return;
    }
    const host = document.createElement("span");
    host.className = "papershelf-keys-host";
    const root = host.attachShadow({ mode: "closed" });
    const style = document.createElement("style");
    style.textContent = `
      :host { all: initial !important; position: fixed !important; inset: 0 !important; z-index: 2147483647 !important;
              display: grid !important; place-items: center !important; background: rgba(0,0,0,.35) !important;
              font: 400 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif !important; }
      .box { background: #fff; color: #111827; border-radius: 12px; padding: 1em 1.4em; min-width: 20em; box-shadow: 0 8px 30px rgba(0,0,0,.3); }
      .box.dark { background: #111827; color: #f3f4f6; }
      h2 { font-size: 1.1em; margin: 0 0 .5em; }
      dl { display: grid; grid-template-columns: auto 1fr; gap: .25em 1em; margin: 0; }
      kbd { font: 600 .95em ui-monospace, monospace; border: 1px solid #9ca3af; border-radius: 4px; padding: 0 .4em; }
      button { font: inherit; margin-top: .8em; padding: .3em .9em; border-radius: 6px; border: 1px solid #1b7048; background: #1b7048; color: #fff; cursor: pointer; }
    `;
    const box = document.createElement("div");
    box.className = PS.theme && PS.theme.isDark() ? "box dark" : "box";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", "PaperShelf keys");
    const title = document.createElement("h2");
    title.textContent = "PaperShelf keys";
    const list = document.createElement("dl");
    for (const [key, what] of KEYS) {
      const dt = document.createElement("dt");
      const kbd = document.createElement("kbd");
      kbd.textContent = key;
      dt.append(kbd);
      const dd = document.createElement("dd");
      dd.textContent = what;
      list.append(dt, dd);
    }
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "Close";
    close.addEventListener("click", (event) => { if (event.isTrusted) host.remove(); });
    box.append(title, list, close);
    root.append(style, box);
    host.addEventListener("keydown", (event) => {
      event.stopPropagation();
      if (event.isTrusted && (event.key === "Escape" || event.key === "?")) {
        event.preventDefault();
        host.remove();
        if (current) current.badge.button.focus({ preventScroll: true });
      }
    });
    host.addEventListener("click", (event) => { if (event.isTrusted && event.composedPath()[0] === host) host.remove(); });
    document.documentElement.append(host);
    close.focus();
    help = { host };
  }

  /** One key: true when it was ours (the caller then keeps it from the page). */
  function act(event, record) {
    if (!event.isTrusted || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return false;
    const target = record || current;
    switch (event.key) {
      case "j": move(1); return true;
      case "k": move(-1); return true;
      case "?": showHelp(); return true;
      case "u": return PS.toast.undo(); // the page keeps its u when there is nothing to undo
      case "h":
        setHiding(!hiding);
        PS.toast.show(hiding ? "Papers seen or saved are hidden (h shows them)" : "All papers shown");
        return true;
      case "Escape":
        if (PS.menu && PS.menu.isOpen()) { PS.menu.close(true); return true; }
        return false;
      default: break;
    }
    if (!target || !target.badge) return false;
    switch (event.key) {
      case "s": PS.actions.toggle(target); return true;
      case "t": PS.menu.show(target); return true;
      case "c": PS.menu.copyBibtex(target); return true;
      case "o": openPaper(target); return true;
      default: return false;
    }
  }

  function onKey(event) {
    if (!PS.records.size || inTextField()) return;
    if (act(event, null)) event.preventDefault();
  }

  /** Keys on a focused badge (its host keeps them from the page, so they come here). */
  function onBadgeKey(event, record) {
    if (!event.isTrusted || event.key === "Enter" || event.key === " ") return; // Enter, Space: the button's own click
    if (current !== record) {
      if (current && current.badge) current.badge.wrap.classList.remove("current");
      current = record;
      record.badge.wrap.classList.add("current");
    }
    if (act(event, record)) event.preventDefault();
  }

  async function start() {
    document.addEventListener("keydown", onKey);
    try {
      const stored = (await PS.ext.storage.local.get({ [HIDE_STORE]: {} }))[HIDE_STORE] || {};
      if (stored[location.hostname]) setHiding(true, { remember: false });
    } catch (_) { /* nothing remembered */ }
  }

  PS.keys = { start, onBadgeKey, setHiding, applyHiding: () => { if (hiding) applyHiding(); }, isHiding: () => hiding };
})();
