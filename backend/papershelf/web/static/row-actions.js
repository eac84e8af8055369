// What the rows do: select, open the abstract, add and remove tags, write a note, mark read
// (in the reading queue: out of it, with undo), save or unsave, delete (with undo). One listener per kind of event on the list, not ten per
// row; each change goes to the server and the row is redrawn from its answer.

import { api, paperPath } from "./api.js";
import { $ } from "./dom.js";
import { load, setFilter, updateSelection } from "./list.js";
import { currentPaper, fillAbstract, fitNotes, autosize, paperItem, shownTitle } from "./rows.js";
import { selected, shown, state } from "./state.js";
import { refreshStats } from "./stats.js";
import { showError, toast } from "./toasts.js";
import { plural, splitTags } from "./words.js";

const NOTE_DEBOUNCE_MS = 900;
export const UNDO_MS = 10000;

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

export function wireList(list) {
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
    if (el.classList.contains("toggle-read")) return toggleRead(li);
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

/** Read or unread. In the reading queue, a paper marked read leaves it (the next one moves up),
 * with Undo to put it back. */
async function toggleRead(li) {
  const read = !currentPaper(li).read;
  const fresh = await patchPaper(li, { read });
  if (!fresh || !read || !state.to_read) return;
  const paper = currentPaper(fresh);
  fresh.remove();
  toast(`Read “${shownTitle(paper)}”: out of the reading queue.`, {
    action: "Undo",
    onAction: async () => {
      try {
        await api("PATCH", paperPath(paper.key), { json: { read: false } });
      } catch (err) {
        showError(err);
      }
      load();
      refreshStats();
    },
    timeout: UNDO_MS,
  });
  load();
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
    onAction: () => undoDelete([paper]),
    timeout: UNDO_MS,
  });
  load();
  refreshStats();
}

/** Put deleted papers back as they were (tags, note, dates, sightings): the server answered
 * them whole, and a PaperShelf backup of them restores every field. */
export async function undoDelete(papers) {
  try {
    await api("POST", "/api/import?format=json", {
      json: { format: "papershelf", schema: 1, papers },
    });
    toast(papers.length === 1 ? `Restored “${shownTitle(papers[0])}”.` : `Restored ${plural(papers.length, "paper")}.`);
  } catch (err) {
    showError(err);
  }
  load();
  refreshStats();
}
