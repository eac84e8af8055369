/* The badge menu (▾ beside each badge, or `t` on the paper in focus): save with tags, a note and
 * "to read", or change them on a saved paper; copy the paper's BibTeX or a Markdown link.
 *
 * The panel lives in the badge's own closed shadow root (position: fixed, so no card clips it),
 * opens with the focus in the tags field, and closes on Escape (focus back on the badge), Cancel,
 * a click elsewhere, or once it has done its job. Tags are completed from the library's tags
 * (GET /api/tags through the worker): the field's <datalist> offers "what you typed, + tag" for
 * the word being typed. "To read" is the tag `to read`, the library page's reading queue. On a
 * saved paper, "Mark read" (or "Mark unread") sets the paper's read flag at once, which takes it
 * out of the reading queue (the tag stays, as on the library page); it goes through the worker's
 * offline queue like a save, and its toast has Undo. Everything acts only on a person's input
 * (isTrusted). Known limit: a page's own capture-phase key listeners see the keys typed here
 * (they run before any content script); what the panel shows is not in its text (attributes,
 * field values). */
"use strict";

(() => {
  const PS = PaperShelf;
  const TO_READ = "to read"; // query.py TO_READ_TAG: the library's To read tab lists these
  const MAX_TAG = 100;
  const MAX_TAGS = 50;
  const MAX_NOTE = 20000;
  const STYLE = `
    .panel {
      position: fixed; z-index: 2147483647; box-sizing: border-box; width: 22em; padding: 0.8em;
      display: grid; gap: 0.5em; border-radius: 10px; border: 1px solid #d1d5db; background: #fff; color: #111827;
      box-shadow: 0 8px 24px rgba(0, 0, 0, 0.18); font: 400 13px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
      white-space: normal; text-align: left;
    }
    .panel[hidden] { display: none; }
    .panel label { display: grid; gap: 0.2em; font-weight: 600; }
    .panel label.check { display: flex; align-items: center; gap: 0.4em; }
    .panel input[type="text"], .panel textarea {
      font: inherit; font-weight: 400; box-sizing: border-box; width: 100%; padding: 0.3em 0.45em; border-radius: 6px;
      border: 1px solid #6b7280; background: #fff; color: #111827;
    }
    .panel textarea { resize: vertical; min-height: 3.2em; }
    .panel .row { display: flex; gap: 0.4em; flex-wrap: wrap; }
    .panel button {
      width: auto; font: inherit; font-weight: 600; padding: 0.3em 0.8em; border-radius: 6px; cursor: pointer;
      border: 1px solid #1b7048; background: #fff; color: #17663f;
    }
    .panel button.primary { background: #1b7048; color: #fff; }
    .panel button::before { content: none; }
    .panel button[hidden] { display: none; }
    .panel button.save::before, .panel button.mark-read::before { content: attr(data-label); }
    .panel :focus-visible { outline: 2px solid #1a56db; outline-offset: 1px; }
    .dark .panel, .panel.dark { background: #111827; color: #f3f4f6; border-color: #374151; }
    .panel.dark input[type="text"], .panel.dark textarea { background: #0b0f19; color: #f3f4f6; border-color: #9ca3af; }
    .panel.dark button { background: #111827; color: #6ee7b7; border-color: #34d399; }
    .panel.dark button.primary { background: #34d399; color: #052e1c; }
  `;
  let open = null; // {record, ui}
  let tagList = null; // Promise of the library's tags, asked once per page per menu use
  let tagsAskedAt = 0;

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    Object.assign(node, props);
    node.append(...children);
    return node;
  }

  function build(record) {
    const root = record.badge.root;
    if (record.badge.menu) return record.badge.menu;
    const style = el("style", { textContent: STYLE });
    const listId = `ps-tags-${Math.random().toString(36).slice(2)}`;
    const tags = el("input", { type: "text", className: "tags", autocomplete: "off", spellcheck: false });
    tags.setAttribute("list", listId);
    tags.placeholder = "tag, another tag";
    const datalist = el("datalist", { id: listId });
    const note = el("textarea", { className: "note", rows: 2, maxLength: MAX_NOTE });
    const toRead = el("input", { type: "checkbox", className: "to-read" });
    const save = el("button", { type: "button", className: "primary save" });
    const cancel = el("button", { type: "button", className: "cancel", textContent: "Cancel" });
    // Shown on a saved paper once its read flag is known (after Cancel, so the keys to the copy
    // buttons stay the same on an unsaved paper).
    const read = el("button", { type: "button", className: "mark-read", hidden: true });
    const bib = el("button", { type: "button", className: "copy-bibtex", textContent: "Copy BibTeX" });
    const md = el("button", { type: "button", className: "copy-markdown", textContent: "Copy Markdown link" });
    const panel = el("div", { className: "panel", hidden: true },
      el("label", {}, "Tags", tags), datalist,
      el("label", {}, "Note", note),
      el("label", { className: "check" }, toRead, "To read"),
      el("div", { className: "row" }, save, cancel, read),
      el("div", { className: "row" }, bib, md));
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", "PaperShelf: save with details");
    root.append(style, panel);
    // Clicks and keys in the panel stay ours: the badge often sits in a clickable card.
    for (const type of ["click", "mousedown", "mouseup", "pointerdown", "pointerup", "auxclick", "keydown", "keyup", "input"]) {
      panel.addEventListener(type, (event) => event.stopPropagation());
    }
    const ui = { panel, tags, datalist, note, toRead, save, cancel, read, bib, md };
    const trusted = (fn) => (event) => { if (event.isTrusted) fn(event); };
    save.addEventListener("click", trusted(() => submit(record, ui)));
    cancel.addEventListener("click", trusted(() => close(true)));
    read.addEventListener("click", trusted(() => markRead(record, ui.read.dataset.read !== "true")));
    bib.addEventListener("click", trusted(() => copyBibtex(record)));
    md.addEventListener("click", trusted(() => copyMarkdown(record)));
    tags.addEventListener("input", () => complete(ui));
    panel.addEventListener("keydown", trusted((event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        close(true);
      } else if (event.key === "Enter" && (event.target === tags || event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        submit(record, ui);
      }
    }));
    record.badge.menu = ui;
    return ui;
  }

  function splitTags(text) {
    const out = [];
    for (const raw of String(text).split(",")) {
      const tag = raw.trim().slice(0, MAX_TAG);
      if (tag && !out.includes(tag) && out.length < MAX_TAGS) out.push(tag);
    }
    return out;
  }

  async function libraryTags() {
    if (!tagList || Date.now() - tagsAskedAt > 60000) {
      tagsAskedAt = Date.now();
      tagList = PS.send({ type: "tags" }).then((answer) =>
        ((answer && answer.tags) || []).map((t) => (typeof t === "string" ? t : t && t.tag)).filter((t) => typeof t === "string"));
    }
    return tagList;
  }

  /** Offer "what is typed, + tag" for every library tag that starts with the word being typed. */
  async function complete(ui) {
    const value = ui.tags.value;
    const cut = value.lastIndexOf(",");
    const head = cut < 0 ? "" : `${value.slice(0, cut + 1)} `;
    const word = value.slice(cut + 1).trim().toLowerCase();
    const have = new Set(splitTags(value.slice(0, cut + 1)));
    const all = await libraryTags();
    const offers = all.filter((t) => t !== TO_READ && !have.has(t) && t.toLowerCase().startsWith(word)).slice(0, 30);
    ui.datalist.replaceChildren(...offers.map((t) => el("option", { value: `${head}${t}` })));
  }

  function position(record, ui) {
    const r = record.badge.host.getBoundingClientRect();
    const width = ui.panel.offsetWidth || 300;
    const left = Math.max(8, Math.min(r.left, window.innerWidth - width - 8));
    const below = r.bottom + 6;
    const height = ui.panel.offsetHeight || 260;
    const top = below + height > window.innerHeight - 8 ? Math.max(8, r.top - height - 6) : below;
    ui.panel.style.left = `${left}px`;
    ui.panel.style.top = `${top}px`;
  }

  function onScroll() {
    if (open) position(open.record, open.ui);
  }

  function onOutside(event) {
    if (open && event.isTrusted && !event.composedPath().includes(open.record.badge.host)) close(false);
  }

  async function show(record) {
    if (!record.badge) return;
    close(false);
    const ui = build(record);
    const p = PS.papers.get(record.id);
    const status = p && p.key ? PS.statusByKey.get(p.key) : null;
    const saved = Boolean(status && status.saved);
    const tags = (status && status.tags) || [];
    ui.tags.value = tags.filter((t) => t !== TO_READ).join(", ");
    ui.toRead.checked = tags.includes(TO_READ);
    ui.note.value = "";
    ui.noteBefore = "";
    ui.read.hidden = true;
    // Generated content, as on the badge: "Update" in the page's text would say it is saved.
    ui.save.dataset.label = saved ? "Update" : "Save";
    ui.save.setAttribute("aria-label", saved ? "Update tags and note" : "Save with these tags and note");
    ui.panel.classList.toggle("dark", Boolean(PS.theme && PS.theme.isDark()));
    ui.panel.hidden = false;
    position(record, ui);
    record.badge.more.setAttribute("aria-expanded", "true");
    open = { record, ui };
    window.addEventListener("scroll", onScroll, { passive: true, capture: true });
    document.addEventListener("pointerdown", onOutside, true);
    ui.tags.focus();
    complete(ui);
    if (saved && p.key) {
      const answer = await PS.send({ type: "paper", key: p.key });
      if (open && open.record === record && answer && answer.paper) {
        if (!ui.note.value) ui.note.value = ui.noteBefore = String(answer.paper.note || "").slice(0, MAX_NOTE);
        showRead(ui, Boolean(answer.paper.read));
      } else if (open && open.record === record) {
        showRead(ui, false); // backend down: a saved paper is offered Mark read (the mark waits in the queue)
      }
    }
  }

  function close(refocus) {
    if (!open) return;
    const { record, ui } = open;
    open = null;
    ui.panel.hidden = true;
    record.badge.more.setAttribute("aria-expanded", "false");
    window.removeEventListener("scroll", onScroll, { capture: true });
    document.removeEventListener("pointerdown", onOutside, true);
    if (refocus) record.badge.button.focus({ preventScroll: true });
  }

  function toggle(record) {
    if (open && open.record === record) close(true);
    else show(record);
  }

  /** Save (if not saved yet) with the tags, note and "to read" of the panel. */
  async function submit(record, ui) {
    const tags = splitTags(ui.tags.value);
    if (ui.toRead.checked && !tags.includes(TO_READ)) tags.push(TO_READ);
    const note = ui.note.value.slice(0, MAX_NOTE);
    const noteBefore = ui.noteBefore || "";
    close(true);
    const wasSaved = PS.actions.isSaved(record);
    let p = PS.papers.get(record.id);
    const before = p && p.key ? { ...(PS.statusByKey.get(p.key) || {}) } : null;
    if (!wasSaved) {
      p = await PS.actions.setSaved(record, true, { quiet: true });
      if (!p || p.error || p.queuedSave || !p.key) {
        PS.toast.show(p && p.queuedSave ? "Saved once PaperShelf is reachable (queued); tags not set"
          : `Could not save: ${(p && p.error) || "no answer"}`);
        return;
      }
    }
    const answer = await PS.send({ type: "update-paper", key: p.key, tags, note });
    if (!answer || answer.error || !answer.paper) {
      PS.toast.show(`Saved, but the tags and note were not set: ${(answer && answer.error) || "no answer"}`);
      return;
    }
    const known = PS.statusByKey.get(p.key) || { saved: true, seen_count: 0 };
    PS.statusByKey.set(p.key, { ...known, tags: answer.paper.tags || tags });
    PS.capture.refresh([p.id]);
    const what = `${tags.length} tag${tags.length === 1 ? "" : "s"}${note ? " and a note" : ""}`;
    PS.toast.show(wasSaved ? `Updated: ${what}` : `Saved with ${what}`, async () => {
      if (!wasSaved) await PS.actions.setSaved(record, false, { quiet: true });
      await PS.send({ type: "update-paper", key: p.key, tags: (before && before.tags) || [], note: noteBefore });
      const now = PS.statusByKey.get(p.key);
      if (now) PS.statusByKey.set(p.key, { ...now, tags: (before && before.tags) || [] });
      PS.capture.refresh([p.id]);
      PS.toast.show(wasSaved ? "Change undone" : "Save undone");
    });
  }

  /** The read button says what it does (generated content, as Save/Update: not in the page's text). */
  function showRead(ui, isRead) {
    ui.read.dataset.read = String(isRead);
    ui.read.dataset.label = isRead ? "Mark unread" : "Mark read";
    ui.read.setAttribute("aria-label", ui.read.dataset.label);
    ui.read.hidden = false;
  }

  /** Set the saved paper's read flag (out of the reading queue, or back in); Undo sets it back. */
  async function markRead(record, read, undoing = false) {
    close(true);
    const p = PS.papers.get(record.id);
    if (!p || !p.key) return;
    const answer = await PS.send({ type: "mark-read", key: p.key, read });
    if (!answer || answer.error) {
      PS.toast.show(`Could not mark it ${read ? "read" : "unread"}: ${(answer && answer.error) || "no answer"}`);
      return;
    }
    const queued = answer.queued ? " once PaperShelf is reachable (queued)" : "";
    if (undoing) {
      PS.toast.show(`Change undone${queued}`);
      return;
    }
    PS.toast.show(`Marked ${read ? "read" : "unread"}${queued}`, () => markRead(record, !read, true));
  }

  async function writeClipboard(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (_) {
      // Older rules (or a page that denies the clipboard API): a selection copied the old way,
      // inside our own shadow root.
      const area = el("textarea", { value: text });
      area.style.cssText = "position: fixed; left: -9999px; top: 0; opacity: 0;";
      const root = open ? open.record.badge.root : document.documentElement;
      root.append(area);
      area.select();
      let ok = false;
      try { ok = document.execCommand("copy"); } catch (_) { ok = false; }
      area.remove();
      return ok;
    }
  }

  async function copyBibtex(record) {
    close(true);
    const p = PS.papers.get(record.id);
    if (!p || !p.key) {
      PS.toast.show("Not in the library yet: save it first");
      return;
    }
    const answer = await PS.send({ type: "cite", format: "bibtex", keys: [p.key] });
    if (!answer || answer.error || !answer.text) {
      PS.toast.show(`Could not copy BibTeX: ${(answer && answer.error) || "no answer"}`);
      return;
    }
    PS.toast.show(await writeClipboard(answer.text.trim() + "\n") ? "BibTeX copied" : "The browser refused the clipboard");
  }

  /** [Title](https://arxiv.org/abs/ID): the title as the card shows it, brackets escaped. */
  function markdownLink(record) {
    const title = ((record.titleEl && record.titleEl.textContent) || record.id || "")
      .replace(/\s+/g, " ").trim().replace(/^Title:\s*/, "").slice(0, 500).replace(/([\\[\]])/g, "\\$1");
    const url = PaperShelfKeys.isArxivId(record.id) ? `https://arxiv.org/abs/${record.id}` : location.href.split("#")[0];
    return `[${title}](${url.replace(/[()\s]/g, encodeURIComponent)})`;
  }

  async function copyMarkdown(record) {
    close(true);
    PS.toast.show(await writeClipboard(markdownLink(record)) ? "Markdown link copied" : "The browser refused the clipboard");
  }

  PS.menu = { show, close, toggle, copyBibtex, copyMarkdown, markdownLink, markRead, isOpen: () => Boolean(open) };
})();
