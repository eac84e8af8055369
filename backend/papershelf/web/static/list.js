// The list of papers: ask the server for one page of it, draw it, and keep the controls, the
// summary, the pager and the selection bar in step with what is shown.
//
// The server pages the list (limit/offset), so the page costs the same at 50 papers or 20,000.
// Only the newest request's answer is drawn; an older one still in flight is aborted. The
// performance marks and measures are read by bench/library_page.py.

import { api, query } from "./api.js";
import { $, afterNextFrame } from "./dom.js";
import { fitNotes, paperItem } from "./rows.js";
import { selected, shown, state, TO_READ_TAG, view, writeLocation } from "./state.js";
import { startStats } from "./stats.js";
import { showError } from "./toasts.js";
import { num, plural } from "./words.js";

let loadSeq = 0;
let loadAbort = null;
let firstRenderMarked = false;

/** Set the form's controls from the state (after a change that did not come from them). */
export function syncControls() {
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
    const on = tab.dataset.queue ? state.to_read === "1" : tab.dataset.saved === state.saved && !state.to_read;
    tab.setAttribute("aria-selected", String(on));
  }
  $("#f-read").disabled = !!state.to_read; // the queue is the unread papers
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

/** Change filters (back to the first page), show them in the controls, and load the list. */
export function setFilter(changes) {
  Object.assign(state, changes, { offset: 0 });
  syncControls();
  load();
}

export function listParams() {
  return {
    q: state.q.trim(), tag: state.tag, source: state.source, read: state.read,
    from: state.from, to: state.to, sort: state.sort, order: state.order,
    saved: state.saved, to_read: state.to_read, limit: state.limit, offset: state.offset,
  };
}

/** Ask for the list the state describes and draw it (only the newest request's answer). */
export async function load() {
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
  shown.splice(0, shown.length, ...data.papers);
  const list = $("#papers");
  const frag = document.createDocumentFragment();
  for (const paper of shown) frag.appendChild(paperItem(paper));
  list.replaceChildren(frag);
  fitNotes(list.querySelectorAll(".note-text.has-note"));

  const total = data.total;
  const from = total ? state.offset + 1 : 0;
  const to = state.offset + shown.length;
  const what = state.to_read ? "papers to read"
    : state.saved === "1" ? "saved papers" : state.saved === "0" ? "unsaved papers" : "papers seen";
  const filtered = state.q || state.tag || state.source || state.read || state.from || state.to;
  const queueOrder = state.to_read && state.sort === "saved" ? (state.order === "asc" ? ", oldest saved first" : ", newest saved first") : "";
  // A search for a fragment as common as "e" in a big library is counted from a sample.
  const about = data.total_estimated ? "about " : "";
  $("#summary").textContent = total
    ? `${num(from)}–${num(to)} of ${about}${num(total)} ${what}${filtered ? " matching" : ""}${queueOrder}`
    : "";
  view.total = total;
  view.about = about;
  $("#empty").hidden = total > 0;
  $("#empty-text").textContent = filtered
    ? "No papers match. Try fewer words or clear the filters."
    : state.to_read
      ? "Nothing to read. Tag a saved paper “to read” to queue it here."
      : state.saved === "1"
        ? "Nothing saved yet. Browse Hugging Face Papers or arXiv with the extension and press Save."
        : "No papers seen yet.";
  $("#empty-other-tab").hidden = true;
  $("#empty-queue-tag").hidden = true;
  if (!total && filtered && state.saved !== "all") offerOtherTab(loadSeq);
  if (!total && !filtered && state.to_read) offerQueueSpelling(loadSeq);
  $("#page-info").textContent = total ? `page ${Math.floor(state.offset / state.limit) + 1} of ${about}${Math.ceil(total / state.limit)}` : "";
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

/** Nothing matches in this tab: say whether the wider tab has matches, and offer to go there
 * (a paper seen but not saved is found only in Everything seen; one read or not tagged "to read"
 * only in Saved). */
async function offerOtherTab(seq) {
  const fromQueue = !!state.to_read;
  let other;
  try {
    const wider = fromQueue ? { saved: "1", to_read: "" } : { saved: "all" };
    other = await api("GET", `/api/papers${query({ ...listParams(), ...wider, limit: 0, offset: 0 })}`);
  } catch (_) {
    return; // only a hint: the empty list already says what it has to
  }
  if (seq !== loadSeq || !other.total) return;
  const n = other.total;
  $("#empty-text").textContent = fromQueue
    ? `No papers to read match, but ${num(n)} saved ${n === 1 ? "paper does" : "papers do"}.`
    : `No saved papers match, but ${num(n)} ${n === 1 ? "paper" : "papers"} you have seen ${n === 1 ? "does" : "do"}.`;
  const go = $("#empty-other-tab");
  go.textContent = fromQueue ? "Show them in Saved" : "Show them in Everything seen";
  go.dataset.target = fromQueue ? "saved" : "all";
  go.hidden = false;
}

/** The queue is empty, but papers carry its tag spelled another way ("to-read", "To Read"): say
 * so, and offer to queue them (selection.js adds the tag to the saved, unread ones). */
async function offerQueueSpelling(seq) {
  let tags;
  try {
    ({ tags } = await api("GET", "/api/tags"));
  } catch (_) {
    return; // only a hint
  }
  const near = (tags || []).find((t) => t.tag !== TO_READ_TAG && t.tag.toLowerCase().replace(/[\s_.-]+/g, "") === "toread");
  if (seq !== loadSeq || !near) return;
  $("#empty-text").textContent = `Nothing to read: the queue holds saved papers tagged “${TO_READ_TAG}”; ` +
    `${plural(near.count, "paper")} ${near.count === 1 ? "is" : "are"} tagged “${near.tag}”.`;
  const go = $("#empty-queue-tag");
  go.textContent = `Queue the saved, unread ones tagged “${near.tag}”`;
  go.dataset.tag = near.tag;
  go.hidden = false;
}

/** The selection bar: how many are selected, its buttons, the page's select-all box, and the
 * offer to select every paper the filters match, across pages. */
export function updateSelection() {
  const n = selected.size;
  $("#selection-count").textContent = `${num(n)} selected`;
  $("#selection-bar").classList.toggle("active", n > 0);
  for (const b of document.querySelectorAll(".sel-actions button")) b.disabled = n === 0;
  const onPage = shown.filter((p) => selected.has(p.key)).length;
  const pageBox = $("#select-page");
  pageBox.checked = shown.length > 0 && onPage === shown.length;
  pageBox.indeterminate = onPage > 0 && onPage < shown.length;
  const all = $("#sel-all-matching");
  all.hidden = !(pageBox.checked && view.total > shown.length && n < view.total);
  if (!all.hidden) all.textContent = `Select all ${view.about || ""}${num(view.total)} matching`;
}
