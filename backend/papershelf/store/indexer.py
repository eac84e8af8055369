"""Bringing the search index along with the library, in a thread of its own.

A change is durable once its journal line is fsync'ed; the search index is derived and may lag
behind (index.py).  So a capture does not wait for SQLite: ``push`` hands the change to this
thread and returns.  The thread takes whatever has queued up meanwhile, folds it into one
change (later documents win; a paper's words are rewritten only when its text differs from what
the index held before the batch) and applies it in one transaction with the last sequence
number.  At 200,000 papers an FTS5 commit costs tens of milliseconds (segment merges); a
capture paid it every time before.

Readers that must see their own writes (a search after a save) call ``wait_for(seq)``; a
snapshot waits before writing so that the journal it drops is already in the index (a crash
then needs no rebuild).  A failure to write the index is logged once and the library searches
its papers in memory until the next start, which catches the index up from the journal.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable

from .index import SearchIndex
from .views import search_text_of

log = logging.getLogger(__name__)

# Documents queued before a writer waits for the index: a paper whose text changed costs about
# 1 ms of FTS5 work at 200,000; 4,000 documents behind (80 captures of 50 cards, two import
# batches) is a few seconds of lag and ~25 MB of documents at most.
MAX_BEHIND = 4000


class Indexer:
    def __init__(self, index: SearchIndex, library_id: str, seq: int, on_failure: Callable[[], None]) -> None:
        self.index = index
        self.library_id = library_id
        self.applied = seq  # the last change the index holds
        self.failed = False
        self._on_failure = on_failure
        self._queue: list[tuple] = []
        self._queued = 0  # documents in the queue
        self._stopping = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="papershelf-index", daemon=True)
        self._thread.start()

    def push(self, seq: int, put: list[tuple[int, dict]], gone: list[int], old: dict[int, dict]) -> None:
        """Change ``seq``: ``put`` (doc id, document) replaced or added, ``gone`` doc ids
        removed, ``old`` the documents they replaced (doc id -> document), as the index held them.
        Past MAX_BEHIND documents waiting, the caller waits: memory and the lag stay bounded."""
        with self._cond:
            self._queue.append((seq, put, gone, old))
            self._queued += len(put) + len(gone)
            self._cond.notify_all()
            self._cond.wait_for(lambda: self._queued <= MAX_BEHIND or self.failed or not self._thread.is_alive())

    def wait_for(self, seq: int) -> bool:
        """Wait until the index holds change ``seq``; False when it never will (it failed)."""
        with self._cond:
            self._cond.wait_for(lambda: self.applied >= seq or self.failed or not self._thread.is_alive())
            return self.applied >= seq and not self.failed

    def stop(self) -> None:
        """Apply what is queued, then end the thread."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join()

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._queue or self._stopping)
                if not self._queue:
                    return
                batch, self._queue, self._queued = self._queue, [], 0
                self._cond.notify_all()  # writers waiting for room
            try:
                seq, put, gone, same_text, before = fold(batch)
                self.index.apply(self.library_id, seq, put, gone, same_text, before)
            except Exception as exc:  # sqlite3.Error (a full disk), or anything else: never hang a waiter
                log.error("cannot update the search index in %s (%s); searching without it", self.index.path, exc)
                with self._cond:
                    self.failed = True
                    self._queue.clear()
                    self._cond.notify_all()
                self._on_failure()
                return
            with self._cond:
                self.applied = seq
                self._cond.notify_all()


def fold(batch: list[tuple]) -> tuple[int, list[tuple[int, dict]], set[int], frozenset[int], dict]:
    """Several changes as one: (last seq, documents to put, doc ids to remove, doc ids whose
    words the index already holds, the documents the index holds now by doc id)."""
    put: dict[int, dict] = {}
    gone: set[int] = set()
    before: dict[int, dict | None] = {}  # what the index held before the batch (None: nothing)
    for _, puts, gones, old in batch:
        for doc_id in gones:
            before.setdefault(doc_id, old.get(doc_id))
            put.pop(doc_id, None)
            gone.add(doc_id)
        for doc_id, doc in puts:
            before.setdefault(doc_id, old.get(doc_id))
            put[doc_id] = doc
            gone.discard(doc_id)
    same_text = frozenset(i for i, doc in put.items()
                          if before.get(i) is not None and search_text_of(before[i]) == search_text_of(doc))
    return batch[-1][0], list(put.items()), gone, same_text, before
