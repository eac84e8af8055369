"""Asking the search index (``index.py``) a ``PaperQuery``: the WHERE clause, the order, the
count and the page, inside the caller's read transaction.

A page of a text search is found one of two ways: sort the matches (~0.5 µs each, after the
words index lists them), or walk the sort's index reading each paper's stored text until the
page is reached (~10 µs a paper, (offset + limit) * papers / matches of them: a common word is
in most papers, so its first page is near).  The walk is taken when it is the cheaper, and only
past WALK_FROM matches (sorting fewer costs nothing).
"""

from __future__ import annotations

import sqlite3

from ..query import SORTS, PaperQuery
from .words import Terms

SEP = "\x1f"  # between sites in the ``sites`` column (no site name contains it)
WALK_FROM = 2000
WALK_COST = 20  # a paper walked, in papers sorted
# The query's sort names -> columns (the document fields are in query.SORTS).
SORT_COLUMN = {"saved": "saved_at", "published": "published", "title": "title", "upvotes": "upvotes",
               "seen": "seen", "added": "added", "seen_count": "seen_count"}
assert set(SORT_COLUMN) == set(SORTS)


def find(db: sqlite3.Connection, query: PaperQuery) -> tuple[int, list[int]]:
    """(how many papers match, doc ids of the requested page in order)."""
    terms = Terms(db, query.q) if query.q.strip() else None
    if terms is not None and terms.none:
        return 0, []
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


def ordered_ids(db: sqlite3.Connection, query: PaperQuery) -> list[int]:
    """Doc ids of every match in the query's order (an export)."""
    terms = Terms(db, query.q) if query.q.strip() else None
    if terms is not None and terms.none:
        return []
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
            clauses.append("p.id IN (SELECT id FROM texts WHERE instr(text, ?) > 0)")
            params.append(term)
    return " AND ".join(clauses), params


def order(query: PaperQuery) -> str:
    direction = "DESC" if query.descending else "ASC"
    return f"ORDER BY p.{SORT_COLUMN[query.sort]} {direction}, p.key {direction}"
