// What the page shows, and the address bar that holds it.
//
// The filter state lives in the address bar, so a reload or a shared link shows the same view;
// a hand-edited or stale link falls back to defaults rather than leaving the page showing only
// an error. The selection (keys) is kept across pages and searches; `shown` is the papers on
// screen, in order (list.js fills it, the row actions keep it current).

import { query } from "./api.js";

const DEFAULTS = {
  saved: "1", to_read: "", q: "", tag: "", source: "", read: "", from: "", to: "",
  sort: "saved", order: "desc", limit: 50, offset: 0,
};
const SORTS = ["saved", "seen", "published", "title", "upvotes", "seen_count", "added"];
// The sort that fits each tab when the user has not chosen one (the reading queue: saved date,
// oldest first).
export const TAB_SORT = { "1": "saved", all: "seen" };
// The tag that puts a saved paper in the reading queue (query.py's TO_READ_TAG).
export const TO_READ_TAG = "to read";

export const state = { ...DEFAULTS };
export const selected = new Set(); // keys, kept across pages and searches
export const shown = []; // the papers on screen, in order
export const view = { total: 0 }; // how many papers the filters match, on every page

export function readLocation() {
  const params = new URLSearchParams(location.search);
  for (const name of Object.keys(DEFAULTS)) {
    if (!params.has(name)) continue;
    const v = params.get(name);
    state[name] = typeof DEFAULTS[name] === "number" ? Math.max(0, parseInt(v, 10) || 0) : v;
  }
  // A hand-edited or stale link must not leave the page showing only an error.
  if (!["1", "all", "0"].includes(state.saved)) state.saved = "1";
  if (state.to_read !== "1") state.to_read = "";
  if (state.to_read) state.saved = "1"; // the queue holds saved papers only
  if (!params.has("sort") || !SORTS.includes(state.sort)) state.sort = TAB_SORT[state.saved] || "saved";
  if (!params.has("order") || !["asc", "desc"].includes(state.order)) state.order = defaultOrder();
  for (const name of ["from", "to"]) if (!/^\d{4}(-\d{2}){0,2}$/.test(state[name])) state[name] = "";
  if (![25, 50, 100, 200].includes(state.limit)) state.limit = DEFAULTS.limit;
}

/** The order a view has when the link does not say: titles A to Z, the reading queue oldest
 * first, the rest newest (or most) first -- as the server does. */
function defaultOrder() {
  return state.sort === "title" || (state.to_read && state.sort === "saved") ? "asc" : "desc";
}

export function writeLocation() {
  const params = {};
  for (const [k, v] of Object.entries(state)) {
    if (k === "order" ? v !== defaultOrder() : v !== DEFAULTS[k] && !(k === "sort" && v === TAB_SORT[state.saved])) {
      params[k] = v;
    }
  }
  const url = `${location.pathname}${query(params)}`;
  if (url !== `${location.pathname}${location.search}`) history.replaceState(null, "", url);
}
