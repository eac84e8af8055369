"""Import of plain-text listings: the visible text of a Hugging Face Papers or arXiv listing
page (the seed files), pasted or saved as .txt.

Reading such text is the job of the site parser ``parsing.text_listing``; this module only
hands it the text through the parser registry, so there is one listing reader for captures
and imports alike.
"""

from __future__ import annotations

from ..parsing import PageParts, parse as parse_page
from .base import FormatError, ImportResult, dedupe

NAME = "text"
LABEL = "plain-text listing"  # in the format menus of the library page and the popup


def sniff(text: str) -> bool:
    # The fallback format: any text with a few lines of words could be a listing.  Other
    # importers are asked first.
    return sum(1 for line in text.splitlines()[:2000] if len(line.split()) >= 3) >= 2


def parse(text: str) -> ImportResult:
    if not text.strip():
        raise FormatError("the text is empty")
    result = parse_page(PageParts(url="", text=text))
    if not result.papers:
        reasons = "; ".join(s.reason for s in result.skipped[:3])
        raise FormatError("no papers found in this text" + (f" ({reasons})" if reasons else ""))
    out = ImportResult(papers=[parsed.paper for parsed in result.papers])
    out.skipped = [(f"listing item {s.index + 1}" if s.index >= 0 else "text", s.reason) for s in result.skipped]
    return dedupe(out, "listing item")
