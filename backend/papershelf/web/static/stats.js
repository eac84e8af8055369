// The overview above the list: saved per week, top tags (drawn by charts.js), the counts in the
// header, the tag filter's choices (all from one GET /api/stats) and the reading queue's length
// on its tab.
//
// It is secondary to the list: the first request goes out once the list's answer is in (list.js
// calls startStats), later ones after a change that moves the counts (refreshStats, debounced).

import { api, ApiError } from "./api.js";
import { $ } from "./dom.js";
import { state } from "./state.js";
import { setOffline } from "./toasts.js";
import { num, plural } from "./words.js";

let statsTimer = null;
let statsSeq = 0;
let statsStarted = false;
let chooseTag = () => {};

/** What a click on a tag's bar in the chart does (library.js: filter the list by that tag). */
export function onTagChosen(fn) {
  chooseTag = fn;
}

/** Ask again soon: tags, read state or the number of papers changed. */
export function refreshStats() {
  clearTimeout(statsTimer);
  statsTimer = setTimeout(loadStats, 150);
}

/** The first stats request of the page (later ones go through refreshStats). */
export function startStats() {
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
// before the page can start (a static import would hold the page back until it arrived).
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
    const [stats, { drawWeeks, drawTags }, queue] = await Promise.all([
      api("GET", "/api/stats"), charts(), api("GET", "/api/papers?to_read=1&limit=0"),
    ]);
    await new Promise(whenIdle);
    if (seq !== statsSeq) return; // a newer answer is on its way
    drawWeeks($("#chart-weeks"), stats.saved_per_week);
    drawTags($("#chart-tags"), stats.tags, (tag) => chooseTag(tag));
    fillTagFilter(stats.tags || []);
    $("#queue-count").textContent = queue.total ? num(queue.total) : "";
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
