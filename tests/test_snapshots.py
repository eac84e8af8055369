"""Snapshots that copy unchanged papers, a keys file that spares parsing them at start-up, and
papers read from disk on demand: the library holds the same papers whichever way it was read."""

from __future__ import annotations

import os
import threading

import orjson
import pytest

from papershelf.papers import Paper, Source
from papershelf.store import Library, turns
from papershelf.store.snapshots import KEYS_NAME
from support import deleted_but_open, wait_for


def paper(i: int, **kw) -> Paper:
    return Paper(title=f"Paper {i} about walruses", arxiv_id=f"2501.{i:05d}", abstract=f"Abstract {i} " * 20,
                 authors=[f"Author {i}", "Ada Lovelace"], sources=[Source("arxiv", "https://arxiv.org/list")], **kw)


def contents(lib: Library) -> dict:
    return {p.key: p.to_dict() for p in lib.all()}


@pytest.fixture
def filled(tmp_path):
    data = tmp_path / "lib"
    with Library(data) as lib:
        lib.capture([paper(i) for i in range(40)])
        lib.set_saved(["arxiv:2501.00003", "arxiv:2501.00007"], True)
        lib.update("arxiv:2501.00003", tags=["zoo", "to read"], note="a note")
        lib.delete("arxiv:2501.00010")
        want = contents(lib)
    return data, want


def snapshot_papers(data) -> dict:
    tables = orjson.loads((data / "library.json").read_bytes())
    return {d["key"]: d for d in tables["papers"].values()}


def test_a_reopened_library_reads_its_keys_file_and_holds_no_documents(filled):
    data, want = filled
    with Library(data) as lib:
        assert lib._table.store.overlay == {}  # every paper is a stub; documents are read on demand
        assert contents(lib) == want
        assert lib.status(["arxiv:2501.00003"])["arxiv:2501.00003"] == {"saved": True, "tags": ["to read", "zoo"],
                                                                        "seen_count": 1}
        assert lib.counts() == {"papers": 39, "saved": 2, "read": 0}
    assert snapshot_papers(data) == {k: v for k, v in want.items()}


@pytest.mark.parametrize("damage", ["missing", "garbage", "another snapshot's"])
def test_without_a_good_keys_file_the_snapshot_is_read_line_by_line(filled, damage):
    data, want = filled
    keys = data / KEYS_NAME
    if damage == "missing":
        keys.unlink()
    elif damage == "garbage":
        keys.write_bytes(keys.read_bytes()[:1000])
    else:
        doc = orjson.loads(keys.read_bytes())
        doc["snapshot_id"] = "0" * 32
        keys.write_bytes(orjson.dumps(doc))
    with Library(data, read_only=True) as lib:
        assert contents(lib) == want
    with Library(data) as lib:  # and a writer puts a good one back
        assert contents(lib) == want
    with Library(data) as lib:
        assert lib._table.store.overlay == {} and contents(lib) == want


def test_a_snapshot_copies_unchanged_papers_and_writes_changed_ones(filled):
    data, want = filled
    with Library(data) as lib:
        lib.update("arxiv:2501.00020", note="changed after the first snapshot")
        lib.capture([paper(100), paper(5)])
        lib.delete("arxiv:2501.00030")
        lib.compact()
        store = lib._table.store
        assert store.overlay == {}
        want = contents(lib)
        # Every paper points into the new snapshot; the old one is closed; beside it only the
        # new pending file, empty.
        (snapshot_gen,) = set(store.files) - {store.pending_gen}
        assert {stub[0] for stub in store.stubs.values()} == {snapshot_gen}
        assert os.fstat(store.files[store.pending_gen].fileno()).st_size == 0
    assert snapshot_papers(data) == want
    with Library(data) as lib:
        assert contents(lib) == want


def test_changes_while_a_snapshot_is_written_are_kept(filled, monkeypatch):
    data, _ = filled
    from papershelf.store import snapshots

    lib = Library(data)
    try:
        started, go_on = threading.Event(), threading.Event()
        real = snapshots.write

        def slow_write(*args):
            started.set()
            go_on.wait(10)
            return real(*args)

        monkeypatch.setattr(snapshots, "write", slow_write)
        lib.update("arxiv:2501.00001", note="before")
        writer = threading.Thread(target=lib.compact)
        writer.start()
        assert started.wait(10)
        lib.update("arxiv:2501.00001", note="during")  # in memory, newer than what the snapshot writes
        lib.update("arxiv:2501.00002", note="during too")  # was only on disk when the snapshot began
        lib.delete("arxiv:2501.00004")
        go_on.set()
        writer.join()
        assert lib.get("arxiv:2501.00001").note == "during" and lib.get("arxiv:2501.00002").note == "during too"
        assert lib.get("arxiv:2501.00004") is None and lib.get("arxiv:2501.00005").title == "Paper 5 about walruses"
        want = contents(lib)
    finally:
        lib.close()
    with Library(data) as lib:
        assert contents(lib) == want


def test_a_damaged_snapshot_is_refused_even_with_its_keys_file(filled):
    data, _ = filled
    snapshot = data / "library.json"
    damaged = snapshot.read_bytes()[:-50]
    snapshot.write_bytes(damaged)
    from papershelf.store import LibraryError

    with pytest.raises(LibraryError, match="cannot read the library file"):
        Library(data)
    assert snapshot.read_bytes() == damaged


def test_an_import_writes_snapshot_bytes_in_proportion_to_the_library(tmp_path, monkeypatch):
    """A snapshot starts once the journal holds a quarter of the last one (no fixed cap: with
    one, a big import rewrote its whole snapshot every cap's worth, bytes growing as the square)."""
    from papershelf.store import journal

    sizes = []
    real = journal.DurableLog.write_snapshot

    def counted(self, *args, **kwargs):
        written = real(self, *args, **kwargs)
        sizes.append(self.snapshot_size())
        return written

    monkeypatch.setattr(journal.DurableLog, "write_snapshot", counted)
    with Library(tmp_path, compact_bytes=4000) as lib:
        for start in range(0, 3000, 100):
            lib.import_papers([Paper(title=f"Paper {n}", arxiv_id=f"2501.{n:05d}", abstract="w " * 300)
                               for n in range(start, start + 100)], clean=True)
            if lib._compactor:
                lib._compactor.join()  # each snapshot as soon as it is due (the most bytes)
    assert len(sizes) >= 5 and sum(sizes) <= 6 * sizes[-1], sizes


def _held_by_docs_py(run) -> int:
    import tracemalloc

    tracemalloc.start()
    try:
        run()
        return sum(s.size for s in tracemalloc.take_snapshot().statistics("filename")
                   if s.traceback[0].filename.endswith("store/docs.py"))
    finally:
        tracemalloc.stop()


def _thousand_papers():
    return [Paper(title=f"Paper {n}", arxiv_id=f"2501.{n:05d}", abstract="w " * 300) for n in range(1000)]


def test_documents_waiting_for_a_snapshot_are_not_held_in_memory(tmp_path):
    """They wait in the pending file beside the library (docs.py): an import of 1,000,000
    papers held up to a quarter of its snapshot (550 MB) in memory while the next one waited."""
    with Library(tmp_path, compact_bytes=10**9) as lib:
        held = _held_by_docs_py(lambda: lib.import_papers(_thousand_papers(), clean=True))
        store = lib._table.store
        assert store.overlay == {}
        assert {stub[0] for stub in store.stubs.values()} == {store.pending_gen}
        json_bytes = sum(stub[2] for stub in store.stubs.values())
        assert json_bytes > 500_000 and held < json_bytes / 4, (held, json_bytes)
        assert len(lib.all()) == 1000 and lib.get("arxiv:2501.00999").abstract.startswith("w w")
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith("tmp")]  # the file has no name
    with Library(tmp_path, read_only=True) as lib:
        assert len(lib.all()) == 1000


def test_a_reader_holds_the_journals_papers_as_no_more_than_their_json(tmp_path):
    """A library opened read-only (beside the server) keeps what the journal adds as JSON bytes,
    of their own size: orjson's bytes keep the 16 KB buffer they were written into (16,000
    imported papers held 250 MB, for 35 MB of JSON)."""
    with Library(tmp_path, compact_bytes=10**9) as writer:
        writer.import_papers(_thousand_papers(), clean=True)
        box = []
        held = _held_by_docs_py(lambda: box.append(Library(tmp_path, read_only=True)))
        with box[0] as reader:
            json_bytes = sum(map(len, reader._table.store.overlay.values()))
            assert len(reader.all()) == 1000
        assert json_bytes > 500_000 and held < 2 * json_bytes, (held, json_bytes)


def _rss_file_kb() -> int:
    for line in open("/proc/self/status"):
        if line.startswith("RssFile:"):
            return int(line.split()[1])
    pytest.skip("no RssFile in /proc/self/status")


def test_papers_are_read_through_the_snapshots_mapping_which_does_not_grow_the_process(tmp_path):
    """A snapshot never changes once written: papers are read from its mapping, holding the
    interpreter (docs.py), and the pages read leave the process's resident set again."""
    with Library(tmp_path) as lib:
        lib.import_papers(_thousand_papers(), clean=True)
    with Library(tmp_path) as lib:
        store = lib._table.store
        assert list(store.maps) == [1] and {stub[0] for stub in store.stubs.values()} == {1}
        before = _rss_file_kb()
        papers = lib.all()
        grown = _rss_file_kb() - before
        size_kb = (tmp_path / "library.json").stat().st_size // 1024
        assert len(papers) == 1000 and papers[-1].abstract.startswith("w w")
        assert size_kb > 500 and grown < size_kb / 4, (grown, size_kb)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_a_background_snapshot_frees_the_files_it_replaced_once_requests_fall_quiet(tmp_path, monkeypatch):
    """Freeing a file's blocks stalls every fsync on a disk mounted with ``discard``: a capture's
    journal fsync took 0.2 s after a 450 MB snapshot was replaced.  So a background snapshot
    keeps what it replaced open while a request runs and closes it once they fall quiet."""
    monkeypatch.setattr(turns, "LONGEST_PAUSE", 0.01)  # (the snapshot's own breaks: not waited for here)
    with Library(tmp_path, compact_bytes=4000) as lib:
        lib.capture([paper(i) for i in range(20)])
        if lib._compactor:
            lib._compactor.join()
        assert (tmp_path / KEYS_NAME).exists() and deleted_but_open(tmp_path) == set()
        replaced = {"library.json", KEYS_NAME, "library.journal.old"}
        with turns.foreground():  # a request, running
            lib.capture([paper(i) for i in range(20, 40)])
            snapshot = lib._compactor
            wait_for(lambda: deleted_but_open(tmp_path) == replaced, "the snapshot written, the old files held")
            assert snapshot.is_alive()
        wait_for(lambda: not snapshot.is_alive(), "the snapshot thread, once quiet", timeout=10)
        assert deleted_but_open(tmp_path) == set()
        assert len(lib.all()) == 40
