"""ACL Anthology (aclanthology.org): event pages (``/events/<event>/``), volume pages
(``/volumes/<volume>/``), people pages and paper pages (``/<anthology id>/``).

Lists come from the Anthology's Hugo templates (acl-org/acl-anthology,
``hugo/layouts/papers/list-entry.html``) [sure]: each paper is a ``<p class="d-sm-flex
align-items-stretch">`` holding a row of badges (``pdf``, ``bib``, ``abs`` toggling the abstract)
and ``<strong><a class="align-middle" href="/<id>/">title</a></strong>``, then the author links
(``/people/…``) separated by ``|``; its abstract, when it has one, is the next sibling
``div.abstract-collapse`` (the card is the pair, as arXiv's <dt>/<dd>).  The volume's front
matter (``<volume>.0``, old-style ``X00-1000``) is not a paper.

A paper page carries ``citation_*`` meta (title, authors, conference or journal title,
``citation_publication_date``, pages, ``citation_doi``) [sure: ``papers/single.html``].

Identity: a listed paper has no DOI on the list, so it is keyed by title and joins the record of
its DOI or arXiv id by the store's title rule; the paper page's DOI wins.  ``card_id`` is the
Anthology id.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bs4.element import Tag

from ...papers import Paper, Source
from ...parsing.base import PageParts, ParsedPaper, ParseResult, Skipped
from ...parsing.citation_meta import paper_from_meta
from ...parsing.common import absolute, card_soups, host_of, path_of, text_of

NAME = "acl"
SITE = "acl"
BASE = "https://aclanthology.org"

# 2023.acl-long.41 (since 2020) or P18-1001 (before); the path of a paper page is /<id>/.
_PATH_RE = re.compile(r"/(\d{4}\.[a-z0-9][a-z0-9-]{0,40}\.\d{1,5}|[A-Z]\d{2}-\d{4})/?")


def _is_site(url: str) -> bool:
    return host_of(url) in ("aclanthology.org", "www.aclanthology.org")


def anthology_id(href) -> str | None:
    """The Anthology id of a link to a paper page (``/2023.acl-long.41/``), None otherwise (a
    PDF, a volume, a person) and for front matter."""
    if not isinstance(href, str):
        return None
    try:
        parts = urlsplit(href.strip()[:500])
    except ValueError:
        return None
    if parts.netloc and parts.netloc not in ("aclanthology.org", "www.aclanthology.org"):
        return None
    m = _PATH_RE.fullmatch(parts.path)
    if not m:
        return None
    aid = m.group(1)
    number = aid.rsplit(".", 1)[1] if "." in aid else aid[-3:]
    return None if int(number) == 0 else aid


def is_single_page(url: str) -> bool:
    return _is_site(url) and anthology_id(path_of(url)) is not None


def card_id(paper: Paper) -> str | None:
    return anthology_id(path_of(paper.urls.get("abs", "")))


def detect(page: PageParts) -> bool:
    if _is_site(page.url):
        return bool(page.cards or page.meta or page.html)
    return any("align-middle" in c and "d-sm-flex" in c for c in page.cards[:5])


def _title_link(entry: Tag) -> Tag | None:
    for strong in entry.find_all("strong"):
        for a in strong.find_all("a", href=True):
            if anthology_id(a.get("href")):
                return a
    return None


def volume_of(aid: str) -> str:
    """The volume an Anthology id belongs to: 2023.acl-long.41 -> 2023.acl-long, P18-1001 -> P18-1."""
    return aid.rsplit(".", 1)[0] if "." in aid else aid[:5]


# A volume's page (/volumes/2023.acl-long/) or its full PDF (/2023.acl-long.pdf: the link of a
# volume page's h2#title).
_VOLUME_PATH_RE = re.compile(r"/(?:volumes/)?(\d{4}\.[a-z0-9][a-z0-9-]{0,40}|[A-Z]\d{2}-\d)(?:/|\.pdf)?")


def page_props(soup) -> dict | None:
    """The titles of the volumes a page lists (the venue of its papers), as find.js sends them:
    a volume page's h2#title, an event page's volume headings (h4 links to /volumes/…)."""
    titles: dict[str, str] = {}
    for a in soup.select("h2#title a[href], h4 a[href]"):
        m = _VOLUME_PATH_RE.fullmatch(path_of(a["href"]))
        if m and m.group(1) not in titles and anthology_id(path_of(a["href"])) is None:
            titles[m.group(1)] = text_of(a)[:500]
    return {"volumes": titles} if titles else None


def find_cards(soup, url: str = "") -> list[str]:
    """Each list entry with its abstract, as the finder sends it."""
    cards = []
    # Any <p> whose <strong> links a paper page: the class names (d-sm-flex…) are Bootstrap's and
    # changed with its versions; the entry's shape did not.
    for p in soup.find_all("p"):
        if _title_link(p) is None:
            continue
        after = p.find_next_sibling()
        abstract = after if isinstance(after, Tag) and "abstract-collapse" in (after.get("class") or []) else None
        cards.append(str(p) + (str(abstract) if abstract is not None else ""))
    return cards


def _year(aid: str) -> str:
    if "." in aid:
        return aid[:4]
    yy = int(aid[1:3])
    return str((1900 if yy >= 60 else 2000) + yy)


def read_card(el: Tag, url: str, volumes: dict | None = None) -> Paper:
    entry = next((p for p in el.find_all("p") if _title_link(p) is not None), el)
    link = _title_link(entry)
    aid = anthology_id(link.get("href")) if link is not None else None
    body = link.find_parent("span") if link is not None else None
    authors = [text_of(a) for a in (body or entry).find_all("a", href=True) if "/people/" in a["href"]]
    urls = {"abs": f"{BASE}/{aid}/"} if aid else {}
    for a in entry.find_all("a", href=True):
        href = absolute(url or BASE + "/", a["href"])
        if href.endswith(".pdf") and "pdf" not in urls and text_of(a).lower() == "pdf":
            urls["pdf"] = href
    abstract = el.find("div", class_="abstract-collapse")
    venue = (volumes or {}).get(volume_of(aid)) if aid else None
    return Paper(
        title=text_of(link),
        authors=authors,
        abstract=text_of(abstract),
        venue=venue if isinstance(venue, str) else "",
        published=_year(aid) if aid else "",
        urls=urls,
        sources=[Source(SITE, url)],
    )


def read_paper_page(page: PageParts) -> Paper:
    paper = paper_from_meta(page)
    aid = anthology_id(path_of(page.url))
    if aid:
        paper.urls["abs"] = f"{BASE}/{aid}/"
    paper.sources = [Source(SITE, page.url)]
    return Paper(**{**paper.__dict__, "key": ""})


def scrape(page: PageParts) -> ParseResult:
    result = ParseResult(parser=NAME)
    props = page.props_json()
    volumes = props.get("volumes") if isinstance(props, dict) and isinstance(props.get("volumes"), dict) else None
    if page.cards:
        for index, el in enumerate(card_soups(page.cards)):
            paper = read_card(el, page.url, volumes)
            if not card_id(paper):
                result.skipped.append(Skipped(index, "card has no link to an Anthology paper page"))
            elif not paper.title:
                result.skipped.append(Skipped(index, f"card for {card_id(paper)} has no title"))
            else:
                result.papers.append(ParsedPaper(index, paper))
        return result
    if page.meta_values("citation_title"):
        paper = read_paper_page(page)
        if paper.title:
            result.papers.append(ParsedPaper(0, paper))
            return result
    result.skipped.append(Skipped(-1, "no papers listed and no paper data on this ACL Anthology page"))
    return result
