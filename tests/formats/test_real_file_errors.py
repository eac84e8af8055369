"""The classes of error that real files and pages showed (issue 13), each checked on a real file
of the corpus (tests/fixtures/real/) or on the markup the producing site writes.  Every test here
failed before its fix."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.bparser import BibTexParser

from papershelf.formats import FormatError, export_papers, import_text
from papershelf.papers import Paper
from papershelf.parsing import parse
from papershelf.parsing.page import parts_from_html

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real"
FIXTURES = REAL.parent


def real(name: str) -> str:
    return (REAL / name).read_text("utf-8")


def bib(text: str):
    return import_text(text, "bibtex")


# --- arXiv search results: highlighted words read as the page shows them --------------------

# The markup arXiv's search writes (li.arxiv-result; matched words in span.search-hit).
SEARCH_CARD = """<li class="arxiv-result">
  <div class="is-marginless"><p class="list-title is-inline-block"><a href="https://arxiv.org/abs/2501.00001">arXiv:2501.00001</a></p></div>
  <p class="title is-5 mathjax">Detecting Out-of-<span class="search-hit mathjax">Distribution</span> <span class="search-hit mathjax">Inputs</span> in Vision-Language Models</p>
  <p class="authors"><span class="has-text-black-bis has-text-weight-semibold">Authors:</span>
    <a href="/a/one_a">Ann One</a>, <a href="/a/two_b">Bo Two</a></p>
  <p class="abstract mathjax"><span class="abstract-full has-text-grey-dark mathjax" id="2501.00001v1-abstract-full">
    Deployed <span class="search-hit mathjax">systems</span>, unlike benchmarks, meet out-of-<span class="search-hit mathjax">distribution</span> data (<span class="search-hit mathjax">OOD</span>).
    <a class="is-size-7">&#9651; Less</a></span></p>
  <p class="is-size-7"><span class="has-text-black-bis has-text-weight-semibold">Submitted</span> 2 January, 2025; <span class="has-text-black-bis has-text-weight-semibold">originally announced</span> January 2025.</p>
</li>"""


def test_arxiv_search_highlights_insert_no_spaces():
    page = parts_from_html("https://arxiv.org/search/?query=ood&searchtype=all", f"<html><body><ol>{SEARCH_CARD}</ol></body></html>")
    (paper,) = [p.paper for p in parse(page).papers]
    assert paper.title == "Detecting Out-of-Distribution Inputs in Vision-Language Models"
    assert paper.abstract == "Deployed systems, unlike benchmarks, meet out-of-distribution data (OOD)."
    assert paper.authors == ["Ann One", "Bo Two"]


def test_old_xhtml_arxiv_page_prints_no_warning():
    xhtml = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
             '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
             + (FIXTURES / "arxiv_abs.html").read_text("utf-8").replace("<html", '<html xmlns="http://www.w3.org/1999/xhtml"', 1))
    result = subprocess.run([sys.executable, "-m", "papershelf", "parse", "--url", "https://arxiv.org/abs/2504.06261", "-"],
                            input=xhtml, capture_output=True, text=True, timeout=60, env=dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[0])["arxiv_id"] == "2504.06261"
    assert "Warning" not in result.stderr and "XML" not in result.stderr, result.stderr


# --- BibTeX ------------------------------------------------------------------------------------

def test_parenthesised_entries_with_parentheses_in_quoted_values():
    text = real("bibtex/parenthesised-entries.bib")
    result = bib(text)
    assert not [s for s in result.skipped if "malformed" in s[1]], result.skipped[:3]
    titles = {p.title for p in result.papers}
    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False, interpolate_strings=False)
    theirs = [e for e in bibtexparser.loads(text, parser=parser).entries if "(" in e.get("title", "")]
    assert theirs, "the file has titles with parentheses"
    for entry in theirs:
        assert " ".join(entry["title"].replace("{", "").replace("}", "").split()) in titles


@pytest.mark.parametrize("fields, arxiv_id", [
    ("journal = {Ar{X}iv:1607.06450}", "1607.06450"),  # d2l, Google Scholar
    ("journal = {CoRR}, volume = {abs/1607.06450}", "1607.06450"),  # DBLP
    ("journal = {CoRR}, volume = {abs/cs/0112017}", "cs/0112017"),  # DBLP, an old-style id
    ("journal = {ArXiv}, volume = {abs/2003.13350}", "2003.13350"),  # Semantic Scholar
    ("howpublished = {\\url{https://arxiv.org/abs/2101.00001v2}}", "2101.00001"),
    ("url = {https://arxiv.org/pdf/2101.00002.pdf}", "2101.00002"),
    ("eprinttype = {arxiv}, eprint = {2101.00003}", "2101.00003"),  # biblatex
])
def test_arxiv_id_spellings(fields, arxiv_id):
    (paper,) = bib(f"@article{{k, title = {{A Paper}}, author = {{Ba, Jimmy}}, {fields}, year = {{2016}}}}").papers
    assert paper.key == f"arxiv:{arxiv_id}"
    assert paper.venue == ""  # CoRR / ArXiv name where a preprint is, not a venue


def test_dblp_entries_of_the_corpus_meet_their_arxiv_captures():
    result = bib(real("bibtex/d2l-excerpt.bib"))
    ids = {p.arxiv_id for p in result.papers}
    assert "2010.02178" in ids  # journal = {Ar{X}iv:2010.02178}
    assert "2205.11916" in ids  # journal = {arxiv.org/abs/2205.11916}


def test_crossref_gives_the_chapter_its_book_and_year():
    result = bib(real("bibtex/bibdesk-crossref.bib"))
    lebanon = next(p for p in result.papers if p.title == "Lebanon")
    assert lebanon.venue == "Global Civil Society: Dimensions of the Nonprofit Sector"
    assert lebanon.published == "2004"
    # biblatex's own example: an incollection whose collection holds the booktitle and the date
    space = next(p for p in bib(real("bibtex/biblatex-examples.bib")).papers if p.title.startswith("The True Frontier"))
    assert space.venue == "Space and Beyond"
    assert space.published == "2000"


def test_xdata_fields_are_inherited_and_the_xdata_entry_is_no_paper():
    result = bib("""@xdata{pub, publisher = {Springer}, year = {2001}, journaltitle = {Journal of Tests}}
@article{a, title = {Uses xdata}, author = {Ann One}, xdata = {pub}}""")
    (paper,) = result.papers
    assert (paper.published, paper.venue) == ("2001", "Journal of Tests")
    assert result.skipped == [("entry pub", "an @xdata entry only holds fields for the entries that use it")]


def test_subtitle_and_titleaddon_are_part_of_the_title():
    papers = {p.title for p in bib(real("bibtex/biblatex-examples.bib")).papers}
    assert ("The True Frontier: Confronting and Avoiding the Realities of Space in American Science Fiction Films"
            in papers)
    (p,) = bib("@online{x, title = {Ostriches}, subtitle = {A Field Guide}, titleaddon = {Second thoughts}}").papers
    assert p.title == "Ostriches: A Field Guide. Second thoughts"


@pytest.mark.parametrize("name, encoding, expected, added", [
    ("bibtex/gbk-chinese.bib", "gbk", "测试期刊", 1),
    ("bibtex/jabref-windows-1252.bib", "windows-1252", "25° C", 0),  # its one entry has no title
    ("bibtex/jabref-3.8-iso-8859-1.bib", "iso-8859-1", "John Doe", 4),
])
def test_legacy_encodings_are_detected(api, name, encoding, expected, added):
    from papershelf.formats.encoding import decode

    raw = (REAL / name).read_bytes()
    assert expected in decode(raw) == raw.decode(encoding)
    r = api.post("/api/import", data=raw, headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 200, r.json
    assert r.json["added"] == added


def test_same_paper_as_entry_n_counts_positions_in_the_file():
    result = bib("""@misc{broken, title = {Never closed}
@misc{untitled, note = {no title}}
@misc{first, title = {Twice}, year = {2020}}
@misc{second, title = {Twice}, year = {2020}}""")
    assert ("entry 4: Twice", "same paper as entry 3 (title:twice)") in result.skipped


# --- RIS ---------------------------------------------------------------------------------------

def test_ris_with_a_preamble_is_read_as_ris():
    import rispy

    text = real("ris/rispy-example_full.ris")  # "1." on the first line
    result = import_text(text)
    assert [p.title for p in result.papers] == [r["primary_title"] for r in rispy.loads(text)]
    assert not any("Y1" in p.title or "TY" in p.title for p in result.papers)


@pytest.mark.parametrize("name, kind", [("tagged/wos.isi", "Web of Science"), ("tagged/rispy-example_wos.txt", "Web of Science"),
                                        ("tagged/pubmed-medline.txt", "PubMed"), ("tagged/pubmed.nbib", "PubMed")])
@pytest.mark.parametrize("fmt", [None, "ris", "text"])
def test_other_tagged_files_are_refused_for_what_they_are(name, kind, fmt):
    with pytest.raises(FormatError) as err:
        import_text(real(name), fmt)
    assert f"looks like {kind}" in str(err.value)


def test_the_text_reader_makes_no_papers_of_tagged_lines():
    # A RIS file named as a text listing: its "XX  - value" lines are no titles or abstracts.
    with pytest.raises(FormatError) as err:
        import_text(real("ris/rispy-example_full.ris"), "text")
    assert "tagged file" in str(err.value)


# --- identity ----------------------------------------------------------------------------------

BELLMAN = """@book{b57, title = {Dynamic Programming}, author = {Bellman, Richard}, year = {1957}, publisher = {Princeton University Press}}
@article{b66, title = {Dynamic programming}, author = {Bellman, Richard}, journal = {Science}, year = {1966}}
@misc{tv96, title = {Pride and Prejudice}, author = {Langton, Simon}, year = {1996}, note = {broadcast}}
@misc{dvd03, title = {Pride and Prejudice}, author = {Langton, Simon}, year = {2003}, note = {DVD}}
@article{pre, title = {Same Work}, author = {Doe, Jane}, year = {2017}}
@inproceedings{pub, title = {Same work}, author = {Jane Doe}, booktitle = {Proceedings of Tests}, year = {2018}}
@article{other, title = {Same Work}, author = {Roe, Richard}, year = {2018}}"""


def test_title_only_matches_merge_only_when_both_records_agree(library):
    result = bib(BELLMAN)
    assert [s[1].split(" (")[0] for s in result.skipped] == ["same paper as entry 5"]
    outcome = library.import_papers(result.papers)
    assert (outcome.added, outcome.merged) == (6, 0)
    again = library.import_papers(bib(BELLMAN).papers)  # the same file again: each work finds itself
    assert (again.added, again.merged) == (0, 6)
    years = sorted(p.published for p in library.all() if p.title.lower() == "dynamic programming")
    assert years == ["1957", "1966"]
    # a capture of one of them (an arXiv id, the same title, year and author) joins that one only
    library.capture([Paper(title="Dynamic Programming", arxiv_id="2101.09999", authors=["Richard Bellman"], published="1966")])
    assert sorted(p.key for p in library.all() if p.title.lower() == "dynamic programming") == [
        "arxiv:2101.09999", "title:dynamic programming"]


# --- TeX in titles ----------------------------------------------------------------------------

TEX_TITLES = {
    r"Aristotle's \mkbibquote{De Motu Animalium}": "Aristotle's “De Motu Animalium”",
    r"Ammonia, NH\textsuperscript{3}, and ``Excitons'' in {GaN}": "Ammonia, NH³, and “Excitons” in GaN",
}


def test_tex_in_titles_reads_as_unicode_where_people_read_it(api):
    papers = [Paper(title=t, doi=f"10.1000/tex{i}") for i, t in enumerate(TEX_TITLES)]
    markdown = export_papers("markdown", papers)[0]
    csv_text = export_papers("csv", papers)[0]
    for shown in TEX_TITLES.values():
        assert shown in markdown and shown in csv_text
    assert "\\" not in markdown.split("\n", 2)[2] and "textsuperscript" not in csv_text
    api.post("/api/import", data=export_papers("json", papers)[0].encode(), headers={"Content-Type": "application/json"})
    listed = api.get("/api/papers?saved=all").json["papers"]
    assert sorted(p["title_text"] for p in listed) == sorted(TEX_TITLES.values())
    assert sorted(p["title"] for p in listed) == sorted(TEX_TITLES)  # the record keeps its TeX


def test_bibtex_keeps_tex_that_round_trips():
    paper = Paper(title=r"Growth of (11\=22) GaN on {r}-plane sapphire", doi="10.1000/x")
    body = export_papers("bibtex", [paper])[0]
    assert r"(11\=22)" in body and "textbackslash" not in body
    (entry,) = bibtexparser.loads(body).entries
    assert r"(11\=22)" in entry["title"]
    assert import_text(body, "bibtex").papers[0].title == paper.title


# --- PaperMemory -------------------------------------------------------------------------------

def test_papermemory_conf_is_the_venue_and_anonymous_an_author():
    result = import_text(real("papermemory/memory.json"), "papermemory")
    climate = next(p for p in result.papers if p.title.startswith("ClimateGAN"))
    assert climate.venue == "ICLR"
    assert climate.authors == ["Anonymous"]
    assert climate.seen_count == 2  # "count": "2", as older versions wrote it


KINDS_OF_WORK = """@book{dp-book, title = {Dynamic Programming}, author = {Bellman, Richard}, year = {1957}}
@article{dp-paper, title = {Dynamic Programming}, author = {Bellman, Richard}, journal = {Science}, year = {1958}}"""


def test_a_book_and_an_article_of_one_title_author_and_year_stay_two_works(library):
    """Same title, same first author, years one apart: only the kind of work tells them apart,
    in one file, across files in BibTeX, RIS and CSL-JSON, and through the library."""
    assert [(p.key, p.kind) for p in bib(KINDS_OF_WORK).papers] == [
        ("title:dynamic programming", "book"), ("title:dynamic programming#1958", "paper")]
    ris_text = ("TY  - CHAP\nTI  - Dynamic Programming\nAU  - Bellman, Richard\nPY  - 1958\nER  - \n\n"
                "TY  - THES\nTI  - Dynamic Programming\nAU  - Bellman, Richard\nPY  - 1957\nER  - \n")
    csl_text = ('[{"id": "t", "type": "thesis", "title": "Dynamic Programming", "author": [{"family": "Bellman",'
                ' "given": "Richard"}], "issued": {"date-parts": [[1957]]}}]')
    assert library.import_papers(bib(KINDS_OF_WORK).papers).added == 2
    # The chapter is a paper-like work: it joins the article; the thesis is a third work, and
    # the same thesis from CSL-JSON finds it.
    outcome = library.import_papers(import_text(ris_text, "ris").papers)
    assert (outcome.added, outcome.merged) == (1, 1)
    assert (library.import_papers(import_text(csl_text, "csljson").papers).merged) == 1
    works = sorted((p.kind, p.published) for p in library.all() if p.title.lower() == "dynamic programming")
    assert works == [("book", "1957"), ("paper", "1958"), ("thesis", "1957")]
    # A file that names no kind (@misc) is compatible with any: it joins by year and author.
    again = library.import_papers(bib("@misc{m, title = {Dynamic Programming}, author = {Bellman, R.}, year = {1959}}").papers)
    assert again.merged == 1 and len(library.all()) == 3


def test_a_chain_of_thousands_of_crossrefs_imports_every_entry():
    """Each level of a crossref chain is a call: a hostile file chaining 5,000 entries was refused
    whole ("maximum recursion depth exceeded"). Chains are followed 32 levels deep; a short one
    still inherits from its grandparent."""
    from papershelf.formats import bibtex

    chain = "\n".join(f"@misc{{a{i}, title={{Chained {i}}}, crossref={{a{i + 1}}}}}" for i in range(5000))
    assert len(bibtex.parse(chain).papers) == 5000
    short = ("@misc{child, title={Child}, crossref={parent}}\n@misc{parent, title={Parent}, crossref={grand}}\n"
             "@misc{grand, title={Grand}, year={2019}}")
    assert {p.title: p.published for p in bibtex.parse(short).papers}["Child"] == "2019"
