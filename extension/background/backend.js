/* The backend client: the only module that talks to the local backend.
 *
 * Every request goes to http://127.0.0.1:PORT/api/* (PORT from the options page, kept in
 * storage.local) with the X-PaperShelf-Client header the backend's guard requires, no cookies,
 * no cache, and a timeout. Failures come out as one of three errors, which decide what the
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

ext.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && "port" in changes) cachedBase = null;
});

/** The backend's JSON answer to `method path` with `body` (JSON), or with `raw` the Response
 * itself (for downloads); throws Offline, Unavailable or Refused. */
export async function callBackend(method, path, body, { raw = false } = {}) {
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
