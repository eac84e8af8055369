// The search box, the filters, the sort, the tabs and the pager: each control changes the state
// and loads the list (typing in the search box waits for a pause first).

import { $ } from "./dom.js";
import { load, setFilter } from "./list.js";
import { state, TAB_SORT } from "./state.js";

const SEARCH_DEBOUNCE_MS = 150;

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

export function wireFilters() {
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
      const toRead = tab.dataset.queue || "";
      if (saved === state.saved && toRead === state.to_read) return;
      // The reading queue: oldest saved first, unread by definition (its Read filter is off).
      if (toRead) return setFilter({ saved, to_read: "1", read: "", sort: "saved", order: "asc" });
      if (state.to_read) return setFilter({ saved, to_read: "", sort: TAB_SORT[saved], order: "desc" });
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

  document.addEventListener("keydown", (e) => {
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement && document.activeElement.tagName);
    if (e.key === "/" && !typing) {
      e.preventDefault();
      $("#q").focus();
    }
  });
}
