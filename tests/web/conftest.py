"""Fixtures for the library page tests: a real server, a real headless Chromium, real papers.

The server is the shared ``live_server_factory`` (tests/conftest.py): ``papershelf serve`` in a
child process over a library directory on disk.  Papers are put into that directory through
the real store before the server starts, so these tests depend on no import format; the page
then only talks to the server over HTTP, as it does for a user.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from papershelf.papers import Paper, Source
from papershelf.store import Library

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM = os.environ.get("PAPERSHELF_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def make_paper(n: int, *, title: str, saved_at: str | None = "2026-03-02T10:00:00Z", **fields) -> Paper:
    """A realistic captured paper: arXiv id, authors, abstract, links, a Hugging Face sighting.

    ``saved_at=None`` makes a paper that was only seen, never saved."""
    aid = fields.pop("arxiv_id", f"2601.{10000 + n:05d}")
    urls = {"abs": f"https://arxiv.org/abs/{aid}", "pdf": f"https://arxiv.org/pdf/{aid}",
            "hf": f"https://huggingface.co/papers/{aid}"}
    seen = "2026-03-01T09:00:00Z"
    return Paper(
        title=title,
        arxiv_id=aid,
        authors=fields.pop("authors", [f"Author{n} Alpha", f"Author{n} Beta"]),
        abstract=fields.pop("abstract", f"We study problem number {n} and report what we found."),
        published=fields.pop("published", "2026-01-15"),
        urls=fields.pop("urls", urls),
        sources=fields.pop("sources", [Source("huggingface", "https://huggingface.co/papers?q=x", seen, seen)]),
        seen_count=fields.pop("seen_count", 1),
        first_seen=seen,
        last_seen=fields.pop("last_seen", seen),
        saved=saved_at is not None,
        saved_at=saved_at,
        **fields,
    )


@pytest.fixture
def shelf(live_server_factory, tmp_path):
    """shelf([Paper, ...]) -> a running server whose library holds exactly those papers."""

    def start(papers: list[Paper]):
        data = tmp_path / "shelf"
        with Library(data) as lib:
            lib.import_papers(papers)
        return live_server_factory(data_dir=data)

    return start


# --- the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser context per test; uncaught page errors are collected in page.errors."""
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.errors = errors
    yield pg
    ctx.close()


@pytest.fixture
def open_library(page):
    """open_library(server, query='') -> the page, once its first list has been drawn."""

    def open_(server, query: str = ""):
        page.goto(f"{server.url}/{query}")
        page.wait_for_selector("body[data-ready='1']")
        return page

    return open_


@pytest.fixture
def shot():
    """shot(page, name): a full-page screenshot in tests/artifacts/, to be looked at."""

    def take(pg, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"library-{name}.png"
        pg.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(name="make_paper")
def make_paper_fixture():
    return make_paper


HOSTILE = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture
def hostile_paper() -> Paper:
    """A paper whose every field a web page could have filled tries to run script (each sets
    window.__pwned); its title is the markup the page must show as text."""
    return make_paper(
        1,
        title=HOSTILE,
        authors=["<script>window.__pwned=2</script>"],
        abstract='<svg onload="window.__pwned=3"></svg>',
        tags=['<b onmouseover="window.__pwned=4">tag</b>'],
        note='<iframe src="javascript:window.__pwned=5"></iframe>',
        urls={"abs": "javascript:window.__pwned=6", "pdf": "data:text/html,<script>window.__pwned=7</script>",
              "code": "https://github.com/example/repo"},
    )
