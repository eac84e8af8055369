"""arXiv listings, search and abstract pages; any page with Highwire citation_* meta."""

from __future__ import annotations

from papershelf.parsing import PageParts, parse
from papershelf.parsing.page import parts_from_html

from parser_fixtures import URLS, fixture_html, parse_fixture


def test_list_new_reads_all_three_sections():
    result = parse_fixture("arxiv_list_new")
    assert result.parser == "arxiv" and result.skipped == []
    ids = [p.paper.arxiv_id for p in result.papers]
    assert ids == ["2601.00001", "2601.00002", "2601.00003", "2601.00107", "2501.06252", "2308.05996"]
    first = result.papers[0].paper
    assert first.title == "Hogwild! Inference: Parallel LLM Generation via Concurrent Attention"
    assert first.authors[:2] == ["Alice Example", "Bo Sample"] and len(first.authors) == 8
    assert first.comments == "12 pages, 5 figures"
    assert first.categories == ["cs.LG", "cs.AI"]
    assert first.abstract.startswith("Large Language Models (LLMs) have demonstrated the ability")
    assert first.abstract.endswith("without additional fine-tuning.")
    assert first.published == "2026-01"  # from the id: listings carry no per-paper date
    assert first.urls == {"abs": "https://arxiv.org/abs/2601.00001", "pdf": "https://arxiv.org/pdf/2601.00001"}
    assert [(s.site, s.url) for s in first.sources] == [("arxiv", URLS["arxiv_list_new"])]
    assert result.papers[1].paper.categories == ["cs.LG", "cs.CL", "stat.ML"]
    cross = result.papers[3].paper
    assert cross.categories == ["cs.CL", "cs.AI", "cs.LG"]  # primary first, even when cross-listed here
    replaced = result.papers[5].paper
    assert replaced.abstract == "" and replaced.categories == ["cs.IR", "cs.LG"]
    assert replaced.journal_ref == "CIKM '23: Proceedings of the 32nd ACM International Conference, 2023"
    assert replaced.published == "2023-08"


def test_recent_and_pre2024_markup():
    recent = parse_fixture("arxiv_list_recent")
    assert [p.paper.arxiv_id for p in recent.papers] == ["2403.08715", "2506.07982", "2303.16434"]
    assert recent.papers[0].paper.title == "SOTOPIA-$π$: Interactive Learning of Socially Intelligent Language Agents"
    old = parse_fixture("arxiv_list_pre2024")
    got = [(p.paper.key, p.paper.published, p.paper.comments) for p in old.papers]
    assert got == [
        ("arxiv:2304.08742", "2023-04", "Accepted at RSS 2023"),
        ("arxiv:2303.16434", "2023-03", ""),
        ("arxiv:cs/0112017", "2001-12", ""),
    ]
    assert old.papers[0].paper.title == "Behavior Retrieval: Few-Shot Imitation Learning by Querying Unlabeled Datasets"


def test_list_cards_as_the_extension_sends_them():
    parts = parts_from_html(URLS["arxiv_list_new"], fixture_html("arxiv_list_new"))
    assert len(parts.cards) == 6
    assert all(c.startswith("<dt") and "<dd" in c for c in parts.cards)
    # a capture from a mirror or a local copy is recognised by its cards alone
    result = parse(PageParts(url="http://localhost:8000/new.html", cards=parts.cards))
    assert result.parser == "arxiv" and len(result.papers) == 6


def test_search_results():
    result = parse_fixture("arxiv_search")
    br, dtrn = (p.paper for p in result.papers)
    assert br.key == "arxiv:2304.08742" and br.categories == ["cs.RO", "cs.LG"]
    assert br.title == "Behavior Retrieval: Few-Shot Imitation Learning by Querying Unlabeled Datasets"
    assert br.abstract.startswith("Enabling robots to learn novel visuomotor skills")
    assert not br.abstract.endswith("Less") and not br.abstract_truncated
    assert br.published == "2023-04-18" and len(br.authors) == 4
    # "v1 submitted" is the publication date; the DOI tag row is not a category
    assert dtrn.published == "2023-08-11" and dtrn.categories == ["cs.IR"]
    assert dtrn.doi == "10.1145/3583780.3614837" and dtrn.comments == "CIKM 2023"


def test_abs_page_from_meta_and_body():
    result = parse_fixture("arxiv_abs")
    (p,) = [x.paper for x in result.papers]
    assert p.key == "arxiv:2504.06261" and p.published == "2025-04-08"
    assert p.authors[0] == "Alice Example" and len(p.authors) == 8  # "Example, Alice" flipped
    assert p.categories == ["cs.LG", "cs.CL"] and p.comments == "Preprint, work in progress"
    assert p.abstract.endswith("without additional fine-tuning.")
    assert p.urls["abs"] == "https://arxiv.org/abs/2504.06261" and p.venue == ""
    # what the extension sends from an abs page: only the meta tags
    meta_only = parse(PageParts(url=URLS["arxiv_abs"], meta=parts_from_html(URLS["arxiv_abs"], fixture_html("arxiv_abs")).meta))
    assert meta_only.papers[0].paper.key == "arxiv:2504.06261" and meta_only.papers[0].paper.title == p.title


def test_openreview_forum_and_journal_article():
    (forum,) = [x.paper for x in parse_fixture("openreview_forum").papers]
    assert forum.title == "SOTOPIA-$π$: Interactive Learning of Socially Intelligent Language Agents"
    assert forum.key == "title:sotopia π interactive learning of socially intelligent language agents"
    assert forum.venue == "The Twelfth International Conference on Learning Representations"
    assert forum.published == "2024-01-16" and len(forum.authors) == 9
    assert forum.urls["pdf"] == "https://openreview.net/pdf?id=mM7VurbA4r"
    assert [(s.site, s.url) for s in forum.sources] == [("openreview", URLS["openreview_forum"])]
    journal = parse_fixture("journal_article")
    (j,) = [x.paper for x in journal.papers]
    assert journal.parser == "citation_meta"
    assert j.key == "arxiv:2206.04615"  # an arXiv DOI is an arXiv id; "Sample, Hana" is flipped below
    assert j.authors[0] == "Hana Sample" and j.published == "2023-05"
    assert j.venue == "Transactions on Machine Learning Research"
    assert j.journal_ref == "Transactions on Machine Learning Research 2023, 1-95 (2023)"


def test_unknown_page_gives_zero_papers_and_a_reason():
    for parts in [
        PageParts(url=URLS["unknown_page"], html=fixture_html("unknown_page")),
        PageParts(url="https://example.org/"),
        PageParts(url="https://arxiv.org/list/cs.LG/new"),
        PageParts(url="https://huggingface.co/papers", props="{not json", cards=["<div>no link</div>"]),
        PageParts(url="not a url", cards=["<<<>>>", ""], props=[1, 2], meta=[("citation_title", "")]),
    ]:
        result = parse(parts)
        assert result.papers == [] and result.skipped and all(s.reason for s in result.skipped)
