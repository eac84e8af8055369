"""The confirmation after a save is a polite live region a screen reader reads, and Undo is
reachable by keyboard (issue 12), in Chromium and Firefox.

Chromium: the accessibility tree (CDP Accessibility.getFullAXTree, which includes closed shadow
roots) has a status node, live "polite" and atomic, whose text is the message; it is in the tree
before its text comes (empty between messages). The key u (trusted input) undoes the save; the
Undo button says so (aria-keyshortcuts "u"). Firefox: WebDriver BiDi's accessibility locator, started from the toast's
closed shadow root (it does not search into shadow roots from the document), finds the status
region by its computed role and the Undo button by role and accessible name; the region's text
is the attribute its generated content shows (the locator cannot match a status by its text: a
status takes no name from its content); u undoes.
"""

from __future__ import annotations

import pytest

from . import shadow
from .conftest import PAGES, expected_ids, fixture_html, wait_until
from .test_badge_menu import HF, open_hf, paper, settled
from .test_keyboard import firefox_keys

pytestmark = pytest.mark.browser

PAPER = "2506.07982"


def live_regions(chrome, page) -> list[dict]:
    """Status nodes of the accessibility tree with their live properties and their text."""
    nodes = chrome.cdp(page).send("Accessibility.getFullAXTree")["nodes"]
    by_id = {n["nodeId"]: n for n in nodes}
    out = []
    for n in nodes:
        if (n.get("role") or {}).get("value") != "status" or n.get("ignored"):
            continue
        props = {p["name"]: (p.get("value") or {}).get("value") for p in n.get("properties") or []}
        texts, stack = [], list(n.get("childIds") or [])
        while stack:
            c = by_id.get(stack.pop(0))
            if not c:
                continue
            if (c.get("role") or {}).get("value") in ("StaticText", "text") and not c.get("ignored"):
                texts.append((c.get("name") or {}).get("value", ""))
            stack[:0] = c.get("childIds") or []
        out.append({"live": props.get("live"), "atomic": props.get("atomic"), "text": "".join(texts)})
    return out


def ours(regions):
    return [r for r in regions if r["live"] == "polite"]


def test_chromium_toast_is_a_polite_live_region_and_u_undoes(chrome, artifacts):
    page, n = open_hf(chrome)
    chrome.click_badge(page, PAPER)
    wait_until(lambda: paper(chrome.server, f"arxiv:{PAPER}")["saved"], message="saved")
    found = wait_until(lambda: [r for r in ours(live_regions(chrome, page)) if r["text"] == "PaperShelf: Saved to PaperShelf"],
                       message="the live region to read the confirmation")
    assert found[0]["atomic"] is True, found
    t = shadow.toast(chrome, page)
    undo = next(b for b in shadow.inside(shadow.hosts(chrome, page, "papershelf-toast-host")[0], tag="button")
                if b["attrs"].get("data-label") == "Undo")
    assert undo["attrs"].get("aria-keyshortcuts") == "u" and "Undo" in t["buttons"]

    page.keyboard.press("u")  # a person's key, focus on the page (not in a text field)
    wait_until(lambda: not paper(chrome.server, f"arxiv:{PAPER}")["saved"], message="u to undo the save")
    wait_until(lambda: [r for r in ours(live_regions(chrome, page)) if r["text"] == "PaperShelf: Save undone"],
               message="the live region to read the undo")
    chrome.wait_badges(page, lambda bs: any(b["id"] == PAPER and b["state"] != "saved" for b in bs), what="the badge unsaved")
    # Nothing to undo now: u is the page's again (no save, no toast action).
    page.keyboard.press("u")
    assert not paper(chrome.server, f"arxiv:{PAPER}")["saved"]

    # After the confirmation goes, the region stays in the tree, empty: ready for the next one.
    chrome.click_badge(page, PAPER)
    wait_until(lambda: [r for r in ours(live_regions(chrome, page)) if r["text"] == "PaperShelf: Saved to PaperShelf"],
               message="the second confirmation")
    page.screenshot(path=str(artifacts / "chromium-toast-live-region.png"))


def test_firefox_toast_live_region_and_u_undoes(ff):
    url = ff.serve(PAGES[HF], fixture_html(HF))
    ff.navigate(url)
    n = len(expected_ids(HF))
    ff.wait_badges(settled(n), what=f"{n} badges")
    ff.click_badge(PAPER)
    wait_until(lambda: paper(ff.server, f"arxiv:{PAPER}")["saved"], message="saved")

    def accessible(**locator):
        """What Firefox's accessibility engine finds in the toast's closed root, as attributes."""
        return [(x.get("value") or {}).get("attributes") or {} for x in shadow.ff_accessible(ff, "papershelf-toast-host", **locator)]

    def status_text():
        return accessible(role="status")

    regions = wait_until(lambda: [a for a in status_text() if a.get("data-label") == "PaperShelf: Saved to PaperShelf"],
                         message="the status region to hold the confirmation")
    assert regions[0].get("aria-live") == "polite" and regions[0].get("aria-atomic") == "true", regions
    assert accessible(role="button", name="Undo"), "no Undo button in Firefox's accessibility tree"
    firefox_keys(ff, "u")
    wait_until(lambda: not paper(ff.server, f"arxiv:{PAPER}")["saved"], message="u to undo the save")
    wait_until(lambda: [a for a in status_text() if a.get("data-label") == "PaperShelf: Save undone"],
               message="the status to say the save was undone")
    ff.screenshot(ff.artifacts / "firefox-toast-live-region.png")
