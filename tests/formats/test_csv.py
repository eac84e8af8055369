"""CSV: RFC 4180 with a header row, every value back intact, formulas defused."""

from __future__ import annotations

import csv
import io

from papershelf.formats import export_papers
from papershelf.formats.csv_table import COLUMNS


def rows(body: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body, newline="")))


def test_header_row_crlf_and_one_row_per_paper(papers):
    body, media_type, ext = export_papers("csv", papers)
    assert ext == "csv" and media_type.startswith("text/csv")
    assert body.startswith(",".join(COLUMNS) + "\r\n")
    # Every record ends with CRLF; line breaks inside quoted notes are kept as they are.
    assert body.endswith("\r\n")
    assert len(rows(body)) == len(papers)


def test_values_survive_quotes_commas_and_newlines(papers):
    by_key = {r["key"]: r for r in rows(export_papers("csv", papers)[0])}
    p = papers[0]
    r = by_key[p.key]
    assert r["title"] == p.title and r["note"] == p.note and "\n\n" in r["note"]
    assert r["authors"] == "Ashish Vaswani; Noam Shazeer; Niki Parmar"
    assert r["tags"] == "transformers; classic" and r["saved"] == "yes" and r["read"] == "yes"
    assert r["citation_key"] == "vaswani2017attention"
    quoted = next(r for r in by_key.values() if "smart" in r["title"])
    assert quoted["title"] == 'Pass@k <script>alert("x")</script> & “smart” quotes 🚀'


def test_formula_cells_are_defused(papers):
    from format_samples import HOSTILE_TITLES

    body = export_papers("csv", papers)[0]
    for r in rows(body):
        for column, value in r.items():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (column, value)
    formula = next(r for r in rows(body) if "HYPERLINK" in r["title"])
    assert formula["title"] == "'" + HOSTILE_TITLES[3]
    assert formula["note"].startswith("note: =HYPERLINK")  # not at the start: left alone


def test_same_bytes_as_the_csv_module(papers):
    """The hand-written quoting matches csv.writer's QUOTE_MINIMAL exactly."""
    from papershelf.formats.citekeys import citation_keys
    from papershelf.formats.csv_table import _row

    keys = citation_keys(papers)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    writer.writerows(_row(p, keys[p.key]) for p in papers)
    assert export_papers("csv", papers)[0] == buf.getvalue()
