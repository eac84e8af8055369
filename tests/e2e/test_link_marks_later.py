"""Link marks follow the page and hold against its stylesheet, in Chromium and Firefox.

* Links a page adds after load (infinite scroll, a client-side re-render that replaces the list,
  a link whose href the page changes) get their marks too, saved ones the ✓; a page that keeps
  adding links stops getting marks at the per-page cap.
* A hostile page stylesheet (and the page's own inline !important styles on the hosts) cannot
  hide, shrink or move the marks: the accessibility tree still names the saved ones and the
  host's box is unchanged.

Marks are read as the browser shows them (CDP with closed shadow roots pierced, the accessibility
tree; WebDriver BiDi's serialization of closed shadow roots), never through the page.
"""

from __future__ import annotations

import socket

import pytest

from . import shadow
from .conftest import Chromium, Firefox, chrome_build_with_all_sites_granted, wait_until
from .test_link_marks import (MARK_CLASS, chrome_turn_on_link_marks, ff_marks, firefox_build_with_all_sites_granted,
                              firefox_turn_on_link_marks, library_for_blog, marks)

pytestmark = pytest.mark.browser

FEED = "https://example.org/feed"
FEED_HTML = """<!doctype html><html><head><meta charset="utf-8"><title>Feed</title></head>
<body style="font: 16px/1.6 sans-serif; max-width: 40em; margin: 2em">
<h1>Endless feed</h1>
<ul id="feed"><li id="first">First: <a href="https://arxiv.org/abs/2409.00001">2409.00001</a></li></ul>
</body></html>"""

# What a page does later, as its own scripts would (run in the page's world).
SCROLL_JS = """() => {
  const ul = document.getElementById('feed');
  for (const [id, href] of [['later-saved', 'https://arxiv.org/abs/2504.06261'],
                            ['later-unsaved', 'https://arxiv.org/pdf/2506.07982']]) {
    const li = document.createElement('li'); li.id = id;
    const a = document.createElement('a'); a.href = href; a.textContent = href;
    li.append('Later: ', a); ul.append(li);
  }
}"""
RERENDER_JS = """() => {
  // A framework re-render: the whole list is new elements, same papers plus one.
  document.getElementById('feed').innerHTML =
    '<li id="r1"><a href="https://arxiv.org/abs/2409.00001">a</a></li>' +
    '<li id="r2"><a href="https://huggingface.co/papers/2504.06261">b</a></li>' +
    '<li id="r3"><a id="moving" href="https://arxiv.org/abs/2506.07982">c</a></li>';
}"""
HREF_JS = "() => { document.getElementById('moving').href = 'https://arxiv.org/abs/2504.06261v1'; }"
FLOOD_JS = """() => {
  const ul = document.getElementById('feed');
  for (let i = 0; i < 4100; i++) {  // 4,100 links to 1,000 papers: past the marks' cap, not the keys'
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = 'https://arxiv.org/abs/2410.' + String(100000 + i % 1000).slice(1);
    a.textContent = 'x'; li.append(a); ul.append(li);
  }
}"""
MAX_MARKS = 4000  # content/link-marks.js

HOSTILE_CSS = """<style>
span { display: none !important; }
.papershelf-link-mark, a + span { visibility: hidden !important; opacity: 0 !important; width: 0 !important;
  height: 0 !important; position: absolute !important; left: -9999px !important; clip-path: inset(50%) !important;
  transform: scale(0) !important; font-size: 0 !important; filter: opacity(0) !important;
  content-visibility: hidden !important; margin-left: -50px !important; }
</style>"""
HOSTILE_INLINE_JS = f"""() => {{
  for (const h of document.querySelectorAll('span.{MARK_CLASS}'))
    for (const [p, v] of [['display', 'none'], ['visibility', 'hidden'], ['width', '0px'], ['opacity', '0']])
      h.style.setProperty(p, v, 'important');
  return document.querySelectorAll('span.{MARK_CLASS}').length;
}}"""
# What the page's own computed style says of the hosts (a person sees the same box).
HOST_BOXES_JS = f"""() => [...document.querySelectorAll('span.{MARK_CLASS}')].map(h => {{
  const s = getComputedStyle(h), r = h.getBoundingClientRect();
  return [s.display, s.visibility, s.opacity, Math.round(r.width), Math.round(r.height), r.left > 0];
}})"""


def settled(get, count: int, saved: int, what: str):
    return wait_until(lambda: (lambda ms: ms if len(ms) == count and sum(m["text"] == "\u2713" for m in ms) == saved else None)(get()),
                      timeout=30, message=what)


def check_follow(run, get) -> None:
    """The scenario, for either browser: ``run(js)`` runs a function in the page, ``get()`` reads
    the marks as the browser shows them."""
    settled(get, 1, 0, "the first link's blank mark")
    run(SCROLL_JS)  # infinite scroll: two more links, one saved
    settled(get, 3, 1, "marks on the links added later, one saved")
    run(RERENDER_JS)  # the list is replaced by new elements
    settled(get, 3, 1, "marks on the re-rendered list")
    run(HREF_JS)  # the page points an existing link at a saved paper
    settled(get, 3, 2, "the mark of the link whose href changed")


def test_chromium_link_marks_follow_the_page_and_resist_its_styles(playwright_driver, extension_builds, artifacts,
                                                                    live_server, tmp_path):
    library_for_blog(live_server)
    browser = Chromium(playwright_driver, chrome_build_with_all_sites_granted(extension_builds["chrome"], tmp_path), artifacts)
    try:
        browser.reset(live_server)
        chrome_turn_on_link_marks(browser)

        browser.serve(FEED, FEED_HTML)
        page = browser.open(FEED)
        check_follow(page.evaluate, lambda: marks(browser, page))
        found = marks(browser, page)
        assert sorted(m["item"] for m in found if m["text"]) == ["r2", "r3"], found

        # Hostile styles: a page stylesheet, then the page's inline !important styles on each host.
        browser.serve(FEED + "?hostile", FEED_HTML.replace("</head>", HOSTILE_CSS + "</head>"))
        page.goto(FEED + "?hostile")
        check_follow(page.evaluate, lambda: marks(browser, page))
        assert page.evaluate(HOSTILE_INLINE_JS) == 3
        boxes = page.evaluate(HOST_BOXES_JS)
        assert len(set(map(tuple, boxes))) == 1, boxes
        display, visibility, opacity, width, height, on_screen = boxes[0]
        assert (display, visibility, opacity, on_screen) == ("inline-block", "visible", "1", True), boxes
        assert width >= 10 and height >= 8, boxes
        tree = browser.cdp(page).send("Accessibility.getFullAXTree")["nodes"]
        names = [(n.get("name") or {}).get("value", "") for n in tree if not n.get("ignored")]
        assert sum(name == "Saved in PaperShelf" for name in names) == 2, names
        page.set_viewport_size({"width": 700, "height": 300})
        page.screenshot(path=str(artifacts / "chromium-link-marks-hostile-css.png"))

        # A page that keeps adding links: marks stop at the cap, the tab stays responsive.
        page.goto(FEED)
        settled(lambda: marks(browser, page), 1, 0, "the first mark")
        page.evaluate(FLOOD_JS)
        count = lambda: page.evaluate(f"() => document.querySelectorAll('span.{MARK_CLASS}').length")  # noqa: E731
        wait_until(lambda: count() >= MAX_MARKS, 60, message=f"{MAX_MARKS} marks")
        # One batch inserts its marks at once: the count goes from 1 to the cap, never past it.
        assert count() == MAX_MARKS
    finally:
        browser.close()


def test_firefox_link_marks_follow_the_page_and_resist_its_styles(extension_builds, artifacts, live_server_factory, tmp_path):
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
            {"type": "pattern", "protocol": "https", "hostname": "example.org"}]})
        browser.serve(FEED, FEED_HTML)
        browser.navigate(FEED)
        check_follow(lambda js: browser.evaluate(f"({js})()"), lambda: ff_marks(browser))

        browser.serve(FEED + "?hostile", FEED_HTML.replace("</head>", HOSTILE_CSS + "</head>"))
        browser.navigate(FEED + "?hostile")
        check_follow(lambda js: browser.evaluate(f"({js})()"), lambda: ff_marks(browser))
        assert browser.evaluate(f"({HOSTILE_INLINE_JS})()") == 3
        boxes = browser.evaluate(f"({HOST_BOXES_JS})()")
        assert len(set(map(tuple, boxes))) == 1, boxes
        display, visibility, opacity, width, height, on_screen = boxes[0]
        assert (display, visibility, opacity, on_screen) == ("inline-block", "visible", "1", True), boxes
        assert width >= 10 and height >= 8, boxes
        # Firefox's accessibility engine still names the saved marks (a hidden one would be out of
        # its tree); its locator searches from each mark's closed shadow root. (Firefox computes
        # role="img" as "image", ARIA 1.3's name for it.)
        named = len(shadow.ff_accessible(browser, MARK_CLASS, role="image", name="Saved in PaperShelf"))
        assert named == 2, named
        browser.screenshot(artifacts / "firefox-link-marks-hostile-css.png")
    finally:
        browser.close()
