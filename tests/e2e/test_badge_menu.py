"""Save with details from the badge: the menu (▾ or `t`) is reachable by keyboard, completes tags
from the library's tags, saves tags, a note and "to read"; copies the paper's BibTeX or a Markdown
link; every save, unsave and save-all shows a short confirmation with Undo; Save all asks first
when the page holds more than 20 unsaved papers.

Keys and clicks are a person's (CDP input: trusted). The menu, the toast and the badges are read
from inside their closed shadow roots over CDP; the library through the backend's API."""

from __future__ import annotations

import importlib.util
import json
import random
import urllib.parse

import pytest

from . import shadow
from .badge_sites import dressed
from .conftest import PAGES, ROOT, expected_ids, fixture_html, wait_until

pytestmark = pytest.mark.browser

HF = "hf_daily_with_props.html"
PAPER = "2504.06261"  # the first card
TITLE = "Hogwild! Inference: Parallel LLM Generation via Concurrent Attention"


def settled(n):
    return lambda bs: len(bs) >= n and all(b["state"] in ("new", "seen", "saved", "error") and b["recorded"] for b in bs)


def paper(server, key):
    status, body = server.api("GET", f"/api/papers/{urllib.parse.quote(key, safe=':')}")
    assert status == 200, body
    return body


def library_with_tags(server) -> None:
    """Tags the library already has (on a paper that is not on the page)."""
    from papershelf.papers import Paper

    p = Paper(title="An Older Paper", arxiv_id="2401.00001", tags=["robotics", "reading-group"], saved=True,
              saved_at="2026-01-01T09:00:00Z", seen_count=1, first_seen="2026-01-01T09:00:00Z",
              last_seen="2026-01-01T09:00:00Z")
    backup = {"format": "papershelf", "schema": 1, "count": 1, "papers": [p.to_dict()]}
    status, body = server.api("POST", "/api/import", body=json.dumps(backup).encode(), headers={"Content-Type": "application/json"})
    assert status == 200, body


def open_hf(chrome):
    url = chrome.serve(PAGES[HF], dressed(fixture_html(HF), "hf"))
    page = chrome.ctx.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    chrome.ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin="https://huggingface.co")
    page.goto(url)
    n = len(expected_ids(HF))
    chrome.wait_badges(page, settled(n), what=f"{n} badges")
    return page, n


def panel(chrome, page, paper_id=PAPER):
    host = shadow.badge_host(chrome, page, paper_id)
    found = shadow.inside(host, "panel")
    return host, (found[0] if found else None)


def field(chrome, page, host, css_class):
    return shadow.inside(host, css_class)[0]["node"]


def wait_toast(chrome, page, pred, what):
    return wait_until(lambda: (lambda t: t if t and pred(t) else None)(shadow.toast(chrome, page)), message=what)


def clipboard(page) -> str:
    return page.evaluate("() => navigator.clipboard.readText()")


def test_menu_by_keyboard_saves_tags_note_and_to_read_then_undo(chrome, artifacts):
    library_with_tags(chrome.server)
    page, n = open_hf(chrome)
    page.keyboard.press("j")  # the first paper
    page.keyboard.press("t")  # its menu
    host, box = panel(chrome, page)
    assert box and "hidden" not in box["attrs"], "the menu did not open"
    assert shadow.focused_in(chrome, page, host) == "tags"
    page.keyboard.type("rob")
    options = lambda: [o["attrs"].get("value") for o in shadow.inside(shadow.badge_host(chrome, page, PAPER), tag="option")]
    wait_until(lambda: options() == ["robotics"], message="robotics offered for 'rob'")
    page.keyboard.type("otics, re")
    wait_until(lambda: options() == ["robotics, reading-group"], message="the second tag completed after the first")
    page.keyboard.type("ading-group, llm")
    page.keyboard.press("Tab")
    page.keyboard.type("Read after lunch")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # To read
    page.screenshot(path=str(artifacts / "badges-menu.png"))
    page.keyboard.press("Control+Enter")
    wait_until(lambda: paper(chrome.server, f"arxiv:{PAPER}")["saved"], message="saved")
    record = wait_until(lambda: (lambda p: p if p["tags"] else None)(paper(chrome.server, f"arxiv:{PAPER}")), message="tags")
    assert sorted(record["tags"]) == ["llm", "reading-group", "robotics", "to read"] and record["note"] == "Read after lunch"
    t = wait_toast(chrome, page, lambda t: t["text"].startswith("Saved with"), "the confirmation")
    assert t["text"] == "Saved with 4 tags and a note" and list(t["buttons"]) == ["Undo"]
    badge = next(b for b in chrome.badges(page) if b["id"] == PAPER)
    assert badge["state"] == "saved" and "to read" in badge["title"]
    host, box = panel(chrome, page)
    assert "hidden" in box["attrs"] and shadow.focused_in(chrome, page, host) == "BUTTON"  # back on the badge

    shadow.click(chrome, page, t["buttons"]["Undo"])
    wait_toast(chrome, page, lambda t: t["text"] == "Save undone", "the undo confirmation")
    record = paper(chrome.server, f"arxiv:{PAPER}")
    assert not record["saved"] and record["tags"] == [] and record["note"] == ""
    chrome.wait_badges(page, lambda bs: any(b["id"] == PAPER and b["state"] == "new" for b in bs), what="Save again")


def test_click_save_and_unsave_confirm_with_undo(chrome):
    page, n = open_hf(chrome)
    chrome.click_badge(page, "2506.07982")
    t = wait_toast(chrome, page, lambda t: t["text"] == "Saved to PaperShelf", "saved confirmation")
    assert list(t["buttons"]) == ["Undo"]
    shadow.click(chrome, page, t["buttons"]["Undo"])
    wait_toast(chrome, page, lambda t: t["text"] == "Save undone", "undo")
    assert not paper(chrome.server, "arxiv:2506.07982")["saved"]
    chrome.click_badge(page, "2506.07982")
    wait_toast(chrome, page, lambda t: t["text"] == "Saved to PaperShelf", "saved again")
    chrome.click_badge(page, "2506.07982")
    t = wait_toast(chrome, page, lambda t: t["text"] == "Removed from saved", "unsaved confirmation")
    shadow.click(chrome, page, t["buttons"]["Undo"])
    wait_toast(chrome, page, lambda t: t["text"] == "Saved again", "unsave undone")
    assert paper(chrome.server, "arxiv:2506.07982")["saved"]


def test_copy_bibtex_and_markdown_link(chrome):
    page, n = open_hf(chrome)
    page.keyboard.press("j")
    page.keyboard.press("c")
    wait_toast(chrome, page, lambda t: t["text"] == "BibTeX copied", "BibTeX copied")
    bib = clipboard(page)
    assert bib.startswith("@") and PAPER in bib and "Hogwild" in bib, bib
    page.keyboard.press("t")
    for _ in range(6):  # tags, note, to read, Save, Cancel, Copy BibTeX -> Copy Markdown link
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    wait_toast(chrome, page, lambda t: t["text"] == "Markdown link copied", "Markdown copied")
    assert clipboard(page) == f"[{TITLE}](https://arxiv.org/abs/{PAPER})"


def long_listing(n: int) -> tuple[str, str, list[str]]:
    """An arXiv /new listing of n papers (bench/badges.py's generator)."""
    spec = importlib.util.spec_from_file_location("bench_badges", ROOT / "bench" / "badges.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    papers = bench.fake_papers(n, 3000, random.Random(7), bench.words())
    return "https://arxiv.org/list/cs.LG/new", bench.arxiv_page(papers), [p["id"] for p in papers]


def start_save_all(chrome, page) -> None:
    """Save all, as the popup's button and the shortcut ask for it (the worker relays it to the
    active tab); not waited for: the page may ask first."""
    page.bring_to_front()
    chrome.storage("chrome.runtime.sendMessage({type: 'save-all-active'}).then((r) => { globalThis.__saveAll = r; }); return 1;")


def test_save_all_asks_first_above_20_and_undo_unsaves_exactly_those(chrome, artifacts):
    url, html, ids = long_listing(25)
    chrome.serve(url, html)
    page = chrome.open(url, wait_badges=25, timeout=30)
    chrome.click_badge(page, ids[0])  # one saved before: save-all leaves it, undo keeps it
    wait_toast(chrome, page, lambda t: t["text"] == "Saved to PaperShelf", "first saved")

    start_save_all(chrome, page)
    t = wait_toast(chrome, page, lambda t: t["text"].startswith("Save all"), "the question")
    assert t["text"] == "Save all 24 unsaved papers?" and list(t["buttons"]) == ["Save 24", "Cancel"]
    page.screenshot(path=str(artifacts / "badges-save-all-question.png"))
    page.keyboard.press("Escape")  # the question has the focus: Escape is Cancel
    wait_until(lambda: shadow.toast(chrome, page) is None, message="the question gone")
    assert [p for p in ids if paper(chrome.server, f"arxiv:{p}")["saved"]] == [ids[0]]

    start_save_all(chrome, page)
    t = wait_toast(chrome, page, lambda t: t["text"].startswith("Save all"), "the question again")
    shadow.click(chrome, page, t["buttons"]["Save 24"])
    t = wait_toast(chrome, page, lambda t: t["text"] == "Saved 24 papers", "saved 24")
    assert all(paper(chrome.server, f"arxiv:{p}")["saved"] for p in ids)
    shadow.click(chrome, page, t["buttons"]["Undo"])
    wait_toast(chrome, page, lambda t: t["text"] == "Save of 24 papers undone", "undone")
    assert [p for p in ids if paper(chrome.server, f"arxiv:{p}")["saved"]] == [ids[0]]
    chrome.wait_badges(page, lambda bs: sum(b["state"] == "saved" for b in bs) == 1, what="one saved badge")


def test_save_all_of_a_few_papers_does_not_ask(chrome):
    page, n = open_hf(chrome)
    start_save_all(chrome, page)
    t = wait_toast(chrome, page, lambda t: t["text"].startswith("Saved"), "saved all")
    assert t["text"] == f"Saved {n} papers"
