"""The registry: every export format sniffs back as its importer; bad input is a clear error."""

from __future__ import annotations

import pytest
from format_samples import DATA

from papershelf.formats import EXPORTERS, IMPORTERS, FormatError, export_papers, import_text, sniff_format


def test_the_contract_names():
    assert set(EXPORTERS) == {"bibtex", "ris", "csljson", "csv", "markdown", "json"}
    assert set(IMPORTERS) == {"json", "bibtex", "csljson", "ris", "papermemory", "text", "ids"}
    for module in EXPORTERS.values():
        assert module.MEDIA_TYPE and module.EXTENSION and callable(module.export)
    for module in IMPORTERS.values():
        assert callable(module.sniff) and callable(module.parse)


@pytest.mark.parametrize("fmt", ["json", "bibtex", "csljson", "ris"])
def test_our_exports_are_recognised_without_naming_the_format(papers, fmt):
    body = export_papers(fmt, papers)[0]
    assert sniff_format(body) == fmt
    assert len(import_text(body).papers) == len(papers)


@pytest.mark.parametrize(
    "path, fmt",
    [("papermemory.json", "papermemory"), ("others.bib", "bibtex"), ("zotero.ris", "ris")],
)
def test_other_tools_files_are_recognised(path, fmt):
    assert sniff_format((DATA / path).read_text("utf-8")) == fmt


def test_empty_papers_export_is_still_a_valid_file():
    for fmt in EXPORTERS:
        body, _, _ = export_papers(fmt, [])
        assert isinstance(body, str)
    assert import_text(export_papers("json", [])[0]).papers == []


@pytest.mark.parametrize(
    "text, fmt, message",
    [
        ("", None, "empty"),
        ("   \n\n", None, "empty"),
        ("x", None, "could not recognise"),
        ("\x00\x01\x02 binary", None, "could not recognise"),
        ("2401.12345", "endnote-xml", "unknown import format"),
        ("{\"a\": [1, 2", "json", "not valid JSON"),
        ("[" * 100_000, "csljson", "JSON"),
    ],
)
def test_bad_input_is_a_clear_error_never_a_traceback(text, fmt, message):
    with pytest.raises(FormatError, match=message):
        import_text(text, fmt)


def test_unknown_export_format_is_a_clear_error(papers):
    with pytest.raises(FormatError, match="unknown export format 'docx'"):
        export_papers("docx", papers)


def test_common_format_aliases(papers):
    assert export_papers("bib", papers)[2] == "bib"
    assert export_papers("CSL-JSON", papers)[0] == export_papers("csljson", papers)[0]
    assert len(import_text(export_papers("bibtex", papers)[0], "bib").papers) == len(papers)
    assert [p.key for p in import_text("2401.12345\n", "arxiv").papers] == ["arxiv:2401.12345"]
