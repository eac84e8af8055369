"""CSL-JSON: valid against the CSL data schema; reads back to the same papers."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import papershelf.formats as formats
from papershelf.formats import FormatError, export_papers, import_text

SCHEMA = json.loads((Path(formats.__file__).parent / "csl-data.json").read_text("utf-8"))


def test_export_is_valid_against_the_csl_data_schema(papers):
    body, media_type, ext = export_papers("csljson", papers)
    assert ext == "json" and "csl+json" in media_type
    data = json.loads(body)
    jsonschema.Draft7Validator(SCHEMA).validate(data)
    assert len(data) == len(papers)


def test_schema_check_is_real():
    # The vendored schema rejects what CSL processors reject (guards against a vacuous test).
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "preprint-ish", "title": "t"}], SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "article", "authors": []}], SCHEMA)


def test_item_types_and_fields(papers):
    items = {i["id"]: i for i in json.loads(export_papers("csljson", papers)[0])}
    preprint = items["rodionov2025hogwild"]
    assert preprint["type"] == "article"
    assert preprint["number"] == "arXiv:2504.06261" and preprint["publisher"] == "arXiv"
    assert preprint["issued"] == {"date-parts": [[2025, 4, 8]]}
    assert preprint["author"][0] == {"family": "Rodionov", "given": "Gleb"}
    conf = items["vaswani2017attention"]
    assert conf["type"] == "paper-conference" and conf["container-title"].startswith("Advances in Neural")
    journal = items["picard2007journal"]
    assert journal["type"] == "article-journal" and journal["DOI"] == "10.1103/physrevd.76.013009"
    assert journal["author"][1] == {"family": "van Beethoven", "given": "Ludwig"}
    assert journal["issued"] == {"date-parts": [[2007, 7]]}


def test_round_trip(papers):
    result = import_text(export_papers("csljson", papers)[0])  # sniffed as CSL-JSON
    assert result.skipped == []
    back = {p.key: p for p in result.papers}
    assert set(back) == {p.key for p in papers}
    for p in papers:
        b = back[p.key]
        assert (b.title, b.authors, b.published, b.abstract, b.doi, b.arxiv_id, b.venue, b.note) == (
            p.title, p.authors, p.published, p.abstract, p.doi, p.arxiv_id, p.venue, p.note)
        assert b.tags == sorted(p.tags)


def test_bad_items_are_skipped_with_reasons_and_garbage_is_refused():
    text = json.dumps([
        {"id": "a", "type": "article", "title": "Fine", "author": [{"family": "Li", "given": "Wei"}], "issued": {"date-parts": [["2020", "3"]]}},
        {"id": "b", "type": "article", "title": ["not", "a", "string"]},
        {"id": "c", "type": "article"},
        "not an object",
    ])
    result = import_text(text, "csljson")
    assert [(p.title, p.authors, p.published) for p in result.papers] == [("Fine", ["Wei Li"], "2020-03")]
    assert [r for _, r in result.skipped] == ["'title' must be a string", "no title, arXiv id or DOI", "not an object"]
    with pytest.raises(FormatError, match="not valid JSON"):
        import_text("[{\"id\": 1,", "csljson")
    with pytest.raises(FormatError, match="list of items"):
        import_text("42", "csljson")
