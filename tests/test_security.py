"""Playing the attacker against a real server: every trick is refused and the library is unchanged.

Any web page can make the browser send requests to 127.0.0.1; these are the requests such a
page (or a DNS-rebinding attacker) can produce.
"""

from __future__ import annotations

import http.client
import json

import pytest
from support import LiveServer

SAVE = json.dumps({"keys": ["arxiv:2401.00001"]}).encode()


def raw_request(server, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    """A request with exactly these headers (urllib would add its own)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    h = {"Host": f"127.0.0.1:{server.port}", **(headers or {})}
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for k, v in h.items():
        conn.putheader(k, v)
    if body is not None:
        conn.putheader("Content-Length", str(len(body)))
    conn.endheaders(body)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, dict(r.getheaders()), data


def library_state(server):
    status, answer = server.api("GET", "/api/papers?saved=all&limit=1000")
    assert status == 200
    return answer["papers"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # One server for the module: every attack must leave it exactly as it was anyway.
    live = LiveServer(tmp_path_factory.mktemp("security")).start()
    status, _ = live.api("POST", "/api/save", json={"keys": ["arxiv:2301.00001"]})
    assert status == 200
    yield live
    live.stop()


ATTACKS = {
    # fetch(url, {method: "POST", body}) from a web page: a "simple" request, no preflight.
    "cross-origin text/plain POST": ("POST", "/api/save", SAVE,
                                     {"Content-Type": "text/plain", "Origin": "https://evil.example"}),
    # <form method=post action=http://127.0.0.1:PORT/api/save> auto-submitted.
    "form POST": ("POST", "/api/save", b"keys=arxiv%3A2401.00001",
                  {"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example"}),
    # Even with the client header (which a browser would only send after a preflight), a web origin is refused.
    "web Origin with the client header": ("POST", "/api/save", SAVE,
                                          {"Content-Type": "application/json", "Origin": "https://evil.example",
                                           "X-PaperShelf-Client": "evil/1"}),
    "opaque null Origin": ("POST", "/api/save", SAVE,
                           {"Content-Type": "application/json", "Origin": "null", "X-PaperShelf-Client": "evil/1"}),
    # DNS rebinding: evil.example resolves to 127.0.0.1, so the request is same-origin for the page.
    "forged Host": ("POST", "/api/save", SAVE,
                    {"Host": "evil.example", "Content-Type": "application/json", "X-PaperShelf-Client": "evil/1"}),
    # <img src=http://127.0.0.1:PORT/api/save?keys=...>: state changes are never GET.
    "GET that tries to change state": ("GET", "/api/save?keys=arxiv:2401.00001", None,
                                       {"X-PaperShelf-Client": "evil/1"}),
    "GET delete": ("GET", "/api/papers/arxiv:2301.00001?method=DELETE", None, {}),
    "no client header": ("POST", "/api/save", SAVE, {"Content-Type": "application/json"}),
    "wrong content type with the header": ("POST", "/api/save", SAVE,
                                           {"Content-Type": "text/plain", "X-PaperShelf-Client": "x/1"}),
    "oversized body": ("POST", "/api/capture",
                       json.dumps({"cards": ["<article>" + "x" * (17 * 1024 * 1024) + "</article>"]}).encode(),
                       {"Content-Type": "application/json", "X-PaperShelf-Client": "x/1"}),
    "delete from a web origin": ("DELETE", "/api/papers/arxiv:2301.00001", None,
                                 {"Origin": "https://evil.example", "X-PaperShelf-Client": "x/1"}),
}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_attacks_are_refused_and_change_nothing(server, attack):
    before = library_state(server)
    method, path, body, headers = ATTACKS[attack]
    try:
        status, _, data = raw_request(server, method, path, body, headers)
    except (ConnectionResetError, BrokenPipeError):
        status, data = 413, b""  # the server may close the socket on an oversized body: refused too
    assert 400 <= status < 500, (attack, status, data[:200])
    if data:
        assert json.loads(data)["error"]["message"]
    assert library_state(server) == before


def test_the_papers_detail_refuses_gets_that_look_like_changes(server):
    # GET of a paper never deletes it, whatever the query says (checked above); and it is still there.
    status, paper = server.api("GET", "/api/papers/arxiv:2301.00001")
    assert status == 200 and paper["saved"] is True


def test_no_origin_is_granted_cors(server):
    """flask-cors grants nothing: not to web pages, not to extensions (ours needs no CORS: its
    worker has host_permissions for 127.0.0.1; other extensions must get nothing)."""
    ask = {"Access-Control-Request-Method": "POST",
           "Access-Control-Request-Headers": "content-type,x-papershelf-client"}
    for origin in ("chrome-extension://abcdefghijklmnopabcdefghijklmnop",
                   "moz-extension://1b2c3d4e-0000-4000-8000-123456789abc", "https://evil.example"):
        status, headers, _ = raw_request(server, "OPTIONS", "/api/save", None, {"Origin": origin, **ask})
        assert "Access-Control-Allow-Origin" not in headers, origin
        status, headers, _ = raw_request(server, "POST", "/api/status", b'{"keys": ["arxiv:2301.00001"]}',
                                         {"Origin": origin, "Content-Type": "application/json",
                                          "X-PaperShelf-Client": "papershelf-extension/0.1.0"})
        assert status == 403 and "Access-Control-Allow-Origin" not in headers, origin


def test_the_library_page_own_origin_may_change_things(server):
    page_headers = {"Origin": server.url, "Content-Type": "application/json", "X-PaperShelf-Client": "library-page/0.1.0"}
    mine = json.dumps({"keys": ["arxiv:2301.00001"]}).encode()
    status, _, _ = raw_request(server, "POST", "/api/unsave", mine, page_headers)
    assert status == 200 and server.api("GET", "/api/papers/arxiv:2301.00001")[1]["saved"] is False
    status, _, _ = raw_request(server, "POST", "/api/save", mine, page_headers)
    assert status == 200 and server.api("GET", "/api/papers/arxiv:2301.00001")[1]["saved"] is True


def test_localhost_and_ipv6_loopback_names_are_accepted(server):
    for host in (f"localhost:{server.port}", f"[::1]:{server.port}", f"127.0.0.1:{server.port}"):
        status, _, _ = raw_request(server, "GET", "/api/health", None, {"Host": host, "X-PaperShelf-Client": "t/1"})
        assert status == 200, host


def test_the_server_listens_on_loopback_only(server):
    assert "http://127.0.0.1:" in server.output
