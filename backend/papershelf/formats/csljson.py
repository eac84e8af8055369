"""CSL-JSON export and import (the input format of citeproc, pandoc and Zotero).

Export follows the CSL data schema (vendored as ``csl-data.json`` beside this module; the
tests validate against it).  Preprints are ``article`` with ``publisher: arXiv`` and
``number: arXiv:<id>``, as Zotero writes them; conference papers ``paper-conference``;
journal papers ``article-journal``.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from .. import kinds
from ..papers import Paper, normalize_arxiv_id, normalize_doi
from .base import FormatError, ImportResult, dedupe, describe, load_json, split_tags, try_json, venue_or_blank
from .bibtex import entry_type, export_url, real_venue
from .json_text import encode
from .keyed import keyed_stream
from .plain_names import given_family, plain
from ..names import split_name

NAME = "csljson"
LABEL = "CSL-JSON"  # in the format menus of the library page and the popup
MEDIA_TYPE = "application/vnd.citationstyles.csl+json; charset=utf-8"
EXTENSION = "json"

_DIGITS = re.compile(r"\d+")
# ASCII output with \u escapes reads the same in every CSL processor; written as json's C
# encoder writes it, by orjson when that is the same (json_text.py: ten times faster).
_TYPES = {"misc": "article", "inproceedings": "paper-conference", "article": "article-journal"}


def _name(full: str) -> dict[str, str]:
    given, family, suffix = split_name(full)
    if not given:
        return {"literal": full}
    return {"family": family, "given": given, "suffix": suffix} if suffix else {"family": family, "given": given}


def _issued(published: str) -> dict | None:
    parts = [int(x) for x in _DIGITS.findall(published or "")[:3]]
    if not parts or not (1000 <= parts[0] <= 9999):
        return None
    return {"date-parts": [parts]}


_MATH = re.compile(r"(?<!\\)(\$[^$]+\$)")
_NOCASE = re.compile(r'<span class="nocase">(\$[^$]+\$)</span>')
# The rich-text markup CSL allows in titles (Zotero writes it: <i>, <b>, <sup>, <sub>, nocase
# and small-caps spans): formatting, not words, so it is dropped on import.  Other text that
# looks like a tag ("<x>") is the title's own and stays.
_CSL_MARKUP = re.compile(r'</?(?:i|b|sup|sub|span(?: class="(?:nocase|nodecor)"| style="[^"<>]{0,80}")?)>')


def _protect_math(title: str) -> str:
    # CSL titles are rich text that styles title-case ("$\mathcal" -> "$\Mathcal"); a nocase
    # span is CSL's own way to keep a piece as it is.
    return _MATH.sub(r'<span class="nocase">\1</span>', title) if "$" in title else title


def item(p: Paper, citekey: str) -> dict:
    kind = entry_type(p)
    out: dict = {"id": citekey, "type": _TYPES[kind]}
    if p.title:
        out["title"] = _protect_math(p.title)
    if p.authors:
        if plain(p.authors):  # "Given Family" names (plain_names.py): split at the space
            out["author"] = [{"family": f, "given": g} for g, f in map(given_family, p.authors)]
        else:
            out["author"] = [_name(a) for a in p.authors]
    issued = _issued(p.published)
    if issued:
        out["issued"] = issued
    venue = real_venue(p)
    if venue:
        out["container-title"] = venue
    elif p.journal_ref:
        out["container-title"] = p.journal_ref
    if p.pages and kind != "misc":
        out["page"] = p.pages
    if p.arxiv_id:
        out["publisher"] = "arXiv"
        out["number"] = f"arXiv:{p.arxiv_id}"
    if p.doi:
        out["DOI"] = p.doi
    url = export_url(p, kind)
    if url:
        out["URL"] = url
    if p.abstract:
        out["abstract"] = p.abstract
    if p.tags:
        out["keyword"] = ", ".join(p.tags)
    if p.note:
        out["annote"] = p.note
    return out


def export(papers: list[Paper]) -> str:
    return "".join(export_iter(papers, len(papers)))


def _item_parts(p: Paper) -> tuple[str, str]:
    """The item's JSON before its citation key and after it (keyed.py): encoded without its
    "id", which is first, then written in front (a citation key is [a-z0-9]+: nothing to escape)."""
    out = item(p, "")
    del out["id"]
    # item() builds "author" (a list of dicts of str) and "issued" (a dict of ints) itself; every
    # other value comes from the paper and must be a str for json_text's fast path (a paper
    # holding a float anywhere, or a list for a title, is written by json as before).
    own = ("author" in out) + ("issued" in out)
    checked = list(map(type, out.values())).count(str) == len(out) - own
    return '{"id":"', '",' + encode(out, checked)[1:]


def export_iter(papers: Iterable[Paper], count: int, again=None) -> Iterator[str]:
    # One item per line, compact (json_text.py; indent= would be a Python loop).
    return keyed_stream(papers, _item_parts, head="[\n", sep=",\n", end="\n]\n", empty_end="]\n", again=again,
                        count=count)


# --- import ----------------------------------------------------------------------------------


def _looks_like_items(data) -> bool:
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not data:
        return False
    sample = [x for x in data[:20] if isinstance(x, dict)]
    return bool(sample) and all(("type" in x or "title" in x) and ("id" in x or "author" in x or "issued" in x) and "format" not in x for x in sample)


def sniff(text: str) -> bool:
    return _looks_like_items(try_json(text))


def parse(text: str) -> ImportResult:
    data = load_json(text)
    if isinstance(data, dict) and ("type" in data or "title" in data):
        data = [data]
    if not isinstance(data, list):
        raise FormatError("CSL-JSON must be a list of items (objects with 'type', 'title', 'author', ...)")
    if data and not any(isinstance(x, dict) for x in data):
        raise FormatError("CSL-JSON items must be objects")
    result = ImportResult()
    for i, raw in enumerate(data):
        label = f"item {i + 1}"
        if not isinstance(raw, dict):
            result.skipped.append((label, "not an object"))
            continue
        try:
            result.keep(item_to_paper(raw), i + 1)
        except ValueError as exc:
            result.skipped.append((describe(raw.get("title") if isinstance(raw.get("title"), str) else "", label), str(exc)))
    return dedupe(result, "item")


def _str(raw: dict, key: str) -> str:
    v = raw.get(key)
    if v is None:
        return ""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    if not isinstance(v, str):
        raise ValueError(f"'{key}' must be a string")
    return v.strip()


def _names(raw: dict) -> list[str]:
    names = raw.get("author") or []
    if not isinstance(names, list):
        raise ValueError("'author' must be a list of names")
    out = []
    for n in names:
        if isinstance(n, str):
            out.append(n)
        elif isinstance(n, dict):
            if isinstance(n.get("literal"), str):
                out.append(n["literal"])
            else:
                parts = [n.get(k) for k in ("given", "dropping-particle", "non-dropping-particle", "family", "suffix")]
                out.append(" ".join(p for p in parts if isinstance(p, str) and p.strip()))
    return [n for n in out if n.strip()]


def _date(raw: dict) -> str:
    issued = raw.get("issued")
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            try:
                nums = [int(x) for x in parts[0][:3]]
            except (TypeError, ValueError):
                nums = []
            if nums:
                return "-".join([f"{nums[0]:04d}"] + [f"{x:02d}" for x in nums[1:]])
        issued = issued.get("raw") or issued.get("literal") or ""
    if isinstance(issued, str):
        m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", issued.strip())
        if m:
            return "-".join(g for g in m.groups() if g)
    return ""


def item_to_paper(raw: dict) -> Paper:
    title = _CSL_MARKUP.sub("", _NOCASE.sub(r"\1", _str(raw, "title")))
    arxiv_id = None
    for key in ("number", "URL", "DOI", "archive_location", "note"):
        v = raw.get(key)
        if isinstance(v, str) and v.strip():
            arxiv_id = normalize_arxiv_id(re.sub(r"^arxiv:\s*", "", v.strip(), flags=re.IGNORECASE))
            if not arxiv_id:
                m = re.search(r"arxiv:\s*([\w.\-/]+\d)", v, re.IGNORECASE)
                arxiv_id = normalize_arxiv_id(m.group(1)) if m else None
            if arxiv_id:
                break
    doi = normalize_doi(_str(raw, "DOI"))
    if not (title or arxiv_id or doi):
        raise ValueError("no title, arXiv id or DOI")
    url = _str(raw, "URL")
    urls = {"abs": url} if url.startswith(("http://", "https://")) else {}
    if arxiv_id:
        urls.setdefault("abs", f"https://arxiv.org/abs/{arxiv_id}")
    # A conference paper may name only its event (Zotero writes conferenceName there).
    venue = _str(raw, "container-title") or _str(raw, "event-title") or _str(raw, "event")
    keyword = _str(raw, "keyword")
    paper = Paper(
        title=title,
        arxiv_id=arxiv_id,
        doi=doi,
        authors=_names(raw),
        abstract=_str(raw, "abstract"),
        published=_date(raw),
        venue=venue_or_blank(venue),
        pages=_str(raw, "page"),
        kind=kinds.from_csl(_str(raw, "type")),
        urls=urls,
        tags=split_tags(keyword),
        note=_str(raw, "annote"),
    )
    if not paper.key:
        raise ValueError("no title, arXiv id or DOI")
    return paper
