"""Finding papers in the library: the filters and sorts behind ``GET /api/papers``."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Callable, Mapping

from .errors import BadRequest

SORTS = {
    # name: (document field, missing value) — descending by default
    "saved": ("saved_at", ""),
    "published": ("published", ""),
    "title": ("title", ""),
    "upvotes": ("upvotes", -1),
    "seen": ("last_seen", ""),
    "added": ("added_at", ""),
    "seen_count": ("seen_count", 0),
}
MAX_LIMIT = 1000
# Longest free-text argument (q, tag, source, from, to...): far beyond any real search, short
# enough that a URL-sized value (waitress takes 256 KB) is refused before it is split into terms,
# each looked up in the index, or echoed back in an error.
MAX_ARG = 1000
MAX_TAG_ARGS = 100  # tag filters in one query
MAX_WORDS = 40  # in a search (a long title pasted whole fits): each is looked up in the index
MAX_KEY_ARGS = 100_000  # keys=... of an export (as many as POST /api/export takes)
# The reading queue: saved papers carrying this tag and not yet read, oldest saved first
# (``to_read=1``). A tag, so the queue travels in every export and import, and the library page,
# the popup and the badge menu put a paper in it the same way (tags: ["to read"]); marking the
# paper read takes it out of the queue and keeps the tag.
TO_READ_TAG = "to read"


class Estimate(int):
    """A count estimated from a sample of the papers rather than counted (index_query.py): a
    search for a fragment as common as "e" in a library of 200,000 papers."""


@dataclass
class PaperQuery:
    q: str = ""
    tags: list[str] = field(default_factory=list)
    saved: bool | None = True
    read: bool | None = None
    source: str = ""
    date_from: str = ""
    date_to: str = ""
    sort: str = "saved"
    descending: bool = True
    limit: int = 50
    offset: int = 0
    keys: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args: Mapping[str, str], *, default_saved: str = "1") -> "PaperQuery":
        _check_sizes(args)
        saved = _tri_state(args.get("saved", default_saved), "saved")
        read = _tri_state(args.get("read", "all"), "read")
        tags = [t for t in args.getlist("tag") if t] if hasattr(args, "getlist") else ([args["tag"]] if args.get("tag") else [])
        to_read = (args.get("to_read") or "").lower()
        if to_read not in ("", "1", "true"):
            raise BadRequest("to_read must be 1 (the reading queue) or left out")
        if to_read:  # the reading queue, whatever else the link says about saved and read
            saved, read, tags = True, False, [*tags, TO_READ_TAG]
        sort = args.get("sort") or ("saved" if saved else "seen")
        if sort not in SORTS:
            raise BadRequest(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
        # Titles read A to Z and the reading queue oldest first; the rest newest/most first.
        order = args.get("order") or ("asc" if sort == "title" or (to_read and sort == "saved") else "desc")
        if order not in ("asc", "desc"):
            raise BadRequest("order must be asc or desc")
        return cls(
            q=args.get("q", "").strip(),
            tags=tags,
            saved=saved,
            read=read,
            source=args.get("source", ""),
            date_from=args.get("from", ""),
            date_to=args.get("to", ""),
            sort=sort,
            descending=order == "desc",
            limit=_int(args.get("limit", "50"), "limit", 0, MAX_LIMIT),
            offset=_int(args.get("offset", "0"), "offset", 0, 10**9),
            keys=[k for k in args.get("keys", "").split(",") if k.strip()],
        )

    def select(self, docs: list[dict], texts: list[str]) -> list[dict]:
        """The documents that pass every filter; ``texts[i]`` is the casefolded text ``q`` looks
        in for ``docs[i]``. At 20,000 papers the per-document cost is the whole budget, so
        only the filters this query sets are checked, the text first (it is the most selective)."""
        terms = self.q.casefold().split()
        if len(terms) == 1:  # the common case, without a generator per document
            term = terms[0]
            docs = [d for d, text in zip(docs, texts) if term in text]
        elif terms:
            docs = [d for d, text in zip(docs, texts) if all(t in text for t in terms)]
        tests: list[Callable[[dict], bool]] = []
        if self.saved is not None:
            tests.append(lambda d, want=self.saved: bool(d.get("saved")) is want)
        if self.read is not None:
            tests.append(lambda d, want=self.read: bool(d.get("read")) is want)
        if self.tags:
            tests.append(lambda d, want=set(self.tags): want.issubset(d.get("tags", ())))
        if self.source:
            tests.append(lambda d, site=self.source: any(s.get("site") == site for s in d.get("sources", ())))
        if self.date_from:
            tests.append(lambda d, low=self.date_from: (d.get("published") or "") >= low)
        if self.date_to:
            tests.append(lambda d, high=self.date_to: "" < (d.get("published") or "")[: len(high)] <= high)
        if not tests:
            return list(docs)
        if len(tests) == 1:
            return [d for d in docs if tests[0](d)]
        return [d for d in docs if all(test(d) for test in tests)]

    def sort_key(self) -> Callable[[dict], tuple]:
        name, missing = SORTS[self.sort]
        if self.sort == "title":
            return lambda d: ((d.get(name) or "").casefold(), d["key"])
        return lambda d: (missing if d.get(name) is None else d[name], d["key"])

    def order(self, docs: list[dict]) -> list[dict]:
        """All of ``docs`` in this query's order (exports)."""
        return sorted(docs, key=self.sort_key(), reverse=self.descending)

    def page(self, docs: list[dict]) -> list[dict]:
        """Just the requested page: a partial sort of the first offset+limit, not all 20,000."""
        wanted = self.offset + self.limit
        pick = heapq.nlargest if self.descending else heapq.nsmallest
        return pick(wanted, docs, key=self.sort_key())[self.offset:]


def _check_sizes(args: Mapping[str, str]) -> None:
    items = args.items(multi=True) if hasattr(args, "getlist") else args.items()
    tags = 0
    for name, value in items:
        if name == "keys":
            if value.count(",") >= MAX_KEY_ARGS:
                raise BadRequest(f"keys lists more than {MAX_KEY_ARGS:,} keys; POST /api/export takes a selection")
            continue
        if isinstance(value, str) and len(value) > MAX_ARG:
            shown = name if len(name) <= 40 else name[:40] + "…"
            raise BadRequest(f"{'the search' if name == 'q' else shown} is {len(value):,} characters long; "
                             f"at most {MAX_ARG:,}")
        tags += name == "tag"
    if tags > MAX_TAG_ARGS:
        raise BadRequest(f"at most {MAX_TAG_ARGS} tag filters at once")
    if len(set((args.get("q") or "").casefold().split())) > MAX_WORDS:
        raise BadRequest(f"at most {MAX_WORDS} different words in a search")


def _tri_state(value: str, name: str) -> bool | None:
    value = (value or "").lower()
    if value in ("1", "true", "yes"):
        return True
    if value in ("0", "false", "no"):
        return False
    if value in ("all", "any", ""):
        return None
    raise BadRequest(f"{name} must be 1, 0 or all")


def _int(value: str, name: str, low: int, high: int) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise BadRequest(f"{name} must be a whole number") from None
    if not low <= n <= high:
        raise BadRequest(f"{name} must be between {low} and {high}")
    return n

