/* The backend client: the only module that talks to the local backend.
 *
 * Every request goes to http://127.0.0.1:PORT/api/* (PORT from the options page, kept in
 * storage.local) with the X-PaperShelf-Client header the backend's guard requires, this
 * install's key (X-PaperShelf-Key, see connect() below), no cookies, no cache, and a timeout.
 * Only this worker sends the key: content scripts, the popup and the options page never see it
 * in a request they make. Failures come out as one of three errors, which decide what the
 * offline queue (queue.js) does with the request:
 *   Offline      the backend did not answer: retry later;
 *   Unavailable  it answered 5xx for a reason that can pass (the library cannot write): retry;
 *   Refused      it answered and will answer the same again (4xx, a bug's 500): do not retry. */

import { ext } from "./ext.js";

const VERSION = ext.runtime.getManifest().version;
const CLIENT = `papershelf-extension/${VERSION}`;
// The tests' Firefox build replaces this line to point at their backend (tests/e2e/conftest.py).
const DEFAULT_PORT = 27182;
const REQUEST_TIMEOUT_MS = 20000;
const NOT_CONNECTED = "not connected to the PaperShelf backend: press Connect in PaperShelf's options";

/** The backend did not answer (down, wrong port, restarting): the request can be retried. */
export class Offline extends Error {}
/** The backend answered but could not do it (5xx: the library cannot write, disk full, a proxy in
 * between restarting). Nothing was stored, so like Offline it is queued and retried; `reason` is
 * the backend's own message, shown on the badges that wait for it. */
export class Unavailable extends Offline {
  constructor(status, message) {
    super(message);
    this.status = status;
    this.reason = message;
  }
}
/** The backend does not know this install (no key yet, or the user revoked it): nothing was
 * stored, and like Unavailable the request waits in the queue until the user connects again. */
export class NotConnected extends Unavailable {}
/** The backend refused the request (4xx): retrying the same request would fail the same way. */
export class Refused extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let cachedBase = null; // read once per worker life; the options page changes it via storage

/** http://127.0.0.1:PORT, the port from the options (a bad value falls back to the default). */
export async function backendBase() {
  if (cachedBase) return cachedBase;
  const { port } = await ext.storage.local.get({ port: DEFAULT_PORT });
  const n = Number(port);
  cachedBase = `http://127.0.0.1:${Number.isInteger(n) && n > 0 && n < 65536 ? n : DEFAULT_PORT}`;
  return cachedBase;
}

let cachedKey = null;

/** This install's key, from the connect page's Allow (storage.local), or "". */
export async function backendKey() {
  if (cachedKey === null) cachedKey = String((await ext.storage.local.get({ key: "" })).key || "");
  return cachedKey;
}

ext.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && "port" in changes) cachedBase = null;
  if (area === "local" && "key" in changes) cachedKey = null;
});

/** The backend's JSON answer to `method path` with `body` (JSON), or with `raw` the Response
 * itself (for downloads); throws Offline, Unavailable or Refused. */
export async function callBackend(method, path, body, { raw = false } = {}) {
  const base = await backendBase();
  const headers = { "X-PaperShelf-Client": CLIENT };
  const key = await backendKey();
  if (key) headers["X-PaperShelf-Key"] = key;
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
    if (response.status === 403 && code === "not_connected") throw new NotConnected(response.status, NOT_CONNECTED);
    throw new Refused(response.status, message);
  }
  if (raw) return response;
  try {
    return await response.json();
  } catch (_) {
    throw new Refused(response.status, "the backend answered with something that is not JSON");
  }
}

/** The library exported by the backend as {filename, type, text}, for the popup to download. */
export async function exportLibrary(format, saved) {
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

// --- connecting this install to the backend (the backend's pairing.py has the whole story) ------

const PAIRING_KEY = "pairing"; // {poll, request, tabId, until} while the user has not decided yet
const POLL_MS = 1000;
let pollTimer = null;
const connectedHooks = [];

/** fn() runs when this install has just been connected (background.js: send the queue). */
export function onConnected(fn) {
  connectedHooks.push(fn);
}

/** Ask the backend to connect this install and open its connect page, where the user allows it.
 * The poll token stays here; the page only shows the request. */
export async function connect() {
  const base = await backendBase();
  const asked = await callBackend("POST", "/api/connect", { name: `PaperShelf ${VERSION}` });
  const tab = await ext.tabs.create({ url: base + asked.page });
  await ext.storage.local.set({ [PAIRING_KEY]: { poll: asked.poll, request: asked.request, tabId: tab.id, until: Date.now() + 10 * 60 * 1000 } });
  schedulePoll();
  return { asked: true };
}

function schedulePoll() {
  clearTimeout(pollTimer);
  pollTimer = setTimeout(() => pollConnection(), POLL_MS);
}

/** Collect the key once the user allowed (called on a timer, when the connect tab changes, and
 * by the options page while it waits). Answers {connected, waiting}. */
export async function pollConnection() {
  const { [PAIRING_KEY]: pairing } = await ext.storage.local.get({ [PAIRING_KEY]: null });
  if (!pairing) return { connected: Boolean(await backendKey()), waiting: false };
  if (Date.now() > pairing.until) {
    await ext.storage.local.remove(PAIRING_KEY);
    return { connected: Boolean(await backendKey()), waiting: false };
  }
  let answer;
  try {
    answer = await callBackend("POST", "/api/connect/poll", { poll: pairing.poll });
  } catch (err) {
    if (err instanceof Refused) { // expired or unknown: ask again
      await ext.storage.local.remove(PAIRING_KEY);
      return { connected: Boolean(await backendKey()), waiting: false, error: err.message };
    }
    schedulePoll();
    return { connected: false, waiting: true };
  }
  if (answer.state === "waiting") {
    schedulePoll();
    return { connected: false, waiting: true };
  }
  await ext.storage.local.remove(PAIRING_KEY);
  if (answer.state === "allowed" && typeof answer.key === "string") {
    await ext.storage.local.set({ key: answer.key });
    cachedKey = answer.key;
    connectedHooks.forEach((fn) => fn());
    return { connected: true, waiting: false, justConnected: true };
  }
  return { connected: Boolean(await backendKey()), waiting: false, denied: true };
}

/** The connect tab changed (the user answered there): look at once. */
export async function onTabUpdated(tabId) {
  const { [PAIRING_KEY]: pairing } = await ext.storage.local.get({ [PAIRING_KEY]: null });
  if (pairing && pairing.tabId === tabId) return pollConnection();
  return null;
}
