"""Author names split into given / family / suffix, and written so every reader splits alike."""

from __future__ import annotations

import pytest

from papershelf.formats import export_papers, import_text
from papershelf.names import PersonName, split_name
from papershelf.papers import Paper


@pytest.mark.parametrize("name, parts", [
    ("Ashish Vaswani", PersonName("Ashish", "Vaswani")),
    ("Ludwig van Beethoven", PersonName("Ludwig", "van Beethoven")),
    ("Martin Luther King Jr.", PersonName("Martin Luther", "King", "Jr.")),
    ("John Smith III", PersonName("John", "Smith", "III")),
    ("Pat O'Brien, Jr.", PersonName("Pat", "O'Brien", "Jr.")),
    ("O'Brien, Jr., Pat", PersonName("Pat", "O'Brien", "Jr.")),
    ("Smith, John", PersonName("", "Smith, John")),  # as a page wrote it: kept whole
    ("Plato", PersonName("", "Plato")),
    ("Barnes and Noble", PersonName("", "Barnes and Noble")),  # an organisation: one unit
    ("Smith & Co", PersonName("", "Smith & Co")),
    ("Sandra Band", PersonName("Sandra", "Band")),  # "and" only as a word
    ("Davis Jr.", PersonName("", "Davis", "Jr.")),
    ("Henry Ford Iv", PersonName("Henry Ford", "Iv")),  # Roman numerals only in capitals
    ("wei ming chen", PersonName("wei ming", "chen")),  # no particles in an all-lower-case name
    ("Google, Inc.", PersonName("", "Google, Inc.")),
    ("Max {von der} Heide", PersonName("", "Max {von der} Heide")),
])
def test_split_name(name, parts):
    assert split_name(name) == parts


NAMES = ["Martin Luther King Jr.", "Ludwig van Beethoven", "Barnes and Noble", "Plato", "Ashish Vaswani",
         "Google, Inc.", "Davis Jr."]


def test_each_format_writes_the_parts_and_reads_the_same_names_back():
    paper = Paper(title="Names", arxiv_id="2401.00001", authors=NAMES, published="2024-01-02")
    bib = export_papers("bibtex", [paper])[0]
    assert ("author = {King, Jr., Martin Luther and van Beethoven, Ludwig and {Barnes and Noble} and Plato"
            " and Ashish Vaswani and {Google, Inc.} and {Davis Jr.}}") in bib
    ris = export_papers("ris", [paper])[0]
    assert [line[6:] for line in ris.splitlines() if line.startswith("AU  - ")] == [
        "King, Martin Luther, Jr.", "van Beethoven, Ludwig", "Barnes and Noble", "Plato", "Vaswani, Ashish",
        "Google, Inc.", "Davis Jr."]
    csl = export_papers("csljson", [paper])[0]
    assert '{"family":"King","given":"Martin Luther","suffix":"Jr."}' in csl
    assert '{"literal":"Barnes and Noble"}' in csl
    for text in (bib, ris, csl):
        assert import_text(text).papers[0].authors == NAMES


def test_citation_key_surnames():
    from papershelf.names import surname

    assert [surname(n) for n in ("Martin Luther King Jr.", "Smith, John", "Barnes and Noble")] == [
        "King", "Smith", "Barnes and Noble"]
