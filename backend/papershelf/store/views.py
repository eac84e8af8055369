"""Searches, sorted pages, tags and stats by a pass over the papers in memory.

The search index (``index.py``) answers these in a running server; this pass is what a
read-only library uses (``papershelf export`` / ``stats`` beside a running server) and what a
server falls back to if its index cannot be written.  Both give the same answers (tested).
The search view is built at most once per change to the library; each paper's search text is
cached until that paper changes, so after one save only that paper's text is made again.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any, Iterable

from ..query import PaperQuery
from .tables import PaperTable


class Views:
    def __init__(self, table: PaperTable) -> None:
        self.table = table
        self._search_text: dict[str, tuple[dict, str]] = {}  # key -> (document, its search text)
        self._view: tuple[int, list[dict], list[str]] | None = None

    def find(self, seq: int, query: PaperQuery) -> tuple[int, list[dict]]:
        found = query.select(*self._search_view(seq, bool(query.q.strip())))
        return len(found), query.page(found)

    def ordered(self, seq: int, query: PaperQuery) -> list[dict]:
        return query.order(query.select(*self._search_view(seq, bool(query.q.strip()))))

    def _search_view(self, seq: int, with_text: bool) -> tuple[list[dict], list[str]]:
        """Every stored document and, aligned with it, the casefolded text a search looks in."""
        if not with_text:
            return list(self.table.docs()), []
        if self._view is None or self._view[0] != seq:
            docs = list(self.table.docs())
            texts = []
            cache, fresh = self._search_text, {}
            for doc in docs:
                cached = cache.get(doc["key"])
                if cached is None or cached[0] is not doc:
                    cached = (doc, search_text_of(doc))
                fresh[doc["key"]] = cached
                texts.append(cached[1])
            self._search_text = fresh  # deleted papers' texts go with the old cache
            self._view = (seq, docs, texts)
        return self._view[1], self._view[2]

    def tag_counts(self, limit: int | None = None) -> list[dict[str, Any]]:
        counts = Counter(t for d in self.table.docs() for t in d.get("tags", []))
        ordered = sorted(counts.items(), key=lambda tc: (-tc[1], tc[0]))[:limit]
        return [{"tag": t, "count": c} for t, c in ordered]

    def saved_days(self) -> list[tuple[str, int]]:
        return list(Counter((d.get("saved_at") or "")[:10] for d in self.table.docs() if d.get("saved")).items())


def stats(counts: dict[str, int], tags: list[dict], saved_days: Iterable[tuple[str, int]]) -> dict[str, Any]:
    """Counts, the top tags and papers saved per ISO week (from a few hundred distinct days)."""
    weeks: Counter[str] = Counter()
    for day, count in saved_days:
        try:
            y, w, _ = date.fromisoformat(day).isocalendar()
        except ValueError:
            continue
        weeks[f"{y}-W{w:02d}"] += count
    return {**counts, "tags": tags, "saved_per_week": [{"week": w, "count": weeks[w]} for w in sorted(weeks)]}


def search_text_of(doc: dict) -> str:
    return " ".join([
        doc.get("title", ""), " ".join(doc.get("authors", [])), doc.get("abstract", ""),
        " ".join(doc.get("tags", [])), doc.get("note", ""), doc["key"],
    ]).casefold()
