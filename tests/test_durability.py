"""A write the API acknowledged survives ``kill -9`` a moment later; a crash never breaks the library."""

from __future__ import annotations

import http.client
import os
import random
import threading
import time

from support import FIXTURES, LiveServer

from papershelf.parsing.page import parts_from_html
from papershelf.store import Library

KILLS = 50


def test_acknowledged_saves_survive_sigkill_at_random_moments(tmp_path, monkeypatch, progress):
    # Small snapshots threshold, so that kills also land while a snapshot is being written.
    monkeypatch.setenv("PAPERSHELF_COMPACT_BYTES", "20000")
    data = tmp_path / "lib"
    rng = random.Random(20261122)
    acknowledged: set[str] = set()
    counter = 0
    server = LiveServer(data)

    for round_no in range(KILLS):
        if round_no % 10 == 0:
            progress(f"kill -9 round {round_no + 1}-{min(round_no + 10, KILLS)} of {KILLS}")
        server.start()
        stop = threading.Event()

        def client() -> None:
            nonlocal counter
            while not stop.is_set():
                counter += 1
                key = f"arxiv:{2600 + round_no:04d}.{counter:05d}"
                meta = [["citation_title", f"Paper {counter} " + "words " * 40], ["citation_arxiv_id", key[6:]]]
                try:
                    if counter % 3:
                        status, _ = server.api("POST", "/api/save", json={"keys": [key]})
                    else:
                        status, _ = server.api("POST", "/api/save", json={"url": "https://example.org/p",
                                                                          "page": {"meta": meta}})
                except (OSError, http.client.HTTPException):
                    return  # the server died under us: this request was never acknowledged
                if status == 200:
                    acknowledged.add(key)

        t = threading.Thread(target=client)
        t.start()
        time.sleep(rng.uniform(0.05, 0.5))
        server.kill()  # SIGKILL: no clean shutdown, no snapshot
        stop.set()
        t.join()

        # The library opens, and holds every acknowledged save.
        with Library(data, read_only=True) as lib:
            status = lib.status(sorted(acknowledged))
            missing = [k for k, s in status.items() if not s["saved"]]
            assert not missing, f"round {round_no}: acknowledged saves lost: {missing[:5]}"

    assert len(acknowledged) > KILLS  # the test really wrote under fire
    with Library(data) as lib:  # and a writer opens it too (replaying and folding the journals)
        assert lib.counts()["saved"] >= len(acknowledged)
    assert not (data / "library.journal.old").exists()
    assert os.path.getsize(data / "library.journal") == 0


def test_a_reader_beside_a_compacting_server_sees_every_acknowledged_save(tmp_path, monkeypatch):
    # `papershelf export` opens the library read-only while the server keeps writing and
    # folding its journal into snapshots; it must never see less than was acknowledged.
    monkeypatch.setenv("PAPERSHELF_COMPACT_BYTES", "5000")
    server = LiveServer(tmp_path / "lib").start()
    acknowledged: list[str] = []
    stop = threading.Event()

    def saver() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            key = f"arxiv:2611.{n:05d}"
            if server.api("POST", "/api/save", json={"keys": [key]})[0] == 200:
                acknowledged.append(key)

    t = threading.Thread(target=saver)
    t.start()
    reads = 0
    deadline = time.monotonic() + 60
    try:
        while len(acknowledged) < 300 and time.monotonic() < deadline:
            before = len(acknowledged)
            with Library(server.data_dir, read_only=True) as reader:
                assert len(reader) >= before
            reads += 1
    finally:
        stop.set()
        t.join()
        server.stop()
    assert len(acknowledged) >= 300 and reads > 50
    assert (server.data_dir / "library.json").exists()  # snapshots were written meanwhile
    with Library(server.data_dir, read_only=True) as reader:
        assert len(reader) == len(acknowledged)


def test_a_capture_sent_again_after_a_crash_is_counted_once(tmp_path):
    # The extension names each capture; if the server dies before the browser reads the answer,
    # the browser sends the same capture again to the restarted server.
    url = "https://huggingface.co/papers?q=agents"
    page = parts_from_html(url, (FIXTURES / "hf_search_with_props.html").read_text("utf-8"))
    body = {"url": url, "cards": page.cards, "page": {"props": page.props, "meta": [list(m) for m in page.meta]},
            "capture_id": "tab3-1795000000000-1"}
    server = LiveServer(tmp_path / "lib").start()
    status, first = server.api("POST", "/api/capture", json=body)
    assert status == 200 and first["papers"] and all(p["seen_count"] == 1 for p in first["papers"])
    server.kill()  # SIGKILL: only the journal holds the capture
    server.start()
    status, again = server.api("POST", "/api/capture", json=body)
    assert status == 200 and [p["seen_count"] for p in again["papers"]] == [1] * len(first["papers"])
    server.stop()  # a clean stop: now a snapshot holds it
    server.start()
    status, third = server.api("POST", "/api/capture", json=body)
    assert [p["seen_count"] for p in third["papers"]] == [1] * len(first["papers"])
    status, other = server.api("POST", "/api/capture", json={**body, "capture_id": "tab3-1795000000000-2"})
    # Another view, the same day: seen_count counts the days a paper was seen on (merge.py).
    assert status == 200 and [p["seen_count"] for p in other["papers"]] == [1] * len(first["papers"])
    server.stop()
