"""Folding the journal into snapshots: when (the journal's size), in a background thread, and
pointing the papers' stubs at the new file afterwards -- the part of ``Library`` that writes
snapshots (``library.py`` holds the rest; ``journal.py`` and ``snapshots.py`` the files).
"""

from __future__ import annotations

import logging
import threading

from . import turns
from .docs import KEY, TAGS
from .snapshots import Frozen, Written

log = logging.getLogger(__name__)

SNAPSHOT_SHARE = 4  # a snapshot once the journal holds 1/4 of the last snapshot's bytes (or compact_bytes):
# the documents changed meanwhile wait in the pending file until then (docs.py)
FREE_WAIT = 30.0  # seconds a background snapshot waits for quiet before it frees what it replaced


class Snapshots:
    """Mixed into Library: uses its lock, table, log, sequence number and capture ids."""

    def _maybe_compact(self) -> None:
        # A snapshot rewrites (or copies) the whole library: once the journal has grown by a
        # fixed share of the snapshot, not by a fixed size, so that importing a library (every
        # paper new) writes bytes in proportion to its size, not to its square (about five times
        # the final snapshot in all).  Not capped (a cap of 64 MB made an import of 200,000
        # papers rewrite its 256-450 MB snapshot every 64 MB).  The documents changed since the
        # last snapshot wait in the pending file (docs.py), not in memory.
        threshold = max(self.compact_bytes, self._snapshot_bytes // SNAPSHOT_SHARE)
        if self._compaction_failed or self._log.journal_size() < threshold:
            return
        if self._compactor is not None and self._compactor.is_alive():
            return
        self._compactor = threading.Thread(target=self._compact_in_background, name="papershelf-snapshot",
                                           daemon=True)
        self._compactor.start()

    def _compact_in_background(self) -> None:
        turns.background()
        try:
            self.compact()
        except Exception as exc:
            # The journal still holds everything (.journal.old + .journal are replayed at the
            # next start), so nothing is lost; stop trying until then rather than loop.
            self._compaction_failed = True
            self.snapshot_error = getattr(exc, "strerror", None) or str(exc)
            log.error("could not write a snapshot of %s (%s); the journal keeps every change",
                      self.snapshot_path, self.snapshot_error)

    def compact(self) -> None:
        """Write a snapshot of everything journalled so far and drop that journal."""
        with self._lock:
            if self.read_only or self._log.journal_fd is None or self._log.rotating():
                return  # nothing to write to, or a snapshot is being written already
            stubs, files = self._freeze()
            seq, captures = self._seq, list(self._captures)
            self._log.rotate()
        frozen = Frozen.of(stubs, files)
        del stubs
        # The journal this snapshot covers goes once it is written: the index must hold it by
        # then, or a crash would leave an index no journal can catch up (a rebuild) -- unless
        # the index is being built again anyway (minutes: the journal would grow meanwhile,
        # and closing would wait for the rebuild).
        if self._indexer is None or self._indexer.ready:
            self._wait_for_index(seq)
        self._install(frozen, self._log.write_snapshot(frozen, seq, captures, self._library_id))
        self._log.drop_old_journal()
        self._snapshot_bytes = self._log.snapshot_size()
        self._let_go()

    def _freeze(self) -> tuple[dict, dict]:
        """What a snapshot writes, its stubs and files (caller holds the lock): shallow copies,
        documents are never mutated."""
        store = self._table.store
        stubs, files = store.stubs.copy(), dict(store.files)
        store.rotate_pending()  # changes from now on go to a new pending file (docs.py)
        return stubs, files

    def _write_snapshot_now(self) -> None:
        """A snapshot of everything, written while holding the lock (opening, closing)."""
        frozen = Frozen.of(*self._freeze())
        self._install(frozen, self._log.write_snapshot(frozen, self._seq, list(self._captures), self._library_id))
        self._snapshot_bytes = self._log.snapshot_size()
        self._let_go()

    def _let_go(self) -> None:
        """Close the files a snapshot replaced (the old snapshot, journal, keys and pending
        files: no name, no reader left), which frees their blocks -- in a background snapshot,
        once requests have fallen quiet.  On this machine's disk (ext4 mounted with ``discard``)
        every fsync waits while freed blocks are discarded: the journal fsync of a capture took
        160-200 ms after 450 MB were freed, 67-72 ms after 110 MB, 24-31 ms after 30 MB."""
        turns.pause(idle=turns.DISK_QUIET, longest=FREE_WAIT)  # (at once in the caller's thread)
        for f in self._log.take_replaced():
            f.close()

    def _install(self, frozen: Frozen, written: Written) -> None:
        """Point the stubs of the papers not changed since the freeze at the snapshot just
        written, a chunk of the frozen stubs at a time (a capture waits for one chunk: 1,000
        stubs, a few milliseconds), then let go of the files no stub points into any more."""
        store = self._table.store
        gen, start = None, 0
        for chunk in frozen.chunks or ((),):
            with self._lock:
                if gen is None:
                    gen = store.add_file(written.file, mapped=True)
                stubs = store.stubs
                for (doc_id, off, length), was in zip(written.rows(start, start + len(chunk)), chunk):
                    stub = stubs.get(doc_id)
                    if stub is not was:
                        continue  # deleted or changed since (a change makes a new stub): the next snapshot writes it
                    tags = stub[TAGS]
                    # A tuple, never the list a keys file row holds: a stub of strings, ints
                    # and tuples is one the garbage collector stops tracking (200,000 tracked
                    # stubs made each full collection, in a capture, cost 0.1-0.6 s).
                    stubs[doc_id] = (gen, off, length) + stub[KEY:TAGS] + (
                        tags if type(tags) is tuple else tuple(tags),)
            start += len(chunk)
            turns.pause()
        with self._lock:
            old_maps, old_files = store.drop_files_but(gen)
        for m in old_maps:
            m.close()
        self._log.replaced += old_files  # (the replaced snapshot and pending file: see _let_go)
        # No gc.freeze() here (only at opening, when nothing else runs): it would also freeze
        # whatever another thread held at that instant, never to be collected.  The new stubs
        # need no freezing: tuples of strings and ints, which the collector stops tracking at its
        # next young collection.

    def _snapshot_at_close(self) -> None:
        """The last snapshot; after a failed background one (its .journal.old still there), a
        fresh try of the whole library.  A failure is kept in ``snapshot_error``, not raised:
        the journal holds every change and the next start replays it (caller holds the lock)."""
        try:
            if self._log.rotating():
                self._write_snapshot_now()
                self._log.start_clean_journal()
            else:
                self.compact()
            self.snapshot_error = None
        except OSError as exc:
            self.snapshot_error = exc.strerror or str(exc)
            log.error("could not write a snapshot of %s (%s); the journal keeps every change",
                      self.snapshot_path, self.snapshot_error)

