"""Google Scholar (scholar.google.com and its country hosts, scholar.google.co.uk, .de, … : the
same pages on each): result pages (``/scholar?q=…``, ``cites=``, ``cluster=``).

Each result is ``div.gs_r[data-cid]`` (``data-cid`` is Scholar's id for the result, the card's
id) holding ``div.gs_ri``: ``h3.gs_rt`` (the title, a link to the publisher, arXiv or a PDF; a
``[PDF]``/``[HTML]``/``[CITATION]`` tag span before it), ``div.gs_a`` ("A Author, B Author… -
Venue, 2023 - host": authors cut short, the venue and year), ``div.gs_rs`` (a snippet, never the
whole abstract) and ``div.gs_fl`` (Cited by…, versions) [likely: what scrapers of Scholar read].
Results are not always papers (books, citations); a result without a title is skipped.

Identity: a title link to arXiv, or "arXiv:<id>" in the byline, keys the paper by its id; else
the title, which joins the arXiv or
proceedings record when the year and first author agree (Scholar cuts author lists short, but its
first author is the paper's).  The result's ``data-cid`` is kept in its Scholar link (``abs``).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from bs4.element import Tag

from ...papers import Paper, Source, normalize_arxiv_id, normalize_doi
from ...parsing.base import PageParts, ParseResult
from ...parsing.common import host_of, text_of
from ...parsing.listing import scrape_cards

NAME = "scholar"
SITE = "scholar"
_CID_RE = re.compile(r"[A-Za-z0-9_\-]{4,40}")
_YEAR_RE = re.compile(r"(?:^|[\s,])((?:19|20)\d{2})\s*(?:-|$)")
_ARXIV_TEXT_RE = re.compile(r"arXiv:\s?(\d{4}\.\d{4,5})")
_TAG_RE = re.compile(r"^\s*\[(?:PDF|HTML|CITATION|BOOK|B|C)\]\s*", re.I)


def _is_site(url: str) -> bool:
    host = host_of(url)
    return host == "scholar.google.com" or host.startswith("scholar.google.")


def is_single_page(url: str) -> bool:
    return False


def card_id(paper: Paper) -> str | None:
    link = paper.urls.get("abs") or ""
    if not link.startswith("https://scholar.google.com/scholar?"):
        return None
    cid = parse_qs(urlsplit(link).query).get("cluster", [""])[0]
    return cid if _CID_RE.fullmatch(cid) else None


def detect(page: PageParts) -> bool:
    if _is_site(page.url):
        return bool(page.cards or page.html)
    return any("gs_ri" in c and "data-cid" in c for c in page.cards[:5])


def _cid(el: Tag) -> str | None:
    cid = el.get("data-cid")
    return cid if isinstance(cid, str) and _CID_RE.fullmatch(cid) else None


def _title_text(rt: Tag | None) -> str:
    """A title without a link ([CITATION] results): its text without the type tags. Scholar
    writes the tag twice, long and short (``<span class="gs_ctu"><span class="gs_ct1">[CITATION]
    </span><span class="gs_ct2">[C]</span></span>``: its stylesheet shows one of them), so the
    tag spans are left out rather than their text cut off [sure: a real page]."""
    if rt is None:
        return ""
    parts = [text_of(node) if isinstance(node, Tag) else str(node) for node in rt.children
             if not (isinstance(node, Tag) and any(c.startswith("gs_ct") for c in node.get("class") or []))]
    return " ".join(" ".join(parts).split())


def find_cards(soup, url: str = "") -> list[str]:
    return [str(div) for div in soup.select("div.gs_r[data-cid]") if _cid(div) and div.select_one("h3.gs_rt")]


def read_card(el: Tag, url: str) -> Paper:
    div = el if el.get("data-cid") else el.find("div", attrs={"data-cid": True}) or el
    cid = _cid(div)
    rt = div.select_one("h3.gs_rt")
    link = rt.find("a", href=True) if rt is not None else None
    title = _TAG_RE.sub("", text_of(link) if link is not None else _title_text(rt))
    byline = text_of(div.select_one("div.gs_a"))
    people, _, rest = byline.partition(" - ")
    authors = [a.strip() for a in people.replace("…", ",").split(",") if a.strip()]
    venue_year = rest.rsplit(" - ", 1)[0] if " - " in rest else rest
    m = _YEAR_RE.search(venue_year)
    venue = venue_year[: m.start(1)].rstrip(" ,") if m else venue_year
    href = link["href"] if link is not None else ""
    arxiv_id = normalize_arxiv_id(href) if "arxiv.org/" in href else None
    if not arxiv_id:  # "arXiv preprint arXiv:2309.16588, 2023 - arxiv.org"
        m_id = _ARXIV_TEXT_RE.search(byline)
        arxiv_id = normalize_arxiv_id(m_id.group(1)) if m_id else None
    doi = normalize_doi(href) if "doi.org/10." in href else None
    # The result's own link (its cluster of versions) is the card's "abs"; a PDF link is kept.
    urls = {"abs": f"https://scholar.google.com/scholar?cluster={cid}"} if cid else {}
    if href.startswith("https://") and href.lower().endswith(".pdf"):
        urls["pdf"] = href
    return Paper(
        title=title,
        arxiv_id=arxiv_id,
        doi=doi,
        authors=authors,
        abstract=text_of(div.select_one("div.gs_rs")),
        abstract_truncated=True,  # a snippet
        published=m.group(1) if m else "",
        # A venue Scholar cut short ("Advances in Neural …") or an arXiv preprint is no venue.
        venue="" if not venue or venue.endswith("…") or venue.lower().startswith("arxiv") else venue,
        urls=urls,
        sources=[Source(SITE, url)],
    )


def scrape(page: PageParts) -> ParseResult:
    return scrape_cards(page, NAME, read_card, card_id, what="Scholar id (data-cid)")
