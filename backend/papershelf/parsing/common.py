"""Small helpers the site parsers share: parsing HTML safely, reading numbers and dates.

Everything here is total: bad input gives an empty value, never an exception, because the
parsers must survive pages whose markup drifted from what we expected.
"""

from __future__ import annotations

import math
import re
import warnings
from datetime import date
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning
from bs4.element import CData, NavigableString, Tag

from ..names import is_one_unit, is_suffix
from ..papers import clean_text, normalize_arxiv_id

# lxml is several times faster than html.parser and copes with truncated markup; bench/parse.py
# measures the difference.  The name is a module constant so the benchmark can swap it.
HTML_PARSER = "lxml"


# Older arXiv pages are XHTML that start with "<?xml ...?>"; browsers read them as HTML and so do
# we, on purpose, so BeautifulSoup's advice to use an XML parser is noise on stderr.  (A filter
# set once: catch_warnings() would change process-wide state under the server's threads.)
warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning)


# The XML declaration itself is dropped before parsing: it tells an HTML reader nothing (the text is
# already decoded), and without it BeautifulSoup makes no warning at all.  The filter above alone
# did not hold where a host resets the warning filters (pytest does for every test), and a real
# 2018 arXiv listing then printed the warning (tests/parsing/test_real_pages.py).  Anchored and
# bounded: linear on any input.
_XML_DECLARATION_RE = re.compile(r"\A[\s\ufeff]*<\?xml\b[^<>]{0,1000}>")


def make_soup(html: str, parser: str | None = None) -> BeautifulSoup:
    html = html or ""
    if "<?xml" in html[:1100]:
        html = _XML_DECLARATION_RE.sub("", html, count=1)
    return BeautifulSoup(html, parser or HTML_PARSER)


# Elements that sit inside a line of text: their edges are not word breaks.  arXiv's search
# wraps matched words in <span class="search-hit">, so "out-of-<span>distribution</span>" must
# read "out-of-distribution", not "out-of- distribution" as get_text(" ") would give.
_INLINE = frozenset(
    "a abbr b bdi bdo cite code data del dfn em font i ins kbd mark q s samp small span strong sub sup "
    "time tt u var wbr math mi mn mo ms mtext mrow msub msup msubsup mfrac msqrt semantics annotation".split()
)


def text_of(el) -> str:
    """Visible text of an element with whitespace collapsed ('' for None): the edges of block
    elements (<p>, <li>, <div>, <br> ...) count as spaces, those of inline ones do not."""
    if el is None:
        return ""
    if not isinstance(el, Tag):
        return clean_text(str(el))
    parts: list[str] = []
    for node in el.descendants:
        if isinstance(node, Tag):
            if node.name not in _INLINE:
                parts.append(" ")
        elif type(node) in (NavigableString, CData):
            before = node.previous_sibling
            if isinstance(before, Tag) and before.name not in _INLINE:
                parts.append(" ")
            parts.append(node)
    return clean_text("".join(parts))


def host_of(url: str) -> str:
    try:
        return (urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return ""


def path_of(url: str) -> str:
    try:
        return urlsplit(url or "").path or ""
    except ValueError:
        return ""


def absolute(base: str, href: str | None) -> str:
    """``href`` resolved against the page URL; only http(s) results are kept."""
    if not href:
        return ""
    try:
        out = urljoin(base or "", href.strip())
    except ValueError:
        return ""
    return out if out.startswith(("http://", "https://")) else ""


_INT_RE = re.compile(r"(\d[\d,.\u202f\u00a0]*)\s*([kKmM])?")


def parse_count(value) -> int | None:
    """An integer from '73', '1,234', '1.2k', 12 -> int; None when there is no number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        # 1e400 in a page's JSON is inf: int(inf) raised, and the page lost every paper.
        return int(value) if math.isfinite(value) and value >= 0 else None
    m = _INT_RE.search(str(value))
    if not m:
        return None
    digits, suffix = m.group(1), m.group(2)
    digits = digits.replace("\u202f", "").replace("\u00a0", "")
    try:
        if suffix:
            return int(float(digits.replace(",", "")) * (1000 if suffix in "kK" else 1_000_000))
        return int(digits.replace(",", "").replace(".", ""))
    except (ValueError, OverflowError):  # "999...9k" with 400 nines is inf as a float
        return None


MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))

# "Aug 11, 2023", "Aug 11", "11 Aug 2023", "2 January, 2026", "Friday, 2 January 2026"
_MDY_RE = re.compile(rf"\b({_MONTH_ALT})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.I)
_DMY_RE = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_ALT})\.?,?\s+(\d{{4}})\b", re.I)
_ISO_RE = re.compile(r"\b(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2}))?")


def _iso(y: int, m: int, d: int | None) -> str:
    try:
        if d is None:
            date(y, m, 1)
            return f"{y:04d}-{m:02d}"
        return date(y, m, d).isoformat()
    except ValueError:
        return ""


def parse_iso_date(value) -> str:
    """'2024-01-22T10:00:00.000Z', '2026/01/01', '2024-01', '2024' -> ISO date prefix, or ''."""
    if not isinstance(value, str):
        return ""
    m = _ISO_RE.search(value)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)
    m = re.fullmatch(r"\s*(\d{4})\s*", value)
    return m.group(1) if m and 1900 < int(m.group(1)) < 2200 else ""


def parse_display_date(text: str, reference: date | None = None) -> str:
    """A date as pages display it ('Aug 11, 2023', '2 January 2026', '2026-01-02') as ISO.

    Hugging Face leaves the year out for dates in the current year ("Sep 25").  The year is
    then taken from ``reference`` (the page's own date: its URL or data blob), choosing the
    latest date not after it; with no reference we return '' rather than guess a year —
    a merge with any other capture of the paper fills the date in.
    """
    if not text:
        return ""
    m = _DMY_RE.search(text)
    if m:
        return _iso(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
    m = _MDY_RE.search(text)
    if m:
        month, day = MONTHS[m.group(1).lower()], int(m.group(2))
        if m.group(3):
            return _iso(int(m.group(3)), month, day)
        if reference is None:
            return ""
        year = reference.year if (month, day) <= (reference.month, reference.day) else reference.year - 1
        return _iso(year, month, day)
    return parse_iso_date(text)


def to_date(iso: str) -> date | None:
    try:
        return date.fromisoformat(iso) if iso and len(iso) == 10 else None
    except ValueError:
        return None


def date_from_arxiv_id(arxiv_id: str | None) -> str:
    """arXiv ids carry their submission month: 2401.12345 -> '2024-01', hep-th/9901001 -> '1999-01'."""
    aid = normalize_arxiv_id(arxiv_id)
    if not aid:
        return ""
    m = re.match(r"^(\d{2})(\d{2})\.", aid) or re.search(r"/(\d{2})(\d{2})\d{3}$", aid)
    if not m:
        return ""
    yy, mm = int(m.group(1)), int(m.group(2))
    if not 1 <= mm <= 12:
        return ""
    return f"{(1900 if yy >= 91 else 2000) + yy:04d}-{mm:02d}"


def arxiv_urls(arxiv_id: str | None) -> dict[str, str]:
    aid = normalize_arxiv_id(arxiv_id)
    if not aid:
        return {}
    return {"abs": f"https://arxiv.org/abs/{aid}", "pdf": f"https://arxiv.org/pdf/{aid}"}


def flip_name(name: str) -> str:
    """'Surname, Given' (Highwire citation_author) -> 'Given Surname'; other forms ("Pat O'Brien,
    Jr.", "Google, Inc.") unchanged."""
    name = clean_text(name)
    if name.count(",") == 1 and not is_one_unit(name):
        last, first = (p.strip() for p in name.split(","))
        if first and last and not is_suffix(first):
            return f"{first} {last}"
    return name


# Whitespace-only runs between a tag and a block tag.  Every reader here takes text through
# ``text_of``, for which the edge of a block element is a space anyway, so these runs are
# invisible; dropping them before parsing spares BeautifulSoup most of the strings it would
# otherwise build.  A run between two inline tags ("</span> <span>") is a word break: kept.
# (Linear: a run is tried from the one '>' before it, against a fixed-length lookahead.)
_INTER_TAG_SPACE_RE = re.compile(
    r">\s+(?=</?(?:div|p|dl|dt|dd|ul|ol|li|br|h[1-6]|table|thead|tbody|tr|td|th|section|article|header|"
    r"footer|main|nav|form|blockquote|pre|hr|body|html|head|meta|link|script|style)[\s/>])"
)
_WRAPPER_ATTR_RE = re.compile(r"data-papershelf-card", re.I)


def card_soups(cards: list[str]) -> list[Tag]:
    """One parsed element per card HTML, parsed as a single document when that is safe.

    Parsing 50 small documents costs far more than one document of 50 cards (BeautifulSoup's
    per-document setup dominates), so the cards are wrapped and parsed together.  A card with
    unbalanced markup could leak into its neighbour; that shows as wrappers that are not all
    direct children of <body>, and then each card is parsed on its own instead.  (A card that
    itself carries the wrapper attribute could fake a wrapper, so such a capture is parsed card
    by card too: a string test that replaces a whole-tree search.)
    """
    if not cards:
        return []
    if any(_WRAPPER_ATTR_RE.search(html) for html in cards):
        return [make_soup(html) for html in cards]
    doc = "".join(f'<div data-papershelf-card="{i}">{html}</div>' for i, html in enumerate(cards))
    soup = make_soup("<html><body>" + _INTER_TAG_SPACE_RE.sub(">", doc) + "</body></html>")
    body = soup.body
    contents = body.contents if body is not None else []
    if len(contents) == len(cards) and all(
        isinstance(w, Tag) and w.get("data-papershelf-card") == str(i) for i, w in enumerate(contents)
    ):
        return list(contents)
    return [make_soup(html) for html in cards]
