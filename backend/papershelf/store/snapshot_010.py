"""Reading a PaperShelf 0.1.0 snapshot without holding it in memory.

0.1.0 wrote its library as TinyDB's JSON file on one line: ``{"_meta":{"1":{...}},"papers":{
"1":{...},...}}`` (tables in any order).  Parsing it whole held every paper as Python objects
(about five times the file: 2 GB at 200,000 papers) and failed outright past 2 GB (orjson's
limit, reached at about 900,000 papers).  Here the top-level object is walked one value at a
time with the standard library's C decoder (``raw_decode`` over a window of the file that grows
only while a value runs past its end); each paper goes into an unnamed temporary file beside the
library, written in today's snapshot layout (snapshots.py), and the DocStore points into it, so
the upgrade's first snapshot is a kernel copy of that file.  The temporary file has no name
(``O_TMPFILE``): a crash leaves nothing behind and the 0.1.0 file untouched, and the next start
converts it again.  Memory stays flat (the stubs, and one paper at a time), time is linear, and
a value nested too deeply is refused (the decoder's recursion limit) rather than built.
"""

from __future__ import annotations

import codecs
import json
import re
import tempfile
from pathlib import Path

import orjson

from .docs import DocStore, stub_of
from .errors import LibraryError

HEAD = b'{"_meta":{"1":'
HEAD_END = b'},"papers":{\n'
WRITE_BLOCK = 4 << 20
READ_BLOCK = 1 << 20
_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\n\r]*")


class _Window:
    """The file as text from ``pos``: read on as a value needs it, what lies behind let go."""

    def __init__(self, f) -> None:
        self.f = f
        self.decode = codecs.getincrementaldecoder("utf-8")().decode
        self.text = ""
        self.pos = 0
        self.eof = False

    def more(self) -> bool:
        """Read on (at least as much as is held: a long value costs linear time); False at the end."""
        if self.eof:
            return False
        chunk = self.f.read(max(READ_BLOCK, len(self.text) - self.pos))
        self.eof = not chunk
        self.text = self.text[self.pos:] + self.decode(chunk, final=self.eof)
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next character past whitespace ("" at the end)."""
        while True:
            self.pos = _WS.match(self.text, self.pos).end()
            if self.pos < len(self.text) or not self.more():
                return self.text[self.pos:self.pos + 1]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise ValueError(f"expected {char!r} in the library file")
        self.pos += 1

    def value(self):
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, self.pos)
                if end < len(self.text) or self.eof:  # (a number at the window's edge may go on)
                    self.pos = end
                    return value
            except json.JSONDecodeError as exc:
                # Cut off by the window's edge, or wrong where it stands.
                if self.eof or not (exc.msg.startswith("Unterminated string") or exc.pos >= len(self.text) - 6):
                    raise ValueError(f"not a JSON library file ({exc.msg} at character {exc.pos})") from None
            except RecursionError:
                raise ValueError("not a library file (a value nested too deeply)") from None
            self.more()


def read(f, directory: Path, checked) -> tuple[dict, DocStore]:
    """(meta, docs) of the 0.1.0 snapshot open as ``f``; ValueError for a file that is not one
    (``checked`` validates each paper, as for today's snapshots)."""
    f.seek(0)
    try:
        tmp = tempfile.TemporaryFile(dir=directory)
    except OSError:  # a library opened read-only in a directory we cannot write
        tmp = tempfile.TemporaryFile()
    docs = DocStore()
    gen = docs.add_file(tmp)
    try:
        meta = _convert(_Window(f), tmp, docs, gen, checked)
    except OSError as exc:  # a full disk: the file is sound, say so (not "restore a backup")
        docs.close()
        raise LibraryError(
            f"cannot upgrade the library file {directory / 'library.json'} from PaperShelf 0.1.0: {exc.strerror or exc} "
            f"(the upgrade needs free space of about twice the file's size beside it). The file was left untouched."
        ) from None
    except BaseException:
        docs.close()
        raise
    return meta, docs


def _convert(window: _Window, tmp, docs: DocStore, gen: int, checked) -> dict:
    """Walk the top-level object; write each paper to ``tmp`` (the header there is a stand-in:
    the snapshot written from it has its own); return the meta."""
    buf = bytearray(HEAD + b"{}" + HEAD_END[:-1])
    pos = 0  # bytes written before ``buf``
    stubs = docs.stubs
    meta, papers_seen, first = None, False, True
    window.expect("{")
    while window.peek() != "}":
        if not first:
            window.expect(",")
        first = False
        name = window.value()
        window.expect(":")
        if not isinstance(name, str):
            raise ValueError("not a JSON library file (a name that is not a string)")
        if name != "papers":
            table = window.value()
            if name == "_meta":
                meta = table.get("1") if isinstance(table, dict) else None
            continue
        papers_seen = True
        window.expect("{")
        while window.peek() != "}":
            if stubs:
                window.expect(",")
            doc_id = window.value()
            window.expect(":")
            if not isinstance(doc_id, str):
                raise ValueError("not a JSON library file (a paper id that is not a string)")
            i = int(doc_id)
            doc = checked(window.value())
            if i in stubs:
                raise ValueError(f"paper {i} twice")
            body = orjson.dumps(doc)
            buf += b'\n"%d":' % i if not stubs else b',\n"%d":' % i
            stubs[i] = stub_of(doc, gen, pos + len(buf), len(body))
            buf += body
            if len(buf) >= WRITE_BLOCK:
                tmp.write(buf)
                pos += len(buf)
                buf.clear()
        window.expect("}")
    if not isinstance(meta, dict):
        raise ValueError("no library header")
    if not papers_seen:
        raise ValueError("no papers table")
    buf += b"}}\n"
    tmp.write(buf)
    tmp.flush()
    return meta
