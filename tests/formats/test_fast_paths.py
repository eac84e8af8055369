"""The exporters' fast paths give what the general code they skip gives, on hostile text too."""

from __future__ import annotations

import random
import re

from papershelf.formats import citekeys, ris, tex
from papershelf.formats.markdown_list import md_escape
from papershelf.formats.plain_names import plain, plain_name

# Characters the fast paths look at, and others.
ALPHABET = list("\\`*_{}[]<>()#+!|~&%^$.,;:'’-1234567890 \n\t\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029\xa0aZé²٣ßİ")


def texts(n: int = 50_000, longest: int = 14):
    r = random.Random(5)
    for _ in range(n):
        yield "".join(r.choice(ALPHABET) for _ in range(r.randint(0, longest)))


def test_tex_special_check():
    special = re.compile(r"[\\&%#_{}~^$]")
    for c in map(chr, range(0x3000)):
        assert tex._has_special("ab" + c) == bool(special.search("ab" + c))


def test_ris_line_breaks_are_those_of_splitlines():
    for i in range(0x110000):
        if not 0xD800 <= i < 0xE000:
            value = "a" + chr(i) + "b"
            assert ris._breaks(value) == (len(value.splitlines()) > 1), hex(i)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_NUMBERED = re.compile(r"^(\d{1,9})\.")


def _md_escape_before(text: str) -> str:
    text = " ".join(str(text).split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    if text[:1].isdigit():
        text = _NUMBERED.sub(r"\1\\.", text, count=1)
    elif text.startswith("-"):
        text = "\\" + text
    return text.replace("&", "&amp;")


def test_md_escape():
    for text in [*texts(), "1234567890. x", "123456789. x", "٣. x", "²x", "-x", "- 1. x"]:
        assert md_escape(text) == _md_escape_before(text), repr(text)


def test_plain_name_is_plain_of_one():
    names = ["Ashish Vaswani", "et al.", "Et Al", "John Smith Jr.", "Pat II", "Alexander Sand", "Barnes and Noble",
             "A and", "and B", "a\nb c", "Ann Lee\n", "A  B", " A B", "A B ", "A\tB", "Anne-Marie O'Neil"]
    r = random.Random(3)
    for text in texts(30_000, 10):
        names.append(text)
        words = text.split()
        if len(words) >= 2:
            names.append(f"{words[0]} {r.choice(['Jr.', 'jr', 'III', 'and', 'Sand', 'al.', words[1]])}")
    for name in names:
        assert plain_name(name) == (plain([name]) is not None), repr(name)


_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_MATH = re.compile(r"\$[^$]*\$")
_TEX_CMD = re.compile(r"\\[A-Za-z]+")


def _first_word_before(title: str) -> str:
    text = title or ""
    if "$" in text or "\\" in text:
        text = _TEX_CMD.sub(" ", _MATH.sub(" ", text))
    for m in _WORD.finditer(text):
        word = m.group(0)
        folded = word.lower() if word.isascii() and word.isalnum() else citekeys.ascii_fold(word)
        if folded and folded not in citekeys.STOPWORDS and not folded.isdigit():
            return folded
    return ""


def test_first_word_and_ascii_fold():
    r = random.Random(9)
    words = ["The", "a", "Deep", "2024", "x2", "über", "don't", "it’s", "$x$", "\\alpha", "Łódź", "", "-", "A_B"]
    titles = [" ".join(r.choice(words) for _ in range(r.randint(0, 4))) for _ in range(20_000)]
    for title in [*titles, *texts(20_000, 12), None]:
        assert citekeys.first_word(title) == _first_word_before(title), repr(title)
    for text in [*words, "O'Neil", "Smith", "SMITH2", "a b", *texts(20_000, 8)]:
        if text.isascii():
            assert citekeys.ascii_fold(text) == re.sub(r"[^a-z0-9]+", "", text.lower()), repr(text)


def test_json_formats_write_floats_as_json_does():
    """A stored paper holding floats where strings belong (a hand-edited library) is written by
    json, not by json_text's orjson path (which writes 1e16, not 1e+16)."""
    import json

    from papershelf.formats import csljson, papershelf_json
    from papershelf.papers import _DEFAULTS, paper_from_stored

    encoder = json.JSONEncoder(check_circular=False, separators=(",", ":"))
    doc = {**_DEFAULTS, "key": "k", "title": [1e16, float("nan")], "abstract": 1e-5, "authors": ["A B"],
           "published": "2020-01", "venue": "Conf", "doi": 2.5, "upvotes": 1.5, "keywords": ["x", 1e300]}
    paper = paper_from_stored(doc)
    item = csljson.item(paper, "")
    del item["id"]
    assert csljson._item_parts(paper)[1] == '",' + encoder.encode(item)[1:]
    assert encoder.encode(paper.to_dict()) in papershelf_json.export([paper])
