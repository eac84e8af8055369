"""A library written by PaperShelf 0.1.0 (tests/fixtures/library_v1, see its README) opens in
this one, keeps every paper and flag, and is upgraded in place; a crash during the upgrade
leaves the old library usable."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest
from tinydb import TinyDB

from papershelf.store import Library, LibraryError

FIXTURE = Path(__file__).parent / "fixtures" / "library_v1"


@pytest.fixture
def old_library(tmp_path) -> Path:
    data = tmp_path / "lib"
    shutil.copytree(FIXTURE, data, ignore=shutil.ignore_patterns("README.md"))
    return data


def check_contents(lib: Library) -> None:
    assert len(lib) == 37
    assert lib.counts() == {"papers": 37, "saved": 12, "read": 1}
    p = lib.get("arxiv:2501.00003")
    assert p.saved and p.tags == ["graphs", "to read"] and p.note == "A note about unicorns"
    assert p.title == "Paper number 3 on zebras" and p.authors == ["Author 3", "Ada Lovelace"]
    assert lib.get("arxiv:2501.00006").read
    journalled = lib.get("arxiv:2501.00031")  # from the journal, not the snapshot
    assert journalled.saved and journalled.note == "Journalled note about walruses" and journalled.tags == ["journal"]
    assert lib.get("arxiv:2501.00029") is None  # deleted in the journal
    assert lib.get("doi:10.1000/xyz123").saved  # a stub saved by DOI
    assert lib.get("title:a title-only paper").seen_count == 1
    assert {t["tag"]: t["count"] for t in lib.stats()["tags"]} == {"graphs": 2, "to read": 1, "journal": 1}


def test_a_library_from_the_previous_release_opens_with_everything_in_it(old_library, clock):
    with Library(old_library) as lib:
        check_contents(lib)
        # Capture ids it remembered still spare a double count.
        page = [lib.get("arxiv:2501.00030")]
        assert lib.capture(page, capture_id="cap-2")[0].seen_count == 1
        clock.next_day()
        assert lib.capture(page, capture_id="cap-new")[0].seen_count == 2


def test_it_is_upgraded_in_place_and_opens_again(old_library):
    old_snapshot = (old_library / "library.json").read_bytes()
    with Library(old_library) as lib:
        check_contents(lib)
    # Opening wrote the snapshot in today's layout (one paper per line, with the library's id),
    # still an ordinary TinyDB JSON file, and built the search index beside it.
    assert (old_library / "library.journal").stat().st_size == 0
    new_snapshot = (old_library / "library.json").read_bytes()
    assert new_snapshot != old_snapshot and new_snapshot.count(b"\n") >= 37
    data = orjson.loads(new_snapshot)
    assert data["_meta"]["1"]["schema"] == 1 and len(data["papers"]) == 37
    assert data["_meta"]["1"]["library_id"]
    assert TinyDB(old_library / "library.json", access_mode="r").table("papers").count(lambda d: d["saved"]) == 12
    assert (old_library / "library.index.sqlite").exists()
    with Library(old_library) as lib:
        check_contents(lib)
    with Library(old_library, read_only=True) as lib:
        check_contents(lib)


def test_a_crash_during_the_upgrade_leaves_the_old_library_usable(old_library, monkeypatch):
    before = {p.name: p.read_bytes() for p in old_library.iterdir()}

    def crash(self, table, seq, captures, library_id):  # the process dies half-way through the snapshot
        tmp = self.snapshot_path.with_suffix(".json.tmp")
        tmp.write_bytes(orjson.dumps({"_meta": {"1": {"schema": 1, "seq": seq}}})[:20])
        raise KeyboardInterrupt

    monkeypatch.setattr("papershelf.store.journal.DurableLog.write_snapshot", crash)
    with pytest.raises(KeyboardInterrupt):
        Library(old_library)
    monkeypatch.undo()
    # The snapshot and the journal are untouched.
    for name, content in before.items():
        assert (old_library / name).read_bytes() == content
    with Library(old_library) as lib:
        check_contents(lib)
    with Library(old_library) as lib:
        check_contents(lib)


def test_a_damaged_old_library_is_refused_and_left_untouched(old_library):
    snapshot = old_library / "library.json"
    damaged = snapshot.read_bytes()[:-100]
    snapshot.write_bytes(damaged)
    with pytest.raises(LibraryError, match="cannot read the library file"):
        Library(old_library)
    assert snapshot.read_bytes() == damaged


def _old_snapshot(path: Path, papers: dict, meta_last: bool = False) -> None:
    """A 0.1.0 snapshot as TinyDB wrote it: one line, tables in the order given."""
    meta = {"1": {"schema": 1, "seq": 1, "app": "papershelf", "captures": []}}
    tables = {"papers": papers, "_meta": meta} if meta_last else {"_meta": meta, "papers": papers}
    path.mkdir()
    (path / "library.json").write_bytes(orjson.dumps(tables))


def test_the_old_snapshot_is_streamed_paper_by_paper_into_the_same_documents(old_library, tmp_path):
    from papershelf.store import snapshots

    whole = orjson.loads((old_library / "library.json").read_bytes())
    back = snapshots.read(old_library / "library.json")
    try:
        assert back.layout == "whole" and back.meta == whole["_meta"]["1"]
        assert {str(i): back.docs[i] for i in back.docs.stubs} == whole["papers"]
    finally:
        back.docs.close()
    # Tables in another order (the header after the papers) read the same.
    _old_snapshot(tmp_path / "meta-last", whole["papers"], meta_last=True)
    with Library(tmp_path / "meta-last") as lib:
        assert len(lib) == len(whole["papers"])
    assert not [p.name for p in (tmp_path / "meta-last").iterdir() if "tmp" in p.name]  # the temporary file had no name


def test_the_upgrade_does_not_hold_the_old_file_in_memory(tmp_path):
    """Parsing a 0.1.0 file whole held it several times over (and failed past 2 GB): the
    stream holds the header's first bytes, one write block and the papers' stubs, whatever
    the file's size."""
    import tracemalloc

    from papershelf.store import snapshots
    from papershelf.store.snapshot_010 import WRITE_BLOCK
    from papershelf.store.snapshots import HEAD_LIMIT

    abstract = "word " * 4000  # 20 KB each: 2,000 papers make a 40 MB file and few stubs
    papers = {str(i + 1): {"key": f"arxiv:2501.{i:05d}", "title": f"Paper {i}", "abstract": abstract, "saved": i % 5 == 0,
                           "tags": ["t"], "seen_count": 1} for i in range(2000)}
    _old_snapshot(tmp_path / "big", papers)
    size = (tmp_path / "big" / "library.json").stat().st_size
    assert size > 40_000_000
    tracemalloc.start()
    try:
        back = snapshots.read(tmp_path / "big" / "library.json")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    try:
        assert len(back.docs) == 2000 and back.docs["2000"]["abstract"] == abstract
    finally:
        back.docs.close()
    assert peak < HEAD_LIMIT + WRITE_BLOCK + 2_000_000 < size / 2.5, (peak, size)


@pytest.mark.parametrize("text, problem", [
    (b'{"_meta":{"1":{"schema":1,"seq":1}}}', "no papers table"),
    (b'{"papers":{"1":{"key":"a"}}}', "no library header"),
    (b'{"_meta":{"1":{"schema":1,"seq":1}},"papers":{"1":{"title":"no key"}}}', "without a key"),
    (b'{"_meta":{"1":{"schema":1,"seq":1}},"papers":{"x":{"key":"a"}}}', "invalid literal"),
    (b'{"_meta":{"1":{"schema":1,"seq":1}},"papers":{"1":{"key":"a"},"1":{"key":"b"}}}', "paper 1 twice"),
    (b'{"_meta":{"1":{"schema":1,"seq":1}},"papers":{"1":{"key":"a"', "not a JSON library file"),
])
def test_a_damaged_old_snapshot_is_refused_with_what_is_wrong(tmp_path, text, problem):
    data = tmp_path / "lib"
    data.mkdir()
    (data / "library.json").write_bytes(text)
    with pytest.raises(LibraryError, match=problem):
        Library(data)
    assert (data / "library.json").read_bytes() == text
    assert sorted(p.name for p in data.iterdir()) == ["library.json", "library.lock"] or \
        sorted(p.name for p in data.iterdir()) == ["library.json"]


def test_an_old_library_in_a_directory_we_cannot_write_opens_read_only(old_library, monkeypatch):
    """The streamed upgrade writes its unnamed file beside the library; a read-only open (the
    CLI's export) of a library in a directory it cannot write uses the system's temporary one.
    (Tests run as root here, who can write anywhere: the refusal is played.)"""
    import tempfile

    original = tempfile.TemporaryFile

    def refused_beside(*args, dir=None, **kw):
        if dir is not None:
            raise PermissionError(13, "Permission denied", str(dir))
        return original(*args, **kw)

    monkeypatch.setattr("papershelf.store.snapshot_010.tempfile.TemporaryFile", refused_beside)
    with Library(old_library, read_only=True) as lib:
        assert len(lib) == 37 and lib.get("arxiv:2501.00003").note == "A note about unicorns"


def test_a_full_disk_during_the_upgrade_says_so_and_leaves_the_file(old_library, monkeypatch):
    import errno
    import tempfile

    original = tempfile.TemporaryFile

    class Full:
        def __init__(self, f):
            self.f = f

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.f, name)

    monkeypatch.setattr("papershelf.store.snapshot_010.tempfile.TemporaryFile", lambda *a, **kw: Full(original(*a, **kw)))
    before = (old_library / "library.json").read_bytes()
    with pytest.raises(LibraryError, match="cannot upgrade .* No space left on device .*free space.*left untouched"):
        Library(old_library)
    assert (old_library / "library.json").read_bytes() == before


def test_odd_but_sound_old_files_read_and_a_deeply_nested_one_is_refused_at_once(tmp_path):
    """Another table first, a paper longer than the reading window, a number at its edge: all
    read. A value nested 100,000 deep (200 KB) is refused by the decoder's recursion limit, in
    no time and memory (a streaming parser's prefixes had made it cost gigabytes)."""
    import tracemalloc

    from papershelf.store import snapshots
    from papershelf.store.snapshot_010 import READ_BLOCK

    long_abstract = "zebra " * (READ_BLOCK // 3)
    papers = {"1": {"key": "arxiv:2501.00001", "abstract": long_abstract, "upvotes": 12345},
              "2": {"key": "arxiv:2501.00002", "upvotes": 7}}
    data = tmp_path / "odd"
    data.mkdir()
    (data / "library.json").write_bytes(orjson.dumps({"_default": {}, "papers": papers,
                                                      "_meta": {"1": {"schema": 1, "seq": 1}}}))
    back = snapshots.read(data / "library.json")
    try:
        assert back.meta == {"schema": 1, "seq": 1}
        assert back.docs["1"] == papers["1"] and back.docs["2"] == papers["2"]
    finally:
        back.docs.close()

    deep = tmp_path / "deep"
    deep.mkdir()
    (deep / "library.json").write_text('{"_meta":{"1":{"schema":1,"seq":1}},"papers":{"1":{"key":"a","x":'
                                       + "[" * 100_000 + "]" * 100_000 + "}}}")
    tracemalloc.start()
    try:
        with pytest.raises(LibraryError, match="nested too deeply"):
            Library(deep)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000, peak
