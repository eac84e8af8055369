"""The popup and the options page follow the browser's colour scheme (light and dark), with no
serious or critical axe-core finding in either (contrast, landmarks); screenshots in
tests/artifacts/popup-*.png and options-*.png."""

from __future__ import annotations

import pytest

from a11y import serious_violations

from .badge_sites import luminance, rgba
from .conftest import wait_until

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_popup_and_options_in_both_schemes_pass_axe(chrome, artifacts, scheme):
    for name, path, ready in (("popup", "popup/popup.html", "#backend[data-state=online]"),
                              ("options", "options/options.html", "#connection-state")):
        page = chrome.ctx.new_page()
        page.emulate_media(color_scheme=scheme)
        page.set_viewport_size({"width": 340 if name == "popup" else 800, "height": 520})
        page.goto(f"chrome-extension://{chrome.ext_id}/{path}")
        page.locator(ready).wait_for(timeout=20000)
        if name == "options":
            wait_until(lambda: "Connected" in page.locator("#connection-state").text_content(), message="connected")
        bg = rgba(page.evaluate("() => getComputedStyle(document.body).backgroundColor"))
        assert (luminance(bg) < 0.1) == (scheme == "dark"), (name, scheme, bg)
        page.screenshot(path=str(artifacts / f"{name}-{scheme}.png"))
        assert serious_violations(page) == [], (name, scheme)
        page.close()
