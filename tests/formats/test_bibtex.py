"""BibTeX: exports that bibtexparser reads back to the same fields; imports from other tools."""

from __future__ import annotations

import re

import bibtexparser
import pytest
from bibtexparser.bparser import BibTexParser
from hypothesis import given, settings
from hypothesis import strategies as st

from papershelf.formats import FormatError, export_papers, import_text
from papershelf.formats.tex import tex_to_text, text_to_tex
from papershelf.papers import Paper, clean_text

from format_samples import DATA


def parse_bib(text: str) -> dict[str, dict]:
    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False)
    db = bibtexparser.loads(text, parser=parser)
    return {e["ID"]: e for e in db.entries}


def balanced(s: str) -> bool:
    """Balanced as BibTeX counts braces: escaped ones (\\{) count too."""
    depth = 0
    for tok in re.findall(r"[{}]", s):
        depth += 1 if tok == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def test_every_paper_becomes_one_entry_that_bibtexparser_reads(papers):
    body, media_type, ext = export_papers("bibtex", papers)
    assert ext == "bib" and "bibtex" in media_type
    entries = parse_bib(body)
    assert len(entries) == len(papers)
    assert body.count("\n@") + 1 == len(papers)


def test_preprint_is_misc_with_eprint_fields(papers):
    entries = parse_bib(export_papers("bibtex", papers)[0])
    e = entries["rodionov2025hogwild"]
    assert e["ENTRYTYPE"] == "misc"
    assert e["eprint"] == "2504.06261"
    # bibtexparser lower-cases field names.
    assert e["archiveprefix"] == "arXiv"
    assert e["primaryclass"] == "cs.LG"
    assert e["url"] == "https://arxiv.org/abs/2504.06261"
    assert e["year"] == "2025"
    # Only 3 of 8 authors are known: the list says so.
    assert e["author"] == "Gleb Rodionov and Roman Garipov and Alina Shutova and others"


def test_venue_makes_inproceedings_or_article(papers):
    entries = parse_bib(export_papers("bibtex", papers)[0])
    conf = entries["vaswani2017attention"]
    assert conf["ENTRYTYPE"] == "inproceedings"
    assert conf["booktitle"] == "Advances in Neural Information Processing Systems (NeurIPS)"
    journal = entries["picard2007journal"]
    assert journal["ENTRYTYPE"] == "article"
    assert journal["journal"] == "Physical Review D"
    assert journal["doi"] == "10.1103/physrevd.76.013009"
    assert "eprint" not in journal


def test_hostile_titles_are_escaped_balanced_and_read_back_the_same(papers):
    body = export_papers("bibtex", papers)[0]
    assert balanced(body)
    entries = parse_bib(body)
    by_eprint = {e.get("eprint"): e for e in entries.values()}
    for p in papers:
        if not p.arxiv_id or not p.title:
            continue
        e = by_eprint[p.arxiv_id]
        assert balanced(e["title"])
        assert tex_to_text(e["title"]) == p.title
        assert tex_to_text(e["abstract"]) == p.abstract
        # Outside math, TeX's special characters never appear unescaped.
        outside_math = re.sub(r"\$[^$]*\$", "", e["title"].replace(r"\$", ""))
        assert not re.search(r"(?<!\\)[&%#_]", outside_math)


def test_math_in_titles_is_kept_untouched():
    p = Paper(title=r"Scaling $\mathcal{O}(n^2)$ Attention & more_x", arxiv_id="2401.00001", authors=["A B"], published="2024")
    e = parse_bib(export_papers("bibtex", [p])[0])["b2024scaling"]
    assert r"$\mathcal{O}(n^2)$" in e["title"]
    assert r"Attention \& more\_x" in e["title"]


def test_tex_commands_in_titles_are_preserved():
    title = r"The \LaTeX{} Companion and $\alpha$-Nets with \textbf{Bold {Ideas}}"
    assert text_to_tex(title) == title
    assert tex_to_text(text_to_tex(title)) == title


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="\\"), min_size=1, max_size=80))
@settings(max_examples=300, deadline=None)
def test_any_title_round_trips_through_tex(raw):
    title = clean_text(raw)
    tex = text_to_tex(title)
    assert balanced(tex)
    assert tex_to_text(tex) == title


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="\\"), min_size=1, max_size=40), min_size=1, max_size=3),
       st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="\\"), min_size=1, max_size=60))
@settings(max_examples=100, deadline=None)
def test_any_entry_round_trips_through_bibtexparser(names, raw_title):
    p = Paper(title=raw_title, authors=names, published="2024-05-06", arxiv_id="2405.01234")
    if not p.title or not p.authors:
        return
    result = import_text(export_papers("bibtex", [p])[0], "bibtex")
    assert not result.skipped
    (back,) = result.papers
    assert back.title == p.title
    assert back.authors == p.authors
    assert back.arxiv_id == "2405.01234"
    assert back.published == "2024-05-06"


def test_round_trip_through_our_importer_keeps_fields_and_user_data(papers):
    result = import_text(export_papers("bibtex", papers)[0], "bibtex")
    assert result.skipped == []
    back = {p.key: p for p in result.papers}
    assert set(back) == {p.key for p in papers}
    for p in papers:
        b = back[p.key]
        assert (b.title, b.arxiv_id, b.doi, b.published, b.abstract) == (p.title, p.arxiv_id, p.doi, p.published, p.abstract)
        assert b.authors == p.authors
        assert b.tags == sorted(p.tags)
        assert b.note == p.note
        assert b.venue == p.venue


def test_imports_google_scholar_and_zotero_style_bibtex():
    result = import_text((DATA / "others.bib").read_text("utf-8"))
    titles = {p.title: p for p in result.papers}
    scholar = titles["Attention is all you need"]
    assert scholar.authors[:2] == ["Ashish Vaswani", "Noam Shazeer"]
    assert scholar.published == "2017"
    assert scholar.venue == "Advances in neural information processing systems"
    zotero = titles["BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"]
    assert zotero.arxiv_id == "1810.04805"
    assert zotero.published == "2018-10"
    assert zotero.tags == ["Computer Science - Computation and Language", "nlp"]
    accents = titles["Über die Straße: Müller's Théorème"]
    assert accents.authors == ["Kurt Gödel", "Paul Erdős"]
    pm = [p for p in result.papers if p.arxiv_id == "2106.09685"]
    assert pm and pm[0].title == "LoRA: Low-Rank Adaptation of Large Language Models"
    # The @comment and @string blocks are not papers; the entry without any identity is skipped.
    assert [reason for _, reason in result.skipped] == ["no title, arXiv id or DOI"]


def test_a_malformed_entry_is_skipped_with_its_line_and_the_rest_imported():
    text = (
        "@misc{good2024, title = {Good Paper}, eprint = {2401.00002}, archivePrefix = {arXiv}}\n\n"
        "@misc{broken2024, title = {Broken {Paper}, year = 2024\n\n"
        "@article{fine2023, title = {Fine Paper}, year = {2023}}\n"
    )
    result = import_text(text, "bibtex")
    titles = sorted(p.title for p in result.papers)
    assert titles == ["Fine Paper", "Good Paper"]
    assert result.skipped == [("entry broken2024 at line 3", "malformed BibTeX: the entry never closes (unbalanced braces?)")]


def test_entries_with_syntax_errors_are_reported_and_skipped():
    text = (
        "@misc{nocomma, title = {A} year = {2020}}\n"
        "@misc{noequals, title {B}}\n"
        "@misc{ok, title = \"Quoted {Title}\" # \" Joined\", month = oct, year = 2020}\n"
    )
    result = import_text(text, "bibtex")
    assert [(p.title, p.published) for p in result.papers] == [("Quoted Title Joined", "2020-10")]
    assert [item for item, _ in result.skipped] == ["entry nocomma at line 1", "entry noequals at line 2"]
    assert "missing comma" in result.skipped[0][1] and "name = value" in result.skipped[1][1]


def test_a_note_line_starting_with_at_does_not_split_the_entry():
    p = Paper(title="T", arxiv_id="2401.00009", authors=["A B"], note="see\n@misc{fake, title={x}}\n  @ home")
    body = export_papers("bibtex", [p])[0]
    assert len(parse_bib(body)) == 1
    (back,) = import_text(body, "bibtex").papers
    assert back.note == "see\n@misc{fake, title={x}}\n@ home"


def test_our_reader_reads_what_bibtexparser_reads(papers):
    """The fast reader against bibtexparser on other tools' files and on our exports."""
    from papershelf.formats import bibtex_reader

    texts = [(DATA / "others.bib").read_text("utf-8"), export_papers("bibtex", papers)[0]]
    for text in texts:
        parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False, interpolate_strings=True)
        theirs = bibtexparser.loads(text, parser=parser).entries
        mine, problems = bibtex_reader.read(text)
        assert problems == []
        assert [{k: v for k, v in e.items() if k != bibtex_reader.POSITION} for e in mine] == theirs


@pytest.mark.parametrize("text", ["no entries here at all", "@misc{x, title = {unclosed", "@@@"])
def test_unreadable_bibtex_is_a_clear_error(text):
    with pytest.raises(FormatError) as err:
        import_text(text, "bibtex")
    assert "BibTeX" in str(err.value)
