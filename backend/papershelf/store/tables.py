"""The papers table: TinyDB over the documents (a DocStore: small stubs in memory, documents
on disk), and the indexes that find one paper by key, DOI or title in O(1).

Documents are never changed in place: a write replaces the whole document.  That is what lets
readers (a search, a snapshot being written) hold plain references without copies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import MutableMapping
from operator import itemgetter
from typing import Callable, Iterable, Iterator

from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Document, Table

from ..papers import normalize_key
from .docs import DOI, KEY, READ, SAVED, SEEN, TAGS, TITLE, DocStore


class _InMemoryTable(Table):
    """A TinyDB table whose writes touch only the documents they change.

    TinyDB's ``Table._update_table`` copies the whole table twice per write (converting ids to
    int and back) because file storages need string keys; with a memory storage that makes a
    one-paper save O(library size).  Here the updater sees an int-keyed view of the live dict.
    """

    def _update_table(self, updater) -> None:
        tables = self._storage.read()
        updater(_IntKeyedView(tables.setdefault(self.name, {})))
        self.clear_cache()


class _IntKeyedView(MutableMapping):
    """The int doc-id view TinyDB's updaters expect, over the str-keyed stored table."""

    def __init__(self, raw: dict) -> None:
        self.raw = raw

    def __contains__(self, doc_id) -> bool:
        return str(doc_id) in self.raw

    def __getitem__(self, doc_id):
        return self.raw[str(doc_id)]

    def __setitem__(self, doc_id, doc) -> None:
        self.raw[str(doc_id)] = doc

    def __delitem__(self, doc_id) -> None:
        del self.raw[str(doc_id)]

    def __iter__(self):
        return (int(k) for k in self.raw)

    def __len__(self) -> int:
        return len(self.raw)


def title_index(stubs: tuple, pause: Callable[[], None] | None = None, step: int = 20_000) -> dict:
    """PaperTable.by_title for ``stubs``, ``step`` of them at a time, ``pause()`` between."""
    by_title: dict = {}
    named = 0
    for start in range(0, len(stubs), step):
        part = stubs[start:start + step]
        titles = list(map(itemgetter(TITLE), part))
        by_title.update(zip(titles, map(itemgetter(KEY), part)))
        named += len(titles) - titles.count(None) - titles.count("")
        if pause is not None:
            pause()
    by_title.pop(None, None)
    by_title.pop("", None)
    if len(by_title) != named:  # titles several papers share (rare): a set of keys each
        titles = list(map(itemgetter(TITLE), stubs))
        shared = {t for t, n in Counter(filter(None, titles)).items() if n > 1}
        for t, k in zip(titles, map(itemgetter(KEY), stubs)):
            if t in shared:
                found = by_title[t]
                by_title[t] = (found if isinstance(found, set) else set()) | {k}
    return by_title


class _MemoryDB(TinyDB):
    table_class = _InMemoryTable


class PaperTable:
    """The ``papers`` table (TinyDB over a DocStore) and its key, DOI and title indexes."""

    def __init__(self) -> None:
        self.db = _MemoryDB(storage=MemoryStorage)
        self.table = self.db.table("papers", cache_size=0)
        self.store = DocStore()
        self.doc_ids: dict[str, int] = {}  # key -> TinyDB doc id: O(1) lookups
        self.by_doi: dict[str, str] = {}  # doi -> key of the record that carries it
        self._by_title: dict[str, str | set[str]] | None = {}  # see by_title
        self.next_id = 1
        self.saved = self.read = 0  # kept up to date with every change: the popup asks often

    def load(self, store: DocStore, schema: int) -> None:
        """Take over ``store`` (as loaded) and index its papers."""
        self.store = store
        stubs = store.stubs
        # In bulk, in C (map/zip/itemgetter, no Python code per paper): this was most of a
        # start-up at 200,000.
        values = stubs.values()
        keys = list(map(itemgetter(KEY), values))
        self.doc_ids = dict(zip(keys, stubs))
        self.by_doi = {doi: key for doi, key in zip(map(itemgetter(DOI), values), keys) if doi}
        self._by_title = None
        self.saved = sum(map(itemgetter(SAVED), values))
        self.read = sum(map(itemgetter(READ), values))
        self.next_id = max(stubs, default=0) + 1
        self.db.storage.write({"papers": store, "_meta": {"1": {"schema": schema}}})

    @property
    def by_title(self) -> dict[str, str | set[str]]:
        """Normalised title -> key, or a set of keys when several records share it (rare: a set
        for every paper would cost 40 MB at 200,000).  Not built while opening (0.15 s of a
        start-up at 200,000) but once requests fall quiet (Library.warm_up), or at its first
        use.  Built from the stubs as they are then; adding a paper it already holds changes
        nothing (_index_add), so it may be built in the middle of a replace()."""
        if self._by_title is None:
            self._by_title = title_index(tuple(self.store.stubs.values()))
        return self._by_title

    def has_title_index(self) -> bool:
        return self._by_title is not None

    def set_title_index(self, by_title: dict) -> None:
        """(Caller holds the lock.)  ``by_title`` as title_index built it from the stubs as they are now."""
        self._by_title = by_title

    def title_keys(self, title: str) -> set[str]:
        found = self.by_title.get(title)
        return set() if found is None else ({found} if isinstance(found, str) else set(found))

    def docs(self) -> Iterator[dict]:
        """Every document, read one at a time (a pass over the snapshot: exports, read-only views)."""
        return self.store.values()

    def by_id(self, doc_id: int) -> dict | None:
        return self.store.get(doc_id)

    def counts(self) -> dict[str, int]:
        return {"papers": len(self.doc_ids), "saved": self.saved, "read": self.read}

    def status(self, keys: Iterable[str]) -> dict[str, dict]:
        out = {}
        stubs = self.store.stubs
        for key in keys:
            k = self.resolve(key)
            stub = stubs.get(self.doc_ids[k]) if k else None
            out[key] = {
                "saved": bool(stub and stub[SAVED]),
                "tags": list(stub[TAGS]) if stub else [],
                "seen_count": stub[SEEN] if stub else 0,
            }
        return out

    def raw(self, key: str) -> dict | None:
        doc_id = self.doc_ids.get(key)
        return None if doc_id is None else self.store.get(doc_id)

    def resolve(self, key: str) -> str | None:
        """The stored key for what a user or the extension names: any spelling of an arXiv id
        or DOI, a key; a DOI finds the arXiv record that carries it."""
        if key in self.doc_ids:  # a stored key as it is (the extension's badges): nothing to spell out
            return key
        k = normalize_key(key) or key
        if k in self.doc_ids:
            return k
        if k.startswith("doi:"):
            return self.by_doi.get(k[4:])
        return None

    def resolve_all(self, keys: Iterable[str]) -> list[str]:
        """Stored keys for ``keys``, each once, in order; unknown ones left out."""
        return list(dict.fromkeys(k for k in map(self.resolve, keys) if k))

    def assign_ids(self, docs: list[dict]) -> list[Document]:
        """Each document with its doc id: the one its key has, or a new one."""
        out = []
        for doc in docs:
            doc_id = self.doc_ids.get(doc["key"])
            if doc_id is None:
                doc_id, self.next_id = self.next_id, self.next_id + 1
            out.append(Document(doc, doc_id=doc_id))
        return out

    def replace(self, remove: list[str], insert: list[Document], known: dict[str, dict] | None = None) -> list[dict]:
        """Drop the documents of ``remove`` (keys) and insert ``insert``; returns the dropped ones
        (``known``: some of them as already read, key -> document, not read from disk again)."""
        known = known or {}
        old = [known.get(k) or self.raw(k) for k in remove]
        old_ids = [self.doc_ids[k] for k in remove]
        for doc_id in old_ids:
            self._index_remove(doc_id, self.store.stubs[doc_id])
        if old_ids:
            self.table.remove(doc_ids=old_ids)
        if insert:
            self.table.insert_multiple(insert)
        for d in insert:
            self._index_add(d.doc_id, self.store.stubs[d.doc_id])
        return old

    def _index_add(self, doc_id: int, stub: tuple) -> None:
        key = stub[KEY]
        self.doc_ids[key] = doc_id
        if stub[DOI]:
            self.by_doi[stub[DOI]] = key
        t = stub[TITLE]
        if t:
            found = self.by_title.get(t)
            if found is None or found == key:
                self.by_title[t] = key
            elif isinstance(found, str):
                self.by_title[t] = {found, key}
            else:
                found.add(key)
        self.saved += stub[SAVED]
        self.read += stub[READ]

    def _index_remove(self, doc_id: int, stub: tuple) -> None:
        key = stub[KEY]
        self.doc_ids.pop(key, None)
        if stub[DOI] and self.by_doi.get(stub[DOI]) == key:
            del self.by_doi[stub[DOI]]
        t = stub[TITLE]
        found = self.by_title.get(t) if t else None
        if found == key:
            del self.by_title[t]
        elif isinstance(found, set):
            found.discard(key)
            if len(found) == 1:
                self.by_title[t] = next(iter(found))
        self.saved -= stub[SAVED]
        self.read -= stub[READ]


def clean_tags(tags: Iterable[str]) -> list[str]:
    return sorted({" ".join(str(t).split()) for t in tags if str(t).strip()})
