"""Opt-in link marks on any site, in Chromium: off by default; once on, saved paper links get a ✓
that a person sees and a page script cannot read; offline, the marks come from the worker's
status cache.

Marks are read the way the browser shows them (the DOM over CDP with closed shadow roots pierced,
the accessibility tree, a screenshot), never through anything the page can read. What the page
can read is checked by playing the page (``page.evaluate`` runs in its world).
"""

from __future__ import annotations

import socket

import pytest

from .conftest import Chromium, Firefox, chrome_build_with_all_sites_granted, firefox_build_for_port, wait_until

pytestmark = pytest.mark.browser

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
PAPER_LINKS = 4  # abs, hf, pdf, unknown: each gets a mark, saved or not
MARK_CLASS = "papershelf-link-mark"

# Everything a page script can learn about the marks from its own world.
SPY_JS = """() => {
  const hosts = [...document.querySelectorAll('span.%s')];
  const find = {};
  for (const word of ['\u2713', 'Saved', 'PaperShelf']) {
    getSelection().removeAllRanges();
    find[word] = window.find(word, false, false, true);
  }
  getSelection().removeAllRanges();
  getSelection().selectAllChildren(document.body);
  const selected = getSelection().toString();
  getSelection().removeAllRanges();
  const style = (h) => { const s = getComputedStyle(h); return [s.color, s.width, s.height, s.display, s.visibility].join('|'); };
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
}""" % MARK_CLASS


def library_for_blog(server):
    """2504.06261 saved (a stub), 2506.07982 known but not saved, 2409.00001 unknown."""
    assert server.api("POST", "/api/save", json={"keys": ["arxiv:2504.06261", "arxiv:2506.07982"]})[0] == 200
    assert server.api("POST", "/api/unsave", json={"keys": ["arxiv:2506.07982"]})[0] == 200


def _attrs(node: dict) -> dict:
    a = node.get("attributes") or []
    return dict(zip(a[::2], a[1::2]))


def marks(browser, page) -> list[dict]:
    """Every mark as the browser sees it (CDP DOM.getDocument pierces closed shadow roots): the
    list item it is in, the link before it, and its inner span's label, state and title."""
    doc = browser.cdp(page).send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    found = []

    def walk(node, li, previous_href):
        href = None
        for child in node.get("children") or []:
            attrs = _attrs(child)
            if child.get("nodeName") == "SPAN" and MARK_CLASS in attrs.get("class", "").split():
                inner = {}
                stack = list(child.get("shadowRoots") or [])
                while stack:
                    n = stack.pop()
                    if n.get("nodeName") == "SPAN":
                        inner = _attrs(n)
                    stack.extend(n.get("children") or [])
                found.append({"item": li, "after": href, "text": inner.get("data-label", ""),
                              "state": inner.get("data-state", ""), "title": inner.get("title", "")})
            if child.get("nodeType") == 1:
                href = attrs.get("href") if child.get("nodeName") == "A" else None
                walk(child, attrs.get("id") if child.get("nodeName") == "LI" else li, href)
            for sub in [child.get("contentDocument")] if child.get("contentDocument") else []:
                walk(sub, li, None)

    walk(doc, None, None)
    return found


def chrome_turn_on_link_marks(browser):
    """Turns link marks on as a person does: the options page, a real click on the switch (the
    permission request needs the gesture), until the page says "On:". Returns the options page."""
    options = browser.ctx.new_page()
    options.goto(f"chrome-extension://{browser.ext_id}/options/options.html")
    assert options.locator("#mark-links").is_checked() is False
    options.locator("#mark-links").click()
    wait_until(lambda: "On:" in options.locator("#marks-status").text_content(), message="the option to turn on")
    return options


def firefox_turn_on_link_marks(browser):
    """The same in Firefox, on the options page a new install opens. Returns its context."""
    options = wait_until(lambda: next((c["context"] for c in browser.contexts()
                                       if c["url"].startswith("moz-extension://") and c["url"].endswith("/options/options.html")), None),
                         60, message="the options page a new install opens")
    browser.click("#mark-links", options)
    wait_until(lambda: "On:" in (browser.evaluate("document.getElementById('marks-status').textContent", options) or ""),
               20, message="the option to turn on")
    return options


def marks_settled(browser, page, saved: int) -> list[dict]:
    """The marks once every paper link has one and ``saved`` of them show the ✓."""
    return wait_until(lambda: (lambda ms: ms if len(ms) == PAPER_LINKS and sum(m["text"] == "\u2713" for m in ms) == saved
                               else None)(marks(browser, page)), timeout=20, message=f"{PAPER_LINKS} marks, {saved} saved")


def test_link_marks_are_off_by_default(chrome):
    library_for_blog(chrome.server)
    chrome.serve(BLOG, BLOG_HTML)
    page = chrome.open(BLOG)
    page.wait_for_load_state("load")
    page.wait_for_timeout(1200)  # a registered script would run at document_idle: none comes
    assert marks(chrome, page) == []
    assert page.evaluate(f"() => document.querySelectorAll('span.{MARK_CLASS}, span.papershelf-badge-host').length") == 0
    assert chrome.storage("return await chrome.scripting.getRegisteredContentScripts();") == []
    assert chrome.storage("return await chrome.permissions.contains({origins: ['*://*/*']});") is False
    options = chrome.ctx.new_page()
    options.goto(f"chrome-extension://{chrome.ext_id}/options/options.html")
    assert options.locator("#mark-links").is_checked() is False


def test_link_marks_mark_saved_links_that_the_page_cannot_read_and_stay_offline(
        playwright_driver, extension_builds, artifacts, live_server, tmp_path):
    library_for_blog(live_server)
    build = chrome_build_with_all_sites_granted(extension_builds["chrome"], tmp_path)
    browser = Chromium(playwright_driver, build, artifacts)
    try:
        browser.reset(live_server)
        browser.serve(BLOG, BLOG_HTML)
        # Permission granted but the option not turned on: still nothing.
        page = browser.open(BLOG)
        page.wait_for_load_state("load")
        page.wait_for_timeout(1200)  # document_idle has passed: no script runs
        assert marks(browser, page) == []

        options = chrome_turn_on_link_marks(browser)
        scripts = browser.storage("return await chrome.scripting.getRegisteredContentScripts();")
        assert [s["id"] for s in scripts] == ["papershelf-link-marks"]

        page = browser.open(BLOG)
        found = marks_settled(browser, page, saved=2)
        saved = sorted((m["item"], m["after"]) for m in found if m["text"] == "\u2713")
        assert saved == [("abs", "https://arxiv.org/abs/2504.06261v2"), ("hf", "https://huggingface.co/papers/2504.06261")]
        assert all(m["title"] == "Saved in PaperShelf" and m["state"] == "saved" for m in found if m["text"])
        assert {m["item"] for m in found} == {"abs", "hf", "pdf", "unknown"}

        # The page learns nothing: every paper link has the same closed, blank-looking mark.
        spy = page.evaluate(SPY_JS)
        assert spy["hosts"] == PAPER_LINKS
        assert spy["shadowRoots"] == 0, "a mark's shadow root is open to the page"
        assert spy["attributes"] == [f"class={MARK_CLASS}"], spy["attributes"]
        assert spy["childNodes"] == 0
        assert "\u2713" not in spy["text"] and "\u2713" not in spy["selected"]
        assert not any(spy["find"].values()), spy["find"]
        assert len(spy["sizes"]) == 1 and len(spy["styles"]) == 1, (spy["sizes"], spy["styles"])
        # A person, or a screen reader, gets it: the accessibility tree names the saved marks.
        tree = browser.cdp(page).send("Accessibility.getFullAXTree")["nodes"]
        names = [(n.get("name") or {}).get("value", "") for n in tree if not n.get("ignored")]
        assert sum(name == "Saved in PaperShelf" for name in names) == 2, names
        page.set_viewport_size({"width": 800, "height": 420})
        page.screenshot(path=str(artifacts / "chromium-link-marks.png"))

        # Offline: the worker answers from its status cache, the marks stay.
        live_server.stop()
        page.reload()
        marks_settled(browser, page, saved=2)
        page.screenshot(path=str(artifacts / "chromium-link-marks-offline.png"))
        live_server.start()

        # Turned off again: unregistered, and a fresh load of the page has no marks.
        options.locator("#mark-links").click()
        wait_until(lambda: options.locator("#marks-status").text_content() == "Off.", message="the option to turn off")
        assert browser.storage("return await chrome.scripting.getRegisteredContentScripts();") == []
        page.reload()
        page.wait_for_load_state("load")
        page.wait_for_timeout(1200)  # document_idle has passed: no script runs
        assert marks(browser, page) == []
    finally:
        browser.close()


# --- Firefox ---------------------------------------------------------------------------------------

def firefox_build_with_all_sites_granted(build, port: int, out):
    """The Firefox test build (default port ``port``) whose optional host permissions are required
    ones, granted at install: the stand-in for the user's Allow on the permission prompt, which a
    headless browser cannot show. The shipped build is never changed."""
    import json as _json

    target = firefox_build_for_port(build, port, out)
    manifest = _json.loads((target / "manifest.json").read_text("utf-8"))
    optional = manifest.pop("optional_host_permissions")
    assert optional == ["*://*/*"], optional
    manifest["host_permissions"] += optional
    (target / "manifest.json").write_text(_json.dumps(manifest, indent=2), "utf-8")
    return target


def ff_marks(browser, context=None) -> list[dict]:
    """The marks as Firefox shows them (WebDriver BiDi serializes closed shadow roots)."""
    nodes = browser.send("browsingContext.locateNodes", {
        "context": context or browser.context, "locator": {"type": "css", "value": f"span.{MARK_CLASS}"},
        "serializationOptions": {"maxDomDepth": 4, "includeShadowTree": "all"}})["nodes"]
    out = []
    for host in nodes:
        inner = {}
        stack = [(host.get("value") or {}).get("shadowRoot")]
        while stack:
            node = stack.pop()
            if not node:
                continue
            value = node.get("value") or {}
            if value.get("localName") == "span":
                inner = value.get("attributes") or {}
            stack.extend(value.get("children") or [])
        out.append({"text": inner.get("data-label", ""), "state": inner.get("data-state", ""), "title": inner.get("title", "")})
    return out


def test_firefox_link_marks_the_page_cannot_read_and_offline(extension_builds, artifacts, live_server_factory, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    browser = Firefox(firefox_build_with_all_sites_granted(extension_builds["firefox"], port, tmp_path), artifacts)
    try:
        server = live_server_factory(port=port)
        library_for_blog(server)
        firefox_turn_on_link_marks(browser)
        browser.connect(server)
        browser.ensure_tab()
        browser.send("network.addIntercept", {"phases": ["beforeRequestSent"], "urlPatterns": [
            {"type": "pattern", "protocol": "https", "hostname": "example.org"}]})  # the blog, served here
        browser.serve(BLOG, BLOG_HTML)
        browser.navigate(BLOG)
        found = wait_until(lambda: (lambda ms: ms if len(ms) == PAPER_LINKS and sum(m["text"] == "\u2713" for m in ms) == 2 else None)(ff_marks(browser)),
                           20, message="4 marks, 2 saved")
        assert all(m["title"] == "Saved in PaperShelf" for m in found if m["text"])
        spy = browser.evaluate(f"({SPY_JS})()")
        assert spy["hosts"] == PAPER_LINKS and spy["shadowRoots"] == 0 and spy["childNodes"] == 0, spy
        assert spy["attributes"] == [f"class={MARK_CLASS}"], spy["attributes"]
        assert "\u2713" not in spy["text"] and "\u2713" not in spy["selected"]
        assert not any(spy["find"].values()), spy["find"]
        assert len(spy["sizes"]) == 1 and len(spy["styles"]) == 1, (spy["sizes"], spy["styles"])
        browser.screenshot(artifacts / "firefox-link-marks.png")

        server.stop()
        browser.navigate("about:blank")
        browser.navigate(BLOG)
        wait_until(lambda: (lambda ms: len(ms) == PAPER_LINKS and sum(m["text"] == "\u2713" for m in ms) == 2)(ff_marks(browser)),
                   20, message="the marks offline, from the status cache")
    finally:
        browser.close()
