"""Helpers for the parser tests: fixtures by name, under the URLs they stand for.

(A plain module, not a conftest: tests/ has no packages, so the tests import it by name.)
"""

from __future__ import annotations

import sys
from pathlib import Path

from papershelf.parsing import PageParts, parse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEEDS = FIXTURES / "seeds"

# The URL each fixture stands for: the one table of fixture pages (tests/fixtures/pages.json).
sys.path.insert(0, str(FIXTURES))
import pages as fixture_pages  # noqa: E402

URLS = fixture_pages.urls()


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
