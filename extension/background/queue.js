/* The offline queue: every write to the backend (capture, save, unsave, save-cards, read) goes through
 * here, in the order it was made.
 *
 * An operation the backend cannot take now (Offline: no answer; Unavailable: a 5xx that can
 * pass) goes into a queue in storage.local, behind any earlier ones, is retried with back-off (a
 * timer while the worker is awake, an alarm when it sleeps), counted on the toolbar badge, and
 * sent in order when the backend answers again. An operation it refuses (Refused, 4xx) is
 * dropped from the queue and the tab that made it is told, so it cannot hold up the rest.
 *
 * One lock serialises every backend write (direct or from the queue), so operations reach the
 * backend in the order they were made, and one flush never races another over the same item.
 *
 * Delivery is at least once: an operation leaves the queue only after the backend answered it,
 * so a request whose answer was lost (a dropped connection, a timeout, a worker stopped between
 * sending and dequeuing) is sent again. Saves, unsaves, save-cards and read marks are idempotent. A capture
 * counts a view, so it carries `capture_id` (the operation's id, the same on every send, direct or
 * from the queue): the library records the ids it has taken, across restarts of the backend, and
 * records a repeated one without counting a second view.
 *
 * What may wait is bounded (queue-rules.js: items, bytes, captures merged per page and day, saves
 * collapsed per key, the oldest captures evicted first, saves never). The tabs whose captures are
 * evicted or not kept are told why. A write the storage quota refuses drops the captures (then
 * the status cache) and keeps the saves; the popup is told (NOTE_KEY).
 *
 * Every status the backend answers here is remembered in the status cache (status-cache.js), so
 * the badges can still show it while the backend is down. */

import { ext } from "./ext.js";
import { callBackend, Offline, Unavailable } from "./backend.js";
import { broadcastStatus, tellTab } from "./tabs.js";
import { admit, dropCaptures, splitSaveCards } from "./queue-rules.js";
import { clearCache, remember, rememberCapture } from "./status-cache.js";

const QUEUE_KEY = "queue";
export const NOTE_KEY = "queueNote"; // {at, text}: what the queue had to give up, for the popup
const ATTEMPTS_KEY = "queueAttempts";
export const FLUSH_ALARM = "papershelf-flush";
const MAX_BACKOFF_MS = 5 * 60 * 1000;

let lock = Promise.resolve();
function locked(fn) {
  const run = lock.then(fn, fn);
  lock = run.catch(() => {});
  return run;
}

let retryTimer = null;
let nextAttemptAt = 0;

let knownLength = null; // the queue's length as last read or written by this worker

export async function loadQueue() {
  const stored = await ext.storage.local.get({ [QUEUE_KEY]: [] });
  const queue = Array.isArray(stored[QUEUE_KEY]) ? stored[QUEUE_KEY] : [];
  knownLength = queue.length;
  return queue;
}

// Written here or elsewhere (storage cleared, another worker life): the change says how long.
ext.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && QUEUE_KEY in changes) {
    const now = changes[QUEUE_KEY].newValue;
    knownLength = Array.isArray(now) ? now.length : 0;
  }
});

/** Is anything waiting? (Cheap: a status look-up asks on every page load; the queue can be MBs.) */
export async function hasQueued() {
  if (knownLength === null) await loadQueue();
  return knownLength > 0;
}

/** Store the queue. When the storage quota refuses it (other data took the room, or the
 * browser's quota is smaller than ours), the captures go, then the status cache; the saves stay.
 * Answers the queue as stored. */
async function storeQueue(queue) {
  try {
    await ext.storage.local.set({ [QUEUE_KEY]: queue });
  } catch (err) {
    const { queue: saves, dropped } = dropCaptures(queue);
    const why = `browser storage is full (${(err && err.message) || err})`;
    try {
      await ext.storage.local.set({ [QUEUE_KEY]: saves });
    } catch (_) {
      await clearCache();
      await ext.storage.local.set({ [QUEUE_KEY]: saves }); // still full: the caller says why
    }
    for (const op of dropped) await notifyFailure(op, `not recorded: ${why}; the page was dropped from the offline queue`);
    await note(`${why}: ${dropped.length} page view${dropped.length === 1 ? "" : "s"} dropped from the queue, `
      + `${saves.length} save${saves.length === 1 ? "" : "s"} kept`);
    queue = saves;
  }
  knownLength = queue.length;
  await showQueueLength(queue.length);
  return queue;
}

/** Tell the popup what the queue had to give up (the last thing; evictions are added up until
 * the queue is empty again). */
async function note(text, extra = {}) {
  try {
    await ext.storage.local.set({ [NOTE_KEY]: { at: Date.now(), text, ...extra } });
  } catch (_) { /* storage is full: the badges of the tabs concerned say it */ }
}

async function noteEvicted(n) {
  const { [NOTE_KEY]: before } = await ext.storage.local.get({ [NOTE_KEY]: null });
  const total = ((before && before.evicted) || 0) + n;
  await note(`the offline queue was full: ${total} older page view${total === 1 ? "" : "s"} dropped`, { evicted: total });
}

/** Put `op` in the queue within its bounds (a save of many cards in parts that fit); answers
 * what the tab is told. */
async function enqueue(queue, op, err) {
  const parts = splitSaveCards(op);
  if (parts.length === 1) return enqueueOne(queue, op, err);
  let answer = null;
  let refused = 0;
  for (const part of parts) {
    const one = await enqueueOne(await loadQueue(), part, err);
    if (one.error) refused += part.ids.length;
    answer = answer && answer.error ? answer : one;
  }
  if (refused) return { error: `${refused} of ${op.ids.length} papers could not be kept: ${answer.error}` };
  return queuedAnswer(op, err);
}

async function enqueueOne(queue, op, err) {
  const outcome = admit(queue, op);
  for (const gone of outcome.evicted) {
    await notifyFailure(gone, "not recorded: dropped from the full offline queue to make room for newer pages");
  }
  if (outcome.evicted.length) await noteEvicted(outcome.evicted.length);
  if (!outcome.admitted) {
    if (outcome.queue !== queue) await storeQueue(outcome.queue);
    for (const gone of outcome.superseded) await notifyFailure(gone, `not recorded: ${outcome.reason}`);
    await note(outcome.reason);
    return { error: outcome.reason };
  }
  const stored = await storeQueue(outcome.queue);
  if (!stored.some((q) => q.id === outcome.placed.id)) return { error: "not kept: browser storage is full" };
  return queuedAnswer(op, err);
}

/** The number of waiting operations on the toolbar icon (nothing when the queue is empty). */
export async function showQueueLength(n) {
  try {
    await ext.action.setBadgeText({ text: n ? String(n) : "" });
    await ext.action.setBadgeBackgroundColor({ color: "#d39a1c" });
    await ext.action.setTitle({ title: n ? `PaperShelf: ${n} waiting for the backend` : "PaperShelf" });
  } catch (_) { /* the action API can be missing while the browser shuts down */ }
}

function newOpId() {
  if (globalThis.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** A write to the backend: POST `body` to `path`. `sender` is the content script's (its tab is
 * told of a queued capture's result); `ids` are the paper ids on the tab's badges. */
export function operation(kind, path, body, sender, ids) {
  return { id: newOpId(), kind, path, body, tabId: sender && sender.tab ? sender.tab.id : undefined, ids: ids || [], createdAt: Date.now() };
}

/** The request body of an operation; a capture is named by its operation's id (also for queue
 * items stored before captures carried one). */
function bodyOf(op) {
  return op.kind === "capture" ? { ...op.body, capture_id: op.id } : op.body;
}

/** What a tab is told when its operation was queued; `reason` when the backend answered but
 * could not take it (the badge shows it). */
function queuedAnswer(op, err) {
  const answer = { queued: true, captureId: op.id };
  if (err instanceof Unavailable) answer.reason = err.reason;
  return answer;
}

async function scheduleRetry() {
  const stored = await ext.storage.local.get({ [ATTEMPTS_KEY]: 0 });
  const attempts = stored[ATTEMPTS_KEY] + 1;
  try {
    await ext.storage.local.set({ [ATTEMPTS_KEY]: attempts });
  } catch (_) { /* storage full: the back-off restarts from 1 s, no harm */ }
  const delay = Math.min(1000 * 2 ** (attempts - 1), MAX_BACKOFF_MS);
  nextAttemptAt = Date.now() + delay;
  clearTimeout(retryTimer);
  // The timer covers short waits while the worker is awake; the alarm wakes a sleeping worker
  // (browsers round alarms up to about 30 s, so it is only the backstop).
  retryTimer = setTimeout(() => flush(), delay);
  ext.alarms.create(FLUSH_ALARM, { delayInMinutes: Math.max(delay / 60000, 0.5) });
}

async function clearRetry() {
  clearTimeout(retryTimer);
  retryTimer = null;
  nextAttemptAt = 0;
  await ext.storage.local.remove(ATTEMPTS_KEY);
  await ext.alarms.clear(FLUSH_ALARM);
}

/** Flush soon, unless we are in the middle of a back-off wait. */
export function kick() {
  if (Date.now() >= nextAttemptAt) setTimeout(() => flush(), 0);
}

/** Send one operation now, or queue it behind earlier ones; answers the content script. */
export function submit(op) {
  return locked(async () => {
    const queue = await loadQueue();
    if (queue.length) {
      const answer = await enqueue(queue, op);
      kick();
      return answer;
    }
    try {
      const data = await callBackend("POST", op.path, bodyOf(op));
      return await finish(op, data, true);
    } catch (err) {
      if (err instanceof Offline) {
        // Not taken, or taken with the answer lost: queued as it is (same id), sent again later.
        // An answer (5xx) means it was not taken; no answer, that it may have been.
        const answer = await enqueue(queue, { ...op, tried: !(err instanceof Unavailable) }, err);
        await scheduleRetry();
        return answer;
      }
      return { error: err.message };
    }
  });
}

/** Send the queue in order; stop at the first item the backend cannot take yet. */
export function flush() {
  return locked(async () => {
    let queue = await loadQueue();
    while (queue.length) {
      const op = queue[0];
      let data;
      try {
        data = await callBackend("POST", op.path, bodyOf(op));
      } catch (err) {
        if (err instanceof Offline) { // unreachable, or a 5xx: keep it first in line, retry later
          await scheduleRetry();
          return { sent: false, queue: queue.length };
        }
        // Refused for good (4xx, e.g. a card the backend rejects): drop it so the rest can go, and
        // tell the tab that made it.
        queue = await storeQueue(queue.slice(1));
        await notifyFailure(op, err.message);
        continue;
      }
      // Dequeued before anything else can fail. The worker can still be stopped between the
      // backend's answer and this write: the next flush sends it again, and a capture's id keeps
      // that from counting twice.
      queue = await storeQueue(queue.slice(1));
      try {
        await finish(op, data, false);
      } catch (err) {
        console.warn("PaperShelf: could not deliver a flushed result", err);
      }
    }
    await clearRetry();
    await ext.storage.local.remove(NOTE_KEY);
    return { sent: true, queue: 0 };
  });
}

/** Flush now, even in the middle of a back-off wait (the popup's "retry", the alarm). */
export function flushNow() {
  nextAttemptAt = 0;
  return flush();
}

/** The tabs waiting for a capture: its own, and those of the captures merged into it. */
function tabsOf(op) {
  const tabs = new Set(Array.isArray(op.notify) ? op.notify : []);
  if (op.tabId !== undefined) tabs.add(op.tabId);
  return [...tabs];
}

async function notifyFailure(op, message) {
  if (op.kind !== "capture") return;
  for (const tabId of tabsOf(op)) {
    await tellTab(tabId, { type: "capture-result", captureId: op.id, ids: op.ids, error: message });
  }
}

/** What happens after the backend took an operation; the answer goes to the content script.
 * A queued capture's result goes to every tab that waits for it, with the ids of its cards (a
 * merged capture carries cards of earlier sends). */
async function finish(op, data, direct) {
  if (op.kind === "capture") {
    rememberCapture(data).catch(() => {}); // not on the badges' critical path
    if (!direct) {
      for (const tabId of tabsOf(op)) {
        await tellTab(tabId, { type: "capture-result", captureId: op.id, ids: op.ids, result: data });
      }
    }
    return { result: data };
  }
  remember(data.status).catch(() => {});
  if (op.kind === "read") return { updated: (data && data.updated) || [] }; // no badge shows read
  const keys = (op.kind === "unsave" ? data.unsaved : data.saved) || [];
  const status = await broadcastStatus(keys, data.status);
  return { saved: data.saved, unsaved: data.unsaved, status };
}
