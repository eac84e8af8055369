"""The extension in Firefox ESR over WebDriver BiDi, against a real backend: it loads, badges the
cards of HF and arXiv pages served under their real URLs, saves, and keeps captures and saves
in its offline queue while the backend is down."""

from __future__ import annotations

import urllib.parse

import pytest

from .conftest import PAGES, expected_ids, fixture_html

pytestmark = pytest.mark.browser

SETTLED = ("new", "seen", "saved", "error")


def settled(n):
    """n badges whose paper the backend has answered for (recorded, or refused with a reason)."""
    return lambda bs: bs is not None and len(bs) >= n and all(b["state"] in SETTLED and b["recorded"] for b in bs)


def click_badge(ff, paper_id, context=None):
    # A person's click: trusted pointer input at the badge (conftest.Firefox.click_badge).
    ff.click_badge(paper_id, context)


def saved_keys(server):
    status, body = server.api("GET", "/api/papers?saved=1&limit=1000")
    assert status == 200, body
    return {p["key"] for p in body["papers"]}


@pytest.mark.parametrize("name", ["hf_daily_with_props.html", "arxiv_list_new.html", "hf_search_no_props.html"])
def test_badges_appear_and_the_page_is_recorded(ff, name, artifacts):
    ff.navigate(ff.serve(PAGES[name], fixture_html(name)))
    ids = expected_ids(name)
    badges = ff.wait_badges(settled(len(ids)), what=f"badges on {name}")
    assert {b["id"] for b in badges} == ids
    assert all(b["state"] == "new" and b["text"] == "Save" for b in badges)
    for i in ids:
        status, record = ff.server.api("GET", f"/api/papers/{urllib.parse.quote('arxiv:' + i, safe=':')}")
        assert status == 200 and record["seen_count"] == 1
    if name == "hf_daily_with_props.html":
        ff.screenshot(artifacts / "firefox-hf-daily-badged.png")


def test_click_saves_and_unsaves(ff):
    ff.navigate(ff.serve(PAGES["hf_daily_with_props.html"], fixture_html("hf_daily_with_props.html")))
    ff.wait_badges(settled(6), what="badges")
    click_badge(ff, "2506.07982")
    ff.wait_badges(lambda bs: any(b["id"] == "2506.07982" and b["text"] == "✓ Saved" for b in bs), what="✓ Saved")
    assert saved_keys(ff.server) == {"arxiv:2506.07982"}
    click_badge(ff, "2506.07982")
    ff.wait_badges(lambda bs: any(b["id"] == "2506.07982" and b["text"] == "Save" for b in bs), what="Save again")
    assert saved_keys(ff.server) == set()


def test_offline_queue_flushes_when_the_backend_is_back(ff):
    server = ff.server
    server.stop()
    ff.navigate(ff.serve(PAGES["hf_daily_with_props.html"], fixture_html("hf_daily_with_props.html")))
    ff.wait_badges(lambda bs: len(bs) == 6 and all(b["state"] == "queued" for b in bs), what="queued badges")
    click_badge(ff, "2504.06261")
    ff.wait_badges(lambda bs: any(b["id"] == "2504.06261" and b["text"] == "queued ✓" for b in bs), what="queued save")
    server.start()
    badges = ff.wait_badges(lambda bs: len(bs) == 6 and all(b["state"] in ("new", "saved") for b in bs),
                            timeout=45, what="the queue to flush")
    assert {b["id"]: b["state"] for b in badges}["2504.06261"] == "saved"
    assert saved_keys(server) == {"arxiv:2504.06261"}
    for i in expected_ids("hf_daily_with_props.html"):
        status, record = server.api("GET", f"/api/papers/arxiv:{i}")
        assert status == 200 and record["seen_count"] == 1, i


def test_a_save_in_one_tab_updates_the_badge_in_another_tab(ff, artifacts):
    """Two tabs (two BiDi browsing contexts) on the same listing: saving in one changes the badge
    of the same paper in the other, through the worker's broadcast, and back for an unsave."""
    name = "hf_daily_with_props.html"
    url = ff.serve(PAGES[name], fixture_html(name))
    n = len(expected_ids(name))
    ff.navigate(url)
    ff.wait_badges(settled(n), what="badges in the first tab")
    second = ff.new_tab()
    try:
        ff.navigate(url, context=second)
        ff.wait_badges(settled(n), context=second, what="badges in the second tab")
        click_badge(ff, "2504.06261")  # in the first tab
        ff.wait_badges(lambda bs: any(b["id"] == "2504.06261" and b["text"] == "✓ Saved" for b in bs),
                       context=second, what="the second tab's badge to follow the save")
        assert saved_keys(ff.server) == {"arxiv:2504.06261"}
        ff.screenshot(artifacts / "firefox-second-tab-follows.png", context=second)
        click_badge(ff, "2504.06261", context=second)
        ff.wait_badges(lambda bs: any(b["id"] == "2504.06261" and b["text"] == "Save" for b in bs),
                       what="the first tab's badge to follow the unsave")
        assert saved_keys(ff.server) == set()
    finally:
        ff.close_tab(second)
