"""The JSON backup: export -> import into an empty library -> the same library."""

from __future__ import annotations

import copy
import json

import pytest
from format_samples import sample_papers

from papershelf.formats import FormatError, export_papers, import_text
from papershelf.papers import Paper, Source
from papershelf.store import Library


def comparable(papers: list[Paper]) -> dict[str, dict]:
    # updated_at is the time of the last write, which an import is; everything else must match.
    out = {}
    for p in papers:
        d = p.to_dict()
        d.pop("updated_at")
        out[p.key] = d
    return out


@pytest.fixture
def used_library(tmp_path, clock):
    """A library with a history: captures from two pages, saves, tags, notes, read marks."""
    lib = Library(tmp_path / "a")
    papers = sample_papers()
    for p in papers:
        p.sources = [Source("huggingface", "https://huggingface.co/papers?q=x")]
    lib.capture(copy.deepcopy(papers))
    clock.next_day()
    lib.capture([copy.deepcopy(papers[0]), copy.deepcopy(papers[3])])  # seen again, a day later
    lib.set_saved([papers[0].key, papers[1].key, papers[5].key], True)
    lib.update(papers[0].key, tags=["transformers", "classic"], note="Read twice.\n\nSection 3 matters.", read=True)
    lib.update(papers[5].key, tags=["t&g <x>"], note="=1+1 \"quoted\" 🚀")
    yield lib
    lib.close()


def test_round_trip_into_an_empty_library_gives_the_same_library(used_library, tmp_path):
    before = used_library.all()
    assert any(p.seen_count == 2 for p in before) and any(p.tags for p in before)
    body, media_type, ext = export_papers("json", before)
    assert ext == "json" and media_type.startswith("application/json")
    doc = json.loads(body)
    assert doc["format"] == "papershelf" and doc["schema"] == 1 and doc["count"] == len(before)

    result = import_text(body)  # sniffed
    assert result.skipped == []
    fresh = Library(tmp_path / "b")
    try:
        outcome = fresh.import_papers(result.papers)
        assert (outcome.added, outcome.merged) == (len(before), 0)
        assert comparable(fresh.all()) == comparable(before)
        # Importing the same backup again changes nothing but the write times.
        again = fresh.import_papers(import_text(body).papers)
        assert (again.added, again.merged) == (0, len(before))
        assert comparable(fresh.all()) == comparable(before)
    finally:
        fresh.close()


def test_items_with_wrong_types_are_skipped_with_the_field_named():
    good = Paper(title="Good", arxiv_id="2401.00001").to_dict()
    bad_authors = {**Paper(title="Bad authors", arxiv_id="2401.00002").to_dict(), "authors": "Ada Lovelace"}
    bad_saved = {**Paper(title="Bad saved", arxiv_id="2401.00003").to_dict(), "saved": "yes"}
    bad_seen = {**Paper(title="Bad seen", arxiv_id="2401.00004").to_dict(), "seen_count": -3}
    planted = {**Paper(title="Planted", arxiv_id="2401.00005").to_dict(), "key": "arxiv:1706.03762"}
    text = json.dumps({"format": "papershelf", "schema": 1, "papers": [good, bad_authors, bad_saved, bad_seen, planted, 7]})
    result = import_text(text, "json")
    assert [p.key for p in result.papers] == ["arxiv:2401.00001"]
    reasons = [r for _, r in result.skipped]
    assert reasons[:3] == ["'authors' must be a list of strings", "'saved' must be true or false", "'seen_count' must be a whole number ≥ 0"]
    assert "does not match" in reasons[3]
    assert reasons[4] == "not an object"
    assert result.skipped[0][0] == "paper 2: Bad authors"


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"format": "papershelf", "schema": 2, "papers": []}', "schema 2"),
        ('{"format": "papershelf", "papers": []}', "schema"),
        ('{"format": "papershelf", "schema": 1}', "'papers' list"),
        ('{"format": "zotero", "schema": 1, "papers": []}', "not a PaperShelf backup"),
        ('{"format": "papershelf", "schema": 1, "papers": [', "not valid JSON"),
    ],
)
def test_unreadable_backups_are_refused_whole(text, message):
    with pytest.raises(FormatError, match=message):
        import_text(text, "json")


from hypothesis import given, settings
from hypothesis import strategies as st

_any = st.text(max_size=40)


@given(title=_any, authors=st.lists(_any, max_size=3), note=_any, tags=st.lists(_any, max_size=3),
       saved=st.booleans(), read=st.booleans(), seen=st.integers(0, 10**6), upvotes=st.none() | st.integers(0, 10**6))
@settings(max_examples=150, deadline=None)
def test_any_record_survives_the_backup(title, authors, note, tags, saved, read, seen, upvotes):
    p = Paper(title=title or "x", arxiv_id="2401.00001", authors=authors, note=note, tags=tags, saved=saved,
              read=read, seen_count=seen, upvotes=upvotes, sources=[Source("text", note, "a", "b")])
    (back,) = import_text(export_papers("json", [p])[0]).papers
    assert back.to_dict() == p.to_dict()
