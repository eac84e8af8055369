"""Import of a list of identifiers: arXiv ids, arXiv / Hugging Face URLs, DOIs, one per line.

Blank lines and ``#`` comments are ignored; any other line that is not exactly one
identifier is skipped with a reason.  There is no network here to fetch titles, so the
papers carry only their identifier (title ""); the library shows the key until a capture
brings the real metadata (merge: present beats absent).
"""

from __future__ import annotations

import re

from ..papers import Paper, normalize_arxiv_id, normalize_doi
from .base import FormatError, ImportResult

NAME = "ids"
LABEL = "arXiv ids / URLs"  # in the format menus of the library page and the popup

_DOI_LINE = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)


def _content_lines(text: str) -> list[tuple[int, str]]:
    out = []
    for n, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        line = line.strip()
        if line and not line.startswith("#"):
            out.append((n, line))
    return out


def identify(line: str) -> Paper | None:
    """A Paper for a line holding one identifier, else None."""
    token = line.strip().strip("<>")
    if re.search(r"\s", token):
        return None
    aid = normalize_arxiv_id(token)
    if aid:
        return Paper(arxiv_id=aid, urls={"abs": f"https://arxiv.org/abs/{aid}"})
    m = _DOI_LINE.match(token)
    if m:
        doi = normalize_doi(m.group(1))
        if doi:
            return Paper(doi=doi)
    return None


def sniff(text: str) -> bool:
    lines = _content_lines(text[:200_000])
    if not lines:
        return False
    found = sum(1 for _, line in lines[:500] if identify(line))
    return found > 0 and found * 2 >= min(len(lines), 500)


def parse(text: str) -> ImportResult:
    lines = _content_lines(text)
    if not lines:
        raise FormatError("the list holds no identifiers (only blank lines or # comments)")
    result = ImportResult()
    first_line: dict[str, int] = {}
    for n, line in lines:
        shown = line if len(line) <= 80 else line[:80] + "…"
        paper = identify(line)
        if paper is None:
            result.skipped.append((f"line {n}: {shown}", "not an arXiv id, arXiv or Hugging Face paper URL, or DOI"))
        elif paper.key in first_line:
            result.skipped.append((f"line {n}: {shown}", f"same paper as line {first_line[paper.key]} ({paper.key})"))
        else:
            first_line[paper.key] = n
            result.papers.append(paper)
    if not result.papers:
        raise FormatError(f"no arXiv id, paper URL or DOI found in {len(lines)} line{'s' if len(lines) != 1 else ''}")
    return result
