"""Bytes of an imported file -> text, whatever encoding the tool that wrote it used.

Most files are UTF-8, but older JabRef and BibDesk libraries are Latin-1 / windows-1252 and
Chinese tools write GBK.  The order: a byte-order mark; strict UTF-8; the encoding the file
declares (JabRef's ``% Encoding: ISO-8859-1``, an XML or HTML declaration) when the bytes
decode with it; else chardet's guess, when the bytes decode with it.  A file none of these
reads is refused with a message.  chardet was chosen on figures (bench/encodings.py): on the
corpus's texts written in Western, Central European, Cyrillic and Chinese legacy encodings it
told 25 of 25, charset-normalizer 11 (it reads short Western files as other code pages and a
GBK file as Korean), a plain windows-1252 fallback 22 (never the Chinese ones).  Its confidence
figure is no guide on short files (0.02 for a right GBK guess), so it is not used.
"""

from __future__ import annotations

import codecs
import re

from .base import FormatError

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Declarations within the first bytes of a file; bounded, anchored alternatives (linear).
_DECLARED = re.compile(
    rb"(?:^%\s*Encoding:\s*|encoding=[\"']|charset=[\"']?)([A-Za-z][\w.:-]{1,39})", re.IGNORECASE | re.MULTILINE
)
_DECLARATION_WINDOW = 4096
_GUESS_WINDOW = 1_000_000  # chardet's time grows with what it is shown; a megabyte tells enough


def decode(raw: bytes) -> str:
    """The text of a file; FormatError when its encoding cannot be told."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(name)
            except UnicodeDecodeError:
                raise FormatError(f"the file starts with a {name.upper()} mark but is not {name.upper()} text") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = declared_encoding(raw)
    if declared:
        try:
            return raw.decode(declared)
        except UnicodeDecodeError:
            pass
    return _guess(raw)


def declared_encoding(raw: bytes) -> str | None:
    m = _DECLARED.search(raw[:_DECLARATION_WINDOW])
    if not m:
        return None
    try:
        return codecs.lookup(m.group(1).decode("ascii")).name
    except LookupError:
        return None


def _guess(raw: bytes) -> str:
    import chardet  # imported when needed: most files are UTF-8

    name = chardet.detect(raw[:_GUESS_WINDOW])["encoding"]
    try:
        return raw.decode(name) if name else _refuse()
    except (UnicodeDecodeError, LookupError):
        return _refuse()


def _refuse() -> str:
    raise FormatError("the file is not UTF-8 text and its encoding could not be recognised; save it as UTF-8")
