"""TeX in titles shown as text: how many corpus titles still show TeX, and how fast.

Every title field of the BibTeX files in tests/fixtures/real/ (and the same titles repeated to
20,000, as a large export would see them) through our BibTeX reader's tex_to_text (escapes and
accents only) and through papershelf.readable (pylatexenc).  "Still TeX" counts outputs with a
backslash, a brace or a '$' left.  This chose pylatexenc for papershelf/readable.py.

    .venv/bin/python bench/tex_titles.py
"""

from __future__ import annotations

import time
from pathlib import Path

from papershelf.formats import bibtex_reader
from papershelf.formats.encoding import decode
from papershelf.formats.tex import tex_to_text
from papershelf.readable import _convert, readable

ROOT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "real" / "bibtex"


def titles() -> list[str]:
    out = []
    for path in sorted(ROOT.glob("*.bib")):
        entries, _ = bibtex_reader.read(decode(path.read_bytes()))
        out += [e["title"] for e in entries if e.get("title")]
    return out


def still_tex(text: str) -> bool:
    return any(c in text for c in "\\{}$")


def main() -> None:
    raw = titles()
    with_tex = [t for t in raw if still_tex(t)]
    print(f"{len(raw)} titles, {len(with_tex)} with TeX in the file")
    big = (raw * (20_000 // len(raw) + 1))[:20_000]
    for name, fn in [("tex_to_text", tex_to_text), ("pylatexenc (readable)", readable)]:
        left = [t for t in with_tex if still_tex(fn(t))]
        _convert.cache_clear()
        t0 = time.perf_counter()
        for t in big:
            fn(t)
        cold = time.perf_counter() - t0
        print(f"{name:24} still TeX in {len(left):3}/{len(with_tex)}; 20,000 titles in {cold:.2f} s")
        for t in left[:3]:
            print(f"    {t[:70]!r} -> {fn(t)[:70]!r}")


if __name__ == "__main__":
    main()
