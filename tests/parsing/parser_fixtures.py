"""Helpers for the parser tests: fixtures by name, under the URLs they stand for.

(A plain module, not a conftest: tests/ has no packages, so the tests import it by name.)
"""

from __future__ import annotations

from pathlib import Path

from papershelf.parsing import PageParts, parse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEEDS = FIXTURES / "seeds"

# The URL each fixture stands for (tests/fixtures/README.md).
URLS = {
    "hf_daily_with_props": "https://huggingface.co/papers/date/2025-10-29",
    "hf_daily_no_props_alt_layout": "https://huggingface.co/papers/date/2025-10-30",
    "hf_week_stale_props": "https://huggingface.co/papers/week/2025-W44",
    "hf_month_malformed_props": "https://huggingface.co/papers/month/2025-10",
    "hf_trending_with_props": "https://huggingface.co/papers/trending",
    "hf_trending_no_props": "https://huggingface.co/papers/trending",
    "hf_search_with_props": "https://huggingface.co/papers?q=task-specific+behavior",
    "hf_search_no_props": "https://huggingface.co/papers?q=task-specific+behavior",
    "hf_paper_page": "https://huggingface.co/papers/2504.06261",
    "hf_paper_page_no_props": "https://huggingface.co/papers/2504.06261",
    "hf_daily_hostile": "https://huggingface.co/papers/date/2026-01-05",
    "arxiv_list_new": "https://arxiv.org/list/cs.LG/new",
    "arxiv_list_recent": "https://arxiv.org/list/cs.CL/recent",
    "arxiv_list_pre2024": "https://arxiv.org/list/cs.RO/2304",
    "arxiv_search": "https://arxiv.org/search/?query=behavior+retrieval&searchtype=all",
    "arxiv_abs": "https://arxiv.org/abs/2504.06261v2",
    "openreview_forum": "https://openreview.net/forum?id=mM7VurbA4r",
    "journal_article": "https://jmlr.org/tmlr/papers/bigbench.html",
    "unknown_page": "https://example.org/notes",
}


def fixture_html(name: str) -> str:
    return (FIXTURES / f"{name}.html").read_text(encoding="utf-8")


def parse_fixture(name: str, url: str | None = None):
    return parse(PageParts(url=url or URLS[name], html=fixture_html(name)))


def seed_files() -> list[Path]:
    files = sorted(SEEDS.glob("*.txt"))
    assert len(files) == 5, f"expected the five seed listings in {SEEDS}"
    return files


def by_key(result) -> dict:
    return {p.paper.key: p.paper for p in result.papers}
