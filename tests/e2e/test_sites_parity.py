"""The two halves of every site agree, card for card, on every fixture page of a site.

The extension's finder (the site's find.js, with lib/keys.js and content/core.js, as the
manifest loads them) runs in headless Chromium on the fixture page served under its real URL; the
cards it finds (their HTML, as the capture sends it) and its page data go to the backend's
parser. For each card the backend reads one paper, of the id the finder gave the card, and the
title the badge is drawn beside reads as the paper's title. Both agree with the page table.

A plain Chromium (no extension): the finder is what is tested here, the badges in test_sites_*.py.
"""

from __future__ import annotations

import re
import sys

import pytest

from papershelf import sites
from papershelf.papers import normalize_title
from papershelf.parsing import PageParts, parse
from papershelf.parsing.page import parts_from_html

from .conftest import CHROMIUM, FIXTURES, ROOT

sys.path.insert(0, str(FIXTURES))
import site_pages  # noqa: E402

ROWS = [r for r in site_pages.rows() if r["site"] and ("cards" in r or r["table"] != "pages.json")]

FIND = """() => {
  const finder = PaperShelf.finders.find((f) => f.matches(location));
  if (!finder) return null;
  const text = (el) => (el ? el.textContent : "").replace(/\\s+/g, " ").trim();
  return {
    name: finder.name,
    page: finder.pageData(),
    cards: finder.findCards(document).map((d) => ({ id: d.id, title: text(d.titleEl), html: d.html(), single: Boolean(d.single) })),
  };
}"""


@pytest.fixture(scope="module")
def browser(playwright_driver):
    b = playwright_driver.chromium.launch(
        executable_path=CHROMIUM, headless=True,
        args=["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage"])
    try:
        yield b
    finally:
        b.close()


def run_finder(browser, row) -> dict:
    site = sites.by_name()[row["site"]]
    html = site_pages.html(row)
    ctx = browser.new_context(java_script_enabled=True)
    try:
        ctx.route(re.compile(r"^https?://"), lambda route: route.fulfill(
            status=200, content_type="text/html; charset=utf-8", body=html)
            if route.request.url.split("#")[0] == row["url"] else route.fulfill(status=204, body=""))
        page = ctx.new_page()
        page.goto(row["url"])
        for script in (ROOT / "extension" / "lib" / "keys.js", ROOT / "extension" / "content" / "core.js", site.finder):
            page.add_script_tag(content=script.read_text("utf-8"))
        # Pages rendered by script (OpenReview) show their cards after load: wait for them.
        want = max(1, len(row["card_ids"]))
        page.wait_for_function(
            "(n) => PaperShelf.finders.some((f) => f.matches(location) && f.findCards(document).length >= n)",
            arg=want, timeout=15000)
        found = page.evaluate(FIND)
        found["rendered"] = page.content()
    finally:
        ctx.close()
    assert found is not None, f"no finder matches {row['url']}"
    assert found["name"] == site.name
    return found


def card_id(site, paper) -> str | None:
    read = getattr(site.reader, "card_id", None)
    return read(paper) if read else paper.arxiv_id


def same_title(shown: str, read: str) -> bool:
    """The badge's title element shows the paper's title (arXiv's also holds a "Title:" label)."""
    return bool(normalize_title(read)) and normalize_title(read) in normalize_title(shown)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["url"].split("://", 1)[1][:70])
def test_finder_and_reader_agree_card_for_card(browser, row):
    site = sites.by_name()[row["site"]]
    found = run_finder(browser, row)
    cards = found["cards"]
    singles = [c for c in cards if c["single"]]
    if singles:
        # A single-paper page: the page data carries the paper; the finder badges the heading.
        assert len(cards) == 1 and row["card_ids"] == []
        result = parse(PageParts.from_request({"url": row["url"], "cards": [], "page": found["page"]}))
        assert [p.paper.key for p in result.papers] == row["keys"]
        assert card_id(site, result.papers[0].paper) == cards[0]["id"]
        return
    ids = [c["id"] for c in cards]
    # pages.json lists ids sorted; a site's own table in page order
    assert (sorted(ids) if row["table"] == "pages.json" else ids) == row["card_ids"], "the finder finds the table's cards"
    result = parse(PageParts.from_request({"url": row["url"], "cards": [c["html"] for c in cards], "page": found["page"]}))
    read = {p.index: p.paper for p in result.papers}
    skipped = {s.index: s.reason for s in result.skipped}
    # Cards the backend refuses with a reason (no title...): in pages.json those whose key the
    # table does not list; in a site's table, its skipped_cards.
    expected_skips = set(row.get("skipped_cards", [])) if row["table"] != "pages.json" else {
        c["id"] for c in cards if f"arxiv:{c['id']}" not in row["keys"]}
    for i, card in enumerate(cards):
        if card["id"] in expected_skips:
            assert skipped.get(i) and i not in read, f"card {card['id']} should be skipped with a reason"
            continue
        assert i in read, f"card {i} ({card['id']}) was not read: {skipped.get(i)}"
        paper = read[i]
        assert card_id(site, paper) == card["id"], f"card {i}: the finder says {card['id']}, the reader {card_id(site, paper)}"
        want = row["card_titles"][i]
        if want is not None:
            assert same_title(card["title"], want) and same_title(paper.title, want), (card["title"], paper.title, want)
        elif row["table"] == "pages.json" and not row.get("titles_differ"):
            assert same_title(card["title"], paper.title), f"card {i}: badge beside {card['title']!r}, paper {paper.title!r}"
    assert sorted({p.paper.key for p in result.papers}) == row["keys"]


@pytest.mark.parametrize("row", [r for r in ROWS if r["card_ids"]], ids=lambda r: r["url"].split("://", 1)[1][:70])
def test_the_backend_finds_the_same_cards_in_the_rendered_page(browser, row):
    """A page saved as the browser shows it (papershelf parse FILE): the backend's find_cards
    (page.py) cuts out the same cards as the finder, card for card."""
    site = sites.by_name()[row["site"]]
    found = run_finder(browser, row)
    parts = parts_from_html(row["url"], found["rendered"])
    # (The backend may cut out more cards, which it then skips with a reason: HF's cut-off card
    # without a title, which the finder leaves unbadged.)
    assert len(parts.cards) >= len(found["cards"])
    result = parse(parts)
    ids = [card_id(site, p.paper) for p in sorted(result.papers, key=lambda p: p.index)]
    expected = [c["id"] for c in found["cards"] if c["id"] not in set(row.get("skipped_cards", []))
                and (row["table"] != "pages.json" or f"arxiv:{c['id']}" in row["keys"])]
    assert ids == expected
