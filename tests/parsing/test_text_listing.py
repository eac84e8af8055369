"""Plain-text listings: the five seed files exactly as they are, and pasted variants."""

from __future__ import annotations

import textwrap

from papershelf.parsing import parse
from papershelf.parsing.page import parts_from_text

from parser_fixtures import SEEDS, seed_files


def parse_seed(prefix: str):
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return parse(parts_from_text(f"file://{path}", path.read_text(encoding="utf-8")))


def titles(result) -> list[str]:
    return [p.paper.title for p in result.papers]


def test_every_seed_file_parses_every_paper():
    seeds = seed_files()
    # Paper counts = the number of abstract lines in each file (checked by hand with awk).
    expected = {"000": 54, "001": 119, "002": 97, "003": 346, "004": 71}
    for path in seeds:
        result = parse(parts_from_text("file://" + path.name, path.read_text(encoding="utf-8")))
        assert result.parser == "text_listing"
        assert len(result.papers) == expected[path.name[:3]], path.name
        assert [p.index for p in result.papers] == list(range(len(result.papers)))
        for p in result.papers:
            assert p.paper.title and len(p.paper.abstract) > 400, (path.name, p.paper.title)
            assert p.paper.sources[0].site == "text" and len(p.paper.sources) == 1


def test_blank_line_shape_with_meta_blocks():
    result = parse_seed("000")
    first = result.papers[0].paper
    assert first.title == "Deep Task-specific Bottom Representation Network for Multi-Task Recommendation"
    assert first.abstract.startswith("Neural-based multi-task learning (MTL) has gained significant improvement")
    assert first.abstract.endswith("demonstrate the effectiveness of the proposed DTRN.")
    assert (first.author_count, first.published, first.upvotes) == (5, "2023-08-11", None)
    assert first.key == "title:deep task specific bottom representation network for multi task recommendation"
    papers = {p.paper.title: p.paper for p in result.papers}
    # "Nov 27 4": date without a year (left empty, not guessed) and 4 upvotes
    arch = papers["Architecture Decoupling Is Not All You Need For Unified Multimodal Model"]
    assert (arch.author_count, arch.published, arch.upvotes) == (13, "", 4)
    # a block with no meta lines in the middle of the file keeps its own abstract
    gaze = papers["StreamGaze: Gaze-Guided Temporal Reasoning and Proactive Understanding in Streaming Videos"]
    assert gaze.author_count is None and gaze.abstract.startswith("Streaming video understanding requires models")
    uav = papers["UAV-VLN: End-to-End Vision Language guided Navigation for UAVs"]
    assert uav.author_count == 3 and uav.abstract.startswith("A core challenge in AI-guided autonomy")
    last = result.papers[-1].paper
    assert last.title == "Accurately and Efficiently Interpreting Human-Robot Instructions of Varying Granularities"
    assert (last.author_count, last.published) == (5, "2017-04-21")


def test_dates_with_upvotes_and_symbols_in_titles():
    papers = {p.paper.title: p.paper for p in parse_seed("002").papers}
    hog = papers["Hogwild! Inference: Parallel LLM Generation via Concurrent Attention"]
    assert (hog.author_count, hog.upvotes, hog.published) == (8, 6, "")
    tpo = papers["Task Preference Optimization: Improving Multimodal Large Language Models with Vision Task Alignment"]
    assert (tpo.author_count, tpo.upvotes, tpo.published) == (12, 2, "2024-12-26")
    big = papers["Beyond the Imitation Game: Quantifying and extrapolating the capabilities of language models"]
    assert (big.author_count, big.published) == (445, "2022-06-09")
    assert "Fast & Slow Learning: Incorporating Synthetic Gradients in Neural Memory Controllers" in papers
    tau = papers["τ^2-Bench: Evaluating Conversational Agents in a Dual-Control Environment"]
    assert tau.abstract.startswith("Existing benchmarks for conversational AI agents simulate single-control environments")


def test_alternating_lines_with_subscribe_glued_to_the_first_title():
    result = parse_seed("001")
    first = result.papers[0].paper
    assert first.title == "How Robust Are Router-LLMs? Analysis of the Fragility of LLM Routing Capabilities"
    assert first.abstract.startswith("Large language model (LLM) routing has emerged as a crucial strategy")
    assert first.abstract.endswith("thereby elevating safety risks.")
    assert first.author_count is None and first.published == ""
    assert result.papers[-1].paper.title == "Towards Adaptive Mechanism Activation in Language Agent"
    assert result.papers[-1].paper.abstract.endswith("context-sensitive mechanism activation.")
    t = titles(parse_seed("003"))
    assert t[0] == "Feature Removal Is a Unifying Principle for Model Explanation Methods"
    assert "SOTOPIA-$π$: Interactive Learning of Socially Intelligent Language Agents" in t
    assert "$\\text{Transformer}^2$: Self-adaptive LLMs" in titles(parse_seed("001"))


def test_title_abstract_blocks_without_author_lines():
    result = parse_seed("004")
    first = result.papers[0].paper
    assert first.title == "Left/Right Brain, human motor control and the implications for robotics"
    assert first.abstract.endswith("but not always for the specialised models.")
    assert result.papers[1].paper.title.startswith("Embers of Autoregression")


def test_header_and_footer_lines_are_never_papers():
    seeds = seed_files()
    chrome = {"new", "subscribe", "daily papers", "byak and the research community", "dec 8", "oct 29", "mar 11"}
    for path in seeds:
        result = parse(parts_from_text("", path.read_text(encoding="utf-8")))
        for p in result.papers:
            assert p.paper.title.casefold() not in chrome
            assert "Get trending papers" not in p.paper.title
            assert not p.paper.title.startswith("Subscribe")


ABSTRACT = (
    "We study how agents learn from pasted listings. Our method reads titles and abstracts "
    "from text that a person copied out of a web page, whatever the line breaks. Experiments "
    "on five listings show that every paper is found and no header line is mistaken for one. "
    "The approach needs no markup at all."
)


def test_pasted_text_with_hard_wraps_crlf_and_one_line_meta():
    wrapped = "\r\n".join(textwrap.wrap(ABSTRACT, 72))  # hard-wrapped at spaces, as mail and editors do
    text = (
        "Daily Papers\r\n\r\nReading Pasted Listings Robustly\r\n\r\n"
        + wrapped
        + "\r\n\r\n5 authors · Published on Aug 11, 2023\r\n\r\n"
        "A Compact Card Without Abstract\r\n\r\n  • 3 authors\r\n·\r\nFeb 2, 2024 17\r\n\r\nLoad more\r\n"
    )
    result = parse(parts_from_text("", text))
    got = [(p.paper.title, p.paper.author_count, p.paper.published, p.paper.upvotes) for p in result.papers]
    assert got == [
        ("Reading Pasted Listings Robustly", 5, "2023-08-11", None),
        ("A Compact Card Without Abstract", 3, "2024-02-02", 17),
    ]
    # the wrapped lines came back as one abstract, words intact
    assert result.papers[0].paper.abstract == " ".join(ABSTRACT.split())


def test_text_without_papers_gives_a_reason_not_an_exception():
    for text in ["", "   \n\n", "just a line", "Subscribe\nDaily Papers\nLoad more", "1\n2\n3"]:
        result = parse(parts_from_text("", text))
        assert result.papers == []
        if text.strip():
            assert result.skipped and all(s.reason for s in result.skipped)
