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

from bs4.element import Tag

from ...papers import Paper, Source, normalize_arxiv_id, normalize_doi
from ...parsing.base import PageParts, ParseResult
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


def _entry_key(li: Tag) -> str | None:
    classes = li.get("class") or []
    if "entry" not in classes or NOT_PAPERS & set(classes):
        return None
    key = li.get("id")
    return key if isinstance(key, str) and _KEY_RE.fullmatch(key) else None


def find_cards(soup, url: str = "") -> list[str]:
    return [str(li) for ul in soup.select("ul.publ-list") for li in ul.find_all("li", recursive=False)
            if _entry_key(li) and li.select_one("span.title")]


def _has_ancestor(el: Tag, test) -> bool:
    return any(test(anc) for anc in el.parents)


def _in_part_of(el: Tag) -> bool:
    return _has_ancestor(el, lambda anc: anc.get("itemprop") == "isPartOf")


def _in_publ_nav(el: Tag) -> bool:
    return _has_ancestor(el, lambda anc: anc.name == "nav" and "publ" in (anc.get("class") or []))


def read_card(el: Tag, url: str) -> Paper:
    # find/find_all with the same meaning as the CSS selectors they replace (soupsieve's matching
    # was half of a 100-card request, bench/badges_where.py): a descendant combinator looks at
    # every ancestor, as CSS does, not only those inside the card.
    li = el if el.name == "li" else el.find("li", class_="entry") or el
    key = _entry_key(li) if li.name == "li" else None
    data = li.find("cite") or li
    title = text_of(data.find("span", class_="title"))
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1]
    authors = [text_of(a.find(attrs={"itemprop": "name"}) or a) for a in data.find_all("span", attrs={"itemprop": "author"})]
    year = text_of(data.find(attrs={"itemprop": "datePublished"}))
    venue = text_of(next((n for n in data.find_all(attrs={"itemprop": "name"}) if _in_part_of(n)), None))
    doi = arxiv_id = None
    for a in li.find_all("a", href=True):
        if (doi and arxiv_id) or not _in_publ_nav(a):
            continue
        href = a["href"]
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
    return scrape_cards(page, NAME, read_card, card_id, what="dblp key")
