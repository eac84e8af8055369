"""The library's public face: open, read, write, snapshot, close.  Thread-safe; one writing
process at a time.

Every mutation is first appended to the journal (one fsync'ed JSON line per batch, before the
caller hears back) and then applied to the TinyDB table in memory; when the journal grows, a
snapshot is written in the background (``journal.py``).  Reading never touches the disk.
"""

from __future__ import annotations

import gc
import logging
import os
import sqlite3
import threading
import uuid
from pathlib import Path
from typing import Iterable, Iterator

import orjson

from ..papers import Paper, now_iso, paper_from_stored
from ..query import PaperQuery
from .errors import LibraryError
from .index import SearchIndex
from .indexer import IndexAccess, Indexer
from .journal import SCHEMA_VERSION, DurableLog, Loaded
from .merge import ImportOutcome, capture_rules, import_rules, merge_batch, storable
from . import turns
from .compaction import Snapshots
from .edits import Edits
from .docs import KEY
from .tables import PaperTable, title_index
from .views import Views, stats

log = logging.getLogger(__name__)

COMPACT_JOURNAL_BYTES = 16 * 1024 * 1024
# Capture ids remembered (journal lines carry them, snapshots keep the latest): a browser that
# sends a capture again -- its answer lost, the server restarted meanwhile -- is not counted twice.
REMEMBERED_CAPTURES = 5000
# Up to this many papers, an index that must be built again is built while opening (a second
# at most); a bigger library answers at once and builds it in the indexer's thread.
REBUILD_AT_OPEN = 1000


class Library(Snapshots, Edits, IndexAccess):
    """A paper library in ``data_dir``.

    ``read_only=True`` opens without the write lock (for ``papershelf export``/``stats`` while a
    server runs) and refuses every mutation.
    """

    def __init__(self, data_dir: str | os.PathLike, *, read_only: bool = False,
                 compact_bytes: int = COMPACT_JOURNAL_BYTES) -> None:
        self.dir = Path(data_dir).expanduser().resolve()
        self._log = DurableLog(self.dir, read_only=read_only)
        self.snapshot_path = self._log.snapshot_path
        self.journal_path = self._log.journal_path
        self.old_journal_path = self._log.old_journal_path
        self.read_only = read_only
        self.compact_bytes = compact_bytes
        self._snapshot_bytes = 0  # size of the last snapshot (compaction.py: when to write the next)
        self._lock = threading.RLock()
        self._closed = False
        self._compactor: threading.Thread | None = None
        self._compaction_failed = False
        # Why the last snapshot could not be written (disk full), or None: every change is then
        # still in the journal, and the CLI says so instead of "library saved."
        self.snapshot_error: str | None = None
        self._table = PaperTable()
        self._views = Views(self._table, self._lock)
        self._seq = 0
        self._library_id: str | None = None
        self._index: SearchIndex | None = None  # None: read-only, or the index could not be written
        self._index_file: SearchIndex | None = None  # kept to close it even after a failure
        self._indexer: Indexer | None = None  # applies changes to the index behind the journal
        self._captures: dict[str, None] = {}  # capture ids recorded, oldest first (insertion order)
        if not read_only:
            try:
                self.dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LibraryError(f"cannot create the data directory {self.dir}: {exc.strerror}") from exc
        try:
            if not read_only:
                self._log.acquire_write_lock()
            loaded = self._load()
            if not read_only:
                # A library without an id was written by 0.1.0 (or is new): it gets one, and its
                # snapshot in today's layout, before anything else (a crash meanwhile leaves the
                # old files as they were: the snapshot is replaced atomically).
                upgrade = self._library_id is None
                self._library_id = self._library_id or uuid.uuid4().hex
                # A snapshot read without its keys file (an older release's, or a crash between
                # the two renames) is written again, with one: the next start is fast.
                if self._log.rotating() or upgrade or loaded.layout in ("lines", "whole"):
                    # A crash interrupted a snapshot (or an upgrade): everything is loaded, so write it.
                    self._write_snapshot_now()
                    if self._log.rotating():
                        self._log.start_clean_journal()
                self._log.open_journal()
                self._open_index(loaded)
            else:
                self._open_index_read_only()
        except OSError as exc:  # a read-only directory, a full disk: one line, nothing changed
            self.close()
            raise LibraryError(_cannot_write(self.dir, exc)) from None
        except BaseException:
            self.close()
            raise

    def _load(self) -> Loaded:
        """Read the library into the table.  The collector is paused from the read until the
        stubs are frozen: hundreds of thousands of new tuples and lists would set off full
        collections that find no garbage (0.15 s of a start-up at 200,000 papers)."""
        gc.collect()  # what is garbage now must not be frozen with the papers below
        enabled = gc.isenabled()
        gc.disable()
        try:
            loaded = self._log.load()
            self._snapshot_bytes = self._log.snapshot_size()
            self._seq = loaded.seq
            self._remember_captures(loaded.captures)
            self._table.load(loaded.docs, SCHEMA_VERSION)
            self._library_id = loaded.library_id
            # The loaded stubs live as long as the library: out of the collector's sight, a full
            # collection during a capture no longer walks every one of them.
            gc.freeze()
        finally:
            if enabled:
                gc.enable()
        return loaded

    def warm_up(self, pause=turns.pause) -> None:
        """Build what opening leaves to the first merge (the title index, tables.by_title) as
        background work: from a copy of the stubs, a slice at a time, kept if nothing changed."""
        with self._lock:
            if self._closed or self._table.has_title_index():
                return
            seq, stubs = self._seq, tuple(self._table.store.stubs.values())
        by_title = title_index(stubs, pause)
        with self._lock:
            if self._seq == seq and not self._closed and not self._table.has_title_index():
                self._table.set_title_index(by_title)

    def _open_index(self, loaded: Loaded) -> None:
        """Open the search index and bring it up to date: catch up from the journal when it is
        only behind (here: the journal since the last snapshot is short); build it again when
        it is anyone else's (see index.py) -- in the indexer's thread, minutes at 200,000, while
        the library answers from a pass over its papers (a crash meanwhile: built again)."""
        try:
            index = self._index_file = SearchIndex(self.dir)
            rebuild = None
            if len(self._table.store) <= REBUILD_AT_OPEN or index.can_catch_up(self._library_id, self._seq,
                                                                               loaded.snapshot_seq):
                index.bring_up_to_date(self._library_id, self._seq, loaded.snapshot_seq, loaded.changes,
                                       self._table.store)
            else:
                rebuild = self._rebuild_index
            self._index = index
            self._indexer = Indexer(index, self._library_id, self._seq, self._index_failed, rebuild)
        except sqlite3.Error as exc:
            log.error("cannot use the search index in %s (%s); searching without it", self.dir, exc)

    # --- reading ----------------------------------------------------------------------------

    def get(self, key: str) -> Paper | None:
        with self._lock:
            k = self._table.resolve(key)
            return paper_from_stored(self._table.raw(k)) if k else None

    def __len__(self) -> int:
        return len(self._table.doc_ids)

    def __contains__(self, key: str) -> bool:
        return key in self._table.doc_ids

    def counts(self) -> dict[str, int]:
        """Papers, saved and read; counted once per change (the popup and page ask often)."""
        with self._lock:
            return self._table.counts()

    def status(self, keys: Iterable[str]) -> dict[str, dict]:
        """Saved state, tags and seen count per key; unknown keys are reported as not saved."""
        with turns.foreground(), self._lock:
            return self._table.status(keys)

    def all(self) -> list[Paper]:
        with self._lock:
            return [paper_from_stored(d) for d in self._table.docs()]

    def documents(self, keys: Iterable[str]) -> list[dict]:
        """The stored documents for ``keys`` (any spelling), each once, unknown keys left out
        (an export of a selection: read as ``ordered`` reads, the lock held only to find them)."""
        with self._lock:
            doc_ids = self._table.doc_ids
            ids = [doc_ids[k] for k in self._table.resolve_all(keys)]
        return list(self._table.store.read_in_order(ids, self._lock))

    def find(self, query: PaperQuery) -> tuple[int, list[dict]]:
        """How many papers the query selects, and the stored documents of the page it asks for.

        The index is read outside the library's lock (its own snapshot), so a long search does
        not hold up a capture; a paper deleted in between is left out of the page."""
        found = self._ask_index(lambda index: index.find(query), lambda: None)
        if found is None:
            return self._views.find(self._seq, query)
        total, ids = found
        with self._lock:
            return total, [d for d in map(self._table.by_id, ids) if d is not None]

    def ordered(self, query: PaperQuery, chunk: int = 64) -> tuple[int, Iterator[dict]]:
        """How many documents the query selects, and all of them in its order, a chunk at a
        time (exports stream; docs.py ``read_in_order``: the lock is held only to find where a
        chunk's documents are, so a status request beside an export of everything does not wait)."""
        ids = self._ask_index(lambda index: index.ordered_ids(query), lambda: None)
        if ids is None:
            ids = self._views.ordered_ids(query)

        return len(ids), self._table.store.read_in_order(ids, self._lock, chunk)

    def documents_again(self, keys: list[str], chunk: int = 64) -> Iterator[dict]:
        """The stored documents of these stored keys, in order, read as ``ordered`` reads them
        (an export reading papers a second time, formats/keyed.py); keys gone since are left out."""
        with self._lock:
            doc_ids = self._table.doc_ids
            ids = [doc_ids[k] for k in keys if k in doc_ids]
        return self._table.store.read_in_order(ids, self._lock, chunk)

    def keys(self, query: PaperQuery) -> list[str]:
        """The keys of every paper the query selects, in its order, without reading a document
        (the stubs hold the keys): the library page's "select all N matching"."""
        ids = self._ask_index(lambda index: index.ordered_ids(query), lambda: self._views.ordered_ids(query))
        with self._lock:
            stubs = self._table.store.stubs
            return [stub[KEY] for stub in map(stubs.get, ids) if stub is not None]

    def all_tags(self) -> list[dict]:
        """Every tag with the number of papers carrying it, most used first."""
        return self._ask_index(lambda index: index.tag_counts(), self._views.tag_counts)

    def stats(self) -> dict:
        """Counts, the top tags and papers saved per ISO week."""
        found = self._ask_index(lambda index: (index.tag_counts(20), index.saved_days()),
                                lambda: (self._views.tag_counts(20), self._views.saved_days()))
        return stats(self.counts(), *found)

    # --- writing ----------------------------------------------------------------------------

    def capture(self, papers: list[Paper], *, count_view: bool = True,
                capture_id: str | None = None) -> list[Paper]:
        """Record papers seen on one page view; returns the stored records in the same order.

        Each paper counts as seen once per call (a page listing a paper twice is one view);
        ``count_view=False`` records without counting (saving a page already captured).
        A ``capture_id`` names the view: the same id again (a browser repeating a request whose
        answer it lost, before or after a restart) records without counting.
        Captures never change user data.
        """
        with turns.foreground(), self._lock:
            if capture_id is not None and capture_id in self._captures:
                count_view = False
            m = merge_batch(self._table, papers, *capture_rules(count_view))
            self._commit(list(m.pending.values()), m.dropped, capture_id, m.read)
            return [m.pending[m.final_key[p.key]] for p in papers if p.key in m.final_key]

    def import_papers(self, papers: list[Paper], *, save: bool = False, clean: bool = False) -> ImportOutcome:
        """Merge imported records by key, keeping the user data they carry (tags, note, read, saved).
        ``clean``: each paper was made by ``Paper.from_dict`` and not changed since but for its
        saved state (a streamed backup): it is not cleaned a second time."""
        keep, skipped = storable(papers)
        with self._lock:
            m = merge_batch(self._table, keep, *import_rules(save), clean=clean)
            self._commit(list(m.pending.values()), m.dropped, known=m.read)
        if clean:
            # A streamed backup: each slice waits for the index (an import of 200,000 papers
            # would otherwise keep thousands of documents queued for it, and their memory).
            self._wait_for_index()
        return ImportOutcome(added=m.added, merged=m.merged, skipped=skipped)

    def _commit(self, put: list[Paper], delete: list[str], capture_id: str | None = None,
                known: dict[str, dict] | None = None) -> None:
        """Journal, then apply: one fsync'ed journal line per batch, whatever its size.

        Everything that can fail (serialising, writing) happens before memory changes, so a
        refused change leaves memory and disk as they were."""
        if self.read_only:
            raise LibraryError("the library is open read-only")
        if self._closed:
            raise LibraryError("the library is closed")
        if self._log.broken:
            raise LibraryError(self._log.broken)
        doc_ids = self._table.doc_ids
        by_key = {p.key: p for p in put}  # one document per key, whatever the caller passed
        deleted = sorted(k for k in delete if k in doc_ids and k not in by_key)
        if not by_key and not deleted:
            return
        now = now_iso()
        for paper in by_key.values():
            paper.updated_at = now
            if paper.key not in doc_ids:
                paper.added_at = paper.added_at or now
        next_id = self._table.next_id
        new_docs = self._table.assign_ids([p.to_dict() for p in by_key.values()])
        gone_ids = [doc_ids[k] for k in deleted]
        entry = {
            "seq": self._seq + 1,
            "put": [{"_id": d.doc_id, **d} for d in new_docs],
            "del": gone_ids,
        }
        if capture_id:
            entry["cap"] = capture_id
        store = self._table.store
        try:
            try:
                staged = store.stage(new_docs)
            except OSError as exc:  # before the journal: refused, nothing changed
                raise LibraryError(f"cannot write beside the library in {self.dir}: {exc.strerror or exc}") from None
            self._log.append(orjson.dumps(entry) + b"\n")
        except BaseException:
            store.unstage()
            self._table.next_id = next_id
            raise
        self._seq += 1
        if capture_id:
            self._remember_captures([capture_id])
        # Replace whole documents (never mutate one in place): snapshots and searches hold references.
        removed = [k for k in by_key if k in doc_ids] + deleted
        removed_ids = [doc_ids[k] for k in removed]
        old = self._table.replace(removed, new_docs, known)
        if self._index is not None:
            # After the fsync, in the indexer's thread: the index may lag behind the journal,
            # never run ahead of it (indexer.py).
            self._indexer.push(self._seq, staged, gone_ids,
                               dict(zip(removed_ids, old)))
        self._maybe_compact()

    def _remember_captures(self, capture_ids: list) -> None:
        for capture_id in capture_ids:
            if isinstance(capture_id, str):  # anything else in a damaged file is not an id
                self._captures.pop(capture_id, None)
                self._captures[capture_id] = None
        while len(self._captures) > REMEMBERED_CAPTURES:
            del self._captures[next(iter(self._captures))]

    def _wait_for_index(self, seq: int | None = None) -> None:
        """Until the index holds change ``seq`` (every change so far), or failed."""
        if self._indexer is not None:
            self._indexer.wait_for(self._seq if seq is None else seq)

    def close(self) -> None:
        """Fold the journal into a snapshot (if anything changed) and release the lock."""
        if self._compactor is not None:
            self._compactor.join()
        if self._indexer is not None:
            self._indexer.stop()
        with self._lock:
            try:
                if self._log.journal_fd is not None:
                    changed = (self._log.journal_size() > 0 or not self.snapshot_path.exists()
                               or self._log.rotating())
                    if changed and not self._log.broken:
                        self._snapshot_at_close()
            finally:
                self._log.close()
                if self._index_file is not None:
                    self._index_file.close()
                self._index = self._index_file = None
                self._table.store.close()
                self._closed = True

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _cannot_write(directory: Path, exc: OSError) -> str:
    return (f"cannot write the library in {directory}: {exc.strerror or exc}. Nothing was changed; "
            f"free some space or make the directory writable, then start again")
