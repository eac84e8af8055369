"""arXiv: listings (/list/<cat>/new, /recent, month archives, the pre-2024 markup), search
results and /abs/ pages.

A listing card is a ``<dt>`` + ``<dd>`` pair (the content script concatenates them); a search
card is one ``li.arxiv-result``; an abstract page has no cards and is read from its
``citation_*`` meta (plus the body when a whole page is given).  The markup comes from arXiv's
open-source templates, but every field is looked up by its semantic class name with a text
fallback, so one renamed element loses one field, not the paper.

Dates: listings show a date only in headings, which the extension does not send, so a
listed paper's date is the month its id encodes (2601.00001 -> 2026-01); abstract and search
pages carry the full submission date.
"""

from __future__ import annotations

import re

from bs4.element import Tag

from ...papers import ARXIV_ID_PATTERN, Paper, Source, clean_text, normalize_arxiv_id, normalize_doi
from ...parsing.base import PageParts, ParsedPaper, ParseResult, Skipped
from ...parsing.citation_meta import paper_from_meta
from ...parsing.common import arxiv_urls, card_soups, date_from_arxiv_id, host_of, make_soup, parse_display_date, path_of, text_of
from .fast_listing import AUTHORS_PREFIX_RE as _AUTHORS_PREFIX_RE
from .fast_listing import AUTHORS_SPLIT_RE as _AUTHORS_SPLIT_RE
from .fast_listing import CATEGORY_RE as _CATEGORY_RE
from .fast_listing import LIST_FIELDS as _LIST_FIELDS
from .fast_listing import read_list_card_fast  # the listing card without a tree (None: unsure)

NAME = "arxiv"
SITE = "arxiv"
FINDS_OFF_SITE = True  # a saved listing of unknown URL still shows arXiv's <dt>/<dd> pairs

_CATEGORY_CODE_RE = re.compile(r"^[a-z][a-z\-]*(?:\.[A-Za-z][A-Za-z\-]*)?$")
_ID_TEXT_RE = re.compile(rf"arXiv:\s*({ARXIV_ID_PATTERN})", re.I)
_CARD_HINT_RE = re.compile(r'class="[^"]*(?:list-title|arxiv-result|list-identifier)|href\s*=\s*"[^"]*/abs/')


def _is_arxiv(url: str) -> bool:
    host = host_of(url)
    return host == "arxiv.org" or host.endswith(".arxiv.org")


def is_abs_url(url: str) -> bool:
    return _is_arxiv(url) and bool(re.match(r"^/(?:abs|pdf)/", path_of(url)))


def is_single_page(url: str) -> bool:
    """An /abs/ page: one paper, read from its page data (no cards)."""
    return is_abs_url(url)


def detect(page: PageParts) -> bool:
    if _is_arxiv(page.url):
        return bool(page.cards or page.meta or page.html)
    return any(_CARD_HINT_RE.search(c) for c in page.cards[:5]) and any("<dt" in c or "arxiv-result" in c for c in page.cards[:5])


# --- finding cards in a whole page (used by page.parts_from_html) ----------------------------


def find_cards(soup, url: str = "") -> list[str]:
    """Each <dt>+<dd> of every listing <dl> (a /new page has several dl#articles), and each
    search result.  Pairs are taken from any <dl> whose <dt> links to an /abs/ page, so a
    renamed or duplicated id does not hide a section."""
    cards = []
    for dl in soup.find_all("dl"):
        for dt in dl.find_all("dt", recursive=False) or dl.find_all("dt"):
            if not dt.find("a", href=re.compile(r"/abs/")):
                continue
            dd = dt.find_next_sibling(["dd", "dt"])
            cards.append(str(dt) + (str(dd) if dd is not None and dd.name == "dd" else ""))
    for li in soup.select("li.arxiv-result"):
        cards.append(str(li))
    return cards


# --- reading one card ------------------------------------------------------------------------
#
# A listing page has hundreds of cards, so the readers below walk each card's small subtree
# with plain loops instead of calling find()/find_all() per field: bs4 builds a filter object
# for every such call, which cost more than parsing the card.  The walks keep find()'s meaning
# (first match in document order, a class matching any of the element's class words).



def _tags(el) -> list[Tag]:
    """The element's descendant tags in document order."""
    return [t for t in el.descendants if isinstance(t, Tag)]


def _classes(el) -> list[str]:
    cls = el.get("class")
    if not cls:
        return []
    return cls.split() if isinstance(cls, str) else cls


def _strip_descriptor(el) -> str:
    if el is None:
        return ""
    for d in [t for t in _tags(el) if "descriptor" in _classes(t)]:
        d.decompose()
    return text_of(el)


def _categories(subjects_el) -> list[str]:
    if subjects_el is None:
        return []
    primary_el = next((t for t in _tags(subjects_el) if "primary-subject" in _classes(t)), None)
    codes = _CATEGORY_RE.findall(text_of(primary_el)) if primary_el is not None else []
    for code in _CATEGORY_RE.findall(text_of(subjects_el)):
        if code not in codes:
            codes.append(code)
    return codes


def _id_from(soup) -> str | None:
    for a in _tags(soup):
        href = a.get("href") if a.name == "a" else None
        if isinstance(href, str) and "/abs/" in href:
            aid = normalize_arxiv_id(href.split("/abs/", 1)[1].split("?")[0].split("#")[0])
            if aid:
                return aid
    m = _ID_TEXT_RE.search(text_of(soup))
    return normalize_arxiv_id(m.group(1)) if m else None


def _authors(el) -> list[str]:
    if el is None:
        return []
    for d in [t for t in _tags(el) if "descriptor" in _classes(t)]:
        d.decompose()
    names = [text_of(a) for a in _tags(el) if a.name == "a"]
    names = [n for n in names if n and n.lower() not in ("et al", "et al.", "et al. (more)")]
    if names:
        return names
    text = _AUTHORS_PREFIX_RE.sub("", text_of(el))
    return [n.strip() for n in _AUTHORS_SPLIT_RE.split(text) if n.strip()]


def _first_dt_dd(soup) -> tuple[Tag | None, Tag | None]:
    """The first <dt> and the first <dd> in document order (find("dt"), find("dd")) in one walk."""
    dt = dd = None
    for t in soup.descendants:
        if isinstance(t, Tag):
            if t.name == "dt":
                dt = dt or t
            elif t.name == "dd":
                dd = dd or t
            if dt is not None and dd is not None:
                break
    return dt, dd


def _under_list_field(el) -> bool:
    return any(c.startswith("list-") for anc in el.parents for c in _classes(anc))


def read_list_card(html, url: str) -> Paper:
    soup = html if isinstance(html, Tag) else make_soup(html)
    dt, dd = _first_dt_dd(soup)
    aid = _id_from(dt if dt is not None else soup) or _id_from(soup)
    meta = dd if dd is not None else soup
    # One walk finds every field: the first element carrying each list-* class, and the
    # paragraphs, of which the abstract is the first not inside a list-* field.
    fields: dict[str, Tag] = {}
    paragraphs = []
    for t in _tags(meta):
        if t.name == "p":
            paragraphs.append(t)
        for c in _classes(t):
            if c in _LIST_FIELDS and c not in fields:
                fields[c] = t
    abstract_el = next((p for p in paragraphs if not _under_list_field(p)), None)
    return Paper(
        title=_strip_descriptor(fields.get("list-title")),
        arxiv_id=aid,
        authors=_authors(fields.get("list-authors")),
        abstract=text_of(abstract_el),
        published=date_from_arxiv_id(aid),
        categories=_categories(fields.get("list-subjects")),
        comments=_strip_descriptor(fields.get("list-comments")),
        journal_ref=_strip_descriptor(fields.get("list-journal-ref")),
        doi=normalize_doi(_strip_descriptor(fields.get("list-doi"))),
        urls=arxiv_urls(aid),
        sources=[Source(SITE, url)],
    )




def read_search_card(html, url: str) -> Paper:
    soup = html if isinstance(html, Tag) else make_soup(html)
    li = soup.find("li") or soup
    title_link = li.select_one("p.list-title a") or li.find("a", href=re.compile(r"/abs/"))
    aid = normalize_arxiv_id(title_link.get("href")) if title_link is not None else None
    if not aid and title_link is not None:
        m = _ID_TEXT_RE.search(text_of(title_link))
        aid = normalize_arxiv_id(m.group(1)) if m else None
    categories = []
    for tag in li.select(".tags .tag"):
        if tag.find("a") or tag.find_parent(class_="tags").find("a"):
            continue  # the DOI / journal tag rows hold links; category tags are plain labels
        code = text_of(tag)
        if _CATEGORY_CODE_RE.match(code) and code not in categories:
            categories.append(code)
    abstract_el = li.select_one("span.abstract-full")
    truncated = False
    if abstract_el is not None:
        for a in abstract_el.find_all("a"):  # the "△ Less" toggle
            a.decompose()
    else:
        abstract_el = li.select_one("span.abstract-short") or li.select_one("p.abstract")
        truncated = abstract_el is not None
        if abstract_el is not None:
            for a in abstract_el.find_all("a"):
                a.decompose()
    abstract = re.sub(r"(?<!\s)\s*(?:△\s*Less|▽\s*More)\s*$", "", text_of(abstract_el))  # (?<!\s): linear
    abstract = re.sub(r"^\s*Abstract:\s*", "", abstract)
    date_text = text_of(li.select_one("p.is-size-7"))
    m = re.search(r"v1\s+submitted\s+([^;]+)", date_text, re.I) or re.search(r"Submitted\s+([^;]+)", date_text, re.I)
    published = parse_display_date(m.group(1)) if m else ""
    comments = journal_ref = ""
    for p in li.select("p.comments"):
        text = text_of(p)
        if text.lower().startswith("comments:"):
            comments = text.split(":", 1)[1].strip()
        elif text.lower().startswith("journal ref:"):
            journal_ref = text.split(":", 1)[1].strip()
    doi = None
    for a in li.find_all("a", href=True):
        if "doi.org/" in a["href"]:
            doi = normalize_doi(a["href"])
            break
    authors_el = li.select_one("p.authors")
    return Paper(
        title=text_of(li.select_one("p.title")),
        arxiv_id=aid,
        doi=doi,
        authors=_authors(authors_el),
        abstract=abstract,
        abstract_truncated=truncated,
        published=published or date_from_arxiv_id(aid),
        categories=categories,
        comments=comments,
        journal_ref=journal_ref,
        urls=arxiv_urls(aid),
        sources=[Source(SITE, url)],
    )


def read_abs_page(page: PageParts) -> Paper:
    """An /abs/ page: citation_* meta, and the body's subjects/comments when the page is whole."""
    paper = paper_from_meta(page)
    paper.venue = ""
    if not paper.arxiv_id:
        paper.arxiv_id = normalize_arxiv_id(page.url)
    if not paper.published:
        paper.published = date_from_arxiv_id(paper.arxiv_id)
    paper.urls = {**arxiv_urls(paper.arxiv_id), **{k: v for k, v in paper.urls.items() if k != "abs"}}
    if page.html:
        soup = make_soup(page.html)
        if not paper.title:
            paper.title = clean_text(_strip_descriptor(soup.select_one("h1.title")))
        if not paper.authors:
            paper.authors = [text_of(a) for a in soup.select("div.authors a")]
        if not paper.abstract:
            paper.abstract = clean_text(_strip_descriptor(soup.select_one("blockquote.abstract")))
        paper.categories = _categories(soup.select_one("td.subjects") or soup.select_one(".subheader"))
        paper.comments = _strip_descriptor(soup.select_one("td.comments"))
        paper.journal_ref = _strip_descriptor(soup.select_one("td.jref"))
    paper.sources = [Source(SITE, page.url)]
    return Paper(**{**paper.__dict__, "key": ""})  # re-normalise and recompute the key


# --- scrape ----------------------------------------------------------------------------------


def scrape(page: PageParts) -> ParseResult:
    result = ParseResult(parser=NAME)
    if page.cards:
        # Well-formed listing cards are read without a tree; the rest are parsed together.
        fast = [None if "arxiv-result" in html else read_list_card_fast(html, page.url) for html in page.cards]
        rest = [i for i, paper in enumerate(fast) if paper is None]
        elements = dict(zip(rest, card_soups([page.cards[i] for i in rest])))
        for index, html in enumerate(page.cards):
            paper = fast[index]
            if paper is None:
                element = elements[index]
                paper = read_search_card(element, page.url) if "arxiv-result" in html else read_list_card(element, page.url)
            if not paper.arxiv_id:
                result.skipped.append(Skipped(index, "card has no arXiv id"))
            elif not paper.title:
                result.skipped.append(Skipped(index, f"card for {paper.arxiv_id} has no title"))
            else:
                result.papers.append(ParsedPaper(index, paper))
        return result
    if page.meta_values("citation_title") or is_abs_url(page.url):
        paper = read_abs_page(page)
        if paper.title:
            result.papers.append(ParsedPaper(0, paper))
        else:
            result.skipped.append(Skipped(0, "abstract page without citation_title"))
        return result
    result.skipped.append(Skipped(-1, "no listing entries and no paper data on this arXiv page"))
    return result
