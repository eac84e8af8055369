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

from .conftest import PAGES, Chromium, arxiv_abs_page, expected_ids, fixture_html, wait_until

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
    button = page.locator('span.papershelf-badge-host[data-papershelf-id="2509.08721"]').locator("button")
    button.focus()
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
    assert all(b["state"] == "seen" and b["seen"] == "seen 2×" for b in others), others


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


def test_context_menu_action_saves_a_linked_paper(chrome):
    # Headless Chromium cannot open a context menu; run the menu's click handler in the worker.
    worker = chrome.ctx.service_workers[0]
    worker.evaluate("saveLink('https://arxiv.org/abs/2401.00001v2', 'A Linked Paper About Things')")
    record = wait_until(lambda: (lambda s: s[1] if s[0] == 200 else None)(chrome.server.api("GET", "/api/papers/arxiv:2401.00001")),
                        message="the linked paper in the library")
    assert record["saved"] is True and record["title"] == "A Linked Paper About Things"


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

    # Seen counts: once per view the paper was on, never twice for the same view.
    expected = {}
    for i in first_ids:
        expected[i] = expected.get(i, 0) + 1
    for i in both:  # the second view (week cards, then scrolled-in cards)
        expected[i] = expected.get(i, 0) + 1
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
    tags = page.evaluate("""() => [...document.querySelectorAll('span.papershelf-badge-host')]
        .flatMap(h => [...h.shadowRoot.querySelectorAll('*')].map(e => e.tagName))""")
    assert set(tags) <= {"STYLE", "SPAN", "BUTTON"}
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
    live_server.stop()
    browser = Chromium(playwright_driver, extension_builds["chrome"], artifacts, profile=profile)
    browser.storage(f"await chrome.storage.local.set({{port: {live_server.port}}});")
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
