"""Pass work done after a form's request either into its acknowledgement or to views.update."""

from __future__ import annotations

import threading
import time
from typing import Generic, TypeVar

T = TypeVar("T")

_WAITING, _TAKEN, _ABANDONED = "waiting", "taken", "abandoned"


class Handoff(Generic[T]):
    """Let a listener wait briefly for a job's outcome to put it into its ack.

    The job offers its outcome; if the listener is still waiting it takes it, and the job is
    done. Once the listener has stopped waiting (it acked with a "working" view instead), the
    job must show the outcome itself with views.update.
    """

    def __init__(self) -> None:
        self._ready = threading.Condition()
        self._state = _WAITING
        self._outcome: T | None = None
        self._abandoned_at = 0.0

    def wait(self, timeout: float) -> T | None:
        """Return the job's outcome if it comes within `timeout` seconds; else None, for good."""
        with self._ready:
            self._ready.wait_for(lambda: self._state != _WAITING, timeout=timeout)
            if self._state == _TAKEN:
                return self._outcome
            self._state = _ABANDONED
            self._abandoned_at = time.monotonic()
            return None

    def offer(self, outcome: T) -> bool:
        """Give the outcome to the waiting listener; False when it no longer waits."""
        with self._ready:
            if self._state != _WAITING:
                return False
            self._outcome, self._state = outcome, _TAKEN
            self._ready.notify_all()
            return True

    def settle(self, seconds: float) -> None:
        """Sleep until `seconds` after the listener stopped waiting.

        Slack applies a response_action when the ack reaches it; a views.update that arrives
        first would be replaced by the ack's "working" view.
        """
        with self._ready:
            abandoned_at = self._abandoned_at
        remaining = abandoned_at + seconds - time.monotonic()
        if remaining > 0:
            time.sleep(remaining)


class Once:
    """Let the first of several racing callers through, and no other; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._claimed = False

    def claim(self) -> bool:
        """Return True to the first caller only."""
        with self._lock:
            if self._claimed:
                return False
            self._claimed = True
            return True
