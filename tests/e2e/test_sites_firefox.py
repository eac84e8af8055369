"""OpenReview in Firefox ESR (WebDriver BiDi) with the real extension and a real backend: the venue
page's lists are rendered by script after load and when a tab is first shown; each gets its badges,
a click (trusted input) saves, the forum page gets its heading badge."""

from __future__ import annotations

import sys
import urllib.parse

import pytest

from .conftest import FIXTURES

sys.path.insert(0, str(FIXTURES))
import site_pages  # noqa: E402

pytestmark = pytest.mark.browser

SETTLED = ("new", "seen", "saved", "error")
ROWS = {r["file"]: r for r in site_pages.rows() if r["table"] == "openreview"}


def settled(n):
    return lambda bs: bs is not None and len(bs) >= n and all(b["state"] in SETTLED and b["recorded"] for b in bs)


def test_openreview_venue_tabs_get_badges_and_a_click_saves(ff, artifacts):
    row = ROWS["venue_iclr2024.html"]
    ff.navigate(ff.serve(row["url"], site_pages.html(row)))
    badges = ff.wait_badges(settled(3), what="badges on the oral tab")
    assert [b["id"] for b in badges] == row["card_ids"]
    ff.click('a[href="#accept-poster"]')
    badges = ff.wait_badges(lambda bs: settled(5)(bs) and {"mM7VurbA4r", "Xq7DpRpbmt"} <= {b["id"] for b in bs},
                            what="badges on the poster tab")
    ff.screenshot(artifacts / "firefox-openreview-venue.png")
    ff.click_badge("Xq7DpRpbmt")
    badges = ff.wait_badges(lambda bs: any(b["id"] == "Xq7DpRpbmt" and b["text"] == "✓ Saved" for b in bs), what="✓ Saved")
    key = next(b["key"] for b in badges if b["id"] == "Xq7DpRpbmt")
    status, paper = ff.server.api("GET", f"/api/papers/{urllib.parse.quote(key, safe=':')}")
    assert status == 200 and paper["saved"] is True and paper["title"].startswith('Scaling "Laws" & <Limits>')
    assert {s["site"] for s in paper["sources"]} == {"openreview"}


def test_openreview_forum_page_gets_its_heading_badge(ff):
    row = ROWS["forum_registers.html"]
    ff.navigate(ff.serve(row["url"], site_pages.html(row)))
    (badge,) = ff.wait_badges(settled(1), what="the forum page's badge")
    assert badge["key"] == row["keys"][0] and badge["text"] == "Save"


S2 = {r["file"]: r for r in site_pages.rows() if r["table"] == "semanticscholar" and r["card_ids"]}


@pytest.mark.parametrize("file", sorted(S2))
def test_semantic_scholar_rows_rendered_by_script_get_badges_and_a_click_saves(ff, artifacts, file):
    row = S2[file]
    ff.navigate(ff.serve(row["url"], site_pages.html(row)))
    badges = ff.wait_badges(settled(len(row["card_ids"])), what=f"badges on {file}")
    assert [b["id"] for b in badges] == row["card_ids"]
    assert sorted(b["key"] for b in badges) == row["keys"]
    ff.screenshot(artifacts / f"firefox-s2-{file.removesuffix('.html')}.png")
    target = row["card_ids"][0]
    ff.click_badge(target)
    badges = ff.wait_badges(lambda bs: any(b["id"] == target and b["text"] == "✓ Saved" for b in bs), what="✓ Saved")
    key = next(b["key"] for b in badges if b["id"] == target)
    status, paper = ff.server.api("GET", f"/api/papers/{urllib.parse.quote(key, safe=':')}")
    assert status == 200 and paper["saved"] is True and paper["title"] == row["cards"][0]["title"]
    assert {s["site"] for s in paper["sources"]} == {"semanticscholar"}
    assert paper["links"] == {"semanticscholar": f"https://www.semanticscholar.org/paper/{target}"}
