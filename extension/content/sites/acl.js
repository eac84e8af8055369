/* Made by tools/extension.py from backend/papershelf/sites/acl/find.js: edit that file, then run tools/extension.py sync. */
/* Finding papers on the ACL Anthology: event, volume and people pages list papers in the
 * Anthology's Hugo template (papers/list-entry.html): a <p class="d-sm-flex"> per paper whose
 * <strong><a href="/<anthology id>/"> is the title, followed by its abstract in
 * div.abstract-collapse (sent with the card). A paper page (/<anthology id>/) is one paper,
 * carried by its citation_* meta tags; its badge goes into h2#title. The volume's front matter
 * (<volume>.0) is not a paper. reader.py reads the same cards. */
"use strict";

(() => {
  const PS = PaperShelf;
  const PATH = /^\/(\d{4}\.[a-z0-9][a-z0-9-]{0,40}\.\d{1,5}|[A-Z]\d{2}-\d{4})\/?$/;

  function matches(loc) {
    return loc.hostname === "aclanthology.org" || loc.hostname === "www.aclanthology.org";
  }

  const VOLUME = /^\/(?:volumes\/)?(\d{4}\.[a-z0-9][a-z0-9-]{0,40}|[A-Z]\d{2}-\d)(?:\/|\.pdf)?$/;

  /** The meta tags, and the titles of the volumes the page lists (the venue of its papers: a
   * volume page's h2#title, an event page's volume headings), as reader.py page_props reads them. */
  function pageData() {
    const meta = PS.metaPairs();
    const page = meta.length ? { meta } : {};
    const volumes = {};
    for (const a of document.querySelectorAll("h2#title a[href], h4 a[href]")) {
      let path;
      try {
        path = new URL(a.getAttribute("href"), location.href).pathname;
      } catch {
        continue;
      }
      const m = VOLUME.exec(path);
      if (m && !(m[1] in volumes) && !anthologyId(path)) volumes[m[1]] = a.textContent.replace(/\s+/g, " ").trim().slice(0, 500);
    }
    if (Object.keys(volumes).length) page.props = { volumes };
    return page;
  }

  /** The Anthology id a link points to (a paper page), or null (front matter, anything else). */
  function anthologyId(href) {
    let url;
    try {
      url = new URL(href, "https://aclanthology.org/");
    } catch {
      return null;
    }
    if (url.hostname !== "aclanthology.org" && url.hostname !== "www.aclanthology.org") return null;
    const m = PATH.exec(url.pathname);
    if (!m) return null;
    const number = m[1].includes(".") ? m[1].split(".").pop() : m[1].slice(-3);
    return Number(number) === 0 ? null : m[1];
  }

  function findCards(root) {
    const self = anthologyId(location.pathname);
    if (self) {
      const title = root.querySelector("h2#title") || root.querySelector("h2");
      return title ? [{ el: title, id: self, titleEl: title, insideTitle: true, single: true, html: () => "" }] : [];
    }
    const cards = [];
    // Any <p> whose <strong> links a paper page (Bootstrap's class names changed with its versions).
    for (const p of root.querySelectorAll("p")) {
      const link = [...p.querySelectorAll("strong a[href]")].find((a) => anthologyId(a.getAttribute("href")));
      if (!link) continue;
      const next = p.nextElementSibling;
      const abstract = next && next.classList.contains("abstract-collapse") ? next : null;
      cards.push({ el: p, id: anthologyId(link.getAttribute("href")), titleEl: link, insideTitle: false,
        html: () => p.outerHTML + (abstract ? abstract.outerHTML : "") });
    }
    return cards;
  }

  PS.finders.push({ name: "acl", matches, findCards, pageData });
})();
