"""arXiv: listings (/list/<cat>/new, /recent, month archives, the pre-2024 markup), search
results and /abs/ pages.

A listing card is a ``<dt>`` + ``<dd>`` pair (the content script concatenates them); a search
card is one ``li.arxiv-result``; an abstract page has no cards and is read from its
``citation_*`` meta (plus the body when a whole page is given).  The markup comes from arXiv's
open-source templates, but every field is looked up by its semantic class name with a text
fallback, so one renamed element loses one field, not the paper.

Dates: listings show a date only in headings, which the extension does not send, so a
listed paper's date is the month its id encodes (2601.00001 -> 2026-01); abstract and search
pages carry the full submission date.
"""

from __future__ import annotations

import html as html_lib
import re

from bs4.element import Tag

from ...papers import ARXIV_ID_PATTERN, Paper, Source, clean_text, normalize_arxiv_id, normalize_doi
from ...parsing.base import PageParts, ParsedPaper, ParseResult, Skipped
from ...parsing.citation_meta import paper_from_meta
from ...parsing.common import arxiv_urls, card_soups, date_from_arxiv_id, host_of, make_soup, parse_display_date, path_of, text_of

NAME = "arxiv"
SITE = "arxiv"
FINDS_OFF_SITE = True  # a saved listing of unknown URL still shows arXiv's <dt>/<dd> pairs

_CATEGORY_RE = re.compile(r"\(([a-z][a-z\-]*(?:\.[A-Za-z][A-Za-z\-]*)?)\)")
_CATEGORY_CODE_RE = re.compile(r"^[a-z][a-z\-]*(?:\.[A-Za-z][A-Za-z\-]*)?$")
_ID_TEXT_RE = re.compile(rf"arXiv:\s*({ARXIV_ID_PATTERN})", re.I)
_CARD_HINT_RE = re.compile(r'class="[^"]*(?:list-title|arxiv-result|list-identifier)|href\s*=\s*"[^"]*/abs/')


def _is_arxiv(url: str) -> bool:
    host = host_of(url)
    return host == "arxiv.org" or host.endswith(".arxiv.org")


def is_abs_url(url: str) -> bool:
    return _is_arxiv(url) and bool(re.match(r"^/(?:abs|pdf)/", path_of(url)))


def is_single_page(url: str) -> bool:
    """An /abs/ page: one paper, read from its page data (no cards)."""
    return is_abs_url(url)


def detect(page: PageParts) -> bool:
    if _is_arxiv(page.url):
        return bool(page.cards or page.meta or page.html)
    return any(_CARD_HINT_RE.search(c) for c in page.cards[:5]) and any("<dt" in c or "arxiv-result" in c for c in page.cards[:5])


# --- finding cards in a whole page (used by page.parts_from_html) ----------------------------


def find_cards(soup, url: str = "") -> list[str]:
    """Each <dt>+<dd> of every listing <dl> (a /new page has several dl#articles), and each
    search result.  Pairs are taken from any <dl> whose <dt> links to an /abs/ page, so a
    renamed or duplicated id does not hide a section."""
    cards = []
    for dl in soup.find_all("dl"):
        for dt in dl.find_all("dt", recursive=False) or dl.find_all("dt"):
            if not dt.find("a", href=re.compile(r"/abs/")):
                continue
            dd = dt.find_next_sibling(["dd", "dt"])
            cards.append(str(dt) + (str(dd) if dd is not None and dd.name == "dd" else ""))
    for li in soup.select("li.arxiv-result"):
        cards.append(str(li))
    return cards


# --- reading one card ------------------------------------------------------------------------
#
# A listing page has hundreds of cards, so the readers below walk each card's small subtree
# with plain loops instead of calling find()/find_all() per field: bs4 builds a filter object
# for every such call, which cost more than parsing the card.  The walks keep find()'s meaning
# (first match in document order, a class matching any of the element's class words).

_LIST_FIELDS = ("list-title", "list-authors", "list-subjects", "list-comments", "list-journal-ref", "list-doi")


def _tags(el) -> list[Tag]:
    """The element's descendant tags in document order."""
    return [t for t in el.descendants if isinstance(t, Tag)]


def _classes(el) -> list[str]:
    cls = el.get("class")
    if not cls:
        return []
    return cls.split() if isinstance(cls, str) else cls


def _strip_descriptor(el) -> str:
    if el is None:
        return ""
    for d in [t for t in _tags(el) if "descriptor" in _classes(t)]:
        d.decompose()
    return text_of(el)


def _categories(subjects_el) -> list[str]:
    if subjects_el is None:
        return []
    primary_el = next((t for t in _tags(subjects_el) if "primary-subject" in _classes(t)), None)
    codes = _CATEGORY_RE.findall(text_of(primary_el)) if primary_el is not None else []
    for code in _CATEGORY_RE.findall(text_of(subjects_el)):
        if code not in codes:
            codes.append(code)
    return codes


def _id_from(soup) -> str | None:
    for a in _tags(soup):
        href = a.get("href") if a.name == "a" else None
        if isinstance(href, str) and "/abs/" in href:
            aid = normalize_arxiv_id(href.split("/abs/", 1)[1].split("?")[0].split("#")[0])
            if aid:
                return aid
    m = _ID_TEXT_RE.search(text_of(soup))
    return normalize_arxiv_id(m.group(1)) if m else None


_AUTHORS_PREFIX_RE = re.compile(r"^\s*Authors?:\s*")
_AUTHORS_SPLIT_RE = re.compile(r",|\band\b")


def _authors(el) -> list[str]:
    if el is None:
        return []
    for d in [t for t in _tags(el) if "descriptor" in _classes(t)]:
        d.decompose()
    names = [text_of(a) for a in _tags(el) if a.name == "a"]
    names = [n for n in names if n and n.lower() not in ("et al", "et al.", "et al. (more)")]
    if names:
        return names
    text = _AUTHORS_PREFIX_RE.sub("", text_of(el))
    return [n.strip() for n in _AUTHORS_SPLIT_RE.split(text) if n.strip()]


def _first_dt_dd(soup) -> tuple[Tag | None, Tag | None]:
    """The first <dt> and the first <dd> in document order (find("dt"), find("dd")) in one walk."""
    dt = dd = None
    for t in soup.descendants:
        if isinstance(t, Tag):
            if t.name == "dt":
                dt = dt or t
            elif t.name == "dd":
                dd = dd or t
            if dt is not None and dd is not None:
                break
    return dt, dd


def _under_list_field(el) -> bool:
    return any(c.startswith("list-") for anc in el.parents for c in _classes(anc))


def read_list_card(html, url: str) -> Paper:
    soup = html if isinstance(html, Tag) else make_soup(html)
    dt, dd = _first_dt_dd(soup)
    aid = _id_from(dt if dt is not None else soup) or _id_from(soup)
    meta = dd if dd is not None else soup
    # One walk finds every field: the first element carrying each list-* class, and the
    # paragraphs, of which the abstract is the first not inside a list-* field.
    fields: dict[str, Tag] = {}
    paragraphs = []
    for t in _tags(meta):
        if t.name == "p":
            paragraphs.append(t)
        for c in _classes(t):
            if c in _LIST_FIELDS and c not in fields:
                fields[c] = t
    abstract_el = next((p for p in paragraphs if not _under_list_field(p)), None)
    return Paper(
        title=_strip_descriptor(fields.get("list-title")),
        arxiv_id=aid,
        authors=_authors(fields.get("list-authors")),
        abstract=text_of(abstract_el),
        published=date_from_arxiv_id(aid),
        categories=_categories(fields.get("list-subjects")),
        comments=_strip_descriptor(fields.get("list-comments")),
        journal_ref=_strip_descriptor(fields.get("list-journal-ref")),
        doi=normalize_doi(_strip_descriptor(fields.get("list-doi"))),
        urls=arxiv_urls(aid),
        sources=[Source(SITE, url)],
    )


# --- well-formed listing cards: no tree needed ------------------------------------------------
#
# A 200-item /new capture spent most of its time building BeautifulSoup trees.  A listing card
# in arXiv's own markup (a <dt> with the /abs/ link, a <dd> holding an optional div.meta with
# one div per list-* field and the abstract <p>) is simple enough to read with one tag regex
# and a small stack machine.  The reader accepts only markup whose tree lxml builds in one
# obvious way: lower-case tags from a short list, each in the place arXiv puts it, every
# element closed explicitly, attributes quoted or plain (no entities in class or href), a few
# entities whose decoding html.unescape and lxml agree on, no comments, scripts or control
# characters, each field once.  Anything else returns None and the card is read by
# read_list_card() as before; tests/parsing/test_arxiv_fast_path.py checks that, on the
# fixtures and on thousands of mutated cards, a non-None answer is exactly read_list_card()'s.

# A start or end tag: lower-case name, attributes with a lower-case name and a quoted or plain
# value that holds no '<' or '>', separated by ASCII whitespace only (lxml reads "<div\xa0" as
# a tag named "div\xa0").  A '<' that does not start such a tag makes the card unsure.
_FAST_TAG_RE = re.compile(
    r"""<(/?)([a-z][a-z0-9]*)((?:[ \t\n\r]+[a-z_:][-a-z0-9_:.]*(?:[ \t\n\r]*=[ \t\n\r]*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'=<>`]+))?)*)[ \t\n\r]*>"""
)
_FAST_ATTR_RE = re.compile(
    r"""(?<![ \t\n\r])[ \t\n\r]+([a-z_:][-a-z0-9_:.]*)(?:[ \t\n\r]*=[ \t\n\r]*(?:"([^"<>]*)"|'([^'<>]*)'|([^\s"'=<>`]+)))?"""
)
# Characters lxml drops or rewrites, and any '&' that is not one of the entities decoded alike by
# lxml and html.unescape (or a plain '&' before a non-name character).  Comments, doctypes and
# processing instructions ('<!', '<?') are refused by the tag scan.  (Two searches: one
# alternation of the three costs three times as much.)
_FAST_BAD_CHAR_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_FAST_BAD_AMP_RE = re.compile(r"&(?!(?:amp|lt|gt|quot|nbsp|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});|[^A-Za-z0-9#])")
_NUM_REF_RE = re.compile(r"&#(?:([0-9]+)|[xX]([0-9a-fA-F]+));")


def _num_ref_ok(m: re.Match) -> bool:
    cp = int(m.group(1)) if m.group(1) is not None else int(m.group(2), 16)
    return (
        (0x20 <= cp <= 0x7E or 0xA0 <= cp <= 0xD7FF or 0xE000 <= cp <= 0x10FFFF)
        and not 0xFDD0 <= cp <= 0xFDEF
        and (cp & 0xFFFE) != 0xFFFE
    )


def _fast_attrs(attr_text: str) -> dict[str, str] | None:
    """Attribute name -> value of a tag the tag regex accepted; None on a repeated name."""
    out: dict[str, str] = {}
    if not attr_text:
        return out
    for name, dq, sq, plain in _FAST_ATTR_RE.findall(attr_text):
        if name in out:
            return None
        out[name] = dq or sq or plain
    return out


def _fast_text(parts: list[str]) -> str:
    """text_of() for the text nodes ``parts`` (entities decoded, whitespace collapsed).  They are
    joined as they are: the fast path only takes inline children (<a>, <span>) in a field or
    paragraph, whose edges are no word breaks."""
    text = "".join(parts)
    if "&" in text:
        text = html_lib.unescape(text)
    return " ".join(text.split())


_FIELD_SET = frozenset(_LIST_FIELDS)


def read_list_card_fast(html: str, url: str) -> Paper | None:
    """read_list_card() for a well-formed listing card without building its tree, or None
    when the card is anything but the plain markup described above."""
    if _FAST_BAD_CHAR_RE.search(html) or ("&" in html and _FAST_BAD_AMP_RE.search(html)):
        return None
    if "&#" in html and not all(_num_ref_ok(m) for m in _NUM_REF_RE.finditer(html)):
        return None
    # stack of (tag name, role); roles: dt, dta (a link in the dt), dtspan, dd, meta, field,
    # fchild (a link or span in a field), p, pa (a link in a paragraph)
    stack: list[tuple[str, str]] = []
    seen_dt = seen_dd = seen_meta = False
    hrefs: list[str] = []
    fields: dict[str, list] = {}  # field -> its items: a text node, or (tag, classes, text parts) per child
    field_name = ""
    field_items: list = []
    child_classes: list[str] = []
    child_parts: list[str] = []
    abstract: list[str] | None = None
    para_parts: list[str] | None = None  # the first paragraph's text while it is open
    n_paras = 0
    pos = 0
    for m in _FAST_TAG_RE.finditer(html):
        text = html[pos : m.start()]
        pos = m.end()
        if text:
            if "<" in text:
                return None
            role = stack[-1][1] if stack else ""
            if role == "field":
                field_items.append(text)
            elif role == "fchild":
                child_parts.append(text)
            elif role in ("p", "pa"):
                if para_parts is not None:
                    para_parts.append(text)
            elif role in ("dt", "dta", "dtspan"):
                pass
            elif not text.isspace():
                return None  # text outside any field
        closing, name, attr_text = m.groups()
        if closing:
            if attr_text or not stack or stack[-1][0] != name:
                return None
            role = stack.pop()[1]
            if role == "fchild":
                field_items.append((name, child_classes, child_parts))
            elif role == "field":
                fields[field_name] = field_items
            elif role == "p":
                if para_parts is not None:
                    abstract, para_parts = para_parts, None
            continue
        attrs = _fast_attrs(attr_text)
        if attrs is None:
            return None
        cls = attrs.get("class", "")
        if "&" in cls:
            return None
        classes = cls.split()
        listy = [c for c in classes if c.startswith("list-")]
        parent = stack[-1][1] if stack else ""
        if name == "dt":
            if stack or seen_dt or listy:
                return None
            seen_dt, role = True, "dt"
        elif name == "dd":
            if stack or not seen_dt or seen_dd or listy:
                return None
            seen_dd, role = True, "dd"
        elif name == "a":
            if listy:
                return None
            if parent in ("dt", "dtspan"):
                href = attrs.get("href", "")
                if "&" in href:
                    return None
                hrefs.append(href)
                role = "dta"
            elif parent == "field":
                child_classes, child_parts, role = classes, [], "fchild"
            elif parent == "p":
                role = "pa"
            else:
                return None
        elif name == "span":
            if parent == "dt":
                if any(c != "list-identifier" for c in listy):
                    return None
                role = "dtspan"
            elif parent == "field":
                if listy:
                    return None
                child_classes, child_parts, role = classes, [], "fchild"
            else:
                return None
        elif name == "div":
            if parent not in ("dd", "meta") or "descriptor" in classes or "primary-subject" in classes:
                return None
            if not listy and parent == "dd" and not seen_meta and not fields and n_paras == 0:
                seen_meta, role = True, "meta"
            elif len(listy) == 1 and listy[0] in _FIELD_SET and listy[0] not in fields:
                field_name, field_items, role = listy[0], [], "field"
            else:
                return None
        elif name == "p":
            if parent not in ("dd", "meta") or listy:
                return None
            n_paras += 1
            para_parts = [] if n_paras == 1 else None
            role = "p"
        else:
            return None
        stack.append((name, role))
    rest = html[pos:]
    if stack or not seen_dd or "<" in rest or (rest and not rest.isspace()):
        return None

    aid = None
    for href in hrefs:
        if "/abs/" in href:
            aid = normalize_arxiv_id(href.split("/abs/", 1)[1].split("?")[0].split("#")[0])
            if aid:
                break
    if not aid:
        return None

    def field_text(name: str, strip: bool = True) -> str:
        parts: list[str] = []
        for item in fields.get(name, ()):
            if isinstance(item, str):
                parts.append(item)
            elif not (strip and "descriptor" in item[1]):
                parts.extend(item[2])
        return _fast_text(parts)

    title = field_text("list-title")
    if not title:
        return None
    authors: list[str] = []
    if "list-authors" in fields:
        # _authors(): the link texts (descriptors dropped), else the text split at commas / "and"
        names = [_fast_text(item[2]) for item in fields["list-authors"]
                 if not isinstance(item, str) and item[0] == "a" and "descriptor" not in item[1]]
        authors = [n for n in names if n and n.lower() not in ("et al", "et al.", "et al. (more)")]
        if not authors:
            text = _AUTHORS_PREFIX_RE.sub("", field_text("list-authors"))
            authors = [n.strip() for n in _AUTHORS_SPLIT_RE.split(text) if n.strip()]
    categories: list[str] = []
    if "list-subjects" in fields:
        # _categories(): the primary subject's codes first, then every code in the field's text
        primary = next((item for item in fields["list-subjects"]
                        if not isinstance(item, str) and "primary-subject" in item[1]), None)
        if primary is not None:
            categories = _CATEGORY_RE.findall(_fast_text(primary[2]))
        for code in _CATEGORY_RE.findall(field_text("list-subjects", strip=False)):
            if code not in categories:
                categories.append(code)
    return Paper(
        title=title,
        arxiv_id=aid,
        authors=authors,
        abstract=_fast_text(abstract) if abstract else "",
        published=date_from_arxiv_id(aid),
        categories=categories,
        comments=field_text("list-comments"),
        journal_ref=field_text("list-journal-ref"),
        doi=normalize_doi(field_text("list-doi")),
        urls=arxiv_urls(aid),
        sources=[Source(SITE, url)],
    )


def read_search_card(html, url: str) -> Paper:
    soup = html if isinstance(html, Tag) else make_soup(html)
    li = soup.find("li") or soup
    title_link = li.select_one("p.list-title a") or li.find("a", href=re.compile(r"/abs/"))
    aid = normalize_arxiv_id(title_link.get("href")) if title_link is not None else None
    if not aid and title_link is not None:
        m = _ID_TEXT_RE.search(text_of(title_link))
        aid = normalize_arxiv_id(m.group(1)) if m else None
    categories = []
    for tag in li.select(".tags .tag"):
        if tag.find("a") or tag.find_parent(class_="tags").find("a"):
            continue  # the DOI / journal tag rows hold links; category tags are plain labels
        code = text_of(tag)
        if _CATEGORY_CODE_RE.match(code) and code not in categories:
            categories.append(code)
    abstract_el = li.select_one("span.abstract-full")
    truncated = False
    if abstract_el is not None:
        for a in abstract_el.find_all("a"):  # the "△ Less" toggle
            a.decompose()
    else:
        abstract_el = li.select_one("span.abstract-short") or li.select_one("p.abstract")
        truncated = abstract_el is not None
        if abstract_el is not None:
            for a in abstract_el.find_all("a"):
                a.decompose()
    abstract = re.sub(r"(?<!\s)\s*(?:△\s*Less|▽\s*More)\s*$", "", text_of(abstract_el))  # (?<!\s): linear
    abstract = re.sub(r"^\s*Abstract:\s*", "", abstract)
    date_text = text_of(li.select_one("p.is-size-7"))
    m = re.search(r"v1\s+submitted\s+([^;]+)", date_text, re.I) or re.search(r"Submitted\s+([^;]+)", date_text, re.I)
    published = parse_display_date(m.group(1)) if m else ""
    comments = journal_ref = ""
    for p in li.select("p.comments"):
        text = text_of(p)
        if text.lower().startswith("comments:"):
            comments = text.split(":", 1)[1].strip()
        elif text.lower().startswith("journal ref:"):
            journal_ref = text.split(":", 1)[1].strip()
    doi = None
    for a in li.find_all("a", href=True):
        if "doi.org/" in a["href"]:
            doi = normalize_doi(a["href"])
            break
    authors_el = li.select_one("p.authors")
    return Paper(
        title=text_of(li.select_one("p.title")),
        arxiv_id=aid,
        doi=doi,
        authors=_authors(authors_el),
        abstract=abstract,
        abstract_truncated=truncated,
        published=published or date_from_arxiv_id(aid),
        categories=categories,
        comments=comments,
        journal_ref=journal_ref,
        urls=arxiv_urls(aid),
        sources=[Source(SITE, url)],
    )


def read_abs_page(page: PageParts) -> Paper:
    """An /abs/ page: citation_* meta, and the body's subjects/comments when the page is whole."""
    paper = paper_from_meta(page)
    paper.venue = ""
    if not paper.arxiv_id:
        paper.arxiv_id = normalize_arxiv_id(page.url)
    if not paper.published:
        paper.published = date_from_arxiv_id(paper.arxiv_id)
    paper.urls = {**arxiv_urls(paper.arxiv_id), **{k: v for k, v in paper.urls.items() if k != "abs"}}
    if page.html:
        soup = make_soup(page.html)
        if not paper.title:
            paper.title = clean_text(_strip_descriptor(soup.select_one("h1.title")))
        if not paper.authors:
            paper.authors = [text_of(a) for a in soup.select("div.authors a")]
        if not paper.abstract:
            paper.abstract = clean_text(_strip_descriptor(soup.select_one("blockquote.abstract")))
        paper.categories = _categories(soup.select_one("td.subjects") or soup.select_one(".subheader"))
        paper.comments = _strip_descriptor(soup.select_one("td.comments"))
        paper.journal_ref = _strip_descriptor(soup.select_one("td.jref"))
    paper.sources = [Source(SITE, page.url)]
    return Paper(**{**paper.__dict__, "key": ""})  # re-normalise and recompute the key


# --- scrape ----------------------------------------------------------------------------------


def scrape(page: PageParts) -> ParseResult:
    result = ParseResult(parser=NAME)
    if page.cards:
        # Well-formed listing cards are read without a tree; the rest are parsed together.
        fast = [None if "arxiv-result" in html else read_list_card_fast(html, page.url) for html in page.cards]
        rest = [i for i, paper in enumerate(fast) if paper is None]
        elements = dict(zip(rest, card_soups([page.cards[i] for i in rest])))
        for index, html in enumerate(page.cards):
            paper = fast[index]
            if paper is None:
                element = elements[index]
                paper = read_search_card(element, page.url) if "arxiv-result" in html else read_list_card(element, page.url)
            if not paper.arxiv_id:
                result.skipped.append(Skipped(index, "card has no arXiv id"))
            elif not paper.title:
                result.skipped.append(Skipped(index, f"card for {paper.arxiv_id} has no title"))
            else:
                result.papers.append(ParsedPaper(index, paper))
        return result
    if page.meta_values("citation_title") or is_abs_url(page.url):
        paper = read_abs_page(page)
        if paper.title:
            result.papers.append(ParsedPaper(0, paper))
        else:
            result.skipped.append(Skipped(0, "abstract page without citation_title"))
        return result
    result.skipped.append(Skipped(-1, "no listing entries and no paper data on this arXiv page"))
    return result
