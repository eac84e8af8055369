"""Semantic Scholar (www.semanticscholar.org): search results (``/search?q=…``) and author pages
(``/author/<name>/<id>``), both rendered by script.

Each paper is a ``div.cl-paper-row`` (on search pages also ``serp-papers__paper-row``, with a
``data-paper-id``) holding ``a[data-test-id="title-link"]`` (older builds
``data-selenium-selector="title-link"``) to ``/paper/<slug>/<40-hex paper id>`` around
``h2.cl-paper-title`` (words matching the query wrapped in ``<em>``), then
``ul.cl-paper__bulleted-row``: ``span.cl-paper-authors`` (one ``span[data-test-id=author-list]``
per author, the name in its link, ``cl-paper-authors__author-box`` or older
``cl-paper-authors__author-link``; names as S2 shows them, "R. Baumeister"), the venue
``span.cl-paper-venue`` and the date ``span.cl-paper-pubdates`` ("1 May 1998"); then
``div.tldr-abstract-replacement`` (an AI summary, "TLDR …": not the abstract, not kept) or a
``div.cl-paper-abstract`` snippet, and ``div.cl-paper-controls`` (links: PDF, sometimes arXiv or
a DOI) [likely: a row a public extension's test trimmed from a live search page, and the
selectors of several scrapers; the venue and controls a guess].

A paper page (``/paper/<slug>/<id>``) is one paper: its BibTeX block ``pre.bibtex-citation``
(``@inproceedings{Popel2010TectoMTMN, title=…, author=…, booktitle=…, year=…}``) [likely: what
Zotero's Semantic Scholar translator read from 2019 to 2022; newer pages may show it only in the
"Cite" dialog], which the finder sends as page data, else the page's ``citation_*`` meta; the title
is ``h1[data-test-id=paper-detail-title]`` [guess].

Identity: an arXiv or DOI link in the row wins; else the title, which joins the arXiv or
proceedings record when the year and first author's surname agree (the store's title rule).
``card_id`` is the S2 paper id, kept as the ``abs`` link ``https://www.semanticscholar.org/paper/<id>``.
"""

from __future__ import annotations

import re

from bs4.element import Tag

from ...papers import Paper, Source, normalize_arxiv_id, normalize_doi
from ...parsing.base import PageParts, ParsedPaper, ParseResult, Skipped
from ...parsing.common import host_of, parse_display_date, path_of, text_of
from ...parsing.listing import paper_page, scrape_cards

NAME = "semanticscholar"
SITE = "semanticscholar"
HOST = "www.semanticscholar.org"
TITLE = 'a[data-test-id="title-link"], a[data-selenium-selector="title-link"]'

_ID_RE = re.compile(r"/paper/(?:[^/]{0,400}/)?([0-9a-f]{40})/?")
_ABS_RE = re.compile(r"https://www\.semanticscholar\.org/paper/([0-9a-f]{40})")
_YEAR_RE = re.compile(r"\b((?:19|20)\d{2})\b")


BIBTEX_MAX = 20_000  # characters of the paper page's BibTeX block read (an entry is a few hundred)


def is_single_page(url: str) -> bool:
    return host_of(url) == HOST and _ID_RE.fullmatch(path_of(url)) is not None


def card_id(paper: Paper) -> str | None:
    m = _ABS_RE.fullmatch(paper.urls.get("abs", ""))
    return m.group(1) if m else None


def detect(page: PageParts) -> bool:
    if host_of(page.url) == HOST:
        return path_of(page.url).startswith(("/search", "/author/", "/paper/")) and bool(page.cards or page.html or page.props or page.meta)
    return any("cl-paper-row" in c and "title-link" in c for c in page.cards[:5])


def _paper_id(link: Tag | None) -> str | None:
    href = link.get("href") if link is not None else None
    if not isinstance(href, str):
        return None
    m = _ID_RE.fullmatch(href.split("?", 1)[0].split("#", 1)[0].replace("https://" + HOST, "", 1))
    return m.group(1) if m else None


def page_props(soup) -> dict | None:
    """A paper page's BibTeX block, as find.js sends it."""
    pre = soup.select_one("pre.bibtex-citation")
    return {"bibtex": pre.get_text()[:BIBTEX_MAX]} if pre is not None else None


def read_paper_page(page: PageParts) -> Paper | None:
    """The paper of a paper page: its BibTeX block (our BibTeX reader), else its citation_* meta."""
    m = _ID_RE.fullmatch(path_of(page.url))
    abs_url = f"https://{HOST}/paper/{m.group(1)}" if m else ""
    props = page.props_json()
    bibtex = props.get("bibtex") if isinstance(props, dict) else None
    if isinstance(bibtex, str) and bibtex.strip():
        # Imported here: formats.text_listings imports the parsing package, which imports this reader.
        from ...formats import bibtex as bibtex_format

        try:
            papers = bibtex_format.parse(bibtex[:BIBTEX_MAX]).papers
        except ValueError:  # FormatError: not BibTeX after all; the meta may still say
            papers = []
        if papers:
            paper = papers[0]
            paper.urls = {**paper.urls, "abs": abs_url} if abs_url else paper.urls
            paper.sources = [Source(SITE, page.url)]
            paper.kind = ""  # pages set no kind (kinds.py)
            return Paper(**{**paper.__dict__, "key": ""})
    if page.meta_values("citation_title"):
        return paper_page(page, SITE, abs_url)
    return None


def find_cards(soup, url: str = "") -> list[str]:
    return [str(row) for row in soup.select("div.cl-paper-row") if _paper_id(row.select_one(TITLE))]


def _authors(row: Tag) -> list[str]:
    box = row.select_one(".cl-paper-authors")
    if box is None:
        return []
    names = [text_of(el) for el in box.select('[data-test-id="author-list"]')]
    if not names:  # older rows: one link (or span, for authors without a page) per author
        names = [text_of(el) for el in box.select("a.cl-paper-authors__author-link, span.author-list__author-name")]
    return [n.rstrip(",").strip() for n in names if n.strip(" ,")]


def read_card(el: Tag, url: str) -> Paper:
    row = el if "cl-paper-row" in (el.get("class") or []) else el.select_one("div.cl-paper-row") or el
    link = row.select_one(TITLE)
    pid = _paper_id(link)
    title_el = link.select_one(".cl-paper-title") if link is not None else None
    when = text_of(row.select_one(".cl-paper-pubdates"))
    published = parse_display_date(when)
    if not published:
        m = _YEAR_RE.search(when)
        published = m.group(1) if m else ""
    arxiv_id = doi = None
    pdf = ""
    for a in row.select(".cl-paper-controls a[href], .cl-paper__bulleted-row a[href]"):
        href = a["href"]
        if "arxiv.org/abs/" in href and not arxiv_id:
            arxiv_id = normalize_arxiv_id(href)
        elif "doi.org/10." in href and not doi:
            doi = normalize_doi(href)
        elif href.startswith("https://") and href.lower().endswith(".pdf") and not pdf:
            pdf = href
    urls = {"abs": f"https://{HOST}/paper/{pid}"} if pid else {}
    if pdf:
        urls["pdf"] = pdf
    abstract = text_of(row.select_one(".cl-paper-abstract"))
    return Paper(
        title=text_of(title_el if title_el is not None else link),
        arxiv_id=arxiv_id,
        doi=doi,
        authors=_authors(row),
        abstract=abstract,
        abstract_truncated=bool(abstract),  # a snippet the row cuts short
        published=published,
        venue=text_of(row.select_one(".cl-paper-venue")),
        urls=urls,
        sources=[Source(SITE, url)],
    )


def scrape(page: PageParts) -> ParseResult:
    if page.cards or not is_single_page(page.url):
        return scrape_cards(page, NAME, read_card, card_id, what="Semantic Scholar paper link")
    result = ParseResult(parser=NAME)
    paper = read_paper_page(page)
    if paper is not None and paper.title:
        result.papers.append(ParsedPaper(0, paper))
    else:
        result.skipped.append(Skipped(-1, "no BibTeX block and no paper data on this Semantic Scholar paper page"))
    return result
