"""Citation keys: ``surname2024firstword``, lowercase ASCII, unique within one export.

The key depends only on the paper (first author's surname, year, first significant title
word), and clashes are resolved in the order of the papers' library keys, so exporting the
same library twice gives the same citation keys whatever order the papers arrive in.
"""

from __future__ import annotations

import re
import unicodedata

from ..papers import Paper
from ..parsing.common import date_from_arxiv_id
from ..names import surname
from .plain_names import plain_name

# Words that carry no meaning as the "first word" of a title.
STOPWORDS = frozenset(
    """a an the on of in for to and or with without towards toward via is are be from by at as
    do does how what when why which who can we our your its it this that these those into onto
    over under about beyond between through using use""".split()
)

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_MATH = re.compile(r"\$[^$]*\$")
_TEX_CMD = re.compile(r"\\[A-Za-z]+")
_SUFFIXES = "abcdefghijklmnopqrstuvwxyz"


def ascii_fold(text: str) -> str:
    """'Müller-Łukasz' -> 'mullerlukasz': accents dropped, anything not a-z0-9 removed."""
    if text.isascii():
        # Letters and digits only (most surnames and title words): nothing to remove.
        return text.lower() if text.isalnum() else _NON_ALNUM.sub("", text.lower())
    folded = unicodedata.normalize("NFKD", text.translate(_TRANSLIT)).encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub("", folded.lower())


# Letters NFKD cannot decompose get their usual transliteration.
_TRANSLIT = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "đ": "d", "ı": "i"})


def year_of(p: Paper) -> str:
    """The publication year; for an arXiv id without a date, the year it encodes."""
    year = (p.published or "")[:4]
    if len(year) == 4 and year.isdigit():
        return year
    return date_from_arxiv_id(p.arxiv_id)[:4]


def first_word(title: str) -> str:
    """First significant word of the title (math and TeX commands ignored)."""
    text = title or ""
    if "$" in text or "\\" in text:
        text = _TEX_CMD.sub(" ", _MATH.sub(" ", text))
    else:
        # A first word of ASCII letters and digits ending at a space (or the end) is the first
        # match of _WORD as it is: when it is significant, no need to scan for it.
        word = text.partition(" ")[0]
        if word.isascii() and word.isalnum():
            folded = word.lower()
            if folded not in STOPWORDS and not folded.isdigit():
                return folded
    for m in _WORD.finditer(text):  # stop at the first significant word, not scan them all
        word = m.group(0)
        folded = word.lower() if word.isascii() and word.isalnum() else ascii_fold(word)
        if folded and folded not in STOPWORDS and not folded.isdigit():
            return folded
    return ""


def base_key(p: Paper) -> str:
    if p.authors:
        first = p.authors[0]
        # A plain "Given Family" (plain_names.py) has its family name second, as split_name says.
        author = ascii_fold(first.partition(" ")[2] if plain_name(first) else surname(first))
    else:
        author = ""
    return f"{author or 'anon'}{year_of(p)}{first_word(p.title)}"


def _suffix(n: int) -> str:
    """1 -> 'a', 26 -> 'z', 27 -> 'aa' (bijective base 26)."""
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = _SUFFIXES[r] + out
    return out


def citation_keys(papers: list[Paper]) -> dict[str, str]:
    """Library key -> citation key for every paper; unique, deterministic for the same set.

    The first paper (in library-key order) with a given base keeps it bare; the next ones get
    'a', 'b', 'c'...  A suffixed key that happens to equal another paper's bare key moves on to
    the next letter.
    """
    return unique_keys({p.key: base_key(p) for p in papers})


def unique_keys(bases: dict[str, str]) -> dict[str, str]:
    """Library key -> citation key, from each paper's ``base_key`` (what ``citation_keys`` does
    once the bases are known: a streamed export gathers them as it goes).  Lean: an export of
    everything asks it for 200,000 papers, nearly all with a base of their own."""
    firsts: dict[str, str] = {}  # base -> its first paper's key, then the key that keeps it bare
    shared: dict[str, list[str]] = {}  # the bases several papers share (rare) -> their keys
    for key, base in bases.items():
        first = firsts.setdefault(base, key)
        if first is not key:
            found = shared.get(base)
            if found is None:
                shared[base] = [first, key]
            else:
                found.append(key)
    # Only the bases papers share need an order (library-key order): sorting every key of a
    # 40,000-paper export took longer than the rest of this.  Bare keys first, so a suffixed
    # key never steals another paper's natural key.
    for base, keys in shared.items():
        keys.sort()
        firsts[base] = keys[0]
    out = {key: base for base, key in firsts.items()}
    suffixed: set[str] = set()
    for base in sorted(shared):
        n = 0
        for key in shared[base][1:]:
            while True:
                n += 1
                candidate = base + _suffix(n)
                if candidate not in suffixed and candidate not in firsts:
                    break
            out[key] = candidate
            suffixed.add(candidate)
    return out
