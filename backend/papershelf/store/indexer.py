"""Bringing the search index along with the library, in a thread of its own.

A change is durable once its journal line is fsync'ed; the search index is derived and may lag
behind (index.py).  So a capture does not wait for SQLite: ``push`` folds the change into what
is pending for the index and returns.  Pending changes are kept per paper, not per change: the
latest document of each paper changed (as its JSON bytes: no dicts for the garbage collector to
walk), the papers deleted, and what the index held of each before (the first document replaced).
The thread takes everything pending at once and applies it in one transaction with the last
sequence number (a paper's words are rewritten only when its text differs from what the index
held).  At 200,000 papers an FTS5 commit costs tens of milliseconds (segment merges); a capture
paid it every time before.

A writer waits only when MAX_PENDING different papers are pending (memory stays bounded: an
import of a whole library); captures of the same papers over and over add nothing.  While the
index is rebuilt no writer waits (the rebuild needs the library's lock, which a writer holds):
what is pending then is what the writers held in memory anyway.

Building the index again (another layout, another library's file: several minutes at 200,000)
is this thread's first job when the library asks for it: the library answers meanwhile from a
pass over its papers (views.py), ``ready`` is False until the new index holds every change made
while it was built.  Stopping abandons a rebuild (its one transaction is rolled back): the next
start builds it again.

Readers that must see their own writes (a search after a save) call ``wait_for(seq)``; a
snapshot waits before writing so that the journal it drops is already in the index (a crash
then needs no rebuild).  A failure to write the index is logged once and the library searches
its papers in memory until the next start, which catches the index up from the journal.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from typing import Callable

import orjson

from . import turns
from .docs import as_json
from .index import SearchIndex, StaleIndex
from .views import search_text_of

log = logging.getLogger(__name__)

# Different papers pending before a writer waits for the index: a paper whose text changed
# costs about 1 ms of FTS5 work at 200,000; 20,000 pending (400 captures of 50 new cards, or
# an import) is at most ~100 MB of JSON (a document and the one it replaced), and tens of
# seconds of lag.  Captures of known papers fold into what is pending already.
MAX_PENDING = 20_000


class Cancelled(Exception):
    """The library closes while the index is being rebuilt: the rebuild is rolled back."""


class Indexer:
    def __init__(self, index: SearchIndex, library_id: str, seq: int, on_failure: Callable[[], None],
                 rebuild: Callable[[Callable[[], bool]], int] | None = None) -> None:
        """``rebuild(stopping)``, when given, builds the index again in this thread (``stopping()``
        turns True when the library closes) and returns the change it holds."""
        self.index = index
        self.library_id = library_id
        # The last change the index holds: none while it is rebuilt (a caller of wait_for, such as
        # a bench closing the library once it is indexed, must not take the old index's word).
        self.applied = seq if rebuild is None else -1
        self.failed = False
        self.ready = rebuild is None  # False while the index is being rebuilt
        self._rebuild = rebuild
        self._on_failure = on_failure
        self._seq = seq  # the last change pushed
        self._put: dict[int, bytes] = {}  # doc id -> its latest document, as JSON
        self._gone: set[int] = set()  # doc ids deleted
        self._before: dict[int, bytes | None] = {}  # doc id -> what the index holds (None: nothing)
        self._stopping = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="papershelf-index", daemon=True)
        self._thread.start()

    def push(self, seq: int, put: list[tuple[int, bytes]], gone: list[int], old: dict[int, dict]) -> None:
        """Change ``seq``: ``put`` (doc id, document as JSON) replaced or added, ``gone`` doc ids
        removed, ``old`` the documents they replaced (doc id -> document).  Past MAX_PENDING
        papers pending, the caller waits: memory and the lag stay bounded."""
        with self._cond:
            before = self._before
            for doc_id in gone:
                if doc_id not in before:
                    before[doc_id] = _json(old.get(doc_id))
                self._put.pop(doc_id, None)
                self._gone.add(doc_id)
            for doc_id, data in put:
                if doc_id not in before:
                    before[doc_id] = _json(old.get(doc_id))
                self._put[doc_id] = data
                self._gone.discard(doc_id)
            self._seq = seq
            self._cond.notify_all()
            # Not while the index is rebuilt: the rebuild reads under the library's lock, which
            # the writer holds here (it would wait for the rebuild, the rebuild for it).  What a
            # writer pushes then is what it already holds in memory (a whole import of another
            # format; a streamed restore waits for the index between its slices, unlocked).
            if len(before) > MAX_PENDING and self.ready:
                with turns.waiting():
                    self._cond.wait_for(lambda: len(self._before) <= MAX_PENDING or self.failed
                                        or not self._thread.is_alive())

    def wait_for(self, seq: int) -> bool:
        """Wait until the index holds change ``seq``; False when it never will (it failed)."""
        with turns.waiting(), self._cond:
            self._cond.wait_for(lambda: self.applied >= seq or self.failed or not self._thread.is_alive())
            return self.applied >= seq and not self.failed

    def stop(self) -> None:
        """Apply what is pending (abandon a rebuild), then end the thread."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join()

    def _stopping_now(self) -> bool:
        return self._stopping

    def _run(self) -> None:
        turns.background()
        try:
            if self._rebuild is not None:
                seq = self._rebuild(self._stopping_now)
                with self._cond:
                    self.applied = max(self.applied, seq)
                    # What the rebuild read of a paper changed meanwhile may be any of its
                    # versions, not the one pending changes started from (A, B, then A again
                    # would leave B's columns): such papers are written whole, not updated.
                    self._before = dict.fromkeys(self._before)
                    self._ready_unless_pending()
        except Cancelled:
            log.info("building the search index %s was left for the next start", self.index.path)
            return self._fail(None)
        except Exception as exc:  # sqlite3.Error (a full disk), or anything else: never hang a waiter
            return self._fail(exc)
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._before or self._stopping)
                if not self._before:
                    return
                seq, put, gone, before = self._seq, self._put, self._gone, self._before
                self._put, self._gone, self._before = {}, set(), {}
                self._cond.notify_all()  # writers waiting for room
            turns.pause()  # after the capture that pushed it has answered
            try:
                self.index.apply(self.library_id, seq, *fold(put, gone, before))
            except Exception as exc:
                return self._fail(exc)
            del put, gone, before  # not held while waiting for the next change (up to MAX_PENDING papers' JSON)
            with self._cond:
                self.applied = seq
                self._ready_unless_pending()

    def _ready_unless_pending(self) -> None:
        """(Under the condition's lock.)  Rebuilt, and every change made meanwhile applied."""
        if not self.ready and not self._before:
            self.ready = True
            log.info("the search index %s is ready", self.index.path)
        self._cond.notify_all()

    def _fail(self, exc: Exception | None) -> None:
        if exc is not None:
            log.error("cannot update the search index in %s (%s); searching without it", self.index.path, exc)
        with self._cond:
            self.failed = True
            self._put, self._gone, self._before = {}, set(), {}
            self._cond.notify_all()
        self._on_failure()


def rebuild(index: SearchIndex, library_id: str, seq: int, ids: list[int], store, lock, stopping) -> None:
    """Build ``index`` again from the papers ``ids`` of ``store`` (the library's DocStore), read
    a slice at a time under the library's ``lock``; Cancelled once ``stopping()``.  Papers
    changed meanwhile are pending for the indexer and written whole after it (the rebuild may
    have read any of their versions)."""

    class Papers:  # the table as SearchIndex.rebuild reads it
        def __len__(self) -> int:
            return len(ids)

        def items(self):
            for start in range(0, len(ids), 256):
                if stopping():
                    raise Cancelled()
                with lock:
                    docs = [(i, store.get(i)) for i in ids[start:start + 256]]
                yield from ((i, d) for i, d in docs if d is not None)

    index.rebuild(Papers(), library_id, seq)


def _json(doc: dict | None) -> bytes | None:
    return None if doc is None else as_json(doc)  # kept until applied: bytes of their own size


def fold(put: dict[int, bytes], gone: set[int], before: dict[int, bytes | None]):
    """The pending changes as ``SearchIndex.apply`` takes them: (documents to put, doc ids to
    remove, doc ids whose words the index already holds, the documents the index holds now)."""
    docs = [(i, orjson.loads(data)) for i, data in put.items()]
    held = {i: None if data is None else orjson.loads(data) for i, data in before.items()}
    same_text = frozenset(i for i, doc in docs
                          if held.get(i) is not None and search_text_of(held[i]) == search_text_of(doc))
    return docs, gone, same_text, held


class IndexAccess:
    """Mixed into Library (library.py opens the index): asking it, and building it again."""

    def _rebuild_index(self, stopping) -> int:
        """(In the indexer's thread.)  Build the index from every paper; returns the change it
        was started at (indexer.rebuild)."""
        with self._lock:
            seq, ids = self._seq, list(self._table.store.stubs)
        rebuild(self._index_file, self._library_id, seq, ids, self._table.store, self._lock, stopping)
        return seq

    def _open_index_read_only(self) -> None:
        """Beside a running server (or after it): its index, while it holds what was loaded;
        otherwise every answer is a pass over the papers (views.py)."""
        if self._library_id is None:
            return
        try:
            self._index = self._index_file = SearchIndex(self.dir, pinned=(self._library_id, self._seq))
        except sqlite3.Error:
            pass

    def _index_failed(self) -> None:
        """The indexer could not write: search the papers in memory until the next start."""
        self._index = None

    def _ask_index(self, ask, otherwise):
        """``ask(index)``, or ``otherwise()`` under the lock without an index or when a
        read-only library's index has moved on (the server beside wrote meanwhile).  A writer's
        index is asked once it holds every change made so far (a search sees its own saves)."""
        indexer = self._indexer
        if indexer is not None:
            if not indexer.ready:  # being built again: a pass over the papers meanwhile
                return otherwise()
            indexer.wait_for(self._seq)
        index = self._index
        if index is not None:
            try:
                return ask(index)
            except StaleIndex:
                self._index = None
        return otherwise()  # views.py takes the lock a slice of papers at a time
