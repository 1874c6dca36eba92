"""Remember recent slash command invocations, so that a replayed request does no work twice."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

# Slack accepts a signed request for 5 minutes after its timestamp; remembering each trigger_id
# for twice that covers any replay the signature check lets through, clock skew included.
WINDOW_SECONDS = 600.0
CAPACITY = 10_000


class RecentTriggers:
    """The trigger_ids seen in the last `window` seconds, at most `capacity` of them; thread-safe.

    Slack gives every invocation of a slash command, shortcut or button its own trigger_id, so a
    trigger_id seen twice is the same request sent again.
    """

    def __init__(
        self,
        window: float = WINDOW_SECONDS,
        capacity: int = CAPACITY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.window = window
        self.capacity = capacity
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, trigger_id: str) -> bool:
        """Record `trigger_id`; return False if it was already seen within the window."""
        now = self._clock()
        with self._lock:
            self._forget_before(now - self.window)
            if trigger_id in self._seen:
                return False
            self._seen[trigger_id] = now
            # NOTE: when full, the oldest is dropped: a flood of fresh trigger_ids can push out
            # one that is still in its window, but memory stays bounded.
            while len(self._seen) > self.capacity:
                self._seen.popitem(last=False)
            return True

    def __len__(self) -> int:
        with self._lock:
            return len(self._seen)

    def _forget_before(self, cutoff: float) -> None:
        while self._seen:
            oldest, seen_at = next(iter(self._seen.items()))
            if seen_at >= cutoff:
                return
            del self._seen[oldest]
