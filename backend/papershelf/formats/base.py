"""What every format module shares: the error type and the import result.

An exporter module has ``NAME``, ``MEDIA_TYPE``, ``EXTENSION`` and ``export(papers) -> str``.
An importer module has ``NAME``, ``sniff(text) -> bool`` and ``parse(text) -> ImportResult``.
A module may be both.  Importers never raise on a single bad item: it goes into ``skipped``
with a reason.  They raise :class:`FormatError` only when the file as a whole cannot be read
as their format, so that the caller imports nothing.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from ..papers import Paper, same_work, scrub_tree, twin_key


class FormatError(ValueError):
    """A file that cannot be read (or written) as the requested format; the message says why."""


@dataclass
class ImportResult:
    papers: list[Paper] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (item description, reason)
    # Where each paper stood in the file (1-based, counting the items that were skipped too), so
    # that "same paper as entry 3" names the third entry of the file, not the third one kept.
    positions: list[int] = field(default_factory=list)

    def keep(self, paper: Paper, position: int) -> None:
        self.papers.append(paper)
        self.positions.append(position)


def load_json(text: str) -> Any:
    """Decoded JSON, or raises FormatError naming the line and column of the problem."""
    try:
        data = _cached_json(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise FormatError("not valid JSON: nested too deeply") from None
    # "\ud800" escapes decode to lone surrogates, which no journal line can hold: replaced
    # (only when the text has such an escape, so a large backup is not walked for nothing).
    return scrub_tree(data) if _SURROGATE_ESCAPE.search(text) else data


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


@lru_cache(maxsize=2)
def _cached_json(text: str) -> Any:
    # Three importers (PaperShelf, PaperMemory, CSL-JSON) sniff the same JSON text; decode once.
    return json.loads(text)


def forget_json() -> None:
    """Drop the decoded-JSON cache (called when an import is done: files can be large)."""
    _cached_json.cache_clear()


def try_json(text: str) -> Any:
    """Decoded JSON, or None when the text is not JSON at all (for sniffing)."""
    stripped = text.lstrip()
    if not stripped or stripped[0] not in "[{":
        return None
    try:
        return load_json(text)
    except FormatError:
        return None


def describe(title: str, fallback: str) -> str:
    """A short, human description of an input item for the skipped list."""
    title = " ".join(str(title or "").split())
    if not title:
        return fallback
    return f"{fallback}: {title[:80]}{'…' if len(title) > 80 else ''}"


def dedupe(result: ImportResult, what: str = "item") -> ImportResult:
    """Keep the first paper per key; later twins are skipped with a reason (the store would merge
    them anyway, but the user should see that the file held the same paper twice).  Records that
    share only a title are twins when papers.same_work says so; else the later one gets a key of
    its own (papers.twin_key) and is kept."""
    positions = result.positions if len(result.positions) == len(result.papers) else range(1, len(result.papers) + 1)
    seen: dict[str, int] = {}
    by_key: dict[str, Paper] = {}
    twins: dict[str, list[str]] = {}  # a title key -> the keys of the works that share the title
    kept: list[Paper] = []
    kept_positions: list[int] = []
    for p, position in zip(result.papers, positions):
        if p.key in seen and p.key.startswith("title:"):
            # Only the title matched: the same paper if what both records know agrees.
            match = next((k for k in twins[p.key] if same_work(by_key[k], p)), None)
            if match is None:
                p.key = twin_key(p, lambda k: k in seen)
            else:
                p.key = match
        if p.key in seen:
            result.skipped.append((describe(p.title or p.key, f"{what} {position}"), f"same paper as {what} {seen[p.key]} ({p.key})"))
            continue
        seen[p.key] = position
        by_key[p.key] = p
        if p.key.startswith("title:"):
            twins.setdefault(p.compute_key() or p.key, []).append(p.key)
        kept.append(p)
        kept_positions.append(position)
    result.papers, result.positions = kept, kept_positions
    return result


def main_url(p: Paper) -> str:
    """The one link that stands for a paper in an export: its arXiv page, else HF, project, DOI."""
    return (p.urls.get("abs") or (f"https://arxiv.org/abs/{p.arxiv_id}" if p.arxiv_id else "")
            or p.urls.get("hf") or p.urls.get("project") or (f"https://doi.org/{p.doi}" if p.doi else ""))


# Zotero's notes open with a block element and close one; a text that merely starts with "<p>"
# ("<p> is the paragraph tag") is not HTML.
_BLOCK = r"(?:p|div|h[1-6]|ul|ol|blockquote|pre)"
_HTML_NOTE = re.compile(rf"\s*<{_BLOCK}\b[^>]*>.*</{_BLOCK}>\s*\Z", re.IGNORECASE | re.DOTALL)
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_HTML_BLOCK_END = re.compile(r"</(?:p|div|h[1-6]|li|blockquote|pre)\s*>", re.IGNORECASE)
# [^<>]: from each of many "<" the scan would run to the end of the note.
_HTML_TAG = re.compile(r"<[^<>]*>")


def note_text(value: str) -> str:
    """A note as plain text.  Zotero writes its notes as HTML ("<p>Read twice.</p><p>...");
    such a note becomes paragraphs of text.  Anything else is text already, kept as it is --
    even when it mentions a tag ("see <script> in the paper")."""
    if not _HTML_NOTE.match(value):
        return value.strip()
    text = _HTML_BLOCK_END.sub("\n\n", _HTML_BREAK.sub("\n", value))
    text = html.unescape(_HTML_TAG.sub("", text))
    # Each repetition must end at a newline, so the run is read once (\n\s*\n(?:\s*\n)* was
    # exponential on a run of newlines that failed to match).
    return _BLANK_LINES.sub("\n\n", text).strip()


_BLANK_LINES = re.compile(r"\n(?:[^\S\n]*\n)+")


def venue_or_blank(venue: str) -> str:
    """A venue worth keeping, whitespace tidied: "arXiv" (or "arXiv preprint arXiv:...") names
    where a preprint is, not where it was published; so does DBLP's "CoRR" (arXiv's computing
    repository)."""
    venue = " ".join((venue or "").split())
    return "" if venue.lower().startswith("arxiv") or venue.lower() in ("corr", "corr abs") else venue


def split_tags(keywords: str) -> list[str]:
    """A keywords field as tags: split on commas and semicolons, blanks dropped, each once."""
    return sorted({t.strip() for t in re.split(r"[,;]", keywords or "") if t.strip()})


# --- saved dates ------------------------------------------------------------------------------
#
# An import that saves papers gives each the date its file says it was saved or added, so a
# library brought over from another tool keeps its history (the "saved per week" chart, the
# oldest-first reading queue) instead of every paper landing on the day of the import.

# A date and maybe a time as files write them: ISO 8601, BibDesk's date-added
# "2019-03-04 12:00:00 +0100", JabRef's timestamp "2019.03.04", BibSonomy's added-at
# "2019-03-04T12:00:00.000+01:00". No nested repetition: linear on any input.
_MOMENT = re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})"
                     r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)? ?(Z|[+-]\d{2}:?\d{2})?")
_EARLIEST = datetime(1991, 8, 1, tzinfo=timezone.utc)  # arXiv's first month: no paper was saved before


def moment(value: Any) -> str | None:
    """``value`` as 'YYYY-MM-DDTHH:MM:SSZ' (UTC; a date alone is its midnight), or None when it
    is not a date or not a plausible past one (before arXiv, or more than a day ahead)."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    m = _MOMENT.fullmatch(value.strip())
    if not m:
        return None
    y, mo, d, h, mi, s, zone = m.groups()
    try:
        tz = timezone.utc
        if zone and zone != "Z":
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
        when = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), tzinfo=tz)
    except (ValueError, OverflowError):
        return None
    when = when.astimezone(timezone.utc)
    if not _EARLIEST <= when <= datetime.now(timezone.utc) + timedelta(days=1):
        return None
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def saved_dates(papers: list[Paper], save: bool) -> list[Paper]:
    """Settle the saved state of imported papers before the store merges them.

    ``save`` (the user's "save imported"): an unsaved paper that has a date of its own in the
    file -- the date its tool says it was added (``saved_at`` from a reader), else when the file
    says it was first seen -- is saved at that date; the store saves the rest at the import's
    time. Without ``save`` a paper the file does not mark saved carries no saved date."""
    for p in papers:
        if p.saved:
            continue
        if save:
            when = moment(p.saved_at) or moment(p.first_seen)
            if when:
                p.saved, p.saved_at = True, when
        else:
            p.saved_at = None
    return papers
