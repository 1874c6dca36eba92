"""One lock per ticket, so that clicks on its cards are handled one after another."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class TicketLocks:
    """Hand out a lock per ticket id while anyone holds or waits for it; thread-safe.

    A double click, or two people clicking at once, would otherwise read the same ticket and
    both write: held around read, write and card update, the second click sees the first's
    result. Locks of tickets nobody is clicking are dropped, so memory stays bounded.
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[int, threading.Lock] = {}
        self._users: dict[int, int] = {}

    @contextmanager
    def hold(self, ticket_id: int) -> Iterator[None]:
        """Hold the ticket's lock for the duration of a `with` block."""
        with self._guard:
            lock = self._locks.setdefault(ticket_id, threading.Lock())
            self._users[ticket_id] = self._users.get(ticket_id, 0) + 1
        try:
            with lock:
                yield
        finally:
            with self._guard:
                self._users[ticket_id] -= 1
                if self._users[ticket_id] == 0:
                    del self._users[ticket_id]
                    del self._locks[ticket_id]

    def __len__(self) -> int:
        with self._guard:
            return len(self._locks)
