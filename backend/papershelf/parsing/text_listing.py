"""Plain-text listings: the visible text of a Hugging Face Papers page, saved or pasted.

Three shapes occur (see sites.md): blocks separated by blank lines with a meta block
(``• 5 authors`` / ``·`` / ``Aug 11, 2023 [upvotes]``) after each abstract; the same without
meta blocks; and title and abstract on alternating lines with no blank lines at all (where
the page chrome glues ``Subscribe`` to the first title).  Hard-wrapped pasted text is also
read: the lines of one blank-separated paragraph are joined when none of them is a whole
abstract on its own.

A paper is a title-like line followed by an abstract-like one; meta lines attach to the paper
before them.  A title with no abstract becomes a paper only when an author line follows it
(a compact card); other lone short lines are page chrome and are reported as skipped.

"Title-like" vs "abstract-like" is decided by shape, not by any listing's words: an abstract
is long or made of several sentences; a title is one short line.

Dates: HF shows "Sep 25" without a year for the current year *of when the page was viewed*,
which a text file does not record, so such dates are left empty rather than guessed.
"""

from __future__ import annotations

import re

from ..papers import Paper, Source
from .base import PageParts, ParsedPaper, ParseResult, Skipped
from .common import parse_count, parse_display_date

NAME = "text_listing"
SITE = "text"

# Page chrome that the HF Papers page shows around the listing (header, footer, buttons).
_CHROME = {
    "new",
    "subscribe",
    "daily papers",
    "trending papers",
    "papers",
    "byak and the research community",
    "get trending papers in your email inbox!",
    "get trending papers in your email inbox once a day!",
    "load more",
    "show more",
    "previous",
    "next",
    "search",
    "daily",
    "weekly",
    "monthly",
    "trending",
}
# Chrome words that the text extraction glues onto the first title ("SubscribeHow Robust ...").
_GLUED_CHROME_RE = re.compile(r"^(?:Subscribe|Load more|Daily Papers)(?=[A-Z0-9$\"'“‘(\[¿¡τ])")

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_AUTHORS_RE = re.compile(r"^[•·\-*–]?\s*(\d[\d,]*)\s+authors?$", re.I)
_SEPARATOR_RE = re.compile(r"^[•·|\-–—]$")
_DATE_RE = re.compile(rf"^(?:Published\s+on\s+)?({_MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?)(?:\s+(\d[\d,.]*[kK]?))?$")
_SUBMITTED_RE = re.compile(r"^Submitted\s+by\s+\S.*$", re.I)
_NUMBER_RE = re.compile(r"^\d[\d,.]*[kK]?$")
# A field line of a tagged file (RIS "TY  - JOUR", MEDLINE "PMID- 123", "DP  - 2010"): a tag padded
# to four characters, then "-".  Such lines are never a title or an abstract; they are dropped
# (and counted), so a RIS file read as text gives no papers titled "Y1  - 2014//".
_TAGGED_LINE_RE = re.compile(r"^(?:[A-Z][A-Z0-9]  |[A-Z]{3} |[A-Z]{4})-(?: |$)")
_SENTENCE_END_RE = re.compile(r"[.!?](?:\s+|$)(?=[A-Z(\"“]|$)")

TITLE_MAX = 300  # the longest titles seen are ~180 characters
ABSTRACT_MIN = 250  # shorter text counts as an abstract only if it reads like sentences


def detect(page: PageParts) -> bool:
    return bool(page.text and page.text.strip())


def _meta(line: str) -> dict | None:
    """The meta a line carries ({'authors': 5}, {'published': ..}, ...) or None if not meta."""
    parts = [p.strip() for p in re.split(r"(?<!\s)\s+[·•]\s+", line) if p.strip()] or [line]
    found: dict = {}
    for part in parts:
        if _SEPARATOR_RE.match(part):
            found.setdefault("separator", True)
        elif m := _AUTHORS_RE.match(part):
            found["authors"] = parse_count(m.group(1))
        elif m := _DATE_RE.match(part):
            found["date_text"] = m.group(1)
            if m.group(2):
                found["upvotes"] = parse_count(m.group(2))
        elif _SUBMITTED_RE.match(part):
            found["submitted"] = True
        elif _NUMBER_RE.match(part):
            found["number"] = parse_count(part)
        else:
            return None
    return found


def _is_abstract_like(text: str) -> bool:
    if len(text) >= ABSTRACT_MIN:
        return True
    return len(text) >= 60 and len(_SENTENCE_END_RE.findall(text)) >= 2 and text.rstrip()[-1:] in ".!?"


def _units(text: str) -> list[tuple[str, object]]:
    """The text as a sequence of ('content', str) and ('meta', dict) units, and ('tagged', line)
    for the lines of a tagged file."""
    units: list[tuple[str, object]] = []
    paragraph: list[str] = []

    def flush():
        content: list[str] = []

        def flush_content():
            if not content:
                return
            # Hard-wrapped text: no line is an abstract by itself, but together they are.
            if len(content) > 1 and not any(_is_abstract_like(c) for c in content) and _is_abstract_like(" ".join(content)):
                units.append(("content", " ".join(content)))
            else:
                units.extend(("content", c) for c in content)
            content.clear()

        for line in paragraph:
            meta = _meta(line)
            if meta is not None:
                flush_content()
                units.append(("meta", meta))
            else:
                content.append(line)
        flush_content()
        paragraph.clear()

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if _TAGGED_LINE_RE.match(raw.lstrip("\ufeff")):
            flush()
            units.append(("tagged", raw))
            continue
        line = " ".join(raw.split())
        line = _GLUED_CHROME_RE.sub("", line)
        if not line:
            flush()
            continue
        paragraph.append(line)
    flush()
    return units


def scrape(page: PageParts) -> ParseResult:
    result = ParseResult(parser=NAME)
    papers: list[Paper] = []
    metas: list[dict] = []  # meta gathered for papers[i]
    pending_title: str | None = None
    pending_meta: dict = {}

    def emit(title: str, abstract: str) -> None:
        papers.append(Paper(title=title, abstract=abstract, sources=[Source(SITE, page.url)]))
        metas.append({})

    tagged = 0
    for kind, value in _units(page.text or ""):
        if kind == "tagged":
            tagged += 1
            pending_title, pending_meta = None, {}
            continue
        if kind == "meta":
            if pending_title is not None:
                pending_meta.update(value)
                if "authors" in pending_meta or "submitted" in pending_meta:
                    emit(pending_title, "")  # a compact card: title and author line, no abstract
                    metas[-1].update(pending_meta)
                    pending_title, pending_meta = None, {}
            elif papers:
                for k, v in value.items():
                    metas[-1].setdefault(k, v)
            continue
        text = str(value)
        if text.casefold() in _CHROME:
            continue
        if _is_abstract_like(text) or (pending_title is not None and len(text) > TITLE_MAX):
            if pending_title is not None:
                emit(pending_title, text)
                pending_title, pending_meta = None, {}
            elif papers and not metas[-1] and papers[-1].abstract:
                # a second paragraph of the same abstract
                papers[-1] = Paper(title=papers[-1].title, abstract=papers[-1].abstract + " " + text, sources=papers[-1].sources)
            else:
                result.skipped.append(Skipped(-1, f"text without a title: {text[:60]!r}"))
            continue
        if pending_title is not None:
            result.skipped.append(Skipped(-1, f"line without an abstract: {pending_title[:60]!r}"))
        pending_title, pending_meta = (text, {}) if len(text) <= TITLE_MAX else (None, {})
    if pending_title is not None:
        result.skipped.append(Skipped(-1, f"line without an abstract: {pending_title[:60]!r}"))

    for index, (paper, meta) in enumerate(zip(papers, metas)):
        if meta.get("authors"):
            paper.author_count = meta["authors"]
        if meta.get("date_text"):
            paper.published = parse_display_date(meta["date_text"])
        upvotes = meta.get("upvotes", meta.get("number"))
        if upvotes is not None:
            paper.upvotes = upvotes
        result.papers.append(ParsedPaper(index, paper))
    if tagged:
        result.skipped.append(Skipped(-1, f"{tagged} lines of a tagged file (RIS or MEDLINE fields, 'XX  - value'), not listing text"))
    if not papers:
        result.skipped.append(Skipped(-1, "no title and abstract pairs found in the text"))
    return result
