"""What the readers of proceedings sites share: a scrape loop over cards (each read by the site's
``read_card``, skipped with a reason when it has no id or title) that falls back to the page's
``citation_*`` meta for a single paper's page, keeping the site's own link to it."""

from __future__ import annotations

from collections.abc import Callable

from bs4.element import Tag

from ..papers import Paper, Source
from .base import PageParts, ParsedPaper, ParseResult, Skipped
from .citation_meta import paper_from_meta
from .card_trees import card_trees
from .common import card_soups


def paper_page(page: PageParts, site: str, abs_url: str = "") -> Paper:
    """The paper a single paper's page describes in its citation_* meta, seen on ``site``."""
    paper = paper_from_meta(page)
    if abs_url:
        paper.urls["abs"] = abs_url
    paper.sources = [Source(site, page.url)]
    return Paper(**{**paper.__dict__, "key": ""})  # re-normalise and recompute the key


def scrape_cards(page: PageParts, name: str, read_card: Callable[[Tag, str], Paper],
                 card_id: Callable[[Paper], str | None], abs_url: str = "", what: str = "paper link",
                 read_tree: Callable[[object, str], Paper] | None = None) -> ParseResult:
    """``read_tree``: the site's reader of the plain lxml cards of card_trees.py, which must
    answer as ``read_card`` does (one parse of all cards, without BeautifulSoup's tree)."""
    result = ParseResult(parser=name)
    if page.cards:
        trees = card_trees(page.cards) if read_tree is not None else None
        read = read_tree if trees is not None else read_card
        for index, el in enumerate(trees if trees is not None else card_soups(page.cards)):
            paper = read(el, page.url)
            if not card_id(paper):
                result.skipped.append(Skipped(index, f"card has no {what}"))
            elif not paper.title:
                result.skipped.append(Skipped(index, f"card for {card_id(paper)} has no title"))
            else:
                result.papers.append(ParsedPaper(index, paper))
        return result
    if page.meta_values("citation_title"):
        paper = paper_page(page, name, abs_url)
        if paper.title:
            result.papers.append(ParsedPaper(0, paper))
            return result
    result.skipped.append(Skipped(-1, f"no papers listed and no paper data on this {name} page"))
    return result
