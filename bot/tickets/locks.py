"""Serialise the work on one ticket: one re-entrant lock per ticket, and a record of writes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class _Held:
    lock: threading.RLock
    users: int = 0


class TicketLocks:
    """One re-entrant lock per ticket, and which tickets this bot wrote since a given moment.

    A lock is kept only while someone holds or waits for it; the record of writes keeps the
    last WRITES_KEPT tickets, and counts a ticket it has forgotten as written.
    """

    WRITES_KEPT = 4096

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._held: dict[int, _Held] = {}
        self._count = 0
        self._written: OrderedDict[int, int] = OrderedDict()
        self._forgotten = 0

    @contextmanager
    def hold(self, ticket_id: int) -> Iterator[None]:
        """Hold the ticket's lock for the duration of the block."""
        with self._guard:
            held = self._held.setdefault(ticket_id, _Held(threading.RLock()))
            held.users += 1
        try:
            with held.lock:
                yield
        finally:
            with self._guard:
                held.users -= 1
                if held.users == 0:
                    del self._held[ticket_id]

    def mark(self) -> int:
        """Return a moment to ask `written_since` about later."""
        with self._guard:
            return self._count

    def wrote(self, ticket_id: int) -> None:
        """Note that an update of the ticket was sent to WHMCS."""
        with self._guard:
            self._count += 1
            self._written[ticket_id] = self._count
            self._written.move_to_end(ticket_id)
            if len(self._written) > self.WRITES_KEPT:
                _, moment = self._written.popitem(last=False)
                self._forgotten = max(self._forgotten, moment)

    def written_since(self, ticket_id: int, moment: int) -> bool:
        """Tell whether an update of the ticket may have been sent after `moment`."""
        with self._guard:
            return self._written.get(ticket_id, self._forgotten) > moment
