"""The words of the search index: which papers hold a search term, as a lookup whose cost follows
the answer's size in *distinct words*, not in papers.

A search term never contains whitespace (the query is split on it), so a paper's text holds the
term exactly when one of its whitespace-separated chunks does (``text.split()``: "planning,",
"gpt-4o", "arxiv:2401.00001").  So the index keeps two things:

- ``vocab``: every distinct chunk ever indexed, with a trigram index over it (``vocab_tri``):
  a term finds the few chunks that contain it (verified with ``instr``, so the trigrams only
  narrow the list and never widen the answer).  Each chunk is indexed with END after it, so
  that every fragment of one or two letters starts one of its trigrams ("ab" -> "ab··"): a
  short term finds its chunks through the trigrams it starts (``vocab_trigrams``, the list of
  the index's trigrams, in order), not by a pass over the two million chunks (0.1-0.3 s);
- ``chunks``: an FTS5 table (contentless, ``detail=none``: only rowids per token) where each
  paper is the set of its chunks, each spelt as one token of the ``ascii`` tokenizer.

"Papers whose text contains planning" is then ``chunks MATCH '"planning" OR "planning," OR …'``:
a union of a few doclists (15 ms for a word in every one of 200,000 papers), where the trigram
index over whole texts read and intersected six doclists with positions (0.4 s).  A term held
by too many distinct chunks (a fragment of one or two letters) falls back to the stored texts
(``texts``), which is what the substring meaning needs anyway: index_query.py walks the sort's
index testing each paper's text until the page is full, and estimates the count.  The papers' saved and read
flags are tokens too, so "saved papers with planning" is still one FTS5 query.
"""

from __future__ import annotations

import hashlib

MARK = "\u00b7"  # a non-ASCII character (so a token character of the ascii tokenizer) that escapes
# Every ASCII character but a-z and 0-9 separates tokens for the ascii tokenizer (and it folds
# A-Z): each is written as MARK and two hex digits, and so is MARK itself.  Non-ASCII characters
# are token characters as they are.  The spelling is one-to-one, so tokens never collide.
_ESCAPES = str.maketrans({c: f"{MARK}{ord(c):02x}" for c in [*map(chr, range(128)), MARK]
                          if not ("a" <= c <= "z" or "0" <= c <= "9")})
LONGEST = 64  # a longer chunk (a URL) is spelt as MARK + "h" + a hash of it (one token, any length)
SAVED_TOKEN, READ_TOKEN = MARK + "s", MARK + "r"  # MARK + a non-hex letter: no chunk spells these
OR_LIMIT = 400  # more chunks than this for one term: scan the stored texts instead
END = "\x01\x01"  # after each chunk in vocab_tri (any character would do: chunks are verified)
PREFIX_LIMIT = 300  # more trigrams than this start with a short term: it is in many chunks

SCHEMA = """
CREATE TABLE texts (id INTEGER PRIMARY KEY, text TEXT NOT NULL, flags INTEGER NOT NULL);
CREATE VIRTUAL TABLE chunks USING fts5(tokens, tokenize='ascii', content='', detail='none');
CREATE TABLE vocab (id INTEGER PRIMARY KEY, chunk TEXT NOT NULL UNIQUE);
CREATE VIRTUAL TABLE vocab_tri USING fts5(chunk, tokenize='trigram case_sensitive 1', content='vocab',
    content_rowid='id', detail='none');
CREATE VIRTUAL TABLE vocab_trigrams USING fts5vocab(vocab_tri, 'row');
"""


def token(chunk: str) -> str:
    spelt = chunk.translate(_ESCAPES)
    if len(spelt) <= LONGEST:
        return spelt
    return MARK + "h" + hashlib.blake2b(chunk.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()


def flags_of(doc: dict) -> int:
    return int(bool(doc.get("saved"))) | int(bool(doc.get("read"))) << 1


def tokens_of(chunks: set[str], flags: int, spelt: dict[str, str] | None = None) -> str:
    """A paper as the ``chunks`` table holds it (``spelt``: tokens already made, by chunk)."""
    out = [token(c) for c in chunks] if spelt is None else [spelt[c] for c in chunks]
    if flags & 1:
        out.append(SAVED_TOKEN)
    if flags & 2:
        out.append(READ_TOKEN)
    return " ".join(out)


def quoted(token_: str) -> str:
    return '"' + token_ + '"'  # tokens hold no '"' (it is escaped)


class Writer:
    """Adds and removes papers' words, inside the caller's transaction."""

    def __init__(self, db) -> None:
        self.db = db

    def clear(self) -> None:
        self.db.execute("DELETE FROM texts")
        self.db.execute("INSERT INTO chunks(chunks) VALUES ('delete-all')")
        self.db.execute("DELETE FROM vocab")
        self.db.execute("INSERT INTO vocab_tri(vocab_tri) VALUES ('delete-all')")

    def remove(self, ids: list[int]) -> None:
        """Take these papers' words out (contentless FTS5: the tokens removed are given again)."""
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            marks = ",".join("?" * len(part))
            rows = self.db.execute(f"SELECT id, text, flags FROM texts WHERE id IN ({marks})", part).fetchall()
            self.db.executemany("INSERT INTO chunks(chunks, rowid, tokens) VALUES ('delete', ?, ?)",
                                [(i, tokens_of(set(text.split()), flags)) for i, text, flags in rows])
            self.db.execute(f"DELETE FROM texts WHERE id IN ({marks})", part)

    def flags(self, ids: list[int]) -> dict[int, int]:
        out = {}
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            out.update(self.db.execute(f"SELECT id, flags FROM texts WHERE id IN ({','.join('?' * len(part))})",
                                       part).fetchall())
        return out

    def add(self, rows: list[tuple[int, str, int]]) -> None:
        """(doc id, search text, flags) of papers not in the index now."""
        vocab: set[str] = set()
        split = []
        for doc_id, text, flags in rows:
            chunks = set(text.split())
            vocab |= chunks
            split.append((doc_id, chunks, flags))
        spelt = {c: token(c) for c in vocab}  # each chunk once, however many papers hold it
        docs = [(doc_id, tokens_of(chunks, flags, spelt)) for doc_id, chunks, flags in split]
        # Known chunks are ignored by the unique index; the new ones (ids past the last) then get
        # their trigrams in one statement (a trigger per row was 8 times slower).
        last = self.db.execute("SELECT coalesce(max(id), 0) FROM vocab").fetchone()[0]
        self.db.executemany("INSERT OR IGNORE INTO vocab(chunk) VALUES (?)", [(c,) for c in sorted(vocab)])
        # (Never a per-row delete: vocab_tri's content differs from vocab's by END.)
        self.db.execute("INSERT INTO vocab_tri(rowid, chunk) SELECT id, chunk || ? FROM vocab WHERE id > ?",
                        (END, last))
        self.db.executemany("INSERT INTO texts VALUES (?,?,?)", rows)
        self.db.executemany("INSERT INTO chunks(rowid, tokens) VALUES (?,?)", docs)


def chunks_holding(db, term: str) -> list[str] | None:
    """The known chunks that contain ``term``; None when more than OR_LIMIT do."""
    limit = OR_LIMIT
    if len(term) >= 3:
        trigrams = dict.fromkeys(term[i:i + 3] for i in range(len(term) - 2))
        match = " AND ".join('"' + t.replace('"', '""') + '"' for t in trigrams)
        rows = db.execute("SELECT v.chunk FROM vocab_tri t JOIN vocab v ON v.id = t.rowid "
                          "WHERE vocab_tri MATCH ? AND instr(v.chunk, ?) > 0 LIMIT ?",
                          (match, term, limit + 1)).fetchall()
    else:  # shorter than a trigram: the trigrams it starts (END makes every occurrence start one)
        trigrams = [t for (t,) in db.execute("SELECT term FROM vocab_trigrams WHERE term >= ?"
                                             + (" AND term < ?" if _after(term) else "") + " LIMIT ?",
                                             [term, *filter(None, [_after(term)]), PREFIX_LIMIT + 1])]
        if len(trigrams) > PREFIX_LIMIT:
            return None
        if not trigrams:
            return []
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in trigrams)
        rows = db.execute("SELECT v.chunk FROM vocab_tri t JOIN vocab v ON v.id = t.rowid "
                          "WHERE vocab_tri MATCH ? AND instr(v.chunk, ?) > 0 LIMIT ?",
                          (match, term, limit + 1)).fetchall()
    if len(rows) > limit:
        return None
    return [c for (c,) in rows]


def _after(prefix: str) -> str | None:
    """The least string above every string that starts with ``prefix`` (UTF-8 keeps code point
    order, as fts5vocab compares terms), or None when there is none."""
    last = ord(prefix[-1]) + 1
    if 0xD800 <= last <= 0xDFFF:
        last = 0xE000
    return prefix[:-1] + chr(last) if last <= 0x10FFFF else None


class Terms:
    """A query's words as the index answers them: ``match`` (an FTS5 expression for ``chunks``,
    or None), ``scans`` (terms looked for in the stored texts) and ``none`` (some term is in no
    paper: nothing matches).

    ``short_later``: terms of one or two letters are not looked up yet (a common one starts
    many trigrams, each counted as fts5vocab lists it: 60 ms for "w1" at 200,000 papers): they
    start as scans, and ``look_up_short`` looks them up if the caller needs it (index_query.py
    asks a sample of the papers first: a fragment in many of them is answered by a walk)."""

    def __init__(self, db, q: str, *, short_later: bool = False) -> None:
        self.db = db
        self.match: str | None = None
        self.scans: list[str] = []
        self.short: list[str] = []  # terms left in ``scans`` without a look-up
        self.none = False
        self.terms = list(dict.fromkeys(q.casefold().split()))
        self._groups: list[str] = []
        for term in self.terms:
            if short_later and len(term) < 3:
                self.scans.append(term)
                self.short.append(term)
            elif not self._look_up(term):
                return

    def look_up_short(self) -> None:
        """Look up the first short term left (the others stay scans: a look-up may walk many
        trigrams, and one term found in few chunks already narrows the papers whose texts are
        read to a few)."""
        if self.short:
            term = self.short.pop(0)
            self.scans.remove(term)
            self._look_up(term)

    def _look_up(self, term: str) -> bool:
        """False when no paper holds ``term``."""
        found = chunks_holding(self.db, term)
        if found is None:
            self.scans.append(term)
        elif not found:
            self.none = True
            return False
        else:
            self._groups.append("(" + " OR ".join(quoted(token(c)) for c in found) + ")")
            self.match = " AND ".join(self._groups)
        return True

    def with_flags(self, saved: bool | None, read: bool | None) -> str | None:
        """``match`` narrowed by the saved and read filters (flags are tokens)."""
        if self.match is None:
            return None
        expr = f"({self.match})"
        for flag, want in ((SAVED_TOKEN, saved), (READ_TOKEN, read)):
            if want is not None:
                expr = f"({expr} {'AND' if want else 'NOT'} {quoted(flag)})"
        return expr
