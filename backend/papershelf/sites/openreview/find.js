/* Finding papers on OpenReview: venue pages (/group?id=<venue>: tabs of submission lists that
 * the page renders by script, pages of them) and forum pages (/forum?id=<id>: one paper, carried
 * by its citation_* meta tags). A card is a div.note in a ul.submissions-list whose <h4> links
 * to /forum?id=<id> (a link with &noteId= is a reply, not a paper); its id is the forum id.
 * Lists in a tab that is not shown are left alone: a tab change updates the URL's hash and
 * renders its list, and the page watcher scans again then. reader.py reads the same cards. */
"use strict";

(() => {
  const PS = PaperShelf;
  const ID = /^[A-Za-z0-9_-]{1,64}$/;

  function matches(loc) {
    return (loc.hostname === "openreview.net" || loc.hostname === "www.openreview.net") &&
      (loc.pathname === "/group" || loc.pathname === "/forum");
  }

  function pageData() {
    const meta = PS.metaPairs();
    return meta.length ? { meta } : {};
  }

  /** The forum id of a link to a paper's forum, or null (a reply, another page). */
  function forumId(href) {
    let url;
    try {
      url = new URL(href, "https://openreview.net/");
    } catch {
      return null;
    }
    if (url.hostname !== "openreview.net" && url.hostname !== "www.openreview.net") return null;
    if (url.pathname !== "/forum" || url.searchParams.has("noteId")) return null;
    const ids = url.searchParams.getAll("id");
    return ids.length === 1 && ID.test(ids[0]) ? ids[0] : null;
  }

  function inHiddenTab(el) {
    const pane = el.closest(".tab-pane");
    return Boolean(pane && !pane.classList.contains("active"));
  }

  function findCards(root) {
    if (location.pathname === "/forum") {
      const id = forumId(location.href);
      const title = root.querySelector(".forum-title h2, .forum-title h1, main h2, h2, h1");
      return id && title ? [{ el: title, id, titleEl: title, insideTitle: true, single: true, html: () => "" }] : [];
    }
    const cards = [];
    for (const list of root.querySelectorAll("ul.submissions-list")) {
      if (inHiddenTab(list)) continue;
      for (const note of list.querySelectorAll(":scope > li > div.note")) {
        const h4 = note.querySelector("h4");
        const link = h4 && [...h4.querySelectorAll("a[href]")].find((a) => forumId(a.getAttribute("href")));
        if (!link) continue;
        const id = forumId(link.getAttribute("href"));
        cards.push({ el: note, id, titleEl: h4, insideTitle: true, html: () => note.outerHTML });
      }
    }
    return cards;
  }

  PS.finders.push({ name: "openreview", matches, findCards, pageData });
})();
