"""A title held by very many records ("Introduction", "Editorial"): past SAME_TITLE_LIMIT of them
a capture no longer reads each one to try a match on the title alone (store/merge.py), nothing
merges on the title alone, and a title-only paper still finds its own record by its own keys."""

from __future__ import annotations

import pytest

from papershelf.papers import Paper, Source
from papershelf.store import Library
from papershelf.store import merge


def intro(i: int, **kw) -> Paper:
    """Namesake i: its own first author and year; ``kw`` adds an identifier."""
    return Paper(title="Introduction", authors=[f"Ann Surname{i}"], published=f"{1990 + i % 30}",
                 sources=[Source("text", "")], **kw)


@pytest.fixture
def crowded(tmp_path):
    """250 DOI records and 250 title-only records, all titled "Introduction"."""
    lib = Library(tmp_path / "lib")
    lib.import_papers([intro(i, doi=f"10.1000/intro.{i}") for i in range(250)])
    lib.import_papers([intro(i) for i in range(250, 500)])
    assert len(lib) == 500
    yield lib
    lib.close()


def counting_reads(lib: Library, monkeypatch) -> list[str]:
    reads: list[str] = []
    real = lib._table.raw
    monkeypatch.setattr(lib._table, "raw", lambda key: reads.append(key) or real(key))
    return reads


def test_a_capture_of_a_crowded_title_reads_a_few_records_and_merges_none(crowded, monkeypatch):
    reads = counting_reads(crowded, monkeypatch)
    before = {d["key"] for d in crowded._table.docs()}
    # An arXiv paper titled "Introduction" whose first author is one of the DOI records' and
    # one of the title-only records': below the limit it would have joined them.
    (stored,) = crowded.capture([Paper(title="Introduction", arxiv_id="2501.00001", authors=["Ann Surname7"],
                                       published="1997", sources=[Source("arxiv", "https://arxiv.org/list")])])
    assert stored.key == "arxiv:2501.00001" and stored.doi is None
    assert len(reads) <= 3, len(reads)
    assert {d["key"] for d in crowded._table.docs()} == before | {"arxiv:2501.00001"}


def test_a_title_only_namesake_seen_again_finds_its_own_record(crowded, monkeypatch):
    keys = {d["key"] for d in crowded._table.docs() if d["key"].startswith("title:")}
    assert len(keys) == 250  # each namesake got a key of its own
    reads = counting_reads(crowded, monkeypatch)
    for i in (250, 300, 499):
        (again,) = crowded.capture([intro(i)])
        assert again.key in keys and again.authors == [f"Ann Surname{i}"]
    assert len(crowded) == 500 and len(reads) <= 3 * 4, len(reads)  # its candidate keys, then its record
    # A new namesake gets a key of its own, after a few reads, not 500.
    reads.clear()
    (new,) = crowded.capture([intro(1000)])
    assert new.key not in keys and len(crowded) == 501 and len(reads) <= 3


def test_below_the_limit_the_title_rules_still_apply(tmp_path, monkeypatch):
    monkeypatch.setattr(merge, "SAME_TITLE_LIMIT", 50)
    with Library(tmp_path / "lib") as lib:
        lib.import_papers([intro(i) for i in range(3)])
        lib.import_papers([intro(7, doi="10.1000/intro.7")])
        (joined,) = lib.capture([Paper(title="Introduction", arxiv_id="2501.00001", authors=["Ann Surname7"],
                                       published="1997", sources=[Source("arxiv", "https://arxiv.org/list")])])
        # The arXiv preprint joins the DOI record of the same work (one record fits).
        assert joined.key == "arxiv:2501.00001" and joined.doi == "10.1000/intro.7" and len(lib) == 4
