"""JSON text exactly as ``json.JSONEncoder(separators=(",", ":"))`` writes it, written by orjson.

The JSON backup and CSL-JSON write each paper with json's C encoder (compact, ASCII output):
about 20 µs a paper, the largest part of an export of 40,000.  orjson writes the same text in a
tenth of that when the value holds nothing the two write differently, and :func:`encode` asks
it only then:

- numbers other than ints (json writes ``1e+16`` and ``NaN``, orjson ``1e16`` and ``null``):
  orjson is given only str, int, bool, None, and lists and dicts of them (exact types);
- characters past ASCII (json escapes them, ``\\u00e9``, surrogate pairs past the BMP; orjson
  writes UTF-8) and DEL (json writes ``\\u007f``, orjson the byte): escaped afterwards, as json
  escapes them (they can only stand inside strings);
- lone surrogates, ints past 64 bits, nesting past 255 levels: orjson refuses them, and json
  writes the value as before.

Every other ASCII character is escaped alike by both (tests/formats/test_json_text.py).
"""

from __future__ import annotations

import json
import re

import orjson

_ENCODER = json.JSONEncoder(check_circular=False, separators=(",", ":"))
_NOT_ASCII = re.compile(r"[^\x00-\x7e]")  # one character a match: linear


_LEAVES = frozenset({str, int, bool, type(None)})


def _same_in_both(value) -> bool:
    """Whether json and orjson write ``value`` alike (up to the escaping ``_escape`` does).
    A loop rather than a call per value: this is asked of every paper of an export."""
    kind = type(value)
    if kind is dict:  # keys: orjson refuses any but str, and json is asked then
        value = value.values()
    elif kind is not list:
        return kind in _LEAVES
    for v in value:
        kind = type(v)
        if kind not in _LEAVES and not ((kind is list or kind is dict) and _same_in_both(v)):
            return False
    return True


def _escape(m: re.Match) -> str:
    n = ord(m.group())
    if n < 0x10000:
        return "\\u%04x" % n
    n -= 0x10000
    return "\\u%04x\\u%04x" % (0xD800 | (n >> 10), 0xDC00 | (n & 0x3FF))


def encode(value, checked: bool = False) -> str:
    """``value`` as json's compact ASCII encoder writes it.  ``checked``: the caller built
    ``value`` of str, int, bool, None, lists and dicts only (the walk that tells is skipped)."""
    try:
        if checked or _same_in_both(value):
            data = orjson.dumps(value)
            if data.isascii() and b"\x7f" not in data:
                return data.decode("ascii")
            return _NOT_ASCII.sub(_escape, data.decode("utf-8"))
    except (TypeError, RecursionError):  # orjson.JSONEncodeError is a TypeError
        pass
    return _ENCODER.encode(value)
