"""What every site parser takes and returns.

A site parser is a module with ``NAME`` (str), ``detect(page: PageParts) -> bool`` and
``scrape(page: PageParts) -> ParseResult``, like a Zotero translator: detect cheaply, then
scrape.  Parsers never raise on bad input; what they could not read goes into ``skipped``
with a reason, and they never return a paper without a title.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from ..papers import Paper, scrub


MAX_URL = 8_192
MAX_META = 20_000  # characters of a <meta> name or content (a description is a few hundred)


@dataclass
class PageParts:
    """What the extension (or the CLI) hands over about one page.

    ``cards``: the outer HTML of each paper card (an arXiv ``<dt>`` + ``<dd>`` pair counts as
    one card); ``props``: the HF ``data-props`` JSON (string or already decoded);
    ``meta``: the page's ``<meta name content>`` pairs in document order (``citation_*`` and
    friends); ``text``: visible text, for plain-text listings; ``html``: a whole page, only when
    nothing better is available (the CLI parsing a saved file).
    """

    url: str = ""
    cards: list[str] = field(default_factory=list)
    props: Any = None
    meta: list[tuple[str, str]] = field(default_factory=list)
    text: str | None = None
    html: str | None = None

    @classmethod
    def from_request(cls, body: dict[str, Any]) -> "PageParts":
        """Build from the JSON the API receives; raises ValueError with a message on bad shapes."""
        url = body.get("url") or ""
        if not isinstance(url, str):
            raise ValueError("'url' must be a string")
        cards = body.get("cards") or []
        if not isinstance(cards, list) or not all(isinstance(c, str) for c in cards):
            raise ValueError("'cards' must be a list of HTML strings")
        page = body.get("page") or {}
        if not isinstance(page, dict):
            raise ValueError("'page' must be an object")
        text = body.get("text")
        if text is not None and not isinstance(text, str):
            raise ValueError("'text' must be a string")
        props = page.get("props")
        if len(url) > MAX_URL:
            raise ValueError(f"'url' is longer than {MAX_URL} characters")
        # Meta values are capped before any parser matches them (og:title of 30,000 spaces).
        return cls(url=scrub(url), cards=[scrub(c) for c in cards],
                   props=scrub(props) if isinstance(props, str) else props,
                   meta=[(scrub(k[:MAX_META]), scrub(v[:MAX_META])) for k, v in _meta_pairs(page.get("meta"))],
                   text=scrub(text) if text is not None else None)

    def props_json(self) -> Any:
        """The decoded props blob, or None when absent or not JSON."""
        if self.props is None or isinstance(self.props, (dict, list)):
            return self.props
        try:
            # Numbers beyond a float (1e400) and NaN/Infinity read as None: no parser meets inf.
            return json.loads(self.props, parse_float=_finite, parse_constant=lambda _: None)
        except (TypeError, ValueError, RecursionError):
            return None

    def meta_values(self, name: str) -> list[str]:
        name = name.lower()
        return [v for k, v in self.meta if k.lower() == name]


def _finite(text: str) -> float | None:
    value = float(text)
    return value if math.isfinite(value) else None


def _meta_pairs(meta: Any) -> list[tuple[str, str]]:
    """Accept ``[[name, content], ...]``, ``[{name, content}, ...]`` or ``{name: str|[str]}``."""
    if not meta:
        return []
    pairs: list[tuple[str, str]] = []
    if isinstance(meta, dict):
        for k, v in meta.items():
            for item in v if isinstance(v, list) else [v]:
                pairs.append((str(k), str(item)))
        return pairs
    if not isinstance(meta, list):
        raise ValueError("'page.meta' must be a list of [name, content] pairs or an object")
    for item in meta:
        if isinstance(item, dict):
            pairs.append((str(item.get("name", "")), str(item.get("content", ""))))
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            pairs.append((str(item[0]), str(item[1])))
        else:
            raise ValueError("'page.meta' items must be [name, content] pairs")
    return pairs


@dataclass
class ParsedPaper:
    index: int  # the card index it came from (page-level papers: 0, text listings: order)
    paper: Paper


@dataclass
class Skipped:
    index: int
    reason: str


@dataclass
class ParseResult:
    parser: str = ""
    papers: list[ParsedPaper] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
