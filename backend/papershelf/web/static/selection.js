// The selection bar: select a page, clear, and the batch changes (tags, read, saved) applied to
// every selected paper in one POST /api/papers/batch; delete them (with Undo). Export of the
// selection is in transfer.js.

import { api, query } from "./api.js";
import { $ } from "./dom.js";
import { listParams, load, setFilter, updateSelection } from "./list.js";
import { selected, shown, TO_READ_TAG } from "./state.js";
import { UNDO_MS, undoDelete } from "./row-actions.js";
import { refreshStats } from "./stats.js";
import { showError, toast } from "./toasts.js";
import { num, plural, splitTags } from "./words.js";

// The server takes at most 5,000 keys a request (api.py MAX_KEYS); "select all N matching" in a
// big library selects more, so batches and deletions go in slices of that size.
const SLICE = 5000;

function slices(keys) {
  const out = [];
  for (let i = 0; i < keys.length; i += SLICE) out.push(keys.slice(i, i + SLICE));
  return out;
}

async function batch(changes, done) {
  const keys = [...selected];
  if (!keys.length) return;
  let n = 0;
  try {
    for (const part of slices(keys)) {
      const res = await api("POST", "/api/papers/batch", { json: { keys: part, ...changes } });
      n += res && res.updated ? res.updated.length : part.length;
    }
    toast(`${done} ${plural(n, "paper")}.`);
  } catch (err) {
    showError(err, n ? `${done} ${plural(n, "paper")}, then stopped` : undefined);
  }
  load();
  refreshStats();
}

async function deleteSelected() {
  const keys = [...selected];
  if (!keys.length) return;
  let deleted;
  // Each slice is one change in the store (Library.delete_many); a big selection still takes a moment.
  const working = keys.length > 50 ? toast(`Deleting ${plural(keys.length, "paper")}…`, { timeout: 600000 }) : null;
  $("#sel-delete").disabled = true;
  try {
    deleted = [];
    for (const part of slices(keys)) {
      const answer = await api("POST", "/api/papers/delete", { json: { keys: part } });
      deleted.push(...answer.deleted);
      if (working) working.querySelector(".toast-text").textContent = `Deleting ${num(deleted.length)} of ${plural(keys.length, "paper")}…`;
    }
  } catch (err) {
    showError(err); // the slices already deleted are still offered for Undo below
  } finally {
    if (working) working.remove();
    $("#sel-delete").disabled = selected.size === 0;
  }
  if (!deleted.length) {
    load();
    return;
  }
  for (const p of deleted) selected.delete(p.key);
  toast(`Deleted ${plural(deleted.length, "paper")}.`, {
    action: "Undo",
    onAction: () => undoDelete(deleted),
    timeout: UNDO_MS,
  });
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

export function wireSelection() {
  $("#select-page").addEventListener("change", () => {
    const on = $("#select-page").checked;
    for (const p of shown) on ? selected.add(p.key) : selected.delete(p.key);
    for (const box of document.querySelectorAll("#papers .select")) box.checked = on;
    updateSelection();
  });
  // Every paper the filters match, on every page: the server names them (one request, keys only).
  $("#sel-all-matching").addEventListener("click", async () => {
    try {
      const { keys } = await api("GET", `/api/papers/keys${query({ ...listParams(), limit: "", offset: "" })}`);
      for (const key of keys) selected.add(key);
      updateSelection();
      toast(`Selected all ${plural(keys.length, "matching paper")}.`);
    } catch (err) {
      showError(err);
    }
  });
  $("#empty-other-tab").addEventListener("click", (e) => {
    if (e.currentTarget.dataset.target === "saved") setFilter({ saved: "1", to_read: "", sort: "saved", order: "desc" });
    else setFilter({ saved: "all", sort: "seen" });
  });
  // The reading queue under its own tag, for papers tagged "to-read" and the like (list.js).
  $("#empty-queue-tag").addEventListener("click", async () => {
    const tag = $("#empty-queue-tag").dataset.tag;
    try {
      const { keys } = await api("GET", `/api/papers/keys${query({ tag, saved: "1", read: "0" })}`);
      if (keys.length) await api("POST", "/api/papers/batch", { json: { keys, add_tags: [TO_READ_TAG] } });
      toast(`Queued ${plural(keys.length, "paper")} tagged “${tag}”.`);
    } catch (err) {
      showError(err);
    }
    load();
    refreshStats();
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
  $("#sel-delete").addEventListener("click", deleteSelected);
}
