"""An import keeps each paper's own saved date (issue #12): a BibTeX file from a reference manager
says when each entry was added (BibDesk's date-added, JabRef's timestamp and creationdate), and
the library page's "saved per week" chart and saved-date order show that history, not one bar on
the day of the import. In Chromium, the file chosen through the page's own Import button."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect


def iso_week(day: datetime) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def test_an_imported_bibtex_file_keeps_each_entrys_added_date(shelf, make_paper, open_library, page, tmp_path):
    now = datetime.now(timezone.utc)
    # Within the chart's window of 26 weeks, each in a week of its own.
    bibdesk, jabref, jabref5 = now - timedelta(weeks=14), now - timedelta(weeks=9), now - timedelta(weeks=4)
    bib = tmp_path / "from-my-reference-manager.bib"
    bib.write_text(f"""
@article{{old, title={{Added in BibDesk long ago}}, author={{Ada Lovelace}}, year={{2020}},
  date-added = {{{bibdesk:%Y-%m-%d %H:%M:%S} +0000}}}}
@inproceedings{{mid, title={{Added in JabRef}}, author={{Alan Turing}}, year={{2021}}, timestamp={{{jabref:%Y.%m.%d}}}}}
@misc{{new, title={{Added in JabRef 5}}, author={{Grace Hopper}}, year={{2022}}, creationdate={{{jabref5:%Y-%m-%dT%H:%M:%S}}}}}
@misc{{undated, title={{No date in the file}}, author={{Edsger Dijkstra}}, year={{2023}}}}
@misc{{future, title={{Dated next year}}, author={{Barbara Liskov}}, year={{2024}}, timestamp={{{now.year + 1}-01-01}}}}
""", encoding="utf-8")
    server = shelf([make_paper(1, title="Saved with the extension", saved_at=(now - timedelta(weeks=2)).strftime("%Y-%m-%dT%H:%M:%SZ"))])
    open_library(server)
    assert page.locator("#import-save").is_checked()  # "save imported", as a user leaves it
    with page.expect_file_chooser() as chooser:
        page.get_by_text("Import…").click()
    chooser.value.set_files(str(bib))
    expect(page.locator(".toast", has_text="Imported")).to_contain_text("5 added")
    expect(page.locator("#papers > li.paper")).to_have_count(6)

    # The chart the user sees: a bar in each week a paper was added, the undated ones today.
    page.wait_for_function("() => [...document.querySelectorAll('#chart-weeks rect.bar')]"
                           ".reduce((n, r) => n + +r.dataset.count, 0) === 6")
    bars = page.evaluate("Object.fromEntries([...document.querySelectorAll('#chart-weeks rect.bar')]"
                         ".filter((r) => +r.dataset.count > 0).map((r) => [r.dataset.week, +r.dataset.count]))")
    assert bars == {iso_week(bibdesk): 1, iso_week(jabref): 1, iso_week(jabref5): 1,
                    iso_week(now - timedelta(weeks=2)): 1, iso_week(now): 2}, bars
    heights = page.evaluate("[...document.querySelectorAll('#chart-weeks rect.bar')].filter((r) => +r.dataset.count > 0)"
                            ".map((r) => r.getBoundingClientRect().height)")
    assert len(heights) == 5 and min(heights) > 5  # drawn, not only in the data

    # Oldest saved first: the list follows the files' dates.
    page.locator("#f-order").click()
    expect(page.locator("#f-order")).to_contain_text("oldest first")
    titles = page.locator("#papers .title-link")
    expect(titles.first).to_have_text("Added in BibDesk long ago")
    shown = titles.all_text_contents()
    assert shown[:4] == ["Added in BibDesk long ago", "Added in JabRef", "Added in JabRef 5", "Saved with the extension"]
    assert set(shown[4:]) == {"No date in the file", "Dated next year"}  # both saved at the import
    status, body = server.api("GET", "/api/papers?limit=10&sort=saved&order=asc")
    saved = {p["title"]: p["saved_at"] for p in body["papers"]}
    assert saved["Added in BibDesk long ago"] == bibdesk.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert saved["Added in JabRef"] == jabref.strftime("%Y-%m-%dT00:00:00Z")
    assert saved["Dated next year"][:10] == now.strftime("%Y-%m-%d")  # a date in the future is not believed

