"""The PaperShelf JSON backup: every field of every paper, user data included.

``{"format": "papershelf", "schema": 1, "exported_at": ..., "count": n, "papers": [...]}``
with each paper as :meth:`Paper.to_dict`.  Importing it into an empty library gives the same
library back.  Each paper is type-checked before it is accepted: a backup edited by hand (or
a hostile file) cannot put a list where a string belongs.
"""

from __future__ import annotations

import json
import re
from typing import BinaryIO, Iterable, Iterator

import orjson

from ..papers import URL_KINDS, Paper, Source, now_iso
from .base import FormatError, ImportResult, dedupe, describe, load_json, try_json
from .json_text import encode

NAME = "json"
LABEL = "JSON (backup)"  # in the format menus of the library page and the popup
MEDIA_TYPE = "application/json; charset=utf-8"
EXTENSION = "json"
FORMAT_NAME = "papershelf"
SCHEMA = 1


# Each paper as json's compact encoder writes it, ASCII with \u escapes (a backup that survives
# any transport's charset), by orjson when that is the same (json_text.py: ten times faster).


def export(papers: list[Paper]) -> str:
    return "".join(export_iter(papers, len(papers)))


def export_iter(papers: Iterable[Paper], count: int, chunk: int = 500, again=None) -> Iterator[str]:
    """The backup a slice at a time, so that a backup of everything is never whole in memory.

    One paper per line: readable and diffable, each line one compact encoding (json_text.py;
    indent= would be a Python loop), and an import can read it back a line at a time (``read_stream``)."""
    head = json.dumps({"format": FORMAT_NAME, "schema": SCHEMA, "exported_at": now_iso(), "count": count})
    yield head[:-1] + ', "papers": [\n'
    lines: list[str] = []
    first = True
    for p in papers:
        lines.append(encode(p.to_dict()))
        if len(lines) == chunk:
            yield ("" if first else ",\n") + ",\n".join(lines)
            lines, first = [], False
    if lines:
        yield ("" if first else ",\n") + ",\n".join(lines)
    yield ("" if first and not lines else "\n") + "]}\n"


# --- import ----------------------------------------------------------------------------------

_STR = {"title", "abstract", "published", "venue", "comments", "journal_ref", "pages", "organization", "first_seen",
        "last_seen", "note", "key", "added_at", "updated_at"}
_OPT_STR = {"arxiv_id", "doi", "saved_at"}
_STR_LIST = {"authors", "categories", "keywords", "tags"}
_OPT_INT = {"author_count", "upvotes", "github_stars"}
_INT = {"seen_count"}
_BOOL = {"abstract_truncated", "saved", "read"}


def sniff(text: str) -> bool:
    data = try_json(text)
    return isinstance(data, dict) and data.get("format") == FORMAT_NAME


def _check(d: dict) -> str | None:
    """The first problem with a paper dict, or None."""
    for k, v in d.items():
        if k in _STR and not isinstance(v, str):
            return f"'{k}' must be a string"
        if k in _OPT_STR and v is not None and not isinstance(v, str):
            return f"'{k}' must be a string or null"
        if k in _STR_LIST and not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
            return f"'{k}' must be a list of strings"
        if k in _OPT_INT and v is not None and (isinstance(v, bool) or not isinstance(v, int)):
            return f"'{k}' must be a whole number or null"
        if k in _INT and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
            return f"'{k}' must be a whole number ≥ 0"
        if k in _BOOL and not isinstance(v, bool):
            return f"'{k}' must be true or false"
        if k == "urls" and not (isinstance(v, dict) and all(isinstance(x, str) and isinstance(y, str) for x, y in v.items())):
            return "'urls' must map link kinds to strings"
        if k == "links" and not (isinstance(v, dict) and all(isinstance(x, str) and isinstance(y, str) for x, y in v.items())):
            return "'links' must map sites to strings"
        if k == "sources":
            if not isinstance(v, list):
                return "'sources' must be a list"
            for s in v:
                if not (isinstance(s, dict) and all(isinstance(s.get(f, ""), str) for f in Source.__dataclass_fields__)):
                    return "each source must be {site, url, first_seen, last_seen} strings"
    return None


def parse(text: str) -> ImportResult:
    data = load_json(text)
    _check_head(data)
    papers = data.get("papers")
    if not isinstance(papers, list):
        raise FormatError("the backup has no 'papers' list")
    result = ImportResult()
    for i, d in enumerate(papers):
        _take(result, d, i + 1)
    return dedupe(result, "paper")


def _check_head(data: dict) -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise FormatError("not a PaperShelf backup (expected an object with \"format\": \"papershelf\")")
    schema = data.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise FormatError("the backup has no valid 'schema' number")
    if schema > SCHEMA:
        raise FormatError(f"the backup uses schema {schema}; this PaperShelf reads schema {SCHEMA} and older — update PaperShelf")


def _take(result: ImportResult, d, position: int) -> None:
    """Append the paper ``d`` (the file's paper number ``position``) to ``result``, or the reason
    it is skipped."""
    label = f"paper {position}"
    if not isinstance(d, dict):
        result.skipped.append((label, "not an object"))
        return
    title = d.get("title") if isinstance(d.get("title"), str) else ""
    problem = _check(d)
    if problem:
        result.skipped.append((describe(title, label), problem))
        return
    d = dict(d)
    d["urls"] = {k: v for k, v in (d.get("urls") or {}).items() if k in URL_KINDS and v}
    given_key = d.pop("key", "")
    paper = Paper.from_dict(d)
    # The key is derived from the identifiers, never trusted from the file, so a backup
    # cannot plant a record under another paper's key.
    if not paper.key:
        result.skipped.append((describe(title, label), "no title, arXiv id or DOI"))
        return
    if given_key and given_key != paper.key and not given_key.startswith("title:"):
        result.skipped.append((describe(title, label), f"key {given_key!r} does not match the paper's identifiers ({paper.key})"))
        return
    result.keep(paper, position)


# --- a backup a line at a time ---------------------------------------------------------------

_HEAD_LINE = re.compile(rb'\A\s*(\{.*),\s*"papers"\s*:\s*\[\s*\Z', re.DOTALL)


def streamable(f: BinaryIO) -> bool:
    """Whether ``f`` (at its start) is a backup laid out as ``export`` writes it, one paper per
    line, which ``read_stream`` reads without holding the file; rewinds ``f``."""
    head = f.readline(1_000_000)
    f.seek(0)
    match = _HEAD_LINE.match(head.lstrip(b"\xef\xbb\xbf"))
    if not match:
        return False
    try:
        data = orjson.loads(match.group(1) + b"}")
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("format") == FORMAT_NAME


def read_stream(f: BinaryIO, batch: int = 2000) -> Iterator[ImportResult]:
    """The papers of a line-per-paper backup, ``batch`` at a time, deduplicated across the whole
    file.  Raises FormatError (naming the line) where the file stops being such a backup; a
    caller that must import all or nothing reads it through once before importing."""
    f.seek(0, 2)
    f.seek(max(0, f.tell() - 64))
    if not f.read().rstrip().endswith(b"]}"):
        raise FormatError("not valid JSON: the file ends before the backup's closing ']}' (cut off?)")
    f.seek(0)
    match = _HEAD_LINE.match(f.readline(1_000_000).lstrip(b"\xef\xbb\xbf"))
    if not match:
        raise FormatError("line 1: not the head of a PaperShelf backup")
    try:
        head = orjson.loads(match.group(1) + b"}")
    except ValueError as exc:
        raise FormatError(f"line 1: not valid JSON ({exc})") from None
    _check_head(head)
    seen: dict[str, int] = {}
    result, n, line_no, ended = ImportResult(), 0, 1, False
    for raw in f:
        line_no += 1
        line = raw.strip()
        if ended:
            if line:
                raise FormatError(f"line {line_no}: text after the end of the backup")
            continue
        if line == b"]}":
            ended = True
            continue
        if line.endswith(b"]}"):  # the last paper and the end on one line
            line, ended = line[:-2].rstrip(), True
        line = line[:-1] if line.endswith(b",") else line
        if not line:
            continue
        try:
            d = orjson.loads(line)
        except ValueError as exc:
            raise FormatError(f"line {line_no}: not valid JSON ({exc})") from None
        n += 1
        before = len(result.papers)
        _take(result, d, n)
        if len(result.papers) > before:
            p = result.papers[-1]
            if p.key in seen:
                result.papers.pop()
                result.positions.pop()
                result.skipped.append((describe(p.title or p.key, f"paper {n}"), f"same paper as paper {seen[p.key]} ({p.key})"))
            else:
                seen[p.key] = n
        if len(result.papers) >= batch:
            yield result
            result = ImportResult()
    if not ended:
        raise FormatError(f"not valid JSON: line {line_no}: the backup ends before its closing ']}}'")
    yield result
