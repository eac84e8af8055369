"""Answers to recent requests by their id, so that a repeated request is answered, not redone."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable


class RecentAnswers:
    """The last ``limit`` answers by request id.

    Held in memory: it covers the repeats that happen within seconds or minutes (lost answers,
    retries); a repeat that arrives after the server restarted is done again.
    """

    def __init__(self, limit: int = 2000) -> None:
        self.limit = limit
        self._answers: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()  # one id at a time: a repeat that races its original waits for it

    def once(self, request_id: str, work: Callable[[], Any]) -> Any:
        with self._lock:
            if request_id in self._answers:
                self._answers.move_to_end(request_id)
                return self._answers[request_id]
            answer = work()
            self._answers[request_id] = answer
            while len(self._answers) > self.limit:
                self._answers.popitem(last=False)
            return answer
