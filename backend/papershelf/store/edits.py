"""The user's edits: save and unsave, tags, note and read, deletes -- one at a time or a whole
selection, each call one change (one journal line, one index transaction) through the library's
``_commit`` (``library.py``).
"""

from __future__ import annotations

from typing import Iterable

from ..papers import Paper, normalize_key, now_iso, paper_from_stored
from . import turns
from .errors import NotFound
from .tables import clean_tags


class Edits:
    """Mixed into Library: uses its lock, table and ``_commit``."""

    def set_saved(self, keys: Iterable[str], saved: bool) -> list[str]:
        """Save or unsave; an unknown arXiv/DOI key is saved as a stub the next capture fills in."""
        now = now_iso()
        changed: dict[str, Paper] = {}
        done: list[str] = []
        with turns.foreground(), self._lock:
            for raw_key in keys:
                key = self._table.resolve(raw_key) or normalize_key(raw_key)
                if not key or key in done:
                    continue
                doc = self._table.raw(key)
                if doc is None:
                    if not saved or key.startswith("title:"):
                        continue
                    paper = Paper(arxiv_id=key[6:] if key.startswith("arxiv:") else None,
                                  doi=key[4:] if key.startswith("doi:") else None)
                    paper.first_seen = now
                else:
                    paper = paper_from_stored(doc)
                if paper.saved != saved:
                    paper.saved = saved
                    paper.saved_at = now if saved else None
                    changed[key] = paper
                done.append(key)
            self._commit(list(changed.values()), [])
        return done

    def update(self, key: str, *, tags: list[str] | None = None, note: str | None = None,
               read: bool | None = None) -> Paper:
        with self._lock:
            paper = self._stored_paper(key)
            if tags is not None:
                paper.tags = clean_tags(tags)
            if note is not None:
                paper.note = note
            if read is not None:
                paper.read = read
            self._commit([paper], [])
            return paper

    def update_many(self, keys: Iterable[str], *, add_tags: list[str] = (), remove_tags: list[str] = (),
                    read: bool | None = None, saved: bool | None = None) -> list[str]:
        now = now_iso()
        changed = []
        with self._lock:
            for key in self._table.resolve_all(keys):
                paper = paper_from_stored(self._table.raw(key))
                paper.tags = clean_tags([t for t in paper.tags if t not in set(remove_tags)] + list(add_tags))
                if read is not None:
                    paper.read = read
                if saved is not None and paper.saved != saved:
                    paper.saved, paper.saved_at = saved, (now if saved else None)
                changed.append(paper)
            self._commit(changed, [])
        return [p.key for p in changed]

    def delete(self, key: str) -> Paper:
        with self._lock:
            paper = self._stored_paper(key)
            self._commit([], [paper.key])
            return paper

    def delete_many(self, keys: Iterable[str]) -> list[Paper]:
        """Delete every paper of ``keys`` (any spelling; unknown ones left out) as one change:
        one journal line, one index transaction (a paper at a time cost 10-20 ms each)."""
        with self._lock:
            found = self._table.resolve_all(keys)
            papers = [paper_from_stored(self._table.raw(k)) for k in found]
            self._commit([], found)
            return papers

    def _stored_paper(self, key: str) -> Paper:
        k = self._table.resolve(key)
        if k is None:
            raise NotFound(f"no paper {key}")
        return paper_from_stored(self._table.raw(k))

