/* Made by tools/extension.py from backend/papershelf/sites/neurips/find.js: edit that file, then run tools/extension.py sync. */
/* Finding papers on the NeurIPS proceedings: a year's list (/paper_files/paper/<year>) holds one
 * <li> per paper with a[title="paper title"] linking to its abstract page
 * (…/hash/<hash>-Abstract-<track>.html); the card's id is <year>/<hash>. A paper page is one
 * paper, carried by its citation_* meta tags. reader.py reads the same cards. */
"use strict";

(() => {
  const PS = PaperShelf;
  const HOSTS = ["proceedings.neurips.cc", "papers.nips.cc"];
  const PATH = /^\/paper_files\/paper\/(\d{4})\/hash\/([0-9a-f]{32})-Abstract(?:-[A-Za-z_]{1,40})?\.html$/;

  function matches(loc) {
    return HOSTS.includes(loc.hostname) && loc.pathname.startsWith("/paper_files/paper/");
  }

  function pageData() {
    const meta = PS.metaPairs();
    return meta.length ? { meta } : {};
  }

  function paperId(href) {
    let url;
    try {
      url = new URL(href, "https://proceedings.neurips.cc/");
    } catch {
      return null;
    }
    if (!HOSTS.includes(url.hostname)) return null;
    const m = PATH.exec(url.pathname);
    return m ? `${m[1]}/${m[2]}` : null;
  }

  function findCards(root) {
    const self = paperId(location.pathname);
    if (self) {
      const title = root.querySelector("h4, h1, h2");
      return title ? [{ el: title, id: self, titleEl: title, insideTitle: true, single: true, html: () => "" }] : [];
    }
    const cards = [];
    for (const li of root.querySelectorAll("li")) {
      if (li.querySelector("li")) continue;
      const link = [...li.querySelectorAll('a[title="paper title"]')].find((a) => paperId(a.getAttribute("href")));
      if (!link) continue;
      cards.push({ el: li, id: paperId(link.getAttribute("href")), titleEl: link, insideTitle: false, html: () => li.outerHTML });
    }
    return cards;
  }

  PS.finders.push({ name: "neurips", matches, findCards, pageData });
})();
