"""The scripts of the pages we decorate are not on our side.

Every test here plays the page: ``page.evaluate`` (Chromium) and ``script.evaluate`` (Firefox)
run in the page's own world, as huggingface.co's or arxiv.org's scripts do. What the user sees
is read the way the browser shows it (the accessibility tree and the DOM over CDP, WebDriver
BiDi's serialization of closed shadow roots, screenshots), never through anything the page can
read; clicks a person makes are trusted input events.
"""

from __future__ import annotations

import json
import urllib.parse

import pytest

from .conftest import PAGES, expected_ids, fixture_html, wait_until

pytestmark = pytest.mark.browser

LISTING = "arxiv_list_new.html"
SECRET_TAG = "secret-tag-7f3a"

# What a page script can learn about the badges: everything it can reach from its own world.
SPY_JS = """() => {
  const hosts = [...document.querySelectorAll('span.papershelf-badge-host')];
  getSelection().removeAllRanges();
  const find = {};
  for (const word of ['Saved', 'seen 2', 'seen on', 'seen', 'days', '\u2713', '%s', 'queued', 'Save']) {
    getSelection().removeAllRanges();
    find[word] = window.find(word, false, false, true);
  }
  getSelection().removeAllRanges();
  getSelection().selectAllChildren(document.body);
  const selected = getSelection().toString();
  getSelection().removeAllRanges();
  const style = (h) => { const s = getComputedStyle(h); return [s.color, s.backgroundColor, s.width, s.height, s.borderColor].join('|'); };
  return {
    hosts: hosts.length,
    shadowRoots: hosts.filter(h => h.shadowRoot !== null).length,
    attributes: [...new Set(hosts.flatMap(h => [...h.attributes].map(a => a.name + '=' + a.value)))],
    childNodes: hosts.reduce((n, h) => n + h.childNodes.length, 0),
    text: document.body.innerText + ' ' + document.body.textContent,
    selected, find,
    sizes: [...new Set(hosts.map(h => { const r = h.getBoundingClientRect(); return r.width.toFixed(1) + 'x' + r.height.toFixed(1); }))],
    styles: [...new Set(hosts.map(style))],
  };
}""" % SECRET_TAG


def assert_page_learns_nothing(spy: dict, n: int) -> None:
    assert spy["hosts"] >= n
    assert spy["shadowRoots"] == 0, "a badge's shadow root is open to the page"
    assert spy["attributes"] == ["class=papershelf-badge-host"], spy["attributes"]
    assert spy["childNodes"] == 0
    for word in ("Saved", "seen 2", "seen on", "days", SECRET_TAG, "\u2713", "queued"):
        assert word not in spy["text"], word
        assert word not in spy["selected"], word
    assert not any(spy["find"].values()), spy["find"]
    assert len(spy["sizes"]) == 1, spy["sizes"]  # every badge has the same box whatever it says
    assert len(spy["styles"]) == 1, spy["styles"]


def paper(server, key):
    status, body = server.api("GET", f"/api/papers/{urllib.parse.quote(key, safe=':')}")
    return body if status == 200 else None


def saved_keys(server) -> set[str]:
    status, body = server.api("GET", "/api/papers?saved=1&limit=1000")
    assert status == 200, body
    return {p["key"] for p in body["papers"]}


def settled(n):
    return lambda bs: len(bs) >= n and all(b["state"] in ("new", "seen", "saved", "error") and b["recorded"] for b in bs)


# A page script that adds arXiv listing cards (ids given) to the page, as a page can.
ADD_CARDS_JS = """([ids, padding]) => {
  const dl = document.querySelector('dl');
  const frag = document.createDocumentFragment();
  for (const id of ids) {
    const dt = document.createElement('dt');
    const a = document.createElement('a');
    a.href = '/abs/' + id; a.title = 'Abstract'; a.textContent = 'arXiv:' + id;
    dt.append(a);
    const dd = document.createElement('dd');
    dd.innerHTML = '<div class="meta"><div class="list-title mathjax"><span class="descriptor">Title:</span> Junk paper number '
      + id + ' ' + 'x'.repeat(padding) + '</div><div class="list-authors"><a href="#">Eve Junk</a></div></div>';
    frag.append(dt, dd);
  }
  dl.append(frag);
  return ids.length;
}"""


def open_listing(chrome):
    url = chrome.serve(PAGES[LISTING], fixture_html(LISTING))
    n = len(expected_ids(LISTING))
    page = chrome.open(url)
    chrome.wait_badges(page, settled(n), what=f"{n} badges")
    return page, n


# --- reading -------------------------------------------------------------------------------------

def import_seen_before(server, paper_id: str, title: str, days: int = 2) -> None:
    """The library already knows the paper from `days` earlier days (a backup import)."""
    from papershelf.papers import Paper

    when = "2026-01-01T09:00:00Z"
    p = Paper(title=title, arxiv_id=paper_id, seen_count=days, first_seen=when, last_seen=when)
    backup = {"format": "papershelf", "schema": 1, "exported_at": when, "count": 1, "papers": [p.to_dict()]}
    status, body = server.api("POST", "/api/import", body=json.dumps(backup).encode(),
                              headers={"Content-Type": "application/json"})
    assert status == 200, body


SEEN_BEFORE = ("2601.00002", "Sharing is Caring: Efficient LM Post-Training with Collective RL Experience Sharing")


def test_chromium_a_page_cannot_read_saved_tags_or_seen_counts(chrome, artifacts):
    import_seen_before(chrome.server, *SEEN_BEFORE)
    page, n = open_listing(chrome)
    chrome.click_badge(page, "2601.00001")
    chrome.wait_badges(page, lambda bs: any(b["id"] == "2601.00001" and b["state"] == "saved" for b in bs), what="saved")
    assert chrome.server.api("PATCH", "/api/papers/arxiv:2601.00001", json={"tags": [SECRET_TAG]})[0] == 200
    page.reload()
    badges = chrome.wait_badges(page, settled(n), what="badges after the reload")
    by_id = {b["id"]: b for b in badges}
    assert by_id["2601.00001"]["text"] == "\u2713 Saved" and SECRET_TAG in by_id["2601.00001"]["title"]
    assert by_id[SEEN_BEFORE[0]]["seen"] == "seen on 3 days"
    assert all(b["seen"] == "new" for b in badges if b["id"] not in ("2601.00001", SEEN_BEFORE[0]))

    assert_page_learns_nothing(page.evaluate(SPY_JS), n)

    # A person (or a screen reader) still gets it all: the accessibility tree, which includes
    # closed shadow roots, names each badge.
    tree = chrome.cdp(page).send("Accessibility.getFullAXTree")["nodes"]
    names = [(nd.get("name") or {}).get("value", "") for nd in tree if (nd.get("role") or {}).get("value") == "button"]
    ours = [nm for nm in names if nm.startswith("PaperShelf:")]
    assert len(ours) == n, names
    assert sum(nm.startswith("PaperShelf: \u2713 Saved.") and SECRET_TAG in nm for nm in ours) == 1
    assert sum("Seen on 3 days" in nm for nm in ours) == 1 and sum("New to you" in nm for nm in ours) == n - 2
    page.set_viewport_size({"width": 1100, "height": 700})
    page.screenshot(path=str(artifacts / "chromium-badges-closed.png"))


def test_firefox_a_page_cannot_read_saved_tags_or_seen_counts(ff, artifacts):
    url = ff.serve(PAGES[LISTING], fixture_html(LISTING))
    n = len(expected_ids(LISTING))
    ff.navigate(url)
    ff.wait_badges(settled(n), what="badges")
    ff.click_badge("2601.00001")
    ff.wait_badges(lambda bs: any(b["id"] == "2601.00001" and b["state"] == "saved" for b in bs), what="saved")
    assert ff.server.api("PATCH", "/api/papers/arxiv:2601.00001", json={"tags": [SECRET_TAG]})[0] == 200
    ff.navigate(url)
    badges = ff.wait_badges(settled(n), what="badges after the reload")
    assert {b["id"]: b["text"] for b in badges}["2601.00001"] == "\u2713 Saved"
    assert_page_learns_nothing(ff.evaluate(f"({SPY_JS})()"), n)
    ff.screenshot(artifacts / "firefox-badges-closed.png")


# --- clicking ------------------------------------------------------------------------------------

CLICK_ALL_JS = """() => {
  let n = 0;
  for (const h of document.querySelectorAll('span.papershelf-badge-host')) {
    h.click();
    h.dispatchEvent(new MouseEvent('click', {bubbles: true, composed: true}));
    h.dispatchEvent(new PointerEvent('pointerdown', {bubbles: true, composed: true}));
    h.focus();
    h.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true, composed: true}));
    const r = h.getBoundingClientRect();
    const at = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    if (at) at.click();
    n += 1;
  }
  return n;
}"""


def test_chromium_page_script_clicks_save_nothing(chrome):
    page, n = open_listing(chrome)
    assert page.evaluate(CLICK_ALL_JS) == n
    chrome.click_badge(page, "2601.00002")  # then a person's click, which does act
    chrome.wait_badges(page, lambda bs: any(b["id"] == "2601.00002" and b["state"] == "saved" for b in bs), what="saved")
    assert saved_keys(chrome.server) == {"arxiv:2601.00002"}
    # And the page cannot unsave it either.
    page.evaluate(CLICK_ALL_JS)
    chrome.click_badge(page, "2601.00003")
    chrome.wait_badges(page, lambda bs: any(b["id"] == "2601.00003" and b["state"] == "saved" for b in bs), what="saved")
    assert saved_keys(chrome.server) == {"arxiv:2601.00002", "arxiv:2601.00003"}


def test_firefox_page_script_clicks_save_nothing(ff):
    url = ff.serve(PAGES[LISTING], fixture_html(LISTING))
    n = len(expected_ids(LISTING))
    ff.navigate(url)
    ff.wait_badges(settled(n), what="badges")
    assert ff.evaluate(f"({CLICK_ALL_JS})()") == n
    ff.click_badge("2601.00002")
    ff.wait_badges(lambda bs: any(b["id"] == "2601.00002" and b["state"] == "saved" for b in bs), what="saved")
    assert saved_keys(ff.server) == {"arxiv:2601.00002"}


# --- history.pushState ---------------------------------------------------------------------------

def push_and_mark(evaluate, server, i: int) -> None:
    """The page changes its URL, then shows one new paper; once that paper is recorded, the scan
    that followed the URL change has run."""
    marker = f"2601.9{i:04d}"
    evaluate(f"history.pushState({{}}, '', '?junk={i}')")
    evaluate(f"({ADD_CARDS_JS})([['{marker}'], 0])")
    wait_until(lambda: paper(server, f"arxiv:{marker}"), timeout=20, message=f"the new paper {marker} to be recorded")


def test_chromium_push_state_does_not_count_papers_again(chrome):
    page, n = open_listing(chrome)
    for i in range(1, 6):
        push_and_mark(lambda js: page.evaluate(f"() => {js}"), chrome.server, i)
    counts = {i: paper(chrome.server, f"arxiv:{i}")["seen_count"] for i in expected_ids(LISTING)}
    assert set(counts.values()) == {1}, counts  # today's code: 6 each after 5 pushes
    assert all(paper(chrome.server, f"arxiv:2601.9{i:04d}")["seen_count"] == 1 for i in range(1, 6))


def test_firefox_push_state_does_not_count_papers_again(ff):
    url = ff.serve(PAGES[LISTING], fixture_html(LISTING))
    ff.navigate(url)
    ff.wait_badges(settled(len(expected_ids(LISTING))), what="badges")
    for i in range(1, 6):
        push_and_mark(lambda js: ff.evaluate(f"(() => {{ {js}; return 1; }})()"), ff.server, i)
    counts = {i: paper(ff.server, f"arxiv:{i}")["seen_count"] for i in expected_ids(LISTING)}
    assert set(counts.values()) == {1}, counts


# --- junk ----------------------------------------------------------------------------------------

def test_chromium_injected_junk_is_bounded_with_a_reason(chrome):
    """A page adds 2,200 made-up papers after it loaded: at most 500 are recorded (the limit on
    what a page adds after loading), the others' badges say why, and a person's click on one of
    those still saves it."""
    page, n = open_listing(chrome)
    junk = [f"2602.{i:05d}" for i in range(2200)]
    assert page.evaluate(ADD_CARDS_JS, [junk, 0]) == 2200
    badges = chrome.wait_badges(page, settled(n + 2200), timeout=120, what="2,206 settled badges")
    status, listing = chrome.server.api("GET", "/api/papers?saved=all&limit=1")
    assert listing["total"] == n + 500, listing["total"]
    skipped = [b for b in badges if b["state"] == "error"]
    assert len(skipped) == 1700
    assert all("added more than 500 papers after it loaded" in b["title"] for b in skipped)
    chrome.click_badge(page, skipped[-1]["id"])
    wait_until(lambda: (paper(chrome.server, f"arxiv:{skipped[-1]['id']}") or {}).get("saved"), timeout=20,
               message="a skipped paper saved by a click")
