"""How well each candidate tells the encoding of a legacy file: every corpus file with non-ASCII
text (tests/fixtures/real/) written again in the legacy encodings that can hold it, then decoded
by each detector; a hit is a decoded text equal to the original.  Prints hits and time per
detector.  This chose the detector in papershelf/formats/encoding.py.  (decode() misses
jabref-test.bib written again in windows-1252: the file says "% Encoding: MacRoman", and decode()
believes what a file says of itself, as JabRef does.)

    .venv/bin/python bench/encodings.py
"""

from __future__ import annotations

import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "real"
import re

# Each legacy encoding is tried on the texts a tool would have written in it: the Chinese ones on
# texts with Chinese characters, the Western ones on texts with Western accented letters, ...
ENCODINGS = {"cp1252": r"[À-ÿ]", "latin-1": r"[À-ÿ]", "iso-8859-2": r"[ŁłŚśŹźŻżĆćŃńĘęĄą]", "cp1251": r"[А-я]",
             "gbk": r"[\u4e00-\u9fff]", "gb18030": r"[\u4e00-\u9fff]", "big5": r"[\u4e00-\u9fff]",
             "shift_jis": r"[\u3040-\u30ff]", "euc-kr": r"[\uac00-\ud7af]"}


def samples():
    for path in sorted(ROOT.glob("*/*")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8").lstrip("\ufeff")
        except UnicodeDecodeError:  # the corpus's own legacy files, with the encoding they declare or are known by
            enc = {"gbk-chinese.bib": "gbk"}.get(path.name) or re.search(rb"Encoding: ([\w-]+)", raw).group(1).decode()
            yield path.name, enc, raw.decode(enc), raw
            continue
        for enc, script in ENCODINGS.items():
            if not re.search(script, text):
                continue
            try:
                raw = text.encode(enc)
            except UnicodeEncodeError:
                continue
            yield path.name, enc, text, raw


def charset_normalizer_detect(raw: bytes) -> str | None:
    from charset_normalizer import from_bytes
    best = from_bytes(raw).best()
    return str(best) if best else None


def chardet_detect(raw: bytes) -> str | None:
    import chardet
    enc = chardet.detect(raw)["encoding"]
    return raw.decode(enc, "replace") if enc else None


def cp1252_fallback(raw: bytes) -> str | None:
    return raw.decode("cp1252", "replace")


def ours(raw: bytes) -> str | None:
    from papershelf.formats.encoding import decode
    try:
        return decode(raw)
    except Exception:
        return None


def main() -> None:
    cases = list(samples())
    print(f"{len(cases)} samples from {len({c[0] for c in cases})} files, encodings: {', '.join(ENCODINGS)} (and the corpus's own legacy files)")
    for name, detect in [("cp1252 fallback", cp1252_fallback), ("charset-normalizer", charset_normalizer_detect),
                         ("chardet", chardet_detect), ("papershelf decode()", ours)]:
        try:
            detect(b"x\xe9")
        except ImportError:
            print(f"{name:22} not installed")
            continue
        hits, by_enc, t0 = 0, {}, time.perf_counter()
        for _, enc, text, raw in cases:
            ok = detect(raw) == text
            hits += ok
            good, total = by_enc.get(enc, (0, 0))
            by_enc[enc] = (good + ok, total + 1)
        elapsed = time.perf_counter() - t0
        detail = ", ".join(f"{e} {g}/{t}" for e, (g, t) in by_enc.items())
        print(f"{name:22} {hits:3}/{len(cases)} right in {elapsed:.2f} s   ({detail})")


if __name__ == "__main__":
    main()
