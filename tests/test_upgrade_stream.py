"""A 0.1.0 snapshot (one JSON object) is read a paper at a time (store/upgrade.py): whatever
whitespace and key order the JSON has, whatever brackets and quotes its strings hold, the
library that opens is the one a whole parse gives; anything else is refused, untouched; and the
papers are not all held in memory at once."""

from __future__ import annotations

import json
import shutil
import tracemalloc
from pathlib import Path

import orjson
import pytest

from papershelf.papers import Paper
from papershelf.store import Library, LibraryError, snapshots
from test_upgrade import FIXTURE, check_contents


@pytest.fixture
def old_library(tmp_path) -> Path:
    data = tmp_path / "lib"
    shutil.copytree(FIXTURE, data, ignore=shutil.ignore_patterns("README.md"))
    return data


def rewrite(data: Path, dump) -> None:
    snapshot = data / "library.json"
    snapshot.write_text(dump(json.loads(snapshot.read_text("utf-8"))), "utf-8")


@pytest.mark.parametrize("dump", [
    lambda t: json.dumps(t, indent=2),
    lambda t: json.dumps(t, ensure_ascii=True, separators=(" , ", " :\t")) + "\n\n",
    lambda t: json.dumps({"papers": t["papers"], "other": {"1": {"x": "}{]["}}, "_meta": t["_meta"]}),
], ids=["indented", "odd spaces", "meta last, another table"])
def test_any_layout_of_the_json_opens_as_the_same_library(old_library, dump):
    rewrite(old_library, dump)
    with Library(old_library) as lib:
        check_contents(lib)
    with Library(old_library) as lib:  # upgraded: read through its keys file now
        check_contents(lib)


def test_brackets_quotes_and_escapes_inside_strings(tmp_path):
    data = tmp_path / "lib"
    data.mkdir()
    titles = ['Braces } { and ] [ "quoted" \\ back\\slash', "Ünïcode ✓ \u2028 tab\t}", 'end with a quote "']
    papers = {str(i + 1): Paper(title=t, arxiv_id=f"2501.{i:05d}", abstract=t * 3).to_dict() for i, t in enumerate(titles)}
    (data / "library.json").write_bytes(orjson.dumps({"_meta": {"1": {"schema": 1, "seq": 0}}, "papers": papers}))
    with Library(data) as lib:
        assert sorted(p.title for p in lib.all()) == sorted(d["title"] for d in papers.values())
        assert lib.get("arxiv:2501.00000").abstract == papers["1"]["abstract"]
        assert lib.get("arxiv:2501.00000").title == titles[0]


@pytest.mark.parametrize("damage", [
    lambda b: b[:-1],  # cut off
    lambda b: b + b" x",  # text after the end
    lambda b: b.replace(b'"papers":{"', b'"papers":{3, "', 1),  # not a name
    lambda b: b.replace(b'"papers":{', b'"papers":[', 1),  # not an object
    lambda b: b.replace(b'"papers"', b'"paper"', 1),  # no papers table
    lambda b: b.replace(b'"_meta"', b'"meta"', 1),  # no meta table
    lambda b: b.replace(b'"key":', b'"kee":'),  # papers without keys
    lambda b: b.replace(b'"title":', b'"title"', 1),  # a paper that is not JSON
    lambda b: b[: b.index(b'"papers"')] + b'"papers":{"x":{"key":"k"}}}',  # not a doc id
], ids=["cut", "trailing", "name", "array", "no papers", "no meta", "no key", "bad paper", "bad id"])
def test_a_damaged_old_library_is_refused_and_left_untouched(old_library, damage):
    snapshot = old_library / "library.json"
    damaged = damage(snapshot.read_bytes())
    snapshot.write_bytes(damaged)
    with pytest.raises(LibraryError, match="cannot read the library file"):
        Library(old_library)
    assert snapshot.read_bytes() == damaged


def test_the_papers_are_not_all_held_at_once(tmp_path):
    data = tmp_path / "lib"
    data.mkdir()
    n = 6000
    with open(data / "library.json", "wb") as f:
        f.write(b'{"_meta":{"1":{"schema":1,"seq":0}},"papers":{')
        for i in range(n):
            paper = Paper(title=f"Paper {i}", arxiv_id=f"2501.{i:05d}", abstract="word " * 400)
            f.write((b"," if i else b"") + b'"%d":' % (i + 1) + orjson.dumps(paper.to_dict()))
        f.write(b"}}")
    size = (data / "library.json").stat().st_size
    tracemalloc.start()
    try:
        back = snapshots.read(data / "library.json")  # what opening the library reads it with
        peak = tracemalloc.get_traced_memory()[1]
        back.docs.close()
    finally:
        tracemalloc.stop()
    assert back.layout == "whole" and len(back.docs) == n
    assert size > 12_000_000 and peak < size / 2, (peak, size)  # a whole parse held more than the file
    with Library(data) as lib:
        assert len(lib) == n and lib.get("arxiv:2501.05999").abstract == ("word " * 400).strip()


def test_a_head_line_longer_than_read_is_read_as_plain_json(tmp_path, monkeypatch):
    with Library(tmp_path) as lib:
        lib.import_papers([Paper(title=f"Paper {i}", arxiv_id=f"2501.{i:05d}") for i in range(5)])
        lib.set_saved(["arxiv:2501.00003"], True)
    monkeypatch.setattr(snapshots, "HEAD_LIMIT", 10)  # today's layout is JSON too
    assert snapshots.read(tmp_path / "library.json").layout == "whole"
    with Library(tmp_path) as lib:
        assert len(lib) == 5 and lib.get("arxiv:2501.00003").saved
