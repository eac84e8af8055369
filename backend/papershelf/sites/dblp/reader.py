"""dblp (dblp.org, dblp.uni-trier.de): tables of contents (``/db/conf/…``, ``/db/journals/…``),
person pages (``/pid/…``) and search results (``/search?q=…``, filled in by script).

Every list is a ``ul.publ-list`` of ``li.entry`` (with the type: ``inproceedings``, ``article``,
``informal``…; ``editor``/``proceedings`` entries are volumes, not papers) whose ``id`` is the
dblp key (``conf/iclr/DarcetOMB24``).  Inside, ``nav.publ`` holds the "electronic edition" links
(a DOI at ``doi.org``, an arXiv ``/abs/`` page, the publisher's) and ``cite.data`` (schema.org
markup: ``span[itemprop=author]`` names, ``span.title`` ending in a period, the venue link and
``span[itemprop=datePublished]``) [likely: scrapers select ``ul.publ-list`` and ``span.title``;
the schema.org attributes are dblp's long-standing markup].

Identity: a DOI or arXiv edition link wins (``doi:``/``arxiv:`` key); else the title.  ``card_id``
is the dblp key, which the reader keeps as the ``abs`` link ``https://dblp.org/rec/<key>.html``.
"""

from __future__ import annotations

import re

from ...papers import Paper, Source, normalize_arxiv_id, normalize_doi
from ...parsing.base import PageParts, ParseResult
from ...parsing.card_trees import SoupDom, TreeDom, find_first
from ...parsing.common import host_of, path_of, text_of
from ...parsing.listing import scrape_cards

NAME = "dblp"
SITE = "dblp"
HOSTS = ("dblp.org", "dblp.uni-trier.de", "www.dblp.org")

_KEY_RE = re.compile(r"[a-z]{1,20}/[A-Za-z0-9_\-]{1,80}/[A-Za-z0-9_\-:.]{1,120}")
_REC_RE = re.compile(r"https://dblp\.org/rec/([a-z]{1,20}/[A-Za-z0-9_\-]{1,80}/[A-Za-z0-9_\-:.]{1,120})\.html")
NOT_PAPERS = {"editor", "proceedings"}


def is_single_page(url: str) -> bool:
    return False  # a record page (/rec/…) is not among the pages read


def card_id(paper: Paper) -> str | None:
    m = _REC_RE.fullmatch(paper.urls.get("abs", ""))
    return m.group(1) if m else None


def detect(page: PageParts) -> bool:
    if host_of(page.url) in HOSTS:
        return bool(page.cards or page.meta or page.html)
    return any('class="entry' in c and "publ" in c for c in page.cards[:5])


def _entry_key(li, dom=SoupDom) -> str | None:
    classes = dom.classes(li)
    if "entry" not in classes or NOT_PAPERS & set(classes):
        return None
    key = dom.get(li, "id")
    return key if isinstance(key, str) and _KEY_RE.fullmatch(key) else None


def find_cards(soup, url: str = "") -> list[str]:
    return [str(li) for ul in soup.select("ul.publ-list") for li in ul.find_all("li", recursive=False)
            if _entry_key(li) and li.select_one("span.title")]


def read_card(el, url: str, dom=SoupDom) -> Paper:
    """One card, from BeautifulSoup's tree (``dom=SoupDom``) or lxml's (``TreeDom``): the same
    walks as the CSS selectors in the comments, a descendant combinator looking at every ancestor
    (as CSS does, not only those inside the card)."""
    # (``is None``, never ``or``: an lxml element without children is falsy)
    li = el if dom.name(el) == "li" else find_first(dom, el, lambda e: dom.name(e) == "li" and "entry" in dom.classes(e), el)
    key = _entry_key(li, dom) if dom.name(li) == "li" else None
    data = find_first(dom, li, lambda e: dom.name(e) == "cite", li)
    title = dom.text(find_first(dom, data, lambda e: dom.name(e) == "span" and "title" in dom.classes(e)))  # span.title
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1]
    # span[itemprop=author], each one's [itemprop=name] or itself
    authors = [dom.text(find_first(dom, a, lambda e: dom.get(e, "itemprop") == "name", a))
               for a in dom.tags(data) if dom.name(a) == "span" and dom.get(a, "itemprop") == "author"]
    year = dom.text(find_first(dom, data, lambda e: dom.get(e, "itemprop") == "datePublished"))
    venue = dom.text(find_first(dom, data, lambda e: dom.get(e, "itemprop") == "name" and any(  # [itemprop=isPartOf] [itemprop=name]
        dom.get(anc, "itemprop") == "isPartOf" for anc in dom.ancestors(e))))
    doi = arxiv_id = None
    for a in dom.tags(li):  # nav.publ a[href]
        if (doi and arxiv_id) or dom.name(a) != "a" or dom.get(a, "href") is None or not any(
                dom.name(anc) == "nav" and "publ" in dom.classes(anc) for anc in dom.ancestors(a)):
            continue
        href = dom.get(a, "href")
        if not doi and re.match(r"https?://(?:dx\.)?doi\.org/10\.", href):
            doi = normalize_doi(href)
        if not arxiv_id and "arxiv.org/abs/" in href:
            arxiv_id = normalize_arxiv_id(href)
    return Paper(
        title=title,
        arxiv_id=arxiv_id,
        doi=doi,
        authors=authors,
        published=year if re.fullmatch(r"\d{4}", year) else "",
        venue=venue if venue.lower() != "corr" else "",
        urls={"abs": f"https://dblp.org/rec/{key}.html"} if key else {},
        sources=[Source(SITE, url)],
    )


def scrape(page: PageParts) -> ParseResult:
    return scrape_cards(page, NAME, read_card, card_id, what="dblp key",
                        read_tree=lambda el, url: read_card(el, url, TreeDom))
