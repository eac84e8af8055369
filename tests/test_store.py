"""The library store: merging, persistence, concurrency and refusing to damage a library."""

from __future__ import annotations

import errno
import json
import os
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


def die(lib: Library) -> None:
    """The process dies: no snapshot, no clean close; only the lock goes (the OS drops it)."""
    lib._log.close()


def test_capture_records_papers_as_seen_and_counts_views(library, clock):
    first = library.capture([hf("2504.06261", "Hogwild! Inference"), hf("2502.21321", "RoboBrain")])
    assert [p.key for p in first] == ["arxiv:2504.06261", "arxiv:2502.21321"]
    assert all(p.seen_count == 1 and not p.saved and p.first_seen for p in first)
    clock.next_day()
    again = library.capture([hf("2504.06261v2", "Hogwild! Inference: Parallel LLM Generation")])
    assert again[0].seen_count == 2
    assert again[0].title == "Hogwild! Inference: Parallel LLM Generation"
    assert again[0].first_seen == first[0].first_seen
    assert len(library) == 2


def test_a_page_listing_a_paper_twice_is_one_view(library):
    stored = library.capture([hf("2504.06261", "Hogwild"), hf("2504.06261", "Hogwild")])
    assert [p.seen_count for p in stored] == [1, 1]
    assert len(library) == 1


def test_an_arxiv_capture_absorbs_its_title_only_twin(library, clock):
    library.capture([text("Fast & Slow: Thinking in LLMs", author_count=4)])
    clock.next_day()
    library.set_saved(["title:fast slow thinking in llms"], True)
    library.update("title:fast slow thinking in llms", tags=["reasoning"], note="read later")
    (merged,) = library.capture([hf("2501.00001", "Fast & Slow — Thinking in LLMs", authors=["A", "B", "C", "D"])])
    assert merged.key == "arxiv:2501.00001"
    assert len(library) == 1 and library.get("title:fast slow thinking in llms") is None
    assert merged.saved and merged.tags == ["reasoning"] and merged.note == "read later"
    assert merged.seen_count == 2 and {s.site for s in merged.sources} == {"text", "huggingface"}


def test_a_title_only_capture_joins_the_record_with_an_id(library, clock):
    library.capture([hf("2501.00001", "Fast & Slow")])
    clock.next_day()
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
    keys = [p.key for p in library.all()]
    assert len(keys) == len(set(keys))
    path = library.dir
    library.close()
    with Library(path) as again:
        assert len(again) == threads * per_thread and again.counts()["saved"] == threads * per_thread // 2


def test_a_cut_off_last_journal_line_is_dropped_not_fatal(tmp_path):
    lib = Library(tmp_path)
    lib.capture([hf("2501.00001", "A")])
    die(lib)
    with open(lib.journal_path, "ab") as f:
        f.write(b'{"seq": 2, "put": [{"_id": 5, "key": "arxiv:25')  # the crash came mid-append
    with Library(tmp_path) as again:
        assert len(again) == 1 and again.get("arxiv:2501.00001")
        again.capture([hf("2501.00002", "B")])
    with Library(tmp_path) as third:
        assert len(third) == 2


def test_a_journal_cut_just_before_its_last_newline_keeps_working(tmp_path):
    lib = Library(tmp_path)
    lib.capture([hf("2501.00001", "A")])
    die(lib)
    lib.journal_path.write_bytes(lib.journal_path.read_bytes().rstrip(b"\n"))
    lib = Library(tmp_path)
    assert len(lib) == 1
    lib.capture([hf("2501.00002", "B")])
    die(lib)  # and crash again: the two entries must be on two lines
    with Library(tmp_path) as again:
        assert len(again) == 2


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
        die(lib)
        raw = lib.journal_path.read_bytes()
        lib.journal_path.write_bytes(raw.replace(b'"seq":', b'"seq":"x', 1))
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
        # Writes made while a snapshot is being written stay in the journal until the next
        # write starts another snapshot (how many depends on the machine's speed): let the one
        # running finish, write once more, and let the snapshot that write starts finish too.
        if lib._compactor:
            lib._compactor.join()
        lib.set_saved(["arxiv:2501.00003"], True)
        if lib._compactor:
            lib._compactor.join()
        assert lib.snapshot_path.exists()
        # Folded, not growing forever: a snapshot starts once the journal holds compact_bytes or
        # a quarter of the last snapshot, whichever is more (compaction.py).
        assert lib.journal_path.stat().st_size < max(4000, lib.snapshot_path.stat().st_size // 4 + 2000)
    with Library(tmp_path) as again:
        assert len(again) == 40 and again.get("arxiv:2501.00003").saved


def test_the_same_paper_twice_in_one_request_is_one_change(library):
    library.capture([hf("2501.00001", "A")])
    library.update("arxiv:2501.00001", tags=["keep"], note="mine")
    spellings = ["arxiv:2501.00001", "https://arxiv.org/abs/2501.00001v2", "arxiv:2501.00001"]
    assert library.set_saved(spellings, True) == ["arxiv:2501.00001"]
    assert library.update_many(spellings, add_tags=["x"]) == ["arxiv:2501.00001"]
    assert library.set_saved(["arxiv:2501.00009", "arxiv:2501.00009v1"], True) == ["arxiv:2501.00009"]
    path = library.dir
    library.close()
    with Library(path) as again:
        p = again.get("arxiv:2501.00001")
        assert p.saved and p.tags == ["keep", "x"] and p.note == "mine"
        assert [p.key for p in again.all()].count("arxiv:2501.00009") == 1


@pytest.mark.parametrize("order", ["title first", "arxiv first"])
def test_one_batch_with_a_paper_and_its_title_only_twin_keeps_user_data(library, order, clock):
    library.capture([hf("1706.03762", "Attention Is All You Need")])
    library.set_saved(["arxiv:1706.03762"], True)
    library.update("arxiv:1706.03762", tags=["classic"], note="read twice", read=True)
    twin = [text("Attention is all you need", venue="NeurIPS 2017"),
            hf("1706.03762", "Attention Is All You Need")]
    outcome = library.import_papers(twin if order == "title first" else twin[::-1])
    assert outcome.added == 0
    assert len(library) == 1
    p = library.get("arxiv:1706.03762")
    assert (p.saved, p.tags, p.note, p.read) == (True, ["classic"], "read twice", True)
    assert p.venue == "NeurIPS 2017"
    seen_before = p.seen_count
    clock.next_day()
    library.capture(twin)  # one page view, even though the page lists it twice
    assert library.get("arxiv:1706.03762").seen_count == seen_before + 1 and len(library) == 1


def test_a_doi_finds_the_arxiv_record_that_carries_it(library):
    library.capture([hf("2501.00001", "A", doi="10.1000/XYZ")])
    assert library.set_saved(["doi:10.1000/xyz"], True) == ["arxiv:2501.00001"]
    assert library.status(["doi:10.1000/XYZ"])["doi:10.1000/XYZ"]["saved"] is True
    assert len(library) == 1


def test_seeing_a_paper_on_one_site_leaves_the_other_sources_dates_alone(library):
    (first,) = library.capture([Paper(title="A", arxiv_id="2501.00001",
                                      sources=[Source("arxiv", "https://arxiv.org/list/cs.LG/new")])])
    arxiv_seen = first.sources[0].last_seen
    import time
    time.sleep(1.1)
    (again,) = library.capture([hf("2501.00001", "A")])
    by_site = {s.site: s for s in again.sources}
    assert by_site["arxiv"].last_seen == arxiv_seen
    assert by_site["huggingface"].last_seen > arxiv_seen


def test_a_failed_journal_write_leaves_nothing_behind(library, monkeypatch):
    library.capture([hf("2501.00001", "A")])
    size = library.journal_path.stat().st_size
    real_write = os.write

    def disk_full(fd, data):  # the disk fills up half-way through the line
        real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("papershelf.store.journal.os.write", disk_full)
    with pytest.raises(LibraryError, match="No space left"):
        library.capture([hf("2501.00002", "refused " * 50)])
    monkeypatch.undo()
    assert library.journal_path.stat().st_size == size and len(library) == 1
    library.update("arxiv:2501.00001", note="acknowledged")
    die(library)
    with Library(library.dir) as again:
        assert again.get("arxiv:2501.00001").note == "acknowledged"
        assert again.get("arxiv:2501.00002") is None


def test_absurd_counts_from_a_page_or_file_are_dropped_not_fatal(library):
    (p,) = library.capture([hf("2501.00001", "A", upvotes=10**20, github_stars=-5, author_count=True)])
    assert (p.upvotes, p.github_stars, p.author_count) == (None, None, None)
    library.import_papers([Paper.from_dict({"title": "B", "seen_count": 2**64, "upvotes": "many"})])
    assert library.get("title:b").seen_count == 0


def test_a_capture_id_counts_once_across_restarts_crashes_and_snapshots(tmp_path, monkeypatch, clock):
    page = [hf("2501.00001", "A"), hf("2501.00002", "B")]

    def counts(lib, capture_id):
        clock.next_day()  # a view a day: only the capture id can keep one from counting
        return [p.seen_count for p in lib.capture(page, capture_id=capture_id)]

    crashed = tmp_path / "crashed"
    with Library(tmp_path / "lib") as lib:
        assert counts(lib, "tab1-1") == [1, 1]
        assert counts(lib, "tab1-1") == [1, 1]  # the same view again
        assert counts(lib, "tab1-2") == [2, 2]
        # What a crash leaves right now: the journal, no snapshot.
        crashed.mkdir()
        for name in ("library.journal",):
            (crashed / name).write_bytes((tmp_path / "lib" / name).read_bytes())
    with Library(crashed) as lib:  # replayed from the journal
        assert counts(lib, "tab1-2") == [2, 2]
    with Library(tmp_path / "lib") as lib:  # closed cleanly: read from the snapshot
        assert not lib.journal_path.stat().st_size
        assert counts(lib, "tab1-1") == [2, 2] and counts(lib, "tab1-3") == [3, 3]

    # Only the latest ids are kept: a very old one counts again.
    monkeypatch.setattr("papershelf.store.library.REMEMBERED_CAPTURES", 3)
    with Library(tmp_path / "few") as lib:
        for n in range(1, 5):
            counts(lib, f"id-{n}")
        assert counts(lib, "id-4") == [4, 4] and counts(lib, "id-1") == [5, 5]


def test_a_paper_is_counted_once_a_local_day_and_its_dates_stay_honest(library, clock):
    (first,) = library.capture([hf("2504.06261", "Hogwild")])
    clock.now = clock.now.replace(hour=9)
    for hour in (10, 11, 12):  # reloads, re-renders, another listing: the same day
        clock.now = clock.now.replace(hour=hour)
        (again,) = library.capture([hf("2504.06261", "Hogwild")], capture_id=f"view-{hour}")
        assert again.seen_count == 1
        assert again.last_seen == clock.now.isoformat(timespec="seconds").replace("+00:00", "Z")
        assert again.first_seen == first.first_seen
    clock.next_day()
    (later,) = library.capture([hf("2504.06261", "Hogwild")])
    assert later.seen_count == 2 and later.first_seen == first.first_seen and later.last_seen > again.last_seen
    assert library.status(["arxiv:2504.06261"])["arxiv:2504.06261"]["seen_count"] == 2


def test_the_day_is_the_servers_local_day(library, clock, monkeypatch):
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        clock.now = clock.now.replace(hour=23)  # 18:00 in New York
        library.capture([hf("2504.06261", "Hogwild")])
        clock.now = clock.now.replace(day=clock.now.day + 1, hour=3)  # 22:00 the same day there
        assert library.capture([hf("2504.06261", "Hogwild")])[0].seen_count == 1
        clock.now = clock.now.replace(hour=6)  # 01:00 the next day there
        assert library.capture([hf("2504.06261", "Hogwild")])[0].seen_count == 2
    finally:
        monkeypatch.undo()
        time.tzset()


def test_delete_many_is_one_change_and_leaves_the_index_agreeing(tmp_path):
    from papershelf.query import PaperQuery

    with Library(tmp_path) as lib:
        lib.capture([hf(f"2501.{n:05d}", f"Walrus paper {n}") for n in range(30)])
        lines = journal_lines(lib)
        gone = lib.delete_many(["arxiv:2501.00003", "https://arxiv.org/abs/2501.00004v2", "arxiv:2501.00003",
                                "arxiv:2599.99999"])
        assert [p.key for p in gone] == ["arxiv:2501.00003", "arxiv:2501.00004"]  # each once, unknown left out
        assert gone[0].title == "Walrus paper 3"
        assert journal_lines(lib) == lines + 1  # one journal line for the whole selection
        assert len(lib) == 28 and lib.get("arxiv:2501.00004") is None
        query = PaperQuery(q="walrus", saved=None, limit=1000)
        keys = lib.keys(query)
        assert len(keys) == 28 and "arxiv:2501.00003" not in keys
        assert keys == [d["key"] for d in lib.find(query)[1]] == [d["key"] for d in lib._views.ordered(lib._seq, query)]
        assert lib.delete_many([]) == [] and journal_lines(lib) == lines + 1
    with Library(tmp_path) as again:
        assert len(again) == 28 and again.get("arxiv:2501.00003") is None
