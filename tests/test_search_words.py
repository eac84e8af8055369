"""The words index (store/words.py) keeps the substring meaning of a search term: whatever a pass
over the papers' texts finds, it finds, through punctuation, Unicode whitespace, long chunks,
fragments of one letter, terms held by many chunks, and saved/read flags that change."""

from __future__ import annotations

import random

import pytest

from papershelf.papers import Paper, Source
from papershelf.query import PaperQuery
from papershelf.store import Library, words
from papershelf.store import index_query

TEXTS = [
    "GPT-4o beats RoBERTa and DistilBERT (really?)",
    "BERT: pre-training of deep bidirectional transformers",
    "Planning, re-planning and planning: a survey",
    "no\u00a0break\u2003em-space\x1funit-separator tab\there",
    "a \u00b7 middle dot \u00b7b7 and \u00b7s fake flags \u00b7r",
    "see https://example.org/" + "very-long-path/" * 12 + "end.html for code",
    "Straße naïve Über ﬁne ligatures ΣΊΣΥΦΟΣ",
    'quotes "inside" and NEAR(a b) * ^ - : ( )',
    "ascii UPPER lower 123 x_y a.b c,d e;f g'h",
]
QUERIES = ["gpt-4o", "GPT", "bert", "BERT:", "roberta", "distilbert", "(really?)", "really", "planning",
           "re-planning", "planning:", "lann", "break", "\u00a0", "em-space", "unit", "separator", "\x1f", "tab",
           "\u00b7", "\u00b7s", "\u00b7b7", "b7", "s", "r", "x", "a", "ab", "very-long-path/very", "end.html",
           "https://example.org/very", "straße", "STRASSE", "naïve", "über", "fine", "ﬁne", "σύσφος", "σίσυφος",
           '"inside"', "near(a", "*", "^", "-", ":", "x_y", "a.b", "c,d", "e;f", "g'h", "123", "2501", "arxiv:",
           "gpt-4o bert", "planning survey", "nothing-here", "zz"]


def make_library(tmp_path) -> Library:
    lib = Library(tmp_path)
    lib.capture([Paper(title=t, arxiv_id=f"2501.{i:05d}", authors=[f"Author {i}"],
                       abstract=TEXTS[(i + 3) % len(TEXTS)][:40], sources=[Source("arxiv", "https://arxiv.org")])
                 for i, t in enumerate(TEXTS)])
    return lib


def same_as_a_pass(lib: Library, q: str, **filters) -> tuple[int, list[str]]:
    query = PaperQuery(q=q, limit=1000, **{"saved": None, **filters})
    total, page = lib.find(query)
    want_total, want = lib._views.find(lib._seq, query)
    assert (total, [d["key"] for d in page]) == (want_total, [d["key"] for d in want]), q
    ordered = [d["key"] for d in lib.ordered(query)[1]]
    assert ordered == [d["key"] for d in want], q
    return total, ordered


def test_every_fragment_finds_what_a_pass_over_the_texts_finds(tmp_path):
    with make_library(tmp_path) as lib:
        assert lib._index is not None
        found = {q: same_as_a_pass(lib, q)[0] for q in QUERIES}
        # The fragments the brief names find the papers they found before.
        assert all(found[q] for q in ("gpt-4o", "bert", "distilbert", "\u00b7s", "very-long-path/very", "\u00a0"))
        assert found["bert"] > found["distilbert"] and found["nothing-here"] == 0


def test_random_fragments_of_the_texts_find_what_a_pass_finds(tmp_path):
    rng = random.Random(7)
    with make_library(tmp_path) as lib:
        texts = [" ".join(d.get("authors", [])) + " " + d["title"] + " " + d.get("abstract", "")
                 for d in lib._table.docs()]
        for _ in range(150):
            text = rng.choice(texts).casefold()
            start = rng.randrange(len(text))
            q = text[start:start + rng.randint(1, 12)]
            same_as_a_pass(lib, q)
            same_as_a_pass(lib, q, saved=False)


def test_a_term_held_by_many_chunks_is_looked_for_in_the_texts(tmp_path, monkeypatch):
    monkeypatch.setattr(words, "OR_LIMIT", 2)
    with make_library(tmp_path) as lib:
        terms_scanned = []
        real = words.Terms.__init__

        def spy(self, db, q, **kw):
            real(self, db, q, **kw)
            terms_scanned.extend(self.scans)
        monkeypatch.setattr(words.Terms, "__init__", spy)
        assert same_as_a_pass(lib, "e")[0] > 3 and "e" in terms_scanned
        assert same_as_a_pass(lib, "e planning")[0] >= 1 and same_as_a_pass(lib, "planning e z")[0] == 0


def test_saved_and_read_flags_follow_saves_and_read_marks(tmp_path):
    with make_library(tmp_path) as lib:
        for key in ("arxiv:2501.00000", "arxiv:2501.00001", "arxiv:2501.00002"):
            lib.update(key, note="okapi")
        assert same_as_a_pass(lib, "okapi", saved=True)[0] == 0
        lib.set_saved(["arxiv:2501.00000", "arxiv:2501.00001"], True)
        assert set(same_as_a_pass(lib, "okapi", saved=True)[1]) == {"arxiv:2501.00000", "arxiv:2501.00001"}
        assert same_as_a_pass(lib, "okapi", saved=False)[1] == ["arxiv:2501.00002"]
        lib.update("arxiv:2501.00001", read=True)
        assert same_as_a_pass(lib, "okapi", saved=True, read=True)[1] == ["arxiv:2501.00001"]
        assert same_as_a_pass(lib, "okapi", read=False)[0] == 2
        lib.set_saved(["arxiv:2501.00001"], False)
        assert same_as_a_pass(lib, "okapi", saved=True)[1] == ["arxiv:2501.00000"]
        # A capture of the same paper again keeps its words and flags.
        lib.capture([Paper(title=TEXTS[0], arxiv_id="2501.00000")])
        assert same_as_a_pass(lib, "okapi", saved=True)[1] == ["arxiv:2501.00000"]
        lib.update_many(["arxiv:2501.00002"], saved=True, read=True)
        assert same_as_a_pass(lib, "okapi", saved=True, read=True)[0] == 1


def test_changed_and_deleted_papers_leave_no_words_behind(tmp_path):
    with make_library(tmp_path) as lib:
        lib.update("arxiv:2501.00002", note="walrus-tusk notes")
        assert same_as_a_pass(lib, "walrus")[1] == ["arxiv:2501.00002"]
        lib.update("arxiv:2501.00002", note="", tags=["tusk"])
        assert same_as_a_pass(lib, "walrus")[0] == 0 and same_as_a_pass(lib, "tusk")[0] == 1
        lib.delete("arxiv:2501.00002")
        assert same_as_a_pass(lib, "tusk")[0] == 0 and same_as_a_pass(lib, "survey")[0] == 0


def test_many_matches_walk_the_sorts_index_and_page_as_a_pass_does(tmp_path, monkeypatch):
    monkeypatch.setattr(index_query, "WALK_FROM", 0)
    monkeypatch.setattr(index_query, "WALK_COST", 0)  # always walk
    walked = []
    real_where = index_query.where
    monkeypatch.setattr(index_query, "where", lambda *a, **k: walked.append(k.get("walk")) or real_where(*a, **k))
    with make_library(tmp_path) as lib:
        lib.set_saved(["arxiv:2501.00004", "arxiv:2501.00007", "arxiv:2501.00002"], True)
        lib.update("arxiv:2501.00002", tags=["t"], read=True)
        lib.update("arxiv:2501.00005", tags=["t"])
        for sort in ("seen", "title", "saved", "upvotes", "published", "added", "seen_count"):
            for offset in (0, 2, 5, 20):
                for filters in ({"saved": None}, {"saved": True}, {"saved": None, "tags": ["t"]},
                                {"saved": True, "read": False}, {"saved": None, "source": "arxiv"}):
                    for q in ("a", "e planning", "in"):
                        query = PaperQuery(q=q, sort=sort, limit=3, offset=offset, **filters)
                        total, page = lib.find(query)
                        want_total, want = lib._views.find(lib._seq, query)
                        assert (total, [d["key"] for d in page]) == (want_total, [d["key"] for d in want])
    assert True in walked


@pytest.mark.parametrize("chunk", ["plain", "a.b", "\u00b7", "\u00b7s", "x" * 64, "y" * 65, "Ab", "\x00"])
def test_a_chunk_is_one_token_and_no_two_chunks_share_one(chunk):
    spelt = words.token(chunk)
    assert " " not in spelt and '"' not in spelt and spelt not in (words.SAVED_TOKEN, words.READ_TOKEN)
    assert all(c.isascii() and (c.islower() or c.isdigit()) or not c.isascii() for c in spelt)
    others = ["plain", "a.b", "\u00b7", "\u00b7s", "x" * 64, "y" * 65, "Ab", "ab", "\x00", "\u00b700"]
    assert [o for o in others if words.token(o) == spelt] == [chunk]


def test_the_tallies_behind_stats_follow_every_change(tmp_path):
    with make_library(tmp_path) as lib:
        keys = [f"arxiv:2501.{i:05d}" for i in range(len(TEXTS))]
        lib.set_saved(keys[:6], True)
        lib.update_many(keys[2:5], add_tags=["a", "b"], read=True)
        lib.update(keys[3], tags=["b", "c"])
        lib.set_saved(keys[:2], False)
        lib.delete(keys[4])
        lib.capture([Paper(title=TEXTS[5], arxiv_id="2501.00005")])
        lib._wait_for_index()  # the index is written by a thread of its own
        index, views = lib._index, lib._views
        assert sorted(index.saved_days()) == sorted(views.saved_days()) and index.saved_days()
        assert index.tag_counts() == views.tag_counts() and index.tag_counts(1) == views.tag_counts(1)
        assert lib.stats()["saved_per_week"] and lib.all_tags() == views.tag_counts()
        for saved in (None, True, False):
            for read in (None, True, False):
                same_as_a_pass(lib, "", saved=saved, read=read)


def test_a_short_term_finds_the_chunks_a_pass_over_the_vocabulary_finds(tmp_path):
    # Through the trigrams it starts (words.END after each chunk): at a chunk's end too ("b7"
    # in "·b7"), chunks of one letter ("a", "·"), non-ASCII and control characters.
    with make_library(tmp_path) as lib:
        lib._wait_for_index()
        db = lib._index.db
        vocab = [c for (c,) in db.execute("SELECT chunk FROM vocab")]
        shorts = {c[i:i + n] for c in vocab for n in (1, 2) for i in range(len(c) - n + 1)}
        for term in sorted(shorts | {"zq", "\x01", "\U0010ffff", "\ud7ff"}):
            found = words.chunks_holding(db, term)
            want = sorted(c for c in vocab if term in c)
            assert (None if len(want) > words.OR_LIMIT else want) == (None if found is None else sorted(found)), term
