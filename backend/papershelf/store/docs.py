"""The papers table as TinyDB sees it, without every paper in memory.

A paper held as a Python dict costs about 5.6 KB (1.1 GB at 200,000 papers).  Here each paper
is a small tuple, its *stub*: where its JSON lies in the snapshot file, and the few fields that
lookups, status and counts need.  The document itself is read from the snapshot (one ``pread``
and a parse, about 20 µs) when asked for.  Documents changed since the last snapshot are
written, as their JSON, to the *pending file* (an unnamed file beside the library, gone with
the process) and their stubs point there, so memory does not grow with what changes between
two snapshots: an import of 1,000,000 papers held up to a quarter of the snapshot's bytes
(550 MB) in memory while the next snapshot waited.  Each document is written there as a
snapshot line (``,\n"<id>":{...}``), so a snapshot copies runs of them with the kernel, as it
copies unchanged papers from the old snapshot (snapshots.py).  The journal, not this file,
is what makes a change durable.  A library opened read-only has no pending file: what the
journal adds is held in ``overlay`` as JSON bytes (never as dicts: a dozen objects per paper
the garbage collector would track).

``DocStore`` is a ``MutableMapping`` of TinyDB doc ids (str) to documents: TinyDB's table reads
and writes it like the dict a ``MemoryStorage`` holds.  Stubs hold only strings, ints, bools
and tuples of them, so the garbage collector stops tracking them after one look.
"""

from __future__ import annotations

import mmap
import os
import tempfile
from collections.abc import MutableMapping
from typing import Iterator

import orjson

from ..papers import normalize_title

# Fields of a stub.  FILE is the generation of the snapshot or pending file OFF/LEN point into
# (None: the document is in ``overlay``); the rest are copies of the document's fields.
FILE, OFF, LEN, KEY, DOI, TITLE, SAVED, READ, SEEN, TAGS = range(10)


def stub_of(doc: dict, file: int | None = None, off: int = 0, length: int = 0) -> tuple:
    tags = doc.get("tags") or ()
    return (file, off, length, doc["key"], doc.get("doi") or None, normalize_title(doc.get("title")) or None,
            bool(doc.get("saved")), bool(doc.get("read")), doc.get("seen_count", 0) or 0,
            tuple(tags) if isinstance(tags, list) else ())


def as_json(doc: dict) -> bytes:
    """``doc`` as JSON bytes of their own size.  orjson's bytes keep the buffer they were written
    into (16 KB for a 2 KB paper); the overlay of a read-only library and the indexer's queue
    hold thousands of documents (250 MB for 16,000 papers, where their JSON is 35 MB)."""
    return memoryview(orjson.dumps(doc)).tobytes()


def stub_row(stub: tuple, off: int, length: int) -> list:
    """A stub as a row of the keys file: the file generation is 1, the one a snapshot gets when
    a library is opened with it (so a row is its stub, without a conversion per field)."""
    return [1, off, length, *stub[KEY:]]


_DONTNEED = getattr(mmap, "MADV_DONTNEED", None)
_WILLNEED = getattr(os, "POSIX_FADV_WILLNEED", None)
DROP_EVERY = 32  # reads from a snapshot's mapping between two drops of its pages (_bytes)


class DocStore(MutableMapping):
    """doc id (str, as TinyDB stores it) -> document, read from disk or ``overlay``."""

    def __init__(self) -> None:
        self.stubs: dict[int, tuple] = {}
        self.overlay: dict[int, bytes] = {}  # doc id -> the document as JSON
        self.files: dict[int, object] = {}  # generation -> open snapshot or pending file (binary)
        self.maps: dict[int, mmap.mmap] = {}  # generation -> a snapshot mapped (see _bytes)
        self._mapped_reads = 0
        self.generation = 0  # the snapshot opened first is generation 1 (see stub_row)
        self.pending_dir = None  # where pending files go; None: read-only, changes stay in overlay
        self.pending_gen = 0  # the generation of the pending file written to now
        self._pending_end = 0
        self._staged: dict[int, tuple] = {}  # doc id -> stub, written ahead of a change (stage)

    def add_file(self, f, mapped: bool = False) -> int:
        """``mapped``: a snapshot, which never changes once written, is read through a mapping."""
        self.generation += 1
        self.files[self.generation] = f
        if mapped:
            try:
                self.maps[self.generation] = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            except (OSError, ValueError, OverflowError):
                pass  # (a system that cannot map it: read with pread)
        return self.generation

    def drop_files_but(self, keep: int) -> tuple[list, list]:
        """Let go of the files no stub points into any more, after a snapshot: all but ``keep``
        (the snapshot) and the pending file (caller holds the library's lock).  Returns their
        mappings and the files for the caller to close once it has let go of the lock: closing
        the last reference to a replaced snapshot deletes it, and freeing 450 MB took 0.4 s,
        which a capture waited for."""
        gone = [g for g in self.files if g not in (keep, self.pending_gen)]
        return [self.maps.pop(g) for g in gone if g in self.maps], [self.files.pop(g) for g in gone]

    def open_pending(self, directory) -> None:
        """Write documents changed from now on to a new pending file in ``directory`` (the old
        one stays open, for the snapshot being written, until ``drop_files_but``)."""
        f = tempfile.TemporaryFile(dir=directory)  # O_TMPFILE: no name, nothing left by a crash
        self.pending_dir, self.pending_gen, self._pending_end = directory, self.add_file(f), 0

    def rotate_pending(self) -> None:
        """When a snapshot is frozen: what it writes stays in the old file (caller holds the lock)."""
        if self.pending_dir is not None:
            self.open_pending(self.pending_dir)

    def stage(self, docs) -> list[tuple[int, bytes]]:
        """Write ``docs`` (TinyDB Documents) to the pending file ahead of a change, before the
        journal: a disk that fails fails here, while nothing has changed (what was written is
        then never pointed at).  Their stubs wait for ``__setitem__``; returns (doc id, JSON)."""
        self._staged.clear()
        out = [(doc.doc_id, as_json(doc)) for doc in docs]  # (the indexer's queue holds the JSON meanwhile)
        if self.pending_dir is not None:
            self._staged = dict(zip((i for i, _ in out), self._write_pending(out, docs)))
        return out

    def unstage(self) -> None:
        self._staged.clear()

    def _write_pending(self, records: list[tuple[int, bytes]], docs) -> list[tuple]:
        """Append (doc id, JSON) records as snapshot lines, in one write; their stubs."""
        buf, stubs, end = bytearray(), [], self._pending_end
        for (doc_id, data), doc in zip(records, docs):
            buf += b',\n"%d":' % doc_id
            stubs.append(stub_of(doc, self.pending_gen, end + len(buf), len(data)))
            buf += data
        fd, pos, view = self.files[self.pending_gen].fileno(), end, memoryview(buf)
        while view:
            n = os.pwrite(fd, view, pos)
            view, pos = view[n:], pos + n
        self._pending_end = pos
        return stubs

    def close(self) -> None:
        for f in [*self.maps.values(), *self.files.values()]:
            f.close()
        self.maps.clear()
        self.files.clear()

    # --- the mapping TinyDB sees ----------------------------------------------------------

    def __getitem__(self, doc_id) -> dict:
        i = int(doc_id)
        data = self.overlay.get(i)
        if data is not None:
            return orjson.loads(data)
        return self.read(self.stubs[i])

    def get(self, doc_id, default=None):
        try:
            return self[doc_id]
        except (KeyError, ValueError):
            return default

    def read(self, stub: tuple) -> dict:
        return orjson.loads(self._bytes(stub))

    def _bytes(self, stub: tuple) -> bytes:
        # From a snapshot's mapping, holding the interpreter: a pread lets the GIL go, and taking
        # it back can wait a switch interval (5 ms) behind the snapshot writer or the indexer,
        # 40 times in a capture of 50 cards (reads took up to 85 ms of one).  Every DROP_EVERY
        # reads, the pages they brought into the mapping are dropped from it (not from the page
        # cache), so the process's resident size does not grow toward the library's as papers
        # are read.  (Not only each paper's own pages: a fault maps the pages around it too.
        # Dropping the whole mapping of 450 MB costs about 10 µs.)
        off, length = stub[OFF], stub[LEN]
        m = self.maps.get(stub[FILE])
        if m is not None:
            data = m[off:off + length]
            if len(data) == length:
                self._mapped_reads += 1
                if self._mapped_reads >= DROP_EVERY and _DONTNEED is not None:
                    self._mapped_reads = 0
                    for each in self.maps.values():
                        each.madvise(_DONTNEED)
                return data
        else:
            data = os.pread(self.files[stub[FILE]].fileno(), length, off)
        if len(data) != length:
            raise OSError(f"the snapshot is shorter than expected (a paper at byte {off})")
        return data

    def json_of(self, doc_id: int) -> bytes | None:
        """The document as its JSON bytes, or None if there is none (caller holds the lock)."""
        data = self.overlay.get(doc_id)
        if data is not None:
            return data
        stub = self.stubs.get(doc_id)
        return None if stub is None else self._bytes(stub)

    def read_in_order(self, ids: list[int], lock, chunk: int = 64) -> Iterator[dict]:
        """The documents of ``ids`` that exist, in order, a chunk at a time; ``lock`` is the
        library's, held only to find them and to check the reads (below)."""
        for start in range(0, len(ids), chunk):
            part = ids[start:start + chunk]
            with lock:
                spots = self.spots(part)
            raw = self.read_spots(spots)
            with lock:
                if raw is None or not self.spots_valid(spots):  # a snapshot was replaced meanwhile
                    raw = [d for d in map(self.json_of, part) if d is not None]
            yield from map(orjson.loads, raw)

    # Reading many documents beside other requests (an export).  Each pread lets the GIL go, and
    # taking it back can wait a switch interval (5 ms) behind a busy thread: 64 of them under
    # the library's lock held a status request up to 0.3 s.  So the lock is held only to note
    # where each document is (``spots``), the reads run without it, and the lock is taken again
    # to check that no snapshot file they read was closed meanwhile (``spots_valid``: files are
    # closed only after leaving ``files``, and snapshot files never change once written).

    def spots(self, doc_ids) -> list:
        """Caller holds the lock: per existing document, its JSON (changed since the snapshot)
        or (generation, file, offset, length) to read."""
        out = []
        for i in doc_ids:
            data = self.overlay.get(i)
            if data is None:
                stub = self.stubs.get(i)
                if stub is None:
                    continue
                data = (stub[FILE], self.files[stub[FILE]], stub[OFF], stub[LEN])
            out.append(data)
        return out

    @staticmethod
    def read_spots(spots: list) -> list[bytes] | None:
        """Without the lock: each document's JSON, or None if a file was closed meanwhile."""
        out = []
        try:
            if _WILLNEED is not None:
                # Asked for all at once, the reads of papers not in the page cache run side by
                # side, and each reads its own pages: one at a time, each cold pread read ahead
                # far past its paper (an export of 40,000 saved papers: 7.3 s, 4.1 s of CPU).
                for spot in spots:
                    if type(spot) is tuple:
                        os.posix_fadvise(spot[1].fileno(), spot[2], spot[3], _WILLNEED)
            for spot in spots:
                if type(spot) is not tuple:
                    out.append(spot)
                    continue
                _, f, off, length = spot
                data = os.pread(f.fileno(), length, off)
                if len(data) != length:
                    return None
                out.append(data)
        except (OSError, ValueError):  # closed (ValueError from fileno) or its fd reused
            return None
        return out

    def spots_valid(self, spots: list) -> bool:
        """Caller holds the lock: every file the spots name is still open (so what was read
        from it is what it held)."""
        files = self.files
        return all(type(s) is not tuple or files.get(s[0]) is s[1] for s in spots)

    def __setitem__(self, doc_id, doc: dict) -> None:
        i = int(doc_id)
        stub = self._staged.pop(i, None)
        if stub is None:
            if self.pending_dir is None:
                self.overlay[i] = as_json(doc)
                self.stubs[i] = stub_of(doc)
                return
            (stub,) = self._write_pending([(i, orjson.dumps(doc))], [doc])  # replaying the journal
        self.overlay.pop(i, None)
        self.stubs[i] = stub

    def __delitem__(self, doc_id) -> None:
        i = int(doc_id)
        del self.stubs[i]
        self.overlay.pop(i, None)

    def __contains__(self, doc_id) -> bool:
        try:
            return int(doc_id) in self.stubs
        except ValueError:
            return False

    def __iter__(self) -> Iterator[str]:
        return (str(i) for i in list(self.stubs))

    def __len__(self) -> int:
        return len(self.stubs)

    def items(self):  # every document: a pass over the whole file (rebuilding the index)
        return ((str(i), self[i]) for i in list(self.stubs))

    def values(self):
        return (self[i] for i in list(self.stubs))
