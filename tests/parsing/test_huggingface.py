"""Hugging Face Papers pages: lists with and without the data-props blob, search, paper page."""

from __future__ import annotations

import json
from datetime import date

from papershelf.parsing import PageParts, parse
from papershelf.parsing.page import parts_from_html

from parser_fixtures import URLS, by_key, fixture_html, parse_fixture

HOGWILD_ABSTRACT_START = "Large Language Models (LLMs) have demonstrated the ability to tackle increasingly complex tasks"
HOGWILD_ABSTRACT_END = "can perform inference with shared Key-Value cache out of the box, without additional fine-tuning."


def test_daily_with_props_gives_full_records_in_card_order():
    result = parse_fixture("hf_daily_with_props")
    assert result.parser == "huggingface" and result.skipped == []
    assert [p.paper.arxiv_id for p in result.papers] == [
        "2504.06261", "2502.21257", "2509.08721", "2507.21049", "2506.07982", "2501.06252",
    ]
    assert [p.index for p in result.papers] == list(range(6))
    hog = result.papers[0].paper
    assert hog.key == "arxiv:2504.06261"
    assert hog.title == "Hogwild! Inference: Parallel LLM Generation via Concurrent Attention"
    assert len(hog.authors) == 8 and hog.authors[0] == "Alice Example"
    assert hog.abstract.startswith(HOGWILD_ABSTRACT_START) and hog.abstract.endswith(HOGWILD_ABSTRACT_END)
    assert not hog.abstract_truncated
    # the paper's own publishedAt, not the item-level "featured on" date (2025-10-29)
    assert hog.published == "2025-04-08"
    assert (hog.upvotes, hog.github_stars, hog.organization) == (6, 412, "Yandex")
    assert hog.urls == {
        "abs": "https://arxiv.org/abs/2504.06261",
        "pdf": "https://arxiv.org/pdf/2504.06261",
        "hf": "https://huggingface.co/papers/2504.06261",
        "code": "https://github.com/eqimp/hogwild_llm",
    }
    assert [(s.site, s.url) for s in hog.sources] == [("huggingface", URLS["hf_daily_with_props"])]
    assert hog.seen_count == 0 and not hog.saved  # the store sets these
    robo = result.papers[1].paper
    assert robo.urls["project"] == "https://superrobobrain.github.io" and "code" not in robo.urls
    assert robo.organization == "Beijing Academy of Artificial Intelligence" and len(robo.authors) == 17
    assert result.papers[4].paper.title == "τ^2-Bench: Evaluating Conversational Agents in a Dual-Control Environment"
    assert result.papers[5].paper.title == "$\\text{Transformer}^2$: Self-adaptive LLMs"


def test_cards_without_props_in_another_layout():
    result = parse_fixture("hf_daily_no_props_alt_layout")
    got = [(p.paper.arxiv_id, p.paper.title, p.paper.author_count, p.paper.upvotes) for p in result.papers]
    assert got == [
        ("2011.05438", "Fast & Slow Learning: Incorporating Synthetic Gradients in Neural Memory Controllers", 4, 0),
        ("2206.04615", "Beyond the Imitation Game: Quantifying and extrapolating the capabilities of language models", 445, 3),
        ("2308.05996", "Deep Task-specific Bottom Representation Network for Multi-Task Recommendation", 5, 0),
        ("2304.08742", "Behavior Retrieval: Few-Shot Imitation Learning by Querying Unlabeled Datasets", 4, 0),
    ]
    assert all(p.paper.authors == [] and p.paper.abstract == "" for p in result.papers)


def test_stale_props_enrich_only_the_cards_they_match():
    result = parse_fixture("hf_week_stale_props")
    # the cards decide which papers are on screen; the blob's other papers are not reported
    assert [p.paper.arxiv_id for p in result.papers] == ["2403.08715", "2303.16434", "2504.06261"]
    sotopia, taskmatrix, hog = (p.paper for p in result.papers)
    assert sotopia.title == "SOTOPIA-$π$: Interactive Learning of Socially Intelligent Language Agents"
    assert (sotopia.author_count, sotopia.authors, sotopia.upvotes) == (9, [], 24)
    assert taskmatrix.organization == ""  # the card shows it, but only the blob is read for it
    assert hog.published == "2025-04-08" and len(hog.authors) == 8 and hog.abstract.startswith(HOGWILD_ABSTRACT_START)


def test_malformed_props_are_reported_and_cards_still_read():
    result = parse_fixture("hf_month_malformed_props")
    assert [s.reason for s in result.skipped] == ["data-props is not valid JSON; read the cards only"]
    got = [(p.paper.arxiv_id, p.paper.upvotes, p.paper.github_stars, p.paper.urls.get("code")) for p in result.papers]
    assert got == [
        ("2507.21049", 4, 37, "https://github.com/Jacky1128/Rep-MTL"),
        ("2506.07982", 12, 1520, "https://github.com/sierra-research/tau2-bench"),
    ]


def test_trending_with_an_unknown_blob_name_and_without_a_blob():
    with_props = parse_fixture("hf_trending_with_props")
    without = parse_fixture("hf_trending_no_props")
    ids = ["2501.06252", "2509.08721", "2206.04615"]
    assert [p.paper.arxiv_id for p in with_props.papers] == ids
    assert [p.paper.arxiv_id for p in without.papers] == ids
    assert [p.paper.title for p in with_props.papers] == [p.paper.title for p in without.papers]
    big = with_props.papers[2].paper
    assert len(big.authors) == 445 and big.published == "2022-06-09" and big.github_stars == 3100
    assert without.papers[2].paper.author_count == 445


def test_search_results_with_and_without_props():
    with_props = by_key(parse_fixture("hf_search_with_props"))
    without = by_key(parse_fixture("hf_search_no_props"))
    assert list(with_props) == list(without) == [
        "arxiv:2308.05996", "arxiv:2304.08742", "arxiv:2011.05438", "arxiv:2509.08721",
    ]
    card = without["arxiv:2308.05996"]
    assert card.title == "Deep Task-specific Bottom Representation Network for Multi-Task Recommendation"
    assert card.abstract.startswith("Neural-based multi-task learning (MTL) has gained significant improvement")
    assert card.abstract.endswith("demonstrate the effectiveness of the proposed DTRN.")
    assert (card.author_count, card.published) == (5, "2023-08-11")
    assert without["arxiv:2011.05438"].published == "2020-11-10"
    # "Published on Sep 10": HF drops the year of the current year, so it is the latest Sep 10 up to today
    sep10 = without["arxiv:2509.08721"].published
    assert sep10.endswith("-09-10") and date.fromisoformat(sep10) <= date.today()
    full = with_props["arxiv:2308.05996"]
    assert full.abstract == card.abstract and len(full.authors) == 5 and full.published == "2023-08-11"


def test_paper_page_with_and_without_props():
    page = parse_fixture("hf_paper_page")
    assert len(page.papers) == 1 and page.papers[0].index == 0
    hog = page.papers[0].paper
    assert hog.key == "arxiv:2504.06261" and len(hog.authors) == 8 and hog.published == "2025-04-08"
    assert hog.keywords == ["parallel inference", "attention cache"]
    bare = parse_fixture("hf_paper_page_no_props")
    assert len(bare.papers) == 1
    p = bare.papers[0].paper
    assert p.key == "arxiv:2504.06261"
    assert p.title == "Hogwild! Inference: Parallel LLM Generation via Concurrent Attention"  # "Paper page - " removed
    assert p.abstract.startswith(HOGWILD_ABSTRACT_START) and p.abstract_truncated


def test_hostile_page():
    result = parse_fixture("hf_daily_hostile")
    papers = [p.paper for p in result.papers]
    assert [p.arxiv_id for p in papers] == ["2601.00042", "2601.00043"]
    big, xss = papers
    assert big.title == 'Scaling "Everything" & <All> at Once 🚀: A $\\mathcal{O}(n)$ Study'
    assert len(big.authors) == 5000 and big.authors[-1] == "Author 4999" and big.upvotes == 999
    assert xss.title == "Safe Title"  # the <img onerror> is markup, not text
    skipped = {s.index: s.reason for s in result.skipped}
    assert skipped == {2: "card for 2601.00044 has no title", 3: "card for 2501.06252 has no title"}


def test_parts_from_html_extracts_what_the_extension_sends():
    html = fixture_html("hf_daily_with_props")
    parts = parts_from_html(URLS["hf_daily_with_props"], html)
    assert len(parts.cards) == 6 and all(c.startswith("<article") for c in parts.cards)
    assert json.loads(parts.props)["dateString"] == "2025-10-29"
    assert ("og:site_name", "Hugging Face") in parts.meta
    # parsing the extracted parts (no html) gives the same papers as parsing the whole page
    live = parse(PageParts(url=parts.url, cards=parts.cards, props=parts.props, meta=parts.meta))
    assert [p.paper.to_dict() for p in live.papers] == [p.paper.to_dict() for p in parse_fixture("hf_daily_with_props").papers]
    # the paper page has no cards: the link to a citing paper is not one
    assert parts_from_html(URLS["hf_paper_page"], fixture_html("hf_paper_page")).cards == []


def test_decoded_props_and_props_alone():
    """The API may hand the blob already decoded, and a capture may carry only the blob."""
    props = json.loads(parts_from_html(URLS["hf_daily_with_props"], fixture_html("hf_daily_with_props")).props)
    result = parse(PageParts(url="https://huggingface.co/papers/date/2025-10-29", props=props))
    assert [p.index for p in result.papers] == list(range(6))
    assert result.papers[2].paper.upvotes == 53 and result.papers[2].paper.organization == "Gensyn"
