"""The merge rules: how two records of one paper become one.

Every rule is a commutative, associative choice ("better wins", ties broken by a total order on
the values), so merging the same captures in any order gives the same metadata; user data
(saved, tags, note, read) is never touched by a merge of captured metadata, only joined when two
records of the user's turn out to be one (``merge_user``).  The record and its keys are in
``papers.py``; the store applies these rules to a batch in ``store/merge.py``.
"""

from __future__ import annotations

from typing import Any

from .papers import TWIN_MARK, Paper, Source, clean_links


def copy_clean(p: Paper) -> Paper:
    """A copy of a record that is already clean (stored, or made by ``Paper(...)``/``from_dict``
    and merged since), sharing nothing mutable with it; ``dataclasses.replace`` would clean
    every field again (a capture of 50 known papers spent a third of its time there)."""
    out = Paper.__new__(Paper)
    values = dict(p.__dict__)
    for name in ("authors", "categories", "keywords", "tags"):
        values[name] = list(values[name])
    values["urls"] = dict(values["urls"])
    values["links"] = dict(values["links"])
    values["sources"] = [Source(s.site, s.url, s.first_seen, s.last_seen) for s in values["sources"]]
    out.__dict__.update(values)
    return out


# --- merging --------------------------------------------------------------------------------
#
# Every rule below is a commutative, associative choice ("better wins", ties broken by a total
# order on the values), so merging the same captures in any order gives the same metadata.


def _pick(a: Any, b: Any, rank) -> Any:
    """The better of a and b by rank(x); ties go to the smaller repr, so order never matters."""
    ra, rb = rank(a), rank(b)
    if ra != rb:
        return a if ra > rb else b
    return a if _tiebreak(a) <= _tiebreak(b) else b


def _tiebreak(x: Any) -> str:
    if isinstance(x, Paper):  # abstracts: compare the text that is being chosen
        return repr((x.abstract, x.abstract_truncated))
    return repr(x)


def _text_rank(s: str) -> tuple:
    # A text that is present, then the longer one: pages truncate titles and venues, never pad them.
    return (bool(s), len(s or ""))


def _date_rank(d: str) -> tuple:
    # A full date beats a month beats a year; among equal precision the earlier one is the
    # publication date (later ones are revisions or "featured on" dates).
    return (len(d or ""), tuple(-ord(c) for c in (d or "")))


def _abstract_rank(p: Paper) -> tuple:
    return (bool(p.abstract), not p.abstract_truncated, len(p.abstract))


def _union(a: list[str], b: list[str]) -> list[str]:
    return sorted(set(a) | set(b))


def merge_metadata(a: Paper, b: Paper) -> Paper:
    """The metadata of a and b combined; user data and seen data are taken from ``a``.

    The key of the result follows the best identifier either side carries, so a title-only
    record merged with an arXiv capture becomes the arXiv record.
    """
    out = copy_clean(a)
    out.arxiv_id = _pick(a.arxiv_id or "", b.arxiv_id or "", lambda x: bool(x)) or None
    out.doi = _pick(a.doi or "", b.doi or "", lambda x: bool(x)) or None
    out.title = _pick(a.title, b.title, _text_rank)
    best_authors = _pick(a.authors, b.authors, lambda x: len(x))
    out.authors = list(best_authors)
    counts = [c for c in (a.author_count, b.author_count) if c]
    out.author_count = max(counts) if counts else None
    best = a if _pick(a, b, _abstract_rank) is a else b
    out.abstract, out.abstract_truncated = best.abstract, best.abstract_truncated
    out.published = _pick(a.published, b.published, _date_rank)
    out.categories = _merge_categories(a.categories, b.categories)
    for name in ("venue", "comments", "journal_ref", "pages", "organization", "kind"):
        setattr(out, name, _pick(getattr(a, name), getattr(b, name), _text_rank))
    out.urls = {
        k: _pick(a.urls.get(k, ""), b.urls.get(k, ""), _url_rank)
        for k in sorted(set(a.urls) | set(b.urls))
    }
    out.urls = {k: v for k, v in out.urls.items() if v}
    out.links = clean_links({site: _pick(a.links.get(site, ""), b.links.get(site, ""), _url_rank)
                             for site in set(a.links) | set(b.links)})
    out.upvotes = _max_opt(a.upvotes, b.upvotes)
    out.github_stars = _max_opt(a.github_stars, b.github_stars)
    out.keywords = _union(a.keywords, b.keywords)
    key = out.compute_key() or a.key
    # A title-only record that was told apart from a namesake keeps its own key.
    out.key = a.key if key.startswith("title:") and a.key.startswith(key + TWIN_MARK) else key
    return out


def _url_rank(u: str) -> tuple:
    return (bool(u), (u or "").startswith("https://"))


def _max_opt(a: int | None, b: int | None) -> int | None:
    vals = [v for v in (a, b) if v is not None]
    return max(vals) if vals else None


def _merge_categories(a: list[str], b: list[str]) -> list[str]:
    # The primary category is the first one; both sides should agree, else the smaller wins.
    if not a or not b:
        primary = (a or b or [None])[0]
    else:
        primary = min(a[0], b[0])
    rest = sorted((set(a) | set(b)) - {primary})
    return ([primary] if primary else []) + rest


def merge_seen(existing: Paper, other: Paper) -> None:
    """Fold ``other``'s sources and seen data into ``existing`` (in place)."""
    merge_sources(existing, other.sources)
    existing.seen_count += other.seen_count
    existing.first_seen = min(filter(None, [existing.first_seen, other.first_seen]), default="")
    existing.last_seen = max(filter(None, [existing.last_seen, other.last_seen]), default="")


def merge_sources(existing: Paper, sources: list[Source]) -> None:
    """Add pages a paper was seen on to its sources (in place); one entry per site and URL."""
    by_url = {(s.site, s.url): s for s in existing.sources}
    for s in sources:
        mine = by_url.get((s.site, s.url))
        if mine is None:
            mine = Source(s.site, s.url, s.first_seen, s.last_seen)
            existing.sources.append(mine)
            by_url[(s.site, s.url)] = mine
        else:
            mine.first_seen = min(filter(None, [mine.first_seen, s.first_seen]), default="")
            mine.last_seen = max(filter(None, [mine.last_seen, s.last_seen]), default="")


def merge_user(existing: Paper, other: Paper, *, join_notes: bool = True) -> None:
    """Fold the user data of a twin record into ``existing`` (in place): nothing is lost.

    ``join_notes=False`` (imports) keeps an existing note rather than appending the file's, so
    re-importing an older backup does not pile up old versions of a note."""
    if other.saved and not existing.saved:
        existing.saved, existing.saved_at = True, other.saved_at
    elif existing.saved and other.saved and other.saved_at:
        existing.saved_at = min(filter(None, [existing.saved_at, other.saved_at]))
    existing.tags = sorted(set(existing.tags) | set(other.tags))
    if other.note and not existing.note:
        existing.note = other.note
    elif join_notes and other.note and other.note not in existing.note:
        existing.note = f"{existing.note}\n\n{other.note}".strip()
    existing.read = existing.read or other.read
