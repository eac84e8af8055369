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
