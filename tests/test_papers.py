"""Paper identity and merge rules (DESIGN.md "Identity of a paper")."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from papershelf.papers import (
    Paper,
    Source,
    merge_metadata,
    normalize_arxiv_id,
    normalize_doi,
    normalize_key,
    normalize_title,
    paper_key,
)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2401.12345", "2401.12345"),
        ("2401.12345v3", "2401.12345"),
        ("arXiv:2401.12345v12", "2401.12345"),
        ("0704.0001", "0704.0001"),
        ("https://arxiv.org/abs/2401.12345v2", "2401.12345"),
        ("https://arxiv.org/pdf/2401.12345v2.pdf", "2401.12345"),
        ("https://huggingface.co/papers/2401.12345#community", "2401.12345"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("hep-th/9901001v2", "hep-th/9901001"),
        ("math.GT/0309136", "math.GT/0309136"),
        ("math.gt/0309136v1", "math.GT/0309136"),
        ("https://arxiv.org/abs/cond-mat/0102536", "cond-mat/0102536"),
        ("10.48550/arXiv.2401.12345", "2401.12345"),
        ("not an id", None),
        ("2401.123", None),
        ("", None),
        (None, None),
    ],
)
def test_arxiv_ids_lose_their_version_and_prefix(raw, expected):
    assert normalize_arxiv_id(raw) == expected


def test_keys_prefer_arxiv_then_doi_then_title():
    assert paper_key("2401.12345v2", "10.1000/X", "T") == "arxiv:2401.12345"
    assert paper_key(None, "https://doi.org/10.1000/ABC.Def", "T") == "doi:10.1000/abc.def"
    assert paper_key(None, "10.48550/arXiv.2401.00001", None) == "arxiv:2401.00001"
    assert paper_key(None, None, "  Fast & Slow:  Thinking!! ") == "title:fast slow thinking"
    assert paper_key(None, None, "   ") is None


def test_titles_normalise_unicode_case_and_punctuation():
    assert normalize_title("τ^2-Bench") == normalize_title("Τ^2 bench") == "τ 2 bench"
    assert normalize_title("$\\text{Transformer}^2$: Self-adaptive LLMs") == "text transformer 2 self adaptive llms"
    assert normalize_title("Ｆｕｌｌｗｉｄｔｈ") == "fullwidth"  # NFKC
    assert normalize_title("STRASSE") == normalize_title("straße")  # casefold


def test_user_typed_keys_are_normalised():
    assert normalize_key("arxiv:2401.12345v4") == "arxiv:2401.12345"
    assert normalize_key("https://arxiv.org/abs/2401.12345") == "arxiv:2401.12345"
    assert normalize_key("doi:10.1000/ABC") == "doi:10.1000/abc"
    assert normalize_key("title:Some  Title!") == "title:some title"
    assert normalize_doi("https://doi.org/10.1145/3292500.3330701.") == "10.1145/3292500.3330701"


new_ids = st.builds(lambda a, b, n: f"{a:02d}{b:02d}.{n}",
                    st.integers(7, 99), st.integers(1, 12), st.from_regex(r"\d{5}", fullmatch=True))
old_ids = st.builds(lambda arch, num: f"{arch}/{num}",
                    st.sampled_from(["hep-th", "math.GT", "cond-mat", "astro-ph", "cs.LG", "quant-ph"]),
                    st.from_regex(r"\d{7}", fullmatch=True))


@given(st.one_of(new_ids, old_ids), st.integers(0, 30),
       st.sampled_from(["", "arXiv:", "https://arxiv.org/abs/", "https://arxiv.org/pdf/"]))
def test_any_spelling_of_an_arxiv_id_gives_one_key(base, version, prefix):
    raw = prefix + base + (f"v{version}" if version else "")
    key = paper_key(raw)
    assert key == f"arxiv:{base}"
    assert paper_key(key) == key == normalize_key(raw)


@given(st.text(max_size=60))
def test_title_normalisation_is_idempotent(title):
    once = normalize_title(title)
    assert normalize_title(once) == once
    assert once == once.strip() and "  " not in once


# --- merge ------------------------------------------------------------------------------

texts = st.text(alphabet="abcdefgh ", max_size=12)
papers = st.builds(
    Paper,
    title=st.sampled_from(["Deep Nets", "Deep nets!", "deep  NETS", ""]),
    arxiv_id=st.sampled_from([None, "2401.00001", "2401.00001v2"]),
    doi=st.sampled_from([None, "10.1/x"]),
    authors=st.lists(st.sampled_from(["A. One", "B. Two", "C. Three"]), max_size=3, unique=True),
    author_count=st.one_of(st.none(), st.integers(1, 9)),
    abstract=texts,
    abstract_truncated=st.booleans(),
    published=st.sampled_from(["", "2024", "2024-01", "2024-01-22", "2024-02-01"]),
    categories=st.lists(st.sampled_from(["cs.LG", "cs.AI", "stat.ML"]), max_size=3, unique=True),
    venue=texts,
    urls=st.dictionaries(st.sampled_from(["abs", "pdf", "code"]), st.sampled_from(["http://a", "https://b"]), max_size=2),
    upvotes=st.one_of(st.none(), st.integers(0, 500)),
    keywords=st.lists(texts, max_size=2),
)


def metadata(p: Paper) -> dict:
    d = p.to_dict()
    for k in ("sources", "seen_count", "first_seen", "last_seen", "saved", "saved_at", "tags", "note", "read",
              "added_at", "updated_at"):
        d.pop(k)
    return d


@settings(max_examples=300)
@given(st.lists(papers, min_size=2, max_size=4))
def test_merging_metadata_does_not_depend_on_order(batch):
    results = []
    for perm in itertools.permutations(batch):
        acc = perm[0]
        for p in perm[1:]:
            acc = merge_metadata(acc, p)
        results.append(metadata(acc))
    assert all(r == results[0] for r in results)


def test_better_data_wins_the_merge():
    text_listing = Paper(title="Deep Nets", author_count=5, abstract="Short abstract…", abstract_truncated=True)
    arxiv = Paper(title="Deep nets", arxiv_id="2401.00001v2", authors=["A", "B", "C", "D", "E"],
                  abstract="Short abstract that goes on.", published="2024-01-22", categories=["cs.LG", "cs.AI"])
    merged = merge_metadata(text_listing, arxiv)
    assert merged.key == "arxiv:2401.00001"
    assert merged.authors == ["A", "B", "C", "D", "E"] and merged.n_authors == 5
    assert merged.abstract == "Short abstract that goes on." and not merged.abstract_truncated
    assert merged.categories[0] == "cs.LG"


def test_merge_never_touches_user_data():
    mine = Paper(title="Deep Nets", saved=True, saved_at="2024-01-01T00:00:00Z", tags=["rl"], note="good", read=True)
    capture = Paper(title="Deep Nets", arxiv_id="2401.00001", sources=[Source("arxiv", "https://arxiv.org/list/cs.LG/new")])
    merged = merge_metadata(mine, capture)
    assert (merged.saved, merged.tags, merged.note, merged.read) == (True, ["rl"], "good", True)
