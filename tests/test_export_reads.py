"""The export read path (Library.ordered, store/docs.py spots): documents are read without the
library's lock, and a snapshot that replaces the file they were read from meanwhile makes the
chunk read again under the lock, never a wrong document."""

from __future__ import annotations

import pytest

from papershelf.papers import Paper
from papershelf.query import PaperQuery
from papershelf.store import Library


def make(n: int) -> list[Paper]:
    return [Paper(title=f"Paper number {i}", arxiv_id=f"2401.{i:05d}", authors=["Ada Lovelace"], abstract="x" * 200,
                  saved=True, saved_at=f"2024-01-01T00:{i // 60 % 60:02d}:{i % 60:02d}Z") for i in range(n)]


@pytest.mark.parametrize("when", ["before the reads", "after the reads"])
def test_an_export_read_survives_a_snapshot_that_replaces_the_file_it_reads(tmp_path, monkeypatch, when):
    with Library(tmp_path / "lib") as lib:
        lib.import_papers(make(300))
    lib = Library(tmp_path / "lib")  # reopened: every document is in the snapshot file
    try:
        store = lib._table.store
        real = store.read_spots
        snapshots, changed = [], []

        def read_with_a_snapshot_beside(spots):
            # The second chunk's reads meet a snapshot (a capture beside the export set it off):
            # the file its spots name is closed before they read it, or after.
            if not snapshots and read_with_a_snapshot_beside.calls == 1:
                key = lib._table.store.stubs[next(iter(lib._table.store.stubs))][3]
                lib.update(key, note="changed while the export reads")
                changed.append(key)
                if when == "before the reads":
                    lib.compact()
                    snapshots.append(1)
                    return real(spots)
                got = real(spots)
                lib.compact()
                snapshots.append(1)
                return got
            read_with_a_snapshot_beside.calls += 1
            return real(spots)

        read_with_a_snapshot_beside.calls = 0
        monkeypatch.setattr(store, "read_spots", read_with_a_snapshot_beside)
        count, docs = lib.ordered(PaperQuery(saved=None, sort="title", descending=False), chunk=50)
        got = list(docs)
        assert snapshots == [1]
        assert count == 300 and [d["key"] for d in got] == [d["key"] for d in sorted(got, key=lambda d: d["title"])]
        assert len({d["key"] for d in got}) == 300
        for d in got:  # each document as stored (the one changed meanwhile was read before or after)
            if d["key"] not in changed:
                assert d == lib._table.raw(d["key"])
    finally:
        lib.close()


def test_reads_of_a_closed_file_are_refused_and_the_spots_no_longer_valid(tmp_path):
    with Library(tmp_path / "lib") as lib:
        lib.import_papers(make(10))
    lib = Library(tmp_path / "lib")
    try:
        store = lib._table.store
        with lib._lock:
            spots = store.spots(list(store.stubs) + [10**9])  # an unknown id is left out
        assert len(spots) == 10 and store.spots_valid(spots)
        assert store.read_spots(spots) == [store.json_of(i) for i in store.stubs]
        lib.update(next(iter(lib._table.doc_ids)), note="n")
        lib.compact()
        assert not store.spots_valid(spots)
        assert store.read_spots(spots) is None  # the file is closed
    finally:
        lib.close()


def test_documents_read_again_come_in_the_order_asked_without_the_deleted(tmp_path):
    with Library(tmp_path / "lib") as lib:
        lib.import_papers(make(150))
        keys = [p.key for p in make(150)][::-1]
        lib.delete(keys[3])
        got = list(lib.documents_again(keys + ["arxiv:9999.99999"], chunk=16))
        assert [d["key"] for d in got] == keys[:3] + keys[4:]
        assert all(d == lib._table.raw(d["key"]) for d in got)
