"""Snapshots: written without stalling captures, read back without parsing every paper.

The snapshot is a plain TinyDB JSON file, one paper per line::

    {"_meta":{"1":{...}},"papers":{
    "1":{...},
    "2":{...}}}

Writing: a paper unchanged since the last snapshot is not serialised again -- its bytes (and
those of the unchanged papers after it, separators included) are copied from the old file by
the kernel (``os.copy_file_range``, no GIL held); so are changed papers, from the pending
file they were written to as snapshot lines (docs.py).
Between slices the writer lets go of the interpreter and flushes what it wrote, so a capture
waits at most for one slice, and a journal fsync never waits behind hundreds of megabytes.

Reading: beside each snapshot a derived ``library.keys`` file lists every paper's stub (where
its line lies, its key, DOI, title and status fields; see docs.py) under the snapshot's random
id and size.  Start-up reads that (tens of MB) instead of the snapshot (hundreds).  Without a
matching keys file (a crash between the two renames, an older release's snapshot) the lines
are read one at a time; a snapshot not in this layout (PaperShelf 0.1.0) is streamed into it
(snapshot_010.py).
"""

from __future__ import annotations

import os
import uuid
from array import array
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

import orjson

from . import snapshot_010, turns
from .docs import FILE, LEN, OFF, DocStore, stub_of, stub_row

KEYS_NAME = "library.keys"
KEYS_LAYOUT = 2  # rows are stubs (docs.py): another layout is read as if there were no keys file
HEAD = b'{"_meta":{"1":'
HEAD_END = b'},"papers":{\n'
# Written bytes between two fdatasyncs (and the largest single copy).  A capture's journal fsync
# waits for whatever of the snapshot the disk is writing then: beside a snapshot flushed every
# 8 MB it took 15 ms (median) and 21 ms (p99), every 1 MB 3 and 10 ms; the snapshot took no
# longer to write (1.2-1.5 s for 450 MB either way).
SYNC_BYTES = 1 << 20
FREEZE_SLICE = 1000  # stubs in each of a Frozen's chunks (and taken into it between two breaks)
READ_BLOCK = 16 << 20
HEAD_LIMIT = 4 << 20  # the header line: meta with up to 5,000 capture ids of 100 characters


@dataclass
class Frozen:
    """What a snapshot writes, as it was when the journal was rotated (copied under the
    library's lock): the stubs in order and the files they point into (a writable library's
    documents are all in files: docs.py)."""
    # Doc ids in order, and their stubs in the same order.  The ids are an array, which the
    # garbage collector never walks.  The stubs are tuples of FREEZE_SLICE stubs: each is walked
    # by the first young collection after it is made (0.1 ms), then no more once it holds only
    # stubs the collector stopped tracking (every stub after a library's first snapshot: those
    # read at opening are frozen still tracked).  Two lists of 200,000 made each full collection
    # during a snapshot, in a capture, cost 16-45 ms; one tuple of 200,000, the young
    # collection after it was made: 10-20 ms.
    ids: array
    chunks: tuple
    files: dict

    @classmethod
    def of(cls, stubs: dict, files: dict) -> Frozen:
        """From a copy of the stubs taken under the lock (``dict.copy``, 5-14 ms at 200,000:
        building these from the live table there took 20-35 ms, which a capture waited for).
        Built a slice at a time: one C call over 200,000 stubs holds the interpreter for
        10-15 ms, which a capture would wait for too."""
        ids, chunks = array("q"), []
        keys, stubs_in_order = iter(stubs), iter(stubs.values())
        while True:
            done = len(ids)
            ids.extend(islice(keys, FREEZE_SLICE))
            if len(ids) == done:
                return cls(ids, tuple(chunks), files)
            chunks.append(tuple(islice(stubs_in_order, FREEZE_SLICE)))
            turns.pause()

    @property
    def stubs(self):
        """Every stub, in order."""
        return chain.from_iterable(self.chunks)

    @property
    def order(self):
        """(doc id, stub), in order."""
        return zip(self.ids, self.stubs)


@dataclass
class Written:
    file: object  # the new snapshot, open for reading
    # doc id, offset, length of every paper, in order, flat (an array: see Frozen)
    places: array = field(default_factory=lambda: array("q"))

    def rows(self, start: int = 0, stop: int | None = None):
        """(doc id, offset, length) of the papers from ``start`` to ``stop``."""
        flat = self.places[3 * start:None if stop is None else 3 * stop]
        return zip(flat[0::3], flat[1::3], flat[2::3])
    snapshot_id: str = ""


@dataclass
class ReadBack:
    meta: dict
    docs: DocStore
    layout: str  # "keys" (fast), "lines" (scanned), "whole" (0.1.0's one-line file, converted)


def write(path: Path, tmp: Path, meta: dict, frozen: Frozen) -> Written:
    """Write the snapshot to ``tmp`` (fsync'ed) and rename it over ``path``; the caller
    fsyncs the directory.  ``meta`` gets a fresh ``snapshot_id``."""
    meta = {**meta, "snapshot_id": uuid.uuid4().hex}
    f = open(tmp, "w+b")
    try:
        written = _write_papers(f, meta, frozen)
        os.replace(tmp, path)
    except BaseException:
        f.close()
        tmp.unlink(missing_ok=True)  # a half-written temporary file (disk full) goes
        raise
    written.file, written.snapshot_id = f, meta["snapshot_id"]
    return written


def _write_papers(f, meta: dict, frozen: Frozen) -> Written:
    fd = f.fileno()
    out = Written(file=None)
    places = out.places
    buf = bytearray(HEAD + orjson.dumps(meta) + HEAD_END[:-1])
    pos = 0  # bytes of the file before ``buf``
    unsynced = 0
    run = None  # [source fd, source start, length, destination start] of bytes to copy

    def flush_buf() -> None:
        nonlocal pos, unsynced
        with memoryview(buf) as whole:
            view = whole
            while view:
                view = view[os.write(fd, view):]
            view.release()
        pos += len(buf)
        unsynced += len(buf)
        buf.clear()

    def flush_run() -> None:
        nonlocal run, pos, unsynced
        if run is None:
            return
        flush_buf()
        src, start, length, _ = run
        run = None
        while length:
            n = _copy(src, fd, min(length, SYNC_BYTES), start)
            start, length, pos, unsynced = start + n, length - n, pos + n, unsynced + n
            sync()

    def sync() -> None:
        nonlocal unsynced
        # Flushed as it goes, and once no request runs: a capture's journal fsync queues behind
        # whatever the disk is writing for the snapshot then.
        turns.pause()
        if unsynced >= SYNC_BYTES:
            os.fdatasync(fd)
            unsynced = 0

    for n, (doc_id, stub) in enumerate(frozen.order):
        sep = b'\n"%d":' % doc_id if n == 0 else b',\n"%d":' % doc_id
        src = frozen.files[stub[FILE]].fileno()  # (the snapshot's or the pending file's bytes)
        if run is not None and run[0] == src and stub[OFF] == run[1] + run[2] + len(sep):
            # The next line of the old file: the separator between them is the same bytes.
            places.extend((doc_id, run[3] + stub[OFF] - run[1], stub[LEN]))
            run[2] = stub[OFF] + stub[LEN] - run[1]
            if n % 500 == 0:
                turns.pause()  # a long run of unchanged papers: let a capture have the interpreter
            continue
        flush_run()
        buf += sep
        run = [src, stub[OFF], stub[LEN], pos + len(buf)]
        places.extend((doc_id, run[3], stub[LEN]))
    flush_run()
    buf += b"}}\n"
    flush_buf()
    os.fsync(fd)
    return out


def _copy(src: int, dst: int, count: int, offset: int) -> int:
    try:
        n = os.copy_file_range(src, dst, count, offset)
    except OSError:
        n = 0
    if n <= 0:  # not supported here (another file system, an older kernel): read and write
        data = os.pread(src, count, offset)
        if not data:
            raise OSError(f"the old snapshot ended early (at byte {offset})")
        view = memoryview(data)
        while view:
            view = view[os.write(dst, view):]
        n = len(data)
    return n


def write_keys(directory: Path, snapshot_id: str, size: int, ids: list, rows):
    """The keys file for the snapshot just written (doc ids, and their stub_row lists), atomically.
    Returns the keys file it replaced, open (or None): its blocks are freed when that is closed,
    which the caller does once requests fall quiet (compaction.py)."""
    path = directory / KEYS_NAME
    tmp = directory / (KEYS_NAME + ".tmp")
    try:
        old = open(path, "rb")
    except OSError:
        old = None
    try:
        with open(tmp, "wb") as f:
            f.write(orjson.dumps({"layout": KEYS_LAYOUT, "snapshot_id": snapshot_id, "size": size, "ids": ids})[:-1] + b',"rows":[')
            first = True
            chunk = []
            unsynced = 0
            for row in rows:
                chunk.append(row)
                if len(chunk) == 2000:
                    data = (b"" if first else b",") + orjson.dumps(chunk)[1:-1]
                    f.write(data)
                    first, chunk = False, []
                    unsynced += len(data)
                    turns.pause()
                    if unsynced >= SYNC_BYTES:  # flushed as it goes, like the snapshot (_write_papers)
                        f.flush()
                        os.fdatasync(f.fileno())
                        unsynced = 0
            if chunk:
                f.write((b"" if first else b",") + orjson.dumps(chunk)[1:-1])
            f.write(b"]}")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        if old is not None:
            old.close()
        raise
    return old


def keys_rows(frozen: Frozen, written: Written):
    """The keys file's rows: the stubs as they were frozen (those of documents in memory were
    made from them), at their places in the new file."""
    for stub, (_, off, length) in zip(frozen.stubs, written.rows()):
        yield stub_row(stub, off, length)


def read(path: Path) -> ReadBack:
    """The snapshot at ``path`` as meta and a DocStore; ValueError/KeyError/TypeError for a
    file that is not a readable snapshot (the caller refuses it)."""
    f = open(path, "rb")
    try:
        head = f.readline(HEAD_LIMIT)  # not the whole of a 0.1.0 file, which is one line
        if head.startswith(HEAD) and head.endswith(HEAD_END):
            meta = orjson.loads(head[len(HEAD):-len(HEAD_END)])
            if not isinstance(meta, dict):
                raise ValueError("no library header")
            docs = DocStore()
            gen = docs.add_file(f, mapped=True)
            size = os.fstat(f.fileno()).st_size
            if gen == 1 and _read_keys(path.parent / KEYS_NAME, meta.get("snapshot_id"), size, docs):
                return ReadBack(meta, docs, "keys")
            _scan_lines(f, len(head), docs, gen)
            return ReadBack(meta, docs, "lines")
        head = None  # (up to HEAD_LIMIT of a one-line file)
        f.seek(0)
        meta, docs = snapshot_010.read(f, path.parent, _checked)  # streamed, never whole
        f.close()
        return ReadBack(meta, docs, "whole")
    except BaseException:
        f.close()
        raise


def _read_keys(path: Path, snapshot_id, size: int, docs: DocStore) -> bool:
    """The stubs from the keys file, when it is the one of this snapshot (its id and size): a
    derived file we wrote, so its rows are taken as they are, 200,000 in a few tenths of a second."""
    if not isinstance(snapshot_id, str):
        return False
    try:
        keys = orjson.loads(path.read_bytes())
        if (keys.get("layout"), keys.get("snapshot_id"), keys.get("size")) != (KEYS_LAYOUT, snapshot_id, size):
            return False
        ids, rows = keys["ids"], keys["rows"]
        if len(ids) != len(rows) or set(map(type, ids)) - {int}:
            return False
        stubs = dict(zip(ids, map(tuple, rows)))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return False  # derived: missing, damaged or another snapshot's -- read the lines instead
    docs.stubs = stubs
    return True


def _scan_lines(f, start: int, docs: DocStore, gen: int) -> None:
    """Every paper line once: parsed for its stub, then let go."""
    pos, rest, ended = start, b"", False
    while True:
        block = f.read(READ_BLOCK)
        if not block:
            break
        lines = (rest + block).split(b"\n")
        rest = lines.pop()
        for line in lines:
            if ended:
                raise ValueError(f"text after the end of the papers (byte {pos})")
            colon = line.index(b'":')
            if not line.startswith(b'"'):
                raise ValueError(f"a malformed line at byte {pos}")
            doc_id = int(line[1:colon])
            body = line[colon + 2:]
            if body.endswith(b"}}}"):
                body, ended = body[:-2], True
            elif body.endswith(b","):
                body = body[:-1]
            else:
                raise ValueError(f"a malformed line at byte {pos}")
            doc = _checked(orjson.loads(body))
            if doc_id in docs.stubs:
                raise ValueError(f"paper {doc_id} twice")
            docs.stubs[doc_id] = stub_of(doc, gen, pos + colon + 2, len(body))
            pos += len(line) + 1
    if not ended or rest.strip():
        raise ValueError("the file ends before its papers do")


def _checked(doc):
    if not isinstance(doc, dict) or not isinstance(doc.get("key"), str) or not doc["key"]:
        raise ValueError("a paper without a key")
    return doc
