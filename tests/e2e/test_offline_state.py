"""Offline keeps your state (issue 12): with the backend stopped, a reloaded listing still shows
the papers you saved as Saved and those you saw as seen, from the worker's status cache; a new
save reads queued; the popup says it is offline and what it knows; once the backend is back the
queue flushes and the save lands. In Chromium and in Firefox.

Badges are read as the browser shows them (CDP with closed shadow roots pierced; WebDriver BiDi's
serialization with includeShadowTree), clicks are trusted input, the library is checked through
the backend's API.
"""

from __future__ import annotations

import urllib.parse

import pytest

from .conftest import PAGES, expected_ids, fixture_html, wait_until

pytestmark = pytest.mark.browser

LISTING = "hf_daily_with_props.html"
SAVED = "2504.06261"  # saved while online
NEW_SAVE = "2502.21257"  # saved while offline
SETTLED = ("new", "seen", "saved", "error")


def settled(n):
    return lambda bs: bs is not None and len(bs) >= n and all(b["state"] in SETTLED and b["recorded"] for b in bs)


def saved_keys(server) -> set[str]:
    status, body = server.api("GET", "/api/papers?saved=1&limit=1000")
    assert status == 200, body
    return {p["key"] for p in body["papers"]}


def seen_count(server, paper_id) -> int:
    status, body = server.api("GET", f"/api/papers/{urllib.parse.quote('arxiv:' + paper_id, safe=':')}")
    assert status == 200, body
    return body["seen_count"]


def offline_as_known(n):
    """What a reload shows offline: the saved paper Saved, the others seen (seen twice before, this
    view queued makes three), nothing left pending."""
    def ok(bs):
        if bs is None or len(bs) != n:
            return False
        by_id = {b["id"]: b for b in bs}
        return (by_id[SAVED]["state"] == "saved" and by_id[SAVED]["text"] == "\u2713 Saved"
                and all(b["state"] == "seen" and b["seen"] == "seen 3\u00d7" for i, b in by_id.items() if i != SAVED))
    return ok


def check_offline_badges(badges):
    by_id = {b["id"]: b for b in badges}
    assert not any(b["recorded"] for b in badges)  # the backend has not taken this view
    assert "Saved in PaperShelf" in by_id[SAVED]["name"]
    assert all("Seen on 3 page views" in b["name"] for i, b in by_id.items() if i != SAVED)


def test_chromium_offline_keeps_saved_and_seen_and_queues_new_saves(chrome, artifacts):
    server = chrome.server
    url = chrome.serve(PAGES[LISTING], fixture_html(LISTING))
    n = len(expected_ids(LISTING))
    page = chrome.open(url)
    chrome.wait_badges(page, settled(n), what="badges online")
    chrome.click_badge(page, SAVED)
    chrome.wait_badges(page, lambda bs: any(b["id"] == SAVED and b["state"] == "saved" for b in bs), what="saved")
    page.reload()
    chrome.wait_badges(page, lambda bs: settled(n)(bs) and sum(b["state"] == "seen" for b in bs) == n - 1,
                       what="seen badges after a reload")

    server.stop()
    page.reload()
    badges = chrome.wait_badges(page, offline_as_known(n), what="saved and seen badges offline")
    check_offline_badges(badges)
    wait_until(lambda: [op["kind"] for op in chrome.queue()] == ["capture"], message="this view to wait in the queue")

    chrome.click_badge(page, NEW_SAVE)  # a person's click, offline
    chrome.wait_badges(page, lambda bs: any(b["id"] == NEW_SAVE and b["text"] == "queued \u2713" for b in bs),
                       what="the offline save to read queued")
    queue = chrome.queue()
    # The paper's key came from the cache, so the save waits as a save by key.
    assert [(op["kind"], op["body"].get("keys")) for op in queue] == [("capture", None), ("save", [f"arxiv:{NEW_SAVE}"])]
    page.set_viewport_size({"width": 1100, "height": 800})
    page.screenshot(path=str(artifacts / "chromium-offline-badges.png"))

    # The popup says it is offline and what it knows.
    page.bring_to_front()
    with chrome.ctx.expect_page() as popup_info:
        chrome.storage("await chrome.windows.create({url: chrome.runtime.getURL('popup/popup.html'), type: 'popup', width: 340, height: 560});")
    popup = popup_info.value
    popup.wait_for_load_state()
    wait_until(lambda: "6 papers" in popup.locator("#page-info").text_content(), message="page counts in the popup")
    assert popup.locator("#page-info").text_content() == f"This page: {n} papers · 1 saved · {n - 2} seen before · 1 queued"
    assert popup.locator("#backend").text_content() == "offline"
    note = popup.locator("#offline-note")
    assert note.is_visible()
    text = note.text_content()
    assert text.startswith("Offline: badges show what PaperShelf last knew of 6 papers, 1 of them saved"), text
    assert "Waiting for the backend: 1 save, 1 page view." in text, text
    assert popup.locator("#queue").text_content() == "2"
    assert popup.locator("#saved").text_content() == "–"  # the library's own count is not known offline
    popup.screenshot(path=str(artifacts / "chromium-popup-offline.png"))
    popup.close()

    # An unsave offline reads queued too; a reload still shows both waiting (the worker's answer
    # marks the keys its queue holds).
    chrome.click_badge(page, SAVED)
    chrome.wait_badges(page, lambda bs: any(b["id"] == SAVED and b["text"] == "queued" for b in bs), what="a queued unsave")
    page.reload()
    chrome.wait_badges(page, lambda bs: len(bs) == n and {b["id"]: b["text"] for b in bs if b["id"] in (SAVED, NEW_SAVE)}
                       == {SAVED: "queued", NEW_SAVE: "queued ✓"}, what="both waiting after an offline reload")
    wait_until(lambda: [op["kind"] for op in chrome.queue()] == ["capture", "save", "unsave", "capture"],
               message="the second offline view to wait in the queue")

    server.start()
    page.reload()  # a page load finds the backend back: the queue goes at once
    chrome.wait_badges(page, lambda bs: settled(n)(bs) and {b["id"] for b in bs if b["state"] == "saved"} == {NEW_SAVE},
                       timeout=40, what="the queue to flush")
    assert saved_keys(server) == {f"arxiv:{NEW_SAVE}"}
    assert chrome.queue() == []
    # Two offline views and this one: each counted once.
    wait_until(lambda: all(seen_count(server, i) == 5 for i in expected_ids(LISTING)), message="five views each")


def test_firefox_offline_keeps_saved_and_seen_and_queues_new_saves(ff, artifacts):
    server = ff.server
    url = ff.serve(PAGES[LISTING], fixture_html(LISTING))
    n = len(expected_ids(LISTING))
    ff.navigate(url)
    ff.wait_badges(settled(n), what="badges online")
    ff.click_badge(SAVED)
    ff.wait_badges(lambda bs: any(b["id"] == SAVED and b["state"] == "saved" for b in bs), what="saved")
    ff.navigate(url)
    ff.wait_badges(lambda bs: settled(n)(bs) and sum(b["state"] == "seen" for b in bs) == n - 1,
                   what="seen badges after a reload")

    server.stop()
    ff.navigate(url)
    badges = ff.wait_badges(offline_as_known(n), what="saved and seen badges offline")
    check_offline_badges(badges)
    ff.click_badge(NEW_SAVE)
    ff.wait_badges(lambda bs: any(b["id"] == NEW_SAVE and b["text"] == "queued \u2713" for b in bs),
                   what="the offline save to read queued")
    ff.screenshot(artifacts / "firefox-offline-badges.png")

    server.start()
    ff.wait_badges(lambda bs: settled(n)(bs) and {b["id"] for b in bs if b["state"] == "saved"} == {SAVED, NEW_SAVE},
                   timeout=45, what="the queue to flush")
    assert saved_keys(server) == {f"arxiv:{SAVED}", f"arxiv:{NEW_SAVE}"}
    assert all(seen_count(server, i) == 3 for i in expected_ids(LISTING))


def test_firefox_popup_says_offline_and_what_it_knows(firefox, live_server_factory, artifacts):
    """The popup in Firefox, offline. WebDriver BiDi cannot open an extension page, but may drive
    one the extension opened: the options page a new install opens is connected as a user does
    (Connect, Allow) and kept, then goes to the popup's page; the listing is the active tab of a
    window of its own, as when the user clicks the toolbar button there."""
    firefox.pages.clear()
    server = live_server_factory(port=firefox.port)
    firefox.ensure_tab()
    if firefox.tab_url() != "about:blank":
        firefox.navigate("about:blank")
    firefox.install()

    def find(pred):
        return next((c["context"] for c in firefox.contexts() if pred(c["url"])), None)

    options = wait_until(lambda: find(lambda u: u.startswith("moz-extension://") and u.endswith("/options/options.html")),
                         60, message="the options page a new install opens")
    firefox.click("#connect", options)
    allow = wait_until(lambda: find(lambda u: u.startswith(f"{server.url}/connect?request=")), 20, message="the connect page")
    wait_until(lambda: firefox.evaluate("document.readyState === 'complete' && !!document.getElementById('allow')", allow),
               20, message="the connect page to load")
    firefox.click("#allow", allow)
    wait_until(lambda: "Connected" in (firefox.evaluate("document.getElementById('connection-state').textContent", options) or ""),
               20, message="the options page to say Connected")
    firefox.close_tab(allow)

    window = firefox.send("browsingContext.create", {"type": "window"})["context"]
    try:
        url = firefox.serve(PAGES[LISTING], fixture_html(LISTING))
        n = len(expected_ids(LISTING))
        firefox.navigate(url, window)
        firefox.wait_badges(settled(n), context=window, what="badges online")
        firefox.click_badge(SAVED, window)
        firefox.wait_badges(lambda bs: any(b["id"] == SAVED and b["state"] == "saved" for b in bs), context=window, what="saved")
        server.stop()
        firefox.navigate(url, window)
        firefox.wait_badges(lambda bs: bs is not None and len(bs) == n and {b["id"]: b["state"] for b in bs}[SAVED] == "saved"
                            and all(b["state"] == "seen" for b in bs if b["id"] != SAVED), context=window, what="offline badges")
        firefox.click_badge(NEW_SAVE, window)
        firefox.wait_badges(lambda bs: any(b["id"] == NEW_SAVE and b["text"] == "queued \u2713" for b in bs),
                            context=window, what="the offline save to read queued")

        firefox.evaluate("(location.href = '../popup/popup.html', 1)", options)
        info = wait_until(lambda: (lambda t: t if t and "papers" in t else None)(
            firefox.evaluate("document.readyState === 'complete' && document.getElementById('page-info') && document.getElementById('page-info').textContent", options)),
            20, message="the popup's page counts")
        # Seen once before and again now (the view queued): seen; one saved, one save queued.
        assert info == f"This page: {n} papers · 1 saved · {n - 2} seen before · 1 queued", info
        assert firefox.evaluate("document.getElementById('backend').textContent", options) == "offline"
        note = wait_until(lambda: firefox.evaluate("document.getElementById('offline-note').hidden ? '' : document.getElementById('offline-note').textContent", options),
                          10, message="the offline note")
        assert note.startswith(f"Offline: badges show what PaperShelf last knew of {n} papers, 1 of them saved."), note
        assert "Waiting for the backend: 1 save, 1 page view." in note, note
        firefox.screenshot(artifacts / "firefox-popup-offline.png", options)

        server.start()
        firefox.navigate(url, window)
        wait_until(lambda: saved_keys(server) == {f"arxiv:{SAVED}", f"arxiv:{NEW_SAVE}"}, 45, message="both saves to land")
    finally:
        firefox.close_tab(window)
        server.stop()
