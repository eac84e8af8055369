// The list's density: "comfortable" rows (abstract, tags, note, actions) or compact ones, a line
// each, for skimming a long list (at least 12 papers on a 1440×900 screen). Remembered in this
// browser; applied before the first frame, so the list never jumps from one density to the other.

import { $ } from "./dom.js";

const KEY = "papershelf.density";

function stored() {
  try {
    return localStorage.getItem(KEY) === "compact";
  } catch (_) {
    return false; // storage refused (a private window's policy): comfortable
  }
}

export function applyDensity() {
  const compact = stored();
  document.body.classList.toggle("compact", compact);
  $("#compact").checked = compact;
}

export function wireDensity() {
  $("#compact").addEventListener("change", () => {
    const compact = $("#compact").checked;
    document.body.classList.toggle("compact", compact);
    try {
      localStorage.setItem(KEY, compact ? "compact" : "comfortable");
    } catch (_) { /* shown, just not remembered */ }
  });
}
