"""Cleaning and bounding what pages, files and requests say before it becomes a record: text
with its whitespace collapsed, strings without lone surrogates, links of a record per site,
fields and lists cut to a size every later regex and exporter can afford, counts JSON keeps.

Every value from a page or file is hostile: these are the bounds (``papers.Paper`` applies them
when a record is made; ``api.py`` scrubs request bodies).
"""

from __future__ import annotations

import json
from typing import Any


def clean_text(value: Any) -> str:
    """Collapse whitespace in a scraped string; None becomes ''."""
    if value is None:
        return ""
    return " ".join(scrub(str(value)).split())


def scrub(text: str) -> str:
    """``text`` without lone surrogates (JSON can carry ``"\\ud800"``; no file or parser takes them)."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


def scrub_tree(value: Any) -> Any:
    """``value`` (decoded JSON) with every lone surrogate in its strings and keys replaced."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
        return value  # the common case: one C-speed pass, nothing to replace
    except UnicodeEncodeError:
        pass
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [scrub_tree(v) for v in value]
    if isinstance(value, dict):
        return {scrub(str(k)): scrub_tree(v) for k, v in value.items()}
    return value


MAX_COUNT = 2**53 - 1  # the largest integer every JSON reader (JavaScript too) keeps exactly


def is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT


# Longest value kept per field (characters): far beyond any real paper, short enough that every
# regex and exporter that later reads a field works on a bounded value.
FIELD_LIMITS = {"title": 2_000, "abstract": 100_000, "venue": 2_000, "comments": 5_000, "journal_ref": 2_000,
                "pages": 100, "published": 100, "organization": 500, "note": 100_000}
LIST_LIMITS = {"authors": (5_000, 500), "categories": (100, 100), "keywords": (500, 200), "tags": (500, 200)}
URL_LIMIT = 8_192
LINKS_LIMIT = 20  # sites a record keeps a link of (there are about a dozen)


def clean_links(links) -> dict[str, str]:
    """A record's links per site, bounded: short site names, http(s) URLs of at most URL_LIMIT,
    at most LINKS_LIMIT of them (the first ones, in site order)."""
    if not isinstance(links, dict):
        return {}
    out = {}
    for site in sorted(k for k in links if isinstance(k, str) and 0 < len(k) <= 40):
        url = links[site]
        if isinstance(url, str) and url.startswith(("http://", "https://")) and len(url) <= URL_LIMIT:
            out[site] = scrub(url)
        if len(out) == LINKS_LIMIT:
            break
    return out


def cap_fields(p) -> None:
    """Cut a record's (a ``Paper``'s) fields, lists and URLs to the limits above."""
    for name, limit in FIELD_LIMITS.items():
        value = getattr(p, name)
        if isinstance(value, str) and len(value) > limit:
            setattr(p, name, value[:limit])
    for name, (count, limit) in LIST_LIMITS.items():
        values = getattr(p, name)
        if isinstance(values, list) and (len(values) > count or any(isinstance(v, str) and len(v) > limit for v in values)):
            setattr(p, name, [v[:limit] if isinstance(v, str) else v for v in values[:count]])
    if isinstance(p.urls, dict):
        p.urls = {k: v for k, v in p.urls.items() if not isinstance(v, str) or len(v) <= URL_LIMIT}
