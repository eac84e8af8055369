"""Finding papers in the library: the filters and sorts behind ``GET /api/papers``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

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
        saved = _tri_state(args.get("saved", default_saved), "saved")
        sort = args.get("sort") or ("saved" if saved else "seen")
        if sort not in SORTS:
            raise BadRequest(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
        order = args.get("order") or ("asc" if sort == "title" else "desc")
        if order not in ("asc", "desc"):
            raise BadRequest("order must be asc or desc")
        return cls(
            q=args.get("q", "").strip(),
            tags=[t for t in args.getlist("tag") if t] if hasattr(args, "getlist") else ([args["tag"]] if args.get("tag") else []),
            saved=saved,
            read=_tri_state(args.get("read", "all"), "read"),
            source=args.get("source", ""),
            date_from=args.get("from", ""),
            date_to=args.get("to", ""),
            sort=sort,
            descending=order == "desc",
            limit=_int(args.get("limit", "50"), "limit", 0, MAX_LIMIT),
            offset=_int(args.get("offset", "0"), "offset", 0, 10**9),
            keys=[k for k in args.get("keys", "").split(",") if k.strip()],
        )

    def matches(self, doc: dict[str, Any], search_text: Callable[[dict], str]) -> bool:
        """Does ``doc`` pass every filter? ``search_text(doc)`` gives the text ``q`` looks in."""
        if self.saved is not None and bool(doc.get("saved")) != self.saved:
            return False
        if self.read is not None and bool(doc.get("read")) != self.read:
            return False
        if self.tags and not set(self.tags) <= set(doc.get("tags", [])):
            return False
        if self.source and not any(s.get("site") == self.source for s in doc.get("sources", [])):
            return False
        published = doc.get("published") or ""
        if self.date_from and (not published or published < self.date_from):
            return False
        if self.date_to and (not published or published[: len(self.date_to)] > self.date_to):
            return False
        if self.q:
            haystack = search_text(doc)
            if not all(term in haystack for term in self.q.casefold().split()):
                return False
        return True

    def order(self, docs: list[dict]) -> list[dict]:
        name, missing = SORTS[self.sort]

        def sort_key(d: dict):
            value = d.get(name)
            value = missing if value is None else value
            return (value.casefold() if isinstance(value, str) and self.sort == "title" else value, d.get("key", ""))

        return sorted(docs, key=sort_key, reverse=self.descending)


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

