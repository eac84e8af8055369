"""BibTeX export and import.

Export: ``@misc`` for preprints (``eprint``, ``archivePrefix = {arXiv}``, ``primaryClass``),
``@inproceedings`` when the venue is a conference or workshop (its name says so, or the paper was
seen on a proceedings site and the venue is no journal), ``@article`` for a journal; ``pages``
when the page gave them.
Values are escaped by :mod:`.tex` and wrapped in braces; titles in double braces so that
styles keep their capitalisation; the tests read every export back with bibtexparser.
Import reads any BibTeX (ours, Zotero's, Google Scholar's, PaperMemory's) with
:mod:`.bibtex_reader`, which reads what bibtexparser reads, much faster; ``crossref`` and
biblatex ``xdata`` parents fill in what an entry lacks; arXiv ids are looked for wherever tools
put them (``eprint``, DBLP's and Semantic Scholar's ``abs/<id>`` volumes, ``Ar{X}iv:<id>``
journals, URLs); biblatex's ``subtitle`` and ``titleaddon`` are part of the title.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from .. import kinds
from ..papers import ARXIV_ID_PATTERN, Paper, normalize_arxiv_id, normalize_doi
from . import bibtex_reader
from .bibtex_crossref import resolve_crossrefs
from .base import FormatError, ImportResult, dedupe, describe, main_url, moment, split_tags, venue_or_blank
from .keyed import keyed_stream
from .plain_names import plain
from .tex import ET_AL, name_to_plain, name_to_tex, split_names, tex_to_text, text_to_tex

NAME = "bibtex"
LABEL = "BibTeX"  # in the format menus of the library page and the popup
MEDIA_TYPE = "application/x-bibtex; charset=utf-8"
EXTENSION = "bib"

# A venue naming one of these is a conference (or workshop); anything else is a journal.
_CONFERENCE = re.compile(
    r"\b(conference|proceedings|proc\.|workshop|symposium|congress|meeting|"
    r"neurips|nips|icml|iclr|cvpr|iccv|eccv|wacv|bmvc|acl|emnlp|naacl|eacl|coling|aaai|ijcai|kdd|"
    r"sigir|sigmod|www|wsdm|recsys|cikm|icra|iros|rss|corl|interspeech|icassp|uai|aistats|colt|"
    r"miccai|chi|uist|siggraph|3dv|colm|findings|advances in neural information processing systems)\b",
    re.IGNORECASE,
)
_JOURNAL = re.compile(r"\b(journal|transactions|letters|review)\b", re.IGNORECASE)
# Sites that publish conference papers (a venue seen there is a conference's, whatever its
# name: "ICCV2023", "ICLR 2024 oral"); a journal-sounding venue (TMLR on OpenReview) is not.
_PROCEEDINGS_SITES = frozenset({"pmlr", "neurips", "cvf", "openreview"})
_RANGE = re.compile(r"(\d{1,6})\s*-{1,2}\s*(\d{1,6})")


# Where a conference paper's own page is, best first: the proceedings, then the review forum.
_PROCEEDINGS_LINKS = ("acl", "pmlr", "neurips", "cvf", "openreview")


def export_url(p: Paper, kind: str) -> str:
    """The link an export gives: a conference paper's proceedings page when the record was seen
    there (over its arXiv preprint's), else main_url()."""
    if kind == "inproceedings" and p.links:
        for site in _PROCEEDINGS_LINKS:
            if site in p.links:
                return p.links[site]
    return main_url(p)


def page_range(text: str) -> str:
    """Pages as we keep them: "1234-1250" (BibTeX's "1234--1250", RIS's SP/EP joined)."""
    m = _RANGE.fullmatch(text.strip())
    return f"{m[1]}-{m[2]}" if m else text.strip()


def real_venue(p: Paper) -> str:
    """The paper's venue; "arXiv" is where a preprint is, not a venue."""
    return venue_or_blank(p.venue)


def entry_type(p: Paper) -> str:
    venue = real_venue(p)
    if venue:
        if _CONFERENCE.search(venue):
            return "inproceedings"
        if not _JOURNAL.search(venue) and any(s.site in _PROCEEDINGS_SITES for s in p.sources):
            return "inproceedings"
        return "article"
    if p.journal_ref and not p.arxiv_id:
        return "article"
    return "misc"


_LINE_START_AT = re.compile(r"(?m)^([ \t]*)@")


def _field(name: str, value: str) -> str:
    if "\n" in value:
        # A line starting with "@" would look like a new entry to readers that recover from
        # broken files (ours, bibtexparser 2): "{}@" reads the same and does not.
        value = _LINE_START_AT.sub(r"\1{}@", value)
    return f"  {name} = {{{value}}},\n"


def _entry(p: Paper, citekey: str) -> str:
    before, after = _entry_parts(p)
    return before + citekey + after


def _entry_parts(p: Paper) -> tuple[str, str]:
    """The entry before its citation key and after it (keyed.py: keys are known at the end)."""
    kind = entry_type(p)
    parts = [",\n"]
    if p.title:
        parts.append(_field("title", "{" + text_to_tex(p.title) + "}"))
    if p.authors:
        # Plain names (plain_names.py) are written as they are: name_to_tex gives each back.
        names = " and ".join(p.authors) if plain(p.authors) else " and ".join(name_to_tex(a) for a in p.authors)
        if p.author_count and p.author_count > len(p.authors):
            names += " and others"
        parts.append(_field("author", names))
    year = p.published[:4] if p.published[:4].isdigit() and len(p.published) >= 4 else ""
    if year:
        parts.append(_field("year", year))
    if len(p.published or "") > 4:
        parts.append(_field("date", text_to_tex(p.published)))
    if kind == "inproceedings":
        parts.append(_field("booktitle", text_to_tex(real_venue(p))))
    elif kind == "article":
        parts.append(_field("journal", text_to_tex(real_venue(p) or p.journal_ref)))
    if p.pages and kind != "misc":
        m = _RANGE.fullmatch(p.pages)
        parts.append(_field("pages", f"{m[1]}--{m[2]}" if m else text_to_tex(p.pages)))
    if p.arxiv_id:
        parts.append(_field("eprint", text_to_tex(p.arxiv_id)))
        parts.append(_field("archivePrefix", "arXiv"))
        if p.categories:
            parts.append(_field("primaryClass", text_to_tex(p.categories[0])))
    if p.doi:
        parts.append(_field("doi", text_to_tex(p.doi)))
    url = export_url(p, kind)
    if url:
        parts.append(_field("url", _url(url)))
    if p.abstract:
        parts.append(_field("abstract", text_to_tex(p.abstract)))
    if p.tags:
        parts.append(_field("keywords", text_to_tex(", ".join(p.tags))))
    if p.note:
        parts.append(_field("annote", text_to_tex(p.note)))
    parts.append("}\n")
    return f"@{kind}{{", "".join(parts)


def _url(url: str) -> str:
    # In a URL only the characters that would break the entry need escaping; '%' must be
    # escaped because BibTeX reads it as a comment.
    return url.replace("\\", "%5C").replace("%", r"\%").replace("{", r"\%7B").replace("}", r"\%7D")


def export(papers: list[Paper]) -> str:
    return "".join(export_iter(papers, len(papers)))


def export_iter(papers: Iterable[Paper], count: int, again=None) -> Iterator[str]:
    return keyed_stream(papers, _entry_parts, sep="\n", again=again, count=count)


# --- import ----------------------------------------------------------------------------------

# Blanks before '@' on its own line only: "^\s*" would rescan a run of blank lines from each one.
_ENTRY_START = re.compile(r"^[ \t]*@[ \t]*([A-Za-z]++)[ \t\r\n]*[{(]", re.MULTILINE)
_SKIP_TYPES = {"comment", "string", "preamble"}


def sniff(text: str) -> bool:
    return any(m.group(1).lower() not in _SKIP_TYPES for m in _ENTRY_START.finditer(text[:200_000]))


def parse(text: str) -> ImportResult:
    if not sniff(text) and not _ENTRY_START.search(text):
        raise FormatError("no BibTeX entries found (an entry starts with @article{, @misc{, ...)")
    try:
        entries, problems = bibtex_reader.read(text)
    except bibtex_reader.ExpansionError as exc:
        raise FormatError(f"the BibTeX file cannot be read: {exc}") from None
    if not entries:
        if problems:
            first = problems[0]
            raise FormatError(f"no BibTeX entry could be read: line {first.line}: {first.reason}")
        raise FormatError("no BibTeX entries found (an entry starts with @article{, @misc{, ...)")
    result = ImportResult()
    entries = resolve_crossrefs(entries)
    for i, entry in enumerate(entries):
        label = f"entry {entry.get('ID') or i + 1}"
        if entry["ENTRYTYPE"] in _NOT_WORKS:
            result.skipped.append((label, _NOT_WORKS[entry["ENTRYTYPE"]]))
            continue
        try:
            paper = entry_to_paper(entry)
        except ValueError as exc:
            result.skipped.append((describe(entry.get("title", ""), label), str(exc)))
            continue
        result.keep(paper, entry.get(bibtex_reader.POSITION) or i + 1)
    for problem in problems:
        result.skipped.append((f"entry {problem.key or '?'} at line {problem.line}", f"malformed BibTeX: {problem.reason}"))
    return dedupe(result, "entry")


# biblatex entry types that hold no work of their own.
_NOT_WORKS = {"xdata": "an @xdata entry only holds fields for the entries that use it",
              "set": "an @set entry only groups other entries"}
def _get(entry: dict, *names: str) -> str:
    # entry_to_paper lower-cases the field names once.
    for name in names:
        v = entry.get(name)
        if v and str(v).strip():
            return str(v).strip()
    return ""


def _date(entry: dict) -> str:
    date = _get(entry, "date")
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", date)
    if m:
        return "-".join(g for g in m.groups() if g)
    year = _get(entry, "year")
    m = re.search(r"\d{4}", year)
    if not m:
        return ""
    month = _month(_get(entry, "month"))
    return f"{m.group(0)}-{month}" if month else m.group(0)


_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _month(value: str) -> str:
    value = value.strip().lower()
    if value.isdigit() and 1 <= int(value) <= 12:
        return f"{int(value):02d}"
    for i, name in enumerate(_MONTHS):
        if value.startswith(name):
            return f"{i + 1:02d}"
    return ""


def entry_to_paper(entry: dict) -> Paper:
    """One entry dict ({"ENTRYTYPE", "ID", field: value}) -> Paper; ValueError with the reason."""
    entry = {k.lower(): v for k, v in entry.items()}
    title = _full_title(entry)
    arxiv_id = _arxiv_id(entry)
    url = _url_from_tex(_get(entry, "url"))
    doi = normalize_doi(tex_to_text(_get(entry, "doi")))
    if not (title or arxiv_id or doi):
        raise ValueError("no title, arXiv id or DOI")
    authors_raw = _get(entry, "author")
    names = [n for n in split_names(authors_raw)] if authors_raw else []
    has_others = any(n.strip().lower() in ET_AL for n in names)
    authors = [name_to_plain(n) for n in names if n.strip().lower() not in ET_AL]
    venue = venue_or_blank(tex_to_text(_get(entry, "booktitle", "journal", "journaltitle")))
    urls = {}
    if url.startswith(("http://", "https://")):
        kind = "pdf" if url.lower().endswith(".pdf") or "/pdf/" in url else "abs"
        urls[kind] = url
    if arxiv_id:
        urls.setdefault("abs", f"https://arxiv.org/abs/{arxiv_id}")
    keywords = tex_to_text(_get(entry, "keywords"))
    tags = split_tags(keywords)
    categories = [tex_to_text(_get(entry, "primaryclass"))] if _get(entry, "primaryclass") else []
    paper = Paper(
        title=title,
        arxiv_id=arxiv_id,
        doi=doi,
        authors=authors,
        author_count=(len(authors) + 1) if has_others else None,
        abstract=tex_to_text(_get(entry, "abstract")),
        published=_date(entry),
        categories=categories,
        venue=venue,
        pages=page_range(tex_to_text(_get(entry, "pages"))),
        kind=kinds.from_bibtex(entry.get("entrytype", "")),
        urls=urls,
        tags=tags,
        note=_note(_get(entry, "annote", "annotation")),
        # When the user added it in the tool that wrote the file (BibDesk, JabRef 5, JabRef,
        # BibSonomy, Better BibTeX): the saved date if the import saves it (saved_dates).
        saved_at=moment(_get(entry, "date-added", "creationdate", "timestamp", "added-at", "dateadded")),
    )
    if not paper.key:
        raise ValueError("no title, arXiv id or DOI")
    return paper


def _full_title(entry: dict) -> str:
    """The title with biblatex's ``subtitle`` and ``titleaddon``, as biblatex prints them."""
    title = tex_to_text(_get(entry, "title"))
    for name, joint in (("subtitle", ": "), ("titleaddon", ". ")):
        extra = tex_to_text(_get(entry, name))
        if extra:
            title = f"{title}{' ' if title[-1:] in ':.?!' else joint}{extra}" if title else extra
    return title


# DBLP writes arXiv papers as journal = {CoRR}, volume = {abs/1607.06450}; Semantic Scholar as
# journal = {ArXiv}, volume = {abs/2003.13350}.
_ARXIV_VOLUME = re.compile(rf"^abs/({ARXIV_ID_PATTERN})$", re.IGNORECASE)


def _arxiv_id(entry: dict) -> str | None:
    """The entry's arXiv id, wherever the tool that wrote it put it."""
    prefix = _get(entry, "archiveprefix", "eprinttype").lower()
    eprint = _get(entry, "eprint")
    if eprint and prefix in ("arxiv", ""):
        found = normalize_arxiv_id(tex_to_text(eprint))
        if found:
            return found
    journal = tex_to_text(_get(entry, "journal", "journaltitle"))
    if journal.lower() in ("corr", "arxiv", "arxiv e-prints", "arxiv preprint"):
        m = _ARXIV_VOLUME.match(tex_to_text(_get(entry, "volume")))
        if m:
            return normalize_arxiv_id(m.group(1))
    url = _url_from_tex(_get(entry, "url"))
    for candidate in (url, journal, _get(entry, "note"), _get(entry, "howpublished"), _get(entry, "arxivid", "arxiv")):
        # tex_to_text: "Ar{X}iv:1607.06450" is arXiv:1607.06450 once its braces are gone.
        text = tex_to_text(candidate) if "{" in candidate else candidate
        found = normalize_arxiv_id(text) or _arxiv_in_text(text) or normalize_arxiv_id(_url_from_tex(candidate))
        if found:
            return found
    return None


def _note(value: str) -> str:
    # Notes keep their line breaks (tex_to_text would collapse them).
    if not value:
        return ""
    return "\n".join(tex_to_text(line) for line in value.split("\n")).strip()


def _url_from_tex(value: str) -> str:
    # Not tex_to_text: '~' in a URL is a character, not a TeX tie.
    url = re.sub(r"\\([%#_&$])", r"\1", value or "").replace("{", "").replace("}", "")
    return "".join(url.split())


_ARXIV_IN_TEXT = re.compile(rf"(?<![\w.])({ARXIV_ID_PATTERN})(?![\w.])")


def _arxiv_in_text(text: str) -> str | None:
    """An arXiv id inside free text that mentions arXiv ("arXiv preprint arXiv:1810.04805")."""
    if "arxiv" not in (text or "").lower():
        return None
    m = _ARXIV_IN_TEXT.search(text)
    return normalize_arxiv_id(m.group(1)) if m else None
