/* Capture: send the cards found on the page to the background worker in batches, and turn its
 * answers into badge states. State is kept per paper id (`PS.papers`), so every card of the same
 * paper, and a card the page re-rendered, shows the same badge without a new capture.
 *
 * A paper is captured (and so counted as seen) once per day in this document: the page's scripts
 * can change the URL at will (history.pushState, the hash), and a URL change the page makes is
 * not a new view of papers already counted today. Papers that appear after the change (the next
 * day's listing, more search results) are counted as they appear. */
"use strict";

(() => {
  const PS = PaperShelf;
  // Keep requests well under the backend's body limit on long arXiv listings (abstracts included).
  const MAX_CARDS_PER_REQUEST = 100;
  const MAX_CHARS_PER_REQUEST = 1_500_000;

  // Limits on what one document can record, as its scripts can add cards without end: the cards
  // on the page when it is first scanned (arXiv shows up to 2,000), then so many more per day
  // (infinite scroll, in-page navigation). A card larger than any real one is never sent. Papers
  // past a limit get an error badge saying why; a click on one still saves it.
  const MAX_CARD_CHARS = 64_000; // as the backend's MAX_CARD_CHARS
  const MAX_FIRST_SCAN = 2000;
  const MAX_LATER = 500;

  PS.papers = new Map(); // id -> {id, key, phase: pending|queued|error|null, reason, queuedReason, busy, wantSaved, queuedSave, html, single}
  PS.captures = new Map(); // captureId of a queued capture -> [ids]

  function paperFor(id) {
    let p = PS.papers.get(id);
    if (!p) {
      p = { id, key: PS.keyById.get(id) || null, confirmed: PS.keyById.has(id), phase: "pending", reason: "", queuedReason: "", busy: false, wantSaved: false, queuedSave: false, html: "", single: false };
      PS.papers.set(id, p);
    }
    return p;
  }

  /** The badge state of a paper, from what we know about it. */
  function stateOf(p) {
    if (p.busy) return "busy";
    if (p.queuedSave || p.queuedUnsave) return "queued";
    if (p.error) return "error";
    const status = p.key ? PS.statusByKey.get(p.key) : null;
    // A capture queued while the backend is down: a paper the worker knows as saved or seen
    // before (its status cache) shows that; any other reads queued (this view waits).
    if (p.phase === "queued" && !p.confirmed && status) {
      const known = PS.badges.stateFromStatus(status);
      if (known !== "new") return known;
    }
    // A capture queued or refused for a paper the backend has not answered for: this view is
    // not recorded (yet).
    if ((p.phase === "queued" || p.phase === "error") && !p.confirmed) return p.phase;
    if (status) return PS.badges.stateFromStatus(status);
    return p.phase || "new";
  }

  function refresh(ids) {
    const wanted = ids ? new Set(ids) : null;
    for (const record of PS.records.values()) {
      if (wanted && !wanted.has(record.id)) continue;
      const p = PS.papers.get(record.id);
      if (!p) continue;
      record.key = p.key;
      record.state = stateOf(p);
      record.wantSaved = (p.wantSaved || p.queuedSave) && !p.queuedUnsave;
      record.reason = p.error || p.reason;
      record.queuedReason = p.queuedReason;
      // The backend has answered for this paper (recorded, or refused with a reason); until then
      // the badge may show a state from the quick status look-up.
      record.recorded = Boolean(p.confirmed || p.error || p.phase === "error");
      PS.badges.render(record);
    }
    if (PS.keys) PS.keys.applyHiding(); // papers just known as seen or saved hide too (h)
  }

  function currentFinder() {
    return PS.finders.find((f) => f.matches(location)) || null;
  }

  /** A paper past a limit: not sent; its badge says why (a click still saves it). */
  function skip(p, reason) {
    if (p.confirmed) return; // known already: its badge shows its status
    p.phase = "error";
    p.reason = reason;
  }

  /** The local calendar day: a paper is counted once a day per document. */
  function today() {
    const d = new Date();
    return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
  }

  /** Find cards, badge them, and capture the ones not yet captured for this view. */
  function scan() {
    const finder = currentFinder();
    if (!finder) return 0;
    if (PS.view.day !== today()) PS.view = { day: today(), captured: new Set(), sent: 0,
      limit: PS.view.limit === undefined ? undefined : MAX_LATER };
    const fresh = [];
    for (const d of finder.findCards(document)) {
      let record = PS.records.get(d.el);
      if (!record || record.id !== d.id) {
        if (record && record.badge) record.badge.host.remove();
        record = { el: d.el, id: d.id, titleEl: d.titleEl, insideTitle: d.insideTitle, badge: null, state: "pending" };
        PS.records.set(d.el, record);
      } else {
        record.titleEl = d.titleEl;
        record.insideTitle = d.insideTitle;
      }
      const p = paperFor(d.id);
      p.single = Boolean(d.single);
      if (!PS.view.captured.has(d.id)) {
        PS.view.captured.add(d.id);
        p.html = d.html(); // before the badge goes in, so the badge is not part of the card
        const limit = PS.view.limit ?? MAX_FIRST_SCAN;
        if (!p.single && p.html.length > MAX_CARD_CHARS) {
          skip(p, `not recorded: the card is larger than ${MAX_CARD_CHARS / 1000} KB`);
        } else if (PS.view.sent >= limit) {
          skip(p, PS.view.limit === undefined
            ? `not recorded: this page shows more than ${MAX_FIRST_SCAN} papers`
            : `not recorded: this page added more than ${MAX_LATER} papers after it loaded (reload it to record them)`);
        } else {
          PS.view.sent += 1;
          if (!p.key && !p.busy) p.phase = "pending";
          fresh.push(p);
        }
      }
      PS.badges.attach(record);
    }
    for (const [el, record] of PS.records) {
      if (!el.isConnected) PS.records.delete(el);
    }
    if (PS.view.limit === undefined) PS.view.limit = PS.view.sent + MAX_LATER;
    refresh(); // renders every badge once, new and old
    if (fresh.length) sendCaptures(fresh, finder);
    return fresh.length;
  }

  function batches(papers) {
    const out = [];
    let batch = [];
    let size = 0;
    for (const p of papers) {
      if (batch.length && (batch.length >= MAX_CARDS_PER_REQUEST || size + p.html.length > MAX_CHARS_PER_REQUEST)) {
        out.push(batch);
        batch = [];
        size = 0;
      }
      batch.push(p);
      size += p.html.length;
    }
    if (batch.length) out.push(batch);
    return out;
  }

  /** Badge states at once from a status look-up by key (cheap, no parsing); the capture that
   * follows records the view and confirms. Only for papers whose key the id already gives. */
  async function peekStatus(papers) {
    const keyed = papers.filter((p) => !p.confirmed && PaperShelfKeys.isArxivId(p.id));
    if (!keyed.length) return;
    const answer = await PS.send({ type: "status-keys", keys: keyed.map((p) => PaperShelfKeys.keyForArxivId(p.id)) });
    if (!answer || answer.error || !answer.status) return; // offline: the capture answer says so
    for (const p of keyed) {
      const key = PaperShelfKeys.keyForArxivId(p.id);
      const s = answer.status[key];
      if (!s || p.confirmed) continue; // the capture answered first: it knows better
      p.key = key;
      // The capture in flight counts this view; show the count it will give.
      PS.statusByKey.set(key, { saved: Boolean(s.saved), tags: s.tags || [], seen_count: (s.seen_count || 0) + 1 });
      // Offline, the worker answers from its cache and says which saves still wait in its queue.
      if (s.queued === "save") { p.queuedSave = true; p.wantSaved = true; }
      if (s.queued === "unsave") p.queuedUnsave = true;
    }
    refresh(keyed.map((p) => p.id));
  }

  async function sendCaptures(found, finder) {
    // Papers counted today already (another load of this page, another tab) are only looked up
    // (seen-days.js); the rest are captured.
    const { known, fresh } = await PS.seenDays.split(found);
    const papers = [...fresh, ...(await PS.seenDays.lookUp(known))];
    if (!papers.length) return;
    // The look-up goes first so the backend answers it before it starts parsing the capture;
    // a slow look-up never holds the capture back for long.
    await Promise.race([peekStatus(papers), new Promise((resolve) => setTimeout(resolve, 250))]);
    const page = finder.pageData();
    // A single-paper page is read from its page data alone; a listing sends its cards.
    const singles = papers.filter((p) => p.single);
    const listed = papers.filter((p) => !p.single);
    const groups = [...singles.map((p) => [p]), ...batches(listed)];
    for (const group of groups) {
      const ids = group.map((p) => p.id);
      const answer = await PS.send({
        type: "capture",
        url: location.href,
        cards: group[0].single ? [] : group.map((p) => p.html),
        page,
        ids,
      });
      handleCaptureAnswer(ids, answer);
    }
  }

  function handleCaptureAnswer(ids, answer) {
    if (answer && answer.queued) {
      PS.captures.set(answer.captureId, ids);
      for (const id of ids) {
        const p = paperFor(id);
        if (!p.confirmed) p.phase = "queued";
        p.queuedReason = answer.reason || "";
      }
    } else if (!answer || answer.error) {
      for (const id of ids) {
        const p = paperFor(id);
        p.phase = "error";
        p.reason = (answer && answer.error) || "no answer";
      }
    } else {
      applyResult(ids, answer.result);
    }
    refresh(ids);
  }

  /** Map a /api/capture answer (per card index) back onto the paper ids of the request. */
  function applyResult(ids, result) {
    const done = new Set();
    for (const item of (result && result.papers) || []) {
      const id = ids[item.index] ?? (ids.length === 1 ? ids[0] : undefined);
      if (id === undefined || !item.key) continue;
      const p = paperFor(id);
      p.key = item.key;
      p.confirmed = true;
      p.phase = null;
      p.error = "";
      PS.keyById.set(id, item.key);
      PS.statusByKey.set(item.key, { saved: Boolean(item.saved), tags: item.tags || [], seen_count: item.seen_count || 0 });
      done.add(id);
    }
    const reasons = new Map();
    let pageReason = "";
    for (const s of (result && result.skipped) || []) {
      if (s.index === -1 || s.index === undefined) pageReason = s.reason;
      else if (ids[s.index] !== undefined) reasons.set(ids[s.index], s.reason);
    }
    for (const id of ids) {
      if (done.has(id)) continue;
      const p = paperFor(id);
      if (p.confirmed) { p.phase = null; continue; } // known from an earlier view
      // Not in the library after all: drop the key the status look-up guessed, say why.
      p.key = null;
      p.phase = "error";
      p.reason = reasons.get(id) || pageReason || "the PaperShelf backend did not recognise this card";
    }
  }

  /** Status changes broadcast by the background worker (a save in any tab). */
  function applyStatus(status) {
    const changed = [];
    for (const [key, s] of Object.entries(status || {})) {
      if (!s) continue;
      PS.statusByKey.set(key, { saved: Boolean(s.saved), tags: s.tags || [], seen_count: s.seen_count || 0 });
      for (const p of PS.papers.values()) {
        if (p.key === key) {
          p.queuedSave = false;
          p.queuedUnsave = false;
          p.error = "";
          changed.push(p.id);
        }
      }
    }
    if (changed.length) refresh(changed);
  }

  /** A capture that was queued while the backend was down has now been recorded. */
  function applyQueuedCapture(message) {
    // The worker's ids first: a capture merged in its queue carries the cards of earlier sends.
    const ids = Array.isArray(message.ids) ? message.ids : PS.captures.get(message.captureId);
    if (!ids) return;
    PS.captures.delete(message.captureId);
    if (message.error) handleCaptureAnswer(ids, { error: message.error });
    else {
      applyResult(ids, message.result);
      refresh(ids);
    }
  }

  PS.capture = { scan, refresh, stateOf, paperFor, currentFinder, applyStatus, applyQueuedCapture };
})();
