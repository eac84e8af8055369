"""Markdown reading list: links for every paper, page text escaped, only http(s) links."""

from __future__ import annotations

import re

from papershelf.formats import export_papers
from papershelf.papers import Paper


def test_reading_list_with_links(papers):
    body, media_type, ext = export_papers("markdown", papers)
    assert ext == "md" and media_type.startswith("text/markdown")
    assert body.startswith("# Reading list\n")
    assert f"{len(papers)} papers" in body
    assert "- [x] **[Attention Is All You Need](https://arxiv.org/abs/1706.03762)** — Ashish Vaswani, Noam Shazeer, Niki Parmar" in body
    assert "[PDF](https://arxiv.org/pdf/1706.03762)" in body
    assert "[Code](https://github.com/eqimp/hogwild_llm)" in body
    assert "Tags: `transformers`, `classic`" in body
    assert "> Read twice." in body and "> Section 3 matters." in body
    # 3 of 8 authors known
    assert "Gleb Rodionov, Roman Garipov, Alina Shutova et al." in body
    # An id-only record is listed by its key
    assert "arxiv:hep-th/9901001" in body.replace("\\", "")


def test_page_text_cannot_inject_markup_or_script_links():
    p = Paper(
        title='Brackets [x](javascript:alert(1)) <img src=x onerror=alert(1)> *b*',
        arxiv_id="2401.00001",
        urls={"code": "javascript:alert(1)", "project": "https://ex.org/a b(c)"},
    )
    body = export_papers("markdown", [p])[0]
    # No unescaped link to a script and no raw HTML tag: every such character is backslash-escaped.
    assert "](javascript" not in body
    assert re.search(r"(?<!\\)<img", body) is None
    assert "[Code]" not in body  # a non-http link is dropped, not linked
    assert "\\<img" in body and "\\[x\\]\\(javascript" in body
    assert "[Project](https://ex.org/a%20b%28c%29)" in body
