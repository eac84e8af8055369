/* "Seen" means seen on a day: a paper is counted at most once a day, whatever the number of page
 * loads, tabs, reloads and re-renders (the backend counts every capture it is sent).
 *
 * The content scripts remember, in the extension's own storage (which no page can read), the ids
 * of the papers they have had counted today. A paper counted today is not captured again: its
 * badge comes from a status look-up by key, which counts nothing. Only papers whose key the id
 * gives can be looked up so (arXiv ids); others are captured as before. The list is for one local
 * calendar day and bounded, so a day of heavy browsing cannot grow it without end. */
"use strict";

(() => {
  const PS = PaperShelf;
  const STORE = "countedToday"; // {day, ids: [...]}
  const MAX_IDS = 20000;
  let loaded = null; // Promise of the Set of ids counted today

  function today() {
    const d = new Date();
    return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
  }

  async function counted() {
    const day = today();
    if (!loaded || loaded.day !== day) {
      const promise = (async () => {
        try {
          const got = (await PS.ext.storage.local.get({ [STORE]: null }))[STORE];
          if (got && got.day === day && Array.isArray(got.ids)) return new Set(got.ids.slice(-MAX_IDS));
        } catch (_) { /* no storage: count as before */ }
        return new Set();
      })();
      promise.day = day;
      loaded = promise;
    }
    return loaded;
  }

  // Writes are chained and not waited for (the capture need not wait for storage); each one
  // reads the stored list again first, as another tab may have added ids meanwhile.
  let writing = Promise.resolve();
  function remember(newIds) {
    writing = writing.then(async () => {
      try {
        const got = (await PS.ext.storage.local.get({ [STORE]: null }))[STORE];
        const day = today();
        const stored = got && got.day === day && Array.isArray(got.ids) ? got.ids : [];
        const all = [...new Set([...stored, ...newIds])].slice(-MAX_IDS);
        await PS.ext.storage.local.set({ [STORE]: { day, ids: all } });
      } catch (_) { /* storage full or gone: the next view counts again, as before */ }
    });
  }

  /** Split papers about to be captured: `known` were counted today already (look them up),
   * `fresh` are to be captured (and are now remembered as counted). */
  async function split(papers) {
    const ids = await counted();
    const known = [];
    const fresh = [];
    for (const p of papers) {
      if (!p.single && ids.has(p.id) && PaperShelfKeys.isArxivId(p.id)) known.push(p);
      else fresh.push(p);
    }
    if (fresh.length) {
      for (const p of fresh) ids.add(p.id);
      remember(fresh.map((p) => p.id));
    }
    return { known, fresh };
  }

  /** Badge papers counted today from a status look-up (no view recorded, nothing counted).
   * Returns the ones the backend does not know (deleted since): they are captured after all. */
  async function lookUp(papers) {
    if (!papers.length) return [];
    const answer = await PS.send({ type: "status-keys", keys: papers.map((p) => PaperShelfKeys.keyForArxivId(p.id)) });
    if (!answer || answer.error || !answer.status) return papers; // offline: capture (queued) as before
    const unknown = [];
    for (const p of papers) {
      const key = PaperShelfKeys.keyForArxivId(p.id);
      const s = answer.status[key];
      if (!s || !(s.seen_count > 0)) { // unknown, or saved from a link and never seen: capture it
        unknown.push(p);
        continue;
      }
      p.key = key;
      p.confirmed = true;
      p.phase = null;
      p.error = "";
      PS.keyById.set(p.id, key);
      PS.statusByKey.set(key, { saved: Boolean(s.saved), tags: s.tags || [], seen_count: s.seen_count || 0 });
    }
    PS.capture.refresh(papers.map((p) => p.id));
    return unknown;
  }

  counted(); // read while the page is scanned, ready for the first capture

  PS.seenDays = { split, lookUp };
})();
