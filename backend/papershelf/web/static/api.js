// The page's only door to the backend: every request carries the client header the API guard
// requires, JSON goes in and out, and an API error becomes an ApiError with the server's message.

const CLIENT = document.body.dataset.client || "library-page/0";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * Call the backend.
 * @param {string} method
 * @param {string} path   e.g. "/api/papers?q=x"
 * @param {{json?: any, body?: BodyInit, contentType?: string, signal?: AbortSignal, raw?: boolean}} opts
 *   raw: return the Response itself (for downloads) once it is known to be a success.
 */
export async function api(method, path, opts = {}) {
  const headers = { "X-PaperShelf-Client": CLIENT, Accept: "application/json" };
  let body;
  if (opts.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(opts.json);
  } else if (opts.body !== undefined) {
    headers["Content-Type"] = opts.contentType || "application/octet-stream";
    body = opts.body;
  }
  let resp;
  try {
    resp = await fetch(path, { method, headers, body, signal: opts.signal, credentials: "same-origin", cache: "no-store" });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError(0, "offline", "The PaperShelf backend is not answering.");
  }
  if (!resp.ok) {
    let code = `http_${resp.status}`;
    let message = `${resp.status} ${resp.statusText}`;
    try {
      const data = await resp.json();
      if (data && data.error) {
        code = data.error.code || code;
        message = data.error.message || message;
      }
    } catch (_) {
      // Not JSON (a proxy page, a crash): the status line is all we can say.
    }
    throw new ApiError(resp.status, code, message);
  }
  if (opts.raw) return resp;
  if (resp.status === 204) return null;
  return resp.json();
}

/** Path of one paper; keys hold ":" and sometimes "/" (old arXiv ids), so encode them. */
export function paperPath(key) {
  return `/api/papers/${encodeURIComponent(key)}`;
}

/** Build a query string from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === "") continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** The file name from a Content-Disposition header, or a fallback. */
export function downloadName(resp, fallback) {
  const cd = resp.headers.get("Content-Disposition") || "";
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(cd);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch (_) {
      /* fall through to the plain form */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(cd);
  return plain ? plain[1].trim() : fallback;
}
