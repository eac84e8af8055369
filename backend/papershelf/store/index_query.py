"""Asking the search index (``index.py``) a ``PaperQuery``: the WHERE clause, the order, the
count and the page, inside the caller's read transaction.

A page of a text search is found one of two ways: sort the matches (~0.5 µs each, after the
words index lists them), or walk the sort's index reading each paper's stored text until the
page is reached (~10 µs a paper, (offset + limit) * papers / matches of them: a common word is
in most papers, so its first page is near).  The walk is taken when it is the cheaper, and only
past WALK_FROM matches (sorting fewer costs nothing).

A term the words index cannot list (a fragment of one or two letters, or one held by more than
``words.OR_LIMIT`` distinct chunks: "e", "arxiv", "2301") has no cheap exact count: counting it
reads every stored text (0.5-2 s at 200,000 papers).  So past EXACT_UP_TO papers its page is
found by the walk, and its count is estimated from a fixed sample of the papers (``Estimate``;
the library page says "about"), unless the walk reached the last match (then it is exact).  A
term the sample finds rare, or one beside a rare word or a tag that leaves at most EXACT_UP_TO
papers, is counted exactly, from one pass over those papers' texts.
"""

from __future__ import annotations

import random
import sqlite3

import orjson

from ..query import SORTS, Estimate, PaperQuery
from .words import Terms

SEP = "\x1f"  # between sites in the ``sites`` column (no site name contains it)
WALK_FROM = 2000
WALK_COST = 20  # a paper walked, in papers sorted
# The query's sort names -> columns (the document fields are in query.SORTS).
SORT_COLUMN = {"saved": "saved_at", "published": "published", "title": "title", "upvotes": "upvotes",
               "seen": "seen", "added": "added", "seen_count": "seen_count"}
assert set(SORT_COLUMN) == set(SORTS)
EXACT_UP_TO = 10_000  # papers: counting a scanned term reads this many texts in ~25 ms
# The estimate: papers are tested SAMPLE at a time (~10 ms) until SAMPLE_ENOUGH match (the
# estimate is then within ~7 % two times in three) or SAMPLE_MAX are tested; fewer than
# SAMPLE_MIN matches: the term is rare, and counted exactly.
SAMPLE, SAMPLE_MAX = 2000, 10_000
SAMPLE_ENOUGH = 200
SAMPLE_MIN = 5


def find(db: sqlite3.Connection, query: PaperQuery) -> tuple[int, list[int]]:
    """(how many papers match, doc ids of the requested page in order)."""
    terms = Terms(db, query.q, short_later=True) if query.q.strip() else None
    if terms is not None and terms.none:
        return 0, []
    if terms is not None and terms.scans:
        found = _walk_with_estimate(db, query, terms)
        if found is not None:
            return found
        terms.look_up_short()  # rare in the papers: perhaps in few chunks, then counted by FTS5
        if terms.none:
            return 0, []
        if terms.scans:  # few matches, or a small library: list them all, each text read once
            every = ordered(db, query, terms)
            return len(every), every[query.offset:query.offset + query.limit]
    total = count(db, query, terms)
    ids: list[int] = []
    if query.limit and query.offset < total:
        walk = terms is not None and total > WALK_FROM and \
            total * total > WALK_COST * (query.offset + query.limit) * papers(db)
        clause, params = where(query, terms, walk=walk)
        # The walk follows the sort's own index (the planner would rather filter saved
        # papers first and sort them all, testing every one's text: 0.5 s at 200,000).
        table = f"papers p INDEXED BY by_{SORT_COLUMN[query.sort]}" if walk else "papers p"
        ids = [i for (i,) in db.execute(f"SELECT id FROM {table} WHERE {clause} {order(query)} "
                                         f"LIMIT ? OFFSET ?", [*params, query.limit, query.offset])]
    return total, ids


def _walk_with_estimate(db: sqlite3.Connection, query: PaperQuery, terms: Terms) -> tuple[int, list[int]] | None:
    """The page of a query with a term only the stored texts answer, by a walk of the sort's
    index, and its count estimated from a sample; None when a walk would not pay."""
    n = papers(db)
    if n <= EXACT_UP_TO or _candidates(db, query, terms) <= EXACT_UP_TO:
        return None
    clause, params = where(query, terms, walk=True)
    # The same sample each time for a library of this size, so the estimate does not change
    # from one page to the next (ids in use are close to 1..max: deleted ones are not counted).
    top = db.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0]
    sample = random.Random(top).sample(range(1, top + 1), min(SAMPLE_MAX, top))
    tested = matched = 0
    for start in range(0, len(sample), SAMPLE):  # more of the sample while matches are few
        t, m = db.execute(f"SELECT count(*), coalesce(sum({clause}), 0) FROM papers p "
                          f"WHERE p.id IN (SELECT value FROM json_each(?))",
                          [*params, orjson.dumps(sample[start:start + SAMPLE]).decode()]).fetchone()
        tested, matched = tested + t, matched + m
        if matched >= SAMPLE_ENOUGH or not matched:  # enough, or too rare for a walk
            break
    if matched < SAMPLE_MIN:
        return None
    share = matched / tested
    # However deep the page, the walk reads at most every text once, and counting (what the
    # other way does first) reads them all: so any page of a term this common is walked.
    wanted = query.offset + query.limit + 1  # one more than the page: is there a next one?
    rows = [i for (i,) in db.execute(f"SELECT id FROM papers p INDEXED BY by_{SORT_COLUMN[query.sort]} "
                                     f"WHERE {clause} {order(query)} LIMIT ?", [*params, wanted])]
    ids = rows[query.offset:query.offset + query.limit]
    if len(rows) < wanted:  # the walk reached the last match: the count is exact
        return len(rows), ids
    return Estimate(max(_round(share * n), wanted)), ids


def _candidates(db: sqlite3.Connection, query: PaperQuery, terms: Terms) -> int:
    """At most how many papers match: those holding the words FTS5 lists (a rare word beside
    "e"), or else those the filters select (a tag)."""
    if terms.match:
        listed = db.execute("SELECT count(*) FROM chunks WHERE chunks MATCH ?",
                            (terms.with_flags(query.saved, query.read),)).fetchone()[0]
        if listed <= EXACT_UP_TO:
            return listed
    return count(db, query, None)


def _round(x: float) -> int:
    """Two significant figures: an estimate does not pretend to more."""
    if x < 100:
        return round(x)
    scale = 10 ** (len(str(int(x))) - 2)
    return round(x / scale) * scale


def ordered_ids(db: sqlite3.Connection, query: PaperQuery) -> list[int]:
    """Doc ids of every match in the query's order (an export)."""
    terms = Terms(db, query.q, short_later=True) if query.q.strip() else None
    if terms is not None:
        terms.look_up_short()
        if terms.none:
            return []
    return ordered(db, query, terms)


def ordered(db: sqlite3.Connection, query: PaperQuery, terms: Terms | None) -> list[int]:
    clause, params = where(query, terms)
    return [i for (i,) in db.execute(f"SELECT id FROM papers p WHERE {clause} {order(query)}", params)]


def papers(db: sqlite3.Connection) -> int:
    return db.execute("SELECT coalesce(sum(n), 0) FROM flag_counts").fetchone()[0]


def count(db: sqlite3.Connection, query: PaperQuery, terms: Terms | None) -> int:
    if terms is not None and terms.match and not (terms.scans or query.tags or query.source or query.date_from
                                                  or query.date_to):
        # Words and flags only: one FTS5 query, without reading the papers table.
        return db.execute("SELECT count(*) FROM chunks WHERE chunks MATCH ?",
                          (terms.with_flags(query.saved, query.read),)).fetchone()[0]
    if terms is None and not (query.tags or query.source or query.date_from or query.date_to):
        flags = [(name, int(want)) for name, want in (("saved", query.saved), ("read", query.read))
                 if want is not None]
        return db.execute("SELECT coalesce(sum(n), 0) FROM flag_counts WHERE 1"
                          + "".join(f" AND {name} = ?" for name, _ in flags), [v for _, v in flags]).fetchone()[0]
    clause, params = where(query, terms)
    return db.execute(f"SELECT count(*) FROM papers p WHERE {clause}", params).fetchone()[0]


def where(query: PaperQuery, terms: Terms | None = None, walk: bool = False) -> tuple[str, list]:
    """The WHERE clause (papers as ``p``) and its parameters; ``walk``: a text test per paper."""
    clauses, params = ["1"], []
    if query.saved is not None:
        clauses.append("p.saved = ?")
        params.append(int(query.saved))
    if query.read is not None:
        clauses.append("p.read = ?")
        params.append(int(query.read))
    for tag in dict.fromkeys(query.tags):
        clauses.append("p.id IN (SELECT id FROM tags WHERE tag = ?)")
        params.append(tag)
    if query.source:
        clauses.append("instr(p.sites, ?) > 0")
        params.append(SEP + query.source + SEP)
    if query.date_from:
        clauses.append("coalesce(p.published, '') >= ?")
        params.append(query.date_from)
    if query.date_to:
        clauses.append("substr(coalesce(p.published, ''), 1, ?) > '' AND substr(coalesce(p.published, ''), 1, ?) <= ?")
        params += [len(query.date_to), len(query.date_to), query.date_to]
    if terms is not None and walk:
        # Each paper the sort's index gives is tested on its own text: the substring test that
        # defines a match, without listing every match first.
        clauses.append("EXISTS (SELECT 1 FROM texts t WHERE t.id = p.id"
                       + " AND instr(t.text, ?) > 0" * len(terms.terms) + ")")
        params += terms.terms
    elif terms is not None:
        if terms.match:
            clauses.append("p.id IN (SELECT rowid FROM chunks WHERE chunks MATCH ?)")
            params.append(terms.with_flags(query.saved, query.read))
        for term in terms.scans:  # held by too many distinct chunks: read the stored texts
            # Correlated, so that beside a rare word only its papers' texts are read.
            clauses.append("EXISTS (SELECT 1 FROM texts t WHERE t.id = p.id AND instr(t.text, ?) > 0)")
            params.append(term)
    return " AND ".join(clauses), params


def order(query: PaperQuery) -> str:
    direction = "DESC" if query.descending else "ASC"
    return f"ORDER BY p.{SORT_COLUMN[query.sort]} {direction}, p.key {direction}"
