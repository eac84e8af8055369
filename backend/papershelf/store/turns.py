"""Foreground first: while a call someone waits for runs (a capture, a status, a save), the
library's background threads (the snapshot writer, the indexer) wait at their next break.

One interpreter lock serves every thread of the process.  A background thread busy in Python
keeps it for a switch interval (5 ms) at a time, and takes it each time the waiting call lets it
go for a read, a write or an fsync.  On 2 cores a capture that needs 20 ms of CPU took 60-100 ms
beside a snapshot being written and the index being brought up to date.  So background work
stops at its breaks (``pause``) while foreground work (``foreground``) runs, for at most
``LONGEST_PAUSE`` at a time: a steady stream of requests cannot hold a snapshot off for ever.

Only threads that declared themselves background (``background``) ever wait at a break: the
same code run by a caller (a snapshot written at opening or closing, under the library's lock)
goes straight on.  A foreground call that must itself wait for background work (the indexer's
queue is full) steps aside while it waits (``waiting``), so the two never wait for each other.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterator

LONGEST_PAUSE = 0.25  # seconds a background break waits for foreground work, at most
QUIET = 0.05  # seconds without a request that count as quiet (``pause(idle)``: work that can wait)
# ... before upkeep that takes the disk for tens of milliseconds and could wait for a person to
# read a page (freeing replaced files, the search index's checkpoints): a capture's journal
# fsync waits behind it.  With 50 ms, such upkeep ran between the captures of a bench firing them
# back to back, and the capture after it waited 30-40 ms for its fsync.
DISK_QUIET = 0.5

_cond = threading.Condition()
_running = 0  # foreground calls running now, in any thread
_streaming = 0  # answers being written after their request (exports), in any thread
_last_end = 0.0  # time.monotonic() when the last one ended
_mine = threading.local()  # .depth: this thread's foreground calls; .background: set by background()


@contextmanager
def foreground() -> Iterator[None]:
    global _running
    _mine.depth = getattr(_mine, "depth", 0) + 1
    if _mine.depth == 1:
        with _cond:
            _running += 1
    try:
        yield
    finally:
        _mine.depth -= 1
        if _mine.depth == 0:
            _leave()


@contextmanager
def waiting() -> Iterator[None]:
    """Around a foreground call's wait for background work: not foreground meanwhile."""
    global _running
    inside = getattr(_mine, "depth", 0) > 0
    if inside:
        _leave()
    try:
        yield
    finally:
        if inside:
            with _cond:
                _running += 1


def _leave() -> None:
    global _running, _last_end
    with _cond:
        _running -= 1
        if not _running:
            _last_end = time.monotonic()
            _cond.notify_all()


@contextmanager
def streaming() -> Iterator[None]:
    """Around the writing of an answer after its request (an export's body): not foreground
    (the snapshot writer and the indexer go on), but not a quiet moment either (``pause(idle)``).
    Counted for the process, not the thread: a WSGI server may close the body from another."""
    global _streaming, _last_end
    with _cond:
        _streaming += 1
    try:
        yield
    finally:
        with _cond:
            _streaming -= 1
            if not _streaming:
                _last_end = time.monotonic()


def activity() -> None:
    """Count now as a request's end (a server that has just started answering: clients ask next)."""
    global _last_end
    with _cond:
        _last_end = max(_last_end, time.monotonic())


def background() -> None:
    """Declare the calling thread background work (at the start of its target)."""
    _mine.background = True


def pause(idle: float = 0.0, longest: float | None = None) -> None:
    """A break in background work: wait while foreground work runs; else let any other thread
    have the interpreter.  With ``idle``: wait until no request has run and no answer has been
    written (``streaming``) for ``idle`` seconds (work that can wait for a client to fall quiet:
    between the requests of a burst, each answered in a millisecond or two, it would take the
    interpreter from the next one).  ``longest``: the longest wait (LONGEST_PAUSE unless said).
    A caller running this code goes straight on."""
    if not getattr(_mine, "background", False):
        time.sleep(0)
        return
    give_up = time.monotonic() + (LONGEST_PAUSE if longest is None else longest)
    if idle:
        # Looked at again after a while, never woken at each request's end: a thread woken at
        # every end took the interpreter from the next request (status of 100 keys right after
        # start-up: 1.4 ms without the waiting warm-up, 3.7 ms with it).
        while True:
            now = time.monotonic()
            busy = _running or _streaming
            if now >= give_up or not busy and now - _last_end >= idle:
                break
            _doze(min(give_up - now, idle if busy else _last_end + idle - now))
    else:
        with _cond:
            while _running and time.monotonic() < give_up:
                _cond.wait(give_up - time.monotonic())
    time.sleep(0)


_doze = time.sleep  # (tests watch it)
