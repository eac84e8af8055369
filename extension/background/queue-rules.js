/* The offline queue's rules: what may wait in storage.local while the backend is down, and how
 * much. Pure functions on the queue (an array of operations, oldest first); queue.js stores it.
 *
 * Why bounds at all: the content scripts run on pages whose own scripts are not on our side. A
 * page can reload itself, change its URL and add cards without end; while the backend is down
 * every capture it causes would wait here, fill the browser's storage quota (so the user's own
 * saves could no longer be kept) and be flushed into the library later. So:
 *   - at most LIMITS.items operations and LIMITS.bytes (UTF-8 JSON) in all, one at most
 *     LIMITS.opBytes; the backend's own per-capture limit (200 cards) is kept too;
 *   - captures are merged per page URL and day: a page that sends again while offline (a reload,
 *     the next batch of the same listing) replaces its earlier capture item; cards of the same
 *     paper keep the newer copy;
 *   - saves and unsaves of one key collapse to the last one made (the queue holds at most one
 *     save and one unsave operation with room left, each a set of keys);
 *   - a read mark (Mark read / unread) replaces an earlier one of the same paper still waiting;
 *   - when something must go, the oldest captures go first; a save, unsave, save-cards or read mark already
 *     queued is never evicted: a new one that cannot fit is refused with a reason instead.
 * An operation the backend may already have taken (`tried`: it was sent and no answer came
 * back; or the first in line, which a flush may be sending) is never merged into: it is resent
 * under its own capture_id, which the backend recognises, and new cards under that id would be
 * recorded without being counted. */

import { jsonBytes, formatBytes } from "./sizes.js";

export const LIMITS = Object.freeze({
  items: 100,
  bytes: 4 * 1024 * 1024,
  opBytes: 1024 * 1024,
  cardsPerCapture: 200, // the backend's MAX_CARDS per capture
});

const SAVES = new Set(["save", "unsave", "save-cards", "read"]); // the user's own writes: never evicted or dropped

/** The local calendar day of a time (ms), as the content scripts count views. */
export function dayOf(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/** Captures of the same page on the same day merge: the URL without its fragment, and the day. */
export function mergeKey(op) {
  const url = String((op.body && op.body.url) || "").split("#")[0];
  return `${url}\n${dayOf(op.createdAt || 0)}`;
}

function keysOf(op) {
  return Array.isArray(op.body && op.body.keys) ? op.body.keys : [];
}

/** A listing capture names one paper id per card; a single-paper page sends no cards. */
function isListing(op) {
  const cards = op.body && op.body.cards;
  return Array.isArray(cards) && cards.length > 0 && Array.isArray(op.ids) && op.ids.length === cards.length;
}

/** The tabs to tell when a capture is recorded: its own, and those of the captures merged into it. */
function tabsOf(op) {
  const tabs = new Set(Array.isArray(op.notify) ? op.notify : []);
  if (op.tabId !== undefined) tabs.add(op.tabId);
  return tabs;
}

/** `op` with the cards of `older` it does not carry itself (same page, same day), or null when
 * the two do not merge within the limits. */
export function mergeCaptures(older, op, limits = LIMITS) {
  let cards = [];
  let ids = [];
  if (isListing(older) && isListing(op)) {
    const fresh = new Set(op.ids);
    older.ids.forEach((id, i) => {
      if (!fresh.has(id)) {
        ids.push(id);
        cards.push(older.body.cards[i]);
      }
    });
  } else if (isListing(older) !== isListing(op)) {
    return null; // a listing and a single-paper view of one URL: keep both as they are
  }
  ids = ids.concat(op.ids || []);
  cards = cards.concat((op.body && op.body.cards) || []);
  if (cards.length > limits.cardsPerCapture) return null;
  const notify = [...tabsOf(older)].filter((t) => t !== op.tabId);
  const merged = { ...op, ids, body: { ...op.body, cards }, notify };
  if (jsonBytes(merged) > limits.opBytes) return null;
  return merged;
}

/** What happens when `op` joins `queue`. Answers {queue, admitted, reason, evicted, superseded}:
 * the new queue (the one given is not changed), whether `op` (or what it merged into) waits in
 * it, why not, the captures evicted to make room (their tabs are told), and the operations `op`
 * replaced (nothing of theirs is lost: it is in `op` now, or was undone by it). */
export function admit(queue, op, limits = LIMITS) {
  const refuse = (reason) => ({ queue, admitted: false, reason, evicted: [], superseded: [] });
  const own = jsonBytes(op);
  if (own > limits.opBytes) {
    return refuse(`too large to keep while the backend is offline (${formatBytes(own)}; at most ${formatBytes(limits.opBytes)} an item)`);
  }
  let next = queue.slice();
  const superseded = [];
  let placed = op;

  if (op.kind === "capture") {
    const key = mergeKey(op);
    for (let i = next.length - 1; i >= 0; i -= 1) {
      const q = next[i];
      // The first item is the one a flush may have sent already (its answer lost).
      if (q.kind !== "capture" || q.tried || i === 0 || mergeKey(q) !== key) continue;
      const merged = mergeCaptures(q, op, limits);
      if (merged) {
        superseded.push(q);
        next.splice(i, 1);
        placed = merged;
      }
      break; // only the latest capture of this page can take it
    }
    next.push(placed);
  } else if (op.kind === "save" || op.kind === "unsave") {
    const keys = [...new Set(keysOf(op))];
    const mine = new Set(keys);
    // The last word on a key wins: take it out of every earlier save and unsave.
    next = next.flatMap((q) => {
      if (q.kind !== "save" && q.kind !== "unsave") return [q];
      const left = keysOf(q).filter((k) => !mine.has(k));
      if (left.length === keysOf(q).length) return [q];
      if (!left.length) {
        superseded.push(q);
        return [];
      }
      return [{ ...q, body: { ...q.body, keys: left } }];
    });
    // Then join the queue's operation of the same kind, if it has room.
    const at = next.findLastIndex((q) => q.kind === op.kind);
    let joined = false;
    if (at >= 0) {
      const union = { ...next[at], body: { ...next[at].body, keys: [...new Set([...keysOf(next[at]), ...keys])] } };
      if (jsonBytes(union) <= limits.opBytes) {
        next[at] = union;
        placed = union;
        joined = true;
      }
    }
    if (!joined) next.push({ ...op, body: { ...op.body, keys } });
    if (!joined) placed = next[next.length - 1];
  } else if (op.kind === "read") {
    // A later read mark of the same paper (Mark read, then Undo) is the last word: it replaces
    // an earlier one still waiting (not the first in line, which a flush may be sending).
    const key = keysOf(op)[0];
    next = next.filter((q, i) => {
      const older = q.kind === "read" && !q.tried && i > 0 && keysOf(q).length === 1 && keysOf(q)[0] === key;
      if (older) superseded.push(q);
      return !older;
    });
    next.push(op);
  } else {
    next.push(op);
  }

  // The bounds: evict the oldest captures (never the operation just placed while others remain).
  const sizes = new Map(next.map((q) => [q, jsonBytes(q)]));
  let total = [...sizes.values()].reduce((a, b) => a + b, 0);
  const evicted = [];
  while (next.length > limits.items || total > limits.bytes) {
    let i = next.findIndex((q) => q.kind === "capture" && q !== placed);
    if (i < 0) {
      if (placed.kind === "capture") i = next.indexOf(placed);
      else {
        return refuse(`the offline queue is full (${next.length - 1} items waiting, ${formatBytes(total - sizes.get(placed))}); `
          + "this save was not kept: try again when the backend is back");
      }
    }
    const [gone] = next.splice(i, 1);
    total -= sizes.get(gone);
    if (gone === placed) { // only saves are left, and this page does not fit beside them
      return { queue: next, admitted: false, reason: `not kept: the offline queue is full of saves waiting for the backend (${formatBytes(total)})`,
        evicted, superseded };
    }
    evicted.push(gone);
  }
  return { queue: next, admitted: true, reason: "", evicted, superseded, placed };
}

/** A save of cards too large for one item ("Save all" on a long listing offline), as parts that
 * each fit (the page data goes with each); one that fits is itself. A card too large on its own
 * stays a part of its own, which admit() then refuses with the reason. */
export function splitSaveCards(op, limits = LIMITS) {
  if (op.kind !== "save-cards" || !isListing(op) || jsonBytes(op) <= limits.opBytes) return [op];
  const base = jsonBytes({ ...op, id: `${op.id}-0000`, ids: [], body: { ...op.body, cards: [] } });
  const parts = [];
  let cards = [];
  let ids = [];
  let size = base;
  const close = () => {
    parts.push({ ...op, id: `${op.id}-${parts.length}`, ids, body: { ...op.body, cards } });
    cards = [];
    ids = [];
    size = base;
  };
  op.body.cards.forEach((card, i) => {
    const more = jsonBytes(card) + jsonBytes(op.ids[i]) + 2; // and the two commas
    if (cards.length && size + more > limits.opBytes) close();
    cards.push(card);
    ids.push(op.ids[i]);
    size += more;
  });
  if (cards.length) close();
  return parts;
}

/** The queue without its captures (storage quota exceeded: the user's saves stay). */
export function dropCaptures(queue) {
  return { queue: queue.filter((q) => SAVES.has(q.kind)), dropped: queue.filter((q) => !SAVES.has(q.kind)) };
}

/** What the popup shows of the queue. */
export function summary(queue) {
  const out = { items: queue.length, bytes: jsonBytes(queue), captures: 0, saves: 0, unsaves: 0, reads: 0 };
  for (const q of queue) {
    if (q.kind === "capture") out.captures += 1;
    else if (q.kind === "save") out.saves += keysOf(q).length;
    else if (q.kind === "unsave") out.unsaves += keysOf(q).length;
    else if (q.kind === "save-cards") out.saves += Math.max(1, (q.ids || []).length);
    else if (q.kind === "read") out.reads += 1;
  }
  return out;
}
