"""Every site's page table, read by the backend alone (no browser): a saved page's cards, cut out
by the site's find_cards as `papershelf parse FILE` does, read as the keys, ids and titles the
table names, card for card. The browser tests (tests/e2e/test_sites_*.py) check the same rows
with the extension's finders; this keeps the readers honest in the fast suite."""

from __future__ import annotations

import sys

import pytest
from support import FIXTURES

from papershelf import sites
from papershelf.papers import normalize_title
from papershelf.parsing import parse
from papershelf.parsing.page import parts_from_html

sys.path.insert(0, str(FIXTURES))
import site_pages  # noqa: E402

# Pages whose lists a script renders after load: only a browser shows their cards
# (test_sites_parity.py reads the rendered page).
RENDERED_BY_SCRIPT = {("dblp", "search_registers.html"), ("openreview", "venue_iclr2024.html"),
                      ("semanticscholar", "search_ego_depletion.html"), ("semanticscholar", "author_manning.html")}
ROWS = [r for r in site_pages.rows() if r["table"] != "pages.json" and (r["table"], r["file"]) not in RENDERED_BY_SCRIPT]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r['table']}/{r['file']}@{r['url'].split('/')[2]}")
def test_the_backend_reads_each_table_row_card_for_card(row):
    site = sites.by_name()[row["site"]]
    result = parse(parts_from_html(row["url"], site_pages.html(row)))
    assert sorted({p.paper.key for p in result.papers}) == row["keys"]
    if not row["card_ids"]:
        return  # a single-paper page
    skipped = set(row.get("skipped_cards", []))
    papers = [p.paper for p in sorted(result.papers, key=lambda p: p.index)]
    want = [(i, t) for i, t in zip(row["card_ids"], row["card_titles"]) if i not in skipped]
    assert [site.reader.card_id(p) for p in papers] == [i for i, _ in want]
    for paper, (_, title) in zip(papers, want):
        if title is not None:
            assert normalize_title(title) in normalize_title(paper.title), (paper.title, title)
