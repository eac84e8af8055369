"""The parser registry: pick the site parser for a page and run it.

``parse(page)`` never raises: an unknown page with no usable data gives zero papers and a
reason in ``skipped``.
"""

from __future__ import annotations

import logging

from .base import PageParts, ParsedPaper, ParseResult, Skipped

log = logging.getLogger(__name__)

__all__ = ["PageParts", "ParsedPaper", "ParseResult", "Skipped", "parse", "PARSERS"]


def _load_parsers() -> list:
    """Site parsers in the order they are asked; the first whose detect() says yes scrapes."""
    modules = []
    for name in ("huggingface", "arxiv", "citation_meta", "text_listing"):
        try:
            modules.append(__import__(f"{__name__}.{name}", fromlist=["scrape"]))
        except ImportError:  # a site module not written yet
            continue
    return modules


PARSERS = _load_parsers()


def parse(page: PageParts) -> ParseResult:
    for parser in PARSERS:
        try:
            if not parser.detect(page):
                continue
            result = parser.scrape(page)
        except Exception as exc:  # a parser bug must not take the capture down
            log.exception("parser %s failed on %s", parser.NAME, page.url)
            return ParseResult(parser=parser.NAME, skipped=[Skipped(-1, f"{parser.NAME} parser failed: {exc}")])
        result.parser = result.parser or parser.NAME
        # The one guarantee every caller relies on: no paper without a title.
        kept = [p for p in result.papers if p.paper.title and p.paper.key]
        result.skipped += [Skipped(p.index, "no title") for p in result.papers if not (p.paper.title and p.paper.key)]
        result.papers = kept
        return result
    return ParseResult(parser="", skipped=[Skipped(-1, "no parser recognises this page and it carries no paper data")])
