"""The papers in memory: a TinyDB table over the loaded documents, and the indexes that find
one paper by key, DOI or title in O(1).

Documents are never changed in place: a write replaces the whole document.  That is what lets
readers (a search, a snapshot being written) hold plain references without copies.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Iterable

from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Document, Table

from ..papers import normalize_key, normalize_title


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


class _MemoryDB(TinyDB):
    table_class = _InMemoryTable


class PaperTable:
    """The ``papers`` table (TinyDB, in memory) and its key, DOI and title indexes."""

    def __init__(self) -> None:
        self.db = _MemoryDB(storage=MemoryStorage)
        self.table = self.db.table("papers", cache_size=0)
        self.doc_ids: dict[str, int] = {}  # key -> TinyDB doc id: O(1) lookups
        self.by_doi: dict[str, str] = {}  # doi -> key of the record that carries it
        self.by_title: dict[str, set[str]] = {}  # normalised title -> keys
        self.next_id = 1
        self.saved = self.read = 0  # kept up to date with every change: the popup asks often

    def load(self, papers: dict[str, dict], schema: int) -> None:
        """Take over ``papers`` (doc id -> document, as loaded) and index them."""
        for doc_id, doc in papers.items():
            self._index_add(doc["key"], int(doc_id), doc)
            self.next_id = max(self.next_id, int(doc_id) + 1)
            self._count(doc, 1)
        self.db.storage.write({"papers": papers, "_meta": {"1": {"schema": schema}}})

    def raw_table(self) -> dict[str, dict]:
        """The live doc id -> document dict: read-only for callers."""
        return self.db.storage.read()["papers"]

    def docs(self) -> list[dict]:
        """The stored documents themselves, not copies (``Table.all()`` copies every one)."""
        return list(self.raw_table().values())

    def by_id(self, doc_id: int) -> dict | None:
        return self.raw_table().get(str(doc_id))

    def counts(self) -> dict[str, int]:
        return {"papers": len(self.doc_ids), "saved": self.saved, "read": self.read}

    def status(self, keys: Iterable[str]) -> dict[str, dict]:
        out = {}
        for key in keys:
            k = self.resolve(key)
            doc = self.raw(k) if k else None
            out[key] = {
                "saved": bool(doc and doc.get("saved")),
                "tags": list(doc.get("tags", [])) if doc else [],
                "seen_count": doc.get("seen_count", 0) if doc else 0,
            }
        return out

    def _count(self, doc: dict, sign: int) -> None:
        self.saved += sign * bool(doc.get("saved"))
        self.read += sign * bool(doc.get("read"))

    def raw(self, key: str) -> dict | None:
        doc_id = self.doc_ids.get(key)
        return None if doc_id is None else self.table.get(doc_id=doc_id)

    def resolve(self, key: str) -> str | None:
        """The stored key for what a user or the extension names: any spelling of an arXiv id
        or DOI, a key; a DOI finds the arXiv record that carries it."""
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

    def replace(self, remove: list[str], insert: list[Document]) -> list[dict]:
        """Drop the documents of ``remove`` (keys) and insert ``insert``; returns the dropped ones."""
        old = [self.raw(k) for k in remove]
        old_ids = [self.doc_ids[k] for k in remove]
        for k, doc in zip(remove, old):
            self._index_remove(k, doc)
            self._count(doc, -1)
        if old_ids:
            self.table.remove(doc_ids=old_ids)
        if insert:
            self.table.insert_multiple(insert)
        for d in insert:
            self._index_add(d["key"], d.doc_id, d)
            self._count(d, 1)
        return old

    def _index_add(self, key: str, doc_id: int, doc: dict) -> None:
        self.doc_ids[key] = doc_id
        if doc.get("doi"):
            self.by_doi[doc["doi"]] = key
        t = normalize_title(doc.get("title"))
        if t:
            self.by_title.setdefault(t, set()).add(key)

    def _index_remove(self, key: str, doc: dict) -> None:
        self.doc_ids.pop(key, None)
        if doc.get("doi") and self.by_doi.get(doc["doi"]) == key:
            del self.by_doi[doc["doi"]]
        t = normalize_title(doc.get("title"))
        if t and t in self.by_title:
            self.by_title[t].discard(key)
            if not self.by_title[t]:
                del self.by_title[t]


def clean_tags(tags: Iterable[str]) -> list[str]:
    return sorted({" ".join(str(t).split()) for t in tags if str(t).strip()})
