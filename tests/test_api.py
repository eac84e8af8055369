"""The JSON API: every route of DESIGN.md's table, and bad input that changes nothing."""

from __future__ import annotations

import json

import pytest
from support import FIXTURES, seed_text

from papershelf.parsing.page import parts_from_html


def capture_body(fixture: str, url: str) -> dict:
    """What the extension sends for a page: cards, the props blob and the meta tags."""
    page = parts_from_html(url, (FIXTURES / fixture).read_text("utf-8"))
    return {"url": url, "cards": page.cards, "page": {"props": page.props, "meta": [list(m) for m in page.meta]}}


HF_SEARCH = ("hf_search_with_props.html", "https://huggingface.co/papers?q=agents")
ARXIV_NEW = ("arxiv_list_new.html", "https://arxiv.org/list/cs.LG/new")


def test_health_counts_papers(api):
    r = api.get("/api/health")
    assert r.status_code == 200
    assert r.json["ok"] is True and r.json["papers"] == 0 and r.json["version"]


def test_capture_answers_per_card_and_records_seen(api, clock):
    body = capture_body(*ARXIV_NEW)
    r = api.post("/api/capture", body)
    assert r.status_code == 200
    papers = r.json["papers"]
    assert papers and [p["index"] for p in papers] == sorted(p["index"] for p in papers)
    assert all(p["key"].startswith("arxiv:") and p["title"] and p["seen_count"] == 1 and not p["saved"] for p in papers)
    again = api.post("/api/capture", body).json["papers"]
    assert [p["seen_count"] for p in again] == [1] * len(papers)  # the same day: views count once a day
    clock.next_day()
    again = api.post("/api/capture", body).json["papers"]
    assert [p["seen_count"] for p in again] == [2] * len(papers)
    assert api.get("/api/health").json["papers"] == len({p["key"] for p in papers})


def test_save_unsave_and_status(api):
    keys = [p["key"] for p in api.post("/api/capture", capture_body(*HF_SEARCH)).json["papers"]]
    assert len(keys) >= 2
    saved = api.post("/api/save", {"keys": keys[:2]}).json
    assert saved["saved"] == keys[:2]
    status = api.post("/api/status", {"keys": keys[:3] + ["arxiv:9999.99999"]}).json["status"]
    assert [status[k]["saved"] for k in keys[:3]] == [True, True, False]
    assert status["arxiv:9999.99999"] == {"saved": False, "tags": [], "seen_count": 0}
    # Save and unsave answer with the fresh status of what they changed (no second request).
    assert saved["status"] == {k: status[k] for k in keys[:2]}
    unsaved = api.post("/api/unsave", {"keys": [keys[0]]}).json
    assert unsaved["unsaved"] == [keys[0]] and unsaved["status"][keys[0]]["saved"] is False
    assert api.get("/api/health").json["saved"] == 1


def test_save_a_whole_page_parses_and_saves_it(api):
    r = api.post("/api/save", capture_body(*ARXIV_NEW))
    assert r.status_code == 200 and len(r.json["saved"]) >= 3
    listed = api.get("/api/papers?saved=1&limit=1000").json
    assert listed["total"] == len(r.json["saved"])


def test_text_listing_capture_reads_a_seed_file(api):
    r = api.post("/api/capture", {"url": "", "text": seed_text("000_")})
    titles = [p["title"] for p in r.json["papers"]]
    assert "Behavior Retrieval: Few-Shot Imitation Learning by Querying Unlabeled Datasets" in titles
    assert not any(t in ("Subscribe", "Daily Papers") for t in titles)


def test_papers_search_filter_sort_and_paging(api):
    keys = [p["key"] for p in api.post("/api/capture", capture_body(*HF_SEARCH)).json["papers"]]
    api.post("/api/save", {"keys": keys})
    first = api.get(f"/api/papers/{keys[0]}").json
    word = first["title"].split()[0]
    api.patch(f"/api/papers/{keys[0]}", {"tags": ["to-read", "agents"], "note": "look at section 3"})
    found = api.get("/api/papers", query_string={"q": "section 3"}).json
    assert [p["key"] for p in found["papers"]] == [keys[0]]
    assert any(p["key"] == keys[0] for p in api.get("/api/papers", query_string={"q": word.lower()}).json["papers"])
    assert api.get("/api/papers?tag=agents").json["total"] == 1
    by_title = api.get("/api/papers?sort=title&order=asc&limit=1000").json["papers"]
    assert [p["title"].casefold() for p in by_title] == sorted(p["title"].casefold() for p in by_title)
    page1 = api.get("/api/papers?limit=2&offset=0").json
    page2 = api.get("/api/papers?limit=2&offset=2").json
    assert page1["total"] == page2["total"] == len(keys)
    assert not {p["key"] for p in page1["papers"]} & {p["key"] for p in page2["papers"]}


def test_patch_delete_and_undo_by_reimport(api):
    (key,) = [p["key"] for p in api.post("/api/capture", capture_body(*HF_SEARCH)).json["papers"]][:1]
    api.post("/api/save", {"keys": [key]})
    patched = api.patch(f"/api/papers/{key}", {"tags": ["b", "a", "a"], "note": "n", "read": True}).json
    assert (patched["tags"], patched["note"], patched["read"]) == (["a", "b"], "n", True)
    deleted = api.delete(f"/api/papers/{key}").json
    assert api.get(f"/api/papers/{key}").status_code == 404
    backup = {"format": "papershelf", "schema": 1, "papers": [deleted]}
    r = api.post("/api/import?format=json", data=json.dumps(backup), headers={"Content-Type": "application/json"})
    assert r.status_code == 200 and r.json["added"] == 1
    restored = api.get(f"/api/papers/{key}").json
    assert (restored["saved"], restored["tags"], restored["note"], restored["read"]) == (True, ["a", "b"], "n", True)


def test_batch_update_tags_and_read(api):
    keys = [p["key"] for p in api.post("/api/capture", capture_body(*HF_SEARCH)).json["papers"]][:3]
    r = api.post("/api/papers/batch", {"keys": keys, "add_tags": ["x"], "read": True})
    assert r.json["updated"] == keys
    assert api.get("/api/papers?saved=all&tag=x&read=1").json["total"] == 3
    api.post("/api/papers/batch", {"keys": keys[:1], "remove_tags": ["x"]})
    assert api.get("/api/papers?saved=all&tag=x").json["total"] == 2


def test_export_gives_a_named_file_and_filters(api):
    keys = [p["key"] for p in api.post("/api/capture", capture_body(*ARXIV_NEW)).json["papers"]]
    api.post("/api/save", {"keys": keys[:2]})
    r = api.get("/api/export?format=bibtex")
    assert r.status_code == 200
    assert 'attachment; filename="papershelf-' in r.headers["Content-Disposition"]
    assert r.headers["Content-Disposition"].endswith('.bib"')
    assert r.get_data(as_text=True).count("@") == 2 and "archivePrefix" in r.get_data(as_text=True)
    everything = api.get("/api/export?format=json&saved=all").json
    assert len(everything["papers"]) == len(keys)
    chosen = api.get(f"/api/export?format=csv&keys={keys[3]}").get_data(as_text=True)
    assert len(chosen.strip().splitlines()) == 2  # header + the one chosen paper
    api.patch(f"/api/papers/{keys[1]}", {"tags": ["reading-group"]})
    by_tag = api.get("/api/export?format=json&tag=reading-group").json["papers"]
    assert [p["key"] for p in by_tag] == [keys[1]]


def test_stats(api):
    keys = [p["key"] for p in api.post("/api/capture", capture_body(*HF_SEARCH)).json["papers"]]
    api.post("/api/save", {"keys": keys[:2]})
    api.patch(f"/api/papers/{keys[0]}", {"tags": ["rl"]})
    stats = api.get("/api/stats").json
    assert stats["saved"] == 2 and stats["tags"] == [{"tag": "rl", "count": 1}]
    assert sum(w["count"] for w in stats["saved_per_week"]) == 2


BAD_REQUESTS = [
    ("POST", "/api/capture", "not json", 400),
    ("POST", "/api/capture", [1, 2], 400),
    ("POST", "/api/capture", {"url": 5}, 400),
    ("POST", "/api/capture", {"cards": "<article>"}, 400),
    ("POST", "/api/capture", {"cards": [1]}, 400),
    ("POST", "/api/capture", {"page": {"meta": "x"}}, 400),
    ("POST", "/api/status", {"keys": "arxiv:1"}, 400),
    ("POST", "/api/save", {"keys": [None]}, 400),
    ("POST", "/api/unsave", {}, 400),
    ("GET", "/api/papers?limit=abc", None, 400),
    ("GET", "/api/papers?sort=nonsense", None, 400),
    ("GET", "/api/papers?saved=maybe", None, 400),
    ("PATCH", "/api/papers/arxiv:2401.00001", {"tags": "x"}, 400),
    ("PATCH", "/api/papers/arxiv:0000.00000", {"note": "x"}, 404),
    ("GET", "/api/papers/arxiv:0000.00000", None, 404),
    ("DELETE", "/api/papers/arxiv:0000.00000", None, 404),
    ("GET", "/api/export?format=docx", None, 400),
    ("POST", "/api/papers/batch", {"keys": ["a"], "read": "yes"}, 400),
    ("GET", "/api/nothing-here", None, 404),
    ("PUT", "/api/save", {"keys": []}, 405),
]


@pytest.mark.parametrize("method, path, body, status", BAD_REQUESTS)
def test_bad_input_gets_a_4xx_with_a_message_and_stores_nothing(api, method, path, body, status):
    api.post("/api/capture", capture_body(*HF_SEARCH))
    everything = "/api/papers?saved=all&limit=1000"
    before = api.get(everything).json
    if isinstance(body, str):
        r = api.call(method, path, data=body, headers={"Content-Type": "application/json"})
    else:
        r = api.call(method, path, body)
    assert r.status_code == status
    err = r.json["error"]
    assert err["code"] and err["message"]
    assert api.get(everything).json == before


def test_patch_rejects_fields_it_does_not_own(api):
    (key,) = [p["key"] for p in api.post("/api/capture", capture_body(*HF_SEARCH)).json["papers"]][:1]
    r = api.patch(f"/api/papers/{key}", {"title": "hijacked", "saved": True})
    assert r.status_code == 400 and "only tags, note and read" in r.json["error"]["message"]
    assert api.get(f"/api/papers/{key}").json["title"] != "hijacked"


@pytest.mark.parametrize("body, message", [
    (b"\x80\x81\x00\x01\xfe garbage \xff\x00", "UTF-8"),  # no encoding reads it
    (b"\xff\xfe\x00garbage", "recognise"),  # a UTF-16 mark, then nothing of any format
    (b"", "empty"),
    (b"{\"format\": \"papershelf\", \"papers\": [", None),
])
def test_an_unreadable_import_changes_nothing(api, library, body, message):
    api.post("/api/capture", capture_body(*HF_SEARCH))
    before = len(library)
    r = api.post("/api/import?format=json" if message is None else "/api/import", data=body,
                 headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 400
    if message:
        assert message in r.json["error"]["message"]
    assert len(library) == before


def test_all_tags_with_counts(api):
    keys = [p["key"] for p in api.post("/api/capture", capture_body(*HF_SEARCH)).json["papers"]][:3]
    api.post("/api/papers/batch", {"keys": keys, "add_tags": ["common"]})
    api.patch(f"/api/papers/{keys[0]}", {"tags": ["common", "rare"]})
    assert api.get("/api/tags").json["tags"] == [{"tag": "common", "count": 3}, {"tag": "rare", "count": 1}]


def test_export_a_large_selection_by_post(api):
    keys = [p["key"] for p in api.post("/api/capture", capture_body(*ARXIV_NEW)).json["papers"]]
    r = api.post("/api/export", {"format": "json", "keys": keys[:3] + ["arxiv:0000.00000"]})
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    assert sorted(p["key"] for p in r.json["papers"]) == sorted(keys[:3])
    assert api.post("/api/export", {"format": "nope", "keys": keys[:1]}).status_code == 400


def test_search_sees_a_note_added_after_an_earlier_search(api):
    (key,) = [p["key"] for p in api.post("/api/capture", capture_body(*HF_SEARCH)).json["papers"]][:1]
    assert api.get("/api/papers?saved=all&q=zebrafish").json["total"] == 0
    api.patch(f"/api/papers/{key}", {"note": "compare with the zebrafish paper"})
    assert [p["key"] for p in api.get("/api/papers?saved=all&q=zebrafish").json["papers"]] == [key]


def test_saving_a_page_that_lists_a_paper_twice_loses_nothing(api):
    body = capture_body(*ARXIV_NEW)
    key = api.post("/api/capture", body).json["papers"][0]["key"]
    api.patch(f"/api/papers/{key}", {"tags": ["mine"], "note": "keep me"})
    twice = {**body, "cards": [body["cards"][0], body["cards"][0]]}
    r = api.post("/api/save", twice)
    assert r.status_code == 200 and r.json["saved"] == [key]
    assert api.post("/api/save", {"keys": [key, key, key.replace("arxiv:", "https://arxiv.org/abs/")]}).status_code == 200
    paper = api.get(f"/api/papers/{key}").json
    assert paper["saved"] and paper["tags"] == ["mine"] and paper["note"] == "keep me"


def test_a_library_that_cannot_write_answers_with_the_reason(api, library, monkeypatch):
    import errno
    import os

    def disk_full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("papershelf.store.journal.os.write", disk_full)
    r = api.post("/api/save", {"keys": ["arxiv:2501.00001"]})
    monkeypatch.undo()
    assert r.status_code == 507 and "No space left" in r.json["error"]["message"]
    assert len(library) == 0 and os.path.getsize(library.journal_path) == 0


def test_a_repeated_capture_id_is_answered_without_counting_again(api, clock):
    body = {**capture_body(*HF_SEARCH), "capture_id": "tab7-1700000000000-3"}
    first = api.post("/api/capture", body).json
    clock.next_day()  # a day later: only the capture id keeps it from counting
    again = api.post("/api/capture", body).json
    assert again == first and all(p["seen_count"] == 1 for p in first["papers"])
    clock.next_day()
    other = api.post("/api/capture", {**body, "capture_id": "tab7-1700000000000-4"}).json
    assert all(p["seen_count"] == 2 for p in other["papers"])
    assert api.post("/api/capture", {**body, "capture_id": 5}).status_code == 400


def test_lone_surrogates_from_json_are_replaced_not_fatal(api):
    body = capture_body(*ARXIV_NEW)
    body["cards"][0] = body["cards"][0].replace("</dd>", "\ud800</dd>", 1)
    raw = json.dumps(body)  # ensure_ascii: the surrogate travels as the escape \\ud800
    r = api.post("/api/capture", data=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 200 and len(r.json["papers"]) == len(body["cards"])
    key = r.json["papers"][0]["key"]
    r = api.patch(f"/api/papers/{key}", data=json.dumps({"tags": ["a\udfff"], "note": "n\ud800"}),
                  headers={"Content-Type": "application/json"})
    assert r.status_code == 200 and r.json["tags"] == ["a?"] and r.json["note"] == "n?"
    backup = {"format": "papershelf", "schema": 1, "papers": [{"title": "T\ud800", "venue": "V\udc00"}]}
    r = api.post("/api/import?format=json", data=json.dumps(backup), headers={"Content-Type": "application/json"})
    assert r.status_code == 200 and r.json["added"] == 1


def test_capture_limits_skip_cards_with_a_reason(api):
    """A page's scripts can put any number of cards of any size on the page: one capture takes at
    most MAX_CAPTURE_CARDS cards of at most MAX_CARD_CHARS each; the rest come back in `skipped`,
    and nothing of them is stored."""
    from papershelf import api as api_module

    card = ('<dt><a href="/abs/2601.{n:05d}" title="Abstract">arXiv:2601.{n:05d}</a></dt><dd><div class="meta">'
            '<div class="list-title mathjax"><span class="descriptor">Title:</span> Junk paper {n}{pad}</div>'
            '<div class="list-authors"><a href="#">Eve Junk</a></div></div></dd>')
    cards = [card.format(n=n, pad="") for n in range(250)]
    cards[3] = card.format(n=3, pad="x" * (api_module.MAX_CARD_CHARS + 1))
    r = api.post("/api/capture", {"url": "https://arxiv.org/list/cs.LG/new", "cards": cards, "page": {}})
    assert r.status_code == 200, r.get_json()
    answer = r.get_json()
    recorded = {p["index"] for p in answer["papers"]}
    skipped = {s["index"]: s["reason"] for s in answer["skipped"]}
    assert len(recorded) == api_module.MAX_CAPTURE_CARDS - 1
    assert "larger than 64 KB" in skipped[3]
    assert all("more than 200 cards" in skipped[i] for i in range(200, 250))
    assert recorded == set(range(200)) - {3}
    # Indexes are the request's: card 7 is paper 2601.00007.
    assert next(p for p in answer["papers"] if p["index"] == 7)["key"] == "arxiv:2601.00007"
    assert api.get("/api/papers?saved=all&limit=1000").get_json()["total"] == 199
