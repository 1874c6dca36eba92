"""Remember, briefly, which bare numbers are no ticket's number.

A bare number such as `42` may be a ticket id or an all-digit ticket number, so it costs two
lookups. Once WHMCS has said that no ticket has the number 42, a second command on ticket 42
within the catalog's lifetime skips that lookup: a number that was nobody's a minute ago is
still nobody's, as WHMCS gives new tickets numbers from its ticket mask.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

LIMIT = 10_000


class AbsentNumbers:
    """Bare numbers recently found to be no ticket's number, for `ttl` seconds at most."""

    def __init__(
        self, ttl: float, clock: Callable[[], float] = time.monotonic, limit: int = LIMIT
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self.limit = limit
        self._lock = threading.Lock()
        self._noted: OrderedDict[str, float] = OrderedDict()

    def __contains__(self, number: object) -> bool:
        with self._lock:
            noted = self._noted.get(str(number))
            if noted is None:
                return False
            if self.clock() - noted >= self.ttl:
                del self._noted[str(number)]
                return False
            return True

    def note(self, number: str) -> None:
        """Remember that no ticket has this number; the oldest entry goes past the limit."""
        if self.ttl <= 0:
            return
        with self._lock:
            self._noted[number] = self.clock()
            self._noted.move_to_end(number)
            while len(self._noted) > self.limit:
                self._noted.popitem(last=False)
