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

# Generational suffixes written after a name; "V" is left out, it is more often an initial.
_SUFFIX = re.compile(r"(?i)(?:jr|sr)\.?|ii|iii|iv")
_JOINED = re.compile(r"(?i)\band\b|&")


class PersonName(NamedTuple):
    given: str
    family: str
    suffix: str = ""


def is_suffix(word: str) -> bool:
    return bool(_SUFFIX.fullmatch(word.strip().rstrip(",")))


@lru_cache(maxsize=65536)  # authors recur across a library; the tuple is immutable
def split_name(name: str) -> PersonName:
    """'First von Last Jr.', 'Last, First' or 'Last, Jr., First' -> its parts.

    A one-word name, or an organisation ("Barnes and Noble"), is all family.  Lower-case
    particles stay with the family name ("Ludwig van Beethoven" -> "van Beethoven"), as BibTeX
    reads them.
    """
    name = " ".join(name.split())
    if _JOINED.search(name):  # "Barnes and Noble", "Smith & Co": an organisation, one unit
        return PersonName("", name)
    if "," in name:
        parts = [p.strip() for p in name.split(",")]
        if len(parts) == 2 and is_suffix(parts[1]):  # "Pat O'Brien, Jr."
            return split_name(parts[0])._replace(suffix=parts[1])
        if len(parts) == 3 and is_suffix(parts[1]):  # "O'Brien, Jr., Pat"
            return PersonName(parts[2], parts[0], parts[1])
        return PersonName(", ".join(parts[1:]), parts[0])
    words = name.split(" ")
    suffix = ""
    if len(words) > 2 and is_suffix(words[-1]):
        suffix = words.pop()
    if len(words) == 1:
        return PersonName("", words[0], suffix)
    # Keep lower-case particles with the surname ("van", "de la").
    i = len(words) - 1
    while i > 1 and words[i - 1][:1].islower():
        i -= 1
    return PersonName(" ".join(words[:i]), " ".join(words[i:]), suffix)


def surname(name: str) -> str:
    return split_name(name).family
