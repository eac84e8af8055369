"""Turn a whole saved page (or pasted text) into the PageParts the extension would have sent.

The CLI (`papershelf parse FILE`) has a whole HTML document; the extension sends only the
cards, the HF ``data-props`` blob and the meta tags.  Doing the same extraction here means the
site parsers only ever read one shape of input, so a saved page and a live capture of the
same page give the same papers.
"""

from __future__ import annotations

import re

from . import arxiv, huggingface
from .base import PageParts
from .common import make_soup

# The SVELTE_HYDRATER blobs that carry paper data, best first.
_HF_PROPS_TARGETS = ("DailyPapers", "PaperContent", "PapersSearch", "SearchPapers", "TrendingPapers", "PaperPage")
_HF_PROPS_HINT = re.compile(r'"(?:dailyPapers|searchResults|paper|papers)"\s*:')


def parts_from_text(url: str, text: str) -> PageParts:
    """Pasted or saved visible text: the text listing parser reads it."""
    return PageParts(url=url or "", text=text or "")


def parts_from_html(url: str, html: str) -> PageParts:
    """Cards, props and meta of a whole document, as the content script would collect them."""
    url = url or ""
    soup = make_soup(html or "")
    parts = PageParts(url=url, html=html)
    parts.meta = _meta_pairs(soup)
    parts.props = _hf_props(soup)
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


def _hf_props(soup) -> str | None:
    blobs = [
        div
        for div in soup.find_all(attrs={"data-props": True})
        if "SVELTE_HYDRATER" in (div.get("class") or []) or div.get("data-target")
    ]
    for target in _HF_PROPS_TARGETS:
        for div in blobs:
            if div.get("data-target") == target:
                return div.get("data-props")
    # An unknown target name: take the first blob that looks like it holds papers.
    for div in blobs:
        props = div.get("data-props") or ""
        if _HF_PROPS_HINT.search(props):
            return props
    return None


def _cards(url: str, soup) -> list[str]:
    # Single-paper pages have no cards: the page-level data carries the paper.
    if arxiv.is_abs_url(url):
        return []
    if huggingface.is_paper_page_url(url):
        return []
    cards = arxiv.find_cards(soup)
    if cards:
        return cards
    return huggingface.find_cards(soup)
