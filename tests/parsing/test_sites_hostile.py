"""Every site's reader on hostile versions of its pages: cut off anywhere, cards with their ids or
titles broken, markup nested deep, hrefs that are not ids. Nothing raises (no 'parser failed'),
every paper has a title and a key, and a card the reader refuses says why."""

from __future__ import annotations

import random
import sys

import pytest
from support import FIXTURES

from papershelf.parsing import PageParts, parse
from papershelf.parsing.page import parts_from_html

sys.path.insert(0, str(FIXTURES))
import site_pages  # noqa: E402

ROWS = [r for r in site_pages.rows() if r["table"] != "pages.json"]


def check(result):
    assert not any("parser failed" in s.reason for s in result.skipped), result.skipped
    assert all(p.paper.title and p.paper.key for p in result.papers)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r['table']}/{r['file']}")
def test_pages_cut_off_anywhere_read_without_failing(row):
    html = site_pages.html(row)
    rng = random.Random(row["file"])
    for cut in sorted(rng.sample(range(len(html)), 25)):
        check(parse(parts_from_html(row["url"], html[:cut])))


@pytest.mark.parametrize("row", [r for r in ROWS if r["card_ids"]], ids=lambda r: f"{r['table']}/{r['file']}")
def test_mangled_cards_are_skipped_with_a_reason_or_read_whole(row):
    rng = random.Random(row["file"] + "x")
    cards = parts_from_html(row["url"], site_pages.html(row)).cards
    mangled = []
    for card in cards or ["<div></div>"]:
        for _ in range(6):
            i, j = sorted(rng.sample(range(len(card) + 1), 2))
            choice = rng.choice(["cut", "swap", "href", "deep"])
            if choice == "cut":
                mangled.append(card[:i] + card[j:])
            elif choice == "swap":
                mangled.append(card[:i] + "<" + card[i:j][::-1] + card[j:])
            elif choice == "href":
                mangled.append(card.replace('href="', 'href="javascript:alert(1)//', 1))
            else:
                mangled.append("<div>" * 5000 + card + "</div>" * 5000)
    result = parse(PageParts(url=row["url"], cards=mangled))
    check(result)
    read = {p.index for p in result.papers}
    assert all(s.reason for s in result.skipped if s.index not in read)
