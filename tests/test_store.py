"""The library store: merging, persistence, concurrency and refusing to damage a library."""

from __future__ import annotations

import json
import threading

import pytest

from papershelf.papers import Paper, Source
from papershelf.store import Library, LibraryError, LibraryInUse


def hf(arxiv_id: str, title: str, **kw) -> Paper:
    return Paper(title=title, arxiv_id=arxiv_id, sources=[Source("huggingface", "https://huggingface.co/papers?q=x")], **kw)


def text(title: str, **kw) -> Paper:
    return Paper(title=title, sources=[Source("text", "")], **kw)


def journal_lines(lib: Library) -> int:
    return lib.journal_path.read_bytes().count(b"\n")


def test_capture_records_papers_as_seen_and_counts_views(library):
    first = library.capture([hf("2504.06261", "Hogwild! Inference"), hf("2502.21321", "RoboBrain")])
    assert [p.key for p in first] == ["arxiv:2504.06261", "arxiv:2502.21321"]
    assert all(p.seen_count == 1 and not p.saved and p.first_seen for p in first)
    again = library.capture([hf("2504.06261v2", "Hogwild! Inference: Parallel LLM Generation")])
    assert again[0].seen_count == 2
    assert again[0].title == "Hogwild! Inference: Parallel LLM Generation"
    assert again[0].first_seen == first[0].first_seen
    assert len(library) == 2


def test_a_page_listing_a_paper_twice_is_one_view(library):
    stored = library.capture([hf("2504.06261", "Hogwild"), hf("2504.06261", "Hogwild")])
    assert [p.seen_count for p in stored] == [1, 1]
    assert len(library) == 1


def test_an_arxiv_capture_absorbs_its_title_only_twin(library):
    library.capture([text("Fast & Slow: Thinking in LLMs", author_count=4)])
    library.set_saved(["title:fast slow thinking in llms"], True)
    library.update("title:fast slow thinking in llms", tags=["reasoning"], note="read later")
    (merged,) = library.capture([hf("2501.00001", "Fast & Slow — Thinking in LLMs", authors=["A", "B", "C", "D"])])
    assert merged.key == "arxiv:2501.00001"
    assert len(library) == 1 and library.get("title:fast slow thinking in llms") is None
    assert merged.saved and merged.tags == ["reasoning"] and merged.note == "read later"
    assert merged.seen_count == 2 and {s.site for s in merged.sources} == {"text", "huggingface"}


def test_a_title_only_capture_joins_the_record_with_an_id(library):
    library.capture([hf("2501.00001", "Fast & Slow")])
    (joined,) = library.capture([text("fast & slow")])
    assert joined.key == "arxiv:2501.00001" and joined.seen_count == 2 and len(library) == 1


def test_two_different_arxiv_papers_with_one_title_stay_apart(library):
    library.capture([hf("2501.00001", "Survey"), hf("2502.00002", "Survey")])
    assert len(library) == 2


def test_captures_never_overwrite_user_data(library):
    library.capture([hf("2501.00001", "A")])
    library.set_saved(["arxiv:2501.00001"], True)
    library.update("arxiv:2501.00001", tags=["x"], note="mine", read=True)
    hostile = hf("2501.00001", "A", saved=False, tags=["evil"], note="overwritten", read=False)
    library.capture([hostile])
    p = library.get("arxiv:2501.00001")
    assert (p.saved, p.tags, p.note, p.read) == (True, ["x"], "mine", True)


def test_everything_survives_a_reopen(tmp_path):
    with Library(tmp_path) as lib:
        lib.capture([hf("2501.00001", "A"), text("B")])
        lib.set_saved(["arxiv:2501.00001"], True)
        lib.update("title:b", note="note")
    with Library(tmp_path) as lib:
        assert lib.get("arxiv:2501.00001").saved and lib.get("title:b").note == "note" and len(lib) == 2
    # The snapshot is an ordinary TinyDB file with a schema version.
    data = json.loads((tmp_path / "library.json").read_text())
    assert data["_meta"]["1"]["schema"] == 1 and len(data["papers"]) == 2


def test_a_batch_is_one_journal_write(library):
    before = journal_lines(library)
    library.capture([hf(f"2501.{n:05d}", f"Paper {n}") for n in range(50)])
    assert journal_lines(library) == before + 1
    library.set_saved([f"arxiv:2501.{n:05d}" for n in range(50)], True)
    assert journal_lines(library) == before + 2


def test_unknown_arxiv_key_is_saved_as_a_stub_the_next_capture_fills(library):
    assert library.set_saved(["https://arxiv.org/abs/2501.00009v2"], True) == ["arxiv:2501.00009"]
    (p,) = library.capture([hf("2501.00009", "Real Title")])
    assert p.saved and p.title == "Real Title"


def test_many_threads_write_at_once_and_lose_nothing(library):
    threads, per_thread = 8, 200

    def work(t: int) -> None:
        for i in range(per_thread):
            library.capture([hf(f"24{t:02d}.{i:05d}", f"Paper {t} {i}")])
            if i % 2 == 0:
                library.set_saved([f"arxiv:24{t:02d}.{i:05d}"], True)

    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(library) == threads * per_thread
    assert library.counts()["saved"] == threads * per_thread // 2
    keys = [d["key"] for d in library.search()]
    assert len(keys) == len(set(keys))
    path = library.dir
    library.close()
    with Library(path) as again:
        assert len(again) == threads * per_thread and again.counts()["saved"] == threads * per_thread // 2


def test_a_cut_off_last_journal_line_is_dropped_not_fatal(tmp_path):
    lib = Library(tmp_path)
    lib.capture([hf("2501.00001", "A")])
    lib._journal.write(b'{"seq": 99, "put": [{"_id": 5, "key": "arxiv:25')  # crash mid-append
    lib._journal.flush()
    lib._journal = None  # simulate the process dying: no clean close
    lib._lock_file.close()
    with Library(tmp_path) as again:
        assert len(again) == 1 and again.get("arxiv:2501.00001")


@pytest.mark.parametrize("damage", [
    lambda raw: raw[: len(raw) // 2],  # truncated
    lambda raw: b"\x00\x01garbage" + raw,  # corrupted
    lambda raw: b'{"papers": {}}',  # no schema
    lambda raw: raw.replace(b'"schema":1', b'"schema":99'),  # from the future
])
def test_an_unreadable_library_is_refused_and_left_untouched(tmp_path, damage):
    with Library(tmp_path) as lib:
        lib.capture([hf("2501.00001", "A")])
    snapshot = tmp_path / "library.json"
    snapshot.write_bytes(damage(snapshot.read_bytes()))
    before = snapshot.read_bytes()
    with pytest.raises(LibraryError) as err:
        Library(tmp_path)
    assert str(snapshot) in str(err.value)
    assert snapshot.read_bytes() == before


def test_a_corrupted_journal_line_in_the_middle_is_refused(tmp_path):
    with Library(tmp_path, compact_bytes=10**9) as lib:
        lib.capture([hf("2501.00001", "A")])
        lib.capture([hf("2501.00002", "B")])
        lib._journal.flush()
        raw = lib.journal_path.read_bytes()
        lib.journal_path.write_bytes(raw.replace(b'"seq":', b'"seq":"x', 1))
        lib._journal = None  # die without a clean close
    with pytest.raises(LibraryError, match="library.journal, line 1"):
        Library(tmp_path)


def test_only_one_process_may_write(tmp_path):
    with Library(tmp_path):
        with pytest.raises(LibraryInUse, match="in use"):
            Library(tmp_path)
        with Library(tmp_path, read_only=True) as reader:  # export/stats still work
            assert len(reader) == 0


def test_snapshots_fold_the_journal_and_keep_everything(tmp_path):
    with Library(tmp_path, compact_bytes=2000) as lib:
        for n in range(40):
            lib.capture([hf(f"2501.{n:05d}", f"Paper {n}", abstract="x" * 200)])
        lib.set_saved(["arxiv:2501.00003"], True)
        if lib._compactor:
            lib._compactor.join()
        assert lib.snapshot_path.exists()
        assert lib.journal_path.stat().st_size < 4000  # folded, not growing forever
    with Library(tmp_path) as again:
        assert len(again) == 40 and again.get("arxiv:2501.00003").saved
