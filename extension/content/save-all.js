/* "Save all on this page" (popup button and keyboard shortcut, relayed by the background
 * worker): one save request for the papers already keyed, one for the cards that are not. */
"use strict";

(() => {
  const PS = PaperShelf;

  // More unsaved papers than this on the page: ask first (a listing of 500 saved in a quarter
  // of a second by one stray shortcut is not what anyone wants).
  const ASK_ABOVE = 20;

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
    if (!all.length) {
      PS.toast.show("Every paper on this page is saved already");
      return { requested: 0, cards: present.size };
    }
    if (all.length > ASK_ABOVE && !(await PS.toast.ask(`Save all ${all.length} unsaved papers?`, `Save ${all.length}`))) {
      return { requested: 0, cards: present.size, cancelled: true };
    }
    for (const p of all) {
      p.busy = true;
      p.wantSaved = true;
    }
    PS.capture.refresh(all.map((p) => p.id));
    const jobs = [];
    const savedKeys = [];
    if (keyed.length) {
      jobs.push(PS.send({ type: "save", keys: keyed.map((p) => p.key) }).then((answer) => {
        PS.actions.applySaveAnswer(keyed, answer, true);
        if (answer && !answer.error && !answer.queued) savedKeys.push(...(answer.saved || keyed.map((p) => p.key)));
      }));
    }
    if (unkeyed.length) {
      jobs.push(PS.actions.saveCards(unkeyed).then((answer) => {
        PS.actions.applySaveAnswer(unkeyed, answer, true);
        if (answer && !answer.error && !answer.queued) savedKeys.push(...(answer.saved || []));
      }));
    }
    await Promise.all(jobs);
    const failed = all.filter((p) => p.error).length;
    const queued = all.filter((p) => p.queuedSave).length;
    if (savedKeys.length) {
      PS.toast.show(`Saved ${savedKeys.length} paper${savedKeys.length === 1 ? "" : "s"}${failed ? ` (${failed} could not be saved)` : ""}`,
        () => undoSaveAll(savedKeys, all));
    } else if (queued) {
      PS.toast.show(`${queued} saves queued until PaperShelf is reachable`);
    } else if (failed) {
      PS.toast.show(`Could not save ${failed} paper${failed === 1 ? "" : "s"}`);
    }
    return { requested: all.length, cards: present.size };
  }

  /** Undo a save-all: unsave exactly the papers it saved. */
  async function undoSaveAll(keys, papers) {
    const mine = papers.filter((p) => p.key && keys.includes(p.key));
    for (const p of mine) {
      p.busy = true;
      p.wantSaved = false;
    }
    PS.capture.refresh(mine.map((p) => p.id));
    const answer = await PS.send({ type: "unsave", keys });
    PS.actions.applySaveAnswer(mine, answer, false);
    PS.toast.show(answer && !answer.error ? `Save of ${keys.length} paper${keys.length === 1 ? "" : "s"} undone` : "Could not undo");
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
    // A single-paper page: what the popup's Copy citation needs (the key once the library has
    // the paper; the Markdown link from the title the page shows).
    let single = null;
    const record = ids.size === 1 ? PS.records.values().next().value : null;
    const only = record ? PS.papers.get(record.id) : null;
    if (only && only.single) single = { key: only.key || null, markdown: PS.menu.markdownLink(record) };
    return { cards: ids.size, saved, seen, queued, supported: Boolean(PS.capture.currentFinder()),
      hiding: Boolean(PS.keys && PS.keys.isHiding()), single };
  }

  PS.saveAll = { saveAll, pageInfo };
})();
