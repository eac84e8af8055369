"""The storage quota in Firefox (issue 11): when the browser refuses the offline queue's write,
the captures go, the user's save stays, the badges and the popup say why, and the save lands once
the backend is back — as tests/e2e/test_offline_queue.py checks in Chromium.

Firefox gives an extension's `storage.local` the quota of its origin, and by default that is a
share of the disk (navigator.storage.estimate() says 10 GB here): no test can fill it. The test
profile sets `dom.quotaManager.temporaryStorage.fixedLimit` to 20 MB, which gives each origin
10 MB (Firefox's floor for one origin's group), the same as Chrome's `storage.local` quota.
Firefox compresses what it stores (60 MB of one repeated letter took 3 MB on disk), so the filler
and the hostile page's padding are random text, as a page that wants to fill the quota would send.

The extension's storage is read through its own page (the options page a new install opens,
kept open, later showing the popup), never through the web page.
"""

from __future__ import annotations

import socket

import pytest

from .conftest import PAGES, Firefox, expected_ids, firefox_build_for_port, fixture_html, wait_until
from .test_offline_queue import CLICK_ALL_JS, FLOOD_JS, LISTING, saved_keys

pytestmark = pytest.mark.browser

QUOTA_PREFS = {"dom.quotaManager.temporaryStorage.fixedLimit": 20 * 1024}  # KB
ROOM_CHUNKS = 4  # room left once the quota is reached: 4 chunks of 256 KB

# Other data fills storage.local until the quota refuses a write, then gives back a little room.
FILL_JS = """(async () => {
  const chunk = () => { const n = 256 * 1024, b = new Uint8Array(n);
    for (let i = 0; i < n; i += 65536) crypto.getRandomValues(b.subarray(i, i + 65536));
    let s = ''; for (let i = 0; i < n; i += 8192) s += String.fromCharCode.apply(null, b.subarray(i, i + 8192).map(x => 33 + x %% 90));
    return s; };
  const keys = [];
  let error = null;
  for (let i = 0; i < 200 && !error; i++) {
    try { await browser.storage.local.set({['filler' + i]: chunk()}); keys.push('filler' + i); }
    catch (e) { error = String(e && e.message || e); }
  }
  await browser.storage.local.remove(keys.splice(keys.length - %d));
  return {keys, error};
})()""" % ROOM_CHUNKS

RANDOM_FLOOD_JS = FLOOD_JS.replace(
    "'junk '.repeat(padding / 5)",
    "Array.from({length: padding / 8}, () => Math.random().toString(36).slice(2, 10).padEnd(8, 'q')).join('')")
assert RANDOM_FLOOD_JS != FLOOD_JS, "test_offline_queue.FLOOD_JS no longer pads with 'junk '"


def test_firefox_a_full_storage_quota_drops_captures_and_keeps_saves(extension_builds, artifacts, live_server_factory, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    browser = Firefox(firefox_build_for_port(extension_builds["firefox"], port, tmp_path), artifacts, prefs=QUOTA_PREFS)
    try:
        server = live_server_factory(port=port)
        own = browser.connect(server, keep_options=True)  # the extension's own page
        browser.ensure_tab()
        filled = browser.evaluate(FILL_JS, own)
        assert filled["error"] and "quota" in filled["error"].lower(), filled["error"]
        assert len(filled["keys"]) >= 20, f"only {len(filled['keys'])} chunks fit: the quota is not 10 MB"
        print(f"\nFirefox storage.local refused a write after {len(filled['keys']) + ROOM_CHUNKS} x 256 KB: {filled['error']}")

        base = PAGES[LISTING]
        html = fixture_html(LISTING)
        ids = sorted(expected_ids(LISTING))
        n = len(ids)
        server.stop()
        browser.navigate(browser.serve(base, html))
        browser.wait_badges(lambda bs: len(bs) == n and all(b["state"] == "queued" for b in bs), what="queued badges")
        browser.click_badge(ids[0])
        browser.wait_badges(lambda bs: any(b["id"] == ids[0] and b["text"] == "queued \u2713" for b in bs), what="queued save")
        for r in range(2):
            if r:
                browser.navigate(browser.serve(f"{base}?flood={r - 1}", html))  # the page loads itself again
                browser.wait_badges(lambda bs: len(bs) >= n and all(b["state"] not in ("pending", "busy") for b in bs),
                                    what="the reloaded page's badges")
            assert browser.evaluate(f"({RANDOM_FLOOD_JS})([{r}, 4000])") == 500
            browser.wait_badges(lambda bs: len(bs) >= n + 500 and all(b["state"] not in ("pending", "busy") for b in bs),
                                timeout=90, what=f"round {r}'s junk to be handled")
            assert browser.evaluate(f"({CLICK_ALL_JS})()") >= n + 500

        queue = browser.evaluate("browser.storage.local.get({queue: []}).then((r) => r.queue)", own)
        assert [i for op in queue if op["kind"] == "save-cards" for i in op["ids"]] == [ids[0]], [op["kind"] for op in queue]
        dropped = [b for b in browser.badges() if b["state"] == "error" and "browser storage is full" in (b["title"] or "")]
        assert dropped, "no badge says its page view was dropped"

        # The popup, shown in the extension's own tab, says why.
        browser.evaluate("(() => { location.href = browser.runtime.getURL('popup/popup.html'); return true; })()", own)
        wait_until(lambda: "browser storage is full" in (browser.evaluate(
            "document.readyState === 'complete' && document.getElementById('offline-note') ? document.getElementById('offline-note').textContent : ''",
            own) or ""), 30, message="the popup to say storage is full")
        browser.screenshot(artifacts / "firefox-popup-storage-full.png", own)

        # Room again, the backend back: a listing's look-up sends the queue; the save lands.
        browser.evaluate(f"browser.storage.local.remove({filled['keys']!r}).then(() => true)", own)
        server.start()
        browser.navigate(base)
        wait_until(lambda: saved_keys(server) == {f"arxiv:{ids[0]}"}, timeout=120, message="the save to land")
        wait_until(lambda: browser.evaluate("browser.storage.local.get({queue: []}).then((r) => r.queue.length)", own) == 0,
                   60, message="the queue to flush")
    finally:
        browser.close()
