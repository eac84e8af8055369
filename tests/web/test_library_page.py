"""The library page in headless Chromium against a real server over a real library on disk.

Each test does what a user does (types, clicks, downloads) and checks what the user would see on
the page and what the library holds afterwards (through the API, as another client would).
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect

from papershelf.papers import Source

pytestmark = pytest.mark.browser



def expect_titles(page, titles: list[str]) -> None:
    """Wait until the list shows these titles, in this order. (Read at once, innerText of rows
    that content-visibility has not laid out yet reads as empty strings for a frame.)"""
    expect(page.locator("#papers .title-link")).to_have_text(titles)


def row(page, title: str):
    return page.locator("#papers > li.paper", has=page.locator(".title-link", has_text=title))


def get_paper(server, key: str) -> tuple[int, dict]:
    return server.api("GET", f"/api/papers/{urllib.parse.quote(key, safe='')}")


def test_page_shell_is_served_with_a_strict_content_security_policy(shelf):
    server = shelf([])
    with urllib.request.urlopen(server.url + "/") as resp:
        html = resp.read().decode()
        csp = resp.headers["Content-Security-Policy"]
        assert resp.headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "connect-src 'self'" in csp
    script = re.search(r'<script type="module" src="([^"]+)"', html).group(1)
    with urllib.request.urlopen(server.url + script.split("?")[0]) as resp:
        assert "javascript" in resp.headers["Content-Type"]
        assert re.search(rb'^import .* from "\./[\w-]+\.js";$', resp.read(), re.M)  # an ES module


def test_saved_papers_newest_first_and_the_seen_tab_lists_everything(shelf, make_paper, open_library, page, shot):
    server = shelf([
        make_paper(1, title="Older saved paper", saved_at="2026-02-01T08:00:00Z"),
        make_paper(2, title="Newest saved paper", saved_at="2026-03-05T08:00:00Z"),
        make_paper(3, title="Middle saved paper", saved_at="2026-02-20T08:00:00Z"),
        make_paper(4, title="Only seen, never saved", saved_at=None, last_seen="2026-03-06T08:00:00Z"),
    ])
    open_library(server)
    expect_titles(page, ["Newest saved paper", "Middle saved paper", "Older saved paper"])
    expect(page.locator("#summary")).to_contain_text("1–3 of 3 saved papers")
    first = row(page, "Newest saved paper")
    expect(first.locator(".badge")).to_have_text(["HF"])  # where it was seen
    expect(first.locator(".title-link")).to_have_attribute("href", "https://arxiv.org/abs/2601.10002")
    expect(first.locator(".link-pdf")).to_have_attribute("href", "https://arxiv.org/pdf/2601.10002")
    expect(first.locator(".authors")).to_have_text("Author2 Alpha, Author2 Beta")
    shot(page, "saved-tab")

    page.click("#tab-all")
    expect(page.locator("#summary")).to_contain_text("of 4 papers seen")
    expect(row(page, "Only seen, never saved")).to_be_visible()
    expect(row(page, "Only seen, never saved").locator(".toggle-saved")).to_have_text("Save")
    assert "saved=all" in page.url  # the view survives a reload
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    expect(page.locator("#papers > li")).to_have_count(4)
    assert page.errors == []


def test_search_finds_title_author_abstract_tag_and_note_words(shelf, make_paper, open_library, page, shot):
    server = shelf([
        make_paper(1, title="Sparse attention for long documents", authors=["Grace Hopper"]),
        make_paper(2, title="Diffusion models for proteins", abstract="We fold proteins with score matching."),
        make_paper(3, title="Reward models under shift", tags=["rlhf"], note="compare with the ICML baseline"),
    ])
    open_library(server)
    search = page.locator("#q")

    for words, expected in [
        ("hopper", ["Sparse attention for long documents"]),
        ("score matching", ["Diffusion models for proteins"]),
        ("rlhf", ["Reward models under shift"]),
        ("icml baseline", ["Reward models under shift"]),
    ]:
        search.fill(words)
        expect(page.locator("#papers .title-link")).to_have_text(expected)
        expect(page.locator("#summary")).to_contain_text("1–1 of 1 saved papers matching")

    search.fill("no such words anywhere")
    expect(page.locator("#papers > li")).to_have_count(0)
    expect(page.locator("#empty")).to_be_visible()
    expect(page.locator("#empty")).to_contain_text("No papers match")
    shot(page, "search-empty")
    page.click("#f-clear")
    expect(page.locator("#papers > li")).to_have_count(3)
    assert search.input_value() == ""


def test_filters_and_sorts(shelf, make_paper, open_library, page):
    server = shelf([
        make_paper(1, title="Alpha paper", published="2024-05-01", upvotes=5, read=True),
        make_paper(2, title="Beta paper", published="2025-07-01", upvotes=50),
        make_paper(3, title="Gamma paper", published="2026-01-10", upvotes=20,
                   sources=[Source("arxiv", "https://arxiv.org/list/cs.LG/new", "2026-03-01T09:00:00Z", "")]),
    ])
    open_library(server)
    page.select_option("#f-sort", "upvotes")
    expect(page.locator("#papers .title-link")).to_have_text(["Beta paper", "Gamma paper", "Alpha paper"])
    page.select_option("#f-sort", "title")
    expect(page.locator("#papers .title-link")).to_have_text(["Alpha paper", "Beta paper", "Gamma paper"])
    page.click("#f-order")
    expect(page.locator("#papers .title-link")).to_have_text(["Gamma paper", "Beta paper", "Alpha paper"])
    page.select_option("#f-read", "0")
    expect(page.locator("#papers .title-link")).to_have_text(["Gamma paper", "Beta paper"])
    page.select_option("#f-read", "")
    page.fill("#f-from", "2025-01-01")
    page.fill("#f-to", "2025-12-31")
    page.locator("#f-to").dispatch_event("change")
    expect(page.locator("#papers .title-link")).to_have_text(["Beta paper"])
    page.click("#f-clear")
    page.select_option("#f-source", "arxiv")
    expect(page.locator("#papers .title-link")).to_have_text(["Gamma paper"])
    expect(page.locator("#papers .badge")).to_have_text(["arXiv"])


def test_hostile_values_are_shown_as_text_and_never_run(shelf, hostile_paper, open_library, page, shot):
    server = shelf([hostile_paper])
    open_library(server)
    item = page.locator("#papers > li")
    expect(item.locator(".title-link")).to_have_text(hostile_paper.title)
    expect(item.locator(".authors")).to_have_text("<script>window.__pwned=2</script>")
    expect(item.locator(".tag-name")).to_have_text('<b onmouseover="window.__pwned=4">tag</b>')
    # The javascript: and data: links were dropped; the https one is kept.
    assert item.locator(".title-link").get_attribute("href") is None
    expect(item.locator(".link-pdf")).to_have_count(0)
    expect(item.locator(".link-code")).to_have_attribute("href", "https://github.com/example/repo")
    item.locator(".abstract summary").click()
    item.locator(".tag-name").hover()
    item.locator(".title-link").click()
    page.wait_for_timeout(200)
    assert page.locator("#papers img, #papers script, #papers iframe, #papers svg, #papers b").count() == 0
    assert page.evaluate("window.__pwned") is None
    shot(page, "hostile")
    assert page.errors == []


def test_abstract_text_is_put_in_when_opened_by_click_keyboard_or_script(shelf, make_paper, open_library, page):
    server = shelf([
        make_paper(1, title="Opened by a click", abstract="We fold proteins with score matching."),
        make_paper(2, title="Opened from the keyboard", abstract="Keyboard users read abstracts too."),
        make_paper(3, title="Opened by a script", abstract="Find-in-page and scripts open details."),
    ])
    open_library(server, "?sort=title&order=asc")
    # Closed abstracts are not in the page (fifty of them cost drawing time); opening fills them.
    assert page.locator("#papers .abstract-text").all_text_contents() == ["", "", ""]
    clicked = row(page, "Opened by a click")
    clicked.locator(".abstract summary").click()
    expect(clicked.locator(".abstract-text")).to_have_text("We fold proteins with score matching.")
    expect(clicked.locator(".abstract-text")).to_be_visible()
    keyboard = row(page, "Opened from the keyboard")
    keyboard.locator(".abstract summary").focus()
    page.keyboard.press("Enter")
    expect(keyboard.locator(".abstract-text")).to_have_text("Keyboard users read abstracts too.")
    row(page, "Opened by a script").locator(".abstract").evaluate("d => { d.open = true; }")
    expect(row(page, "Opened by a script").locator(".abstract-text")).to_have_text("Find-in-page and scripts open details.")
    # Closing and opening again shows the text once, not twice.
    clicked.locator(".abstract summary").click()
    clicked.locator(".abstract summary").click()
    expect(clicked.locator(".abstract-text")).to_have_text("We fold proteins with score matching.")
    assert page.errors == []


def test_tags_added_removed_and_used_as_a_filter(shelf, make_paper, open_library, page, shot):
    server = shelf([
        make_paper(1, title="Vision transformers at scale"),
        make_paper(2, title="Speech recognition without labels"),
    ])
    open_library(server)
    vit = row(page, "Vision transformers at scale")
    vit.locator(".tag-input").fill("vision, to read")
    vit.locator(".tag-input").press("Enter")
    vit = row(page, "Vision transformers at scale")
    expect(vit.locator(".tag-name")).to_have_text(["to read", "vision"])
    expect(vit.locator(".tag-input")).to_be_focused()  # keep typing tags
    assert get_paper(server, "arxiv:2601.10001")[1]["tags"] == ["to read", "vision"]

    # The tag shows up in the collection picture and filters the list when clicked.
    expect(page.locator("#chart-tags .tag-row[data-tag='vision']")).to_have_count(1)
    vit.locator(".tag-name", has_text="vision").click()
    expect(page.locator("#papers .title-link")).to_have_text(["Vision transformers at scale"])
    expect(page.locator("#f-tag")).to_have_value("vision")
    shot(page, "tag-filter")
    page.select_option("#f-tag", "")
    expect(page.locator("#papers > li")).to_have_count(2)

    vit = row(page, "Vision transformers at scale")
    vit.locator(".tag-remove[aria-label='remove tag to read']").click()
    expect(row(page, "Vision transformers at scale").locator(".tag-name")).to_have_text(["vision"])
    assert get_paper(server, "arxiv:2601.10001")[1]["tags"] == ["vision"]


def test_note_is_saved_and_still_there_after_a_reload(shelf, make_paper, open_library, page):
    server = shelf([make_paper(1, title="Retrieval augmented generation survey")])
    open_library(server)
    note = page.locator("#papers .note-text")
    note.fill("Read section 4 first.\nThe table on page 7 is wrong.")
    page.locator("#q").click()  # leaving the field saves it
    expect(page.locator("#papers .note-state")).to_have_text("saved")
    assert get_paper(server, "arxiv:2601.10001")[1]["note"] == "Read section 4 first.\nThe table on page 7 is wrong."
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    expect(page.locator("#papers .note-text")).to_have_value("Read section 4 first.\nThe table on page 7 is wrong.")
    # Both lines are in view without scrolling inside the box.
    assert page.locator("#papers .note-text").evaluate("t => t.scrollHeight <= t.clientHeight + 1")


def test_read_and_save_toggles(shelf, make_paper, open_library, page):
    server = shelf([make_paper(1, title="Scaling laws revisited")])
    open_library(server)
    item = page.locator("#papers > li")
    item.locator(".toggle-read").click()
    expect(page.locator("#papers .toggle-read")).to_have_text("Mark unread")
    expect(page.locator("#papers > li")).to_have_class(re.compile(r"\bis-read\b"))
    assert get_paper(server, "arxiv:2601.10001")[1]["read"] is True
    page.locator("#papers .toggle-saved").click()
    expect(page.locator("#papers .toggle-saved")).to_have_text("Save")
    assert get_paper(server, "arxiv:2601.10001")[1]["saved"] is False
    page.locator("#papers .toggle-saved").click()
    expect(page.locator("#papers .toggle-saved")).to_have_text("Unsave")
    assert get_paper(server, "arxiv:2601.10001")[1]["saved"] is True


def test_delete_then_undo_brings_the_paper_back_with_its_tags_and_note(shelf, make_paper, open_library, page, shot):
    server = shelf([
        make_paper(1, title="Keep me", tags=["keep"]),
        make_paper(2, title="Delete me by mistake", tags=["important"], note="my careful notes", read=True),
    ])
    open_library(server)
    row(page, "Delete me by mistake").locator(".delete").click()
    expect(page.locator("#papers .title-link")).to_have_text(["Keep me"])
    toast = page.locator(".toast", has_text="Deleted")
    expect(toast).to_contain_text("Delete me by mistake")
    assert get_paper(server, "arxiv:2601.10002")[0] == 404
    expect(page.locator("#chart-tags .tag-row[data-tag='important']")).to_have_count(0)
    expect(page.locator("#health")).to_contain_text("1 paper ·")
    shot(page, "deleted-undo-toast")

    toast.locator(".toast-action", has_text="Undo").click()
    expect(page.locator("#papers > li")).to_have_count(2)
    restored = row(page, "Delete me by mistake")
    expect(restored.locator(".tag-name")).to_have_text(["important"])
    expect(restored.locator(".note-text")).to_have_value("my careful notes")
    expect(page.locator("#chart-tags .tag-row[data-tag='important']")).to_have_count(1)
    status, paper = get_paper(server, "arxiv:2601.10002")
    assert status == 200
    assert (paper["saved"], paper["tags"], paper["note"], paper["read"]) == (True, ["important"], "my careful notes", True)
    assert page.errors == []


def test_select_many_then_tag_mark_read_and_unsave(shelf, make_paper, open_library, page, shot):
    server = shelf([make_paper(i, title=f"Batch paper {i}") for i in range(1, 5)])
    open_library(server, "?sort=title&order=asc")
    for n in (1, 3):
        row(page, f"Batch paper {n}").locator(".select").check()
    expect(page.locator("#selection-count")).to_have_text("2 selected")
    page.fill("#sel-tag", "reading group")
    page.click("#sel-add-tag")
    expect(row(page, "Batch paper 1").locator(".tag-name")).to_have_text(["reading group"])
    expect(row(page, "Batch paper 3").locator(".tag-name")).to_have_text(["reading group"])
    expect(row(page, "Batch paper 2").locator(".tag-name")).to_have_count(0)
    expect(page.locator("#papers .select:checked")).to_have_count(2)  # the selection stays
    expect(page.locator("#chart-tags .tag-row[data-tag='reading group'] text.axis")).to_have_text("2")
    shot(page, "batch-tagged")

    page.click("#sel-read")
    expect(page.locator("#papers > li.is-read")).to_have_count(2)
    page.click("#sel-unsave")
    expect(page.locator("#papers .title-link")).to_have_text(["Batch paper 2", "Batch paper 4"])
    for key, saved in [("arxiv:2601.10001", False), ("arxiv:2601.10002", True), ("arxiv:2601.10003", False)]:
        p = get_paper(server, key)[1]
        assert p["saved"] is saved
    assert get_paper(server, "arxiv:2601.10003")[1]["read"] is True

    page.click("#select-page")
    expect(page.locator("#selection-count")).to_have_text("4 selected")  # 2 earlier + this page's 2


def _download(page, click) -> tuple[str, str]:
    with page.expect_download() as info:
        click()
    download = info.value
    return download.suggested_filename, open(download.path(), encoding="utf-8").read()


def test_export_everything_saved_and_export_the_selection(shelf, make_paper, open_library, page):
    server = shelf([
        make_paper(1, title="Exported one"),
        make_paper(2, title="Exported two"),
        make_paper(3, title="Left out of the selection"),
        make_paper(4, title="Seen but never saved", saved_at=None),
    ])
    open_library(server)
    page.select_option("#export-format", "json")
    name, body = _download(page, lambda: page.click("#export-button"))
    assert name.endswith(".json")
    exported = {p["title"] for p in json.loads(body)["papers"]}
    assert exported == {"Exported one", "Exported two", "Left out of the selection"}

    row(page, "Exported one").locator(".select").check()
    row(page, "Exported two").locator(".select").check()
    page.select_option("#export-format", "bibtex")
    name, body = _download(page, lambda: page.click("#sel-export"))
    assert name.endswith(".bib")
    assert "Exported one" in body and "Exported two" in body
    assert "Left out of the selection" not in body and "Seen but never saved" not in body


def test_import_a_backup_file_from_the_file_picker(shelf, make_paper, open_library, page, tmp_path):
    server = shelf([make_paper(1, title="Already here")])
    backup = {"format": "papershelf", "schema": 1,
              "papers": [make_paper(7, title="Came from the backup", tags=["restored"]).to_dict()]}
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(backup), encoding="utf-8")
    open_library(server)
    page.set_input_files("#import-file", str(path))
    expect(page.locator(".toast", has_text="Imported")).to_contain_text("1 added")
    expect(page.locator("#papers > li")).to_have_count(2)
    expect(row(page, "Came from the backup").locator(".tag-name")).to_have_text(["restored"])


def test_an_unreadable_import_says_why_and_changes_nothing(shelf, make_paper, open_library, page, tmp_path):
    server = shelf([make_paper(1, title="Already here")])
    path = tmp_path / "garbage.bin"
    path.write_bytes(b"\xff\xfe\x00 not a library \x00\x81")
    open_library(server)
    page.set_input_files("#import-file", str(path))
    error = page.locator(".toast.error")
    expect(error).to_contain_text("Could not import garbage.bin")
    expect(page.locator("#papers > li")).to_have_count(1)
    assert server.api("GET", "/api/health")[1]["papers"] == 1


def test_collection_picture_draws_weeks_and_top_tags(shelf, make_paper, open_library, page, shot):
    papers = [make_paper(i, title=f"Week paper {i}", saved_at=f"2026-02-{2 + 7 * (i % 3):02d}T10:00:00Z",
                         tags=["llm"] + (["agents"] if i % 2 else []))
              for i in range(1, 7)]
    server = shelf(papers)
    open_library(server)
    expect(page.locator("#chart-tags .tag-row .label")).to_have_text(["llm", "agents"])
    bars = page.locator("#chart-weeks svg rect.bar")
    counts = {b.get_attribute("data-week"): int(b.get_attribute("data-count")) for b in bars.all()}
    # 2026-02-02 is in W06, 02-09 in W07, 02-16 in W08; two papers each.
    assert {w: counts[w] for w in ("2026-W06", "2026-W07", "2026-W08")} == {"2026-W06": 2, "2026-W07": 2, "2026-W08": 2}
    assert sum(counts.values()) == 6
    shot(page, "collection-picture")
    page.locator("#chart-tags .tag-row[data-tag='agents']").click()
    expect(page.locator("#papers > li")).to_have_count(3)


def test_nothing_moves_when_the_charts_arrive(shelf, make_paper, open_library, page):
    # The charts are drawn after the list; someone already reaching for the search box or a
    # row's button must not have it jump away. Hold the stats back to look at the page before.
    server = shelf([make_paper(i, title=f"Steady paper {i}", tags=["llm", f"t{i}"]) for i in range(1, 9)])
    held = []
    page.route("**/api/stats", lambda route: held.append(route))
    open_library(server)
    expect(page.locator("#chart-weeks svg")).to_have_count(0)

    def layout():
        return [page.locator(sel).bounding_box() for sel in ("#q", "#papers > li >> nth=0", "#papers > li >> nth=7")]

    before = layout()
    for route in held:
        route.continue_()
    expect(page.locator("#chart-weeks svg rect.bar")).not_to_have_count(0)
    expect(page.locator("#chart-tags .tag-row")).to_have_count(8)
    assert layout() == before


def test_pages_through_a_long_list(shelf, make_paper, open_library, page, shot):
    server = shelf([make_paper(i, title=f"Listed paper {i:03d}") for i in range(1, 61)])
    open_library(server, "?sort=title&order=asc&limit=25")
    expect(page.locator("#summary")).to_contain_text("1–25 of 60 saved papers")
    expect(page.locator("#papers > li")).to_have_count(25)
    page.click("#page-next")
    expect(page.locator("#summary")).to_contain_text("26–50 of 60")
    expect(page.locator("#papers .title-link").first).to_have_text("Listed paper 026")
    page.click("#page-next")
    expect(page.locator("#papers > li")).to_have_count(10)
    expect(page.locator("#page-next")).to_be_disabled()
    expect(page.locator("#page-info")).to_have_text("page 3 of 3")
    shot(page, "last-page")


def test_a_stopped_backend_is_reported_not_hidden(shelf, make_paper, open_library, page):
    server = shelf([make_paper(1, title="Offline test")])
    open_library(server)
    server.stop()
    page.locator("#papers .toggle-read").click()
    expect(page.locator(".toast.error")).to_contain_text("not answering")
    expect(page.locator("#health")).to_have_text("backend not answering")


def test_week_axis_is_continuous_across_new_year_and_53_week_years(shelf, open_library, page):
    server = shelf([])
    open_library(server)
    weeks = page.evaluate("""async () => {
        const { continuousWeeks } = await import('/static/library/charts.js');
        const pick = (rows) => rows.map((w) => [w.week, w.count, w.monday.toISOString().slice(0, 10)]);
        return {
          newYear: pick(continuousWeeks([{week: '2025-W51', count: 2}, {week: '2026-W02', count: 1}],
                                        {minWeeks: 1, today: new Date('2026-01-08T12:00:00Z')})),
          long: pick(continuousWeeks([{week: '2020-W52', count: 1}, {week: '2021-W01', count: 4}],
                                     {minWeeks: 1, today: new Date('2021-01-05T12:00:00Z')})),
          old: continuousWeeks([{week: '2019-W10', count: 3}], {today: new Date('2026-01-08T12:00:00Z')}).length,
        };
    }""")
    assert weeks["newYear"] == [
        ["2025-W51", 2, "2025-12-15"], ["2025-W52", 0, "2025-12-22"],
        ["2026-W01", 0, "2025-12-29"], ["2026-W02", 1, "2026-01-05"],
    ]
    # 2020 has 53 ISO weeks: W53 sits between W52 and 2021-W01.
    assert weeks["long"] == [["2020-W52", 1, "2020-12-21"], ["2020-W53", 0, "2020-12-28"], ["2021-W01", 4, "2021-01-04"]]
    # Saves from years ago still draw a picture (ending at the last save, not a row of zeros).
    assert weeks["old"] == 12


def test_a_mangled_link_still_opens_the_library(shelf, make_paper, open_library, page):
    server = shelf([make_paper(1, title="Still listed")])
    open_library(server, "?sort=bogus&order=sideways&from=yesterday&limit=-5&saved=maybe")
    expect(page.locator("#papers .title-link")).to_have_text(["Still listed"])
    expect(page.locator(".toast.error")).to_have_count(0)
    expect(page.locator("#f-sort")).to_have_value("saved")
