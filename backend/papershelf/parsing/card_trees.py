"""Cards as plain lxml elements: the fast path of ``common.card_soups`` for the readers that use it
(dblp, OpenReview).

BeautifulSoup builds its tree from lxml's parser events one Python call per tag, and on a
100-card dblp or OpenReview request that was half the parse (bench/badges_where.py; lxml's own
tree of the same cards costs a twentieth of it).  The tree here comes from the very parser
BeautifulSoup's "lxml" builder drives (``etree.HTMLParser(recover=True)``, fed the same wrapped
document in one piece), so it has the same elements, attributes and strings; what differs is
only how it is walked, and ``text_of`` below walks it as ``common.text_of`` walks BeautifulSoup's.
A reader that takes these trees must answer exactly as its BeautifulSoup reader does:
tests/parsing/test_card_trees.py checks that on the fixtures and on thousands of mutated cards.

``card_trees`` answers None wherever ``card_soups`` would parse card by card (a card that leaks
into its neighbour, or carries the wrapper attribute): those requests take the BeautifulSoup path.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bs4.element import Tag
from lxml import etree

from ..papers import clean_text
from .common import _INLINE, _INTER_TAG_SPACE_RE, _WRAPPER_ATTR_RE
from .common import text_of as soup_text_of

# Switched off by the equivalence test to get the BeautifulSoup answer for the same cards.
ENABLED = True

# Elements whose strings BeautifulSoup keeps as its own string classes (Script, Stylesheet,
# TemplateString, RubyTextString, RubyParenthesisString), which common.text_of leaves out:
# every string inside one of them, however deep.
_STRING_CONTAINERS = frozenset(("script", "style", "template", "rt", "rp"))
_CLASS_RE = re.compile(r"\S+")  # how BeautifulSoup splits a class attribute


def card_trees(cards: list[str]) -> list[etree._Element] | None:
    """One element per card (its wrapper ``div``), from one parse of all of them; None when
    ``card_soups`` would not parse them as one document."""
    if not ENABLED or not cards or any(_WRAPPER_ATTR_RE.search(html) for html in cards):
        return None
    doc = "".join(f'<div data-papershelf-card="{i}">{html}</div>' for i, html in enumerate(cards))
    parser = etree.HTMLParser(recover=True)
    try:
        parser.feed("<html><body>" + _INTER_TAG_SPACE_RE.sub(">", doc) + "</body></html>")
        root = parser.close()
    except (etree.LxmlError, ValueError):  # whatever lxml refuses, BeautifulSoup's path answers for
        return None
    body = next(root.iter("body"), None) if root is not None else None
    if body is None or body.text:
        return None
    wrappers = list(body)
    if len(wrappers) != len(cards):
        return None
    for i, w in enumerate(wrappers):
        if not isinstance(w.tag, str) or w.tail or w.get("data-papershelf-card") != str(i):
            return None
    return wrappers


def classes(el) -> list[str]:
    value = el.get("class")
    return _CLASS_RE.findall(value) if value is not None else []


def tags(el) -> Iterator[etree._Element]:
    """The elements under ``el`` in document order (no comments or processing instructions)."""
    return (e for e in el.iterdescendants() if isinstance(e.tag, str))


def first(el, test) -> etree._Element | None:
    return next((e for e in tags(el) if test(e)), None)


def text_of(el) -> str:
    """``common.text_of`` of the same element in BeautifulSoup's tree."""
    if el is None:
        return ""
    parts: list[str] = []
    hidden = el.tag in _STRING_CONTAINERS or any(a.tag in _STRING_CONTAINERS for a in el.iterancestors())

    # Iterative (a hostile card nests as deep as the parser lets it): a stack of what is left to
    # emit, each entry an element to enter or a string already placed.
    stack: list = [(el, hidden)]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        node, hidden = item
        if node.text and not hidden:
            parts.append(node.text)
        todo: list = []
        for child in node:
            if isinstance(child.tag, str):
                inline = child.tag in _INLINE
                if not inline:
                    todo.append(" ")
                todo.append((child, hidden or child.tag in _STRING_CONTAINERS))
                if child.tail and not hidden:
                    todo.append(child.tail if inline else " " + child.tail)
            elif child.tail and not hidden:  # a comment's or PI's tail: no break before it
                todo.append(child.tail)
        stack.extend(reversed(todo))
    return clean_text("".join(parts))


# --- one reader, two trees -------------------------------------------------------------------
#
# A reader written against these few calls reads a card the same way from either tree, so the
# fast path cannot drift from the BeautifulSoup one: only the calls differ.  (Plain walks, not
# find()/select(): BeautifulSoup's filter objects and soupsieve's matching cost more than the
# walk itself on a card of a few dozen elements.)


class TreeDom:
    """Calls on the lxml elements of ``card_trees``."""

    tags = staticmethod(tags)
    classes = staticmethod(classes)
    text = staticmethod(text_of)

    @staticmethod
    def name(el) -> str:
        return el.tag

    @staticmethod
    def get(el, attr: str) -> str | None:
        return el.get(attr)

    @staticmethod
    def parent(el):
        return el.getparent()

    @staticmethod
    def ancestors(el):
        return el.iterancestors()


class SoupDom:
    """The same calls on BeautifulSoup's elements (``card_soups``; a whole page's soup)."""

    @staticmethod
    def tags(el):
        return (n for n in el.descendants if isinstance(n, Tag))

    @staticmethod
    def classes(el) -> list[str]:
        return (el.get("class") or []) if isinstance(el, Tag) else []

    @staticmethod
    def text(el) -> str:
        return soup_text_of(el)

    @staticmethod
    def name(el) -> str:
        return el.name

    @staticmethod
    def get(el, attr: str):
        return el.get(attr) if isinstance(el, Tag) else None

    @staticmethod
    def parent(el):
        return el.parent

    @staticmethod
    def ancestors(el):
        return el.parents


def find_first(dom, el, test, default=None):
    """The first element under ``el`` that passes ``test``, else ``default``."""
    found = next((e for e in dom.tags(el) if test(e)), None)
    return default if found is None else found
