"""OpenReview (openreview.net): venue pages (``/group?id=<venue>``) and forum pages
(``/forum?id=<id>``).

A venue page is rendered by script (openreview-web, React): tabs (``.tabs-container``,
Bootstrap ``.tab-pane``; the active one has ``active``) each hold a
``ul.submissions-list`` of ``<li>``, one ``div.note`` per paper: ``h4 > a[href="/forum?id=…"]``
(the title; a ``a.pdf-link`` beside it), ``div.note-authors`` (profile links), and
``ul.note-meta-info`` whose first item is the date ("Published: 16 Jan 2024, Last Modified: …")
and second the venue ("ICLR 2024 oral"); the abstract sits in the collapsed ``note-content``
("Abstract:" field).  A link with ``&noteId=`` is a reply, not a paper.  Only the active tab's
cards are read (the others are not on screen; the finder reads them when their tab is shown).

A forum page is one paper, carried by its ``citation_*`` meta tags.

Identity: OpenReview papers carry no arXiv id or DOI, so they are keyed by title and merge with
the arXiv/HF record of that title when the year (within one) and first author agree
(store/merge.py); an arXiv link or DOI on the card wins.  ``card_id`` is the forum id.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from bs4.element import Tag

from ...papers import Paper, Source, normalize_arxiv_id, normalize_doi
from ...parsing.base import PageParts, ParsedPaper, ParseResult, Skipped
from ...parsing.card_trees import SoupDom, TreeDom, card_trees, find_first
from ...parsing.citation_meta import paper_from_meta
from ...parsing.common import card_soups, host_of, parse_display_date, path_of, text_of

NAME = "openreview"
SITE = "openreview"
BASE = "https://openreview.net"

_DATE_RE = re.compile(r"(?:Published|Submission date|Submitted)\s*:\s*([^,]{1,40})", re.I)
_FIELD_LABEL_RE = re.compile(r"^\s*([A-Za-z][A-Za-z _]{0,40}):")


def _is_site(url: str) -> bool:
    return host_of(url) in ("openreview.net", "www.openreview.net")


def is_single_page(url: str) -> bool:
    return _is_site(url) and path_of(url) == "/forum"


def forum_id(href) -> str | None:
    """The forum id of a link to a paper's forum (``/forum?id=X``), None for a reply
    (``&noteId=``) or anything else."""
    if not isinstance(href, str) or "forum?" not in href:
        return None
    try:
        parts = urlsplit(href.strip()[:2000])
    except ValueError:
        return None
    if parts.path not in ("/forum", "forum") or (parts.netloc and parts.netloc not in ("openreview.net", "www.openreview.net")):
        return None
    query = parse_qs(parts.query)
    ids = query.get("id") or []
    if len(ids) != 1 or "noteId" in query or not re.fullmatch(r"[A-Za-z0-9_\-]{1,64}", ids[0]):
        return None
    return ids[0]


def forum_url(fid: str) -> str:
    return f"{BASE}/forum?id={fid}"


def card_id(paper: Paper) -> str | None:
    return forum_id(paper.urls.get("abs"))


def detect(page: PageParts) -> bool:
    if _is_site(page.url):
        return bool(page.cards or page.meta or page.html)
    return any("submissions-list" in c or ('class="note' in c and "/forum?id=" in c) for c in page.cards[:5])


# --- finding cards in a whole page -----------------------------------------------------------


def _in_hidden_tab(el: Tag) -> bool:
    for anc in el.parents:
        classes = anc.get("class") or [] if isinstance(anc, Tag) else []
        if "tab-pane" in classes and "active" not in classes:
            return True
    return False


def _title_link(note: Tag) -> Tag | None:
    h4 = note.find("h4")
    if h4 is None:
        return None
    return next((a for a in h4.find_all("a", href=True) if forum_id(a.get("href"))), None)


def find_cards(soup, url: str = "") -> list[str]:
    """Each ``div.note`` of a submissions list in the active tab, as the finder sends it."""
    cards = []
    for ul in soup.select("ul.submissions-list"):
        if _in_hidden_tab(ul):
            continue
        for li in ul.find_all("li", recursive=False):
            for note in li.find_all("div", class_="note", recursive=False):
                if _title_link(note) is not None:
                    cards.append(str(note))
    return cards


# --- reading one card --------------------------------------------------------------------------


# The readers below walk either tree (BeautifulSoup's, ``dom=SoupDom``, or card_trees.py's lxml
# one, ``TreeDom``) with the meaning of the CSS selectors in their comments; a descendant or
# child combinator may match an ancestor outside the card, as CSS does.  (Plain walks: soupsieve
# and BeautifulSoup's find() cost more than the walk on a card of a few dozen elements.)


def _card_title_link(note, dom):
    h4 = find_first(dom, note, lambda e: dom.name(e) == "h4")
    if h4 is None:
        return None
    return find_first(dom, h4, lambda a: dom.name(a) == "a" and forum_id(dom.get(a, "href")) is not None)


def _content_fields(note, dom=SoupDom) -> dict:
    """The note's content fields by lower-cased label ("abstract", "keywords", "pdf", "html")."""
    fields: dict = {}
    # ".note-content strong, .note-content .note-content-field", in document order
    labels = (el for el in dom.tags(note) if (dom.name(el) == "strong" or "note-content-field" in dom.classes(el))
              and any("note-content" in dom.classes(anc) for anc in dom.ancestors(el)))
    for label in labels:
        m = _FIELD_LABEL_RE.match(dom.text(label))
        if not m:
            continue
        name = m.group(1).strip().lower()
        holder = dom.parent(label)
        value = find_first(dom, holder, lambda e: "note-content-value" in dom.classes(e)) if holder is not None else None
        if name not in fields and value is not None:
            fields[name] = value
    return fields


def read_card(note, url: str, dom=SoupDom) -> Paper:
    link = _card_title_link(note, dom)
    fid = forum_id(dom.get(link, "href")) if link is not None else None
    authors_el = find_first(dom, note, lambda e: "note-authors" in dom.classes(e))  # .note-authors
    authors = [dom.text(a) for a in dom.tags(authors_el) if dom.name(a) == "a"] if authors_el is not None else []
    if not authors and authors_el is not None:
        authors = [a.strip() for a in dom.text(authors_el).split(",") if a.strip()]
    meta_items = [dom.text(li) for li in dom.tags(note) if dom.name(li) == "li"  # ul.note-meta-info > li
                  and dom.name(dom.parent(li)) == "ul" and "note-meta-info" in dom.classes(dom.parent(li))]
    published = ""
    for item in meta_items[:2]:
        m = _DATE_RE.search(item)
        if m:
            published = parse_display_date(m.group(1))
            break
    venue = next((item for item in meta_items[1:3] if item and not item.lower().startswith(("readers", "published"))), "")
    fields = _content_fields(note, dom)
    arxiv_id = doi = None
    pdf_href = None
    for a in dom.tags(note):
        href = dom.get(a, "href") if dom.name(a) == "a" else None
        if href is None:
            continue
        if "arxiv.org/" in href and not arxiv_id:
            arxiv_id = normalize_arxiv_id(href)
        elif "doi.org/" in href and not doi:
            doi = normalize_doi(href)
        if pdf_href is None and "pdf-link" in dom.classes(a):  # a.pdf-link[href]
            pdf_href = href
    urls = {"abs": forum_url(fid)} if fid else {}
    if pdf_href is not None and pdf_href.startswith(("/attachment?", "/pdf?")):
        urls["pdf"] = BASE + pdf_href
    keywords = [k.strip() for k in dom.text(fields.get("keywords")).split(",") if k.strip()]
    return Paper(
        title=dom.text(link),
        arxiv_id=arxiv_id,
        doi=doi,
        authors=authors,
        abstract=dom.text(fields.get("abstract")),
        published=published,
        venue=venue,
        urls=urls,
        keywords=keywords,
        sources=[Source(SITE, url)],
    )


def read_forum(page: PageParts) -> Paper:
    """A forum page: its citation_* tags, with the forum's own link."""
    paper = paper_from_meta(page)
    fid = forum_id(page.url if page.url.startswith("http") else "")
    if fid:
        paper.urls["abs"] = forum_url(fid)
    paper.sources = [Source(SITE, page.url)]
    return Paper(**{**paper.__dict__, "key": ""})


def scrape(page: PageParts) -> ParseResult:
    result = ParseResult(parser=NAME)
    if page.cards:
        trees = card_trees(page.cards)  # one lxml parse of every card, else BeautifulSoup's trees
        dom = TreeDom if trees is not None else SoupDom
        for index, el in enumerate(trees if trees is not None else card_soups(page.cards)):
            note = el if "note" in dom.classes(el) else find_first(dom, el, lambda e: "note" in dom.classes(e), el)
            paper = read_card(note, page.url, dom)
            if not card_id(paper):
                result.skipped.append(Skipped(index, "card has no /forum?id= link"))
            elif not paper.title:
                result.skipped.append(Skipped(index, f"card for forum {card_id(paper)} has no title"))
            else:
                result.papers.append(ParsedPaper(index, paper))
        return result
    if page.meta_values("citation_title"):
        paper = read_forum(page)
        if paper.title:
            result.papers.append(ParsedPaper(0, paper))
            return result
    result.skipped.append(Skipped(-1, "no submissions shown and no paper data on this OpenReview page"))
    return result
