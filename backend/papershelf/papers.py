"""The Paper record and canonical keys (the merge rules are in ``merging.py``).

A paper's identity is its key: ``arxiv:<id>`` (no version), else ``doi:<doi>``, else
``title:<normalised title>``.  Parsers produce ``Paper`` records holding only what the page
said; the store merges them into the library with :func:`merge_metadata`, which is
order-independent ("better wins", ties broken deterministically) so that seeing the same
paper on several pages in any order gives the same record.  User data (saved, tags, note,
read) is never touched by a merge of captured metadata.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

from . import kinds
# The cleaning helpers live in cleaning.py; importable from here as before.
from .cleaning import (  # noqa: F401
    FIELD_LIMITS,
    LINKS_LIMIT,
    LIST_LIMITS,
    MAX_COUNT,
    URL_LIMIT,
    cap_fields,
    clean_links,
    clean_text,
    is_count,
    scrub,
    scrub_tree,
)

# --- arXiv ids ------------------------------------------------------------------------------
#
# The one place the backend knows what an arXiv id looks like and which links carry one. The
# extension's copy is extension/lib/keys.js; tests/arxiv_id_urls.json holds URLs and the id each
# should give, and tests/test_arxiv_ids.py runs both over it.

# New style: YYMM.NNNN (2007-2014) or YYMM.NNNNN (2015-), optional version.
_NEW_ID = r"(?P<new>\d{4}\.\d{4,5})(?:v\d+)?"
# Old style: archive(.SUBJ)/YYMMNNN, e.g. hep-th/9901001, math.GT/0309136.
_OLD_ID = r"(?P<old>[a-zA-Z]+(?:-[a-zA-Z]+)?(?:\.[A-Za-z]{2})?/\d{7})(?:v\d+)?"
_ARXIV_ID_RE = re.compile(rf"^(?:arxiv:\s*)?(?:{_NEW_ID}|{_OLD_ID})$", re.IGNORECASE)
# The same id without named groups, for the patterns of other modules (ids inside text).
ARXIV_ID_PATTERN = re.sub(r"\(\?P<\w+>", "(?:", f"(?:{_NEW_ID}|{_OLD_ID})")

# Links that name a paper by its arXiv id, by host: the path that carries the id.
ARXIV_HOSTS = frozenset({"arxiv.org", "www.arxiv.org", "export.arxiv.org"})
ALPHAXIV_HOSTS = frozenset({"alphaxiv.org", "www.alphaxiv.org"})
HF_HOSTS = frozenset({"huggingface.co", "hf.co"})
_ARXIV_PATH_RE = re.compile(rf"/(?:abs|pdf|html|format)/(?:{_NEW_ID}|{_OLD_ID})(?:\.pdf)?/?")
_ALPHAXIV_PATH_RE = re.compile(rf"/abs/(?:{_NEW_ID}|{_OLD_ID})/?")
# Hugging Face paper pages: /papers/<new-style id>; navigation such as /papers/date/… never matches.
HF_PAPER_PATH_RE = re.compile(rf"/papers/{_NEW_ID}/?")
_PATH_BY_HOST = {
    **dict.fromkeys(ARXIV_HOSTS, _ARXIV_PATH_RE),
    **dict.fromkeys(ALPHAXIV_HOSTS, _ALPHAXIV_PATH_RE),
    **dict.fromkeys(HF_HOSTS, HF_PAPER_PATH_RE),
}
# Links inside a longer text (a BibTeX \url{…}, a note): each is read as a link on its own.
_LINK_IN_TEXT_RE = re.compile(r"https?://[^\s<>\"'{}\\]+", re.IGNORECASE)
_DOI_RE = re.compile(r"(10\.\d{4,9}/\S+)", re.IGNORECASE)
_ARXIV_DOI_RE = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)


def _id_of(m: re.Match) -> str:
    """The versionless id of a match of _NEW_ID | _OLD_ID."""
    if m.group("new"):
        return m.group("new")
    archive, number = m.group("old").split("/")
    # The archive name is lower case; a subject class keeps its case (math.GT).
    if "." in archive:
        name, subject = archive.split(".", 1)
        archive = f"{name.lower()}.{subject.upper()}"
    else:
        archive = archive.lower()
    return f"{archive}/{number}"


def arxiv_id_from_url(url: str, base: str | None = None, hosts: frozenset[str] | None = None) -> str | None:
    """The versionless arXiv id a link points at (arXiv abs/pdf/html/format, alphaXiv abs, a
    Hugging Face paper page), or None; ``base`` resolves a relative link, ``hosts`` narrows the
    sites. Decided by the link's host and path, as the extension's ``arxivIdFromUrl`` does.

    >>> arxiv_id_from_url("https://hf.co/papers/2401.12345v2")
    '2401.12345'
    """
    try:
        parts = urlsplit(urljoin(base, url) if base else url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    pattern = _PATH_BY_HOST.get(host) if hosts is None or host in hosts else None
    m = pattern.fullmatch(parts.path) if pattern else None
    return _id_of(m) if m else None


def normalize_arxiv_id(value: str | None) -> str | None:
    """Return the versionless arXiv id in ``value`` (an id, ``arXiv:`` id, arXiv DOI, or a link
    as :func:`arxiv_id_from_url` reads it, also inside a longer text), or None.

    >>> normalize_arxiv_id("arXiv:2401.12345v3")
    '2401.12345'
    >>> normalize_arxiv_id("https://arxiv.org/abs/hep-th/9901001v2")
    'hep-th/9901001'
    """
    if not value:
        return None
    text = str(value).strip()
    m = _ARXIV_ID_RE.match(text)
    if m:
        return _id_of(m)
    if "://" not in text and text.split("/", 1)[0].lower() in _PATH_BY_HOST:
        text = f"https://{text}"  # typed without its scheme: arxiv.org/abs/2401.12345
    aid = arxiv_id_from_url(text)
    if aid:
        return aid
    for link in _LINK_IN_TEXT_RE.findall(text):
        aid = arxiv_id_from_url(link)
        if aid:
            return aid
    doi = _ARXIV_DOI_RE.match(text)
    return normalize_arxiv_id(doi.group(1)) if doi else None


def normalize_doi(value: str | None) -> str | None:
    """Lower-cased bare DOI (``10.x/y``) from a DOI, ``doi:`` string or doi.org URL, or None."""
    if not value:
        return None
    m = _DOI_RE.search(str(value).strip())
    if not m:
        return None
    doi = m.group(1).rstrip(".,;)]}>\"'")
    return doi.lower()


_PUNCT_OR_SPACE = re.compile(r"[\W_]+", re.UNICODE)


def normalize_title(title: str | None) -> str:
    """NFKC, casefold, every run of punctuation/space collapsed to one space, trimmed."""
    if not title:
        return ""
    text = unicodedata.normalize("NFKC", str(title)).casefold()
    return _PUNCT_OR_SPACE.sub(" ", text).strip()


def paper_key(arxiv_id: str | None = None, doi: str | None = None, title: str | None = None) -> str | None:
    """The canonical key for a paper, or None when nothing identifies it."""
    aid = normalize_arxiv_id(arxiv_id)
    if aid:
        return f"arxiv:{aid}"
    d = normalize_doi(doi)
    if d:
        aid = normalize_arxiv_id(d)  # arXiv's own DOIs (10.48550/arXiv.2401.12345)
        return f"arxiv:{aid}" if aid else f"doi:{d}"
    t = normalize_title(title)
    return f"title:{t}" if t else None


def normalize_key(value: str) -> str | None:
    """Canonical form of a key or identifier a user typed (key, arXiv id/URL, DOI)."""
    text = (value or "").strip()
    if text.startswith("title:"):
        title, sep, which = text[6:].partition(TWIN_MARK)
        t = normalize_title(title)
        which = normalize_title(which).replace(" ", "-")
        return (f"title:{t}{TWIN_MARK}{which}" if sep and which else f"title:{t}") if t else None
    if text.lower().startswith("doi:"):
        return paper_key(doi=text[4:])
    if text.lower().startswith("arxiv:"):
        return paper_key(arxiv_id=text[6:])
    return paper_key(arxiv_id=text) or paper_key(doi=text if _DOI_RE.search(text) else None)


# --- works that share a title --------------------------------------------------------------
#
# Two records with the same title and no arXiv id or DOI are one work only when what both know
# agrees: Bellman's "Dynamic Programming" is a 1957 book and a 1966 article.  A record that shares
# its title with a different work gets a key of its own, the title key with "#" and what tells
# it apart (its year, else its first author's surname, else a number): "title:dynamic
# programming#1966".  normalize_title never writes "#", so such a key is no other title's.
TWIN_MARK = "#"


def _surname(name: str) -> str:
    from .names import split_name  # names imports nothing from here; kept local all the same

    family = split_name(name).family or name
    folded = unicodedata.normalize("NFKD", family.split()[-1] if family.split() else family).casefold()
    return "".join(c for c in folded if c.isalnum())


def _year(p: "Paper") -> int | None:
    return int(p.published[:4]) if p.published[:4].isdigit() else None


def same_work(a: "Paper", b: "Paper") -> bool:
    """Whether two records that share a title can be the same work: their years (when both
    have one) are at most one apart -- a preprint and its publication --, their first
    authors (when both name one) have the same surname, and their kinds (when both files said
    one) are the same family (kinds.py: a book is not an article)."""
    if not kinds.compatible(a.kind, b.kind):
        return False
    ya, yb = _year(a), _year(b)
    if ya is not None and yb is not None and abs(ya - yb) > 1:
        return False
    if a.authors and b.authors and _surname(a.authors[0]) != _surname(b.authors[0]):
        return False
    return True


def twin_keys(p: "Paper") -> list[str]:
    """The keys twin_key tries first for ``p``: its title key marked with its year, then with
    its first author's surname (where an earlier capture of the same work most likely went)."""
    base = p.compute_key() or p.key
    marks = [str(_year(p))] if _year(p) is not None else []
    marks += [_surname(p.authors[0])] if p.authors and _surname(p.authors[0]) else []
    return [f"{base}{TWIN_MARK}{mark}" for mark in marks]


def twin_key(p: "Paper", taken) -> str:
    """A key for a title-only record whose title key belongs to a different work; ``taken``
    answers whether a key is in use."""
    for key in twin_keys(p):
        if not taken(key):
            return key
    base = p.compute_key() or p.key
    n = 2
    while taken(f"{base}{TWIN_MARK}{n}"):
        n += 1
    return f"{base}{TWIN_MARK}{n}"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


# --- the record -----------------------------------------------------------------------------

URL_KINDS = ("abs", "pdf", "hf", "code", "project")
USER_FIELDS = ("saved", "saved_at", "tags", "note", "read")
# Fields that record where/when a paper was seen; kept by the store, not by merge rules.
SEEN_FIELDS = ("sources", "seen_count", "first_seen", "last_seen")


@dataclass
class Source:
    """One page a paper was seen on."""

    site: str  # "huggingface", "arxiv", "web", "text", "import"
    url: str = ""
    first_seen: str = ""
    last_seen: str = ""


@dataclass
class Paper:
    title: str = ""
    arxiv_id: str | None = None
    doi: str | None = None
    authors: list[str] = field(default_factory=list)
    author_count: int | None = None  # when only a count is known ("5 authors")
    abstract: str = ""
    abstract_truncated: bool = False  # the page showed a cut-off abstract
    published: str = ""  # ISO date: YYYY-MM-DD, YYYY-MM or YYYY
    categories: list[str] = field(default_factory=list)  # primary first
    venue: str = ""
    kind: str = ""  # the family of work a file named (kinds.py); pages say none
    comments: str = ""
    journal_ref: str = ""
    pages: str = ""  # in its proceedings or journal: "1234-1250", as the page gives them
    urls: dict[str, str] = field(default_factory=dict)  # kinds in URL_KINDS
    # site -> the paper's own page on that site (its ACL Anthology page, its arXiv abstract, its
    # OpenReview forum): one per site, at most LINKS_LIMIT, so a merged record keeps each.
    links: dict[str, str] = field(default_factory=dict)
    upvotes: int | None = None
    github_stars: int | None = None
    organization: str = ""
    keywords: list[str] = field(default_factory=list)
    # where it was seen
    sources: list[Source] = field(default_factory=list)
    seen_count: int = 0
    first_seen: str = ""
    last_seen: str = ""
    # user data
    saved: bool = False
    saved_at: str | None = None
    tags: list[str] = field(default_factory=list)
    note: str = ""
    read: bool = False
    # set by the store
    key: str = ""
    added_at: str = ""
    updated_at: str = ""

    def __post_init__(self) -> None:
        cap_fields(self)
        self.title = clean_text(self.title)
        self.arxiv_id = normalize_arxiv_id(self.arxiv_id) or None
        self.doi = normalize_doi(self.doi)
        if not self.arxiv_id and self.doi:
            self.arxiv_id = normalize_arxiv_id(self.doi)
        self.authors = [clean_text(a) for a in self.authors if clean_text(a)]
        self.abstract = clean_text(self.abstract)
        for name in ("venue", "comments", "journal_ref", "pages", "published", "organization", "note"):
            if isinstance(getattr(self, name), str):
                setattr(self, name, scrub(getattr(self, name)))
        self.kind = kinds.clean(self.kind)
        self.tags = [scrub(t) for t in self.tags if isinstance(t, str)]
        self.keywords = [scrub(k) for k in self.keywords if isinstance(k, str)]
        self.categories = [scrub(c) for c in self.categories if isinstance(c, str)]
        self.urls = {k: scrub(v) for k, v in self.urls.items() if isinstance(v, str)}
        self.links = clean_links(self.links)
        for source in self.sources:
            source.url = scrub(source.url) if isinstance(source.url, str) else ""
        # Counts come from pages and files: keep them to what JSON tools read exactly.
        for name in ("author_count", "upvotes", "github_stars"):
            if not is_count(getattr(self, name)):
                setattr(self, name, None)
        if not is_count(self.seen_count):
            self.seen_count = 0
        if not self.key:
            self.key = self.compute_key() or ""

    def compute_key(self) -> str | None:
        return paper_key(self.arxiv_id, self.doi, self.title)

    @property
    def n_authors(self) -> int:
        return max(len(self.authors), self.author_count or 0)

    def to_dict(self) -> dict[str, Any]:
        # dataclasses.asdict deep-copies every value; this is the hot path of every capture.
        d = {name: getattr(self, name) for name in _PAPER_FIELDS}
        for name in ("authors", "categories", "keywords", "tags"):
            d[name] = list(d[name])
        d["urls"] = dict(self.urls)
        d["links"] = dict(self.links)
        d["sources"] = [
            {"site": s.site, "url": s.url, "first_seen": s.first_seen, "last_seen": s.last_seen} for s in self.sources
        ]
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Paper":
        values = {k: v for k, v in data.items() if k in _PAPER_FIELDS}
        for name in ("authors", "categories", "keywords", "tags"):  # never share lists with the store
            if name in values:
                values[name] = list(values[name] or [])
        values["urls"] = dict(values.get("urls") or {})
        values["links"] = dict(values.get("links") or {})
        values["sources"] = [
            s if isinstance(s, Source) else Source(**{k: v for k, v in s.items() if k in Source.__dataclass_fields__})
            for s in values.get("sources") or []
        ]
        return cls(**values)


_PAPER_FIELDS = tuple(f.name for f in dataclasses.fields(Paper))
_DEFAULTS = Paper().to_dict()


def paper_from_stored(doc: dict[str, Any]) -> Paper:
    """A Paper from a library document, which was normalised when it was stored.

    ``Paper.from_dict`` cleans every field again (whitespace in a 2 KB abstract, id regexes);
    for 20,000 records on an export that is most of the time, and it changes nothing here.
    """
    paper = Paper.__new__(Paper)
    values = {**_DEFAULTS, **doc}  # stored documents hold Paper fields only (they come from to_dict)
    for name in ("authors", "categories", "keywords", "tags"):  # never share lists with the store
        values[name] = list(values[name] or [])
    values["urls"] = dict(values["urls"] or {})
    values["links"] = dict(values["links"] or {})
    values["sources"] = [Source(s.get("site", ""), s.get("url", ""), s.get("first_seen", ""), s.get("last_seen", ""))
                         for s in values["sources"] or []]
    paper.__dict__.update(values)
    return paper


# The merge rules live in merging.py; importable from here as before.
from .merging import copy_clean, merge_metadata, merge_seen, merge_sources, merge_user  # noqa: E402,F401
