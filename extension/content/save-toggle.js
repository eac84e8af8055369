/* One click on a badge: save or unsave that paper, with immediate feedback. A paper the backend
 * has not keyed yet (its capture is queued or failed) is saved from its card HTML. */
"use strict";

(() => {
  const PS = PaperShelf;

  /** Save or unsave one paper (a click on its badge, `s`, the badge menu). Shows a confirmation
   * with Undo unless `quiet`. Resolves to the paper's record in PS.papers once the answer is in
   * (null when nothing was done). */
  async function setSaved(record, saving, { quiet = false } = {}) {
    const p = PS.papers.get(record.id);
    if (!p || p.busy) return null;
    if (p.queuedSave && saving) return null; // already queued to be saved
    p.busy = true;
    p.wantSaved = saving;
    PS.capture.refresh([p.id]);
    let answer;
    if (p.key) {
      answer = await PS.send({ type: saving ? "save" : "unsave", keys: [p.key] });
    } else {
      answer = await saveCards([p]);
    }
    p.busy = false;
    applySaveAnswer([p], answer, saving);
    if (!quiet) confirm(record, p, saving);
    return p;
  }

  function isSaved(record) {
    const p = PS.papers.get(record.id);
    const status = p && p.key ? PS.statusByKey.get(p.key) : null;
    return Boolean(status && status.saved);
  }

  async function toggle(record) {
    return setSaved(record, !isSaved(record));
  }

  /** The confirmation of one save or unsave; Undo does the opposite, quietly. */
  function confirm(record, p, saving) {
    if (p.error) PS.toast.show(`Could not ${saving ? "save" : "remove"}: ${p.error}`);
    else if (p.queuedSave) PS.toast.show("Saved once PaperShelf is reachable (queued)");
    else {
      PS.toast.show(saving ? "Saved to PaperShelf" : "Removed from saved", async () => {
        await setSaved(record, !saving, { quiet: true });
        PS.toast.show(saving ? "Save undone" : "Saved again");
      });
    }
  }

  /** Save papers the backend has not keyed yet, from their cards (or the page, for a
   *  single-paper page): the backend parses them and saves what it finds. */
  function saveCards(papers) {
    const finder = PS.capture.currentFinder();
    const single = papers.length === 1 && papers[0].single;
    return PS.send({
      type: "save-cards",
      url: location.href,
      cards: single ? [] : papers.map((p) => p.html),
      page: finder ? finder.pageData() : {},
      ids: papers.map((p) => p.id),
    });
  }

  /** Fold a save/unsave answer from the background worker into the papers it was about. */
  function applySaveAnswer(papers, answer, saving) {
    for (const p of papers) {
      p.busy = false;
      if (answer && answer.queued) {
        p.queuedSave = saving;
        p.queuedUnsave = !saving;
        p.queuedReason = answer.reason || "";
        p.error = "";
      } else if (!answer || answer.error) {
        p.error = (answer && answer.error) || "no answer from PaperShelf";
      } else {
        p.error = "";
        p.queuedSave = false;
        p.queuedUnsave = false;
        // save-cards: the backend just keyed a card we could not key before.
        if (!p.key && Array.isArray(answer.saved) && papers.length === 1 && answer.saved.length === 1) {
          p.key = answer.saved[0];
          p.confirmed = true;
          PS.keyById.set(p.id, p.key);
          p.phase = null;
        }
        if (p.key && p.phase === "error") {
          // Its capture was refused, but the backend has just saved (or unsaved) it by key.
          p.phase = null;
          p.confirmed = true;
        }
        if (p.key && !(answer.status && answer.status[p.key])) {
          const known = PS.statusByKey.get(p.key) || { tags: [], seen_count: 0 };
          PS.statusByKey.set(p.key, { ...known, saved: saving });
        }
        if (!p.key && saving && !(answer.saved || []).length) {
          p.error = answer.reason || "the PaperShelf backend could not read this card";
        }
      }
    }
    if (answer && answer.status) PS.capture.applyStatus(answer.status);
    PS.capture.refresh(papers.map((p) => p.id));
  }

  PS.actions = { toggle, setSaved, isSaved, saveCards, applySaveAnswer };
})();
