/* The PaperShelf background worker: the only part of the extension that talks to the backend.
 *
 * Content scripts, the popup and the options page send it messages; it calls the local backend
 * (http://127.0.0.1:PORT/api/*, always with the X-PaperShelf-Client header). Captures and saves
 * that cannot reach the backend, or that it cannot take yet (a 5xx answer: the library cannot
 * write, say), go into an offline queue in storage.local, kept in order,
 * retried with back-off (a timer while the worker is awake, an alarm when it sleeps), shown on
 * the toolbar badge, and flushed in order when the backend answers again. Every successful save
 * or unsave is broadcast to all tabs, so the same paper's badge changes everywhere.
 *
 * Chrome runs this file as a service worker (lib/keys.js comes in through importScripts);
 * Firefox runs it as an event page with lib/keys.js listed before it in the manifest. */
"use strict";

if (typeof importScripts === "function" && typeof PaperShelfKeys === "undefined") {
  importScripts("lib/keys.js");
}

const ext = globalThis.browser ?? globalThis.chrome;
const VERSION = ext.runtime.getManifest().version;
const CLIENT = `papershelf-extension/${VERSION}`;
const DEFAULT_PORT = 27182;
const QUEUE_KEY = "queue";
const ATTEMPTS_KEY = "queueAttempts";
const FLUSH_ALARM = "papershelf-flush";
const LINK_MARKS_ID = "papershelf-link-marks";
const MENU_SAVE_LINK = "papershelf-save-link";
const ANY_SITE = ["*://*/*"];
const REQUEST_TIMEOUT_MS = 20000;
const MAX_BACKOFF_MS = 5 * 60 * 1000;

/** The backend did not answer (down, wrong port, restarting): the request can be retried. */
class Offline extends Error {}
/** The backend answered but could not do it (5xx: the library cannot write, disk full, a proxy in
 * between restarting). Nothing was stored, so like Offline it is queued and retried; `reason` is
 * the backend's own message, shown on the badges that wait for it. */
class Unavailable extends Offline {
  constructor(status, message) {
    super(message);
    this.status = status;
    this.reason = message;
  }
}
/** The backend refused the request (4xx): retrying the same request would fail the same way. */
class Refused extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// --- talking to the backend ------------------------------------------------------------------

let cachedBase = null; // read once per worker life; the options page changes it via storage

async function backendBase() {
  if (cachedBase) return cachedBase;
  const { port } = await ext.storage.local.get({ port: DEFAULT_PORT });
  const n = Number(port);
  cachedBase = `http://127.0.0.1:${Number.isInteger(n) && n > 0 && n < 65536 ? n : DEFAULT_PORT}`;
  return cachedBase;
}

ext.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && "port" in changes) cachedBase = null;
});

async function callBackend(method, path, body, { raw = false } = {}) {
  const base = await backendBase();
  const headers = { "X-PaperShelf-Client": CLIENT };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: "omit",
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    throw new Offline(`PaperShelf backend unreachable at ${base} (${(err && err.message) || err})`);
  }
  if (!response.ok) {
    let message = `backend answered ${response.status}`;
    let code = "";
    try {
      const data = await response.json();
      if (data && data.error && data.error.message) message = data.error.message;
      if (data && data.error && data.error.code) code = data.error.code;
    } catch (_) { /* not JSON: keep the status line */ }
    // Worth retrying: the library could not write (disk full: 507, or code library_error), or
    // something in between is restarting (502-504). Any other answer, a 4xx or a 500 from a bug
    // on one page, will not get better by waiting, and must not hold up the queue behind it.
    const transient = response.status === 507 || (response.status >= 502 && response.status <= 504)
      || (response.status >= 500 && code === "library_error");
    if (transient) throw new Unavailable(response.status, message);
    throw new Refused(response.status, message);
  }
  if (raw) return response;
  try {
    return await response.json();
  } catch (_) {
    throw new Refused(response.status, "the backend answered with something that is not JSON");
  }
}

// --- the offline queue -----------------------------------------------------------------------
//
// One lock serialises every backend write (direct or from the queue), so operations reach the
// backend in the order they were made, and one flush never races another over the same item.
//
// Delivery is at least once: an operation leaves the queue only after the backend answered it,
// so a request whose answer was lost (a dropped connection, a timeout, a worker stopped between
// sending and dequeuing) is sent again. Saves, unsaves and save-cards are idempotent. A capture
// counts a view, so it carries `capture_id` (the operation's id, the same on every send, direct or
// from the queue): the library records the ids it has taken, across restarts of the backend, and
// records a repeated one without counting a second view.

let lock = Promise.resolve();
function locked(fn) {
  const run = lock.then(fn, fn);
  lock = run.catch(() => {});
  return run;
}

let retryTimer = null;
let nextAttemptAt = 0;

async function loadQueue() {
  const stored = await ext.storage.local.get({ [QUEUE_KEY]: [] });
  return Array.isArray(stored[QUEUE_KEY]) ? stored[QUEUE_KEY] : [];
}

async function storeQueue(queue) {
  await ext.storage.local.set({ [QUEUE_KEY]: queue });
  await showQueueLength(queue.length);
}

async function showQueueLength(n) {
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
  await ext.storage.local.set({ [ATTEMPTS_KEY]: attempts });
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
  await ext.storage.local.set({ [ATTEMPTS_KEY]: 0 });
  await ext.alarms.clear(FLUSH_ALARM);
}

/** Flush soon, unless we are in the middle of a back-off wait. */
function kick() {
  if (Date.now() >= nextAttemptAt) setTimeout(() => flush(), 0);
}

/** Send one operation now, or queue it behind earlier ones; answers the content script. */
function submit(op) {
  return locked(async () => {
    const queue = await loadQueue();
    if (queue.length) {
      queue.push(op);
      await storeQueue(queue);
      kick();
      return queuedAnswer(op);
    }
    try {
      const data = await callBackend("POST", op.path, bodyOf(op));
      return await finish(op, data, true);
    } catch (err) {
      if (err instanceof Offline) {
        // Not taken, or taken with the answer lost: queued as it is (same id), sent again later.
        queue.push(op);
        await storeQueue(queue);
        await scheduleRetry();
        return queuedAnswer(op, err);
      }
      return { error: err.message };
    }
  });
}

/** Send the queue in order; stop at the first item the backend cannot take yet. */
function flush() {
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
        queue = queue.slice(1);
        await storeQueue(queue);
        await notifyFailure(op, err.message);
        continue;
      }
      queue = queue.slice(1);
      // Dequeued before anything else can fail. The worker can still be stopped between the
      // backend's answer and this write: the next flush sends it again, and a capture's id keeps
      // that from counting twice.
      await storeQueue(queue);
      try {
        await finish(op, data, false);
      } catch (err) {
        console.warn("PaperShelf: could not deliver a flushed result", err);
      }
    }
    await clearRetry();
    return { sent: true, queue: 0 };
  });
}

async function notifyFailure(op, message) {
  if (op.kind === "capture" && op.tabId !== undefined) {
    await tellTab(op.tabId, { type: "capture-result", captureId: op.id, ids: op.ids, error: message });
  }
}

/** What happens after the backend took an operation; the answer goes to the content script. */
async function finish(op, data, direct) {
  if (op.kind === "capture") {
    if (!direct && op.tabId !== undefined) {
      await tellTab(op.tabId, { type: "capture-result", captureId: op.id, ids: op.ids, result: data });
    }
    return { result: data };
  }
  const keys = (op.kind === "unsave" ? data.unsaved : data.saved) || [];
  const status = await broadcastStatus(keys, data.status);
  return { saved: data.saved, unsaved: data.unsaved, status };
}

async function tellTab(tabId, message) {
  try {
    await ext.tabs.sendMessage(tabId, message);
  } catch (_) { /* the tab was closed or navigated away: its next capture catches up */ }
}

/** Send the fresh status of these keys (from the save or unsave answer) to every tab, so each
 * badge of the same paper updates. */
async function broadcastStatus(keys, status) {
  if (!keys.length || !status) return {};
  const tabs = await ext.tabs.query({});
  await Promise.all(tabs.map((tab) => tellTab(tab.id, { type: "status", status })));
  return status;
}

// --- messages from content scripts, popup and options --------------------------------------

function operation(kind, path, body, sender, ids) {
  return { id: newOpId(), kind, path, body, tabId: sender && sender.tab ? sender.tab.id : undefined, ids: ids || [], createdAt: Date.now() };
}

function pageBody(message) {
  const body = { url: String(message.url || ""), cards: Array.isArray(message.cards) ? message.cards : [] };
  body.page = message.page && typeof message.page === "object" ? message.page : {};
  return body;
}

function keysOf(message) {
  return Array.isArray(message.keys) ? message.keys.filter((k) => typeof k === "string" && k) : [];
}

/** The tab the user is looking at. The popup normally has no tab of its own; when it is opened
 * as a page (a tab or a popup window, e.g. by keyboard-only users or tests), skip that page. */
async function activeTab(exceptTabId) {
  const usable = (tab) => tab && tab.id !== exceptTabId && tab.id !== ext.tabs.TAB_ID_NONE;
  const [current] = await ext.tabs.query({ active: true, currentWindow: true });
  if (usable(current)) return current;
  const candidates = await ext.tabs.query({ active: true, windowType: "normal" });
  return candidates.find(usable) || null;
}

async function popupState() {
  const queue = await loadQueue();
  const base = await backendBase();
  let health = null;
  let error = "";
  try {
    health = await callBackend("GET", "/api/health");
  } catch (err) {
    error = err.message;
  }
  if (health && queue.length) kick();
  return {
    online: Boolean(health),
    error,
    base,
    version: health ? health.version : null,
    papers: health ? health.papers : null,
    saved: health ? health.saved : null,
    queue: queue.length,
  };
}

async function exportLibrary(format, saved) {
  const query = new URLSearchParams({ format: String(format || "bibtex"), saved: String(saved || "1") });
  const response = await callBackend("GET", `/api/export?${query}`, undefined, { raw: true });
  const disposition = response.headers.get("Content-Disposition") || "";
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  return {
    filename: m ? decodeURIComponent(m[1]) : `papershelf.${format}`,
    type: response.headers.get("Content-Type") || "text/plain",
    text: await response.text(),
  };
}

async function relayToActiveTab(message, exceptTabId) {
  const tab = await activeTab(exceptTabId);
  if (!tab) return { error: "no active tab" };
  try {
    return (await ext.tabs.sendMessage(tab.id, message)) ?? { error: "no answer from the page" };
  } catch (_) {
    return { error: "PaperShelf does not run on this page (open an HF Papers or arXiv listing)" };
  }
}

async function handle(message, sender) {
  switch (message && message.type) {
    case "capture":
      return submit(operation("capture", "/api/capture", pageBody(message), sender, message.ids));
    case "save":
      return submit(operation("save", "/api/save", { keys: keysOf(message) }, sender));
    case "unsave":
      return submit(operation("unsave", "/api/unsave", { keys: keysOf(message) }, sender));
    case "save-cards":
      return submit(operation("save-cards", "/api/save", pageBody(message), sender, message.ids));
    case "status-keys": {
      // Read-only look-up (quick badges before a capture, link marks): never queued.
      try {
        return await callBackend("POST", "/api/status", { keys: keysOf(message) });
      } catch (err) {
        return { error: err.message, status: {} };
      }
    }
    case "popup-state":
      return popupState();
    case "flush-now":
      nextAttemptAt = 0;
      return flush();
    case "save-all-active":
      return relayToActiveTab({ type: "save-all" }, sender.tab && sender.tab.id);
    case "page-info-active":
      return relayToActiveTab({ type: "page-info" }, sender.tab && sender.tab.id);
    case "export":
      try {
        return await exportLibrary(message.format, message.saved);
      } catch (err) {
        return { error: err.message };
      }
    case "open-library":
      await ext.tabs.create({ url: `${await backendBase()}/` });
      return { ok: true };
    case "set-link-marks":
      return setLinkMarks(Boolean(message.enabled));
    default:
      return { error: `unknown message ${JSON.stringify(message && message.type)}` };
  }
}

ext.runtime.onMessage.addListener((message, sender, reply) => {
  handle(message, sender).then(reply, (err) => reply({ error: String((err && err.message) || err) }));
  return true; // the answer comes asynchronously
});

// --- keyboard shortcut, context menu, opt-in link marks -------------------------------------

ext.commands.onCommand.addListener((command) => {
  if (command === "save-all") relayToActiveTab({ type: "save-all" });
});

const PAPER_LINK_PATTERNS = [
  "*://arxiv.org/abs/*", "*://arxiv.org/pdf/*", "*://www.arxiv.org/abs/*", "*://www.arxiv.org/pdf/*",
  "*://huggingface.co/papers/*",
];

async function createMenus() {
  await ext.contextMenus.removeAll();
  ext.contextMenus.create({
    id: MENU_SAVE_LINK,
    title: "Save to PaperShelf",
    contexts: ["link"],
    targetUrlPatterns: PAPER_LINK_PATTERNS,
  });
}

/** Save the paper a link points at, by its key. A paper the library does not know yet is saved
 * as a stub (the backend keeps the key, saved, no title); the next time the paper shows up on a
 * listing or its own page, the capture fills in title, authors and abstract. The link's text is
 * not used as a title: it is often "PDF", "[2401.12345]" or "this paper". */
async function saveLink(linkUrl) {
  const id = PaperShelfKeys.arxivIdFromUrl(linkUrl);
  if (!id) return { error: "not a link to an arXiv or Hugging Face paper" };
  return submit(operation("save", "/api/save", { keys: [PaperShelfKeys.keyForArxivId(id)] }));
}

/** The context menu's click (a named listener, so tests can check it is the one registered). */
function onMenuClicked(info) {
  if (info && info.menuItemId === MENU_SAVE_LINK) return saveLink(info.linkUrl);
  return Promise.resolve({ error: "not a PaperShelf menu item" });
}

ext.contextMenus.onClicked.addListener(onMenuClicked);

async function setLinkMarks(enabled) {
  try {
    await ext.scripting.unregisterContentScripts({ ids: [LINK_MARKS_ID] });
  } catch (_) { /* was not registered */ }
  const allowed = enabled && (await ext.permissions.contains({ origins: ANY_SITE }));
  if (allowed) {
    await ext.scripting.registerContentScripts([{
      id: LINK_MARKS_ID,
      matches: ANY_SITE,
      excludeMatches: ["*://huggingface.co/papers*", "*://arxiv.org/*", "*://127.0.0.1/*", "*://localhost/*"],
      js: ["lib/keys.js", "content/link-marks.js"],
      runAt: "document_idle",
      persistAcrossSessions: true,
    }]);
  }
  await ext.storage.local.set({ markLinks: Boolean(allowed) });
  return { enabled: Boolean(allowed) };
}

ext.permissions.onRemoved.addListener(() => setLinkMarks(false));

// --- start-up --------------------------------------------------------------------------------

ext.runtime.onInstalled.addListener(() => createMenus());
// (no flush here: the wake-up below runs at browser start too, and one flush is enough)
ext.runtime.onStartup.addListener(() => createMenus());
ext.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === FLUSH_ALARM) {
    nextAttemptAt = 0;
    flush();
  }
});

// Every wake-up: show the queue, and try it if a previous life of this worker left items.
loadQueue().then((queue) => {
  showQueueLength(queue.length);
  if (queue.length) flush();
});
