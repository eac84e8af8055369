"""What the library shows about many papers at once: counts, the search view, tags, stats.

Each is computed from the documents in memory and cached until the library changes (the
sequence number of the last change says when); a paper's search text is cached until that
paper changes, so after one save only that paper's text is made again.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from .tables import PaperTable


class Views:
    def __init__(self, table: PaperTable) -> None:
        self.table = table
        self._search_text: dict[str, tuple[dict, str]] = {}  # key -> (document, its search text)
        self._view: tuple[int, list[dict], list[str]] | None = None
        self._counts: tuple[int, dict[str, int]] | None = None

    def counts(self, seq: int) -> dict[str, int]:
        if self._counts is None or self._counts[0] != seq:
            saved = read = 0
            docs = self.table.docs()
            for d in docs:
                saved += bool(d.get("saved"))
                read += bool(d.get("read"))
            self._counts = (seq, {"papers": len(docs), "saved": saved, "read": read})
        return dict(self._counts[1])

    def search_view(self, seq: int, with_text: bool) -> tuple[list[dict], list[str]]:
        if not with_text:
            return self.table.docs(), []
        if self._view is None or self._view[0] != seq:
            docs = self.table.docs()
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

    def all_tags(self) -> list[dict[str, Any]]:
        counts = Counter(t for d in self.table.docs() for t in d.get("tags", []))
        return [{"tag": t, "count": c} for t, c in sorted(counts.items(), key=lambda tc: (-tc[1], tc[0]))]

    def stats(self, seq: int) -> dict[str, Any]:
        """Counts, the top tags and papers saved per ISO week, in one pass over the library."""
        tags: Counter[str] = Counter()
        saved_days: Counter[str] = Counter()
        for d in self.table.docs():
            if d.get("tags"):
                tags.update(d["tags"])
            if d.get("saved"):
                saved_days[(d.get("saved_at") or "")[:10]] += 1
        weeks: Counter[str] = Counter()
        for day, count in saved_days.items():  # a few hundred distinct days, not every paper
            try:
                y, w, _ = date.fromisoformat(day).isocalendar()
            except ValueError:
                continue
            weeks[f"{y}-W{w:02d}"] += count
        return {
            **self.counts(seq),
            "tags": [{"tag": t, "count": c} for t, c in tags.most_common(20)],
            "saved_per_week": [{"week": w, "count": weeks[w]} for w in sorted(weeks)],
        }


def search_text_of(doc: dict) -> str:
    return " ".join([
        doc.get("title", ""), " ".join(doc.get("authors", [])), doc.get("abstract", ""),
        " ".join(doc.get("tags", [])), doc.get("note", ""), doc["key"],
    ]).casefold()
