// Export (the saved papers, everything seen, a tag, or the selection) and import (a file, its
// format named or detected). Exports arrive as downloads made from the server's answer. The
// format menus are drawn by the server from its format registry (templates/library.html).

import { api, downloadName, query } from "./api.js";
import { $ } from "./dom.js";
import { load } from "./list.js";
import { selected, state } from "./state.js";
import { refreshStats } from "./stats.js";
import { showError, toast } from "./toasts.js";

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

/** The chosen export format, and the file extension its option carries (from the registry). */
function chosenFormat() {
  const select = $("#export-format");
  const option = select.selectedOptions[0];
  return { format: select.value, extension: (option && option.dataset.extension) || "txt" };
}

function exportScope(e) {
  e.preventDefault();
  const { format, extension } = chosenFormat();
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
  download(params, `papershelf.${extension}`);
}

function exportSelection() {
  const { format, extension } = chosenFormat();
  download({ format, saved: "all", keys: [...selected] }, `papershelf-selection.${extension}`);
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

export function wireTransfer() {
  $("#sel-export").addEventListener("click", exportSelection);
  $("#export-form").addEventListener("submit", exportScope);
  $("#import-file").addEventListener("change", importFile);
}
