"""NeurIPS proceedings (proceedings.neurips.cc, papers.nips.cc): a year's list
(``/paper_files/paper/<year>``) and paper pages (``…/hash/<hash>-Abstract-<track>.html``).

A year lists each paper as a ``<li>`` (class ``conference``, ``datasets_and_benchmarks``…) holding
``a[title="paper title"]`` to its abstract page and its authors in ``span.paper-authors`` (older
years: an ``<i>``) [likely: scrapers select the title links by that attribute; the author element
is a guess].  A paper page carries ``citation_*`` meta [likely].

Identity: keyed by title (the paper page's year is in its URL and meta); ``card_id`` is
``<year>/<hash>``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bs4.element import Tag

from ...papers import Paper, Source
from ...parsing.base import PageParts, ParseResult
from ...parsing.common import host_of, path_of, text_of
from ...parsing.listing import scrape_cards

NAME = "neurips"
SITE = "neurips"
HOSTS = ("proceedings.neurips.cc", "papers.nips.cc")
BASE = "https://proceedings.neurips.cc"

_PATH_RE = re.compile(r"/paper_files/paper/(\d{4})/hash/([0-9a-f]{32})-Abstract(?:-([A-Za-z_]{1,40}))?\.html")


def paper_id(href) -> str | None:
    """``2023/<hash>`` for a link to a paper's abstract page, else None."""
    if not isinstance(href, str):
        return None
    try:
        parts = urlsplit(href.strip()[:500])
    except ValueError:
        return None
    if parts.netloc and parts.netloc not in HOSTS:
        return None
    m = _PATH_RE.fullmatch(parts.path)
    return f"{m.group(1)}/{m.group(2)}" if m else None


def is_single_page(url: str) -> bool:
    return host_of(url) in HOSTS and paper_id(path_of(url)) is not None


def card_id(paper: Paper) -> str | None:
    return paper_id(path_of(paper.urls.get("abs", "")))


def detect(page: PageParts) -> bool:
    if host_of(page.url) in HOSTS:
        return bool(page.cards or page.meta or page.html)
    return any('title="paper title"' in c for c in page.cards[:5])


def _title_link(el: Tag) -> Tag | None:
    return next((a for a in el.find_all("a", attrs={"title": "paper title"}) if paper_id(a.get("href"))), None)


def find_cards(soup, url: str = "") -> list[str]:
    return [str(li) for li in soup.find_all("li") if _title_link(li) is not None and not li.find("li")]


def read_card(el: Tag, url: str) -> Paper:
    link = _title_link(el)
    pid = paper_id(link.get("href")) if link is not None else None
    authors_el = el.select_one("span.paper-authors") or el.find("i")
    urls = {}
    if link is not None and pid:
        path = urlsplit(link["href"]).path
        urls["abs"] = BASE + path
        urls["pdf"] = BASE + path.replace("/hash/", "/file/").replace("-Abstract", "-Paper")[: -len(".html")] + ".pdf"
    return Paper(
        title=text_of(link),
        authors=[a.strip() for a in text_of(authors_el).split(",") if a.strip()],
        published=pid.split("/")[0] if pid else "",
        venue="Advances in Neural Information Processing Systems" if pid else "",
        urls=urls,
        sources=[Source(SITE, url)],
    )


def scrape(page: PageParts) -> ParseResult:
    own = BASE + path_of(page.url) if is_single_page(page.url) else ""
    return scrape_cards(page, NAME, read_card, card_id, abs_url=own, what="link to its abstract page")
