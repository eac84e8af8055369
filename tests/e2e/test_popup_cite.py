"""The popup's Copy citation on a single-paper page (issue 12): on an arXiv abstract page the popup
copies the paper's BibTeX (exported by the backend) and a Markdown link; on a listing it offers
neither.

The popup is opened as the extension's own page in a tab, told which tab it is about
(popup.html?tab=ID, as a keyboard-only user's bookmark would): no new window, no race with the
window manager. The test waits for the buttons by their accessible role and name and for them to
be enabled, brings the popup to the front (the clipboard wants a focused document), clicks with
trusted input, waits for the popup's own message, and reads the clipboard in the extension's own
page (never in the web page)."""

from __future__ import annotations

import pytest

from .conftest import PAGES, arxiv_abs_page, fixture_html, trusted_click, wait_until

pytestmark = pytest.mark.browser


def tab_id(chrome, url: str) -> int:
    return chrome.storage(f"return (await chrome.tabs.query({{url: {url!r}}}))[0].id;")


def open_popup_for(chrome, tab: int):
    chrome.ctx.grant_permissions(["clipboard-read", "clipboard-write"])  # an extension origin cannot be named here
    popup = chrome.ctx.new_page()
    popup.set_viewport_size({"width": 340, "height": 640})
    popup.goto(f"chrome-extension://{chrome.ext_id}/popup/popup.html?tab={tab}")
    popup.bring_to_front()
    wait_until(lambda: popup.locator("#backend").get_attribute("data-state") == "online", 20, message="popup online")
    return popup


def copy(popup, name: str, selector: str, said: str) -> str:
    button = popup.get_by_role("button", name=name)
    button.wait_for(state="visible", timeout=20000)
    wait_until(lambda: button.is_enabled(), 20, message=f"{name} enabled")
    popup.evaluate("() => navigator.clipboard.writeText('')")
    trusted_click(popup, selector)
    wait_until(lambda: popup.locator("#message").text_content() == said, 20, message=f"the popup to say {said!r}")
    return popup.evaluate("() => navigator.clipboard.readText()")


def test_popup_copies_bibtex_and_markdown_on_a_single_paper_page(chrome, artifacts):
    html, url = arxiv_abs_page()
    arxiv_id = url.rsplit("/", 1)[1]
    chrome.serve(url, html)
    page = chrome.open(url, wait_badges=1, timeout=30)  # captured: the library has the paper
    popup = open_popup_for(chrome, tab_id(chrome, url))

    bibtex = copy(popup, "Copy BibTeX", "#copy-bibtex", "BibTeX copied")
    assert bibtex.startswith("@") and arxiv_id in bibtex and bibtex.endswith("}\n"), bibtex
    markdown = copy(popup, "Copy Markdown link", "#copy-markdown", "Markdown link copied")
    info = popup.locator("#page-info").text_content()
    assert info.startswith("This page: 1 paper · "), info  # not "1 papers"
    assert markdown.startswith("[") and markdown.endswith(f"](https://arxiv.org/abs/{arxiv_id})"), markdown
    popup.screenshot(path=str(artifacts / "popup-copy-citation.png"))
    popup.close()

    # A listing: no Copy citation.
    listing = chrome.serve(PAGES["arxiv_list_new.html"], fixture_html("arxiv_list_new.html"))
    page.goto(listing)
    chrome.wait_badges(page, lambda bs: len(bs) > 1 and all(b["recorded"] for b in bs), timeout=30, what="listing badges")
    popup = open_popup_for(chrome, tab_id(chrome, listing))
    wait_until(lambda: popup.locator("#page-info").text_content().startswith("This page: ") and "papers" in popup.locator("#page-info").text_content(),
               20, message="the popup to read the listing")
    assert popup.get_by_role("button", name="Copy BibTeX").count() == 0


# --- Firefox --------------------------------------------------------------------------------------

PASTE = "https://example.org/paste"
PASTE_HTML = '<!doctype html><meta charset="utf-8"><title>paste</title><textarea id="t" rows="12" cols="80"></textarea>'


def test_firefox_popup_copies_bibtex_and_markdown(extension_builds, artifacts, live_server_factory, tmp_path):
    """Firefox: WebDriver BiDi cannot open an extension page, so the options page a new install
    opens (kept open after Connect) turns into the popup for the paper's tab; trusted clicks copy;
    what was copied is pasted with a trusted Ctrl+V into a text box of a page of the test's own,
    as a person would check it (Firefox lets an extension page read the clipboard only with the
    clipboardRead permission, which PaperShelf does not ask for)."""
    import json
    import socket

    from .conftest import Firefox, firefox_build_for_port

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    browser = Firefox(firefox_build_for_port(extension_builds["firefox"], port, tmp_path), artifacts)
    try:
        server = live_server_factory(port=port)
        own = browser.connect(server, keep_options=True)
        browser.ensure_tab()
        browser.send("network.addIntercept", {"phases": ["beforeRequestSent"], "urlPatterns": [
            {"type": "pattern", "protocol": "https", "hostname": "example.org"}]})
        html, url = arxiv_abs_page()
        arxiv_id = url.rsplit("/", 1)[1]
        browser.navigate(browser.serve(url, html))
        browser.wait_badges(lambda bs: len(bs) == 1 and bs[0]["recorded"], timeout=30, what="the paper recorded")
        tab = browser.evaluate(f"browser.tabs.query({{url: {json.dumps(url)}}}).then((t) => t[0].id)", own)
        browser.evaluate(f"(() => {{ location.href = browser.runtime.getURL('popup/popup.html?tab={tab}'); return true; }})()", own)
        browser.serve(PASTE, PASTE_HTML)

        def copied(selector: str, said: str) -> str:
            wait_until(lambda: browser.evaluate(
                f"(() => {{ const b = document.querySelector({json.dumps(selector)}); return !!b && !b.disabled && !b.closest('[hidden]')"
                " && document.getElementById('backend').dataset.state === 'online'; })()", own), 30, message=f"{selector} enabled")
            browser.send("browsingContext.activate", {"context": own})
            browser.click(selector, own)
            wait_until(lambda: browser.evaluate("document.getElementById('message').textContent", own) == said, 20,
                       message=f"the popup to say {said!r}")
            paste = browser.new_tab()
            try:
                browser.navigate(PASTE, paste)
                browser.send("browsingContext.activate", {"context": paste})
                browser.click("#t", paste)
                browser.send("input.performActions", {"context": paste, "actions": [{"type": "key", "id": "kb", "actions": [
                    {"type": "keyDown", "value": "\ue009"}, {"type": "keyDown", "value": "v"},
                    {"type": "keyUp", "value": "v"}, {"type": "keyUp", "value": "\ue009"}]}]})
                browser.send("input.releaseActions", {"context": paste})
                return wait_until(lambda: browser.evaluate("document.getElementById('t').value", paste), 20, message="the paste")
            finally:
                browser.close_tab(paste)

        bibtex = copied("#copy-bibtex", "BibTeX copied")
        assert bibtex.startswith("@") and arxiv_id in bibtex, bibtex
        markdown = copied("#copy-markdown", "Markdown link copied")
        assert markdown.startswith("[") and markdown.endswith(f"](https://arxiv.org/abs/{arxiv_id})"), markdown
        browser.screenshot(artifacts / "firefox-popup-copy-citation.png", own)
    finally:
        browser.close()
