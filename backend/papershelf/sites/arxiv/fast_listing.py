"""arXiv listing cards read without a tree: the fast path of reader.read_list_card().

reader.scrape() asks read_list_card_fast() first for every listing card and falls back to the
tree reader (reader.read_list_card) when it answers None; tests/parsing/test_arxiv_fast_path.py
checks that a non-None answer is exactly the tree reader's. The list fields and the category
pattern live here so both readers share them.
"""

from __future__ import annotations

import html as html_lib
import re

from ...papers import Paper, Source, normalize_arxiv_id, normalize_doi
from ...parsing.common import arxiv_urls, date_from_arxiv_id

SITE = "arxiv"
LIST_FIELDS = ("list-title", "list-authors", "list-subjects", "list-comments", "list-journal-ref", "list-doi")
AUTHORS_PREFIX_RE = re.compile(r"^\s*Authors?:\s*")
AUTHORS_SPLIT_RE = re.compile(r",|\band\b")
CATEGORY_RE = re.compile(r"\(([a-z][a-z\-]*(?:\.[A-Za-z][A-Za-z\-]*)?)\)")

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


_FIELD_SET = frozenset(LIST_FIELDS)


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
            text = AUTHORS_PREFIX_RE.sub("", field_text("list-authors"))
            authors = [n.strip() for n in AUTHORS_SPLIT_RE.split(text) if n.strip()]
    categories: list[str] = []
    if "list-subjects" in fields:
        # _categories(): the primary subject's codes first, then every code in the field's text
        primary = next((item for item in fields["list-subjects"]
                        if not isinstance(item, str) and "primary-subject" in item[1]), None)
        if primary is not None:
            categories = CATEGORY_RE.findall(_fast_text(primary[2]))
        for code in CATEGORY_RE.findall(field_text("list-subjects", strip=False)):
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
