/* The messages the content scripts, the popup and the options page send the worker, and what
 * each one does. Writes go through the offline queue; reads (status look-ups, the popup's state,
 * the formats, export) go straight to the backend and are never queued. While the backend does
 * not answer, status look-ups are answered from the status cache (what the extension last
 * showed), with the saves and unsaves still waiting in the queue marked `queued`. */

import { ext } from "./ext.js";
import { backendBase, backendKey, callBackend, connect, exportLibrary, NotConnected, pollConnection } from "./backend.js";
import { flushNow, hasQueued, loadQueue, NOTE_KEY, operation, submit } from "./queue.js";
import { summary } from "./queue-rules.js";
import { cacheSummary, lookup, remember } from "./status-cache.js";
import { relayToActiveTab } from "./tabs.js";
import { setLinkMarks } from "./menus.js";

function pageBody(message) {
  const body = { url: String(message.url || ""), cards: Array.isArray(message.cards) ? message.cards : [] };
  body.page = message.page && typeof message.page === "object" ? message.page : {};
  return body;
}

const MAX_KEYS = 5000; // a look-up larger than any page (arXiv lists 2,000; link marks ask at most 2,000 over a page's life)

function keysOf(message) {
  return Array.isArray(message.keys) ? message.keys.filter((k) => typeof k === "string" && k).slice(0, MAX_KEYS) : [];
}

/** The tab a popup opened as a page names (popup.html?tab=ID), honoured from the extension's own
 * pages only: a content script cannot point these messages at another tab. */
function chosenTab(message, sender) {
  const own = sender && typeof sender.url === "string" && sender.url.startsWith(ext.runtime.getURL(""));
  return own && Number.isInteger(message.tabId) && message.tabId >= 0 ? message.tabId : undefined;
}

/** Statuses of `keys` while the backend does not answer: the cached ones, and what the queue
 * will change (`queued`: "save" or "unsave"). */
async function offlineStatus(keys, error) { // `reason`, not `error`: the answer is good
  const status = await lookup(keys);
  const wanted = new Set(keys);
  for (const op of await loadQueue()) {
    if (op.kind !== "save" && op.kind !== "unsave") continue;
    for (const key of (op.body && op.body.keys) || []) {
      if (!wanted.has(key)) continue;
      status[key] = { ...(status[key] || { saved: false, tags: [], seen_count: 0 }), queued: op.kind };
    }
  }
  return { status, offline: true, reason: error };
}

/** What the popup shows: backend online or not, its counts, and the queue's length. */
async function popupState() {
  const queue = await loadQueue();
  const base = await backendBase();
  let health = null;
  let error = "";
  let connected = Boolean(await backendKey());
  try {
    health = await callBackend("GET", "/api/health");
  } catch (err) {
    error = err.message;
    if (err instanceof NotConnected) connected = false;
  }
  if (health && queue.length) flushNow(); // it answers: no need to wait out the back-off
  // Offline: what the extension still knows (its status cache), so the popup can say it.
  const known = health ? null : { cache: await cacheSummary() };
  const { [NOTE_KEY]: queueNote } = await ext.storage.local.get({ [NOTE_KEY]: null });
  return {
    online: Boolean(health),
    connected: connected && Boolean(health),
    reachable: Boolean(health) || error.startsWith("not connected"),
    error,
    base,
    version: health ? health.version : null,
    papers: health ? health.papers : null,
    saved: health ? health.saved : null,
    queue: queue.length,
    queued: summary(queue),
    queueNote: queueNote ? queueNote.text : "",
    known,
  };
}

/** Is the sender one of this extension's own pages (options, popup), not a content script? */
function fromOwnPage(sender) {
  return Boolean(sender && sender.id === ext.runtime.id && typeof sender.url === "string"
    && sender.url.startsWith(ext.runtime.getURL("")));
}

/** The answer to one message (every message is answered, unknown ones with an error). */
export async function handle(message, sender) {
  switch (message && message.type) {
    case "connect": // the options page's or the popup's Connect button
      if (!fromOwnPage(sender)) return { error: "only PaperShelf's own pages can connect it" };
      try {
        return await connect();
      } catch (err) {
        return { error: err.message };
      }
    case "connection": // is this install connected; collects the key once the user allowed
      return { ...(await pollConnection()), origin: ext.runtime.getURL("").replace(/\/$/, "") };
    case "capture":
      return submit(operation("capture", "/api/capture", pageBody(message), sender, message.ids));
    case "save":
      return submit(operation("save", "/api/save", { keys: keysOf(message) }, sender));
    case "unsave":
      return submit(operation("unsave", "/api/unsave", { keys: keysOf(message) }, sender));
    case "save-cards":
      return submit(operation("save-cards", "/api/save", pageBody(message), sender, message.ids));
    case "status-keys": {
      // Read-only look-up (quick badges before a capture, link marks): never queued. Offline,
      // the status cache answers.
      const keys = keysOf(message);
      try {
        const answer = await callBackend("POST", "/api/status", { keys });
        remember(answer && answer.status).catch(() => {}); // not on the badges' critical path
        // The backend is back (a page loaded): send what waits now, not after the back-off.
        if (await hasQueued()) flushNow();
        return answer;
      } catch (err) {
        return offlineStatus(keys, err.message);
      }
    }
    case "tags": // the badge menu's tag completion (read-only, never queued)
      try {
        return await callBackend("GET", "/api/tags");
      } catch (err) {
        return { error: err.message, tags: [] };
      }
    case "paper": // the badge menu: a saved paper's tags and note (read-only)
      try {
        return { paper: await callBackend("GET", `/api/papers/${encodeURIComponent(String(message.key || ""))}`) };
      } catch (err) {
        return { error: err.message };
      }
    case "update-paper": { // the badge menu's tags and note (a paper just saved or already saved)
      const changes = {};
      if (Array.isArray(message.tags)) changes.tags = message.tags.filter((t) => typeof t === "string");
      if (typeof message.note === "string") changes.note = message.note;
      try {
        return { paper: await callBackend("PATCH", `/api/papers/${encodeURIComponent(String(message.key || ""))}`, changes) };
      } catch (err) {
        return { error: err.message };
      }
    }
    case "mark-read": { // the badge menu's and the popup's Mark read (or unread): a write, so queued offline
      const key = String(message.key || "").slice(0, 300);
      if (!key) return { error: "no paper to mark" };
      return submit(operation("read", "/api/papers/batch", { keys: [key], read: message.read !== false }, sender));
    }
    case "cite": // the badge menu's Copy BibTeX: one paper exported by the backend
      try {
        const response = await callBackend("POST", "/api/export", { format: String(message.format || "bibtex"), keys: keysOf(message) }, { raw: true });
        return { text: await response.text() };
      } catch (err) {
        return { error: err.message };
      }
    case "next-to-read": // the popup's reading queue: the oldest saved paper tagged "to read"
      try {
        const answer = await callBackend("GET", "/api/papers?to_read=1&limit=1");
        const p = Array.isArray(answer.papers) && answer.papers[0];
        const urls = (p && p.urls) || {};
        const link = [urls.abs, urls.hf, urls.pdf].find((u) => typeof u === "string" && /^https?:\/\//i.test(u)) || "";
        return { total: Number(answer.total) || 0, paper: p ? { key: String(p.key), title: String(p.title || p.key), url: link } : null };
      } catch (err) {
        return { error: err.message };
      }
    case "popup-state":
      return popupState();
    case "flush-now":
      return flushNow();
    case "save-all-active":
      return relayToActiveTab({ type: "save-all" }, sender.tab && sender.tab.id, chosenTab(message, sender));
    case "page-info-active":
      return relayToActiveTab({ type: "page-info" }, sender.tab && sender.tab.id, chosenTab(message, sender));
    case "set-hiding-active": // the popup's "hide papers seen or saved" switch
      return relayToActiveTab({ type: "set-hiding", on: Boolean(message.on) }, sender.tab && sender.tab.id, chosenTab(message, sender));
    case "formats": // the export and import formats the backend knows (popup's export menu)
      try {
        return await callBackend("GET", "/api/formats");
      } catch (err) {
        return { error: err.message };
      }
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
