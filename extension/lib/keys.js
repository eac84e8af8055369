/* Paper identity in the extension: arXiv ids found in links, and the library key they map to.
 * Mirrors backend/papershelf/papers.py (normalize_arxiv_id / paper_key) for the id shapes that
 * appear in links, so a card can be recognised again without asking the backend. Shared by the
 * content scripts, the background worker (context menu) and the opt-in link marks.
 *
 * A classic script that sets globalThis.PaperShelfKeys, so that the same file serves content
 * scripts (listed before the scripts that use it), the background module (a side-effect import)
 * and Node (tests/test_arxiv_ids.py). */
"use strict";

globalThis.PaperShelfKeys = (() => {
  // New style YYMM.NNNN(N) with optional version; old style archive(.SUBJ)/YYMMNNN.
  const NEW_ID = "(\\d{4}\\.\\d{4,5})(?:v\\d+)?";
  const OLD_ID = "([a-zA-Z]+(?:-[a-zA-Z]+)?(?:\\.[A-Za-z]{2})?/\\d{7})(?:v\\d+)?";
  const ARXIV_PATH = new RegExp(`^/(?:abs|pdf|html|format)/(?:${NEW_ID}|${OLD_ID})(?:\\.pdf)?/?$`);
  const HF_PAPER_PATH = new RegExp(`^/papers/${NEW_ID}/?$`);
  const ARXIV_HOSTS = new Set(["arxiv.org", "www.arxiv.org", "export.arxiv.org"]);

  function normalizeOld(id) {
    // The archive name is lower case; a subject class keeps upper case (math.GT/0309136).
    const [archive, number] = id.split("/");
    const dot = archive.indexOf(".");
    const name = dot < 0 ? archive.toLowerCase()
      : `${archive.slice(0, dot).toLowerCase()}.${archive.slice(dot + 1).toUpperCase()}`;
    return `${name}/${number}`;
  }

  /** The versionless arXiv id a link points at (arXiv abs/pdf/html, HF paper page), or null. */
  function arxivIdFromUrl(href, base) {
    let url;
    try {
      url = new URL(href, base || (typeof location !== "undefined" ? location.href : undefined));
    } catch (_) {
      return null;
    }
    const host = url.hostname.toLowerCase();
    if (host === "huggingface.co" || host === "hf.co") {
      const m = HF_PAPER_PATH.exec(url.pathname);
      return m ? m[1] : null;
    }
    if (ARXIV_HOSTS.has(host)) {
      const m = ARXIV_PATH.exec(url.pathname);
      if (!m) return null;
      return m[1] || normalizeOld(m[2]);
    }
    return null;
  }

  /** The id in text such as "arXiv:2401.12345v2", or null. */
  function arxivIdFromText(text) {
    const m = new RegExp(`(?:^|\\barXiv:\\s*)(?:${NEW_ID}|${OLD_ID})\\b`).exec((text || "").trim());
    if (!m) return null;
    return m[1] || normalizeOld(m[2]);
  }

  function keyForArxivId(id) {
    return id ? `arxiv:${id}` : null;
  }

  return { arxivIdFromUrl, arxivIdFromText, keyForArxivId };
})();
