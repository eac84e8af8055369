"""The reading queue (issue #12): saved papers tagged "to read" and not read yet, oldest saved
first; the library page's To read tab shows them and Mark read takes one out (Undo puts it back);
GET /api/papers?to_read=1&limit=1 is the popup's "next to read". In Chromium with trusted clicks,
on a real library on disk behind a real server."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def queue_papers(make_paper):
    return [
        make_paper(1, title="Queued third", tags=["to read"], saved_at="2026-02-10T09:00:00Z"),
        make_paper(2, title="Queued first", tags=["to read", "vision"], saved_at="2025-11-01T09:00:00Z"),
        make_paper(3, title="Queued second", tags=["to read"], saved_at="2026-01-05T09:00:00Z"),
        make_paper(4, title="Already read", tags=["to read"], saved_at="2025-10-01T09:00:00Z", read=True),
        make_paper(5, title="Seen, never saved", tags=["to read"], saved_at=None),
        make_paper(6, title="Saved, not queued", saved_at="2025-09-01T09:00:00Z"),
    ]


def test_the_api_answers_the_next_paper_to_read(shelf, make_paper):
    server = shelf(queue_papers(make_paper))
    status, body = server.api("GET", "/api/papers?to_read=1&limit=1")
    assert status == 200 and body["total"] == 3 and [p["title"] for p in body["papers"]] == ["Queued first"]
    _, body = server.api("GET", "/api/papers?to_read=1")
    assert [p["title"] for p in body["papers"]] == ["Queued first", "Queued second", "Queued third"]
    # The queue whatever else the link says about saved and read; other filters narrow it.
    _, body = server.api("GET", "/api/papers?to_read=1&saved=all&read=1&order=desc&tag=vision")
    assert [p["title"] for p in body["papers"]] == ["Queued first"]
    for bad in ("0", "yes%20please", "all", "1%00"):
        status, body = server.api("GET", f"/api/papers?to_read={bad}")
        assert status == 400 and "to_read" in body["error"]["message"]


def test_the_to_read_tab_lists_the_queue_and_mark_read_takes_a_paper_out(shelf, make_paper, open_library, page):
    server = shelf(queue_papers(make_paper))
    open_library(server)
    tab = page.get_by_role("tab", name="To read")
    expect(tab).to_have_text("To read 3")  # the queue's length, on the tab
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")
    titles = page.locator("#papers .title-link")
    expect(titles).to_have_text(["Queued first", "Queued second", "Queued third"])
    expect(page.locator("#summary")).to_have_text("1–3 of 3 papers to read, oldest saved first")
    expect(page.locator("#f-read")).to_be_disabled()
    assert "to_read=1" in page.url
    page.reload()  # the view is in the address bar
    page.wait_for_selector("body[data-ready='1']")
    expect(titles).to_have_text(["Queued first", "Queued second", "Queued third"])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "library-reading-queue.png"))
    # Newest first, if the user asks; a reload keeps that too.
    page.locator("#f-order").click()
    expect(titles).to_have_text(["Queued third", "Queued second", "Queued first"])
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    expect(titles).to_have_text(["Queued third", "Queued second", "Queued first"])
    page.locator("#f-order").click()
    expect(titles).to_have_text(["Queued first", "Queued second", "Queued third"])

    first = page.locator("#papers > li.paper").first
    first.get_by_role("button", name="Mark read").click()
    toast = page.locator(".toast", has_text="out of the reading queue")
    expect(toast).to_contain_text("Queued first")
    expect(titles).to_have_text(["Queued second", "Queued third"])  # the next one moves up
    expect(tab).to_have_text("To read 2")
    _, body = server.api("GET", "/api/papers?to_read=1&limit=1")
    assert body["papers"][0]["title"] == "Queued second" and body["total"] == 2
    toast.get_by_role("button", name="Undo").click()
    expect(titles).to_have_text(["Queued first", "Queued second", "Queued third"])
    expect(tab).to_have_text("To read 3")

    # A search with no match in the queue says where the matches are.
    page.locator("#q").press_sequentially("not queued")
    expect(page.locator("#empty-text")).to_have_text("No papers to read match, but 1 saved paper does.")
    page.locator("#empty-other-tab").click()
    expect(page.get_by_role("tab", name="Saved")).to_have_attribute("aria-selected", "true")
    expect(titles).to_have_text(["Saved, not queued"])
    page.locator("#f-clear").click()

    # Queueing from the Saved tab: the row's tag box.
    expect(page.locator("#f-order")).to_contain_text("newest first")
    row = page.locator("#papers > li.paper", has_text="Saved, not queued")
    row.locator(".tag-input").fill("to read")
    row.locator(".tag-input").press("Enter")
    expect(page.locator("#papers > li.paper", has_text="Saved, not queued").locator(".tag-name")).to_have_text(["to read"])
    expect(tab).to_have_text("To read 4")
    tab.click()
    expect(titles.first).to_have_text("Saved, not queued")  # saved longest ago: read it first

    # Everything read: the empty queue says how to fill it.
    for _ in range(4):
        page.locator("#papers > li.paper").first.get_by_role("button", name="Mark read").click()
        page.wait_for_function("(n) => document.querySelectorAll('#papers > li.paper').length === n",
                               arg=3 - _)
    expect(page.locator("#empty-text")).to_have_text("Nothing to read. Tag a saved paper “to read” to queue it here.")
    expect(tab).to_have_text("To read")
    assert page.errors == []


def test_an_empty_queue_offers_papers_tagged_to_read_spelled_another_way(shelf, make_paper, open_library, page):
    server = shelf([
        make_paper(1, title="Hyphen newer", tags=["to-read"], saved_at="2026-02-01T09:00:00Z"),
        make_paper(2, title="Hyphen older", tags=["to-read"], saved_at="2025-12-01T09:00:00Z"),
        make_paper(3, title="Hyphen but read", tags=["to-read"], saved_at="2025-11-01T09:00:00Z", read=True),
        make_paper(4, title="Hyphen, never saved", tags=["to-read"], saved_at=None),
    ])
    open_library(server, "?to_read=1")
    expect(page.locator("#empty-text")).to_have_text(
        "Nothing to read: the queue holds saved papers tagged “to read”; 4 papers are tagged “to-read”.")
    offer = page.locator("#empty-queue-tag")
    expect(offer).to_have_text("Queue the saved, unread ones tagged “to-read”")
    offer.click()
    expect(page.locator(".toast", has_text="Queued 2 papers")).to_be_visible()
    expect(page.locator("#papers .title-link")).to_have_text(["Hyphen older", "Hyphen newer"])
    expect(page.get_by_role("tab", name="To read")).to_have_text("To read 2")
    expect(offer).to_be_hidden()
