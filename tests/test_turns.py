"""Foreground first (store/turns.py): background threads wait at their breaks while a call
someone waits for runs, never longer than LONGEST_PAUSE, and never when the same code runs in a
caller's thread.  Every wait here is for a condition (events), none for time."""

from __future__ import annotations

import threading
import time

import pytest

from papershelf.store import turns


def background_worker(breaks: int, passed: list, idle: float = 0.0) -> threading.Thread:
    """A thread that declares itself background work and passes ``breaks`` breaks, noting each."""

    def run() -> None:
        turns.background()
        for i in range(breaks):
            turns.pause(idle)
            passed.append(i)

    t = threading.Thread(target=run, daemon=True)
    return t


class WatchedCondition(threading.Condition):
    """turns' condition, telling when a break starts to wait on it."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting = threading.Event()

    def wait(self, timeout=None):
        self.waiting.set()
        return super().wait(timeout)


def test_a_background_break_waits_while_a_foreground_call_runs(monkeypatch):
    monkeypatch.setattr(turns, "LONGEST_PAUSE", 600)  # only the end of the call lets it on
    cond = WatchedCondition()
    monkeypatch.setattr(turns, "_cond", cond)
    passed: list[int] = []
    with turns.foreground():
        worker = background_worker(3, passed)
        worker.start()
        assert cond.waiting.wait(10)
        assert passed == []  # at its first break, waiting for the call to end
    worker.join(10)
    assert passed == [0, 1, 2]


def test_a_break_in_a_callers_thread_never_waits(monkeypatch):
    """The snapshot written at opening or closing runs the writer's code under the library's
    lock, in the caller's thread: its breaks must not wait for requests (which wait for the lock)."""
    monkeypatch.setattr(turns, "LONGEST_PAUSE", 600)
    other_started, other_may_end = threading.Event(), threading.Event()

    def other_request() -> None:
        with turns.foreground():
            other_started.set()
            other_may_end.wait(10)

    t = threading.Thread(target=other_request, daemon=True)
    t.start()
    other_started.wait(10)
    try:
        for _ in range(100):
            turns.pause()  # returns at once, though a foreground call runs
    finally:
        other_may_end.set()
        t.join(10)


def test_a_foreground_call_waiting_for_background_work_steps_aside(monkeypatch):
    monkeypatch.setattr(turns, "LONGEST_PAUSE", 600)
    passed: list[int] = []
    with turns.foreground():
        worker = background_worker(2, passed)
        worker.start()
        with turns.waiting():  # e.g. the indexer's queue is full: the capture waits for it
            worker.join(10)
        assert passed == [0, 1]
        assert turns._running == 1  # foreground again after the wait
    assert turns._running == 0


def test_nested_foreground_calls_count_once():
    with turns.foreground():
        with turns.foreground():
            assert turns._running == 1
        assert turns._running == 1
    assert turns._running == 0


def test_foreground_work_that_never_ends_holds_background_work_back_only_a_while(monkeypatch):
    monkeypatch.setattr(turns, "LONGEST_PAUSE", 0.01)
    passed: list[int] = []
    with turns.foreground():
        worker = background_worker(5, passed)
        worker.start()
        worker.join(30)
        assert passed == [0, 1, 2, 3, 4]


class Clock:
    """turns' doze, which lets time pass only when the test says so (no test waits for time)."""

    def __init__(self) -> None:
        self.dozing = threading.Event()
        self.wake = threading.Event()

    def __call__(self, seconds: float) -> None:
        self.dozing.set()
        assert self.wake.wait(30)
        self.wake.clear()


def test_work_that_waits_for_a_quiet_moment_waits_for_one(monkeypatch):
    """The warm-up after start-up waits until no request has run for a while (app.py)."""
    clock = Clock()
    monkeypatch.setattr(turns, "_doze", clock)
    monkeypatch.setattr(turns, "_last_end", time.monotonic() - 60)  # quiet for a minute
    passed: list[int] = []
    worker = background_worker(1, passed, idle=30)
    worker.start()
    worker.join(30)
    assert passed == [0] and not clock.dozing.is_set()

    monkeypatch.setattr(turns, "_last_end", time.monotonic())  # a request has just ended
    worker = background_worker(1, passed, idle=30)
    worker.start()
    assert clock.dozing.wait(10)
    assert passed == [0] and worker.is_alive()
    turns._last_end = time.monotonic() - 60  # ... and nothing since
    clock.wake.set()
    worker.join(30)
    assert passed == [0, 0]


def test_an_answer_being_written_is_no_quiet_moment_but_lets_snapshots_on(monkeypatch):
    """An export's body is written after its request: the warm-up waits for it to end (it would
    take the interpreter from the export), the snapshot writer and the indexer do not."""
    clock = Clock()
    monkeypatch.setattr(turns, "_doze", clock)
    monkeypatch.setattr(turns, "_last_end", time.monotonic() - 60)

    def body():
        with turns.streaming():
            yield "a"
            yield "b"

    stream = body()
    next(stream)  # being written
    passed: list[int] = []
    snapshot = background_worker(1, passed)
    snapshot.start()
    snapshot.join(30)
    assert passed == [0]

    warm_up = background_worker(1, passed, idle=0.001)
    warm_up.start()
    assert clock.dozing.wait(10)
    assert passed == [0] and warm_up.is_alive()
    closer = threading.Thread(target=stream.close)  # the server closes it, from any thread
    closer.start()
    closer.join(10)
    turns._last_end = time.monotonic() - 60
    clock.wake.set()
    warm_up.join(30)
    assert passed == [0, 0] and turns._streaming == 0


@pytest.fixture(autouse=True)
def nothing_left_running():
    yield
    assert turns._running == 0
