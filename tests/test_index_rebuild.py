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
