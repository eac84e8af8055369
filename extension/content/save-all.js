/* "Save all on this page" (popup button and keyboard shortcut, relayed by the background
 * worker): one save request for the papers already keyed, one for the cards that are not. */
"use strict";

(() => {
  const PS = PaperShelf;

  async function saveAll() {
    PS.capture.scan(); // pick up cards added since the last scan
    const present = new Set([...PS.records.values()].map((r) => r.id));
    const keyed = [];
    const unkeyed = [];
    for (const id of present) {
      const p = PS.papers.get(id);
      if (!p || p.busy) continue;
      const status = p.key ? PS.statusByKey.get(p.key) : null;
      if (status && status.saved) continue;
      if (p.queuedSave) continue;
      (p.key ? keyed : unkeyed).push(p);
    }
    const all = [...keyed, ...unkeyed];
    for (const p of all) {
      p.busy = true;
      p.wantSaved = true;
    }
    PS.capture.refresh(all.map((p) => p.id));
    const jobs = [];
    if (keyed.length) {
      jobs.push(PS.send({ type: "save", keys: keyed.map((p) => p.key) })
        .then((answer) => PS.actions.applySaveAnswer(keyed, answer, true)));
    }
    if (unkeyed.length) {
      jobs.push(PS.actions.saveCards(unkeyed).then((answer) => PS.actions.applySaveAnswer(unkeyed, answer, true)));
    }
    await Promise.all(jobs);
    return { requested: all.length, cards: present.size };
  }

  /** Counts for the popup. */
  function pageInfo() {
    const ids = new Set([...PS.records.values()].map((r) => r.id));
    let saved = 0;
    let seen = 0;
    let queued = 0; // saves waiting in the offline queue
    for (const id of ids) {
      const p = PS.papers.get(id);
      const status = p && p.key ? PS.statusByKey.get(p.key) : null;
      if (p && p.queuedSave) queued += 1;
      else if (status && status.saved) saved += 1;
      else if (status && status.seen_count > 1) seen += 1;
    }
    return { cards: ids.size, saved, seen, queued, supported: Boolean(PS.capture.currentFinder()) };
  }

  PS.saveAll = { saveAll, pageInfo };
})();
