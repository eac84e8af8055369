"""The durable log: the write lock, the journal (fsync'ed before a change is acknowledged) and
atomic snapshots, and reading them back into one consistent table.

    library.json         snapshot, a plain TinyDB JSON file (tables ``_meta`` and ``papers``),
                         written one paper per line
    library.journal      mutations since the snapshot, JSON lines ``{"seq", "put", "del", "cap"?}``
    library.journal.old  the journal being folded into a snapshot right now (rarely present)
    library.lock         held (flock) by the one process that may write

Order of events in a snapshot: the journal is renamed to ``.journal.old`` and a fresh one
opened (under the library's lock, so no write falls in between); the snapshot is written to a
temporary file, fsync'ed and renamed over ``library.json``; the directory is fsync'ed; only
then is ``.journal.old`` removed.  A crash at any instant leaves a snapshot and journals whose
sequence numbers say what is covered.
"""

from __future__ import annotations

import fcntl
import gc
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from .errors import Inconsistent, LibraryError, LibraryInUse

SCHEMA_VERSION = 1
SNAPSHOT_NAME = "library.json"
JOURNAL_NAME = "library.journal"
LOCK_NAME = "library.lock"
# Papers serialised per chunk of a snapshot: between chunks the writer thread lets go of the
# GIL (it writes), so a capture waits for one chunk (about a millisecond), not the whole file.
SNAPSHOT_CHUNK = 500
SNAPSHOT_SYNC_BYTES = 8 << 20


@dataclass
class Loaded:
    papers: dict[str, dict] = field(default_factory=dict)  # TinyDB doc id (str) -> document
    seq: int = 0
    captures: list = field(default_factory=list)  # capture ids, oldest first
    library_id: str | None = None  # given at the first snapshot; the search index is tied to it
    snapshot_seq: int = 0
    changes: list = field(default_factory=list)  # (seq, doc ids put, doc ids deleted) after the snapshot


class DurableLog:
    """The files of one library directory; the caller serialises writes (the library's lock)."""

    def __init__(self, data_dir: Path, *, read_only: bool) -> None:
        self.dir = data_dir
        self.snapshot_path = data_dir / SNAPSHOT_NAME
        self.journal_path = data_dir / JOURNAL_NAME
        self.old_journal_path = data_dir / (JOURNAL_NAME + ".old")
        self.read_only = read_only
        self.lock_file = None
        self.journal_fd: int | None = None  # O_APPEND, unbuffered: a failed write leaves nothing behind
        self.broken: str | None = None  # set when the journal can no longer be trusted for writing

    # --- opening ----------------------------------------------------------------------------

    def acquire_write_lock(self) -> None:
        self.lock_file = open(self.dir / LOCK_NAME, "a+")
        try:
            fcntl.flock(self.lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.lock_file.seek(0)
            holder = self.lock_file.read().strip()
            self.lock_file.close()
            self.lock_file = None
            raise LibraryInUse(
                f"the library {self.snapshot_path} is in use by another PaperShelf process"
                + (f" ({holder})" if holder else "")
                + "; stop it first, or use that server's library page / API"
            )
        self.lock_file.seek(0)
        self.lock_file.truncate()
        self.lock_file.write(f"pid {os.getpid()}")
        self.lock_file.flush()

    def load(self) -> Loaded:
        """Snapshot plus journals.  A reader takes no lock, so the server may rotate the journal
        and replace the snapshot while it reads; it then sees a gap or a change and reads again."""
        attempts = 20 if self.read_only else 1
        for attempt in range(attempts):
            # Hundreds of thousands of new dicts would set off full collections that find no
            # garbage (they took half of the start-up time at 200,000 papers).
            enabled = gc.isenabled()
            gc.disable()
            try:
                return self._load()
            except Inconsistent as exc:
                if attempt == attempts - 1:
                    raise LibraryError(str(exc)) from None
                time.sleep(0.05)
            finally:
                if enabled:
                    gc.enable()
        raise AssertionError("unreachable")

    def _load(self) -> Loaded:
        out = Loaded()
        files_before = self._files()
        if files_before[0] is not None:
            try:
                tables = orjson.loads(self.snapshot_path.read_bytes())
                meta = tables["_meta"]["1"]
                schema = meta["schema"]
                out.seq = meta.get("seq", 0)
                captures = meta.get("captures", [])
                if not isinstance(schema, int) or not isinstance(out.seq, int):
                    raise ValueError("the schema version and sequence number must be whole numbers")
                library_id = meta.get("library_id")
                out.library_id = library_id if isinstance(library_id, str) else None
                if not isinstance(tables.get("papers"), dict):
                    raise ValueError("no papers table")
                # Capture ids only spare a double count: damaged ones are dropped, not fatal.
                out.captures = captures if isinstance(captures, list) else []
                out.papers = tables["papers"]
            except (OSError, ValueError, KeyError, TypeError) as exc:  # orjson.JSONDecodeError is a ValueError
                raise LibraryError(
                    f"cannot read the library file {self.snapshot_path}: {exc}. It was left untouched; "
                    f"restore it from a backup (papershelf export --format json) or move it away to start a new library."
                ) from exc
            if schema > SCHEMA_VERSION:
                raise LibraryError(
                    f"the library file {self.snapshot_path} has schema {schema}, newer than this PaperShelf "
                    f"understands ({SCHEMA_VERSION}); upgrade PaperShelf."
                )
        papers, snap_seq, seq = out.papers, out.seq, out.seq
        out.snapshot_seq = snap_seq
        for path in (self.old_journal_path, self.journal_path):
            for n, entry in self._read_journal(path):
                if entry["seq"] <= snap_seq:
                    continue  # already in the snapshot (a crash between snapshot and clean-up)
                if entry["seq"] != seq + 1:
                    raise Inconsistent(f"the journal {path} skips from change {seq} to {entry['seq']} (line {n})")
                try:
                    put, gone = [], []
                    for doc in entry.get("put", []):
                        doc = dict(doc)
                        doc_id = int(doc.pop("_id"))
                        check_document(doc)
                        papers[str(doc_id)] = doc
                        put.append(doc_id)
                    for doc_id in entry.get("del", []):
                        papers.pop(str(int(doc_id)), None)
                        gone.append(int(doc_id))
                    out.changes.append((entry["seq"], put, gone))
                    if "cap" in entry:
                        out.captures.append(entry["cap"])
                except (KeyError, TypeError, ValueError) as exc:
                    raise LibraryError(f"cannot read the journal {path}, line {n}: a malformed change ({exc}). "
                                       f"The library was left untouched.") from None
                seq = entry["seq"]
        if self._files() != files_before:
            # A writer replaced the snapshot or rotated the journal meanwhile: what was read
            # may miss changes at the end, which no sequence gap would show.
            raise Inconsistent(f"the library {self.snapshot_path} changed while it was being read")
        out.seq = seq
        return out

    def _files(self) -> tuple:
        """Which snapshot and journals are there: changes when a writer snapshots or rotates
        (appends to the journal keep its identity)."""
        snapshot = _stat(self.snapshot_path)
        old, journal = _stat(self.old_journal_path), _stat(self.journal_path)
        return (snapshot, old and old[0], journal and journal[0])

    def _read_journal(self, path: Path) -> list[tuple[int, dict]]:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise LibraryError(f"cannot read the journal {path}: {exc.strerror}") from exc
        entries = []
        lines = raw.split(b"\n")
        good_bytes = 0
        for n, line in enumerate(lines):
            if not line.strip():
                good_bytes += len(line) + 1
                continue
            try:
                entry = orjson.loads(line)
                if not isinstance(entry, dict) or not isinstance(entry.get("seq"), int):
                    raise ValueError("not a journal entry")
            except ValueError as exc:
                if n == len(lines) - 1:
                    # The last line was cut off by a crash mid-append: that write was never
                    # acknowledged, so dropping it loses nothing.
                    if not self.read_only and path == self.journal_path:
                        with open(path, "r+b") as f:
                            f.truncate(good_bytes)
                    break
                raise LibraryError(
                    f"cannot read the journal {path}, line {n + 1}: {exc}. The library was left untouched."
                ) from exc
            entries.append((n + 1, entry))
            good_bytes += len(line) + 1
        return entries

    def open_journal(self) -> None:
        self.journal_fd = os.open(self.journal_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        size = os.fstat(self.journal_fd).st_size
        if size:
            with open(self.journal_path, "rb") as f:
                f.seek(size - 1)
                if f.read(1) != b"\n":
                    # A crash cut the newline after a complete last entry: end that line, or the
                    # next change would be glued onto it.
                    self.append(b"\n")

    # --- writing ----------------------------------------------------------------------------

    def append(self, data: bytes) -> None:
        """Append and fsync; on failure the journal is cut back to where it was."""
        fd = self.journal_fd
        start = os.lseek(fd, 0, os.SEEK_END)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        except OSError as exc:
            try:
                os.ftruncate(fd, start)
                os.fsync(fd)
            except OSError:
                self.broken = (f"the journal {self.journal_path} could not be written or repaired "
                               f"({exc.strerror}); restart PaperShelf")
            raise LibraryError(f"cannot write the journal {self.journal_path}: {exc.strerror}") from exc

    def journal_size(self) -> int:
        return os.fstat(self.journal_fd).st_size

    def rotating(self) -> bool:
        return self.old_journal_path.exists()

    def rotate(self) -> None:
        """Start a new journal; the old one stays until a snapshot covers it (caller holds the lock)."""
        os.close(self.journal_fd)
        os.replace(self.journal_path, self.old_journal_path)
        self.journal_fd = os.open(self.journal_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        fsync_dir(self.dir)

    def write_snapshot(self, table: dict[str, dict], seq: int, captures: list[str], library_id: str) -> None:
        """Write ``table`` as the snapshot, atomically; the directory is fsync'ed after the rename,
        so the new snapshot is durable before any journal it covers goes."""
        meta = {"schema": SCHEMA_VERSION, "seq": seq, "app": "papershelf", "captures": captures,
                "library_id": library_id}
        tmp = self.snapshot_path.with_suffix(".json.tmp")
        items = list(table.items())
        try:
            self._write_snapshot_file(tmp, meta, items)
            os.replace(tmp, self.snapshot_path)
        except BaseException:
            tmp.unlink(missing_ok=True)  # a half-written temporary file (disk full) goes
            raise
        fsync_dir(self.dir)

    def _write_snapshot_file(self, tmp: Path, meta: dict, items: list) -> None:
        with open(tmp, "wb") as f:
            f.write(b'{"_meta":{"1":' + orjson.dumps(meta) + b'},"papers":{')
            unsynced = 0
            for start in range(0, len(items), SNAPSHOT_CHUNK):
                chunk = b",\n".join(b'"%s":%s' % (k.encode(), orjson.dumps(doc))
                                    for k, doc in items[start:start + SNAPSHOT_CHUNK])
                f.write((b"\n" if start == 0 else b",\n") + chunk)
                unsynced += len(chunk)
                if unsynced >= SNAPSHOT_SYNC_BYTES:
                    # Flushed as it goes: a journal fsync meanwhile (a capture) never waits
                    # behind hundreds of megabytes of snapshot in the page cache.
                    f.flush()
                    os.fdatasync(f.fileno())
                    unsynced = 0
                time.sleep(0)  # let a waiting capture have the interpreter between chunks
            f.write(b"}}\n")
            f.flush()
            os.fsync(f.fileno())

    def drop_old_journal(self) -> None:
        os.unlink(self.old_journal_path)
        fsync_dir(self.dir)

    def start_clean_journal(self) -> None:
        """After a snapshot that covers both journals (an interrupted snapshot, finished at start-up)."""
        self.old_journal_path.unlink()
        with open(self.journal_path, "wb") as f:
            os.fsync(f.fileno())
        fsync_dir(self.dir)

    def close(self) -> None:
        if self.journal_fd is not None:
            os.close(self.journal_fd)
            self.journal_fd = None
        if self.lock_file is not None:
            self.lock_file.close()
            self.lock_file = None


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _stat(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def check_document(doc: Any) -> None:
    if not isinstance(doc, dict) or not isinstance(doc.get("key"), str) or not doc["key"]:
        raise ValueError("a paper without a key")
