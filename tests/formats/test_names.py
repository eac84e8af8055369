"""Author names split into given / family / suffix, and written so every reader splits alike."""

from __future__ import annotations

import pytest

from papershelf.formats import export_papers, import_text
from papershelf.formats.names import PersonName, split_name
from papershelf.papers import Paper


@pytest.mark.parametrize("name, parts", [
    ("Ashish Vaswani", PersonName("Ashish", "Vaswani")),
    ("Ludwig van Beethoven", PersonName("Ludwig", "van Beethoven")),
    ("Martin Luther King Jr.", PersonName("Martin Luther", "King", "Jr.")),
    ("John Smith III", PersonName("John", "Smith", "III")),
    ("Pat O'Brien, Jr.", PersonName("Pat", "O'Brien", "Jr.")),
    ("O'Brien, Jr., Pat", PersonName("Pat", "O'Brien", "Jr.")),
    ("Smith, John", PersonName("John", "Smith")),
    ("Plato", PersonName("", "Plato")),
    ("Barnes and Noble", PersonName("", "Barnes and Noble")),  # an organisation: one unit
    ("Smith & Co", PersonName("", "Smith & Co")),
    ("Sandra Band", PersonName("Sandra", "Band")),  # "and" only as a word
])
def test_split_name(name, parts):
    assert split_name(name) == parts


NAMES = ["Martin Luther King Jr.", "Ludwig van Beethoven", "Barnes and Noble", "Plato", "Ashish Vaswani"]


def test_each_format_writes_the_parts_and_reads_the_same_names_back():
    paper = Paper(title="Names", arxiv_id="2401.00001", authors=NAMES, published="2024-01-02")
    bib = export_papers("bibtex", [paper])[0]
    assert "author = {King, Jr., Martin Luther and van Beethoven, Ludwig and {Barnes and Noble} and Plato and Ashish Vaswani}" in bib
    ris = export_papers("ris", [paper])[0]
    assert [line[6:] for line in ris.splitlines() if line.startswith("AU  - ")] == [
        "King, Martin Luther, Jr.", "van Beethoven, Ludwig", "Barnes and Noble", "Plato", "Vaswani, Ashish"]
    csl = export_papers("csljson", [paper])[0]
    assert '{"family":"King","given":"Martin Luther","suffix":"Jr."}' in csl
    assert '{"literal":"Barnes and Noble"}' in csl
    for text in (bib, ris, csl):
        assert import_text(text).papers[0].authors == NAMES
