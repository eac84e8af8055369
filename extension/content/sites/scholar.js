/* Made by tools/extension.py from backend/papershelf/sites/scholar/find.js: edit that file, then run tools/extension.py sync. */
/* Finding papers on Google Scholar result pages: each result is div.gs_r[data-cid] (the card's
 * id) with its title in h3.gs_rt (the badge goes after it). reader.py reads the same cards. */
"use strict";

(() => {
  const PS = PaperShelf;
  const CID = /^[A-Za-z0-9_-]{4,40}$/;

  function matches(loc) {
    return /^scholar\.google\.[a-z.]{2,10}$/.test(loc.hostname) && /^\/(scholar|citations)$/.test(loc.pathname);
  }

  function pageData() {
    return {};
  }

  function findCards(root) {
    const cards = [];
    for (const div of root.querySelectorAll("div.gs_r[data-cid]")) {
      const cid = div.getAttribute("data-cid") || "";
      const title = div.querySelector("h3.gs_rt");
      if (!CID.test(cid) || !title || !title.textContent.trim()) continue;
      cards.push({ el: div, id: cid, titleEl: title, insideTitle: true, html: () => div.outerHTML });
    }
    return cards;
  }

  PS.finders.push({ name: "scholar", matches, findCards, pageData });
})();
