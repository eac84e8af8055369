/* Made by tools/extension.py from backend/papershelf/sites/huggingface/find.js: edit that file, then run tools/extension.py sync. */
/* Finding paper cards on Hugging Face Papers pages (reading them is the backend's job).
 *
 * Class names on HF change often, so nothing here relies on them. A card is found from its
 * links: every link to /papers/<arXiv id> is grouped by id, and the card is the largest
 * ancestor holding links to that one id only (an <article> when there is one). The title is
 * the link the backend's reader takes as the title (titleLink below). A paper page (/papers/<id>) is one paper carried by the page
 * data; its badge goes into the <h1>. */
"use strict";

(() => {
  const PS = PaperShelf;
  const K = PaperShelfKeys;
  const PROPS_TARGETS = new Set(["DailyPapers", "PaperContent", "PapersSearch", "UserPapers", "TrendingPapers"]);

  function pagePaperId(loc) {
    return K.arxivIdFromUrl(loc.href);
  }

  function matches(loc) {
    return loc.hostname === "huggingface.co" && /^\/papers(\/|$)/.test(loc.pathname);
  }

  /** The HF page data blob(s) worth sending: the hydration props of the papers widget. */
  function pageData() {
    const page = {};
    let best = null;
    for (const el of document.querySelectorAll("[data-props]")) {
      const target = el.getAttribute("data-target") || "";
      const raw = el.getAttribute("data-props") || "";
      if (PROPS_TARGETS.has(target) || /"(dailyPapers|searchResults|paper)"\s*:/.test(raw.slice(0, 4000))) {
        if (!best || raw.length > best.length) best = raw;
      }
    }
    if (best) page.props = best;
    const meta = PaperShelf.metaPairs();
    if (meta.length) page.meta = meta;
    return page;
  }

  function visibleText(el) {
    return (el.textContent || "").replace(/\s+/g, " ").trim();
  }

  function findCards(root) {
    const self = pagePaperId(location);
    if (self) {
      // A paper page: the page itself is the paper; the title is the first <h1>.
      const h1 = root.querySelector("main h1, h1");
      return h1 ? [{ el: h1, id: self, titleEl: h1, insideTitle: true, single: true, html: () => "" }] : [];
    }
    const linksById = new Map();
    // Mark every ancestor with the ids it contains; "many" once it holds two different ids.
    const idsOf = new Map();
    for (const a of root.querySelectorAll('a[href*="/papers/"]')) {
      if (a.closest(".papershelf-badge-host")) continue;
      const id = K.arxivIdFromUrl(a.getAttribute("href"), location.href);
      if (!id) continue;
      if (!linksById.has(id)) linksById.set(id, []);
      linksById.get(id).push(a);
      for (let el = a; el && el !== document.documentElement; el = el.parentElement) {
        const seen = idsOf.get(el);
        // Once an element is marked (same id, or null = several papers), so are its ancestors.
        if (seen === id || seen === null) break;
        idsOf.set(el, seen === undefined ? id : null);
      }
    }
    const cards = [];
    for (const [id, links] of linksById) {
      const card = cardElement(links[0], id, idsOf);
      const title = titleLink(card, links.filter((a) => card.contains(a)));
      if (!title) continue; // a thumbnail without a title: not a card we can badge
      cards.push({ el: card, id, titleEl: title, insideTitle: false, html: () => card.outerHTML });
    }
    return cards;
  }

  // The title as the backend's reader (reader.py read_card) picks it, so the badge sits beside the
  // title the library records: the link in (or around) a heading; else the longest link that is
  // not a count ("· 4 authors", "12"), an anchor (#community) or a wrapper of the whole card.
  const COUNT = /\d+\s+authors?\b|^[\d\s·,.kK]+$/i;

  function titleLink(card, links) {
    for (const h of card.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
      const inner = h.querySelector("a[href]");
      const outer = h.closest("a[href]");
      const link = [inner, outer].find((a) => a && links.includes(a));
      if (link) return link;
    }
    let best = null;
    let bestLen = 0;
    for (const a of links) {
      const text = visibleText(a);
      if (!text || (a.getAttribute("href") || "").includes("#") || COUNT.test(text)) continue;
      if (a.querySelector("p, h1, h2, h3, h4, h5, h6, article")) continue;
      if (text.length > bestLen) { best = a; bestLen = text.length; }
    }
    return best;
  }

  // Stop climbing at page landmarks: with a single result the "only one id" rule alone would
  // climb to <main> and send the whole page.
  const STOP_TAGS = new Set(["BODY", "MAIN", "HTML", "HEADER", "NAV", "FORM"]);

  function cardElement(link, id, idsOf) {
    const article = link.closest("article");
    if (article && idsOf.get(article) === id) return article;
    let card = link;
    for (let up = link.parentElement; up && !STOP_TAGS.has(up.tagName); up = up.parentElement) {
      if (idsOf.get(up) !== id) break;
      if (up.querySelector("h1, form, input, nav")) break;
      card = up;
    }
    return card;
  }

  PS.finders.push({ name: "huggingface", matches, findCards, pageData });
})();
