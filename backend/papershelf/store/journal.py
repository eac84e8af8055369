"""The durable log: the write lock, the journal (fsync'ed before a change is acknowledged) and
atomic snapshots, and reading them back into one consistent table.

    library.json         snapshot, a plain TinyDB JSON file (tables ``_meta`` and ``papers``),
                         written one paper per line
    library.journal      mutations since the snapshot, JSON lines ``{"seq", "put", "del", "cap"?}``
    library.journal.old  the journal being folded into a snapshot right now (rarely present)
    library.lock         held (flock) by the one process that may write
    library.keys         derived: every paper's stub and place in the snapshot (snapshots.py)

Order of events in a snapshot: the journal is renamed to ``.journal.old`` and a fresh one
opened (under the library's lock, so no write falls in between); the snapshot is written to a
temporary file, fsync'ed and renamed over ``library.json``; the directory is fsync'ed; only
then is ``.journal.old`` removed.  A crash at any instant leaves a snapshot and journals whose
sequence numbers say what is covered.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from . import snapshots
from .docs import DocStore
from .errors import Inconsistent, LibraryError, LibraryInUse

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
SNAPSHOT_NAME = "library.json"
JOURNAL_NAME = "library.journal"
LOCK_NAME = "library.lock"


@dataclass
class Loaded:
    docs: DocStore = field(default_factory=DocStore)  # TinyDB doc id -> document
    layout: str = "none"  # how the snapshot was read (snapshots.ReadBack.layout)
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
        # Files a snapshot replaced (the old snapshot, journal, keys and pending files), still
        # open: their blocks are freed when they are closed, which Library does once requests
        # fall quiet (compaction.py).
        self.replaced: list = []

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
        for attempt in range(attempts):  # (the caller pauses the collector: library.py)
            try:
                return self._load()
            except Inconsistent as exc:
                if attempt == attempts - 1:
                    raise LibraryError(str(exc)) from None
                time.sleep(0.05)
        raise AssertionError("unreachable")

    def _load(self) -> Loaded:
        out = Loaded()
        files_before = self._files()
        if files_before[0] is not None:
            try:
                back = snapshots.read(self.snapshot_path)
                out.docs, out.layout = back.docs, back.layout
                meta = back.meta
                schema = meta["schema"]
                out.seq = meta.get("seq", 0)
                captures = meta.get("captures", [])
                if not isinstance(schema, int) or not isinstance(out.seq, int):
                    raise ValueError("the schema version and sequence number must be whole numbers")
                library_id = meta.get("library_id")
                out.library_id = library_id if isinstance(library_id, str) else None
                # Capture ids only spare a double count: damaged ones are dropped, not fatal.
                out.captures = captures if isinstance(captures, list) else []
            except (OSError, ValueError, KeyError, TypeError) as exc:  # orjson.JSONDecodeError is a ValueError
                out.docs.close()
                raise LibraryError(
                    f"cannot read the library file {self.snapshot_path}: {exc}. It was left untouched; "
                    f"restore it from a backup (papershelf export --format json) or move it away to start a new library."
                ) from exc
            if schema > SCHEMA_VERSION:
                out.docs.close()
                raise LibraryError(
                    f"the library file {self.snapshot_path} has schema {schema}, newer than this PaperShelf "
                    f"understands ({SCHEMA_VERSION}); upgrade PaperShelf."
                )
        try:
            if not self.read_only:
                out.docs.open_pending(self.dir)  # what the journal adds goes there, not to memory
            return self._replay(out, files_before)
        except BaseException:
            out.docs.close()
            raise

    def _replay(self, out: Loaded, files_before: tuple) -> Loaded:
        papers, snap_seq, seq = out.docs, out.seq, out.seq
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
                        papers[doc_id] = doc
                        put.append(doc_id)
                    for doc_id in entry.get("del", []):
                        papers.pop(int(doc_id), None)
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

    def snapshot_size(self) -> int:
        try:
            return self.snapshot_path.stat().st_size
        except OSError:
            return 0

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

    def write_snapshot(self, frozen: snapshots.Frozen, seq: int, captures: list[str],
                       library_id: str) -> snapshots.Written:
        """Write ``frozen`` as the snapshot, atomically; the directory is fsync'ed after the
        rename, so the new snapshot is durable before any journal it covers goes.  Then its
        keys file (derived: a failure to write it only slows the next start)."""
        meta = {"schema": SCHEMA_VERSION, "seq": seq, "app": "papershelf", "captures": captures,
                "library_id": library_id}
        written = snapshots.write(self.snapshot_path, self.snapshot_path.with_suffix(".json.tmp"), meta, frozen)
        try:
            fsync_dir(self.dir)
        except BaseException:
            written.file.close()
            raise
        try:
            old_keys = snapshots.write_keys(self.dir, written.snapshot_id, os.fstat(written.file.fileno()).st_size,
                                            frozen.ids.tolist(), snapshots.keys_rows(frozen, written))
            if old_keys is not None:
                self.replaced.append(old_keys)
        except OSError as exc:
            log.warning("cannot write %s (%s); the next start reads the snapshot instead",
                        self.dir / snapshots.KEYS_NAME, exc.strerror or exc)
        return written

    def drop_old_journal(self) -> None:
        try:
            self.replaced.append(open(self.old_journal_path, "rb"))  # (freed when closed: see replaced)
        except OSError:
            pass
        os.unlink(self.old_journal_path)
        fsync_dir(self.dir)

    def take_replaced(self) -> list:
        replaced, self.replaced = self.replaced, []
        return replaced

    def start_clean_journal(self) -> None:
        """After a snapshot that covers both journals (an interrupted snapshot, finished at start-up)."""
        self.old_journal_path.unlink()
        with open(self.journal_path, "wb") as f:
            os.fsync(f.fileno())
        fsync_dir(self.dir)

    def close(self) -> None:
        for f in self.take_replaced():
            f.close()
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
