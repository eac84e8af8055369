"""The registry: every export format sniffs back as its importer; bad input is a clear error; the
format lists people see (API, library page, popup through the API, CLI help) are the registry's."""

from __future__ import annotations

import re
import types

import pytest
from format_samples import DATA

from papershelf import cli
from papershelf.formats import (EXPORTERS, IMPORTERS, FormatError, ImportResult, catalogue, export_papers, import_text,
                                sniff_format)


def test_the_contract_names():
    assert set(EXPORTERS) == {"bibtex", "ris", "csljson", "csv", "markdown", "json"}
    assert set(IMPORTERS) == {"json", "bibtex", "csljson", "ris", "papermemory", "text", "ids"}
    for module in EXPORTERS.values():
        assert module.LABEL and module.MEDIA_TYPE and module.EXTENSION and callable(module.export)
    for module in IMPORTERS.values():
        assert module.LABEL and callable(module.sniff) and callable(module.parse)


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


# A format that exists only in this test: registered, it must show up everywhere formats are listed.
TOY = types.SimpleNamespace(
    NAME="toy", LABEL="Toy <list> & co", MEDIA_TYPE="text/plain; charset=utf-8", EXTENSION="toy",
    export=lambda papers: "".join(f"{p.key}\n" for p in papers),
    sniff=lambda text: text.startswith("TOY\n"),
    parse=lambda text: ImportResult(),
)


def options(html: str, select_id: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def test_the_formats_route_answers_the_registries_in_their_order(api):
    answer = api.get("/api/formats").json
    assert answer == catalogue()
    assert [f["name"] for f in answer["export"]] == list(EXPORTERS)
    assert [f["name"] for f in answer["import"]] == list(IMPORTERS)
    assert answer["export"][0] == {"name": "bibtex", "label": "BibTeX", "extension": "bib"}


def test_a_format_added_to_the_registries_is_listed_by_the_api_the_library_page_and_the_cli(api, monkeypatch, capsys):
    monkeypatch.setitem(EXPORTERS, "toy", TOY)
    monkeypatch.setitem(IMPORTERS, "toy", TOY)

    formats = api.get("/api/formats").json
    assert formats["export"][-1] == {"name": "toy", "label": "Toy <list> & co", "extension": "toy"}
    assert formats["import"][-1] == {"name": "toy", "label": "Toy <list> & co"}

    # The library page's menus are drawn from the registry (label escaped like any text).
    html = api.get("/").get_data(as_text=True)
    assert options(html, "export-format") == [(m.NAME, m.LABEL) for m in EXPORTERS.values() if m is not TOY] + [
        ("toy", "Toy &lt;list&gt; &amp; co")]
    assert 'data-extension="toy"' in html
    assert options(html, "import-format")[0] == ("", "detect format")
    assert options(html, "import-format")[-1] == ("toy", "Toy &lt;list&gt; &amp; co")

    # So is the CLI's help.
    for command in ("export", "import"):
        with pytest.raises(SystemExit):
            cli.main([command, "--help"])
        assert "toy" in capsys.readouterr().out.split("--format", 1)[1]

    # And the format works: its module is all it took.
    r = api.get("/api/export?format=toy&saved=all")
    assert r.status_code == 200 and r.headers["Content-Disposition"].endswith('.toy"')
