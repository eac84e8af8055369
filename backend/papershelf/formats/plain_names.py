"""Author lists of plain names, read in one pass per paper.

Most names are two words with nothing a format must take care of ("Ashish Vaswani"): no
comma, brace, "&" or "and" (an organisation), no generational suffix ("Jr."), no TeX special
character, no "et al.".  For such a name ``names.split_name`` gives (first word, second word)
and ``tex.name_to_tex`` gives the name itself; asking them per name costs ~3 µs, a second at
the 300,000 authors of 40,000 papers.  One regex checks a paper's whole list instead (linear:
each name's look-aheads read that name only), and the exporters write plain lists directly; any
other list goes through ``split_name`` as before (tests/formats/test_plain_names.py checks that
both agree).
"""

from __future__ import annotations

import re

# A word: no whitespace (so no line break of any kind), no comma, and none of TeX's specials.
_WORD = r"[^\s,&{}\\%#_~^$]++"
_NAME = (r"(?!(?i:et\.? al\.?)(?:\n|\Z))"  # a person called "et al." is written as one unit
         rf"{_WORD} (?!(?:(?i:jr|sr)\.?|II|III|IV)(?:\n|\Z)){_WORD}")  # names.is_suffix
# Anchored, possessive: one attempt at the start, no backtracking into a word.
_PLAIN = re.compile(rf"\A{_NAME}(?:\n{_NAME})*+\Z")
# "Barnes and Noble" is one unit: asked only of lists that hold "and" at all (Alexander, Sandra),
# as it costs as much as the rest.
_AND = r"(?![^\n]*\b(?i:and)\b)"
_PLAIN_WITH_AND = re.compile(rf"\A{_AND}{_NAME}(?:\n{_AND}{_NAME})*+\Z")


def plain(authors: list[str]) -> str | None:
    """The names one a line when every one is plain (``given family``), else None."""
    if not authors:
        return None
    joined = "\n".join(authors)
    if joined.count("\n") != len(authors) - 1:  # a name holding a line break is not two names
        return None
    pattern = _PLAIN_WITH_AND if "and" in joined.lower() else _PLAIN
    return joined if pattern.fullmatch(joined) else None


# One name, as ``plain([name])`` tells it (a name holding a line break fails _NAME too).
_ONE = re.compile(rf"\A{_NAME}\Z")  # anchored, as _PLAIN: one attempt, at the start
_ONE_WITH_AND = re.compile(rf"\A{_AND}{_NAME}\Z")


def plain_name(name: str) -> bool:
    """Whether ``plain([name])`` accepts the name (citekeys.py asks it of every first author)."""
    return (_ONE_WITH_AND if "and" in name.lower() else _ONE).fullmatch(name) is not None


def given_family(name: str) -> list[str]:
    """[given, family] of a name from a list ``plain`` accepted: its one space parts them."""
    return name.split(" ")
