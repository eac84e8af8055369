"""Hostile files and requests against a real server: each gets a 4xx naming the problem, the
server stays small and responsive, and the library is unchanged."""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc

import pytest
from support import LiveServer

from papershelf.formats import FormatError, import_text

TEXT = {"Content-Type": "text/plain; charset=utf-8"}


def macro_bomb(levels: int = 40) -> str:
    """Each @string doubles the one before: 2**levels characters from about 40 bytes a level."""
    lines = ['@string{m0 = "ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha "}']
    lines += [f"@string{{m{i} = m{i - 1} # m{i - 1}}}" for i in range(1, levels)]
    lines.append(f"@misc{{bomb, title = m{levels - 1}}}")
    return "\n".join(lines) + "\n"


def vm_hwm_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))


def test_a_bibtex_macro_bomb_is_refused_in_memory_proportional_to_the_file():
    # 20 levels: 50 MB expanded from 1 KB (enough to exceed 50 x N; more would only hurt the
    # machine on code without the bound: the CLI test below runs the full bomb under a limit).
    text = macro_bomb(20)
    assert len(text) < 1500
    tracemalloc.start()
    try:
        with pytest.raises(FormatError, match="@string macros expand"):
            import_text(text, "bibtex")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak <= 50 * len(text) + 3_000_000, peak  # 50 x N + a constant


def test_every_bibtex_file_imports_in_memory_proportional_to_its_size():
    # Legitimate macro use: one journal macro named in every entry, 2,000 entries.
    head = '@string{jmlr = "Journal of Machine Learning Research, Volume Forty-Two, Issue Seven"}\n'
    body = "".join(f"@article{{k{i}, title = {{Paper {i}}}, journal = jmlr # jmlr}}\n" for i in range(2000))
    text = head + body
    tracemalloc.start()
    try:
        result = import_text(text, "bibtex")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(result.papers) == 2000
    assert peak <= 50 * len(text) + 2_000_000, (peak, len(text))


def test_the_server_refuses_a_macro_bomb_with_a_4xx_and_stays_small(live_server):
    before = vm_hwm_kib(live_server.proc.pid)
    text = macro_bomb(20)  # 50 MB expanded from 1 KB (48 levels grew the server to 24 GB before)
    status, body = live_server.api("POST", "/api/import?format=bibtex", body=text.encode(), headers=TEXT)
    assert status == 400, body
    assert "@string macros" in body["error"]["message"]
    assert vm_hwm_kib(live_server.proc.pid) - before < 50_000  # KiB: nothing near the bomb's size
    assert live_server.api("GET", "/api/health")[1]["papers"] == 0


def test_the_cli_refuses_a_macro_bomb_in_one_line(tmp_path):
    bomb = tmp_path / "bomb.bib"
    bomb.write_text(macro_bomb(48))
    # Under a 1 GB address-space limit, so that a regression fails here instead of eating the machine.
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)); "
    run = limit + "import sys; from papershelf.cli import main; sys.exit(main())"
    result = subprocess.run([sys.executable, "-c", run, "import", str(bomb), "--data", str(tmp_path / "lib")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    line = result.stderr.strip()
    assert "\n" not in line and "bomb.bib" in line and "@string macros" in line, line


# --- the Host header ---------------------------------------------------------------------------


def test_a_host_naming_another_port_is_refused(live_server):
    from test_security import raw_request

    for host in (f"127.0.0.1:{live_server.port + 1}", f"localhost:{live_server.port + 1}",
                 f"[::1]:{live_server.port + 1}", "127.0.0.1", "localhost:80"):
        status, _, data = raw_request(live_server, "GET", "/api/health", None,
                                      {"Host": host, "X-PaperShelf-Client": "t/1"})
        assert status == 403, (host, status)
        assert "port" in json.loads(data)["error"]["message"]
    status, _, _ = raw_request(live_server, "GET", "/api/health", None,
                               {"Host": f"127.0.0.1:{live_server.port}", "X-PaperShelf-Client": "t/1"})
    assert status == 200


def test_missing_papers_are_a_not_found_error(api):
    from papershelf import api as api_module
    from papershelf.errors import NotFound

    for method in ("get", "delete"):
        r = getattr(api, method)("/api/papers/arxiv:2401.99999")
        assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
    r = api.patch("/api/papers/arxiv:2401.99999", {"note": "x"})
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
    assert api_module.NotFound is NotFound  # the routes raise the error type, not BadRequest(..., 404)


# --- bad input is a 4xx, never a 500 ---------------------------------------------------------------

NESTED = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("method, path", [("POST", "/api/capture"), ("POST", "/api/save"), ("POST", "/api/status"),
                                          ("PATCH", "/api/papers/arxiv:2401.00001"), ("POST", "/api/export"),
                                          ("POST", "/api/papers/batch"), ("POST", "/api/import")])
def test_deeply_nested_json_is_a_400(api, method, path):
    r = api.call(method, path, data=NESTED, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.data[:300]
    assert r.get_json()["error"]["message"]


SURROGATE = "\\ud800"  # a JSON escape for a lone surrogate: valid JSON, not encodable text


@pytest.mark.parametrize("method, path, raw", [
    ("POST", "/api/save", '{"keys": ["arxiv:2401.00001%s"]}' % SURROGATE),
    ("POST", "/api/status", '{"keys": ["%s"]}' % SURROGATE),
    ("POST", "/api/capture", '{"url": "https://arxiv.org/abs/2401.00002", "capture_id": "c%s", "page": {"meta": '
                             '[["citation_title", "T%s"], ["citation_arxiv_id", "2401.00002"]]}}' % (SURROGATE, SURROGATE)),
    ("PATCH", "/api/papers/arxiv:2401.00002", '{"%s": 1}' % SURROGATE),
    ("PATCH", "/api/papers/arxiv:2401.00002", '{"note": "n%s", "tags": ["t%s"]}' % (SURROGATE, SURROGATE)),
    ("POST", "/api/papers/batch", '{"keys": ["arxiv:2401.00002", "%s"], "add_tags": ["a%s"]}' % (SURROGATE, SURROGATE)),
    ("POST", "/api/export", '{"format": "bib%s"}' % SURROGATE),
    ("POST", "/api/import", '{"format": "papershelf", "schema": 1, "papers": [{"title": "A%s", "arxiv_id": "2401.00003", '
                            '"first_seen": "%s", "added_at": "%s", "saved_at": "%s", "sources": [{"site": "%s", "url": "x"}]}]}'
     % ((SURROGATE,) * 5)),
])
def test_lone_surrogates_are_never_echoed_nor_journalled(api, library, method, path, raw):
    api.post("/api/capture", {"url": "https://arxiv.org/abs/2401.00002",
                              "page": {"meta": [["citation_title", "T"], ["citation_arxiv_id", "2401.00002"]]}})
    r = api.call(method, path, data=raw, headers={"Content-Type": "application/json"})
    assert r.status_code < 500, r.data[:300]
    r.data.decode("utf-8")  # the answer is valid UTF-8
    # The journal is still readable: every line decodes, and the library opens again.
    for line in library.journal_path.read_bytes().splitlines():
        json.loads(line.decode("utf-8"))
    assert api.get("/api/health").status_code == 200


def test_1e400_in_hf_data_props_skips_nothing():
    from support import FIXTURES

    from papershelf.parsing import parse
    from papershelf.parsing.page import parts_from_html

    html = (FIXTURES / "hf_daily_with_props.html").read_text("utf-8")
    url = "https://huggingface.co/papers/date/2025-10-29"
    good = parse(parts_from_html(url, html))
    hostile = html.replace("&quot;upvotes&quot;:", "&quot;upvotes&quot;:1e400,&quot;x&quot;:", 1)
    assert hostile != html
    page = parts_from_html(url, hostile)
    assert "1e400" in page.props
    bad = parse(page)
    assert [p.paper.key for p in bad.papers] == [p.paper.key for p in good.papers]
    assert len(good.papers) >= 5
    # The same number arriving already decoded (the extension sends data-props as JSON): inf.
    page.props = json.loads(page.props)
    assert [p.paper.key for p in parse(page).papers] == [p.paper.key for p in good.papers]


def test_an_overlong_search_or_filter_is_refused_in_one_line(live_server):
    ok, found = live_server.api("GET", "/api/papers?saved=all&q=" + "planning+" * 111)  # 999 characters
    assert ok == 200 and found["total"] == 0
    for path in ("/api/papers?saved=all&q=", "/api/papers/keys?q=", "/api/export?format=json&q=",
                 "/api/papers?tag=", "/api/papers?source=", "/api/export?format="):
        status, body = live_server.api("GET", path + "q" * 200_000)  # a URL waitress still takes
        assert status == 400, (path, status)
        message = body["error"]["message"]
        assert "200,000 characters long; at most 1,000" in message and len(message) < 100, message
    status, body = live_server.api("GET", "/api/papers?q=" + "+".join(f"w{i}" for i in range(41)))
    assert status == 400 and "at most 40 different words" in body["error"]["message"]
    assert live_server.api("GET", "/api/papers?q=" + "+".join(f"w{i % 40}" for i in range(80)))[0] == 200
    status, body = live_server.api("GET", "/api/papers?" + "&".join(f"tag=t{i}" for i in range(101)))
    assert status == 400 and "at most 100 tag filters" in body["error"]["message"]
    status, body = live_server.api("POST", "/api/export", {"format": "json", "q": "q" * 1001})
    assert status == 400 and "the search is 1,001 characters long" in body["error"]["message"]
    assert live_server.api("GET", "/api/health")[1]["papers"] == 0  # still answering, nothing changed
