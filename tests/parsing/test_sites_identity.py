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


# The arXiv abstract page of the ACL paper below, as its citation_* meta give it (arXiv writes
# "Surname, Given" authors); a real pair: NAACL 2021, DOI 10.18653/v1/2021.naacl-main.208, and
# arXiv:2103.08493.
PROMPT_ARXIV = {"url": "https://arxiv.org/abs/2103.08493", "cards": [], "page": {"meta": [
    ["citation_title", "How Many Data Points is a Prompt Worth?"], ["citation_author", "Le Scao, Teven"],
    ["citation_author", "Rush, Alexander M."], ["citation_date", "2021/03/15"],
    ["citation_arxiv_id", "2103.08493"], ["citation_pdf_url", "https://arxiv.org/pdf/2103.08493"]]}}
PROMPT_ACL = ("acl", "acl-2021.naacl-main.208.html")
ACL_DOI = "10.18653/v1/2021.naacl-main.208"


def _acl_row():
    return next(r for r in site_pages.rows() if r["table"] == "acl" and r["file"].endswith(PROMPT_ACL[1]))


def _one_record_with_both_ids(api, key):
    record = api.get(f"/api/papers/{key}").json
    assert record["key"] == "arxiv:2103.08493" and record["doi"] == ACL_DOI
    # Seen on both sites the same day: one view (a paper's seen count grows at most once a day).
    assert {s["site"] for s in record["sources"]} == {"acl", "arxiv"} and record["seen_count"] == 1
    # Each site's own page of the paper is kept, not one abs link for both.
    assert record["links"] == {"acl": "https://aclanthology.org/2021.naacl-main.208/",
                               "arxiv": "https://arxiv.org/abs/2103.08493"}
    assert record["venue"].startswith("Proceedings of the 2021 Conference of the North American")
    assert api.get(f"/api/papers/doi:{ACL_DOI}").json["key"] == "arxiv:2103.08493"  # absorbed: one record
    return record


def test_an_acl_paper_page_keyed_by_doi_and_its_arxiv_preprint_become_one_record(api):
    (acl,) = capture(api, _acl_row())["papers"]
    assert acl["key"] == f"doi:{ACL_DOI}"
    (arx,) = api.post("/api/capture", PROMPT_ARXIV).json["papers"]
    assert arx["key"] == "arxiv:2103.08493"
    _one_record_with_both_ids(api, "arxiv:2103.08493")
    # Its BibTeX is the conference paper's, linking the Anthology page, with both identifiers.
    text = api.get("/api/export?format=bibtex&saved=all").text
    assert text.startswith("@inproceedings{") and "url = {https://aclanthology.org/2021.naacl-main.208/}" in text
    assert f"doi = {{{ACL_DOI}}}" in text and "eprint = {2103.08493}" in text and "pages = {2627--2636}" in text


def test_the_same_pair_seen_the_other_way_round_is_one_record_too(api):
    api.post("/api/capture", PROMPT_ARXIV)
    (acl,) = capture(api, _acl_row())["papers"]
    assert acl["key"] == "arxiv:2103.08493"  # the badge on the Anthology page names the merged record
    _one_record_with_both_ids(api, "arxiv:2103.08493")


def test_the_doi_and_arxiv_records_stay_apart_when_the_first_authors_differ_or_two_dois_fit(api):
    capture(api, _acl_row())
    other = {**PROMPT_ARXIV, "url": "https://arxiv.org/abs/2501.00001", "page": {"meta": [
        ["citation_title", "How Many Data Points is a Prompt Worth?"], ["citation_author", "Other, Ann"],
        ["citation_date", "2021/03/15"], ["citation_arxiv_id", "2501.00001"]]}}
    (p,) = api.post("/api/capture", other).json["papers"]
    assert p["key"] == "arxiv:2501.00001" and api.get(f"/api/papers/doi:{ACL_DOI}").json["key"] == f"doi:{ACL_DOI}"
    # A second DOI record of the title (a journal version, say): the preprint cannot tell which.
    journal = {"url": "https://example.org/journal/prompt", "cards": [], "page": {"meta": [
        ["citation_title", "How many data points is a prompt worth?"], ["citation_author", "Teven Le Scao"],
        ["citation_publication_date", "2022/01/01"], ["citation_doi", "10.9999/journal.prompt"],
        ["citation_journal_title", "Journal of Prompts"]]}}
    api.post("/api/capture", journal)
    (q,) = api.post("/api/capture", PROMPT_ARXIV).json["papers"]
    assert q["key"] == "arxiv:2103.08493" and api.get("/api/papers/arxiv:2103.08493").json["doi"] is None
    assert api.get(f"/api/papers/doi:{ACL_DOI}").json["key"] == f"doi:{ACL_DOI}"
