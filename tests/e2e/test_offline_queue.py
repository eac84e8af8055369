"""The offline queue's bounds (issue 11), in Chromium (the flood in Firefox too; the storage quota
in Firefox: test_storage_quota_firefox.py).

* The rules themselves (background/queue-rules.js, background/sizes.js) run in the real browser:
  the extension's own page imports the modules the worker uses.
* A page script floods captures while the backend is down (reloads, URL changes, hundreds of
  large made-up cards) and clicks every badge itself: the queue stays within 100 items and 4 MB,
  none of the page's clicks saves anything, the user's own saves (trusted clicks) all stay queued;
  once the backend is back the queue flushes and every save lands.
* The browser's storage quota refuses a write (other data took the room): the captures go, the
  saves stay, the popup says so.

Badges are read as the browser sees them (CDP, closed shadow roots pierced); the user's clicks
are trusted input; the library is checked through the backend's API.
"""

from __future__ import annotations

import json
import re
import urllib.parse

import pytest

from .conftest import PAGES, expected_ids, fixture_html, wait_until

pytestmark = pytest.mark.browser

LISTING = "arxiv_list_new.html"
MAX_ITEMS = 100
MAX_BYTES = 4 * 1024 * 1024


def queue_bytes(queue) -> int:
    """UTF-8 bytes of the queue's JSON, as the extension counts them."""
    return sum(len(json.dumps(op, ensure_ascii=False, separators=(",", ":")).encode("utf-8")) for op in queue)


def saved_keys(server) -> set[str]:
    status, body = server.api("GET", "/api/papers?saved=1&limit=1000")
    assert status == 200, body
    return {p["key"] for p in body["papers"]}


def settled(n):
    return lambda bs: len(bs) >= n and all(b["state"] in ("new", "seen", "saved", "error") and b["recorded"] for b in bs)


# --- the rules, in the browser -----------------------------------------------------------------

RULES_JS = """async () => {
  const R = await import(chrome.runtime.getURL('background/queue-rules.js'));
  const S = await import(chrome.runtime.getURL('background/sizes.js'));
  const out = {};
  const enc = (s) => new TextEncoder().encode(s).length;
  const samples = ['plain', 'é', '€uro', '😀 pair', 'x\\ud800 lone', '日本語'.repeat(1000)];
  out.sizes = samples.map((s) => [S.utf8Bytes(s), s.includes('\\ud800') ? enc(s.replace('\\ud800', '\\ufffd')) : enc(s)]);

  let n = 0;
  const now = Date.now();
  const cap = (url, ids, pad = 10, tab = 1, at = now) => ({ id: 'c' + (++n), kind: 'capture', path: '/api/capture',
    body: { url, cards: ids.map((i) => '<dd>' + i + 'x'.repeat(pad) + '</dd>'), page: {} }, ids, tabId: tab, createdAt: at });
  const sv = (kind, keys) => ({ id: 's' + (++n), kind, path: '/api/' + kind, body: { keys }, ids: [], createdAt: now });
  let q = [];
  const add = (op) => { const r = R.admit(q, op); q = r.queue; return r; };

  // Captures of one page and day merge (the first item, which a flush may be sending, is left alone).
  add(cap('https://arxiv.org/list/cs.LG/new', ['a', 'b']));
  add(cap('https://arxiv.org/list/cs.LG/new', ['b', 'c'], 10, 2));
  const merged = add(cap('https://arxiv.org/list/cs.LG/new#top', ['c', 'd'], 10, 3));
  add(cap('https://arxiv.org/list/cs.LG/new', ['e'], 10, 4, now - 86400000 * 2));  // another day
  out.merge = { ids: q.map((o) => o.ids), notify: q[1].notify, superseded: merged.superseded.map((o) => o.id) };

  // Saves and unsaves of one key collapse to the last; one save and one unsave item.
  q = [];
  add(sv('save', ['k1', 'k2'])); add(sv('unsave', ['k1'])); add(sv('save', ['k3'])); add(sv('unsave', ['k2'])); add(sv('save', ['k1']));
  out.collapse = q.map((o) => [o.kind, o.body.keys]);

  // A flood of captures: the bounds hold, the oldest captures go, the saves stay.
  q = [];
  add(sv('save', ['keep1']));
  add({ id: 'sc', kind: 'save-cards', path: '/api/save', body: { url: 'u', cards: ['<dd>z</dd>'], page: {} }, ids: ['z'], createdAt: now });
  const evicted = [];
  for (let i = 0; i < 300; i++) evicted.push(...add(cap('https://arxiv.org/list/x?p=' + i, ['p' + i], 30000)).evicted.map((o) => o.id));
  add(sv('save', ['keep2']));
  for (let i = 300; i < 400; i++) evicted.push(...add(cap('https://arxiv.org/list/x?p=' + i, ['p' + i], 30000)).evicted.map((o) => o.id));
  out.flood = { summary: R.summary(q), bytes: q.reduce((a, o) => a + S.jsonBytes(o), 0), items: q.length,
    saves: q.filter((o) => o.kind !== 'capture').map((o) => o.kind === 'save' ? o.body.keys : o.ids),
    firstCapture: q.find((o) => o.kind === 'capture').ids[0], evicted: evicted.map((id) => Number(id.slice(1))) };
  // Multi-byte text counts in bytes: 400 KB of CJK is 1.2 MB.
  out.tooBig = add(cap('https://arxiv.org/list/big', ['big'], 0)) && R.admit(q, { ...cap('https://arxiv.org/list/big2', ['b2'], 0),
    body: { url: 'https://arxiv.org/list/big2', cards: ['日'.repeat(400000)], page: {} } });
  out.tooBig = { admitted: out.tooBig.admitted, reason: out.tooBig.reason };

  // A queue full of saves refuses a new save rather than evict one.
  q = [];
  for (let i = 0; i < 100; i++) add({ id: 'f' + i, kind: 'save-cards', path: '/api/save', body: { url: 'u' + i, cards: ['<dd>' + i + '</dd>'], page: {} }, ids: ['f' + i], createdAt: now });
  const full = R.admit(q, { id: 'g', kind: 'save-cards', path: '/api/save', body: { url: 'g', cards: ['<dd>g</dd>'], page: {} }, ids: ['g'], createdAt: now });
  const fullCapture = R.admit(q, cap('https://arxiv.org/list/late', ['late']));
  out.full = { admitted: full.admitted, reason: full.reason, kept: full.queue.length, capture: fullCapture.admitted };
  // "Save all" of 300 cards of 8 KB offline: kept in parts of at most 1 MB, every card once.
  q = [];
  const all = { id: 'sa', kind: 'save-cards', path: '/api/save', ids: Array.from({ length: 300 }, (_, i) => 'a' + i), createdAt: now,
    body: { url: 'https://arxiv.org/list/cs.LG/new', cards: Array.from({ length: 300 }, (_, i) => '<dd>' + i + 'é'.repeat(4000) + '</dd>'), page: {} } };
  const parts = R.splitSaveCards(all);
  for (const part of parts) add(part);
  out.split = { parts: parts.length, sizes: parts.map((p) => S.jsonBytes(p)), ids: q.flatMap((o) => o.ids), kinds: q.map((o) => o.kind),
    small: R.splitSaveCards({ ...all, ids: ['x'], body: { ...all.body, cards: ['<dd>x</dd>'] } }).length };
  out.drop = R.dropCaptures([cap('u', ['x']), sv('save', ['s']), sv('unsave', ['t'])]).queue.map((o) => o.kind);
  return out;
}"""


def test_queue_rules_in_the_browser(chrome):
    out = chrome.control.evaluate(RULES_JS)
    assert all(mine == encoded for mine, encoded in out["sizes"]), out["sizes"]

    merge = out["merge"]
    # First item untouched; the next two sends of the page merged into one (b from the newer copy),
    # another day apart.
    assert merge["ids"] == [["a", "b"], ["b", "c", "d"], ["e"]], merge
    assert merge["notify"] == [2] and merge["superseded"] == ["c2"], merge

    assert out["collapse"] == [["save", ["k3", "k1"]], ["unsave", ["k2"]]], out["collapse"]

    flood = out["flood"]
    assert flood["items"] <= 100 and flood["bytes"] <= 4 * 1024 * 1024, flood
    assert flood["saves"] == [["keep1", "keep2"], ["z"]], flood["saves"]
    assert len(flood["evicted"]) > 200 and flood["evicted"] == sorted(flood["evicted"]), flood["evicted"]  # oldest first
    assert flood["firstCapture"] == f"p{400 - (flood['items'] - 2)}", flood  # the newest captures stayed
    assert out["tooBig"]["admitted"] is False and "1.14 MB" in out["tooBig"]["reason"], out["tooBig"]
    assert out["full"]["admitted"] is False and "offline queue is full" in out["full"]["reason"], out["full"]
    assert out["full"]["kept"] == 100 and out["full"]["capture"] is False
    assert out["drop"] == ["save", "unsave"]
    split = out["split"]
    assert split["parts"] == 3 and all(size <= 1024 * 1024 for size in split["sizes"]), split["sizes"]
    assert split["ids"] == [f"a{i}" for i in range(300)] and split["kinds"] == ["save-cards"] * 3
    assert split["small"] == 1


# --- a page floods the queue -------------------------------------------------------------------

# What a hostile page does each time it loads while the backend is down: a URL of its own, 500
# made-up cards of ~8 KB (the content script's limit on cards added after load), and a click on
# every badge through every API a script has.
FLOOD_JS = """([round, padding]) => {
  history.pushState({}, '', '?flood=' + round);
  const dl = document.querySelector('dl');
  const frag = document.createDocumentFragment();
  for (let i = 0; i < 500; i++) {
    const id = '2603.' + String(round * 1000 + i).padStart(5, '0');
    const dt = document.createElement('dt');
    const a = document.createElement('a');
    a.href = '/abs/' + id; a.title = 'Abstract'; a.textContent = 'arXiv:' + id;
    dt.append(a);
    const dd = document.createElement('dd');
    dd.innerHTML = '<div class="meta"><div class="list-title mathjax"><span class="descriptor">Title:</span> Junk ' + id
      + '</div><div class="list-authors"><a href="#">Eve Junk</a></div><p class="mathjax">' + 'junk '.repeat(padding / 5) + '</p></div>';
    frag.append(dt, dd);
  }
  dl.append(frag);
  return 500;
}"""

CLICK_ALL_JS = """() => {
  for (const h of document.querySelectorAll('span.papershelf-badge-host')) {
    h.click();
    h.dispatchEvent(new MouseEvent('click', {bubbles: true, composed: true}));
    const r = h.getBoundingClientRect();
    const at = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    if (at) at.click();
  }
  return document.querySelectorAll('span.papershelf-badge-host').length;
}"""


def reload_by_itself(page) -> None:
    """The page's own script reloads it."""
    with page.expect_navigation(wait_until="load"):
        page.evaluate("() => { setTimeout(() => location.reload(), 0); }")


def flood(chrome, page, rounds: int, n: int, padding: int = 8000) -> None:
    """``rounds`` loads of the hostile page, each waiting until its junk reached the worker."""
    base = PAGES[LISTING]
    html = fixture_html(LISTING)
    for r in range(rounds):
        chrome.serve(f"{base}?flood={r}", html)  # the URLs the page gives itself, reloaded
        if r:
            reload_by_itself(page)
            chrome.wait_badges(page, lambda bs: len(bs) >= n and all(b["state"] not in ("pending", "busy") for b in bs),
                               timeout=30, what="the reloaded page's badges")
        assert page.evaluate(FLOOD_JS, [r, padding]) == 500
        chrome.wait_badges(page, lambda bs: len(bs) >= n + 500 and all(b["state"] not in ("pending", "busy") for b in bs),
                           timeout=60, what=f"round {r}'s junk to be queued")
        assert page.evaluate(CLICK_ALL_JS) >= n + 500
        states: dict[str, int] = {}
        for b in chrome.badges(page):
            states[b["state"]] = states.get(b["state"], 0) + 1
        print(f"round {r}: badges {states}")


def test_a_page_flooding_captures_offline_cannot_fill_storage_and_saves_all_land(chrome, artifacts):
    server = chrome.server
    url = chrome.serve(PAGES[LISTING], fixture_html(LISTING))
    ids = sorted(expected_ids(LISTING))
    n = len(ids)
    server.stop()
    page = chrome.open(url)
    chrome.wait_badges(page, lambda bs: len(bs) == n and all(b["state"] == "queued" for b in bs), what="queued badges")
    chrome.click_badge(page, ids[0])  # the user's save, before the flood
    chrome.wait_badges(page, lambda bs: any(b["id"] == ids[0] and b["text"] == "queued \u2713" for b in bs), what="queued save")

    flood(chrome, page, rounds=6, n=n)
    reload_by_itself(page)
    chrome.wait_badges(page, lambda bs: len(bs) == n and all(b["state"] not in ("pending", "busy") for b in bs),
                       what="the listing again")
    chrome.click_badge(page, ids[1])  # and one after
    chrome.wait_badges(page, lambda bs: any(b["id"] == ids[1] and b["text"] == "queued \u2713" for b in bs), what="queued save")

    queue = chrome.queue()
    size = queue_bytes(queue)
    kinds = [op["kind"] for op in queue]
    print(f"\nqueue after 6 flooded loads: {len(queue)} items, {size / 1024 / 1024:.2f} MB, "
          f"{kinds.count('capture')} captures, saves {[op['kind'] for op in queue if op['kind'] != 'capture']}")
    assert len(queue) <= MAX_ITEMS and size <= MAX_BYTES, (len(queue), size)
    assert size > 3 * 1024 * 1024  # the flood did reach the bound: it was tested, not avoided
    # Not one of the page's own clicks made a save: only the user's two, by card (their capture
    # was never answered, so the worker has no key for them).
    saves = [op for op in queue if op["kind"] != "capture"]
    assert sorted(i for op in saves for i in op["ids"]) == sorted(ids[:2]), saves
    assert all(op["kind"] == "save-cards" for op in saves)
    assert chrome.storage("return await chrome.storage.local.getBytesInUse(null);") < 6 * 1024 * 1024

    popup = chrome.popup()
    note = popup.locator("#offline-note")
    stored_note = chrome.storage("return (await chrome.storage.local.get('queueNote')).queueNote;")
    wait_until(lambda: re.search(r"\d+ older page views? dropped", note.text_content() or ""),
               message=f"the popup to say what was dropped (stored: {stored_note})")
    popup.screenshot(path=str(artifacts / "chromium-popup-offline-flood.png"))
    popup.close()

    server.start()
    # The user opens a listing: the worker's status look-up finds the backend back and sends the
    # queue at once (however long the back-off had grown while the page flooded it).
    page.reload()
    wait_until(lambda: chrome.queue() == [], timeout=120, message="the queue to flush")
    assert saved_keys(server) == {f"arxiv:{i}" for i in ids[:2]}
    status, listing = server.api("GET", "/api/papers?saved=all&limit=1")
    junk = listing["total"] - n
    # Whatever junk got in is what fits in 4 MB: at most ~4 MB / 8 KB cards, not 3,000.
    assert junk <= MAX_BYTES // 8000, junk
    print(f"junk papers recorded after the flush: {junk} of 3000 made up")


def test_a_full_storage_quota_drops_captures_and_keeps_saves(chrome, artifacts):
    """Other data fills the browser's storage.local quota (10 MB in Chrome) to 1.5 MB of it: the
    queue's next writes fail with the quota error; the captures are dropped, the saves kept, and
    the popup says why. With room again and the backend back, the saves land."""
    server = chrome.server
    url = chrome.serve(PAGES[LISTING], fixture_html(LISTING))
    ids = sorted(expected_ids(LISTING))
    n = len(ids)
    server.stop()
    chrome.storage("await chrome.storage.local.set({filler: 'f'.repeat(10 * 1024 * 1024 - 1536 * 1024)});")
    page = chrome.open(url)
    chrome.wait_badges(page, lambda bs: len(bs) == n and all(b["state"] == "queued" for b in bs), what="queued badges")
    chrome.click_badge(page, ids[0])
    chrome.wait_badges(page, lambda bs: any(b["id"] == ids[0] and b["text"] == "queued \u2713" for b in bs), what="queued save")
    flood(chrome, page, rounds=2, n=n, padding=4000)
    queue = chrome.queue()
    assert [i for op in queue if op["kind"] == "save-cards" for i in op["ids"]] == [ids[0]], [op["kind"] for op in queue]
    badges = chrome.badges(page)
    dropped = [b for b in badges if b["state"] == "error" and "browser storage is full" in b["title"]]
    assert dropped, "no badge says its page view was dropped"
    popup = chrome.popup()
    wait_until(lambda: "browser storage is full" in (popup.locator("#offline-note").text_content() or ""),
               message="the popup to say storage is full")
    popup.screenshot(path=str(artifacts / "chromium-popup-storage-full.png"))
    popup.close()

    chrome.storage("await chrome.storage.local.remove('filler');")
    server.start()
    wait_until(lambda: chrome.queue() == [], timeout=60, message="the queue to flush")
    assert saved_keys(server) == {f"arxiv:{ids[0]}"}
    status, _ = server.api("GET", f"/api/papers/{urllib.parse.quote('arxiv:' + ids[0], safe=':')}")
    assert status == 200


def test_firefox_a_page_flooding_captures_offline_pushes_only_bounded_junk_and_saves_all_land(ff):
    """The same flood in Firefox. WebDriver BiDi cannot read the extension's storage, so the bound
    is checked where it matters: what reaches the library once the backend is back."""
    server = ff.server
    base = PAGES[LISTING]
    html = fixture_html(LISTING)
    ids = sorted(expected_ids(LISTING))
    n = len(ids)
    rounds = 4
    server.stop()
    ff.navigate(ff.serve(base, html))
    ff.wait_badges(lambda bs: len(bs) == n and all(b["state"] == "queued" for b in bs), what="queued badges")
    ff.click_badge(ids[0])
    ff.wait_badges(lambda bs: any(b["id"] == ids[0] and b["text"] == "queued \u2713" for b in bs), what="queued save")
    for r in range(rounds):
        if r:
            ff.navigate(ff.serve(f"{base}?flood={r - 1}", html))  # the page loads itself again
            ff.wait_badges(lambda bs: len(bs) >= n and all(b["state"] not in ("pending", "busy") for b in bs),
                           what="the reloaded page's badges")
        assert ff.evaluate(f"({FLOOD_JS})([{r}, 8000])") == 500
        ff.wait_badges(lambda bs: len(bs) >= n + 500 and all(b["state"] not in ("pending", "busy") for b in bs),
                       timeout=60, what=f"round {r}'s junk to be queued")
        assert ff.evaluate(f"({CLICK_ALL_JS})()") >= n + 500
    ff.navigate(ff.serve(f"{base}?after", html))
    ff.wait_badges(lambda bs: len(bs) == n and all(b["state"] not in ("pending", "busy") for b in bs), what="the listing again")
    ff.click_badge(ids[1])
    ff.wait_badges(lambda bs: any(b["id"] == ids[1] and b["text"] == "queued \u2713" for b in bs), what="queued save")

    server.start()
    ff.navigate(base)  # a listing again: the worker finds the backend back and sends the queue
    wait_until(lambda: saved_keys(server) == {f"arxiv:{i}" for i in ids[:2]}, timeout=120,
               message="both saves to land")
    ff.wait_badges(lambda bs: len(bs) == n and {b["id"] for b in bs if b["state"] == "saved"} == set(ids[:2]),
                   timeout=60, what="the saves on the badges")
    status, listing = server.api("GET", "/api/papers?saved=all&limit=1")
    junk = listing["total"] - n
    print(f"\nFirefox: junk papers recorded after the flush: {junk} of {rounds * 500} made up")
    assert junk <= MAX_BYTES // 8000, junk


# --- the status cache's bounds -------------------------------------------------------------------

CACHE_JS = """async () => {
  const C = await import(chrome.runtime.getURL('background/status-cache.js'));
  const S = await import(chrome.runtime.getURL('background/sizes.js'));
  // 7,000 papers with tags (the oldest first); one of the oldest is looked up on the way.
  for (let i = 0; i < 7000; i += 500) {
    const batch = {};
    for (let j = i; j < i + 500; j++) batch['arxiv:2601.' + String(j).padStart(5, '0')] = { saved: j % 3 === 0, tags: ['t' + j, 'reading-group'], seen_count: 2 };
    await C.remember(batch);
    if (i === 2000) await C.lookup(['arxiv:2601.00007']);  // used: it must outlive its neighbours
  }
  // A made-up id the library does not know takes no room; hostile sizes are not kept.
  await C.remember({ 'arxiv:9999.99999': { saved: false, tags: [], seen_count: 0 },
                     ['k'.repeat(400)]: { saved: true, tags: [], seen_count: 1 },
                     'arxiv:2601.99999': { saved: true, tags: ['x'.repeat(5000), 'ok'], seen_count: 1e30, index: 3 } });
  await C.flushCache();
  const stored = (await chrome.storage.local.get('statusCache')).statusCache;
  const keys = stored.map(([k]) => k);
  return { entries: stored.length, bytes: S.jsonBytes(stored), first: keys[0], last: keys[keys.length - 1],
           kept7: keys.includes('arxiv:2601.00007'), kept8: keys.includes('arxiv:2601.00008'),
           unknown: keys.includes('arxiv:9999.99999'), longKey: keys.some((k) => k.length > 300),
           hostile: stored.find(([k]) => k === 'arxiv:2601.99999')[1],
           found: await C.lookup(['arxiv:2601.06999', 'arxiv:2601.00001']) };
}"""


def test_status_cache_bounds_in_the_browser(chrome):
    out = chrome.control.evaluate(CACHE_JS)
    assert out["entries"] <= 5000 and out["bytes"] <= 1024 * 1024, out
    assert out["last"] == "arxiv:2601.99999"  # the most recently remembered last
    assert out["kept7"] and not out["kept8"], out  # least recently used first out
    assert not out["unknown"] and not out["longKey"]
    assert out["hostile"] == {"saved": True, "tags": ["ok"], "seen_count": 1e9}, out["hostile"]
    assert out["found"] == {"arxiv:2601.06999": {"saved": True, "tags": ["t6999", "reading-group"], "seen_count": 2}}


CACHE_BYTES_JS = """async () => {
  const C = await import(chrome.runtime.getURL('background/status-cache.js'));
  const S = await import(chrome.runtime.getURL('background/sizes.js'));
  const batch = {};  // 1,000 papers with 30 tags of 90 bytes each: 2.7 MB if all were kept
  for (let j = 0; j < 1000; j++) batch['arxiv:2602.' + String(j).padStart(5, '0')] = { saved: true, seen_count: 1,
    tags: Array.from({ length: 30 }, (_, t) => 'é'.repeat(40) + String(t).padStart(8, '0') + j) };
  await C.remember(batch);
  await C.flushCache();
  const stored = (await chrome.storage.local.get('statusCache')).statusCache;
  return { entries: stored.length, bytes: S.jsonBytes(stored), last: stored[stored.length - 1][0] };
}"""


def test_status_cache_bytes_bound_in_the_browser(chrome):
    out = chrome.control.evaluate(CACHE_BYTES_JS)
    assert 200 < out["entries"] < 1000 and out["bytes"] <= 1024 * 1024, out
    assert out["last"] == "arxiv:2602.00999", out
