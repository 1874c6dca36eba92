"""Remember which revision of each ticket form is current, and which revisions were saved.

A form is filled again (a new revision) when a save finds that someone changed the ticket
meanwhile; only the newest revision may be saved, and each revision only once. Both records
live in memory, bounded in size and age: a form the bot no longer remembers (after a restart,
or after an hour) is judged by its signed metadata alone.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

KEPT = 10_000
KEPT_FOR = 3600.0  # seconds


class _Recent:
    """A map that forgets its oldest entries past `limit`, and any entry after `ttl` seconds."""

    def __init__(self, limit: int, ttl: float, clock: Callable[[], float]) -> None:
        self._limit = limit
        self._ttl = ttl
        self._clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, int]] = OrderedDict()

    def put(self, key: Hashable, value: int) -> None:
        self._entries[key] = (self._clock(), value)
        self._entries.move_to_end(key)
        self._forget()

    def get(self, key: Hashable) -> int | None:
        self._forget()
        found = self._entries.get(key)
        return None if found is None else found[1]

    def _forget(self) -> None:
        oldest = self._clock() - self._ttl
        while self._entries:
            key, (at, _) = next(iter(self._entries.items()))
            if at >= oldest and len(self._entries) <= self._limit:
                return
            del self._entries[key]


class FormRevisions:
    """The latest revision the bot issued for each form view, and the revisions saved."""

    def __init__(
        self, limit: int = KEPT, ttl: float = KEPT_FOR, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._lock = threading.Lock()
        self._latest = _Recent(limit, ttl, clock)
        self._saved = _Recent(limit, ttl, clock)

    def issue(self, view_id: str, revision: int) -> None:
        """Note that this view now shows this revision of the form."""
        with self._lock:
            self._latest.put(view_id, revision)

    def latest(self, view_id: str) -> int | None:
        """Return the revision the view shows now, or None when it is not remembered."""
        with self._lock:
            return self._latest.get(view_id)

    def outdated(self, view_id: str, revision: int) -> bool:
        """Tell whether a newer revision of this form was issued since this one."""
        latest = self.latest(view_id)
        return latest is not None and latest != revision

    def saved(self, view_id: str, revision: int) -> bool:
        """Tell whether this revision of the form was saved already."""
        with self._lock:
            return self._saved.get((view_id, revision)) is not None

    def mark_saved(self, view_id: str, revision: int) -> None:
        """Note that this revision of the form was saved: it may not be saved again."""
        with self._lock:
            self._saved.put((view_id, revision), revision)
