"""The command line, run as a user would: a real process, real files, one clear line per failure."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from support import FIXTURES, SEEDS, LiveServer, free_port, seed_files


def papershelf(*args, data=None, stdin=None, env=None):
    cmd = [sys.executable, "-m", "papershelf", *args]
    if data is not None:
        cmd += ["--data", str(data)]
    return subprocess.run(cmd, capture_output=True, text=True, input=stdin, timeout=120,
                          env={**os.environ, **(env or {})})


def assert_clean_error(result, *fragments):
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    line = result.stderr.strip()
    assert line.startswith("papershelf: ") and "\n" not in line, line
    for fragment in fragments:
        assert fragment in line, line


def test_parse_prints_json_lines_and_stores_nothing(tmp_path):
    r = papershelf("parse", "--url", "https://arxiv.org/list/cs.LG/new", str(FIXTURES / "arxiv_list_new.html"))
    assert r.returncode == 0, r.stderr
    records = [json.loads(line) for line in r.stdout.splitlines()]
    assert records and all(rec["key"].startswith("arxiv:") and rec["title"] for rec in records)
    assert "saved" not in records[0] and "seen_count" not in records[0]
    assert f"{len(records)} papers (arxiv)" in r.stderr


def test_parse_reads_a_seed_text_listing():
    r = papershelf("parse", str(seed_files()[2]))
    assert r.returncode == 0, r.stderr
    titles = [json.loads(line)["title"] for line in r.stdout.splitlines()]
    assert len(titles) >= 10 and "Subscribe" not in titles


def test_import_export_and_stats_round_trip(tmp_path):
    data = tmp_path / "lib"
    for seed in seed_files():
        r = papershelf("import", str(seed), "--save", data=data)
        assert r.returncode == 0, r.stderr
        assert "added" in r.stdout
    stats = papershelf("stats", data=data)
    assert stats.returncode == 0 and "saved:" in stats.stdout
    out = tmp_path / "all.json"
    r = papershelf("export", "--format", "json", "--out", str(out), data=data)
    assert r.returncode == 0, r.stderr
    backup = json.loads(out.read_text())
    assert backup["papers"] and all(p["saved"] for p in backup["papers"])
    # Into an empty library, and back out: the same papers.
    r = papershelf("import", str(out), data=tmp_path / "copy")
    assert r.returncode == 0 and f"{len(backup['papers'])} added" in r.stdout
    again = papershelf("export", "--format", "json", "--all", data=tmp_path / "copy")
    assert sorted(p["key"] for p in json.loads(again.stdout)["papers"]) == sorted(p["key"] for p in backup["papers"])


def test_export_by_tag_to_stdout(tmp_path):
    data = tmp_path / "lib"
    papershelf("import", str(seed_files()[0]), "--save", data=data)
    tagged = tmp_path / "tagged.json"
    tagged.write_text(json.dumps({"format": "papershelf", "schema": 1, "papers": [
        {"key": "arxiv:2401.00077", "arxiv_id": "2401.00077", "title": "Tagged for the reading group",
         "saved": True, "tags": ["reading-group"]}]}))
    assert papershelf("import", str(tagged), data=data).returncode == 0
    r = papershelf("export", "--format", "bibtex", "--tag", "reading-group", data=data)
    assert r.returncode == 0 and r.stdout.count("@misc{") == 1 and "Tagged for the reading group" in r.stdout
    r = papershelf("export", "--format", "bibtex", "--tag", "nothing-has-this", data=data)
    assert r.returncode == 0 and r.stdout.strip() == ""
    r = papershelf("export", "--format", "markdown", data=data)
    assert r.returncode == 0 and r.stdout.count("\n- ") + r.stdout.startswith("- ") >= 5


@pytest.mark.parametrize("args, fragments", [
    (("parse", "no/such/file.html"), ("no/such/file.html", "no such file")),
    (("import", "no/such/file.bib"), ("no/such/file.bib", "no such file")),
    (("export", "--format", "docx"), ("docx",)),
])
def test_user_mistakes_get_one_clear_line(tmp_path, args, fragments):
    data = tmp_path / "lib"
    papershelf("import", str(seed_files()[0]), data=data)
    assert_clean_error(papershelf(*args, data=data if args[0] != "parse" else None), *fragments)


def test_an_unreadable_import_names_the_file_and_changes_nothing(tmp_path):
    data = tmp_path / "lib"
    papershelf("import", str(seed_files()[0]), data=data)
    before = (data / "library.json").read_bytes()
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "papershelf", "papers": [')
    assert_clean_error(papershelf("import", str(bad), "--format", "json", data=data), str(bad))
    binary = tmp_path / "photo.bib"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff")
    assert_clean_error(papershelf("import", str(binary), data=data), str(binary), "UTF-8")
    assert (data / "library.json").read_bytes() == before


def test_export_of_a_missing_library_says_so(tmp_path):
    assert_clean_error(papershelf("export", "--format", "json", data=tmp_path / "nothing"), "no library here")


def test_an_unreadable_library_is_refused_by_every_command(tmp_path):
    data = tmp_path / "lib"
    papershelf("import", str(seed_files()[0]), data=data)
    snapshot = data / "library.json"
    snapshot.write_bytes(snapshot.read_bytes()[:100])
    damaged = snapshot.read_bytes()
    for args in (("stats",), ("export", "--format", "json"), ("import", str(seed_files()[1]))):
        assert_clean_error(papershelf(*args, data=data), str(snapshot))
    port = free_port()
    assert_clean_error(papershelf("serve", "--port", str(port), data=data), str(snapshot))
    assert snapshot.read_bytes() == damaged


def test_a_library_in_use_by_a_server(tmp_path, live_server):
    # Reading (export, stats) works alongside the server.
    live_server.api("POST", "/api/save", json={"keys": ["arxiv:2401.00001"]})
    r = papershelf("export", "--format", "json", data=live_server.data_dir)
    assert r.returncode == 0 and json.loads(r.stdout)["papers"][0]["key"] == "arxiv:2401.00001"


def papers_of(server) -> dict[str, dict]:
    r = papershelf("export", "--format", "json", "--all", data=server.data_dir)
    assert r.returncode == 0, r.stderr
    return {p["key"]: p for p in json.loads(r.stdout)["papers"]}


def test_import_while_a_server_runs_goes_through_the_server(tmp_path, live_server):
    seed = seed_files()[0]
    r = papershelf("import", str(seed), "--save", data=live_server.data_dir)
    assert r.returncode == 0, r.stderr
    assert f"through the running server at http://127.0.0.1:{live_server.port}" in r.stdout
    added = int(r.stdout.split(": ", 1)[1].split(" added")[0])
    papers = papers_of(live_server)
    assert added > 10 and len(papers) == added and all(p["saved"] for p in papers.values())

    # A file the server cannot read: one line naming the file, nothing changed.
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "papershelf", "papers": [', "utf-8")
    assert_clean_error(papershelf("import", str(bad), "--format", "json", data=live_server.data_dir), str(bad), "JSON")
    assert papers_of(live_server) == papers

    # Without the server's address the library is only "in use": nothing is written.
    (live_server.data_dir / "server.json").unlink()
    assert_clean_error(papershelf("import", str(seed_files()[1]), data=live_server.data_dir), "in use")
    assert papers_of(live_server) == papers


def test_import_never_follows_an_address_it_cannot_trust(tmp_path, live_server, live_server_factory):
    # Another server, on another library, answers where a stale address file points.
    other = live_server_factory(data_dir=tmp_path / "other")
    address = live_server.data_dir / "server.json"
    real = json.loads(address.read_text())
    for forged in (
        {"url": other.url, "pid": real["pid"] + 1},  # left by a killed server: not the lock's holder
        {"url": f"http://127.0.0.1@example.com:{other.port}", "pid": real["pid"]},  # not this machine
        {"url": f"http://{other.url[len('http://'):]}/elsewhere", "pid": real["pid"]},
    ):
        address.write_text(json.dumps(forged))
        assert_clean_error(papershelf("import", str(seed_files()[0]), data=live_server.data_dir), "in use")
    assert papers_of(live_server) == {} and papers_of(other) == {}
    # The real address is used directly, even with a proxy configured (which is not running).
    address.write_text(json.dumps(real))
    proxy = f"http://127.0.0.1:{free_port()}"
    r = papershelf("import", str(seed_files()[0]), data=live_server.data_dir,
                   env={"http_proxy": proxy, "HTTP_PROXY": proxy, "no_proxy": "", "NO_PROXY": ""})
    assert r.returncode == 0 and "through the running server" in r.stdout, r
    assert len(papers_of(live_server)) > 10 and papers_of(other) == {}


def test_the_server_address_is_removed_on_stop_and_a_stale_one_is_ignored(tmp_path):
    data = tmp_path / "lib"
    server = LiveServer(data).start()
    assert json.loads((data / "server.json").read_text())["url"] == f"http://127.0.0.1:{server.port}"
    server.stop()
    assert not (data / "server.json").exists()
    # A server killed outright leaves its address behind; with no server holding the library,
    # import writes the library itself.
    (data / "server.json").write_text(json.dumps({"url": f"http://127.0.0.1:{free_port()}"}))
    r = papershelf("import", str(seed_files()[0]), data=data)
    assert r.returncode == 0 and "through the running server" not in r.stdout, r


def test_serve_on_a_port_in_use_says_what_to_do_and_leaves_no_library(tmp_path, live_server):
    r = papershelf("serve", "--port", str(live_server.port), data=tmp_path / "other")
    assert_clean_error(r, f"port {live_server.port}", "--port")
    assert not (tmp_path / "other").exists()


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "example.org", ""])
def test_serve_listens_only_on_loopback_and_says_why(tmp_path, host):
    r = papershelf("serve", "--host", host, "--port", "0", data=tmp_path / "lib")
    assert r.returncode == 2 and "Traceback" not in r.stderr, r
    assert "not a loopback address" in r.stderr and "only this machine" in r.stderr, r.stderr
    assert not (tmp_path / "lib").exists()


def test_a_data_path_that_is_a_file_is_named_as_one(tmp_path):
    not_a_dir = tmp_path / "library.json"
    not_a_dir.write_text("{}")
    for args in (("serve", "--port", "0"), ("stats",), ("export", "--format", "json"),
                 ("import", str(seed_files()[0]))):
        assert_clean_error(papershelf(*args, data=not_a_dir), str(not_a_dir), "is a file, not a directory")
    assert not_a_dir.read_text() == "{}"


def test_serve_prints_where_it_listens_and_where_the_library_is(tmp_path):
    server = LiveServer(tmp_path / "lib").start()
    try:
        assert f"listening on http://127.0.0.1:{server.port}" in server.output
    finally:
        server.stop()
    assert str(tmp_path / "lib" / "library.json") in server.output
    assert "library saved" in server.output


def test_data_directory_comes_from_the_environment(tmp_path):
    r = papershelf("import", str(seed_files()[0]), env={"PAPERSHELF_DATA": str(tmp_path / "env-lib")})
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "env-lib" / "library.json").exists()


def test_seeds_are_where_the_tests_expect():
    assert len(seed_files()) == 5 and SEEDS.is_dir()


@pytest.mark.parametrize("args, env, fragment", [
    (("serve", "--port", "99999"), {}, "not a port number"),
    (("serve", "--port", "-5"), {}, "not a port number"),
    (("serve", "--host", "bogus.invalid", "--port", "0"), {}, "not a loopback address"),
    (("serve",), {"PAPERSHELF_PORT": "abc"}, "PAPERSHELF_PORT='abc' is not a whole number"),
    (("import", str(seed_files()[0])), {"PAPERSHELF_COMPACT_BYTES": "1MB"}, "PAPERSHELF_COMPACT_BYTES"),
])
def test_bad_settings_get_one_clear_line(tmp_path, args, env, fragment):
    r = papershelf(*args, data=tmp_path / "lib", env=env)
    assert r.returncode == 2 and "Traceback" not in r.stderr and fragment in r.stderr, r.stderr
