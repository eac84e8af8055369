"""The library page for a daily user with a big library (issue #12's library points), in Chromium:
select everything a search matches across pages, a compact density that shows a screenful of
papers, and an empty result that says where the matches are."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def api_papers(server, query: str) -> dict:
    status, body = server.api("GET", f"/api/papers?{query}")
    assert status == 200, body
    return body


def test_select_all_matching_reaches_every_page_and_a_batch_tags_them_all(shelf, make_paper, open_library, page):
    papers = [make_paper(i, title=f"Diffusion study {i:03d}") for i in range(1, 61)]
    papers += [make_paper(100 + i, title=f"Unrelated work {i}") for i in range(1, 6)]
    server = shelf(papers)
    open_library(server, "?limit=25")
    page.locator("#q").press_sequentially("diffusion")
    expect(page.locator("#summary")).to_contain_text("1–25 of 60 saved papers matching")
    offer = page.locator("#sel-all-matching")
    expect(offer).to_be_hidden()

    page.locator("#select-page").check()
    expect(page.locator("#selection-count")).to_have_text("25 selected")
    expect(offer).to_have_text("Select all 60 matching")
    offer.click()
    expect(page.locator("#selection-count")).to_have_text("60 selected")
    expect(offer).to_be_hidden()

    page.locator("#sel-tag").fill("diffusion")
    page.locator("#sel-add-tag").click()
    expect(page.locator(".toast").last).to_contain_text("60 papers")
    tagged = api_papers(server, "tag=diffusion&limit=1000")
    assert tagged["total"] == 60
    assert all(p["title"].startswith("Diffusion study") for p in tagged["papers"])

    # The same selection, exported: one file with all 60 (the page showed 25 of them).
    page.select_option("#export-format", "bibtex")
    with page.expect_download() as info:
        page.locator("#sel-export").click()
    body = open(info.value.path(), encoding="utf-8").read()
    assert body.count("\n@") + body.startswith("@") == 60 and "Unrelated" not in body

    # And deleted, all 60 in one go; Undo puts them back with their tags and dates.
    before = {p["key"]: p for p in tagged["papers"]}
    page.locator("#sel-delete").click()
    toast = page.locator(".toast", has_text="Deleted 60 papers.")
    expect(toast).to_be_visible()
    expect(page.locator("#selection-count")).to_have_text("0 selected")
    expect(page.locator("#empty")).to_be_visible()
    assert api_papers(server, "saved=all&limit=0")["total"] == 5
    toast.get_by_role("button", name="Undo").click()
    expect(page.locator(".toast", has_text="Restored 60 papers.")).to_be_visible()
    expect(page.locator("#summary")).to_contain_text("1–25 of 60 saved papers matching")
    after = {p["key"]: p for p in api_papers(server, "tag=diffusion&limit=1000")["papers"]}
    assert after.keys() == before.keys()
    assert all(after[k]["saved_at"] == before[k]["saved_at"] and after[k]["tags"] == before[k]["tags"] for k in after)


def test_a_batch_on_more_papers_than_one_request_takes_goes_in_slices(shelf, make_paper, open_library, page):
    # 5,020 matching: more than the 5,000 keys the server takes in one request (api.py MAX_KEYS).
    server = shelf([make_paper(i, title=f"Bulk paper {i}", abstract="", authors=["A B"]) for i in range(1, 5021)])
    open_library(server)
    page.locator("#select-page").check()
    page.locator("#sel-all-matching").click()
    expect(page.locator("#selection-count")).to_have_text("5,020 selected")
    page.locator("#sel-tag").fill("bulk")
    page.locator("#sel-add-tag").click()
    expect(page.locator(".toast", has_text="Tagged “bulk” on")).to_contain_text("5,020 papers", timeout=60_000)
    assert api_papers(server, "tag=bulk&limit=0")["total"] == 5020
    page.select_option("#export-format", "json")
    with page.expect_download(timeout=60_000) as info:
        page.locator("#sel-export").click()
    body = open(info.value.path(), encoding="utf-8").read()
    assert body.count('"title":"Bulk paper ') == 5020 and '"count": 5020' in body, body[:300]


def test_the_keys_route_answers_every_match_in_list_order(shelf, make_paper):
    server = shelf([make_paper(i, title=f"Paper {i:02d}") for i in range(1, 31)])
    status, body = server.api("GET", "/api/papers/keys?q=paper&sort=title&order=desc")
    assert status == 200
    titles = {p["key"]: p["title"] for p in api_papers(server, "limit=1000")["papers"]}
    assert body["total"] == 30 and [titles[k] for k in body["keys"]] == [f"Paper {i:02d}" for i in range(30, 0, -1)]
    status, body = server.api("GET", "/api/papers/keys?sort=nonsense")
    assert status == 400 and "unknown sort" in body["error"]["message"]


def test_the_delete_route_deletes_a_selection_and_refuses_bad_input_whole(shelf, make_paper):
    server = shelf([make_paper(i, title=f"Paper {i:02d}") for i in range(1, 6)])
    for bad in ({"keys": "arxiv:2601.10001"}, {"keys": [1, 2]}, {"keys": ["k"] * 5001}, {}):
        status, body = server.api("POST", "/api/papers/delete", json=bad)
        assert status == 400 and body["error"]["message"], bad
    assert api_papers(server, "limit=0")["total"] == 5
    status, body = server.api("POST", "/api/papers/delete",
                              json={"keys": ["arxiv:2601.10001", "arxiv:2601.10001", "arXiv:2601.10002v3", "arxiv:9999.99999"]})
    assert status == 200 and [p["key"] for p in body["deleted"]] == ["arxiv:2601.10001", "arxiv:2601.10002"]
    assert body["deleted"][0]["title"] == "Paper 01" and body["deleted"][0]["saved_at"]
    assert api_papers(server, "limit=0")["total"] == 3


def test_compact_density_shows_a_screenful_and_is_remembered(shelf, make_paper, open_library, page):
    server = shelf([make_paper(i, title=f"A fairly long paper title about topic number {i} and its consequences",
                               tags=["to-read", "vision"] if i % 3 == 0 else []) for i in range(1, 41)])
    page.set_viewport_size({"width": 1440, "height": 900})
    open_library(server)

    def rows_on_screen() -> int:
        # After two frames: until content-visibility has laid a row out, its box is a placeholder
        # size, not the one a person sees.
        return page.evaluate("""() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() =>
            done([...document.querySelectorAll('#papers > li.paper')]
              .filter((li) => { const r = li.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })
              .length))))""")

    comfortable = rows_on_screen()
    page.locator("#compact").check()
    page.wait_for_function("() => document.body.classList.contains('compact')")
    compact = rows_on_screen()
    assert compact >= 12 and compact > 2 * comfortable, (comfortable, compact)
    # One line per paper: the title is cut with an ellipsis rather than wrapped.
    heights = page.evaluate("[...document.querySelectorAll('#papers > li.paper')].slice(0, 5).map((li) => li.getBoundingClientRect().height)")
    assert max(heights) < 40, heights
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "library-compact.png"))  # the screen a person sees

    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("#compact").is_checked()
    assert rows_on_screen() >= 12


def test_compact_density_is_usable_400_px_wide(shelf, make_paper, open_library, page):
    server = shelf([make_paper(i, title=f"A fairly long paper title about topic number {i} and its consequences",
                               tags=["to-read", "vision"] if i % 3 == 0 else []) for i in range(1, 41)])
    page.set_viewport_size({"width": 400, "height": 800})
    open_library(server)
    page.locator("#compact").check()
    page.wait_for_function("() => document.body.classList.contains('compact')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400  # nothing to scroll sideways to
    # Nothing selected: the selection bar is one line, not eight buttons over the list.
    assert page.locator("#selection-bar").bounding_box()["height"] < 45
    assert not page.locator("#sel-add-tag").is_visible()

    page.locator(".list-head").evaluate("(el) => el.scrollIntoView()")
    rows = page.evaluate("""() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => {
        const seen = [...document.querySelectorAll('#papers > li.paper')]
          .filter((li) => { const r = li.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; });
        done(seen.map((li) => {
          const title = li.querySelector('.title-link');
          return {
            width: li.querySelector('.title').getBoundingClientRect().width,
            cut: title.scrollHeight > title.parentElement.clientHeight + 1,
            buttons: [...li.querySelectorAll('.actions button')].map((b) => b.getBoundingClientRect().toJSON()),
          };
        }));
    })))""")
    assert len(rows) >= 6, len(rows)
    for row in rows:
        assert row["width"] > 300 and not row["cut"], row  # the whole title, on two lines
        for box in row["buttons"]:
            assert box["right"] <= 400 and box["height"] >= 24, box  # on screen, big enough for a finger
    page.screenshot(path=str(ARTIFACTS / "library-compact-400.png"))

    first = page.locator("#papers > li.paper").first
    first.get_by_role("button", name="Mark read").click()
    expect(page.locator("#papers > li.paper").first.get_by_role("button", name="Mark unread")).to_be_visible()
    first.locator(".select").check()
    expect(page.locator("#sel-add-tag")).to_be_visible()  # a selection brings its buttons back
    assert api_papers(server, "read=1&limit=0")["total"] == 1
    from a11y import serious_violations

    assert serious_violations(page) == []
    page.emulate_media(color_scheme="dark")
    assert serious_violations(page) == []


def test_an_empty_saved_result_points_to_matches_among_the_papers_seen(shelf, make_paper, open_library, page):
    server = shelf([
        make_paper(1, title="Saved about robots"),
        make_paper(2, title="Seen once about transformers", saved_at=None),
        make_paper(3, title="Seen twice about transformers", saved_at=None),
    ])
    open_library(server)
    page.locator("#q").press_sequentially("transformers")
    expect(page.locator("#empty")).to_be_visible()
    expect(page.locator("#empty-text")).to_have_text("No saved papers match, but 2 papers you have seen do.")
    page.locator("#empty-other-tab").click()
    expect(page.locator("#tab-all")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#papers .title-link")).to_have_count(2)
    assert "saved=all" in page.url and "q=transformers" in page.url

    # Nothing anywhere: no offer.
    page.locator("#tab-saved").click()
    page.locator("#q").fill("nothing-like-this")
    expect(page.locator("#empty-text")).to_have_text("No papers match. Try fewer words or clear the filters.")
    expect(page.locator("#empty-other-tab")).to_be_hidden()


def test_the_library_page_has_no_serious_accessibility_failure(shelf, make_paper, open_library, page, hostile_paper):
    from a11y import serious_violations

    server = shelf([make_paper(i, title=f"Accessible paper {i}", tags=["to read"] if i % 2 else [],
                               note="a note" if i == 3 else "") for i in range(1, 8)] + [hostile_paper])
    open_library(server)
    page.wait_for_selector("#chart-weeks svg")
    assert serious_violations(page) == []
    page.locator("#compact").check()
    page.locator("#select-page").check()
    assert serious_violations(page) == []
    page.emulate_media(color_scheme="dark")  # the page follows the system's dark theme
    assert serious_violations(page) == []
    # The reading queue (its tab with a count, the disabled Read filter), then its empty state,
    # in dark and in light.
    page.get_by_role("tab", name="To read").click()
    expect(page.locator("#summary")).to_contain_text("papers to read")
    assert serious_violations(page) == []
    page.emulate_media(color_scheme="light")
    assert serious_violations(page) == []
    page.locator("#q").fill("nothing-like-this")
    expect(page.locator("#empty")).to_be_visible()
    assert serious_violations(page) == []
