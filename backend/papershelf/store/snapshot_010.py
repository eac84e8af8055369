"""Reading a PaperShelf 0.1.0 snapshot without holding it in memory.

0.1.0 wrote its library as TinyDB's JSON file on one line: ``{"_meta":{"1":{...}},"papers":{
"1":{...},...}}`` (tables in any order).  Parsing it whole held every paper as Python objects
(about five times the file: 2 GB at 200,000 papers) and failed outright past 2 GB (orjson's
limit, reached at about 900,000 papers).  Here ijson's C parser streams the papers table one
paper at a time into an unnamed temporary file beside the library, written in today's snapshot
layout (snapshots.py), and the DocStore points into it, so the upgrade's first snapshot is a
kernel copy of that file (the system's temporary directory when the library's cannot be written:
a read-only open).  The temporary file has no name (``O_TMPFILE``): a crash leaves nothing
behind and the 0.1.0 file untouched, and the next start converts it again.  Memory stays flat
(the stubs, and one paper at a time); ijson reads ~60 MB/s here, 40 s for a 2.2 GB file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import ijson
import orjson

from .docs import DocStore, stub_of
from .errors import LibraryError

HEAD = b'{"_meta":{"1":'
HEAD_END = b'},"papers":{\n'
WRITE_BLOCK = 4 << 20


def read(f, directory: Path, checked) -> tuple[dict, DocStore]:
    """(meta, docs) of the 0.1.0 snapshot open as ``f``; ValueError for a file that is not one
    (``checked`` validates each paper, as for today's snapshots)."""
    try:
        meta = next(ijson.items(f, "_meta.1", use_float=True), None)
        if not isinstance(meta, dict):
            raise ValueError("no library header")
        f.seek(0)
        try:
            tmp = tempfile.TemporaryFile(dir=directory)
        except OSError:  # a library opened read-only in a directory we cannot write
            tmp = tempfile.TemporaryFile()
        docs = DocStore()
        gen = docs.add_file(tmp)
        try:
            _convert(f, tmp, meta, docs, gen, checked)
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
    except ijson.JSONError as exc:  # not a ValueError: say what it is, as orjson's errors do
        # yajl's message goes on to quote the file around the error, over several lines.
        first = (str(exc).strip().splitlines() or ["?"])[0][:200]
        raise ValueError(f"not a JSON library file ({first})") from None


def _convert(f, tmp, meta: dict, docs: DocStore, gen: int, checked) -> None:
    buf = bytearray(HEAD + orjson.dumps(meta) + HEAD_END[:-1])
    pos = 0  # bytes written before ``buf``
    stubs = docs.stubs
    seen_table = False
    for doc_id, doc in ijson.kvitems(f, "papers", use_float=True):
        seen_table = True
        i = int(doc_id)
        if i in stubs:
            raise ValueError(f"paper {i} twice")
        body = orjson.dumps(checked(doc))
        buf += b'\n"%d":' % i if not stubs else b',\n"%d":' % i
        stubs[i] = stub_of(doc, gen, pos + len(buf), len(body))
        buf += body
        if len(buf) >= WRITE_BLOCK:
            tmp.write(buf)
            pos += len(buf)
            buf.clear()
    if not seen_table:
        f.seek(0)
        if not _has_papers_table(f):
            raise ValueError("no papers table")
    buf += b"}}\n"
    tmp.write(buf)
    tmp.flush()


def _has_papers_table(f) -> bool:
    """An empty papers table, or none (a file that is not a library)."""
    for prefix, event, _ in ijson.parse(f):
        if prefix == "papers" and event == "start_map":
            return True
    return False
