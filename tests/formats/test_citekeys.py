"""Citation keys: surname + year + first significant title word, unique and stable."""

from __future__ import annotations

import random
import re

from papershelf.formats.citekeys import citation_keys
from papershelf.papers import Paper


def test_key_shape_for_ordinary_and_hard_names():
    papers = [
        Paper(title="The Deep Learning Revolution", authors=["Yann LeCun"], published="2015-05-27", arxiv_id="1505.00001"),
        Paper(title="On the Müller–Łukasz Theorem", authors=["José Müller-Łukasz"], published="2020", arxiv_id="2001.00001"),
        Paper(title="Symphony No. 9", authors=["Ludwig van Beethoven"], published="1824", doi="10.1000/sym9"),
        Paper(title="$\\mathcal{O}(n)$ Attention for All", authors=["李 雷"], published="2024-01-02", arxiv_id="2401.00003"),
        Paper(title="", arxiv_id="2312.01234"),  # an id-only record: year from the arXiv id
    ]
    keys = citation_keys(papers)
    assert keys["arxiv:1505.00001"] == "lecun2015deep"
    assert keys["arxiv:2001.00001"] == "mullerlukasz2020muller"
    assert keys["doi:10.1000/sym9"] == "vanbeethoven1824symphony"
    # A surname with no ASCII letters falls back to "anon"; math is not a title word.
    assert keys["arxiv:2401.00003"] == "anon2024attention"
    assert keys["arxiv:2312.01234"] == "anon2023"
    assert all(re.fullmatch(r"[a-z0-9]+", k) for k in keys.values())


def test_clashes_get_letter_suffixes_and_all_keys_are_unique():
    papers = [Paper(title=f"Scaling laws part {i}", authors=["Jared Kaplan"], published="2020", arxiv_id=f"2001.{i:05d}") for i in range(30)]
    keys = citation_keys(papers)
    values = list(keys.values())
    assert len(set(values)) == 30
    assert keys["arxiv:2001.00000"] == "kaplan2020scaling"
    assert keys["arxiv:2001.00001"] == "kaplan2020scalinga"
    assert keys["arxiv:2001.00002"] == "kaplan2020scalingb"
    assert keys["arxiv:2001.00027"] == "kaplan2020scalingaa"  # after z comes aa


def test_a_suffixed_key_never_takes_another_papers_natural_key():
    papers = [
        Paper(title="Net", authors=["A Li"], published="2020", arxiv_id="2001.00001"),
        Paper(title="Net", authors=["A Li"], published="2020", arxiv_id="2001.00002"),
        Paper(title="Neta", authors=["A Li"], published="2020", arxiv_id="2001.00003"),
    ]
    keys = citation_keys(papers)
    assert keys["arxiv:2001.00003"] == "li2020neta"
    assert len(set(keys.values())) == 3


def test_same_library_in_any_order_gives_the_same_keys(papers):
    first = citation_keys(papers)
    for seed in range(5):
        shuffled = papers[:]
        random.Random(seed).shuffle(shuffled)
        assert citation_keys(shuffled) == first
