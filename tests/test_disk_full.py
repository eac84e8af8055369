"""A full disk and a read-only data directory, for real: a small tmpfs mounted for the test.

Each failure gets one line (never a traceback), leaves no temporary file behind, and loses
nothing: the library holds every acknowledged change once there is room again.  Needs root
(mount); skipped elsewhere.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import LiveServer, deleted_but_open, free_port, wait_for

TEXT = {"Content-Type": "text/plain; charset=utf-8"}


@pytest.fixture
def small_disk(tmp_path):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def papershelf(*args, timeout=60):
    return subprocess.run([sys.executable, "-m", "papershelf", *args], capture_output=True, text=True, timeout=timeout)


def one_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    line = stderr.strip()
    assert line.startswith("papershelf: ") and "\n" not in line, stderr
    return line


def backup(n: int) -> bytes:
    papers = [{"title": f"Paper number {i}", "arxiv_id": f"2401.{i:05d}", "abstract": "word " * 200,
               "authors": ["Ada Lovelace", "Alan Turing"], "saved": True} for i in range(n)]
    return json.dumps({"format": "papershelf", "schema": 1, "papers": papers}).encode()


def test_a_full_disk_loses_nothing_and_says_so_in_one_line(small_disk, monkeypatch):
    data = small_disk / "lib"
    monkeypatch.setenv("PAPERSHELF_COMPACT_BYTES", "60000")
    server = LiveServer(data).start()
    try:
        status, body = server.api("POST", "/api/import", body=backup(300), headers=TEXT)
        assert status == 200 and body["added"] == 300
        # The import's journal line passed the threshold: a snapshot is written in the background.
        wait_for(lambda: (data / "library.json").exists() and not (data / "library.journal.old").exists()
                 and (data / "library.journal").stat().st_size == 0, "the first snapshot")
        # ... and the files it replaced freed (once requests fall quiet: store/compaction.py).
        wait_for(lambda: not deleted_but_open(data, server.proc.pid), "the replaced files to be freed")
        snapshot = (data / "library.json").stat().st_size
        # Fill the disk but for half a snapshot: changes still fit in the journal, a snapshot does not.
        free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
        with open(small_disk / "filler", "wb") as f:
            f.write(b"\0" * (free - snapshot // 2))
        notes = {}
        for i in range(200):
            key = f"arxiv:2401.{i:05d}"
            note = f"note {i} " + "x" * 1500
            status, body = server.api("PATCH", f"/api/papers/{key}", json={"note": note})
            if status == 507:
                # The search index beside the library took the room first: the change is refused
                # with the reason, and nothing of it is kept. The snapshot at shutdown still fails.
                assert "No space left on device" in body["error"]["message"], body
                break
            assert status == 200, body  # acknowledged: in the journal
            notes[key] = note
            old = data / "library.journal.old"
            # A snapshot starts at 60,000 bytes of journal or a quarter of the last snapshot,
            # whichever is more (store/compaction.py); unless the index took the room first.
            if old.exists() or (data / "library.journal").stat().st_size >= max(60000, snapshot // 4):
                # A background snapshot started (and will fail: no room); no more writes
                # until it is over, so that none races with its temporary file.
                wait_for(old.exists, "the background snapshot to start")
                break
        else:
            pytest.fail("neither a background snapshot nor a full journal happened")
        assert notes, "no change was acknowledged before the disk filled"
    finally:
        server.stop()
    # Shutdown could not write the snapshot either: it says so, in one line, not "library saved."
    assert "library saved" not in server.output, server.output
    assert "Traceback" not in server.output, server.output
    assert "papershelf: stopped, but the library snapshot could not be written (No space left on device)" in server.output
    assert not (data / "library.json.tmp").exists(), "a half-written snapshot was left behind"

    # A restart while the disk is still full: one line, nothing changed.
    before = sorted(os.listdir(data))
    port = free_port()
    result = papershelf("serve", "--port", str(port), "--data", str(data))
    assert result.returncode == 2
    assert "No space left on device" in one_line(result.stderr)
    assert sorted(os.listdir(data)) == before

    # With room again, every acknowledged change is there.
    (small_disk / "filler").unlink()
    server = LiveServer(data).start()
    try:
        status, body = server.api("GET", "/api/papers?saved=all&limit=1000")
        assert body["total"] == 300
        by_key = {p["key"]: p for p in body["papers"]}
        for key, note in notes.items():
            assert by_key[key]["note"] == note
    finally:
        server.stop()
    assert "library saved." in server.output
    assert not (data / "library.json.tmp").exists() and not (data / "library.journal.old").exists()


def test_a_read_only_data_directory_is_one_line_and_still_exports(small_disk, tmp_path):
    from papershelf.papers import Paper
    from papershelf.store import Library

    data = small_disk / "lib"
    with Library(data) as lib:
        lib.capture([Paper(title="Kept", arxiv_id="2401.00001")])
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    before = {p.name: p.stat().st_size for p in data.iterdir()}

    result = papershelf("serve", "--port", str(free_port()), "--data", str(data))
    assert result.returncode == 2
    assert "Read-only file system" in one_line(result.stderr)

    bib = tmp_path / "in.bib"
    bib.write_text("@misc{a, title = {New}, eprint = {2401.00002}}\n")
    result = papershelf("import", str(bib), "--data", str(data))
    assert result.returncode == 2
    assert "Read-only file system" in one_line(result.stderr)

    # Reading still works: the library can be exported from where it is.
    result = papershelf("export", "--format", "json", "--all", "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert [p["title"] for p in json.loads(result.stdout)["papers"]] == ["Kept"]
    assert {p.name: p.stat().st_size for p in Path(data).iterdir()} == before
