/* Paper identity in the extension: arXiv ids found in links, and the library key they map to.
 * The extension's one copy of the id patterns: mirrors backend/papershelf/papers.py
 * (arxiv_id_from_url / normalize_arxiv_id / paper_key) for the id shapes that appear in links, so
 * a card can be recognised again without asking the backend. tests/arxiv_id_urls.json holds URLs
 * and the id each should give; tests/test_arxiv_ids.py runs this file (in Node) and papers.py
 * over it. Shared by the content scripts, the background worker (context menu) and the opt-in
 * link marks.
 *
 * A classic script that sets globalThis.PaperShelfKeys, so that the same file serves content
 * scripts (listed before the scripts that use it), the background module (a side-effect import)
 * and Node. */
"use strict";

globalThis.PaperShelfKeys = (() => {
  // New style YYMM.NNNN(N) with optional version; old style archive(.SUBJ)/YYMMNNN.
  const NEW_ID = "(\\d{4}\\.\\d{4,5})(?:v\\d+)?";
  const OLD_ID = "([a-zA-Z]+(?:-[a-zA-Z]+)?(?:\\.[A-Za-z]{2})?/\\d{7})(?:v\\d+)?";
  // Links that name a paper by its arXiv id, by host: the path that carries the id.
  const ARXIV_PATH = new RegExp(`^/(?:abs|pdf|html|format)/(?:${NEW_ID}|${OLD_ID})(?:\\.pdf)?/?$`);
  const ALPHAXIV_PATH = new RegExp(`^/abs/(?:${NEW_ID}|${OLD_ID})/?$`);
  // Hugging Face paper pages: /papers/<new-style id>; navigation such as /papers/date/… never matches.
  const HF_PAPER_PATH = new RegExp(`^/papers/${NEW_ID}/?$`);
  const PATH_BY_HOST = new Map([
    ...["arxiv.org", "www.arxiv.org", "export.arxiv.org"].map((h) => [h, ARXIV_PATH]),
    ...["alphaxiv.org", "www.alphaxiv.org"].map((h) => [h, ALPHAXIV_PATH]),
    ...["huggingface.co", "hf.co"].map((h) => [h, HF_PAPER_PATH]),
  ]);

  function normalizeOld(id) {
    // The archive name is lower case; a subject class keeps upper case (math.GT/0309136).
    const [archive, number] = id.split("/");
    const dot = archive.indexOf(".");
    const name = dot < 0 ? archive.toLowerCase()
      : `${archive.slice(0, dot).toLowerCase()}.${archive.slice(dot + 1).toUpperCase()}`;
    return `${name}/${number}`;
  }

  /** The versionless arXiv id a link points at (arXiv abs/pdf/html/format, alphaXiv abs, an HF
   * paper page), or null. */
  function arxivIdFromUrl(href, base) {
    let url;
    try {
      url = new URL(href, base || (typeof location !== "undefined" ? location.href : undefined));
    } catch (_) {
      return null;
    }
    const path = PATH_BY_HOST.get(url.hostname.toLowerCase());
    const m = path ? path.exec(url.pathname) : null;
    if (!m) return null;
    return m[1] || normalizeOld(m[2]);
  }

  /** The id in text such as "arXiv:2401.12345v2", or null. */
  function arxivIdFromText(text) {
    const m = new RegExp(`(?:^|\\barXiv:\\s*)(?:${NEW_ID}|${OLD_ID})\\b`).exec((text || "").trim());
    if (!m) return null;
    return m[1] || normalizeOld(m[2]);
  }

  /** True for an id as arxivIdFromUrl gives it (versionless, its archive in lower case). */
  function isArxivId(id) {
    return typeof id === "string" && arxivIdFromText(id) === id;
  }

  function keyForArxivId(id) {
    return id ? `arxiv:${id}` : null;
  }

  return { arxivIdFromUrl, arxivIdFromText, isArxivId, keyForArxivId };
})();
