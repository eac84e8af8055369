"""The library page in headless Firefox ESR against a real server over a real library on disk.

The same page as test_library_page.py (Chromium), driven the way a user drives it: real pointer
clicks and real keystrokes through WebDriver BiDi ``input.performActions`` (Firefox has no
geckodriver here and Playwright's Firefox does not run this ESR). The browser is the e2e suite's
``Firefox`` BiDi client, started without the extension: only the page is under test. What the
library holds afterwards is read through the API, as another client would.

Every page load also records, from before the page's own scripts run (a BiDi preload script),
uncaught errors, unhandled rejections, failed element loads and Content-Security-Policy
violations; each test ends by asserting there were none.
"""

from __future__ import annotations

import base64
import json
import urllib.parse
from pathlib import Path

import pytest
from e2e.conftest import Firefox, wait_until

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

ENTER, BACKSPACE, CONTROL = "\ue007", "\ue003", "\ue009"  # WebDriver key codes

# Runs in every new document before the page's scripts (script.addPreloadScript, page realm).
WATCH_PAGE = """() => {
  const errors = window.__pageErrors = [];
  window.addEventListener("error", (e) => errors.push(
    e.message ? `error: ${e.message} (${e.filename}:${e.lineno})`
              : `failed to load: ${e.target && e.target.outerHTML}`), true);
  window.addEventListener("unhandledrejection", (e) => errors.push(`unhandled rejection: ${e.reason}`));
  window.addEventListener("securitypolicyviolation",
    (e) => errors.push(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`), true);
}"""

# Finds a paper's row by its exact title; used inside the expressions below.
ROW_JS = """const row = (title) => [...document.querySelectorAll("#papers > li.paper")]
  .find((li) => li.querySelector(".title-link").textContent === title);"""


class PageFirefox(Firefox):
    """The e2e suite's Firefox ESR over WebDriver BiDi, with no extension installed."""

    def install(self) -> None:
        pass


@pytest.fixture(scope="module")
def firefox():
    browser = PageFirefox(None, ARTIFACTS)
    try:
        browser.send("browsingContext.setViewport",
                     {"context": browser.context, "viewport": {"width": 1280, "height": 900}})
        browser.send("script.addPreloadScript", {"functionDeclaration": WATCH_PAGE})
        yield browser
    finally:
        browser.close()


class LibraryPage:
    """The library page open in Firefox, with what a user does to it."""

    def __init__(self, ff: PageFirefox, server):
        self.ff = ff
        self.server = server

    # --- looking ---------------------------------------------------------------------------

    def js(self, expression: str):
        return self.ff.evaluate(f"(() => {{ {ROW_JS} return ({expression}); }})()")

    def wait(self, expression: str, what: str, timeout: float = 10) -> None:
        """Wait until the expression is truthy in the page (an element found counts as true)."""
        wait_until(lambda: self.js(f"!!({expression})"), timeout=timeout, message=what)

    def wait_equal(self, expression: str, expected, what: str, timeout: float = 10) -> None:
        try:
            wait_until(lambda: self.js(expression) == expected, timeout=timeout, message=f"{what} == {expected!r}")
        except AssertionError as e:
            raise AssertionError(f"{e}; it is {self.js(expression)!r}") from None

    TITLES = "[...document.querySelectorAll('#papers .title-link')].map((a) => a.textContent)"

    def titles(self) -> list[str]:
        return self.js(self.TITLES)

    def wait_titles(self, expected: list[str], what: str = "the list") -> None:
        self.wait_equal(self.TITLES, expected, f"the titles in {what}")

    def text(self, selector: str) -> str:
        return self.js(f"document.querySelector({json.dumps(selector)}).textContent")

    def errors(self) -> list[str]:
        return self.js("window.__pageErrors")

    # --- doing -----------------------------------------------------------------------------

    def open(self, query: str = "") -> "LibraryPage":
        self.ff.navigate(f"{self.server.url}/{query}")
        self.wait("document.body.dataset.ready === '1'", "the first list to be drawn")
        # The counts and the charts come a moment after the list (60-100 ms here); the tests
        # read both, so they wait for them (their boxes are reserved: nothing moves meanwhile).
        self.wait("document.querySelector('#chart-weeks').firstChild && document.querySelector('#chart-tags').firstChild"
                  " && !document.querySelector('#health').textContent.includes('connecting')",
                  "the charts and the counts to be drawn")
        assert self.errors() == [], "the preload watcher did not run or the page failed to start"
        return self

    def _node(self, element_js: str) -> dict:
        """A BiDi reference to the element (scrolled to the middle of the view first)."""
        result = self.ff.send("script.evaluate", {
            "expression": f"(() => {{ {ROW_JS} const el = ({element_js});"
                          " if (el) el.scrollIntoView({block: 'center'}); return el; })()",
            "target": {"context": self.ff.context}, "awaitPromise": False})
        value = result.get("result", {})
        assert value.get("type") == "node", f"no element for {element_js}: {result}"
        return {"sharedId": value["sharedId"]}

    def _mouse(self, element_js: str, *then: dict) -> None:
        node = self._node(element_js)
        self.ff.send("input.performActions", {"context": self.ff.context, "actions": [{
            "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": [
                {"type": "pointerMove", "x": 0, "y": 0, "origin": {"type": "element", "element": node}},
                *then]}]})

    def click(self, element_js: str) -> None:
        """A real mouse click in the middle of the element (whatever is on top there gets it)."""
        self._mouse(element_js, {"type": "pointerDown", "button": 0}, {"type": "pointerUp", "button": 0})

    def hover(self, element_js: str) -> None:
        self._mouse(element_js)

    def keys(self, text: str) -> None:
        """Real keystrokes into whatever has the focus."""
        actions = []
        for ch in text:
            actions += [{"type": "keyDown", "value": ch}, {"type": "keyUp", "value": ch}]
        self._keyboard(actions)

    def select_all(self) -> None:
        """Ctrl+A in the focused field."""
        self._keyboard([{"type": "keyDown", "value": CONTROL}, {"type": "keyDown", "value": "a"},
                        {"type": "keyUp", "value": "a"}, {"type": "keyUp", "value": CONTROL}])

    def _keyboard(self, actions: list[dict]) -> None:
        self.ff.send("input.performActions", {"context": self.ff.context, "actions": [
            {"type": "key", "id": "keyboard", "actions": actions}]})

    def type_into(self, element_js: str, text: str) -> None:
        self.click(element_js)
        assert self.js(f"document.activeElement === ({element_js})"), f"{element_js} did not take the focus"
        self.keys(text)

    def screenshot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = self.ff.send("browsingContext.captureScreenshot",
                            {"context": self.ff.context, "origin": "document"})["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    # --- the library, as another client sees it ---------------------------------------------

    def paper(self, key: str) -> dict:
        status, body = self.server.api("GET", f"/api/papers/{urllib.parse.quote(key, safe='')}")
        assert status == 200, body
        return body


@pytest.fixture
def library_page(firefox, shelf):
    """library_page([Paper, ...]) -> a LibraryPage (not yet opened) on a fresh server."""
    firefox.navigate("about:blank")

    def start(papers) -> LibraryPage:
        return LibraryPage(firefox, shelf(papers))

    return start


# --- the tests ---------------------------------------------------------------------------------


def test_saved_papers_are_listed_newest_first(library_page, make_paper):
    page = library_page([
        make_paper(1, title="Older saved paper", saved_at="2026-02-01T08:00:00Z"),
        make_paper(2, title="Newest saved paper", saved_at="2026-03-05T08:00:00Z"),
        make_paper(3, title="Middle saved paper", saved_at="2026-02-20T08:00:00Z"),
        make_paper(4, title="Only seen, never saved", saved_at=None, last_seen="2026-03-06T08:00:00Z"),
    ]).open()
    assert page.titles() == ["Newest saved paper", "Middle saved paper", "Older saved paper"]
    assert page.text("#summary") == "1–3 of 3 saved papers"
    first = page.js("""(() => { const li = row("Newest saved paper"); return {
        href: li.querySelector(".title-link").getAttribute("href"),
        pdf: li.querySelector(".link-pdf").getAttribute("href"),
        authors: li.querySelector(".authors").textContent,
        date: li.querySelector(".date").textContent,
        badges: [...li.querySelectorAll(".badge")].map((b) => b.textContent),
        read: li.querySelector(".toggle-read").textContent,
        saved: li.querySelector(".toggle-saved").textContent,
        height: li.getBoundingClientRect().height }; })()""")
    assert first == {**first, "href": "https://arxiv.org/abs/2601.10002", "pdf": "https://arxiv.org/pdf/2601.10002",
                     "authors": "Author2 Alpha, Author2 Beta", "date": "2026-01-15 · saved 2026-03-05",
                     "badges": ["HF"], "read": "Mark read", "saved": "Unsave"}
    assert first["height"] > 40, "the row was not laid out"

    # The other tab lists everything seen, by last sighting, and says so in the address bar.
    page.click("document.querySelector('#tab-all')")
    page.wait_equal("document.querySelector('#summary').textContent", "1–4 of 4 papers seen", "the summary")
    assert page.titles()[0] == "Only seen, never saved"
    assert "saved=all" in page.js("location.search")
    assert page.errors() == []


def test_typing_a_search_narrows_the_list(library_page, make_paper):
    page = library_page([
        make_paper(1, title="Sparse attention for long documents", authors=["Grace Hopper"]),
        make_paper(2, title="Diffusion models for proteins", abstract="We fold proteins with score matching."),
        make_paper(3, title="Reward models under shift", tags=["rlhf"], note="compare with the ICML baseline"),
    ]).open()
    assert len(page.titles()) == 3
    search = "document.querySelector('#q')"

    page.type_into(search, "hopper")
    page.wait_titles(["Sparse attention for long documents"], "the list after typing 'hopper'")
    assert page.text("#summary") == "1–1 of 1 saved papers matching"
    assert page.js("new URLSearchParams(location.search).get('q')") == "hopper"

    # Select the words and type over them: two words, found in the abstract.
    page.click(search)
    page.select_all()
    page.keys("score matching")
    assert page.js(f"{search}.value") == "score matching"
    page.wait_titles(["Diffusion models for proteins"], "the list after typing 'score matching'")

    page.click(search)
    page.keys(BACKSPACE * len("score matching") + "icml")  # a word from a note
    page.wait_titles(["Reward models under shift"], "the list after typing 'icml'")

    page.keys(" no such words")
    page.wait("document.querySelector('#papers').children.length === 0", "an empty list")
    assert page.js("!document.querySelector('#empty').hidden") is True
    assert "No papers match" in page.text("#empty")

    page.click("document.querySelector('#f-clear')")
    page.wait_equal("document.querySelectorAll('#papers > li').length", 3, "the whole list back")
    assert page.js(f"{search}.value") == ""
    assert page.errors() == []


def test_a_tag_typed_into_the_row_is_stored_and_drawn(library_page, make_paper):
    page = library_page([
        make_paper(1, title="Vision transformers at scale"),
        make_paper(2, title="Speech recognition without labels"),
    ]).open()
    tag_input = "row('Vision transformers at scale').querySelector('.tag-input')"
    tag_names = "[...row('Vision transformers at scale').querySelectorAll('.tag-name')].map((b) => b.textContent)"

    page.type_into(tag_input, "vision, to read" + ENTER)  # Enter submits the row's little form
    page.wait_equal(tag_names, ["to read", "vision"], "the row's tags")
    assert page.paper("arxiv:2601.10001")["tags"] == ["to read", "vision"]
    assert page.paper("arxiv:2601.10002")["tags"] == []
    # The row was rebuilt; the focus is in its new tag box, empty, to type the next tag.
    assert page.js(f"document.activeElement === {tag_input} && document.activeElement.value === ''") is True
    page.wait("document.querySelector(\"#chart-tags .tag-row[data-tag='vision']\")", "'vision' in the tags chart")

    page.keys("later" + ENTER)
    page.wait_equal(tag_names, ["later", "to read", "vision"], "the row's tags after a second tag")
    assert page.paper("arxiv:2601.10001")["tags"] == ["later", "to read", "vision"]

    page.click("row('Vision transformers at scale').querySelector(\".tag-remove[aria-label='remove tag to read']\")")
    page.wait_equal(tag_names, ["later", "vision"], "the row's tags after removing one")
    assert page.paper("arxiv:2601.10001")["tags"] == ["later", "vision"]

    # A click on the tag shows only the papers that carry it.
    page.click("row('Vision transformers at scale').querySelector(\".tag-name[data-tag='vision']\")")
    page.wait_titles(["Vision transformers at scale"], "the list filtered by the tag")
    assert page.js("document.querySelector('#f-tag').value") == "vision"
    assert page.errors() == []


def test_marking_read_and_unsaving(library_page, make_paper):
    page = library_page([
        make_paper(1, title="Scaling laws revisited"),
        make_paper(2, title="Another saved paper", saved_at="2026-03-01T08:00:00Z"),
    ]).open()
    read_btn = "row('Scaling laws revisited').querySelector('.toggle-read')"
    saved_btn = "row('Scaling laws revisited').querySelector('.toggle-saved')"

    page.click(read_btn)
    page.wait_equal(f"{read_btn}.textContent", "Mark unread", "the read button")
    assert page.js("row('Scaling laws revisited').classList.contains('is-read')") is True
    assert page.js(f"{read_btn}.getAttribute('aria-pressed')") == "true"
    assert page.paper("arxiv:2601.10001")["read"] is True
    page.wait("document.querySelector('#health').textContent.includes('1 read')", "the counts to include the read paper")

    page.click(read_btn)
    page.wait_equal(f"{read_btn}.textContent", "Mark read", "the read button back")
    assert page.paper("arxiv:2601.10001")["read"] is False

    page.click(saved_btn)
    page.wait_equal(f"{saved_btn}.textContent", "Save", "the save button")
    assert page.js("row('Scaling laws revisited').classList.contains('is-unsaved')") is True
    assert page.paper("arxiv:2601.10001")["saved"] is False
    assert page.paper("arxiv:2601.10002")["saved"] is True

    # After a reload the saved list no longer holds it; the other tab still does.
    page.open()
    assert page.titles() == ["Another saved paper"]
    page.click("document.querySelector('#tab-all')")
    page.wait("row('Scaling laws revisited')", "the unsaved paper under 'Everything seen'")
    page.click(saved_btn)
    page.wait_equal(f"{saved_btn}.textContent", "Unsave", "the save button after saving again")
    assert page.paper("arxiv:2601.10001")["saved"] is True
    assert page.errors() == []


def test_a_hostile_title_is_text_and_never_runs(library_page, make_paper, hostile_paper):
    page = library_page([
        hostile_paper,
        make_paper(2, title="A harmless neighbour", saved_at="2026-01-01T08:00:00Z"),
    ]).open()
    item = "document.querySelector('#papers > li')"
    assert page.js(f"{item}.querySelector('.title-link').textContent") == hostile_paper.title
    assert page.js(f"{item}.querySelector('.authors').textContent") == "<script>window.__pwned=2</script>"
    assert page.js(f"{item}.querySelector('.tag-name').textContent") == '<b onmouseover="window.__pwned=4">tag</b>'
    # The javascript: and data: links were dropped, the https one kept.
    assert page.js(f"{item}.querySelector('.title-link').hasAttribute('href')") is False
    assert page.js(f"{item}.querySelector('.link-pdf')") is None
    assert page.js(f"{item}.querySelector('.link-code').href") == "https://github.com/example/repo"

    # Open the abstract, point at the tag, click the title: nothing runs, nothing is markup.
    page.click(f"{item}.querySelector('.abstract summary')")
    page.wait_equal(f"{item}.querySelector('.abstract-text').textContent", '<svg onload="window.__pwned=3"></svg>',
                    "the abstract's text")
    page.click(f"{item}.querySelector('.title-link')")
    page.hover(f"{item}.querySelector('.tag-name')")
    assert page.js("location.pathname") == "/"  # still on the page
    assert page.js("document.querySelectorAll('#papers img, #papers script, #papers svg, #papers b, #papers iframe').length") == 0
    assert page.js("window.__pwned === undefined") is True
    assert page.titles() == [hostile_paper.title, "A harmless neighbour"]
    assert page.errors() == []  # no failed <img>, no CSP report of a blocked handler


def test_the_charts_are_drawn_as_inline_svg(library_page, make_paper):
    papers = [make_paper(i, title=f"Week paper {i}", saved_at=f"2026-02-{2 + 7 * (i % 3):02d}T10:00:00Z",
                         tags=["llm"] + (["agents"] if i % 2 else []), note="Section 3 first." if i == 1 else "")
              for i in range(1, 7)]
    page = library_page(papers).open()
    page.wait("document.querySelector('#chart-weeks svg') && document.querySelector('#chart-tags svg')",
              "both charts")
    bars = page.js("""[...document.querySelectorAll('#chart-weeks svg rect.bar')].map((b) => ({
        week: b.dataset.week, count: Number(b.dataset.count), height: b.getBoundingClientRect().height }))""")
    counts = {b["week"]: b["count"] for b in bars}
    # 2026-02-02 is in W06, 02-09 in W07, 02-16 in W08; two papers each; the empty weeks are there too.
    assert {w: counts[w] for w in ("2026-W06", "2026-W07", "2026-W08")} == {"2026-W06": 2, "2026-W07": 2, "2026-W08": 2}
    assert sum(counts.values()) == 6 and len(bars) >= 12
    assert all(b["height"] > 10 for b in bars if b["count"]), bars  # drawn, not just in the DOM
    assert page.js("[...document.querySelectorAll('#chart-tags .tag-row .label')].map((t) => t.textContent)") == ["llm", "agents"]

    boxes = page.js("""Object.fromEntries(['#chart-weeks svg', '#chart-tags svg', '#papers'].map((s) => {
        const r = document.querySelector(s).getBoundingClientRect();
        return [s, {left: r.left, top: r.top, width: r.width, height: r.height}]; }))""")
    weeks, tags_box = boxes["#chart-weeks svg"], boxes["#chart-tags svg"]
    assert weeks["width"] > 250 and 40 < weeks["height"] <= 130, weeks
    assert tags_box["width"] > 250 and tags_box["height"] > 20, tags_box
    assert tags_box["left"] > weeks["left"] + weeks["width"] - 1, "the charts should sit side by side at 1280 px"
    assert boxes["#papers"]["top"] > weeks["top"] + weeks["height"]
    assert page.js("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), "sideways scroll"

    page.wait("document.querySelector('#health').textContent.startsWith('6 papers')", "the counts")
    shot = page.screenshot(ARTIFACTS / "library_firefox.png")
    assert shot.stat().st_size > 10_000

    # The tag chart is a control too: a click on a bar filters the list.
    page.click("document.querySelector(\"#chart-tags .tag-row[data-tag='agents'] rect\")")
    page.wait_equal("document.querySelectorAll('#papers > li').length", 3, "the list filtered by 'agents'")
    assert page.js("document.querySelector('#f-tag').value") == "agents"
    assert page.errors() == []
