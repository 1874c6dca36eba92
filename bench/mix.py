"""The `/ticket` commands the benchmark sends: one-field changes that always change something."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# Each kind's values in turn, starting from what a new bench ticket has (Open, Medium,
# unflagged), so that every command changes its field.
CYCLES = {
    "status": ("status On Hold", "status In Progress", "status Open"),
    "priority": ("priority High", "priority Low", "priority Medium"),
    "flag": ("flag me", "unflag"),
}
KINDS = tuple(CYCLES)
FIRST_TICKET = 1001
DEPARTMENTS = (1, 2, 3, 4)


def bench_tickets(count: int, first: int = FIRST_TICKET) -> list[dict[str, Any]]:
    """Return bulk-create rows for `count` open tickets spread over the four departments."""
    return [
        {
            "id": ticket_id,
            "deptid": DEPARTMENTS[ticket_id % len(DEPARTMENTS)],
            "status": "Open",
            "priority": "Medium",
            "flag": 0,
            "subject": f"Bench ticket {ticket_id}",
            "name": "Bench Customer",
            "email": "customer@example.net",
        }
        for ticket_id in range(first, first + count)
    ]


class FieldChanges:
    """Hand out one-field changes over a set of tickets, round robin, tracking each field."""

    def __init__(self, ticket_ids: Sequence[int]) -> None:
        self.ticket_ids = list(ticket_ids)
        self._turns: dict[tuple[int, str], int] = {}
        self._sent = 0

    def change(self, ticket_id: int, kind: str) -> str:
        """Return the command text for the next change of one field of one ticket."""
        turn = self._turns.get((ticket_id, kind), 0)
        self._turns[(ticket_id, kind)] = turn + 1
        values = CYCLES[kind]
        return f"{ticket_id} {values[turn % len(values)]}"

    def mixed(self, count: int) -> list[str]:
        """Return `count` commands, each ticket in turn, the kinds of change rotating."""
        texts = []
        for _ in range(count):
            rounds, index = divmod(self._sent, len(self.ticket_ids))
            ticket_id = self.ticket_ids[index]
            texts.append(self.change(ticket_id, KINDS[(rounds + index) % len(KINDS)]))
            self._sent += 1
        return texts

    def of_kind(self, kind: str, count: int) -> list[str]:
        """Return `count` changes of one kind, on different tickets."""
        return [self.change(self.ticket_ids[n % len(self.ticket_ids)], kind) for n in range(count)]
