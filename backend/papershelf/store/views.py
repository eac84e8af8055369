"""Searches, sorted pages, tags and stats by a pass over the papers.

The search index (``index.py``) answers these in a running server; this pass is what a
read-only library uses (``papershelf export`` / ``stats`` beside a running server), what a
server answers with while its index is being built again (after an upgrade), and what it falls
back to if its index cannot be written.  Both give the same answers (tested).  The pass reads
the documents from the snapshot a slice at a time and keeps only the sort keys of the matches:
memory stays flat, and a capture waits for one slice at most (a pass over 200,000 papers takes
seconds: the index is what makes searches fast).
"""

from __future__ import annotations

import heapq
from collections import Counter
from datetime import date
from operator import itemgetter
from typing import Any, Iterable, Iterator

from ..query import PaperQuery
from .docs import TAGS
from .tables import PaperTable

SLICE = 256  # documents read per hold of the library's lock (a few ms: a capture waits no longer)


class Views:
    """``lock``: the library's; held only while a slice of documents is read, so a pass over
    200,000 papers (seconds) never holds up a capture, and only the sort keys of the matches
    are kept, not the documents (a pass that kept them held a gigabyte at 200,000)."""

    def __init__(self, table: PaperTable, lock) -> None:
        self.table = table
        self.lock = lock

    def _slices(self) -> Iterator[tuple[list[int], list[dict]]]:
        """Every document with its doc id, a slice at a time (papers deleted meanwhile left out)."""
        with self.lock:
            ids = list(self.table.store.stubs)
        for start in range(0, len(ids), SLICE):
            with self.lock:
                found = [(i, d) for i, d in zip(ids[start:start + SLICE], map(self.table.by_id, ids[start:start + SLICE]))
                         if d is not None]
            if found:
                yield [i for i, _ in found], [d for _, d in found]

    def _matches(self, query: PaperQuery) -> list[tuple[tuple, int]]:
        """(sort key, doc id) of every paper the query selects, in no order."""
        with_text = bool(query.q.strip())
        sort_key = query.sort_key()
        out = []
        for ids, docs in self._slices():
            texts = [search_text_of(d) for d in docs] if with_text else []
            doc_id = {id(d): i for i, d in zip(ids, docs)}
            out.extend((sort_key(d), doc_id[id(d)]) for d in query.select(docs, texts))
        return out

    def _read(self, ids: Iterable[int]) -> list[dict]:
        with self.lock:
            return [d for d in map(self.table.by_id, ids) if d is not None]

    def find(self, seq: int, query: PaperQuery) -> tuple[int, list[dict]]:
        """How many papers the query selects, and the documents of its page."""
        matches = self._matches(query)
        pick = heapq.nlargest if query.descending else heapq.nsmallest
        page = pick(query.offset + query.limit, matches, key=itemgetter(0))[query.offset:]
        return len(matches), self._read(i for _, i in page)

    def ordered_ids(self, query: PaperQuery) -> list[int]:
        """Doc ids of every paper the query selects, in its order."""
        return [i for _, i in sorted(self._matches(query), key=itemgetter(0), reverse=query.descending)]

    def ordered(self, seq: int, query: PaperQuery) -> list[dict]:
        return self._read(self.ordered_ids(query))

    def tag_counts(self, limit: int | None = None) -> list[dict[str, Any]]:
        with self.lock:  # the stubs carry the tags: no document is read
            counts = Counter(t for stub in self.table.store.stubs.values() for t in stub[TAGS])
        ordered = sorted(counts.items(), key=lambda tc: (-tc[1], tc[0]))[:limit]
        return [{"tag": t, "count": c} for t, c in ordered]

    def saved_days(self) -> list[tuple[str, int]]:
        days: Counter[str] = Counter()
        for _, docs in self._slices():
            days.update((d.get("saved_at") or "")[:10] for d in docs if d.get("saved"))
        return list(days.items())


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
