/* Opt-in (options page): on any site, mark links to arXiv / HF paper pages that are saved in
 * PaperShelf with a small ✓. Registered at run time only after the user granted the optional
 * host permission; asks the background worker, never the backend (offline, the worker answers
 * from its status cache).
 *
 * The page's own scripts must not learn which of the papers it links to you saved (a page could
 * list 500 arXiv ids and read the answer back), so, as the badges do (content/badges.js):
 * - every paper link gets a mark, saved or not, all inserted at once before the worker is
 *   asked: their number and timing say nothing;
 * - each mark is a host <span> with only its class, in a *closed* shadow root, and the same fixed
 *   size whatever it shows: no attribute, text, child node, style or box differs;
 * - the ✓ is CSS generated content (attr(data-label)) inside the shadow root, so window.find()
 *   and selections, which see into closed shadow roots, find nothing;
 * - a person sees the ✓ and its tooltip (tags), a screen reader hears the same (role img and an
 *   accessible name on saved marks; the others are aria-hidden).
 * Nothing from the page or the backend is parsed as HTML. */
"use strict";

(() => {
  if (globalThis.__paperShelfLinkMarks) return;
  globalThis.__paperShelfLinkMarks = true;
  const ext = globalThis.browser ?? globalThis.chrome;
  const K = PaperShelfKeys;
  const MAX_KEYS = 500; // one look-up per page, as large as any real reading list
  const seen = new WeakSet();

  const STYLE = `
    :host { all: initial; display: inline-block; width: 1.1em; height: 1em; margin-left: 2px;
            vertical-align: baseline; overflow: hidden; }
    span { display: inline-block; width: 100%; font: 600 11px/1 system-ui, sans-serif; color: #1d7a52; }
    span::before { content: attr(data-label); }
  `;

  function links() {
    const byKey = new Map();
    for (const a of document.querySelectorAll('a[href*="arxiv.org/"], a[href*="huggingface.co/papers/"]')) {
      if (seen.has(a)) continue;
      const key = K.keyForArxivId(K.arxivIdFromUrl(a.href));
      if (!key) continue;
      if (!byKey.has(key)) {
        if (byKey.size >= MAX_KEYS) continue;
        byKey.set(key, []);
      }
      byKey.get(key).push(a);
    }
    return byKey;
  }

  /** A blank mark after the link (every paper link gets one); returns its inner span. */
  function blankMark(a) {
    const host = document.createElement("span");
    host.className = "papershelf-link-mark";
    const root = host.attachShadow({ mode: "closed" });
    const style = document.createElement("style");
    style.textContent = STYLE;
    const span = document.createElement("span");
    span.setAttribute("aria-hidden", "true");
    root.append(style, span);
    a.after(host);
    seen.add(a);
    return span;
  }

  function showSaved(span, tags) {
    const title = tags.length ? `Saved in PaperShelf · tags: ${tags.join(", ")}` : "Saved in PaperShelf";
    span.dataset.label = "✓";
    span.dataset.state = "saved"; // inside the closed root: for the browser tests, not the page
    span.title = title;
    span.removeAttribute("aria-hidden");
    span.setAttribute("role", "img");
    span.setAttribute("aria-label", title);
  }

  async function run() {
    const byKey = links();
    if (!byKey.size) return;
    const spans = new Map();
    for (const [key, anchors] of byKey) spans.set(key, anchors.map(blankMark));
    let answer;
    try {
      answer = await ext.runtime.sendMessage({ type: "status-keys", keys: [...byKey.keys()] });
    } catch (_) {
      return;
    }
    const status = (answer && answer.status) || {};
    for (const [key, list] of spans) {
      const s = status[key];
      if (!s || !(s.queued ? s.queued === "save" : s.saved)) continue; // a queued save will be saved
      const tags = Array.isArray(s.tags) ? s.tags.filter((t) => typeof t === "string") : [];
      for (const span of list) showSaved(span, tags);
    }
  }

  run();
})();
