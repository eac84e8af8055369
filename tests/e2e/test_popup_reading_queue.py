"""The popup's reading queue: the oldest saved paper tagged "to read" (the library page's To
read tab, GET /api/papers?to_read=1&limit=1 through the worker), its title a link to the paper
and the queue's length; hidden while the queue is empty; Mark read beside it takes the paper out
of the queue (read through the backend's API) and shows the next. Read as a person does (the
link's accessible name and address), axe in light and dark; screenshots popup-reading-queue*.png."""

from __future__ import annotations

import pytest

from a11y import serious_violations

from .conftest import wait_until

pytestmark = pytest.mark.browser

BIB = (
    "@misc{a, title={Newer Paper}, author={Ada Lovelace}, year={2024}, eprint={2402.00021},"
    " archivePrefix={arXiv}, date-added={2024-03-05}}\n"
    "@misc{b, title={Oldest Paper To Read}, author={Alan Turing}, year={2024}, eprint={2401.00022},"
    " archivePrefix={arXiv}, date-added={2024-01-10}}\n"
    "@misc{c, title={Saved But Not Queued}, author={Grace Hopper}, year={2023}, eprint={2312.00023},"
    " archivePrefix={arXiv}, date-added={2023-12-20}}\n"
)


def open_popup(chrome, scheme="light"):
    popup = chrome.ctx.new_page()
    popup.emulate_media(color_scheme=scheme)
    popup.set_viewport_size({"width": 340, "height": 600})
    popup.goto(f"chrome-extension://{chrome.ext_id}/popup/popup.html")
    wait_until(lambda: popup.locator("#backend").get_attribute("data-state") == "online", message="popup online")
    return popup


def test_the_popup_shows_the_next_paper_to_read_and_hides_an_empty_queue(chrome, artifacts):
    status, body = chrome.server.api("POST", "/api/import?format=bibtex&save=1", body=BIB.encode(),
                                     headers={"Content-Type": "text/plain"})
    assert status == 200 and not body["skipped"], body
    popup = open_popup(chrome)
    # The page line is drawn last, after the reading queue was asked for: the queue is empty.
    wait_until(lambda: popup.locator("#page-info").text_content() != "This page: –", message="the popup drawn")
    assert popup.get_by_role("heading", name="Next to read").count() == 0
    popup.close()

    for key in ("arxiv:2402.00021", "arxiv:2401.00022"):
        status, _ = chrome.server.api("PATCH", f"/api/papers/{key}", json={"tags": ["to read"]})
        assert status == 200
    for scheme in ("light", "dark"):
        popup = open_popup(chrome, scheme)
        link = popup.get_by_role("link", name="Oldest Paper To Read")
        link.wait_for(timeout=20000)
        assert link.get_attribute("href") == "https://arxiv.org/abs/2401.00022"
        assert popup.get_by_role("heading", name="Next to read (2 in the queue)").count() == 1
        popup.screenshot(path=str(artifacts / f"popup-reading-queue-{scheme}.png"))
        assert serious_violations(popup) == [], scheme
        popup.close()


def test_mark_read_in_the_popup_shows_the_next_paper(chrome, artifacts):
    status, body = chrome.server.api("POST", "/api/import?format=bibtex&save=1", body=BIB.encode(),
                                     headers={"Content-Type": "text/plain"})
    assert status == 200 and not body["skipped"], body
    for key in ("arxiv:2402.00021", "arxiv:2401.00022"):
        status, _ = chrome.server.api("PATCH", f"/api/papers/{key}", json={"tags": ["to read"]})
        assert status == 200
    popup = open_popup(chrome)
    popup.get_by_role("link", name="Oldest Paper To Read").wait_for(timeout=20000)
    popup.get_by_role("button", name="Mark read").click()  # playwright's click: trusted input
    link = popup.get_by_role("link", name="Newer Paper")
    link.wait_for(timeout=20000)
    status, body = chrome.server.api("GET", "/api/papers?to_read=1")
    assert [p["key"] for p in body["papers"]] == ["arxiv:2402.00021"], body
    status, oldest = chrome.server.api("GET", "/api/papers/arxiv:2401.00022")
    assert oldest["read"] and oldest["tags"] == ["to read"], oldest
    assert popup.get_by_role("heading", name="Next to read (1 in the queue)").count() == 1
    assert popup.locator("#message").text_content() == 'Marked read: "Oldest Paper To Read".'
    assert popup.evaluate("() => document.activeElement.id") == "mark-read"  # one more press reads the next
    popup.screenshot(path=str(artifacts / "popup-reading-queue-mark-read.png"))
    assert serious_violations(popup) == []
    popup.keyboard.press("Enter")
    wait_until(lambda: popup.get_by_role("heading", name="Next to read").count() == 0, message="the empty queue hidden")
    status, body = chrome.server.api("GET", "/api/papers?to_read=1")
    assert body["total"] == 0, body
