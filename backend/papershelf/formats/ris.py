"""RIS export and import (the tagged format of EndNote, Zotero, Mendeley).

One ``TAG  - value`` per line, a record from ``TY`` to ``ER``.  Preprints are ``UNPB``
(unpublished work), conference papers ``CPAPER``, journal papers ``JOUR``.  Multi-line values
(abstracts, notes) continue on untagged lines, as Zotero writes and reads them.  A file is RIS
when a ``TY`` line comes within its first lines (tools write a line or two before it); Web of
Science and PubMed tagged files look alike and are refused with a message saying what they are.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from .. import kinds
from ..papers import Paper, normalize_arxiv_id, normalize_doi
from .base import FormatError, ImportResult, dedupe, describe, note_text, venue_or_blank
from .bibtex import entry_type, export_url, page_range, real_venue
from .keyed import keyed_stream
from .plain_names import given_family, plain
from ..names import is_one_unit, split_name

NAME = "ris"
LABEL = "RIS"  # in the format menus of the library page and the popup
MEDIA_TYPE = "application/x-research-info-systems; charset=utf-8"
EXTENSION = "ris"

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  ?- ?(.*)$")
_TYPES = {"misc": "UNPB", "inproceedings": "CPAPER", "article": "JOUR"}
# Each record's first line, and the start of its ID line.
_TY_LINES = {kind: f"TY  - {ty}\nID  - " for kind, ty in _TYPES.items()}


def _line(tag: str, value: str) -> str:
    if type(value) is str and not _breaks(value):  # one line: what splitlines() below gives back
        return f"{tag}  - {value}\n"
    # Split the way readers do (ours uses str.splitlines: U+2028, U+0085, form feeds and the
    # other separators end a line too), so no separator inside a value is left to start a
    # line that reads as a new tag; each becomes a line break of the value.
    lines = str(value).splitlines() or [""]
    # A continuation line that looks like a tag would start a new field when read back.
    # A continuation line that looks like a tag (after any leading spaces) gets one more space,
    # which the reader takes off again.
    rest = [(" " + ln if _TAG_LINE.match(ln.lstrip(" ")) else ln) for ln in lines[1:]]
    return "\n".join([f"{tag}  - {lines[0]}", *rest]) + "\n"


def _breaks(value: str) -> bool:
    """Whether ``value`` holds a line boundary of ``str.splitlines``.  Ten substring tests (memchr,
    in C) take 0.5 µs on a 1 KB abstract, ``isprintable`` 3.6 µs."""
    return ("\n" in value or "\r" in value or "\x0b" in value or "\x0c" in value or "\x1c" in value
            or "\x1d" in value or "\x1e" in value or "\x85" in value or "\u2028" in value or "\u2029" in value)


def _record(p: Paper, citekey: str) -> str:
    before, after = _record_parts(p)
    return before + citekey + after


def _record_parts(p: Paper) -> tuple[str, str]:
    """The record before its citation key and after it (keyed.py: keys are known at the end);
    a citation key is [a-z0-9]+, so its ID line needs none of _line's care."""
    kind = entry_type(p)
    before = _TY_LINES[kind]
    out = ["\n"]
    if p.title:
        out.append(_line("TI", p.title))
    if plain(p.authors):  # "Given Family" names (plain_names.py): "Family, Given", no line break possible
        out += [f"AU  - {f}, {g}\n" for g, f in map(given_family, p.authors)]
    else:
        out += [_line("AU", _ris_name(a)) for a in p.authors]
    if p.published[:4].isdigit() and len(p.published) >= 4:
        out.append(f"PY  - {p.published[:4]}\n")  # four digits: one line
        y, m, d = (p.published.split("-") + ["", ""])[:3]
        out.append(_line("DA", f"{y}/{m}/{d}/" if m else f"{y}///"))
    venue = real_venue(p)
    if venue:
        out.append(_line("T2", venue))
    elif p.journal_ref:
        out.append(_line("JO", p.journal_ref))
    if p.pages and kind != "misc":
        first, _, last = page_range(p.pages).partition("-")
        out.append(_line("SP", first))
        if last:
            out.append(_line("EP", last))
    if p.arxiv_id:
        out.append("PB  - arXiv\n")
        out.append(_line("AN", f"arXiv:{p.arxiv_id}"))
    if p.doi:
        out.append(_line("DO", p.doi))
    url = export_url(p, kind)
    if url:
        out.append(_line("UR", url))
    if p.urls.get("pdf"):
        out.append(_line("L1", p.urls["pdf"]))
    if p.abstract:
        out.append(_line("AB", p.abstract))
    out += [_line("KW", t) for t in p.tags]
    if p.note:
        out.append(_line("N1", p.note))
    out.append("ER  - \n")
    return before, "".join(out)


def _ris_name(name: str) -> str:
    """RIS wants "Last, First" (and "Last, First, Suffix"); a one-word name is written as it is."""
    given, family, suffix = split_name(name)
    if not given:
        return name
    return f"{family}, {given}, {suffix}" if suffix else f"{family}, {given}"


def export(papers: list[Paper]) -> str:
    return "".join(export_iter(papers, len(papers)))


def export_iter(papers: Iterable[Paper], count: int, again=None) -> Iterator[str]:
    return keyed_stream(papers, _record_parts, sep="\n", again=again, count=count)


# --- import ----------------------------------------------------------------------------------


# Tools put lines before the first record ("Record #1 of 2", "1.", a BOM on a line of its own),
# so a file is RIS when a TY line comes within its first lines, not only as the first one.
_SNIFF_LINES = 50
_TY_LINE = re.compile(r"^[\s\ufeff]*TY  ?- ")
# Other tagged formats that look like RIS at a glance: Web of Science ("FN ...", "PT J" with
# two-letter tags and one space) and PubMed/MEDLINE ("PMID- ", four-letter tags padded to "XXXX- ").
_WOS_LINE = re.compile(r"^[\s\ufeff]*(?:FN |VR \d|PT [A-Z]\b)")
_MEDLINE_LINE = re.compile(r"^[\s\ufeff]*PMID- ")


def tagged_kind(text: str) -> str | None:
    """What a tagged text that is not RIS is ("Web of Science", "PubMed (MEDLINE)"), else None."""
    wos = 0
    for line in text[:20_000].splitlines()[:_SNIFF_LINES]:
        if _TY_LINE.match(line):
            return None
        if _MEDLINE_LINE.match(line):
            return "PubMed (MEDLINE)"
        if _WOS_LINE.match(line):
            wos += 1
            if wos >= 2:
                return "Web of Science"
    return None


def sniff(text: str) -> bool:
    # Tagged files that are not RIS are claimed too, so that parse() can say what they are.
    if tagged_kind(text):
        return True
    return any(_TY_LINE.match(line) for line in text[:20_000].splitlines()[:_SNIFF_LINES])


def _records(text: str) -> list[tuple[int, list[tuple[str, str]]]]:
    """(first line number, [(tag, value)]) per record; untagged lines continue the last value."""
    records, fields, start = [], None, 0
    for n, raw in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        m = _TAG_LINE.match(raw.rstrip().lstrip("\ufeff"))
        if m:
            tag, value = m.group(1), m.group(2).strip()
            if tag == "TY":
                if fields:  # a record without ER: close it
                    records.append((start, fields))
                fields, start = [("TY", value)], n
            elif tag == "ER":
                if fields is not None:
                    records.append((start, fields))
                fields = None
            elif fields is not None:
                fields.append((tag, value))
        elif fields:
            tag, value = fields[-1]
            raw = raw.rstrip()  # as a tagged line's value: a line's trailing spaces never count
            cont = raw[1:] if raw.startswith(" ") and _TAG_LINE.match(raw.lstrip(" ")) else raw
            fields[-1] = (tag, value + "\n" + cont)
    if fields:
        records.append((start, fields))
    return records


def parse(text: str) -> ImportResult:
    kind = tagged_kind(text)
    if kind:
        raise FormatError(f"looks like {kind} tagged text, not RIS; export the records as RIS and import that")
    records = _records(text)
    if not records:
        raise FormatError("no RIS records found (a record starts with a 'TY  - ' line)")
    result = ImportResult()
    for n, (start, fields) in enumerate(records, 1):
        label = f"record at line {start}"
        try:
            result.keep(record_to_paper(fields), n)
        except ValueError as exc:
            title = next((v for t, v in fields if t in ("TI", "T1")), "")
            result.skipped.append((describe(title, label), str(exc)))
    return dedupe(result, "record")


def record_to_paper(fields: list[tuple[str, str]]) -> Paper:
    values: dict[str, list[str]] = {}
    for tag, value in fields:
        values.setdefault(tag, []).append(value.strip("\n"))

    def one(*tags: str) -> str:
        for t in tags:
            for v in values.get(t, []):
                if v.strip():
                    return v.strip()
        return ""

    title = " ".join(one("TI", "T1", "CT", "BT", "ST").split())  # ST: a short title, when that is all there is
    arxiv_id = None
    for v in values.get("AN", []) + values.get("UR", []) + values.get("L1", []) + values.get("M1", []) + values.get("DO", []):
        arxiv_id = normalize_arxiv_id(re.sub(r"^arxiv:\s*", "", v.strip(), flags=re.IGNORECASE))
        if arxiv_id:
            break
    doi = normalize_doi(one("DO"))
    if not (title or arxiv_id or doi):
        raise ValueError("no title, arXiv id or DOI")
    authors = [" ".join(_plain_name(a).split()) for t in ("AU", "A1") for a in values.get(t, [])]
    date = _date(one("DA", "Y1"), one("PY"))
    urls = {}
    ur = one("UR")
    if ur.startswith(("http://", "https://")):
        urls["abs"] = ur
    l1 = one("L1")
    if l1.startswith(("http://", "https://")):
        urls["pdf"] = l1
    if arxiv_id:
        urls.setdefault("abs", f"https://arxiv.org/abs/{arxiv_id}")
    venue = venue_or_blank(one("T2", "JO", "JF", "BT" if title else ""))
    paper = Paper(
        title=title,
        arxiv_id=arxiv_id,
        doi=doi,
        authors=authors,
        abstract=one("AB", "N2"),
        published=date,
        venue=venue,
        pages="-".join(x for x in (one("SP"), one("EP")) if x),
        kind=kinds.from_ris(one("TY")),
        urls=urls,
        tags=sorted({k.strip() for k in values.get("KW", []) if k.strip()}),
        note="\n\n".join(note_text(v) for v in values.get("N1", []) if v.strip()),
    )
    if not paper.key:
        raise ValueError("no title, arXiv id or DOI")
    return paper


def _plain_name(name: str) -> str:
    # RIS names are "Last, First" (or "Last, First, Suffix"); ours are "First Last" as pages show
    # them. An organisation ("Google, Inc.") is kept as it is.
    if is_one_unit(name):
        return name
    parts = [p.strip() for p in name.split(",") if p.strip()]
    if len(parts) == 2:
        return f"{parts[1]} {parts[0]}"
    if len(parts) == 3:  # Last, First, Suffix
        return f"{parts[1]} {parts[0]} {parts[2]}"
    return name


def _date(da: str, py: str) -> str:
    m = re.match(r"(\d{4})(?:[/-](\d{1,2})?(?:[/-](\d{1,2}))?)?", da or py or "")
    if not m:
        return ""
    y, mo, d = m.groups()
    out = y
    if mo:
        out += f"-{int(mo):02d}"
        if d:
            out += f"-{int(d):02d}"
    return out
