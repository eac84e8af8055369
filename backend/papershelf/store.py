"""The library: TinyDB as the query engine, a journal and atomic snapshots for durability.

Why not TinyDB's own JSONStorage: it rewrites the whole file on every write (40 MB at 20,000
papers) and a crash mid-write leaves half a file.  Here TinyDB keeps the tables in memory
(``MemoryStorage``) and answers queries; every mutation is first appended to a journal
(one JSON line per batch, fsync'ed before we answer) and then applied in memory.  When the
journal grows, a snapshot is written atomically (temp file, fsync, ``os.replace``) in the
background.  Start-up loads the snapshot and replays the journal.

Files in the data directory:
  library.json         snapshot, a plain TinyDB JSON file (tables ``papers`` and ``_meta``)
  library.journal      mutations since the snapshot, JSON lines ``{"seq", "put", "del"}``
  library.journal.old  the journal being folded into a snapshot right now (rarely present)
  library.lock         held (flock) by the one process that may write
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections import Counter
from collections.abc import MutableMapping
from dataclasses import dataclass
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
    merge_user,
    normalize_key,
    normalize_title,
    now_iso,
    paper_from_stored,
)

SCHEMA_VERSION = 1
SNAPSHOT_NAME = "library.json"
JOURNAL_NAME = "library.journal"
LOCK_NAME = "library.lock"
COMPACT_JOURNAL_BYTES = 16 * 1024 * 1024


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
        self._journal = None
        self._compactor: threading.Thread | None = None
        self._db = _MemoryDB(storage=MemoryStorage)
        self._papers = self._db.table("papers", cache_size=0)
        self._doc_ids: dict[str, int] = {}  # key -> TinyDB doc id: O(1) lookups
        self._by_doi: dict[str, str] = {}  # doi -> key of the record that carries it
        self._by_title: dict[str, set[str]] = {}  # normalised title -> keys
        self._search_text: dict[str, tuple[dict, str]] = {}  # key -> (document, its search text)
        self._seq = 0
        self._next_id = 1
        if not read_only:
            try:
                self.dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LibraryError(f"cannot create the data directory {self.dir}: {exc.strerror}") from exc
            self._acquire_write_lock()
        try:
            self._load()
            if not read_only:
                if self.old_journal_path.exists():
                    self._finish_interrupted_snapshot()
                self._journal = open(self.journal_path, "ab")
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

    def _load(self) -> None:
        tables: dict[str, Any] = {"papers": {}, "_meta": {}}
        snap_seq = 0
        if self.snapshot_path.exists():
            try:
                tables = orjson.loads(self.snapshot_path.read_bytes())
                meta = tables["_meta"]["1"]
                schema = meta["schema"]
                snap_seq = int(meta.get("seq", 0))
                if not isinstance(tables.get("papers"), dict):
                    raise ValueError("no papers table")
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
        self._seq = snap_seq
        for path in (self.old_journal_path, self.journal_path):
            for entry in self._read_journal(path):
                if entry["seq"] <= snap_seq:
                    continue  # already in the snapshot (a crash between snapshot and clean-up)
                for doc in entry.get("put", []):
                    papers[str(doc["_id"])] = {k: v for k, v in doc.items() if k != "_id"}
                for doc_id in entry.get("del", []):
                    papers.pop(str(doc_id), None)
                self._seq = max(self._seq, entry["seq"])
        self._db.storage.write({"papers": papers, "_meta": {"1": {"schema": SCHEMA_VERSION}}})
        for doc_id, doc in papers.items():
            self._index_add(doc["key"], int(doc_id), doc)
            self._next_id = max(self._next_id, int(doc_id) + 1)

    def _read_journal(self, path: Path) -> Iterable[dict]:
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
            entries.append(entry)
            good_bytes += len(line) + 1
        return entries

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

    def get(self, key: str) -> Paper | None:
        with self._lock:
            doc = self._raw(normalize_key(key) or key)
            return paper_from_stored(doc) if doc is not None else None

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
        with self._lock:
            docs = self._docs()
            return {
                "papers": len(docs),
                "saved": sum(1 for d in docs if d.get("saved")),
                "read": sum(1 for d in docs if d.get("read")),
            }

    def status(self, keys: Iterable[str]) -> dict[str, dict]:
        """Saved state, tags and seen count per key; unknown keys are reported as not saved."""
        out = {}
        with self._lock:
            for key in keys:
                doc = self._raw(normalize_key(key) or key)
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

    def search_text(self, doc: dict) -> str:
        """The casefolded text a search looks through, cached per stored document."""
        cached = self._search_text.get(doc["key"])
        if cached is None or cached[0] is not doc:
            cached = self._search_text[doc["key"]] = (doc, search_text_of(doc))
        return cached[1]

    def all_tags(self) -> list[dict[str, Any]]:
        counts = Counter(t for d in self._docs() for t in d.get("tags", []))
        return [{"tag": t, "count": c} for t, c in sorted(counts.items(), key=lambda tc: (-tc[1], tc[0]))]

    def stats(self) -> dict[str, Any]:
        """Counts, the top tags and papers saved per ISO week, in one pass over the library."""
        tags: Counter[str] = Counter()
        saved_days: Counter[str] = Counter()
        saved = read = 0
        docs = self._docs()
        for d in docs:
            if d.get("tags"):
                tags.update(d["tags"])
            if d.get("read"):
                read += 1
            if d.get("saved"):
                saved += 1
                saved_days[(d.get("saved_at") or "")[:10]] += 1
        weeks: Counter[str] = Counter()
        for day, count in saved_days.items():  # a few hundred distinct days, not 20,000 papers
            try:
                y, w, _ = date.fromisoformat(day).isocalendar()
            except ValueError:
                continue
            weeks[f"{y}-W{w:02d}"] += count
        return {
            "papers": len(docs),
            "saved": saved,
            "read": read,
            "tags": [{"tag": t, "count": c} for t, c in tags.most_common(20)],
            "saved_per_week": [{"week": w, "count": weeks[w]} for w in sorted(weeks)],
        }

    # --- writing ------------------------------------------------------------------------

    def _commit(self, put: list[Paper], delete: list[str]) -> None:
        """Journal, then apply: one fsync'ed journal line per batch, whatever its size."""
        if self.read_only:
            raise LibraryError("the library is open read-only")
        if not put and not delete:
            return
        now = now_iso()
        new_docs: list[Document] = []
        old_ids: list[int] = []
        removed: list[tuple[str, dict]] = []
        for key in delete:
            doc_id = self._doc_ids.get(key)
            if doc_id is not None:
                old_ids.append(doc_id)
                removed.append((key, self._papers.get(doc_id=doc_id)))
        for paper in put:
            paper.updated_at = now
            doc_id = self._doc_ids.get(paper.key)
            if doc_id is None:
                doc_id = self._next_id
                self._next_id += 1
                paper.added_at = paper.added_at or now
            else:
                old_ids.append(doc_id)
                removed.append((paper.key, self._papers.get(doc_id=doc_id)))
            new_docs.append(Document(paper.to_dict(), doc_id=doc_id))
        self._seq += 1
        deleted_ids = [self._doc_ids[k] for k in delete if k in self._doc_ids]
        line = orjson.dumps(
            {"seq": self._seq, "put": [{"_id": d.doc_id, **d} for d in new_docs], "del": deleted_ids}
        ) + b"\n"
        try:
            self._journal.write(line)
            self._journal.flush()
            os.fsync(self._journal.fileno())
        except OSError as exc:
            self._seq -= 1
            raise LibraryError(f"cannot write the journal {self.journal_path}: {exc.strerror}") from exc
        # Apply in memory: replace whole documents (never mutate one in place) so that a
        # snapshot taken as a shallow copy of the table stays consistent.
        for key, doc in removed:
            self._index_remove(key, doc)
        if old_ids:
            self._papers.remove(doc_ids=old_ids)
        if new_docs:
            self._papers.insert_multiple(new_docs)
        for d in new_docs:
            self._index_add(d["key"], d.doc_id, d)
        self._maybe_compact()

    def _find_existing(self, paper: Paper) -> list[str]:
        """Keys of records that are this paper: its own key, its DOI twin, its title-only twin.

        An arXiv/DOI capture absorbs a title-only record of the same normalised title; a
        title-only capture joins the one record with an id that has that title.
        """
        keys: list[str] = []
        if paper.key in self._doc_ids:
            keys.append(paper.key)
        if paper.doi:
            for k in (f"doi:{paper.doi}", self._by_doi.get(paper.doi)):
                if k and k in self._doc_ids and k not in keys:
                    keys.append(k)
        t = normalize_title(paper.title)
        same_title = self._by_title.get(t, set()) if t else set()
        if paper.key.startswith("title:"):
            with_ids = sorted(k for k in same_title if not k.startswith("title:"))
            if len(with_ids) == 1 and with_ids[0] not in keys:
                keys.insert(0, with_ids[0])
        else:
            twin = f"title:{t}"
            if twin in same_title and twin not in keys:
                keys.append(twin)
        return keys

    def _absorb(self, paper: Paper, existing_keys: list[str]) -> tuple[Paper, list[str]]:
        """Merge ``paper`` into the records at ``existing_keys``; return it and keys to drop."""
        records = [paper_from_stored(self._raw(k)) for k in existing_keys]
        base = records[0]
        for other in records[1:]:
            merged = merge_metadata(base, other)
            merge_seen(merged, other)
            merge_user(merged, other)
            base = merged
        result = merge_metadata(base, paper)
        drop = [k for k in existing_keys if k != result.key]
        return result, drop

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

    def _merge_batch(self, papers: list[Paper], on_existing, on_new):
        """Merge a batch into the library with one journal write.

        Returns (incoming key -> stored key, stored records by key, number added, number merged)."""
        pending: dict[str, Paper] = {}
        drops: set[str] = set()
        final_key: dict[str, str] = {}
        added = merged = 0
        for key, incoming in self._group_by_key(papers).items():
            existing = [k for k in self._find_existing(incoming) if k not in drops and k not in pending]
            if existing:
                record, drop = self._absorb(incoming, existing)
                on_existing(record, incoming)
                drops.update(drop)
                merged += 1
            else:
                record = incoming
                on_new(record)
                added += 1
            pending[record.key] = record
            final_key[key] = record.key
        self._commit(list(pending.values()), sorted(drops - set(pending)))
        return final_key, pending, added, merged

    def capture(self, papers: list[Paper], *, count_view: bool = True) -> list[Paper]:
        """Record papers seen on one page view; returns the stored records in the same order.

        Each paper counts as seen once per call (a page listing a paper twice is one view);
        ``count_view=False`` records without counting (saving a page already captured).
        Captures never change user data.
        """
        now = now_iso()

        def stamp(paper: Paper) -> None:
            for s in paper.sources:
                s.first_seen, s.last_seen = s.first_seen or now, now
            paper.last_seen = now
            paper.first_seen = paper.first_seen or now

        def on_existing(record: Paper, seen: Paper) -> None:
            stamp(seen)
            merge_seen_sources(record, seen)
            record.seen_count += 1 if count_view else 0
            stamp(record)

        def on_new(record: Paper) -> None:
            record.saved, record.saved_at, record.tags, record.note, record.read = False, None, [], "", False
            record.first_seen = ""
            stamp(record)
            record.seen_count = 1

        with self._lock:
            keys, stored, _, _ = self._merge_batch(papers, on_existing, on_new)
            return [stored[keys[p.key]] for p in papers if p.key in keys]

    def import_papers(self, papers: list[Paper], *, save: bool = False) -> ImportOutcome:
        """Merge imported records by key, keeping the user data they carry (tags, note, read, saved).

        Seen counts take the larger side, so importing a backup twice does not inflate them."""
        now = now_iso()

        def on_existing(record: Paper, incoming: Paper) -> None:
            count = max(record.seen_count, incoming.seen_count)
            merge_seen(record, incoming)
            record.seen_count = count
            merge_user(record, incoming)
            if save and not record.saved:
                record.saved, record.saved_at = True, now

        def on_new(record: Paper) -> None:
            record.first_seen = record.first_seen or now
            if save and not record.saved:
                record.saved, record.saved_at = True, now

        with self._lock:
            _, _, added, merged = self._merge_batch(papers, on_existing, on_new)
        return ImportOutcome(added=added, merged=merged)

    def set_saved(self, keys: Iterable[str], saved: bool) -> list[str]:
        """Save or unsave; an unknown arXiv/DOI key is saved as a stub the next capture fills in."""
        now = now_iso()
        changed: list[Paper] = []
        done: list[str] = []
        with self._lock:
            for raw_key in keys:
                key = normalize_key(raw_key)
                if not key:
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
                    changed.append(paper)
                done.append(key)
            self._commit(changed, [])
        return done

    def update(self, key: str, *, tags: list[str] | None = None, note: str | None = None,
               read: bool | None = None) -> Paper:
        with self._lock:
            doc = self._raw(normalize_key(key) or key)
            if doc is None:
                raise NotFound(f"no paper {key}")
            paper = paper_from_stored(doc)
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
            for key in keys:
                doc = self._raw(normalize_key(key) or key)
                if doc is None:
                    continue
                paper = paper_from_stored(doc)
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
            k = normalize_key(key) or key
            doc = self._raw(k)
            if doc is None:
                raise NotFound(f"no paper {key}")
            self._commit([], [k])
            return paper_from_stored(doc)

    # --- snapshots ----------------------------------------------------------------------

    def _maybe_compact(self) -> None:
        if self._journal.tell() < self.compact_bytes:
            return
        if self._compactor is not None and self._compactor.is_alive():
            return
        self._compactor = threading.Thread(target=self.compact, name="papershelf-snapshot", daemon=True)
        self._compactor.start()

    def compact(self) -> None:
        """Write a snapshot of everything journalled so far and drop that journal."""
        with self._lock:
            if self.read_only:
                return
            if self.old_journal_path.exists():
                return  # a snapshot is being written already
            table = dict(self._db.storage.read()["papers"])  # shallow: documents are never mutated
            seq = self._seq
            self._journal.close()
            os.replace(self.journal_path, self.old_journal_path)
            self._journal = open(self.journal_path, "ab")
            _fsync_dir(self.dir)
        self._write_snapshot(table, seq)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.old_journal_path)
        _fsync_dir(self.dir)

    def _finish_interrupted_snapshot(self) -> None:
        """A crash interrupted a snapshot: everything is loaded now, so write it and start clean."""
        self._write_snapshot(dict(self._db.storage.read()["papers"]), self._seq)
        self.old_journal_path.unlink()
        with open(self.journal_path, "wb") as f:
            os.fsync(f.fileno())
        _fsync_dir(self.dir)

    def _write_snapshot(self, table: dict, seq: int) -> None:
        data = {"_meta": {"1": {"schema": SCHEMA_VERSION, "seq": seq, "app": "papershelf"}}, "papers": table}
        tmp = self.snapshot_path.with_suffix(".json.tmp")
        with open(tmp, "wb") as f:
            f.write(orjson.dumps(data))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.snapshot_path)

    def close(self) -> None:
        """Fold the journal into a snapshot (if anything changed) and release the lock."""
        if self._compactor is not None:
            self._compactor.join()
        if self._journal is not None:
            try:
                if self._journal.tell() > 0 or not self.snapshot_path.exists():
                    self.compact()
            finally:
                self._journal.close()
                self._journal = None
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def merge_seen_sources(record: Paper, seen: Paper) -> None:
    """Add the page a paper was just seen on to its sources (no counting)."""
    view = Paper(title=record.title, sources=seen.sources)
    view.seen_count = 0
    view.first_seen = view.last_seen = ""
    merge_seen(record, view)


def clean_tags(tags: Iterable[str]) -> list[str]:
    return sorted({" ".join(str(t).split()) for t in tags if str(t).strip()})


def search_text_of(doc: dict) -> str:
    return " ".join([
        doc.get("title", ""), " ".join(doc.get("authors", [])), doc.get("abstract", ""),
        " ".join(doc.get("tags", [])), doc.get("note", ""), doc["key"],
    ]).casefold()
