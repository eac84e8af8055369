/* Opt-in (options page): on any site, mark links to arXiv / HF paper pages that are saved in
 * PaperShelf with a small ✓. Registered at run time only after the user granted the optional
 * host permission; asks the background worker, never the backend (offline, the worker answers
 * from its status cache).
 *
 * The page's own scripts must not learn which of the papers it links to you saved (a page could
 * list 500 arXiv ids and read the answer back), so, as the badges do (content/badges.js):
 * - every paper link gets a mark, saved or not, all of a batch inserted at once before the worker
 *   is asked: their number and timing say nothing;
 * - each mark is a host <span> with only its class, in a *closed* shadow root, and the same fixed
 *   size whatever it shows: no attribute, text, child node, style or box differs;
 * - the ✓ is CSS generated content (attr(data-label)) inside the shadow root, so window.find()
 *   and selections, which see into closed shadow roots, find nothing;
 * - a person sees the ✓ and its tooltip (tags), a screen reader hears the same (role img and an
 *   accessible name on saved marks; the others are aria-hidden).
 * Nothing from the page or the backend is parsed as HTML.
 *
 * Pages that add links later (infinite scroll, client-side re-render) are followed with a
 * MutationObserver: added subtrees are collected, and a burst of changes costs one pass over the
 * added nodes and one question to the worker. The work is bounded per page (MAX_MARKS marks,
 * MAX_KEYS distinct papers asked about) and per batch (MAX_ROOTS added subtrees, MAX_LINKS links
 * looked at); a page that adds more stops being followed instead of keeping the tab busy.
 *
 * A page's stylesheet cannot hide or restyle a mark: the host's look is declared !important on
 * :host inside the closed shadow root, and of two !important declarations the shadow tree's
 * wins over the page's (CSS Scoping), even over the page's own inline !important style. */
"use strict";

(() => {
  if (globalThis.__paperShelfLinkMarks) return;
  globalThis.__paperShelfLinkMarks = true;
  const ext = globalThis.browser ?? globalThis.chrome;
  const K = PaperShelfKeys;
  const MAX_KEYS = 2000; // distinct papers asked about on one page, over its whole life
  const MAX_MARKS = 4000; // marks on one page (a paper may be linked several times)
  const MAX_ROOTS = 2000; // added subtrees kept per batch; more means one pass over the document
  const MAX_LINKS = 5000; // links looked at per batch
  const QUIET_MS = 150; // a burst of changes is one batch...
  const MAX_WAIT_MS = 600; // ...that waits at most this long after its first change
  const LINKS = 'a[href*="arxiv.org/"], a[href*="huggingface.co/papers/"]';

  const marked = new WeakMap(); // <a> -> {span, key}: a link that already has its mark
  const hosts = new WeakSet(); // our own hosts, ignored when they show up as added nodes
  // key -> promise of its status (null: not saved or no answer), asked once per page: links
  // re-rendered or added while the question is in flight wait for the same answer.
  const statusByKey = new Map();
  let marks = 0;
  let observer = null;

  // Every property of the host is set here, !important, so no page rule reaches it (see above).
  const STYLE = `
    :host { all: initial !important; display: inline-block !important; width: 1.1em !important;
            height: 1em !important; margin: 0 0 0 2px !important; padding: 0 !important;
            vertical-align: baseline !important; overflow: hidden !important; visibility: visible !important;
            opacity: 1 !important; position: static !important; font: 600 11px/1 system-ui, sans-serif !important; }
    span { display: inline-block; width: 100%; font: 600 11px/1 system-ui, sans-serif; color: #1d7a52; }
    span::before { content: attr(data-label); }
  `;

  /** The paper links among ``candidates`` without a mark yet, grouped by key; at most MAX_LINKS
   * looked at, and no new key past MAX_KEYS. */
  function collect(candidates) {
    const byKey = new Map();
    const here = new Set(); // a link inside two added subtrees is looked at once
    let looked = 0;
    for (const a of candidates) {
      if (++looked > MAX_LINKS) break;
      if (marked.has(a) || here.has(a)) continue;
      here.add(a);
      const key = K.keyForArxivId(K.arxivIdFromUrl(a.href));
      if (!key) continue;
      if (!byKey.has(key)) {
        if (!statusByKey.has(key) && statusByKey.size + byKey.size >= MAX_KEYS) continue;
        byKey.set(key, []);
      }
      byKey.get(key).push(a);
    }
    return byKey;
  }

  /** A blank mark after the link (every paper link gets one); returns {span, key}, which the
   * link keeps (its key changes when the page changes its href). */
  function blankMark(a, key) {
    const host = document.createElement("span");
    host.className = "papershelf-link-mark";
    hosts.add(host);
    const root = host.attachShadow({ mode: "closed" });
    const style = document.createElement("style");
    style.textContent = STYLE;
    const span = document.createElement("span");
    span.setAttribute("aria-hidden", "true");
    root.append(style, span);
    a.after(host);
    const entry = { span, key };
    marked.set(a, entry);
    marks++;
    return entry;
  }

  /** The status of ``key`` for this page (null: not asked, not saved, or no answer). */
  function statusOf(key) {
    return statusByKey.get(key) || Promise.resolve(null);
  }

  /** One question to the worker for keys this page has not asked about. */
  function ask(keys) {
    if (!keys.length) return;
    const answered = ext.runtime.sendMessage({ type: "status-keys", keys })
      .then((answer) => (answer && answer.status) || {}, () => ({}));
    for (const key of keys) statusByKey.set(key, answered.then((status) => status[key] || null));
  }

  /** Show what is known of the entry's key, unless the link moved on to another paper meanwhile. */
  function fill(entry) {
    const key = entry.key;
    statusOf(key).then((s) => { if (entry.key === key) show(entry.span, s); });
  }

  function show(span, s) {
    if (!s || !(s.queued ? s.queued === "save" : s.saved)) return; // a queued save will be saved
    const tags = Array.isArray(s.tags) ? s.tags.filter((t) => typeof t === "string") : [];
    const title = tags.length ? `Saved in PaperShelf · tags: ${tags.join(", ")}` : "Saved in PaperShelf";
    span.dataset.label = "✓";
    span.dataset.state = "saved"; // inside the closed root: for the browser tests, not the page
    span.title = title;
    span.removeAttribute("aria-hidden");
    span.setAttribute("role", "img");
    span.setAttribute("aria-label", title);
  }

  /** Mark the links of ``byKey`` (blank first, all at once), then ask the worker about the keys
   * this page has not asked about yet, and fill every mark in from the answers. */
  function mark(byKey) {
    const entries = [];
    for (const [key, anchors] of byKey) {
      for (const a of anchors) {
        if (marks >= MAX_MARKS) break;
        entries.push(blankMark(a, key));
      }
    }
    if (marks >= MAX_MARKS) stop();
    ask([...new Set(entries.map((e) => e.key))].filter((key) => !statusByKey.has(key)));
    for (const entry of entries) fill(entry);
  }

  // --- following the page -------------------------------------------------------------------

  let pending = []; // added element subtrees since the last batch
  let overflow = false; // more than MAX_ROOTS: look at the whole document once instead
  let timer = null;
  let firstChange = 0;

  function schedule() {
    const now = performance.now();
    if (!timer) firstChange = now;
    clearTimeout(timer);
    timer = setTimeout(runBatch, Math.max(0, Math.min(QUIET_MS, firstChange + MAX_WAIT_MS - now)));
  }

  function* linksIn(roots) {
    for (const root of roots) {
      if (!root.isConnected) continue; // added, then thrown away again before we looked
      if (root.matches(LINKS)) yield root;
      yield* root.querySelectorAll(LINKS);
    }
  }

  function runBatch() {
    timer = null;
    const roots = overflow ? [document.documentElement] : pending;
    pending = [];
    overflow = false;
    const byKey = collect(linksIn(roots));
    if (byKey.size) mark(byKey);
  }

  function onMutations(records) {
    for (const r of records) {
      if (r.type === "attributes") {
        // A re-rendered link kept its element and got a new href: its mark starts over.
        const a = r.target;
        const had = marked.get(a);
        if (had && K.keyForArxivId(K.arxivIdFromUrl(a.href)) !== had.key) {
          for (const name of ["label", "state"]) delete had.span.dataset[name];
          had.span.removeAttribute("title");
          had.span.removeAttribute("role");
          had.span.removeAttribute("aria-label");
          had.span.setAttribute("aria-hidden", "true");
          had.key = K.keyForArxivId(K.arxivIdFromUrl(a.href));
          if (had.key) byKeyLater(had);
        }
        continue;
      }
      for (const node of r.addedNodes) {
        if (node.nodeType !== 1 || hosts.has(node)) continue;
        if (overflow) break;
        if (pending.length >= MAX_ROOTS) overflow = true;
        else pending.push(node);
      }
    }
    if (pending.length || overflow) schedule();
  }

  /** A mark whose link now points at another paper: shown from what this page knows, or asked
   * about on its own (bounded by MAX_KEYS like every question). */
  function byKeyLater(had) {
    if (!statusByKey.has(had.key)) {
      if (statusByKey.size >= MAX_KEYS) return;
      ask([had.key]);
    }
    fill(had);
  }

  function stop() {
    if (observer) observer.disconnect();
    observer = null;
    clearTimeout(timer);
  }

  const first = collect(document.querySelectorAll(LINKS));
  if (first.size) mark(first);
  if (marks < MAX_MARKS) {
    observer = new MutationObserver(onMutations);
    observer.observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ["href"] });
  }
})();
