"""Real browsers with the built PaperShelf extension, for the end-to-end tests.

* ``chromium`` (module scope): Debian's Chromium through Playwright with the unpacked Chrome
  build of the extension; fixture pages are served under their real URLs with ``ctx.route``.
* ``firefox`` (module scope): Firefox ESR driven over WebDriver BiDi (no geckodriver here), the
  Firefox build installed with ``webExtension.install``; pages are served under their real URLs
  with BiDi network interception.
* The backend is the shared ``live_server`` (tests/conftest.py): ``papershelf serve`` on a free
  port over a library on disk. Each test points the extension at its server, starts with an
  empty offline queue, and connects the extension the way a user does: Connect on its options
  page, then Allow on the backend's connect page, both trusted clicks (``connect``).

Nothing here mocks the extension or the backend: what the tests see is what a user would see.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("PAPERSHELF_CHROMIUM", "/usr/bin/chromium")
FIREFOX = os.environ.get("PAPERSHELF_FIREFOX", shutil.which("firefox-esr") or "firefox-esr")
FIREFOX_ADDON_ID = "papershelf@papershelf.local"

# Each fixture page the browser tests load, under the real URL it stands for (the content script's
# matches and the backend's parser choice both depend on the URL): the one table of fixture pages.
sys.path.insert(0, str(FIXTURES))
import pages as fixture_pages  # noqa: E402

PAGES = fixture_pages.browser_pages()


def fixture_html(name: str) -> str:
    return (FIXTURES / name).read_text("utf-8")


def arxiv_abs_page() -> tuple[str, str]:
    """The arXiv abstract fixture and its URL (built from the id in its own meta tags)."""
    html = fixture_html("arxiv_abs.html")
    m = re.search(r'name="citation_arxiv_id" content="([^"]+)"', html)
    assert m, "arxiv_abs.html lost its citation_arxiv_id"
    return html, f"https://arxiv.org/abs/{m.group(1)}"


def expected_ids(name: str) -> set[str]:
    """The arXiv ids of the cards the extension badges on a fixture page (pages.json; the table is
    checked against plain regexes over the HTML in tests/test_fixture_table.py)."""
    return set(fixture_pages.by_file()[name]["cards"])


# --- the extension builds ---------------------------------------------------------------------

@pytest.fixture(scope="session")
def extension_builds(tmp_path_factory) -> dict[str, Path]:
    """Unpacked Chrome and Firefox builds made by tools/extension.py, the same code as the zips."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("papershelf_extension_build", ROOT / "tools" / "extension.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    out = tmp_path_factory.mktemp("extension")
    return {browser: build.build_unpacked(out, browser) for browser in ("chrome", "firefox")}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.1, message: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; fail with ``message`` on timeout."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}; last value: {last!r}")


def trusted_click(page, selector: str, timeout: float = 20000) -> None:
    """A person's click: the mouse moved to the element's box and pressed (CDP Input events,
    isTrusted in the page), once the element is visible and enabled."""
    target = page.locator(selector)
    target.wait_for(state="visible", timeout=timeout)
    page.wait_for_function("(sel) => { const e = document.querySelector(sel); return e && !e.disabled; }",
                           arg=selector, timeout=timeout)
    box = target.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


# --- Chromium ------------------------------------------------------------------------------------

# Badges are read as the browser sees them, never through anything a page script can read: the
# badge lives in a closed shadow root and its host carries no state. Chromium: DOM.getDocument
# {depth: -1, pierce: true} over CDP reaches into closed shadow roots; Firefox: WebDriver BiDi's
# browsingContext.locateNodes serializes them with includeShadowTree "all". Each badge is
# {id, key, state, recorded, text, seen, title} in document order; ``text`` and ``seen`` are the
# words drawn on screen (CSS generated content from data-label).

HOST_CLASS = "papershelf-badge-host"


def badge_from(button: dict, seen: dict | None) -> dict:
    """A badge from its button's and counter's attributes (dicts)."""
    return {
        "id": button.get("data-id") or None, "key": button.get("data-key") or None,
        "state": button.get("data-state"), "recorded": button.get("data-recorded") == "yes",
        "text": button.get("data-label"), "seen": (seen or {}).get("data-label", ""),
        "title": button.get("title"), "name": button.get("aria-label"),
    }


def _cdp_attrs(node: dict) -> dict:
    a = node.get("attributes") or []
    return dict(zip(a[::2], a[1::2]))


def _cdp_badges(root: dict) -> list[tuple[dict, int]]:
    """(badge, backendNodeId of its button) for every badge host under a CDP DOM node."""
    found = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.get("nodeName") == "SPAN" and HOST_CLASS in _cdp_attrs(node).get("class", "").split():
            button = seen = None
            inner = list(node.get("shadowRoots") or [])
            while inner:
                n = inner.pop()
                attrs = _cdp_attrs(n)
                if n.get("nodeName") == "BUTTON" and "more" not in attrs.get("class", "").split():
                    button = (attrs, n["backendNodeId"])
                elif "seen" in attrs.get("class", "").split():
                    seen = attrs
                inner.extend(n.get("children") or [])
            if button:
                found.append((badge_from(button[0], seen), button[1]))
            continue
        # Depth first, in document order.
        stack.extend(reversed((node.get("children") or []) + (node.get("shadowRoots") or [])
                              + ([node["contentDocument"]] if node.get("contentDocument") else [])))
    return found


class Chromium:
    """One Chromium with the extension loaded; ``serve`` maps real URLs to fixture HTML."""

    def __init__(self, playwright, extension: Path, artifacts: Path, profile: str | None = None,
                 beside: tuple[Path, ...] = ()):
        self.artifacts = artifacts
        self.keep_profile = profile is not None
        self.profile = profile or tempfile.mkdtemp(prefix="papershelf-chromium-")
        loaded = ",".join(str(p) for p in (extension, *beside))
        fresh = not any(Path(self.profile).iterdir())  # a new install opens its options page
        self.ctx = playwright.chromium.launch_persistent_context(
            self.profile,
            executable_path=CHROMIUM,
            headless=True,
            ignore_default_args=["--disable-extensions"],
            args=["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage",
                  f"--disable-extensions-except={loaded}", f"--load-extension={loaded}"],
        )
        # Ours is the worker named background.js (``beside``: other extensions loaded with it).
        sw = next((w for w in self.ctx.service_workers if w.url.endswith("/background.js")), None)
        while sw is None:
            w = self.ctx.wait_for_event("serviceworker", timeout=20000)
            sw = w if w.url.endswith("/background.js") else None
        self.ext_id = sw.url.split("/")[2]
        self.pages: dict[str, str] = {}
        self.requests: list[str] = []
        self.ctx.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost)"), self._fulfil)
        # An extension page is the control surface for storage (the worker may be asleep). A new
        # install opens its options page by itself (to show Connect): that page becomes it.
        options_url = f"chrome-extension://{self.ext_id}/options/options.html"
        if fresh:
            self.control = self._wait_page(lambda url: url == options_url, "the options page a new install opens")
        else:
            self.control = self.ctx.new_page()
            try:
                self.control.goto(options_url)
            except PlaywrightError as e:
                # A profile whose install record was not flushed when the last browser quit (seen
                # under heavy load) installs the extension again, and openOptionsPage() takes over
                # the tab already showing the options page: it ends where goto was going all the same.
                if "interrupted by another navigation" not in str(e):
                    raise
                self.control.wait_for_url(options_url, timeout=20000)

    def _wait_page(self, pred, what: str, timeout: float = 20):
        """The first page whose URL satisfies ``pred``, once there is one. Playwright delivers its
        events only while it is called, so the wait goes through it, not through time.sleep."""
        deadline = time.monotonic() + timeout
        while True:
            found = next((p for p in self.ctx.pages if pred(p.url)), None)
            if found:
                return found
            assert time.monotonic() < deadline, f"timed out after {timeout}s waiting for {what}"
            try:
                self.ctx.wait_for_event("page", timeout=200)
            except Exception:
                pass  # no new page yet: look at the URLs again

    def _fulfil(self, route):
        url = route.request.url
        self.requests.append(url)
        html = self.pages.get(url) or self.pages.get(url.split("#")[0])
        if html is None:
            if route.request.resource_type == "document":
                return route.fulfill(status=404, content_type="text/html", body="<h1>not in the test</h1>")
            return route.fulfill(status=204, body="")  # images, fonts: nothing leaves the machine
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    def serve(self, url: str, html: str) -> str:
        self.pages[url] = html
        return url

    def storage(self, script: str):
        return self.control.evaluate(f"async () => {{ {script} }}")

    def reset(self, server) -> None:
        """Point the extension at ``server`` with an empty queue and close the test pages."""
        for page in self.ctx.pages:
            if page is not self.control:
                page.close()
        self.pages.clear()
        self.storage(f"await chrome.storage.local.clear(); await chrome.storage.local.set({{port: {server.port}}});"
                     " await chrome.action.setBadgeText({text: ''});")
        self.connect(server)

    def connect(self, server) -> None:
        """Connect the extension as a user does: Connect on its options page opens the backend's
        connect page, which names this extension; Allow there. Waits for the options page to say
        it is connected."""
        options = self.ctx.new_page()
        options.goto(f"chrome-extension://{self.ext_id}/options/options.html")
        with self.ctx.expect_page(timeout=20000) as opened:
            trusted_click(options, "#connect")
        page = opened.value
        page.wait_for_load_state()
        assert page.url.startswith(f"{server.url}/connect?request="), page.url
        assert page.locator("#asker-origin").text_content() == f"chrome-extension://{self.ext_id}"
        trusted_click(page, "#allow")
        page.locator("#outcome", has_text="Connected").wait_for(timeout=20000)
        options.locator("#connection-state", has_text="Connected").wait_for(timeout=20000)
        page.close()
        options.close()

    def open(self, url: str, wait_badges: int | None = None, timeout: float = 10):
        page = self.ctx.new_page()
        page.goto(url)
        if wait_badges is not None:
            self.wait_badges(page, lambda bs: len(bs) >= wait_badges and all(b["state"] not in ("pending", "busy") and b["recorded"] for b in bs),
                             timeout=timeout, what=f"{wait_badges} settled badges")
        return page

    def cdp(self, page):
        """One CDP session per page (the browser's own view: sees closed shadow roots)."""
        session = getattr(page, "_papershelf_cdp", None)
        if session is None:
            session = page._papershelf_cdp = self.ctx.new_cdp_session(page)
        return session

    def badge_nodes(self, page) -> list[tuple[dict, int]]:
        doc = self.cdp(page).send("DOM.getDocument", {"depth": -1, "pierce": True})
        return _cdp_badges(doc["root"])

    def badges(self, page) -> list[dict]:
        return [b for b, _ in self.badge_nodes(page)]

    def wait_badges(self, page, predicate, timeout: float = 10, what: str = "badges"):
        return wait_until(lambda: (lambda bs: bs if predicate(bs) else None)(self.badges(page)), timeout, message=what)

    def badge_button(self, page, paper_id: str) -> int:
        """The backendNodeId of the first badge button of ``paper_id``."""
        node = next((n for b, n in self.badge_nodes(page) if b["id"] == paper_id), None)
        assert node is not None, f"no badge for {paper_id}"
        return node

    def click_badge(self, page, paper_id: str) -> None:
        """A person's click on the badge: scrolled into view, the mouse at the centre of its box
        (DOM.getBoxModel), pressed (trusted events)."""
        cdp = self.cdp(page)
        node = self.badge_button(page, paper_id)
        cdp.send("DOM.scrollIntoViewIfNeeded", {"backendNodeId": node})
        quad = cdp.send("DOM.getBoxModel", {"backendNodeId": node})["model"]["content"]
        x, y = sum(quad[0::2]) / 4, sum(quad[1::2]) / 4
        page.mouse.click(x, y)

    def queue(self) -> list:
        return self.storage("return (await chrome.storage.local.get({queue: []})).queue;")

    def toolbar_badge(self) -> str:
        return self.storage("return await chrome.action.getBadgeText({});")

    def worker(self):
        """The extension's service worker, woken first (a worker that went to sleep would leave
        an evaluate waiting forever)."""
        self.storage("await chrome.runtime.sendMessage({type: 'popup-state'});")
        return self.ctx.service_workers[-1]

    def stop_worker(self, timeout: float = 10) -> None:
        """Stop the extension's service worker as the browser does when it is idle or killed
        (DevTools' ServiceWorker.stopAllWorkers): in-flight requests and timers die with it."""
        cdp = self.ctx.new_cdp_session(self.control)
        states: list[str] = []
        cdp.on("ServiceWorker.workerVersionUpdated", lambda e: states.extend(
            v["runningStatus"] for v in e["versions"] if v["scriptURL"].endswith("/background.js")))
        cdp.send("ServiceWorker.enable")
        cdp.send("ServiceWorker.stopAllWorkers")
        deadline = time.monotonic() + timeout
        while "stopped" not in states:
            assert time.monotonic() < deadline, f"the service worker did not stop: {states}"
            self.control.wait_for_timeout(50)  # lets Playwright deliver the CDP events
        cdp.detach()

    def popup(self):
        page = self.ctx.new_page()
        page.goto(f"chrome-extension://{self.ext_id}/popup/popup.html")
        return page

    def close(self) -> None:
        self.ctx.close()
        if not self.keep_profile:
            shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def playwright_driver():
    """One Playwright driver per module (the sync API allows only one at a time)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def chromium(playwright_driver, extension_builds, artifacts):
    browser = Chromium(playwright_driver, extension_builds["chrome"], artifacts)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def chrome(chromium, live_server):
    """The module's Chromium, pointed at this test's fresh backend."""
    chromium.reset(live_server)
    chromium.server = live_server
    return chromium


# --- Firefox over WebDriver BiDi -------------------------------------------------------------

FIREFOX_PREFS = {
    "app.update.enabled": False, "app.update.auto": False, "browser.shell.checkDefaultBrowser": False,
    "datareporting.policy.dataSubmissionEnabled": False, "datareporting.healthreport.uploadEnabled": False,
    "toolkit.telemetry.enabled": False, "toolkit.telemetry.unified": False,
    "browser.safebrowsing.malware.enabled": False, "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False, "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False, "browser.startup.homepage_override.mstone": "ignore",
    "browser.aboutwelcome.enabled": False, "extensions.update.enabled": False,
    "browser.newtabpage.enabled": False, "browser.startup.page": 0,
    "extensions.getAddons.cache.enabled": False, "network.dns.disableIPv6": True,
    "xpinstall.signatures.required": False, "extensions.autoDisableScopes": 0,
    "dom.disable_open_during_load": False,
}


class BiDiError(RuntimeError):
    pass


class Firefox:
    """Firefox ESR over WebDriver BiDi: navigate, evaluate, intercept requests, screenshot."""

    def __init__(self, extension: Path, artifacts: Path, prefs: dict | None = None):
        import websocket

        self.artifacts = artifacts
        self.profile = Path(tempfile.mkdtemp(prefix="papershelf-firefox-"))
        prefs = {**FIREFOX_PREFS, **(prefs or {})}
        (self.profile / "user.js").write_text(
            "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in prefs.items()), "utf-8")
        self.proc = subprocess.Popen(
            [FIREFOX, "-headless", "-no-remote", "-profile", str(self.profile), "--remote-debugging-port", "0"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        ws_url = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line and self.proc.poll() is not None:
                break
            m = re.search(r"WebDriver BiDi listening on (ws://\S+)", line)
            if m:
                ws_url = m.group(1)
                break
        if not ws_url:
            self.proc.kill()
            raise RuntimeError("Firefox did not start its WebDriver BiDi server")
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        # Firefox refuses a WebSocket handshake that carries a web Origin; send none.
        self.ws = websocket.create_connection(ws_url.rstrip("/") + "/session", timeout=60, suppress_origin=True)
        self._next = 0
        self._waiting: dict[int, queue.Queue] = {}
        self._lock = threading.Lock()
        self.pages: dict[str, str] = {}
        self.requests: list[str] = []
        threading.Thread(target=self._reader, daemon=True).start()
        self.send("session.new", {"capabilities": {"alwaysMatch": {"acceptInsecureCerts": True}}})
        self.send("session.subscribe", {"events": ["network.beforeRequestSent"]})
        # Every site's hosts (papershelf/sites/*/site.json) are served from the tests' pages.
        from urllib.parse import urlsplit

        from papershelf import sites
        hosts = {urlsplit(o).hostname for s in sites.SITES for o in s.host_permissions} | {"huggingface.co", "arxiv.org"}
        self.send("network.addIntercept", {"phases": ["beforeRequestSent"], "urlPatterns": [
            {"type": "pattern", "protocol": "https", "hostname": h} for h in sorted(hosts)]})
        self.extension = extension
        self.addon_id = None
        self.install()
        # A tab of the tests' own (the install opens the extension's options page, maybe in the
        # first tab).
        self.context = self.new_tab()

    def install(self) -> None:
        """(Re)install the extension: a fresh install starts with empty storage and queue."""
        if self.addon_id:
            self.send("webExtension.uninstall", {"extension": self.addon_id})
        self.addon_id = self.send("webExtension.install",
                                  {"extensionData": {"type": "path", "path": str(self.extension)}})["extension"]

    def contexts(self) -> list[dict]:
        return self.send("browsingContext.getTree", {})["contexts"]

    def click(self, selector: str, context: str | None = None, timeout: float = 20) -> None:
        """A person's click (WebDriver BiDi input.performActions: trusted events) on the centre
        of the element, once it is visible and enabled."""
        ctx = context or self.context
        box = wait_until(lambda: self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); if (!e || e.disabled) return null;"
            " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
            " return r.width && r.height ? {x: r.x + r.width / 2, y: r.y + r.height / 2} : null; })()", ctx),
            timeout, message=f"{selector} to be clickable")
        self.send("input.performActions", {"context": ctx, "actions": [{
            "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": [
                {"type": "pointerMove", "x": round(box["x"]), "y": round(box["y"])},
                {"type": "pointerDown", "button": 0}, {"type": "pointerUp", "button": 0}]}]})
        self.send("input.releaseActions", {"context": ctx})

    def connect(self, server, keep_options: bool = False) -> str | None:
        """Connect the extension as a user does. A new install opens its options page (WebDriver
        BiDi cannot open an extension page itself, but may drive one the extension opened):
        Connect there opens the backend's connect page, which names this extension; Allow.
        ``keep_options``: leave the options page open and answer its context (the extension's own
        page: a test may read the extension's storage there)."""
        def find(pred):
            return next((c["context"] for c in self.contexts() if pred(c["url"])), None)

        options = wait_until(lambda: find(lambda u: u.startswith("moz-extension://") and u.endswith("/options/options.html")),
                             60, message="the options page a new install opens")
        self.click("#connect", options)
        page = wait_until(lambda: find(lambda u: u.startswith(f"{server.url}/connect?request=")), 20,
                          message="the backend's connect page")
        wait_until(lambda: self.evaluate("document.readyState === 'complete' && !!document.getElementById('allow')", page),
                   20, message="the connect page to load")
        origin = self.evaluate("document.getElementById('asker-origin').textContent", page)
        assert origin.startswith("moz-extension://"), origin
        self.click("#allow", page)
        wait_until(lambda: "Connected" in (self.evaluate("document.getElementById('outcome').textContent", page) or ""),
                   20, message="the connect page to say Connected")
        wait_until(lambda: "Connected" in (self.evaluate("document.getElementById('connection-state').textContent", options) or ""),
                   20, message="the options page to say Connected")
        self.close_tab(page)
        if options == self.context:
            self.context = self.new_tab()
        if keep_options:
            return options
        self.close_tab(options)
        return None

    def ensure_tab(self) -> None:
        """The tab the tests drive is still there (installing the extension opens its options page,
        which may take over an empty tab; uninstalling closes that page)."""
        if self.context not in {c["context"] for c in self.contexts()}:
            self.context = self.new_tab()

    def _drain_stderr(self):
        for _ in self.proc.stderr:
            pass

    def _reader(self):
        while True:
            try:
                raw = self.ws.recv()
            except Exception:
                return
            if not raw:
                continue
            msg = json.loads(raw)
            if "id" in msg and msg.get("id") in self._waiting:
                self._waiting[msg["id"]].put(msg)
            elif msg.get("method") == "network.beforeRequestSent":
                threading.Thread(target=self._fulfil, args=(msg["params"],), daemon=True).start()

    def _fulfil(self, params):
        if not params.get("isBlocked"):
            return
        url = params["request"]["url"]
        self.requests.append(url)
        html = self.pages.get(url) or self.pages.get(url.split("#")[0])
        body = html if html is not None else "<h1>not in the test</h1>"
        try:
            self.send("network.provideResponse", {
                "request": params["request"]["request"],
                "statusCode": 200 if html is not None else 404,
                "reasonPhrase": "OK" if html is not None else "Not Found",
                "headers": [{"name": "Content-Type", "value": {"type": "string", "value": "text/html; charset=utf-8"}}],
                "body": {"type": "base64", "value": base64.b64encode(body.encode("utf-8")).decode()},
            })
        except BiDiError:
            pass  # the navigation was cancelled meanwhile

    def send(self, method: str, params: dict, timeout: float = 60):
        with self._lock:
            self._next += 1
            mid = self._next
            box: queue.Queue = queue.Queue()
            self._waiting[mid] = box
            self.ws.send(json.dumps({"id": mid, "method": method, "params": params}))
        try:
            msg = box.get(timeout=timeout)
        finally:
            self._waiting.pop(mid, None)
        if msg.get("type") == "error" or "error" in msg and msg.get("type") != "success":
            raise BiDiError(f"{method}: {msg.get('error')}: {msg.get('message')}")
        return msg.get("result", {})

    def serve(self, url: str, html: str) -> str:
        self.pages[url] = html
        return url

    def navigate(self, url: str, context: str | None = None) -> None:
        self.send("browsingContext.navigate", {"context": context or self.context, "url": url, "wait": "complete"})

    def evaluate(self, expression: str, context: str | None = None, await_promise: bool = True):
        """Evaluate in the page; the value is returned through JSON so any plain data comes back."""
        result = self.send("script.evaluate", {
            "expression": f"(async () => JSON.stringify(await ({expression})))()",
            "target": {"context": context or self.context}, "awaitPromise": await_promise})
        if result.get("type") == "exception":
            raise BiDiError(f"evaluate failed: {result['exceptionDetails'].get('text')}")
        value = result["result"].get("value")
        return json.loads(value) if isinstance(value, str) else None

    def new_tab(self) -> str:
        return self.send("browsingContext.create", {"type": "tab"})["context"]

    def tab_url(self, context: str | None = None) -> str | None:
        """The URL the browser shows for a tab (from its context tree, not from the page)."""
        ctx = context or self.context
        return next((c["url"] for c in self.contexts() if c["context"] == ctx), None)

    def close_tab(self, context: str) -> None:
        self.send("browsingContext.close", {"context": context})

    def badge_nodes(self, context: str | None = None) -> list[tuple[dict, str]]:
        """(badge, sharedId of its button) for every badge, from the browser's serialization of
        the DOM including closed shadow roots (a page script cannot see those)."""
        found = self.send("browsingContext.locateNodes", {
            "context": context or self.context, "locator": {"type": "css", "value": f"span.{HOST_CLASS}"},
            "serializationOptions": {"maxDomDepth": 5, "includeShadowTree": "all"}})["nodes"]
        out = []
        for host in found:
            button = seen = None
            stack = [(host.get("value") or {}).get("shadowRoot")]
            while stack:
                node = stack.pop()
                if not node:
                    continue
                value = node.get("value") or {}
                attrs = value.get("attributes") or {}
                if value.get("localName") == "button" and "more" not in attrs.get("class", "").split():
                    button = (attrs, node["sharedId"])
                elif "seen" in attrs.get("class", "").split():
                    seen = attrs
                stack.extend(value.get("children") or [])
            if button:
                out.append((badge_from(button[0], seen), button[1]))
        return out

    def badges(self, context: str | None = None) -> list[dict]:
        return [b for b, _ in self.badge_nodes(context)]

    def click_badge(self, paper_id: str, context: str | None = None) -> None:
        """A person's click on the badge (input.performActions, trusted), once scrolled into view."""
        ctx = context or self.context
        node = next((n for b, n in self.badge_nodes(ctx) if b["id"] == paper_id), None)
        assert node is not None, f"no badge for {paper_id}"
        self.send("script.callFunction", {
            "functionDeclaration": "function () { this.scrollIntoView({block: 'center'}); }",
            "this": {"sharedId": node}, "target": {"context": ctx}, "awaitPromise": False})
        self.send("input.performActions", {"context": ctx, "actions": [{
            "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": [
                {"type": "pointerMove", "x": 0, "y": 0, "origin": {"type": "element", "element": {"sharedId": node}}},
                {"type": "pointerDown", "button": 0}, {"type": "pointerUp", "button": 0}]}]})
        self.send("input.releaseActions", {"context": ctx})

    def wait_badges(self, predicate, context: str | None = None, timeout: float = 15, what: str = "badges"):
        return wait_until(lambda: (lambda bs: bs if predicate(bs) else None)(self.badges(context)), timeout, message=what)

    def screenshot(self, path: Path, context: str | None = None) -> None:
        data = self.send("browsingContext.captureScreenshot", {"context": context or self.context})["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        try:
            self.send("session.end", {}, timeout=10)
        except Exception:
            pass
        try:
            self.ws.close()
        except Exception:
            pass
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def firefox_build_for_port(build: Path, port: int, out: Path) -> Path:
    """A copy of the Firefox build whose default backend port is ``port``.

    WebDriver BiDi cannot open moz-extension:// pages, so a test cannot set the port through the
    options page as a user would; the copy is the test's stand-in for that one setting. The
    shipped build is never changed."""
    target = out / "firefox-test"
    shutil.copytree(build, target)
    worker = target / "background" / "backend.js"
    code = worker.read_text("utf-8")
    assert "const DEFAULT_PORT = 27182;" in code, "background/backend.js no longer declares DEFAULT_PORT"
    worker.write_text(code.replace("const DEFAULT_PORT = 27182;", f"const DEFAULT_PORT = {port};"), "utf-8")
    return target


def chrome_build_with_all_sites_granted(build: Path, out: Path) -> Path:
    """A copy of the Chrome build whose optional host permissions are required ones, so the
    browser grants them at install and ``permissions.request`` resolves at once.

    A headless browser cannot show (or click) the permission prompt the options page raises; this
    copy stands in for the user pressing "Allow". The shipped manifest is never changed."""
    target = out / "chrome-all-sites"
    shutil.copytree(build, target)
    manifest = json.loads((target / "manifest.json").read_text("utf-8"))
    optional = manifest.pop("optional_host_permissions")
    assert optional == ["*://*/*"], optional
    manifest["host_permissions"] += optional
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2), "utf-8")
    return target


class BackendProxy:
    """A plain HTTP relay between the extension and the backend that can lose answers.

    ``lose_answer(path)``: the next request to ``path`` reaches the backend (which acts on it),
    and then its answer is thrown away and the connection closed, as when the worker is stopped,
    the network drops, or a request times out after the backend took it. With ``hold=True`` the
    relay keeps the connection open after the backend answered until ``release()``.
    ``fail(path, status, message)``: until ``heal(path)``, every request to ``path`` is answered
    by the relay itself with that status and the backend's JSON error shape, and never reaches
    the backend (a library that cannot write stores nothing); ``failed`` lists those paths. ``down``: every request is dropped unanswered.
    ``sent`` lists the paths the backend received, ``received`` (path, JSON body or None) pairs."""

    def __init__(self, backend_port: int):
        import http.client
        import http.server

        relay = self
        self.backend_port = backend_port
        self.down = False
        self.sent: list[str] = []
        self.received: list[tuple[str, object]] = []
        self.failed: list[str] = []
        self._lose: dict[str, bool] = {}
        self._fail: dict[str, tuple[int, str]] = {}
        self.taken = threading.Event()
        self._release = threading.Event()

        class Handler(http.server.BaseHTTPRequestHandler):
            # One connection per request: Chromium resends a request, even a POST, on its own
            # when a reused keep-alive connection closes without an answer, which would hide the
            # lost answer from the worker.
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):
                pass

            def _relay(self):
                if relay.down:
                    self.close_connection = True
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = self.path.split("?")[0]
                fail = relay._fail.get(path)
                if fail is not None:
                    status, message = fail
                    data = json.dumps({"error": {"code": "library_error", "message": message}}).encode()
                    relay.failed.append(path)
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                lose = relay._lose.pop(path, None)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                conn = http.client.HTTPConnection("127.0.0.1", relay.backend_port, timeout=30)
                conn.request(self.command, self.path, body=body or None, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                conn.close()
                try:
                    parsed = json.loads(body) if body else None
                except ValueError:
                    parsed = None
                relay.received.append((path, parsed))
                relay.sent.append(path)
                if lose is not None:
                    relay.taken.set()
                    if lose:
                        relay._release.wait(30)
                    self.close_connection = True
                    return  # no answer at all: the client sees the connection close
                self.send_response(answer.status)
                for k, v in answer.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_DELETE = do_OPTIONS = _relay

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def lose_answer(self, path: str, hold: bool = False) -> None:
        self.taken.clear()
        self._release.clear()
        self._lose[path] = hold

    def fail(self, path: str, status: int = 507, message: str = "No space left on device") -> None:
        self._fail[path] = (status, message)

    def heal(self, path: str) -> None:
        self._fail.pop(path, None)

    def capture_ids(self) -> list:
        """The capture_id of every capture the backend received, in order."""
        return [b.get("capture_id") if isinstance(b, dict) else None
                for p, b in list(self.received) if p == "/api/capture"]

    def release(self) -> None:
        self._release.set()

    def close(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def firefox(extension_builds, artifacts, tmp_path_factory):
    with socket.socket() as s:  # a free port for this module's backends
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    build = firefox_build_for_port(extension_builds["firefox"], port, tmp_path_factory.mktemp("ff"))
    browser = Firefox(build, artifacts)
    browser.port = port
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def ff(firefox, live_server_factory):
    """The module's Firefox with a freshly installed extension (empty queue), pointed at a fresh
    backend on the port its build expects."""
    firefox.pages.clear()
    firefox.server = live_server_factory(port=firefox.port)
    # Leave the last test's page before the install, not after: a new install opens its options
    # page, and Firefox may open it in this very tab if it is blank; navigating the tab after the
    # install would then take the options page away (seen as a 60 s timeout under load). A tab that
    # is already blank is left alone (navigating it again fires no load to wait for).
    firefox.ensure_tab()
    if firefox.tab_url() != "about:blank":
        firefox.navigate("about:blank")
    firefox.install()
    firefox.ensure_tab()
    firefox.connect(firefox.server)
    firefox.ensure_tab()
    return firefox
