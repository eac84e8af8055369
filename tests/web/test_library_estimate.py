"""A search for a fragment most papers hold (one letter, say) in a library past 10,000 papers is
counted from a sample (store/index_query.py): the library page says "about" wherever it shows
that count, and an exact count never does."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

N = 10_200  # past the 10,000 papers below which every count is exact


def test_an_estimated_count_says_about_and_an_exact_one_does_not(shelf, make_paper, open_library, page, shot):
    papers = [make_paper(i, title=f"Paper number {i}", arxiv_id=f"2601.{i:05d}", saved_at=None,
                         abstract=f"Study {i}.", authors=[f"Author{i % 50} Alpha"]) for i in range(N)]
    server = shelf(papers)
    open_library(server, "?saved=all&q=e")
    # A person reads the count as "about": the sample's estimate, rounded to two figures.
    expect(page.locator("#summary")).to_have_text("1–50 of about 10,000 papers seen matching")
    expect(page.locator("#page-info")).to_have_text("page 1 of about 200")
    shot(page, "estimated-count")
    # Every paper holds an "e": the first page is the newest 50, exactly as without an estimate.
    expect(page.locator("#papers .title-link")).to_have_count(50)
    # A word the index answers is counted exactly: no "about".
    open_library(server, "?saved=all&q=number 9017")
    expect(page.locator("#summary")).to_have_text("1–1 of 1 papers seen matching")
    expect(page.locator("#page-info")).to_have_text("page 1 of 1")
