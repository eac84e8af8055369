"""Keyboard triage on listings (focus not in a text field): j/k move with a visible focus mark, s
saves or unsaves, t opens the menu (test_badge_menu.py), c copies BibTeX (ditto), o opens the
paper, h hides or shows papers seen or saved (remembered per site), ? shows the keys. Only a
person's keys act: keydown events a page script dispatches do nothing.

Keys are trusted input (CDP in Chromium, WebDriver BiDi input.performActions in Firefox); what the
badges show is read inside their closed shadow roots; the library through the backend's API."""

from __future__ import annotations

import urllib.parse

import pytest

from . import shadow
from .badge_sites import dressed
from .conftest import PAGES, expected_ids, fixture_html, wait_until

pytestmark = pytest.mark.browser

HF = "hf_daily_with_props.html"
ORDER = ["2504.06261", "2502.21257", "2509.08721", "2507.21049", "2506.07982", "2501.06252"]  # cards in page order


def settled(n):
    return lambda bs: len(bs) >= n and all(b["state"] in ("new", "seen", "saved", "error") and b["recorded"] for b in bs)


def saved(server, paper_id) -> bool:
    status, body = server.api("GET", f"/api/papers/{urllib.parse.quote('arxiv:' + paper_id, safe=':')}")
    return status == 200 and body["saved"]


def current(chrome, page) -> list[str]:
    """The papers whose badge carries the focus mark."""
    out = []
    for h in shadow.hosts(chrome, page):
        wrap = shadow.inside(h, "wrap")[0]
        if "current" in wrap["attrs"].get("class", "").split():
            out.append(next(b["attrs"]["data-id"] for b in shadow.inside(h, tag="button") if b["attrs"].get("data-id")))
    return out


def open_hf(chrome, n_wait=True):
    url = chrome.serve(PAGES[HF], dressed(fixture_html(HF), "hf"))
    page = chrome.ctx.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(url)
    n = len(expected_ids(HF))
    chrome.wait_badges(page, settled(n), what=f"{n} badges")
    assert [b["id"] for b in chrome.badges(page)] == ORDER
    return page


def in_view(page, paper_id) -> bool:
    return page.evaluate("""(id) => { const r = document.querySelector(`article h3 a[href="/papers/${id}"]`).getBoundingClientRect();
                                     return r.top >= 0 && r.bottom <= innerHeight; }""", paper_id)


def test_j_k_move_with_a_visible_mark_and_s_saves(chrome, artifacts):
    page = open_hf(chrome)
    page.keyboard.press("j")
    assert current(chrome, page) == [ORDER[0]]
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert current(chrome, page) == [ORDER[2]] and in_view(page, ORDER[2])
    host = shadow.badge_host(chrome, page, ORDER[2])
    outline = shadow.call(chrome, page, shadow.inside(host, "wrap")[0]["node"],
                          "function () { const s = getComputedStyle(this); return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }")
    assert outline[0] == "solid" and outline[1] == "3px", outline
    page.screenshot(path=str(artifacts / "badges-keyboard-focus.png"))
    page.keyboard.press("k")
    assert current(chrome, page) == [ORDER[1]] and in_view(page, ORDER[1])

    page.keyboard.press("s")
    wait_until(lambda: saved(chrome.server, ORDER[1]), message="s saved it")
    chrome.wait_badges(page, lambda bs: any(b["id"] == ORDER[1] and b["state"] == "saved" for b in bs), what="saved badge")
    page.keyboard.press("s")
    wait_until(lambda: not saved(chrome.server, ORDER[1]), message="s again unsaved it")


def test_o_opens_the_paper_and_question_mark_shows_the_keys(chrome):
    page = open_hf(chrome)
    page.keyboard.press("j")
    with chrome.ctx.expect_page() as opened:
        page.keyboard.press("o")
    assert opened.value.url == f"https://huggingface.co/papers/{ORDER[0]}"
    opened.value.close()
    page.bring_to_front()
    page.keyboard.press("?")
    keys = wait_until(lambda: shadow.hosts(chrome, page, "papershelf-keys-host"), message="the keys dialog")
    words = [n["raw"].get("children", [{}])[0].get("nodeValue") for n in shadow.inside(keys[0], tag="dd")]
    assert "next paper" in words and "hide or show papers seen or saved" in words, words
    page.keyboard.press("Escape")
    wait_until(lambda: not shadow.hosts(chrome, page, "papershelf-keys-host"), message="the keys dialog closed")


def test_h_hides_papers_seen_or_saved_and_is_remembered(chrome):
    page = open_hf(chrome)
    page.keyboard.press("j")
    page.keyboard.press("s")
    chrome.wait_badges(page, lambda bs: any(b["id"] == ORDER[0] and b["state"] == "saved" for b in bs), what="saved")
    page.keyboard.press("h")
    visible = lambda: page.evaluate("() => [...document.querySelectorAll('article')].map((a) => getComputedStyle(a).display !== 'none')")
    wait_until(lambda: visible() == [False, True, True, True, True, True], message="the saved card hidden")
    page.keyboard.press("j")
    assert current(chrome, page) == [ORDER[1]]  # j skips what is hidden
    page.reload()
    chrome.wait_badges(page, settled(6), what="badges after the reload")
    wait_until(lambda: visible() == [False, True, True, True, True, True], message="still hidden after a reload")
    page.keyboard.press("h")
    wait_until(lambda: all(visible()), message="all shown again")


def test_keys_in_a_text_field_and_page_dispatched_keys_do_nothing(chrome):
    page = open_hf(chrome)
    page.locator("input[name=q]").focus()
    page.keyboard.press("j")
    page.keyboard.press("s")
    assert current(chrome, page) == [] and page.locator("input[name=q]").input_value() == "js"
    page.evaluate("() => document.activeElement.blur()")
    page.evaluate("""() => { for (const key of ['j', 's', 'h', 'o']) {
        document.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true}));
        document.body.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true, composed: true}));
        for (const h of document.querySelectorAll('span.papershelf-badge-host')) h.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true, composed: true}));
      } }""")
    assert current(chrome, page) == []
    assert not any(saved(chrome.server, i) for i in ORDER)
    assert page.evaluate("() => [...document.querySelectorAll('article')].every((a) => getComputedStyle(a).display !== 'none')")
    assert len(chrome.ctx.pages) == 2  # the control page and this one: nothing opened


def firefox_keys(ff, *keys):
    actions = []
    for k in keys:
        actions += [{"type": "keyDown", "value": k}, {"type": "keyUp", "value": k}]
    ff.send("input.performActions", {"context": ff.context, "actions": [{"type": "key", "id": "kb", "actions": actions}]})
    ff.send("input.releaseActions", {"context": ff.context})


def test_firefox_j_and_s_save_and_page_keys_do_nothing(ff):
    url = ff.serve(PAGES[HF], fixture_html(HF))
    ff.navigate(url)
    ff.wait_badges(settled(6), what="badges")
    ff.evaluate("""(() => { for (const key of ['j', 's']) document.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true})); return 1; })()""")
    firefox_keys(ff, "j", "j", "s")
    wait_until(lambda: saved(ff.server, ORDER[1]), message="j j s saved the second paper")
    ff.wait_badges(lambda bs: any(b["id"] == ORDER[1] and b["state"] == "saved" for b in bs), what="its badge saved")
    assert [i for i in ORDER if saved(ff.server, i)] == [ORDER[1]]


def test_the_popup_switch_hides_and_shows_like_h(chrome):
    page = open_hf(chrome)
    chrome.click_badge(page, ORDER[2])
    chrome.wait_badges(page, lambda bs: any(b["id"] == ORDER[2] and b["state"] == "saved" for b in bs), what="saved")
    page.bring_to_front()
    with chrome.ctx.expect_page() as opened:
        chrome.storage("await chrome.windows.create({url: chrome.runtime.getURL('popup/popup.html'), type: 'popup', width: 320, height: 520});")
    popup = opened.value
    popup.wait_for_load_state()
    switch = popup.locator("#hide-seen")
    wait_until(lambda: switch.is_enabled(), message="the switch enabled on a listing")
    assert not switch.is_checked()
    switch.click()
    visible = lambda: page.evaluate("() => [...document.querySelectorAll('article')].map((a) => getComputedStyle(a).display !== 'none')")
    wait_until(lambda: visible() == [True, True, False, True, True, True], message="the saved card hidden")
    wait_until(lambda: switch.is_checked(), message="the switch on")
    switch.click()
    wait_until(lambda: all(visible()), message="all shown again")
    popup.close()
