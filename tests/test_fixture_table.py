"""The one table of fixture pages (tests/fixtures/pages.json) is true, complete and shown.

- every HTML fixture is in it and every row names a file that exists, under a URL of its own;
- the backend reads exactly the keys the table says from each page;
- the cards column agrees with an oracle that shares no code with the extension's card finder: plain
  regexes over the HTML;
- the table in tests/fixtures/README.md is the one pages.py renders.
"""

from __future__ import annotations

import re

import pytest
from support import FIXTURES

from papershelf.parsing import PageParts, parse

import sys

sys.path.insert(0, str(FIXTURES))
import pages as fixture_pages  # noqa: E402

ROWS = fixture_pages.load()


def test_every_fixture_page_is_in_the_table_once_under_its_own_url():
    files = [row["file"] for row in ROWS]
    assert sorted(files) == sorted(p.name for p in FIXTURES.glob("*.html"))
    assert len(set(files)) == len(files)
    browser_urls = [row["url"] for row in ROWS if "cards" in row]
    assert len(set(browser_urls)) == len(browser_urls), "the browser tests serve each page under its URL"
    for row in ROWS:
        assert row["url"].startswith("https://") and row["purpose"]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["file"])
def test_the_backend_reads_the_keys_the_table_names(row):
    html = (FIXTURES / row["file"]).read_text("utf-8")
    result = parse(PageParts(url=row["url"], html=html))
    assert sorted(p.paper.key for p in result.papers) == row["keys"]


def oracle_card_ids(file: str, html: str) -> set[str]:
    if file.startswith("hf_"):
        return set(re.findall(r'href="(?:https://huggingface\.co)?/papers/(\d{4}\.\d{4,5})[#"]', html))
    if file == "arxiv_search.html":
        return set(re.findall(r'<p class="list-title[^"]*">\s*<a href="https://arxiv\.org/abs/([^"v]+)', html))
    return set(re.findall(r'<dt>.*?(?:href ?="/abs/|arXiv:)([\w.\-/]+?\d)(?:v\d+)?["<\s]', html, re.S))


@pytest.mark.parametrize("row", [r for r in ROWS if "cards" in r], ids=lambda r: r["file"])
def test_the_cards_column_agrees_with_a_plain_regex_oracle(row):
    html = (FIXTURES / row["file"]).read_text("utf-8")
    found = oracle_card_ids(row["file"], html)
    if row["file"].startswith("hf_paper_page"):
        # A single-paper page has no cards; the oracle sees its link to another paper.
        assert row["cards"] == [] and f"arxiv:{min(found)}" not in row["keys"]
    elif row["file"] == "hf_daily_hostile.html":
        # The hostile page is cut off mid-card: the last link has no card the finder can badge.
        assert set(row["cards"]) < found
    else:
        assert set(row["cards"]) == found
        assert row["keys"] == sorted(f"arxiv:{i}" for i in found)


def test_the_readme_table_is_the_one_pages_py_renders():
    readme = (FIXTURES / "README.md").read_text("utf-8")
    assert fixture_pages.readme_table() in readme, "run: python tests/fixtures/pages.py"
