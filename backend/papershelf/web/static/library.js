// The library page: list, search, filter and curate the papers in the local library.
//
// This module starts the page; the work is done by the modules it imports:
//   api.js          the only door to the backend (client header, JSON, ApiError)
//   state.js        what the page shows (filters, sort, page, selection), kept in the address bar
//   list.js         ask for one page of the list, draw it, summary, pager, selection bar
//   rows.js         one paper's row, built from the page's <template>
//   row-actions.js  what a row does: tags, note, read, save, delete with undo
//   filters.js      the search box, filters, sort, tabs and pager controls
//   selection.js    the selection bar's batch changes, and "select all N matching"
//   density.js      comfortable or compact rows, remembered in this browser
//   transfer.js     export and import
//   stats.js        the counts, the tag filter's choices and the charts (charts.js, loaded later)
//   clients.js      connected extensions: list and revoke
//   toasts.js, dom.js, words.js   messages to the user, DOM helpers, numbers and tag lists
//
// Rules every module keeps:
// - All data comes from /api/*; the server pages the list (limit/offset), so the page costs the
//   same at 50 papers or 20,000.
// - Every value that came from a web page is put into the DOM with textContent or as an
//   attribute of an element we created; links are only followed when they are http(s).
// - The filter state lives in the address bar, so a reload or a shared link shows the same view.
// - Imports form no cycle: list.js is imported by the modules that change the list, never the
//   other way; stats.js learns what a click on a tag does through onTagChosen.
// The server preloads every static module of the page (web/__init__.py), so they arrive in
// parallel with this one rather than one import round trip after another.

import { applyDensity, wireDensity } from "./density.js";
import { wireClients } from "./clients.js";
import { $ } from "./dom.js";
import { load, setFilter, syncControls } from "./list.js";
import { wireList } from "./row-actions.js";
import { wireFilters } from "./filters.js";
import { wireSelection } from "./selection.js";
import { readLocation } from "./state.js";
import { onTagChosen, startStats } from "./stats.js";
import { wireTransfer } from "./transfer.js";
import { num } from "./words.js";

// Navigation to this module running: the shell, the stylesheet and the modules (bench/library_page.py).
performance.mark("papershelf:boot");

function wire() {
  wireList($("#papers"));
  wireFilters();
  wireSelection();
  wireTransfer();
  wireDensity();
  wireClients();
}

onTagChosen((tag) => setFilter({ tag }));
readLocation();
applyDensity();
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
