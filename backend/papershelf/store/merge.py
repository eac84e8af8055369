"""Merging a batch of incoming papers (a captured page, an imported file) with the library.

A batch finds the records it is about -- by key, by DOI twin, by title-only twin, in the
library or earlier in the same batch -- merges them by the rules in ``papers.py`` and hands
back what to write: records to put and keys to drop.  It never writes; the library commits
the result as one journal line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable

from ..merging import copy_clean, merge_metadata, merge_seen, merge_sources, merge_user
from ..papers import (
    Paper,
    normalize_title,
    now_iso,
    paper_from_stored,
    same_work,
    twin_key,
    twin_keys,
)
from .tables import PaperTable

# Records sharing a normalised title past which a match on the title alone is not tried: with
# hundreds of "Introduction"s or "Editorial"s it would be a guess, and reading each of them made
# every capture of such a title cost that many reads.  A title-only paper then still finds its
# own record under its own title key or its twin keys (papers.twin_keys).
SAME_TITLE_LIMIT = 50

OnExisting = Callable[[Paper, Paper, bool], None]
OnNew = Callable[[Paper], None]


@dataclass
class Merged:
    final_key: dict[str, str]  # incoming key -> the key it is stored under
    pending: dict[str, Paper]  # records to write, by key
    dropped: list[str]  # stored keys absorbed into others
    added: int = 0
    merged: int = 0
    read: dict[str, dict] = field(default_factory=dict)  # stored documents read on the way, by key


@dataclass
class ImportOutcome:
    added: int = 0
    merged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (item, reason)


def merge_batch(table: PaperTable, papers: list[Paper], on_existing: OnExisting, on_new: OnNew,
                clean: bool = False) -> Merged:
    """``on_existing(record, incoming, seen_in_batch)`` finishes a record that merged with
    existing ones (``seen_in_batch``: one of them came from this same batch); ``on_new(record)``
    one that did not.  ``clean``: the papers were just made by ``Paper.from_dict`` (an import),
    so copying them needs no second cleaning."""
    batch = _Batch()
    final_key: dict[str, str] = {}
    added = merged = 0
    read: dict[str, dict] = {}

    def stored(k: str) -> Paper:
        doc = read.get(k)
        if doc is None:
            doc = read[k] = table.raw(k)
        return paper_from_stored(doc)

    for key, incoming in _group_by_key(papers, copy_clean if clean else None).items():
        found = _find_existing(table, incoming, batch)
        if found:
            seen_in_batch = any(k in batch.pending for k in found)
            records = [batch.pending.get(k) or stored(k) for k in found]
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
    return Merged({k: batch.final(v) for k, v in final_key.items()}, batch.pending,
                  sorted(batch.dropped - set(batch.pending)), added, merged, read)


def local_day(iso: str) -> date | None:
    """The server's local calendar day of a stored UTC time (``2026-01-02T03:04:05Z``), or None."""
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().date()
    except (AttributeError, ValueError, OverflowError):
        return None


def capture_rules(count_view: bool) -> tuple[OnExisting, OnNew]:
    """A page view: every paper on it seen now, counted once a day; user data never changed.

    ``seen_count`` counts the local days a paper was seen on: a reload, a re-render or another
    listing the same day records where and when (its sources, ``last_seen``) but adds no view."""
    now = now_iso()
    today = local_day(now)

    def seen_now(paper: Paper) -> None:
        for s in paper.sources:  # only the page just seen: other sources keep their dates
            s.first_seen, s.last_seen = s.first_seen or now, now
        paper.first_seen, paper.last_seen = paper.first_seen or now, now

    def on_existing(record: Paper, seen: Paper, seen_in_batch: bool) -> None:
        seen_now(seen)
        merge_sources(record, seen.sources)
        if count_view and not seen_in_batch and local_day(record.last_seen) != today:
            record.seen_count += 1
        record.first_seen, record.last_seen = record.first_seen or now, now

    def on_new(record: Paper) -> None:
        record.saved, record.saved_at, record.tags, record.note, record.read = False, None, [], "", False
        record.first_seen = ""
        seen_now(record)
        record.seen_count = 1

    return on_existing, on_new


def import_rules(save: bool) -> tuple[OnExisting, OnNew]:
    """Imported records keep the user data they carry; seen counts take the larger side, so
    importing a backup twice does not inflate them; a note already in the library is kept."""
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

    return on_existing, on_new


def storable(papers: list[Paper]) -> tuple[list[Paper], list[tuple[str, str]]]:
    """Imported papers that can be stored, and the others with a reason."""
    keep, skipped = [], []
    for paper in papers:
        # An id-only record (a list of arXiv ids) is fine: the next capture brings its title.
        if paper.key and (paper.title or not paper.key.startswith("title:")):
            keep.append(paper)
        else:
            skipped.append((paper.title or "(untitled)", "no title or identifier"))
    return keep, skipped


def _find_existing(table: PaperTable, paper: Paper, batch: "_Batch") -> list[str]:
    """Keys of records, stored or made earlier in this batch, that are this paper: its own
    key, its DOI twin, its title-only twin.

    An arXiv/DOI capture absorbs a title-only record of the same normalised title; a
    title-only capture joins the one record with an id that has that title.  A match on the
    title alone counts only when what both records know agrees (papers.same_work); a title-only
    paper whose title key belongs to another work gets a key of its own.

    A paper keyed by one identifier also joins the record of the same work keyed by the other
    (a conference paper's DOI record and its arXiv preprint's): same normalised title, both
    name a first author and the surnames agree, same_work, identifiers that do not contradict
    (never two arXiv ids or two DOIs), and only when exactly one record fits -- two DOI records
    of one title (a conference and a journal version) are left apart.  The merged record keeps
    both identifiers (merge_metadata) and is keyed by the arXiv id.

    Past SAME_TITLE_LIMIT records of one title, only the paper's own key and twin keys count.
    """
    keys: list[str] = []

    def exists(k: str) -> bool:
        return batch.exists(k, table.doc_ids)

    def add(k: str | None, first: bool = False) -> None:
        if k and k not in keys and exists(k):
            keys.insert(0, k) if first else keys.append(k)

    def agrees(k: str) -> bool:
        return same_work(batch.pending.get(k) or paper_from_stored(table.raw(k)), paper)

    t = normalize_title(paper.title)
    titled = table.title_keys(t) | batch.by_title.get(t, set()) if t else set()
    if len(titled) > SAME_TITLE_LIMIT:  # an id-keyed paper then takes no title-only record
        titled &= {paper.key, *twin_keys(paper)} if paper.key.startswith("title:") else set()
    same_title = sorted(titled)
    title_only = [k for k in same_title if k.startswith("title:") and exists(k)]
    if paper.key.startswith("title:"):
        with_ids = [k for k in same_title if not k.startswith("title:") and exists(k)]
        if len(with_ids) == 1 and agrees(with_ids[0]):
            add(with_ids[0])
        if exists(paper.key) and not agrees(paper.key):
            # The title key is another work's: this paper is one of its namesakes, or new.
            paper.key = next((k for k in title_only if k != paper.key and agrees(k)), None) or twin_key(paper, exists)
        add(paper.key)
        return keys
    add(paper.key)
    if paper.doi:
        add(f"doi:{paper.doi}")
        add(batch.by_doi.get(paper.doi))
        add(table.by_doi.get(paper.doi))
    for k in title_only:
        if agrees(k):
            add(k)
    other_ids = [k for k in same_title if not k.startswith("title:") and k not in keys and exists(k)
                 and _other_identifier(batch.pending.get(k) or paper_from_stored(table.raw(k)), paper)]
    if len(other_ids) == 1:
        add(other_ids[0])
    return keys


def _other_identifier(record: Paper, paper: Paper) -> bool:
    """Whether ``record`` (same title) is ``paper`` under its other identifier: one knows an
    arXiv id the other lacks or a DOI the other lacks, none contradicts the other, and the
    first authors are named on both sides and agree (stricter than same_work, which lets a
    side without authors pass)."""
    if record.arxiv_id and paper.arxiv_id and record.arxiv_id != paper.arxiv_id:
        return False
    if record.doi and paper.doi and record.doi != paper.doi:
        return False
    if not ((record.arxiv_id or paper.arxiv_id) and (record.doi or paper.doi)):
        return False  # two DOI-less arXiv records, two DOI records without arXiv ids...
    if not (record.authors and paper.authors):
        return False
    return same_work(record, paper)


def _group_by_key(papers: list[Paper], copier=None) -> dict[str, Paper]:
    """One record per key within a batch (a page may list a paper twice), each a copy: cleaned
    again (a parser may have set fields after making it), or by ``copier``."""
    groups: dict[str, Paper] = {}
    for paper in papers:
        copy = Paper.from_dict(paper.to_dict()) if copier is None else copier(paper)
        prev = groups.get(copy.key)
        if prev is not None and copy.key.startswith("title:") and not same_work(prev, copy):
            copy.key = twin_key(copy, groups.__contains__)  # two works that share a title
            prev = groups.get(copy.key)
        if prev is None:
            groups[copy.key] = copy
        else:
            merged = merge_metadata(prev, copy)
            merge_seen(merged, copy)
            merge_user(merged, copy)
            groups[copy.key] = merged
    return groups


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
