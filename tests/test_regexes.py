"""Every regex that outside input reaches runs in linear time: the guard of bench/regexes.py.

Bounds are generous (a quadratic regex takes seconds at these sizes, a linear one milliseconds)
so that a loaded machine does not make them flaky; bench/regexes.py prints the figures.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import pytest

from papershelf.formats import export_papers
from papershelf.papers import Paper, paper_from_stored

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_regexes", ROOT / "bench" / "regexes.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_regexes"] = bench  # dataclasses look their module up there
_spec.loader.exec_module(bench)

SIZE = 20_000
BOUND = 0.5  # seconds for one regex on one 20,000-character input; linear ones take ~1 ms


def test_the_bench_sees_every_regex_of_the_backend():
    found, unseen = bench.find_regexes()
    assert unseen == [], f"regexes built at run time inside functions, which the bench cannot test: {unseen}"
    assert len(found) >= 100
    where = {f.where.split(":")[0] for f in found}
    assert {"papershelf.parsing.huggingface", "papershelf.formats.tex", "papershelf.papers", "papershelf.names"} <= where


@pytest.mark.slow
def test_every_regex_runs_in_linear_time_on_adversarial_input():
    found, _ = bench.find_regexes()
    slow = []
    for f in found:
        t, unit = bench.worst_bounded(f.pattern, SIZE, BOUND, anchored=f.anchored)
        if t > BOUND and unit != "?":  # once more, best of three: one slow run on a busy machine is noise
            t, _ = bench.worst_bounded(f.pattern, SIZE, 4 * BOUND, [unit], anchored=f.anchored)
        if t > BOUND:
            slow.append(f"{f.where} /{f.pattern.pattern[:60]}/ on {unit!r} x n: {t:.2f} s")
    assert not slow, "super-linear regexes:\n" + "\n".join(slow)


# --- the cases found by the attack, end to end ------------------------------------------------------


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def test_a_card_of_25000_digits_is_read_quickly(api):
    # The author-count regex re-read the digits from each digit: 5.5 s, /api/health blocked.
    card = '<article><a href="/papers/2401.00001">T</a><p>' + "1" * 25_000 + "</p></article>"
    body = {"url": "https://huggingface.co/papers/date/2025-01-02", "cards": [card], "page": {}}
    took = timed(lambda: api.post("/api/capture", body))
    assert took < 1.0, took


def test_an_og_title_of_30000_spaces_is_read_quickly(api):
    # 8.6 s before: "\s*[-|]\s*Hugging Face\s*$" tried from every space.
    body = {"url": "https://huggingface.co/papers/2401.00001", "cards": [],
            "page": {"meta": [["og:title", "Title" + " " * 30_000 + "x"]]}}
    took = timed(lambda: api.post("/api/capture", body))
    assert took < 1.0, took


def test_a_stored_title_of_30000_openers_exports_quickly():
    # 4.6 s per export before: "\\(.+?\\)" read to the end of the title from every "\(".
    stored = Paper(title="x", arxiv_id="2401.00001").to_dict()
    stored["title"] = "\\(" * 30_000  # as an older library may hold it (new records are capped)
    paper = paper_from_stored(stored)
    took = timed(lambda: export_papers("bibtex", [paper]))
    assert took < 1.0, took


def test_fields_are_capped_before_they_are_matched():
    p = Paper(title="t" * 50_000, abstract="a" * 500_000, authors=["n" * 10_000] * 10, arxiv_id="2401.00001")
    assert len(p.title) <= 2_000 and len(p.abstract) <= 100_000 and all(len(a) <= 500 for a in p.authors)
