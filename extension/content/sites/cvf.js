/* Made by tools/extension.py from backend/papershelf/sites/cvf/find.js: edit that file, then run tools/extension.py sync. */
/* Finding papers on CVF Open Access: a conference list (/<CONF><YEAR>?day=all, per day, per
 * workshop) is a <dl> where each paper is a dt.ptitle (its title links to the paper page
 * /content/<CONF><YEAR>/html/<key>_paper.html) followed by <dd>s (authors, links: pdf, supp,
 * arXiv), sent together; the card's id is <CONF><YEAR>/<key>_paper. A paper page is one paper,
 * carried by its citation_* meta tags; its badge goes into div#papertitle. reader.py reads the
 * same cards. */
"use strict";

(() => {
  const PS = PaperShelf;
  const PATH = /^\/content(?:_([A-Za-z]{2,10}_\d{4}))?\/(?:([A-Za-z]{2,10}\d{4}[A-Za-z_]{0,20})\/)?(?:[A-Za-z0-9_-]{1,60}\/)?html\/([A-Za-z0-9_-]{1,250}_paper)\.html$/;

  function matches(loc) {
    return loc.hostname === "openaccess.thecvf.com";
  }

  /** The meta tags; on a paper page also its arXiv link (reader.py page_props: the id wins). */
  function pageData() {
    const meta = PS.metaPairs();
    const page = meta.length ? { meta } : {};
    if (!document.querySelector("dt.ptitle")) {
      const arxiv = document.querySelector('a[href*="arxiv.org/abs/"]');
      if (arxiv) page.props = { arxiv: arxiv.getAttribute("href").slice(0, 300) };
    }
    return page;
  }

  function paperId(href) {
    let url;
    try {
      url = new URL(href, "https://openaccess.thecvf.com/");
    } catch {
      return null;
    }
    if (url.hostname !== "openaccess.thecvf.com") return null;
    const m = PATH.exec(url.pathname);
    if (!m) return null;
    const conf = m[2] || (m[1] || "").replace(/_/g, "");
    return conf ? `${conf}/${m[3]}` : null;
  }

  function findCards(root) {
    const self = paperId(location.pathname);
    if (self) {
      const title = root.querySelector("#papertitle") || root.querySelector("h1, h2");
      return title ? [{ el: title, id: self, titleEl: title, insideTitle: true, single: true, html: () => "" }] : [];
    }
    const cards = [];
    for (const dt of root.querySelectorAll("dt.ptitle")) {
      const link = [...dt.querySelectorAll("a[href]")].find((a) => paperId(a.getAttribute("href")));
      if (!link) continue;
      const dds = [];
      for (let sib = dt.nextElementSibling; sib && sib.tagName === "DD"; sib = sib.nextElementSibling) dds.push(sib);
      cards.push({ el: dt, id: paperId(link.getAttribute("href")), titleEl: link, insideTitle: false,
        html: () => dt.outerHTML + dds.map((dd) => dd.outerHTML).join("") });
    }
    return cards;
  }

  PS.finders.push({ name: "cvf", matches, findCards, pageData });
})();
