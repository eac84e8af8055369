"""Connecting an extension (pairing.py, connect.py, guard.py) against a real server.

An extension is served only once the user allowed it on the backend's own connect page; until
then, and with a wrong, revoked or borrowed key, every call is refused and nothing changes.
These are the requests another installed extension (no permissions needed: Chromium sends its
POST, PATCH and DELETE without a preflight), a web page, or a page framing ours can make.
"""

from __future__ import annotations

import json
import re

import pytest
from support import LiveServer
from test_security import library_state, raw_request

OURS = "chrome-extension://ourextensionidaaaaaaaaaaaaaaaaaa"
OTHER = "chrome-extension://otherextensionbbbbbbbbbbbbbbbbb"
FOX = "moz-extension://1b2c3d4e-0000-4000-8000-123456789abc"
CLIENT = {"X-PaperShelf-Client": "papershelf-extension/0.1.0"}


@pytest.fixture
def server(tmp_path):
    live = LiveServer(tmp_path / "lib").start()
    assert live.api("POST", "/api/save", json={"keys": ["arxiv:2301.00001"]})[0] == 200
    yield live
    live.stop()


def call(server, method, path, body=None, origin=None, key=None, extra=None):
    headers = {**CLIENT, **(extra or {})}
    if origin:
        headers["Origin"] = origin
    if key:
        headers["X-PaperShelf-Key"] = key
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    status, h, raw = raw_request(server, method, path, data, headers)
    try:
        answer = json.loads(raw) if raw else None
    except ValueError:
        answer = raw.decode("utf-8", "replace")
    return status, answer, h


def own(server):
    return {"Origin": server.url, "Sec-Fetch-Site": "same-origin"}


def connect(server, origin, name="PaperShelf 0.1.0"):
    """The whole dance as the browser makes it: ask, the page, Allow (from the page), poll."""
    status, asked, _ = call(server, "POST", "/api/connect", {"name": name}, origin=origin)
    assert status == 200, asked
    status, headers, page = raw_request(server, "GET", asked["page"], None, {})
    page = page.decode()
    assert status == 200 and name in page and origin in page
    token = re.search(r'data-token="([^"]+)"', page).group(1)
    status, decided, _ = call(server, "POST", "/api/connect/decide",
                              {"request": asked["request"], "token": token, "allow": True}, extra=own(server))
    assert status == 200 and decided["state"] == "allowed", decided
    status, polled, _ = call(server, "POST", "/api/connect/poll", {"poll": asked["poll"]}, origin=origin)
    assert status == 200 and polled["state"] == "allowed"
    return polled["key"]


EXTENSION_CALLS = [
    ("GET", "/api/health", None), ("GET", "/api/papers?saved=all", None), ("GET", "/api/export?format=json&saved=all", None),
    ("POST", "/api/export", {"format": "json", "saved": "all"}), ("GET", "/api/papers/arxiv:2301.00001", None),
    ("POST", "/api/status", {"keys": ["arxiv:2301.00001"]}), ("GET", "/api/stats", None), ("GET", "/api/tags", None),
    ("POST", "/api/save", {"keys": ["arxiv:2401.99999"]}), ("POST", "/api/unsave", {"keys": ["arxiv:2301.00001"]}),
    ("PATCH", "/api/papers/arxiv:2301.00001", {"tags": ["pwned"]}), ("DELETE", "/api/papers/arxiv:2301.00001", None),
    ("POST", "/api/papers/batch", {"keys": ["arxiv:2301.00001"], "saved": False}),
    ("POST", "/api/capture", {"url": "https://arxiv.org/abs/2401.00002", "cards": [], "page": {}}),
    ("GET", "/api/clients", None), ("DELETE", "/api/clients/abc", None),
]


@pytest.mark.parametrize("key", [None, "wrong-key"], ids=["no key", "wrong key"])
def test_an_unconnected_extension_can_neither_read_nor_change_anything(server, key):
    before = library_state(server)
    for origin in (OTHER, FOX):
        for method, path, body in EXTENSION_CALLS:
            status, answer, headers = call(server, method, path, body, origin=origin, key=key)
            assert status == 403, (origin, method, path, status, answer)
            assert "Access-Control-Allow-Origin" not in headers
            assert "2301.00001" not in json.dumps(answer), (method, path)
    assert library_state(server) == before


def test_connecting_gives_a_key_that_works_for_that_extension_only(server):
    key = connect(server, OURS)
    assert call(server, "POST", "/api/status", {"keys": ["arxiv:2301.00001"]}, origin=OURS, key=key)[0] == 200
    assert call(server, "POST", "/api/save", {"keys": ["arxiv:2401.00005"]}, origin=OURS, key=key)[0] == 200
    # The key is bound to the origin it was given to: another extension holding it gets nothing.
    before = library_state(server)
    for method, path, body in EXTENSION_CALLS:
        assert call(server, method, path, body, origin=OTHER, key=key)[0] == 403, path
    assert library_state(server) == before
    # It is kept hashed: clients.json never holds the key itself.
    assert key not in (server.data_dir / "clients.json").read_text("utf-8")


def test_the_key_is_handed_over_once_and_only_to_the_asker(server):
    status, asked, _ = call(server, "POST", "/api/connect", {"name": "PaperShelf"}, origin=OURS)
    # Waiting until the user decides.
    assert call(server, "POST", "/api/connect/poll", {"poll": asked["poll"]}, origin=OURS)[1] == {"state": "waiting"}
    page = raw_request(server, "GET", asked["page"], None, {})[2].decode()
    token = re.search(r'data-token="([^"]+)"', page).group(1)
    assert call(server, "POST", "/api/connect/decide", {"request": asked["request"], "token": token, "allow": True},
                extra=own(server))[0] == 200
    # Another extension with the poll token, or the request id, learns nothing.
    assert call(server, "POST", "/api/connect/poll", {"poll": asked["poll"]}, origin=OTHER)[0] == 404
    assert call(server, "POST", "/api/connect/poll", {"poll": asked["request"]}, origin=OURS)[0] == 404
    status, polled, _ = call(server, "POST", "/api/connect/poll", {"poll": asked["poll"]}, origin=OURS)
    assert status == 200 and polled["key"]
    assert call(server, "POST", "/api/connect/poll", {"poll": asked["poll"]}, origin=OURS)[0] == 404


def test_only_a_click_on_the_backends_own_page_allows(server):
    status, asked, _ = call(server, "POST", "/api/connect", {"name": "PaperShelf"}, origin=OTHER)
    status, headers, page = raw_request(server, "GET", asked["page"], None, {})
    # The page cannot be framed (no clickjacking of Allow) and runs no script but its own.
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    token = re.search(r'data-token="([^"]+)"', page.decode()).group(1)
    decide = {"request": asked["request"], "token": token, "allow": True}
    for who in ({"Origin": OTHER}, {"Origin": "https://evil.example"}, {"Origin": "null"}, {},
                {"Origin": server.url, "Sec-Fetch-Site": "cross-site"}):
        status, answer, _ = call(server, "POST", "/api/connect/decide", decide, extra=who)
        assert status == 403, (who, answer)
    # The asking extension itself cannot allow itself, even with the page's token.
    assert call(server, "POST", "/api/connect/decide", decide, origin=OTHER)[0] == 403
    # Without the page's token, the own origin cannot either.
    assert call(server, "POST", "/api/connect/decide", {**decide, "token": "guess"}, extra=own(server))[0] == 404
    assert call(server, "POST", "/api/connect/poll", {"poll": asked["poll"]}, origin=OTHER)[1] == {"state": "waiting"}


def test_web_pages_cannot_ask_and_asking_is_bounded(server):
    status, answer, _ = call(server, "POST", "/api/connect", {"name": "x"}, origin="https://evil.example")
    assert status == 403 and answer["error"]["code"] == "bad_origin"
    assert call(server, "POST", "/api/connect", {"name": "x"})[0] == 403  # no Origin: not an extension
    statuses = [call(server, "POST", "/api/connect", {"name": "spam" * 100}, origin=OTHER)[0] for _ in range(20)]
    assert statuses.count(200) == 16 and set(statuses[16:]) == {429}
    # The name is shown as text, bounded.
    status, asked, _ = call(server, "POST", "/api/connect", {"name": "<b>x</b>"}, origin=OURS)
    assert status == 429


def test_the_name_is_text_on_the_page(server):
    status, asked, _ = call(server, "POST", "/api/connect", {"name": '<img src=x onerror="alert(1)">'}, origin=OTHER)
    page = raw_request(server, "GET", asked["page"], None, {})[2].decode()
    assert "<img" not in page and "&lt;img" in page


def test_connected_extensions_are_listed_and_revoked_on_the_library_page_only(server):
    key = connect(server, OURS)
    connect(server, FOX, name="PaperShelf (Firefox)")
    status, listing, _ = call(server, "GET", "/api/clients", extra={"Sec-Fetch-Site": "same-origin"})
    assert status == 200 and [c["origin"] for c in listing["clients"]] == [OURS, FOX]
    assert key not in json.dumps(listing)
    ours = listing["clients"][0]["id"]
    # Not from an extension (even a connected one), not from the web.
    for who in ({"Origin": OURS, "X-PaperShelf-Key": key}, {"Origin": "https://evil.example"}):
        assert call(server, "DELETE", f"/api/clients/{ours}", extra=who)[0] == 403
    assert call(server, "GET", "/api/clients", extra={"Sec-Fetch-Site": "cross-site"})[0] == 403
    status, revoked, _ = call(server, "DELETE", f"/api/clients/{ours}", extra=own(server))
    assert status == 200 and revoked["origin"] == OURS
    assert call(server, "POST", "/api/status", {"keys": []}, origin=OURS, key=key)[0] == 403


def test_keys_survive_a_restart(server):
    key = connect(server, OURS)
    server.stop()
    server.start()
    assert call(server, "GET", "/api/health", origin=OURS, key=key)[0] == 200
