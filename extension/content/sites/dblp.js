/* Made by tools/extension.py from backend/papershelf/sites/dblp/find.js: edit that file, then run tools/extension.py sync. */
/* Finding papers on dblp: tables of contents (/db/…), person pages (/pid/…) and search results
 * (/search?q=…, filled in by script) are ul.publ-list of li.entry whose id is the dblp key; the
 * title is span.title in its cite.data (the badge goes after it). Volume entries (editor,
 * proceedings) are not papers. reader.py reads the same cards. */
"use strict";

(() => {
  const PS = PaperShelf;
  const HOSTS = ["dblp.org", "dblp.uni-trier.de", "www.dblp.org"];
  const KEY = /^[a-z]{1,20}\/[A-Za-z0-9_-]{1,80}\/[A-Za-z0-9_\-:.]{1,120}$/;

  function matches(loc) {
    return HOSTS.includes(loc.hostname) && /^\/(db|pid|search)(\/|$)/.test(loc.pathname);
  }

  function pageData() {
    return {};
  }

  function findCards(root) {
    const cards = [];
    for (const li of root.querySelectorAll("ul.publ-list > li.entry")) {
      if (li.classList.contains("editor") || li.classList.contains("proceedings")) continue;
      const key = li.getAttribute("id") || "";
      const title = li.querySelector("span.title");
      if (!KEY.test(key) || !title) continue;
      cards.push({ el: li, id: key, titleEl: title, insideTitle: false, html: () => li.outerHTML });
    }
    return cards;
  }

  PS.finders.push({ name: "dblp", matches, findCards, pageData });
})();
