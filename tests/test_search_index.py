"""The search index is derived: it answers like a pass over the papers, and after a crash, a
restore or damage it is caught up or built again, never believed when it disagrees."""

from __future__ import annotations

import random
import shutil
import sqlite3

import pytest
from werkzeug.datastructures import MultiDict

from papershelf.papers import Paper, Source
from papershelf.query import PaperQuery
from papershelf.store import Library

WORDS = "graph Graphs zebra Über straße naïve RL 3d attention model Müller x".split()


def make_papers(n: int, seed: int = 3) -> list[Paper]:
    rng = random.Random(seed)
    papers = []
    for i in range(n):
        site = rng.choice(["huggingface", "arxiv", "text"])
        papers.append(Paper(
            title=" ".join(rng.choice(WORDS) for _ in range(4)) + f" {i}",
            arxiv_id=f"2402.{i:05d}" if site != "text" else None,
            authors=[f"{rng.choice(WORDS)} Author{i % 7}"],
            abstract=" ".join(rng.choice(WORDS) for _ in range(12)),
            published=rng.choice(["", "2023-05-01", "2024-01-15", "2024-02", "2025-03-09"]),
            upvotes=rng.choice([None, 0, 5, 50]),
            sources=[Source(site, f"https://example.org/{site}")],
        ))
    return papers


@pytest.fixture
def filled(tmp_path):
    lib = Library(tmp_path / "lib")
    papers = make_papers(240)
    lib.capture(papers[:200])
    lib.import_papers(papers[200:])
    rng = random.Random(5)
    keys = [p.key for p in papers]
    lib.set_saved(rng.sample(keys, 90), True)
    for key in rng.sample(keys, 40):
        lib.update(key, tags=rng.sample(["to read", "graphs", "Zebra", "é"], rng.randint(1, 3)),
                   note=rng.choice(["", "noted: straße", "RL idea"]), read=rng.random() < 0.5)
    lib.capture(papers[10:30])  # seen again: counts and dates move
    lib.delete(keys[7])
    yield lib
    lib.close()


QUERIES = [dict(zip(("q", "saved", "sort", "order", "tag", "source", "from", "to", "read"), combo)) for combo in [
    ("", "1", "saved", "desc", "", "", "", "", "all"),
    ("", "all", "seen", "desc", "", "", "", "", "all"),
    ("graph", "all", "title", "asc", "", "", "", "", "all"),
    ("GRAPH zebra", "all", "published", "desc", "", "", "", "", "all"),
    ("über", "all", "upvotes", "desc", "", "", "", "", "all"),
    ("strasse", "all", "added", "asc", "", "", "", "", "all"),
    ("straße", "all", "seen_count", "desc", "", "", "", "", "all"),
    ("rl", "all", "seen", "asc", "", "", "", "", "all"),
    ("3d model", "0", "title", "desc", "", "", "", "", "all"),
    ("x", "all", "saved", "asc", "", "", "", "", "1"),
    ("", "all", "published", "asc", "", "", "2024-01-01", "2024-12", "all"),
    ("", "all", "title", "asc", "graphs", "", "", "", "all"),
    ("", "all", "upvotes", "asc", "to read", "huggingface", "", "", "0"),
    ("author3", "1", "saved", "desc", "", "arxiv", "2024", "", "all"),
    ("arxiv:2402.0001", "all", "seen", "desc", "", "", "", "", "all"),
    ('"quoted" OR', "all", "seen", "desc", "", "", "", "", "all"),
    ("noted:", "all", "seen", "desc", "Zebra", "", "", "", "all"),
]]


@pytest.mark.parametrize("args", QUERIES, ids=lambda a: f"{a['q'] or '-'}/{a['sort']}/{a['order']}")
def test_the_index_answers_as_a_pass_over_the_papers_does(filled, args):
    assert filled._index is not None
    for limit, offset in ((50, 0), (7, 3), (1000, 0), (10, 230)):
        query = PaperQuery.from_args(MultiDict({**args, "limit": str(limit), "offset": str(offset)}))
        total, page = filled.find(query)
        want_total, want_page = filled._views.find(filled._seq, query)
        assert (total, [d["key"] for d in page]) == (want_total, [d["key"] for d in want_page])
        count, docs = filled.ordered(query, chunk=16)
        assert count == want_total and [d["key"] for d in docs] == \
            [d["key"] for d in filled._views.ordered(filled._seq, query)]
    assert filled.all_tags() == filled._views.tag_counts()
    assert filled.stats()["tags"] == filled._views.tag_counts(20)


def keys_found(lib: Library, q: str) -> list[str]:
    return [d["key"] for d in lib.find(PaperQuery(q=q, saved=None, limit=1000))[1]]


def index_state(lib_dir) -> tuple:
    db = sqlite3.connect(lib_dir / "library.index.sqlite")
    try:
        return db.execute("SELECT library_id, seq FROM meta").fetchone()
    finally:
        db.close()


def test_an_index_left_behind_by_a_crash_is_caught_up_from_the_journal(tmp_path, monkeypatch):
    lib = Library(tmp_path)
    lib.capture(make_papers(20))
    lib._wait_for_index()
    # The process dies after the journal's fsync and before the index's commit.
    monkeypatch.setattr("papershelf.store.index.SearchIndex.apply",
                        lambda *a: (_ for _ in ()).throw(sqlite3.OperationalError("disk I/O error")))
    lib.capture([Paper(title="Walrus tusks", arxiv_id="2501.99999")])
    lib._wait_for_index()  # the index is written behind the journal, in a thread of its own
    monkeypatch.undo()
    assert lib._index is None and keys_found(lib, "walrus") == ["arxiv:2501.99999"]  # searched in memory
    seq = lib._seq
    lib._log.close()  # dies: no snapshot, no clean close
    lib._index_file.close()
    assert index_state(tmp_path)[1] == seq - 1
    with Library(tmp_path) as again:
        assert again._index is not None and index_state(tmp_path)[1] == seq
        assert keys_found(again, "walrus") == ["arxiv:2501.99999"]


def test_an_index_that_is_not_this_librarys_is_built_again(tmp_path):
    with Library(tmp_path / "a") as a:
        a.capture([Paper(title="Only in A", arxiv_id="2501.00001")])
    with Library(tmp_path / "b") as b:
        b.capture([Paper(title="Only in B", arxiv_id="2501.00002")])
    shutil.copy(tmp_path / "a" / "library.index.sqlite", tmp_path / "b" / "library.index.sqlite")
    with Library(tmp_path / "b") as b:
        assert keys_found(b, "only") == ["arxiv:2501.00002"]


def test_an_older_library_restored_under_a_newer_index_gets_a_fresh_index(tmp_path):
    backup = tmp_path / "backup"
    with Library(tmp_path / "lib") as lib:
        lib.capture([Paper(title="Kept paper", arxiv_id="2501.00001")])
    shutil.copytree(tmp_path / "lib", backup, ignore=shutil.ignore_patterns("library.index*", "library.lock"))
    with Library(tmp_path / "lib") as lib:
        lib.capture([Paper(title="Later paper", arxiv_id="2501.00002")])
    for name in ("library.json", "library.journal"):
        shutil.copy(backup / name, tmp_path / "lib" / name)
    with Library(tmp_path / "lib") as lib:
        assert keys_found(lib, "paper") == ["arxiv:2501.00001"]


@pytest.mark.parametrize("damage", [b"", b"not a database at all" * 100])
def test_a_damaged_index_is_built_again_and_the_library_opens(tmp_path, damage):
    with Library(tmp_path) as lib:
        lib.capture([Paper(title="Survivor", arxiv_id="2501.00001")])
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"library.index.sqlite{suffix}").unlink(missing_ok=True)
    (tmp_path / "library.index.sqlite").write_bytes(damage)
    with Library(tmp_path) as lib:
        assert lib._index is not None and keys_found(lib, "surviv") == ["arxiv:2501.00001"]


def test_a_reader_beside_the_writer_searches_the_papers_it_loaded(tmp_path):
    with Library(tmp_path) as lib:
        lib.capture(make_papers(30))
        lib._wait_for_index()  # the index is written behind the journal, in the indexer's thread
        with Library(tmp_path, read_only=True) as reader:
            assert reader._index is not None  # the writer's index holds what the reader loaded
            query = PaperQuery(q="graph", saved=None, limit=1000)
            loaded = [d["key"] for d in reader.find(query)[1]]
            assert loaded == [d["key"] for d in lib.find(query)[1]] and loaded
            assert reader.stats() == lib.stats()
            lib.capture([Paper(title="A graph written later", arxiv_id="2502.00001")])
            lib._wait_for_index()
            # The writer moved on: the reader answers from the papers it loaded, without the index.
            assert [d["key"] for d in reader.find(query)[1]] == loaded and reader._index is None
            assert [d["key"] for d in reader.ordered(query)[1]] == loaded


def test_counts_follow_every_change(filled):
    docs = list(filled._table.docs())
    assert filled.counts() == {"papers": len(docs), "saved": sum(bool(d.get("saved")) for d in docs),
                               "read": sum(bool(d.get("read")) for d in docs)}


def test_search_terms_are_never_index_syntax(filled):
    for q in ['"', 'a"b', "NEAR(", "*", "^x", "a:b", "(", "-", "OR", "AND NOT"]:
        query = PaperQuery(q=q, saved=None)
        assert filled.find(query)[0] == filled._views.find(filled._seq, query)[0]


