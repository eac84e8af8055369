"""Reading a snapshot written by PaperShelf 0.1.0 -- one JSON object, TinyDB's tables
``{"_meta": {"1": {...}}, "papers": {"1": {...}, ...}}`` -- a paper at a time.

Parsing it whole held every paper as a dict at once (about 2 GB at 200,000 papers).  Here the
file is mapped, the two outer levels (tables, then documents) are read by a small parser, and
each document's extent is found by one regular expression that steps over strings and counts
braces; each document is parsed alone, for its stub (docs.py), and its bytes are left in the
file: the upgrade's snapshot copies them from there (snapshots.py).  Pages already scanned are
let go as it goes, so memory holds the stubs, not the file.

Anything that is not such a file raises ValueError (the library then refuses it, untouched).
"""

from __future__ import annotations

import mmap
import re

import orjson

from .docs import DocStore, stub_of

_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[{}\[\]]')  # a string (skipped whole), or a bracket
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_SPACE = re.compile(rb"[ \t\r\n]*")
RELEASE_BYTES = 64 << 20  # scanned bytes let go of at a time


def read_v1(f, docs: DocStore, gen: int) -> dict:
    """The papers of the 0.1.0 snapshot open as ``f`` into ``docs`` (stubs pointing into file
    generation ``gen``, which is ``f``); returns its meta (``_meta`` table, document "1")."""
    size = f.seek(0, 2)
    if size == 0:
        raise ValueError("an empty file")
    with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        return _Reader(buf, docs, gen).tables()


class _Reader:
    def __init__(self, buf, docs: DocStore, gen: int) -> None:
        self.buf, self.docs, self.gen = buf, docs, gen
        self.released = 0

    def tables(self) -> dict:
        buf = self.buf
        meta = papers = None
        pos = self._expect(self._space(0), b"{")
        if buf[pos:pos + 1] == b"}":
            pos += 1
        else:
            while True:
                name, pos = self._key(pos)
                if name == "papers":
                    pos, papers = self._documents(pos), True
                else:
                    end = self._end_of_object(pos)
                    if name == "_meta":
                        meta = orjson.loads(buf[pos:end]).get("1")
                    pos = end
                pos = self._space(pos)
                if buf[pos:pos + 1] == b",":
                    pos = self._space(pos + 1)
                    continue
                pos = self._expect(pos, b"}")
                break
        if self._space(pos) != len(buf):
            raise ValueError(f"text after the end of the library (byte {pos})")
        if not isinstance(meta, dict):
            raise KeyError("_meta")
        if papers is None:
            raise ValueError("no papers table")
        return meta

    def _documents(self, pos: int) -> int:
        """The papers table's object at ``pos``: each document's stub; returns the end."""
        buf, stubs = self.buf, self.docs.stubs
        pos = self._expect(pos, b"{")
        if buf[pos:pos + 1] == b"}":
            return pos + 1
        while True:
            name, pos = self._key(pos)
            end = self._end_of_object(pos)
            doc = orjson.loads(buf[pos:end])
            if not isinstance(doc, dict) or not isinstance(doc.get("key"), str) or not doc["key"]:
                raise ValueError(f"a paper without a key (byte {pos})")
            stubs[int(name)] = stub_of(doc, self.gen, pos, end - pos)  # a repeated id: the last wins
            pos = self._space(end)
            if pos - self.released >= RELEASE_BYTES:
                self._release(pos)
            if buf[pos:pos + 1] == b",":
                pos = self._space(pos + 1)
                continue
            return self._expect(pos, b"}")

    def _key(self, pos: int) -> tuple[str, int]:
        """A string key at ``pos`` and the colon after it; returns (key, where its value starts)."""
        m = _STRING.match(self.buf, pos)
        if m is None:
            raise ValueError(f"a name expected at byte {pos}")
        key = orjson.loads(m.group())
        pos = self._expect(self._space(m.end()), b":")
        if self.buf[pos:pos + 1] != b"{":
            raise ValueError(f"an object expected at byte {pos}")
        return key, pos

    def _end_of_object(self, pos: int) -> int:
        """Just past the bracket that closes the one at ``pos`` (brackets inside strings skipped;
        a mismatched pair is found by the parse of the slice)."""
        depth = 0
        buf = self.buf
        for m in _TOKEN.finditer(buf, pos):
            ch = buf[m.start()]
            if ch == 0x22:  # '"'
                continue
            if ch in (0x7B, 0x5B):  # '{' '['
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return m.end()
        raise ValueError(f"the file ends inside the object at byte {pos}")

    def _space(self, pos: int) -> int:
        return _SPACE.match(self.buf, pos).end()

    def _expect(self, pos: int, what: bytes) -> int:
        if self.buf[pos:pos + 1] != what:
            raise ValueError(f"{what.decode()!r} expected at byte {pos}")
        return self._space(pos + 1)

    def _release(self, upto: int) -> None:
        """Let go of the pages scanned so far (they are the file's: read again if needed)."""
        start = self.released - self.released % mmap.PAGESIZE
        end = upto - upto % mmap.PAGESIZE
        if end > start and hasattr(self.buf, "madvise"):
            self.buf.madvise(mmap.MADV_DONTNEED, start, end - start)
        self.released = upto
