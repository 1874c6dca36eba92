"""Changes made from Slack that a poll running meanwhile must neither undo nor tell again.

Two kinds are kept, in memory, per ticket and field:
- noted: a value a change from Slack gave a field, and when. A poll that read WHMCS before
  then writes this value, not its own older one, even when the ticket was not remembered yet
  or the value is the one the poll started from (set elsewhere and back again meanwhile).
- expected: a value a write whose outcome nobody could confirm (its answer and the read-back
  were lost) may have given a field, and the Slack user who asked. The first poll that reads
  the ticket afterwards tells that value, when WHMCS has it, as the change of that person.

Only the polls running when a change is made need these; each poll forgets the noted values
older than its start, and anything older than KEPT seconds is forgotten in any case (a ticket no
poll reads, or a bot without triage routes).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

# Seen's names of the ticket values triage compares.
FIELDS = ("status", "priority", "deptid", "flag", "subject")
# Seconds a change is kept at most, for the polls to come.
KEPT = 3600.0

Value = str | int


@dataclass(frozen=True)
class Noted:
    """A value a change from Slack gave a field, and when it was noted."""

    value: Value
    at: float


@dataclass(frozen=True)
class Expected:
    """A value an unconfirmed write may have set, who asked for it, and when."""

    value: Value
    slack_user: str
    at: float


class SlackChanges:
    """Remember recent changes from Slack, noted and unconfirmed, for the polls running."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._noted: dict[int, dict[str, Noted]] = {}
        self._expected: dict[int, dict[str, Expected]] = {}

    def noted(self, ticket_id: int, values: Mapping[str, Value], at: float) -> None:
        """Record values a change from Slack gave; they replace any unconfirmed ones."""
        with self._lock:
            fields = self._noted.setdefault(ticket_id, {})
            expected = self._expected.get(ticket_id, {})
            for name, value in values.items():
                fields[name] = Noted(value, at)
                expected.pop(name, None)
            if not expected:
                self._expected.pop(ticket_id, None)
            _drop_older(self._noted, at - KEPT)

    def expected(
        self, ticket_id: int, values: Mapping[str, Value], slack_user: str, at: float
    ) -> None:
        """Record values a write whose outcome is unknown may have given a ticket."""
        with self._lock:
            fields = self._expected.setdefault(ticket_id, {})
            for name, value in values.items():
                fields[name] = Expected(value, slack_user, at)
            _drop_older(self._expected, at - KEPT)

    def since(self, ticket_id: int, moment: float) -> dict[str, Noted]:
        """Return the values noted for a ticket after a moment."""
        with self._lock:
            fields = self._noted.get(ticket_id, {})
            return {name: noted for name, noted in fields.items() if noted.at > moment}

    def explained(
        self, ticket_id: int, changed: Mapping[str, Value], read: float
    ) -> dict[str, str]:
        """Return who asked for each change an unconfirmed write explains, and settle them.

        Args:
            changed: the fields a poll found changed, with their values in WHMCS now.
            read: when the poll began; unconfirmed writes before it are settled either way,
                as the poll read WHMCS after them.
        """
        users: dict[str, str] = {}
        with self._lock:
            fields = self._expected.get(ticket_id)
            if not fields:
                return users
            for name, expected in list(fields.items()):
                if name in changed and changed[name] == expected.value:
                    users[name] = expected.slack_user
                    del fields[name]
                elif expected.at < read:
                    del fields[name]
            if not fields:
                del self._expected[ticket_id]
        return users

    def forget(self, before: float) -> None:
        """Drop noted values older than a poll's start, and unconfirmed ones long unread."""
        with self._lock:
            _drop_older(self._noted, before)
            _drop_older(self._expected, before - KEPT)


def _drop_older(
    changes: dict[int, dict[str, Noted]] | dict[int, dict[str, Expected]], oldest: float
) -> None:
    for ticket_id in list(changes):
        fields = changes[ticket_id]
        for name in [name for name, change in fields.items() if change.at < oldest]:
            del fields[name]
        if not fields:
            del changes[ticket_id]
