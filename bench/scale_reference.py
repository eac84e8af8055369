"""The reference bench/scale.py measures PaperShelf against: the plainest good store one could
write with the standard library -- ``sqlite3``, WAL, ``synchronous=FULL``, one FTS5 table with
the default tokenizer -- over the same documents, with captures merged by PaperShelf's own rules
(``store.merge.capture_rules``) in one transaction per page.  It finds a capture's records by
key only (no DOI or title twins), so it does a little less work than PaperShelf."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import orjson

from papershelf.papers import Paper, paper_from_stored
from papershelf.store.merge import capture_rules
from papershelf.store.views import search_text_of

SCHEMA = """
CREATE TABLE papers (key TEXT PRIMARY KEY, doc TEXT, saved INTEGER, saved_at TEXT, title TEXT,
                     last_seen TEXT, upvotes INTEGER, published TEXT);
CREATE INDEX by_saved ON papers (saved, saved_at);
CREATE INDEX by_title ON papers (title);
CREATE INDEX by_last_seen ON papers (last_seen);
CREATE INDEX by_upvotes ON papers (upvotes);
CREATE INDEX by_published ON papers (published);
CREATE VIRTUAL TABLE words USING fts5(text);
"""


def _row(doc: dict) -> tuple:
    return (doc["key"], orjson.dumps(doc).decode(), int(bool(doc.get("saved"))), doc.get("saved_at") or "",
            (doc.get("title") or "").casefold(), doc.get("last_seen") or "", doc.get("upvotes") or -1,
            doc.get("published") or "")


class ReferenceStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.db: sqlite3.Connection | None = None

    @classmethod
    def cached(cls, n: int, library: Path) -> "ReferenceStore":
        """Built once from the PaperShelf library's snapshot (the same documents)."""
        path = library.parent / f"reference-{n}.sqlite"
        if not path.exists():
            tmp = path.with_suffix(".tmp")
            tmp.unlink(missing_ok=True)
            db = sqlite3.connect(tmp)
            db.executescript(SCHEMA)
            # Read through a read-only Library, a paper at a time: the 1,000,000-paper file (2.2 GB)
            # is past what orjson parses in one piece.
            from papershelf.store import Library

            with Library(library, read_only=True) as lib, db:
                db.executemany("INSERT INTO papers VALUES (?,?,?,?,?,?,?,?)", map(_row, lib._table.store.values()))
                db.executemany("INSERT INTO words (rowid, text) VALUES ((SELECT rowid FROM papers WHERE key = ?), ?)",
                               ((d["key"], search_text_of(d)) for d in lib._table.store.values()))
            db.execute("PRAGMA journal_mode=WAL")
            db.close()
            tmp.rename(path)
        return cls(path)

    def open(self) -> None:
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")

    def open_ms(self) -> float:
        t = time.perf_counter()
        db = sqlite3.connect(self.path)
        db.execute("SELECT count(*) FROM papers WHERE saved = 1").fetchone()
        db.close()
        return (time.perf_counter() - t) * 1000

    def open_rss_mb(self) -> float:
        code = ("import sqlite3, re; db = sqlite3.connect(%r); db.execute('SELECT count(*) FROM papers WHERE saved = 1')"
                ".fetchone(); print(re.search(r'VmRSS:\\s*(\\d+)', open('/proc/self/status').read()).group(1))")
        return int(subprocess.run([sys.executable, "-c", code % str(self.path)], capture_output=True, text=True,
                                  check=True).stdout) / 1024

    def capture(self, papers: list[Paper]) -> None:
        on_existing, on_new = capture_rules(True)
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        by_key = {p.key: Paper.from_dict(p.to_dict()) for p in papers}
        marks = ",".join("?" * len(by_key))
        stored = {k: paper_from_stored(orjson.loads(d)) for k, d in
                  db.execute(f"SELECT key, doc FROM papers WHERE key IN ({marks})", list(by_key))}
        for key, incoming in by_key.items():
            if key in stored:
                record = stored[key]
                on_existing(record, incoming, False)
            else:
                record = incoming
                on_new(record)
            doc = record.to_dict()
            db.execute("INSERT OR REPLACE INTO papers VALUES (?,?,?,?,?,?,?,?)", _row(doc))
            rowid = db.execute("SELECT rowid FROM papers WHERE key = ?", (key,)).fetchone()[0]
            db.execute("DELETE FROM words WHERE rowid = ?", (rowid,))
            db.execute("INSERT INTO words (rowid, text) VALUES (?, ?)", (rowid, search_text_of(doc)))
        db.execute("COMMIT")

    def status(self, keys: list[str]) -> dict:
        marks = ",".join("?" * len(keys))
        out = {}
        for key, doc in self.db.execute(f"SELECT key, doc FROM papers WHERE key IN ({marks})", keys):
            d = orjson.loads(doc)
            out[key] = {"saved": d.get("saved"), "tags": d.get("tags"), "seen_count": d.get("seen_count")}
        return out

    def save(self, key: str) -> None:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        (doc,) = db.execute("SELECT doc FROM papers WHERE key = ?", (key,)).fetchone()
        d = orjson.loads(doc)
        d["saved"], d["saved_at"] = True, "2026-01-01T00:00:00Z"
        db.execute("UPDATE papers SET doc = ?, saved = 1, saved_at = ? WHERE key = ?",
                   (orjson.dumps(d).decode(), d["saved_at"], key))
        db.execute("COMMIT")

    def search(self, word: str) -> tuple[int, list]:
        where = "rowid IN (SELECT rowid FROM words WHERE words MATCH ?)"
        total = self.db.execute(f"SELECT count(*) FROM papers WHERE {where}", (f'"{word}"',)).fetchone()[0]
        page = [orjson.loads(d) for (d,) in self.db.execute(
            f"SELECT doc FROM papers WHERE {where} ORDER BY last_seen DESC LIMIT 50", (f'"{word}"',))]
        return total, page

    def page(self, column: str, offset: int) -> list:
        return [orjson.loads(d) for (d,) in self.db.execute(
            f"SELECT doc FROM papers ORDER BY {column} LIMIT 50 OFFSET ?", (offset,))]

    def stats(self) -> dict:
        counts = self.db.execute("SELECT count(*), sum(saved) FROM papers").fetchone()
        tags = self.db.execute("SELECT t.value, count(*) FROM papers, json_each(papers.doc, '$.tags') t "
                               "WHERE saved = 1 GROUP BY 1 ORDER BY 2 DESC LIMIT 20").fetchall()
        weeks = self.db.execute("SELECT substr(saved_at, 1, 10), count(*) FROM papers WHERE saved = 1 "
                                "GROUP BY 1").fetchall()
        return {"counts": counts, "tags": tags, "weeks": weeks}

    def export_all(self) -> int:
        size = 0
        with open("/dev/null", "w") as out:
            for (doc,) in self.db.execute("SELECT doc FROM papers ORDER BY saved_at DESC"):
                out.write(doc)
                size += len(doc)
        return size

    def close(self) -> None:
        self.db.close()
