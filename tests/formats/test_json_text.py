"""json_text.encode writes what json's compact ASCII encoder writes, whatever the value holds."""

from __future__ import annotations

import enum
import json
import random

import pytest

from papershelf.formats.json_text import encode

_JSON = json.JSONEncoder(check_circular=False, separators=(",", ":"))


class Str(str):
    pass


class Num(enum.IntEnum):
    ONE = 1


VALUES = [
    {"title": "plain", "n": 3, "ok": True, "none": None, "list": ["a", "b"], "nested": [{"x": "y"}]},
    "every ASCII: " + "".join(map(chr, range(128))),
    "accents é ü – “quotes” \u2028 \u2029 \u0085 \ufeff 𝔘 😀 \U0010ffff",
    "lone surrogates \ud800 \udfff",
    {"é": "key past ASCII", "\x7f": "DEL key"},
    [1.5, 1e16, 1.5e-05, float("nan"), float("inf"), -0.0],
    {"n": 2**64, "m": -(2**63) - 1, "k": 2**63},
    {1: "int key", "s": "str key"},
    {Str("sub"): Str("class")},
    [Num.ONE, True, False],
    ("a", "tuple"),
    [[[[["deep"]]]]],
    {},
    [],
    "",
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_same_text_as_json(value):
    assert encode(value) == _JSON.encode(value)


def test_every_character():
    for start in range(0, 0x110000, 4096):
        text = "".join(map(chr, range(start, min(start + 4096, 0x110000))))
        assert encode({"t": text, "l": [text[:7]]}) == _JSON.encode({"t": text, "l": [text[:7]]})


def test_deep_nesting_falls_back():
    value: list = []
    for _ in range(400):
        value = [value]
    assert encode(value) == _JSON.encode(value)


def test_random_papers_like_values():
    r = random.Random(7)
    alphabet = "abc \"\\/\n\t\x00\x1f\x7f\x80é–😀\u2028{}[],:"
    for _ in range(2000):
        def s() -> str:
            return "".join(r.choice(alphabet) for _ in range(r.randint(0, 12)))
        value = {s(): s(), "authors": [s() for _ in range(3)], "n": r.randint(-5, 5), "u": {s(): s()}}
        assert encode(value) == _JSON.encode(value)
