"""Turn a whole saved page (or pasted text) into the PageParts the extension would have sent.

The CLI (`papershelf parse FILE`) has a whole HTML document; the extension sends only the
cards, the HF ``data-props`` blob and the meta tags.  Doing the same extraction here means the
site parsers only ever read one shape of input, so a saved page and a live capture of the
same page give the same papers.
"""

from __future__ import annotations

from .base import PageParts
from .common import make_soup


def parts_from_text(url: str, text: str) -> PageParts:
    """Pasted or saved visible text: the text listing parser reads it."""
    return PageParts(url=url or "", text=text or "")


def parts_from_html(url: str, html: str) -> PageParts:
    """Cards, props and meta of a whole document, as the content script would collect them."""
    url = url or ""
    soup = make_soup(html or "")
    parts = PageParts(url=url, html=html)
    parts.meta = _meta_pairs(soup)
    parts.props = _page_props(url, soup)
    parts.cards = _cards(url, soup)
    return parts


def _meta_pairs(soup) -> list[tuple[str, str]]:
    pairs = []
    for tag in soup.find_all("meta"):
        name = tag.get("name") or tag.get("property") or tag.get("itemprop")
        content = tag.get("content")
        if isinstance(name, str) and isinstance(content, str) and name.strip():
            pairs.append((name.strip(), content))
    return pairs


def _candidates(url: str):
    """The sites asked about a page: the one whose URL it is first, then those whose cards are
    recognisable anywhere (a saved arXiv or HF page of unknown URL)."""
    from .. import sites

    own = sites.site_for(url)
    return ([own] if own else []) + [s for s in sites.SITES if s is not own and getattr(s.reader, "FINDS_OFF_SITE", False)]


def _page_props(url: str, soup):
    for site in _candidates(url):
        read = getattr(site.reader, "page_props", None)
        props = read(soup) if read else None
        if props is not None:
            return props
    return None


def _cards(url: str, soup) -> list[str]:
    from .. import sites

    own = sites.site_for(url)
    # Single-paper pages have no cards: the page-level data carries the paper.
    if own is not None and own.reader.is_single_page(url):
        return []
    for site in _candidates(url):
        if site is not own and site.reader.is_single_page(url):
            return []
        cards = site.reader.find_cards(soup, url)
        if cards:
            return cards
    return []
