"""Hugging Face cards the page data covers, read by regex instead of a tree (the capture's hot path).
"""

from __future__ import annotations

import html as html_lib
import re

from ...papers import Paper, clean_text
from ...parsing.common import absolute, parse_count
from .blob import enrich, paper_from_props
from .urls import GITHUB_RE, HF, paper_id_of_link

# --- cards the blob covers: no tree needed ------------------------------------------------------
#
# When the blob holds a card's paper with everything enrich() would take from the card (title,
# abstract, date, authors), the card only has to say which paper it is and its live counts.
# Those are read with a few regexes on the card's HTML instead of building its tree (building
# the trees was most of the time a capture took).  Anything unusual in the card (comments,
# scripts, links or vote labels the regexes cannot pair up, several paper ids) sends it to
# read_card() instead, so the result is the same as the full reading.

# A start or end tag, reading quoted attribute values as lxml does (they may hold '>').
# An unquoted '<' ends the scan (the card is then unsure and read as a tree): from each of
# thousands of '<' the scan would otherwise run to the end of the card.
_TAG = r"""<[A-Za-z/!?](?:[^<>"']|"[^"]*"|'[^']*')*+>"""
_ATTRS = r"""((?:[^<>"']|"[^"]*"|'[^']*')*+)"""
_A_OPEN_RE = re.compile(r"<a\b", re.I)
# A link's text runs to its </a> and holds no other link (an unclosed <a> is read up to the
# next one only, and the count check below sends the card to read_card()).
_ANCHOR_RE = re.compile(r"<a\s" + _ATTRS + r">((?:[^<]|<(?!/?a\b))*+)</a\s*>", re.I)
_HREF_ATTR_RE = re.compile(r"""(?<![\w-])href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_LABEL_RE = re.compile(r"<label\b" + _ATTRS + r">((?:[^<]|<(?!/?label\b))*+)</label\s*>", re.I)
_CHECKBOX_RE = re.compile(r"""<input\b[^<>]*(?<![\w-])type\s*=\s*["']?checkbox["'\s/>]""", re.I)
_TAG_RE = re.compile(_TAG, re.S)
_UNUSUAL_RE = re.compile(r"<!--|<script|<style|<template|<label\b[^<>]*>(?:(?!</?label\b).)*+<label\b", re.I | re.S)


def _markup_text(fragment: str) -> str | None:
    """text_of() for a small fragment (tags become spaces, entities are decoded); None when a
    '<' is left over, i.e. the fragment was cut inside a tag and the regexes are unsure."""
    text = _TAG_RE.sub(" ", fragment)
    return None if "<" in text else clean_text(html_lib.unescape(text))


def _quick_card(html: str, url: str) -> dict | None:
    """Paper id, upvotes, GitHub link and stars of a card by regex, or None when unsure."""
    if _UNUSUAL_RE.search(html):
        return None
    anchors = _ANCHOR_RE.findall(html)
    if len(anchors) != len(_A_OPEN_RE.findall(html)):
        return None  # an unclosed or nested link: the regexes cannot pair them up
    ids, code, stars = set(), "", None
    for attrs, inner in anchors:
        m = _HREF_ATTR_RE.search(attrs)
        if m is None:
            continue
        href = html_lib.unescape(next(g for g in m.groups() if g is not None))
        pid = paper_id_of_link(href)
        if pid:
            ids.add(pid)
        elif not code:
            g = GITHUB_RE.match(absolute(url or HF, href))
            if g:
                text = _markup_text(inner)
                if text is None:
                    return None
                code, stars = g.group(0), parse_count(text)
    if len(ids) != 1:
        return None
    boxes = len(_CHECKBOX_RE.findall(html))
    upvotes, boxed = None, 0
    for _, inner in _LABEL_RE.findall(html):
        n_in = len(_CHECKBOX_RE.findall(inner))
        if not n_in:
            continue
        boxed += n_in
        if upvotes is None:
            text = _markup_text(inner)
            if text is None:
                return None
            upvotes = parse_count(text)
    if boxed != boxes:
        return None  # a checkbox outside a label: read_card() looks at its parent
    return {"id": ids.pop(), "upvotes": upvotes, "code": code, "stars": stars}


def covered_paper(html: str, by_id: dict, url: str) -> Paper | None:
    """The paper of a card the blob fully describes, enriched with the card's counts."""
    quick = _quick_card(html, url)
    if quick is None or quick["id"] not in by_id:
        return None
    paper = paper_from_props(by_id[quick["id"]], url)
    if not (paper.title and paper.abstract and paper.published and paper.authors):
        return None  # the card may fill a gap: read it whole
    card = {"title": "", "abstract": "", "abstract_truncated": False, "published": "", "author_count": None, **quick}
    return enrich(paper, card)
