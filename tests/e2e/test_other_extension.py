"""Another extension installed beside PaperShelf can neither read nor change the library.

The fixture extension (tests/fixtures/other_extension) has no permissions at all; it knows the
backend's port and a saved paper's key and sends every call the API has, in cors and no-cors
mode, with and without a guessed key, and tries to connect itself and to allow its own request.
Chromium sends an extension's POST, PATCH and DELETE to the backend without a preflight, so what
stops it is the backend refusing an extension origin without its key. Meanwhile our extension,
connected with Connect and Allow (the fixtures), works as before.
"""

from __future__ import annotations

import json
import shutil
import urllib.parse

import pytest

from .conftest import PAGES, Chromium, expected_ids, fixture_html, wait_until

pytestmark = pytest.mark.browser

FIXTURE = __import__("pathlib").Path(__file__).resolve().parents[1] / "fixtures" / "other_extension"
LISTING = "hf_daily_with_props.html"
SAVED = "arxiv:2301.00001"
REPORT = "https://arxiv.org/other-extension-report?r="


def other_extension(tmp_path, port: int):
    target = tmp_path / "other-extension"
    shutil.copytree(FIXTURE, target)
    code = (target / "attacker.js").read_text("utf-8")
    assert "const PORT = 27182;" in code
    (target / "attacker.js").write_text(code.replace("const PORT = 27182;", f"const PORT = {port};"), "utf-8")
    return target


def library_snapshot(server):
    """Everything the library holds, read as the CLI would (no browser, no origin)."""
    status, papers = server.api("GET", "/api/papers?saved=all&limit=1000")
    assert status == 200
    status, export = server.api("GET", "/api/export?format=json&saved=all")
    assert status == 200
    status, clients = server.api("GET", "/api/clients")
    assert status == 200
    export = json.loads(export) if isinstance(export, str) else export
    export.pop("exported_at", None) if isinstance(export, dict) else None
    return papers, export, clients


def assert_got_nothing(results, browser: str):
    assert len(results) >= 40, results
    for r in results:
        where = (browser, r["method"], r["path"], r["mode"], r.get("status"), r.get("error"))
        # A refusal the extension cannot read (CORS: TypeError; no-cors: an opaque answer) or a 403/404.
        assert r.get("error") == "TypeError" or r.get("type") == "opaque" or r.get("status") in (403, 404), where
        body = r.get("body") or ""
        assert "2301.00001" not in body and '"key"' not in body and '"poll"' not in body, (where, body)


def seed(server):
    assert server.api("POST", "/api/save", json={"keys": [SAVED]})[0] == 200


def test_chromium_another_extension_gets_nothing_and_ours_works(playwright_driver, extension_builds, artifacts,
                                                               live_server, tmp_path):
    seed(live_server)
    other = other_extension(tmp_path, live_server.port)
    browser = Chromium(playwright_driver, extension_builds["chrome"], artifacts, beside=(other,))
    try:
        browser.reset(live_server)  # ours: Connect, then Allow
        before = library_snapshot(live_server)
        worker = next(w for w in browser.ctx.service_workers if w.url.endswith("/attacker.js"))
        results = worker.evaluate("report()")
        assert_got_nothing(results, "chromium")
        assert library_snapshot(live_server) == before
        print("chromium, what the other extension got:", sorted({(r["method"], r.get("status"), r.get("error"), r.get("type")) for r in results}, key=str))

        # Ours still badges, saves and unsaves.
        page = browser.open(browser.serve(PAGES[LISTING], fixture_html(LISTING)),
                            wait_badges=len(expected_ids(LISTING)))
        browser.click_badge(page, "2506.07982")
        wait_until(lambda: live_server.api("GET", "/api/papers/arxiv:2506.07982")[1].get("saved"), message="the save")
        assert [c["origin"] for c in library_snapshot(live_server)[2]["clients"]] == [f"chrome-extension://{browser.ext_id}"]
    finally:
        browser.close()


def test_firefox_another_extension_gets_nothing_and_ours_works(ff, tmp_path):
    seed(ff.server)
    before = library_snapshot(ff.server)
    other = other_extension(tmp_path, ff.port)
    addon = ff.send("webExtension.install", {"extensionData": {"type": "path", "path": str(other)}})["extension"]
    try:
        url = wait_until(lambda: next((u for u in ff.requests if u.startswith(REPORT)), None), 60,
                         message="the fixture's report")
        results = json.loads(urllib.parse.unquote(url[len(REPORT):]))
        print("firefox, what the other extension got:", sorted({(r["method"], r.get("status"), r.get("error"), r.get("type")) for r in results}, key=str))
        assert_got_nothing(results, "firefox")
        assert library_snapshot(ff.server) == before
    finally:
        ff.send("webExtension.uninstall", {"extension": addon})
    ff.ensure_tab()
    ff.navigate(ff.serve(PAGES[LISTING], fixture_html(LISTING)))
    from .test_firefox import click_badge, settled
    ff.wait_badges(settled(len(expected_ids(LISTING))), what="badges")
    click_badge(ff, "2506.07982")
    wait_until(lambda: ff.server.api("GET", "/api/papers/arxiv:2506.07982")[1].get("saved"), message="the save")
    assert [c["origin"] for c in library_snapshot(ff.server)[2]["clients"]][0].startswith("moz-extension://")
