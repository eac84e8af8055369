"""An index that must be built again (a new layout after an upgrade, another library's file) is
built behind an open library: the library answers at once, from a pass over its papers, until
the new index holds every change; a crash meanwhile leaves a library that opens and builds it
again.  The rebuild is held back by holding the index file's write lock from the test (SQLite
waits for it), so "meanwhile" is a state the test controls, not a race."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from papershelf.papers import Paper, Source
from papershelf.query import PaperQuery
from papershelf.store import Library
from papershelf.store import indexer as indexer_module
from papershelf.store import library as library_module
from papershelf.store.index import INDEX_NAME
from support import LiveServer
from test_search_index import make_papers


def held_by_another_library(data_dir) -> sqlite3.Connection:
    """Mark the index as another library's (it must be built again) and hold its write lock."""
    db = sqlite3.connect(data_dir / INDEX_NAME, isolation_level=None, timeout=30)
    db.execute("UPDATE meta SET library_id = 'another library', seq = 0")
    db.execute("BEGIN IMMEDIATE")
    return db


def index_state(data_dir) -> tuple:
    db = sqlite3.connect(data_dir / INDEX_NAME, timeout=30)
    try:
        return db.execute("SELECT library_id, seq FROM meta").fetchone()
    finally:
        db.close()


def keys(page) -> list[str]:
    return [d["key"] for d in page]


def test_the_library_answers_while_its_index_is_built_again(tmp_path, monkeypatch):
    monkeypatch.setattr(library_module, "REBUILD_AT_OPEN", 0)
    with Library(tmp_path) as lib:
        lib.import_papers(make_papers(300))
    lock = held_by_another_library(tmp_path)
    lib = Library(tmp_path)  # does not wait for the index
    try:
        assert not lib._indexer.ready
        query = PaperQuery(q="zebra", saved=None, limit=20, offset=5, sort="title")
        total, page = lib.find(query)
        assert total > 25 and len(page) == 20
        assert (total, keys(page)) == (lib._views.find(lib._seq, query)[0], keys(lib._views.find(lib._seq, query)[1]))
        assert len(lib.keys(PaperQuery(saved=None))) == 300 and lib.stats()["papers"] == 300
        # Writes are not held up by the rebuild; they reach the index once it is built.
        new = lib.capture([Paper(title="Quokka rebuilt", arxiv_id="2409.00001", sources=[Source("arxiv", "https://a")])])
        lib.set_saved([new[0].key], True)
        assert keys(lib.find(PaperQuery(q="quokka", saved=True))[1]) == [new[0].key]
        assert not lib._indexer.ready and index_state(tmp_path)[0] == "another library"
        lock.execute("ROLLBACK")
        assert lib._indexer.wait_for(lib._seq) and lib._indexer.ready
        assert lib._index.find(PaperQuery(q="quokka", saved=True))[0] == 1  # the index itself
        for q in ("zebra", "graph", "author3", ""):
            query = PaperQuery(q=q, saved=None, limit=50, sort="title")
            assert keys(lib.find(query)[1]) == keys(lib._views.find(lib._seq, query)[1]), q
        assert index_state(tmp_path) == (lib._library_id, lib._seq)
    finally:
        lock.close()
        lib.close()


def test_a_server_killed_while_building_its_index_opens_and_builds_it_again(tmp_path):
    n = library_module.REBUILD_AT_OPEN + 200  # big enough to be built behind the server
    with Library(tmp_path) as lib:
        lib.import_papers(make_papers(n))
        library_id = lib._library_id
        zebras = lib.find(PaperQuery(q="zebra", saved=None, limit=0))[0]
    lock = held_by_another_library(tmp_path)
    server = LiveServer(tmp_path).start()  # answers while the index waits for its lock
    try:
        status, found = server.api("GET", "/api/papers?saved=all&q=zebra&limit=5")
        assert status == 200 and found["total"] == zebras
        target = found["papers"][0]["key"]
        assert server.api("POST", "/api/save", json={"keys": [target]})[0] == 200
        server.kill()  # kill -9 in the middle of the rebuild
    finally:
        server.kill()
        lock.execute("ROLLBACK")
        lock.close()
    assert index_state(tmp_path)[0] != library_id  # the rebuild was rolled back
    server = LiveServer(tmp_path).start()
    try:
        deadline = time.monotonic() + 120
        while index_state(tmp_path)[0] != library_id:  # built again, in the background
            assert time.monotonic() < deadline, "the index was not built again"
            time.sleep(0.05)
        status, saved = server.api("GET", "/api/papers?saved=1&q=zebra")
        assert status == 200 and [p["key"] for p in saved["papers"]] == [target]
    finally:
        server.stop()
    with Library(tmp_path) as lib:  # current: opens without building anything
        assert lib._indexer.ready and index_state(tmp_path) == (library_id, lib._seq)
        assert lib.find(PaperQuery(q="zebra", saved=None, limit=0))[0] == zebras


def test_waiting_for_the_index_waits_for_the_rebuild(tmp_path):
    """Until the rebuild is done the index holds no change: a caller that waits for it (a bench
    closing a library once it is indexed, an import's slice) waits for the rebuild, and closing
    afterwards leaves an index of today's layout that the next start does not build again."""
    import sqlite3

    from papershelf.store import Library
    from papershelf.store.index import LAYOUT

    data = tmp_path / "lib"
    with Library(data) as lib:
        lib.import_papers([Paper(title=f"Paper {i} on zebras", arxiv_id=f"2501.{i:05d}") for i in range(1500)])
    index = data / "library.index.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{index}{suffix}").unlink(missing_ok=True)
    lib = Library(data)
    try:
        assert lib._indexer is not None
        lib._wait_for_index()
        assert lib._indexer.ready and not lib._indexer.failed
    finally:
        lib.close()
    db = sqlite3.connect(index)
    try:
        assert db.execute("SELECT layout FROM meta").fetchone()[0] == LAYOUT
        assert db.execute("SELECT count(*) FROM papers").fetchone()[0] == 1500
    finally:
        db.close()


def gated_rebuild(monkeypatch, gates: dict):
    """The rebuild, held before its slice number n (1, 2, ...) until gates[n] is set; it sets
    ``reached[n]`` when it gets there.  Returns ``reached``."""
    import threading

    reached = {n: threading.Event() for n in gates}
    original = indexer_module.rebuild

    def gated(index, library_id, seq, ids, store, lock, stopping):
        calls = 0

        def gate() -> bool:
            nonlocal calls
            calls += 1
            if calls in gates:
                reached[calls].set()
                assert gates[calls].wait(60), f"slice {calls} was never let through"
            return stopping()

        original(index, library_id, seq, ids, store, lock, gate)

    monkeypatch.setattr(indexer_module, "rebuild", gated)
    return reached


def test_a_big_write_while_the_index_is_rebuilt_does_not_wait_for_it(tmp_path, monkeypatch):
    """A writer holds the library's lock and the rebuild reads under it: a writer past the
    pending limit must not wait for the index then (each would wait for the other)."""
    import threading

    from papershelf.store import indexer as indexer_module

    monkeypatch.setattr(library_module, "REBUILD_AT_OPEN", 0)
    with Library(tmp_path) as lib:
        lib.import_papers(make_papers(300))
    db = sqlite3.connect(tmp_path / INDEX_NAME)  # another library's index: built again
    db.execute("UPDATE meta SET library_id = 'another library', seq = 0")
    db.commit()
    db.close()
    monkeypatch.setattr(indexer_module, "MAX_PENDING", 10)
    go = threading.Event()
    reached = gated_rebuild(monkeypatch, {1: go})
    lib = Library(tmp_path)
    try:
        assert reached[1].wait(30)
        done = threading.Event()
        worker = threading.Thread(target=lambda: (lib.import_papers(
            [Paper(title=f"Numbat {i}", arxiv_id=f"2410.{i:05d}") for i in range(50)]), done.set()), daemon=True)
        worker.start()
        assert done.wait(60), "the import waited for the rebuild, which waits for the import's lock"
        go.set()
        lib._wait_for_index()
        assert lib._indexer.ready
        assert lib.find(PaperQuery(q="numbat", saved=None, limit=100))[0] == 50
    finally:
        go.set()
        lib.close()


def test_a_paper_changed_and_changed_back_during_the_rebuild_is_indexed_as_it_is(tmp_path, monkeypatch):
    """Pending changes start from the paper as it was before them; the rebuild may have read a
    version in between. Saved, then unsaved again after the rebuild read it as saved (and a tag
    added, then removed): the index must say unsaved and untagged, as the library does."""
    import threading

    monkeypatch.setattr(library_module, "REBUILD_AT_OPEN", 0)
    with Library(tmp_path) as lib:
        lib.import_papers(make_papers(300))
        key = lib.all()[0].key  # in the rebuild's first slice
    db = sqlite3.connect(tmp_path / INDEX_NAME)
    db.execute("UPDATE meta SET library_id = 'another library', seq = 0")
    db.commit()
    db.close()
    first, second = threading.Event(), threading.Event()
    reached = gated_rebuild(monkeypatch, {1: first, 2: second})
    lib = Library(tmp_path)
    try:
        assert reached[1].wait(30)
        was_saved = lib.get(key).saved
        lib.set_saved([key], not was_saved)
        lib.update(key, tags=["x"])
        first.set()  # the first slice is read with the paper changed
        assert reached[2].wait(30)
        lib.set_saved([key], was_saved)
        lib.update(key, tags=[])
        second.set()
        lib._wait_for_index()
        assert lib._indexer.ready
        in_index = keys(lib.find(PaperQuery(saved=True, limit=1000))[1])
        assert (key in in_index) == was_saved
        assert "x" not in {t["tag"] for t in lib.all_tags()}
    finally:
        first.set()
        second.set()
        lib.close()
