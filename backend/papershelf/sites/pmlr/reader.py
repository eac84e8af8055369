"""PMLR (proceedings.mlr.press): volume pages (``/v<N>/``) and paper pages
(``/v<N>/<key>.html``).

A volume lists each paper as ``div.paper``: ``p.title`` (plain text, no link), ``p.details``
holding ``span.authors`` (names separated by ",&nbsp;") and ``span.info`` ("<i>Proceedings of the
40th International Conference on Machine Learning</i>, PMLR 202:1234-1250"), and ``p.links`` with
the ``abs`` link (the paper page), ``Download PDF``, often ``OpenReview``, sometimes ``arXiv
version`` or ``Software`` [sure: PMLR's Jekyll theme, github.com/mlresearch/jekyll-theme,
_includes/listpaper.html].  A paper page carries ``citation_*`` meta ("Given Family" authors,
first and last page, the conference's name) [sure: _includes/paper_google_scholar.html].

Identity: keyed by title; joins the arXiv record by the store's title rule.  ``card_id`` is the
paper page's path without ``.html`` (``v202/oswald23a``).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bs4.element import Tag

from ...papers import Paper, Source
from ...parsing.base import PageParts, ParseResult
from ...parsing.common import absolute, host_of, path_of, text_of
from ...parsing.listing import scrape_cards

NAME = "pmlr"
SITE = "pmlr"
BASE = "https://proceedings.mlr.press"

_PAPER_PATH_RE = re.compile(r"/(v\d{1,4}/[A-Za-z0-9_\-]{1,120})\.html")
_PAGES_RE = re.compile(r"PMLR\s+\d{1,4}\s*:\s*(\d{1,6}(?:-\d{1,6})?)")


def _is_site(url: str) -> bool:
    return host_of(url) == "proceedings.mlr.press"


def paper_key_of(href) -> str | None:
    """``v202/oswald23a`` for a link to a paper page, else None."""
    if not isinstance(href, str):
        return None
    try:
        parts = urlsplit(href.strip()[:500])
    except ValueError:
        return None
    if parts.netloc and parts.netloc != "proceedings.mlr.press":
        return None
    m = _PAPER_PATH_RE.fullmatch(parts.path)
    return m.group(1) if m else None


def is_single_page(url: str) -> bool:
    return _is_site(url) and paper_key_of(path_of(url)) is not None


def card_id(paper: Paper) -> str | None:
    return paper_key_of(path_of(paper.urls.get("abs", "")))


def detect(page: PageParts) -> bool:
    if _is_site(page.url):
        return bool(page.cards or page.meta or page.html)
    return any('class="paper"' in c and 'class="title"' in c and "mlr.press" in c for c in page.cards[:5])


def _abs_link(el: Tag) -> Tag | None:
    for a in el.select("p.links a[href]"):
        if text_of(a).lower() == "abs" and paper_key_of(a.get("href")):
            return a
    return None


def find_cards(soup, url: str = "") -> list[str]:
    return [str(div) for div in soup.select("div.paper") if div.select_one("p.title") and _abs_link(div) is not None]


def read_card(el: Tag, url: str) -> Paper:
    div = el if "paper" in (el.get("class") or []) else el.find("div", class_="paper") or el
    link = _abs_link(div)
    key = paper_key_of(link.get("href")) if link is not None else None
    authors_text = text_of(div.select_one("span.authors")).replace("\xa0", " ")
    info = text_of(div.select_one("span.info"))
    venue = info.split(", PMLR", 1)[0].strip() if ", PMLR" in info else ""
    m = _PAGES_RE.search(info)
    urls = {"abs": f"{BASE}/{key}.html"} if key else {}
    for a in div.select("p.links a[href]"):
        label = text_of(a).lower()
        if label == "download pdf" and "pdf" not in urls:
            urls["pdf"] = absolute(url or BASE + "/", a["href"])
        elif label == "code" and "code" not in urls and a["href"].startswith("https://"):
            urls["code"] = a["href"]
    return Paper(
        title=text_of(div.select_one("p.title")),
        authors=[a.strip() for a in authors_text.split(",") if a.strip()],
        venue=venue,
        journal_ref=f"PMLR {key.split('/')[0][1:]}:{m.group(1)}" if key and m else "",
        pages=m.group(1) if m else "",
        urls={k: v for k, v in urls.items() if v},
        sources=[Source(SITE, url)],
    )


def scrape(page: PageParts) -> ParseResult:
    key = paper_key_of(path_of(page.url)) if _is_site(page.url) else None
    return scrape_cards(page, NAME, read_card, card_id, abs_url=f"{BASE}/{key}.html" if key else "", what="abs link")
