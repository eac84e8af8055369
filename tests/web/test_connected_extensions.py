"""The library page lists the extensions the user connected and revokes them (clients.js)."""

from __future__ import annotations

from test_pairing import OURS, call, connect


def test_connected_extensions_are_listed_and_revoked(shelf, make_paper, open_library, page):
    server = shelf([make_paper(1, title="A paper")])
    key = connect(server, OURS, name="PaperShelf 0.1.0")
    open_library(server)
    page.get_by_text("Connected extensions").click()
    row = page.locator("#client-list li")
    row.first.wait_for()
    assert row.count() == 1
    assert "PaperShelf 0.1.0" in row.inner_text() and OURS in row.inner_text()
    assert call(server, "GET", "/api/health", origin=OURS, key=key)[0] == 200
    page.get_by_role("button", name=f"Revoke PaperShelf 0.1.0 ({OURS})").click()
    page.locator("#clients-empty").wait_for(state="visible")
    assert page.locator("#client-list li").count() == 0
    # The key no longer opens anything.
    assert call(server, "GET", "/api/health", origin=OURS, key=key)[0] == 403
    assert page.errors == []
