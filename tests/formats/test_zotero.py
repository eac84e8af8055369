"""Zotero imports what we export, and we import what Zotero exports.

Zotero's own translators run here in Node through the zotero-translators package
(package.json; `./build.sh test` installs it with `npm ci`): Zotero's translation-server with
the CSL JSON (2019-01-31), RIS (2017-10-28) and BibTeX (2019-02-03) translators.  They are
older than today's Zotero, which reads CSL ``article`` as a preprint with ``number`` as its
archive ID; these read it as a document.  Every check below holds for both, and where the old
translators drop something by their own rules (tags from CSL, braces inside BibTeX math), the
check says so instead of asserting it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from papershelf.formats import export_papers, import_text, sniff_format
from papershelf.formats.base import main_url, note_text
from papershelf.names import split_name

ROOT = Path(__file__).resolve().parents[2]
TRANSLATE_JS = Path(__file__).with_name("zotero_translate.js")

FORMATS = [  # our format name, file suffix, the Zotero translator that must recognise it
    ("csljson", "json", "CSL JSON"),
    ("ris", "ris", "RIS"),
    ("bibtex", "bib", "BibTeX"),
]


def run_zotero(*args: str) -> str:
    """Zotero's debug log of one translation; fails with its end when the translation fails."""
    node = shutil.which("node")
    assert node, "node is missing (the tests need Node.js and npm)"
    assert (ROOT / "node_modules" / "zotero-translators").is_dir(), "zotero-translators is missing: run ./build.sh test (npm ci)"
    proc = subprocess.run([node, str(TRANSLATE_JS), *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr + proc.stdout[-4000:]
    return proc.stdout


def zotero_import(path: Path) -> tuple[str, list[dict], dict[str, list[str]]]:
    """(the translator Zotero chose, its regular items in file order, note texts by item key)."""
    out = path.with_name(path.name + ".zotero.json")
    log = run_zotero("import", str(path), str(out))
    chosen = re.search(r"Beginning translation with (.+)", log)
    assert chosen, log[-4000:]
    items = json.loads(out.read_text("utf-8"))
    notes: dict[str, list[str]] = {}
    for item in items:
        if item["itemType"] == "note":
            notes.setdefault(item["parentItem"], []).append(item["note"])
    return chosen.group(1).strip(), [i for i in items if i["itemType"] != "note"], notes


def zotero_export(items: list[dict], notes: dict[str, list[str]], fmt: str, path: Path) -> str:
    """What Zotero writes for ``items`` (with their child notes) in ``fmt``."""
    source = path.with_name(path.name + ".items.json")
    for item in items:
        item["notes"] = [{"note": n} for n in notes.get(item["key"], [])]
    source.write_text(json.dumps(items), "utf-8")
    run_zotero("export", fmt, str(source), str(path))
    return path.read_text("utf-8")


def iso_date(zotero_date: str) -> str:
    """Zotero's date ("June 12, 2017", "July 2007", "2017-06-12") as ISO, to its precision."""
    for fmt, width in (("%B %d, %Y", 10), ("%B %Y", 7), ("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4)):
        try:
            return datetime.strptime(zotero_date, fmt).strftime("%Y-%m-%d")[:width]
        except ValueError:
            continue
    raise AssertionError(f"unexpected Zotero date {zotero_date!r}")


def without_tags(text: str) -> str:
    # Zotero's old RIS reader drops anything shaped like an HTML tag from field values.
    return re.sub(r"<[^>]*>", "", text)


def has_tex(text: str) -> bool:
    # Math, TeX commands, or characters we write as named TeX characters ({\textasciitilde}),
    # which Zotero's old BibTeX reader does not know.
    return bool(re.search(r"\$.*\$|\\[A-Za-z]|[~^]", text))


def flat(text: str) -> str:
    return " ".join(text.split())


def arxiv_base(arxiv_id: str) -> str:
    return re.sub(r"v\d+$", "", arxiv_id)


@pytest.mark.parametrize("fmt, suffix, translator", FORMATS)
def test_zotero_imports_every_paper_of_our_export(papers, tmp_path, fmt, suffix, translator):
    path = tmp_path / f"papershelf.{suffix}"
    path.write_text(export_papers(fmt, papers)[0], "utf-8")
    chosen, items, notes = zotero_import(path)
    assert chosen == translator
    assert len(items) == len(papers)
    for p, item in zip(papers, items):  # Zotero keeps the file's order
        assert item.get("url", "") == main_url(p), p.title
        if p.arxiv_id:
            assert arxiv_base(p.arxiv_id) in item["url"]
        if fmt == "ris" and p.arxiv_id:
            assert item["archiveLocation"] == f"arXiv:{arxiv_base(p.arxiv_id)}"

        title = item.get("title", "")
        if fmt == "csljson":
            # Math travels in CSL's nocase span, which Zotero keeps as title markup.
            assert re.sub(r'<span class="nocase">(.*?)</span>', r"\1", title) == p.title
        elif fmt == "ris":
            assert title == without_tags(p.title)
        elif not has_tex(p.title):  # Zotero's old BibTeX reader drops braces inside math, say
            assert title == p.title
        if not (fmt == "bibtex" and has_tex(p.abstract)):
            assert item.get("abstractNote", "") == p.abstract

        if p.published:
            assert iso_date(item["date"]) == p.published
        else:
            assert "date" not in item
        assert item.get("DOI", "").lower() == (p.doi or "").lower()

        # Every author, split where Zotero splits: family name, then the given name.
        creators = item["creators"][: len(p.authors)]
        assert len(creators) == len(p.authors)
        for name, creator in zip(p.authors, creators):
            given, family, _ = split_name(name)
            if given:
                assert creator["lastName"] == family, name
                assert creator["firstName"].startswith(given), name  # RIS/BibTeX add ", Jr."
            else:
                assert creator.get("name", creator.get("lastName")) == name

        if p.venue:
            venue_fields = ("proceedingsTitle", "conferenceName", "publicationTitle")
            assert p.venue in [item.get(f) for f in venue_fields], item
            assert item["itemType"] in ("conferencePaper", "journalArticle")

        if fmt != "csljson":  # CSL has no tags or notes that Zotero reads
            tags = [t["tag"].strip() for t in item["tags"]]
            assert tags == [without_tags(t).strip() if fmt == "ris" else t for t in p.tags]
            if not (fmt == "bibtex" and has_tex(p.note)):
                assert [flat(note_text(n)) for n in notes.get(item["key"], [])] == ([flat(p.note)] if p.note else [])


@pytest.mark.parametrize("fmt, suffix, translator", FORMATS)
def test_we_import_what_zotero_exports(papers, tmp_path, fmt, suffix, translator):
    # Zotero holds the papers (read from our RIS, which carries tags, notes and arXiv ids) ...
    ris = tmp_path / "papershelf.ris"
    ris.write_text(export_papers("ris", papers)[0], "utf-8")
    _, items, notes = zotero_import(ris)
    # ... and writes them out in its own way; we read that back.
    text = zotero_export(items, notes, fmt, tmp_path / f"zotero.{suffix}")
    assert sniff_format(text) == fmt
    result = import_text(text)
    assert result.skipped == []
    assert len(result.papers) == len(papers)
    for p, back in zip(papers, result.papers):
        assert back.title == without_tags(p.title)
        assert back.authors == p.authors
        assert arxiv_base(back.arxiv_id or "") == arxiv_base(p.arxiv_id or "")
        assert (back.doi or "").lower() == (p.doi or "").lower()
        # Zotero's BibTeX has no day; its CSL and RIS keep the whole date.
        assert back.published == (p.published[:7] if fmt == "bibtex" else p.published)
        if fmt != "csljson":
            assert back.tags == sorted(without_tags(t).strip() for t in p.tags)
            if fmt == "bibtex":  # Zotero's BibTeX writes notes as text: no tags, no paragraphs
                assert re.sub(r"\s", "", back.note) == re.sub(r"\s", "", without_tags(p.note))
            else:
                assert back.note == p.note
        if p.venue and fmt != "bibtex":
            assert back.venue == p.venue


def test_zotero_html_notes_become_text():
    # Zotero writes notes as HTML; a plain note that merely mentions a tag stays as it is.
    assert note_text("<p>Read twice.</p><p>Section 3 &amp; 4.</p>") == "Read twice.\n\nSection 3 & 4."
    assert note_text('<div data-schema-version="8"><p>a<br/>b</p><ul><li>x</li></ul></div>') == "a\nb\n\nx"
    assert note_text("see <script> in the paper") == "see <script> in the paper"
    assert note_text("<p> is the paragraph tag; use &amp; for &") == "<p> is the paragraph tag; use &amp; for &"
    ris = "TY  - JOUR\nTI  - T\nN1  - <p>Read twice.</p><p>Section 3 matters.</p>\nER  - \n"
    assert import_text(ris).papers[0].note == "Read twice.\n\nSection 3 matters."
