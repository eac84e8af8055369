"""Fuzzing: random and mutated input never raises, never hangs, never yields an untitled paper."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papershelf.parsing import PageParts, parse
from papershelf.parsing.page import parts_from_text

from parser_fixtures import URLS, fixture_html

# Small fixtures only, so each example parses in milliseconds; the deadline is the "never hangs".
SMALL = ["hf_daily_with_props", "hf_daily_no_props_alt_layout", "hf_search_no_props", "hf_paper_page",
         "arxiv_list_new", "arxiv_list_pre2024", "arxiv_search", "arxiv_abs", "openreview_forum"]
PAGES = {name: fixture_html(name) for name in SMALL}
FUZZ = settings(max_examples=40, deadline=2000, suppress_health_check=[HealthCheck.too_slow], derandomize=True)

MARKUP = st.sampled_from(["<", ">", "</a>", "<a href='/papers/2401.12345'>", "<dt>", "</dd>", "<dl id='articles'>",
                          "&amp;", "&#", "\"", "'", "<h3>", "<input type=checkbox>", "<label>", "\x00", "🚀", "$\\alpha$",
                          "<p class='mathjax'>", "<span class='descriptor'>Title:</span>", "<li class='arxiv-result'>"])


def check(result) -> None:
    for p in result.papers:
        assert p.paper.title.strip() and p.paper.key
        assert len(p.paper.sources) == 1
    assert all(isinstance(s.reason, str) and s.reason for s in result.skipped)


@st.composite
def mutated_page(draw):
    name = draw(st.sampled_from(SMALL))
    html = PAGES[name]
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, len(html)))
        j = min(len(html), i + draw(st.integers(0, 400)))
        action = draw(st.sampled_from(["cut", "delete", "insert", "duplicate"]))
        if action == "cut":
            html = html[:i]
        elif action == "delete":
            html = html[:i] + html[j:]
        elif action == "insert":
            html = html[:i] + draw(MARKUP) + html[i:]
        else:
            html = html[:j] + html[i:j] + html[j:]
    return name, html


@FUZZ
@given(mutated_page())
def test_mutated_fixture_pages(page):
    name, html = page
    check(parse(PageParts(url=URLS[name], html=html)))


@FUZZ
@given(st.text(max_size=3000), st.sampled_from(["", "file:///x.txt", "https://huggingface.co/papers?q=x"]))
def test_random_text(text, url):
    check(parse(parts_from_text(url, text)))


LINE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", "  • 5 authors", "·", "Aug 11, 2023", "Sep 25 12", "Subscribe", "Daily Papers", "42",
                     "5 authors · Published on Aug 11, 2023", "Submitted by someone"]),
    st.text(alphabet="abc XYZ.,!?", min_size=200, max_size=1200),
)


@FUZZ
@given(st.lists(LINE, max_size=60))
def test_text_shaped_like_listings(lines):
    check(parse(parts_from_text("", "\n".join(lines))))


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(
        st.sampled_from(["dailyPapers", "searchResults", "paper", "papers", "id", "title", "summary", "authors",
                         "name", "publishedAt", "upvotes", "githubRepo", "githubStars", "organization", "fullname",
                         "projectPage", "ai_keywords", "dateString"]), children, max_size=6),
    max_leaves=30,
)


@FUZZ
@given(
    st.sampled_from(["https://huggingface.co/papers/date/2025-10-29", "https://huggingface.co/papers/2401.12345",
                     "https://arxiv.org/list/cs.LG/new", "https://arxiv.org/abs/2401.12345", "https://example.org/",
                     "", "::not a url::", "https://huggingface.co/papers/week/2025-W99"]),
    st.lists(st.one_of(st.text(max_size=200), st.sampled_from(
        ['<article><h3><a href="/papers/2401.12345">T</a></h3></article>', '<dt><a href="/abs/2401.12345">x</a></dt><dd></dd>',
         '<li class="arxiv-result"></li>', '<a href="/papers/2401.12345"></a>'])), max_size=5),
    st.one_of(JSONISH, JSONISH.map(lambda v: json.dumps(v)), st.text(max_size=100)),
    st.lists(st.tuples(st.sampled_from(["citation_title", "citation_author", "citation_date", "citation_doi", "og:title",
                                        "citation_arxiv_id", "citation_pdf_url", "citation_journal_title"]),
                       st.text(max_size=60)), max_size=6),
)
def test_random_parts(url, cards, props, meta):
    check(parse(PageParts(url=url, cards=cards, props=props, meta=meta)))
