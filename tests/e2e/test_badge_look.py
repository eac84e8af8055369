"""Badges that belong on the page: the system UI font at the site's scale, on the title's line
where it fits, the page's light or dark theme, WCAG AA contrast in every state.

Pages are the fixtures in their sites' look (badge_sites.py). What is drawn is read as the browser
draws it: computed styles and the fonts actually used, over CDP, from inside the closed shadow
roots (never through anything a page script could read); every state's colours are checked by
putting the state on a badge from the browser's side (CDP DOM.setAttributeValue), as the content
script would. Screenshots go to tests/artifacts/badges-*.png.
"""

from __future__ import annotations

import json

import pytest

from a11y import serious_violations

from .badge_sites import Inspector, contrast, dressed, rgba
from .conftest import PAGES, expected_ids, fixture_html, wait_until

pytestmark = pytest.mark.browser

HF = "hf_daily_with_props.html"
ARXIV = "arxiv_list_new.html"
SEEN_BEFORE = "2502.21257"  # imported as seen on 3 earlier days: this view makes it 4
SAVED = "2504.06261"
STATES = ("new", "seen", "saved", "queued", "error", "pending", "busy")
SERIF = {"Times New Roman", "Times", "Liberation Serif", "DejaVu Serif", "Nimbus Roman", "Tinos", "FreeSerif"}


def settled(n):
    return lambda bs: len(bs) >= n and all(b["state"] in ("new", "seen", "saved", "error") and b["recorded"] for b in bs)


def import_seen_before(server, paper_id: str, days: int = 3) -> None:
    """The library already knows the paper from `days` earlier days (a backup import)."""
    from papershelf.papers import Paper

    when = "2026-01-01T09:00:00Z"
    p = Paper(title="RoboBrain: A Unified Brain Model for Robotic Manipulation from Abstract to Concrete",
              arxiv_id=paper_id, seen_count=days, first_seen=when, last_seen=when)
    backup = {"format": "papershelf", "schema": 1, "exported_at": when, "count": 1, "papers": [p.to_dict()]}
    status, body = server.api("POST", "/api/import", body=json.dumps(backup).encode(),
                              headers={"Content-Type": "application/json"})
    assert status == 200 and body["added"] == 1, body


def open_page(chrome, name: str, html: str, *, width=1280, height=900, scheme: str | None = None):
    url = chrome.serve(PAGES[name], html)
    page = chrome.ctx.new_page()
    page.set_viewport_size({"width": width, "height": height})
    if scheme:
        page.emulate_media(color_scheme=scheme)
    page.goto(url)
    n = len(expected_ids(name))
    chrome.wait_badges(page, settled(n), what=f"{n} settled badges on {name}")
    return page


def check_font(ins: Inspector, badge: dict) -> float:
    """The badge's font: the system UI font (never the default serif), 11-14 px at 0.72 of the
    title's size. Returns the size."""
    style = ins.style(badge["button"])
    assert style["font-family"].startswith("system-ui"), style["font-family"]
    used = ins.fonts(badge["button_before"])
    assert used and not SERIF & set(used), used
    title = float(ins.style(badge["parent"])["font-size"].removesuffix("px"))
    size = float(style["font-size"].removesuffix("px"))
    assert abs(size - min(14, max(11, 0.72 * title))) < 0.2, (size, title)
    return size


def check_contrast(ins: Inspector, badges: list[dict], dark: bool) -> dict[str, float]:
    """Every state's text against its own background (opaque), and both slot kinds: ≥ 4.5:1,
    on a badge whose slot shows words. The badge's attributes are put back afterwards."""
    badge = next(b for b in badges if b["slot_before"] and b["slot_attrs"].get("data-label"))
    ratios = {}
    before_state = badge["attrs"]["data-state"]
    for state in STATES:
        ins.set_attr(badge["button"], "data-state", state)
        s = ins.style(badge["button"])
        fg, bg = rgba(s["color"]), rgba(s["background-color"])
        assert bg[3] == 1, (state, s["background-color"])
        ratios[state] = contrast(fg, bg)
        if state == "new":  # the dark palette on a dark page, the light one on a light page
            assert (sum(bg[:3]) / 3 < 100) == dark, (dark, bg)
    ins.set_attr(badge["button"], "data-state", before_state)
    kind, label = badge["slot_attrs"].get("data-kind"), badge["slot_attrs"].get("data-label")
    for k, words in (("new", "new"), ("seen", "seen on 12 days")):
        ins.set_attr(badge["slot"], "data-kind", k)
        ins.set_attr(badge["slot"], "data-label", words)
        s = ins.style(badge["slot_before"])
        fg, bg = rgba(s["color"]), rgba(s["background-color"])
        assert bg[3] == 1, (k, s["background-color"])
        ratios[f"slot {k}"] = contrast(fg, bg)
        words_box, slot_box = ins.box(badge["slot_before"]), ins.box(badge["slot"])
        assert words_box["right"] <= slot_box["right"] + 0.5, (words, words_box, slot_box)  # never cut off
    ins.set_attr(badge["slot"], "data-kind", kind)
    ins.set_attr(badge["slot"], "data-label", label)
    low = {k: round(v, 2) for k, v in ratios.items() if v < 4.5}
    assert not low, f"below WCAG AA 4.5:1: {low}"
    return ratios


# Where each HF title's last line ends, where its badge is, and whether the badge fits there.
TITLE_LINES_JS = """() => [...document.querySelectorAll('article h3')].map((h3) => {
  const a = h3.querySelector('a'); const host = h3.querySelector('span.papershelf-badge-host');
  const range = document.createRange(); range.selectNodeContents(a);
  const lines = [...range.getClientRects()]; const last = lines[lines.length - 1];
  const hb = host.getBoundingClientRect(); const box = h3.getBoundingClientRect();
  const room = box.right - last.right;
  return {display: getComputedStyle(a).display, room, need: hb.width + parseFloat(getComputedStyle(host).marginLeft),
          sameLine: Math.abs((hb.top + hb.bottom) / 2 - (last.top + last.bottom) / 2) < last.height / 2,
          below: hb.top >= last.bottom - 2, lines: lines.length};
})"""


def hf_page(chrome, *, dark=False, system=False, scheme=None):
    import_seen_before(chrome.server, SEEN_BEFORE)
    page = open_page(chrome, HF, dressed(fixture_html(HF), "hf", dark=dark, system=system), scheme=scheme)
    chrome.click_badge(page, SAVED)
    chrome.wait_badges(page, lambda bs: any(b["id"] == SAVED and b["state"] == "saved" for b in bs), what="saved")
    page.mouse.move(1, 1)  # no hover colours in what is checked and shot
    badges = {b["id"]: b for b in chrome.badges(page)}
    assert badges[SEEN_BEFORE]["state"] == "seen" and badges[SEEN_BEFORE]["seen"] == "seen on 4 days", badges[SEEN_BEFORE]
    assert all(b["seen"] == "new" for i, b in badges.items() if i not in (SAVED, SEEN_BEFORE)), badges
    return page


def badge_violations(chrome, page, html: str) -> list[str]:
    """axe-core's serious and critical findings that the badges add: the same page served where
    the extension does not run gives the site's own findings, which are not ours to fix."""
    ours = serious_violations(page)
    plain = chrome.ctx.new_page()
    plain.goto(chrome.serve("https://huggingface.co/not-a-listing", html))
    theirs = set(serious_violations(plain))
    plain.close()
    return [v for v in ours if v not in theirs]


def shoot(page, artifacts, name):
    page.locator("article").first.scroll_into_view_if_needed()
    page.evaluate("() => window.scrollBy(0, 180)")
    page.screenshot(path=str(artifacts / name))


def test_hf_light_system_font_at_the_titles_scale_on_the_title_line_and_aa_contrast(chrome, artifacts):
    page = hf_page(chrome)
    ins = Inspector(chrome, page)
    badges = ins.badges()
    assert len(badges) == 6
    sizes = {check_font(ins, b) for b in badges}
    assert sizes == {14.0}, sizes  # HF's md:text-2xl/7 titles (24 px)
    assert all("dark" not in b["wrap_class"].split() for b in badges)
    check_contrast(ins, badges, dark=False)
    lines = page.evaluate(TITLE_LINES_JS)
    for line in lines:
        assert line["display"] == "inline", line  # an unclamped title no longer pushes the badge down
        if line["room"] >= line["need"] + 2:
            assert line["sameLine"], line
        elif line["room"] < line["need"] - 2:
            assert line["below"], line
    assert any(line["sameLine"] for line in lines), lines
    shoot(page, artifacts, "badges-hf-light.png")
    assert badge_violations(chrome, page, dressed(fixture_html(HF), "hf")) == []


def test_hf_dark_class_gives_dark_badges_with_aa_contrast(chrome, artifacts):
    page = hf_page(chrome, dark=True)
    ins = Inspector(chrome, page)
    badges = ins.badges()
    assert all("dark" in b["wrap_class"].split() for b in badges), [b["wrap_class"] for b in badges]
    for b in badges:
        check_font(ins, b)
    check_contrast(ins, badges, dark=True)
    shoot(page, artifacts, "badges-hf-dark.png")
    assert badge_violations(chrome, page, dressed(fixture_html(HF), "hf", dark=True)) == []
    # Switching the site's theme back (HF's theme menu flips the class) follows at once.
    page.evaluate("() => document.documentElement.classList.remove('dark')")
    wait_until(lambda: all("dark" not in b["wrap_class"].split() for b in ins.badges()), message="light badges")


def test_the_page_theme_decides_not_the_system_preference(chrome, artifacts):
    # HF in its "system" theme under a dark system preference: dark page, dark badges.
    page = open_page(chrome, HF, dressed(fixture_html(HF), "hf", system=True), scheme="dark")
    assert all("dark" in b["wrap_class"].split() for b in Inspector(chrome, page).badges())
    page.close()
    # arXiv stays white whatever the system prefers: light badges.
    page = open_page(chrome, ARXIV, dressed(fixture_html(ARXIV), "arxiv"), scheme="dark")
    assert all("dark" not in b["wrap_class"].split() for b in Inspector(chrome, page).badges())


def test_arxiv_listing_badges_at_the_title_size_on_the_title_line(chrome, artifacts):
    page = open_page(chrome, ARXIV, dressed(fixture_html(ARXIV), "arxiv"), width=1100)
    ins = Inspector(chrome, page)
    badges = ins.badges()
    sizes = {check_font(ins, b) for b in badges}
    assert sizes == {12.96}, sizes  # arXiv's .list-title is `large` (18 px)
    check_contrast(ins, badges, dark=False)
    # Each badge ends its title: on the title's last line when there is room, else just below.
    placed = page.evaluate("""() => [...document.querySelectorAll('.list-title')].map((t) => {
      const host = t.querySelector('span.papershelf-badge-host'); const hb = host.getBoundingClientRect();
      const range = document.createRange(); range.setStartBefore(t.firstChild); range.setEndBefore(host);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0); const last = rects[rects.length - 1];
      return {sameLine: hb.top < last.bottom && hb.bottom > last.top, room: t.getBoundingClientRect().right - last.right,
              need: hb.width};
    })""")
    assert placed and all(p["sameLine"] or p["room"] < p["need"] + 10 for p in placed), placed
    assert any(p["sameLine"] for p in placed), placed
    page.locator("dl dt").first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "badges-arxiv.png"))
    assert badge_violations(chrome, page, dressed(fixture_html(ARXIV), "arxiv")) == []


# --- Firefox (WebDriver BiDi: the nodes in closed shadow roots come from locateNodes) -------------

LOOK_JS = """function () {
  const s = getComputedStyle(this); const slot = this.parentNode.querySelector('.seen');
  const w = getComputedStyle(slot, '::before');
  return {font: s.fontFamily, size: s.fontSize, color: s.color, bg: s.backgroundColor,
          wrap: this.parentNode.className, slotColor: w.color, slotBg: w.backgroundColor,
          title: getComputedStyle(this.getRootNode().host.parentNode).fontSize};
}"""


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_firefox_hf_badges_system_font_theme_and_contrast(ff, artifacts, dark):
    import_seen_before(ff.server, SEEN_BEFORE)
    url = ff.serve(PAGES[HF], dressed(fixture_html(HF), "hf", dark=dark))
    ff.navigate(url)
    ff.wait_badges(settled(6), what="badges")
    looks = []
    for badge, node in ff.badge_nodes():
        r = ff.send("script.callFunction", {"functionDeclaration": LOOK_JS, "this": {"sharedId": node},
                                            "target": {"context": ff.context}, "awaitPromise": False})
        looks.append((badge, {k: v["value"] for k, v in r["result"]["value"]}))
    for badge, look in looks:
        assert look["font"].startswith("system-ui"), look
        title = float(look["title"].removesuffix("px"))
        assert abs(float(look["size"].removesuffix("px")) - min(14, max(11, 0.72 * title))) < 0.2, look
        assert ("dark" in look["wrap"].split()) == dark, look
        assert contrast(rgba(look["color"]), rgba(look["bg"])) >= 4.5, look
        if badge["seen"]:
            assert contrast(rgba(look["slotColor"]), rgba(look["slotBg"])) >= 4.5, look
    assert {b["seen"] for b, _ in looks} == {"new", "seen on 4 days"}
    ff.screenshot(artifacts / f"firefox-badges-hf-{'dark' if dark else 'light'}.png")
