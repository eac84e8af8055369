"""The parser registry: pick the site parser for a page and run it.

The site readers come from the site registry (``papershelf.sites``: one folder per site); this
package holds what they share (base, common), the generic readers (citation_meta, text_listing)
and page.py (a whole saved page cut into the parts the extension sends).

``parse(page)`` never raises: an unknown page with no usable data gives zero papers and a
reason in ``skipped``.
"""

from __future__ import annotations

import logging

from .base import PageParts, ParsedPaper, ParseResult, Skipped  # first: the site readers import it
from . import citation_meta, text_listing
from .. import sites

log = logging.getLogger(__name__)

__all__ = ["PageParts", "ParsedPaper", "ParseResult", "Skipped", "parse", "PARSERS"]


# Asked in this order: the site readers first (papershelf/sites/, in their site.json order), then
# the generic ones (any citation_* page, text).
PARSERS = [*sites.readers(), citation_meta, text_listing]


def parse(page: PageParts) -> ParseResult:
    """Papers on ``page``, from the first parser that recognises it and finds papers.

    Parsers are asked in order (site parsers before the generic ones); when a recognising
    parser finds nothing (say an arXiv URL whose listing markup changed but whose meta tags
    still describe a paper) the next one that recognises the page gets a turn, so the URL
    picks the parser and the content decides whether it could read it.
    """
    if page.html and not (page.cards or page.props or page.meta):
        page = _with_html_parts(page)
    first: ParseResult | None = None
    # The site whose pages the URL is asks first: another site's reader whose cards look alike
    # (arXiv's <dt>/<dd>, a CVF list linking arXiv) must not read them first.
    own = sites.site_for(page.url)
    order = [own.reader, *(p for p in PARSERS if p is not own.reader)] if own else PARSERS
    for parser in order:
        try:
            if not parser.detect(page):
                continue
            result = parser.scrape(page)
        except Exception as exc:  # a parser bug must not take the capture down
            log.exception("parser %s failed on %s", parser.NAME, page.url)
            result = ParseResult(parser=parser.NAME, skipped=[Skipped(-1, f"{parser.NAME} parser failed: {exc}")])
        result.parser = result.parser or parser.NAME
        # The one guarantee every caller relies on: no paper without a title.
        kept = [p for p in result.papers if p.paper.title and p.paper.key]
        result.skipped += [Skipped(p.index, "no title") for p in result.papers if not (p.paper.title and p.paper.key)]
        result.papers = kept
        for p in kept:
            _keep_own_link(p.paper)
        if result.papers:
            return result
        first = first or result
    if first is not None:
        return first
    return ParseResult(parser="", skipped=[Skipped(-1, "no parser recognises this page and it carries no paper data")])


def _keep_own_link(paper) -> None:
    """The paper's own page on the site it was read from (its HF page on HF, else its "abs"
    link as that site's reader gives it), kept per site so a merged record keeps each."""
    site = paper.sources[0].site if paper.sources else ""
    url = paper.urls.get("hf" if site == "huggingface" else "abs", "")
    if site in sites.by_name() and url.startswith(("http://", "https://")) and site not in paper.links:
        paper.links = {**paper.links, site: url}


def _with_html_parts(page: PageParts) -> PageParts:
    """A whole page (CLI): extract what the extension would have sent, keep any text given."""
    from .page import parts_from_html

    try:
        parts = parts_from_html(page.url, page.html or "")
    except Exception:  # lxml copes with nearly anything; keep the page as it was if not
        log.exception("could not read the HTML of %s", page.url)
        return page
    parts.text = page.text
    return parts
