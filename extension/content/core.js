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

  return {
    ext,
    send,
    // Site finders register here: {name, matches(loc), findCards(root) -> [descriptor], pageData()}.
    // A descriptor is {el, id, titleEl, anchor?, html(), single?}: `el` identifies the card,
    // `id` is the arXiv id (or a title fallback), `titleEl` is where the badge goes.
    finders: [],
    // element -> card record {el, id, titleEl, badge, key, state, reason, captureId, index}
    records: new Map(),
    // what the backend told us, so a re-rendered card gets its badge without a new capture
    statusByKey: new Map(), // key -> {saved, tags, seen_count}
    keyById: new Map(), // arXiv id (or title) -> key
    view: { href: "", captured: new Set() }, // ids captured for the current view (URL)
  };
})());
