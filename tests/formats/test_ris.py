"""RIS: our export read back by our importer gives the same papers; other tools' RIS imports."""

from __future__ import annotations

import pytest
from format_samples import DATA

from papershelf.formats import FormatError, export_papers, import_text


def test_records_have_type_id_and_end(papers):
    body, media_type, ext = export_papers("ris", papers)
    assert ext == "ris" and "research-info-systems" in media_type
    assert body.count("TY  - ") == len(papers) == body.count("ER  - ")
    first = body.split("ER  - ")[0]
    assert "TY  - CPAPER" in first and "ID  - vaswani2017attention" in first and "T2  - Advances in Neural" in first


def test_round_trip_gives_the_same_fields(papers):
    result = import_text(export_papers("ris", papers)[0])  # sniffed
    assert result.skipped == []
    back = {p.key: p for p in result.papers}
    assert set(back) == {p.key for p in papers}
    for p in papers:
        b = back[p.key]
        assert (b.title, b.authors, b.published, b.abstract, b.doi, b.arxiv_id, b.venue) == (
            p.title, p.authors, p.published, p.abstract, p.doi, p.arxiv_id, p.venue)
        assert b.tags == sorted(p.tags)
        assert b.note == p.note  # multi-line notes survive


def test_a_note_line_that_looks_like_a_tag_stays_in_the_note(papers):
    p = papers[0]
    p.note = "first line\nTY  - not a new record\nER  - nor an end"
    (back,) = import_text(export_papers("ris", [p])[0], "ris").papers
    assert back.note == p.note


def test_imports_zotero_style_ris_with_last_first_names():
    result = import_text((DATA / "zotero.ris").read_text("utf-8"))
    by_title = {p.title: p for p in result.papers}
    lora = by_title["LoRA: Low-Rank Adaptation of Large Language Models"]
    assert lora.authors == ["Edward J. Hu", "Yelong Shen"]
    assert lora.arxiv_id == "2106.09685"
    assert lora.published == "2021-06-17"
    assert lora.tags == ["Computer Science - Machine Learning"]
    journal = by_title["A Journal Article"]
    assert journal.doi == "10.1000/xyz123" and journal.venue == "Journal of Things"
    assert result.skipped == [("record at line 27", "no title, arXiv id or DOI")]


@pytest.mark.parametrize("text", ["TI  - a title without a record start\n", "hello\nworld\n"])
def test_unreadable_ris_is_a_clear_error(text):
    with pytest.raises(FormatError, match="RIS"):
        import_text(text, "ris")


from hypothesis import example, given, settings
from hypothesis import strategies as st

from papershelf.papers import Paper

_text = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=60)
_note = st.lists(st.one_of(_text, st.just(""), st.just("TY  - x"), st.just("  ER  - y"), st.just(" KW  - z")), min_size=1, max_size=5).map("\n".join)


@given(_text, st.lists(_text, min_size=1, max_size=3), _note, st.lists(_text, max_size=3))
@example(title="0", authors=["0"], note="0\n \n0", tags=[])  # a line of one space (found by hypothesis)
@settings(max_examples=150, deadline=None)
def test_any_record_round_trips(title, authors, note, tags):
    p = Paper(title=title, authors=authors, note=note.strip(), tags=sorted({t.strip() for t in tags if t.strip()}), arxiv_id="2405.01234")
    if not p.title or not p.authors or any("," in a for a in p.authors):
        return  # names with commas are "Last, First" in RIS by definition
    (back,) = import_text(export_papers("ris", [p])[0], "ris").papers
    assert (back.title, back.authors, back.tags) == (p.title, p.authors, p.tags)
    # RIS readers strip the end of every line (ours and rispy): spaces before a line break go.
    assert back.note == "\n".join(line.rstrip() for line in p.note.strip("\n").split("\n"))
