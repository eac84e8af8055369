/* Finding papers on arXiv pages: listings (/list, /catchup: <dt>/<dd> pairs in one or more
 * <dl id="articles">), search results (li.arxiv-result) and the abstract page (/abs/<id>,
 * one paper carried by its citation_* meta tags). Ids come from the abstract links, with the
 * pre-2024 `span.list-identifier` text as a fallback. */
"use strict";

(() => {
  const PS = PaperShelf;
  const K = PaperShelfKeys;

  function matches(loc) {
    return /(^|\.)arxiv\.org$/.test(loc.hostname) && /^\/(list|catchup|search|abs)\//.test(loc.pathname);
  }

  function pageData() {
    const meta = PaperShelf.metaPairs();
    return meta.length ? { meta } : {};
  }

  function idIn(el) {
    for (const a of el.querySelectorAll('a[href*="/abs/"]')) {
      const id = K.arxivIdFromUrl(a.getAttribute("href"), location.href);
      if (id) return id;
    }
    const ident = el.querySelector(".list-identifier");
    return ident ? K.arxivIdFromText(ident.textContent.replace(/^.*?arXiv:/, "arXiv:")) : null;
  }

  function listingCards(root) {
    const cards = [];
    for (const dt of root.querySelectorAll("dl > dt")) {
      const dd = dt.nextElementSibling;
      if (!dd || dd.tagName !== "DD") continue;
      const id = idIn(dt);
      if (!id) continue;
      const title = dd.querySelector(".list-title");
      cards.push({
        el: dt,
        id,
        titleEl: title || dt.querySelector('a[href*="/abs/"]'),
        insideTitle: Boolean(title),
        html: () => dt.outerHTML + dd.outerHTML,
      });
    }
    return cards;
  }

  function searchCards(root) {
    const cards = [];
    for (const li of root.querySelectorAll("li.arxiv-result")) {
      const id = idIn(li.querySelector(".list-title") || li);
      if (!id) continue;
      const title = li.querySelector("p.title") || li.querySelector(".list-title");
      cards.push({ el: li, id, titleEl: title, insideTitle: true, html: () => li.outerHTML });
    }
    return cards;
  }

  function findCards(root) {
    const path = location.pathname;
    if (path.startsWith("/abs/")) {
      const id = K.arxivIdFromUrl(location.href);
      const h1 = root.querySelector("h1.title") || root.querySelector("h1");
      return id && h1 ? [{ el: h1, id, titleEl: h1, insideTitle: true, single: true, html: () => "" }] : [];
    }
    if (path.startsWith("/search/")) return searchCards(root);
    return listingCards(root);
  }

  PS.finders.push({ name: "arxiv", matches, findCards, pageData });
})();
