"""The extension in headless Chromium against a real backend: what a user sees on HF and arXiv.

One browser for the module, a fresh backend (live_server) and fresh pages per test. Library
state is always checked through the backend's API, never through the extension's own memory.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import urllib.parse

import pytest

from papershelf.formats import EXPORTERS

from .conftest import (PAGES, BackendProxy, Chromium, arxiv_abs_page,
                       expected_ids, fixture_html, wait_until)

pytestmark = pytest.mark.browser

LISTING = "hf_daily_with_props.html"
SETTLED = ("new", "seen", "saved", "error")


def settled(n):
    """n badges whose paper the backend has answered for (recorded, or refused with a reason)."""
    return lambda bs: len(bs) >= n and all(b["state"] in SETTLED and b["recorded"] for b in bs)


def paper(server, key):
    status, body = server.api("GET", f"/api/papers/{urllib.parse.quote(key, safe=':')}")
    assert status == 200, body
    return body


def saved_keys(server) -> set[str]:
    status, body = server.api("GET", "/api/papers?saved=1&limit=1000")
    assert status == 200, body
    return {p["key"] for p in body["papers"]}


def open_listing(chrome, name=LISTING):
    url = chrome.serve(PAGES[name], fixture_html(name))
    n = len(expected_ids(name))
    page = chrome.open(url)
    chrome.wait_badges(page, settled(n), what=f"{n} badges on {name}")
    return page, n


# --- badges on every supported page type -------------------------------------------------------

LISTINGS = [name for name in PAGES if not name.startswith("hf_paper_page") and name != "hf_daily_hostile.html"]


@pytest.mark.parametrize("name", LISTINGS)
def test_every_listing_gets_one_badge_per_paper_and_is_recorded(chrome, name):
    url = chrome.serve(PAGES[name], fixture_html(name))
    ids = expected_ids(name)
    assert ids, f"the oracle found no papers in {name}"
    page = chrome.open(url)
    badges = chrome.wait_badges(page, settled(len(ids)), what=f"badges on {name}")
    assert {b["id"] for b in badges} == ids
    assert all(b["state"] == "new" and b["text"] == "Save" for b in badges), badges
    # The capture reached the library: every paper is there, seen once, not saved.
    for b in badges:
        assert b["key"] == f"arxiv:{b['id']}"
        record = paper(chrome.server, b["key"])
        assert record["seen_count"] == 1 and record["saved"] is False and record["title"]
    # The badge sits right after the title, inside the card, not somewhere else on the page.
    placement = page.evaluate("""() => [...document.querySelectorAll('span.papershelf-badge-host')].map(h => {
        const prev = h.previousElementSibling, parent = h.parentElement;
        return (prev && prev.textContent.trim().length > 5) || parent.textContent.trim().length > 5; })""")
    assert all(placement)


@pytest.mark.parametrize("name", ["hf_paper_page.html", "hf_paper_page_no_props.html", "arxiv_abs.html"])
def test_single_paper_pages_get_a_badge_in_the_heading(chrome, name):
    if name == "arxiv_abs.html":
        html, url = arxiv_abs_page()
    else:
        html, url = fixture_html(name), PAGES[name]
    paper_id = urllib.parse.urlsplit(url).path.split("/", 2)[2]
    chrome.serve(url, html)
    page = chrome.open(url)
    (badge,) = chrome.wait_badges(page, settled(1), what="the paper page badge")
    assert badge["id"] == paper_id and badge["state"] == "new"
    assert page.evaluate("() => document.querySelector('span.papershelf-badge-host').parentElement.tagName") == "H1"
    assert paper(chrome.server, f"arxiv:{paper_id}")["seen_count"] == 1


def test_badged_pages_screenshots(chrome, artifacts):
    page, _ = open_listing(chrome)
    chrome.click_badge(page, "2504.06261")
    chrome.wait_badges(page, lambda bs: any(b["state"] == "saved" for b in bs), what="a saved badge")
    page.set_viewport_size({"width": 1100, "height": 900})
    page.locator("article").first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "chromium-hf-daily-badged.png"))
    url = chrome.serve(PAGES["arxiv_list_new.html"], fixture_html("arxiv_list_new.html"))
    arxiv = chrome.open(url, wait_badges=len(expected_ids("arxiv_list_new.html")))
    arxiv.set_viewport_size({"width": 1100, "height": 900})
    arxiv.locator("dl dt").first.scroll_into_view_if_needed()
    arxiv.screenshot(path=str(artifacts / "chromium-arxiv-list-badged.png"))
    assert (artifacts / "chromium-hf-daily-badged.png").stat().st_size > 10_000


# --- saving and unsaving -----------------------------------------------------------------------

def test_click_saves_and_unsaves_without_following_the_title_link(chrome):
    page, _ = open_listing(chrome)
    url_before = page.url
    chrome.click_badge(page, "2506.07982")
    chrome.wait_badges(page, lambda bs: any(b["id"] == "2506.07982" and b["state"] == "saved" for b in bs), what="✓ Saved")
    assert page.url == url_before  # the click stayed on the badge
    assert saved_keys(chrome.server) == {"arxiv:2506.07982"}
    badge = next(b for b in chrome.badges(page) if b["id"] == "2506.07982")
    assert badge["text"] == "✓ Saved"
    chrome.click_badge(page, "2506.07982")
    chrome.wait_badges(page, lambda bs: any(b["id"] == "2506.07982" and b["state"] == "new" for b in bs), what="Save again")
    assert saved_keys(chrome.server) == set()
    # The page's own title link still goes where it went.
    href = page.evaluate("() => document.querySelector('a[href=\"/papers/2506.07982\"]').getAttribute('href')")
    assert href == "/papers/2506.07982"


def test_badge_is_keyboard_reachable(chrome):
    page, _ = open_listing(chrome)
    # Focus as the keyboard puts it there (DOM.focus from the browser side: the button is in a
    # closed shadow root), then Enter.
    chrome.cdp(page).send("DOM.focus", {"backendNodeId": chrome.badge_button(page, "2509.08721")})
    assert page.evaluate("() => document.activeElement.classList.contains('papershelf-badge-host')")
    page.keyboard.press("Enter")
    chrome.wait_badges(page, lambda bs: any(b["id"] == "2509.08721" and b["state"] == "saved" for b in bs), what="saved by keyboard")
    assert "arxiv:2509.08721" in saved_keys(chrome.server)


def test_saved_tags_show_on_hover_and_reload_shows_saved_and_seen(chrome):
    page, n = open_listing(chrome)
    chrome.click_badge(page, "2501.06252")
    chrome.wait_badges(page, lambda bs: any(b["id"] == "2501.06252" and b["state"] == "saved" for b in bs), what="saved")
    status, _ = chrome.server.api("PATCH", "/api/papers/arxiv:2501.06252", json={"tags": ["to-read", "llm"]})
    assert status == 200
    page.reload()
    badges = chrome.wait_badges(page, settled(n), what="badges after reload")
    by_id = {b["id"]: b for b in badges}
    assert by_id["2501.06252"]["text"] == "✓ Saved"
    assert "to-read" in by_id["2501.06252"]["title"] and "llm" in by_id["2501.06252"]["title"]
    others = [b for b in badges if b["id"] != "2501.06252"]
    # A reload the same day adds no view (tests/e2e/test_badge_seen.py): still new to the user.
    assert all(b["state"] == "new" and b["seen"] == "new" for b in others), others


def test_export_from_the_popup_downloads_the_saved_papers(chrome, tmp_path):
    saved = ("@misc{a, title={Saved Paper One}, author={Ada Lovelace}, year={2024}, eprint={2401.00011}, archivePrefix={arXiv}}\n"
             "@misc{b, title={Saved Paper Two}, author={Alan Turing}, year={2024}, eprint={2401.00012}, archivePrefix={arXiv}}\n")
    seen_only = "@misc{c, title={Only Seen Paper}, author={Grace Hopper}, year={2024}, eprint={2401.00013}, archivePrefix={arXiv}}\n"
    for text, save in ((saved, "1"), (seen_only, "")):
        status, body = chrome.server.api("POST", f"/api/import?format=bibtex&save={save}", body=text.encode(),
                                         headers={"Content-Type": "text/plain"})
        assert status == 200 and not body["skipped"], body
    popup = chrome.popup()
    wait_until(lambda: popup.locator("#backend").get_attribute("data-state") == "online", message="popup online")
    popup.locator("#format").select_option("bibtex")
    # The export menu is the backend's format registry, as GET /api/formats gives it.
    _, formats = chrome.server.api("GET", "/api/formats")
    assert [(o["value"], o["label"]) for o in popup.locator("#format option").evaluate_all(
        "os => os.map(o => ({value: o.value, label: o.textContent}))")] == [
        (f["name"], f["label"]) for f in formats["export"]]
    assert [f["name"] for f in formats["export"]] == list(EXPORTERS)
    with popup.expect_download() as download_info:
        popup.locator("#export").click()
    download = download_info.value
    assert re.fullmatch(r"papershelf-\d{8}\.bib", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    text = path.read_text("utf-8")
    # The saved papers, as BibTeX with their arXiv fields; not the one only seen.
    assert text.count("@misc{") == 2 and "Saved Paper One" in text and "Saved Paper Two" in text
    assert "Only Seen Paper" not in text and "eprint = {2401.00011}" in text and "archivePrefix = {arXiv}" in text
    wait_until(lambda: "Exported" in popup.locator("#message").text_content(), message="the popup's confirmation")
    popup.close()


def test_save_all_from_the_popup_saves_every_paper_on_the_page(chrome, artifacts):
    page, n = open_listing(chrome)
    page.bring_to_front()
    with chrome.ctx.expect_page() as popup_info:
        chrome.storage("await chrome.windows.create({url: chrome.runtime.getURL('popup/popup.html'), type: 'popup', width: 320, height: 460});")
    popup = popup_info.value
    popup.wait_for_load_state()
    wait_until(lambda: "6 papers" in popup.locator("#page-info").text_content(), message="page counts in the popup")
    assert popup.locator("#backend").get_attribute("data-state") == "online"
    popup.locator("#save-all").click()
    chrome.wait_badges(page, lambda bs: len(bs) == n and all(b["state"] == "saved" for b in bs), what="all saved")
    assert saved_keys(chrome.server) == {f"arxiv:{i}" for i in expected_ids(LISTING)}
    wait_until(lambda: popup.locator("#saved").text_content() == str(n), message="popup saved count")
    popup.screenshot(path=str(artifacts / "chromium-popup.png"))
    popup.close()


def test_a_save_in_one_tab_updates_the_other_tab(chrome):
    first, n = open_listing(chrome)
    second = chrome.open(PAGES[LISTING])
    chrome.wait_badges(second, settled(n), what="badges in the second tab")
    chrome.click_badge(first, "2504.06261")
    chrome.wait_badges(second, lambda bs: any(b["id"] == "2504.06261" and b["state"] == "saved" for b in bs),
                       what="the second tab's badge to follow")
    chrome.click_badge(second, "2504.06261")
    chrome.wait_badges(first, lambda bs: any(b["id"] == "2504.06261" and b["state"] != "saved" for b in bs),
                       what="the first tab's badge to follow the unsave")


BLOG = "https://example.org/blog/reading-list"
BLOG_HTML = """<!doctype html><html><head><meta charset="utf-8"><title>My reading list</title></head>
<body style="font: 16px/1.6 sans-serif; max-width: 40em; margin: 2em">
<h1>What I read this week</h1>
<ul>
  <li id="abs">Hogwild! Inference (<a href="https://arxiv.org/abs/2504.06261v2">arXiv</a>)</li>
  <li id="hf">The same on <a href="https://huggingface.co/papers/2504.06261">HF Papers</a></li>
  <li id="pdf">A PDF: <a href="https://arxiv.org/pdf/2506.07982">2506.07982</a></li>
  <li id="unknown">Not in my library: <a href="https://arxiv.org/abs/2409.00001">2409.00001</a></li>
  <li id="listing">A listing: <a href="https://arxiv.org/list/cs.LG/new">cs.LG new</a></li>
  <li id="other">Elsewhere: <a href="https://example.org/about">about</a></li>
</ul></body></html>"""

def menu_click(chrome, link_url, link_text, page_url=BLOG):
    """A right-click on a link and "Save to PaperShelf", as far as headless Chromium allows.

    A headless browser has no native context menu to open or click. The test checks that the
    worker registered the menu item (update() fails for an unknown id) and that its onClicked
    listener is the worker's handler, then calls that listener with the info object and tab
    Chrome passes for a click on a link, and waits for what the handler returns."""
    worker = chrome.worker()
    assert worker.evaluate("chrome.contextMenus.onClicked.hasListener(onMenuClicked)")
    worker.evaluate("chrome.contextMenus.update('papershelf-save-link', {title: 'Save to PaperShelf'})")
    return worker.evaluate("""async ([linkUrl, linkText, pageUrl]) => {
        const [tab] = await chrome.tabs.query({url: pageUrl});
        return await onMenuClicked({menuItemId: 'papershelf-save-link', linkUrl, linkText, pageUrl,
                                    frameId: 0, editable: false}, tab);
    }""", [link_url, link_text, page_url])


def test_context_menu_saves_a_linked_paper_by_key_and_the_next_capture_fills_it_in(chrome):
    server = chrome.server
    chrome.serve(BLOG, BLOG_HTML)
    chrome.open(BLOG)

    # A paper the library has never seen: saved by key as a stub, no invented title.
    answer = menu_click(chrome, "https://arxiv.org/abs/2504.06261v2", "arXiv")
    assert answer["saved"] == ["arxiv:2504.06261"], answer
    stub = paper(server, "arxiv:2504.06261")
    assert stub["saved"] is True and not stub["title"] and stub["seen_count"] == 0
    # The listing that carries it fills the stub in and shows it saved.
    page, _ = open_listing(chrome)
    badge = next(b for b in chrome.badges(page) if b["id"] == "2504.06261")
    assert badge["state"] == "saved" and badge["text"] == "✓ Saved"
    filled = paper(server, "arxiv:2504.06261")
    assert filled["saved"] is True and filled["seen_count"] == 1 and filled["title"].startswith("Hogwild! Inference")

    # A paper the library has seen, from an HF link: saved, and the open listing's badge follows.
    assert paper(server, "arxiv:2506.07982")["saved"] is False
    answer = menu_click(chrome, "https://huggingface.co/papers/2506.07982", "HF Papers")
    assert answer["saved"] == ["arxiv:2506.07982"], answer
    chrome.wait_badges(page, lambda bs: any(b["id"] == "2506.07982" and b["state"] == "saved" for b in bs),
                       what="the listing's badge to follow the menu save")
    assert paper(server, "arxiv:2506.07982")["title"]  # the captured title is kept

    # A link that is not a paper (the menu's URL patterns would not offer it): nothing saved.
    answer = menu_click(chrome, "https://arxiv.org/list/cs.LG/new", "cs.LG new")
    assert "error" in answer
    assert saved_keys(server) == {"arxiv:2504.06261", "arxiv:2506.07982"}


# --- HF in-page navigation -------------------------------------------------------------------

SPA_SCRIPT = """
<script>
  // Stand-in for HF's client-side router: swap the list without a page load, like period tabs
  // and infinite scroll do.
  window.nextCards = %s;
  window.moreCards = %s;
  function grid() { return document.querySelector('article').parentElement; }
  window.goNext = () => {
    history.pushState({}, '', '/papers/date/2025-10-30');
    grid().innerHTML = window.nextCards;
  };
  window.scrollMore = () => grid().insertAdjacentHTML('beforeend', window.moreCards);
  window.rerender = () => { const g = grid(); g.innerHTML = g.innerHTML.replace(/<span class="papershelf-badge-host"[^>]*><\\/span>/g, ''); };
</script>
"""


def articles(html: str) -> str:
    return "".join(re.findall(r"<article.*?</article>", html, re.S))


def test_in_page_navigation_scroll_and_rerender_badge_new_cards_once(chrome):
    import json

    week = fixture_html("hf_week_stale_props.html")
    search = fixture_html("hf_search_with_props.html")
    html = fixture_html(LISTING).replace("</body>", SPA_SCRIPT % (json.dumps(articles(week)), json.dumps(articles(search))) + "</body>")
    url = chrome.serve(PAGES[LISTING], html)
    page = chrome.open(url)
    first = chrome.wait_badges(page, settled(6), what="first view")
    first_ids = {b["id"] for b in first}

    # The same view re-rendered by the page: badges come back, nothing is captured again.
    page.evaluate("rerender()")
    chrome.wait_badges(page, lambda bs: {b["id"] for b in bs} == first_ids and settled(6)(bs), what="badges after a re-render")

    page.evaluate("goNext()")
    week_ids = expected_ids("hf_week_stale_props.html")
    chrome.wait_badges(page, lambda bs: {b["id"] for b in bs} == week_ids and settled(len(week_ids))(bs), what="badges on the new view")

    page.evaluate("scrollMore()")
    search_ids = expected_ids("hf_search_with_props.html")
    both = week_ids | search_ids
    chrome.wait_badges(page, lambda bs: {b["id"] for b in bs} == both and settled(len(both))(bs), what="badges on scrolled-in cards")

    # Seen counts: an in-page navigation is not a new view of a paper already counted today
    # (issue #11: a page's pushState must not inflate counts), so every paper counts once.
    expected = {i: 1 for i in set(first_ids) | both}
    for i, count in expected.items():
        assert paper(chrome.server, f"arxiv:{i}")["seen_count"] == count, i


# --- hostile pages -----------------------------------------------------------------------------

def test_hostile_titles_are_data_not_markup(chrome):
    hostile = '&lt;img src=x onerror=&quot;document.title=&#x27;pwned&#x27;&quot;&gt; Gradient Tricks'
    name = "hf_search_no_props.html"  # no page data: the card's own title text is what gets stored
    html = fixture_html(name).replace(
        ">Sharing is Caring: Efficient LM Post-Training with Collective RL Experience Sharing<", f">{hostile}<", 1)
    assert hostile in html
    url = chrome.serve(PAGES[name], html)
    page = chrome.open(url)
    badges = chrome.wait_badges(page, settled(4), what="badges")
    chrome.click_badge(page, "2509.08721")
    chrome.wait_badges(page, lambda bs: any(b["id"] == "2509.08721" and b["state"] == "saved" for b in bs), what="saved")
    assert page.title() != "pwned"
    assert page.evaluate("() => document.querySelectorAll('img[src=x]').length") == 0
    # No markup inside any badge: only our style, button and counter.
    def names(node):
        return [node["nodeName"]] + [n for c in (node.get("children") or []) for n in names(c)]

    doc = chrome.cdp(page).send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    stack, tags = [doc], []
    while stack:
        node = stack.pop()
        attrs = node.get("attributes") or []
        if "papershelf-badge-host" in dict(zip(attrs[::2], attrs[1::2])).get("class", ""):
            for shadow in node.get("shadowRoots") or []:
                tags += [n for c in shadow.get("children") or [] for n in names(c)]
        stack.extend(node.get("children") or [])
    # (no text nodes either: the words are drawn by CSS, see test_page_scripts.py)
    assert tags and set(tags) <= {"STYLE", "SPAN", "BUTTON"}, set(tags)
    record = paper(chrome.server, "arxiv:2509.08721")
    assert "<img src=x" in record["title"]  # kept verbatim as text
    assert len(badges) == 4


def test_the_shared_hostile_fixture_badges_what_it_can_and_says_why_not(chrome):
    url = chrome.serve(PAGES["hf_daily_hostile.html"], fixture_html("hf_daily_hostile.html"))
    page = chrome.open(url)
    badges = chrome.wait_badges(page, settled(3), what="badges on the hostile page")
    by_id = {b["id"]: b for b in badges}
    assert by_id["2601.00042"]["state"] == "new"
    assert by_id["2601.00043"]["state"] == "new"
    # A card without a title: an error badge with the backend's reason, nothing stored.
    assert by_id["2601.00044"]["state"] == "error" and "no title" in by_id["2601.00044"]["title"]
    status, _ = chrome.server.api("GET", "/api/papers/arxiv:2601.00044")
    assert status == 404


# --- offline queue -----------------------------------------------------------------------------

def test_backend_down_queues_in_order_then_flushes_without_loss_or_duplicates(chrome):
    server = chrome.server
    server.stop()
    url = chrome.serve(PAGES[LISTING], fixture_html(LISTING))
    page = chrome.open(url)
    chrome.wait_badges(page, lambda bs: len(bs) == 6 and all(b["state"] == "queued" for b in bs), what="queued badges")
    assert chrome.toolbar_badge() == "1"
    chrome.click_badge(page, "2504.06261")
    chrome.wait_badges(page, lambda bs: any(b["id"] == "2504.06261" and b["text"] == "queued ✓" for b in bs), what="queued save")
    queue = chrome.queue()
    assert [op["kind"] for op in queue] == ["capture", "save-cards"]
    assert chrome.toolbar_badge() == "2"

    server.start()
    badges = chrome.wait_badges(page, lambda bs: len(bs) == 6 and all(b["state"] in ("new", "saved") for b in bs),
                                timeout=40, what="the queue to flush")
    assert {b["id"]: b["state"] for b in badges}["2504.06261"] == "saved"
    assert chrome.queue() == []
    assert wait_until(lambda: chrome.toolbar_badge() == "", message="toolbar badge cleared")
    assert saved_keys(server) == {"arxiv:2504.06261"}
    # Nothing sent twice: each paper was captured exactly once.
    for i in expected_ids(LISTING):
        assert paper(server, f"arxiv:{i}")["seen_count"] == 1


def test_queue_survives_a_browser_restart(playwright_driver, extension_builds, artifacts, live_server):
    profile = tempfile.mkdtemp(prefix="papershelf-restart-")
    browser = Chromium(playwright_driver, extension_builds["chrome"], artifacts, profile=profile)
    browser.storage(f"await chrome.storage.local.set({{port: {live_server.port}}});")
    browser.connect(live_server)  # as a user does, once
    live_server.stop()
    url = browser.serve(PAGES[LISTING], fixture_html(LISTING))
    page = browser.open(url)
    browser.wait_badges(page, lambda bs: len(bs) == 6 and all(b["state"] == "queued" for b in bs), what="queued")
    browser.click_badge(page, "2502.21257")
    wait_until(lambda: len(browser.queue()) == 2, message="two queued operations")
    browser.ctx.close()  # the browser quits with the queue in storage

    live_server.start()
    browser = Chromium(playwright_driver, extension_builds["chrome"], artifacts, profile=profile)
    try:
        wait_until(lambda: browser.queue() == [], timeout=40, message="the queue to flush after the restart")
    finally:
        browser.close()
        shutil.rmtree(profile, ignore_errors=True)
    assert saved_keys(live_server) == {"arxiv:2502.21257"}
    for i in expected_ids(LISTING):
        assert paper(live_server, f"arxiv:{i}")["seen_count"] == 1


def seen_counts(server, ids):
    return {i: paper(server, f"arxiv:{i}")["seen_count"] for i in ids}


def test_a_capture_whose_answer_was_lost_is_not_counted_twice(chrome):
    """The backend takes the page's capture but the answer never arrives (connection dropped):
    the worker queues it and sends it again with the same capture_id, which the backend answers
    from its first answer without counting a second view."""
    proxy = BackendProxy(chrome.server.port)
    try:
        chrome.storage(f"await chrome.storage.local.set({{port: {proxy.port}}});")
        proxy.lose_answer("/api/capture")
        page, n = open_listing(chrome)  # settles once the resend has been answered
        assert proxy.taken.is_set()
        assert chrome.queue() == []
        assert all(b["state"] == "new" for b in chrome.badges(page)), (chrome.badges(page), proxy.sent, seen_counts(chrome.server, expected_ids(LISTING)))
        ids = proxy.capture_ids()
        assert len(ids) == 2 and ids[0] and ids[0] == ids[1], ids  # sent again, under the same name
        assert set(seen_counts(chrome.server, expected_ids(LISTING)).values()) == {1}
    finally:
        proxy.close()


def test_a_worker_stopped_between_sending_and_dequeuing_does_not_count_a_capture_twice(chrome):
    """A queued capture is flushed; the backend takes it; the browser stops the worker before the
    answer comes back and the capture leaves the queue. The next worker finds it in the queue and
    sends it again under the same capture_id; the backend counts it once."""
    proxy = BackendProxy(chrome.server.port)
    try:
        chrome.storage(f"await chrome.storage.local.set({{port: {proxy.port}}});")
        proxy.down = True
        url = chrome.serve(PAGES[LISTING], fixture_html(LISTING))
        page = chrome.open(url)
        chrome.wait_badges(page, lambda bs: len(bs) == 6 and all(b["state"] == "queued" for b in bs), what="queued badges")
        assert [op["kind"] for op in chrome.queue()] == ["capture"]

        proxy.lose_answer("/api/capture", hold=True)
        proxy.down = False  # the worker's retry timer flushes the queue within a second or two
        assert proxy.taken.wait(20), "the queued capture was not sent"
        assert set(seen_counts(chrome.server, expected_ids(LISTING)).values()) == {1}  # the backend took it
        chrome.stop_worker()
        proxy.release()
        (op,) = chrome.queue()  # the capture is still queued, under the id it was sent with
        assert op["kind"] == "capture" and proxy.capture_ids() == [op["id"]]

        chrome.storage("await chrome.runtime.sendMessage({type: 'popup-state'});")  # a new worker starts
        wait_until(lambda: chrome.queue() == [], timeout=20, message="the queue to empty")
        chrome.wait_badges(page, lambda bs: len(bs) == 6 and all(b["state"] == "new" and b["recorded"] for b in bs),
                           what="the tab to learn its capture was recorded")
        assert proxy.capture_ids() == [op["id"], op["id"]]
        assert set(seen_counts(chrome.server, expected_ids(LISTING)).values()) == {1}
        assert wait_until(lambda: chrome.toolbar_badge() == "", message="toolbar badge cleared")
    finally:
        proxy.close()


def test_a_library_that_cannot_write_keeps_captures_and_saves_queued_until_it_can(chrome):
    """The backend answers 507 with its JSON error (disk full): nothing was stored, so the capture
    and then a save stay queued, the badges say so with the backend's reason, and both go through
    once the library can write again."""
    server = chrome.server
    proxy = BackendProxy(server.port)
    try:
        chrome.storage(f"await chrome.storage.local.set({{port: {proxy.port}}});")
        proxy.fail("/api/capture", 507, "cannot write the journal: No space left on device")
        url = chrome.serve(PAGES[LISTING], fixture_html(LISTING))
        page = chrome.open(url)
        badges = chrome.wait_badges(page, lambda bs: len(bs) == 6 and all(b["state"] == "queued" for b in bs),
                                    what="queued badges")
        assert all("No space left on device" in b["title"] for b in badges), badges
        assert [op["kind"] for op in chrome.queue()] == ["capture"]
        assert chrome.toolbar_badge() == "1"
        assert "/api/capture" not in proxy.sent
        status, _ = server.api("GET", "/api/papers/arxiv:2504.06261")
        assert status == 404  # nothing stored

        proxy.heal("/api/capture")  # space again: the next retry goes through
        chrome.wait_badges(page, settled(6), timeout=40, what="the queued capture to be recorded")
        assert all(b["state"] == "new" for b in chrome.badges(page))
        assert proxy.failed.count("/api/capture") >= 1 and proxy.sent.count("/api/capture") == 1
        assert set(seen_counts(server, expected_ids(LISTING)).values()) == {1}
        assert chrome.queue() == []

        proxy.fail("/api/save", 507, "No space left on device")
        chrome.click_badge(page, "2504.06261")
        chrome.wait_badges(page, lambda bs: any(b["id"] == "2504.06261" and b["text"] == "queued ✓" for b in bs),
                           what="a queued save")
        badge = next(b for b in chrome.badges(page) if b["id"] == "2504.06261")
        assert "No space left on device" in badge["title"], badge
        assert [op["kind"] for op in chrome.queue()] == ["save"]
        assert saved_keys(server) == set()

        proxy.heal("/api/save")
        chrome.wait_badges(page, lambda bs: any(b["id"] == "2504.06261" and b["state"] == "saved" for b in bs),
                           timeout=40, what="the queued save to go through")
        assert saved_keys(server) == {"arxiv:2504.06261"}
        assert chrome.queue() == []
        assert wait_until(lambda: chrome.toolbar_badge() == "", message="toolbar badge cleared")
    finally:
        proxy.close()


def test_a_refused_capture_is_not_retried(chrome):
    """A 4xx is the request's own fault: the capture is not queued, its badges say why."""
    proxy = BackendProxy(chrome.server.port)
    try:
        chrome.storage(f"await chrome.storage.local.set({{port: {proxy.port}}});")
        proxy.fail("/api/capture", 400, "'cards' must be a list")
        url = chrome.serve(PAGES[LISTING], fixture_html(LISTING))
        page = chrome.open(url)
        badges = chrome.wait_badges(page, settled(6), what="refused badges")
        assert all(b["state"] == "error" and "'cards' must be a list" in b["title"] for b in badges), badges
        assert chrome.queue() == []
        page.wait_for_timeout(1500)  # no retry comes
        assert proxy.failed.count("/api/capture") == 1
    finally:
        proxy.close()


# --- options -----------------------------------------------------------------------------------

def test_options_page_sets_the_port_and_refuses_a_bad_one(chrome):
    page = chrome.ctx.new_page()
    page.goto(f"chrome-extension://{chrome.ext_id}/options/options.html")
    page.fill("#port", "70000")
    page.evaluate("() => document.getElementById('port').removeAttribute('max')")  # get past the form's own check
    page.click("#save-port")
    wait_until(lambda: "nothing was changed" in page.locator("#port-status").text_content(), message="the refusal")
    assert chrome.storage("return (await chrome.storage.local.get('port')).port;") == chrome.server.port
    page.fill("#port", str(chrome.server.port))
    page.click("#save-port")
    wait_until(lambda: "answers" in page.locator("#port-status").text_content(), message="the backend to answer")
