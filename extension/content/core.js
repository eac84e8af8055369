/* Shared state of the content scripts on one page: the card records, the status cache and the
 * site finders. Every other file in content/ adds one feature to this namespace. Content scripts
 * never talk to the backend; they send messages to the background worker. */
"use strict";

var PaperShelf = globalThis.PaperShelf || (globalThis.PaperShelf = (() => {
  const ext = globalThis.browser ?? globalThis.chrome;

  /** A message to the background worker; resolves to its answer or {error} (never throws). */
  async function send(message) {
    try {
      const answer = await ext.runtime.sendMessage(message);
      return answer ?? { error: "no answer from the PaperShelf background worker" };
    } catch (err) {
      return { error: String((err && err.message) || err) };
    }
  }

  /** The page's citation_* / og: / dc. meta tags as [name, content] pairs, in document order:
   *  what the backend's parsers read on single-paper pages. */
  function metaPairs() {
    const pairs = [];
    for (const m of document.querySelectorAll("meta[name], meta[property]")) {
      const name = m.getAttribute("name") || m.getAttribute("property") || "";
      if (/^(citation_|og:|dc\.)/i.test(name)) pairs.push([name, m.getAttribute("content") || ""]);
    }
    return pairs;
  }

  return {
    ext,
    send,
    metaPairs,
    // Site finders register here: {name, matches(loc), findCards(root) -> [descriptor], pageData()}.
    // A descriptor is {el, id, titleEl, anchor?, html(), single?}: `el` identifies the card,
    // `id` is the arXiv id (or a title fallback), `titleEl` is where the badge goes.
    finders: [],
    // element -> card record {el, id, titleEl, badge, key, state, reason, captureId, index}
    records: new Map(),
    // what the backend told us, so a re-rendered card gets its badge without a new capture
    statusByKey: new Map(), // key -> {saved, tags, seen_count}
    keyById: new Map(), // arXiv id (or title) -> key
    // ids captured (counted as seen) today in this document; how many were sent; the limit
    // (capture.js: undefined until the first scan is done)
    view: { day: "", captured: new Set(), sent: 0, limit: undefined },
  };
})());
