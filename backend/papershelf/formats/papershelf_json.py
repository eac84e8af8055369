"""The PaperShelf JSON backup: every field of every paper, user data included.

``{"format": "papershelf", "schema": 1, "exported_at": ..., "count": n, "papers": [...]}``
with each paper as :meth:`Paper.to_dict`.  Importing it into an empty library gives the same
library back.  Each paper is type-checked before it is accepted: a backup edited by hand (or
a hostile file) cannot put a list where a string belongs.
"""

from __future__ import annotations

import json

from ..papers import URL_KINDS, Paper, Source, now_iso
from .base import FormatError, ImportResult, dedupe, describe, load_json, try_json

NAME = "json"
LABEL = "JSON (backup)"  # in the format menus of the library page and the popup
MEDIA_TYPE = "application/json; charset=utf-8"
EXTENSION = "json"
FORMAT_NAME = "papershelf"
SCHEMA = 1


# One encoder for all papers (json.dumps builds one per call).  ASCII output with \u escapes:
# the C encoder's fastest path, and a backup that survives any transport's charset.
_ENCODER = json.JSONEncoder(check_circular=False, separators=(",", ":"))


def export(papers: list[Paper]) -> str:
    # One paper per line: readable and diffable, and json's C encoder (which indent= would
    # switch off) does the work.
    head = json.dumps({"format": FORMAT_NAME, "schema": SCHEMA, "exported_at": now_iso(), "count": len(papers)})
    encode = _ENCODER.encode
    lines = ",\n".join([encode(p.to_dict()) for p in papers])
    return head[:-1] + ', "papers": [\n' + lines + ("\n" if papers else "") + "]}\n"


# --- import ----------------------------------------------------------------------------------

_STR = {"title", "abstract", "published", "venue", "comments", "journal_ref", "organization", "first_seen",
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
        if k == "sources":
            if not isinstance(v, list):
                return "'sources' must be a list"
            for s in v:
                if not (isinstance(s, dict) and all(isinstance(s.get(f, ""), str) for f in Source.__dataclass_fields__)):
                    return "each source must be {site, url, first_seen, last_seen} strings"
    return None


def parse(text: str) -> ImportResult:
    data = load_json(text)
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise FormatError("not a PaperShelf backup (expected an object with \"format\": \"papershelf\")")
    schema = data.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise FormatError("the backup has no valid 'schema' number")
    if schema > SCHEMA:
        raise FormatError(f"the backup uses schema {schema}; this PaperShelf reads schema {SCHEMA} and older — update PaperShelf")
    papers = data.get("papers")
    if not isinstance(papers, list):
        raise FormatError("the backup has no 'papers' list")
    result = ImportResult()
    for i, d in enumerate(papers):
        label = f"paper {i + 1}"
        if not isinstance(d, dict):
            result.skipped.append((label, "not an object"))
            continue
        title = d.get("title") if isinstance(d.get("title"), str) else ""
        problem = _check(d)
        if problem:
            result.skipped.append((describe(title, label), problem))
            continue
        d = dict(d)
        d["urls"] = {k: v for k, v in (d.get("urls") or {}).items() if k in URL_KINDS and v}
        given_key = d.pop("key", "")
        paper = Paper.from_dict(d)
        # The key is derived from the identifiers, never trusted from the file, so a backup
        # cannot plant a record under another paper's key.
        if not paper.key:
            result.skipped.append((describe(title, label), "no title, arXiv id or DOI"))
            continue
        if given_key and given_key != paper.key and not given_key.startswith("title:"):
            result.skipped.append((describe(title, label), f"key {given_key!r} does not match the paper's identifiers ({paper.key})"))
            continue
        result.papers.append(paper)
    return dedupe(result, "paper")
