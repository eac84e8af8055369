"""Plain author lists (formats/plain_names.py) are written exactly as names.split_name and
tex.name_to_tex would write them; any name with something to take care of is not plain."""

from __future__ import annotations

import itertools

from papershelf.formats import csljson, ris
from papershelf.formats.plain_names import plain
from papershelf.formats.tex import name_to_tex
from papershelf.names import split_name, surname

WORDS = ["Ada", "Lovelace", "van", "Beethoven", "Jr.", "jr", "SR", "II", "III", "IV", "V", "and", "And", "Sandra",
         "Noble", "&", "Co", "{IBM}", "O'Brien", "Müller", "Łukasz", "et", "al.", "al", "et.", "Given123", "Family9",
         "x_1", "50%", "#1", "a~b", "\\relax", "$x$", "^", "Smith,", "Doe", "Jean-and-Paul", "D.", "Zoë", "李"]
SEPARATORS = [" ", "  ", "\t", "\n", "\u2028", "\x1c", "\xa0"]


def names() -> list[str]:
    out = [a + sep + b for a, b in itertools.product(WORDS, WORDS) for sep in (" ", "\t")]
    out += [a + sep + b for a, b in itertools.product(WORDS[:8], WORDS[:8]) for sep in SEPARATORS]
    out += [" Ada Lovelace", "Ada Lovelace ", "Ada", "Ada B Lovelace", "Ludwig van Beethoven", "", "et al."]
    return out


def test_a_plain_name_is_what_split_name_and_name_to_tex_make_of_it():
    plain_ones = 0
    for name in names():
        joined = plain([name])
        if joined is None:
            continue
        plain_ones += 1
        given, family, suffix = split_name(name)
        assert (given, family, suffix) == tuple(name.split(" ")) + ("",), name
        assert name_to_tex(name) == name, name
        assert surname(name) == name.split(" ")[1], name  # citekeys.base_key
        assert joined == name and "{1}, {0}".format(*name.split(" ")) == ris._ris_name(name), name
    assert plain_ones > 300  # the check lets most names through


def test_a_list_is_plain_only_when_every_name_is():
    assert plain(["Ada Lovelace", "Alan Turing"]) == "Ada Lovelace\nAlan Turing"
    for odd in ("Pat O'Brien Jr.", "Barnes and Noble", "Ludwig van Beethoven", "Smith, John", "et al.", "Plato",
                "A\nB", "Ada Lovelace\nAlan Turing", "Alice Smith\n1. Injected", "Ada  Lovelace", "Ada\tLovelace", "x_1 y", "Ada Lovelace\u2028Alan Turing"):
        assert plain(["Ada Lovelace", odd]) is None, odd
    assert plain([]) is None


def test_exports_of_plain_and_other_lists_agree_with_the_per_name_path(papers):
    from papershelf.papers import Paper

    for authors in (["Ada Lovelace", "Alan Turing"], ["Ada Lovelace", "Pat O'Brien Jr."], ["Given1 Family2"]):
        p = Paper(title="T", arxiv_id="2401.00001", authors=authors)
        assert csljson.item(p, "k")["author"] == [csljson._name(a) for a in authors]
        au = [line for line in ris._record(p, "k").splitlines() if line.startswith("AU")]
        assert au == [ris._line("AU", ris._ris_name(a)).rstrip("\n") for a in authors]


def test_markdown_writes_plain_names_as_it_escapes_each():
    from papershelf.formats import markdown_list
    from papershelf.papers import Paper

    lists = [["Ada Lovelace", "Alan Turing"], ["Ada (Lovelace)", "B*b C`d", "E[f] G<h>"], ["1. Ada", "Alan Turing"],
             ["-Ada Lovelace", "Alan Turing"], ["Ada Lovelace", "9Alan Turing"], [f"Given{i} Family{i}" for i in range(9)]]
    for authors in lists:
        p = Paper(title="T", arxiv_id="2401.00001", authors=authors)
        names = ", ".join(markdown_list.md_escape(a) for a in authors[:6])
        assert f"— {names}" in markdown_list._item(p), authors


def test_a_stored_name_with_a_line_break_cannot_break_out_of_any_format():
    """Stored records are not cleaned again on the way out (a copied-in file may hold anything):
    a name with a line break takes the per-name path, which keeps it inside its field."""
    from papershelf.formats import EXPORTERS
    from papershelf.papers import Paper

    p = Paper(title="T", arxiv_id="2401.00001", authors=["Ada Lovelace"])
    p.authors = ["Alice Smith\n1. Injected", "Bob Jones"]  # every line of the joined list looks plain
    import csv
    import io

    import bibtexparser

    from papershelf.formats import export_stream

    for fmt, text in [(fmt, m.export([p])) for fmt, m in EXPORTERS.items()] + \
            [(fmt, "".join(export_stream(fmt, iter([p]), 1)[0])) for fmt in EXPORTERS]:  # no exception
        if fmt == "bibtex":  # inside a braced field a line break is a space
            entries = bibtexparser.loads(text).entries
            assert len(entries) == 1 and "Injected" in entries[0]["author"], text
        elif fmt == "csv":  # inside a quoted cell
            assert len(list(csv.reader(io.StringIO(text)))) == 2, text
        else:
            lines = text.splitlines()
            assert not any(line.startswith(("1. Injected", "TY  - JOUR")) for line in lines), (fmt, text)
