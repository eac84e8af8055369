/* Made by tools/extension.py from backend/papershelf/sites/pmlr/find.js: edit that file, then run tools/extension.py sync. */
/* Finding papers on PMLR: a volume page (/v<N>/) lists each paper as div.paper with its title in
 * p.title (no link) and its links in p.links, the "abs" one to the paper page (/v<N>/<key>.html),
 * whose path (without .html) is the card's id; the badge goes into p.title. A paper page is one
 * paper, carried by its citation_* meta tags. reader.py reads the same cards. */
"use strict";

(() => {
  const PS = PaperShelf;
  const PATH = /^\/(v\d{1,4}\/[A-Za-z0-9_-]{1,120})\.html$/;

  function matches(loc) {
    return loc.hostname === "proceedings.mlr.press";
  }

  function pageData() {
    const meta = PS.metaPairs();
    return meta.length ? { meta } : {};
  }

  function paperKey(href) {
    let url;
    try {
      url = new URL(href, "https://proceedings.mlr.press/");
    } catch {
      return null;
    }
    if (url.hostname !== "proceedings.mlr.press") return null;
    const m = PATH.exec(url.pathname);
    return m ? m[1] : null;
  }

  function findCards(root) {
    const self = paperKey(location.pathname);
    if (self) {
      const title = root.querySelector("h1");
      return title ? [{ el: title, id: self, titleEl: title, insideTitle: true, single: true, html: () => "" }] : [];
    }
    const cards = [];
    for (const div of root.querySelectorAll("div.paper")) {
      const title = div.querySelector("p.title");
      const abs = [...div.querySelectorAll("p.links a[href]")]
        .find((a) => a.textContent.trim().toLowerCase() === "abs" && paperKey(a.getAttribute("href")));
      if (!title || !abs) continue;
      cards.push({ el: div, id: paperKey(abs.getAttribute("href")), titleEl: title, insideTitle: true, html: () => div.outerHTML });
    }
    return cards;
  }

  PS.finders.push({ name: "pmlr", matches, findCards, pageData });
})();
