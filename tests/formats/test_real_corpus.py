"""Every file of the real corpus (tests/fixtures/real/) imported as a user would, and checked as
a user would check it, against a reader that is not ours: bibtexparser for BibTeX, rispy for
RIS, the JSON itself for CSL-JSON and PaperMemory.

- every entry is accounted for: added, merged or skipped with a reason, and the counts add up
  to the independent reader's count;
- arXiv ids and DOIs the file carries are found;
- titles and authors are those the independent reader reads;
- nothing is merged that should not be: two entries are one paper only when they share an id,
  or share a title and agree on year (within one) and first author;
- every export of the imported library reads back with its independent reader.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import unicodedata
from collections import Counter
from pathlib import Path

import bibtexparser
import pytest
import rispy
from bibtexparser.bparser import BibTexParser
from bibtexparser.customization import splitname

from papershelf.formats import FormatError, export_papers, import_text
from papershelf.formats.encoding import decode
from papershelf.papers import normalize_arxiv_id, normalize_doi, normalize_title
from papershelf.readable import readable

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real"
PROVENANCE = [dict(zip(["file", "producer", "repository", "path", "commit", "licence", "note"], line.split("\t")))
              for line in (REAL / "PROVENANCE.tsv").read_text("utf-8").splitlines()[1:]]
FILES = {row["file"]: row for row in PROVENANCE}


def files(kind: str) -> list[str]:
    return sorted(f for f in FILES if f.startswith(kind + "/"))


def text_of(name: str) -> str:
    return decode((REAL / name).read_bytes()).lstrip("\ufeff")


def folded(text: str) -> str:
    """Text compared as a reader sees it: TeX shown, accents and case and spacing ignored."""
    return normalize_title(unicodedata.normalize("NFKD", readable(text or "")).replace("×", "x"))


# --- the corpus itself ----------------------------------------------------------------------------

def test_every_file_has_its_provenance_and_the_corpus_is_as_large_as_promised():
    on_disk = {str(p.relative_to(REAL)) for p in REAL.glob("*/*")}
    assert on_disk == set(FILES)
    for row in PROVENANCE:
        assert re.fullmatch(r"[0-9a-f]{40}", row["commit"]) and row["repository"] and row["path"] and row["licence"], row
    assert len(files("bibtex")) >= 30
    assert len({FILES[f]["producer"] for f in files("bibtex")}) >= 8
    assert len(files("ris")) >= 10 and len(files("csljson")) >= 8 and files("papermemory")


# --- BibTeX ---------------------------------------------------------------------------------------

_SPECIAL = {"comment", "preamble", "string"}
_ENTRY_HEAD = re.compile(r"@[ \t]*([A-Za-z][\w-]*)[ \t\r\n]*[{(]")


def bibtexparser_entries(text: str) -> list[dict] | None:
    """bibtexparser's entries, or None when it cannot read the file (undefined @string names)."""
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False, interpolate_strings=True)
    try:
        return bibtexparser.loads(text, parser=parser).entries
    except Exception:
        return None


def structural_count(text: str) -> int:
    """The file's own count of entries: '@type{' or '@type(' heads that are not @string etc."""
    return sum(1 for m in _ENTRY_HEAD.finditer(text) if m.group(1).lower() not in _SPECIAL)


@pytest.fixture(scope="module")
def bibtex_results():
    return {name: import_text(text_of(name), "bibtex") for name in files("bibtex")}


@pytest.mark.parametrize("name", files("bibtex"))
def test_bibtex_every_entry_is_accounted_for(name, bibtex_results, tmp_path):
    from papershelf.store import Library

    text = text_of(name)
    result = bibtex_results[name]
    theirs = bibtexparser_entries(text)
    expected = structural_count(text)
    if theirs is not None:
        # bibtexparser drops an entry that never closes; we report it, so our count is the file's
        assert len(theirs) <= expected
    assert len(result.papers) + len(result.skipped) == expected, (name, result.skipped)
    assert all(reason for _, reason in result.skipped)
    with Library(tmp_path / "lib") as lib:
        outcome = lib.import_papers(result.papers)
        assert outcome.added + outcome.merged + len(outcome.skipped) == len(result.papers)
        assert len(lib) == outcome.added


def _ids_in(entry: dict) -> tuple[str | None, str | None]:
    """arXiv id and DOI an entry carries, read here with plain patterns (not the importer's code)."""
    arxiv = None
    if entry.get("eprint") and entry.get("archiveprefix", entry.get("eprinttype", "arxiv")).lower() == "arxiv":
        arxiv = normalize_arxiv_id(entry["eprint"])
    for value in (entry.get("url", ""), entry.get("journal", "").replace("{", "").replace("}", ""), entry.get("howpublished", "")):
        arxiv = arxiv or normalize_arxiv_id(value)
    m = re.fullmatch(r"abs/(\d{4}\.\d{4,5})", entry.get("volume", ""))
    if m and entry.get("journal", "").lower() in ("corr", "arxiv"):
        arxiv = arxiv or m.group(1)
    return arxiv, normalize_doi(entry.get("doi", "").replace("\\_", "_"))


@pytest.mark.parametrize("name", files("bibtex"))
def test_bibtex_ids_titles_and_authors_match_bibtexparser(name, bibtex_results):
    theirs = bibtexparser_entries(text_of(name))
    if theirs is None:
        pytest.skip("bibtexparser cannot read this file (an undefined @string)")
    papers = {p.title: p for p in bibtex_results[name].papers}
    by_key = {p.key: p for p in bibtex_results[name].papers}
    checked = 0
    for entry in theirs:
        if "crossref" in entry or "xdata" in entry or not entry.get("title") or entry["ENTRYTYPE"] in ("xdata", "set"):
            continue  # inherited fields: test_real_file_errors checks those
        want = folded(entry["title"])
        mine = sorted((p for p in papers.values() if folded(p.title).startswith(want)), key=lambda p: folded(p.title) != want)
        if not mine:  # merged into an earlier entry of the same work: found by id or title key
            arxiv, doi = _ids_in(entry)
            assert (arxiv and f"arxiv:{arxiv}" in by_key) or (doi and any(p.doi == doi for p in by_key.values())) \
                or any(folded(p.title) == want for p in by_key.values()) or any(
                    s[0].endswith(entry["title"][:20]) for s in bibtex_results[name].skipped), (name, entry["ID"])
            continue
        paper = mine[0]
        if not any(k in entry for k in ("subtitle", "titleaddon")):
            assert folded(paper.title) == want, (name, entry["ID"], paper.title)
        arxiv, doi = _ids_in(entry)
        if arxiv:
            assert any(p.arxiv_id == arxiv for p in mine), (name, entry["ID"], arxiv)
        if doi and not arxiv:
            assert any(p.doi == doi for p in mine), (name, entry["ID"], doi)
        names = [n for n in re.split(r"\s+and\s+", " ".join(entry.get("author", "").split())) if n]
        names = [n for n in names if n.lower() not in ("others", "et al.", "et al")]
        if names and len(mine) == 1:
            assert len(paper.authors) == len(names), (name, entry["ID"], paper.authors, names)
            for ours, raw in zip(paper.authors, names):
                last = " ".join(splitname(raw.strip(), strict_mode=False)["last"]) or raw
                assert folded(last) in folded(ours), (name, entry["ID"], ours, raw)
        checked += 1
    assert checked or all("crossref" in e or "xdata" in e or not e.get("title") for e in theirs)


def _agree(a: dict, b: dict) -> bool:
    """Two entries (bibtexparser's) that may be one work: what both know agrees."""
    ya, yb = (re.search(r"\d{4}", e.get("year", e.get("date", ""))) for e in (a, b))
    if ya and yb and abs(int(ya.group(0)) - int(yb.group(0))) > 1:
        return False
    fa, fb = (re.split(r"\s+and\s+", e.get("author", "")) for e in (a, b))
    if a.get("author") and b.get("author"):
        la, lb = (" ".join(splitname(f[0].strip(), strict_mode=False)["last"]) for f in (fa, fb))
        return folded(la) == folded(lb)
    return True


@pytest.mark.parametrize("name", files("bibtex"))
def test_bibtex_nothing_is_merged_that_should_not_be(name, bibtex_results):
    theirs = bibtexparser_entries(text_of(name))
    if theirs is None:
        pytest.skip("bibtexparser cannot read this file (an undefined @string)")
    titles = Counter(folded(e.get("title", "")) for e in theirs if e.get("title"))
    for item, reason in bibtex_results[name].skipped:
        m = re.match(r"same paper as entry (\d+) \((.+)\)$", reason)
        if not m:
            continue
        key = m.group(2)
        if key.startswith(("arxiv:", "doi:")):
            continue  # an identifier both entries carry
        later = int(re.match(r"entry (\d+)", item).group(1))
        first = int(m.group(1))
        a, b = theirs[first - 1], theirs[later - 1]
        assert folded(a["title"]) == folded(b["title"]) and titles[folded(a["title"])] >= 2
        assert _agree(a, b), (name, a["ID"], b["ID"])


# --- RIS --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", files("ris"))
def test_ris_every_record_is_accounted_for_and_read_as_rispy_reads_it(name):
    text = text_of(name)
    records = len(re.findall(r"(?m)^[\s\ufeff]*TY  - ", text))
    try:
        result = import_text(text)
    except FormatError as exc:
        assert records == 0, (name, exc)  # a file with no TY line at all (JabRef's "corrupted" sample)
        return
    assert len(result.papers) + len(result.skipped) == records, (name, result.skipped)
    theirs = rispy.loads(text, skip_unknown_tags=True) if records else []
    titles = {folded(p.title): p for p in result.papers}
    for entry in theirs:
        title = entry.get("title") or entry.get("primary_title") or entry.get("short_title")
        if not title or len(theirs) != records:
            continue  # rispy joins records that have no ER between them (JabRef's sample 1)
        paper = titles.get(folded(title))
        assert paper is not None or any(r.startswith("same paper") for _, r in result.skipped), (name, title)
        if paper is None:
            continue
        authors = entry.get("authors") or entry.get("first_authors") or []
        if authors:
            assert [folded(a.split(",")[0]) for a in authors] == [folded(a.split()[-1]) for a in paper.authors] or \
                all(folded(a.split(",")[0]) in folded(" ".join(paper.authors)) for a in authors), (name, authors, paper.authors)
        if entry.get("doi"):
            assert paper.doi == normalize_doi(entry["doi"])


@pytest.mark.parametrize("name", files("tagged"))
def test_tagged_files_that_are_not_ris_are_refused_with_what_they_are(name):
    with pytest.raises(FormatError, match="looks like (Web of Science|PubMed)"):
        import_text(text_of(name))


# --- CSL-JSON and PaperMemory ------------------------------------------------------------------

@pytest.mark.parametrize("name", files("csljson"))
def test_csljson_items_are_accounted_for_with_their_titles_and_authors(name):
    items = json.loads(text_of(name))
    result = import_text(text_of(name))
    assert len(result.papers) + len(result.skipped) == len(items)
    for paper in result.papers:
        item = next(i for i in items if folded(re.sub(r"<[^<>]*>", "", i.get("title", ""))) == folded(paper.title))
        families = [a.get("family") or a.get("literal") for a in item.get("author", [])]
        assert len(paper.authors) == len(families)
        assert all(folded(f) in folded(a) for f, a in zip(families, paper.authors))
        if item.get("DOI"):
            assert paper.doi == normalize_doi(item["DOI"]) or paper.arxiv_id


@pytest.mark.parametrize("name", files("papermemory"))
def test_papermemory_papers_are_accounted_for(name):
    memory = json.loads(text_of(name))
    papers = {k: v for k, v in memory.items() if isinstance(v, dict)}
    result = import_text(text_of(name))
    assert len(result.papers) + len(result.skipped) == len(papers)
    assert sorted(p.title for p in result.papers) == sorted(" ".join(v["title"].split()) for v in papers.values())


# --- the whole corpus in one library, exported and read back ------------------------------------

def test_every_export_of_the_corpus_reads_back_with_its_reader(tmp_path):
    from papershelf.store import Library

    with Library(tmp_path / "lib") as lib:
        for name in files("bibtex") + files("ris") + files("csljson") + files("papermemory"):
            try:
                lib.import_papers(import_text(text_of(name)).papers)
            except FormatError:
                continue
        papers = lib.all()
    n = len(papers)
    assert n > 500
    titled = sorted(folded(p.title) for p in papers if p.title)

    body = export_papers("bibtex", papers)[0]
    entries = bibtexparser.loads(body, parser=BibTexParser(common_strings=True, ignore_nonstandard_types=False)).entries
    assert len(entries) == n
    assert sorted(folded(e["title"]) for e in entries if e.get("title")) == titled
    assert len({e["ID"] for e in entries}) == n

    records = rispy.loads(export_papers("ris", papers)[0])
    assert len(records) == n
    assert sorted(folded(r.get("title") or r.get("primary_title") or "") for r in records if r.get("title") or r.get("primary_title")) == titled

    items = json.loads(export_papers("csljson", papers)[0])
    # CSL titles are rich text: <span class="nocase">, <i>, <sup> ... are markup, not words
    assert len(items) == n and sorted(folded(re.sub(r"<[^<>]*>", "", i["title"])) for i in items if i.get("title")) == titled

    rows = list(csv.DictReader(io.StringIO(export_papers("csv", papers)[0])))
    assert len(rows) == n and sorted(folded(r["title"].lstrip("'")) for r in rows if r["title"]) == titled

    backup = json.loads(export_papers("json", papers)[0])
    assert len(backup["papers"]) == n

    markdown = export_papers("markdown", papers)[0]
    assert sum(1 for line in markdown.splitlines() if line.startswith("- ")) == n
