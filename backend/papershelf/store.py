"""The library: TinyDB as the query engine, a journal and atomic snapshots for durability.

Why not TinyDB's own JSONStorage: it rewrites the whole file on every write (40 MB at 20,000
papers) and a crash mid-write leaves half a file.  Here TinyDB keeps the tables in memory
(``MemoryStorage``) and answers queries; every mutation is first appended to a journal
(one JSON line per batch, fsync'ed before we answer) and then applied in memory.  When the
journal grows, a snapshot is written atomically (temp file, fsync, ``os.replace``) in the
background.  Start-up loads the snapshot and replays the journal.

Files in the data directory:
  library.json         snapshot, a plain TinyDB JSON file (tables ``papers`` and ``_meta``)
  library.journal      mutations since the snapshot, JSON lines ``{"seq", "put", "del", "cap"?}``
  library.journal.old  the journal being folded into a snapshot right now (rarely present)
  library.lock         held (flock) by the one process that may write
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable

import orjson
from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Document, Table

from .papers import (
    Paper,
    merge_metadata,
    merge_seen,
    merge_sources,
    merge_user,
    normalize_key,
    normalize_title,
    now_iso,
    paper_from_stored,
)

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
SNAPSHOT_NAME = "library.json"
JOURNAL_NAME = "library.journal"
LOCK_NAME = "library.lock"
COMPACT_JOURNAL_BYTES = 16 * 1024 * 1024
# Capture ids remembered (journal lines carry them, snapshots keep the latest): a browser that
# sends a capture again -- its answer lost, the server restarted meanwhile -- is not counted twice.
REMEMBERED_CAPTURES = 5000


class LibraryError(Exception):
    """The library cannot be opened or written; the message says why and names the file."""


class LibraryInUse(LibraryError):
    """Another process (a running server) holds the library for writing."""


class NotFound(LibraryError):
    pass


@dataclass
class ImportOutcome:
    added: int = 0
    merged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (item, reason)


class _InMemoryTable(Table):
    """A TinyDB table whose writes touch only the documents they change.

    TinyDB's ``Table._update_table`` copies the whole table twice per write (converting ids to
    int and back) because file storages need string keys; with a memory storage that makes a
    one-paper save O(library size).  Here the updater sees an int-keyed view of the live dict.
    """

    def _update_table(self, updater) -> None:
        tables = self._storage.read()
        updater(_IntKeyedView(tables.setdefault(self.name, {})))
        self.clear_cache()


class _IntKeyedView(MutableMapping):
    """The int doc-id view TinyDB's updaters expect, over the str-keyed stored table."""

    def __init__(self, raw: dict) -> None:
        self.raw = raw

    def __contains__(self, doc_id) -> bool:
        return str(doc_id) in self.raw

    def __getitem__(self, doc_id):
        return self.raw[str(doc_id)]

    def __setitem__(self, doc_id, doc) -> None:
        self.raw[str(doc_id)] = doc

    def __delitem__(self, doc_id) -> None:
        del self.raw[str(doc_id)]

    def __iter__(self):
        return (int(k) for k in self.raw)

    def __len__(self) -> int:
        return len(self.raw)


class _MemoryDB(TinyDB):
    table_class = _InMemoryTable


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Library:
    """A paper library in ``data_dir``. Thread-safe; one writing process at a time.

    ``read_only=True`` opens without the write lock (for ``papershelf export``/``stats`` while a
    server runs) and refuses every mutation.
    """

    def __init__(self, data_dir: str | os.PathLike, *, read_only: bool = False,
                 compact_bytes: int = COMPACT_JOURNAL_BYTES) -> None:
        self.dir = Path(data_dir).expanduser().resolve()
        self.snapshot_path = self.dir / SNAPSHOT_NAME
        self.journal_path = self.dir / JOURNAL_NAME
        self.old_journal_path = self.dir / (JOURNAL_NAME + ".old")
        self.read_only = read_only
        self.compact_bytes = compact_bytes
        self._lock = threading.RLock()
        self._lock_file = None
        self._journal_fd: int | None = None  # O_APPEND, unbuffered: a failed write leaves nothing behind
        self._broken: str | None = None  # set when the journal can no longer be trusted for writing
        self._closed = False
        self._compactor: threading.Thread | None = None
        self._compaction_failed = False
        self._db = _MemoryDB(storage=MemoryStorage)
        self._papers = self._db.table("papers", cache_size=0)
        self._doc_ids: dict[str, int] = {}  # key -> TinyDB doc id: O(1) lookups
        self._by_doi: dict[str, str] = {}  # doi -> key of the record that carries it
        self._by_title: dict[str, set[str]] = {}  # normalised title -> keys
        self._search_text: dict[str, tuple[dict, str]] = {}  # key -> (document, its search text)
        self._view: tuple[int, list[dict], list[str]] | None = None  # see search_view()
        self._counts: tuple[int, dict[str, int]] | None = None  # see counts()
        self._seq = 0
        self._next_id = 1
        self._captures: dict[str, None] = {}  # capture ids recorded, oldest first (insertion order)
        # Why the last snapshot could not be written (disk full), or None: every change is then
        # still in the journal, and the CLI says so instead of "library saved."
        self.snapshot_error: str | None = None
        if not read_only:
            try:
                self.dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LibraryError(f"cannot create the data directory {self.dir}: {exc.strerror}") from exc
        try:
            if not read_only:
                self._acquire_write_lock()
            self._load_consistent()
            if not read_only:
                if self.old_journal_path.exists():
                    self._finish_interrupted_snapshot()
                self._open_journal()
        except OSError as exc:  # a read-only directory, a full disk: one line, nothing changed
            self.close()
            raise LibraryError(_cannot_write(self.dir, exc)) from None
        except BaseException:
            self.close()
            raise

    # --- opening ------------------------------------------------------------------------

    def _acquire_write_lock(self) -> None:
        self._lock_file = open(self.dir / LOCK_NAME, "a+")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.seek(0)
            holder = self._lock_file.read().strip()
            self._lock_file.close()
            self._lock_file = None
            raise LibraryInUse(
                f"the library {self.snapshot_path} is in use by another PaperShelf process"
                + (f" ({holder})" if holder else "")
                + "; stop it first, or use that server's library page / API"
            )
        self._lock_file.seek(0)
        self._lock_file.truncate()
        self._lock_file.write(f"pid {os.getpid()}")
        self._lock_file.flush()

    def _load_consistent(self) -> None:
        """Load, and for a reader beside a running server, make sure the view was consistent.

        A reader takes no lock, so the server may rotate the journal and replace the snapshot
        while it reads; it then sees a gap in the sequence numbers and simply reads again."""
        attempts = 20 if self.read_only else 1
        for attempt in range(attempts):
            try:
                self._load()
                return
            except _Inconsistent as exc:
                if attempt == attempts - 1:
                    raise LibraryError(str(exc)) from None
                time.sleep(0.05)

    def _load(self) -> None:
        self._captures = {}
        tables: dict[str, Any] = {"papers": {}, "_meta": {}}
        snap_seq = 0
        files_before = self._files()
        if files_before[0] is not None:
            try:
                tables = orjson.loads(self.snapshot_path.read_bytes())
                meta = tables["_meta"]["1"]
                schema = meta["schema"]
                snap_seq = meta.get("seq", 0)
                captures = meta.get("captures", [])
                if not isinstance(schema, int) or not isinstance(snap_seq, int):
                    raise ValueError("the schema version and sequence number must be whole numbers")
                if not isinstance(tables.get("papers"), dict):
                    raise ValueError("no papers table")
                # Capture ids only spare a double count: damaged ones are dropped, not fatal.
                self._remember_captures(captures if isinstance(captures, list) else [])
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
        papers = tables["papers"]
        seq = snap_seq
        for path in (self.old_journal_path, self.journal_path):
            for n, entry in self._read_journal(path):
                if entry["seq"] <= snap_seq:
                    continue  # already in the snapshot (a crash between snapshot and clean-up)
                if entry["seq"] != seq + 1:
                    raise _Inconsistent(f"the journal {path} skips from change {seq} to {entry['seq']} (line {n})")
                try:
                    for doc in entry.get("put", []):
                        doc = dict(doc)
                        doc_id = doc.pop("_id")
                        _check_document(doc)
                        papers[str(int(doc_id))] = doc
                    for doc_id in entry.get("del", []):
                        papers.pop(str(int(doc_id)), None)
                    if "cap" in entry:
                        self._remember_captures([entry["cap"]])
                except (KeyError, TypeError, ValueError) as exc:
                    raise LibraryError(f"cannot read the journal {path}, line {n}: a malformed change ({exc}). "
                                       f"The library was left untouched.") from None
                seq = entry["seq"]
        if self._files() != files_before:
            # A writer replaced the snapshot or rotated the journal meanwhile: what was read
            # may miss changes at the end, which no sequence gap would show.
            raise _Inconsistent(f"the library {self.snapshot_path} changed while it was being read")
        self._seq = seq
        try:
            for doc_id, doc in papers.items():
                _check_document(doc)
                self._index_add(doc["key"], int(doc_id), doc)
                self._next_id = max(self._next_id, int(doc_id) + 1)
        except (KeyError, TypeError, ValueError) as exc:
            raise LibraryError(f"cannot read the library file {self.snapshot_path}: a malformed paper ({exc}). "
                               f"It was left untouched.") from None
        self._db.storage.write({"papers": papers, "_meta": {"1": {"schema": SCHEMA_VERSION}}})

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

    def _open_journal(self) -> None:
        self._journal_fd = os.open(self.journal_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        size = os.fstat(self._journal_fd).st_size
        if size:
            with open(self.journal_path, "rb") as f:
                f.seek(size - 1)
                if f.read(1) != b"\n":
                    # A crash cut the newline after a complete last entry: end that line, or the
                    # next change would be glued onto it.
                    self._append(b"\n")

    def _append(self, data: bytes) -> None:
        """Append and fsync; on failure the journal is cut back to where it was."""
        fd = self._journal_fd
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
                self._broken = (f"the journal {self.journal_path} could not be written or repaired "
                                f"({exc.strerror}); restart PaperShelf")
            raise LibraryError(f"cannot write the journal {self.journal_path}: {exc.strerror}") from exc

    # --- indexes ------------------------------------------------------------------------

    def _index_add(self, key: str, doc_id: int, doc: dict) -> None:
        self._doc_ids[key] = doc_id
        if doc.get("doi"):
            self._by_doi[doc["doi"]] = key
        t = normalize_title(doc.get("title"))
        if t:
            self._by_title.setdefault(t, set()).add(key)

    def _index_remove(self, key: str, doc: dict) -> None:
        self._doc_ids.pop(key, None)
        self._search_text.pop(key, None)
        if doc.get("doi") and self._by_doi.get(doc["doi"]) == key:
            del self._by_doi[doc["doi"]]
        t = normalize_title(doc.get("title"))
        if t and t in self._by_title:
            self._by_title[t].discard(key)
            if not self._by_title[t]:
                del self._by_title[t]

    # --- reading ------------------------------------------------------------------------

    def _raw(self, key: str) -> dict | None:
        doc_id = self._doc_ids.get(key)
        if doc_id is None:
            return None
        return self._papers.get(doc_id=doc_id)

    def _resolve(self, key: str) -> str | None:
        """The stored key for what a user or the extension names: any spelling of an arXiv id
        or DOI, a key; a DOI finds the arXiv record that carries it."""
        k = normalize_key(key) or key
        if k in self._doc_ids:
            return k
        if k.startswith("doi:"):
            return self._by_doi.get(k[4:])
        return None

    def get(self, key: str) -> Paper | None:
        with self._lock:
            k = self._resolve(key)
            return paper_from_stored(self._raw(k)) if k else None

    def __len__(self) -> int:
        return len(self._doc_ids)

    def __contains__(self, key: str) -> bool:
        return key in self._doc_ids

    def _docs(self) -> list[dict]:
        """The stored documents themselves, not copies: read-only for callers.

        Safe to hand out because a write replaces a document, never changes it in place; and
        much cheaper than ``Table.all()``, which copies all 20,000 documents on every call."""
        with self._lock:
            return list(self._db.storage.read()["papers"].values())

    def counts(self) -> dict[str, int]:
        """Papers, saved and read; counted once per change (the popup and page ask often)."""
        with self._lock:
            if self._counts is None or self._counts[0] != self._seq:
                saved = read = 0
                docs = self._docs()
                for d in docs:
                    saved += bool(d.get("saved"))
                    read += bool(d.get("read"))
                self._counts = (self._seq, {"papers": len(docs), "saved": saved, "read": read})
            return dict(self._counts[1])

    def status(self, keys: Iterable[str]) -> dict[str, dict]:
        """Saved state, tags and seen count per key; unknown keys are reported as not saved."""
        out = {}
        with self._lock:
            for key in keys:
                k = self._resolve(key)
                doc = self._raw(k) if k else None
                out[key] = {
                    "saved": bool(doc and doc.get("saved")),
                    "tags": list(doc.get("tags", [])) if doc else [],
                    "seen_count": doc.get("seen_count", 0) if doc else 0,
                }
        return out

    def all(self) -> list[Paper]:
        with self._lock:
            return [paper_from_stored(d) for d in self._docs()]

    def search(self, test: Callable[[dict], bool] | None = None) -> list[dict]:
        """Stored documents matching ``test`` (a TinyDB query or any function of a document).

        The documents are the stored ones: read them, copy before changing."""
        docs = self._docs()
        return docs if test is None else [d for d in docs if test(d)]

    def documents(self, keys: Iterable[str]) -> list[dict]:
        """The stored documents for ``keys`` (any spelling), each once; unknown keys left out."""
        with self._lock:
            return [self._raw(k) for k in self._resolve_all(keys)]

    def search_view(self, *, with_text: bool = True) -> tuple[list[dict], list[str]]:
        """Every stored document and, aligned with it, the casefolded text a search looks in
        (``with_text=False``: no texts, for queries without words).

        Built at most once per change to the library; each paper's text is cached until that
        paper changes, so after one save only that paper's text is made again."""
        with self._lock:
            if not with_text:
                return self._docs(), []
            if self._view is None or self._view[0] != self._seq:
                docs = self._docs()
                texts = []
                for doc in docs:
                    cached = self._search_text.get(doc["key"])
                    if cached is None or cached[0] is not doc:
                        cached = self._search_text[doc["key"]] = (doc, search_text_of(doc))
                    texts.append(cached[1])
                self._view = (self._seq, docs, texts)
            return self._view[1], self._view[2]

    def all_tags(self) -> list[dict[str, Any]]:
        counts = Counter(t for d in self._docs() for t in d.get("tags", []))
        return [{"tag": t, "count": c} for t, c in sorted(counts.items(), key=lambda tc: (-tc[1], tc[0]))]

    def stats(self) -> dict[str, Any]:
        """Counts, the top tags and papers saved per ISO week, in one pass over the library."""
        tags: Counter[str] = Counter()
        saved_days: Counter[str] = Counter()
        for d in self._docs():
            if d.get("tags"):
                tags.update(d["tags"])
            if d.get("saved"):
                saved_days[(d.get("saved_at") or "")[:10]] += 1
        weeks: Counter[str] = Counter()
        for day, count in saved_days.items():  # a few hundred distinct days, not 20,000 papers
            try:
                y, w, _ = date.fromisoformat(day).isocalendar()
            except ValueError:
                continue
            weeks[f"{y}-W{w:02d}"] += count
        return {
            **self.counts(),
            "tags": [{"tag": t, "count": c} for t, c in tags.most_common(20)],
            "saved_per_week": [{"week": w, "count": weeks[w]} for w in sorted(weeks)],
        }

    # --- writing ------------------------------------------------------------------------

    def _commit(self, put: list[Paper], delete: list[str], capture_id: str | None = None) -> None:
        """Journal, then apply: one fsync'ed journal line per batch, whatever its size.

        Everything that can fail (serialising, writing) happens before memory changes, so a
        refused change leaves memory and disk as they were."""
        if self.read_only:
            raise LibraryError("the library is open read-only")
        if self._closed:
            raise LibraryError("the library is closed")
        if self._broken:
            raise LibraryError(self._broken)
        by_key = {p.key: p for p in put}  # one document per key, whatever the caller passed
        deleted = {k for k in delete if k in self._doc_ids and k not in by_key}
        if not by_key and not deleted:
            return
        now = now_iso()
        next_id = self._next_id
        new_docs: list[Document] = []
        for paper in by_key.values():
            paper.updated_at = now
            doc_id = self._doc_ids.get(paper.key)
            if doc_id is None:
                doc_id, next_id = next_id, next_id + 1
                paper.added_at = paper.added_at or now
            new_docs.append(Document(paper.to_dict(), doc_id=doc_id))
        replaced = [k for k in by_key if k in self._doc_ids] + sorted(deleted)
        entry = {
            "seq": self._seq + 1,
            "put": [{"_id": d.doc_id, **d} for d in new_docs],
            "del": [self._doc_ids[k] for k in sorted(deleted)],
        }
        if capture_id:
            entry["cap"] = capture_id
        self._append(orjson.dumps(entry) + b"\n")
        self._seq += 1
        if capture_id:
            self._remember_captures([capture_id])
        self._next_id = next_id
        # Apply in memory: replace whole documents (never mutate one in place) so that a
        # snapshot taken as a shallow copy of the table stays consistent.
        old_ids = [self._doc_ids[k] for k in replaced]
        for k in replaced:
            self._index_remove(k, self._raw(k))
        if old_ids:
            self._papers.remove(doc_ids=old_ids)
        if new_docs:
            self._papers.insert_multiple(new_docs)
        for d in new_docs:
            self._index_add(d["key"], d.doc_id, d)
        self._maybe_compact()

    def _find_existing(self, paper: Paper, batch: "_Batch") -> list[str]:
        """Keys of records, stored or made earlier in this batch, that are this paper: its own
        key, its DOI twin, its title-only twin.

        An arXiv/DOI capture absorbs a title-only record of the same normalised title; a
        title-only capture joins the one record with an id that has that title.
        """
        keys: list[str] = []

        def add(k: str | None, first: bool = False) -> None:
            if k and k not in keys and batch.exists(k, self._doc_ids):
                keys.insert(0, k) if first else keys.append(k)

        add(paper.key)
        if paper.doi:
            add(f"doi:{paper.doi}")
            add(batch.by_doi.get(paper.doi))
            add(self._by_doi.get(paper.doi))
        t = normalize_title(paper.title)
        if t:
            same_title = self._by_title.get(t, set()) | batch.by_title.get(t, set())
            if paper.key.startswith("title:"):
                with_ids = sorted(k for k in same_title if not k.startswith("title:")
                                  and batch.exists(k, self._doc_ids))
                if len(with_ids) == 1:
                    add(with_ids[0], first=True)
            elif f"title:{t}" in same_title:
                add(f"title:{t}")
        return keys

    def _group_by_key(self, papers: list[Paper]) -> dict[str, Paper]:
        """One record per key within a batch (a page may list a paper twice)."""
        groups: dict[str, Paper] = {}
        for paper in papers:
            copy = Paper.from_dict(paper.to_dict())
            prev = groups.get(copy.key)
            if prev is None:
                groups[copy.key] = copy
            else:
                merged = merge_metadata(prev, copy)
                merge_seen(merged, copy)
                merge_user(merged, copy)
                groups[copy.key] = merged
        return groups

    def _merge_batch(self, papers: list[Paper], on_existing, on_new, capture_id: str | None = None):
        """Merge a batch into the library with one journal write.

        ``on_existing(record, incoming, seen_in_batch)`` finishes a record that merged with
        existing ones (``seen_in_batch``: one of them came from this same batch);
        ``on_new(record)`` one that did not.
        Returns (incoming key -> stored key, stored records by key, number added, number merged)."""
        batch = _Batch()
        final_key: dict[str, str] = {}
        added = merged = 0
        for key, incoming in self._group_by_key(papers).items():
            found = self._find_existing(incoming, batch)
            if found:
                seen_in_batch = any(k in batch.pending for k in found)
                records = [batch.pending.get(k) or paper_from_stored(self._raw(k)) for k in found]
                base = records[0]
                for other in records[1:]:
                    base = merge_metadata(base, other)
                    merge_seen(base, other)
                    merge_user(base, other)
                record = merge_metadata(base, incoming)
                on_existing(record, incoming, seen_in_batch)
                for k in found:
                    if k != record.key:
                        batch.absorb(k, record.key)
                merged += 1
            else:
                record = incoming
                on_new(record)
                added += 1
            batch.put(record)
            final_key[key] = record.key
        self._commit(list(batch.pending.values()), sorted(batch.dropped - set(batch.pending)), capture_id)
        return {k: batch.final(v) for k, v in final_key.items()}, batch.pending, added, merged

    def capture(self, papers: list[Paper], *, count_view: bool = True,
                capture_id: str | None = None) -> list[Paper]:
        """Record papers seen on one page view; returns the stored records in the same order.

        Each paper counts as seen once per call (a page listing a paper twice is one view);
        ``count_view=False`` records without counting (saving a page already captured).
        A ``capture_id`` names the view: the same id again (a browser repeating a request whose
        answer it lost, before or after a restart) records without counting.
        Captures never change user data.
        """
        now = now_iso()

        def seen_now(paper: Paper) -> None:
            for s in paper.sources:  # only the page just seen: other sources keep their dates
                s.first_seen, s.last_seen = s.first_seen or now, now
            paper.first_seen, paper.last_seen = paper.first_seen or now, now

        def on_existing(record: Paper, seen: Paper, seen_in_batch: bool) -> None:
            seen_now(seen)
            merge_sources(record, seen.sources)
            if count_view and not seen_in_batch:
                record.seen_count += 1
            record.first_seen, record.last_seen = record.first_seen or now, now

        def on_new(record: Paper) -> None:
            record.saved, record.saved_at, record.tags, record.note, record.read = False, None, [], "", False
            record.first_seen = ""
            seen_now(record)
            record.seen_count = 1

        with self._lock:
            if capture_id is not None and capture_id in self._captures:
                count_view = False  # on_existing reads it when called, below
            keys, stored, _, _ = self._merge_batch(papers, on_existing, on_new, capture_id)
            return [stored[keys[p.key]] for p in papers if p.key in keys]

    def _remember_captures(self, capture_ids: list) -> None:
        for capture_id in capture_ids:
            if isinstance(capture_id, str):  # anything else in a damaged file is not an id
                self._captures.pop(capture_id, None)
                self._captures[capture_id] = None
        while len(self._captures) > REMEMBERED_CAPTURES:
            del self._captures[next(iter(self._captures))]

    def import_papers(self, papers: list[Paper], *, save: bool = False) -> ImportOutcome:
        """Merge imported records by key, keeping the user data they carry (tags, note, read, saved).

        Seen counts take the larger side, so importing a backup twice does not inflate them;
        a note already in the library is kept over the file's."""
        now = now_iso()

        def on_existing(record: Paper, incoming: Paper, seen_in_batch: bool) -> None:
            count = max(record.seen_count, incoming.seen_count)
            merge_seen(record, incoming)
            record.seen_count = count
            merge_user(record, incoming, join_notes=False)
            if save and not record.saved:
                record.saved, record.saved_at = True, now

        def on_new(record: Paper) -> None:
            record.first_seen = record.first_seen or now
            if save and not record.saved:
                record.saved, record.saved_at = True, now

        storable, skipped = [], []
        for paper in papers:
            # An id-only record (a list of arXiv ids) is fine: the next capture brings its title.
            if paper.key and (paper.title or not paper.key.startswith("title:")):
                storable.append(paper)
            else:
                skipped.append((paper.title or "(untitled)", "no title or identifier"))
        with self._lock:
            _, _, added, merged = self._merge_batch(storable, on_existing, on_new)
        return ImportOutcome(added=added, merged=merged, skipped=skipped)

    def _resolve_all(self, keys: Iterable[str]) -> list[str]:
        """Stored keys for ``keys``, each once, in order; unknown ones left out."""
        return list(dict.fromkeys(k for k in map(self._resolve, keys) if k))

    def set_saved(self, keys: Iterable[str], saved: bool) -> list[str]:
        """Save or unsave; an unknown arXiv/DOI key is saved as a stub the next capture fills in."""
        now = now_iso()
        changed: dict[str, Paper] = {}
        done: list[str] = []
        with self._lock:
            for raw_key in keys:
                key = self._resolve(raw_key) or normalize_key(raw_key)
                if not key or key in done:
                    continue
                doc = self._raw(key)
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
            k = self._resolve(key)
            if k is None:
                raise NotFound(f"no paper {key}")
            paper = paper_from_stored(self._raw(k))
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
            for key in self._resolve_all(keys):
                paper = paper_from_stored(self._raw(key))
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
            k = self._resolve(key)
            if k is None:
                raise NotFound(f"no paper {key}")
            paper = paper_from_stored(self._raw(k))
            self._commit([], [k])
            return paper

    # --- snapshots ----------------------------------------------------------------------

    def _maybe_compact(self) -> None:
        if self._compaction_failed or os.fstat(self._journal_fd).st_size < self.compact_bytes:
            return
        if self._compactor is not None and self._compactor.is_alive():
            return
        self._compactor = threading.Thread(target=self._compact_in_background, name="papershelf-snapshot",
                                           daemon=True)
        self._compactor.start()

    def _compact_in_background(self) -> None:
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
            if self.read_only or self._journal_fd is None or self.old_journal_path.exists():
                return  # nothing to write to, or a snapshot is being written already
            table = dict(self._db.storage.read()["papers"])  # shallow: documents are never mutated
            seq, captures = self._seq, list(self._captures)
            os.close(self._journal_fd)
            os.replace(self.journal_path, self.old_journal_path)
            self._journal_fd = os.open(self.journal_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            _fsync_dir(self.dir)
        self._write_snapshot(table, seq, captures)
        os.unlink(self.old_journal_path)
        _fsync_dir(self.dir)

    def _finish_interrupted_snapshot(self) -> None:
        """A crash interrupted a snapshot: everything is loaded now, so write it and start clean."""
        self._write_snapshot(dict(self._db.storage.read()["papers"]), self._seq, list(self._captures))
        self.old_journal_path.unlink()
        with open(self.journal_path, "wb") as f:
            os.fsync(f.fileno())
        _fsync_dir(self.dir)

    def _write_snapshot(self, table: dict, seq: int, captures: list[str]) -> None:
        meta = {"schema": SCHEMA_VERSION, "seq": seq, "app": "papershelf", "captures": captures}
        data = {"_meta": {"1": meta}, "papers": table}
        tmp = self.snapshot_path.with_suffix(".json.tmp")
        try:
            with open(tmp, "wb") as f:
                f.write(orjson.dumps(data))
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.snapshot_path)
        except BaseException:
            tmp.unlink(missing_ok=True)  # a half-written temporary file (disk full) goes
            raise
        _fsync_dir(self.dir)  # the new snapshot is durable before any journal it covers goes

    def close(self) -> None:
        """Fold the journal into a snapshot (if anything changed) and release the lock."""
        if self._compactor is not None:
            self._compactor.join()
        with self._lock:
            if self._journal_fd is not None:
                try:
                    changed = (os.fstat(self._journal_fd).st_size > 0 or not self.snapshot_path.exists()
                               or self.old_journal_path.exists())
                    if changed and not self._broken:
                        self._snapshot_at_close()
                finally:
                    os.close(self._journal_fd)
                    self._journal_fd = None
            self._closed = True
            if self._lock_file is not None:
                self._lock_file.close()
                self._lock_file = None

    def _snapshot_at_close(self) -> None:
        """The last snapshot; after a failed background one (its .journal.old still there), a
        fresh try of the whole library.  A failure is kept in ``snapshot_error``, not raised:
        the journal holds every change and the next start replays it."""
        try:
            if self.old_journal_path.exists():
                self._finish_interrupted_snapshot()
            else:
                self.compact()
            self.snapshot_error = None
        except OSError as exc:
            self.snapshot_error = exc.strerror or str(exc)
            log.error("could not write a snapshot of %s (%s); the journal keeps every change",
                      self.snapshot_path, self.snapshot_error)

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Inconsistent(Exception):
    """What a reader saw was mid-change (a server rotated its journal); read again."""


class _Batch:
    """The records one batch has produced so far, with the same indexes as the library, so
    that later items in the batch find earlier ones (a .bib with a paper's conference entry
    and its arXiv entry; a page listing a paper twice)."""

    def __init__(self) -> None:
        self.pending: dict[str, Paper] = {}
        self.dropped: set[str] = set()  # stored records absorbed into others
        self.by_doi: dict[str, str] = {}
        self.by_title: dict[str, set[str]] = {}
        self.renamed: dict[str, str] = {}  # absorbed key -> the key that absorbed it

    def exists(self, key: str, stored: dict) -> bool:
        return key in self.pending or (key in stored and key not in self.dropped)

    def put(self, record: Paper) -> None:
        self.pending[record.key] = record
        self.dropped.discard(record.key)
        if record.doi:
            self.by_doi[record.doi] = record.key
        t = normalize_title(record.title)
        if t:
            self.by_title.setdefault(t, set()).add(record.key)

    def absorb(self, key: str, into: str) -> None:
        self.pending.pop(key, None)
        self.dropped.add(key)
        self.renamed[key] = into

    def final(self, key: str) -> str:
        while key in self.renamed and key not in self.pending:
            key = self.renamed[key]
        return key


def _cannot_write(directory: Path, exc: OSError) -> str:
    return (f"cannot write the library in {directory}: {exc.strerror or exc}. Nothing was changed; "
            f"free some space or make the directory writable, then start again")


def _stat(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _check_document(doc: Any) -> None:
    if not isinstance(doc, dict) or not isinstance(doc.get("key"), str) or not doc["key"]:
        raise ValueError("a paper without a key")


def clean_tags(tags: Iterable[str]) -> list[str]:
    return sorted({" ".join(str(t).split()) for t in tags if str(t).strip()})


def search_text_of(doc: dict) -> str:
    return " ".join([
        doc.get("title", ""), " ".join(doc.get("authors", [])), doc.get("abstract", ""),
        " ".join(doc.get("tags", [])), doc.get("note", ""), doc["key"],
    ]).casefold()
