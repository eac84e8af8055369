"""Imports keep each paper's own saved date (formats/base.py: moment, saved_dates)."""

from __future__ import annotations

import time

import pytest

from papershelf.formats import import_text, saved_dates
from papershelf.formats.base import moment
from papershelf.papers import Paper


@pytest.mark.parametrize("text, expected", [
    ("2019-03-04 12:00:00 +0100", "2019-03-04T11:00:00Z"),  # BibDesk date-added
    ("2019.03.04", "2019-03-04T00:00:00Z"),  # JabRef timestamp
    ("2021-03-04T12:34:56", "2021-03-04T12:34:56Z"),  # JabRef 5 creationdate
    ("2019-03-04T12:00:00.000+01:00", "2019-03-04T11:00:00Z"),  # BibSonomy added-at
    ("2022-01-12T10:00:00Z", "2022-01-12T10:00:00Z"),
    ("2099-01-01", None), ("1980-01-01", None), ("2019-13-01", None), ("2019-02-30", None),
    ("2019-03-04T25:00", None), ("2019-03-04 12:00 +9900", None), ("yesterday", None), ("", None),
    ("2019-03-04" + " " * 100, None), (20190304, None), (None, None),
])
def test_a_files_date_is_read_or_refused(text, expected):
    assert moment(text) == expected


def test_a_hostile_date_costs_nothing():
    start = time.perf_counter()
    for value in ("1" * 20_000, "2019-03-04T" + "1" * 20_000, "2019-03-04 " + "+" * 20_000):
        assert moment(value) is None
    assert time.perf_counter() - start < 0.1


def test_saving_an_import_uses_the_files_dates_and_not_saving_drops_them():
    bib = """@article{a, title={One}, author={A B}, year={2020}, date-added={2019-03-04 12:00:00 +0100}}
@article{b, title={Two}, author={A B}, year={2020}}"""
    saved = saved_dates(import_text(bib, "bibtex").papers, True)
    assert [(p.saved, p.saved_at) for p in saved] == [(True, "2019-03-04T11:00:00Z"), (False, None)]
    seen = saved_dates(import_text(bib, "bibtex").papers, False)
    assert [(p.saved, p.saved_at) for p in seen] == [(False, None), (False, None)]
    # A paper the file already saved keeps its date either way; a first-seen date stands in.
    kept = Paper(title="Kept", saved=True, saved_at="2020-01-01T00:00:00Z")
    seen_once = Paper(title="Seen", first_seen="2021-05-06T07:08:09Z")
    assert [(p.saved, p.saved_at) for p in saved_dates([kept, seen_once], True)] == [
        (True, "2020-01-01T00:00:00Z"), (True, "2021-05-06T07:08:09Z")]
