"""Papers read from proceedings pages export as conference papers: BibTeX ``@inproceedings``
with ``booktitle`` and ``pages``, RIS ``CPAPER`` with ``T2`` and ``SP``/``EP``, CSL-JSON
``paper-conference`` with ``container-title`` and ``page``; each export read back by its reader
(and BibTeX by bibtexparser) keeps the venue and the pages. The pages are the sites' fixture
pages (the ACL one a real saved page), read by the backend as a capture reads them."""

from __future__ import annotations

import json
import sys

import bibtexparser
import pytest
from bibtexparser.bparser import BibTexParser
from support import FIXTURES

from papershelf.formats import bibtex, csljson, export_papers, ris
from papershelf.papers import Paper, Source
from papershelf.parsing import parse
from papershelf.parsing.page import parts_from_html

sys.path.insert(0, str(FIXTURES))
import site_pages  # noqa: E402

ROWS = {(r["table"], r["file"].rsplit("/", 1)[-1]): r for r in site_pages.rows()}

# (table, file, title starts with, booktitle starts with, pages)
CASES = [
    ("acl", "acl-2021.naacl-main.208.html", "", "Proceedings of the 2021 Conference of the North American", "2627-2636"),
    ("pmlr", "volume_v202.html", "A Watermark for Large Language Models",
     "Proceedings of the 40th International Conference on Machine Learning", "17061-17084"),
    ("pmlr", "paper_watermark.html", "A Watermark for Large Language Models", "International Conference on Machine Learning",
     "17061-17084"),
    ("neurips", "paper_dpo.html", "Direct Preference Optimization", "Advances in Neural Information Processing Systems",
     "53728-53741"),
    ("neurips", "year_2023.html", "QLoRA", "Advances in Neural Information Processing Systems", ""),
    ("cvf", "paper_dit.html", "Scalable Diffusion Models", "Proceedings of the IEEE/CVF International Conference", "4195-4205"),
    ("cvf", "iccv2023_all.html", "Segment Anything", "ICCV 2023", ""),
    ("openreview", "forum_registers.html", "Vision Transformers Need Registers", "The Twelfth International Conference", ""),
]


def read(table: str, file: str, title: str) -> Paper:
    row = ROWS[(table, file)]
    papers = [p.paper for p in parse(parts_from_html(row["url"], site_pages.html(row))).papers]
    return next(p for p in papers if p.title.startswith(title))


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}/{c[1]}")
def test_a_paper_from_a_proceedings_page_exports_as_a_conference_paper(case):
    table, file, title, booktitle, pages = case
    paper = read(table, file, title)
    assert paper.venue.startswith(booktitle) and paper.pages == pages

    text, _, _ = export_papers("bibtex", [paper])
    (entry,) = bibtexparser.loads(text, parser=BibTexParser(common_strings=True)).entries
    assert entry["ENTRYTYPE"] == "inproceedings" and "journal" not in entry
    assert " ".join(entry["booktitle"].split()).startswith(booktitle)
    assert entry.get("pages", "") == pages.replace("-", "--")

    lines = export_papers("ris", [paper])[0].splitlines()
    assert lines[0] == "TY  - CPAPER"
    assert any(line.startswith("T2  - " + booktitle) for line in lines)
    if pages:
        first, last = pages.split("-")
        assert f"SP  - {first}" in lines and f"EP  - {last}" in lines

    (item,) = json.loads(export_papers("csljson", [paper])[0])
    assert item["type"] == "paper-conference" and item["container-title"].startswith(booktitle)
    assert item.get("page", "") == pages

    for module, body in ((bibtex, text), (ris, "\n".join(lines) + "\n"), (csljson, json.dumps([item]))):
        (back,) = module.parse(body).papers
        assert back.venue == paper.venue and back.pages == paper.pages, module.NAME


def test_a_journal_on_a_proceedings_site_stays_an_article():
    """OpenReview also hosts TMLR, a journal: its venue is no conference's."""
    tmlr = Paper(title="A paper", venue="Transactions on Machine Learning Research",
                 sources=[Source("openreview", "https://openreview.net/forum?id=abcdefghij")])
    assert bibtex.entry_type(tmlr) == "article"
    iclr = Paper(title="A paper", venue="ICLR 2024 oral", sources=tmlr.sources)
    assert bibtex.entry_type(iclr) == "inproceedings"


def test_pages_in_each_format_read_into_one_form():
    assert bibtex.parse("@inproceedings{k, title={T}, booktitle={Proc. X}, pages={12--34}}").papers[0].pages == "12-34"
    assert ris.parse("TY  - CPAPER\nTI  - T\nT2  - Proc. X\nSP  - 12\nEP  - 34\nER  - \n").papers[0].pages == "12-34"
    assert csljson.parse('[{"type": "paper-conference", "title": "T", "page": "12-34"}]').papers[0].pages == "12-34"
    # A hostile value is kept short (FIELD_LIMITS) and never breaks the entry.
    long = bibtex.parse("@article{k, title={T}, journal={J}, pages={" + "9" * 5000 + "}}").papers[0]
    assert len(long.pages) <= 100
