"""Identity across sites, through the real API and library: papers from sites that carry no arXiv
id join the record of the same work by title when year and first author agree (the store's title
rule, papers.same_work), keep every site they were seen on, and an id found on the page wins."""

from __future__ import annotations

import sys

from support import FIXTURES

from papershelf.parsing.page import parts_from_html

sys.path.insert(0, str(FIXTURES))
import site_pages  # noqa: E402

ROWS = {(r["table"], r["file"]): r for r in site_pages.rows()}


def capture(api, row, cards=None):
    parts = parts_from_html(row["url"], site_pages.html(row))
    body = {"url": row["url"], "cards": parts.cards if cards is None else cards,
            "page": {"meta": parts.meta, **({"props": parts.props} if parts.props is not None else {})}}
    answer = api.post("/api/capture", body)
    assert answer.status_code == 200, answer.json
    return answer.json


def test_an_acl_list_entry_joins_the_record_its_paper_page_keyed_by_doi(api, clock):
    page = capture(api, ROWS[("acl", "paper_backpack.html")])
    clock.next_day()  # views count once a day
    assert [p["key"] for p in page["papers"]] == ["doi:10.18653/v1/2023.acl-long.506"]
    listing = capture(api, ROWS[("acl", "volume_2023_acl_long.html")])
    keys = {p["title"]: p["key"] for p in listing["papers"]}
    assert keys["Backpack Language Models"] == "doi:10.18653/v1/2023.acl-long.506"
    record = api.get("/api/papers/doi:10.18653/v1/2023.acl-long.506").json
    assert record["seen_count"] == 2 and record["venue"].startswith("Proceedings of the 61st")
    assert {s["url"] for s in record["sources"]} == {ROWS[("acl", "paper_backpack.html")]["url"],
                                                       ROWS[("acl", "volume_2023_acl_long.html")]["url"]}


def test_an_openreview_forum_joins_the_arxiv_record_and_a_namesake_of_another_year_does_not(api, clock):
    arxiv = site_pages.rows()
    recent = next(r for r in arxiv if r["file"] == "arxiv_list_recent.html")
    capture(api, recent)
    clock.next_day()  # views count once a day
    forum = next(r for r in arxiv if r["file"] == "openreview_forum.html")
    (p,) = capture(api, forum)["papers"]
    assert p["key"] == "arxiv:2403.08715" and p["seen_count"] == 2
    record = api.get("/api/papers/arxiv:2403.08715").json
    assert {s["site"] for s in record["sources"]} == {"arxiv", "openreview"}
    # The same title from a venue years later, by another first author: another work.
    late = {"url": "https://openreview.net/forum?id=later00001", "cards": [], "page": {"meta": [
        ["citation_title", record["title"]], ["citation_author", "Zed Other"],
        ["citation_publication_date", "2031/01/01"]]}}
    (q,) = api.post("/api/capture", late).json["papers"]
    assert q["key"] != "arxiv:2403.08715" and q["key"].startswith("title:")


def test_a_listed_acl_paper_carries_its_volume_as_venue(api):
    listing = capture(api, ROWS[("acl", "volume_2023_acl_long.html")])
    key = next(p["key"] for p in listing["papers"] if p["title"].startswith("What the DAAM"))
    record = api.get(f"/api/papers/{key}").json
    assert record["venue"] == ("Proceedings of the 61st Annual Meeting of the Association for Computational "
                               "Linguistics (Volume 1: Long Papers)")
    assert record["published"] == "2023"
