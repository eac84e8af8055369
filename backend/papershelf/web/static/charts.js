// The collection picture, drawn as inline SVG from GET /api/stats: no library, no network.
// Every label is set with textContent, so a tag scraped from a page is only ever text.

const SVG = "http://www.w3.org/2000/svg";

function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

// --- ISO weeks ("2026-W07"), so that weeks without saves still take their place on the axis.

function isoWeekLabel(date) {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day); // the Thursday decides the year
  const yearStart = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((d - yearStart) / 86400000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

function mondayOf(label) {
  const m = /^(\d{4})-W(\d{2})$/.exec(label || "");
  if (!m) return null;
  const year = Number(m[1]);
  const week = Number(m[2]);
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const monday = new Date(jan4);
  monday.setUTCDate(jan4.getUTCDate() - ((jan4.getUTCDay() || 7) - 1) + (week - 1) * 7);
  return monday;
}

/**
 * Every week from the first save (at most `maxWeeks` back) up to this week, gaps as zeros, and
 * never fewer than `minWeeks` columns: a lone week drawn as one wall-to-wall bar says nothing.
 */
export function continuousWeeks(perWeek, { maxWeeks = 26, minWeeks = 12, today = new Date() } = {}) {
  const counts = new Map();
  for (const item of perWeek || []) {
    if (item && mondayOf(item.week)) counts.set(item.week, Number(item.count) || 0);
  }
  if (!counts.size) return [];
  const labels = [...counts.keys()].sort();
  const lastSaved = mondayOf(labels[labels.length - 1]);
  const thisWeek = mondayOf(isoWeekLabel(today));
  // Run up to this week so a quiet spell shows as quiet, unless the last save is so old that
  // the window would hold nothing but zeros: then end at the last save.
  const recentUntil = new Date(lastSaved);
  recentUntil.setUTCDate(recentUntil.getUTCDate() + 7 * (maxWeeks - minWeeks));
  const last = thisWeek > lastSaved && thisWeek <= recentUntil ? thisWeek : lastSaved;
  let first = mondayOf(labels[0]);
  const earliest = new Date(last);
  earliest.setUTCDate(earliest.getUTCDate() - 7 * (maxWeeks - 1));
  const latestStart = new Date(last);
  latestStart.setUTCDate(latestStart.getUTCDate() - 7 * (minWeeks - 1));
  if (first < earliest) first = earliest;
  if (first > latestStart) first = latestStart;
  const out = [];
  for (let d = new Date(first); d <= last; d.setUTCDate(d.getUTCDate() + 7)) {
    const label = isoWeekLabel(d);
    out.push({ week: label, count: counts.get(label) || 0, monday: new Date(d) });
  }
  return out;
}

function empty(container, message) {
  const p = document.createElement("p");
  p.className = "chart-empty";
  p.textContent = message;
  container.replaceChildren(p);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2 Mar" (with the year on the first label): readable where "2026-W10" is not. */
function shortDate(d, withYear) {
  const text = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
  return withYear ? `${text} ${d.getUTCFullYear()}` : text;
}

/** Column chart of papers saved per week. */
export function drawWeeks(container, perWeek) {
  const weeks = continuousWeeks(perWeek);
  if (!weeks.length) return empty(container, "Nothing saved yet.");
  const W = 360, H = 120, padL = 28, padB = 18, padT = 8;
  const max = Math.max(1, ...weeks.map((w) => w.count));
  const step = (W - padL) / weeks.length;
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", class: "weeks", width: "100%" });
  svg.appendChild(el("title", {}, "Papers saved per week"));
  const plotH = H - padB - padT;
  // y axis: 0 and max
  svg.appendChild(el("text", { x: padL - 4, y: H - padB, class: "axis", "text-anchor": "end" }, "0"));
  svg.appendChild(el("text", { x: padL - 4, y: padT + 8, class: "axis", "text-anchor": "end" }, String(max)));
  svg.appendChild(el("line", { x1: padL, x2: W, y1: H - padB + 0.5, y2: H - padB + 0.5, class: "baseline" }));
  weeks.forEach((w, i) => {
    const h = (w.count / max) * plotH;
    const bar = el("rect", {
      x: (padL + i * step + step * 0.15).toFixed(1),
      y: (H - padB - h).toFixed(1),
      width: Math.max(1, step * 0.7).toFixed(1),
      height: h.toFixed(1),
      class: "bar",
      "data-week": w.week,
      "data-count": w.count,
    });
    bar.appendChild(el("title", {}, `${w.week} (from ${w.monday.toISOString().slice(0, 10)}): ${w.count} saved`));
    svg.appendChild(bar);
  });
  // x labels: first and last week, plus the middle one when there is room
  const marks = new Set([0, weeks.length - 1, Math.floor((weeks.length - 1) / 2)]);
  for (const i of marks) {
    const x = padL + i * step + step / 2;
    const anchor = i === 0 ? "start" : i === weeks.length - 1 ? "end" : "middle";
    svg.appendChild(el("text", { x: x.toFixed(1), y: H - 4, class: "axis", "text-anchor": anchor }, shortDate(weeks[i].monday, i === 0)));
  }
  container.replaceChildren(svg);
}

/** Horizontal bars of the most used tags; clicking one calls onPick(tag). */
export function drawTags(container, tags, onPick, limit = 8) {
  const top = (tags || []).filter((t) => t && t.tag).slice(0, limit);
  if (!top.length) return empty(container, "No tags yet.");
  const rowH = 14, W = 360, labelW = 120;
  const H = top.length * rowH + 4;
  const max = Math.max(1, ...top.map((t) => Number(t.count) || 0));
  // A group, not an image: its rows are buttons (an image must have no focusable parts).
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, role: "group", "aria-label": "Most used tags", class: "tags-chart", width: "100%" });
  svg.appendChild(el("title", {}, "Most used tags"));
  top.forEach((t, i) => {
    const y = 2 + i * rowH;
    const g = el("g", { class: "tag-row", tabindex: 0, role: "button", "data-tag": t.tag });
    const label = t.tag.length > 18 ? `${t.tag.slice(0, 17)}…` : t.tag;
    g.appendChild(el("title", {}, `${t.tag}: ${t.count} — click to filter`));
    g.appendChild(el("text", { x: labelW - 6, y: y + rowH - 4, class: "label", "text-anchor": "end" }, label));
    const w = ((Number(t.count) || 0) / max) * (W - labelW - 40);
    g.appendChild(el("rect", { x: labelW, y: y + 2, width: Math.max(1, w).toFixed(1), height: rowH - 4, class: "bar" }));
    g.appendChild(el("text", { x: (labelW + w + 4).toFixed(1), y: y + rowH - 4, class: "axis" }, String(t.count)));
    const pick = () => onPick && onPick(t.tag);
    g.addEventListener("click", pick);
    g.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        pick();
      }
    });
    svg.appendChild(g);
  });
  container.replaceChildren(svg);
}
