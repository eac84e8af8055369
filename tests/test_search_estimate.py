"""A term only the stored texts answer (one or two letters, or a fragment held by very many
distinct chunks) is paged by a walk of the sort's index and counted from a sample of the papers
(store/index_query.py): the pages are exactly a pass's pages, the count is marked as an estimate
(``total_estimated`` in /api/papers) unless the walk reached the last match, and a term the
sample finds rare is looked up and counted exactly."""

from __future__ import annotations

import random

import pytest

from papershelf.papers import Paper, Source
from papershelf.query import Estimate, PaperQuery
from papershelf.store import Library, index_query, words

WORDS = "planning graph zebra über model attention sparse token x2 qq".split()
N = 400


def papers(n: int = N) -> list[Paper]:
    rng = random.Random(11)
    return [Paper(title=" ".join(rng.choice(WORDS[:8]) for _ in range(4)) + f" w{i:x}", arxiv_id=f"2403.{i:05d}",
                  authors=[f"Given{rng.randint(1, 30)} Family{rng.randint(1, 90)}"],
                  abstract=" ".join(rng.choice(WORDS[:8]) for _ in range(10)) + (" ζeta" if i % 131 == 5 else ""),
                  published=f"2024-{1 + i % 12:02d}-01", upvotes=rng.choice([None, 1, 7, 40]),
                  sources=[Source(rng.choice(["arxiv", "huggingface"]), "https://example.org/list")])
            for i in range(n)]


@pytest.fixture
def walked(tmp_path, monkeypatch):
    """A library where every term the texts answer is walked and estimated (not only past 10,000
    papers), and where any term in more than 3 chunks is one of them."""
    monkeypatch.setattr(index_query, "EXACT_UP_TO", 0)
    monkeypatch.setattr(words, "OR_LIMIT", 3)
    lib = Library(tmp_path / "lib")
    ps = papers()
    lib.capture(ps)
    keys = [p.key for p in ps]
    lib.set_saved(keys[::3], True)
    lib.update_many(keys[::7], add_tags=["t"], read=True)
    yield lib
    lib.close()


def check(lib: Library, **kw) -> tuple[int, int]:
    """(the index's total, a pass's total); the page must be the pass's page."""
    query = PaperQuery(**{"saved": None, **kw})
    total, page = lib.find(query)
    want_total, want = lib._views.find(lib._seq, query)
    assert [d["key"] for d in page] == [d["key"] for d in want], kw
    if isinstance(total, Estimate):
        # The sample is the whole of this small library: the estimate is the count, rounded,
        # and never below what the page shows (so "next" stays on while a next page exists).
        assert total == max(index_query._round(want_total), query.offset + query.limit + 1), kw
        assert query.offset + len(page) < want_total, kw
    else:
        assert total == want_total, kw
    return total, want_total


@pytest.mark.parametrize("q", ["a", "pl", "e", "family", "given1", "w1", "amily", "zebra e", "arxiv:", "2403 model"])
def test_the_pages_of_a_walked_term_are_a_passs_pages(walked, q):
    estimated = 0
    for sort in ("seen", "title", "saved", "upvotes", "published"):
        for offset in (0, 10, 150):
            for filters in ({}, {"saved": True}, {"tags": ["t"]}, {"saved": True, "read": False},
                            {"source": "arxiv"}):
                total, _ = check(walked, q=q, sort=sort, offset=offset, limit=20, **filters)
                estimated += isinstance(total, Estimate)
    assert estimated  # the walk and its estimate were taken, not only the exact way


def test_the_last_page_and_beyond_are_counted_exactly(walked):
    total, want = check(walked, q="e", limit=20)
    assert isinstance(total, Estimate)
    last = (want - 1) // 20 * 20
    total, _ = check(walked, q="e", offset=last, limit=20)
    assert type(total) is int and total == want
    # A page past the end (the estimate was high, or papers went): the exact count, so the
    # library page can step back to the last page.
    total, _ = check(walked, q="e", offset=want + 40, limit=20)
    assert type(total) is int and total == want


def test_a_term_the_sample_finds_rare_is_looked_up_and_counted_exactly(walked, monkeypatch):
    looked_up = []
    real = words.chunks_holding
    monkeypatch.setattr(words, "chunks_holding", lambda db, term: looked_up.append(term) or real(db, term))
    for q in ("ζe", "ζ", "qq", "zz"):  # in 4 papers, 4, none (a word no paper holds), none
        total, want = check(walked, q=q)
        assert type(total) is int
    assert looked_up == ["ζe", "ζ", "qq", "zz"]
    assert check(walked, q="ζe")[1] == 4 and check(walked, q="zz")[1] == 0
    # Of several short terms only the first is looked up (each look-up may read the whole
    # vocabulary): the others are tested in the texts of the few papers it leaves.
    looked_up.clear()
    assert check(walked, q="ζe ζ a")[1] == 4 and looked_up == ["ζe"]
    assert [d["key"] for d in walked.ordered(PaperQuery(q="ζe ζ a", saved=None))[1]] == \
        [d["key"] for d in walked._views.ordered(walked._seq, PaperQuery(q="ζe ζ a", saved=None))]


def test_an_estimate_from_part_of_the_library_is_close_and_the_same_on_every_page(walked, monkeypatch):
    monkeypatch.setattr(index_query, "SAMPLE", 60)
    monkeypatch.setattr(index_query, "SAMPLE_MAX", 120)
    monkeypatch.setattr(index_query, "SAMPLE_ENOUGH", 1000)
    for q, kw in (("e", {}), ("pl", {"saved": True}), ("w1", {})):
        kw = {"saved": None, **kw}
        want = walked._views.find(walked._seq, PaperQuery(q=q, **kw))[0]
        totals = {walked.find(PaperQuery(q=q, offset=o, limit=10, **kw))[0] for o in (0, 10, 20)}
        assert len(totals) == 1
        total = totals.pop()
        assert isinstance(total, Estimate) and abs(total - want) <= 0.25 * want, (q, total, want)


def test_the_api_says_when_its_total_is_an_estimate(library, api, monkeypatch):
    monkeypatch.setattr(index_query, "EXACT_UP_TO", 0)
    library.capture(papers(60))
    common = api.get("/api/papers?saved=all&q=e&limit=5").get_json()
    assert common["total_estimated"] is True and common["total"] >= 6 and len(common["papers"]) == 5
    exact = api.get("/api/papers?saved=all&q=zebra&limit=5").get_json()
    assert "total_estimated" not in exact
    assert exact["total"] == library._views.find(library._seq, PaperQuery(q="zebra", saved=None))[0]
