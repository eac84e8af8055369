"""Formats through a real server: import files over HTTP, export, restore into an empty library."""

from __future__ import annotations

import bibtexparser
from format_samples import DATA

TEXT = {"Content-Type": "text/plain; charset=utf-8"}


def all_papers(server) -> dict[str, dict]:
    status, body = server.api("GET", "/api/papers?saved=all&limit=1000")
    assert status == 200
    out = {}
    for p in body["papers"]:
        p = dict(p)
        p.pop("updated_at", None)
        out[p["key"]] = p
    return out


def test_import_files_then_restore_the_backup_into_an_empty_library(live_server_factory):
    a = live_server_factory()
    status, body = a.api("POST", "/api/import", body=(DATA / "papermemory.json").read_bytes(), headers=TEXT)
    assert status == 200, body
    assert (body["added"], body["merged"]) == (3, 0)
    assert body["skipped"] == [{"item": "paper Website_broken", "reason": "no title, arXiv id or DOI"}]

    status, body = a.api("POST", "/api/import?format=bibtex&save=1", body=(DATA / "others.bib").read_bytes(), headers=TEXT)
    assert status == 200, body
    # LoRA is in both files: merged by its arXiv key, not duplicated.
    assert (body["added"], body["merged"]) == (3, 1)

    status, backup = a.api("GET", "/api/export?format=json&saved=all")
    assert status == 200 and isinstance(backup, dict) and backup["format"] == "papershelf"
    assert backup["count"] == 6

    b = live_server_factory()
    import json

    status, body = b.api("POST", "/api/import", body=json.dumps(backup).encode(), headers=TEXT)
    assert status == 200, body
    assert (body["added"], body["merged"], body["skipped"]) == (6, 0, [])
    assert all_papers(b) == all_papers(a)
    lora = all_papers(b)["arxiv:2106.09685"]
    assert lora["saved"] and lora["tags"] == ["llm", "peft"] and lora["seen_count"] == 7


def test_bibtex_download_parses_and_names_the_file(live_server):
    live_server.api("POST", "/api/import?save=1", body=(DATA / "zotero.ris").read_bytes(), headers=TEXT)
    import urllib.request

    req = urllib.request.Request(live_server.url + "/api/export?format=bibtex", headers={"X-PaperShelf-Client": "tests/1"})
    with urllib.request.urlopen(req, timeout=30) as r:
        disposition = r.headers["Content-Disposition"]
        text = r.read().decode("utf-8")
    assert disposition.startswith("attachment;") and disposition.rstrip('"').endswith(".bib")
    entries = bibtexparser.loads(text).entries
    assert sorted(e["title"] for e in entries) == ["{A Journal Article}", "{LoRA: Low-Rank Adaptation of Large Language Models}"]


def test_an_unreadable_file_changes_nothing(live_server):
    live_server.api("POST", "/api/import", body=b"2401.12345\n", headers=TEXT)
    before = all_papers(live_server)
    status, body = live_server.api("POST", "/api/import?format=bibtex", body=b"@misc{broken, title = {unclosed", headers=TEXT)
    assert status == 400
    assert body["error"]["code"] == "unreadable_file" and "BibTeX" in body["error"]["message"]
    assert all_papers(live_server) == before
