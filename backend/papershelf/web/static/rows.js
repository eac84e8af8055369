// One paper's row in the list, built from the page's <template id="paper-template">.
//
// Every value in a paper came from a web page or a file: it goes into the DOM with textContent
// or as an attribute of an element made here, and a link is only kept when it is http(s). The
// paper itself rides on the row (li._paper), so the row actions (row-actions.js) need no
// look-up.

import { $, link, span } from "./dom.js";
import { selected } from "./state.js";

const MAX_AUTHORS_SHOWN = 8;

/** The title as a person reads it: the server's title_text shows TeX as Unicode
 * (NH\textsuperscript{3} -> NH³); the raw title stays in the record for search and BibTeX. */
export function shownTitle(paper) {
  return paper.title_text || paper.title || paper.key;
}

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

// The sites PaperShelf reads come from the page (data-sites: papershelf/sites/*/site.json).
const SITES = (() => {
  try {
    return JSON.parse(document.body.dataset.sites || "[]");
  } catch (_) {
    return [];
  }
})();
const SITE_BADGES = { web: "web", import: "imported", text: "listing",
  ...Object.fromEntries(SITES.map((s) => [s.name, s.badge])) };

/** Where the paper was seen (or came from); where it can be read is what the links say. */
function badgesOf(paper) {
  const sites = new Set((paper.sources || []).map((s) => s && s.site).filter(Boolean));
  const order = [...SITES.map((s) => s.name), "web", "text", "import"];
  return [...sites].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

function authorsText(paper) {
  const names = paper.authors || [];
  const n = Math.max(names.length, paper.author_count || 0);
  if (!names.length) return n ? `${n} author${n === 1 ? "" : "s"}` : "";
  const head = names.slice(0, MAX_AUTHORS_SHOWN).join(", ");
  return n > MAX_AUTHORS_SHOWN ? `${head} +${n - MAX_AUTHORS_SHOWN} more` : head;
}

/** A new row (an <li>) showing `paper`. */
export function paperItem(paper) {
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

/** The paper a row shows (the server's latest answer for it). */
export function currentPaper(li) {
  return li._paper;
}

export function fillAbstract(li) {
  const text = $(".abstract-text", li);
  if (!text || text.firstChild) return;
  const paper = currentPaper(li);
  if (paper && paper.abstract) text.textContent = paper.abstract + (paper.abstract_truncated ? " …" : "");
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

// Where the browser sizes a textarea to its text (CSS field-sizing, see library.css), notes need
// no script and, above all, no layout read: rows below the fold are never laid out at all.
const CSS_SIZES_NOTES = typeof CSS !== "undefined" && CSS.supports && CSS.supports("field-sizing", "content");

export function autosize(textarea) {
  if (CSS_SIZES_NOTES) return;
  textarea.style.height = "auto";
  textarea.style.height = `${Math.min(textarea.scrollHeight + 2, 240)}px`;
}

/** Grow the notes that have text to fit it, in one layout pass for the whole list: sizing
 *  them one by one would force a layout per row, hundreds of milliseconds on a full page. */
export function fitNotes(textareas) {
  if (CSS_SIZES_NOTES) return;
  const all = [...textareas];
  for (const t of all) t.style.height = "auto";
  const heights = all.map((t) => t.scrollHeight);
  all.forEach((t, i) => {
    t.style.height = `${Math.min(heights[i] + 2, 240)}px`;
  });
}
