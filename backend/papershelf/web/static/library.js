// The library page: list, search, filter and curate the papers in the local library.
//
// Rules this file keeps:
// - All data comes from /api/* (see api.js); the server pages the list (limit/offset), so the
//   page costs the same at 50 papers or 20,000.
// - Every value that came from a web page is put into the DOM with textContent or as an
//   attribute of an element we created; links are only followed when they are http(s).
// - The filter state lives in the address bar, so a reload or a shared link shows the same view.

import { api, ApiError, paperPath, query, downloadName } from "./api.js";

// Navigation to this module running: the shell, the stylesheet and the modules (bench/library_page.py).
performance.mark("papershelf:boot");

const $ = (sel, root = document) => root.querySelector(sel);

const SEARCH_DEBOUNCE_MS = 150;
const NOTE_DEBOUNCE_MS = 900;
const UNDO_MS = 10000;
const MAX_AUTHORS_SHOWN = 8;

const DEFAULTS = {
  saved: "1", q: "", tag: "", source: "", read: "", from: "", to: "",
  sort: "saved", order: "desc", limit: 50, offset: 0,
};
const SORTS = ["saved", "seen", "published", "title", "upvotes"];
// The sort that fits each tab when the user has not chosen one.
const TAB_SORT = { "1": "saved", all: "seen" };

const state = { ...DEFAULTS };
const selected = new Set(); // keys, kept across pages and searches
let shown = []; // the papers on screen, in order
let loadSeq = 0;
let loadAbort = null;
let firstRenderMarked = false;

// --- state <-> address bar -------------------------------------------------------------------

/** The title as a person reads it: the server's title_text shows TeX as Unicode
 * (NH\textsuperscript{3} -> NH³); the raw title stays for search and BibTeX. */
function shownTitle(paper) {
  return paper.title_text || paper.title || paper.key;
}

function readLocation() {
  const params = new URLSearchParams(location.search);
  for (const name of Object.keys(DEFAULTS)) {
    if (!params.has(name)) continue;
    const v = params.get(name);
    state[name] = typeof DEFAULTS[name] === "number" ? Math.max(0, parseInt(v, 10) || 0) : v;
  }
  // A hand-edited or stale link must not leave the page showing only an error.
  if (!["1", "all", "0"].includes(state.saved)) state.saved = "1";
  if (!params.has("sort") || !SORTS.includes(state.sort)) state.sort = TAB_SORT[state.saved] || "saved";
  if (!["asc", "desc"].includes(state.order)) state.order = state.sort === "title" ? "asc" : "desc";
  for (const name of ["from", "to"]) if (!/^\d{4}(-\d{2}){0,2}$/.test(state[name])) state[name] = "";
  if (![25, 50, 100, 200].includes(state.limit)) state.limit = DEFAULTS.limit;
}

function writeLocation() {
  const params = {};
  for (const [k, v] of Object.entries(state)) {
    if (v !== DEFAULTS[k] && !(k === "sort" && v === TAB_SORT[state.saved])) params[k] = v;
  }
  const url = `${location.pathname}${query(params)}`;
  if (url !== `${location.pathname}${location.search}`) history.replaceState(null, "", url);
}

function syncControls() {
  $("#q").value = state.q;
  ensureOption($("#f-tag"), state.tag);
  $("#f-tag").value = state.tag;
  $("#f-source").value = state.source;
  $("#f-read").value = state.read;
  $("#f-from").value = state.from;
  $("#f-to").value = state.to;
  $("#f-sort").value = state.sort;
  $("#page-size").value = String(state.limit);
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    tab.setAttribute("aria-selected", String(tab.dataset.saved === state.saved));
  }
  updateOrderButton();
}

function updateOrderButton() {
  const btn = $("#f-order");
  const asc = state.order === "asc";
  const words = {
    title: asc ? "A → Z" : "Z → A",
    upvotes: asc ? "fewest first" : "most first",
  };
  btn.textContent = `${words[state.sort] || (asc ? "oldest first" : "newest first")} ${asc ? "↑" : "↓"}`;
  btn.dataset.order = state.order;
}

function ensureOption(select, value) {
  if (!value) return;
  for (const o of select.options) if (o.value === value) return;
  const opt = document.createElement("option");
  opt.value = value;
  opt.textContent = value;
  select.appendChild(opt);
}

// --- loading the list ------------------------------------------------------------------------

function listParams() {
  return {
    q: state.q.trim(), tag: state.tag, source: state.source, read: state.read,
    from: state.from, to: state.to, sort: state.sort, order: state.order,
    saved: state.saved, limit: state.limit, offset: state.offset,
  };
}

async function load() {
  const seq = ++loadSeq;
  if (loadAbort) loadAbort.abort();
  loadAbort = new AbortController();
  const started = performance.now();
  // The request goes out first; the address bar and the dimming are updated while it travels.
  const answer = api("GET", `/api/papers${query(listParams())}`, { signal: loadAbort.signal });
  writeLocation();
  document.body.classList.add("loading");
  try {
    const data = await answer;
    if (seq !== loadSeq) return; // a newer search has been sent meanwhile
    // Deleting the last paper of the last page: step back a page rather than show nothing.
    if (!data.papers.length && state.offset > 0 && data.total > 0) {
      state.offset = Math.max(0, Math.floor((data.total - 1) / state.limit) * state.limit);
      return load();
    }
    // The counts and the picture are asked for once the list has its answer: the server works
    // them out while the page draws the list, instead of competing with the list's request.
    startStats();
    render(data);
    // Request to drawn list, for bench/library_page.py (the search debounce is not included),
    // and request to the next frame on screen: rows out of view are laid out only when they come
    // near it (content-visibility), those in view in that frame.
    const detail = { q: state.q };
    performance.measure("papershelf:list", { start: started, detail });
    afterNextFrame(() => performance.measure("papershelf:list-painted", { start: started, detail }));
  } catch (err) {
    if (err.name === "AbortError") return;
    if (seq !== loadSeq) return;
    showError(err);
    $("#summary").textContent = "Could not load the library.";
  } finally {
    if (seq === loadSeq) document.body.classList.remove("loading");
  }
}

function render(data) {
  const started = performance.now();
  shown = data.papers;
  const list = $("#papers");
  const frag = document.createDocumentFragment();
  for (const paper of shown) frag.appendChild(paperItem(paper));
  list.replaceChildren(frag);
  fitNotes(list.querySelectorAll(".note-text.has-note"));

  const total = data.total;
  const from = total ? state.offset + 1 : 0;
  const to = state.offset + shown.length;
  const what = state.saved === "1" ? "saved papers" : state.saved === "0" ? "unsaved papers" : "papers seen";
  const filtered = state.q || state.tag || state.source || state.read || state.from || state.to;
  $("#summary").textContent = total
    ? `${num(from)}–${num(to)} of ${num(total)} ${what}${filtered ? " matching" : ""}`
    : "";
  const empty = $("#empty");
  empty.hidden = total > 0;
  empty.textContent = filtered
    ? "No papers match. Try fewer words or clear the filters."
    : state.saved === "1"
      ? "Nothing saved yet. Browse Hugging Face Papers or arXiv with the extension and press Save."
      : "No papers seen yet.";
  $("#page-info").textContent = total ? `page ${Math.floor(state.offset / state.limit) + 1} of ${Math.ceil(total / state.limit)}` : "";
  $("#page-prev").disabled = state.offset === 0;
  $("#page-next").disabled = to >= total;
  updateSelection();
  // Building the rows and laying them out (forced here, so the figure includes it).
  void list.offsetHeight;
  performance.measure("papershelf:render", { start: started });
  if (!firstRenderMarked) {
    firstRenderMarked = true;
    performance.mark("papershelf:first-render");
    afterNextFrame(() => performance.mark("papershelf:first-paint"));
    document.body.dataset.ready = "1";
  }
  document.body.dataset.loaded = String(loadSeq);
}

/** fn runs once the browser has drawn the next frame (requestAnimationFrame runs just before it). */
function afterNextFrame(fn) {
  requestAnimationFrame(() => setTimeout(fn, 0));
}

// --- one paper ---------------------------------------------------------------------------

/** The URL only when it is a web link: a scraped "javascript:" or "data:" URL is dropped. */
function safeUrl(value) {
  if (!value || typeof value !== "string") return null;
  try {
    const u = new URL(value, "https://arxiv.org/");
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
  } catch (_) {
    return null;
  }
}

function link(href, text, cls) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  if (cls) a.className = cls;
  return a;
}

function span(text, cls) {
  const s = document.createElement("span");
  s.textContent = text;
  if (cls) s.className = cls;
  return s;
}

const SITE_BADGES = { huggingface: "HF", arxiv: "arXiv", web: "web", import: "imported", text: "listing" };

/** Where the paper was seen (or came from); where it can be read is what the links say. */
function badgesOf(paper) {
  const sites = new Set((paper.sources || []).map((s) => s && s.site).filter(Boolean));
  const order = ["huggingface", "arxiv", "web", "text", "import"];
  return [...sites].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

function authorsText(paper) {
  const names = paper.authors || [];
  const n = Math.max(names.length, paper.author_count || 0);
  if (!names.length) return n ? `${n} author${n === 1 ? "" : "s"}` : "";
  const head = names.slice(0, MAX_AUTHORS_SHOWN).join(", ");
  return n > MAX_AUTHORS_SHOWN ? `${head} +${n - MAX_AUTHORS_SHOWN} more` : head;
}

function paperItem(paper) {
  const li = ROW.cloneNode(true);
  li.dataset.key = paper.key;
  if (paper.read) li.classList.add("is-read");
  if (!paper.saved) li.classList.add("is-unsaved");
  const [box, titleLink, authors, date, badges, links, counts, abstract, tagList, note, readBtn, savedBtn] =
    ROW_PARTS.map((sel) => li.querySelector(sel));

  box.checked = selected.has(paper.key);
  box.setAttribute("aria-label", `select ${shownTitle(paper)}`);

  const urls = paper.urls || {};
  titleLink.textContent = shownTitle(paper);
  titleLink.title = shownTitle(paper);
  const target = safeUrl(urls.abs) || safeUrl(urls.hf) || safeUrl(urls.pdf) || safeUrl(urls.project);
  if (target) titleLink.href = target;
  else titleLink.removeAttribute("href");

  authors.textContent = authorsText(paper);
  const dates = [];
  if (paper.published) dates.push(paper.published);
  if (paper.saved && paper.saved_at) dates.push(`saved ${paper.saved_at.slice(0, 10)}`);
  date.textContent = dates.join(" · ");

  for (const site of badgesOf(paper)) badges.appendChild(span(SITE_BADGES[site] || site, `badge badge-${site}`));
  for (const [kind, label] of LINK_KINDS) {
    const href = safeUrl(urls[kind]);
    if (href) links.appendChild(link(href, label, `link-${kind}`));
  }
  const countText = [];
  if (paper.upvotes != null) countText.push(`▲ ${paper.upvotes}`);
  if (paper.seen_count) countText.push(`seen ${paper.seen_count}×`);
  counts.textContent = countText.join("  ");

  // The abstract's text goes into the DOM only when it is opened (fillAbstract): fifty closed
  // abstracts are fifty long text nodes nobody reads.
  if (!paper.abstract) abstract.remove();

  renderTags(tagList, paper);
  if (paper.note) {
    note.value = paper.note;
    note.classList.add("has-note");
  }

  readBtn.textContent = paper.read ? "Mark unread" : "Mark read";
  readBtn.setAttribute("aria-pressed", String(!!paper.read));
  savedBtn.textContent = paper.saved ? "Unsave" : "Save";
  li._paper = paper;
  return li;
}

// The row's elements paperItem fills, in the order it destructures them.
const ROW_PARTS = [".select", ".title-link", ".authors", ".date", ".badges", ".links", ".counts", ".abstract",
  ".tag-list", ".note-text", ".toggle-read", ".toggle-saved"];
const LINK_KINDS = [["pdf", "PDF"], ["hf", "HF page"], ["code", "code"], ["project", "project page"]];
const ROW = $("#paper-template").content.firstElementChild;

function fillAbstract(li) {
  const text = $(".abstract-text", li);
  if (!text || text.firstChild) return;
  const paper = currentPaper(li);
  if (paper && paper.abstract) text.textContent = paper.abstract + (paper.abstract_truncated ? " …" : "");
}

// --- what the rows do: one listener per kind of event on the list, not ten per row ---------

function rowOf(node) {
  const li = node instanceof Element ? node.closest("#papers > li.paper") : null;
  return li && li._paper ? li : null;
}

function saveNote(li) {
  clearTimeout(li._noteTimer);
  const note = $(".note-text", li);
  const value = note.value;
  if (value === (currentPaper(li).note || "")) return;
  $(".note-state", li).textContent = "saving…";
  patchPaper(li, { note: value }, { keepFocus: true }).then((ok) => {
    $(".note-state", li).textContent = ok ? "saved" : "not saved";
  });
}

function wireList(list) {
  list.addEventListener("click", (e) => {
    const li = rowOf(e.target);
    if (!li) return;
    const el = e.target.closest("button, summary");
    if (!el) return;
    if (el.tagName === "SUMMARY") return fillAbstract(li); // before the details opens
    if (el.classList.contains("tag-name")) return setFilter({ tag: el.dataset.tag });
    if (el.classList.contains("tag-remove")) {
      const tag = el.dataset.tag;
      return patchPaper(li, { tags: (currentPaper(li).tags || []).filter((t) => t !== tag) });
    }
    if (el.classList.contains("toggle-read")) return patchPaper(li, { read: !currentPaper(li).read });
    if (el.classList.contains("toggle-saved")) return toggleSaved(li);
    if (el.classList.contains("delete")) return deletePaper(li);
  });
  // Opened some other way than by a click (keyboard, find-in-page, script).
  list.addEventListener("toggle", (e) => {
    const li = rowOf(e.target);
    if (li && e.target.open) fillAbstract(li);
  }, true);
  list.addEventListener("change", (e) => {
    const li = rowOf(e.target);
    if (!li || !e.target.classList.contains("select")) return;
    if (e.target.checked) selected.add(li.dataset.key);
    else selected.delete(li.dataset.key);
    updateSelection();
  });
  list.addEventListener("submit", (e) => {
    const li = rowOf(e.target);
    if (!li || !e.target.classList.contains("tag-add")) return;
    e.preventDefault();
    const tags = splitTags($(".tag-input", li).value);
    if (!tags.length) return;
    const now = currentPaper(li);
    patchPaper(li, { tags: [...new Set([...(now.tags || []), ...tags])] }).then((fresh) => {
      // The row was rebuilt: keep typing tags in the new one.
      if (fresh) $(".tag-input", fresh).focus();
    });
  });
  list.addEventListener("input", (e) => {
    const li = rowOf(e.target);
    if (!li || !e.target.classList.contains("note-text")) return;
    autosize(e.target);
    $(".note-state", li).textContent = "";
    clearTimeout(li._noteTimer);
    li._noteTimer = setTimeout(() => saveNote(li), NOTE_DEBOUNCE_MS);
  });
  // Leaving the note saves it (blur does not bubble; focusout does).
  list.addEventListener("focusout", (e) => {
    const li = rowOf(e.target);
    if (li && e.target.classList.contains("note-text")) saveNote(li);
  });
}

// Where the browser sizes a textarea to its text (CSS field-sizing, see library.css), notes need
// no script and, above all, no layout read: rows below the fold are never laid out at all.
const CSS_SIZES_NOTES = typeof CSS !== "undefined" && CSS.supports && CSS.supports("field-sizing", "content");

function autosize(textarea) {
  if (CSS_SIZES_NOTES) return;
  textarea.style.height = "auto";
  textarea.style.height = `${Math.min(textarea.scrollHeight + 2, 240)}px`;
}

/** Grow the notes that have text to fit it, in one layout pass for the whole list: sizing
 *  them one by one would force a layout per row, hundreds of milliseconds on a full page. */
function fitNotes(textareas) {
  if (CSS_SIZES_NOTES) return;
  const all = [...textareas];
  for (const t of all) t.style.height = "auto";
  const heights = all.map((t) => t.scrollHeight);
  all.forEach((t, i) => {
    t.style.height = `${Math.min(heights[i] + 2, 240)}px`;
  });
}

function currentPaper(li) {
  return li._paper;
}

function renderTags(list, paper) {
  for (const tag of paper.tags || []) {
    const chip = document.createElement("span");
    chip.className = "tag";
    const name = document.createElement("button");
    name.type = "button";
    name.className = "tag-name";
    name.textContent = tag;
    name.title = `show papers tagged ${tag}`;
    name.dataset.tag = tag;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "tag-remove";
    remove.textContent = "×";
    remove.setAttribute("aria-label", `remove tag ${tag}`);
    remove.dataset.tag = tag;
    chip.append(name, remove);
    list.appendChild(chip);
  }
}

function splitTags(text) {
  return text.split(",").map((t) => t.trim().replace(/\s+/g, " ")).filter(Boolean);
}

/** Replace one row with the paper the server answered, keeping focus where the user was. */
function replaceItem(li, paper, { keepFocus = false } = {}) {
  if (keepFocus) {
    // Typing in the note: only refresh the data, never rebuild under the cursor.
    li._paper = paper;
    return li;
  }
  const fresh = paperItem(paper);
  li.replaceWith(fresh);
  fitNotes(fresh.querySelectorAll(".note-text.has-note"));
  const i = shown.findIndex((p) => p.key === paper.key);
  if (i >= 0) shown[i] = paper;
  return fresh;
}

async function patchPaper(li, changes, opts = {}) {
  const key = li.dataset.key;
  try {
    const paper = await api("PATCH", paperPath(key), { json: changes });
    const fresh = replaceItem(li, paper, opts);
    if ("tags" in changes || "read" in changes) refreshStats();
    return fresh;
  } catch (err) {
    showError(err);
    return null;
  }
}

async function toggleSaved(li) {
  const paper = currentPaper(li);
  const path = paper.saved ? "/api/unsave" : "/api/save";
  try {
    await api("POST", path, { json: { keys: [paper.key] } });
    const fresh = await api("GET", paperPath(paper.key));
    replaceItem(li, fresh);
    refreshStats();
  } catch (err) {
    showError(err);
  }
}

async function deletePaper(li) {
  const key = li.dataset.key;
  let deleted;
  try {
    deleted = await api("DELETE", paperPath(key));
  } catch (err) {
    showError(err);
    return;
  }
  selected.delete(key);
  const paper = deleted && deleted.key ? deleted : deleted && deleted.paper ? deleted.paper : currentPaper(li);
  li.remove();
  toast(`Deleted “${shownTitle(paper) || key}”.`, {
    action: "Undo",
    onAction: () => undoDelete(paper),
    timeout: UNDO_MS,
  });
  load();
  refreshStats();
}

async function undoDelete(paper) {
  try {
    await api("POST", "/api/import?format=json", {
      json: { format: "papershelf", schema: 1, papers: [paper] },
    });
    toast(`Restored “${shownTitle(paper)}”.`);
  } catch (err) {
    showError(err);
  }
  load();
  refreshStats();
}

// --- selection ---------------------------------------------------------------------------

function updateSelection() {
  const n = selected.size;
  $("#selection-count").textContent = `${num(n)} selected`;
  $("#selection-bar").classList.toggle("active", n > 0);
  for (const b of document.querySelectorAll(".sel-actions button")) b.disabled = n === 0;
  const onPage = shown.filter((p) => selected.has(p.key)).length;
  const pageBox = $("#select-page");
  pageBox.checked = shown.length > 0 && onPage === shown.length;
  pageBox.indeterminate = onPage > 0 && onPage < shown.length;
}

async function batch(changes, done) {
  const keys = [...selected];
  if (!keys.length) return;
  try {
    const res = await api("POST", "/api/papers/batch", { json: { keys, ...changes } });
    const n = res && res.updated ? res.updated.length : keys.length;
    toast(`${done} ${plural(n, "paper")}.`);
  } catch (err) {
    showError(err);
  }
  load();
  refreshStats();
}

function selectionTags() {
  const tags = splitTags($("#sel-tag").value);
  if (!tags.length) {
    toast("Type a tag first.", { error: true });
    $("#sel-tag").focus();
  }
  return tags;
}

// --- export and import -------------------------------------------------------------------

async function download(params, fallbackName) {
  try {
    // A selection can hold thousands of keys (and DOIs may hold commas): those go in a POST body.
    const resp = params.keys
      ? await api("POST", "/api/export", { json: params, raw: true })
      : await api("GET", `/api/export${query(params)}`, { raw: true });
    const blob = await resp.blob();
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = downloadName(resp, fallbackName);
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  } catch (err) {
    showError(err);
  }
}

const EXTENSIONS = { bibtex: "bib", ris: "ris", csljson: "json", csv: "csv", markdown: "md", json: "json" };

function exportScope(e) {
  e.preventDefault();
  const format = $("#export-format").value;
  const scope = $("#export-scope").value;
  const params = { format };
  if (scope === "saved") params.saved = "1";
  else if (scope === "all") params.saved = "all";
  else {
    if (!state.tag) {
      toast("Choose a tag in the filters first.", { error: true });
      return;
    }
    params.saved = "all";
    params.tag = state.tag;
  }
  download(params, `papershelf.${EXTENSIONS[format] || "txt"}`);
}

function exportSelection() {
  const format = $("#export-format").value;
  download({ format, saved: "all", keys: [...selected] }, `papershelf-selection.${EXTENSIONS[format] || "txt"}`);
}

async function importFile() {
  const input = $("#import-file");
  const file = input.files && input.files[0];
  if (!file) return;
  const params = { format: $("#import-format").value, save: $("#import-save").checked ? "1" : "0" };
  const looksJson = /\.json$/i.test(file.name) || file.type === "application/json";
  try {
    const res = await api("POST", `/api/import${query(params)}`, {
      body: file,
      contentType: looksJson ? "application/json" : file.type || "text/plain",
    });
    const skipped = (res.skipped || []).length;
    let msg = `Imported ${file.name}: ${res.added} added, ${res.merged} merged`;
    if (skipped) {
      const reasons = (res.skipped || []).slice(0, 3).map((s) => s.reason).filter(Boolean);
      msg += `, ${skipped} skipped${reasons.length ? ` (${reasons.join("; ")})` : ""}`;
    }
    toast(`${msg}.`, { timeout: 12000 });
  } catch (err) {
    showError(err, `Could not import ${file.name}`);
  } finally {
    input.value = "";
  }
  load();
  refreshStats();
}

// --- stats -------------------------------------------------------------------------------

let statsTimer = null;
let statsSeq = 0;
let statsStarted = false;

function refreshStats() {
  clearTimeout(statsTimer);
  statsTimer = setTimeout(loadStats, 150);
}

/** The first stats request of the page (later ones go through refreshStats). */
function startStats() {
  if (statsStarted) return;
  statsStarted = true;
  loadStats();
}

/** Run fn once the browser has drawn what it has and is idle: the picture never holds up the list. */
function whenIdle(fn) {
  if (typeof requestIdleCallback === "function") requestIdleCallback(fn, { timeout: 300 });
  else setTimeout(fn, 0);
}

// The picture's module is not needed for the list: it is fetched with the first stats, not
// before the page can start (a static import would hold this module back until it arrived).
let chartsModule = null;
function charts() {
  if (!chartsModule) {
    chartsModule = import("./charts.js").catch((err) => {
      chartsModule = null; // try again next time
      throw err;
    });
  }
  return chartsModule;
}

async function loadStats() {
  const seq = ++statsSeq;
  try {
    const [stats, { drawWeeks, drawTags }] = await Promise.all([api("GET", "/api/stats"), charts()]);
    await new Promise(whenIdle);
    if (seq !== statsSeq) return; // a newer answer is on its way
    drawWeeks($("#chart-weeks"), stats.saved_per_week);
    drawTags($("#chart-tags"), stats.tags, (tag) => setFilter({ tag }));
    fillTagFilter(stats.tags || []);
    $("#health").textContent =
      `${plural(stats.papers, "paper")} · ${num(Number(stats.saved) || 0)} saved · ${num(Number(stats.read) || 0)} read`;
    $("#health").classList.remove("offline");
  } catch (err) {
    if (err instanceof ApiError && err.status === 0) setOffline();
  }
}

function fillTagFilter(tags) {
  const select = $("#f-tag");
  const keep = select.options[0];
  const opts = [keep];
  const names = tags.map((t) => t.tag).filter(Boolean).sort((a, b) => a.localeCompare(b));
  if (state.tag && !names.includes(state.tag)) names.unshift(state.tag);
  for (const name of names) {
    const o = document.createElement("option");
    o.value = name;
    o.textContent = name;
    opts.push(o);
  }
  select.replaceChildren(...opts);
  select.value = state.tag;
}

function setOffline() {
  $("#health").textContent = "backend not answering";
  $("#health").classList.add("offline");
}

// Numbers in the user's locale ("20,000"). The first use loads the locale's data, 40-60 ms in a
// fresh Chromium: the page makes it while its first request is in flight (see the end of this
// file), not while drawing the answer.
let numberFormat = null;
function num(n) {
  if (!numberFormat) numberFormat = new Intl.NumberFormat();
  return numberFormat.format(n);
}

function plural(n, word) {
  const count = Number(n) || 0;
  return `${num(count)} ${word}${count === 1 ? "" : "s"}`;
}

// --- toasts ------------------------------------------------------------------------------

function toast(message, { action, onAction, timeout = 5000, error = false } = {}) {
  const box = document.createElement("div");
  box.className = error ? "toast error" : "toast";
  box.setAttribute("role", error ? "alert" : "status");
  box.appendChild(span(message, "toast-text"));
  let timer = null;
  const close = () => {
    clearTimeout(timer);
    box.remove();
  };
  if (action) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "toast-action";
    b.textContent = action;
    b.addEventListener("click", () => {
      close();
      onAction();
    });
    box.appendChild(b);
  }
  const x = document.createElement("button");
  x.type = "button";
  x.className = "toast-close";
  x.textContent = "×";
  x.setAttribute("aria-label", "dismiss");
  x.addEventListener("click", close);
  box.appendChild(x);
  $("#toasts").appendChild(box);
  timer = setTimeout(close, timeout);
  return box;
}

function showError(err, prefix) {
  if (err instanceof ApiError && err.status === 0) setOffline();
  const text = err && err.message ? err.message : String(err);
  toast(prefix ? `${prefix}: ${text}` : text, { error: true, timeout: 8000 });
}

// --- wiring ------------------------------------------------------------------------------

function setFilter(changes) {
  Object.assign(state, changes, { offset: 0 });
  syncControls();
  load();
}

function debounce(fn, ms) {
  let t = null;
  const wrapped = (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
  wrapped.now = (...args) => {
    clearTimeout(t);
    fn(...args);
  };
  return wrapped;
}

function wire() {
  wireList($("#papers"));
  const search = debounce(() => setFilter({ q: $("#q").value }), SEARCH_DEBOUNCE_MS);
  $("#q").addEventListener("input", search);
  $("#filters").addEventListener("submit", (e) => {
    e.preventDefault();
    search.now();
  });
  $("#filters").addEventListener("reset", (e) => {
    e.preventDefault();
    setFilter({ q: "", tag: "", source: "", read: "", from: "", to: "" });
  });
  const fields = { "#f-tag": "tag", "#f-source": "source", "#f-read": "read", "#f-from": "from", "#f-to": "to", "#f-sort": "sort" };
  for (const [sel, name] of Object.entries(fields)) {
    $(sel).addEventListener("change", () => {
      const changes = { [name]: $(sel).value };
      // Titles read naturally A→Z; dates and counts newest/most first.
      if (name === "sort") changes.order = $(sel).value === "title" ? "asc" : "desc";
      setFilter(changes);
    });
  }
  $("#f-order").addEventListener("click", () => setFilter({ order: state.order === "asc" ? "desc" : "asc" }));
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    tab.addEventListener("click", () => {
      const saved = tab.dataset.saved;
      if (saved === state.saved) return;
      const sort = state.sort === TAB_SORT[state.saved] ? TAB_SORT[saved] : state.sort;
      setFilter({ saved, sort });
    });
  }
  $("#page-prev").addEventListener("click", () => {
    state.offset = Math.max(0, state.offset - state.limit);
    load().then(() => window.scrollTo(0, 0));
  });
  $("#page-next").addEventListener("click", () => {
    state.offset += state.limit;
    load().then(() => window.scrollTo(0, 0));
  });
  $("#page-size").addEventListener("change", () => setFilter({ limit: parseInt($("#page-size").value, 10) }));

  $("#select-page").addEventListener("change", () => {
    const on = $("#select-page").checked;
    for (const p of shown) on ? selected.add(p.key) : selected.delete(p.key);
    for (const box of document.querySelectorAll("#papers .select")) box.checked = on;
    updateSelection();
  });
  $("#sel-clear").addEventListener("click", () => {
    selected.clear();
    for (const box of document.querySelectorAll("#papers .select")) box.checked = false;
    updateSelection();
  });
  $("#sel-add-tag").addEventListener("click", () => {
    const tags = selectionTags();
    if (tags.length) batch({ add_tags: tags }, `Tagged “${tags.join(", ")}” on`);
  });
  $("#sel-remove-tag").addEventListener("click", () => {
    const tags = selectionTags();
    if (tags.length) batch({ remove_tags: tags }, `Removed “${tags.join(", ")}” from`);
  });
  $("#sel-read").addEventListener("click", () => batch({ read: true }, "Marked read:"));
  $("#sel-unread").addEventListener("click", () => batch({ read: false }, "Marked unread:"));
  $("#sel-unsave").addEventListener("click", () => batch({ saved: false }, "Unsaved"));
  $("#sel-save").addEventListener("click", () => batch({ saved: true }, "Saved"));
  $("#sel-export").addEventListener("click", exportSelection);

  $("#export-form").addEventListener("submit", exportScope);
  $("#import-file").addEventListener("change", importFile);

  document.addEventListener("keydown", (e) => {
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement && document.activeElement.tagName);
    if (e.key === "/" && !typing) {
      e.preventDefault();
      $("#q").focus();
    }
  });
}

readLocation();
// The list's request goes out first; the controls are set up while it travels (its answer is
// handled in a later task, after wire()). The picture and the counts are secondary, and at
// 20,000 papers computing them competes with the list for the server's time, so load() asks for
// them once the list's answer is in (startStats), while the list is being drawn; they are still
// asked for if the list fails.
const firstLoad = load();
syncControls();
wire();
setTimeout(() => num(0), 0); // while the request travels, not when its answer is drawn
firstLoad.finally(startStats);
