"""Author names as citation formats want them: given, family and a generational suffix.

PaperShelf stores names as pages show them ("Ashish Vaswani", "Ludwig van Beethoven",
"Pat O'Brien Jr.").  Exporters need the parts: CSL-JSON has ``family``/``given``/``suffix``,
RIS writes "Family, Given, Suffix" and BibTeX "Family, Suffix, Given" -- in the plain
"Given Family Jr." order BibTeX (and Zotero) would take "Jr." for the surname.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

# Generational suffixes written after a name ("V" is left out: more often an initial). Roman
# numerals only in capitals, so "Iv" stays a name.
_SUFFIX = re.compile(r"(?i:jr|sr)\.?|II|III|IV")
# Marks of a name that is one unit, not given + family: an organisation ("Barnes and Noble",
# "Smith & Co", "Google, Inc."), or braces a BibTeX source used to group words.
_ONE_UNIT = re.compile(r"(?i)\band\b|&|[{}]|,\s*(?:inc|ltd|llc|gmbh|co)\b\.?")


class PersonName(NamedTuple):
    given: str
    family: str
    suffix: str = ""


def is_one_unit(name: str) -> bool:
    """An organisation or a braced group: never split, never reordered."""
    # Substring tests first (memchr speed): most names hold none of the marks, and exports of a
    # big library split every author of every paper.
    if "&" not in name and "{" not in name and "}" not in name and "," not in name and "and" not in name.lower():
        return False
    return bool(_ONE_UNIT.search(name))


def is_suffix(word: str) -> bool:
    word = word.strip().rstrip(",")
    return len(word) <= 3 and bool(_SUFFIX.fullmatch(word))  # "Jr.", "III": never longer


@lru_cache(maxsize=65536)  # authors recur across a library; the tuple is immutable
def split_name(name: str) -> PersonName:
    """'First von Last Jr.', 'Last, Jr., First' or 'First Last, Jr.' -> its parts.

    A name that is one unit -- one word, an organisation, or a comma form other than a
    suffix's ("Smith, John" as a page wrote it) -- is all family with no given name, so every
    format writes it back as it is.  Lower-case particles stay with the family name ("Ludwig
    van Beethoven" -> "van Beethoven"), as BibTeX reads them, in a name written in capitals.
    """
    name = " ".join(name.split())
    if is_one_unit(name):
        return PersonName("", name)
    if "," in name:
        parts = [p.strip() for p in name.split(",")]
        if len(parts) == 2 and is_suffix(parts[1]):  # "Pat O'Brien, Jr."
            return split_name(parts[0])._replace(suffix=parts[1])
        if len(parts) == 3 and is_suffix(parts[1]) and parts[0] and parts[2]:  # "O'Brien, Jr., Pat"
            return PersonName(parts[2], parts[0], parts[1])
        return PersonName("", name)
    words = name.split(" ")
    suffix = ""
    if len(words) > 1 and is_suffix(words[-1]):
        suffix = words.pop()
    if len(words) == 1:
        return PersonName("", words[0], suffix)
    i = len(words) - 1
    if words[0][:1].isupper():
        while i > 1 and words[i - 1][:1].islower():
            i -= 1
    return PersonName(" ".join(words[:i]), " ".join(words[i:]), suffix)


def surname(name: str) -> str:
    """The family name, for citation keys: of a one-unit comma name, the part before the comma."""
    return split_name(name).family.split(",", 1)[0].strip()
