"""The search index: a derived, rebuildable SQLite file (stdlib ``sqlite3``, FTS5) that answers
searches, sorted pages, tags and stats without a pass over every paper in Python.

It is never the store of record.  Each change reaches it only after the journal line that
makes it durable is fsync'ed, in one SQLite transaction that also records the library's id and
the change's sequence number.  On opening, the library compares those with what it loaded:

- the same library, same sequence number: the index is current;
- the same library, an older sequence number still covered by the journal: the changes since
  are applied again (a crash between the journal's fsync and the index's commit);
- anything else (another library's index, a restored older library, a missing, damaged or
  older-layout file): the index is thrown away and built again from the papers.

So the index can be behind, but never disagree with the library once it is open; it is
written with ``synchronous=NORMAL`` (a power cut may lose its last commits, never its shape).

Search keeps the library's meaning of a word: a case-folded substring of the title, authors,
abstract, tags, note or key.  ``words.py`` says how: a term is looked up among the distinct
whitespace-separated chunks of the texts, then the papers holding those chunks.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from pathlib import Path
from typing import Iterable

from ..query import SORTS, PaperQuery
from . import index_query, turns
from .index_query import SEP
from .views import search_text_of
from .words import SCHEMA as WORDS_SCHEMA, Writer, flags_of

log = logging.getLogger(__name__)

INDEX_NAME = "library.index.sqlite"
LAYOUT = 3  # bump when the tables below change: an index of another layout is rebuilt (3: words.END)
CHECKPOINT_BYTES = 8 << 20  # WAL size that starts a checkpoint in the background
CHECKPOINT_WAIT = 30.0  # seconds a checkpoint waits for requests to fall quiet, at most

# Stats, the tags list and unfiltered counts read small tallies that triggers keep with every
# change (reading them is ~100 rows; counting saved days over 40,000 saved papers took 30 ms).
_TALLIES = """
CREATE TABLE tag_counts (tag TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE saved_days (day TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE flag_counts (saved INTEGER, read INTEGER, n INTEGER NOT NULL, PRIMARY KEY (saved, read)) WITHOUT ROWID;
CREATE TRIGGER tag_in AFTER INSERT ON tags BEGIN
    INSERT INTO tag_counts VALUES (new.tag, 1) ON CONFLICT (tag) DO UPDATE SET n = n + 1; END;
CREATE TRIGGER tag_out AFTER DELETE ON tags BEGIN UPDATE tag_counts SET n = n - 1 WHERE tag = old.tag; END;
CREATE TRIGGER paper_in AFTER INSERT ON papers BEGIN
    INSERT INTO flag_counts VALUES (new.saved, new.read, 1) ON CONFLICT (saved, read) DO UPDATE SET n = n + 1;
    INSERT INTO saved_days SELECT substr(coalesce(new.saved_at, ''), 1, 10), 1 WHERE new.saved
        ON CONFLICT (day) DO UPDATE SET n = n + 1; END;
CREATE TRIGGER paper_change AFTER UPDATE OF saved, read, saved_at ON papers BEGIN
    UPDATE flag_counts SET n = n - 1 WHERE saved = old.saved AND read = old.read;
    UPDATE saved_days SET n = n - 1 WHERE old.saved AND day = substr(coalesce(old.saved_at, ''), 1, 10);
    INSERT INTO flag_counts VALUES (new.saved, new.read, 1) ON CONFLICT (saved, read) DO UPDATE SET n = n + 1;
    INSERT INTO saved_days SELECT substr(coalesce(new.saved_at, ''), 1, 10), 1 WHERE new.saved
        ON CONFLICT (day) DO UPDATE SET n = n + 1; END;
CREATE TRIGGER paper_out AFTER DELETE ON papers BEGIN
    UPDATE flag_counts SET n = n - 1 WHERE saved = old.saved AND read = old.read;
    UPDATE saved_days SET n = n - 1 WHERE old.saved AND day = substr(coalesce(old.saved_at, ''), 1, 10); END;
"""
_SCHEMA = f"""
CREATE TABLE meta (id INTEGER PRIMARY KEY CHECK (id = 1), layout INTEGER, library_id TEXT, seq INTEGER);
CREATE TABLE papers (
    id INTEGER PRIMARY KEY, key TEXT NOT NULL, saved INTEGER, read INTEGER, saved_at TEXT, published TEXT,
    title TEXT, upvotes INTEGER, seen TEXT, added TEXT, seen_count INTEGER, sites TEXT);
CREATE TABLE tags (id INTEGER, tag TEXT);
{WORDS_SCHEMA}
CREATE INDEX tags_by_tag ON tags (tag, id);
CREATE INDEX tags_by_id ON tags (id);
CREATE INDEX by_saved ON papers (saved, saved_at, key);
{''.join(f'CREATE INDEX by_{c} ON papers ({c}, key);' for c in ('saved_at', 'published', 'title', 'upvotes', 'seen', 'added', 'seen_count'))}
{_TALLIES}
INSERT INTO meta VALUES (1, {LAYOUT}, NULL, NULL);
"""

_COLUMNS = ("id", "key", "saved", "read", "saved_at", "published", "title", "upvotes", "seen", "added", "seen_count",
            "sites")  # the papers table's, in order (_row)


def _row(doc_id: int, doc: dict) -> tuple:
    def value(sort: str):
        name, missing = SORTS[sort]
        v = doc.get(name)
        return missing if v is None else v

    sites = {s.get("site", "") for s in doc.get("sources", ()) if isinstance(s, dict)}
    return (doc_id, doc["key"], int(bool(doc.get("saved"))), int(bool(doc.get("read"))), value("saved"),
            value("published"), (doc.get("title") or "").casefold(), value("upvotes"), value("seen"),
            value("added"), value("seen_count"), SEP + SEP.join(sorted(sites)) + SEP)


class SearchIndex:
    """One index file beside the library; the writer uses it under the library's lock, readers
    (searches) each through their own connection, so a slow search never holds up a capture."""

    def __init__(self, data_dir: Path, *, pinned: tuple[str, int] | None = None) -> None:
        """``pinned`` (library id, sequence number): a read-only library's view.  The index is
        opened read-only and used only while it holds exactly that change (StaleIndex when
        the server beside has moved on, or it does not)."""
        self.path = data_dir / INDEX_NAME
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._checkpointer = None
        self._next_checkpoint = CHECKPOINT_BYTES
        self.pinned = pinned
        if pinned is None:
            self.db = self._open_writer()
        else:
            self.db = self._connect()
            if self.db.execute("SELECT layout, library_id, seq FROM meta").fetchone() != (LAYOUT, *pinned):
                self.db.close()
                raise StaleIndex(self.path)

    def _connect(self) -> sqlite3.Connection:
        if self.pinned is not None:
            if not self.path.exists():
                raise StaleIndex(self.path)
            return sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, isolation_level=None,
                                   check_same_thread=False, timeout=30)
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def _pinned_check(self, db: sqlite3.Connection) -> None:
        """Inside a read transaction: the index still holds what the read-only library loaded."""
        if self.pinned is not None and db.execute("SELECT library_id, seq FROM meta").fetchone() != self.pinned:
            raise StaleIndex(self.path)

    def _open_writer(self) -> sqlite3.Connection:
        db = None
        try:
            db = self._connect()
            layout = db.execute("SELECT layout FROM meta").fetchone()
        except sqlite3.Error:
            layout = None  # missing, damaged or of another layout: it is only derived, so start it again
        if layout != (LAYOUT,):
            if db is not None:
                db.close()
            self._remove_files()
            db = self._connect()
            db.executescript(_SCHEMA)
        # Checkpoints (copying the WAL into the file, with an fsync) happen in a thread of their
        # own, not inside whichever capture happens to commit the 1000th page.
        db.execute("PRAGMA wal_autocheckpoint=0")
        # The vocabulary's unique index takes inserts all over it (2 million chunks at 200,000
        # papers): with SQLite's 2 MB default cache, a rebuild spent most of its time re-reading pages.
        db.execute("PRAGMA cache_size=-65536")
        db.execute(f"PRAGMA journal_size_limit={CHECKPOINT_BYTES // 2}")
        return db

    def _maybe_checkpoint(self) -> None:
        try:
            wal = os.path.getsize(str(self.path) + "-wal")
        except OSError:
            return
        if wal < CHECKPOINT_BYTES:
            self._next_checkpoint = CHECKPOINT_BYTES
            return
        # The WAL file keeps its size after a checkpoint (until a writer starts it over and
        # journal_size_limit cuts it): without this, every commit past 8 MB started a thread.
        if wal < self._next_checkpoint or (self._checkpointer is not None and self._checkpointer.is_alive()):
            return
        self._next_checkpoint = wal + CHECKPOINT_BYTES

        def checkpoint() -> None:
            # Once requests fall quiet: the checkpoint's fsync of the database file takes the
            # disk, and a capture's journal fsync beside it waited 17-25 ms more.
            turns.background()
            turns.pause(idle=turns.DISK_QUIET, longest=CHECKPOINT_WAIT)
            try:
                db = self._connect()
                try:
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)")
                finally:
                    db.close()
            except sqlite3.Error as exc:  # one line: a full disk is not a bug
                log.error("cannot checkpoint the search index %s (%s)", self.path, exc)

        self._checkpointer = threading.Thread(target=checkpoint, name="papershelf-index-checkpoint", daemon=True)
        self._checkpointer.start()

    def _remove_files(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            try:
                os.unlink(str(self.path) + suffix)
            except FileNotFoundError:
                pass

    def state(self) -> tuple[str | None, int | None]:
        """(library id, sequence number) of the last change the index holds."""
        return self.db.execute("SELECT library_id, seq FROM meta").fetchone()

    def can_catch_up(self, library_id: str, seq: int, snapshot_seq: int) -> bool:
        """Whether the index is this library's, behind by changes the journal still holds
        (otherwise it is built again)."""
        held_id, held_seq = self.state()
        return held_id == library_id and held_seq is not None and snapshot_seq <= held_seq <= seq

    # --- writing (under the library's lock) ----------------------------------------------------

    def bring_up_to_date(self, library_id: str, seq: int, snapshot_seq: int, changes: list,
                         table: dict[str, dict]) -> None:
        """Catch up from the journal's ``changes`` (seq, doc ids put, doc ids deleted) when the
        index is only behind; build it again when it is anyone else's."""
        if not self.can_catch_up(library_id, seq, snapshot_seq):
            self.rebuild(table, library_id, seq)
            return
        held_seq = self.state()[1]
        put: dict[int, dict] = {}
        gone: set[int] = set()
        for change_seq, put_ids, gone_ids in changes:
            if change_seq > held_seq:
                for doc_id in (*put_ids, *gone_ids):
                    doc = table.get(str(doc_id))  # as it is now: later changes win
                    if doc is None:
                        put.pop(doc_id, None)
                        gone.add(doc_id)
                    else:
                        put[doc_id] = doc
        if held_seq != seq:
            self.apply(library_id, seq, put.items(), gone)

    def rebuild(self, table: dict[str, dict], library_id: str, seq: int) -> None:
        log.info("building the search index %s for %d papers", self.path, len(table))
        db = self.db
        db.execute("BEGIN")
        try:
            for name in ("papers", "tags", "tag_counts", "saved_days", "flag_counts"):
                db.execute(f"DELETE FROM {name}")
            Writer(db).clear()
            self._insert(((int(i), d) for i, d in table.items()))
            db.execute("UPDATE meta SET library_id = ?, seq = ?", (library_id, seq))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._maybe_checkpoint()

    def apply(self, library_id: str, seq: int, put: Iterable[tuple[int, dict]], removed: Iterable[int],
              same_text: frozenset[int] = frozenset(), before: dict[int, dict | None] | None = None) -> None:
        """One change: ``put`` (doc id, document) replace or add, ``removed`` doc ids go.  Papers
        in ``same_text`` keep their words (a capture of a known paper changes its counts and
        dates, not its text: rewriting its trigrams was most of a capture's cost).  ``before``
        (doc id -> the document the index holds now) turns a replacement into an update of the
        columns that changed (a capture moves a date and a count: two of the eight indexes)."""
        put = list(put)
        removed = set(removed)
        updated = [(i, before[i], doc) for i, doc in put if before and before.get(i) is not None and i not in removed]
        put = [(i, doc) for i, doc in put if not (before and before.get(i) is not None and i not in removed)]
        gone = list({*removed, *(i for i, _ in put)})
        db = self.db
        words = Writer(db)
        db.execute("BEGIN")
        try:
            if same_text:  # a save or a read mark changes a paper's flags, which are words too
                now = {i: doc for i, doc in put} | {i: doc for i, _, doc in updated}
                held = words.flags([i for i in now if i in same_text])
                same_text = frozenset(i for i, doc in now.items() if i in same_text and held.get(i) == flags_of(doc))
            self._update(updated, same_text)
            for start in range(0, len(gone), 500):
                ids = gone[start:start + 500]
                marks = ",".join("?" * len(ids))
                db.execute(f"DELETE FROM papers WHERE id IN ({marks})", ids)
                db.execute(f"DELETE FROM tags WHERE id IN ({marks})", ids)
            words.remove([i for i in gone if i not in same_text])
            self._insert(put, same_text)
            db.execute("UPDATE meta SET library_id = ?, seq = ?", (library_id, seq))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._maybe_checkpoint()

    def _update(self, updated: list[tuple[int, dict, dict]], same_text: frozenset[int]) -> None:
        by_columns: dict[tuple, list] = {}
        tags_gone, tags, words = [], [], []
        for doc_id, old, doc in updated:
            was, now = _row(doc_id, old), _row(doc_id, doc)
            changed = tuple(c for c in range(1, len(_COLUMNS)) if was[c] != now[c])
            if changed:
                by_columns.setdefault(changed, []).append((*(now[c] for c in changed), doc_id))
            if list(old.get("tags", ())) != list(doc.get("tags", ())):
                tags_gone.append((doc_id,))
                tags.extend((doc_id, t) for t in doc.get("tags", ()))
            if doc_id not in same_text:
                words.append((doc_id, search_text_of(doc), flags_of(doc)))
        for changed, rows in by_columns.items():
            self.db.executemany(f"UPDATE papers SET {', '.join(f'{_COLUMNS[c]} = ?' for c in changed)} WHERE id = ?",
                                rows)
        self.db.executemany("DELETE FROM tags WHERE id = ?", tags_gone)
        self.db.executemany("INSERT INTO tags VALUES (?,?)", tags)
        writer = Writer(self.db)
        writer.remove([i for i, _, _ in words])
        writer.add(words)

    def _insert(self, docs: Iterable[tuple[int, dict]], same_text: frozenset[int] = frozenset()) -> None:
        rows, tags, words = [], [], []
        for doc_id, doc in docs:
            rows.append(_row(doc_id, doc))
            tags.extend((doc_id, t) for t in doc.get("tags", ()))
            if doc_id not in same_text:
                words.append((doc_id, search_text_of(doc), flags_of(doc)))
            if len(rows) >= 2000:
                self._flush(rows, tags, words)
                rows, tags, words = [], [], []
        self._flush(rows, tags, words)

    def _flush(self, rows: list, tags: list, words: list) -> None:
        self.db.executemany("INSERT INTO papers VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        self.db.executemany("INSERT INTO tags VALUES (?,?)", tags)
        Writer(self.db).add(words)

    # --- reading (any thread) ------------------------------------------------------------------

    def _reader(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect()
            if self.pinned is None:
                db.execute("PRAGMA query_only=1")
            with self._readers_lock:
                self._readers.append(db)
        return db

    def find(self, query: PaperQuery) -> tuple[int, list[int]]:
        """(how many papers match, doc ids of the requested page in order)."""
        db = self._reader()
        db.execute("BEGIN")  # one snapshot of the index for the words, the count and the page
        try:
            self._pinned_check(db)
            return index_query.find(db, query)
        finally:
            db.execute("COMMIT")

    def ordered_ids(self, query: PaperQuery) -> list[int]:
        """Doc ids of every match in the query's order (an export), without holding a cursor open."""
        db = self._reader()
        db.execute("BEGIN")
        try:
            self._pinned_check(db)
            return index_query.ordered_ids(db, query)
        finally:
            db.execute("COMMIT")

    def tag_counts(self, limit: int | None = None) -> list[dict]:
        rows = self._read("SELECT tag, n FROM tag_counts WHERE n > 0 ORDER BY n DESC, tag"
                          + (f" LIMIT {int(limit)}" if limit else ""))
        return [{"tag": t, "count": n} for t, n in rows]

    def saved_days(self) -> list[tuple[str, int]]:
        return self._read("SELECT day, n FROM saved_days WHERE n > 0")

    def _read(self, sql: str, params=()) -> list:
        db = self._reader()
        if self.pinned is None:
            return db.execute(sql, params).fetchall()
        db.execute("BEGIN")
        try:
            self._pinned_check(db)
            return db.execute(sql, params).fetchall()
        finally:
            db.execute("COMMIT")

    def close(self) -> None:
        if getattr(self, "_checkpointer", None) is not None:
            self._checkpointer.join()
        with self._readers_lock:
            for db in self._readers:
                db.close()
            self._readers.clear()
        self.db.close()


class StaleIndex(sqlite3.Error):
    """A read-only library's index holds another change than the one it loaded."""
