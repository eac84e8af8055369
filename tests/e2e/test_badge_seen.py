""""Seen" means seen on a day: a reload, a second tab or a re-render the same day adds no view; the
badge says on how many days a paper was seen (`seen on 3 days`), and papers never seen before say
`new` in a way that stands out from seen ones. Counts are read from the backend's API; what the
badge shows is read from inside its closed shadow root (CDP in Chromium, BiDi in Firefox)."""

from __future__ import annotations

import urllib.parse

import pytest

from .badge_sites import Inspector, dressed, rgba
from .conftest import PAGES, expected_ids, fixture_html
from .test_page_scripts import import_seen_before

pytestmark = pytest.mark.browser

LISTING = "arxiv_list_new.html"
SEEN = ("2601.00002", "Sharing is Caring: Efficient LM Post-Training with Collective RL Experience Sharing")


def settled(n):
    return lambda bs: len(bs) >= n and all(b["state"] in ("new", "seen", "saved", "error") and b["recorded"] for b in bs)


def counts(server) -> dict[str, int]:
    out = {}
    for i in expected_ids(LISTING):
        status, body = server.api("GET", f"/api/papers/{urllib.parse.quote('arxiv:' + i, safe=':')}")
        out[i] = body["seen_count"] if status == 200 else None
    return out


def words(badges) -> dict[str, str]:
    return {b["id"]: b["seen"] for b in badges}


def expected_words() -> dict[str, str]:
    return {i: "seen on 3 days" if i == SEEN[0] else "new" for i in expected_ids(LISTING)}


def test_chromium_a_day_counts_once_and_new_papers_stand_out(chrome, artifacts):
    import_seen_before(chrome.server, *SEEN)
    url = chrome.serve(PAGES[LISTING], dressed(fixture_html(LISTING), "arxiv"))
    n = len(expected_ids(LISTING))
    page = chrome.ctx.new_page()
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(url)
    badges = chrome.wait_badges(page, settled(n), what="badges")
    assert words(badges) == expected_words()
    first = counts(chrome.server)
    assert first == {i: 3 if i == SEEN[0] else 1 for i in expected_ids(LISTING)}

    # Never seen vs seen, at a glance: a filled blue "new" beside a green Save, against grey.
    ins = Inspector(chrome, page)
    look = {}
    for b in ins.badges():
        kind = b["slot_attrs"].get("data-kind")
        slot = ins.style(b["slot_before"])
        button = ins.style(b["button"])
        look[kind] = (slot["background-color"], slot["color"], button["border-top-color"], button["color"])
    new_bg, seen_bg = rgba(look["new"][0]), rgba(look["seen"][0])
    assert new_bg[2] > 150 and new_bg[0] < 80, look["new"]  # saturated blue
    assert max(seen_bg[:3]) - min(seen_bg[:3]) < 20, look["seen"]  # grey
    assert look["new"][2] != look["seen"][2] and look["new"][3] != look["seen"][3]
    page.locator("dl dt").nth(1).scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "badges-seen-vs-new.png"))

    # A reload, a second tab, and the page re-rendering its list: no view counted again.
    page.reload()
    assert words(chrome.wait_badges(page, settled(n), what="badges after the reload")) == expected_words()
    other = chrome.open(url, wait_badges=n)
    assert words(chrome.badges(other)) == expected_words()
    other.evaluate("() => { const dl = document.querySelector('dl'); const copy = dl.cloneNode(true); dl.replaceWith(copy); }")
    chrome.wait_badges(other, lambda bs: settled(n)(bs) and len(bs) == n, what="badges after the re-render")
    assert counts(chrome.server) == first

    # The extension's next day (the remembered list is for another day) captures the page again;
    # the server's day has not changed, and the server counts a paper once a local day of its own
    # (store/merge.py; tests/test_store.py moves that clock): no view is added.
    chrome.storage("const v = (await chrome.storage.local.get('countedToday')).countedToday;"
                   " await chrome.storage.local.set({countedToday: {...v, day: '2000-1-1'}});")
    page.reload()
    badges = chrome.wait_badges(page, settled(n), what="badges the next day")
    assert counts(chrome.server) == first
    assert words(badges) == expected_words()


def test_firefox_a_reload_adds_no_view(ff):
    import_seen_before(ff.server, *SEEN)
    url = ff.serve(PAGES[LISTING], fixture_html(LISTING))
    n = len(expected_ids(LISTING))
    ff.navigate(url)
    assert words(ff.wait_badges(settled(n), what="badges")) == expected_words()
    first = counts(ff.server)
    ff.navigate(url)
    assert words(ff.wait_badges(settled(n), what="badges after the reload")) == expected_words()
    assert counts(ff.server) == first == {i: 3 if i == SEEN[0] else 1 for i in expected_ids(LISTING)}
