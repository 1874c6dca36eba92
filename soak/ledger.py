"""What the soak did: how many of each thing it sent, and every change it made outside the bot."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Direct:
    """One field of a ticket set outside the bot, somewhere between `start` and `end`.

    Args:
        field: the field as the audit record names it (Status, Priority, Department, ...).
        value: the value as the audit record writes it (a department's or admin's name).
        source: "admin area" (set in the sandbox directly), "customer reply" or "opened".
    """

    ticket: int
    field: str
    value: str
    start: float
    end: float
    source: str


class Ledger:
    """The soak's own log; safe to use from every worker thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._directs: list[Direct] = []
        self._tickets: list[int] = []
        self._problems: list[str] = []

    def count(self, what: str, by: int = 1) -> None:
        """Count one more of something sent: "command", "click", "submission", ..."""
        with self._lock:
            self._counts[what] += by

    def counts(self) -> Counter[str]:
        """Return how many of each thing were sent."""
        with self._lock:
            return Counter(self._counts)

    def direct(self, change: Direct) -> None:
        """Log a change made outside the bot."""
        with self._lock:
            self._directs.append(change)

    def directs(self) -> list[Direct]:
        """Return the changes made outside the bot, in the order they were logged."""
        with self._lock:
            return list(self._directs)

    def add_ticket(self, ticket_id: int) -> None:
        """Add a ticket to the pool the workers pick from."""
        with self._lock:
            self._tickets.append(ticket_id)

    def tickets(self) -> list[int]:
        """Return the pool of tickets."""
        with self._lock:
            return list(self._tickets)

    def problem(self, text: str) -> None:
        """Note something the soak saw go wrong on the Slack side (an ack refused, ...)."""
        with self._lock:
            self._problems.append(text)

    def problems(self) -> list[str]:
        """Return what went wrong on the Slack side, oldest first."""
        with self._lock:
            return list(self._problems)
