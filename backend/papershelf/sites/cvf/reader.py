"""CVF Open Access (openaccess.thecvf.com): conference lists (``/<CONF><YEAR>?day=all``,
per-day lists, workshop lists) and paper pages (``/content/<CONF><YEAR>/html/<key>_paper.html``).

A list is a ``<dl>`` where each paper is a ``dt.ptitle`` (the title link to the paper page)
followed by ``<dd>`` elements: the authors (each a form ``form.authsearch`` with a hidden
``query_author`` input and a link showing the name), then the links (``pdf``, ``supp``, often
``arXiv``) and a hidden BibTeX block [likely: scrapers of the site agree].  The card is the
``dt`` with its ``dd``s.  A paper page carries ``citation_*`` meta and ``div#papertitle``
[likely], and often an arXiv link, which the finder sends as page data (``page_props``).

Identity: an arXiv link on the card wins (``arxiv:`` key), else the title; ``card_id`` is
``<CONF><YEAR>/<key>_paper``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bs4.element import Tag

from ...papers import Paper, Source, normalize_arxiv_id
from ...parsing.base import PageParts, ParseResult
from ...parsing.common import host_of, path_of, text_of
from ...parsing.listing import scrape_cards

NAME = "cvf"
SITE = "cvf"
BASE = "https://openaccess.thecvf.com"

# /content/CVPR2023/html/<key>_paper.html, workshops /content/CVPR2023W/<workshop>/html/…, before
# 2019 /content_cvpr_2018/html/…
_PATH_RE = re.compile(r"/content(?:_([A-Za-z]{2,10}_\d{4}))?/(?:([A-Za-z]{2,10}\d{4}[A-Za-z_]{0,20})/)?(?:[A-Za-z0-9_\-]{1,60}/)?html/([A-Za-z0-9_\-]{1,250}_paper)\.html")
_YEAR_RE = re.compile(r"(\d{4})")
_FOLDER_RE = re.compile(r"([A-Za-z]{2,10})((?:19|20)\d{2})")


def paper_id(href) -> str | None:
    """``CVPR2023/<key>_paper`` for a link to a paper page, else None."""
    if not isinstance(href, str):
        return None
    try:
        parts = urlsplit(href.strip()[:600])
    except ValueError:
        return None
    if parts.netloc and parts.netloc != "openaccess.thecvf.com":
        return None
    m = _PATH_RE.fullmatch(parts.path)
    if not m:
        return None
    conf = m.group(2) or (m.group(1) or "").replace("_", "")
    return f"{conf}/{m.group(3)}" if conf else None


def is_single_page(url: str) -> bool:
    return host_of(url) == "openaccess.thecvf.com" and paper_id(path_of(url)) is not None


def card_id(paper: Paper) -> str | None:
    return paper_id(path_of(paper.urls.get("abs", "")))


def detect(page: PageParts) -> bool:
    if host_of(page.url) == "openaccess.thecvf.com":
        return bool(page.cards or page.meta or page.html)
    return any('class="ptitle"' in c for c in page.cards[:5])


def _title_link(el: Tag) -> Tag | None:
    dt = el if el.name == "dt" else el.find("dt", class_="ptitle")
    if dt is None:
        return None
    return next((a for a in dt.find_all("a", href=True) if paper_id(a["href"])), None)


def find_cards(soup, url: str = "") -> list[str]:
    cards = []
    for dt in soup.find_all("dt", class_="ptitle"):
        if _title_link(dt) is None:
            continue
        parts = [str(dt)]
        for sib in dt.find_next_siblings():
            if sib.name != "dd":
                break
            parts.append(str(sib))
        cards.append("".join(parts))
    return cards


def _venue(folder: str) -> str:
    """The conference a list's folder names: "ICCV2023" reads "ICCV 2023" (a workshop folder,
    "ICCV2023W", is kept as it is)."""
    m = _FOLDER_RE.fullmatch(folder)
    return f"{m[1]} {m[2]}" if m else folder


def read_card(el: Tag, url: str) -> Paper:
    link = _title_link(el)
    pid = paper_id(link["href"]) if link is not None else None
    authors = [i.get("value", "").strip() for i in el.select("form.authsearch input[name=query_author]")]
    if not any(authors):
        authors = [text_of(a) for a in el.select("form.authsearch a")]
    urls = {"abs": BASE + urlsplit(link["href"]).path} if pid else {}
    arxiv_id = None
    for a in el.find_all("a", href=True):
        label, href = text_of(a).lower(), a["href"].strip()
        if label == "pdf" and "pdf" not in urls and href.endswith(".pdf") and href.startswith("/"):
            urls["pdf"] = BASE + href
        elif "arxiv.org/abs/" in href and not arxiv_id:
            arxiv_id = normalize_arxiv_id(href)
    year = _YEAR_RE.search(pid.split("/")[0]) if pid else None
    return Paper(
        title=text_of(link),
        arxiv_id=arxiv_id,
        authors=[a for a in authors if a],
        published=year.group(1) if year else "",
        venue=_venue(pid.split("/")[0]) if pid else "",
        urls=urls,
        sources=[Source(SITE, url)],
    )


def page_props(soup) -> dict | None:
    """A paper page's arXiv link (its meta tags name none), as find.js's pageData sends it."""
    if soup.find("dt", class_="ptitle") is not None:
        return None
    link = soup.find("a", href=re.compile(r"arxiv\.org/abs/"))
    return {"arxiv": link["href"][:300]} if link is not None else None


def scrape(page: PageParts) -> ParseResult:
    own = BASE + path_of(page.url) if is_single_page(page.url) else ""
    result = scrape_cards(page, NAME, read_card, card_id, abs_url=own, what="link to its paper page")
    props = page.props_json()
    arxiv_id = normalize_arxiv_id(props.get("arxiv")) if isinstance(props, dict) and isinstance(props.get("arxiv"), str) else None
    if not page.cards and arxiv_id and len(result.papers) == 1:
        # The arXiv id found on the page wins: the paper is keyed by it.
        paper = result.papers[0].paper
        result.papers[0].paper = Paper(**{**paper.__dict__, "arxiv_id": arxiv_id, "key": ""})
    return result
