/* Made by tools/extension.py from backend/papershelf/sites/semanticscholar/find.js: edit that file, then run tools/extension.py sync. */
/* Finding papers on Semantic Scholar: search results (/search?q=…) and author pages
 * (/author/<name>/<id>) are rendered by script; each paper is a div.cl-paper-row whose title link
 * (a[data-test-id="title-link"], older builds data-selenium-selector) goes to
 * /paper/<slug>/<40-hex paper id>: the id is the card's. The badge goes after the title link.
 * Cards are found as the page renders them (core.js watches the page). reader.py reads the same
 * cards. */
"use strict";

(() => {
  const PS = PaperShelf;
  const ID = /^\/paper\/(?:[^/]{0,400}\/)?([0-9a-f]{40})\/?$/;
  const TITLE = 'a[data-test-id="title-link"], a[data-selenium-selector="title-link"]';

  function matches(loc) {
    return loc.hostname === "www.semanticscholar.org" && /^\/(search|author\/)/.test(loc.pathname);
  }

  function pageData() {
    return {};
  }

  function paperId(link) {
    try {
      const m = ID.exec(new URL(link.getAttribute("href"), location.href).pathname);
      return m ? m[1] : null;
    } catch {
      return null;
    }
  }

  function findCards(root) {
    const cards = [];
    for (const row of root.querySelectorAll("div.cl-paper-row")) {
      const link = row.querySelector(TITLE);
      const id = link && paperId(link);
      if (!id || !link.textContent.trim()) continue;
      cards.push({ el: row, id, titleEl: link, insideTitle: false, html: () => row.outerHTML });
    }
    return cards;
  }

  PS.finders.push({ name: "semanticscholar", matches, findCards, pageData });
})();
