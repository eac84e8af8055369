"""The sites added after HF and arXiv, in headless Chromium with the real extension and a real
backend: every page of every site's table gets one badge per card, beside its title, and is
recorded; a click saves; OpenReview's venue page gets badges as its script renders tabs and pages;
a paper seen on arXiv and then on OpenReview is one record, seen on both.

The pages come from the sites' tables (tests/fixtures/sites/<name>/pages.json), served under
their real URLs.
"""

from __future__ import annotations

import sys
import urllib.parse

import pytest

from .conftest import FIXTURES, PAGES, fixture_html

sys.path.insert(0, str(FIXTURES))
import site_pages  # noqa: E402

pytestmark = pytest.mark.browser

SETTLED = ("new", "seen", "saved", "error")
ROWS = [r for r in site_pages.rows() if r["table"] != "pages.json"]
VENUE = next(r for r in ROWS if r["file"] == "venue_iclr2024.html")


def settled(n):
    return lambda bs: len(bs) >= n and all(b["state"] in SETTLED and b["recorded"] for b in bs)


def record(server, key):
    status, body = server.api("GET", f"/api/papers/{urllib.parse.quote(key, safe=':')}")
    assert status == 200, (key, body)
    return body


def open_row(chrome, row):
    url = chrome.serve(row["url"], site_pages.html(row))
    n = max(1, len(row["card_ids"]))
    page = chrome.open(url)
    badges = chrome.wait_badges(page, settled(n), what=f"{n} badges on {row['file']}")
    return page, badges


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r['table']}/{r['file']}")
def test_every_page_of_every_site_gets_its_badges_and_is_recorded(chrome, row):
    page, badges = open_row(chrome, row)
    if row["card_ids"]:
        assert [b["id"] for b in badges] == row["card_ids"]
    else:
        assert len(badges) == 1  # a single-paper page: one badge in its heading
    assert all(b["state"] == "new" and b["text"] == "Save" for b in badges), badges
    assert sorted(b["key"] for b in badges) == row["keys"]
    for b in badges:
        paper = record(chrome.server, b["key"])
        assert paper["seen_count"] == 1 and paper["saved"] is False
        assert row["site"] in {s["site"] for s in paper["sources"]}
    # Each badge sits in its card's title: the title element holds it (drawn after the title).
    titles = page.evaluate("""() => [...document.querySelectorAll('span.papershelf-badge-host')]
        .map((h) => h.parentElement.textContent.replace(/\\s+/g, ' ').trim())""")
    for title, want in zip(titles, row["card_titles"]):
        if want:
            assert want in title


def test_a_click_on_an_openreview_badge_saves_the_paper(chrome):
    page, badges = open_row(chrome, VENUE)
    target = VENUE["card_ids"][1]
    chrome.click_badge(page, target)
    chrome.wait_badges(page, lambda bs: any(b["id"] == target and b["text"] == "✓ Saved" for b in bs), what="✓ Saved")
    key = next(b["key"] for b in badges if b["id"] == target)
    assert record(chrome.server, key)["saved"] is True


def test_openreview_tabs_and_pages_rendered_by_script_get_badges_as_they_appear(chrome, artifacts):
    page, badges = open_row(chrome, VENUE)
    assert len(badges) == 3  # the poster tab is not shown yet: nothing of it is counted
    # A person changes the tab: the page updates the hash and renders the tab's list.
    page.locator('a[href="#accept-poster"]').click()
    badges = chrome.wait_badges(page, lambda bs: {"mM7VurbA4r", "Xq7DpRpbmt"} <= {b["id"] for b in bs}
                                and settled(5)(bs), what="badges on the poster tab")
    assert page.evaluate("location.hash") == "#accept-poster"
    # The next page of the tab replaces its list.
    page.locator('#accept-poster a[data-page="1"]').click()
    chrome.wait_badges(page, lambda bs: "hB2zq4kR9v" in {b["id"] for b in bs} and settled(4)(bs),
                       what="badges on the poster tab's second page")
    page.screenshot(path=str(artifacts / "chromium-openreview-venue.png"))
    status, body = chrome.server.api("GET", "/api/papers?source=openreview&saved=all&limit=100")
    assert status == 200 and body["total"] == 6
    # Nothing was counted twice by the tab and page changes.
    assert all(p["seen_count"] == 1 for p in body["papers"])


def test_a_paper_seen_on_arxiv_and_then_on_openreview_is_one_record(chrome):
    """Identity across sites: the OpenReview card carries no arXiv id; its title, year and first
    author agree with the arXiv record, so it joins it (store/merge.py's title rule)."""
    arxiv = "arxiv_list_recent.html"
    page = chrome.open(chrome.serve(PAGES[arxiv], fixture_html(arxiv)))
    chrome.wait_badges(page, settled(3), what="arXiv badges")
    page, _ = open_row(chrome, VENUE)
    page.locator('a[href="#accept-poster"]').click()
    badges = chrome.wait_badges(page, lambda bs: "mM7VurbA4r" in {b["id"] for b in bs} and settled(5)(bs),
                                what="the poster tab's badges")
    sotopia = next(b for b in badges if b["id"] == "mM7VurbA4r")
    assert sotopia["key"] == "arxiv:2403.08715"
    assert sotopia["seen"]  # seen before, on arXiv
    paper = record(chrome.server, "arxiv:2403.08715")
    assert paper["seen_count"] == 1  # two sightings on one day are one view (store/merge.py)
    assert {s["site"] for s in paper["sources"]} == {"arxiv", "openreview"}
    assert paper["urls"]["abs"].startswith("https://arxiv.org/abs/")  # the arXiv record keeps its links
    # The orals' card with an arXiv link is keyed by it.
    assert "arxiv:2309.16588" in {b["key"] for b in badges}


def test_the_popup_names_every_site_on_a_page_it_does_not_read(chrome):
    from papershelf import sites

    popup = chrome.popup()  # the popup opened as a tab: the active tab is no site's page
    info = popup.locator("#page-info")
    info.filter(has_text="not a page PaperShelf reads").wait_for(timeout=15000)
    text = info.text_content()
    assert all(s.label in text for s in sites.SITES), text
