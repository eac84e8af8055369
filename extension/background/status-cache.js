/* The status cache: a bounded local copy of the paper statuses this extension has shown, so that
 * with the backend down a page still shows what you have (saved papers read Saved, papers seen
 * before read seen) instead of forgetting everything.
 *
 * Every status the backend answers (captures, status look-ups, saves and unsaves) is remembered
 * here; status look-ups are answered from it while the backend does not answer (messages.js).
 * It is a least-recently-used map of at most LIMITS.entries keys and LIMITS.bytes (UTF-8 JSON)
 * in storage.local; the oldest entries go first. Each entry keeps only what a badge shows
 * (saved, tags, seen count, a few other small flags), and a key or tag list that is larger than any real one is not kept:
 * the values come from pages, through the backend, and are bounded here again.
 *
 * Writes are batched (one storage write per WRITE_DELAY_MS while statuses arrive); the worker
 * lives at least 30 s after its last event, so a batch is written before it stops. A write the
 * storage quota refuses drops the older half and tries once more (the queue's saves matter more
 * than this copy). */

import { ext } from "./ext.js";
import { jsonBytes, utf8Bytes } from "./sizes.js";

export const CACHE_KEY = "statusCache";
export const LIMITS = Object.freeze({ entries: 5000, bytes: 1024 * 1024, keyBytes: 300, tags: 30, tagBytes: 100 });
const WRITE_DELAY_MS = 300;

let entries = null; // Map key -> {saved, tags, seen_count}, least recently used first
let loading = null;
let writeTimer = null;
let writing = Promise.resolve();

async function load() {
  if (entries) return entries;
  if (!loading) {
    loading = ext.storage.local.get({ [CACHE_KEY]: [] }).then((stored) => {
      const list = Array.isArray(stored[CACHE_KEY]) ? stored[CACHE_KEY] : [];
      const map = new Map();
      for (const item of list) {
        const clean = Array.isArray(item) ? entry(item[0], item[1]) : null;
        if (clean) map.set(clean[0], clean[1]);
      }
      entries = entries || map;
      return entries;
    });
  }
  return loading;
}

/** [key, status] as kept, or null for a key or status we do not keep. */
function entry(key, status) {
  if (typeof key !== "string" || !key || utf8Bytes(key) > LIMITS.keyBytes) return null;
  if (!status || typeof status !== "object") return null;
  const tags = (Array.isArray(status.tags) ? status.tags : [])
    .filter((t) => typeof t === "string" && utf8Bytes(t) <= LIMITS.tagBytes)
    .slice(0, LIMITS.tags);
  const n = Number(status.seen_count);
  const kept = { saved: Boolean(status.saved), tags, seen_count: Number.isFinite(n) && n > 0 ? Math.min(Math.floor(n), 1e9) : 0 };
  // Other small facts a badge may show (read, seen days): booleans and numbers under short names.
  let extra = 0;
  for (const [name, value] of Object.entries(status)) {
    if (extra >= 8 || name in kept || name === "index" || name.length > 30 || !/^[a-z_]+$/.test(name)) continue;
    if (typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) {
      kept[name] = value;
      extra += 1;
    }
  }
  return [key, kept];
}

/** Keep the newest entries within the bounds (the map is in least-recently-used order). */
function trim(map) {
  while (map.size > LIMITS.entries) map.delete(map.keys().next().value);
  let total = jsonBytes([...map]);
  while (total > LIMITS.bytes && map.size) {
    const [key, value] = map.entries().next().value;
    map.delete(key);
    total -= jsonBytes([key, value]) + 1;
  }
}

function scheduleWrite() {
  if (writeTimer) return;
  writeTimer = setTimeout(() => {
    writeTimer = null;
    writing = writing.then(write, write);
  }, WRITE_DELAY_MS);
}

async function write() {
  if (!entries) return; // storage was cleared meanwhile: nothing of ours to write
  trim(entries);
  try {
    await ext.storage.local.set({ [CACHE_KEY]: [...entries] });
  } catch (err) {
    // Quota: keep the newer half, and nothing rather than fail again.
    const keep = [...entries].slice(Math.floor(entries.size / 2));
    entries = new Map(keep);
    try {
      await ext.storage.local.set({ [CACHE_KEY]: keep });
    } catch (_) {
      entries = new Map();
      await ext.storage.local.remove(CACHE_KEY).catch(() => {});
    }
  }
}

/** Remember statuses the backend answered ({key: status}). */
export async function remember(statuses) {
  const map = await load();
  let changed = false;
  for (const [key, status] of Object.entries(statuses || {})) {
    const clean = entry(key, status);
    if (!clean) continue;
    changed = map.delete(clean[0]) || changed; // most recently used last
    // A paper the library does not know (never seen, not saved) takes no room: a page can list
    // any number of made-up ids.
    const blank = !clean[1].saved && !clean[1].seen_count && !clean[1].tags.length;
    if (blank) continue;
    map.set(clean[0], clean[1]);
    changed = true;
  }
  if (changed) {
    // The count bound now; the byte bound (a pass over the whole map) when the batch is written.
    while (map.size > LIMITS.entries) map.delete(map.keys().next().value);
    scheduleWrite();
  }
}

/** The statuses of a /api/capture answer (per card), remembered. */
export function rememberCapture(result) {
  const statuses = {};
  for (const item of (result && Array.isArray(result.papers) ? result.papers : [])) {
    if (item && typeof item.key === "string") statuses[item.key] = item;
  }
  return remember(statuses);
}

/** The statuses we know of these keys ({key: status}; unknown keys are left out). */
export async function lookup(keys) {
  const map = await load();
  const out = {};
  for (const key of keys) {
    const status = map.get(key);
    if (!status) continue;
    out[key] = { ...status, tags: [...status.tags] };
    map.delete(key); // used: most recent
    map.set(key, status);
  }
  if (Object.keys(out).length) scheduleWrite();
  return out;
}

/** How many entries, and how many of them saved (the popup, offline). */
export async function cacheSummary() {
  const map = await load();
  let saved = 0;
  for (const s of map.values()) if (s.saved) saved += 1;
  return { entries: map.size, saved };
}

/** Write now what is waiting (tests, and before the worker is expected to stop). */
export async function flushCache() {
  clearTimeout(writeTimer);
  writeTimer = null;
  await load();
  writing = writing.then(write, write);
  return writing;
}

/** Forget everything (storage quota: the queue's saves need the room more). */
export async function clearCache() {
  entries = new Map();
  clearTimeout(writeTimer);
  writeTimer = null;
  await ext.storage.local.remove(CACHE_KEY);
}

// Another context (the options page, a test) may clear storage.local: start from storage again.
ext.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && CACHE_KEY in changes && changes[CACHE_KEY].newValue === undefined && !writeTimer) {
    entries = null;
    loading = null;
  }
});
