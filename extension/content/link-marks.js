/* Opt-in (options page): on any site, mark links to arXiv / HF paper pages that are saved in
 * PaperShelf with a small ✓. Registered at run time only after the user granted the optional
 * host permission; asks the background worker, never the backend. */
"use strict";

(() => {
  if (globalThis.__paperShelfLinkMarks) return;
  globalThis.__paperShelfLinkMarks = true;
  const ext = globalThis.browser ?? globalThis.chrome;
  const K = PaperShelfKeys;
  const marked = new WeakSet();

  function links() {
    const byKey = new Map();
    for (const a of document.querySelectorAll('a[href*="arxiv.org/"], a[href*="huggingface.co/papers/"]')) {
      if (marked.has(a)) continue;
      const key = K.keyForArxivId(K.arxivIdFromUrl(a.href));
      if (!key) continue;
      if (!byKey.has(key)) byKey.set(key, []);
      byKey.get(key).push(a);
    }
    return byKey;
  }

  function mark(a, tags) {
    const host = document.createElement("span");
    host.className = "papershelf-link-mark";
    host.dataset.papershelfState = "saved";
    const root = host.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = ":host{all:initial;display:inline}span{font:600 11px system-ui,sans-serif;color:#1d7a52;margin-left:3px}";
    const span = document.createElement("span");
    span.textContent = "✓";
    span.title = tags.length ? `Saved in PaperShelf · tags: ${tags.join(", ")}` : "Saved in PaperShelf";
    root.append(style, span);
    a.after(host);
    marked.add(a);
  }

  async function run() {
    const byKey = links();
    if (!byKey.size) return;
    const keys = [...byKey.keys()].slice(0, 500);
    let answer;
    try {
      answer = await ext.runtime.sendMessage({ type: "status-keys", keys });
    } catch (_) {
      return;
    }
    for (const [key, status] of Object.entries((answer && answer.status) || {})) {
      if (status && status.saved) for (const a of byKey.get(key) || []) mark(a, status.tags || []);
    }
  }

  run();
})();
