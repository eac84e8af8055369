"""Import of a PaperMemory export (the browser extension's "Download memory as JSON").

Its shape, from the extension's source (``handleDownloadMemoryClick`` writes
``chrome.storage.local["papers"]`` as is): one object keyed by paper id (``Arxiv-2401.12345``,
old-style ``Arxiv-hep-th_9901001``, ``NeurIPS-2020_abc123``, ...) plus a ``__dataVersion``
number; each paper has ``id, key, title, author`` (names joined with " and "), ``year, venue,
pdfLink, codeLink, note, tags, bibtex, count`` (visits), ``addDate, lastOpenDate, favorite,
favoriteDate, source`` and sometimes ``doi``.

Mapping: visits -> seen_count, addDate/lastOpenDate -> first/last seen, tags and note kept,
a favourite becomes a saved paper (saved_at = favoriteDate).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from ..papers import Paper, Source, normalize_arxiv_id, normalize_doi
from ..parsing.common import flip_name
from .base import FormatError, ImportResult, dedupe, describe, load_json, try_json, venue_or_blank

NAME = "papermemory"
LABEL = "PaperMemory JSON"  # in the format menus of the library page and the popup

_PAPER_KEYS = {"title", "author", "pdfLink", "addDate", "lastOpenDate", "count", "bibtex", "codeLink"}


def _papers_of(data) -> dict | None:
    if not isinstance(data, dict):
        return None
    # Some exports wrap the memory: {"papers": {...}}.
    if isinstance(data.get("papers"), dict) and "format" not in data:
        data = data["papers"]
    return {k: v for k, v in data.items() if not k.startswith("__")}


def sniff(text: str) -> bool:
    papers = _papers_of(try_json(text))
    if not papers:
        return False
    sample = list(papers.values())[:20]
    return all(isinstance(v, dict) and len(_PAPER_KEYS & v.keys()) >= 3 for v in sample)


def _iso(value) -> str:
    """A JSON date ('2022-01-12T10:00:00.000Z') or epoch milliseconds -> '...T10:00:00Z'."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value / 1000, timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
        except (OverflowError, OSError, ValueError):
            return ""
    if not isinstance(value, str) or not value.strip():
        return ""
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return ""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _s(v) -> str:
    return v.strip() if isinstance(v, str) else ""


def parse(text: str) -> ImportResult:
    data = load_json(text)
    papers = _papers_of(data)
    if papers is None:
        raise FormatError("not a PaperMemory export (expected an object of papers keyed by id)")
    result = ImportResult()
    for pid, raw in papers.items():
        label = f"paper {pid}"
        if not isinstance(raw, dict):
            result.skipped.append((label, "not an object"))
            continue
        try:
            result.papers.append(to_paper(pid, raw))
        except ValueError as exc:
            result.skipped.append((describe(_s(raw.get("title")), label), str(exc)))
    if papers and not result.papers and len(result.skipped) == len(papers) and not any(
        isinstance(v, dict) and len(_PAPER_KEYS & v.keys()) >= 2 for v in papers.values()
    ):
        raise FormatError("not a PaperMemory export: none of its entries look like papers")
    return dedupe(result, "paper")


def _list(value) -> list:
    """A list field; older exports write it as the text of a JSON list ("[]", '["a", "b"]')."""
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return value if isinstance(value, list) else []


def to_paper(pid: str, raw: dict) -> Paper:
    title = _s(raw.get("title"))
    pdf = _s(raw.get("pdfLink"))
    arxiv_id = None
    m = re.match(r"^Arxiv-(.+)$", pid, re.IGNORECASE)
    if m:
        arxiv_id = normalize_arxiv_id(m.group(1).replace("_", "/"))
    arxiv_id = arxiv_id or normalize_arxiv_id(pdf)
    doi = normalize_doi(_s(raw.get("doi")))
    if not doi:
        dm = re.search(r"\bdoi\s*=\s*[{\"]\s*([^}\"]+)", _s(raw.get("bibtex")), re.IGNORECASE)
        doi = normalize_doi(dm.group(1)) if dm else None
    if not (title or arxiv_id or doi):
        raise ValueError("no title, arXiv id or DOI")
    author = _s(raw.get("author"))
    # PaperMemory keeps names as the page gave them, some as "Last, First": ours are "First Last".
    authors = [flip_name(a) for a in re.split(r"(?<!\s)\s+and\s+", author) if a.strip()] if author else []
    year = _s(str(raw.get("year"))) if isinstance(raw.get("year"), (str, int)) else ""
    urls = {}
    if pdf.startswith(("http://", "https://")):
        urls["pdf"] = pdf
    code = _s(raw.get("codeLink"))
    if code.startswith(("http://", "https://")):
        urls["code"] = code
    if arxiv_id:
        urls["abs"] = f"https://arxiv.org/abs/{arxiv_id}"
    tags = _list(raw.get("tags"))
    count = raw.get("count")
    if isinstance(count, str) and count.strip().isdigit():  # older exports write every value as a string
        count = int(count)
    seen = count if isinstance(count, int) and not isinstance(count, bool) and count > 0 else 0
    first, last = _iso(raw.get("addDate")), _iso(raw.get("lastOpenDate"))
    favorite = raw.get("favorite") is True or raw.get("favorite") == "True"
    # Older PaperMemory versions call the venue "conf".
    venue = _s(raw.get("venue")) or _s(raw.get("conf"))
    paper = Paper(
        title=title,
        arxiv_id=arxiv_id,
        doi=doi,
        authors=authors,
        abstract=_s(raw.get("abstract")),
        published=year if re.fullmatch(r"\d{4}", year) else "",
        venue=venue_or_blank(venue),
        urls=urls,
        tags=sorted({t.strip() for t in tags if isinstance(t, str) and t.strip()}),
        note=_s(raw.get("note")),
        saved=favorite,
        saved_at=(_iso(raw.get("favoriteDate")) or first or None) if favorite else None,
        seen_count=seen,
        first_seen=first,
        last_seen=last or first,
        sources=[Source(site="import", url=urls.get("abs") or pdf, first_seen=first, last_seen=last or first)] if seen else [],
    )
    if not paper.key:
        raise ValueError("no title, arXiv id or DOI")
    return paper
