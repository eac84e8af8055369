"""Mark read from the badge menu (issue 12, the reading queue): on a saved paper tagged "to read"
the menu (▾ or `t`) offers "Mark read"; one press sets the paper's read flag through the worker
(POST /api/papers/batch, queued like a save while the backend is down), the paper leaves the
reading queue (GET /api/papers?to_read=1) and keeps its tag; the toast's Undo (or `u`) puts it
back. Chromium and Firefox.

Keys and clicks are a person's (CDP / WebDriver BiDi input: trusted). The button is found in the
browser's accessibility tree (Chromium: CDP's full tree, which includes closed shadow roots;
Firefox: BiDi's accessibility locator started from the badge's closed root); the library is read
through the backend's API, never through the page."""

from __future__ import annotations

import pytest

from . import shadow
from .badge_sites import dressed
from .conftest import PAGES, expected_ids, fixture_html, wait_until
from .test_badge_menu import HF, PAPER, open_hf, panel, paper, settled, wait_toast
from .test_badge_look import badge_violations
from .test_keyboard import firefox_keys

pytestmark = pytest.mark.browser

KEY = f"arxiv:{PAPER}"


def queue(server) -> list[str]:
    status, body = server.api("GET", "/api/papers?to_read=1")
    assert status == 200, body
    return [p["key"] for p in body["papers"]]


def save_to_read(server) -> None:
    """The first card's paper saved and tagged "to read" (it is in the library: the page was captured)."""
    status, body = server.api("POST", "/api/save", json={"keys": [KEY]})
    assert status == 200 and KEY in body["saved"], body
    status, body = server.api("PATCH", f"/api/papers/{KEY}", json={"tags": ["to read"]})
    assert status == 200, body
    assert queue(server) == [KEY]


def ax_buttons(chrome, page) -> dict[str, int]:
    """Buttons of the accessibility tree that are not ignored: name -> backend node id."""
    nodes = chrome.cdp(page).send("Accessibility.getFullAXTree")["nodes"]
    return {(n.get("name") or {}).get("value", ""): n.get("backendDOMNodeId") for n in nodes
            if (n.get("role") or {}).get("value") == "button" and not n.get("ignored")}


def test_chromium_mark_read_from_the_menu_leaves_the_queue_and_undo_restores(chrome, artifacts):
    page, n = open_hf(chrome)
    save_to_read(chrome.server)
    page.reload()
    chrome.wait_badges(page, lambda bs: settled(n)(bs) and any(b["id"] == PAPER and b["state"] == "saved" for b in bs),
                       what="the paper saved on its badge")

    page.keyboard.press("j")  # the first paper
    page.keyboard.press("t")  # its menu
    buttons = wait_until(lambda: (lambda b: b if "Mark read" in b else None)(ax_buttons(chrome, page)),
                         message="Mark read in the accessibility tree")
    assert "Update tags and note" in buttons
    page.screenshot(path=str(artifacts / "badges-menu-mark-read.png"))
    assert badge_violations(chrome, page, dressed(fixture_html(HF), "hf")) == []
    shadow.click(chrome, page, buttons["Mark read"])

    wait_until(lambda: paper(chrome.server, KEY)["read"], message="the paper read in the library")
    assert queue(chrome.server) == []
    record = paper(chrome.server, KEY)
    assert record["saved"] and record["tags"] == ["to read"], record  # the tag stays, as on the library page
    t = wait_toast(chrome, page, lambda t: t["text"].startswith("Marked"), "the confirmation")
    assert t["text"] == "Marked read" and list(t["buttons"]) == ["Undo"]
    host, box = panel(chrome, page)
    assert "hidden" in box["attrs"] and shadow.focused_in(chrome, page, host) == "BUTTON"  # back on the badge

    shadow.click(chrome, page, t["buttons"]["Undo"])
    wait_toast(chrome, page, lambda t: t["text"] == "Change undone", "the undo confirmation")
    assert not paper(chrome.server, KEY)["read"] and queue(chrome.server) == [KEY]

    # Marked read again, the menu now offers the way back ("Mark unread").
    page.keyboard.press("t")
    buttons = wait_until(lambda: (lambda b: b if "Mark read" in b else None)(ax_buttons(chrome, page)), message="Mark read again")
    shadow.click(chrome, page, buttons["Mark read"])
    wait_until(lambda: paper(chrome.server, KEY)["read"], message="read again")
    page.keyboard.press("t")
    buttons = wait_until(lambda: (lambda b: b if "Mark unread" in b else None)(ax_buttons(chrome, page)), message="Mark unread offered")
    shadow.click(chrome, page, buttons["Mark unread"])
    wait_until(lambda: not paper(chrome.server, KEY)["read"], message="unread")
    assert queue(chrome.server) == [KEY]

    # Unsaved papers offer no Mark read: the queue holds saved papers only.
    other = next(i for i in sorted(expected_ids(HF)) if i != PAPER)
    host = shadow.badge_host(chrome, page, other)
    shadow.click(chrome, page, next(b["node"] for b in shadow.inside(host, tag="button") if "more" in b["attrs"].get("class", "").split()))
    wait_until(lambda: "hidden" not in (panel(chrome, page, other)[1] or {"attrs": {"hidden": ""}})["attrs"], message="the other menu")
    assert "Update tags and note" not in ax_buttons(chrome, page)
    assert not [name for name in ax_buttons(chrome, page) if name.startswith("Mark ")]


def ff_buttons(ff, name: str, host: str = "papershelf-badge-host") -> list[str]:
    """sharedIds of the buttons Firefox's accessibility engine names `name` in our hosts' closed roots."""
    return [x["sharedId"] for x in shadow.ff_accessible(ff, host, role="button", name=name)]


def ff_click(ff, node: str) -> None:
    ff.send("input.performActions", {"context": ff.context, "actions": [{
        "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": [
            {"type": "pointerMove", "x": 0, "y": 0, "origin": {"type": "element", "element": {"sharedId": node}}},
            {"type": "pointerDown", "button": 0}, {"type": "pointerUp", "button": 0}]}]})
    ff.send("input.releaseActions", {"context": ff.context})


def test_firefox_mark_read_from_the_menu_and_u_undoes(ff):
    url = ff.serve(PAGES[HF], fixture_html(HF))
    ff.navigate(url)
    n = len(expected_ids(HF))
    ff.wait_badges(settled(n), what=f"{n} badges")
    save_to_read(ff.server)
    ff.navigate(url)
    ff.wait_badges(lambda bs: settled(n)(bs) and any(b["id"] == PAPER and b["state"] == "saved" for b in bs), what="saved badge")
    firefox_keys(ff, "j", "t")
    node = wait_until(lambda: (ff_buttons(ff, "Mark read") or [None])[0], message="Mark read in Firefox's accessibility tree")
    ff_click(ff, node)
    wait_until(lambda: paper(ff.server, KEY)["read"], message="the paper read in the library")
    assert queue(ff.server) == [] and paper(ff.server, KEY)["tags"] == ["to read"]
    wait_until(lambda: ff_buttons(ff, "Undo", "papershelf-toast-host"), message="the toast's Undo")
    firefox_keys(ff, "u")
    wait_until(lambda: not paper(ff.server, KEY)["read"], message="u to undo the mark")
    assert queue(ff.server) == [KEY]
    ff.screenshot(ff.artifacts / "firefox-badge-menu-read.png")



def test_offline_mark_read_waits_in_the_queue_and_lands_with_its_undo(chrome):
    """Backend down after the menu opened: Mark read and its Undo wait in the worker's queue; Mark
    read again (from a menu opened offline) replaces the Undo; all land once the backend is back."""
    server = chrome.server
    page, n = open_hf(chrome)
    save_to_read(server)
    page.reload()
    chrome.wait_badges(page, lambda bs: settled(n)(bs) and any(b["id"] == PAPER and b["state"] == "saved" for b in bs),
                       what="the paper saved on its badge")
    page.keyboard.press("j")
    page.keyboard.press("t")
    buttons = wait_until(lambda: (lambda b: b if "Mark read" in b else None)(ax_buttons(chrome, page)), message="Mark read")
    server.stop()
    shadow.click(chrome, page, buttons["Mark read"])
    t = wait_toast(chrome, page, lambda t: t["text"].startswith("Marked"), "the queued confirmation")
    assert t["text"] == "Marked read once PaperShelf is reachable (queued)", t
    shadow.click(chrome, page, t["buttons"]["Undo"])
    wait_toast(chrome, page, lambda t: t["text"] == "Change undone once PaperShelf is reachable (queued)", "the queued undo")
    reads = [op for op in chrome.queue() if op["kind"] == "read"]
    assert [op["body"] for op in reads] == [{"keys": [KEY], "read": True}, {"keys": [KEY], "read": False}], reads
    # Opened with the backend down, the menu still offers Mark read on a saved paper; pressed while
    # the other two wait, it replaces the Undo (the first, which a flush may be sending, stays).
    page.keyboard.press("t")
    buttons = wait_until(lambda: (lambda b: b if "Mark read" in b else None)(ax_buttons(chrome, page)), message="Mark read offline")
    shadow.click(chrome, page, buttons["Mark read"])
    wait_toast(chrome, page, lambda t: t["text"] == "Marked read once PaperShelf is reachable (queued)", "queued again")
    reads = [op for op in chrome.queue() if op["kind"] == "read"]
    assert [op["body"]["read"] for op in reads] == [True, True], reads
    assert chrome.control.evaluate("""async () => {
      const R = await import(chrome.runtime.getURL('background/queue-rules.js'));
      const rd = (id, read, key = 'arxiv:1') => ({ id, kind: 'read', path: '/api/papers/batch', body: { keys: [key], read }, ids: [] });
      let q = [];
      for (const op of [rd('a', true), rd('b', false), rd('c', true, 'arxiv:2'), rd('d', true)]) q = R.admit(q, op).queue;
      return [q.map((o) => o.id), R.dropCaptures(q).queue.length, R.summary(q).reads];
    }""") == [["a", "c", "d"], 3, 3]
    popup = chrome.ctx.new_page()
    popup.goto(f"chrome-extension://{chrome.ext_id}/popup/popup.html")
    wait_until(lambda: popup.locator("#offline-note").is_visible(), message="the popup's offline note")
    assert "Waiting for the backend: 2 read marks." in popup.locator("#offline-note").text_content()
    popup.close()

    server.start()
    page.reload()  # a page's status look-up finds the backend back and sends the queue
    wait_until(lambda: chrome.queue() == [], timeout=120, message="the queue to flush")
    record = paper(server, KEY)
    assert record["read"] and record["saved"] and record["tags"] == ["to read"] and queue(server) == []
