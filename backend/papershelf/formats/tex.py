"""Plain text <-> BibTeX field values.

Titles from arXiv carry TeX (``$\\mathcal{O}(n)$``, ``\\"{o}``): that is kept as it is.  Outside
math, the characters TeX would read as commands (``& % # _ { } ~ ^ $`` and a lone backslash)
are escaped, so every value we write is brace-balanced and means what the page showed.
:func:`tex_to_text` is the inverse, used when importing BibTeX from us or from other tools.

Both work with regular expressions (C speed) rather than a character loop: exports of 20,000
abstracts must stay well under a second.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..names import split_name
from . import tex_safe

# Math: $$...$$, $...$ (not after a backslash) and \( ... \).
# \( ... \) holds no other \( or \): an opener without a closer is then read up to the next
# opener only (".+?" read to the end of the value from each of 30,000 openers: 4.6 s).
_MATH = re.compile(r"(?<!\\)(\$\$[^$]+?\$\$|\$[^$]+?\$|\\\((?:(?!\\[()])[^\n])+?\\\))")
# One level of nested braces is enough for command arguments in titles (\textbf{a {B} c}).
_GROUP = r"\{(?:[^{}]|\{[^{}]*\})*\}"
_ESCAPE = re.compile(
    r"\\[&%#_{}$]"  # already escaped: keep
    rf"|\\(?P<cmd>[A-Za-z]+)(?P<arg>{_GROUP})?"  # a TeX command and its argument: kept if harmless
    r"|\\['\"^`~=.](?:\{[^{}\\]*\}|[A-Za-z0-9])"  # an accent: keep (on a digit too: (11\=22), a barred 2)
    r"|[\\&%#_{}~^$]"  # a special character to escape
)
# Named characters in a group of their own, as Zotero writes them (and reads them back).
_ESCAPES = {
    "\\": r"{\textbackslash}",
    "~": r"{\textasciitilde}",
    "^": r"{\textasciicircum}",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
}
_SPECIALS = "\\&%#_{}~^$"
# BibTeX counts escaped braces too, so a lone "{" in a title cannot be written as "\\{":
# the named forms keep the entry balanced whatever the title holds.
_LONE_BRACES = {"{": r"{\textbraceleft}", "}": r"{\textbraceright}"}

_BRACE = re.compile(r"[{}]")
# (?<!\s): a split starts only where a run of blanks starts, so a long run is read once.
_AND_SPLIT = re.compile(r"(?<!\s)\s+and\s+", re.IGNORECASE)
_TEX_SPECIAL = re.compile(r"[\\{}~]")


def _balanced(s: str) -> bool:
    """Balanced the way BibTeX counts: an escaped brace (\\{) counts like any other."""
    depth = 0
    for c in _BRACE.findall(s):
        depth += 1 if c == "{" else -1
        if depth < 0:
            return False
    return depth == 0




def _escape_text(segment: str, lone_braces: bool = False) -> str:
    def repl(m: re.Match) -> str:
        tok = m.group(0)
        if len(tok) == 1:
            if lone_braces and tok in _LONE_BRACES:
                return _LONE_BRACES[tok]
            return _ESCAPES[tok]
        if lone_braces and tok in (r"\{", r"\}"):
            return _LONE_BRACES[tok[1]]
        if m.group("cmd"):
            return _command(m.group("cmd"), m.group("arg"), lone_braces)
        return tok

    return _ESCAPE.sub(repl, segment)


def _command(name: str, arg: str | None, lone_braces: bool) -> str:
    """A command found in a value: kept when harmless (its argument checked too), else
    written as text -- ``\\input{x}`` becomes ``{\\textbackslash}input\\{x\\}`` (see tex_safe)."""
    if not tex_safe.allowed(name):
        return _ESCAPES["\\"] + name + (_escape_text(arg, lone_braces) if arg else "")
    if not arg or tex_safe.math_is_safe(arg):
        return "\\" + name + (arg or "")
    return "\\" + name + "{" + _escape_text(arg[1:-1], lone_braces) + "}"


_SIMPLE = str.maketrans(_ESCAPES)
_SIMPLE_LONE = str.maketrans({**_ESCAPES, **_LONE_BRACES})


def _has_special(text: str) -> bool:
    """Whether ``text`` holds one of _SPECIALS.  Ten substring tests (memchr, in C) take
    0.6 µs on a 1 KB abstract where a character-class search takes 9 µs (a third of a second over the abstracts of 40,000 papers)."""
    return ("\\" in text or "&" in text or "%" in text or "#" in text or "_" in text or "{" in text
            or "}" in text or "~" in text or "^" in text or "$" in text)


def text_to_tex(text: str) -> str:
    """Escape a plain value for a BibTeX field; $math$ and TeX commands are kept as they are."""
    # Most abstracts need no escaping at all.
    if not text or not _has_special(text):
        return text or ""
    if "\\" not in text and "$" not in text:
        # No math and no TeX commands: a character table does it (20,000 abstracts).
        result = text.translate(_SIMPLE)
        if ("{" in text or "}" in text) and not _balanced(result):
            result = text.translate(_SIMPLE_LONE)
        return result
    result = _escape_all(text, lone_braces=False)
    if not _balanced(result):
        # The title's own braces do not pair up: spell them out so the entry stays balanced.
        result = _escape_all(text, lone_braces=True)
    return result


def _escape_all(text: str, lone_braces: bool) -> str:
    out = []
    pos = 0
    for m in _MATH.finditer(text):
        out.append(_escape_text(text[pos : m.start()], lone_braces))
        math = m.group(0)
        # Math with unbalanced braces would break the entry: escape it like text instead.
        # Math holding a command that is not harmless is written as text like the rest.
        out.append(math if _balanced(math) and tex_safe.math_is_safe(math) else _escape_text(math, lone_braces))
        pos = m.end()
    out.append(_escape_text(text[pos:], lone_braces))
    return "".join(out)


# --- reading ---------------------------------------------------------------------------------

_ACCENTS = {"'": "\u0301", '"': "\u0308", "^": "\u0302", "`": "\u0300", "~": "\u0303", "=": "\u0304", ".": "\u0307",
            "c": "\u0327", "v": "\u030c", "u": "\u0306", "H": "\u030b", "k": "\u0328", "r": "\u030a"}
_LETTERS = {"ss": "ß", "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å", "i": "ı"}
_NAMED = {"textbackslash": "\\", "textasciitilde": "~", "textasciicircum": "^", "textendash": "–", "textemdash": "—",
          "ldots": "…", "dots": "…", "textquoteright": "’", "textquoteleft": "‘", "textunderscore": "_", "textbraceleft": "{", "textbraceright": "}"}
_UNESCAPE = re.compile(
    r"\\[&%#_{}$]"
    r"|\\(?P<acc>['\"^`~=.])\s*(?:\{(?P<accarg>[A-Za-z]?)\}|(?P<accch>[A-Za-z]))"
    r"|\\(?P<lacc>[cvuHkr])(?:\{(?P<laccarg>[A-Za-z]?)\}|\s+(?P<laccch>[A-Za-z]))"
    rf"|\\(?P<cmd>[A-Za-z]+)(?P<arg>{_GROUP})?(?P<sp>\s?)"
    r"|[{}~]"
)


def _unescape_text(segment: str) -> str:
    def repl(m: re.Match) -> str:
        tok = m.group(0)
        if tok in "{}":
            return ""  # protective braces
        if tok == "~":
            return " "  # a TeX tie is a space
        if tok[0] == "\\" and len(tok) == 2 and tok[1] in "&%#_{}$":
            return tok[1]
        acc = m.group("acc") or m.group("lacc")
        if acc:
            letter = m.group("accarg") or m.group("accch") or m.group("laccarg") or m.group("laccch") or ""
            composed = unicodedata.normalize("NFC", letter + _ACCENTS[acc])
            return composed if len(composed) == 1 else tok
        cmd, arg = m.group("cmd"), m.group("arg")
        # TeX swallows the space after a bare control word ("\\ss x"), not after "\\ss{} x".
        kept_space = m.group("sp") if arg else ""
        if cmd in _NAMED and arg in (None, "{}"):
            return _NAMED[cmd] + kept_space
        if cmd in _LETTERS and arg in (None, "{}"):
            return _LETTERS[cmd] + kept_space
        # Any other command (\mathcal{O}, \textbf{x}) is TeX the title carried: keep it.
        return tok

    return _UNESCAPE.sub(repl, segment)


def tex_to_text(value: str) -> str:
    """A BibTeX field value as plain text: escapes undone, protective braces dropped, math kept."""
    if not value:
        return ""
    if not _TEX_SPECIAL.search(value):
        return " ".join(value.split())
    out = []
    pos = 0
    for m in _MATH.finditer(value):
        out.append(_unescape_text(value[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_unescape_text(value[pos:]))
    return " ".join("".join(out).split())


def split_names(value: str) -> list[str]:
    """Split a BibTeX name list on top-level 'and' (not inside braces), any case and spacing."""
    if "{" not in value:
        return [x.strip() for x in _AND_SPLIT.split(value) if x.strip()]
    names, depth, start = [], 0, 0
    i, n = 0, len(value)
    while i < n:
        c = value[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0 and c.isspace():
            # Compare slices of the original text: lower-casing the whole string first would
            # shift indices for letters like "İ" whose lower case is two characters.
            j = i
            while j < n and value[j].isspace():
                j += 1
            if value[j : j + 3].lower() == "and" and j + 3 < n and value[j + 3].isspace():
                names.append(value[start:i])
                k = j + 3
                while k < n and value[k].isspace():
                    k += 1
                start = i = k
                continue
        i += 1
    names.append(value[start:])
    return [x.strip() for x in names if x.strip()]


def name_to_plain(name: str) -> str:
    """'Last, First' -> 'First Last'; 'Last, Jr., First' -> 'First Last Jr.'; TeX undone."""
    parts = [p.strip() for p in _split_top_commas(name)]
    if len(parts) == 2:
        name = f"{parts[1]} {parts[0]}"
    elif len(parts) >= 3:
        name = f"{parts[2]} {parts[0]} {parts[1]}"
    return tex_to_text(name)


def _split_top_commas(name: str) -> list[str]:
    if "{" not in name:
        return [p for p in name.split(",") if p.strip()] or [name]
    parts, depth, start = [], 0, 0
    for i, c in enumerate(name):
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(name[start:i])
            start = i + 1
    parts.append(name[start:])
    return [p for p in parts if p.strip()] or [name]


# "and others" is BibTeX's et al.; some files write "and et al." instead.
ET_AL = ("others", "et al.", "et al", "et. al.")


@lru_cache(maxsize=65536)  # authors recur across a library
def name_to_tex(name: str) -> str:
    """A plain 'First Last' name for an author field, escaped.  A family name of several words
    or a generational suffix is written "Last, First" ("van Beethoven, Ludwig", "O'Brien, Jr.,
    Pat"), the one order every reader splits alike (Zotero takes "Ludwig van" for a first name
    and "Jr." for a surname otherwise); an organisation ("Barnes and Noble") or a name with a
    comma is wrapped in braces as one unit, which BibTeX would otherwise split."""
    if name.strip().lower() in ET_AL:  # a person so named, not BibTeX's "et al."
        return "{" + name.strip() + "}"
    given, family, suffix = split_name(name)
    if given and "," not in given and (suffix or " " in family):
        middle = f"{text_to_tex(suffix)}, " if suffix else ""
        return f"{text_to_tex(family)}, {middle}{text_to_tex(given)}"
    tex = text_to_tex(name)
    one_unit = not given and " " in name.strip()  # "Barnes and Noble", "Davis Jr.", "Smith, John"
    return "{" + tex + "}" if one_unit or "," in name else tex

