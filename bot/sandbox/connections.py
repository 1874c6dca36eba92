"""Count the TCP connections the sandbox accepted, so tests can see whether clients reuse them."""

from __future__ import annotations

import threading


class ConnectionCount:
    """The number of connections accepted since the server started or the count was cleared."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._accepted = 0

    def accepted(self) -> None:
        """Count one more accepted connection."""
        with self._lock:
            self._accepted += 1

    def total(self) -> int:
        """Return how many connections were accepted."""
        with self._lock:
            return self._accepted

    def clear(self) -> None:
        """Start counting from zero."""
        with self._lock:
            self._accepted = 0
