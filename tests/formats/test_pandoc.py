"""A real consumer reads our CSL-JSON and BibTeX: pandoc's citeproc formats every paper.

pandoc comes from Debian (build.sh installs it with the browsers).  The bibliography is
rendered as plain text and every paper must appear with its title and first author.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from papershelf.formats import export_papers

NOCITE_ALL = '---\nnocite: "@*"\n---\n'


def render(bibliography) -> str:
    pandoc = shutil.which("pandoc")
    assert pandoc, "pandoc is missing: `./build.sh test` installs it (apt-get install pandoc)"
    proc = subprocess.run(
        [pandoc, "--citeproc", f"--bibliography={bibliography}", "-t", "plain", "--wrap=none"],
        input=NOCITE_ALL, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "WARNING" not in proc.stderr and "rror" not in proc.stderr, proc.stderr
    return proc.stdout


def words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


@pytest.mark.parametrize("fmt, suffix", [("csljson", "json"), ("bibtex", "bib")])
def test_pandoc_formats_every_paper(papers, tmp_path, fmt, suffix):
    path = tmp_path / f"library.{suffix}"
    path.write_text(export_papers(fmt, papers)[0], "utf-8")
    out = render(path)
    entries = [e for e in out.split("\n\n") if e.strip()]
    assert len(entries) == len(papers)
    flat = words(out)
    for p in papers:
        if p.title and "$" not in p.title and "\\" not in p.title:
            # Styles change case and quotes, never the words.
            assert words(p.title) in flat, p.title
        if p.authors:
            assert p.authors[0].split()[-1].lower() in out.lower()
    # Math stays math: pandoc renders the TeX of the BibTeX title, keeps it verbatim in CSL.
    assert ("𝒪(n²)" in out) if fmt == "bibtex" else ("$\\mathcal{O}(n^2)$" in out)
